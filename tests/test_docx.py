"""The Word document read back: (style, text) pairs, named styles only,
fields, properties; LibreOffice opens it and pandoc sees its headings."""

from __future__ import annotations

import io
import os
import re
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from conftest import EDITION, TEMPLATES, Rendered, make_briefing
from docx.oxml.ns import qn

from generator.catalogue import catalogue
from generator.compose import compose
from generator.content import Content
from generator.select import select
from generator.writers import get_writer

W_RPR_ALLOWED = {qn("w:rStyle")}
W_PPR_ALLOWED = {qn("w:pStyle")}


def page_count(pdfinfo: str) -> int:
    """The page count pdfinfo prints."""
    found = re.search(r"Pages:\s+(\d+)", pdfinfo)
    assert found is not None, pdfinfo
    return int(found.group(1))


def pairs(data: bytes) -> list[tuple[str, str]]:
    document = docx.Document(io.BytesIO(data))
    return [(p.style.name if p.style else "", p.text) for p in document.paragraphs if p.text.strip()]


def test_structure_read_back(sahel: Rendered) -> None:
    read = pairs(sahel.docx)
    assert read[:3] == [("Title", "Briefing Sahel"), ("Subtitle", sahel.briefing.cover.subtitle),
                        ("Cover Fact", "Selectie\tRegio: Sahel")]
    band = docx.Document(io.BytesIO(sahel.docx)).tables[0]
    assert band.style is not None and band.style.name == "Cover Band"
    assert [(p.style.name, p.text) for p in band.rows[0].cells[0].paragraphs] == [
        ("Cover Marking", "Openbaar"), ("Cover Kicker", "Internationale Veiligheidsstrategie")]
    headings = [(s, t) for s, t in read if s.startswith("Heading")]
    # a short briefing goes without a contents page
    assert headings[:3] == [("Heading 1", "Kernboodschappen"),
                            ("Heading 1", "De strategie in het kort"), ("Heading 1", "Wat de strategie zegt")]
    assert ("Heading 3", "Beleidsaccent 2: focus op instabiele regio’s in nabijheid Europa") in headings
    assert any(s == "List Bullet" for s, _ in read)
    assert not any(s.startswith("TOC") for s, _ in read)
    body = [t for s, t in read if s in ("Normal", "List Bullet")]
    assert any(t.startswith("De huidige crisis in de Sahel") and t.endswith("p.\u00a017") for t in body)


def test_long_briefing_has_contents_and_heading_footnotes(defence: Rendered) -> None:
    read = pairs(defence.docx)
    headings = [(s, t) for s, t in read if s.startswith("Heading")]
    assert headings[:2] == [("Heading 1", "Inhoud"), ("Heading 1", "Kernboodschappen")]
    assert ("Heading 2", "II. Omgevingsanalyse2") in headings  # the heading's own footnote call
    assert not any(s == "Footnote Text" for s, _ in read)  # footnotes are in their own part
    toc = [t for s, t in read if s.startswith("TOC")]
    assert toc[0].startswith("Kernboodschappen")  # not blank before Word updates the fields
    assert "PAGEREF h" in docx.Document(io.BytesIO(defence.docx)).element.body.xml


def test_named_styles_only_no_direct_formatting(sahel: Rendered) -> None:
    document = docx.Document(io.BytesIO(sahel.docx))
    body = document.element.body
    for p in body.iter(qn("w:p")):
        ppr = p.find(qn("w:pPr"))
        if ppr is not None:
            assert {c.tag for c in ppr} <= W_PPR_ALLOWED | {qn("w:sectPr")}, [c.tag for c in ppr]
        for r in p.iter(qn("w:r")):
            rpr = r.find(qn("w:rPr"))
            if rpr is not None:
                assert {c.tag for c in rpr} <= W_RPR_ALLOWED, [c.tag for c in rpr]
    tables = document.tables[1:]  # after the cover band
    assert tables and all(t.style is not None and t.style.name == "Briefing Table" for t in tables)
    header_row = tables[0].rows[0]._tr
    assert header_row.find(qn("w:trPr")).find(qn("w:tblHeader")) is not None  # repeats on each page
    assert [c.text for c in tables[0].rows[0].cells] == ["Wat", "Wie", "Waar", "Bron"]  # no time given: no column
    # rows never split across pages
    assert all(row._tr.find(qn("w:trPr")).find(qn("w:cantSplit")) is not None for t in tables for row in t.rows)


