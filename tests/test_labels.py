"""The label catalogue: every word a reader sees that is not strategy text
comes from templates/labels/<language>.yaml, so another language is a
data change; a broken catalogue is one clear error."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import docx
import pytest
import yaml
from conftest import EDITION, TEMPLATES, make_briefing
from docx.oxml.ns import qn

from generator.content import Content
from generator.errors import TemplateError
from generator.labels import load_labels
from generator.writers import get_writer

# Words the Dutch catalogue puts around the text; none may survive in an
# edition whose catalogue says otherwise.
DUTCH_FURNITURE = ("Inhoud", "Kernboodschappen", "Colofon", "Selectie", "Rubricering", "pagina ", "Kader",
                   "Bron:", "Wat de strategie zegt", "Regio", "Openbaar")


def _english(tmp_path: Path) -> Path:
    """A templates folder with an English catalogue: nl.yaml with every
    text replaced by an upper-case English stand-in, keeping placeholders."""
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    data = yaml.safe_load((templates / "labels" / "nl.yaml").read_text(encoding="utf-8"))

    def translate(value: object) -> object:
        if isinstance(value, dict):
            return {k: translate(v) for k, v in value.items()}
        if isinstance(value, list):
            return [translate(v) for v in value]
        if isinstance(value, str):
            fields = re.findall(r"\{\w+\}", value)
            return "EN " + " ".join(fields) + " EN" if value.strip() else value
        return value

    english = {k: translate(v) for k, v in data.items() if k not in ("language", "language_tag", "foreign_terms")}
    english.update(language="en", language_tag="en-GB", foreign_terms={},
                   footer="page {page} of {pages}")
    (templates / "labels" / "en.yaml").write_text(yaml.safe_dump(english, allow_unicode=True), encoding="utf-8")
    return templates


def test_an_english_catalogue_is_a_data_change(content: Content, tmp_path: Path) -> None:
    from dataclasses import replace

    templates = _english(tmp_path)
    briefing = make_briefing(content, ("region", "sahel"), edition=replace(EDITION, language="en", templates=templates))
    assert briefing.metadata.language == "en" and briefing.furniture.language_tag == "en-GB"
    assert briefing.cover.title.startswith("EN ") and "Sahel" in briefing.cover.title
    assert briefing.furniture.footer_parts == ("page ", " of ", "")
    html = get_writer("html", templates).render(briefing).data.decode()
    assert '<html lang="en">' in html
    visible = re.sub(r"<[^>]+>", " ", html.split("<body", 1)[1])
    strategy = {p.text for p in content.passages} | {e.description for t in content.taxonomies.values()
                                                     for e in t.entries}
    for text in strategy:
        visible = visible.replace(text, " ")
    for word in DUTCH_FURNITURE:
        assert word not in visible, word
    document = docx.Document(io.BytesIO(get_writer("docx", templates).render(briefing).data))
    assert document.core_properties.language == "en-GB"
    lang = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert lang.find(qn("w:lang")).get(qn("w:val")) == "en-GB"
    assert document.sections[-1].footer.paragraphs[0].text.endswith("page  of ")  # fields hold the numbers


def test_colophon_reads_as_prose(content: Content) -> None:
    briefing = make_briefing(content, ("region", "sahel"), ("theme", "terrorism"))
    colophon = next(s for s in briefing.sections if s.role == "colophon")
    text = " ".join(b.text for b in colophon.blocks if hasattr(b, "text"))
    assert "--" not in text and "door De Minister" not in text
    assert "Regio Sahel en thema Terrorisme:" in text


def test_a_broken_catalogue_is_one_clear_error(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    (templates / "labels").mkdir(parents=True)
    data = yaml.safe_load((TEMPLATES / "labels" / "nl.yaml").read_text(encoding="utf-8"))
    del data["contents"]
    data["footer"] = "pagina {pagina}"
    (templates / "labels" / "xx.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(TemplateError) as caught:
        load_labels("xx", templates)
    message = str(caught.value)
    written = (templates / "labels" / "xx.yaml").read_text(encoding="utf-8").splitlines()
    footer = next(n for n, line in enumerate(written, start=1) if line.startswith("footer:"))
    assert "xx.yaml:1: 'contents' is missing" in message
    assert f"xx.yaml:{footer}: 'footer': unknown placeholder {{pagina}} (known: {{page}}, {{pages}})" in message
    assert message.count("xx.yaml:") == 3  # and 'footer' needs {page}: every problem, once each
    with pytest.raises(TemplateError, match="no label catalogue for language 'fr'"):
        load_labels("fr", templates)
