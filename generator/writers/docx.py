"""DOCX writer: the briefing model as a Word document.

The only module that imports python-docx. It opens templates/reference.docx
(styles, page setup), sets header, footer and core properties through
python-docx, and writes the body as WordprocessingML. Every paragraph, run
and table refers to a named style of the reference document and carries no
direct formatting, so editing the reference document in Word restyles every
briefing. Fields (PAGE, NUMPAGES, PAGEREF) are written as field codes so Word
and LibreOffice compute them.

The body is built as markup and parsed once, rather than element by element
through python-docx's API: that API inserts each child by searching its
siblings, which made Word output cost a tenth of the PDF's render time.

Output is reproducible: core properties and zip entry times come from the
briefing's build date, never from the clock.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from docx import Document
from docx.document import Document as DocxDocument
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn

from ..errors import TemplateError
from ..model import Box, Briefing, BulletList, Footnote, Paragraph, Section, Table
from . import Rendered

REFERENCE = "reference.docx"
REQUIRED_STYLES = (
    "Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3", "List Bullet", "Caption", "Header", "Footer",
    "TOC 1", "TOC 2", "Cover Kicker", "Cover Fact", "Cover Source", "Intro", "Note", "Signature",
    "Box Label", "Box Text", "Footnote Text", "Table Text", "Table Heading",
    "Source Reference", "Lead", "Footnote Reference", "Marking", "Briefing Table", "Foreign Term",
)
FOREIGN_STYLES = {"en": "Foreign Term"}  # language -> character style with that w:lang
PARAGRAPH_STYLES = {"": "Normal", "intro": "Intro", "note": "Note", "signature": "Signature"}
PAGE_BREAK = "<w:r><w:br w:type=\"page\"/></w:r>"


def _text(text: str) -> str:
    """Run content for plain text: tabs become w:tab, the rest is escaped."""
    out = []
    for i, part in enumerate(text.split("\t")):
        if i:
            out.append("<w:tab/>")
        if part or i == 0:
            out.append(f"<w:t xml:space=\"preserve\">{escape(part)}</w:t>")
    return "".join(out)


def _field(instruction: str) -> str:
    """A complex field, so Word and LibreOffice compute its value."""
    return (f"<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r>"
            f"<w:r><w:instrText xml:space=\"preserve\"> {escape(instruction)} </w:instrText></w:r>"
            f"<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t></w:t></w:r>"
            f"<w:r><w:fldChar w:fldCharType=\"end\"/></w:r>")


class DocxWriter:
    format = "docx"
    suffix = ".docx"

    def __init__(self, templates: Path) -> None:
        path = templates / REFERENCE
        try:
            self.reference = path.read_bytes()
        except OSError:
            raise TemplateError(f"{path}: Word reference document not found") from None
        doc = Document(io.BytesIO(self.reference))
        self.style_ids = {s.name: s.style_id for s in doc.styles}
        missing = [n for n in REQUIRED_STYLES if n not in self.style_ids]
        if missing:
            raise TemplateError(f"{path}: missing style(s) {', '.join(missing)}")
        section = doc.sections[0]
        self.text_width = int(section.page_width or 0) - int(section.left_margin or 0) - \
            int(section.right_margin or 0)

    # -- markup helpers (style by name, nothing else) ----------------------

    def run(self, text: str, style: str | None = None) -> str:
        props = f"<w:rPr><w:rStyle w:val={quoteattr(self.style_ids[style])}/></w:rPr>" if style else ""
        return f"<w:r>{props}{_text(text)}</w:r>"

    def pieces(self, segments: tuple[tuple[str, str], ...]) -> str:
        """Text with its stretches in another language in the character
        style that carries that language (no Dutch hyphenation there)."""
        return "".join(self.run(text, FOREIGN_STYLES.get(lang))
                       for text, lang in segments)

    def para(self, style: str, content: str) -> str:
        props = "" if style == "Normal" else f"<w:pPr><w:pStyle w:val={quoteattr(self.style_ids[style])}/></w:pPr>"
        return f"<w:p>{props}{content}</w:p>"

    # -- document ---------------------------------------------------------

    def render(self, briefing: Briefing) -> Rendered:
        doc = Document(io.BytesIO(self.reference))
        self.bookmarks = {s.anchor: (i, f"h{i:03d}") for i, s in enumerate(briefing.walk())}
        self.notes: list[str] = []  # footnote bodies, in order of their calls
        body: list[str] = []
        self.cover(body, briefing)
        self.contents(body, briefing)
        for section in briefing.sections:
            self.section(body, section)
        fragment = parse_xml(f"<w:body {nsdecls('w')}>{''.join(body)}</w:body>")
        target = doc.element.body
        anchor = target.find(qn("w:sectPr"))
        for child in list(fragment):
            anchor.addprevious(child)
        self.footnotes_part(doc)
        self.page_furniture(doc, briefing)
        self.properties(doc, briefing)
        out = io.BytesIO()
        doc.save(out)
        return Rendered(_normalise_zip(out.getvalue(), _created(briefing)))

    def cover(self, body: list[str], briefing: Briefing) -> None:
        cover = briefing.cover
        body.append(self.para("Cover Kicker", self.run(cover.kicker)))
        body.append(self.para("Title", self.run(cover.title)))
        body.append(self.para("Subtitle", self.run(cover.subtitle)))
        for fact in cover.facts:
            body.append(self.para("Cover Fact", self.run(fact.label, "Lead") + self.run("\t" + fact.value)))
        body.append(self.para("Cover Source", self.run(cover.source_line)))
        body.append(self.para("Cover Source", self.run(cover.disclaimer) + PAGE_BREAK))

    def contents(self, body: list[str], briefing: Briefing) -> None:
        body.append(self.para("Heading 1", self.run(briefing.furniture.contents_title)))
        entries = [s for s in briefing.walk() if s.in_contents and s.level <= 2]
        for n, section in enumerate(entries, start=1):
            bookmark = self.bookmarks[section.anchor][1]
            link = f"<w:hyperlink w:anchor={quoteattr(bookmark)} w:history=\"1\">{self.run(section.title)}</w:hyperlink>"
            tail = PAGE_BREAK if n == len(entries) else ""
            body.append(self.para(f"TOC {section.level}",
                                  link + self.run("\t") + _field(f"PAGEREF {bookmark} \\h") + tail))

    # -- one method per node kind -----------------------------------------

    def section(self, body: list[str], section: Section) -> None:
        number, bookmark = self.bookmarks[section.anchor]
        heading = (f"<w:bookmarkStart w:id=\"{number}\" w:name={quoteattr(bookmark)}/>{self.run(section.title)}"
                   f"<w:bookmarkEnd w:id=\"{number}\"/>{self.footnote_calls(section.footnotes)}")
        body.append(self.para(f"Heading {min(section.level, 3)}", heading))
        for block in section.blocks:
            if isinstance(block, Paragraph):
                body.extend(self.paragraph(block))
            elif isinstance(block, BulletList):
                body.extend(self.bullet_list(block))
            elif isinstance(block, Box):
                body.extend(self.box(block))
            elif isinstance(block, Table):
                body.extend(self.table(block))
        for child in section.children:
            self.section(body, child)

    def paragraph(self, node: Paragraph, style: str | None = None) -> list[str]:
        content = self.run(node.lead + ".", "Lead") + self.run(" ") if node.lead else ""
        content += self.pieces(node.segments) + self.footnote_calls(node.footnotes)
        if node.source is not None:
            content += self.run(" ") + self.run(node.source.citation, "Source Reference")
        return [self.para(style or PARAGRAPH_STYLES.get(node.style, "Normal"), content)]

    def bullet_list(self, node: BulletList) -> list[str]:
        return [p for item in node.items for p in self.paragraph(item, "List Bullet")]

    def box(self, node: Box) -> list[str]:
        # Consecutive paragraphs with the same border and shading (from the
        # styles) are drawn by Word as one box.
        return [self.para("Box Label", self.run(node.label)),
                *(p for block in node.blocks for p in self.paragraph(block, "Box Text"))]

    def table(self, node: Table) -> list[str]:
        widths = [self.text_width * w // 100 // 635 for w in node.widths]  # EMU -> twentieths of a point
        grid = "".join(f"<w:gridCol w:w=\"{w}\"/>" for w in widths)

        def row(cells: tuple[str, ...], header: bool) -> str:
            out = "<w:tr>" + ("<w:trPr><w:tblHeader/></w:trPr>" if header else "")
            for i, text in enumerate(cells):
                width = f"<w:tcPr><w:tcW w:w=\"{widths[i]}\" w:type=\"dxa\"/></w:tcPr>" if widths else ""
                out += f"<w:tc>{width}{self.para('Table Heading' if header else 'Table Text', self.run(text))}</w:tc>"
            return out + "</w:tr>"

        look = "<w:tblLook w:val=\"04A0\" w:firstRow=\"1\" w:lastRow=\"0\" w:firstColumn=\"0\" " \
               "w:lastColumn=\"0\" w:noHBand=\"0\" w:noVBand=\"1\"/>"
        table = (f"<w:tbl><w:tblPr><w:tblStyle w:val={quoteattr(self.style_ids['Briefing Table'])}/>"
                 f"<w:tblW w:w=\"5000\" w:type=\"pct\"/><w:tblLayout w:type=\"fixed\"/>{look}</w:tblPr>"
                 f"<w:tblGrid>{grid}</w:tblGrid>{row(node.columns, True)}"
                 f"{''.join(row(r, False) for r in node.rows)}</w:tbl>")
        return [self.para("Caption", self.run(node.caption)), table]

    def footnote_calls(self, notes: tuple[Footnote, ...]) -> str:
        """Real Word footnotes that keep the strategy's own numbers (a
        briefing may hold footnote 2 without footnote 1): a custom mark
        follows each reference."""
        calls = []
        ref = quoteattr(self.style_ids["Footnote Reference"])
        for note in notes:
            self.notes.append(self.para(
                "Footnote Text",
                f"<w:r><w:rPr><w:rStyle w:val={ref}/></w:rPr>{_text(note.marker)}</w:r>"
                + self.run(" ") + self.pieces(note.segments) + self.run(" ")
                + self.run(note.source.citation, "Source Reference")))
            number = len(self.notes)
            calls.append(f"<w:r><w:rPr><w:rStyle w:val={ref}/></w:rPr>"
                         f"<w:footnoteReference w:customMarkFollows=\"1\" w:id=\"{number}\"/>"
                         f"{_text(note.marker)}</w:r>")
        return "".join(calls)

    def footnotes_part(self, doc: DocxDocument) -> None:
        """word/footnotes.xml with the separators Word expects and one
        footnote per call; replaces any footnotes part of the reference."""
        notes = "".join(f"<w:footnote w:id=\"{i}\">{body}</w:footnote>"
                        for i, body in enumerate(self.notes, start=1))
        xml = (f"<w:footnotes {nsdecls('w')}>"
               "<w:footnote w:type=\"separator\" w:id=\"-1\"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>"
               "<w:footnote w:type=\"continuationSeparator\" w:id=\"0\"><w:p><w:r><w:continuationSeparator/>"
               f"</w:r></w:p></w:footnote>{notes}</w:footnotes>")
        part = doc.part
        for rel_id, rel in list(part.rels.items()):
            if rel.reltype == RT.FOOTNOTES:
                part.drop_rel(rel_id)
        footnotes = Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, xml.encode("utf-8"), part.package)
        part.relate_to(footnotes, RT.FOOTNOTES)

    # -- page furniture and properties -------------------------------------

    def page_furniture(self, doc: DocxDocument, briefing: Briefing) -> None:
        section = doc.sections[0]
        section.different_first_page_header_footer = True  # no header on the cover
        header = section.header.paragraphs[0]
        header.style = doc.styles["Header"]
        header._p.append(parse_xml(f"<w:r {nsdecls('w')}>{_text(briefing.cover.title + chr(9))}</w:r>"))
        header._p.append(parse_xml(
            f"<w:r {nsdecls('w')}><w:rPr><w:rStyle w:val={quoteattr(self.style_ids['Marking'])}/></w:rPr>"
            f"{_text(briefing.cover.marking.upper())}</w:r>"))
        footer = section.footer.paragraphs[0]
        footer.style = doc.styles["Footer"]
        before, between, after = briefing.furniture.footer_parts
        runs = self.run("\t" + before) + _field("PAGE") + self.run(between) + _field("NUMPAGES") + \
            (self.run(after) if after else "")
        for child in parse_xml(f"<w:p {nsdecls('w')}>{runs}</w:p>"):
            footer._p.append(child)

    def properties(self, doc: DocxDocument, briefing: Briefing) -> None:
        meta = briefing.metadata
        core = doc.core_properties
        created = _created(briefing)
        core.title = meta.title
        core.subject = meta.subject
        core.keywords = ", ".join(meta.keywords)
        core.author = meta.author
        core.last_modified_by = meta.author
        core.comments = meta.generator
        core.language = briefing.furniture.language_tag
        core.category = "Briefing"
        core.content_status = meta.classification
        core.created = created
        core.modified = created
        core.last_printed = created
        core.revision = 1
        # Ask Word to refresh the contents page numbers when it opens the file.
        settings = doc.settings.element
        if settings.find(qn("w:updateFields")) is None:
            update = OxmlElement("w:updateFields")
            update.set(qn("w:val"), "true")
            settings.append(update)


def _created(briefing: Briefing) -> dt.datetime:
    return dt.datetime.fromisoformat(briefing.metadata.created).replace(tzinfo=None)


def _normalise_zip(data: bytes, when: dt.datetime) -> bytes:
    """Rewrite the package with fixed entry times (zip stamps the clock)."""
    stamp = max(when, dt.datetime(1980, 1, 1)).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()
