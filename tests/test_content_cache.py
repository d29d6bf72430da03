"""Start-up (issue 26): loaded content is cached by the digest of its
files and the generator's code, so a fresh process does not parse and
validate unchanged YAML again; commands that only read content import no
renderer."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

import generator.assets
import generator.content
from generator.content import load_content


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
