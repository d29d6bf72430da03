"""No classified sentence in a lower build (issue 23): canary strings are
seeded in notes at every level, about every subject, and the catalogue is
built at each clearance (plus the matrix, and a cluster build). Every byte
written is scanned — each file of each format (PDF text and decompressed
streams, every part of a Word package, the Markdown and its pictures), the
manifest, SHA256SUMS, the feed, the index, the picture store, the passage
memory, what the build printed, and the tasks sent to Dask. The server
(issue 24) is scanned the same way: every page, JSON answer and file each
user gets, its cache partitions, its audit log and its log. A canary may
appear only at or above its level, and does appear there (the scan would
otherwise prove nothing)."""

from __future__ import annotations

import datetime as dt
import pickle
import re
import secrets
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT, TEMPLATES

from generator.build import Options, build_briefings
from generator.classification import Level
from generator.compose import Edition
from generator.content import Content
from generator.notes import load_notes
from generator.render import Task
from generator.select import Selector

LEVELS = ("openbaar", "dv", "stg-c", "stg-g")


def canaries() -> dict[str, str]:
    """One token per level: letters and digits only, so that no writer
    breaks or escapes it (a PDF line break may still hyphenate it: the
    scan takes hyphens and spaces out of PDF text)."""
    return {level: f"kanarie{n}{secrets.token_hex(5)}" for n, level in enumerate(LEVELS)}


def seed(folder: Path, tokens: dict[str, str], content: Content) -> Path:
    """A notes folder with, per level, a note about every subject and one on
    a passage, each carrying its level's token in its id, unit and text."""
    folder.mkdir()
    (folder / "_folder.yaml").write_text("max_classification: stg-g\n", encoding="utf-8")
    subjects = [f"{kind}:{entry.id}" for kind in ("region", "theme", "ministry")
                for entry in content.taxonomies[kind].entries]
    lines = []
    for level, token in tokens.items():
        for n, about in enumerate((f"subjects: [{', '.join(subjects)}]", "passages: [beleid-19]")):
            lines.append(f"- id: n{n}-{token}\n  {about}\n  classification: {level}\n  date: 2026-11-2{n}\n"
                         f"  unit: U{token}\n  text: |\n    Tekst {token} van niveau {level}.\n\n"
                         f"    - punt {token}\n")
    (folder / f"{tokens['stg-g']}.yaml").write_text("\n".join(lines), encoding="utf-8")
    return folder


def blobs(path: Path) -> Iterator[bytes]:
    """What a reader or a program can get out of one file."""
    data = path.read_bytes()
    yield data
    if path.suffix == ".pdf":
        yield subprocess.run(["qpdf", "--qdf", "--object-streams=disable", str(path), "-"], capture_output=True,
                             check=False).stdout
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True).stdout.decode()
        yield re.sub(r"[\s\-\u00ad\u2010]", "", text).encode()
    if path.suffix == ".docx":
        with zipfile.ZipFile(path) as package:
            for name in package.namelist():
                yield package.read(name)


def found(data: bytes, token: str) -> bool:
    return token.encode() in data or token.encode("utf-16-be") in data or token.upper().encode() in data


def scan(folder: Path, said: str, tokens: dict[str, str]) -> dict[str, set[str]]:
    """level -> the files (and 'log') in which its token was found."""
    where: dict[str, set[str]] = {level: set() for level in tokens}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        for data in blobs(path):
            for level, token in tokens.items():
                if found(data, token):
                    where[level].add(str(path.relative_to(folder)))
    for level, token in tokens.items():
        if token in said:
            where[level].add("log")
    return where


