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
from docx.enum.text import WD_TAB_ALIGNMENT, WD_TAB_LEADER
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
    normal.paragraph_format.line_spacing = 1.15
    rfonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        rfonts.set(qn(attr), FONT)

    for name, size in (("Title", 28), ("Subtitle", 13), ("Heading 1", 16), ("Heading 2", 13), ("Heading 3", 11)):
        style = styles[name]
        style.font.name = FONT
        style.font.size = Pt(size)
        style.font.color.rgb = LINTBLAUW if name != "Subtitle" else RGBColor(0x1A, 0x1A, 0x1A)
        style.font.bold = name.startswith("Heading") or name == "Title"
        style.font.italic = False
        style.paragraph_format.keep_with_next = True
    styles["Title"].paragraph_format.space_after = Pt(12)
    styles["Heading 1"].paragraph_format.space_before = Pt(18)
    styles["Heading 2"].paragraph_format.space_before = Pt(14)
    styles["Heading 3"].paragraph_format.space_before = Pt(10)
    styles["Heading 3"].font.color.rgb = RGBColor(0x1A, 0x1A, 0x1A)
    # The stock template draws a rule under Title; the house style does not.
    title_ppr = styles["Title"].element.get_or_add_pPr()
    for border in title_ppr.findall(qn("w:pBdr")):
        title_ppr.remove(border)

    kicker = _paragraph_style(doc, "Cover Kicker")
    kicker.font.bold = True
    kicker.font.color.rgb = LINTBLAUW
    kicker.font.all_caps = True
    kicker.paragraph_format.space_before = Pt(90)
    fact = _paragraph_style(doc, "Cover Fact")
    fact.paragraph_format.space_after = Pt(2)
    fact.paragraph_format.tab_stops.add_tab_stop(Mm(32))
    source = _paragraph_style(doc, "Cover Source")
    source.font.size = Pt(9)
    source.font.color.rgb = MUTED
    source.paragraph_format.space_before = Pt(60)

    intro = _paragraph_style(doc, "Intro")
    intro.font.italic = True
    intro.font.color.rgb = MUTED
    note = _paragraph_style(doc, "Note")
    note.font.color.rgb = MUTED
    signature = _paragraph_style(doc, "Signature")
    signature.font.italic = True

    box_label = _paragraph_style(doc, "Box Label")
    box_label.font.bold = True
    box_label.font.size = Pt(8)
    box_label.font.all_caps = True
    box_label.font.color.rgb = LINTBLAUW
    box_label.paragraph_format.space_after = Pt(2)
    box_label.paragraph_format.keep_with_next = True
    _left_border(box_label, "154273")
    box_text = _paragraph_style(doc, "Box Text")
    _left_border(box_text, "154273")

    for name in ("List Bullet",):
        styles[name].paragraph_format.space_after = Pt(4)

    footnote = _paragraph_style(doc, "Footnote Text")
    footnote.font.size = Pt(8)
    footnote.paragraph_format.left_indent = Mm(5)
    table_text = _paragraph_style(doc, "Table Text")
    table_text.font.size = Pt(8.5)
    table_text.paragraph_format.space_after = Pt(0)
    table_heading = _paragraph_style(doc, "Table Heading", base="Table Text")
    table_heading.font.bold = True

    caption = styles["Caption"]
    caption.font.color.rgb = LINTBLAUW
    caption.font.size = Pt(9)
    caption.font.italic = False
    caption.font.bold = True
    caption.paragraph_format.keep_with_next = True

    for level in (1, 2):
        toc = _paragraph_style(doc, f"TOC {level}") if f"TOC {level}" not in [s.name for s in styles] \
            else styles[f"TOC {level}"]
        toc.paragraph_format.space_after = Pt(3)
        toc.paragraph_format.left_indent = Mm(0 if level == 1 else 6)
        toc.paragraph_format.tab_stops.add_tab_stop(Mm(168), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
        toc.font.bold = level == 1

    header = styles["Header"]
    header.font.size = Pt(8)
    header.font.color.rgb = MUTED
    header.paragraph_format.tab_stops.clear_all()
    header.paragraph_format.tab_stops.add_tab_stop(Mm(168), WD_TAB_ALIGNMENT.RIGHT)
    footer = styles["Footer"]
    footer.font.size = Pt(8)
    footer.font.color.rgb = MUTED
    footer.paragraph_format.tab_stops.clear_all()
    footer.paragraph_format.tab_stops.add_tab_stop(Mm(168), WD_TAB_ALIGNMENT.RIGHT)

    src = styles.add_style("Source Reference", WD_STYLE_TYPE.CHARACTER)
    src.font.size = Pt(8)
    src.font.color.rgb = MUTED
    lead = styles.add_style("Lead", WD_STYLE_TYPE.CHARACTER)
    lead.font.bold = True
    lead.font.color.rgb = LINTBLAUW
    fn_ref = styles.add_style("Footnote Reference", WD_STYLE_TYPE.CHARACTER)
    fn_ref.font.superscript = True
    fn_ref.font.color.rgb = LINTBLAUW
    styles.add_style("Marking", WD_STYLE_TYPE.CHARACTER).font.bold = True
    # English terms in the Dutch text: their own proofing language, so Word
    # neither hyphenates nor spell-checks them by Dutch rules.
    foreign = styles.add_style("Foreign Term", WD_STYLE_TYPE.CHARACTER)
    foreign_lang = OxmlElement("w:lang")
    foreign_lang.set(qn("w:val"), "en-GB")
    foreign.element.get_or_add_rPr().append(foreign_lang)

    _table_style(doc)

    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin, section.right_margin = Mm(22), Mm(20)
    section.top_margin, section.bottom_margin = Mm(24), Mm(22)
    section.header_distance = section.footer_distance = Mm(10)

    # The stock template's body holds nothing we want.
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    core = doc.core_properties
    core.title = "Referentiedocument briefings"
    core.author = ""
    core.comments = "Stijlen voor briefing; pas de stijlen aan in Word en sla op."
    core.language = "nl-NL"
    doc.save(str(path))


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent.parent / "templates" / "reference.docx"
    build(target)
    print(f"wrote {target}")
