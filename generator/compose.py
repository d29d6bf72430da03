"""Selection -> briefing model. The only producer of `model.Briefing`.

Everything a reader sees is decided here, once, for every format: the cover,
the order of sections, how passages group under the strategy's own
headings, which tables appear. Writers only decide how it looks.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from . import __version__
from .content import Content, Passage
from .errors import UsageError
from .model import (
    Block,
    Box,
    Briefing,
    BulletList,
    Cover,
    Footnote,
    Metadata,
    Paragraph,
    Section,
    SourceRef,
    Table,
)
from .select import Excerpt, Selection
from .sentences import split as split_sentences
from .taxonomy import KIND_LABELS_NL, SELECTOR_KINDS, Entry, slugify

MONTHS_NL = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
             "september", "oktober", "november", "december")
DEFAULT_MARKING = "Openbaar"
DEFAULT_ORGANISATION = "Redactie briefings Internationale Veiligheidsstrategie"

# Reader-visible words introduced for issue 10, in one place so that they
# move into the label catalogue as they are.
LABELS = {
    "left_out": "[…]",
    "also_named": "Ook genoemd",
    "also_named_intro": "Passages die niet over {subject} gaan maar {named} wel noemen, bijvoorbeeld in een "
                        "opsomming: de zinnen die {pronoun} noemen, letterlijk; «[…]» staat waar tekst is "
                        "weggelaten.",
    "strategy_intro": "{count} over {subject}, letterlijk, in de volgorde en onder de koppen van de "
                      "strategie, met de pagina in {kamerstuk}.",
    "context_note": "Tekst die een passage nodig heeft om begrepen te worden, zoals de aanloop van een "
                    "opsomming, staat er cursief boven.",
    "or": " of ",
    "and": " en ",
    "in": " in ",
    "ministry_in_title": "het ministerie van {label}",
    "ministry_field": "het werkterrein van {label}",
    "subtitle_union": "Wat de strategie zegt over {subject}: elke passage over een van {which}.",
    "subtitle_intersection": "Wat de strategie zegt over {subject}: de passages die over {which} gaan.",
    "in_brief": "De strategie stelt {n_interests} strategische belangen voorop: {interests}. Om ze veilig te "
                "stellen legt het kabinet {n_accents} {accent_word}: {accents}.",
    "in_brief_here": "In deze briefing komen vooral aan de orde: {items}.",
    "in_brief_none": "De passages van deze briefing vallen onder geen van de belangen en accenten in het "
                     "bijzonder.",
    "now_note": "Tijdsaanduidingen als «momenteel» en «nu» zijn die van de strategie: juni 2013.",
    "related_intro": "De onderwerpen waarover de passages van deze briefing het vaakst ook gaan; elk heeft "
                     "een eigen briefing.",
    "related_item": "Briefing {label}",
    "related_count": "{n} gedeelde passages",
    "related_count_one": "1 gedeelde passage",
}
# Words that date a row to the strategy's own "now".
RELATIVE_TIME = ("momenteel", "nu ", "huidige", "thans", "recent", "inmiddels", "op dit moment")
# Estimated characters per A4 page of running text; below CONTENTS_MIN_PAGES
# estimated pages a briefing goes without a contents page (compose cannot
# know the PDF's page count, and Word has none, so the model decides).
CHARS_PER_PAGE = 3000
CONTENTS_MIN_PAGES = 8
RELATED_MAX = 5


MAX_MARKING_LENGTH = 60


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


@dataclass(frozen=True, slots=True)
class Edition:
    """What besides content shapes a briefing. Part of a build job's inputs,
    so a job stays a pure function of them (no clock read while composing)."""

    date: dt.date
    marking: str = DEFAULT_MARKING
    organisation: str = DEFAULT_ORGANISATION

    def __post_init__(self) -> None:
        object.__setattr__(self, "marking", validate_marking(self.marking))


def format_date(date: dt.date) -> str:
    return f"{date.day} {MONTHS_NL[date.month - 1]} {date.year}"


def _ref(passage: Passage) -> SourceRef:
    return SourceRef(passage.id, passage.pages, str(passage.location.path), passage.location.line)


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


def _join(words: Sequence[str], last: str) -> str:
    """'a', 'a of b', 'a, b of c'."""
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + last + words[-1]


def describe(subjects: Sequence[Entry]) -> tuple[str, str]:
    """(title, phrase in a sentence) for the subjects of a briefing.
    Subjects of one kind unite ('de Sahel of de Hoorn van Afrika'); kinds
    intersect: a theme 'in' a region, 'en' a ministry ('terrorisme in de
    Sahel', 'cyberveiligheid en het ministerie van Veiligheid en Justitie')."""
    if len(subjects) == 1:
        only = subjects[0]
        if only.kind == "ministry":  # passages concern a ministry's field, not the ministry
            return only.label_nl, LABELS["ministry_field"].format(label=only.label_nl)
        return only.label_nl, only.phrase
    regions = [e.phrase for e in subjects if e.kind == "region"]
    themes = [e.phrase for e in subjects if e.kind == "theme"]
    ministries = [e.label_nl for e in subjects if e.kind == "ministry"]
    if themes and ministries:
        ministries = [LABELS["ministry_in_title"].format(label=m) for m in ministries]
    head = LABELS["and"].join(x for x in (_join(themes, LABELS["or"]), _join(ministries, LABELS["or"])) if x)
    where = _join(regions, LABELS["or"])
    phrase = f"{head}{LABELS['in']}{where}" if head and where else head or where
    if not head:  # regions only: a title names them as labels, without articles
        return _join([e.label_nl for e in subjects], LABELS["or"]), phrase
    return phrase[0].upper() + phrase[1:], phrase


def compose(content: Content, selection: Selection, edition: Edition) -> Briefing:
    anchors = _Anchors()
    subjects = selection.subjects
    names = [e.label_nl for e in subjects]
    title_part, phrase = describe(subjects)
    title = "Briefing " + title_part
    kinds = [k for k in SELECTOR_KINDS if any(e.kind == k for e in subjects)]
    selection_line = LABELS["and"].join(
        f"{KIND_LABELS_NL[k] if i == 0 else KIND_LABELS_NL[k].lower()}: "
        f"{_join([e.label_nl for e in subjects if e.kind == k], LABELS['or'])}"
        for i, k in enumerate(kinds))
    doc = content.document
    if len(subjects) == 1:
        subtitle = subjects[0].description
    elif len(kinds) == 1:
        subtitle = LABELS["subtitle_union"].format(subject=phrase, which="beide" if len(subjects) == 2 else "deze")
    else:
        subtitle = LABELS["subtitle_intersection"].format(
            subject=phrase, which="beide" if len(kinds) == 2 else "alle drie")
    cover = Cover(
        title=title,
        subtitle=subtitle,
        date=format_date(edition.date),
        marking=edition.marking,
        source_line=f"Bron: {doc.citation}",
        selection_line=selection_line,
    )
    sections = [
        _key_messages(content, selection, anchors),
        _in_brief(content, selection, anchors),
    ]
    if selection.full:
        sections.append(_strategy_text(content, selection, anchors, phrase))
    if selection.excerpted:
        sections.append(_also_named(content, selection, anchors, phrase))
    if selection.commitments:
        sections.append(_commitments(content, selection, anchors))
    if selection.figures:
        sections.append(_figures(content, selection, anchors))
    related = _related(content, selection, anchors)
    if related is not None:
        sections.append(related)
    sections.append(_colophon(content, selection, edition, anchors))
    metadata = Metadata(
        title=title,
        author=edition.organisation,
        subject=f"Wat de {doc.title} ({doc.kamerstuk}) zegt over {phrase}",
        keywords=(*names, *(e.label_en for e in subjects), doc.title, "briefing"),
        language=doc.language,
        created=dt.datetime(edition.date.year, edition.date.month, edition.date.day,
                            tzinfo=dt.UTC).isoformat(),
        generator=f"briefing {__version__}",
    )
    estimate = sum(len(text) for text in _texts(sections)) / CHARS_PER_PAGE + 1  # + cover
    return Briefing(id=selection.id, cover=cover, metadata=metadata, sections=tuple(sections),
                    passage_count=len(selection.passages), contents=estimate >= CONTENTS_MIN_PAGES)


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
                else:
                    yield from (" ".join(row).ljust(200) for row in block.rows)


def _pages_of(content: Content, ids: Iterable[str]) -> str:
    pages: list[int] = []
    for pid in ids:
        p = content.by_id[pid]
        pages.extend(range(p.page, p.page_end + 1))
    return ", ".join(str(n) for n in sorted(set(pages)))


def _key_messages(content: Content, selection: Selection, anchors: _Anchors) -> Section:
    title = "Kernboodschappen"
    anchor = anchors(title)

    def messages_of(entry: Entry) -> list[Paragraph]:
        return [Paragraph(m.text, SourceRef(",".join(m.sources), _pages_of(content, m.sources),
                                            str(m.location.path), m.location.line))
                for m in selection.key_messages if m.kind == entry.kind and m.subject == entry.id]

    intro = Paragraph(
        "Samengevat door de redactie uit de tekst van de strategie; elke boodschap verwijst naar de "
        "pagina’s waarop zij steunt.", style="intro")
    if len(selection.subjects) == 1:
        items = messages_of(selection.subjects[0])
        if not items:
            return Section(title, anchor, 1, blocks=(Paragraph(
                "Voor dit onderwerp zijn nog geen kernboodschappen opgesteld.", style="note"),))
        return Section(title, anchor, 1, blocks=(intro, BulletList(tuple(items))))
    # In a combination a subject's message stands only when the passages it
    # rests on are in this briefing (select drops the others); a subject left
    # without any gets no heading.
    children = tuple(
        Section(f"{KIND_LABELS_NL[e.kind]}: {e.label_nl}", anchors(f"kern-{e.id}"), 2,
                blocks=(BulletList(tuple(messages_of(e))),))
        for e in selection.subjects if messages_of(e))
    if not children:
        return Section(title, anchor, 1, blocks=(Paragraph(
            "Geen van de kernboodschappen van deze onderwerpen steunt alleen op passages in deze briefing.",
            style="note"),))
    return Section(title, anchor, 1, blocks=(intro,), children=children)


def _in_brief(content: Content, selection: Selection, anchors: _Anchors) -> Section:
    """The strategy's frame in two sentences, then where this briefing sits
    in it: the same for every briefing, with a count for every item named."""
    title = "De strategie in het kort"
    counts: Counter[str] = Counter()
    for passage in selection.passages:
        counts.update(passage.interests)
        counts.update(passage.accents)
    interests = content.taxonomies["interest"].entries
    accents = content.taxonomies["accent"].entries
    frame = LABELS["in_brief"].format(
        n_interests=_count_nl(len(interests)), n_accents=_count_nl(len(accents)),
        accent_word="beleidsaccent" if len(accents) == 1 else "beleidsaccenten",
        interests=_join([e.phrase for e in interests], LABELS["and"]),
        accents="; ".join(e.phrase for e in accents))
    named = sorted((e for e in (*interests, *accents) if counts[e.id]), key=lambda e: -counts[e.id])
    here = (LABELS["in_brief_here"].format(items="; ".join(
        f"{e.phrase} ({counts[e.id]} passage{'s' if counts[e.id] != 1 else ''})" for e in named))
        if named else LABELS["in_brief_none"])
    return Section(title, anchors(title), 1, blocks=(Paragraph(frame), Paragraph(here)))


def _count_nl(n: int) -> str:
    words = ("geen", "één", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien")
    return words[n] if n < len(words) else str(n)


def _pages(*passages: Passage, also: Iterable[int] = ()) -> str:
    """'9–10' for one passage, '2, 24' for several places."""
    ranges = sorted({(p.page, p.page_end) for p in passages} | {(n, n) for n in also})
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in ranges)


def _excerpt_text(excerpt: Excerpt) -> str:
    """The chosen sentences, with '[…]' wherever text is left out."""
    sentences = split_sentences(excerpt.passage.text)
    parts: list[str] = []
    previous = -1
    for i in excerpt.sentences:
        if i != previous + 1:
            parts.append(LABELS["left_out"])
        parts.append(sentences[i])
        previous = i
    if previous < len(sentences) - 1:
        parts.append(LABELS["left_out"])
    return " ".join(parts)


def _context(excerpt: Excerpt) -> Paragraph:
    # A bullet brought as context keeps its bullet, so it reads as one.
    bullet = "• " if excerpt.passage.list_item else ""
    return Paragraph(bullet + _excerpt_text(excerpt), _ref(excerpt.passage), style="context")


def _blocks(passages: Sequence[Passage], content: Content, selection: Selection) -> tuple[Block, ...]:
    """Full passages in order, with consecutive list items as one list, the
    parts of one box as one box, and before each the context it needs."""
    blocks: list[Block] = []
    shown: set[str] = set()

    def context_of(p: Passage) -> None:
        for ctx in selection.depths[p.id].context:
            if ctx.passage.id not in shown:
                shown.add(ctx.passage.id)
                blocks.append(_context(ctx))

    i = 0
    while i < len(passages):
        p = passages[i]
        context_of(p)
        if p.box:
            parts = [p]
            while i + 1 < len(passages) and passages[i + 1].box == p.box:
                i += 1
                parts.append(passages[i])
            blocks.append(Box("Kader", tuple(_paragraph(q, content, selection) for q in parts)))
        elif p.list_item:
            # One list holds the bullets of one lead-in: two lists of the
            # strategy that happen to meet here stay two, each after its own.
            items = [p]
            while (i + 1 < len(passages) and passages[i + 1].list_item and not passages[i + 1].box
                   and _adjacent(content, items[-1], passages[i + 1])):
                i += 1
                items.append(passages[i])
            blocks.append(BulletList(tuple(_paragraph(q, content, selection) for q in items)))
        else:
            blocks.append(_paragraph(p, content, selection))
        i += 1
    return tuple(blocks)


def _adjacent(content: Content, a: Passage, b: Passage) -> bool:
    """Whether only bullets stand between passages a and b in the strategy."""
    between = content.passages[content.passages.index(a) + 1:content.passages.index(b)]
    return all(p.list_item or p.kind == "footnote" for p in between)


def _footnote(content: Content, ref: str) -> Footnote:
    note = content.by_id[ref]
    return Footnote(marker=ref.rsplit("-", 1)[-1], text=note.text, source=_ref(note))


def _paragraph(p: Passage, content: Content, selection: Selection) -> Paragraph:
    depth = selection.depths.get(p.id)
    ref = _ref(p)
    if depth is not None and depth.also_pages:  # a repeated passage, printed once: both places
        ref = SourceRef(p.id, _pages(p, also=depth.also_pages), ref.path, ref.line)
    return Paragraph(p.text, ref, footnotes=tuple(_footnote(content, f) for f in p.footnotes),
                     style="signature" if p.kind == "signature" else "")


def _strategy_text(content: Content, selection: Selection, anchors: _Anchors, subject: str) -> Section:
    title = "Wat de strategie zegt"
    full = selection.full
    n = len(full)
    intro_text = LABELS["strategy_intro"].format(
        count=f"De {_count_nl(n)} passages" if n != 1 else "De passage", subject=subject,
        kamerstuk=content.document.kamerstuk)
    if any(selection.depths[p.id].context for p in full):
        intro_text += " " + LABELS["context_note"]
    intro = Paragraph(intro_text, style="intro")
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
            subsections.append(Section(" — ".join(path), anchors(path[-1]), 3,
                                       blocks=_blocks([p for p in in_chapter if p.section == path], content,
                                                      selection),
                                       in_contents=False))
        chapters.append(Section(
            chapter.heading, anchors(chapter.title), 2, blocks=_blocks(direct, content, selection),
            children=tuple(subsections),
            footnotes=tuple(_footnote(content, f) for f in chapter.footnotes)))
    return Section(title, anchors(title), 1, blocks=(intro,), children=tuple(chapters))


def _also_named(content: Content, selection: Selection, anchors: _Anchors, subject: str) -> Section:
    """Passages that only name the subject: the sentences naming it, each
    after the context it needs, with the pages they stand on."""
    items: list[Paragraph] = []
    for p in selection.excerpted:
        depth = selection.depths[p.id]
        assert depth.excerpt is not None
        pieces = [_excerpt_text(ctx) for ctx in depth.context]
        pieces.append(_excerpt_text(depth.excerpt))
        pages = _pages(p, *(ctx.passage for ctx in depth.context), also=depth.also_pages)
        items.append(Paragraph(" ".join(pieces), SourceRef(p.id, pages, str(p.location.path), p.location.line),
                               style="excerpt"))
    title = LABELS["also_named"]
    # Each excerpt names one subject or another, also in an intersection.
    named = _join([e.phrase for e in selection.subjects], LABELS["or"])
    pronoun = "ze" if len(selection.subjects) > 1 else "het"
    return Section(title, anchors(title), 1, blocks=(
        Paragraph(LABELS["also_named_intro"].format(subject=subject, named=named, pronoun=pronoun), style="intro"),
        BulletList(tuple(items))))


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


def _dates_now(rows: Iterable[Sequence[str]]) -> bool:
    text = " ".join(" ".join(r) for r in rows).lower() + " "
    return any(word in text for word in RELATIVE_TIME)


def _commitments(content: Content, selection: Selection, anchors: _Anchors) -> Section:
    title = "Nederlandse inzet en toezeggingen"
    # "Nederland" is the actor unless the text names a more specific one;
    # a column saying only that is dropped.
    only_nl = all(c.who == "Nederland" for c in selection.commitments)
    rows = [(c.what, "" if only_nl else c.who, c.when, c.where,
             f"p. {content.by_id[c.passage].pages}") for c in selection.commitments]
    quotes = [c.quote for c in selection.commitments]
    blocks: list[Block] = [
        Paragraph("Wat Nederland volgens de strategie op dit onderwerp doet, bijdraagt of toezegt.",
                  style="intro"),
        _table("Inzet en toezeggingen", ("Wat", "Wie", "Wanneer", "Waar", "Bron"), rows),
    ]
    if _dates_now([*rows, *((q,) for q in quotes)]):
        blocks.append(Paragraph(LABELS["now_note"], style="note"))
    return Section(title, anchors(title), 1, blocks=tuple(blocks))


def _figures(content: Content, selection: Selection, anchors: _Anchors) -> Section:
    title = "Kerncijfers"
    rows = [(f"{f.value} {f.unit}".strip(), f.label, f"p. {content.by_id[f.passage].pages}")
            for f in selection.figures]
    blocks: list[Block] = [_table("Cijfers over dit onderwerp", ("Cijfer", "Omschrijving", "Bron"), rows)]
    if _dates_now([*rows, *((f.quote,) for f in selection.figures)]):
        blocks.append(Paragraph(LABELS["now_note"], style="note"))
    return Section(title, anchors(title), 1, blocks=tuple(blocks))


def _related(content: Content, selection: Selection, anchors: _Anchors) -> Section | None:
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
    items = []
    for kind, entry_id in ranked[:RELATED_MAX]:
        entry = content.taxonomies[kind][entry_id]
        n = shared[(kind, entry_id)]
        count = LABELS["related_count"].format(n=n) if n != 1 else LABELS["related_count_one"]
        items.append(Paragraph(f"{LABELS['related_item'].format(label=entry.label_nl)} "
                               f"({KIND_LABELS_NL[kind].lower()}; {count})", link=f"{kind}-{entry.id}"))
    title = "Verwante onderwerpen"
    return Section(title, anchors(title), 1, blocks=(
        Paragraph(LABELS["related_intro"], style="intro"), BulletList(tuple(items))))


def _passages_nl(selection: Selection) -> str:
    """'5 passages', '1 passage', '9 passages, waarvan 8 in fragmenten'."""
    n, k = len(selection.passages), len(selection.excerpted)
    counted = f"{n} passage{'s' if n != 1 else ''}"
    return f"{counted}, waarvan {k} in fragmenten" if k else counted


def _colophon(content: Content, selection: Selection, edition: Edition, anchors: _Anchors) -> Section:
    title = "Colofon"
    doc = content.document
    selectors = ", ".join(f"--{s.kind} {s.id}" for s in selection.selectors)
    lines = (
        Paragraph(f"{doc.citation}, aangeboden op {format_date(dt.date.fromisoformat(doc.date))} door {doc.sender}.", lead="Bron"),
        Paragraph(f"{selectors} ({_passages_nl(selection)}). Passages zijn letterlijk overgenomen; "
                  "kernboodschappen, kerncijfers en toezeggingen zijn door de redactie uit die tekst "
                  "samengevat, met paginaverwijzing.", lead="Selectie"),
        # Only what this briefing shows: a digest of all content or the build
        # clock here would make every change, and every day, rebuild all.
        Paragraph(f"briefing {__version__}; stand van de inhoud: {format_date(edition.date)}.", lead="Versie"),
        Paragraph(f"{edition.organisation}. Dit is geen officiële publicatie van de Rijksoverheid.",
                  lead="Samensteller"),
    )
    return Section(title, anchors(title), 1, blocks=lines)