def build(out: Path, notes: Path, clearance: str, *args: str) -> str:
    run = subprocess.run([sys.executable, "-m", "generator", "build", "--out", str(out), "--notes", str(notes),
                          "--clearance", clearance, "-j", "2", "--date", "2026-12-01", *args],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    return run.stdout + run.stderr


@pytest.mark.slow
def test_no_canary_reaches_a_build_below_its_level(tmp_path: Path, content: Content,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("BRIEFING_CACHE", str(cache))  # one for builds at every clearance, as a user's is
    tokens = canaries()
    notes = seed(tmp_path / "notes", tokens, content)
    rank = {level: n for n, level in enumerate(LEVELS)}
    builds = [
        ("openbaar", "catalogue", ["--all", "--format", "pdf,docx,html,md"]),
        ("dv", "catalogue", ["--all", "--format", "pdf,docx,html,md"]),
        ("stg-c", "catalogue", ["--all", "--format", "html,md"]),
        ("openbaar", "matrix", ["--matrix", "--format", "html"]),
        ("stg-g", "sahel", ["--region", "sahel", "--format", "pdf,docx,html,md"]),
    ]
    for clearance, name, args in builds:
        out = tmp_path / f"{name}-{clearance}"
        said = build(out, notes, clearance, *args)
        where = scan(out, said, tokens)
        for level in LEVELS:
            if rank[level] > rank[clearance]:
                assert where[level] == set(), f"{level} canary in a {clearance} build: {sorted(where[level])[:5]}"
            else:  # admitted: in the briefings, in every format asked for
                files = where[level]
                for fmt in args[args.index("--format") + 1].split(","):
                    assert any(f.endswith(f".{fmt}") for f in files), (level, clearance, fmt, sorted(files)[:5])
                assert "log" not in files  # a build says nothing of any note's words
    # The cache folder (content, plans, layouts learned, dictionaries, templates, maps' views,
    # drawn pictures) serves every clearance: no note's words, at any level, reach it.
    assert any(cache.glob("content-*.pickle")) and any(cache.glob("pyphen-*.pickle"))
    assert any((cache / "pictures").glob("*.svg")) and any((cache / "pictures").glob("*.png"))
    assert scan(cache, "", tokens) == {level: set() for level in tokens}


@pytest.mark.slow
def test_tasks_sent_to_a_cluster_hold_nothing_above_the_clearance(tmp_path: Path, content: Content,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    distributed = pytest.importorskip("distributed")
    from generator.runners import dask as runner

    tokens = canaries()
    notes = seed(tmp_path / "notes", tokens, content)
    clearance: Level = content.scale.level("dv")
    admitted = load_notes([notes], content, clearance, dt.date(2026, 12, 1))
    sent: list[bytes] = []
    submit = runner.ClusterRunner.submit

    def recording(self: runner.ClusterRunner, task: Task) -> object:
        sent.append(pickle.dumps(task))
        return submit(self, task)

    monkeypatch.setattr(runner.ClusterRunner, "submit", recording)
    wanted = [(Selector("region", "sahel"),), (Selector("theme", "piracy"),),
              (Selector("region", "horn-of-africa"), Selector("theme", "piracy"))]
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None, silence_logs=40) as cluster:
        report = build_briefings(content, wanted, TEMPLATES, tmp_path / "out",
                                 Edition(date=dt.date(2026, 12, 1), notes=admitted),
                                 Options(formats=("html", "md"), scheduler=cluster.scheduler_address,
                                         clearance="dv"))
    assert report.built == len(wanted) and not report.failed, [r.error for r in report.failed]
    assert len(sent) == len(wanted)
    everything = b"".join(sent)
    assert found(everything, tokens["openbaar"]) and found(everything, tokens["dv"])
    assert not found(everything, tokens["stg-c"]) and not found(everything, tokens["stg-g"])
    where = scan(tmp_path / "out", "", tokens)
    assert where["stg-c"] == where["stg-g"] == set() and where["dv"]


@pytest.mark.slow
def test_no_canary_reaches_a_server_user_below_its_level(tmp_path: Path, content: Content,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    """The server at clearance stg-c, with users at Openbaar (not logged in),
    DV and Stg. C: every page, JSON answer and file each gets, the cache's
    partitions, the audit log and the server's log."""
    import logging

    from argon2 import PasswordHasher
    from starlette.testclient import TestClient

    from generator.serve.app import create_app
    from generator.serve.auth import load_auth
    from generator.serve.cache import Cache

    tokens = canaries()
    notes = seed(tmp_path / "notes", tokens, content)
    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    (tmp_path / "users.toml").write_text(
        f'[users.dv]\npassword = "{cheap.hash("pw")}"\ngroups = ["a"]\n'
        f'[users.stgc]\npassword = "{cheap.hash("pw")}"\ngroups = ["b", "a"]\n', encoding="utf-8")
    (tmp_path / "auth.toml").write_text('audit_log = "audit.jsonl"\n[clearances]\na = "dv"\nb = "stg-c"\n'
                                        '[users]\nfile = "users.toml"\n', encoding="utf-8")
    clearance = content.scale.level("stg-c")
    admitted = load_notes([notes], content, clearance, dt.date.today())
    app = create_app(content, TEMPLATES, Cache(tmp_path / "cache"), workers=2, notes=admitted, clearance=clearance,
                     auth=load_auth(tmp_path / "auth.toml", content.scale))
    rank = {level: n for n, level in enumerate(LEVELS)}
    names = ["region-sahel", "theme-terrorism+ministry-defence"]
    caplog.set_level(logging.INFO)
    with TestClient(app, client=("127.0.0.1", 1)):  # the app's lifespan: its pool, its service
        for user, level in (("", "openbaar"), ("dv", "dv"), ("stgc", "stg-c")):
            client = TestClient(app, client=("127.0.0.1", 2 + rank[level]))
            if user:
                answer = client.post("/login", data={"user": user, "password": "pw"}, follow_redirects=False)
                assert answer.status_code == 303
            received = tmp_path / f"received-{level}"
            received.mkdir()
            paths = ["/", "/api/subjects", "/api/catalogue", "/?region=sahel", "/?theme=terrorism&ministry=defence",
                     "/api/preview?region=sahel", *(f"/api/briefings/{name}" for name in names),
                     *(f"/briefings/{name}.{fmt}" for name in names for fmt in ("pdf", "docx", "html", "md")),
                     *(f"/briefings/{name}.1.svg" for name in names),
                     # asked for above the user's clearance: refused, holding nothing
                     *(f"/briefings/{name}.html?marking={above}" for name in names for above in LEVELS
                       if rank[level] < rank[above] <= rank["stg-c"])]
            for n, url in enumerate(paths):
                response = client.get(url, headers={"accept": "text/html"})
                assert response.status_code in (200, 401, 403), (url, response.status_code)
                suffix = Path(url.split("?")[0]).suffix or ".txt"
                (received / f"{n}{suffix}").write_bytes(response.content)
            where = scan(received, "", tokens)
            for other in LEVELS:
                if rank[other] > rank[level]:
                    assert where[other] == set(), f"{other} canary served to a {level} user: {sorted(where[other])}"
                else:  # admitted: the scan finds it in every format served (pages and JSON show counts only)
                    files = where[other]
                    for suffix in (".pdf", ".docx", ".html", ".md"):
                        assert any(f.endswith(suffix) for f in files), (other, level, suffix, sorted(files))
    cache = tmp_path / "cache"
    partitions = {"openbaar": cache, "dv": cache / "clearance" / "dv", "stg-c": cache / "clearance" / "stg-c"}
    for level, folder in partitions.items():
        # The root partition is the cache folder without the others (with its dates and pictures).
        stored = [p for p in folder.rglob("*")
                  if p.is_file() and (folder != cache or p.relative_to(cache).parts[0] != "clearance")]
        assert stored, level
        for path in stored:
            for data in blobs(path):
                for other, token in tokens.items():
                    if rank[other] > rank[level]:
                        assert not found(data, token), f"{other} canary in the {level} partition: {path}"
        assert any(found(data, tokens[level]) for path in stored for data in blobs(path)), level
    assert not any(found(data, tokens["stg-g"]) for path in cache.rglob("*") if path.is_file()
                   for data in blobs(path))
    audit = (tmp_path / "audit.jsonl").read_text(encoding="utf-8")
    said = caplog.text
    for token in tokens.values():
        assert token not in audit and token not in said  # no note's words in any log
    assert '"event":"download"' in audit and '"event":"refused"' in audit
