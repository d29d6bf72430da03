"""Content text is text, and the PDF renderer reads nothing but templates/."""

from __future__ import annotations

import io
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import docx
import pytest
from conftest import EDITION, TEMPLATES, make_briefing

from generator.compose import compose
from generator.content import Content, load_content
from generator.errors import TemplateError
from generator.model import Briefing
from generator.select import parse_selectors, select
from generator.writers import get_writer
from generator.writers.pdf import AssetRefused, PdfWriter, TemplatesOnlyFetcher

HOSTILE = ('<script>alert(1)</script> {{ 7*7 }} {% raw %} <img src="file:///etc/passwd"> '
           'url(file:///etc/hostname) http://127.0.0.1:9/x')


@pytest.fixture
def hostile_briefing(content_copy: Path, content: Content) -> Briefing:
    quoted_ids = {x.passage for x in content.figures} | {x.passage for x in content.commitments}
    target = next(p for p in content.passages
                  if p.chapter == "omgevingsanalyse" and p.themes and p.id not in quoted_ids
                  and not p.mentions)  # an excerpt needs the words the hostile text replaces
    path = content_copy / "passages/04-omgevingsanalyse.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index(f"- id: {target.id}\n")
    block = text.index("  text: >-", start)
    end = text.index("  regions:", block)
    quoted = HOSTILE.replace("'", "''")
    path.write_text(text[:block] + f"  text: '{quoted}'\n" + text[end:], encoding="utf-8")
    content = load_content(content_copy)
    passage = content.by_id[target.id]
    assert passage.text == HOSTILE
    kind = "theme"
    theme = passage.themes[0]
    return compose(content, select(content, parse_selectors(content, [(kind, theme)])), EDITION)


def test_html_escapes_markup_and_does_not_run_template_syntax(hostile_briefing: Briefing) -> None:
    html = get_writer("html", TEMPLATES).render(hostile_briefing).data.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "{{ 7*7 }}" in html and "{% raw %}" in html and ">49<" not in html
    assert '<img src="file:///etc/passwd">' not in html


def test_pdf_and_docx_print_it_literally(hostile_briefing: Briefing) -> None:
    pdf = get_writer("pdf", TEMPLATES).render(hostile_briefing).data
    text = subprocess.run(["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    # Lines may break after a '/', so compare without white space.
    flat = "".join(text.split())
    for piece in ("<script>alert(1)</script>", "{{ 7*7 }}", "file:///etc/passwd", "http://127.0.0.1:9/x"):
        assert "".join(piece.split()) in flat
    document = docx.Document(io.BytesIO(get_writer("docx", TEMPLATES).render(hostile_briefing).data))
    assert any(HOSTILE in p.text for p in document.paragraphs)


def test_fetcher_serves_only_templates_and_data(tmp_path: Path) -> None:
    fetcher = TemplatesOnlyFetcher(TEMPLATES)
    font = (TEMPLATES / "fonts" / "NotoSans-Regular.ttf").as_uri()
    assert fetcher.fetch(font).read(4) == b"\x00\x01\x00\x00"
    assert fetcher.fetch("data:text/plain,ok").read() == b"ok"
    outside = tmp_path / "secret.txt"
    outside.write_text("secret")
    for url in (outside.as_uri(), "file:///etc/passwd", (TEMPLATES / ".." / "README.md").resolve().as_uri(),
                "http://127.0.0.1:9/", "https://example.org/x.css", "ftp://example.org/x"):
        with pytest.raises(AssetRefused):
            fetcher.fetch(url)


def _templates_copy(tmp_path: Path) -> Path:
    target = tmp_path / "templates"
    shutil.copytree(TEMPLATES, target)
    return target


def test_a_stylesheet_reaching_outside_fails_the_build(tmp_path: Path, content: Content) -> None:
    templates = _templates_copy(tmp_path)
    css = templates / "print.css"
    css.write_text('@import url("file:///etc/hostname");\n' + css.read_text(encoding="utf-8"), encoding="utf-8")
    briefing = compose(content, select(content, parse_selectors(content, [("region", "arctic")])), EDITION)
    with pytest.raises(TemplateError, match="refused"):
        PdfWriter(templates).render(briefing)


def test_a_missing_font_fails_the_build(tmp_path: Path, content: Content) -> None:
    templates = _templates_copy(tmp_path)
    (templates / "fonts" / "NotoSans-Bold.ttf").unlink()
    briefing = compose(content, select(content, parse_selectors(content, [("region", "arctic")])), EDITION)
    with pytest.raises(TemplateError, match="NotoSans-Bold.ttf"):
        PdfWriter(templates).render(briefing)


@pytest.mark.parametrize("formats", [("docx", "html"), pytest.param(("pdf",), marks=pytest.mark.slow)],
                         ids=["docx-html", "pdf"])
def test_shared_writers_render_correctly_from_several_threads(content: Content, formats: tuple[str, ...]) -> None:
    """A server may share one warm writer between threads: no render may see
    another's state (bookmarks, footnotes, warnings). The PDF's twelve
    renders take seconds: with `make slow`."""
    pairs = [("region", "sahel"), ("ministry", "defence"), ("theme", "piracy"), ("region", "arctic")]
    briefings = [make_briefing(content, pair) for pair in pairs]
    for fmt in formats:
        writer = get_writer(fmt, TEMPLATES)
        alone = [writer.render(b).data for b in briefings]
        with ThreadPoolExecutor(4) as pool:
            together = [f.result().data for f in [pool.submit(writer.render, b) for b in briefings * 2]]
        assert together == alone * 2, fmt
