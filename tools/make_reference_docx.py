"""Build templates/reference.docx, the Word reference document.

The DOCX writer styles every paragraph, run and table by *name* from this
file and adds no direct formatting, so a user restyles all briefings by
opening templates/reference.docx in Word, changing the styles, and saving
(like pandoc's --reference-doc). This script only makes the first version;
after that the .docx in the repository is the source of truth, and editing
it in Word is fine. Run: `python tools/make_reference_docx.py`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.styles.style import ParagraphStyle

LINTBLAUW = RGBColor(0x15, 0x42, 0x73)
MUTED = RGBColor(0x55, 0x55, 0x55)
FONT = "Noto Sans"

# The writer checks that every style it uses exists (REQUIRED_STYLES in
# generator/writers/docx.py); this script is where they are first made.
TABLE_STYLE = "Briefing Table"


def _set_shading(ppr_or_tcpr: OxmlElement, fill: str) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    ppr_or_tcpr.append(shd)


def _left_border(style: ParagraphStyle, colour: str) -> None:
    ppr = style.element.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    left = OxmlElement("w:left")
    for key, value in (("val", "single"), ("sz", "24"), ("space", "8"), ("color", colour)):
        left.set(qn(f"w:{key}"), value)
    borders.append(left)
    ppr.append(borders)
    _set_shading(ppr, "E7EDF5")


def _paragraph_style(doc: Document, name: str, base: str = "Normal") -> ParagraphStyle:
    styles = doc.styles
    style = styles[name] if name in [s.name for s in styles] else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = styles[base]
    style.quick_style = True
    return style


def _table_style(doc: Document) -> None:
    """A table style with a lintblauw header row and light rules; python-docx
    has no API for conditional table formatting, so it is written as XML."""
    xml = f"""
<w:style xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
         w:type="table" w:customStyle="1" w:styleId="BriefingTable">
  <w:name w:val="{TABLE_STYLE}"/>
  <w:basedOn w:val="TableNormal"/>
  <w:uiPriority w:val="59"/>
  <w:qFormat/>
  <w:pPr><w:spacing w:before="40" w:after="40"/></w:pPr>
  <w:rPr><w:sz w:val="17"/></w:rPr>
  <w:tblPr>
    <w:tblBorders>
      <w:bottom w:val="single" w:sz="4" w:space="0" w:color="C8C8C8"/>
      <w:insideH w:val="single" w:sz="4" w:space="0" w:color="C8C8C8"/>
    </w:tblBorders>
    <w:tblCellMar>
      <w:top w:w="40" w:type="dxa"/><w:left w:w="90" w:type="dxa"/>
      <w:bottom w:w="40" w:type="dxa"/><w:right w:w="90" w:type="dxa"/>
    </w:tblCellMar>
  </w:tblPr>
  <w:tblStylePr w:type="firstRow">
    <w:rPr><w:b/><w:color w:val="FFFFFF"/></w:rPr>
    <w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="154273"/></w:tcPr>
  </w:tblStylePr>
  <w:tblStylePr w:type="band2Horz">
    <w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="F4F6F9"/></w:tcPr>
  </w:tblStylePr>
</w:style>"""
    from docx.oxml import parse_xml

    doc.styles.element.append(parse_xml(xml))


def _twips(mm: float) -> str:
    return str(round(mm * 1440 / 25.4))


def _set(parent: OxmlElement, tag: str, **attrs: str) -> OxmlElement:
    """Replace child `tag` of `parent` with one holding `attrs`."""
    for old in parent.findall(qn(tag)):
        parent.remove(old)
    child = OxmlElement(tag)
    for key, value in attrs.items():
        child.set(qn(f"w:{key}"), value)
    parent.append(child)
    return child


def _indent(style: ParagraphStyle, left: float, right: float = 0, hanging: float = 0) -> None:
    ppr = style.element.get_or_add_pPr()
    attrs = {"left": _twips(left), "right": _twips(right)}
    if hanging:
        attrs["hanging"] = _twips(hanging)
    _set(ppr, "w:ind", **attrs)


def _border(style: ParagraphStyle, side: str, colour: str, size: str = "4", space: str = "4") -> None:
    ppr = style.element.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        ppr.append(borders)
    _set(borders, f"w:{side}", val="single", sz=size, space=space, color=colour)


def _char_border(rpr: OxmlElement, colour: str) -> None:
    _set(rpr, "w:bdr", val="single", sz="6", space="2", color=colour)


def _letter_spacing(rpr: OxmlElement, twentieths: int) -> None:
    for old in rpr.findall(qn("w:spacing")):
        rpr.remove(old)
    if twentieths:
        _set(rpr, "w:spacing", val=str(twentieths))


def _house_font(styles_element: OxmlElement) -> None:
    """Noto Sans everywhere, by name. The stock template names theme fonts
    (asciiTheme="minorHAnsi"), which win over a font name in Word, so a
    heading would come out in the theme's Cambria; they are removed."""
    for rfonts in styles_element.iter(qn("w:rFonts")):
        for attr in list(rfonts.attrib):
            if attr.endswith("Theme") or attr.endswith("theme"):
                del rfonts.attrib[attr]
        for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            rfonts.set(qn(attr), FONT)


