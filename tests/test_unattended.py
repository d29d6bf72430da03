"""Unattended builds, tested by doing what cron, a supervisor or an editor
does: kill the build, interrupt it, change one passage, run it the next day,
switch formats, and feed it bad input."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest
from conftest import ROOT, TEMPLATES, Cli

from generator.catalogue import catalogue
from generator.content import Content, load_content
from generator.outputs import OutputLock
from generator.select import select

STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ ")


def manifest(out: Path) -> dict[str, dict[str, Any]]:
    data = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return {e["id"]: e for e in data["briefings"]}


def assert_manifest_is_disk(out: Path) -> None:
    """Every listed file exists with its sha256; every briefing file is listed."""
    listed = set()
    for entry in manifest(out).values():
        for info in entry["files"].values():
            listed.add(info["name"])
            assert hashlib.sha256((out / info["name"]).read_bytes()).hexdigest() == info["sha256"], info["name"]
    on_disk = {p.name for p in out.iterdir() if p.suffix in (".pdf", ".docx", ".html") and p.name != "index.html"}
    assert on_disk == listed


def built_ids(err: str) -> list[str]:
    return re.findall(r"built (\S+) \(", err)


_started: list[subprocess.Popen[str]] = []


def start(*argv: str) -> subprocess.Popen[str]:
    process = subprocess.Popen([sys.executable, "-m", "generator", *argv], cwd=ROOT, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _started.append(process)
    return process


@pytest.fixture(autouse=True)
def _reap() -> Iterator[None]:
    """No build a test started outlives it, and its pipes are closed."""
    yield
    while _started:
        process = _started.pop()
        if process.poll() is None:
            process.kill()
        process.communicate()


def wait_for_line(process: subprocess.Popen[str], pattern: str, timeout: float = 60) -> list[str]:
    """Read stderr until a line matches (the build is under way)."""
    assert process.stderr is not None
    lines = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line:
            break
        lines.append(line)
        if re.search(pattern, line):
            return lines
    raise AssertionError(f"no line matching {pattern!r}: {lines}")


def descendants(pid: int) -> list[int]:
    """Every process under `pid`: the render workers (forked by the
    forkserver, itself a child of the build) and multiprocessing's helpers."""
    return [p.pid for p in psutil.Process(pid).children(recursive=True)]


def render_workers(pid: int) -> list[int]:
    """The build's processes that render: those the forkserver forked."""
    return [p.pid for p in psutil.Process(pid).children(recursive=True) if p.ppid() != pid]


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


# --------------------------------------------------------------------------
# Process lifecycle


