"""The format-neutral briefing model.

`compose.compose()` is its only producer; every writer consumes it. It holds
plain text and structure — no HTML, no Word objects — so that the PDF, Word
and HTML renderings of one briefing carry the same words in the same order.
Each block that comes from the strategy carries a `SourceRef`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any, ClassVar, Literal


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of a text in another language than the document's
    (`text[start:end]`), so that writers tag it: it is then neither
    hyphenated nor read out by the document's language rules."""

    start: int
    end: int
    language: str  # "en"


def segments(text: str, spans: tuple[Span, ...]) -> tuple[tuple[str, str], ...]:
    """`text` cut at its spans: (piece, language) with "" for the
    document's own language. Writers render these pieces in order."""
    out: list[tuple[str, str]] = []
    at = 0
    for span in spans:
        if span.start > at:
            out.append((text[at:span.start], ""))
        out.append((text[span.start:span.end], span.language))
        at = span.end
    if at < len(text) or not out:
        out.append((text[at:], ""))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Translation:
    """An unofficial translation of a block of strategy text, printed right
    after the original under its own heading ("Unofficial translation
    (draft)"). Its text is empty where no current translation exists:
    the heading then says so."""

    heading: str
    text: str
    language: str  # "en"


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Where a block came from: the passage, the pages of the Kamerstuk on
    which its printed words stand and the content file and line (for
    messages; not shown to readers). `pages` names only pages that hold
    those words word for word; `reworded` pages say the same in other
    words, and the citation says so."""

    passage: str
    pages: str  # "12", "9–10" or "2, 24"
    path: str = field(default="", compare=False)
    line: int = field(default=0, compare=False)
    citation: str = ""  # "p. 12", as the reader sees it (from the label catalogue)
    reworded: str = ""  # "24": repeated there in other words


@dataclass(frozen=True, slots=True)
class Paragraph:
    kind: ClassVar[str] = "paragraph"
    text: str
    source: SourceRef | None = None
    footnotes: tuple[Footnote, ...] = ()
    lead: str = ""  # a short bold lead-in, e.g. a key figure's value
    style: str = ""  # "", "intro", "note", "excerpt": a named variant, never direct formatting
    # Another briefing this paragraph links to, by id ("theme-terrorism");
    # each writer adds its own suffix, so a PDF links to the PDF beside it.
    link: str = ""
    foreign: tuple[Span, ...] = ()  # stretches of `text` in another language
    # Citations inside the text, each after the words it cites (`text[:at]`
    # back to the previous one): a lead-in and the excerpt after it stand
    # on their own pages. `source` cites the rest, to the end.
    cites: tuple[tuple[int, SourceRef], ...] = ()
    # Web addresses some words link to (a note's links; never strategy text):
    # (start, end, address) within `text`, in order, not overlapping.
    links: tuple[tuple[int, int, str], ...] = ()
    # Words a query asked for (start, end), in order, not overlapping: shown
    # marked, never changed.
    marks: tuple[tuple[int, int], ...] = ()
    # The language of `text` when it is not the document's: the Dutch
    # original in an English edition ("nl"); its translation follows it.
    language: str = ""
    translation: Translation | None = None

    @property
    def linked(self) -> tuple[tuple[str, str], ...]:
        """The text cut at its links: (piece, address), "" where it links nowhere."""
        out: list[tuple[str, str]] = []
        at = 0
        for start, end, address in self.links:
            if start > at:
                out.append((self.text[at:start], ""))
            out.append((self.text[start:end], address))
            at = end
        if at < len(self.text) or not out:
            out.append((self.text[at:], ""))
        return tuple(out)

    @property
    def segments(self) -> tuple[tuple[str, str], ...]:
        return segments(self.text, self.foreign)

    @property
    def runs(self) -> tuple[tuple[str, str, SourceRef | None], ...]:
        """The text as writers render it: (piece, language, None) for
        words, ("", "", citation) where a citation inside it stands."""
        out: list[tuple[str, str, SourceRef | None]] = []
        at = 0
        for stop, ref in (*self.cites, (len(self.text), None)):
            inside = tuple(Span(max(s.start, at) - at, min(s.end, stop) - at, s.language)
                           for s in self.foreign if s.start < stop and s.end > at)
            out.extend((piece, lang, None) for piece, lang in segments(self.text[at:stop], inside) if piece)
            if ref is not None:
                out.append(("", "", ref))
            at = stop
        return tuple(out)

    @property
    def marked_runs(self) -> tuple[tuple[str, str, SourceRef | None, bool], ...]:
        """`runs`, each piece cut where a query's marks begin and end:
        (piece, language, citation, marked)."""
        out: list[tuple[str, str, SourceRef | None, bool]] = []
        at = 0
        for piece, lang, ref in self.runs:
            end = at + len(piece)
            cuts = sorted({at, end, *(x for m in self.marks for x in m if at < x < end)})
            for start, stop in zip(cuts, cuts[1:], strict=False):
                marked = any(m0 <= start and stop <= m1 for m0, m1 in self.marks)
                out.append((self.text[start:stop], lang, None, marked))
            if ref is not None or not piece:
                out.append((piece, lang, ref, False))
            at = end
        return tuple(out)


@dataclass(frozen=True, slots=True)
class Footnote:
    kind: ClassVar[str] = "footnote"
    marker: str
    text: str
    source: SourceRef
    foreign: tuple[Span, ...] = ()
    language: str = ""  # as Paragraph's
    translation: Translation | None = None

    @property
    def segments(self) -> tuple[tuple[str, str], ...]:
        return segments(self.text, self.foreign)


@dataclass(frozen=True, slots=True)
class BulletList:
    kind: ClassVar[str] = "list"
    items: tuple[Paragraph, ...]


@dataclass(frozen=True, slots=True)
class Box:
    """A kader of the strategy, set off from the running text."""

    kind: ClassVar[str] = "box"
    label: str  # "Kader"
    blocks: tuple[Paragraph, ...]


@dataclass(frozen=True, slots=True)
class Table:
    kind: ClassVar[str] = "table"
    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[int, ...] = ()  # relative column widths, summing to 100


@dataclass(frozen=True, slots=True)
class Shade:
    """Countries filled alike on a map, with their line in the legend.
    `level` 0 is the house colour of a locator map's region; 1 to 4 are
    ever darker tints of it for a theme map's counts."""

    level: int
    countries: tuple[str, ...]
    legend: str = ""  # "" on a locator map, which has no legend
    north_of: float | None = None  # also the area north of this latitude (the Arctic)