# The grid of the PDF (templates/print.css): a 166 mm text block, 24 mm
# from the left edge, with a 34 mm margin column; running text in the
# 132 mm column, headings and tables across the whole block.
LEFT, RIGHT, TOP, BOTTOM = 24, 20, 25, 24
BLOCK = 166
COLUMN = 34
BULLET = 4.5
# The cover: the title block starts 64 mm from the edge, as in the PDF.
COVER_LEFT, COVER_RIGHT = 64, 24


def build(path: Path) -> None:
    doc = Document()
    styles = doc.styles

    # Document defaults: font and Dutch proofing language for every style.
    rpr_default = styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for old in rpr_default.findall(qn("w:lang")):
        rpr_default.remove(old)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "nl-NL")
    lang.set(qn("w:eastAsia"), "nl-NL")
    lang.set(qn("w:bidi"), "ar-SA")
    rpr_default.append(lang)

    normal = styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(10)
    normal.paragraph_format.space_after = Pt(6)
    # At least the PDF's 1.42 line height; "multiple" spacing in Word is a
    # multiple of the font's own line gap and would come out looser.
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.AT_LEAST
    normal.paragraph_format.line_spacing = Pt(14.2)
    normal.paragraph_format.widow_control = True
    _indent(normal, COLUMN)

    for name, size in (("Title", 30), ("Subtitle", 13), ("Heading 1", 16), ("Heading 2", 12.5), ("Heading 3", 10.5)):
        style = styles[name]
        style.font.name = FONT
        style.font.size = Pt(size)
        style.font.color.rgb = LINTBLAUW if name not in ("Subtitle", "Heading 3") else RGBColor(0x1A, 0x1A, 0x1A)
        style.font.bold = name.startswith("Heading") or name == "Title"
        style.font.italic = False
        style.paragraph_format.keep_with_next = True
        style.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        _letter_spacing(style.element.get_or_add_rPr(), 0)
    for name in ("Heading 1", "Heading 2"):
        _indent(styles[name], 0)  # headings hang into the margin column
    styles["Heading 1"].paragraph_format.space_before = Pt(28)
    styles["Heading 1"].paragraph_format.space_after = Pt(10)
    _border(styles["Heading 1"], "bottom", "A9BCD4", size="6", space="4")
    styles["Heading 2"].paragraph_format.space_before = Pt(18)
    styles["Heading 2"].paragraph_format.space_after = Pt(8)
    styles["Heading 3"].paragraph_format.space_before = Pt(12)
    styles["Heading 3"].paragraph_format.space_after = Pt(5)
    # The stock Subtitle is a numbered, letter-spaced style; the house
    # style's is neither.
    subtitle_ppr = styles["Subtitle"].element.get_or_add_pPr()
    for numbering in subtitle_ppr.findall(qn("w:numPr")):
        subtitle_ppr.remove(numbering)
    # The stock template draws a rule under Title; the house style does not.
    title_ppr = styles["Title"].element.get_or_add_pPr()
    for border in title_ppr.findall(qn("w:pBdr")):
        title_ppr.remove(border)
    for name in ("Title", "Subtitle"):
        _indent(styles[name], COVER_LEFT - 0, COVER_RIGHT)
    styles["Title"].paragraph_format.space_before = Pt(44)
    styles["Title"].paragraph_format.space_after = Pt(16)
    styles["Subtitle"].paragraph_format.space_after = Pt(44)

    # The cover band: a one-cell table across the paper's width (the cover
    # is a section without side or top margins) holding the marking and
    # the kicker in white.
    band = _paragraph_style(doc, "Cover Marking")
    band.font.bold = True
    band.font.all_caps = True
    band.font.size = Pt(10)
    band.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
    band.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    band.paragraph_format.space_before = Pt(26)
    band.paragraph_format.space_after = Pt(0)
    band_rpr = band.element.get_or_add_rPr()
    _letter_spacing(band_rpr, 24)
    _char_border(band_rpr, "FFFFFF")
    _indent(band, 0)
    kicker = _paragraph_style(doc, "Cover Kicker")
    kicker.font.bold = True
    kicker.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
    kicker.font.all_caps = True
    kicker.font.size = Pt(10)
    kicker.paragraph_format.space_before = Pt(118)
    kicker.paragraph_format.space_after = Pt(20)
    _letter_spacing(kicker.element.get_or_add_rPr(), 24)
    _indent(kicker, COVER_LEFT, COVER_RIGHT)
    fact = _paragraph_style(doc, "Cover Fact")
    fact.paragraph_format.space_after = Pt(4)
    fact.paragraph_format.tab_stops.add_tab_stop(Mm(COVER_LEFT + 24))
    _indent(fact, COVER_LEFT, COVER_RIGHT)
    source = _paragraph_style(doc, "Cover Source")
    source.font.size = Pt(8.5)
    source.font.color.rgb = MUTED
    source.paragraph_format.space_after = Pt(2)
    _indent(source, COVER_LEFT, COVER_RIGHT)
    foot = _paragraph_style(doc, "Cover Foot")
    foot.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    foot.paragraph_format.space_before = Pt(18)
    foot.paragraph_format.space_after = Pt(0)
    _indent(foot, 0)
    # A rule above the source line, as in the PDF.
    _border(source, "top", "A9BCD4", size="4", space="6")

    intro = _paragraph_style(doc, "Intro")
    intro.font.italic = True
    intro.font.color.rgb = MUTED
    intro.paragraph_format.keep_with_next = True
    note = _paragraph_style(doc, "Note")
    note.font.color.rgb = MUTED
    signature = _paragraph_style(doc, "Signature")
    signature.font.italic = True
    colophon = _paragraph_style(doc, "Colophon")
    colophon.font.size = Pt(9)
    colophon.paragraph_format.keep_with_next = True
    colophon.paragraph_format.keep_together = True

    box_label = _paragraph_style(doc, "Box Label")
    box_label.font.bold = True
    box_label.font.size = Pt(7.5)
    box_label.font.all_caps = True
    box_label.font.color.rgb = LINTBLAUW
    box_label.paragraph_format.space_after = Pt(2)
    box_label.paragraph_format.keep_with_next = True
    _left_border(box_label, "154273")
    box_text = _paragraph_style(doc, "Box Text")
    _left_border(box_text, "154273")
    for style in (box_label, box_text):
        _indent(style, COLUMN + 4, 4)

    bullet = styles["List Bullet"]
    bullet.paragraph_format.space_after = Pt(4)
    _indent(bullet, COLUMN + BULLET, 0, BULLET)
    _bullet_level(doc, bullet)

    footnote = _paragraph_style(doc, "Footnote Text")
    footnote.font.size = Pt(8)
    footnote.paragraph_format.space_after = Pt(2)
    footnote.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    _indent(footnote, COLUMN)
    table_text = _paragraph_style(doc, "Table Text")
    table_text.font.size = Pt(8.5)
    table_text.paragraph_format.space_after = Pt(0)
    table_text.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    _indent(table_text, 0)
    table_heading = _paragraph_style(doc, "Table Heading", base="Table Text")
    table_heading.font.bold = True

    caption = styles["Caption"]
    caption.font.color.rgb = LINTBLAUW
    caption.font.size = Pt(9)
    caption.font.italic = False
    caption.font.bold = True
    caption.paragraph_format.keep_with_next = True
    caption.paragraph_format.space_before = Pt(6)
    caption.paragraph_format.space_after = Pt(4)
    _indent(caption, 0)

    # A map or chart in the text column, kept with its caption below it;
    # single line spacing, so that an exact spacing does not crop it.
    figure = _paragraph_style(doc, "Figure")
    figure.paragraph_format.keep_with_next = True
    figure.paragraph_format.space_before = Pt(6)
    figure.paragraph_format.space_after = Pt(3)
    figure.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    figure_caption = _paragraph_style(doc, "Figure Caption")
    figure_caption.font.size = Pt(8.5)
    figure_caption.font.color.rgb = MUTED
    figure_caption.paragraph_format.space_after = Pt(10)

    for level in (1, 2):
        toc = _paragraph_style(doc, f"TOC {level}") if f"TOC {level}" not in [s.name for s in styles] \
            else styles[f"TOC {level}"]
        toc.paragraph_format.space_after = Pt(4)
        _indent(toc, 0 if level == 1 else 6)
        toc.paragraph_format.tab_stops.add_tab_stop(Mm(BLOCK), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
        toc.font.bold = level == 1

    # Running header and footer: title left, marking centred, page right;
    # one rule under the header across the text block.
    for name in ("Header", "Footer"):
        style = styles[name]
        style.font.size = Pt(8.5)
        style.font.color.rgb = MUTED
        style.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        style.paragraph_format.space_after = Pt(0)
        style.paragraph_format.tab_stops.clear_all()
        style.paragraph_format.tab_stops.add_tab_stop(Mm(BLOCK / 2), WD_TAB_ALIGNMENT.CENTER)
        style.paragraph_format.tab_stops.add_tab_stop(Mm(BLOCK), WD_TAB_ALIGNMENT.RIGHT)
        _indent(style, 0)
    _border(styles["Header"], "bottom", "A9BCD4", size="4", space="8")

    src = styles.add_style("Source Reference", WD_STYLE_TYPE.CHARACTER)
    src.font.size = Pt(8)
    src.font.color.rgb = MUTED
    lead = styles.add_style("Lead", WD_STYLE_TYPE.CHARACTER)
    lead.font.bold = True
    lead.font.color.rgb = LINTBLAUW
    fn_ref = styles.add_style("Footnote Reference", WD_STYLE_TYPE.CHARACTER)
    fn_ref.font.superscript = True
    fn_ref.font.color.rgb = LINTBLAUW
    # The classification marking: framed capitals in the house blue, as in
    # the PDF's header and footer.
    marking = styles.add_style("Marking", WD_STYLE_TYPE.CHARACTER)
    marking.font.bold = True
    marking.font.all_caps = True
    marking.font.size = Pt(9)
    marking.font.color.rgb = LINTBLAUW
    marking_rpr = marking.element.get_or_add_rPr()
    _letter_spacing(marking_rpr, 20)
    _char_border(marking_rpr, "154273")
    # English terms in the Dutch text: their own proofing language, so Word
    # neither hyphenates nor spell-checks them by Dutch rules.
    foreign = styles.add_style("Foreign Term", WD_STYLE_TYPE.CHARACTER)
    foreign_lang = OxmlElement("w:lang")
    foreign_lang.set(qn("w:val"), "en-GB")
    foreign.element.get_or_add_rPr().append(foreign_lang)
    # An edition in another language than the strategy's: the strategy's
    # Dutch words proofed as Dutch, each block followed by its unofficial
    # translation under a small label, set off by a rule; the strategy's
    # own heading under its translation.
    dutch = styles.add_style("Dutch Text", WD_STYLE_TYPE.CHARACTER)
    dutch_lang = OxmlElement("w:lang")
    dutch_lang.set(qn("w:val"), "nl-NL")
    dutch.element.get_or_add_rPr().append(dutch_lang)
    label = styles.add_style("Translation Label", WD_STYLE_TYPE.CHARACTER)
    label.font.bold = True
    label.font.size = Pt(7)
    label.font.all_caps = True
    label.font.color.rgb = MUTED
    translation = _paragraph_style(doc, "Translation")
    translation.paragraph_format.space_after = Pt(8)
    _indent(translation, COLUMN + 3)
    _border(translation, "left", "A9BCD4", size="8", space="6")
    # Under a heading in the margin column (chapters), or in the text column (sections).
    for name, left in (("Original Heading", 0), ("Original Heading 3", COLUMN)):
        original = _paragraph_style(doc, name)
        original.font.size = Pt(9)
        original.font.color.rgb = MUTED
        original.paragraph_format.space_after = Pt(4)
        original.paragraph_format.keep_with_next = True
        _indent(original, left)
    # A box's translation stays in its box.
    box_translation = _paragraph_style(doc, "Box Translation", "Box Text")
    box_translation.paragraph_format.space_before = Pt(2)

    _table_style(doc)
    _band_style(doc)
    _house_font(styles.element)

    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin, section.right_margin = Mm(LEFT), Mm(RIGHT)
    section.top_margin, section.bottom_margin = Mm(TOP), Mm(BOTTOM)
    section.header_distance, section.footer_distance = Mm(14), Mm(10)

    # The stock template's body holds nothing we want.
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    _drop_unused_table_styles(doc)
    core = doc.core_properties
    core.title = "Referentiedocument briefings"
    core.author = ""
    core.comments = "Stijlen voor briefing; pas de stijlen aan in Word en sla op."
    core.language = "nl-NL"
    doc.save(str(path))


# Table styles a briefing uses, and Word's default table style.
TABLE_STYLES_KEPT = {TABLE_STYLE, "Cover Band", "Normal Table"}


def _drop_unused_table_styles(doc: Document) -> None:
    """The stock template defines a hundred table styles (Light Shading,
    Medium Grid 1 Accent 3, ...): 90 % of styles.xml, which every briefing
    would parse, carry and compress. Word still offers its built-in table
    styles (they are latent styles, made when first used)."""
    styles = doc.styles.element
    for style in list(styles.findall(qn("w:style"))):
        name = style.find(qn("w:name"))
        if style.get(qn("w:type")) == "table" and (name is None or name.get(qn("w:val")) not in TABLE_STYLES_KEPT):
            styles.remove(style)


def _bullet_level(doc: Document, style: ParagraphStyle) -> None:
    """The bullet of List Bullet: a Noto Sans '•' in the text column. The
    stock level draws a Symbol-font glyph, which LibreOffice replaces and
    Word places at the page margin."""
    numbering = doc.part.numbering_part.element
    num_id = style.element.pPr.find(qn("w:numPr")).find(qn("w:numId")).get(qn("w:val"))
    num = next(n for n in numbering.findall(qn("w:num")) if n.get(qn("w:numId")) == num_id)
    abstract_id = num.find(qn("w:abstractNumId")).get(qn("w:val"))
    abstract = next(a for a in numbering.findall(qn("w:abstractNum")) if a.get(qn("w:abstractNumId")) == abstract_id)
    level = abstract.find(qn("w:lvl"))
    level.find(qn("w:lvlText")).set(qn("w:val"), "\u2022")
    ppr = level.find(qn("w:pPr"))
    tabs = ppr.find(qn("w:tabs"))
    tabs.find(qn("w:tab")).set(qn("w:pos"), _twips(COLUMN + BULLET))
    _set(ppr, "w:ind", left=_twips(COLUMN + BULLET), hanging=_twips(BULLET))
    rpr = level.find(qn("w:rPr"))
    _set(rpr, "w:rFonts", ascii=FONT, hAnsi=FONT, cs=FONT, hint="default")
    _set(rpr, "w:color", val="154273")


def _band_style(doc: Document) -> None:
    """The cover band: a table style with the house blue as cell shading
    and no cell margins, so the band runs to the paper's edges."""
    from docx.oxml import parse_xml

    doc.styles.element.append(parse_xml("""
<w:style xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
         w:type="table" w:customStyle="1" w:styleId="CoverBand">
  <w:name w:val="Cover Band"/>
  <w:basedOn w:val="TableNormal"/>
  <w:pPr><w:spacing w:before="0" w:after="0"/></w:pPr>
  <w:tblPr>
    <w:tblInd w:w="0" w:type="dxa"/>
    <w:tblBorders>
      <w:top w:val="nil"/><w:left w:val="nil"/><w:bottom w:val="nil"/><w:right w:val="nil"/>
      <w:insideH w:val="nil"/><w:insideV w:val="nil"/>
    </w:tblBorders>
    <w:tblCellMar>
      <w:top w:w="0" w:type="dxa"/><w:left w:w="0" w:type="dxa"/>
      <w:bottom w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/>
    </w:tblCellMar>
  </w:tblPr>
  <w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="154273"/></w:tcPr>
</w:style>"""))


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent.parent / "templates" / "reference.docx"
    build(target)
    print(f"wrote {target}")
