"""Issue 26: the phase waterfall a build records for the benchmark, and
imports that follow the formats asked for."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psutil
import pytest
from conftest import EDITION, ROOT, TEMPLATES

from generator import phases
from generator.build import JobResult, Options, build_briefings
from generator.content import Content
from generator.runners.local import _preload as local_preload
from generator.select import Selector

sys.path.insert(0, str(ROOT / "bench"))
from waterfall import summarise  # noqa: E402


def test_a_nested_phase_is_not_counted_twice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "phases.jsonl"
    monkeypatch.setenv(phases.ENV, str(log))

    def spin(seconds: float) -> None:
        end = time.process_time() + seconds
        while time.process_time() < end:
            pass

    with phases.phase("outer"):
        spin(0.05)
        with phases.phase("inner"):
            spin(0.05)
    rows = {r["phase"]: r for r in map(json.loads, log.read_text().splitlines())}
    assert set(rows) == {"outer", "inner"}
    assert 0.04 <= rows["inner"]["cpu"] < 0.09
    assert 0.04 <= rows["outer"]["cpu"] < 0.09  # its own time only
    assert rows["outer"]["end"] - rows["outer"]["start"] >= 0.1  # wall includes the inner phase
    assert rows["outer"]["role"] == "coordinator" and rows["outer"]["pid"] == os.getpid()


def test_off_unless_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(phases.ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    with phases.phase("anything"):
        pass
    assert list(tmp_path.iterdir()) == []


BUILD = """
import sys
from pathlib import Path
from generator.build import Options, build_briefings
from generator.compose import Edition
from generator.content import load_content
from generator.dates import build_date
from generator.select import Selector
content = load_content(Path("content"))
wanted = [(Selector("region", "arctic"),), (Selector("region", "caucasus"),)]
report = build_briefings(content, wanted, Path("templates"), Path(sys.argv[1]), Edition(date=build_date()),
                         Options(formats=("html",), workers=2))
