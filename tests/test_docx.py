"""The Word document read back: (style, text) pairs, named styles only,
fields, properties; LibreOffice opens it and pandoc sees its headings."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from pathlib import Path

import docx
from conftest import Rendered
from docx.oxml.ns import qn

W_RPR_ALLOWED = {qn("w:rStyle")}
W_PPR_ALLOWED = {qn("w:pStyle")}


def pairs(data: bytes) -> list[tuple[str, str]]:
    document = docx.Document(io.BytesIO(data))
    return [(p.style.name, p.text) for p in document.paragraphs if p.text.strip()]


def test_structure_read_back(sahel: Rendered) -> None:
    read = pairs(sahel.docx)
    assert read[:3] == [("Cover Kicker", "Internationale Veiligheidsstrategie"), ("Title", "Briefing Sahel"),
                        ("Subtitle", sahel.briefing.cover.subtitle)]
    headings = [(s, t) for s, t in read if s.startswith("Heading")]
    # a short briefing goes without a contents page
    assert headings[:3] == [("Heading 1", "Kernboodschappen"),
                            ("Heading 1", "De strategie in het kort"), ("Heading 1", "Wat de strategie zegt")]
    assert ("Heading 3", "Beleidsaccent 2: focus op instabiele regio’s in nabijheid Europa") in headings
    assert any(s == "List Bullet" for s, _ in read)
    assert not any(s.startswith("TOC") for s, _ in read)
    body = [t for s, t in read if s in ("Normal", "List Bullet")]
    assert any(t.startswith("De huidige crisis in de Sahel") and t.endswith("p. 17") for t in body)


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
    tables = document.tables
    assert tables and all(t.style.name == "Briefing Table" for t in tables)
    header_row = tables[0].rows[0]._tr
    assert header_row.find(qn("w:trPr")).find(qn("w:tblHeader")) is not None  # repeats on each page
    assert [c.text for c in tables[0].rows[0].cells] == ["Wat", "Wie", "Waar", "Bron"]  # no time given: no column


def test_header_footer_fields_properties_language(sahel: Rendered) -> None:
    document = docx.Document(io.BytesIO(sahel.docx))
    section = document.sections[0]
    assert section.header.paragraphs[0].text == "Briefing Sahel\tOPENBAAR"
    assert section.different_first_page_header_footer
    footer_xml = section.footer._element.xml
    assert "PAGE" in footer_xml and "NUMPAGES" in footer_xml and "pagina " in section.footer.paragraphs[0].text
    width, height = section.page_width.mm, section.page_height.mm
    assert (round(width), round(height)) == (210, 297)
    core = document.core_properties
    assert core.title == "Briefing Sahel"
    assert core.subject.startswith("Wat de Internationale Veiligheidsstrategie")
    assert "Sahel" in core.keywords
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
                   if p.style.name == "Heading 2" and p.text.startswith("II. Omgevingsanalyse"))
    assert heading._p.find(".//" + qn("w:footnoteReference")) is not None


def test_zip_entries_are_dated_from_the_build(sahel: Rendered) -> None:
    with zipfile.ZipFile(io.BytesIO(sahel.docx)) as z:
        assert {i.date_time[:3] for i in z.infolist()} == {(2026, 11, 27)}


def test_libreoffice_converts_it(sahel: Rendered, tmp_path: Path) -> None:
    source = tmp_path / "region-sahel.docx"
    source.write_bytes(sahel.docx)
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=180)
    pdf = (tmp_path / "region-sahel.pdf").read_bytes()
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "Briefing Sahel" in text and "De huidige crisis in de Sahel" in text
    assert "pagina 2 van" in text


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