@dataclass(frozen=True, slots=True)
class MapLabel:
    """A name on a map, set over the countries it names (or, for a region
    of sea, at `at`: longitude, latitude). The `main` label names the map's
    subject; the others its neighbours, more quietly."""

    text: str
    countries: tuple[str, ...]
    main: bool = False
    at: tuple[float, float] | None = None


@dataclass(frozen=True, slots=True)
class MapDrawing:
    """A map: countries of `shades` filled, the rest in grey, within a view.
    `world_digest` names the country outlines (content/geo/world.json) by
    their sha256: the drawing gets them from `assets`, so a map renders
    wherever its task is sent."""

    projection: str  # "laea" or "equal-earth"
    center: tuple[float, float]
    bounds: tuple[float, float, float, float]
    shades: tuple[Shade, ...]
    legend_title: str
    world_digest: str
    language: str = "nl"  # of the countries' names (their titles in the SVG)
    labels: tuple[MapLabel, ...] = ()


@dataclass(frozen=True, slots=True)
class ChartBar:
    label: str  # "Marokko"
    value: float  # the bar's length
    text: str  # the value as the strategy prints it: "33%"


@dataclass(frozen=True, slots=True)
class ChartDrawing:
    """Bars of figures of one unit, in the order given."""

    bars: tuple[ChartBar, ...]


Drawing = MapDrawing | ChartDrawing


@dataclass(frozen=True, slots=True)
class Picture:
    """A map or chart with its caption and alternative text. Writers draw
    `drawing` (as SVG or PNG, through `generator.pictures`) and tag the
    picture as a figure that says `alt`."""

    kind: ClassVar[str] = "picture"
    drawing: Drawing
    caption: str
    alt: str
    source: SourceRef | None = None


Block = Paragraph | BulletList | Box | Table | Picture

# What a top-level section is for, so that writers can treat it as such
# (the colophon is kept on one page) without recognising it by its title.
Role = Literal["", "key-messages", "in-brief", "where", "notes", "strategy-text", "also-named", "commitments", "figures",
               "related", "colophon"]


