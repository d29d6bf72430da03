"""Issue 27: the English edition. Each passage in the Dutch original, which
stays authoritative and cited, with its unofficial translation after it;
everything else in English. Language marked in every format, layout held.

Page budgets, measured on 2026-12-05 with the translations as drafts (the
Dutch edition's in brackets): Sahel 7 pages (5), Defence 22 (14). Each
passage is printed twice, so an English briefing runs to about 1.5 times
its Dutch one; the budgets leave a page or two for reviewed translations
to run longer.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import docx
import lxml.html
import pytest
import yaml
from conftest import CONTENT, ENGLISH, TEMPLATES, Cli, Rendered, make_briefing
from docx.oxml.ns import qn
from pypdf import PdfReader

from generator.catalogue import catalogue
from generator.compose import compose
from generator.content import Content, load_content
from generator.model import Box, BulletList, Paragraph
from generator.select import select

PAGE_BUDGETS = {"sahel_en": 8, "defence_en": 24}
# English words are shorter than Dutch ones: the house column, set for a
# Dutch measure of 65-75 characters, holds up to 77.4 in the English
# region briefings (measured over the whole catalogue). Within the 45-80
# of common typographic practice; the column is the grid's, not the language's.
MEASURE_EN = (65, 78)


def _strings(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [s for key, value in node.items() if key != "foreign_terms" for s in _strings(value)]
    if isinstance(node, list):
        return [s for value in node for s in _strings(value)]
    return [node] if isinstance(node, str) else []


def _words(texts: list[str]) -> set[str]:
    return {w.lower() for s in texts for w in re.findall(r"[^\W\d_]{4,}", s)}


def dutch_label_words() -> set[str]:
    """Words of the Dutch label catalogue that are not English: neither in
    its English catalogue nor in the English translations. None of them
    may stand in an English edition outside the Dutch text, apart from the
    strategy's own name in its citation ("Internationale
    Veiligheidsstrategie, Kamerstukken II …"), which is cited as published."""
    def catalogue_words(language: str) -> set[str]:
        return _words(_strings(yaml.safe_load((TEMPLATES / "labels" / f"{language}.yaml").read_text(
            encoding="utf-8"))))
    english = load_content(CONTENT).translations["en"]
    translated = _words([t.text for t in english.passages.values()] +
                        [v for r in english.records.values() for v in r.values.values() if isinstance(v, str)])
    cited = _words([load_content(CONTENT).document.citation])
    return catalogue_words("nl") - catalogue_words("en") - translated - cited


def visible_english(html: bytes) -> str:
    """The text a reader sees of an HTML file, without what is marked Dutch."""
    root = lxml.html.fromstring(html)
    for dutch in root.xpath('//*[@lang="nl"]'):
        dutch.drop_tree()
    for hidden in root.xpath("//script|//style|//head"):
        hidden.drop_tree()
    return " ".join(root.text_content().split())


def test_the_dutch_label_words_are_found_by_the_check() -> None:
    found = dutch_label_words()
    assert {"kernboodschappen", "colofon", "rubricering", "inhoud"} <= found
    # A word of the Dutch furniture in an English page is seen.
    page = b'<html lang="en"><body><p>Colofon</p><p lang="nl">Kernboodschappen</p></body></html>'
    assert visible_english(page) == "Colofon"


