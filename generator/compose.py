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
from .select import Selection
from .taxonomy import KIND_LABELS_NL, Entry, slugify

MONTHS_NL = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
             "september", "oktober", "november", "december")
DEFAULT_MARKING = "Openbaar"
DEFAULT_ORGANISATION = "Redactie briefings Internationale Veiligheidsstrategie"


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


def compose(content: Content, selection: Selection, edition: Edition) -> Briefing:
    anchors = _Anchors()
    subjects = selection.subjects
    names = [e.label_nl for e in subjects]
    title = "Briefing " + " · ".join(names)
    selection_line = " · ".join(f"{KIND_LABELS_NL[e.kind]}: {e.label_nl}" for e in subjects)
    doc = content.document
    cover = Cover(
        title=title,
        subtitle=" ".join(e.description for e in subjects) if len(subjects) == 1
        else "Wat de strategie zegt waar deze onderwerpen samenkomen.",
        date=format_date(edition.date),
        marking=edition.marking,
        source_line=f"Bron: {doc.citation}",
        selection_line=selection_line,
    )
    sections = [
        _key_messages(content, selection, anchors),
        _in_brief(content, selection, anchors),
        _strategy_text(content, selection, anchors),
    ]
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
        subject=f"Wat de {doc.title} ({doc.kamerstuk}) zegt over {' en '.join(names)}",
        keywords=(*names, *(e.label_en for e in subjects), doc.title, "briefing"),
        language=doc.language,
        created=dt.datetime(edition.date.year, edition.date.month, edition.date.day,
                            tzinfo=dt.UTC).isoformat(),
        generator=f"briefing {__version__}",
    )
    return Briefing(id=selection.id, cover=cover, metadata=metadata, sections=tuple(sections),
                    passage_count=len(selection.passages))


def _pages_of(content: Content, ids: Iterable[str]) -> str:
    pages: list[int] = []
    for pid in ids:
        p = content.by_id[pid]
        pages.extend(range(p.page, p.page_end + 1))
    return ", ".join(str(n) for n in sorted(set(pages)))


def _key_messages(content: Content, selection: Selection, anchors: _Anchors) -> Section:
    title = "Kernboodschappen"
    anchor = anchors(title)

    def items(entry: Entry) -> BulletList | Paragraph:
        messages = [m for m in selection.key_messages if m.kind == entry.kind and m.subject == entry.id]
        if not messages:
            return Paragraph("Voor dit onderwerp zijn nog geen kernboodschappen opgesteld.", style="note")
        return BulletList(tuple(
            Paragraph(m.text, SourceRef(",".join(m.sources), _pages_of(content, m.sources),
                                        str(m.location.path), m.location.line))
            for m in messages))

    intro = Paragraph(
        "Samengevat door de redactie uit de tekst van de strategie; elke boodschap verwijst naar de "
        "pagina’s waarop zij steunt.", style="intro")
    if len(selection.subjects) == 1:
        return Section(title, anchor, 1, blocks=(intro, items(selection.subjects[0])))
    children = tuple(
        Section(f"{KIND_LABELS_NL[e.kind]}: {e.label_nl}", anchors(f"kern-{e.id}"), 2, blocks=(items(e),))
        for e in selection.subjects)
    return Section(title, anchor, 1, blocks=(intro,), children=children)


def _in_brief(content: Content, selection: Selection, anchors: _Anchors) -> Section:
    title = "De strategie in het kort"
    counts: Counter[str] = Counter()
    for passage in selection.passages:
        counts.update(passage.interests)
        counts.update(passage.accents)

    def line(entry: Entry) -> Paragraph:
        n = counts[entry.id]
        tail = f" In deze briefing: {n} passage{'s' if n != 1 else ''}." if n else ""
        return Paragraph(f"{entry.description}{tail}", lead=entry.label_nl)

    interests = content.taxonomies["interest"].entries
    accents = content.taxonomies["accent"].entries
    return Section(title, anchors(title), 1, blocks=(
        Paragraph(f"De {content.document.title} onderscheidt {_count_nl(len(interests))} strategische belangen:",
                  style="intro"),
        BulletList(tuple(line(e) for e in interests)),
        Paragraph(f"Om deze belangen veilig te stellen legt het kabinet {_count_nl(len(accents))} "
                  "beleidsaccenten:", style="intro"),
        BulletList(tuple(line(e) for e in accents)),
    ))


