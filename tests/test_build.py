"""Catalogue builds: incremental, atomic, locked, partial failure,
reproducible."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from conftest import ROOT, TEMPLATES, Cli

import generator.outputs as outputs
from generator.model import Briefing
from generator.writers import Learned, Rendered
from generator.writers.html import HtmlWriter


def test_catalogue_manifest_and_index(cli: Cli, tmp_path: Path) -> None:
    run = cli("build", "--all", "-j", "1", "--format", "html", "--out", str(tmp_path), "--quiet")
    assert run.code == 0, run.err
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    ids = [b["id"] for b in manifest["briefings"]]
    assert len(ids) >= 30
    assert {"region-sahel", "theme-cyber-security", "ministry-defence", "region-sahel+theme-terrorism"} <= set(ids)
    entry = next(b for b in manifest["briefings"] if b["id"] == "region-sahel")
    assert entry["title"] == "Briefing Sahel"
    assert entry["selectors"] == [{"kind": "region", "id": "sahel", "label": "Sahel"}]
    html = entry["files"]["html"]
    data = (tmp_path / html["name"]).read_bytes()
    assert html["bytes"] == len(data) and len(html["sha256"]) == 64
    assert manifest["generator_version"] and manifest["content_version"] and manifest["build_time"]
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert '<a href="region-sahel.html"' in index and "Regio’s" in index and "Combinaties" in index
    assert '<html lang="nl">' in index


def test_noop_rebuild_skips_everything_and_changes_trigger_rebuilds(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "out"
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    args = ("build", "--all", "-j", "1", "--format", "html", "--out", str(out), "--templates", str(templates), "--quiet")
    assert cli(*args).code == 0
    def published() -> dict[str, int]:  # the lock's own bookkeeping aside
        return {p.name: p.stat().st_mtime_ns for p in out.iterdir() if not p.name.startswith(".briefing-")}

    before = published()
    run = cli(*args)
    assert ": 0 built, 47 up to date, 0 failed;" in run.out
    assert published() == before
    # A template change rebuilds everything; a deleted file rebuilds its briefing.
    (templates / "screen.css").write_text((templates / "screen.css").read_text() + "\n/* changed */\n")
    assert " 0 up to date" in cli(*args).out
    (out / "region-sahel.html").unlink()
    assert ": 1 built, 46 up to date" in cli(*args).out


def test_one_failure_does_not_stop_the_others(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = HtmlWriter.render

    def flaky(self: HtmlWriter, briefing: Briefing, prior: Sequence[Learned] = ()) -> Rendered:
        if briefing.id == "region-arctic":
            raise OSError("disk on fire")
        return real(self, briefing, prior)

    monkeypatch.setattr(HtmlWriter, "render", flaky)
    run = cli("build", "--all", "-j", "1", "--format", "docx,html", "--out", str(tmp_path), "--quiet")
    assert run.code == 1
    assert "FAILED region-arctic: OSError: disk on fire" in run.err
    assert ": 46 built, 0 up to date, 1 failed;" in run.out
    assert (tmp_path / "region-sahel.html").is_file()
    # docx was rendered but not written: a briefing is written whole or not at all
    assert not (tmp_path / "region-arctic.docx").exists()
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert "region-arctic" not in {b["id"] for b in manifest["briefings"]}


def test_atomic_write_leaves_no_partial_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "x.pdf"
    target.write_bytes(b"old")

    def crash(src: object, dst: object) -> None:
        raise KeyboardInterrupt  # as if killed between write and rename

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        outputs.atomic_write(target, b"new" * 1000)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["x.pdf"]


def test_stale_temporary_files_are_cleaned(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / ".briefing-tmp-region-sahel.pdf.12345").write_bytes(b"half")
    assert cli("build", "--region", "arctic", "--format", "html", "--out", str(tmp_path), "--quiet").code == 0
    assert not list(tmp_path.glob(".briefing-tmp-*"))


def test_lock_stops_a_second_build(cli: Cli, tmp_path: Path) -> None:
    with open(tmp_path / ".briefing-build.lock", "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        run = cli("build", "--region", "sahel", "--format", "html", "--out", str(tmp_path))
    assert run.code == 1
    assert "another build is writing to this folder" in run.err
    assert not (tmp_path / "region-sahel.html").exists()


def test_source_date_epoch_builds_are_byte_identical(tmp_path: Path) -> None:
    """Two processes, one rendering everything itself (-j 1), the other its
    PDF in a worker it forked as it started and the rest itself (-j 2):
    the same bytes, manifest included."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    for name, jobs in (("a", "1"), ("b", "2")):
        subprocess.run([sys.executable, "-m", "generator", "build", "--region", "horn-of-africa", "--format",
                        "pdf,docx,html", "--out", str(tmp_path / name), "--quiet", "-j", jobs], check=True, env=env,
                       cwd=ROOT)
    # Its locator map included: the same picture from another process.
    for name in ("region-horn-of-africa.pdf", "region-horn-of-africa.docx", "region-horn-of-africa.html",
                 "manifest.json", "SHA256SUMS"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text())
    assert manifest["build_time"].startswith("2023-11-14")
    assert manifest["briefings"][0]["pages"] >= 5
