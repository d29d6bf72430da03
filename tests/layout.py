"""Typographic facts of a laid-out PDF, read from WeasyPrint's page boxes:
which line is on which page, what element it belongs to, where footnote
calls and footnote bodies landed. The typography tests assert the issue's
measurable goals on these facts; `python tests/layout.py` prints them for
the whole catalogue (a designer's check, not a test)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from weasyprint.formatting_structure import boxes

from generator.compat.weasyprint import page_box

HYPHEN = "\u2010"  # what WeasyPrint inserts when it hyphenates
KEEP_WITH_NEXT = ("heading", "intro", "caption", "label", "translation")


@dataclass
class Line:
    page: int
    kind: str  # body, heading, intro, caption, label, table, contents, cover, other
    text: str
    y: float
    block: int = 0  # identity of the paragraph the line belongs to


@dataclass
class Facts:
    pages: int
    lines: list[Line] = field(default_factory=list)
    calls: dict[str, int] = field(default_factory=dict)  # footnote element id -> page of its call
    notes: dict[str, int] = field(default_factory=dict)  # footnote element id -> first page of its text
    markings: list[tuple[str, str]] = field(default_factory=list)  # per page: top and bottom marking

    @property
    def body(self) -> list[Line]:
        return [line for line in self.lines if line.kind == "body"]

    def hyphenated(self) -> list[Line]:
        return [line for line in self.body if line.text.endswith(HYPHEN)]

    def hyphen_share(self) -> float:
        return len(self.hyphenated()) / max(1, len(self.body))

    def mean_length(self) -> float:
        return sum(len(line.text) for line in self.body) / max(1, len(self.body))

    def measure(self) -> float:
        """Mean length of full body lines: all but the last line of each
        paragraph (the line length the design sets)."""
        body = self.body
        full = [line for line, after in zip(body, body[1:], strict=False) if after.block == line.block]
        return sum(len(line.text) for line in full) / max(1, len(full))

    def longest_hyphen_run(self) -> int:
        run = best = 0
        for line in self.body:
            run = run + 1 if line.text.endswith(HYPHEN) else 0
            best = max(best, run)
        return best

    def short_leftovers(self) -> list[str]:
        """Hyphenations that leave fewer than 3 letters on either side."""
        found = []
        body = self.body
        for line, after in zip(body, body[1:], strict=False):
            if line.text.endswith(HYPHEN):
                before = line.text[:-1].split()[-1] if line.text[:-1].split() else ""
                rest = after.text.split()[0] if after.text.split() else ""
                head = before.rsplit("-", 1)[-1]
                tail = "".join(c for c in rest if c.isalpha())
                if len(head) < 3 or len(tail) < 3:
                    found.append(f"{before}{rest}")
        return found

    def stranded(self) -> list[Line]:
        """Lines of a heading, intro or caption that end a page."""
        out = []
        for page in range(self.pages):
            flow = [line for line in self.lines if line.page == page]
            if flow and page < self.pages - 1:
                last = max(flow, key=lambda line: line.y)
                if last.kind in KEEP_WITH_NEXT:
                    out.append(last)
        return out

    def parted_translations(self) -> list[str]:
        """Translations that begin a page: their original ended on the page
        before, and the reader turns over to a translation of nothing."""
        out = []
        for page in range(1, self.pages):
            flow = [line for line in self.lines if line.page == page and line.kind not in ("other",)]
            if flow and min(flow, key=lambda line: line.y).kind == "translation":
                out.append(f"page {page + 1}")
        return out

    def lone_words(self) -> list[str]:
        """Lines inside a paragraph (not its last) that hold one word."""
        body = self.body
        return [f"{line.text!r} before {after.text[:30]!r}" for line, after in zip(body, body[1:], strict=False)
                if after.block == line.block and len(line.text.split()) == 1 and not line.text.endswith(HYPHEN)]

    def broken_references(self) -> list[str]:
        """A page or Kamerstuk reference broken over two lines: "p." / "7",
        "33" / "694", "nr." / "1"."""
        out = []
        for line, after in zip(self.lines, self.lines[1:], strict=False):
            head, tail = line.text.rstrip(), after.text.lstrip()
            if after.block == line.block and re.search(r"(?:\bp\.|\bnr\.|\b\d{2})$", head) and \
                    re.match(r"\d", tail):
                out.append(f"{head[-20:]!r} / {tail[:10]!r}")
        return out

    def lines_on_last_page(self) -> int:
        return sum(1 for line in self.lines if line.page == self.pages - 1)

    def notes_away_from_calls(self) -> list[str]:
        return [f"note {key}: call on page {page + 1}, text on page {self.notes.get(key, -1) + 1}"
                for key, page in self.calls.items() if self.notes.get(key) != page]


def _classes(box: Any) -> set[str]:
    element = box.element
    return set((element.get("class") or "").split()) if element is not None else set()


def _text(box: Any) -> str:
    if isinstance(box, boxes.TextBox):
        return str(box.text)
    return "".join(_text(child) for child in getattr(box, "children", ()))


def _walk(box: Any, kind: str, block: int = 0) -> Iterator[tuple[Any, str, int]]:
    tag = box.element_tag if box.element is not None else ""
    if str(tag).endswith("::marker"):
        return  # a list bullet is not a line of text
    classes = _classes(box)
    if "cover" in classes:
        kind = "cover"
    elif "contents" in classes:
        kind = "contents"
    elif kind not in ("cover", "contents"):
        if tag in ("h1", "h2", "h3", "h4"):
            kind = "heading"
        elif tag == "caption":
            kind = "caption"
        elif "box-label" in classes or "original-heading" in classes:
            kind = "label"
        elif "translation-heading" in classes:
            kind = "translation"  # the label over a passage's translation
        elif "intro" in classes:
            kind = "intro"
        elif tag in ("td", "th"):
            kind = "table"
        elif tag in ("p", "li") and kind in ("other", "body"):
            kind = "body"
    if tag in ("p", "li", "td", "th", "h1", "h2", "h3", "h4", "caption"):
        block = id(box.element)
    if isinstance(box, boxes.LineBox):
        yield box, kind, block
        return
    for child in getattr(box, "children", ()):
        yield from _walk(child, kind, block)


def _calls(box: Any) -> Iterator[Any]:
    if str(getattr(box, "element_tag", "")).endswith("::footnote-call"):
        yield box
    for child in getattr(box, "children", ()):
        yield from _calls(child)


def boxes_with_class(page: Any, name: str) -> list[Any]:
    """The boxes on a laid-out page whose element has class `name`."""
    found = []

    def walk(box: Any) -> None:
        if name in _classes(box) and not isinstance(box, (boxes.LineBox, boxes.TextBox)):
            found.append(box)
            return
        for child in getattr(box, "children", ()):
            walk(child)
    walk(page_box(page))
    return found


def facts(document: Any) -> Facts:
    """Facts of a `weasyprint.Document` (PdfWriter.layout)."""
    out = Facts(pages=len(document.pages))
    for number, page in enumerate(document.pages):
        top = bottom = ""
        for child in page_box(page).children:
            if isinstance(child, boxes.FootnoteAreaBox):
                for note in child.children:
                    out.notes.setdefault(str(id(note.element)), number)
            elif isinstance(child, boxes.MarginBox):
                if child.at_keyword == "@top-center":
                    top = _text(child)
                elif child.at_keyword == "@bottom-center":
                    bottom = _text(child)
            else:
                for line, kind, block in _walk(child, "other"):
                    text = _text(line).strip()
                    if text:
                        out.lines.append(Line(number, kind, text, line.position_y, block))
                for call in _calls(child):
                    out.calls.setdefault(str(id(call.element)), number)
        out.markings.append((top, bottom))
    return out


if __name__ == "__main__":  # pragma: no cover - a tool for looking, run by hand
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    import os

    from conftest import CONTENT, EDITION, TEMPLATES

    from generator.catalogue import catalogue
    from generator.compose import compose
    from generator.content import load_content
    from generator.select import select
    from generator.writers.pdf import PdfWriter

    content = load_content(CONTENT)
    writer = PdfWriter(Path(os.environ.get("TEMPLATES", TEMPLATES)))
    wanted = sys.argv[1:]
    for selectors in catalogue(content):
        briefing = compose(content, select(content, selectors), EDITION)
        if wanted and briefing.id not in wanted:
            continue
        f = facts(writer.layout(briefing))
        print(f"{briefing.id:<44} {f.pages:>2}p body {len(f.body):>4} mean {f.mean_length():5.1f} "
              f"measure {f.measure():5.1f} "
              f"max {max((len(x.text) for x in f.body), default=0):>3} hyph {f.hyphen_share():5.1%} "
              f"run {f.longest_hyphen_run()} last {f.lines_on_last_page():>3} "
              f"stranded {[x.text[:30] for x in f.stranded()]} notes {f.notes_away_from_calls()} "
              f"short {f.short_leftovers()}")
