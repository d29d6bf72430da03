"""DOCX writer: the briefing model as a Word document.

The only module that imports python-docx. It opens templates/reference.docx
(styles, page setup), sets header, footer and core properties through
python-docx, and writes the body as WordprocessingML. Every paragraph, run
and table refers to a named style of the reference document and carries no
direct formatting, so editing the reference document in Word restyles every
briefing. Fields (PAGE, NUMPAGES, PAGEREF) are written as field codes so Word
and LibreOffice compute them.

The body is built as lxml elements (ElementMaker, `w`, `wp`, `a`, `pic`
below), children in schema order, and appended once, rather than element by
element through python-docx's API: that API inserts each child by searching
its siblings, which made Word output cost a tenth of the PDF's render time.
No text is ever pasted into markup: every string from the model, strategy
text and a ministry's notes alike, is an element's text or an attribute's
value, escaped by lxml.

The house font travels with the document: the Noto Sans subsets in
templates/fonts/subset/ are embedded as obfuscated fonts (ECMA-376 Part 1,
17.8.1), which Word and LibreOffice use when the font is not installed, so
a briefing keeps its pages on any office PC.

The cover is a section of its own without top and side margins, so its
band (a one-cell table in the "Cover Band" style) runs to the paper's
edges; its footer holds the source line and the marking.

Output is reproducible: core properties and zip entry times come from the
briefing's build date, never from the clock; font keys from the fonts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import struct
import threading
import uuid
import zipfile
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeAlias

from docx import Document
from docx.document import Document as DocxDocument
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import nsmap, qn
from lxml import etree

from .. import pictures
from ..compat.docx import element as xml_of
from ..compat.docx import package_entries, set_blob
from ..errors import TemplateError
from ..model import Box, Briefing, BulletList, Footnote, Paragraph, Picture, Section, Table
from .base import Learned, Rendered

REFERENCE = "reference.docx"
REQUIRED_STYLES = (
    "Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3", "List Bullet", "Caption", "Header", "Footer",
    "TOC 1", "TOC 2", "Cover Kicker", "Cover Fact", "Cover Source", "Intro", "Note", "Signature",
    "Box Label", "Box Text", "Footnote Text", "Table Text", "Table Heading",
    "Source Reference", "Lead", "Footnote Reference", "Marking", "Briefing Table", "Foreign Term",
    "Cover Band", "Cover Marking", "Cover Foot", "Colophon", "Figure", "Figure Caption",
    "Dutch Text", "Translation", "Translation Label", "Original Heading", "Original Heading 3", "Box Translation",
)
FONT_NAME = "Noto Sans"  # the family the reference document's styles name
FONT_FACES = {"embedRegular": "Regular", "embedBold": "Bold", "embedItalic": "Italic",
              "embedBoldItalic": "BoldItalic"}
FONT_DIR = "fonts/subset"
CT_OBFUSCATED_FONT = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
# Parts of the stock template that describe another document (its
# thumbnail, its Word 2010 style copy, its custom XML) and have no place
# in a briefing.
DROPPED_PARTS = (RT.THUMBNAIL, RT.CUSTOM_XML,
                 "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects")
# Language -> the character style that carries it as w:lang: English terms
# in the Dutch text, and the Dutch text itself in an English edition.
FOREIGN_STYLES = {"en": "Foreign Term", "nl": "Dutch Text"}
PARAGRAPH_STYLES = {"": "Normal", "intro": "Intro", "note": "Note", "signature": "Signature", "context": "Intro"}
PICTURE_WIDTH_EMU = 132 * 36000  # the text column, as in the PDF
PICTURE_URI = "http://schemas.openxmlformats.org/drawingml/2006/picture"


NSMAP = {prefix: nsmap[prefix] for prefix in ("w", "r", "wp", "a", "pic")}
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
Element: TypeAlias = etree._Element
Children: TypeAlias = list[Element]


class _Maker:
    """`w.p(w.r(...), pStyle=...)`: an element of one namespace with its
    attributes in that namespace (as WordprocessingML has them), children
    in the order given. Attribute values are str()-ed; lxml escapes them.
    A builder is made once per tag and kept."""

    def __init__(self, prefix: str, attributes_qualified: bool = True) -> None:
        self.ns, self.qualified = NSMAP[prefix], attributes_qualified
        self.names: dict[str, str] = {}

    def key(self, name: str) -> str:
        """A keyword argument's attribute name: `val` is w:val, `r__id` r:id."""
        found = self.names.get(name)
        if found is None:
            plain = name.rstrip("_").replace("__", ":")
            found = qn(plain) if ":" in plain else f"{{{self.ns}}}{plain}" if self.qualified else plain
            self.names[name] = found
        return found

    def __getattr__(self, tag: str) -> Callable[..., Element]:
        key, name = self.key, f"{{{self.ns}}}{tag}"

        def build(*children: Element | Children | None, **attributes: object) -> Element:
            # Made inside a scratch element that declares every prefix, so
            # that no element carries declarations of its own (and making
            # one costs what parsing it would); appending moves it out.
            element = etree.SubElement(_scratch(), name, {key(k): str(v) for k, v in attributes.items()})
            for child in children:
                if child is None:
                    continue
                if isinstance(child, list):
                    element.extend(child)
                else:
                    element.append(child)
            return element
        setattr(self, tag, build)
        return build


