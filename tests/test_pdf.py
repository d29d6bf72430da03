"""Facts about the PDF: pages, metadata, tags, fonts, text. Never bytes,
except where bytes are the fact (reproducibility)."""

from __future__ import annotations

import io
import re
import subprocess
from typing import Any

import pytest
from conftest import TEMPLATES, Rendered, make_briefing, pdf_fonts
from pypdf import PdfReader

from generator.content import Content
from generator.writers import get_writer


def pdf_text(data: bytes) -> list[str]:
    """Text per page, via poppler's pdftotext (as a reader's tools see it)."""
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True)
    return out.stdout.decode("utf-8").split("\f")


def test_page_size_count_and_metadata(sahel: Rendered) -> None:
    reader = PdfReader(io.BytesIO(sahel.pdf))
    assert len(reader.pages) == sahel.pdf_pages >= 3
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    meta = reader.metadata
    assert meta is not None
    assert meta.title == "Briefing Sahel"
    assert meta.author == sahel.briefing.metadata.author
    assert meta.subject is not None and meta.subject.startswith("Wat de Internationale Veiligheidsstrategie")
    info: Any = meta
    assert "Sahel" in info["/Keywords"]
    assert info["/CreationDate"].startswith("D:20261127")


def test_tagged_pdf_ua_with_language_and_bookmarks(sahel: Rendered) -> None:
    reader = PdfReader(io.BytesIO(sahel.pdf))
    root: Any = reader.trailer["/Root"]
    assert root["/Lang"] == "nl"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r"pdfuaid:part[^0-9]*1", xmp)
    titles = [o.title for o in reader.outline if not isinstance(o, list)]
    assert "Kernboodschappen" in titles and "Wat de strategie zegt" in titles


def test_only_shipped_fonts_all_embedded(sahel: Rendered) -> None:
    embedded = pdf_fonts(PdfReader(io.BytesIO(sahel.pdf)))
    assert all(embedded.values()), embedded
    fonts = set(embedded)
    # @font-face family "Briefing Sans" = the shipped Noto Sans files; a system font would show its own name
    assert fonts and all(name.startswith("Briefing-Sans") for name in fonts), fonts


def test_text_header_footer_contents_and_citations(sahel: Rendered) -> None:
    pages = pdf_text(sahel.pdf)
    assert "Briefing Sahel" in pages[0] and "Openbaar" in pages[0]
    assert "pagina" not in pages[0]  # no running footer on the cover
    assert re.search(r"pagina 2 van \d+", pages[1])
    assert "OPENBAAR" in "".join(pages[1].split()) and "Briefing Sahel" in pages[1]  # letter-spaced capitals
    assert "Inhoud" not in pages[1] and "Kernboodschappen" in pages[1]  # short: no contents page
    body = " ".join(pages[1:])
    assert "De huidige crisis in de Sahel" in body
    assert "p. 17" in body
    assert "Nederlandse inzet en toezeggingen" in body


def test_dutch_hyphenation_is_applied(content: Content) -> None:
    briefing = make_briefing(content, ("ministry", "foreign-affairs"))
    text = " ".join(pdf_text(get_writer("pdf", TEMPLATES).render(briefing).data))
    assert re.search(r"[a-zë]-\n", text), "no word broken at a line end"


def test_reproducible_bytes(content: Content, monkeypatch: pytest.MonkeyPatch) -> None:
    briefing = make_briefing(content, ("region", "arctic"))
    writer = get_writer("pdf", TEMPLATES)
    assert writer.render(briefing).data == writer.render(briefing).data


def test_long_briefing_has_a_contents_page(defence: Rendered) -> None:
    contents = pdf_text(defence.pdf)[1]
    assert "Inhoud" in contents and re.search(r"Kernboodschappen\s*\.+\s*\d", contents)


def test_related_briefings_link_to_the_pdf_files_beside_it(sahel: Rendered) -> None:
    reader = PdfReader(io.BytesIO(sahel.pdf))
    uris = [a.get_object()["/A"].get("/URI") or a.get_object()["/A"].get("/F")
            for page in reader.pages for a in page.get("/Annots", []) if "/A" in a.get_object()]
    related = [str(u) for u in uris if str(u).endswith(".pdf")]
    assert any("region-" in u for u in related), uris
    # Relative, so they open the file next to this one wherever the folder
    # is published; never a file: URL of the machine that built it.
    assert all(re.fullmatch(r"[a-z0-9+-]+\.pdf", u) for u in related), related
