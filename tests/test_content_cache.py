"""Start-up (issue 26): loaded content is cached by the digest of its
files and the generator's code, so a fresh process does not parse and
validate unchanged YAML again; commands that only read content import no
renderer."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import CONTENT, EDITION, ROOT, TEMPLATES

import generator.assets
import generator.build
import generator.content
from generator.build import Job, Options, plan
from generator.catalogue import catalogue
from generator.compose import Edition
from generator.content import load_content
from generator.notes import load_notes


def test_unchanged_content_comes_from_the_cache(content_copy: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFING_CACHE", str(tmp_path / "cache"))
    first = load_content(content_copy)
    assert len(list((tmp_path / "cache").glob("content-*.pickle"))) == 1

    def no_parse(root: Path) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr(generator.content, "_parse", no_parse)
    monkeypatch.setattr(generator.assets, "_assets", {})  # a fresh process holds no outlines yet
    again = load_content(content_copy)
    assert [p.text for p in again.passages] == [p.text for p in first.passages]
    assert again.root == first.root and again.scale == first.scale
    assert again.geo is not None and generator.assets.get(again.geo.digest, "outlines")  # for the maps


def test_a_changed_file_is_read_again(content_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFING_CACHE", str(tmp_path / "cache"))
    before = load_content(content_copy)
    strategy = content_copy / "taxonomy" / "regions.yaml"
    strategy.write_text(strategy.read_text(encoding="utf-8").replace("als brandpunt van", "als middelpunt van", 1),
                        encoding="utf-8")
    after = load_content(content_copy)
    assert "brandpunt" in before.taxonomies["region"]["sahel"].description
    assert "middelpunt" in after.taxonomies["region"]["sahel"].description


def test_a_broken_cache_file_is_parsed_past_and_written_anew(content_copy: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFING_CACHE", str(tmp_path / "cache"))
    load_content(content_copy)
    (cached,) = (tmp_path / "cache").glob("content-*.pickle")
    cached.write_bytes(b"not a pickle")
    assert load_content(content_copy).passages
    assert cached.read_bytes() != b"not a pickle"


def test_the_cache_can_be_switched_off(content_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFING_CACHE", "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert load_content(content_copy).passages
    assert not (tmp_path / "xdg").exists()


def test_list_and_explain_import_no_renderer() -> None:
    code = ("import sys, io; from generator.cli import main; main(['list'], io.StringIO(), io.StringIO()); "
            "main(['explain', '--region', 'sahel'], io.StringIO(), io.StringIO()); "
            "print(sorted(m for m in ('weasyprint', 'docx', 'matplotlib', 'generator.build', 'generator.compose', "
            "'jinja2') if m in sys.modules))")
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]", run.stdout


# --------------------------------------------------------------------------
# The plan cache: a build whose inputs have not changed composes nothing


def _plan(content: generator.content.Content, templates: Path = TEMPLATES,
          edition: Edition = EDITION) -> list[Job]:
    return plan(content, catalogue(content)[:6], templates, edition, lambda *_: None, Options())


def test_a_second_plan_reads_its_facts_and_composes_only_what_is_rendered(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFING_CACHE", str(tmp_path / "cache"))
    content = load_content(CONTENT)
    first = _plan(content)
    assert len(list((tmp_path / "cache").glob("plan-*.json"))) == 1
    calls: list[str] = []
    real = generator.build.compose  # type: ignore[attr-defined]

    def counted(*args: Any) -> Any:
        calls.append("compose")
        return real(*args)

    monkeypatch.setattr(generator.build, "compose", counted)
    again = _plan(content)
    assert calls == []
    assert [j.facts for j in again] == [j.facts for j in first]
    assert [j.input_hash("pdf") for j in again] == [j.input_hash("pdf") for j in first]
    # What a render needs is made when asked for, and is what a fresh plan makes.
    assert again[0].model == first[0].model and calls == ["compose"]
    assert again[0].briefing() == first[0].briefing()


def test_changed_templates_or_a_marking_plan_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFING_CACHE", str(tmp_path / "cache"))
    content = load_content(CONTENT)
    _plan(content)
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    labels = templates / "labels" / "nl.yaml"
    labels.write_text(labels.read_text(encoding="utf-8").replace('title: "Briefing {subjects}"',
                                                                 'title: "Notitie {subjects}"'), encoding="utf-8")
    changed = _plan(content, templates, Edition(date=EDITION.date, templates=templates))
    assert changed[0].facts.title.startswith("Notitie ")
    marked = _plan(content, edition=Edition(date=EDITION.date, marking="dv"))
    assert marked[0].facts.marking != _plan(content)[0].facts.marking
    assert len(list((tmp_path / "cache").glob("plan-*.json"))) == 3


def test_a_plan_with_notes_is_never_kept_and_a_broken_file_is_planned_past(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFING_CACHE", str(tmp_path / "cache"))
    content = load_content(CONTENT)
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "_folder.yaml").write_text("max_classification: stg-g\n", encoding="utf-8")
    (folder / "notes.yaml").write_text("- id: n1\n  subjects: [sahel]\n  classification: stg-g\n  date: 2026-11-20\n"
                                       "  unit: DAF/SAH\n  text: |\n    Geheim.\n", encoding="utf-8")
    notes = load_notes([folder], content, content.scale.level("stg-g"), EDITION.date, [])
    _plan(content, edition=Edition(date=EDITION.date, notes=notes))
    assert not (tmp_path / "cache").exists() or not list((tmp_path / "cache").glob("plan-*.json"))
    first = _plan(content)
    (path,) = (tmp_path / "cache").glob("plan-*.json")
    path.write_text("{not json", encoding="utf-8")
    assert [j.facts for j in _plan(content)] == [j.facts for j in first]