_local = threading.local()


def _scratch() -> Element:
    """This thread's scratch parent for new elements (see _Maker)."""
    root: Element | None = getattr(_local, "root", None)
    if root is None:
        root = _local.root = etree.Element(qn("w:body"), nsmap=NSMAP)
    return root


w, wp, a, pic = _Maker("w"), _Maker("wp", False), _Maker("a", False), _Maker("pic", False)


def _text(text: str) -> Children:
    """Run content for plain text: tabs become w:tab, the rest w:t."""
    out: Children = []
    for i, part in enumerate(text.split("\t")):
        if i:
            out.append(w.tab())
        if part or i == 0:
            t = w.t()
            if part:  # an empty w:t stays an empty element, as Word writes it
                t.text = part
            t.set(XML_SPACE, "preserve")
            out.append(t)
    return out


def _field(instruction: str) -> Children:
    """A complex field, so Word and LibreOffice compute its value."""
    code = w.instrText()
    code.text = f" {instruction} "
    code.set(XML_SPACE, "preserve")
    return [w.r(w.fldChar(fldCharType="begin")), w.r(code), w.r(w.fldChar(fldCharType="separate")),
            w.r(w.t()), w.r(w.fldChar(fldCharType="end"))]


def _declared_where_used(element: Element) -> Element:
    """`element` without the namespace declarations it does not use: built
    elements declare every prefix the body may need, and a part's root
    declares most of them already."""
    etree.cleanup_namespaces(element)
    return element


def _cover_section() -> Element:
    """The cover section: no top or side margins, so the band reaches the
    paper's edges; its footer holds the source line and the marking."""
    return w.sectPr(w.pgSz(w=11906, h=16838),
                    w.pgMar(top=0, right=0, bottom=2835, left=0, header=0, footer=567, gutter=0))


class DocxWriter:
    format = "docx"
    suffix = ".docx"

    def __init__(self, templates: Path) -> None:
        self.templates = templates
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
        self.fonts: dict[str, tuple[str, bytes]] = {}  # embed element -> (font key, obfuscated font)
        for element, face in FONT_FACES.items():
            font_path = templates / FONT_DIR / f"NotoSans-{face}.ttf"
            try:
                self.fonts[element] = _obfuscate(font_path.read_bytes())
            except OSError:
                raise TemplateError(f"{font_path}: font to embed in Word documents not found") from None
        self.package = _Package()
        section = doc.sections[0]
        self.text_width = int(section.page_width or 0) - int(section.left_margin or 0) - \
            int(section.right_margin or 0)

    def render(self, briefing: Briefing, prior: Sequence[Learned] = ()) -> Rendered:
        # The writer is shared (cached per process, possibly by threads of a
        # server): everything one document needs while it is written lives
        # in an object made for that document.
        return _Document(self).render(briefing)


