"""Selection -> briefing model. The only producer of `model.Briefing`.

Everything a reader sees is decided here, once, for every format: the cover,
the order of sections, how passages group under the strategy's own
headings, what is printed in full and what as an excerpt, which tables
appear, and every word that is not strategy text — taken from the label
catalogue of the edition's language (`labels.py`). Writers only decide how
it looks.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TypeVar

from . import __version__
from .classification import Level
from .content import Chapter, Content, KeyMessage, Passage
from .errors import UsageError
from .geo import Geo, Place, PlaceName, View
from .labels import DEFAULT_TEMPLATES, Labels, load_labels
from .labels import join_names as _join
from .limits import MAX_MARKING_CHARS
from .model import (
    Block,
    Box,
    Briefing,
    BulletList,
    ChartBar,
    ChartDrawing,
    Cover,
    Fact,
    Footnote,
    Furniture,
    MapDrawing,
    MapLabel,
    Metadata,
    Paragraph,
    Picture,
    Section,
    Shade,
    SourceRef,
    Span,
    Table,
    Translation,
)
from .notes import Note
from .search import disjoint, matcher
from .select import Excerpt, PageRange, Selection, excerpt_pages
from .sentences import split as split_sentences
from .taxonomy import SELECTOR_KINDS, TAG_FIELDS, Entry, Words, slugify

# Words that date a row to the strategy's own "now".
RELATIVE_TIME = ("momenteel", "nu ", "huidige", "thans", "recent", "inmiddels", "op dit moment")
# Estimated characters per A4 page of running text; below CONTENTS_MIN_PAGES
# estimated pages a briefing goes without a contents page (compose cannot
# know the PDF's page count, and Word has none, so the model decides).
CHARS_PER_PAGE = 3000
CONTENTS_MIN_PAGES = 8
RELATED_MAX = 5
# A theme map's classes: passages per region from which a class starts
# (the label catalogue's pictures.where.classes names them in this order).
WHERE_CLASSES = (1, 2, 4, 8)
# A map names the countries it highlights up to this many; beyond, it counts them.
MAX_NAMED_COUNTRIES = 8
# How far (degrees) a region may reach past a view's bounds and still be held by it.
VIEW_SLACK = 4.0
MAX_MARKING_LENGTH = MAX_MARKING_CHARS
# A chart stands beside the table of its figures: with fewer bars than
# this it only repeats the table's rows, and is left out.
MIN_CHART_BARS = 3


def validate_marking(marking: str) -> str:
    """The marking as printed on every page and in the PDF's metadata: one
    short line of printable text. Raises UsageError otherwise."""
    text = marking.strip()
    if not text:
        raise UsageError("the marking is empty; give a classification such as 'Openbaar' or "
                         "'Departementaal vertrouwelijk'")
    bad = next((c for c in text if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp")), None)
    if bad is not None:
        raise UsageError(f"the marking contains a control character (U+{ord(bad):04X}); use plain text")
    if len(text) > MAX_MARKING_LENGTH:
        raise UsageError(f"the marking is {len(text)} characters long; at most {MAX_MARKING_LENGTH} fit the "
                         "page header")
    return text


def marking_of(content: Content, selection: Selection, edition: Edition) -> Level:
    """The level a briefing is marked with: the highest of the notes it
    holds, or the one asked for with --marking when that is higher. Asking
    for a lower one is a usage error: a marking never understates."""
    held = max((note.level for note in selection.notes), default=content.scale.lowest)
    if edition.marking is None:
        return held
    asked = content.scale.level(edition.marking)
    if asked < held:
        raise UsageError(f"--marking '{asked.name}' is lower than what {selection.id} holds ({held.name}): a "
                         "marking may raise a briefing's level, never lower it")
    return asked


@dataclass(frozen=True, slots=True)
class Edition:
    """What besides content shapes a briefing. Part of a build job's inputs,
    so a job stays a pure function of them (no clock read while composing).
    `language` chooses the label catalogue (default: the document's), which
    also gives the marking when none is chosen;
    `templates` is where the catalogues live; `organisation` overrides the
    catalogue's compiler name."""

    date: dt.date
    marking: str | None = None  # a level of content's scale; None: what the briefing holds (at least the lowest)
    # The ministry's notes the build admits (notes.load_notes, at its
    # clearance): each briefing takes those about it.
    notes: tuple[Note, ...] = field(default=(), repr=False)
    organisation: str = ""
    language: str = ""
    templates: Path = DEFAULT_TEMPLATES

    def __post_init__(self) -> None:
        if self.marking is not None:
            object.__setattr__(self, "marking", validate_marking(self.marking))

    def labels(self, content: Content) -> Labels:
        return load_labels(self.language or content.document.language, self.templates)


def format_date(date: dt.date, words: Labels) -> str:
    """'27 november 2026', '27 November 2026': the long form of the
    catalogue's language_tag, from the Unicode CLDR through Babel."""
    from babel.dates import format_date as long_date  # here: list and explain compose nothing

    return long_date(date, "long", locale=words.text("language_tag").replace("-", "_"))


@cache
def _foreign_pattern(terms: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[re.Pattern[str], dict[str, str]]:
    """One regex for all foreign terms, longest first, as whole words (not
    inside a hyphenated compound), with any whitespace between words."""
    language: dict[str, str] = {}
    for lang, items in terms:
        for term in items:
            language[" ".join(term.lower().split())] = lang
    alternatives = sorted(language, key=len, reverse=True)
    body = "|".join(r"\s+".join(re.escape(w) for w in term.split()) for term in alternatives) or "(?!)"
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", re.IGNORECASE), language


def foreign_spans(text: str, words: Labels, own: str = "") -> tuple[Span, ...]:
    """Where `text` (in the language `own`, default the catalogue's) uses a
    term of another language from the catalogue."""
    own = own or words.text("language")
    terms = tuple(sorted((lang, items) for lang, items in words.foreign_terms().items() if lang != own))
    pattern, language = _foreign_pattern(terms)
    return tuple(Span(m.start(), m.end(), language[" ".join(m.group(0).lower().split())])
                 for m in pattern.finditer(text))


class Local:
    """What content holds in the strategy's language, in the edition's: a
    subject's phrase and description, a key message, a commitment, a
    figure, a chart, a heading, and each passage's translation
    (content/translations/). In an edition of the strategy's own language
    everything is as content has it, and passages have no translation.
    A record without a current translation keeps its Dutch (`check`
    reports it); a passage without one is printed with a heading that
    says so."""

    def __init__(self, content: Content, words: Labels) -> None:
        self.content, self.words = content, words
        self.language = words.text("language")
        self.original = content.document.language
        self.translation = content.translations.get(self.language) if self.language != self.original else None
        self._positions: dict[KeyMessage, int] = {}

    @property
    def translated(self) -> bool:
        """Whether this edition prints the strategy's text with translations."""
        return self.language != self.original

    def _record(self, key: str, *dutch: str) -> dict[str, object]:
        found = self.translation.record(key, *dutch) if self.translation is not None else None
        return found.values if found is not None else {}

    def phrase(self, entry: Entry) -> str:
        """The name inside a sentence: 'de Sahel', 'the Sahel', 'terrorism'."""
        if not self.translated:
            return entry.phrase
        given = self._subject(entry).get("in_text")
        if isinstance(given, str) and given:
            return given
        label = _name(entry, self.words)  # "Terrorism", "A well-functioning …": lower case inside a sentence
        if entry.kind in ("theme", "interest", "accent") and len(label) > 1 and (label[1].islower() or label[1] == " "):
            return label[0].lower() + label[1:]
        return label

    def description(self, entry: Entry) -> str:
        if not self.translated:
            return entry.description
        return str(self._subject(entry).get("description") or entry.description)

    def _subject(self, entry: Entry) -> dict[str, object]:
        return self._record(f"taxonomy/{TAG_FIELDS[entry.kind]}/{entry.id}", entry.description,
                            *([entry.in_text] if entry.in_text else []))

    def message(self, message: KeyMessage) -> str:
        if not self.translated:
            return message.text
        if not self._positions:
            seen: Counter[tuple[str, str]] = Counter()
            for m in self.content.key_messages:
                self._positions[m] = seen[(m.kind, m.subject)]
                seen[(m.kind, m.subject)] += 1
        key = f"key-messages/{TAG_FIELDS[message.kind]}/{message.subject}/{self._positions[message]}"
        return str(self._record(key, message.text).get("text") or message.text)

    def fields(self, key: str, dutch: dict[str, str]) -> dict[str, str]:
        """A commitment's, figure's or chart title's fields (`dutch`, in the
        order the translation hashes them) in the edition's language."""
        if not self.translated:
            return dutch
        found = self._record(key, *dutch.values())
        return {name: str(found.get(name) or value) for name, value in dutch.items()}

    def chart(self, key: str, title: str, labels: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
        """A chart's title and its bars' labels."""
        found = self._record(key, title, *labels) if self.translated else {}
        bars = found.get("bars")
        return (str(found.get("title") or title),
                tuple(str(b) for b in bars) if isinstance(bars, tuple) else labels)

    def heading(self, text: str, key: str) -> str:
        if not self.translated:
            return text
        return str(self._record(key, text).get("title") or text)

    def chapter(self, chapter: Chapter) -> tuple[str, str]:
        """(heading as printed, the original heading beside it or "")."""
        if not self.translated:
            return chapter.heading, ""
        title = self.heading(chapter.title, f"headings/chapters/{chapter.id}")
        return f"{chapter.number} {title}".strip(), chapter.heading

    def section(self, name: str) -> str:
        return self.heading(name, f"headings/sections/{slugify(name)}")

    def of(self, passage: Passage, sentences: Sequence[int] | None = None) -> Translation | None:
        """The translation of `passage` (of its `sentences` only, for an
        excerpt) under its heading, or None in an edition that prints none."""
        return self.joined([(passage, sentences)])

    def joined(self, parts: Sequence[tuple[Passage, Sequence[int] | None]], gaps: Sequence[int] = ()
               ) -> Translation | None:
        """The translations of several passages' sentences read as one
        (an excerpt after its context), `[…]` after the parts in `gaps`."""
        if self.translation is None:
            return None
        texts: list[str] = []
        draft = False
        for n, (passage, sentences) in enumerate(parts):
            found = self.translation.current(passage)
            if found is None:
                return Translation(self.words.text("translation.missing"), "", self.language)
            draft = draft or found.draft
            texts.append(found.text if sentences is None else
                         _pick(split_sentences(found.text), sentences, self.words))
            if n in gaps:
                texts.append(self.words.text("excerpt.left_out"))
        heading = self.words.text("translation.draft" if draft else "translation.heading")
        return Translation(heading, " ".join(texts), self.language)


def _ref(passage: Passage, words: Labels, pages: PageRange | None = None, also: Iterable[PageRange] = (),
         reworded: Iterable[PageRange] = ()) -> SourceRef:
    """The citation of words of `passage` that stand on `pages` (default:
    the passage's), word for word also on `also`, in other words on
    `reworded`."""
    own = pages or (passage.page, passage.page_end)
    return _cite(passage.id, _ranges((own, *also)), str(passage.location.path), passage.location.line, words,
                 _ranges(reworded))


class _Anchors:
    def __init__(self) -> None:
        self.used: set[str] = set()

    def __call__(self, title: str) -> str:
        base = slugify(title) or "sectie"
        anchor, n = base, 2
        while anchor in self.used:
            anchor, n = f"{base}-{n}", n + 1
        self.used.add(anchor)
        return anchor


def _name(entry: Entry, words: Labels) -> str:
    """A subject's name in the edition's language."""
    return entry.label_en if words.text("language") == "en" else entry.label_nl


def describe(subjects: Sequence[Entry], words: Labels, local: Local) -> tuple[str, str]:
    """(title, phrase in a sentence) for the subjects of a briefing.
    Subjects of one kind unite ('de Sahel of de Hoorn van Afrika'); kinds
    intersect: a theme 'in' a region, 'en' a ministry ('terrorisme in de
    Sahel', 'cyberveiligheid en het ministerie van Veiligheid en Justitie')."""
    union, both = words.text("or"), words.text("and")
    phrase_of = local.phrase
    if len(subjects) == 1:
        only = subjects[0]
        if only.kind == "ministry":  # passages concern a ministry's field, not the ministry
            return _name(only, words), words.text("subjects.ministry_field", label=_name(only, words))
        return _name(only, words), phrase_of(only)
    regions = [phrase_of(e) for e in subjects if e.kind == "region"]
    themes = [phrase_of(e) for e in subjects if e.kind == "theme"]
    ministries = [_name(e, words) for e in subjects if e.kind == "ministry"]
    if themes and ministries:
        ministries = [words.text("subjects.ministry_in_title", label=m) for m in ministries]
    head = both.join(x for x in (_join(themes, union), _join(ministries, union)) if x)
    where = _join(regions, union)
    phrase = f"{head}{words.text('in')}{where}" if head and where else head or where
    if not head:  # regions only: a title names them as labels, without articles
        return _join([_name(e, words) for e in subjects], union), phrase
    return phrase[0].upper() + phrase[1:], phrase


def _quoted(selection: Selection, words: Labels) -> str:
    """The queries as a reader sees them: "‘Iran’", "‘Iran’ of ‘Irak’"."""
    return _join([words.text("query.quoted", query=q) for q in selection.queries], words.text("or"))


def compose(content: Content, selection: Selection, edition: Edition) -> Briefing:
    anchors = _Anchors()
    words = edition.labels(content)
    local = Local(content, words)
    subjects = selection.subjects
    names = [_name(e, words) for e in subjects]
    title_part, phrase = describe(subjects, words, local) if subjects else ("", "")
    title = words.text("cover.title", subjects=title_part)
    kinds = [k for k in SELECTOR_KINDS if any(e.kind == k for e in subjects)]
    parts = [words.text("key_messages.subject", kind=words.kind(k) if i == 0 else words.kind(k, "kinds_in_text"),
                        subject=_join([_name(e, words) for e in subjects if e.kind == k], words.text("or")))
             for i, k in enumerate(kinds)]
    if selection.queries:
        # An ad hoc subject: the title says what was asked ("Briefing: ‘Iran’").
        quoted = _quoted(selection, words)
        title = words.text("cover.title_query", query=quoted) + (
            words.text("cover.title_query_within", subjects=title_part) if subjects else "")
        phrase = quoted + (words.text("query.within", subject=phrase) if subjects else "")
        parts.append(words.text("query.selection", query=quoted) if parts else
                     words.text("query.selection_first", query=quoted))
    selection_line = words.text("and").join(parts)
    doc = content.document
    organisation = edition.organisation or words.text("metadata.organisation")
    marking = marking_of(content, selection, edition).label(words.text("language"))
    date = format_date(edition.date, words)
    if selection.queries:
        subtitle = words.text("cover.subtitle_query", subject=phrase)
    elif len(subjects) == 1:
        subtitle = local.description(subjects[0])
    elif len(kinds) == 1:
        subtitle = words.text("cover.subtitle_union", subject=phrase,
                              which=words.text("cover.which.two" if len(subjects) == 2 else "cover.which.many"))
    else:
        subtitle = words.text("cover.subtitle_intersection", subject=phrase,
                              which=words.text("cover.which.two" if len(kinds) == 2 else "cover.which.three"))
    document = (doc.title_en or doc.title) if local.translated and local.language == "en" else doc.title
    facts = [Fact(words.text("cover.selection"), selection_line),
             Fact(words.text("cover.text"), format_date(dt.date.fromisoformat(doc.date), words)),
             Fact(words.text("cover.date"), date),
             Fact(words.text("cover.marking"), marking)]
    if local.translated:  # the strategy's words stay in the original: the cover says so
        facts.insert(2, Fact(words.text("cover.language"), words.text("cover.languages")))
    cover = Cover(
        kicker=words.text("cover.kicker", document=document),
        title=title,
        subtitle=subtitle,
        date=date,
        facts=tuple(facts),
        marking=marking,
        source_line=(source := words.text("cover.source", citation=tie(doc.citation))),
        disclaimer=words.text("disclaimer"),
        source_foreign=foreign_spans(source, words),
    )
    sections = [
        _key_messages(content, selection, anchors, words, local),
        _in_brief(content, selection, anchors, words, local),
    ]
    where = _where(content, selection, anchors, words)
    if where is not None:
        sections.append(where)
    if selection.notes:
        sections.append(_notes(content, selection, anchors, words, local))
    if selection.full:
        sections.append(_strategy_text(content, selection, anchors, local, phrase))
    if selection.excerpted:
        sections.append(_also_named(content, selection, anchors, local, phrase))
    if selection.commitments:
        sections.append(_commitments(content, selection, anchors, words, local))
    if selection.figures:
        sections.append(_figures(content, selection, anchors, words, local))
    related = _related(content, selection, anchors, words, local)
    if related is not None:
        sections.append(related)
    sections.append(_colophon(content, selection, edition, anchors, local))
    metadata = Metadata(
        title=title,
        author=organisation,
        subject=words.text("metadata.subject", document=document, kamerstuk=doc.kamerstuk, subjects=phrase),
        # Labels often coincide across languages ("Sahel"): each keyword once.
        keywords=tuple(dict.fromkeys((*names, *(e.label_en for e in subjects), *(e.label_nl for e in subjects),
                                      doc.title, words.text("metadata.keyword")))),
        language=words.text("language"),
        classification=marking,
        created=dt.datetime(edition.date.year, edition.date.month, edition.date.day,
                            tzinfo=dt.UTC).isoformat(),
        generator=f"briefing {__version__}",
    )
    furniture = Furniture(contents_title=words.text("contents"), footer=words.text("footer"),
                          language_tag=words.text("language_tag"))
    sections = [_terms(section, words) for section in sections]
    if selection.queries:
        sections = [_marked(section, content, selection) for section in sections]
        metadata = dataclasses.replace(metadata, keywords=(*selection.queries, *metadata.keywords))
    estimate = sum(len(text) for text in _texts(sections)) / CHARS_PER_PAGE + 1  # + cover
    # An edition in another language is a file of its own beside the
    # original's: "region-sahel.en.pdf".
    ident = f"{selection.id}.{local.language}" if local.translated else selection.id
    return Briefing(id=ident, cover=cover, metadata=metadata, furniture=furniture,
                    sections=tuple(sections), passage_count=len(selection.passages),
                    contents=estimate >= CONTENTS_MIN_PAGES)


def _marked(section: Section, content: Content, selection: Selection) -> Section:
    """The strategy's words a query asked for, marked in the strategy text
    and the excerpts (never in the editors' or the ministry's words)."""
    if section.role not in ("strategy-text", "also-named"):
        return section
    matchers = [matcher(q, content) for q in selection.queries]

    def mark(block: Block) -> Block:
        if isinstance(block, Paragraph) and block.source is not None and block.style != "intro":
            spans = disjoint(span for m in matchers for span in m.spans(block.text))
            return dataclasses.replace(block, marks=tuple(spans)) if spans else block
        if isinstance(block, BulletList):
            return dataclasses.replace(block, items=tuple(mark(item) for item in block.items))  # type: ignore[misc]
        if isinstance(block, Box):
            return dataclasses.replace(block, blocks=tuple(mark(b) for b in block.blocks))  # type: ignore[misc]
        return block

    def walk(node: Section) -> Section:
        return dataclasses.replace(node, blocks=tuple(mark(b) for b in node.blocks),
                                   children=tuple(walk(child) for child in node.children))

    return walk(section)


def _terms(section: Section, words: Labels) -> Section:
    """The catalogue's terms of another language tagged in the words around
    the strategy's text too (intros, notes on the method, the colophon,
    related briefings): "cyber security" in a Dutch sentence, the
    strategy's Dutch name in an English one."""
    def tag(block: Block) -> Block:
        if isinstance(block, Paragraph) and block.source is None and not (block.foreign or block.language or
                                                                           block.links):
            spans = foreign_spans(block.text, words)
            return dataclasses.replace(block, foreign=spans) if spans else block
        if isinstance(block, BulletList):
            return dataclasses.replace(block, items=tuple(tag(item) for item in block.items))  # type: ignore[misc]
        return block

    return dataclasses.replace(section, blocks=tuple(tag(b) for b in section.blocks),
                               children=tuple(_terms(child, words) for child in section.children))


def _texts(sections: Iterable[Section]) -> Iterable[str]:
    """Every text of the sections, for estimating their length; a table
    row counts as a line of text at least."""
    for top in sections:
        for section in top.walk():
            yield section.title + " " * 80
            for block in section.blocks:
                if isinstance(block, Paragraph):
                    yield block.text + " " * 20
                elif isinstance(block, BulletList):
                    yield from (item.text + " " * 20 for item in block.items)
                elif isinstance(block, Box):
                    yield from (part.text + " " * 20 for part in block.blocks)
                elif isinstance(block, Picture):
                    # A picture is not text to find one's way in: whether a
                    # briefing needs a contents page does not change with it.
                    continue
                else:
                    yield from (" ".join(row).ljust(200) for row in block.rows)


def _pages_of(content: Content, selection: Selection, ids: Iterable[str]) -> str:
    """The pages a key message rests on: where the briefing prints the
    words of its passages (a passage printed in part, in part)."""
    ranges: list[PageRange] = []
    for pid in ids:
        depth = selection.depths.get(selection.repeated.get(pid, pid))
        p = content.by_id[pid]
        ranges.extend((depth.pages, *depth.also) if depth is not None else ((p.page, p.page_end),))
    return _ranges(ranges)


def _ranges(ranges: Iterable[PageRange]) -> str:
    """'9–10' for one range, '2, 24' for several places (a range within
    or overlapping another is one place)."""
    merged: list[PageRange] = []
    for first, last in sorted(set(ranges)):
        if merged and first <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(last, merged[-1][1]))
        else:
            merged.append((first, last))
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in merged)


# A reference is never broken over two lines: "p. 7", "33 694", "nr. 1".
_TIES = re.compile(r"(?<=\b[pP]\.) |(?<=\bnr\.) |(?<=\d) (?=\d)")


def tie(text: str) -> str:
    """`text` with no-break spaces inside its page and Kamerstuk references."""
    return _TIES.sub("\u00a0", text)


def _cite(passage: str, pages: str, path: str, line: int, words: Labels, reworded: str = "") -> SourceRef:
    citation = (words.text("citation_reworded", pages=pages, reworded=reworded) if reworded
                else words.text("citation", pages=pages))
    return SourceRef(passage, pages, path, line, citation=tie(citation), reworded=reworded)


def _key_messages(content: Content, selection: Selection, anchors: _Anchors, words: Labels, local: Local) -> Section:
    title = words.text("key_messages.title")
    anchor = anchors(title)

    def messages_of(entry: Entry) -> list[Paragraph]:
        return [Paragraph(text, _cite(",".join(m.sources), _pages_of(content, selection, m.sources), str(m.location.path),
                                      m.location.line, words), foreign=foreign_spans(text, words))
                for m in selection.key_messages if m.kind == entry.kind and m.subject == entry.id
                for text in (local.message(m),)]

    intro = Paragraph(words.text("key_messages.intro"), style="intro")
    # A briefing about a region shows where it lies, beside what matters there.
    locator = _locator(content, selection, local)
    maps: tuple[Block, ...] = (locator,) if locator is not None else ()
    # A query's messages are those of the subjects it names ("Rusland").
    entries = [*selection.subjects, *dict.fromkeys(
        content.taxonomies[m.kind][m.subject] for m in selection.key_messages
        if (m.kind, m.subject) not in {(e.kind, e.id) for e in selection.subjects})]
    if selection.queries and not entries:
        return Section(title, anchor, 1, blocks=(Paragraph(words.text("query.no_key_messages"), style="note"),
                                                 *maps), role="key-messages")
    if len(entries) == 1 and not selection.queries:
        items = messages_of(entries[0])
        if not items:
            return Section(title, anchor, 1, blocks=(Paragraph(words.text("key_messages.missing"), style="note"),
                                                     *maps), role="key-messages")
        return Section(title, anchor, 1, blocks=(intro, BulletList(tuple(items)), *maps), role="key-messages")
    # In a combination a subject's message stands only when the passages it
    # rests on are in this briefing (select drops the others); a subject left
    # without any gets no heading.
    children = tuple(
        Section(words.text("key_messages.subject", kind=words.kind(e.kind), subject=_name(e, words)),
                anchors(f"kern-{e.id}"), 2, blocks=(BulletList(tuple(messages_of(e))),))
        for e in entries if messages_of(e))
    if not children:
        return Section(title, anchor, 1, blocks=(Paragraph(words.text("key_messages.none_here"), style="note"),
                                                 *maps), role="key-messages")
    return Section(title, anchor, 1, blocks=(intro, *maps), children=children, role="key-messages")


def _in_brief(content: Content, selection: Selection, anchors: _Anchors, words: Labels, local: Local) -> Section:
    """The strategy's frame in two sentences, then where this briefing sits
    in it: the same for every briefing, with a count for every item named."""
    title = words.text("in_brief.title")
    counts: Counter[str] = Counter()
    for passage in selection.passages:
        counts.update(passage.interests)
        counts.update(passage.accents)
    interests = content.taxonomies["interest"].entries
    accents = content.taxonomies["accent"].entries
    frame = words.text("in_brief.frame", n_interests=words.number(len(interests)),
                       n_accents=words.number(len(accents)),
                       interests=_join([local.phrase(e) for e in interests], words.text("and")),
                       accents="; ".join(local.phrase(e) for e in accents))
    named = sorted((e for e in (*interests, *accents) if counts[e.id]), key=lambda e: -counts[e.id])
    here = (words.text("in_brief.here", items="; ".join(
        words.count("in_brief.item", counts[e.id], phrase=local.phrase(e)) for e in named))
        if named else words.text("in_brief.none"))
    return Section(title, anchors(title), 1, blocks=(Paragraph(frame, foreign=foreign_spans(frame, words)),
                                                     Paragraph(here)), role="in-brief")


def _excerpt_text(excerpt: Excerpt, words: Labels) -> str:
    """The chosen sentences, with '[…]' wherever text is left out."""
    return _pick(split_sentences(excerpt.passage.text), excerpt.sentences, words)


def _pick(sentences: Sequence[str], chosen: Iterable[int], words: Labels) -> str:
    """`chosen` of `sentences`, with '[…]' wherever text is left out."""
    parts: list[str] = []
    previous = -1
    for i in chosen:
        if i != previous + 1:
            parts.append(words.text("excerpt.left_out"))
        parts.append(sentences[i])
        previous = i
    if previous < len(sentences) - 1:
        parts.append(words.text("excerpt.left_out"))
    return " ".join(parts)


def _context(excerpt: Excerpt, local: Local) -> Paragraph:
    # A bullet brought as context keeps its bullet, so it reads as one.
    words = local.words
    bullet = "• " if excerpt.passage.list_item else ""
    text = bullet + _excerpt_text(excerpt, words)
    return _original(Paragraph(text, _ref(excerpt.passage, words, excerpt_pages(excerpt)), style="context"),
                     local, local.of(excerpt.passage, excerpt.sentences))


_Text = TypeVar("_Text", Paragraph, Footnote)


def _original(block: _Text, local: Local, translation: Translation | None) -> _Text:
    """A block of the strategy's text as the model holds it: with its terms
    of another language, and in an edition of another language with its
    own language and its translation."""
    if not local.translated:
        return dataclasses.replace(block, foreign=foreign_spans(block.text, local.words))
    return dataclasses.replace(block, foreign=foreign_spans(block.text, local.words, own=local.original),
                               language=local.original, translation=translation)


def _blocks(passages: Sequence[Passage], content: Content, selection: Selection,
            local: Local) -> tuple[Block, ...]:
    """Full passages in order, with consecutive list items as one list, the
    parts of one box as one box, and before each the context it needs."""
    blocks: list[Block] = []
    shown: set[str] = set()

    def context_of(p: Passage) -> None:
        for ctx in selection.depths[p.id].context:
            if ctx.passage.id not in shown:
                shown.add(ctx.passage.id)
                blocks.append(_context(ctx, local))

    i = 0
    while i < len(passages):
        p = passages[i]
        context_of(p)
        if p.box:
            parts = [p]
            while i + 1 < len(passages) and passages[i + 1].box == p.box:
                i += 1
                parts.append(passages[i])
            blocks.append(Box(local.words.text("box"), tuple(_paragraph(q, content, selection, local) for q in parts)))
        elif p.list_item:
            # One list holds the bullets of one lead-in: two lists of the
            # strategy that happen to meet here stay two, each after its own.
            items = [p]
            while (i + 1 < len(passages) and passages[i + 1].list_item and not passages[i + 1].box
                   and _adjacent(content, items[-1], passages[i + 1])):
                i += 1
                items.append(passages[i])
            blocks.append(BulletList(_list_items(items, content, selection, local)))
        else:
            blocks.append(_paragraph(p, content, selection, local))
        i += 1
    return tuple(blocks)


def _list_items(items: Sequence[Passage], content: Content, selection: Selection,
                local: Local) -> tuple[Paragraph, ...]:
    """The bullets of one list, with "[…]" where the strategy's list has
    items this briefing leaves out."""
    gap = Paragraph(local.words.text("excerpt.left_out"))
    out: list[Paragraph] = []
    for item in items:
        depth = selection.depths[item.id]
        if depth.gap_before and (not out or out[-1] != gap):
            out.append(gap)
        out.append(_paragraph(item, content, selection, local))
        if depth.gap_after:
            out.append(gap)
    return tuple(out)


def _adjacent(content: Content, a: Passage, b: Passage) -> bool:
    """Whether only bullets stand between passages a and b in the strategy."""
    between = content.passages[content.position[a.id] + 1:content.position[b.id]]
    return all(p.list_item or p.kind == "footnote" for p in between)


def _footnote(content: Content, ref: str, local: Local) -> Footnote:
    note = content.by_id[ref]
    return _original(Footnote(marker=ref.rsplit("-", 1)[-1], text=note.text, source=_ref(note, local.words)),
                     local, local.of(note))


def _paragraph(p: Passage, content: Content, selection: Selection, local: Local) -> Paragraph:
    depth = selection.depths.get(p.id)
    words = local.words
    # A repeated passage, printed once, cites its repeats too: as the same
    # words where they are, as other words where they are not.
    ref = _ref(p, words, depth.pages, depth.also, depth.reworded) if depth is not None else _ref(p, words)
    return _original(Paragraph(p.text, ref, footnotes=tuple(_footnote(content, f, local) for f in p.footnotes),
                               style="signature" if p.kind == "signature" else ""), local, local.of(p))


def _strategy_text(content: Content, selection: Selection, anchors: _Anchors, local: Local,
                   subject: str) -> Section:
    words = local.words
    title = words.text("strategy_text.title")
    full = selection.full
    intro_text = words.count("strategy_text.intro", len(full), count=words.number(len(full)), subject=subject,
                             kamerstuk=tie(content.document.kamerstuk))
    if any(selection.depths[p.id].context for p in full):
        intro_text += " " + words.text("strategy_text.context_note")
    intro = Paragraph(intro_text, style="intro")
    separator = words.text("strategy_text.heading_separator")
    original = local.original if local.translated else ""
    chapters: list[Section] = []
    for chapter in content.chapters:
        in_chapter = [p for p in full if p.chapter == chapter.id]
        if not in_chapter:
            continue
        direct = [p for p in in_chapter if not p.section]
        subsections: list[Section] = []
        order: list[tuple[str, ...]] = []
        for p in in_chapter:
            if p.section and p.section not in order:
                order.append(p.section)
        for path in order:
            subsections.append(Section(separator.join(local.section(name) for name in path), anchors(path[-1]),
                                       3, blocks=_blocks([p for p in in_chapter if p.section == path], content,
                                                         selection, local),
                                       in_contents=False, original=separator.join(path) if original else "",
                                       original_language=original))
        heading, heading_original = local.chapter(chapter)
        chapters.append(Section(
            heading, anchors(chapter.title), 2, blocks=_blocks(direct, content, selection, local),
            children=tuple(subsections),
            footnotes=tuple(_footnote(content, f, local) for f in chapter.footnotes),
            original=heading_original, original_language=original))
    return Section(title, anchors(title), 1, blocks=(intro,), children=tuple(chapters), role="strategy-text")


def _also_named(content: Content, selection: Selection, anchors: _Anchors, local: Local,
                subject: str) -> Section:
    """Passages that only name the subject: the sentences naming it, each
    after the context it needs, with the pages they stand on."""
    words = local.words
    items: list[Paragraph] = []
    gap = words.text("excerpt.left_out")
    for p in selection.excerpted:
        depth = selection.depths[p.id]
        assert depth.excerpt is not None
        # Each piece of strategy text carries its own citation: a lead-in
        # may stand on another page than the sentence it introduces.
        text, cites = "", []
        parts: list[tuple[Passage, Sequence[int] | None]] = []
        gaps: list[int] = []
        for ctx in depth.context:
            text += _excerpt_text(ctx, words)
            cites.append((len(text), _ref(ctx.passage, words, excerpt_pages(ctx))))
            parts.append((ctx.passage, ctx.sentences))
            text += " "
        if depth.gap_before and depth.context:
            text += gap + " "
            gaps.append(len(parts) - 1)
        text += _excerpt_text(depth.excerpt, words)
        parts.append((depth.excerpt.passage, depth.excerpt.sentences))
        if depth.gap_after and depth.context and not text.endswith(gap):
            text += " " + gap
            gaps.append(len(parts) - 1)
        items.append(_original(Paragraph(text, _ref(p, words, depth.pages, depth.also, depth.reworded),
                                         style="excerpt", cites=tuple(cites)), local, local.joined(parts, gaps)))
    title = words.text("also_named.title")
    # Each excerpt names one subject or another, also in an intersection.
    asked = [*([_quoted(selection, words)] if selection.queries else []), *(local.phrase(e) for e in selection.subjects)]
    named = _join(asked, words.text("or"))
    intro = words.count("also_named.intro", len(asked), subject=subject, named=named)
    return Section(title, anchors(title), 1, blocks=(Paragraph(intro, style="intro"), BulletList(tuple(items))),
                   role="also-named")


def _table(caption: str, columns: Sequence[str], rows: Sequence[tuple[str, ...]],
           empty: str = "—") -> Table:
    """A table without its empty columns, each column as wide as its
    content needs: no column narrower than its longest word (so that
    "Nederland" or "Wanneer" never breaks), short columns as wide as
    their average cell, and the column with the most text taking the rest."""
    keep = [i for i in range(len(columns)) if any(row[i] not in ("", empty) for row in rows)]
    columns = [columns[i] for i in keep]
    rows = [tuple(row[i] or empty for i in keep) for row in rows]
    # Widths in percent of the text width; at the table's font size a
    # character takes about one percent, and a cell's padding three.
    minimum, wanted, amount = [], [], []
    for i, name in enumerate(columns):
        cells = [r[i] for r in rows]
        longest_word = max(len(w) for c in (*cells, name) for w in (c.split() or [""]))
        average = sum(len(c) for c in cells) / len(cells)
        minimum.append(1.1 * longest_word + 4)
        wanted.append(max(minimum[-1], min(1.1 * average + 4, 25.0)))
        amount.append(sum(len(c) for c in cells))
    main = amount.index(max(amount))
    others = [i for i in range(len(columns)) if i != main]
    room = 100 - max(30.0, minimum[main])
    chosen = wanted if sum(wanted[i] for i in others) <= room else minimum
    widths = [0] * len(columns)
    for i in others:
        widths[i] = round(chosen[i])
    widths[main] = 100 - sum(widths)
    return Table(caption, tuple(columns), tuple(rows), widths=tuple(widths))


def _quote_citation(content: Content, passage: str, quote: str, words: Labels) -> str:
    """The citation of a table row: the pages its quotation stands on."""
    return _ref(content.by_id[passage], words, content.by_id[passage].quote_pages(quote)).citation


def _dates_now(rows: Iterable[Sequence[str]]) -> bool:
    text = " ".join(" ".join(r) for r in rows).lower() + " "
    return any(word in text for word in RELATIVE_TIME)


def _commitments(content: Content, selection: Selection, anchors: _Anchors, words: Labels, local: Local) -> Section:
    title = words.text("commitments.title")
    # "Nederland" is the actor unless the text names a more specific one;
    # a column saying only that is dropped.
    only_nl = all(c.who == "Nederland" for c in selection.commitments)
    rows = [(f["what"], "" if only_nl else f["who"], f["when"], f["where"],
             _quote_citation(content, c.passage, c.quote, words)) for c in selection.commitments
            for f in (local.fields(f"commitments/{c.id}", {"what": c.what, "who": c.who, "when": c.when,
                                                             "where": c.where}),)]
    quotes = [c.quote for c in selection.commitments]
    blocks: list[Block] = [
        Paragraph(words.text("commitments.intro"), style="intro"),
        _table(words.text("commitments.caption"), words.list("commitments.columns"), rows,
               empty=words.text("commitments.empty")),
    ]
    # Whether a row speaks of "now" is read in the strategy's own words.
    if _dates_now([*((c.what, c.when) for c in selection.commitments), *((q,) for q in quotes)]):
        blocks.append(Paragraph(words.text("tables.now_note"), style="note"))
    return Section(title, anchors(title), 1, blocks=tuple(blocks), role="commitments")


def _figures(content: Content, selection: Selection, anchors: _Anchors, words: Labels, local: Local) -> Section:
    title = words.text("figures.title")
    rows = [(f"{t['value']} {t['unit']}".strip(), t["label"], _quote_citation(content, f.passage, f.quote, words))
            for f in selection.figures
            for t in (local.fields(f"figures/{f.id}", {"value": f.value, "unit": f.unit, "label": f.label}),)]
    blocks: list[Block] = [_table(words.text("figures.caption"), words.list("figures.columns"), rows)]
    if _dates_now([*((f.value, f.unit, f.label) for f in selection.figures), *((f.quote,) for f in selection.figures)]):
        blocks.append(Paragraph(words.text("tables.now_note"), style="note"))
    blocks.extend(_charts(content, selection, words, local))
    return Section(title, anchors(title), 1, blocks=tuple(blocks), role="figures")


def _charts(content: Content, selection: Selection, words: Labels, local: Local) -> list[Picture]:
    """A chart for each set of comparable figures (content/charts.yaml) of
    which this briefing holds at least MIN_CHART_BARS; fewer stay rows of
    the table."""
    held = {f.id: f for f in selection.figures}
    pictures = []
    for chart in content.charts:
        bars = [(bar, held[bar.figure]) for bar in chart.bars if bar.figure in held]
        if len(bars) < MIN_CHART_BARS:
            continue
        chart_title, translated = local.chart(f"charts/{chart.id}", chart.title, tuple(b.label for b in chart.bars))
        labels = dict(zip(chart.bars, translated, strict=True))
        values = {f.id: local.fields(f"figures/{f.id}", {"value": f.value, "unit": f.unit, "label": f.label})["value"]
                  for _, f in bars}
        drawn = tuple(ChartBar(labels[bar], bar.value, values[figure.id]) for bar, figure in bars)
        passages = list(dict.fromkeys(figure.passage for _, figure in bars))
        pages = _ranges(content.by_id[figure.passage].quote_pages(figure.quote) for _, figure in bars)
        source = _cite(",".join(passages), pages, str(chart.location.path), chart.location.line, words)
        pictures.append(Picture(
            ChartDrawing(drawn), caption=words.text("pictures.chart.caption", title=chart_title),
            alt=words.text("pictures.chart.alt", title=chart_title, bars=", ".join(
                words.text("pictures.chart.bar", label=b.label, value=b.text) for b in drawn)),
            source=source))
    return pictures


# -- maps -------------------------------------------------------------------


def _country_names(geo: Geo, codes: Iterable[str], words: Labels, every: bool = False) -> str:
    """'Mali en Niger'; beyond MAX_NAMED_COUNTRIES '16 landen', or with
    `every` '16 landen: Benin, …'."""
    english = words.text("language") == "en"
    names = sorted((geo.countries[c].name_en if english else geo.countries[c].name_nl) for c in codes)
    if len(names) > MAX_NAMED_COUNTRIES:
        if every:
            return words.text("pictures.locator.many_named", n=len(names), names=_join(names, words.text("and")))
        return words.text("pictures.locator.many", n=len(names))
    return _join(names, words.text("and"))


def _reach(geo: Geo, codes: Iterable[str], north_of: float | None) -> tuple[float, float, float, float]:
    """The longitude/latitude box of countries (each by its largest part,
    so that an overseas territory does not stretch it) and of the area
    north of a latitude."""
    boxes = [geo.countries[c].extent for c in codes]
    if north_of is not None:
        boxes.append((-180.0, north_of, 180.0, min(north_of + 1, 90.0)))
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _view_for(geo: Geo, places: Sequence[Place], groups: Sequence[tuple[tuple[str, ...], float | None]] = ()
              ) -> View:
    """The regions' own view when they share one; else the first theme
    view that holds every region and group of countries; else the last,
    widest."""
    own = {p.view for p in places}
    if len(own) == 1 and not groups:
        return geo.views[own.pop()]
    reaches = [_reach(geo, p.countries, p.north_of) for p in places] + [_reach(geo, *g) for g in groups]
    for name in geo.theme_views:
        if all(_holds(geo.views[name], reach) for reach in reaches):
            return geo.views[name]
    return geo.views[geo.theme_views[-1]]


def _holds(view: View, reach: tuple[float, float, float, float]) -> bool:
    """Whether a view shows a box of longitudes and latitudes (give or take VIEW_SLACK)."""
    west, south, east, north = view.bounds
    w, s, e, n = reach
    return w >= west - VIEW_SLACK and s >= south - VIEW_SLACK and e <= east + VIEW_SLACK and n <= north + VIEW_SLACK


def _map(geo: Geo, view: View, shades: tuple[Shade, ...], words: Labels, legend: str = "",
         labels: tuple[MapLabel, ...] = ()) -> MapDrawing:
    return MapDrawing(view.projection, view.center, view.bounds, shades, legend, geo.digest,
                      words.text("language"), labels)


# A locator map names its region and at most this many neighbours.
NEIGHBOUR_LABELS = 3


def _locator_labels(content: Content, geo: Geo, regions: Sequence[Entry], view: View,
                    words: Labels) -> tuple[MapLabel, ...]:
    """The map's regions by name, and the nearest regions the view holds
    whole that share no country with them (so that no label claims
    another's land), nearest first."""
    def label(entry: Entry, main: bool) -> MapLabel:
        place = geo.places[entry.id]
        at = (0.0, (place.north_of + 90) / 2) if not place.countries and place.north_of is not None else None
        return MapLabel(_name(entry, words), place.countries, main, at)

    def centre(place: Place) -> tuple[float, float]:
        west, south, east, north = _reach(geo, place.countries, place.north_of)
        return (west + east) / 2, (south + north) / 2

    ours = {c for e in regions for c in geo.places[e.id].countries}
    here = [centre(geo.places[e.id]) for e in regions]
    others = [e for e in content.taxonomies["region"].entries
              if e not in regions and geo.places[e.id].countries
              and _holds(view, _reach(geo, geo.places[e.id].countries, None))
              and not ours & set(geo.places[e.id].countries)]
    others.sort(key=lambda e: min((centre(geo.places[e.id])[0] - x) ** 2 + (centre(geo.places[e.id])[1] - y) ** 2
                                  for x, y in here))
    return (*(label(e, True) for e in regions), *(label(e, False) for e in others[:NEIGHBOUR_LABELS]))


def _view_name(view: View, words: Labels) -> str:
    return view.label_en if words.text("language") == "en" else view.label_nl


def _locator(content: Content, selection: Selection, local: Local) -> Picture | None:
    """The briefing's regions highlighted in the house colour, in the
    context their view shows."""
    geo = content.geo
    words = local.words
    regions = [e for e in selection.subjects if e.kind == "region"]
    if geo is None or not regions:
        return None
    places = [geo.places[e.id] for e in regions]
    codes = tuple(sorted({c for p in places for c in p.countries}))
    north_of = next((p.north_of for p in places if p.north_of is not None), None)
    countries = _country_names(geo, codes, words) if codes else ""
    # The alternative text names every country, however many.
    named = _country_names(geo, codes, words, every=True) if codes else ""
    if north_of is not None:
        from babel.numbers import format_decimal  # as format_date

        area = words.text("pictures.locator.north_of",
                          latitude=format_decimal(north_of, locale=words.text("language_tag").replace("-", "_")))
        countries = _join([countries, area] if countries else [area], words.text("and"))
        named = _join([named, area] if named else [area], words.text("and"))
    view = _view_for(geo, places)
    name = _join([_name(e, words) for e in regions], words.text("and"))
    phrase = _join([local.phrase(e) for e in regions], words.text("and"))
    return Picture(
        _map(geo, view, (Shade(0, codes, north_of=north_of),), words,
             labels=_locator_labels(content, geo, regions, view, words)),
        caption=words.text("pictures.locator.caption", region=name, countries=countries,
                           credit=words.text("pictures.credit")),
        alt=words.text("pictures.locator.alt", view=_view_name(view, words), region=phrase, countries=named))


# What a place is on a map: (countries, regions). Two names of one place
# ("Europa", "trans-Atlantisch") are one place.
Target = tuple[tuple[str, ...], tuple[str, ...]]


def linked_places(content: Content, selection: Selection) -> Counter[Target]:
    """The places the briefing's printed text links to its subjects, each
    with the number of passages that do: a place named in a sentence that
    names a subject, or in a passage about a subject and about the place
    (about its region, not only mentioning it)."""
    geo = content.geo
    counts: Counter[Target] = Counter()
    if geo is None:
        return counts
    subjects = [e for e in selection.subjects if e.kind != "region"]
    for passage in selection.passages:
        depth = selection.depths[passage.id]
        about = depth.full and not any(e.id in passage.mentions for e in subjects)
        about_regions = {r for r in passage.regions if r not in passage.mentions}
        sentences = split_sentences(passage.text)
        printed = depth.excerpt.sentences if depth.excerpt is not None else range(len(sentences))
        linked: set[Target] = set()
        for i in printed:
            words = Words(sentences[i])
            named = [_target(p) for p in geo.named_in(words)]
            if not named:
                continue
            if any(content.taxonomies[e.kind].names(e.id, words) for e in subjects):
                linked.update(named)
            elif about:
                linked.update(t for t in named if _regions_of(geo, t) & about_regions)
        counts.update(linked)
    return counts


def _target(place: PlaceName) -> Target:
    return place.countries, place.regions


def _regions_of(geo: Geo, target: Target) -> set[str]:
    """The regions a place is, or lies in."""
    countries, regions = target
    return set(regions) | {r for r, p in geo.places.items() if set(countries) & set(p.countries)}


# A theme map that would shade more than this share of the regions says
# nothing about where: it is left out.
WHERE_MAX_SHARE = 2 / 3


def _where(content: Content, selection: Selection, anchors: _Anchors, words: Labels) -> Section | None:
    """For a briefing not about a region: the places its text links to its
    subject, at the finest level the text names them (a country where it
    names a country, a region only where it names the region), shaded by
    how many passages do. None when no place is linked, or when more than
    two thirds of the regions are."""
    geo = content.geo
    if geo is None or any(e.kind == "region" for e in selection.subjects):
        return None
    counts = linked_places(content, selection)
    touched = set().union(*(_regions_of(geo, t) for t in counts)) if counts else set()
    if not counts or len(touched) > WHERE_MAX_SHARE * len(geo.places):
        return None
    classes = words.list("pictures.where.classes")

    def level(n: int) -> int:
        return max(i + 1 for i, start in enumerate(WHERE_CLASSES) if n >= start)

    shaded: dict[str, int] = {}
    north: dict[int, float] = {}
    for (codes, region_ids), n in counts.items():
        for code in [*codes, *(c for r in region_ids for c in geo.places[r].countries)]:
            shaded[code] = max(shaded.get(code, 0), level(n))
        for r in region_ids:
            if geo.places[r].north_of is not None:
                north[level(n)] = min(north.get(level(n), 90.0), geo.places[r].north_of or 90.0)
    # Every class up to the darkest drawn is in the legend, drawn or not,
    # so that the scale reads without a gap.
    top = max([*shaded.values(), *north])
    shades = tuple(Shade(lvl, tuple(sorted(c for c, v in shaded.items() if v == lvl)), classes[lvl - 1],
                         north.get(lvl)) for lvl in range(1, top + 1))
    view = _view_for(geo, [geo.places[r] for _, regions in counts for r in regions],
                     [(countries, None) for countries, _ in counts if countries])
    taxonomy = content.taxonomies["region"]
    english = words.text("language") == "en"

    def name(target: Target) -> str:
        countries, regions = target
        if regions:
            return _join([_name(taxonomy[r], words) for r in regions], words.text("and"))
        return _join([geo.countries[c].name_en if english else geo.countries[c].name_nl for c in countries],
                     words.text("and"))

    ranked = sorted(counts, key=lambda p: (-counts[p], name(p)))
    places = "; ".join(words.count("pictures.where.place", counts[p], place=name(p)) for p in ranked)
    picture = Picture(
        _map(geo, view, shades, words, words.text("pictures.where.legend")),
        caption=words.text("pictures.where.caption", credit=words.text("pictures.credit")),
        alt=words.text("pictures.where.alt", view=_view_name(view, words), places=places))
    title = words.text("pictures.where.title")
    return Section(title, anchors(title), 1, blocks=(Paragraph(words.text("pictures.where.intro"), style="intro"),
                                                     picture), role="where")


def _related(content: Content, selection: Selection, anchors: _Anchors, words: Labels, local: Local
             ) -> Section | None:
    """The few subjects the passages of this briefing most often also
    concern, relative to their size; linked to their own briefings."""
    chosen = {(s.kind, s.id) for s in selection.selectors}
    shared: Counter[tuple[str, str]] = Counter()
    for passage in selection.passages:
        for kind in SELECTOR_KINDS:
            shared.update((kind, t) for t in passage.tags(kind) if (kind, t) not in chosen)
    size = Counter((kind, t) for p in content.passages for kind in SELECTOR_KINDS for t in p.tags(kind))
    # Shared passages weighed against the other subject's size, so that a
    # ministry on half the strategy does not top every list; a subject met
    # once or twice is no relation unless the briefing itself is small.
    n = len(selection.passages)
    least = 1 if n < 4 else 2 if n < 8 else 3
    ranked = sorted((key for key, k in shared.items() if k >= least),
                    key=lambda key: (-shared[key] / size[key] ** 0.35, key))
    if not ranked:
        return None
    # Chosen by weight, shown by the count each item states (as the intro says).
    shown = sorted(ranked[:RELATED_MAX], key=lambda key: -shared[key])
    items = []
    for kind, entry_id in shown:
        entry = content.taxonomies[kind][entry_id]
        text = words.count("related.item", shared[(kind, entry_id)], label=_name(entry, words),
                           kind=words.kind(kind, "kinds_in_text"))
        # In another language's edition, to that edition's file of it.
        items.append(Paragraph(text, link=f"{kind}-{entry.id}" + (f".{local.language}" if local.translated else "")))
    title = words.text("related.title")
    return Section(title, anchors(title), 1, blocks=(
        Paragraph(words.text("related.intro"), style="intro"), BulletList(tuple(items))), role="related")


def _notes(content: Content, selection: Selection, anchors: _Anchors, words: Labels, local: Local) -> Section:
    """The ministry's notes, apart from the strategy's words: each a box
    headed by who wrote it and when, with its own level at the note
    (portion marking), and the pages of the passages it is about. A note
    is printed as written, in the ministry's language, the strategy's:
    an edition in another language marks it so, and does not translate it."""
    written = local.original if local.translated else ""
    boxes: list[Block] = []
    for note in selection.notes:
        label = words.text("notes.label", unit=note.unit, date=format_date(note.date, words),
                           level=note.level.name.upper())
        blocks: list[Paragraph] = []
        for block in note.blocks:
            for item in block.texts:
                if block.kind == "list":  # a bullet before the words moves the links along
                    text = words.text("notes.item", text=item.text)
                    shift = text.index(item.text)
                    blocks.append(Paragraph(text, links=tuple((s + shift, e + shift, u) for s, e, u in item.links),
                                            language=written))
                else:
                    blocks.append(Paragraph(item.text, links=item.links, language=written))
        pages = sorted({content.by_id[pid].pages for pid in note.passages if pid in content.by_id})
        if pages:
            blocks.append(Paragraph(words.text("notes.about", pages=tie(words.text(
                "citation", pages=_join(pages, words.text("and"))))), style="note"))
        boxes.append(Box(label, tuple(blocks)))
    title = words.text("notes.title")
    return Section(title, anchors(title), 1, blocks=(
        Paragraph(words.count("notes.intro", len(selection.notes)), style="intro"), *boxes), role="notes")


def _numbering(content: Content, selection: Selection, local: Local) -> tuple[Paragraph, ...]:
    """A word on chapters the source numbers alike ("III" twice), when the
    briefing prints more than one of them: the reader sees it in the
    contents and should not take it for an error of the briefing."""
    words = local.words
    printed = {p.chapter for p in selection.full}
    by_number: dict[str, list[str]] = {}
    for chapter in content.chapters:
        if chapter.id in printed and chapter.number.strip(". "):
            title = local.heading(chapter.title, f"headings/chapters/{chapter.id}")
            by_number.setdefault(chapter.number.strip(". "), []).append(words.text("colophon.chapter", title=title))
    return tuple(Paragraph(words.text("colophon.numbering", chapters=_join(titles, words.text("and")), number=number),
                           lead=words.text("colophon.numbering_lead"))
                 for number, titles in by_number.items() if len(titles) > 1)


def _colophon(content: Content, selection: Selection, edition: Edition, anchors: _Anchors,
              local: Local) -> Section:
    words = local.words
    title = words.text("colophon.title")
    doc = content.document
    # For a reader, not a command line: "Regio Sahel en thema Terrorisme".
    subjects = words.text("and").join([
        *(f"{words.kind(e.kind, 'kinds_in_text')} {_name(e, words)}" for e in selection.subjects),
        *([words.text("query.selection", query=_quoted(selection, words))] if selection.queries else [])])
    subjects = subjects[:1].upper() + subjects[1:]
    counted = words.count("colophon.selection", len(selection.passages), subjects=subjects)
    if selection.excerpted:
        counted = counted.rstrip(".") + words.text("colophon.excerpted", k=len(selection.excerpted)) + "."
    if selection.queries:  # how a query matches: stems, compounds, named subjects
        counted += " " + words.text("query.method")
    lines = (
        Paragraph(words.text("colophon.source", citation=tie(doc.citation),
                             sender=(doc.sender_en or doc.sender) if local.translated and local.language == "en"
                             else doc.sender,
                             date=format_date(dt.date.fromisoformat(doc.date), words)),
                  lead=words.text("colophon.source_lead")),
        Paragraph(counted + " " + words.text("colophon.method"), lead=words.text("colophon.selection_lead")),
        # Whose words the translations are, and where the official ones stand.
        *([Paragraph(words.text("colophon.translation", official=doc.subtitle_en, year=doc.date[:4]),
                     lead=words.text("colophon.translation_lead"))] if local.translated else []),
        *_numbering(content, selection, local),
        # Only what this briefing shows: a digest of all content or the build
        # clock here would make every change, and every day, rebuild all.
        Paragraph(words.text("colophon.version", generator=__version__, date=format_date(edition.date, words)),
                  lead=words.text("colophon.version_lead")),
        Paragraph(words.text("colophon.maker", organisation=edition.organisation
                             or words.text("metadata.organisation")) + " " + words.text("disclaimer"),
                  lead=words.text("colophon.maker_lead")),
    )
    return Section(title, anchors(title), 1, blocks=lines, role="colophon")
