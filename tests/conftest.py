"""Shared fixtures. Rendering a PDF takes a second or two, so the briefings
that several tests read are rendered once per session."""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from generator.cli import main
from generator.compose import Edition, compose
from generator.content import Content, load_content
from generator.model import Briefing
from generator.select import parse_selectors, select
from generator.writers import Learned, get_writer

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
TEMPLATES = ROOT / "templates"
SOURCE = ROOT / "source" / "ivs-2013.txt"  # the strategy as published, kept in the repository
EDITION = Edition(date=dt.date(2026, 11, 27))
ENGLISH = Edition(date=dt.date(2026, 11, 27), language="en")  # the Dutch original with an English translation


@pytest.fixture(scope="session", autouse=True)
def content_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The loaded-content cache of the tests (and the commands they run) in
    a folder of their own, never the user's ~/.cache."""
    os.environ["BRIEFING_CACHE"] = str(tmp_path_factory.mktemp("content-cache"))


@pytest.fixture(scope="session")
def content() -> Content:
    return load_content(CONTENT)


def make_briefing(content: Content, *pairs: tuple[str, str], edition: Edition = EDITION) -> Briefing:
    return compose(content, select(content, parse_selectors(content, pairs)), edition)


@dataclass
class Rendered:
    briefing: Briefing
    pdf: bytes
    pdf_pages: int
    docx: bytes
    html: bytes
    md: bytes
    md_beside: tuple[tuple[str, bytes], ...]  # the Markdown file's pictures, by name
    pdf_learned: Learned | None = None  # what the PDF's layout learned (writers/pdf.py)


def render_all(content: Content, pair: tuple[str, str], edition: Edition = EDITION) -> Rendered:
    """One briefing in every format."""
    briefing = make_briefing(content, pair, edition=edition)
    pdf = get_writer("pdf", TEMPLATES).render(briefing)
    md = get_writer("md", TEMPLATES).render(briefing)
    return Rendered(briefing, pdf.data, pdf.pages or 0, get_writer("docx", TEMPLATES).render(briefing).data,
                    get_writer("html", TEMPLATES).render(briefing).data, md.data, md.beside, pdf.learned)


@pytest.fixture(scope="session")
def sahel(content: Content) -> Rendered:
    return render_all(content, ("region", "sahel"))


@pytest.fixture(scope="session")
def defence(content: Content) -> Rendered:
    """A long briefing: contents page, chapter footnotes."""
    return render_all(content, ("ministry", "defence"))


@pytest.fixture(scope="session")
def sahel_en(content: Content) -> Rendered:
    return render_all(content, ("region", "sahel"), ENGLISH)


@pytest.fixture(scope="session")
def defence_en(content: Content) -> Rendered:
    return render_all(content, ("ministry", "defence"), ENGLISH)


def pdf_fonts(reader: Any) -> dict[str, bool]:
    """The fonts a PDF's pages use (subset prefix dropped), each with whether
    its file is embedded."""
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant["/FontDescriptor"].get_object()
            name = str(font["/BaseFont"]).split("+")[-1]
            fonts[name] = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    return fonts


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A writable copy of content/ for tests that break it."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    return target


@dataclass
class Run:
    code: int
    out: str
    err: str


Cli = Callable[..., Run]
"""The `cli` fixture: main(argv) with captured output."""


@pytest.fixture
def cli() -> Cli:
    def run(*argv: str) -> Run:
        out, err = io.StringIO(), io.StringIO()
        code = main(list(argv), stdout=out, stderr=err)
        return Run(code, out.getvalue(), err.getvalue())
    return run