class _Document:
    """One Word document being written: its python-docx document, bookmark
    numbers and footnote bodies. The writer's reference bytes, style ids,
    fonts and measures are shared read-only."""

    def __init__(self, writer: DocxWriter) -> None:
        self.reference, self.style_ids, self.fonts = writer.reference, writer.style_ids, writer.fonts
        self.package = writer.package
        self.text_width, self.suffix, self.templates = writer.text_width, writer.suffix, writer.templates
        self.pictures = 0  # pictures so far: each needs a document-wide id
        self.bookmarks: dict[str, tuple[int, str]] = {}
        self.notes: list[str] = []  # footnote bodies, in order of their calls

    # -- markup helpers (style by name, nothing else) ----------------------

    def run(self, text: str, style: str | None = None) -> Element:
        props = w.rPr(w.rStyle(val=self.style_ids[style])) if style else None
        return w.r(props, _text(text))

    def pieces(self, segments: tuple[tuple[str, str], ...], language: str = "") -> Children:
        """Text with its stretches in another language in the character
        style that carries that language (no Dutch hyphenation there);
        `language` is the text's own when it is not the document's."""
        return [self.run(text, FOREIGN_STYLES.get(lang or language)) for text, lang in segments]

    def translation(self, node: Paragraph, style: str = "Translation") -> Children:
        """The unofficial translation after a block of the strategy's text,
        its label and text in one paragraph, so they never part."""
        t = node.translation
        if t is None:
            return []
        return [self.para(style, self.run(t.heading, "Translation Label"),
                          *([w.r(w.br()), self.run(t.text)] if t.text else []))]

    def para(self, style: str, *content: Element | Children, properties: Children | None = None) -> Element:
        style_element = None if style == "Normal" else w.pStyle(val=self.style_ids[style])
        props = w.pPr(style_element, properties) if style_element is not None or properties else None
        return w.p(props, *content)

    # -- document ---------------------------------------------------------

    def render(self, briefing: Briefing) -> Rendered:
        try:
            return self._render(briefing)
        finally:
            del _scratch()[:]  # what a failed render left unattached is not kept

    def _render(self, briefing: Briefing) -> Rendered:
        doc = Document(io.BytesIO(self.reference))
        self.bookmarks = {s.anchor: (i, f"h{i:03d}") for i, s in enumerate(briefing.walk())}
        body: Children = []
        self.doc = doc
        self.cover(body, briefing)
        if briefing.contents:
            self.contents(body, briefing)
        for section in briefing.sections:
            self.section(body, section)
        target = doc.element.body
        anchor = target.find(qn("w:sectPr"))
        for child in body:
            anchor.addprevious(child)
        self.footnotes_part(doc)
        self.page_furniture(doc, briefing)
        self.properties(doc, briefing)
        self.embed_fonts(doc)
        _drop_template_leftovers(doc)
        return Rendered(self.package.write(package_entries(doc), _created(briefing)))

    def cover(self, body: Children, briefing: Briefing) -> None:
        cover = briefing.cover
        band = w.tbl(
            w.tblPr(w.tblStyle(val=self.style_ids["Cover Band"]), w.tblW(w=5000, type="pct"),
                    w.tblLayout(type="fixed")),
            w.tblGrid(w.gridCol(w=11906)),
            w.tr(w.trPr(w.cantSplit()),
                 w.tc(w.tcPr(w.tcW(w=11906, type="dxa")),
                      self.para("Cover Marking", self.run(cover.marking)),
                      self.para("Cover Kicker", self.run(cover.kicker)))))
        body.append(band)
        body.append(self.para("Title", self.run(cover.title)))
        body.append(self.para("Subtitle", self.run(cover.subtitle)))
        for n, fact in enumerate(cover.facts, start=1):
            content = [self.run(fact.label, "Lead"), self.run("\t" + fact.value)]
            # The last paragraph of the cover ends its section.
            ends = [_cover_section()] if n == len(cover.facts) else None
            body.append(self.para("Cover Fact", content, properties=ends))

    def contents(self, body: Children, briefing: Briefing) -> None:
        body.append(self.para("Heading 1", self.run(briefing.furniture.contents_title)))
        entries = [s for s in briefing.walk() if s.in_contents and s.level <= 2]
        for n, section in enumerate(entries, start=1):
            bookmark = self.bookmarks[section.anchor][1]
            link = w.hyperlink(self.run(section.title), anchor=bookmark, history=1)
            tail = [w.r(w.br(type="page"))] if n == len(entries) else []
            body.append(self.para(f"TOC {section.level}", link, self.run("\t"), _field(f"PAGEREF {bookmark} \\h"),
                                  tail))

    # -- one method per node kind -----------------------------------------

    def section(self, body: Children, section: Section) -> None:
        number, bookmark = self.bookmarks[section.anchor]
        body.append(self.para(f"Heading {min(section.level, 3)}", w.bookmarkStart(id=number, name=bookmark),
                              self.run(section.title), w.bookmarkEnd(id=number), self.footnote_calls(section.footnotes)))
        if section.original:  # the strategy's own heading, under its translation
            body.append(self.para("Original Heading 3" if section.level >= 3 else "Original Heading",
                                  self.run(section.original,
                                                               FOREIGN_STYLES.get(section.original_language))))
        # The colophon is short and kept on one page, as in the PDF: its
        # style keeps each paragraph with the next.
        style = "Colophon" if section.role == "colophon" else None
        previous = None
        for block in section.blocks:
            if isinstance(block, Box) and isinstance(previous, Box):
                # Word draws paragraphs with the same borders as one box: an
                # empty paragraph between two keeps them apart (the notes).
                body.append(self.para("Normal"))
            previous = block
            if isinstance(block, Paragraph):
                body.extend(self.paragraph(block, style))
            elif isinstance(block, BulletList):
                body.extend(self.bullet_list(block))
            elif isinstance(block, Box):
                body.extend(self.box(block))
            elif isinstance(block, Table):
                body.extend(self.table(block))
            elif isinstance(block, Picture):
                body.extend(self.picture(block))
        for child in section.children:
            self.section(body, child)

    def paragraph(self, node: Paragraph, style: str | None = None, translation: str = "Translation") -> Children:
        content: Children = [self.run(node.lead + ".", "Lead"), self.run(" ")] if node.lead else []
        text: Children = []
        for node_text, lang, ref in node.runs:
            text.extend([self.run(node_text, FOREIGN_STYLES.get(lang or node.language))] if ref is None
                        else [self.run(" "), self.run(ref.citation, "Source Reference")])
        if node.link:
            # Relative to the document, so it opens the briefing's Word file
            # when that sits beside this one (as in a catalogue build).
            rel = self.doc.part.relate_to(node.link + self.suffix, RT.HYPERLINK, is_external=True)
            text = [w.hyperlink(text, r__id=rel, history=1)]
        elif node.links:  # a note's web addresses
            own = FOREIGN_STYLES.get(node.language)  # a note in the strategy's language, in another edition
            text = [w.hyperlink(self.run(piece, own), r__id=self.doc.part.relate_to(address, RT.HYPERLINK,
                                                                                   is_external=True), history=1)
                    if address else self.run(piece, own) for piece, address in node.linked]
        content += text + self.footnote_calls(node.footnotes)
        if node.source is not None:
            content += [self.run(" "), self.run(node.source.citation, "Source Reference")]
        return [self.para(style or PARAGRAPH_STYLES.get(node.style, "Normal"), content),
                *self.translation(node, translation)]

    def bullet_list(self, node: BulletList) -> Children:
        return [p for item in node.items for p in self.paragraph(item, "List Bullet")]

    def box(self, node: Box) -> Children:
        # Consecutive paragraphs with the same border and shading (from the
        # styles) are drawn by Word as one box.
        return [self.para("Box Label", self.run(node.label)),
                *(p for block in node.blocks for p in self.paragraph(block, "Box Text", "Box Translation"))]

    def table(self, node: Table) -> Children:
        widths = [self.text_width * share // 100 // 635 for share in node.widths]  # EMU -> twentieths of a point

        def row(cells: tuple[str, ...], header: bool) -> Element:
            # A row never splits across pages; the header row repeats.
            return w.tr(w.trPr(w.cantSplit(), w.tblHeader() if header else None),
                        [w.tc(w.tcPr(w.tcW(w=widths[i], type="dxa")) if widths else None,
                              self.para("Table Heading" if header else "Table Text", self.run(text)))
                         for i, text in enumerate(cells)])

        look = w.tblLook(val="04A0", firstRow=1, lastRow=0, firstColumn=0, lastColumn=0, noHBand=0, noVBand=1)
        table = w.tbl(w.tblPr(w.tblStyle(val=self.style_ids["Briefing Table"]), w.tblW(w=5000, type="pct"),
                              w.tblLayout(type="fixed"), look),
                      w.tblGrid([w.gridCol(w=width) for width in widths]), row(node.columns, True),
                      [row(r, False) for r in node.rows])
        return [self.para("Caption", self.run(node.caption)), table]

    def picture(self, node: Picture) -> Children:
        """The picture as PNG at print resolution, inline in a paragraph
        kept with its caption; `descr` is the alternative text Word shows
        and reads out."""
        png = pictures.render(node.drawing, "png", self.templates)
        rel_id, _ = self.doc.part.get_or_add_image(io.BytesIO(png))
        width, height = pictures.png_size(png)
        cx, cy = PICTURE_WIDTH_EMU, PICTURE_WIDTH_EMU * height // width
        self.pictures += 1
        n = self.pictures
        drawing = w.r(w.drawing(wp.inline(
            wp.extent(cx=cx, cy=cy), wp.docPr(id=n, name=f"Picture {n}", descr=node.alt),
            wp.cNvGraphicFramePr(a.graphicFrameLocks(noChangeAspect=1)),
            a.graphic(a.graphicData(pic.pic(
                pic.nvPicPr(pic.cNvPr(id=n, name=f"picture{n}.png", descr=node.alt), pic.cNvPicPr()),
                pic.blipFill(a.blip(r__embed=rel_id), a.stretch(a.fillRect())),
                pic.spPr(a.xfrm(a.off(x=0, y=0), a.ext(cx=cx, cy=cy)), a.prstGeom(a.avLst(), prst="rect"))),
                uri=PICTURE_URI)),
            distT=0, distB=0, distL=0, distR=0)))
        caption = [self.run(node.caption)]
        if node.source is not None:
            caption += [self.run(" "), self.run(node.source.citation, "Source Reference")]
        return [self.para("Figure", drawing), self.para("Figure Caption", caption)]

    def footnote_calls(self, notes: tuple[Footnote, ...]) -> Children:
        """Real Word footnotes that keep the strategy's own numbers (a
        briefing may hold footnote 2 without footnote 1): a custom mark
        follows each reference."""
        calls: Children = []
        ref = self.style_ids["Footnote Reference"]
        for note in notes:
            self.notes.append(self.para(
                "Footnote Text", w.r(w.rPr(w.rStyle(val=ref)), _text(note.marker)), self.run(" "),
                self.pieces(note.segments, note.language), self.run(" "),
                self.run(note.source.citation, "Source Reference"),
                *([self.run(" "), self.run(note.translation.heading + ":", "Translation Label"), self.run(" "),
                   self.run(note.translation.text)] if note.translation is not None else [])))
            number = len(self.notes)
            calls.append(w.r(w.rPr(w.rStyle(val=ref)), w.footnoteReference(customMarkFollows=1, id=number),
                             _text(note.marker)))
        return calls

    def footnotes_part(self, doc: DocxDocument) -> None:
        """word/footnotes.xml with the separators Word expects and one
        footnote per call; replaces any footnotes part of the reference."""
        # A root of its own, declaring only what the part uses.
        footnotes = etree.Element(qn("w:footnotes"), nsmap={"w": NSMAP["w"]})
        footnotes.extend([
            w.footnote(w.p(w.r(w.separator())), type="separator", id=-1),
            w.footnote(w.p(w.r(w.continuationSeparator())), type="continuationSeparator", id=0),
            *(w.footnote(body, id=i) for i, body in enumerate(self.notes, start=1))])
        xml = etree.tostring(_declared_where_used(footnotes), encoding="UTF-8")
        part = doc.part
        for rel_id, rel in list(part.rels.items()):
            if rel.reltype == RT.FOOTNOTES:
                part.drop_rel(rel_id)
        footnotes_part = Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, xml, part.package)
        part.relate_to(footnotes_part, RT.FOOTNOTES)

    # -- page furniture and properties -------------------------------------

    def page_furniture(self, doc: DocxDocument, briefing: Briefing) -> None:
        """The marking at the top and foot of every page: on the cover in
        its band and footer, elsewhere in the running header (title,
        marking) and footer (marking, page numbers)."""
        cover, main = doc.sections[0], doc.sections[-1]
        cover.footer.is_linked_to_previous = False
        self._fill(cover.footer.paragraphs[0], "Cover Source", self.pieces(briefing.cover.source_segments))
        self._add(cover.footer, "Cover Source", [self.run(briefing.cover.disclaimer)])
        self._add(cover.footer, "Cover Foot", [self.run(briefing.cover.marking, "Marking")])
        main.header.is_linked_to_previous = False
        main.footer.is_linked_to_previous = False
        main.different_first_page_header_footer = False
        self._fill(main.header.paragraphs[0], "Header",
                   [self.run(briefing.cover.title + "\t"), self.run(briefing.cover.marking, "Marking")])
        before, between, after = briefing.furniture.footer_parts
        self._fill(main.footer.paragraphs[0], "Footer",
                   [self.run("\t"), self.run(briefing.cover.marking, "Marking"), self.run("\t" + before),
                    *_field("PAGE"), self.run(between), *_field("NUMPAGES"), *([self.run(after)] if after else [])])

    def _fill(self, paragraph: Any, style: str, runs: Children) -> None:
        """Style and fill the empty paragraph a new header or footer has."""
        p = xml_of(paragraph)
        for old in p.findall(qn("w:pPr")):
            p.remove(old)
        p.insert(0, w.pPr(w.pStyle(val=self.style_ids[style])))
        p.extend(runs)
        _declared_where_used(p)

    def _add(self, part: Any, style: str, runs: Children) -> None:
        xml_of(part).append(_declared_where_used(self.para(style, runs)))

    def embed_fonts(self, doc: DocxDocument) -> None:
        """The house font inside the package: word/fonts/*.odttf, named in
        fontTable.xml, and settings that tell Word to use and keep them."""
        table_part = next(r.target_part for r in doc.part.rels.values() if r.reltype == RT.FONT_TABLE)
        fonts = etree.fromstring(table_part.blob)
        font = fonts.find(f"{{{W_NS}}}font[@{{{W_NS}}}name='{FONT_NAME}']")
        if font is None:
            font = etree.SubElement(fonts, qn("w:font"))
            font.set(qn("w:name"), FONT_NAME)
        for old in [c for c in font if etree.QName(c).localname.startswith("embed")]:
            font.remove(old)
        for n, (element, (key, data)) in enumerate(self.fonts.items(), start=1):
            part = Part(PackURI(f"/word/fonts/font{n}.odttf"), CT_OBFUSCATED_FONT, data, doc.part.package)
            embed = etree.SubElement(font, qn(f"w:{element}"))
            embed.set(qn("r:id"), table_part.relate_to(part, RT.FONT))
            embed.set(qn("w:fontKey"), key)
        set_blob(table_part, etree.tostring(fonts, xml_declaration=True, encoding="UTF-8", standalone=True))
        settings = doc.settings.element
        # Schema order: these come right after w:zoom (and before w:proofState).
        zoom = settings.find(qn("w:zoom"))
        for tag in ("w:saveSubsetFonts", "w:embedTrueTypeFonts"):
            if settings.find(qn(tag)) is None:
                element = OxmlElement(tag)
                if zoom is not None:
                    zoom.addnext(element)
                else:
                    settings.insert(0, element)

    def properties(self, doc: DocxDocument, briefing: Briefing) -> None:
        meta = briefing.metadata
        core = doc.core_properties
        created = _created(briefing)
        # Word's core properties hold at most 255 characters each (python-docx
        # refuses more): a long combination's keywords or title are shortened
        # there, with an ellipsis; the document itself shows them whole.
        core.title = _property(meta.title)
        core.subject = _property(meta.subject)
        core.keywords = _property(", ".join(meta.keywords))
        core.author = _property(meta.author)
        core.last_modified_by = _property(meta.author)
        core.comments = _property(meta.generator)
        core.language = briefing.furniture.language_tag
        # The proofing language of every style follows the edition's (the
        # reference document's default is Dutch).
        defaults = doc.styles.element.find(qn("w:docDefaults"))
        lang = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}") if defaults is not None else None
        if lang is not None:
            lang.set(qn("w:val"), briefing.furniture.language_tag)
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


