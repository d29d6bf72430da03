"""Catalogue builds on a Dask cluster, and the matrix catalogue.

The cluster tests start a real LocalCluster (a scheduler and two worker
processes on loopback) and are marked slow; the matrix, its validation and
the import boundary are checked without one."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, TEMPLATES, Cli

from generator.build import BuildReport, JobResult, Options, build_briefings
from generator.catalogue import catalogue, pairings
from generator.compose import Edition
from generator.content import Content, load_content
from generator.select import Selector, select

# Small briefings of every kind, a combination among them.
SMALL = [
    (Selector("region", "arctic"),),
    (Selector("region", "caucasus"),),
    (Selector("region", "west-africa"),),
    (Selector("region", "western-balkans"),),
    (Selector("theme", "piracy"),),
    (Selector("region", "horn-of-africa"), Selector("theme", "piracy")),
]
EDITION = Edition(date=dt.date(2026, 11, 28))


def test_matrix_adds_the_pairings_that_hold_passages(content: Content) -> None:
    plain = catalogue(content)
    full = catalogue(content, matrix=True)
    assert full[:len(plain)] == plain  # the catalogue first, in its order
    added = full[len(plain):]
    assert added and len(set(full)) == len(full)
    kinds = {tuple(s.kind for s in sel) for sel in added}
    assert kinds == {("region", "theme"), ("region", "ministry")}
    for selectors in added:
        assert len(select(content, selectors).full) >= 1
    # The Sahel and terrorism are connected; the Arctic and piracy are not.
    assert (Selector("region", "sahel"), Selector("theme", "terrorism")) in full
    assert (Selector("region", "arctic"), Selector("theme", "piracy")) not in full


def test_matrix_threshold_comes_from_content(content_copy: Path) -> None:
    path = content_copy / "catalogue.yaml"
    path.write_text(path.read_text().replace("min_full: 1", "min_full: 3"))
    strict = pairings(load_content(content_copy))
    loose = pairings(load_content(ROOT / "content"))
    assert 0 < len(strict) < len(loose) and set(strict) <= set(loose)


@pytest.mark.parametrize(("text", "message"), [
    ("    - [regions, themse]", "unknown kind 'themse' in a matrix pair (one of: regions, themes, ministries) "
                                "— did you mean 'themes'?"),
    ("    - [regions, regions]", "a matrix pair needs two different kinds, not [regions, regions]"),
    ("    - regions", "each pair names two kinds, like [regions, themes], not 'regions'"),
    ("  min_full: 0", "'min_full' must be at least 1"),
])
def test_matrix_mistakes_are_reported_where_they_are(cli: Cli, content_copy: Path, text: str, message: str) -> None:
    path = content_copy / "catalogue.yaml"
    lines = path.read_text().splitlines()
    field = "  min_full:" if "min_full" in text else "  pairs:"
    at = lines.index("  min_full: 1") if "min_full" in text else lines.index("    - [regions, themes]")
    lines[at] = text
    path.write_text("\n".join(lines) + "\n")
    run = cli("check", "--content", str(content_copy))
    assert run.code == 1
    line = next(i for i, text in enumerate(lines) if text.startswith(field)) + 1  # list items carry no line
    assert f"catalogue.yaml:{line}: {message}" in run.err, run.err
    assert "Traceback" not in run.err


def test_matrix_without_a_matrix_entry_says_so(cli: Cli, content_copy: Path, tmp_path: Path) -> None:
    path = content_copy / "catalogue.yaml"
    path.write_text(path.read_text().split("\nmatrix:")[0])
    run = cli("build", "--matrix", "--dry-run", "--content", str(content_copy), "--out", str(tmp_path / "out"))
    assert run.code == 2
    assert "catalogue.yaml: no 'matrix:' entry says which pairings to build" in run.err


def test_matrix_dry_run_lists_the_pairings(cli: Cli, tmp_path: Path, content: Content) -> None:
    run = cli("build", "--matrix", "--dry-run", "--out", str(tmp_path / "out"))
    assert run.code == 0, run.err
    assert "would build region-sahel+theme-terrorism (pdf, docx, html)" in run.out
    assert f"dry run: {len(catalogue(content, matrix=True))} briefing(s) would be built" in run.out


def test_a_local_build_does_not_import_dask(tmp_path: Path) -> None:
    code = ("import sys; from generator.cli import main; "
            f"code = main(['build', '--theme', 'piracy', '--format', 'html', '--out', {str(tmp_path)!r}]); "
            "assert 'distributed' not in sys.modules and 'dask' not in sys.modules, 'dask imported'; "
            "sys.exit(code)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "theme-piracy.html").is_file()


def test_an_unreachable_scheduler_fails_before_anything_is_written(cli: Cli, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("distributed")  # the cluster extra is part of the dev install
    import generator.runners.dask
    monkeypatch.setattr(generator.runners.dask, "CONNECT_TIMEOUT", "1s")
    out = tmp_path / "out"
    run = cli("build", "--theme", "piracy", "--out", str(out), "--scheduler", "tcp://127.0.0.1:9")
    assert run.code == 1
    assert run.err.strip().startswith("cannot reach the Dask scheduler at tcp://127.0.0.1:9"), run.err
    assert len(run.err.strip().splitlines()) == 1 and "Traceback" not in run.err
    assert not any(p.suffix in {".pdf", ".docx", ".html"} for p in out.glob("*")) if out.exists() else True


@pytest.mark.parametrize(("address", "why"), [
    ("foo", "missing port number in address 'foo'"),
    ("tcp://127.0.0.1:notaport", "its port is not a number"),
    ("inproc://x", "protocol 'inproc' is not for a cluster (tcp or tls)"),
])
def test_a_malformed_scheduler_address_is_a_usage_error(cli: Cli, tmp_path: Path, address: str, why: str) -> None:
    pytest.importorskip("distributed")
    run = cli("build", "--theme", "piracy", "--dry-run", "--out", str(tmp_path), "--scheduler", address)
    assert run.code == 2
    assert run.err == f"scheduler address '{address}' is not like tcp://10.0.0.5:8786: {why}\n"


def test_without_dask_a_cluster_build_says_what_to_install(tmp_path: Path) -> None:
    code = ("import sys; sys.modules['distributed'] = None; from generator.cli import main; "
            f"sys.exit(main(['build', '--theme', 'piracy', '--out', {str(tmp_path)!r}, "
            "'--scheduler', 'tcp://127.0.0.1:8786']))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert run.returncode == 1
    assert run.stderr == "building on a cluster needs Dask distributed: pip install 'briefing[cluster]'\n"
    assert not any(tmp_path.iterdir())


# --------------------------------------------------------------------------
# On a real LocalCluster


@pytest.fixture(scope="module")
def scheduler() -> Iterator[tuple[str, Callable[[], list[int]]]]:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None, silence_logs=40) as cluster, \
            distributed.Client(cluster, set_as_default=False) as client:
        def worker_pids() -> list[int]:
            client.wait_for_workers(2, timeout=30)  # a killed worker is back once its nanny restarted it
            return sorted(client.run(os.getpid).values())
        yield cluster.scheduler_address, worker_pids


def _files(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.iterdir()) if p.suffix in {".pdf", ".docx", ".html"}}


def _briefings(folder: Path) -> dict[str, object]:
    manifest = json.loads((folder / "manifest.json").read_text())
    return {b["id"]: {k: v for k, v in b.items() if k != "built_at"} for b in manifest["briefings"]}


class _KillOnFirst:
    """A build reporter that kills one cluster worker outright when the
    first briefing comes back, while the other renders are running."""

    def __init__(self, pids: Callable[[], list[int]]) -> None:
        self.pids, self.killed = pids, 0

    def briefing(self, result: JobResult, done: int, total: int) -> None:
        if not self.killed:
            self.killed = self.pids()[0]
            os.kill(self.killed, signal.SIGKILL)

    def note(self, message: str) -> None:
        pass


@pytest.mark.slow
def test_cluster_build_equals_a_local_build_and_survives_a_lost_worker(
        content: Content, tmp_path: Path, scheduler: tuple[str, Callable[[], list[int]]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    address, worker_pids = scheduler
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795737600")  # the same build time for both folders
    local, remote = tmp_path / "local", tmp_path / "cluster"
    options = Options(date=EDITION.date)
    report = build_briefings(content, SMALL, TEMPLATES, local, EDITION, options)
    assert report.built == len(SMALL) and not report.failed

    before = worker_pids()
    killer = _KillOnFirst(worker_pids)
    report = build_briefings(content, SMALL, TEMPLATES, remote, EDITION,
                             Options(date=EDITION.date, scheduler=address), killer)
    assert killer.killed in before
    after = worker_pids()  # the nanny replaced the killed worker
    assert killer.killed not in after and len(after) == len(before)
    assert report.built == len(SMALL) and not report.failed, [r.error for r in report.failed]
    assert _files(remote) == _files(local)  # same bytes, though rendered elsewhere and one worker died
    assert _briefings(remote) == _briefings(local)

    # The next run finds everything current and asks the cluster for nothing.
    report = build_briefings(content, SMALL, TEMPLATES, remote, EDITION, Options(date=EDITION.date,
                                                                                 scheduler=address))
    assert report.built == 0 and report.up_to_date == len(SMALL)


@pytest.mark.slow
def test_interrupted_cluster_build_finishes_only_what_is_missing(
        content: Content, tmp_path: Path, scheduler: tuple[str, Callable[[], list[int]]]) -> None:
    address, _ = scheduler
    out = tmp_path / "out"

    class StopAfterTwo:
        def briefing(self, result: JobResult, done: int, total: int) -> None:
            if done == 2:
                raise KeyboardInterrupt

        def note(self, message: str) -> None:
            pass

    first: BuildReport = build_briefings(content, SMALL, TEMPLATES, out, EDITION,
                                         Options(date=EDITION.date, scheduler=address), StopAfterTwo())
    assert first.interrupted == "SIGINT" and first.built == 2
    assert len(_briefings(out)) == 2
    second = build_briefings(content, SMALL, TEMPLATES, out, EDITION, Options(date=EDITION.date, scheduler=address))
    assert second.built == len(SMALL) - 2 and second.up_to_date == 2 and not second.failed
    assert len(_briefings(out)) == len(SMALL)


@pytest.mark.slow
def test_cluster_workers_need_no_files_of_the_checkout(content: Content, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker on another machine sees nothing of the coordinator's disk.
    Here the worker runs in a mount namespace where the checkout's content/,
    templates/ and source/ are empty folders (its code is still there, as an
    installed package would be): the templates, fonts and map outlines must
    come with the build, and the files must be those of a local build."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    dask = str(Path(sys.executable).parent / "dask")
    address = f"tcp://127.0.0.1:{port}"
    hide = " && ".join(f"mount -t tmpfs tmpfs {ROOT / name}" for name in ("content", "templates", "source"))
    empty = " && ".join(f'test -z "$(ls -A {ROOT / name})"' for name in ("content", "templates", "source"))
    scheduler = subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                                 cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    log = (tmp_path / "worker.log").open("wb")
    worker = subprocess.Popen(["unshare", "--mount", "--propagation", "private", "sh", "-c",
                               f"{hide} && {empty} && exec {dask} worker {address} --nthreads 1 --no-dashboard "
                               "--nworkers 1"],
                              cwd=tmp_path, stdout=log, stderr=log)
    try:
        import distributed

        client_class: Any = distributed.Client  # untyped
        with client_class(address, timeout="30s", set_as_default=False) as client:
            client.wait_for_workers(1, timeout=60)
        monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795737600")
        chosen = [(Selector("region", "sahel"),), (Selector("theme", "terrorism"),)]  # a locator and a theme map
        local, remote = tmp_path / "local", tmp_path / "cluster"
        options = Options(date=EDITION.date)
        assert not build_briefings(content, chosen, TEMPLATES, local, EDITION, options).failed
        report = build_briefings(content, chosen, TEMPLATES, remote, EDITION,
                                 Options(date=EDITION.date, scheduler=address))
        assert report.built == 2 and not report.failed, [r.error for r in report.failed]
        assert _files(remote) == _files(local)
        assert worker.poll() is None, (tmp_path / "worker.log").read_text()  # it ran where it could see nothing
    finally:
        worker.terminate()
        scheduler.terminate()
        for process in (worker, scheduler):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()