def test_header_footer_fields_properties_language(sahel: Rendered) -> None:
    document = docx.Document(io.BytesIO(sahel.docx))
    cover, section = document.sections
    # The marking at the top and foot of every page: in the cover's band and
    # footer, and in the running header and footer, in the Marking style.
    assert section.header.paragraphs[0].text == "Briefing Sahel\tOpenbaar"
    assert section.footer.paragraphs[0].text.startswith("\tOpenbaar\tpagina ")
    for part in (section.header, section.footer, cover.footer):
        assert ("Marking", "Openbaar") in [(r.style.name, r.text) for p in part.paragraphs for r in p.runs]
    assert cover.footer.paragraphs[0].text == sahel.briefing.cover.source_line
    assert cover.top_margin == 0 and cover.left_margin == 0  # the band bleeds
    footer_xml = section.footer._element.xml
    assert "PAGE" in footer_xml and "NUMPAGES" in footer_xml
    assert section.page_width is not None and section.page_height is not None
    width, height = section.page_width.mm, section.page_height.mm
    assert (round(width), round(height)) == (210, 297)
    core = document.core_properties
    assert core.title == "Briefing Sahel"
    assert core.subject.startswith("Wat de Internationale Veiligheidsstrategie")
    assert core.keywords.split(", ").count("Sahel") == 1
    assert core.content_status == "Openbaar"
    assert core.author and core.created.year == 2026
    assert core.language == "nl-NL"
    styles = document.styles.element
    lang = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:lang"))
    assert lang.get(qn("w:val")) == "nl-NL"
    body = document.element.body.xml
    assert "w:bookmarkStart" in body


def test_footnotes_are_word_footnotes_with_the_strategys_numbers(defence: Rendered) -> None:
    document = docx.Document(io.BytesIO(defence.docx))
    refs = document.element.body.findall(".//" + qn("w:footnoteReference"))
    assert [r.get(qn("w:customMarkFollows")) for r in refs] == ["1"]
    with zipfile.ZipFile(io.BytesIO(defence.docx)) as z:
        notes = z.read("word/footnotes.xml").decode("utf-8")
        assert 'Target="footnotes.xml"' in z.read("word/_rels/document.xml.rels").decode()
    assert 'w:type="separator"' in notes
    note = notes.split(f'w:id="{refs[0].get(qn("w:id"))}">', 1)[1]
    assert 'w:pStyle w:val="FootnoteText"' in note
    assert ">2</w:t>" in note and "Sinds de Verkenningen" in note  # footnote 2 stays footnote 2
    heading = next(p for p in document.paragraphs
                   if p.style is not None and p.style.name == "Heading 2" and p.text.startswith("II. Omgevingsanalyse"))
    assert heading._p.find(".//" + qn("w:footnoteReference")) is not None


def test_zip_entries_are_dated_from_the_build(sahel: Rendered) -> None:
    with zipfile.ZipFile(io.BytesIO(sahel.docx)) as z:
        assert {i.date_time[:3] for i in z.infolist()} == {(2026, 11, 27)}


def test_the_house_font_travels_with_the_document(sahel: Rendered) -> None:
    with zipfile.ZipFile(io.BytesIO(sahel.docx)) as z:
        table = z.read("word/fontTable.xml").decode()
        settings = z.read("word/settings.xml").decode()
        fonts = {name: z.read(name) for name in z.namelist() if name.endswith(".odttf")}
        types = z.read("[Content_Types].xml").decode()
        app = z.read("docProps/app.xml").decode()
        names = z.namelist()
    assert len(fonts) == 4 and "application/vnd.openxmlformats-officedocument.obfuscatedFont" in types
    assert "<w:embedTrueTypeFonts/>" in settings
    keys = re.findall(r'<w:embed(\w+) r:id="(rId\d+)" w:fontKey="\{([0-9A-F-]+)\}"', table)
    assert [k[0] for k in keys] == ["Regular", "Bold", "Italic", "BoldItalic"]
    # Undo the obfuscation (ECMA-376 Part 1, 17.8.1) and find Noto Sans.
    key = bytes.fromhex(keys[0][2].replace("-", ""))[::-1]
    data = fonts["word/fonts/font1.odttf"]
    font = bytes(b ^ key[i % 16] for i, b in enumerate(data[:32])) + data[32:]
    assert font[:4] == b"\x00\x01\x00\x00" and "Noto Sans".encode("utf-16-be") in font
    # What the stock template said about itself is gone.
    assert "<Application>briefing</Application>" in app and "Macintosh" not in app
    assert not any("thumbnail" in n or "customXml" in n or "stylesWithEffects" in n for n in names)


# A fontconfig rule that hides Noto Sans, as on an office PC without it.
REJECT_NOTO = ("<selectfont><rejectfont><pattern><patelt name=\"family\"><string>Noto Sans</string></patelt>"
               "</pattern></rejectfont></selectfont>")


def _fontconfig(tmp_path: Path, name: str, body: str) -> dict[str, str]:
    conf = tmp_path / f"{name}.conf"
    conf.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
                    '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
                    f"<cachedir>{tmp_path}/fc-{name}</cachedir>{body}</fontconfig>")
    return {**os.environ, "FONTCONFIG_FILE": str(conf)}


