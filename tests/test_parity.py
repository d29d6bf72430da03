"""PDF, Word and Markdown carry the same words in the same order: all are
views of one model."""

from __future__ import annotations

import io
import re
import subprocess

import docx
import pytest
from conftest import Rendered
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

from generator.model import Box, Briefing, BulletList, Paragraph


def words(text: str) -> str:
    # Layout may break and hyphenate words; letters and digits in order must survive.
    return re.sub(r"[^0-9a-zà-ÿ]+", "", text.lower())


def pieces(paragraph: Paragraph) -> list[str]:
    out, text = [], ""
    for piece, _, ref in paragraph.runs:
        if ref is None:
            text += piece
        else:
            out.append(text)
            text = ""
    return [*out, text]


def model_paragraphs(briefing: Briefing) -> list[str]:
    out = []
    for section in briefing.walk():
        out.append(section.title)
        for block in section.blocks:
            items = block.items if isinstance(block, BulletList) else block.blocks if isinstance(block, Box) \
                else (block,)
            # words between citations: each piece of a paragraph is followed by its own,
            # then (in an edition of another language) its translation
            for i in items:
                if isinstance(i, Paragraph):
                    out += pieces(i)
                    if i.translation is not None:
                        out += [i.translation.heading, i.translation.text]
    return out


def pdf_body(data: bytes, briefing: Briefing) -> str:
    text = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    pages = text.split("\f")[2 if briefing.contents else 1:]  # after cover and contents
    lines = []
    before, between, after = (re.escape("".join(p.split())) for p in briefing.furniture.footer_parts)
    marking = re.escape("".join(briefing.cover.marking.upper().split()))
    furniture = re.compile(rf"({marking})?({before}\d+{between}\d+{after})?")
    for page in pages:
        for line in page.splitlines():
            # running header and footer (letter-spaced capitals come out
            # with stray spaces, so compare without any)
            squeezed = "".join(line.split())
            if squeezed == "".join(briefing.cover.title.split()) or furniture.fullmatch(squeezed):
                continue
            lines.append(line)
    body = words("\n".join(lines))
    # Footnotes float to the foot of the page, possibly inside a paragraph
    # that continues on the next page: take them out as rendered.
    for section in briefing.walk():
        notes = list(section.footnotes)
        for block in section.blocks:
            items = block.items if isinstance(block, BulletList) else block.blocks if isinstance(block, Box) \
                else (block,)
            notes += [n for i in items if isinstance(i, Paragraph) for n in i.footnotes]
        for note in notes:
            translated = f" {note.translation.heading}: {note.translation.text}" if note.translation else ""
            rendered = words(f"{note.marker}. {note.text} {note.source.citation}{translated}")
            assert rendered in body, f"footnote {note.marker} not rendered"
            body = body.replace(rendered, "", 1)
    return body


def docx_body(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs if p.style is None or not p.style.name.startswith("TOC")]
    for table in document.tables:
        texts += [c.text for row in table.rows for c in row.cells]
    return words("\n".join(texts))


def markdown_text(data: bytes) -> str:
    """The text a reader sees of a Markdown file, as a CommonMark + GFM
    renderer (markdown-it-py with tables and footnotes) shows it."""
    html = MarkdownIt("commonmark").enable("table").use(footnote_plugin).render(data.decode("utf-8"))
    html = re.sub(r"<[^>]+>", " ", html)
    return html.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')


def markdown_body(data: bytes) -> str:
    return words(markdown_text(data))


@pytest.mark.parametrize("name", ["sahel", "sahel_en"])
def test_same_words_same_order(name: str, request: pytest.FixtureRequest) -> None:
    sahel: Rendered = request.getfixturevalue(name)
    pdf, word, md = pdf_body(sahel.pdf, sahel.briefing), docx_body(sahel.docx), markdown_body(sahel.md)
    for name, body in (("pdf", pdf), ("docx", word), ("md", md)):
        position = 0
        for paragraph in model_paragraphs(sahel.briefing):
            needle = words(paragraph)
            found = body.find(needle, position)
            assert found >= 0, f"{name}: '{paragraph[:60]}…' missing or out of order"
            position = found + len(needle)