@pytest.mark.slow
def test_killing_the_build_leaves_no_worker_and_no_lock(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build = start("build", "--all", "-j", "2", "--format", "pdf", "--out", str(out))
    wait_for_line(build, r"built \S+ \(pdf\)")
    assert len(render_workers(build.pid)) == 2
    workers = descendants(build.pid)
    build.kill()
    build.wait()
    deadline = time.monotonic() + 2
    while any(alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(alive(w) for w in workers), "workers outlived the killed build"
    # The next build starts at once, says it takes over, and finds the
    # folder consistent.
    nxt = start("build", "--region", "arctic", "--format", "html", "--out", str(out))
    _, err = nxt.communicate(timeout=60)
    assert nxt.returncode == 0, err
    build.communicate()
    assert f"taking over the lock of build pid {build.pid}" in err
    assert "region-arctic" in manifest(out)
    listed = manifest(out)
    assert len(listed) >= 2  # what the killed build finished is kept
    for entry in listed.values():
        for info in entry["files"].values():
            assert hashlib.sha256((out / info["name"]).read_bytes()).hexdigest() == info["sha256"]
    # SHA256SUMS follows the manifest: exactly its files and the folder's own, as on disk.
    sums = (out / "SHA256SUMS").read_text().splitlines()
    assert sorted(line.split("  ", 1)[1] for line in sums) == \
        sorted([info["name"] for entry in listed.values() for info in entry["files"].values()]
               + ["feed.xml", "index.html", "manifest.json"])
    assert subprocess.run(["sha256sum", "--quiet", "-c", "SHA256SUMS"], cwd=out).returncode == 0


@pytest.mark.slow
@pytest.mark.parametrize(("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_an_interrupt_stops_within_two_seconds_and_keeps_what_was_finished(
        tmp_path: Path, sig: signal.Signals, code: int) -> None:
    out = tmp_path / "out"
    build = start("build", "--all", "-j", "2", "--format", "pdf,docx", "--out", str(out))
    lines = wait_for_line(build, r"built \S+ \(pdf, docx\)")
    workers = descendants(build.pid)
    assert len(render_workers(build.pid)) == 2
    sent = time.monotonic()
    build.send_signal(sig)
    stdout, rest = build.communicate(timeout=30)
    took = time.monotonic() - sent
    assert build.returncode == code
    assert took < 2, f"took {took:.1f}s to stop"
    deadline = time.monotonic() + 1
    while any(alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(alive(w) for w in workers)
    err = "".join(lines) + rest
    assert f"interrupted ({sig.name})" in err and "Traceback" not in err
    assert "not built (interrupted)" in stdout
    finished = built_ids(err)
    assert set(manifest(out)) == set(finished)
    assert_manifest_is_disk(out)
    assert (out / "index.html").is_file()
    # The next run does not redo what was finished.
    dry = subprocess.run([sys.executable, "-m", "generator", "build", "--all", "--format", "pdf,docx", "--out",
                          str(out), "--dry-run"], cwd=ROOT, capture_output=True, text=True, check=True)
    assert f", {len(finished)} up to date," in dry.stdout


def _wait_for_phase(log: Path, name: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log.exists() and any(json.loads(line)["phase"] == name for line in log.read_text().splitlines()):
            return
        time.sleep(0.02)
    raise AssertionError(f"no phase {name!r} in {log}")


@pytest.mark.parametrize("stop", ["kill the worker", "Ctrl-C", "kill the build"])
def test_a_one_briefing_build_stopped_while_its_worker_renders_the_pdf(tmp_path: Path, stop: str) -> None:
    """One briefing in two formats: its PDF renders in a worker the command
    forked as it started. Whatever stops them, the worker goes with the
    build, and nothing of the briefing is written: it is written whole or
    not at all."""
    out, log = tmp_path / "out", tmp_path / "phases.jsonl"
    build = subprocess.Popen([sys.executable, "-m", "generator", "build", "--ministry", "foreign-affairs",
                              "--format", "pdf,docx", "-j", "2", "--out", str(out)], cwd=ROOT, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                             env={**os.environ, "BRIEFING_PHASES": str(log)})
    _started.append(build)
    _wait_for_phase(log, "render docx")  # the Word file done here, the PDF (about 1.5 s) under way
    [worker] = descendants(build.pid)
    sent = time.monotonic()
    if stop == "kill the worker":
        os.kill(worker, signal.SIGKILL)
    elif stop == "Ctrl-C":
        os.killpg(build.pid, signal.SIGINT)  # as a terminal sends it: to the whole process group
    else:
        build.kill()
    stdout, err = build.communicate(timeout=30)
    assert time.monotonic() - sent < 2
    deadline = time.monotonic() + 2
    while alive(worker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(worker)
    assert not list(out.glob("ministry-foreign-affairs*"))
    assert "Traceback" not in err
    if stop == "kill the worker":
        assert build.returncode == 1
        assert "FAILED ministry-foreign-affairs: its worker process died" in err
    elif stop == "Ctrl-C":
        assert build.returncode == 130
        assert "interrupted (SIGINT)" in err and "1 not built (interrupted)" in stdout
    else:
        assert build.returncode == -signal.SIGKILL


def test_one_briefing_is_written_whole_or_not_at_all_when_its_pdf_fails(tmp_path: Path) -> None:
    """The PDF fails in the worker (its stylesheet reaches outside
    templates/), the Word file renders in the command: neither is written."""
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    css = templates / "print.css"
    css.write_text('@import url("file:///etc/hostname");\n' + css.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "out"
    run = subprocess.run([sys.executable, "-m", "generator", "build", "--region", "arctic", "--format", "pdf,docx",
                          "-j", "2", "--templates", str(templates), "--out", str(out)], cwd=ROOT, capture_output=True,
                         text=True, timeout=60)
    assert run.returncode == 1
    assert "FAILED region-arctic: " in run.stderr and "refused" in run.stderr and "Traceback" not in run.stderr
    assert not list(out.glob("region-arctic*"))
    assert "region-arctic" not in manifest(out)


@pytest.mark.parametrize(("argv", "code", "said"), [(["list", "regions"], 0, "sahel"),
                                                     (["list", "bogus"], 2, "invalid choice")])
def test_an_exit_that_waits_is_ended_with_the_commands_code(argv: list[str], code: int, said: str) -> None:
    """Whatever the interpreter waits for once the command has returned (here
    a thread that never ends; in a CI run once a stopped pool's thread), the
    command ends a bounded time later, with its own exit code, and says what
    it was waiting for."""
    script = ("import sys, threading\n"
              "from generator import cli, lifecycle\n"
              "lifecycle.EXIT_GRACE = 0.5\n"
              "threading.Thread(target=threading.Event().wait, name='never-ends').start()\n"
              f"sys.argv = ['briefing', *{argv!r}]\n"
              "cli.main_entry()\n")
    started = time.monotonic()
    run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert time.monotonic() - started < 5
    assert run.returncode == code
    assert said in run.stdout + run.stderr
    assert "note: exiting took more than 0.5 s, stopped now (waiting: never-ends in Event.wait" in run.stderr, \
        run.stderr
    assert "Traceback" not in run.stderr


def test_wait_waits_for_the_running_build(tmp_path: Path) -> None:
    lock = OutputLock(tmp_path).acquire()  # another build holds the folder
    try:
        build = start("build", "--region", "arctic", "--format", "html", "--out", str(tmp_path), "--wait")
        wait_for_line(build, "waiting for another build")
        time.sleep(0.3)
        assert build.poll() is None
    finally:
        lock.release()
    _, err = build.communicate(timeout=60)
    assert build.returncode == 0, err
    assert (tmp_path / "region-arctic.html").is_file()


# --------------------------------------------------------------------------
# Incrementality


def test_one_changed_passage_rebuilds_exactly_the_briefings_that_print_it(
        cli: Cli, content_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ("build", "--all", "--format", "html", "--content", str(content_copy), "--out", str(out))
    assert cli(*args, "--quiet").code == 0
    path = content_copy / "passages" / "04-omgevingsanalyse.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("ontstaat momenteel een multipolair", "ontstaat thans een multipolair"),
                    encoding="utf-8")
    # The briefings that print the changed words (some print only another
    # sentence of the passage, as an excerpt: those must not change).
    expected = {p.stem for p in out.glob("*.html")
                if "ontstaat momenteel een multipolair" in p.read_text(encoding="utf-8")}
    assert 0 < len(expected) < 47
    run = cli(*args)
    assert set(built_ids(run.err)) == expected
    assert f": {len(expected)} built, {47 - len(expected)} up to date" in run.out


def test_the_next_day_an_unchanged_catalogue_rebuilds_nothing_and_keeps_its_date(
        cli: Cli, content_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    args = ("build", "--all", "--format", "html", "--content", str(content_copy), "--out", str(out), "--quiet")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(1_764_288_000))  # 28 November 2025
    assert cli(*args).code == 0
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(1_764_288_000 + 86_400))
    run = cli(*args)
    assert ": 0 built, 47 up to date" in run.out
    assert "28 november 2025" in (out / "region-sahel.html").read_text(encoding="utf-8")
    # A changed briefing shows the day of its change; the others keep theirs.
    path = content_copy / "passages" / "04-omgevingsanalyse.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("momenteel een multipolair", "thans een multipolair"),
                    encoding="utf-8")
    assert cli(*args).code == 0
    dates = {bid: e["date"] for bid, e in manifest(out).items()}
    assert dates["region-asia"] == "2025-11-29" and dates["region-sahel"] == "2025-11-28"
    assert "29 november 2025" in (out / "region-asia.html").read_text(encoding="utf-8")
    # An edition date chosen with --date is shown by every briefing.
    run = cli(*args, "--date", "2026-01-15")
    assert ": 47 built" in run.out
    assert {e["date"] for e in manifest(out).values()} == {"2026-01-15"}
    # ... for that run only: the next run shows each content date again.
    run = cli(*args)
    assert ": 47 built" in run.out
    dates = {bid: e["date"] for bid, e in manifest(out).items()}
    assert dates["region-asia"] == "2025-11-29" and dates["region-sahel"] == "2025-11-28"
    assert "15 januari 2026" not in (out / "region-sahel.html").read_text(encoding="utf-8")


def test_up_to_date_means_the_same_bytes_not_the_same_size(cli: Cli, tmp_path: Path) -> None:
    args = ("build", "--region", "sahel", "--format", "html", "--out", str(tmp_path), "--quiet")
    assert cli(*args).code == 0
    path = tmp_path / "region-sahel.html"
    data = path.read_bytes()
    path.write_bytes(data.replace(b"Sahel", b"Sahxl", 1))
    assert ": 1 built" in cli(*args).out
    assert path.read_bytes() == data


# --------------------------------------------------------------------------
# Manifest = disk


def test_formats_built_earlier_stay_listed_while_current_and_go_when_stale(
        cli: Cli, content_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    base = ("build", "--all", "--content", str(content_copy), "--out", str(out), "--quiet")
    assert cli(*base, "--format", "html").code == 0
    assert cli(*base, "--format", "docx").code == 0
    assert set(manifest(out)["region-sahel"]["files"]) == {"docx", "html"}
    assert_manifest_is_disk(out)
    path = content_copy / "passages" / "04-omgevingsanalyse.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("momenteel een multipolair", "thans een multipolair"),
                    encoding="utf-8")
    run = cli(*base, "--format", "docx")
    assert f"removed {out / 'region-asia.html'}" in run.err
    assert set(manifest(out)["region-asia"]["files"]) == {"docx"}  # its html is out of date
    assert set(manifest(out)["region-sahel"]["files"]) == {"docx", "html"}
    assert_manifest_is_disk(out)


def test_briefings_no_longer_in_the_catalogue_are_reported_then_pruned(
        cli: Cli, content_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ("build", "--all", "--format", "html", "--content", str(content_copy), "--out", str(out), "--quiet")
    assert cli(*args).code == 0
    (out / "region-sahel+region-zzz.html").write_text("left by an old build")
    path = content_copy / "catalogue.yaml"
    text = path.read_text(encoding="utf-8")
    start_of_last = text.rindex("\n  - ")
    path.write_text(text[:start_of_last] + "\n", encoding="utf-8")
    dropped = set(manifest(out)) - {s.id for s in (select(load_content(content_copy), sel)
                                                   for sel in catalogue(load_content(content_copy)))}
    assert len(dropped) == 1
    (gone,) = dropped
    run = cli(*args)
    assert "1 briefing(s)" in run.err and "--prune removes them" in run.err
    assert gone in manifest(out) and (out / f"{gone}.html").is_file()
    dry = cli(*args, "--prune", "--dry-run")
    assert f"would remove {out / (gone + '.html')}" in dry.out
    assert "would remove" in dry.out and "region-sahel+region-zzz.html" in dry.out
    assert (out / f"{gone}.html").is_file()  # a dry run writes nothing
    assert cli(*args, "--prune").code == 0
    assert gone not in manifest(out) and not (out / f"{gone}.html").exists()
    assert not (out / "region-sahel+region-zzz.html").exists()
    assert_manifest_is_disk(out)
    index = (out / "index.html").read_text(encoding="utf-8")
    assert f'href="{gone}.html"' not in index
    assert "Openbaar" in index  # the marking of each briefing


def test_the_lock_and_temporary_files_are_named_apart_from_what_is_published(cli: Cli, tmp_path: Path) -> None:
    assert cli("build", "--region", "arctic", "--format", "html", "--out", str(tmp_path)).code == 0
    hidden = {p.name for p in tmp_path.iterdir() if p.name.startswith(".")}
    # The lock, the passage texts the feed diffs the next build against, and
    # (once a map or chart was drawn here) the pictures: one pattern
    # keeps them all out of a published copy.
    assert {".briefing-build.lock", ".briefing-passages.json"} <= hidden
    assert all(name.startswith(".briefing-") for name in hidden), hidden


# --------------------------------------------------------------------------
# Bad input: one clear line, the right exit code, nothing half-written


@pytest.mark.parametrize(("subject", "message"), [
    ("hoorn-van-afrika", "key-messages.yaml:224: key messages: 'hoorn-van-afrika' is an alias of region "
                         "'horn-of-africa'; content refers to ids — write 'horn-of-africa'"),
    ("Hoorn van Afrika", "is an alias of region 'horn-of-africa'"),
    ("horn-africa", "key messages: unknown region 'horn-africa' — did you mean 'horn-of-africa'?"),
])
def test_a_key_message_subject_that_is_not_an_id(cli: Cli, content_copy: Path, subject: str, message: str) -> None:
    path = content_copy / "key-messages.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\n  horn-of-africa:", f"\n  {subject}:", 1), encoding="utf-8")
    run = cli("check", "--content", str(content_copy))
    assert run.code == 1
    assert message in run.err and "internal error" not in run.err


@pytest.mark.parametrize("value", ["2013-06-31", "21 juni 2013"])
def test_a_malformed_date_is_found_by_check(cli: Cli, content_copy: Path, tmp_path: Path, value: str) -> None:
    path = content_copy / "strategy.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("date: 2013-06-21", f"date: {value}"), encoding="utf-8")
    run = cli("check", "--content", str(content_copy))
    assert run.code == 1
    assert f"strategy.yaml:15: 'date' must be a date written as YYYY-MM-DD, like 2013-06-21, not '{value}'" \
        in run.err
    build = cli("build", "--region", "sahel", "--content", str(content_copy), "--out", str(tmp_path / "o"))
    assert build.code == 1 and not (tmp_path / "o").exists()


def test_an_alias_shared_by_two_entries_names_both(cli: Cli, content_copy: Path) -> None:
    path = content_copy / "taxonomy" / "regions.yaml"
    text = path.read_text(encoding="utf-8")
    assert "  aliases: [Westelijke Sahel]\n" in text
    path.write_text(text.replace("  aliases: [Westelijke Sahel]\n", "  aliases: [Westelijke Sahel, Sahelzone]\n")
                    .replace("- id: west-africa\n  label_nl: West-Afrika\n",
                             "- id: west-africa\n  label_nl: West-Afrika\n  # test\n"), encoding="utf-8")
    text = path.read_text(encoding="utf-8")
    at = text.index("aliases: [", text.index("- id: west-africa")) + len("aliases: [")
    path.write_text(text[:at] + "Sahelzone, " + text[at:], encoding="utf-8")
    run = cli("check", "--content", str(content_copy))
    assert run.code == 1
    assert "region alias 'sahelzone' of 'west-africa' is also an alias of 'sahel'" in run.err


@pytest.mark.parametrize(("marking", "message"), [
    ("", "the marking is empty"),
    ("Openbaar\x07", "control character (U+0007)"),
    ("Intern\nGeheim", "control character (U+000A)"),
    ("X" * 61, "at most 60 fit"),
])
def test_a_bad_marking_is_a_usage_error(cli: Cli, tmp_path: Path, marking: str, message: str) -> None:
    run = cli("build", "--region", "sahel", "--marking", marking, "--out", str(tmp_path / "o"))
    assert run.code == 2
    assert message in run.err and "internal error" not in run.err
    assert not (tmp_path / "o").exists()


def test_a_long_selection_gets_a_short_stable_name(cli: Cli, content: Content, tmp_path: Path) -> None:
    ids = [e.id for e in content.taxonomies["region"].entries]
    argv = [arg for rid in ids for arg in ("--region", rid)]
    run = cli("build", *argv, "--format", "html", "--out", str(tmp_path), "--quiet")
    assert run.code == 0, run.err
    (name,) = [p.name for p in tmp_path.glob("*.html") if p.name != "index.html"]
    assert len(name) <= 125 and re.search(r"-[0-9a-f]{12}\.html$", name)
    backwards = [arg for rid in reversed(ids) for arg in ("--region", rid)]
    again = cli("build", *backwards, "--format", "html", "--out", str(tmp_path), "--quiet")
    assert ": 0 built, 1 up to date" in again.out


def test_a_full_disk_is_one_line_with_the_path(tmp_path: Path) -> None:
    small = tmp_path / "small"
    small.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(small)],
                             capture_output=True).returncode == 0
    try:
        if mounted:
            argv = ["build", "--region", "sahel", "--format", "pdf", "--out", str(small)]
            run = subprocess.run([sys.executable, "-m", "generator", *argv], cwd=ROOT, capture_output=True, text=True)
            reason = "No space left on device"
        else:  # not root: a file size limit makes the same write fail
            small.rmdir()
            code = ("import resource, signal, sys; signal.signal(signal.SIGXFSZ, signal.SIG_IGN); "
                    "resource.setrlimit(resource.RLIMIT_FSIZE, (16384, 16384)); "
                    "from generator.cli import main; sys.exit(main(sys.argv[1:]))")
            run = subprocess.run([sys.executable, "-c", code, "build", "--region", "sahel", "--format", "pdf",
                                  "--out", str(small)], cwd=ROOT, capture_output=True, text=True)
            reason = "File too large"
        assert run.returncode == 1, run.stderr
        assert f"region-sahel.pdf: cannot write: {reason}" in run.stderr
        assert "internal error" not in run.stderr and "Traceback" not in run.stderr
        assert not list(small.glob(".briefing-tmp-*")) and not (small / "region-sahel.pdf").exists()
    finally:
        if mounted:
            subprocess.run(["umount", str(small)], check=True)


def test_an_output_folder_that_cannot_be_made(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder")
    run = cli("build", "--region", "sahel", "--format", "html", "--out", str(tmp_path / "file" / "out"))
    assert run.code == 1
    assert "cannot create the output folder and its lock: Not a directory" in run.err


def test_a_closed_pipe_ends_list_quietly(tmp_path: Path) -> None:
    listing = start("list")
    assert listing.stdout is not None and listing.stderr is not None
    listing.stdout.close()  # the reader is gone before the listing is written, as `| head -0` would be
    listing.wait(timeout=30)
    err = listing.stderr.read()
    assert listing.returncode == 141 and err == ""


def test_list_explain_and_manifest_agree_on_passage_counts(cli: Cli, tmp_path: Path) -> None:
    listed = json.loads(cli("list", "--json").out)
    defence = next(e for e in listed["ministries"] if e["id"] == "defence")
    explained = cli("explain", "--ministry", "defence").out
    assert explained.startswith(f"ministry-defence: {defence['passages']} passages")
    assert cli("build", "--ministry", "defence", "--format", "html", "--out", str(tmp_path)).code == 0
    assert manifest(tmp_path)["ministry-defence"]["passages"] == defence["passages"]
    plain = cli("list", "ministries").out
    line = next(line for line in plain.splitlines() if line.strip().startswith("defence "))
    assert line.endswith(f"({defence['passages']} passages)")


# --------------------------------------------------------------------------
# Logs for cron


def test_log_lines_have_timestamps_and_the_summary_is_always_printed(cli: Cli, tmp_path: Path) -> None:
    run = cli("build", "--region", "sahel", "--region", "arctic", "--format", "html", "--out", str(tmp_path))
    lines = run.err.splitlines() + run.out.splitlines()[:1]
    assert lines and all(STAMP.match(line) for line in lines), lines
    quiet = cli("build", "--region", "sahel", "--format", "html", "--out", str(tmp_path), "--quiet")
    assert quiet.err == ""
    assert STAMP.match(quiet.out) and "1 briefing(s): 1 built, 0 up to date, 0 failed" in quiet.out


def test_an_older_manifest_is_migrated_and_a_newer_one_refused(cli: Cli, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The upgrade path: a folder built by an earlier version (manifest
    schema 1, where the date shown may have been a one-off --date) is read
    as this version's; one built by a later version is not overwritten."""
    out = tmp_path / "out"
    args = ("build", "--region", "sahel", "--format", "html", "--out", str(out), "--quiet")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(1_764_288_000))  # 28 November 2025
    assert cli(*args, "--date", "2026-01-15").code == 0
    path = out / "manifest.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["schema"] == 3 and data["clearance"] == "openbaar"
    del data["schema"], data["clearance"]  # as schema 1 wrote it: no content_date, the --date shown
    for entry in data["briefings"]:
        del entry["content_date"]
    path.write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(1_764_288_000 + 86_400))
    assert cli(*args).code == 0
    assert manifest(out)["region-sahel"]["date"] == "2025-11-28"  # the content's date, from changed_at

    data = json.loads(path.read_text(encoding="utf-8"))
    data["schema"] = 99
    path.write_text(json.dumps(data), encoding="utf-8")
    before = path.read_bytes()
    run = cli(*args)
    assert run.code == 1
    assert run.err.strip() == (
        f"{path}: written by a later version of briefing (manifest schema 99; this is briefing 0.1.0, "
        "schema 3): upgrade briefing, or build into another folder")
    assert path.read_bytes() == before


@pytest.mark.slow
def test_a_killed_rebuild_never_leaves_a_wrong_checksum(tmp_path: Path) -> None:
    """Rebuilds that change every file's bytes (a new edition date each time),
    KILLed at random moments, 50 times: after each, manifest.json and
    SHA256SUMS list only checksums of the bytes on disk. A file may be left
    unlisted (the next build lists it again); a checksum that says a genuine
    file was tampered with, never."""
    import random

    out = tmp_path / "out"
    pick = random.Random(20261204)
    wrong = []
    for round_ in range(50):
        # Mostly the Sahel alone, every tenth round the catalogue (more files changing at once).
        argv = [sys.executable, "-m", "generator", "build", "--all" if round_ % 10 == 9 else "--region",
                *([] if round_ % 10 == 9 else ["sahel"]), "--format", "html,docx", "--out", str(out), "--quiet",
                "--date", (dt.date(2026, 1, 1) + dt.timedelta(days=round_)).isoformat()]
        process = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(pick.uniform(0.3, 2.5 if round_ % 10 == 9 else 1.2))
        process.send_signal(signal.SIGKILL)
        process.wait()
        if not (out / "manifest.json").exists():
            continue
        for entry in manifest(out).values():
            for info in entry["files"].values():
                path = out / info["name"]
                if not path.exists() or hashlib.sha256(path.read_bytes()).hexdigest() != info["sha256"]:
                    wrong.append(f"round {round_}: manifest: {info['name']}")
        sums = out / "SHA256SUMS"
        if sums.exists() and sums.read_text().strip():  # empty while the only briefing is being replaced
            check = subprocess.run(["sha256sum", "--quiet", "-c", "SHA256SUMS"], cwd=out, capture_output=True,
                                   text=True)
            if check.returncode != 0:
                wrong.append(f"round {round_}: SHA256SUMS: {(check.stdout + check.stderr).strip()[:200]}")
    assert wrong == []
    assert (out / "manifest.json").exists()  # the rounds did reach the point of writing