def test_an_english_catalogue_build_holds_no_dutch_label_word(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "en"
    run = cli("build", "--all", "--lang", "en", "--format", "html", "-j", "2", "--quiet", "--out", str(out))
    assert run.code == 0, run.err
    dutch = dutch_label_words()
    pages = sorted(out.glob("*.en.html"))
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert len(pages) == len(manifest["briefings"]) >= 40
    assert {e["language"] for e in manifest["briefings"]} == {"en"}
    for page in [*pages, out / "index.html"]:
        text = visible_english(page.read_bytes())
        left = sorted({w for w in re.findall(r"[^\W\d_]{4,}", text.lower()) if w in dutch})
        assert not left, f"{page.name}: {left}"
    feed = (out / "feed.xml").read_text(encoding="utf-8")
    assert 'xml:lang="en"' in feed and "Briefings from the International Security Strategy" in feed


def test_every_printed_passage_is_dutch_with_its_translation_after_it(content: Content) -> None:
    english = content.translations["en"]
    for selectors in catalogue(content)[:12]:
        briefing = compose(content, select(content, selectors), ENGLISH)
        assert briefing.id.endswith(".en") and briefing.metadata.language == "en"
        checked = 0
        for top in briefing.sections:
            for section in top.walk():
                assert not section.original or section.original_language == "nl"
                for block in section.blocks:
                    items = block.items if isinstance(block, BulletList) else block.blocks if isinstance(block, Box) \
                        else (block,)
                    for item in items:
                        if not isinstance(item, Paragraph):
                            continue
                        if item.source is None or top.role not in ("strategy-text", "also-named") or \
                                item.text == "[…]" or item.style == "intro":
                            assert item.language == "" and item.translation is None  # English text
                            continue
                        checked += 1
                        assert item.language == "nl", item.text[:60]
                        assert item.translation is not None and item.translation.language == "en"
                        assert item.translation.heading == "Unofficial translation (draft)"
                        assert item.translation.text
                        for note in item.footnotes:
                            assert note.language == "nl" and note.translation is not None
        assert checked >= len(select(content, selectors).passages) > 0
    # A passage printed whole carries its whole translation.
    sahel = make_briefing(content, ("region", "sahel"), edition=ENGLISH)
    full = next(p for s in sahel.walk() for p in s.blocks
                if isinstance(p, Paragraph) and p.text.startswith("De huidige crisis in de Sahel"))
    assert full.source is not None and full.translation is not None
    assert full.translation.text == english.passages[full.source.passage].text


def test_an_excerpt_prints_the_same_sentences_of_the_translation(content: Content) -> None:
    sahel = make_briefing(content, ("region", "sahel"), edition=ENGLISH)
    also = next(s for s in sahel.sections if s.role == "also-named")
    items = next(b for b in also.blocks if isinstance(b, BulletList)).items
    for item in items:
        assert item.translation is not None
        # As many "[…]" in the translation as in the Dutch, in the same places.
        assert item.text.count("[…]") == item.translation.text.count("[…]"), item.text[:60]
        assert item.text.startswith("[…]") == item.translation.text.startswith("[…]")
        assert item.text.endswith("[…]") == item.translation.text.endswith("[…]")


def test_a_stale_translation_is_not_printed(content_copy: Path) -> None:
    passages = content_copy / "passages" / "06-beleidsimplicaties.yaml"
    text = passages.read_text(encoding="utf-8")
    assert "De huidige crisis in de Sahel" in text
    passages.write_text(text.replace("De huidige crisis in de Sahel", "De crisis in de Sahel", 1), encoding="utf-8")
    changed = load_content(content_copy, cache=False)
    sahel = make_briefing(changed, ("region", "sahel"), edition=ENGLISH)
    (stale,) = [p for s in sahel.walk() for p in s.blocks
                if isinstance(p, Paragraph) and p.text.startswith("De crisis in de Sahel")]
    assert stale.translation is not None and stale.translation.text == ""
    assert stale.translation.heading.startswith("No current translation")


def test_a_reviewed_translation_drops_draft_from_its_heading(content_copy: Path) -> None:
    passages = content_copy / "translations" / "en" / "passages" / "06-beleidsimplicaties-a.yaml"
    text = passages.read_text(encoding="utf-8")
    english = load_content(CONTENT).translations["en"]
    sahel = next(t for t in english.passages.values() if t.text.startswith("The current crisis in the Sahel"))
    entry = text.index(f"- id: {sahel.id}\n")
    head, rest = text[:entry], text[entry:]
    rest = rest.replace("  status: draft\n", "  status: reviewed\n  reviewed_by: \"A. Reader, DAF\"\n"
                        "  reviewed_on: 2026-12-01\n", 1)
    passages.write_text(head + rest, encoding="utf-8")
    briefing = make_briefing(load_content(content_copy, cache=False), ("region", "sahel"), edition=ENGLISH)
    headings = {p.translation.heading for s in briefing.walk() for p in s.blocks
                if isinstance(p, Paragraph) and p.translation is not None and p.source is not None
                and p.source.passage == sahel.id}
    assert headings == {"Unofficial translation"}


def test_english_furniture_and_the_colophon_point_to_the_official_version(sahel_en: Rendered) -> None:
    briefing = sahel_en.briefing
    assert briefing.cover.title == "Briefing: Sahel"
    assert briefing.cover.kicker == "International Security Strategy"
    assert briefing.cover.date == "27 November 2026"  # Babel, en-GB
    facts = {f.label: f.value for f in briefing.cover.facts}
    assert facts["Language"] == "Dutch original with an unofficial English translation"
    assert facts["Text of the strategy"] == "21 June 2013"
    colophon = next(s for s in briefing.sections if s.role == "colophon")
    translation = next(p for p in colophon.blocks if isinstance(p, Paragraph) and p.lead == "Translation")
    assert "‘A secure Netherlands in a secure world’ (2013)" in translation.text
    chapter = next(s for s in briefing.walk() if s.original == "III. Beleidsimplicaties")
    assert chapter.title == "III. Policy implications"
    related = [p.link for s in briefing.sections if s.role == "related" for b in s.blocks
               if isinstance(b, BulletList) for p in b.items]
    assert related and all(link.endswith(".en") for link in related)


def test_language_is_marked_in_html(sahel_en: Rendered) -> None:
    root = lxml.html.fromstring(sahel_en.html)
    assert root.get("lang") == "en"
    dutch = root.xpath('//main//*[@lang="nl"]')
    assert dutch and all(re.search(r"\w", e.text_content()) for e in dutch)
    translations = root.xpath('//main//*[contains(@class, "translation")][@lang="en"]')
    assert len(translations) >= sum(1 for e in dutch if e.tag in ("p", "li") and "original-heading" not in
                                    (e.get("class") or ""))
    # Each translation follows its original: within a list item, or as the next element.
    for t in translations:
        parent, before = t.getparent(), t.getprevious()
        assert (parent.tag == "li" and parent.get("lang") == "nl") or (before is not None and before.get("lang") ==
                                                                        "nl"), lxml.html.tostring(t)[:80]
    # English terms inside the Dutch text keep their own tag.
    assert [e.text_content().strip() for e in root.xpath('//*[@lang="nl"]//span[@lang="en"]')] == ["cyber security"]
    # The strategy's Dutch name where the English text cites it.
    (source,) = root.xpath('//p[@class="cover-source"]')
    assert [e.text_content().strip() for e in source.xpath('span[@lang="nl"]')] == [
        "Internationale Veiligheidsstrategie", "Kamerstukken II"]


def test_language_is_marked_in_pdf(sahel_en: Rendered) -> None:
    reader = PdfReader(io.BytesIO(sahel_en.pdf))
    root: Any = reader.trailer["/Root"]
    assert root["/Lang"] == "en"
    languages: dict[str, set[str]] = {}

    def walk(node: Any) -> None:
        node = node.get_object()
        if isinstance(node, dict):
            if "/Lang" in node and "/S" in node:
                languages.setdefault(str(node["/Lang"]), set()).add(str(node["/S"]))
            kids = node.get("/K")
            for kid in (kids if isinstance(kids, list) else [kids] if kids is not None else []):
                if hasattr(kid, "get_object"):
                    walk(kid)

    walk(root["/StructTreeRoot"])
    assert "/P" in languages.get("nl", set()) and "/LI" in languages.get("nl", set())  # passages and bullets
    assert "/Div" in languages.get("en", set())  # their translations
    assert sahel_en.pdf_pages <= PAGE_BUDGETS["sahel_en"]


def test_language_is_marked_in_word(sahel_en: Rendered) -> None:
    document = docx.Document(io.BytesIO(sahel_en.docx))
    assert document.core_properties.language == "en-GB"
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.find(qn("w:lang")).get(qn("w:val")) == "en-GB"
    dutch_style = document.styles["Dutch Text"]
    assert dutch_style.element.find(qn("w:rPr")).find(qn("w:lang")).get(qn("w:val")) == "nl-NL"
    passage = next(p for p in document.paragraphs if p.text.startswith("De huidige crisis in de Sahel"))
    words = [r for r in passage.runs if r.text.strip() and not re.fullmatch(r"\s*p\.\s*\d.*", r.text)]
    assert words and all(r.style.name in ("Dutch Text", "Foreign Term") for r in words)
    translation = passage._p.getnext()
    assert translation is not None
    texts = "".join(t.text for t in translation.iter(qn("w:t")))
    assert texts.startswith("Unofficial translation (draft)The current crisis in the Sahel")
    with zipfile.ZipFile(io.BytesIO(sahel_en.docx)) as package:
        assert "nl-NL" not in package.read("word/document.xml").decode()  # by style, not run by run


def test_markdown_quotes_each_translation_after_its_original(sahel_en: Rendered) -> None:
    text = sahel_en.md.decode()
    at = text.index("De huidige crisis in de Sahel")
    assert text.index("> *Unofficial translation (draft)*", at) < text.index("The current crisis in the Sahel", at)


def test_the_longest_english_briefing_keeps_its_budget(defence_en: Rendered) -> None:
    assert defence_en.pdf_pages <= PAGE_BUDGETS["defence_en"]
    assert defence_en.briefing.contents


def test_lang_builds_both_editions_with_their_names(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "both"
    run = cli("build", "--region", "sahel", "--lang", "nl,en", "--format", "html", "--out", str(out))
    assert run.code == 0, run.err
    assert {p.name for p in out.glob("region-sahel*.html")} == {"region-sahel.html", "region-sahel.en.html"}
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert {e["id"]: e["language"] for e in manifest["briefings"]} == {"region-sahel": "nl",
                                                                        "region-sahel.en": "en"}
    assert [s["label"] for e in manifest["briefings"] for s in e["selectors"]] == ["Sahel", "Sahel"]
    # The feed's entry of the English edition speaks English.
    feed = (out / "feed.xml").read_text(encoding="utf-8")
    english = feed[feed.index('<entry xml:lang="en">'):]
    english = english[:english.index("</entry>")]
    assert "<title>Briefing: Sahel</title>" in english and "New briefing with" in english
    assert 'hreflang="en"' in english and "Nieuwe briefing" in feed.replace(english, "")
    index = lxml.html.fromstring((out / "index.html").read_bytes())
    assert index.get("lang") == "nl"  # the first language's page, the other edition marked
    (row,) = index.xpath('//th[@lang="en"]')
    assert row.text_content().split() == ["Briefing:", "Sahel", "EN"]
    for bad, message in (("fr", "there is no label catalogue"), ("eng", "did you mean 'en'?"),
                         ("en,en", "names a language twice")):
        run = cli("build", "--region", "sahel", "--lang", bad, "--out", str(out))
        assert run.code == 2 and message in run.err and "Traceback" not in run.err, run.err


@pytest.mark.parametrize("pairs", [(("region", "sahel"),), (("ministry", "defence"),)], ids=["sahel", "defence"])
def test_english_typographic_goals(content: Content, pairs: tuple[tuple[str, str], ...]) -> None:
    from layout import facts
    from test_typography import problems

    from generator.writers import get_writer
    from generator.writers.pdf import PdfWriter

    briefing = make_briefing(content, *pairs, edition=ENGLISH)
    writer = get_writer("pdf", TEMPLATES)
    assert isinstance(writer, PdfWriter)
    assert problems(briefing.id, facts(writer.layout(briefing)), MEASURE_EN) == []


@pytest.mark.slow
def test_english_typographic_goals_whole_catalogue(content: Content) -> None:
    from test_typography import catalogue_problems

    assert catalogue_problems(content, ENGLISH, MEASURE_EN) == []


def test_no_record_falls_back_to_its_dutch_in_the_english_catalogue(content: Content) -> None:
    """Every key message, description, commitment, key figure, chart and
    heading the English catalogue prints is its translation: a key or a
    field order that compose and the translation files disagree on would
    silently print the Dutch instead."""
    from generator.model import Picture, Table

    dutch = {m.text for m in content.key_messages} | {c.what for c in content.commitments} | \
        {f.label for f in content.figures} | {e.description for t in content.taxonomies.values() for e in t.entries} | \
        {c.title for c in content.charts} | {b.label for c in content.charts for b in c.bars} | \
        {ch.heading for ch in content.chapters} | {name for p in content.passages for name in p.section}
    shown: list[str] = []
    for selectors in catalogue(content):
        briefing = compose(content, select(content, selectors), ENGLISH)
        shown.append(briefing.cover.subtitle)
        for section in briefing.walk():
            shown.append(section.title)
            for block in section.blocks:
                if isinstance(block, BulletList):
                    shown += [i.text for i in block.items if not i.language]
                elif isinstance(block, Paragraph) and not block.language:
                    shown.append(block.text)
                elif isinstance(block, Table):
                    shown += [cell for row in block.rows for cell in row]
                elif isinstance(block, Picture):
                    shown.append(block.caption)
                    shown += [bar.label for bar in getattr(block.drawing, "bars", ())]
    assert len(shown) > 1000
    assert sorted({text for text in shown if text in dutch}) == []
