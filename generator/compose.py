"""Selection -> briefing model. The only producer of `model.Briefing`.

Everything a reader sees is decided here, once, for every format: the cover,
the order of sections, how passages group under the strategy's own
headings, which tables appear, and every word that is not strategy text —
taken from the label catalogue of the edition's language (`labels.py`).
Writers only decide how it looks.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from . import __version__
from .content import Content, Passage
from .labels import DEFAULT_TEMPLATES, Labels, load_labels
from .model import (
    Block,
    Box,
    Briefing,
    BulletList,
    Cover,
    Fact,
    Footnote,
    Furniture,
    Metadata,
    Paragraph,
    Section,
    SourceRef,
    Span,
    Table,
)
from .select import Selection
from .taxonomy import Entry, slugify

DEFAULT_MARKING = "Openbaar"


@dataclass(frozen=True, slots=True)
class Edition:
    """What besides content shapes a briefing. Part of a build job's inputs,
    so a job stays a pure function of them (no clock read while composing).
    `language` chooses the label catalogue (default: the document's);
    `templates` is where the catalogues live; `organisation` overrides the
    catalogue's compiler name."""

    date: dt.date
    marking: str = DEFAULT_MARKING
    organisation: str = ""
    language: str = ""
    templates: Path = DEFAULT_TEMPLATES

    def labels(self, content: Content) -> Labels:
        return load_labels(self.language or content.document.language, self.templates)


def format_date(date: dt.date, words: Labels) -> str:
    return words.text("date", day=date.day, month=words.list("months")[date.month - 1], year=date.year)


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


def foreign_spans(text: str, words: Labels) -> tuple[Span, ...]:
    """Where `text` uses a term of another language from the catalogue."""
    pattern, language = _foreign_pattern(tuple(sorted(words.foreign_terms().items())))
    return tuple(Span(m.start(), m.end(), language[" ".join(m.group(0).lower().split())])
                 for m in pattern.finditer(text))


def _ref(passage: Passage, words: Labels) -> SourceRef:
    return _cite(passage.id, passage.pages, str(passage.location.path), passage.location.line, words)


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


def compose(content: Content, selection: Selection, edition: Edition) -> Briefing:
    anchors = _Anchors()
    words = edition.labels(content)
    subjects = selection.subjects
    names = [_name(e, words) for e in subjects]
    title = words.text("cover.title", subjects=words.text("subject_separator").join(names))
    selection_line = words.text("subject_separator").join(
        words.text("key_messages.subject", kind=words.kind(e.kind), subject=_name(e, words)) for e in subjects)
    doc = content.document
    organisation = edition.organisation or words.text("metadata.organisation")
    date = format_date(edition.date, words)
    cover = Cover(
        kicker=words.text("cover.kicker", document=doc.title),
        title=title,
        subtitle=" ".join(e.description for e in subjects) if len(subjects) == 1
        else words.text("cover.subtitle_combined"),
        date=date,
        facts=(Fact(words.text("cover.selection"), selection_line),
               Fact(words.text("cover.date"), date),
               Fact(words.text("cover.marking"), edition.marking)),
        marking=edition.marking,
        source_line=words.text("cover.source", citation=doc.citation),
        disclaimer=words.text("disclaimer"),
    )
    sections = [
        _key_messages(content, selection, anchors, words),
        _in_brief(content, selection, anchors, words),
        _strategy_text(content, selection, anchors, words),
    ]
    if selection.commitments:
        sections.append(_commitments(content, selection, anchors, words))
    if selection.figures:
        sections.append(_figures(content, selection, anchors, words))
    related = _related(content, selection, anchors, words)
    if related is not None:
        sections.append(related)
    sections.append(_colophon(content, selection, edition, anchors, words))
    metadata = Metadata(
        title=title,
        author=organisation,
        subject=words.text("metadata.subject", document=doc.title, kamerstuk=doc.kamerstuk,
                           subjects=words.text("and").join(names)),
        # Labels often coincide across languages ("Sahel"): each keyword once.
        keywords=tuple(dict.fromkeys((*names, *(e.label_en for e in subjects), *(e.label_nl for e in subjects),
                                      doc.title, words.text("metadata.keyword")))),
        language=words.text("language"),
        classification=edition.marking,
        created=dt.datetime(edition.date.year, edition.date.month, edition.date.day,
                            tzinfo=dt.UTC).isoformat(),
        generator=f"briefing {__version__}",
    )
    furniture = Furniture(contents_title=words.text("contents"), footer=words.text("footer"),
                          language_tag=words.text("language_tag"))
    return Briefing(id=selection.id, cover=cover, metadata=metadata, furniture=furniture,
                    sections=tuple(sections), passage_count=len(selection.passages))


def _pages_of(content: Content, ids: Iterable[str]) -> str:
    pages: list[int] = []
    for pid in ids:
        p = content.by_id[pid]
        pages.extend(range(p.page, p.page_end + 1))
    return ", ".join(str(n) for n in sorted(set(pages)))


def _key_messages(content: Content, selection: Selection, anchors: _Anchors, words: Labels) -> Section:
    title = words.text("key_messages.title")
    anchor = anchors(title)

    def items(entry: Entry) -> BulletList | Paragraph:
        messages = [m for m in selection.key_messages if m.kind == entry.kind and m.subject == entry.id]
        if not messages:
            return Paragraph(words.text("key_messages.missing"), style="note")
        return BulletList(tuple(
            Paragraph(m.text, _cite(",".join(m.sources), _pages_of(content, m.sources), str(m.location.path),
                                    m.location.line, words), foreign=foreign_spans(m.text, words))
            for m in messages))

    intro = Paragraph(words.text("key_messages.intro"), style="intro")
    if len(selection.subjects) == 1:
        return Section(title, anchor, 1, blocks=(intro, items(selection.subjects[0])), role="key-messages")
    children = tuple(
        Section(words.text("key_messages.subject", kind=words.kind(e.kind), subject=_name(e, words)),
                anchors(f"kern-{e.id}"), 2, blocks=(items(e),))
        for e in selection.subjects)
    return Section(title, anchor, 1, blocks=(intro,), children=children, role="key-messages")


def _cite(passage: str, pages: str, path: str, line: int, words: Labels) -> SourceRef:
    return SourceRef(passage, pages, path, line, citation=words.text("citation", pages=pages))


def _in_brief(content: Content, selection: Selection, anchors: _Anchors, words: Labels) -> Section:
    title = words.text("in_brief.title")
    counts: Counter[str] = Counter()
    for passage in selection.passages:
        counts.update(passage.interests)
        counts.update(passage.accents)

    def line(entry: Entry) -> Paragraph:
        n = counts[entry.id]
        tail = words.count("in_brief.in_this_briefing", n) if n else ""
        return Paragraph(f"{entry.description}{tail}", lead=_name(entry, words),
                         foreign=foreign_spans(entry.description, words))

    interests = content.taxonomies["interest"].entries
    accents = content.taxonomies["accent"].entries
    return Section(title, anchors(title), 1, blocks=(
        Paragraph(words.text("in_brief.interests", document=content.document.title,
                             count=words.number(len(interests))), style="intro"),
        BulletList(tuple(line(e) for e in interests)),
        Paragraph(words.text("in_brief.accents", count=words.number(len(accents))), style="intro"),
        BulletList(tuple(line(e) for e in accents)),
    ), role="in-brief")


def _blocks(passages: Sequence[Passage], content: Content, words: Labels) -> tuple[Block, ...]:
    """Passages in order, with consecutive list items as one list and the
    parts of one box as one box."""
    blocks: list[Block] = []
    i = 0
    while i < len(passages):
        p = passages[i]
        if p.box:
            parts = [p]
            while i + 1 < len(passages) and passages[i + 1].box == p.box:
                i += 1
                parts.append(passages[i])
            blocks.append(Box(words.text("box"), tuple(_paragraph(q, content, words) for q in parts)))
        elif p.list_item:
            items = [p]
            while i + 1 < len(passages) and passages[i + 1].list_item and not passages[i + 1].box:
                i += 1
                items.append(passages[i])
            blocks.append(BulletList(tuple(_paragraph(q, content, words) for q in items)))
        else:
            blocks.append(_paragraph(p, content, words))
        i += 1
    return tuple(blocks)


def _footnote(content: Content, ref: str, words: Labels) -> Footnote:
    note = content.by_id[ref]
    return Footnote(marker=ref.rsplit("-", 1)[-1], text=note.text, source=_ref(note, words),
                    foreign=foreign_spans(note.text, words))


def _paragraph(p: Passage, content: Content, words: Labels) -> Paragraph:
    return Paragraph(p.text, _ref(p, words), footnotes=tuple(_footnote(content, f, words) for f in p.footnotes),
                     style="signature" if p.kind == "signature" else "", foreign=foreign_spans(p.text, words))


def _strategy_text(content: Content, selection: Selection, anchors: _Anchors, words: Labels) -> Section:
    title = words.text("strategy_text.title")
    n = len(selection.passages)
    intro = Paragraph(words.count("strategy_text.intro", n, kamerstuk=content.document.kamerstuk), style="intro")
    chapters: list[Section] = []
    for chapter in content.chapters:
        in_chapter = [p for p in selection.passages if p.chapter == chapter.id]
        if not in_chapter:
            continue
        direct = [p for p in in_chapter if not p.section]
        subsections: list[Section] = []
        order: list[tuple[str, ...]] = []
        for p in in_chapter:
            if p.section and p.section not in order:
                order.append(p.section)
        for path in order:
            subsections.append(Section(words.text("strategy_text.heading_separator").join(path), anchors(path[-1]), 3,
                                       blocks=_blocks([p for p in in_chapter if p.section == path], content, words),
                                       in_contents=False))
        chapters.append(Section(
            chapter.heading, anchors(chapter.title), 2, blocks=_blocks(direct, content, words),
            children=tuple(subsections),
            footnotes=tuple(_footnote(content, f, words) for f in chapter.footnotes)))
    return Section(title, anchors(title), 1, blocks=(intro,), children=tuple(chapters), role="strategy-text")


def _commitments(content: Content, selection: Selection, anchors: _Anchors, words: Labels) -> Section:
    title = words.text("commitments.title")
    empty = words.text("commitments.empty")
    rows = tuple((c.what, c.who, c.when or empty, c.where or empty,
                  words.text("citation", pages=content.by_id[c.passage].pages))
                 for c in selection.commitments)
    return Section(title, anchors(title), 1, blocks=(
        Paragraph(words.text("commitments.intro"), style="intro"),
        Table(words.text("commitments.caption"), words.list("commitments.columns"), rows,
              widths=(44, 16, 12, 18, 10)),
    ), role="commitments")


def _figures(content: Content, selection: Selection, anchors: _Anchors, words: Labels) -> Section:
    title = words.text("figures.title")
    rows = tuple((f"{f.value} {f.unit}".strip(), f.label, words.text("citation", pages=content.by_id[f.passage].pages))
                 for f in selection.figures)
    return Section(title, anchors(title), 1, blocks=(
        Table(words.text("figures.caption"), words.list("figures.columns"), rows,
              widths=(28, 60, 12)),
    ), role="figures")


def _related(content: Content, selection: Selection, anchors: _Anchors, words: Labels) -> Section | None:
    chosen = {(s.kind, s.id) for s in selection.selectors}
    main_kind = selection.selectors[0].kind
    # Emphasis differs by kind: a region briefing leads with themes, a theme
    # briefing with regions, a ministry briefing with themes.
    order = {"region": ("theme", "ministry", "region"),
             "theme": ("region", "ministry", "theme"),
             "ministry": ("theme", "region", "ministry")}[main_kind]
    rows: list[tuple[str, ...]] = []
    for kind in order:
        counts: Counter[str] = Counter()
        for passage in selection.passages:
            counts.update(t for t in passage.tags(kind) if (kind, t) not in chosen)
        taxonomy = content.taxonomies[kind]
        for entry_id, n in sorted(counts.items(), key=lambda kv: (-kv[1], taxonomy.ids.index(kv[0]))):
            entry = taxonomy[entry_id]
            rows.append((words.kind(kind), _name(entry, words), str(n), f"{kind}-{entry.id}"))
    if not rows:
        return None
    title = words.text("related.title")
    return Section(title, anchors(title), 1, blocks=(
        Paragraph(words.text("related.intro"), style="intro"),
        Table(words.text("related.caption"), words.list("related.columns"), tuple(rows),
              widths=(14, 38, 11, 37)),
    ), role="related")


def _colophon(content: Content, selection: Selection, edition: Edition, anchors: _Anchors,
              words: Labels) -> Section:
    title = words.text("colophon.title")
    doc = content.document
    # For a reader, not a command line: "regio Sahel en thema Terrorisme".
    subjects = words.text("and").join(
        f"{words.kind(e.kind, 'kinds_in_text')} {_name(e, words)}" for e in selection.subjects)
    subjects = subjects[:1].upper() + subjects[1:]
    lines = (
        Paragraph(words.text("colophon.source", citation=doc.citation, sender=doc.sender,
                             date=format_date(dt.date.fromisoformat(doc.date), words)),
                  lead=words.text("colophon.source_lead")),
        Paragraph(words.count("colophon.selection", len(selection.passages), subjects=subjects) + " "
                  + words.text("colophon.method"), lead=words.text("colophon.selection_lead")),
        Paragraph(words.text("colophon.version", generator=__version__, content_version=doc.content_version),
                  lead=words.text("colophon.version_lead")),
        Paragraph(words.text("colophon.maker", organisation=edition.organisation
                             or words.text("metadata.organisation")) + " " + words.text("disclaimer"),
                  lead=words.text("colophon.maker_lead")),
    )
    return Section(title, anchors(title), 1, blocks=lines, role="colophon")