assert report.built == 2, report.results
print(sorted(m for m in ("weasyprint", "docx") if m in sys.modules))
"""


def test_a_build_on_workers_records_every_phase_and_imports_only_its_formats(tmp_path: Path) -> None:
    """Two briefings as HTML on two workers: the coordinator's phases and
    each worker's render, and WeasyPrint and python-docx imported nowhere:
    not in the coordinator, not in the forkserver that starts the workers."""
    log = tmp_path / "phases.jsonl"
    env = {**os.environ, phases.ENV: str(log), phases.T0: str(time.time())}
    run = subprocess.run([sys.executable, "-c", BUILD, str(tmp_path / "out")], cwd=ROOT, capture_output=True,
                         text=True, env=env)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"
    rows = [json.loads(line) for line in log.read_text().splitlines()]
    mine = [r["phase"] for r in rows if r["role"] == "coordinator"]
    assert mine[:2] == ["plan", "verify output folder"]
    assert {"write files", "write manifest, index, feed"} <= set(mine)
    workers = {r["pid"] for r in rows if r["role"] == "worker"}
    assert len(workers) >= 1 and all(r["phase"] != "load pdf writer" for r in rows)
    summary = summarise(log, briefings=2)
    assert summary["workers"]["render html"]["count"] == 2
    assert 0 < summary["serial_fraction"] < 1
    assert summary["coordinator_cpu_per_briefing"] > 0
    # ... and the forkserver imports the main script once, for all workers,
    # and freezes what it imported, last (runners/frozen.py).
    assert local_preload({"html"}, pictures=True) == [
        "__main__", "generator.render", "generator.runners.local", "generator.writers.html", "generator.pictures.draw",
        "generator.runners.frozen"]


def test_the_command_records_its_start_up(tmp_path: Path) -> None:
    log = tmp_path / "phases.jsonl"
    env = {**os.environ, phases.ENV: str(log), phases.T0: str(time.time())}
    subprocess.run([sys.executable, "-m", "generator", "list"], cwd=ROOT, capture_output=True, env=env, check=True)
    rows = [json.loads(line) for line in log.read_text().splitlines()]
    assert [r["phase"] for r in rows] == ["start-up", "load content"]
    assert rows[0]["end"] - rows[0]["start"] > 0 and rows[0]["cpu"] > 0


class _Order:
    def __init__(self) -> None:
        self.ids: list[str] = []

    def briefing(self, result: JobResult, done: int, total: int) -> None:
        self.ids.append(result.id)

    def note(self, message: str) -> None:
        pass


def test_the_longest_briefings_start_first_by_their_pages_at_the_last_build(
        content: Content, tmp_path: Path) -> None:
    wanted = [(Selector("region", r),) for r in ("arctic", "caucasus", "sahel")]
    out = tmp_path / "out"
    first = _Order()
    build_briefings(content, wanted, TEMPLATES, out, EDITION, Options(formats=("html",), force=True), first)
    assert first.ids[0] == "region-sahel"  # by passages, the most first
    # The pages the last build printed decide, once known (HTML has none; PDF's are recorded).
    manifest = json.loads((out / "manifest.json").read_text())
    for entry, pages in zip(manifest["briefings"], (9, 1, 5), strict=True):
        entry["pages"] = pages
    (out / "manifest.json").write_text(json.dumps(manifest))
    again = _Order()
    build_briefings(content, wanted, TEMPLATES, out, EDITION, Options(formats=("html",), force=True), again)
    order = {e["id"]: p for e, p in zip(manifest["briefings"], (9, 1, 5), strict=True)}
    assert again.ids == sorted(order, key=lambda i: -order[i])


def test_a_cold_catalogue_build_starts_its_workers_before_it_plans(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The command starts the forkserver as soon as it has read its
    content, when the build will certainly render everything on local
    workers, and only then (cli._start_workers_early)."""
    from generator import cli
    from generator.runners import local

    started: list[tuple[set[str], bool]] = []
    monkeypatch.setattr(local, "prepare", lambda wanted, pictures: started.append((wanted, pictures)))
    monkeypatch.setenv("BRIEFING_CACHE", str(tmp_path / "cache"))
    out = tmp_path / "out"

    def starts(*argv: str) -> bool:
        started.clear()
        args = cli._parser().parse_args(["build", "--out", str(out), *argv])
        cli._start_workers_early(args, ("pdf", "html"))
        return bool(started)

    assert starts("--all", "-j", "2") and started == [({"pdf", "html"}, True)]
    assert starts("--matrix", "-j", "2")
    for not_surely in (("--all", "-j", "1"), ("--region", "sahel", "-j", "2"), ("--all", "-j", "2", "--dry-run"),
                       ("--all", "-j", "2", "--scheduler", "tcp://127.0.0.1:1")):
        assert not starts(*not_surely), not_surely
    (tmp_path / "cache" / "pictures").mkdir(parents=True)
    (tmp_path / "cache" / "pictures" / "p.svg").write_text("<svg/>")
    assert starts("--all", "-j", "2") and started == [({"pdf", "html"}, False)]  # kept for every build
    (tmp_path / "cache" / "pictures" / "p.svg").unlink()
    (out / ".briefing-pictures").mkdir(parents=True)
    (out / ".briefing-pictures" / "p.svg").write_text("<svg/>")
    assert starts("--all", "-j", "2") and started == [({"pdf", "html"}, False)]  # kept in the folder
    monkeypatch.setenv("BRIEFING_CACHE", "off")
    assert starts("--all", "-j", "2") and started == [({"pdf", "html"}, False)]
    (out / "manifest.json").write_text("{}")
    assert not starts("--all", "-j", "2")  # a rebuild: maybe nothing to render
    assert starts("--all", "-j", "2", "--force")


