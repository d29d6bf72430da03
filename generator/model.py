"""The format-neutral briefing model.

`compose.compose()` is its only producer; every writer consumes it. It holds
plain text and structure — no HTML, no Word objects — so that the PDF, Word
and HTML renderings of one briefing carry the same words in the same order.
Each block that comes from the strategy carries a `SourceRef`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any, ClassVar


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Where a block came from: the passage, its page in the Kamerstuk and
    the content file and line (for messages; not shown to readers)."""

    passage: str
    pages: str  # "12" or "9–10"
    path: str = field(default="", compare=False)
    line: int = field(default=0, compare=False)

    @property
    def citation(self) -> str:
        return f"p. {self.pages}"


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


@dataclass(frozen=True, slots=True)
class Footnote:
    kind: ClassVar[str] = "footnote"
    marker: str
    text: str
    source: SourceRef


@dataclass(frozen=True, slots=True)
class BulletList:
    kind: ClassVar[str] = "list"
    items: tuple[Paragraph, ...]


@dataclass(frozen=True, slots=True)
class Box:
    """A kader of the strategy, set off from the running text."""

    kind: ClassVar[str] = "box"
    label: str
    blocks: tuple[Paragraph, ...]


@dataclass(frozen=True, slots=True)
class Table:
    kind: ClassVar[str] = "table"
    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[int, ...] = ()  # relative column widths, summing to 100


Block = Paragraph | BulletList | Box | Table


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

    def walk(self) -> Iterator[Section]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True, slots=True)
class Cover:
    title: str  # "Briefing Sahel"
    subtitle: str
    date: str  # "27 november 2026"
    marking: str  # "Openbaar"
    source_line: str
    selection_line: str  # "Regio: Sahel"


@dataclass(frozen=True, slots=True)
class Metadata:
    title: str
    author: str
    subject: str
    keywords: tuple[str, ...]
    language: str  # "nl"
    created: str  # ISO 8601, from the build date
    generator: str


@dataclass(frozen=True, slots=True)
class Briefing:
    id: str  # file stem, "region-sahel"
    cover: Cover
    metadata: Metadata
    sections: tuple[Section, ...]
    passage_count: int
    contents: bool = True  # a short briefing goes without a contents page

    def walk(self) -> Iterator[Section]:
        for section in self.sections:
            yield from section.walk()


def fingerprint_data(node: Any) -> Any:
    """A JSON-ready view of a model node for hashing: everything a reader
    sees, nothing that only says where in content/ it came from (a passage
    moving down a file must not force a rebuild)."""
    if is_dataclass(node) and not isinstance(node, type):
        out: dict[str, Any] = {"_": type(node).__name__}
        for f in fields(node):
            if f.name in ("path", "line"):
                continue
            out[f.name] = fingerprint_data(getattr(node, f.name))
        return out
    if isinstance(node, (tuple, list)):
        return [fingerprint_data(n) for n in node]
    return node