def _libreoffice_pdf(docx_bytes: bytes, tmp_path: Path, name: str, env: dict[str, str]) -> tuple[int, str, str]:
    folder = tmp_path / name
    folder.mkdir()
    source = folder / "region-sahel.docx"
    source.write_bytes(docx_bytes)
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{folder}/lo",
                    "--convert-to", "pdf", "--outdir", str(folder), str(source)],
                   check=True, capture_output=True, timeout=180, env=env)
    pdf = folder / "region-sahel.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True).stdout.decode()
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, check=True, text=True).stdout
    pages = page_count(subprocess.run(["pdfinfo", str(pdf)], capture_output=True, check=True, text=True).stdout)
    return pages, text, fonts


def test_libreoffice_gives_the_same_pages_with_and_without_noto_sans_installed(
        sahel: Rendered, tmp_path: Path) -> None:
    """An office PC without Noto Sans (fontconfig told to reject it) and one
    with it (the shipped fonts added) lay the document out alike: the
    embedded font is used, not a substitute."""
    without = _fontconfig(tmp_path, "without", REJECT_NOTO)
    with_noto = _fontconfig(tmp_path, "with", f"<dir>{TEMPLATES / 'fonts'}</dir>")
    pages_without, text, fonts_without = _libreoffice_pdf(sahel.docx, tmp_path, "without", without)
    pages_with, _, fonts_with = _libreoffice_pdf(sahel.docx, tmp_path, "with", with_noto)
    assert "Briefing Sahel" in text and "De huidige crisis in de Sahel" in text
    assert "pagina 2 van" in text
    used = {line.split()[0].split("+")[-1] for line in fonts_without.splitlines()[2:]}
    assert used and all(name.startswith("NotoSans") for name in used), used
    assert abs(pages_without - pages_with) <= 1
    assert abs(pages_without - sahel.pdf_pages) <= 1  # and about the PDF's length


def test_pandoc_sees_the_headings(sahel: Rendered, tmp_path: Path) -> None:
    source = tmp_path / "b.docx"
    source.write_bytes(sahel.docx)
    markdown = subprocess.run(["pandoc", "-f", "docx", "-t", "markdown", str(source)],
                              capture_output=True, check=True, text=True).stdout
    assert "# Kernboodschappen" in markdown
    assert "## III. Beleidsimplicaties" in markdown


def test_related_briefings_link_to_the_word_files_beside_it(sahel: Rendered) -> None:
    with zipfile.ZipFile(io.BytesIO(sahel.docx)) as z:
        rels = z.read("word/_rels/document.xml.rels").decode()
    targets = re.findall(r'Target="([^"]+\.docx)" TargetMode="External"', rels)
    related = [p.link for s in sahel.briefing.sections if s.title == "Verwante onderwerpen"
               for b in s.blocks if hasattr(b, "items") for p in b.items]
    assert targets and sorted(targets) == sorted(f"{link}.docx" for link in related)


@pytest.mark.slow
def test_whole_catalogue_keeps_its_pages_without_noto_sans(content: Content, tmp_path: Path) -> None:
    """Every catalogue briefing's Word file, converted by LibreOffice on a
    machine without Noto Sans and on one with it: the same pages, ±1, set
    in the embedded font only."""
    writer = get_writer("docx", TEMPLATES)
    sources = tmp_path / "docx"
    sources.mkdir()
    for selectors in catalogue(content):
        briefing = compose(content, select(content, selectors), EDITION)
        (sources / f"{briefing.id}.docx").write_bytes(writer.render(briefing).data)
    pages: dict[str, dict[str, int]] = {}
    for name, body in (("without", REJECT_NOTO), ("with", f"<dir>{TEMPLATES / 'fonts'}</dir>")):
        out = tmp_path / name
        subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-{name}",
                        "--convert-to", "pdf", "--outdir", str(out), *sorted(map(str, sources.iterdir()))],
                       check=True, capture_output=True, timeout=900, env=_fontconfig(tmp_path, name, body))
        for pdf in out.iterdir():
            info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, check=True, text=True).stdout
            pages.setdefault(pdf.stem, {})[name] = page_count(info)
            if name == "without":
                fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, check=True, text=True).stdout
                used = {line.split()[0].split("+")[-1] for line in fonts.splitlines()[2:]}
                assert all(f.startswith("NotoSans") for f in used), (pdf.stem, used)
    assert len(pages) == len(catalogue(content))
    assert [p for p, n in pages.items() if abs(n["without"] - n.get("with", -9)) > 1] == []


def test_a_long_combination_fits_words_core_properties(content: Content) -> None:
    """Four themes: keywords of 295 characters, more than a core property
    holds (python-docx refused them). Shortened there, with an ellipsis."""
    briefing = make_briefing(content, ("theme", "crisis-management"), ("theme", "international-legal-order"),
                             ("theme", "defence-cooperation"), ("theme", "economic-security"))
    assert len(", ".join(briefing.metadata.keywords)) > 255
    document = docx.Document(io.BytesIO(get_writer("docx", TEMPLATES).render(briefing).data))
    core = document.core_properties
    assert len(core.keywords) == 255 and core.keywords.endswith("…")
    assert core.title == briefing.metadata.title
