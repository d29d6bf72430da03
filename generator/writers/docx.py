"""DOCX writer: the briefing model as a Word document built with python-docx.

The only module that imports python-docx. Every paragraph, run and table
gets a named style from templates/reference.docx and nothing else: no fonts,
sizes or colours are set here, so editing the reference document in Word
restyles every briefing. Fields (PAGE, NUMPAGES, PAGEREF) are written as
field codes so Word and LibreOffice compute them.

Output is reproducible: core properties and zip entry times come from the
briefing's build date, never from the clock.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu
from docx.styles.style import BaseStyle
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph

from ..errors import TemplateError
from ..model import Box, Briefing, BulletList, Footnote, Paragraph, Section, Table
from . import Rendered

REFERENCE = "reference.docx"
REQUIRED_STYLES = (
    "Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3", "List Bullet", "Caption", "Header", "Footer",
    "TOC 1", "TOC 2", "Cover Kicker", "Cover Fact", "Cover Source", "Intro", "Note", "Signature",
    "Box Label", "Box Text", "Box List", "Footnote Text", "Table Text", "Table Heading",
    "Source Reference", "Lead", "Footnote Reference", "Marking", "Briefing Table",
)
PARAGRAPH_STYLES = {"": "Normal", "intro": "Intro", "note": "Note", "signature": "Signature"}


class DocxWriter:
    format = "docx"
    suffix = ".docx"

    def __init__(self, templates: Path) -> None:
        path = templates / REFERENCE
        try:
            self.reference = path.read_bytes()
        except OSError:
            raise TemplateError(f"{path}: Word reference document not found") from None
        names = {s.name for s in Document(io.BytesIO(self.reference)).styles}
        missing = [n for n in REQUIRED_STYLES if n not in names]
        if missing:
            raise TemplateError(f"{path}: missing style(s) {', '.join(missing)}")

    # -- document ---------------------------------------------------------

    def render(self, briefing: Briefing) -> Rendered:
        doc = Document(io.BytesIO(self.reference))
        # Style lookups by name scan the styles part; resolve each name once.
        self._styles = _StyleCache(doc)
        self._bookmarks = {s.anchor: f"h{i:03d}" for i, s in enumerate(briefing.walk())}
        self._bookmark_id = 0
        self.cover(doc, briefing)
        self.contents(doc, briefing)
        for section in briefing.sections:
            self.section(doc, section)
        self.page_furniture(doc, briefing)
        self.properties(doc, briefing)
        out = io.BytesIO()
        doc.save(out)
        return Rendered(_normalise_zip(out.getvalue(), _created(briefing)))

    def cover(self, doc: DocxDocument, briefing: Briefing) -> None:
        cover = briefing.cover
        self._par(doc, "Cover Kicker", "Internationale Veiligheidsstrategie")
        self._par(doc, "Title", cover.title)
        self._par(doc, "Subtitle", cover.subtitle)
        for label, value in (("Selectie", cover.selection_line), ("Datum", cover.date),
                             ("Rubricering", cover.marking)):
            p = self._par(doc, "Cover Fact")
            self._run(p, label, "Lead")
            p.add_run("\t" + value)
        p = self._par(doc, "Cover Source", cover.source_line)
        p.add_run().add_break(WD_BREAK.PAGE)

    def contents(self, doc: DocxDocument, briefing: Briefing) -> None:
        self._par(doc, "Heading 1", "Inhoud")
        last: DocxParagraph | None = None
        for section in briefing.walk():
            if not section.in_contents or section.level > 2:
                continue
            last = self._par(doc, f"TOC {section.level}")
            bookmark = self._bookmarks[section.anchor]
            _hyperlink(last, section.title, bookmark)
            last.add_run("\t")
            _field(last, f"PAGEREF {bookmark} \\h")
        if last is not None:
            last.add_run().add_break(WD_BREAK.PAGE)

    # -- one method per node kind -----------------------------------------

    def section(self, doc: DocxDocument, section: Section) -> None:
        heading = self._par(doc, f"Heading {min(section.level, 3)}")
        self._bookmark(heading, self._bookmarks[section.anchor], section.title)
        self.footnote_calls(heading, section.footnotes)
        self.footnote_texts(doc, section.footnotes)
        for block in section.blocks:
            if isinstance(block, Paragraph):
                self.paragraph(doc, block)
            elif isinstance(block, BulletList):
                self.bullet_list(doc, block)
            elif isinstance(block, Box):
                self.box(doc, block)
            elif isinstance(block, Table):
                self.table(doc, block)
        for child in section.children:
            self.section(doc, child)

    def paragraph(self, doc: DocxDocument, node: Paragraph, style: str | None = None) -> DocxParagraph:
        p = self._par(doc, style or PARAGRAPH_STYLES.get(node.style, "Normal"))
        if node.lead:
            self._run(p, node.lead + ".", "Lead")
            p.add_run(" ")
        p.add_run(node.text)
        self.footnote_calls(p, node.footnotes)
        if node.source is not None:
            p.add_run(" ")
            self._run(p, node.source.citation, "Source Reference")
        self.footnote_texts(doc, node.footnotes)
        return p

    def bullet_list(self, doc: DocxDocument, node: BulletList, style: str = "List Bullet") -> None:
        for item in node.items:
            self.paragraph(doc, item, style=style)

    def box(self, doc: DocxDocument, node: Box) -> None:
        self._par(doc, "Box Label", node.label)
        for block in node.blocks:
            self.paragraph(doc, block, style="Box Text")

    def table(self, doc: DocxDocument, node: Table) -> DocxTable:
        self._par(doc, "Caption", node.caption)
        table: DocxTable = doc.add_table(rows=1 + len(node.rows), cols=len(node.columns))
        table.style = self._styles["Briefing Table"]  # type: ignore[assignment]  # a table style, by name
        table.autofit = False
        _repeat_header(table.rows[0])
        page = doc.sections[0]
        usable = int(page.page_width or 0) - int(page.left_margin or 0) - int(page.right_margin or 0)
        if node.widths:
            # Word reads the grid, LibreOffice the cells: set both.
            for column, share in zip(table.columns, node.widths, strict=False):
                column.width = Emu(usable * share // 100)
        widths = [Emu(usable * w // 100) for w in node.widths]
        # Row by row: table.cell(r, c) rebuilds the cell grid on every call.
        for r, (row, texts) in enumerate(zip(table.rows, ((*node.columns,), *node.rows), strict=True)):
            style = self._styles.id("Table Heading" if r == 0 else "Table Text")
            for c, (cell, text) in enumerate(zip(row.cells, texts, strict=True)):
                paragraph = cell.paragraphs[0]
                if style:
                    paragraph._p.style = style
                paragraph.add_run(text)
                if widths:
                    cell.width = widths[c]
        return table

    def footnote_calls(self, p: DocxParagraph, notes: tuple[Footnote, ...]) -> None:
        for note in notes:
            self._run(p, note.marker, "Footnote Reference")

    def footnote_texts(self, doc: DocxDocument, notes: tuple[Footnote, ...]) -> None:
        # python-docx has no footnotes part; the note follows its paragraph in
        # the Footnote Text style, marked like the call.
        for note in notes:
            p = self._par(doc, "Footnote Text")
            self._run(p, note.marker, "Footnote Reference")
            p.add_run(" " + note.text + " ")
            self._run(p, note.source.citation, "Source Reference")

    def _par(self, doc: DocxDocument, style: str, text: str = "") -> DocxParagraph:
        p = doc.add_paragraph(text)
        style_id = self._styles.id(style)
        if style_id:
            p._p.style = style_id
        return p

    def _run(self, p: DocxParagraph, text: str, style: str) -> None:
        run = p.add_run(text)
        run._r.style = self._styles.id(style)

    # -- page furniture and properties -------------------------------------

    def page_furniture(self, doc: DocxDocument, briefing: Briefing) -> None:
        section = doc.sections[0]
        section.different_first_page_header_footer = True  # no header on the cover
        header = section.header.paragraphs[0]
        header.style = self._styles["Header"]
        header.add_run(briefing.cover.title + "\t")
        self._run(header, briefing.cover.marking.upper(), "Marking")
        footer = section.footer.paragraphs[0]
        footer.style = self._styles["Footer"]
        footer.add_run("\tpagina ")
        _field(footer, "PAGE")
        footer.add_run(" van ")
        _field(footer, "NUMPAGES")

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
        core.language = "nl-NL"
        core.category = "Briefing"
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

    def _bookmark(self, p: DocxParagraph, name: str, text: str) -> None:
        start = OxmlElement("w:bookmarkStart")
        start.set(qn("w:id"), str(self._bookmark_id))
        start.set(qn("w:name"), name)
        end = OxmlElement("w:bookmarkEnd")
        end.set(qn("w:id"), str(self._bookmark_id))
        self._bookmark_id += 1
        p._p.append(start)
        p.add_run(text)
        p._p.append(end)


class _StyleCache:
    """Named styles of one document, resolved once. python-docx looks a name
    up, and checks it against the default style, on every assignment; a
    briefing assigns hundreds."""

    def __init__(self, doc: DocxDocument) -> None:
        self.doc = doc
        self.found: dict[str, BaseStyle] = {}

    def __getitem__(self, name: str) -> BaseStyle:
        if name not in self.found:
            self.found[name] = self.doc.styles[name]
        return self.found[name]

    def id(self, name: str) -> str | None:
        """The style id to write, None for the default paragraph style."""
        return None if name == "Normal" else self[name].style_id


def _created(briefing: Briefing) -> dt.datetime:
    return dt.datetime.fromisoformat(briefing.metadata.created).replace(tzinfo=None)


def _field(p: DocxParagraph, instruction: str) -> None:
    """A complex field (begin, instruction, separate, result, end) so Word and
    LibreOffice compute its value."""
    for kind, text in (("begin", None), ("instr", f" {instruction} "), ("separate", None),
                       ("result", ""), ("end", None)):
        run = p.add_run()
        if kind == "instr":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
            run._r.append(el)
        elif kind == "result":
            run.text = text or ""
        else:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
            run._r.append(el)


def _hyperlink(p: DocxParagraph, text: str, bookmark: str) -> None:
    link = OxmlElement("w:hyperlink")
    link.set(qn("w:anchor"), bookmark)
    link.set(qn("w:history"), "1")
    run = p.add_run(text)
    link.append(run._r)
    p._p.append(link)


def _repeat_header(row: object) -> None:
    tr_pr = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


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