def test_one_briefing_in_several_formats_forks_its_pdf_worker_as_the_command_starts(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With -j 2 or more, a build of one briefing whose formats include the
    PDF and another forks one worker for the PDF before it reads its
    content (cli._worker_ahead), and only then; a worker no build took is
    stopped as the command ends."""
    from generator import cli
    from generator.runners import local

    forked: list[tuple[str | None, bool]] = []

    def fork_ahead(wanted: set[str], templates: Path, variant: str | None, store: Path, pictures: bool) -> bool:
        assert wanted == {"pdf"}
        forked.append((variant, pictures))
        return True

    monkeypatch.setattr(local, "fork_ahead", fork_ahead)
    dropped: list[bool] = []
    monkeypatch.setattr(local, "drop_ahead", lambda: dropped.append(True))
    monkeypatch.setenv("BRIEFING_CACHE", "off")

    def forks(*argv: str, formats: tuple[str, ...] = ("pdf", "docx")) -> bool:
        forked.clear()
        dropped.clear()
        args = cli._parser().parse_args(["build", "--out", str(tmp_path / "out"), *argv])
        with cli._worker_ahead(args, formats):
            pass
        assert dropped == ([True] if forked else [])
        return bool(forked)

    assert forks("--region", "sahel", "-j", "2") and forked == [(None, True)]
    assert forks("--region", "sahel", "-j", "2", "--pdf-variant", "pdf/a-2a") and forked == [("pdf/a-2a", True)]
    assert forks("--theme", "piracy", "--region", "sahel", "-j", "4", formats=("docx", "html", "pdf"))
    assert forks("--region", "sahel", "-j", "2", "--lang", "en")
    assert forks("--query", "Iran", "-j", "2", "--force")
    for not_worth_it, formats in [(("-j", "1"), ("pdf", "docx")), (("-j", "2"), ("pdf",)),
                                  (("-j", "2"), ("docx", "html")), (("-j", "2", "--dry-run"), ("pdf", "docx")),
                                  (("-j", "2", "--lang", "nl,en"), ("pdf", "docx")),
                                  (("-j", "2", "--scheduler", "tcp://127.0.0.1:1"), ("pdf", "docx"))]:
        assert not forks("--region", "sahel", *not_worth_it, formats=formats), not_worth_it
    assert not forks("--all", "-j", "2")  # the catalogue has its pool of workers


def test_no_worker_is_forked_from_a_process_that_runs_other_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fork copies a lock another thread may hold at that moment (an
    application embedding the command, a test runner): there the build
    renders in its own process instead."""
    import threading

    from generator.runners import local

    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert local.fork_ahead({"pdf"}, TEMPLATES, "pdf/ua-1", None, pictures=False) is False
        assert local.take_ahead() is None
    finally:
        stop.set()
        other.join()


def test_one_briefing_renders_its_pdf_in_the_worker_and_the_rest_meanwhile(tmp_path: Path) -> None:
    """As the command runs (a process of its own: one that runs other
    threads, as a test runner may, renders everything itself)."""
    log, out = tmp_path / "phases.jsonl", tmp_path / "out"
    build = subprocess.Popen([sys.executable, "-m", "generator", "build", "--region", "arctic", "--format",
                              "pdf,docx,html", "-j", "2", "--out", str(out), "--quiet"], cwd=ROOT,
                             env={**os.environ, phases.ENV: str(log)}, stdout=subprocess.DEVNULL)
    assert build.wait(timeout=60) == 0
    where = {r["phase"]: (r["pid"], r["role"]) for r in map(json.loads, log.read_text().splitlines())
             if r["phase"].startswith("render ")}
    assert where["render docx"] == where["render html"] == (build.pid, "coordinator")
    worker, role = where["render pdf"]
    assert worker != build.pid and role == "worker"
    assert not psutil.pid_exists(worker)  # stopped and reaped with the build
    assert {p.name for p in out.glob("region-arctic.*")} >= {"region-arctic.pdf", "region-arctic.docx",
                                                             "region-arctic.html"}


def test_the_worker_is_forked_before_keys_content_and_notes_are_read(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """What the command reads after the fork (a signing key, the content,
    the notes) is not in the worker's memory: the worker has only the tasks
    it is sent, and those carry no key."""
    from generator import cli, publish
    from generator.runners import local

    order: list[str] = []
    configure, load = publish.configure, cli._load

    def reading_keys(*args: Any, **kwargs: Any) -> Any:
        order.append("keys")
        return configure(*args, **kwargs)

    def reading_content(*args: Any) -> Any:
        order.append("content and notes")
        return load(*args)

    def fork_ahead(*args: Any, **kwargs: Any) -> bool:
        order.append("fork")
        return True

    monkeypatch.setattr(publish, "configure", reading_keys)
    monkeypatch.setattr(cli, "_load", reading_content)
    monkeypatch.setattr(local, "fork_ahead", fork_ahead)
    code = cli.main(["build", "--region", "sahel", "--format", "pdf,docx", "-j", "2", "--lang", "xx", "--out",
                     str(tmp_path)], stdout=io.StringIO(), stderr=io.StringIO())
    assert code == 2  # no label catalogue 'xx': stopped after reading the content
    assert order == ["fork", "keys", "content and notes"]