W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _obfuscate(font: bytes) -> tuple[str, bytes]:
    """ECMA-376 Part 1, 17.8.1: the first 32 bytes of the font XORed with
    the font key (a GUID, its bytes in reverse order of its hex digits).
    The key is derived from the font, so builds stay reproducible."""
    key = uuid.UUID(bytes=hashlib.sha256(font).digest()[:16])
    guid = "{" + str(key).upper() + "}"
    xor = bytes.fromhex(key.hex)[::-1]
    head = bytes(b ^ xor[i % 16] for i, b in enumerate(font[:32]))
    return guid, head + font[32:]


def _drop_template_leftovers(doc: DocxDocument) -> None:
    """Remove what the stock template says about itself, and describe the
    package as made by this generator (docProps/app.xml said "Microsoft
    Macintosh Word" and carried the template's statistics)."""
    for owner in (doc.part, doc.part.package):
        for rel_id, rel in list(owner.rels.items()):
            if rel.reltype in DROPPED_PARTS:
                del owner.rels[rel_id]
    for rel in doc.part.package.rels.values():
        if rel.reltype == RT.EXTENDED_PROPERTIES:
            set_blob(rel.target_part, APP_XML)


APP_XML = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
           b"<Application>briefing</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>"
           b"<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
           b"<HyperlinksChanged>false</HyperlinksChanged></Properties>")