def _count_nl(n: int) -> str:
    words = ("geen", "één", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien")
    return words[n] if n < len(words) else str(n)


def _blocks(passages: Sequence[Passage], content: Content) -> tuple[Block, ...]:
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
            blocks.append(Box("Kader", tuple(_paragraph(q, content) for q in parts)))
        elif p.list_item:
            items = [p]
            while i + 1 < len(passages) and passages[i + 1].list_item and not passages[i + 1].box:
                i += 1
                items.append(passages[i])
            blocks.append(BulletList(tuple(_paragraph(q, content) for q in items)))
        else:
            blocks.append(_paragraph(p, content))
        i += 1
    return tuple(blocks)


def _footnote(content: Content, ref: str) -> Footnote:
    note = content.by_id[ref]
    return Footnote(marker=ref.rsplit("-", 1)[-1], text=note.text, source=_ref(note))


def _paragraph(p: Passage, content: Content) -> Paragraph:
    return Paragraph(p.text, _ref(p), footnotes=tuple(_footnote(content, f) for f in p.footnotes),
                     style="signature" if p.kind == "signature" else "")


def _strategy_text(content: Content, selection: Selection, anchors: _Anchors) -> Section:
    title = "Wat de strategie zegt"
    n = len(selection.passages)
    intro = Paragraph(
        f"Alle {n} passage{'s' if n != 1 else ''} uit de strategie over dit onderwerp, letterlijk en in de "
        "volgorde van de strategie, onder de eigen hoofdstuk- en paragraafkoppen, met het paginanummer "
        f"in de Kamerstuk-uitgave ({content.document.kamerstuk}).", style="intro")
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
            subsections.append(Section(" — ".join(path), anchors(path[-1]), 3,
                                       blocks=_blocks([p for p in in_chapter if p.section == path], content),
                                       in_contents=False))
        chapters.append(Section(
            chapter.heading, anchors(chapter.title), 2, blocks=_blocks(direct, content),
            children=tuple(subsections),
            footnotes=tuple(_footnote(content, f) for f in chapter.footnotes)))
    return Section(title, anchors(title), 1, blocks=(intro,), children=tuple(chapters))


def _commitments(content: Content, selection: Selection, anchors: _Anchors) -> Section:
    title = "Nederlandse inzet en toezeggingen"
    rows = tuple((c.what, c.who, c.when or "—", c.where or "—", f"p. {content.by_id[c.passage].pages}")
                 for c in selection.commitments)
    return Section(title, anchors(title), 1, blocks=(
        Paragraph("Wat Nederland volgens de strategie doet, bijdraagt of toezegt, voor zover het in de "
                  "passages van deze briefing staat.", style="intro"),
        Table("Inzet en toezeggingen in de passages van deze briefing", ("Wat", "Wie", "Wanneer", "Waar", "Bron"), rows,
              widths=(44, 16, 12, 18, 10)),
    ))


def _figures(content: Content, selection: Selection, anchors: _Anchors) -> Section:
    title = "Kerncijfers"
    rows = tuple((f"{f.value} {f.unit}".strip(), f.label, f"p. {content.by_id[f.passage].pages}")
                 for f in selection.figures)
    return Section(title, anchors(title), 1, blocks=(
        Table("Cijfers uit de passages van deze briefing", ("Cijfer", "Omschrijving", "Bron"), rows,
              widths=(28, 60, 12)),
    ))


def _related(content: Content, selection: Selection, anchors: _Anchors) -> Section | None:
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
            rows.append((KIND_LABELS_NL[kind], entry.label_nl, str(n), f"{kind}-{entry.id}"))
    if not rows:
        return None
    title = "Verwante onderwerpen"
    return Section(title, anchors(title), 1, blocks=(
        Paragraph("Onderwerpen die in de passages van deze briefing ook aan de orde komen, met het aantal "
                  "passages waarin dat gebeurt; elk heeft een eigen briefing.", style="intro"),
        Table("Verwante onderwerpen", ("Soort", "Onderwerp", "Passages", "Briefing"), tuple(rows),
              widths=(14, 38, 11, 37)),
    ))


def _colophon(content: Content, selection: Selection, edition: Edition, anchors: _Anchors) -> Section:
    title = "Colofon"
    doc = content.document
    selectors = ", ".join(f"--{s.kind} {s.id}" for s in selection.selectors)
    lines = (
        Paragraph(f"{doc.citation}, aangeboden op {format_date(dt.date.fromisoformat(doc.date))} door {doc.sender}.", lead="Bron"),
        Paragraph(f"{selectors} ({len(selection.passages)} passages). Passages zijn letterlijk overgenomen; "
                  "kernboodschappen, kerncijfers en toezeggingen zijn door de redactie uit die tekst "
                  "samengevat, met paginaverwijzing.", lead="Selectie"),
        # Only what this briefing shows: a digest of all content or the build
        # clock here would make every change, and every day, rebuild all.
        Paragraph(f"briefing {__version__}; stand van de inhoud: {format_date(edition.date)}.", lead="Versie"),
        Paragraph(f"{edition.organisation}. Dit is geen officiële publicatie van de Rijksoverheid.",
                  lead="Samensteller"),
    )
    return Section(title, anchors(title), 1, blocks=lines)

