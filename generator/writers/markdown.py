"""Markdown writer: the briefing model as CommonMark with GitHub's tables
and footnotes (GFM), for wikis and e-mail.

One line per paragraph, so that a wiki wraps it and a diff shows what
changed. Every text from the model is escaped (`escape`): content is text,
and a `*`, `<b>`, `[link](x)` or `#` in it is shown as written, never read
as markup. The strategy's footnotes become GFM footnotes whose text starts
with the strategy's own number (a renderer numbers the calls in order of
appearance). Pictures are SVG files written beside the Markdown file
("region-sahel.1.svg", see `formats.BESIDE`), linked with their
alternative text; the Markdown file holds no picture itself.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from .. import pictures
from ..model import Box, Briefing, BulletList, Footnote, Paragraph, Picture, Section, SourceRef, Table
from .base import Learned, Rendered

# Characters that may open or close inline markup anywhere in a line:
# emphasis, code, links and images, raw HTML and autolinks, escapes,
# GFM's strikethrough and table cells.
INLINE = re.compile(r"([\\`*_\[\]<>~|#])")
# An entity or character reference would be decoded: keep its '&'.
ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
# What opens a block at the start of a line: a heading, quote, list item,
# thematic break, setext underline, fence or ordered list item.
LINE_START = re.compile(r"^([ \t]*)([#>+=-]|\d{1,9}(?=[.)]))")


def escape(text: str, line_start: bool = True) -> str:
    """`text` as Markdown that renders as exactly these characters. With
    `line_start=False` the text continues a line (a piece after a link or
    a citation): what opens a block matters only after its line breaks."""
    text = ENTITY.sub(r"\\&", INLINE.sub(r"\\\1", text))
    lines = []
    for number, line in enumerate(text.split("\n")):
        if number == 0 and not line_start:
            lines.append(line)
            continue
        # Leading spaces would make an indented code block; a non-breaking
        # space shows the same and opens nothing.
        stripped = line.lstrip(" \t")
        line = "\u00a0" * (len(line) - len(stripped)) + stripped
        match = LINE_START.match(line)
        if match and match.group(2).isdigit():
            line = line[:match.end()] + "\\" + line[match.end():]
        elif match:
            line = line[:match.start(2)] + "\\" + line[match.start(2):]
        lines.append(line)
    return "\n".join(lines)


def cell(text: str) -> str:
    """A table cell: escaped, on one line (a cell cannot hold a line break)."""
    return escape(" ".join(text.split("\n"))) if text else " "


def slug(title: str, seen: dict[str, int]) -> str:
    """The anchor GitHub and GitLab give a heading: lower case, punctuation
    dropped, spaces to hyphens, '-1', '-2' for repeats. Other renderers may
    differ; the contents then lists the headings without reaching them."""
    base = re.sub(r"[^\w\- ]", "", unicodedata.normalize("NFC", title).lower()).replace(" ", "-")
    n = seen.get(base, 0)
    seen[base] = n + 1
    return base if n == 0 else f"{base}-{n}"


class MarkdownWriter:
    format = "md"
    suffix = ".md"

    def __init__(self, templates: Path) -> None:
        self.templates = templates

    def render(self, briefing: Briefing, prior: Sequence[Learned] = ()) -> Rendered:
        return _Document(self, briefing).render()


class _Document:
    """One briefing being written: its lines, footnotes and pictures."""

    def __init__(self, writer: MarkdownWriter, briefing: Briefing) -> None:
        self.writer, self.briefing = writer, briefing
        self.blocks: list[str] = []
        self.notes: dict[str, str] = {}  # label -> definition
        self.pictures: list[tuple[str, bytes]] = []

    def render(self) -> Rendered:
        self.cover()
        if self.briefing.contents:
            self.contents()
        for section in self.briefing.sections:
            self.section(section)
        marking = self.briefing.cover.marking
        self.blocks.append(f"**{escape(marking.upper())}**")
        text = "\n\n".join(self.blocks)
        if self.notes:
            text += "\n\n" + "\n".join(self.notes.values())
        return Rendered((text + "\n").encode("utf-8"), beside=tuple(self.pictures))

    def cover(self) -> None:
        cover = self.briefing.cover
        self.blocks += [
            f"**{escape(cover.marking.upper())}**",
            escape(cover.kicker),
            f"# {escape(cover.title)}",
            escape(cover.subtitle),
            "\n".join(f"- **{escape(fact.label)}:** {escape(fact.value)}" for fact in cover.facts),
            escape(cover.source_line),
            "\n".join(f"> {line}" for line in escape(cover.disclaimer).split("\n")),
        ]

    def contents(self) -> None:
        seen: dict[str, int] = {}
        slugs = {s.anchor: slug(s.title, seen) for s in self.briefing.walk()}
        self.blocks.append(f"## {escape(self.briefing.furniture.contents_title)}")
        self.blocks.append("\n".join(
            f"{'  ' * (s.level - 1)}- [{escape(s.title)}](#{slugs[s.anchor]})"
            for s in self.briefing.walk() if s.in_contents and s.level <= 2))

    def section(self, section: Section) -> None:
        self.blocks.append(f"{'#' * (section.level + 1)} {escape(section.title)}{self.calls(section.footnotes)}")
        if section.original:  # the strategy's own heading, under its translation
            self.blocks.append(f"*{escape(section.original)}*")
        for block in section.blocks:
            if isinstance(block, Paragraph):
                self.blocks.append(self.paragraph(block))
            elif isinstance(block, BulletList):
                # An item's translation stays inside the item, indented under it.
                self.blocks.append("\n".join("- " + self.paragraph(item).replace("\n", "\n  ").replace("\n  \n", "\n\n")
                                             for item in block.items))
            elif isinstance(block, Box):
                self.blocks.append(self.box(block))
            elif isinstance(block, Table):
                self.blocks.append(self.table(block))
            elif isinstance(block, Picture):
                self.blocks.append(self.picture(block))
        for child in section.children:
            self.section(child)

    def paragraph(self, node: Paragraph) -> str:
        lead = f"**{escape(node.lead)}.** " if node.lead else ""
        if node.link:
            text = f"[{escape(node.text)}]({node.link}{self.writer.suffix})"
        elif node.links:  # a note's web addresses (notes.LINK admits no space, bracket or quote in one)
            text = "".join(f"[{escape(piece, n == 0)}](<{address}>)" if address else escape(piece, n == 0)
                           for n, (piece, address) in enumerate(node.linked))
        else:
            text = "".join(escape(piece, n == 0) if ref is None else citation(ref)
                           for n, (piece, _, ref) in enumerate(node.runs))
        return lead + text + self.calls(node.footnotes) + citation(node.source) + self.translation(node)

    @staticmethod
    def translation(node: Paragraph | Footnote) -> str:
        """The unofficial translation after a block of the strategy's text:
        a quotation under its label (in a footnote, after a dash)."""
        t = node.translation
        if t is None:
            return ""
        label = f"*{escape(t.heading)}*"
        if isinstance(node, Footnote):
            return f" — {label}: {escape(t.text)}" if t.text else f" — {label}"
        return f"\n\n> {label}" + (f"  \n> {escape(' '.join(t.text.split(chr(10))))}" if t.text else "")

    def box(self, node: Box) -> str:
        parts = [f"**{escape(node.label)}**", *(self.paragraph(p) for p in node.blocks)]
        return "\n>\n".join("\n".join(f"> {line}" for line in part.split("\n")) for part in parts)

    def table(self, node: Table) -> str:
        rows = [f"| {' | '.join(cell(c) for c in node.columns)} |", f"|{'---|' * len(node.columns)}",
                *(f"| {' | '.join(cell(c) for c in row)} |" for row in node.rows)]
        return f"**{escape(node.caption)}**\n\n" + "\n".join(rows)

    def picture(self, node: Picture) -> str:
        name = f"{self.briefing.id}.{len(self.pictures) + 1}.svg"
        self.pictures.append((name, pictures.render(node.drawing, "svg", self.writer.templates)))
        alt = escape(" ".join(node.alt.split("\n")))
        return f"![{alt}]({name})\n\n*{escape(node.caption)}*{citation(node.source)}"

    def calls(self, notes: tuple[Footnote, ...]) -> str:
        """GFM footnote calls, each defined once at the end. The same
        strategy footnote twice is one definition; two different ones with
        the same number get labels of their own."""
        out = []
        for note in notes:
            # "2\. …": the strategy's number, not an ordered list starting at 2
            definition = (f"{escape(note.marker + '. ')}{escape(' '.join(note.text.split(chr(10))))}"
                          f"{citation(note.source)}{self.translation(note)}")
            label, n = f"fn-{_label(note.marker)}", 1
            while label in self.notes and self.notes[label] != f"[^{label}]: {definition}":
                n += 1
                label = f"fn-{_label(note.marker)}-{n}"
            self.notes[label] = f"[^{label}]: {definition}"
            out.append(f"[^{label}]")
        return "".join(out)


def citation(ref: SourceRef | None) -> str:
    """Where the words stand in the strategy, after them: ' (p. 12)'."""
    return f" ({escape(ref.citation)})" if ref is not None and ref.citation else ""


def _label(marker: str) -> str:
    return re.sub(r"[^0-9A-Za-z]+", "-", marker).strip("-") or "x"