CORE_PROPERTY_MAX = 255


def _property(text: str) -> str:
    """`text` as a core property takes it: at most 255 characters."""
    return text if len(text) <= CORE_PROPERTY_MAX else text[:CORE_PROPERTY_MAX - 1].rstrip(" ,") + "…"


def _created(briefing: Briefing) -> dt.datetime:
    return dt.datetime.fromisoformat(briefing.metadata.created).replace(tzinfo=None)


class _Package:
    """Writes a Word package as a ZIP file, byte for byte as python-docx's
    `save` (through zipfile) would, with two differences: every entry has
    the same fixed time (zipfile stamps the clock, which would make two
    builds differ), and a part whose bytes are the same as in the last
    document this writer wrote (the embedded fonts, styles, theme,
    numbering: three quarters of the bytes) is not compressed again: its
    deflated bytes and CRC are kept. The layout is the ZIP specification's
    (4.3.7 local header, 4.3.12 central directory, 4.3.16 end record), with
    the values zipfile writes for an ASCII name deflated at the default
    level: version 2.0, made on Unix, mode 0600."""

    def __init__(self) -> None:
        self._kept: dict[str, tuple[bytes, int, bytes]] = {}  # name -> (bytes, CRC-32, deflated)
        self._lock = threading.Lock()

    def _deflated(self, name: str, data: bytes) -> tuple[int, bytes]:
        with self._lock:
            kept = self._kept.get(name)
        if kept is not None and kept[0] == data:
            return kept[1], kept[2]
        packer = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
        deflated = packer.compress(data) + packer.flush()
        crc = zlib.crc32(data)
        with self._lock:
            self._kept[name] = (data, crc, deflated)
        return crc, deflated

    def write(self, entries: list[tuple[str, bytes]], when: dt.datetime) -> bytes:
        moment = max(when, dt.datetime(1980, 1, 1))
        dos_time = moment.hour << 11 | moment.minute << 5 | moment.second // 2
        dos_date = (moment.year - 1980) << 9 | moment.month << 5 | moment.day
        out = bytearray()
        directory = bytearray()
        for name, data in entries:
            encoded = name.encode("ascii")
            crc, deflated = self._deflated(name, data)
            offset = len(out)
            out += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, zipfile.ZIP_DEFLATED, dos_time, dos_date,
                               crc, len(deflated), len(data), len(encoded), 0)
            out += encoded
            out += deflated
            directory += struct.pack("<4s4B4H3L5H2L", b"PK\x01\x02", 20, 3, 20, 0, 0, zipfile.ZIP_DEFLATED,
                                     dos_time, dos_date, crc, len(deflated), len(data), len(encoded), 0, 0, 0, 0,
                                     0o600 << 16, offset)
            directory += encoded
        start = len(out)
        out += directory
        out += struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(directory), start, 0)
        return bytes(out)