@dataclass(frozen=True, slots=True)
class Section:
    """A heading with its blocks and subsections. `anchor` is unique within
    the briefing and used for the contents, bookmarks and links."""

    title: str
    anchor: str
    level: int  # 1 or 2 (3 for the strategy's own subsections)
    blocks: tuple[Block, ...] = ()
    children: tuple[Section, ...] = ()
    in_contents: bool = True
    footnotes: tuple[Footnote, ...] = ()  # footnote on the heading itself
    role: Role = ""
    # A heading of the strategy in an edition of another language: `title`
    # is its translation, `original` the strategy's own words, in
    # `original_language`, printed beside it.
    original: str = ""
    original_language: str = ""

    def walk(self) -> Iterator[Section]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True, slots=True)
class Fact:
    """One labelled line of the cover: ("Datum", "27 november 2026")."""

    label: str
    value: str


@dataclass(frozen=True, slots=True)
class Cover:
    kicker: str  # "Internationale Veiligheidsstrategie"
    title: str  # "Briefing Sahel"
    subtitle: str
    date: str  # "27 november 2026"
    facts: tuple[Fact, ...]  # selection, date, marking
    marking: str  # "Openbaar": also at the top and foot of every page
    source_line: str
    disclaimer: str
    # Stretches of `source_line` in another language: the strategy's Dutch
    # title in an English edition's citation.
    source_foreign: tuple[Span, ...] = ()

    @property
    def source_segments(self) -> tuple[tuple[str, str], ...]:
        return segments(self.source_line, self.source_foreign)


@dataclass(frozen=True, slots=True)
class Furniture:
    """Words around the text on every page and in the document's frame,
    taken by compose from the label catalogue: writers have none of
    their own."""

    contents_title: str  # "Inhoud"
    footer: str  # "pagina {page} van {pages}": writers put live numbers in
    language_tag: str  # "nl-NL", for formats that want a region

    @property
    def footer_parts(self) -> tuple[str, str, str]:
        """The words before {page}, between it and {pages}, and after
        (the label catalogue guarantees this order)."""
        before, rest = self.footer.split("{page}", 1)
        between, after = rest.split("{pages}", 1)
        return before, between, after


@dataclass(frozen=True, slots=True)
class Metadata:
    title: str
    author: str
    subject: str
    keywords: tuple[str, ...]
    language: str  # "nl"
    classification: str  # the marking, as a document property too
    created: str  # ISO 8601, from the build date
    generator: str


@dataclass(frozen=True, slots=True)
class Briefing:
    id: str  # file stem, "region-sahel"
    cover: Cover
    metadata: Metadata
    furniture: Furniture
    sections: tuple[Section, ...]
    passage_count: int
    contents: bool = True  # a short briefing goes without a contents page

    def walk(self) -> Iterator[Section]:
        for section in self.sections:
            yield from section.walk()

    def pictures(self) -> Iterator[Picture]:
        for section in self.walk():
            yield from (block for block in section.blocks if isinstance(block, Picture))


# Fields added to the model after briefings were built: left out of the
# fingerprint while empty, so that adding them forces no rebuild.
ADDED_LATER = frozenset({"marks", "language", "translation", "original", "original_language", "source_foreign"})


def fingerprint_data(node: Any) -> Any:
    """A JSON-ready view of a model node for hashing: everything a reader
    sees, nothing that only says where in content/ it came from (a passage
    moving down a file must not force a rebuild)."""
    names = _FINGERPRINTED.get(type(node))
    if names is None:
        if isinstance(node, (tuple, list)):
            return [fingerprint_data(n) for n in node]
        if not is_dataclass(node) or isinstance(node, type):
            return node
        names = _FINGERPRINTED[type(node)] = tuple(f.name for f in fields(node) if f.name not in ("path", "line"))
    out: dict[str, Any] = {"_": type(node).__name__}
    for name in names:
        value = getattr(node, name)
        if name in ADDED_LATER and not value:
            continue
        out[name] = fingerprint_data(value)
    return out


# Dataclass -> the names of its fields that are fingerprinted (planning
# walks some 40,000 nodes per catalogue; fields() each time was a fifth of it).
_FINGERPRINTED: dict[type, tuple[str, ...]] = {}
