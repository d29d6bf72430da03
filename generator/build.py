"""Build jobs: compose every briefing first, then render in worker processes
what is not already on disk, writing atomically under the output lock.

The shape of a build, and why:

- **Plan before writing.** Every briefing is selected and composed, and the
  folder's manifest checked against the disk, before a file is touched.
- **A briefing changes only when what it shows changes.** A job's
  `content_hash` is a hash of its model composed with a fixed placeholder
  date, so it covers exactly what the reader sees (passages, tags, extracts,
  key messages, marking) and nothing of the rest of content/. The date a
  briefing shows is the date its content last changed: the date recorded
  for the same `content_hash` in the manifest, else today. So tomorrow's run
  of an unchanged catalogue rebuilds nothing, and changing one passage
  rebuilds the briefings that print it. An edition date chosen with `--date`
  replaces that for every briefing of that run only: the manifest keeps the
  content's own date (`content_date`) beside the date shown, and the next
  run without `--date` shows the content's date again.
- **Each format is current or not on its own**: its input hash adds the
  date, templates (fonts included), generator version and format; a file is
  current when that hash matches the manifest and the file's sha256 matches
  its bytes. A PDF's input hash adds its variant and who signs it.
- **Publishing is kept apart** (generator/publish/): keys are checked before
  planning, the coordinator signs each rendered PDF before writing it (the
  private key never reaches a worker), and SHA256SUMS and feed.xml are
  derived from the manifest each time it is written.
- **Only the coordinator writes.** Workers render and return bytes; the
  coordinator writes each briefing's files and then the manifest, with
  SIGINT/SIGTERM held back in between, so after any stop the manifest
  describes exactly what is on disk. A coordinator killed outright (KILL, OOM)
  takes its workers with it (PR_SET_PDEATHSIG) and the kernel releases the
  lock; the next build reconciles the manifest with the disk.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import math
import os
import re
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from . import __version__, formats, pictures
from .cachedir import cache_folder, pictures_stored, shared_pictures
from .compose import Edition, compose
from .content import Content
from .dates import build_date
from .errors import BriefingError, Interrupted, OutputError
from .formats import DEFAULT_FORMATS, FORMATS
from .labels import load_labels
from .learned import LearnedStore
from .manifest import (
    INDEX,
    BesideFile,
    ManifestEntry,
    ManifestFile,
    document_title,
    folder_clearance,
    index_update,
    manifest_update,
    read_manifest,
)
from .model import Briefing, fingerprint_data
from .outputs import MANIFEST, PICTURE_STORE, OutputLock, atomic_write, remove, write_if_changed
from .phases import phase
from .publish import Publishing, write_published
from .publish.feed import FEED, change_between, passage_marks, render_feed, text_key
from .publish.sums import file_records
from .query import QUERY
from .render import Output, Rendering, Task, render, templates_digest
from .runners import Runner, local
from .runners.local import LocalRunner
from .select import Selection, Selector, select

# Seconds between writes of the manifest during a build (see _checkpoint).
MANIFEST_EVERY = 1.0
# Composed in place of the real date to hash what a briefing shows apart
# from its date (any fixed date would do).
PLACEHOLDER_DATE = dt.date(2000, 1, 1)
# Names of files a build may have written, for --prune: a briefing id and a
# format suffix. Anything else in the folder is left alone.
# A briefing's file, or a picture written beside one.
BRIEFING_FILE = re.compile(r"^(region|theme|ministry)-[a-z0-9+-]+(\.[1-9][0-9]*\.svg|"
                           + "|".join(re.escape(f.extension) for f in formats.REGISTRY.values()) + r")$")


# Beside the manifest, not published (outputs.py: '.briefing-*'): the texts
# of the passages the briefings print, for the feed's changed sentences.
PASSAGE_TEXTS = ".briefing-passages.json"


def _read_texts(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def file_sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _model_hash(briefing: Briefing) -> str:
    text = json.dumps(fingerprint_data(briefing), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


# --------------------------------------------------------------------------
# Plan


@dataclass(frozen=True, slots=True)
class Options:
    """How to build, besides what. `date` is the edition date chosen by the
    user (every briefing shows it); None keeps each briefing's own date."""

    formats: tuple[str, ...] = DEFAULT_FORMATS
    workers: int = 1
    force: bool = False
    prune: bool = False
    dry_run: bool = False
    wait: bool = False
    whole_catalogue: bool = False
    date: dt.date | None = None
    scheduler: str | None = None  # a Dask scheduler's address: render on that cluster
    publishing: Publishing = Publishing()
    clearance: str = ""  # the level id up to which notes are admitted ("": the scale's lowest)
    # The editions' languages: each briefing is built in each ("region-sahel",
    # "region-sahel.en"); () is the edition's own language only.
    languages: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Facts:
    """What the manifest records of a planned briefing besides its files
    and dates. Kept in the plan cache, so that a build whose inputs have
    not changed composes nothing to know it has nothing to do."""

    id: str
    content_hash: str  # what the reader sees, apart from the date
    title: str
    passage_count: int
    marking: str
    passages: tuple[str, ...]  # the ids of the strategy's passages it prints (the feed's marks)

    @classmethod
    def of(cls, undated: Briefing, selection: Selection) -> Facts:
        return cls(undated.id, _model_hash(undated), undated.cover.title, undated.passage_count,
                   undated.cover.marking, tuple(p.id for p in selection.passages))


class _Composed:
    """A job's selection and undated model, made when first asked for."""

    __slots__ = ("model", "selection")

    def __init__(self, selection: Selection | None = None, model: Briefing | None = None) -> None:
        self.selection, self.model = selection, model


@dataclass(frozen=True, slots=True)
class Job:
    """One briefing: what the manifest records of it (`facts`), and for
    each format the hash of everything its file depends on. A pure function
    of these, so any process can run it.

    `model` is the briefing composed with the placeholder date: everything
    it shows but its date. The manifest and the up-to-date check need only
    its facts, which a plan may take from the plan cache; `selection` and
    `model` are then made when first asked for, and `briefing()` composes
    the briefing as printed, only for briefings that are rendered."""

    facts: Facts
    selectors: tuple[Selector, ...]
    formats: tuple[str, ...]
    templates: Path
    date: dt.date
    template_hash: str
    content: Content
    edition: Edition  # with the date the briefing shows
    pdf_identity: tuple[str, ...] = ()  # Publishing.pdf_identity: the PDF's variant and signer
    # When what the briefing shows last changed: the date it shows unless
    # this run chose an edition date (--date), which later runs forget.
    content_date: dt.date | None = None
    composed: _Composed = field(default_factory=_Composed, compare=False, repr=False)

    @property
    def selection(self) -> Selection:
        if self.composed.selection is None:
            self.composed.selection = select(self.content, self.selectors, self.edition.notes, self.edition.language)
        return self.composed.selection

    @property
    def model(self) -> Briefing:
        if self.composed.model is None:
            self.composed.model = compose(self.content, self.selection,
                                          dataclasses.replace(self.edition, date=PLACEHOLDER_DATE))
        return self.composed.model

    def briefing(self) -> Briefing:
        return compose(self.content, self.selection, self.edition)

    @property
    def content_hash(self) -> str:
        return self.facts.content_hash

    def input_hash(self, fmt: str) -> str:
        extra = list(self.pdf_identity) if fmt == "pdf" else []
        inputs = json.dumps([self.content_hash, self.date.isoformat(), self.template_hash, __version__, fmt, *extra])
        return hashlib.sha256(inputs.encode()).hexdigest()

    @property
    def id(self) -> str:
        return self.facts.id

    def file_name(self, fmt: str) -> str:
        return self.facts.id + formats.get(fmt).extension


DateLookup = Callable[[str, str], "dt.date | None"]
"""(briefing id, content hash) -> the date recorded for that content, if any."""


def plan(content: Content, wanted: Sequence[tuple[Selector, ...]], templates: Path, edition: Edition,
         date_of: DateLookup, options: Options, template_hash: str | None = None, keep: bool = True) -> list[Job]:
    """Select and compose every briefing before anything is written, so a
    selection error stops the build with nothing half-done. `edition.date`
    is today; see the module docstring for the date a briefing shows.
    `template_hash` may be given by a caller that already knows it (a
    server whose templates do not change while it runs).

    With `keep`, what a plan finds is kept in the plan cache (see
    `_PlanCache`): the next plan of the same briefings from the same inputs
    reads their facts instead of selecting and composing them again. (The
    server, which plans one briefing at a time and keeps its plans in
    memory, does not keep them.)"""
    template_hash = template_hash or templates_digest(templates, language=edition.language or content.document.language)
    kept = _PlanCache(content, template_hash, edition, wanted if keep else None)
    jobs = []
    for selectors in wanted:
        composed = _Composed()
        facts = kept.get(selectors)
        if facts is None:
            composed.selection = select(content, selectors, edition.notes, edition.language)
            composed.model = compose(content, composed.selection, dataclasses.replace(edition, date=PLACEHOLDER_DATE))
            facts = kept.put(selectors, Facts.of(composed.model, composed.selection))
        content_date = date_of(facts.id, facts.content_hash) or edition.date
        date = options.date or content_date
        jobs.append(Job(facts, tuple(selectors), options.formats, templates, date, template_hash, content,
                        dataclasses.replace(edition, date=date), options.publishing.pdf_identity, content_date,
                        composed))
    kept.save()
    return jobs


class _PlanCache:
    """Facts of planned briefings, in the content cache's folder (see
    content.load_content), one file per set of inputs: the content's
    digest (its files and the generator's code), the templates' digest,
    the edition apart from its date, and the briefings asked for. A plan
    with the ministry's notes is never kept: the cache lives outside every
    output folder, unclassified."""

    def __init__(self, content: Content, template_hash: str, edition: Edition,
                 wanted: Sequence[tuple[Selector, ...]] | None) -> None:
        self.facts: dict[str, Facts] = {}
        self.changed = False
        folder = cache_folder()
        self.path: Path | None = None
        if wanted is None or folder is None or not content.digest or edition.notes:
            return
        key = json.dumps([content.digest, template_hash, __version__, edition.marking, edition.organisation,
                          edition.language, str(edition.templates), [self._key(s) for s in wanted]])
        self.path = folder / f"plan-{hashlib.sha256(key.encode()).hexdigest()[:32]}.json"
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            self.facts = {k: Facts(v["id"], v["content_hash"], v["title"], v["passage_count"], v["marking"],
                                   tuple(v["passages"])) for k, v in data.items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self.facts = {}

    @staticmethod
    def _key(selectors: Sequence[Selector]) -> str:
        return " ".join(f"{s.kind}:{s.id}" for s in selectors)

    def get(self, selectors: Sequence[Selector]) -> Facts | None:
        return self.facts.get(self._key(selectors))

    def put(self, selectors: Sequence[Selector], facts: Facts) -> Facts:
        self.facts[self._key(selectors)] = facts
        self.changed = True
        return facts

    def save(self) -> None:
        if self.path is None or not self.changed:
            return
        data = {k: dataclasses.asdict(f) for k, f in self.facts.items()}
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            atomic_write(self.path, json.dumps(data, ensure_ascii=False).encode(), durable=False)
            for old in self.path.parent.glob("plan-*.json"):  # plans of inputs long gone
                if old != self.path and old.stat().st_mtime < time.time() - 7 * 86400:
                    old.unlink(missing_ok=True)
        except (OSError, BriefingError):
            pass  # the next plan composes again, nothing else


def manifest_dates(previous: dict[str, ManifestEntry]) -> DateLookup:
    """Dates as a build folder's manifest records them."""
    return lambda bid, content_hash: _recorded_date(previous.get(bid), content_hash)


def _recorded_date(entry: ManifestEntry | None, content_hash: str) -> dt.date | None:
    """The date the recorded content last changed. Not the date shown:
    that may be an edition date a past run chose with --date, which
    applies to that run only."""
    if not entry or entry.get("content_hash") != content_hash:
        return None
    try:
        return dt.date.fromisoformat(entry.get("content_date", ""))
    except ValueError:
        return None


# --------------------------------------------------------------------------
# Writing


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back while a briefing's files and the
    manifest are written, so an interrupt cannot fall between the two."""
    held = {signal.SIGINT, signal.SIGTERM}
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


# --------------------------------------------------------------------------
# Results and reporting


@dataclass(frozen=True, slots=True)
class JobResult:
    """What became of one briefing. `built` lists the formats rendered now;
    `files` every current file of the briefing afterwards."""

    id: str
    files: tuple[ManifestFile, ...] = ()
    built: tuple[str, ...] = ()
    error: str = ""
    seconds: float = 0.0

    @property
    def skipped(self) -> bool:
        return not self.built and not self.error


class Reporter(Protocol):
    """Where a build tells what it does (the CLI prints; a server logs)."""

    def briefing(self, result: JobResult, done: int, total: int) -> None: ...

    def note(self, message: str) -> None: ...


class _Silent:
    def briefing(self, result: JobResult, done: int, total: int) -> None:
        pass

    def note(self, message: str) -> None:
        pass


@dataclass
class BuildReport:
    results: list[JobResult] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # files removed: stale formats, pruned briefings
    not_asked: list[str] = field(default_factory=list)  # briefings in the folder no longer in the catalogue
    not_done: list[str] = field(default_factory=list)  # briefings an interrupt left unbuilt
    interrupted: str = ""  # "SIGINT" or "SIGTERM"
    dry_run: bool = False
    total: int = 0  # briefings asked for

    @property
    def built(self) -> int:
        return sum(1 for r in self.results if r.built and not r.error)

    @property
    def up_to_date(self) -> int:
        return sum(1 for r in self.results if r.skipped)

    @property
    def failed(self) -> list[JobResult]:
        return [r for r in self.results if r.error]


# --------------------------------------------------------------------------
# The build


def build_briefings(content: Content, wanted: Sequence[tuple[Selector, ...]], templates: Path, out: Path,
                    edition: Edition, options: Options, reporter: Reporter | None = None) -> BuildReport:
    """Plan, then render and write under the output lock; keep manifest.json
    and index.html equal to the folder. Failures of single briefings are in
    the report (the others are written); an interrupt (KeyboardInterrupt,
    `Interrupted`) stops rendering at once, keeps and records what was
    finished, and is in the report too."""
    reporter = reporter or _Silent()
    if options.scheduler:  # a wrong address is an error even when nothing needs rendering
        from .runners.dask import checked_address
        checked_address(options.scheduler)
    clearance = options.clearance or content.scale.lowest.id
    recorded = folder_clearance(out, content.scale.lowest.id)
    if recorded is not None and recorded != clearance:
        # Outputs of different clearances never share a folder: a lower build
        # must not list, prune or overwrite a higher one's files, nor the reverse.
        raise OutputError(f"{out}: this folder holds a build at clearance '{recorded}'; this build is at "
                          f"'{clearance}': give each clearance its own --out folder")
    if options.dry_run:
        previous = _verified(read_manifest(out), out)
        jobs = _plan_editions(content, wanted, templates, edition, manifest_dates(previous), options)
        return _dry_run(jobs, previous, out, options)
    seen = read_manifest(out)
    if options.workers > 1 and len(wanted) > 1 and not options.scheduler and (options.force or not seen):
        # Everything will be rendered, by workers: their imports run while we plan.
        local.prepare(set(options.formats), pictures=not pictures_stored(out))
    with phase("plan"):
        jobs = _plan_editions(content, wanted, templates, edition, manifest_dates(seen), options)
    lock = OutputLock(out).acquire(wait=options.wait, waiting=reporter.note)
    store = out / PICTURE_STORE
    pictures.use_store(store)  # for this process and the workers it forks
    try:
        if lock.stale_owner:
            reporter.note(f"taking over the lock of build pid {lock.stale_owner}, which stopped without "
                          "finishing; its finished briefings are kept")
        # Read again under the lock: another build may have finished while we
        # planned (then the dates it recorded count).
        current = read_manifest(out)
        if current != seen and options.date is None:
            jobs = _plan_editions(content, wanted, templates, edition, manifest_dates(current), options)
        with phase("verify output folder"):
            previous = _verified(current, out)
        return _Build(content, jobs, previous, out, templates, options, reporter).run()
    finally:
        pictures.use_store(None)
        pictures.trim_store(store)
        pictures.trim_store(shared_pictures())
        lock.release()


def _joined(bid: str, formats: tuple[str, ...], parts: Sequence[Rendering]) -> Rendering:
    """Renderings of one briefing in different formats as one, its outputs
    in the order of `formats`; failed if any part failed."""
    errors = [part.error for part in parts if part.error]
    seconds = max(part.seconds for part in parts)
    if errors:
        return Rendering(bid, error="; ".join(errors), seconds=seconds,
                         transient=all(part.transient for part in parts if part.error))
    outputs = {o.format: o for part in parts for o in part.outputs}
    return Rendering(bid, tuple(outputs[f] for f in formats), seconds=seconds)


def _plan_editions(content: Content, wanted: Sequence[tuple[Selector, ...]], templates: Path, edition: Edition,
                   date_of: DateLookup, options: Options) -> list[Job]:
    """The plan of every language asked for, one edition after the other."""
    languages = options.languages or (edition.language,)
    return [job for language in languages
            for job in plan(content, wanted, templates, dataclasses.replace(edition, language=language), date_of,
                            options)]


def _verified(entries: dict[str, ManifestEntry], out: Path) -> dict[str, ManifestEntry]:
    """The manifest as the disk has it: a file whose bytes no longer match
    its recorded sha256 (or that is gone) is dropped from its entry."""
    verified: dict[str, ManifestEntry] = {}
    for bid, entry in entries.items():
        files = {fmt: info for fmt, info in entry.get("files", {}).items()
                 if fmt in FORMATS and all(file_sha256(out / name) == sha for name, sha in file_records(info))}
        verified[bid] = {**entry, "files": files}
    return verified


def _current(job: Job, entry: ManifestEntry | None, fmt: str) -> ManifestFile | None:
    if entry is None:
        return None
    info = entry["files"].get(fmt)
    if info is None or info.get("input_hash") != job.input_hash(fmt) or info.get("name") != job.file_name(fmt):
        return None
    return info


def _todo(job: Job, entry: ManifestEntry | None, force: bool) -> tuple[str, ...]:
    return tuple(f for f in job.formats if force or _current(job, entry, f) is None)


def _stale(job: Job, entry: ManifestEntry | None) -> list[str]:
    """Files of formats not asked for this time that no longer match what
    the briefing would be: removed, so the folder holds nothing out of date."""
    if entry is None:
        return []
    return [name for fmt, info in entry["files"].items() if fmt not in job.formats and _current(job, entry, fmt) is None
            for name, _ in file_records(info)]


def _unlisted(out: Path, entries: dict[str, ManifestEntry], keep: set[str]) -> list[str]:
    listed = {name for e in entries.values() for info in e["files"].values() for name, _ in file_records(info)} | keep
    try:
        names = sorted(p.name for p in out.iterdir() if p.is_file())
    except OSError:
        return []
    return [n for n in names if BRIEFING_FILE.match(n) and n not in listed]


def _dry_run(jobs: list[Job], previous: dict[str, ManifestEntry], out: Path, options: Options) -> BuildReport:
    report = BuildReport(dry_run=True, total=len(jobs))
    asked = {j.id for j in jobs}
    for job in jobs:
        entry = previous.get(job.id)
        todo = _todo(job, entry, options.force)
        files = tuple(info for f in job.formats if f not in todo and (info := _current(job, entry, f)))
        report.results.append(JobResult(job.id, files, built=todo))
        report.removed += _stale(job, entry)
    if options.whole_catalogue:
        gone = sorted(set(previous) - asked)
        if options.prune:
            report.removed += [name for bid in gone for info in previous[bid]["files"].values()
                               for name, _ in file_records(info)]
            report.removed += _unlisted(out, {b: e for b, e in previous.items() if b not in gone},
                                        {j.file_name(f) for j in jobs for f in j.formats})
        else:
            report.not_asked = gone
    return report


class _Build:
    """One run under the lock. Holds the manifest as it stands, writes it
    after every finished briefing."""

    def __init__(self, content: Content, jobs: list[Job], previous: dict[str, ManifestEntry], out: Path,
                 templates: Path, options: Options, reporter: Reporter) -> None:
        self.content, self.jobs, self.out, self.templates = content, jobs, out, templates
        self.options, self.reporter = options, reporter
        self.entries = dict(previous)
        self.report = BuildReport(total=len(jobs))
        self.results: dict[str, JobResult] = {}
        self.done = 0
        self.now = (dt.datetime.combine(build_date(), dt.time(), dt.UTC) if os.environ.get("SOURCE_DATE_EPOCH")
                    else dt.datetime.now(dt.UTC).replace(microsecond=0)).isoformat()
        self.dirty = False
        self.written_at = -math.inf  # the first finished briefing is listed at once
        self.write_cost = 0.0
        # The text of every passage the manifest lists, by its short hash:
        # when one changes, the feed says which sentences did.
        self.texts = _read_texts(out / PASSAGE_TEXTS)
        self.beside: dict[str, set[str]] = {}  # see run
        # What renders learned for the next build (learned.py); not with notes.
        self.learned = LearnedStore(None if any(job.edition.notes for job in jobs) else cache_folder())

    def run(self) -> BuildReport:
        todo = {job.id: _todo(job, self.entries.get(job.id), self.options.force) for job in self.jobs}
        rendered = self._longest_first([job for job in self.jobs if todo[job.id]])
        # Started (a cluster connected to) before anything is written or
        # removed, so a cluster that cannot be reached leaves the folder as it was.
        runner = self._runner(rendered, todo)
        # A record goes before its file changes: the files this build will
        # replace or remove leave manifest.json and SHA256SUMS first, so a
        # KILL at any moment leaves at worst a file unlisted (the next build
        # lists it again), never a checksum its bytes do not have.
        stale = {job.id: _stale(job, self.entries.get(job.id)) for job in self.jobs}
        # Pictures beside a file about to be replaced: removed once the new
        # file is written, unless it has the same ones.
        self.beside = {job.id: {name for f in todo[job.id] if (info := entry["files"].get(f))
                                for name, _ in file_records(info)[1:]}
                       for job in self.jobs if (entry := self.entries.get(job.id))}
        self._unlist({job.id: {job.file_name(f) for f in todo[job.id]} | set(stale[job.id]) for job in self.jobs})
        finished = False
        try:
            for job in self.jobs:
                for name in stale[job.id]:
                    remove(self.out / name)
                    self.report.removed.append(name)
                if not todo[job.id]:
                    self._finish(job, Rendering(job.id))
            if isinstance(runner, local.AheadRunner):
                self._beside(runner, rendered[0], todo[rendered[0].id], runner.wanted)
            elif runner is None:
                for job in rendered:
                    self._finish(job, render(self._task(job, todo[job.id])))
            else:
                self._render(runner, rendered, todo)
            finished = True
        except KeyboardInterrupt as exc:
            self.report.interrupted = "SIGTERM" if isinstance(exc, Interrupted) else "SIGINT"
            self.report.not_done = [j.id for j in self.jobs if j.id not in self.results]
        finally:
            if runner is not None:
                runner.close(finished)
        self._tidy()
        self.learned.save()
        self.report.results = [self.results[j.id] for j in self.jobs if j.id in self.results]
        self._write_manifest(final=True)
        return self.report

    def _unlist(self, changing: dict[str, set[str]]) -> None:
        """Drop from the manifest on disk (and so from SHA256SUMS) the
        records of the files about to be replaced or removed."""
        dropped = False
        for bid, names in changing.items():
            entry = self.entries.get(bid)
            if entry is None or not names:
                continue
            kept = {fmt: info for fmt, info in entry["files"].items() if info["name"] not in names}
            if len(kept) != len(entry["files"]):
                self.entries[bid] = {**entry, "files": kept}
                dropped = True
        if dropped:
            with _signals_held():
                self._write_manifest()

    def _longest_first(self, jobs: list[Job]) -> list[Job]:
        """The briefings to render, longest first, so that no worker is
        left with a long one at the end: by the pages each printed at this
        folder's last build, else by its passages (as pages, at the rate of
        the briefings whose pages are known)."""
        pages = {job.id: count for job in jobs
                 if (entry := self.entries.get(job.id)) and (count := entry.get("pages"))}
        known = [job for job in jobs if job.id in pages]
        rate = (sum(pages[j.id] for j in known) / max(1, sum(j.facts.passage_count for j in known))) if known else 1.0
        return sorted(jobs, key=lambda j: pages.get(j.id) or j.facts.passage_count * rate, reverse=True)

    def _task(self, job: Job, formats: tuple[str, ...]) -> Task:
        return Task(job.briefing(), formats, self.templates, self.options.publishing.pdf_variant,
                    self.learned.prior(job.id))

    def _runner(self, jobs: list[Job], todo: dict[str, tuple[str, ...]]) -> Runner | None:
        """Where the renders run: on a Dask cluster if one was named, in a
        pool of local worker processes, in the worker the command forked
        ahead for one briefing's PDF (cli.py, `_worker_ahead`), or (one
        worker, or one briefing) in this process. The worker forked ahead
        is stopped when the plan has no use for it."""
        ahead = local.take_ahead()
        if ahead is not None:
            if len(jobs) == 1 and set(formats.apart(todo[jobs[0].id])) == ahead.wanted:
                return ahead
            ahead.close(finished=False)
        if not jobs:
            return None
        if self.options.scheduler:
            from .runners.dask import ClusterRunner  # imports Dask only when asked for
            return ClusterRunner(self.options.scheduler, self.templates)
        if self.options.workers <= 1 or len(jobs) <= 1:
            return None
        # Whether workers will draw pictures (and so want matplotlib loaded):
        # told by the store, before any briefing is composed for rendering.
        return LocalRunner(min(self.options.workers, len(jobs)), {f for j in jobs for f in todo[j.id]},
                           self.templates, self.options.publishing.pdf_variant, self.out / PICTURE_STORE,
                           pictures=not pictures_stored(self.out))

    def _render(self, runner: Runner, jobs: list[Job], todo: dict[str, tuple[str, ...]]) -> None:
        """Compose each briefing as printed and hand it to the workers, in
        turn: they start on the first while this process composes the rest."""
        futures: dict[Future[Rendering], Job] = {}
        for job in jobs:
            task = self._task(job, todo[job.id])
            with _signals_held():
                futures[runner.submit(task)] = job
        for future in as_completed(futures):
            job = futures[future]
            try:
                rendering = future.result()
            except runner.lost as exc:
                rendering = Rendering(job.id, error=runner.failure(exc))
            self._finish(job, rendering)

    def _beside(self, runner: Runner, job: Job, wanted: tuple[str, ...], away: frozenset[str]) -> None:
        """One briefing: the formats in `away` (the PDF) rendered by the
        worker, the others here meanwhile; then written together, or (if
        either failed) not at all, as a render of all of them in one
        process would be."""
        with _signals_held():
            future = runner.submit(self._task(job, tuple(f for f in wanted if f in away)))
        here = render(self._task(job, tuple(f for f in wanted if f not in away)))
        try:
            there = future.result()
        except runner.lost as exc:
            there = Rendering(job.id, error=runner.failure(exc))
        self._finish(job, _joined(job.id, wanted, (here, there)))

    def _finish(self, job: Job, rendering: Rendering) -> None:
        with phase("sign"):
            rendering = self._sealed(rendering)
        # Files, manifest and the line that reports them, all or nothing: an
        # interrupt waits until they agree (a briefing listed but not said
        # to be built would be done again by nobody's account).
        with _signals_held(), phase("write files"):
            result = self._record(job, rendering)
            self.results[job.id] = result
            self.done += 1
            self.reporter.briefing(result, self.done, len(self.jobs))

    def _record(self, job: Job, rendering: Rendering) -> JobResult:
        """Write a rendering's files and list them; the briefing's result."""
        entry = self.entries.get(job.id)
        if rendering.error:
            return JobResult(job.id, tuple(entry["files"].values()) if entry else (), error=rendering.error,
                             seconds=rendering.seconds)
        files = {}
        for output in rendering.outputs:
            files[output.format] = self._write(job, output)
        written = {name for info in files.values() for name, _ in file_records(info)}
        for name in sorted(self.beside.get(job.id, set()) - written):
            remove(self.out / name)
        for fmt in job.formats:  # the formats that were current already
            if fmt not in files and (info := _current(job, entry, fmt)) is not None:
                files[fmt] = info
        for fmt, info in (entry["files"].items() if entry else ()):  # other formats still current
            if fmt not in files and _current(job, entry, fmt) is not None:
                files[fmt] = info
        built = tuple(o.format for o in rendering.outputs)
        self.learned.record(job.id, ((o.format, o.learned) for o in rendering.outputs))
        self.entries[job.id] = self._entry(job, files, entry, bool(built))
        if built:
            self._checkpoint()
        return JobResult(job.id, tuple(files.values()), built=built, seconds=rendering.seconds)

    def _sealed(self, rendering: Rendering) -> Rendering:
        """The rendering with its PDF signed, when a key is configured.
        Signing happens here, in the coordinator, so the key stays in it."""
        publishing = self.options.publishing
        if publishing.pdf_key is None or rendering.error:
            return rendering
        words = load_labels(self.content.document.language, self.templates)
        try:
            outputs = tuple(dataclasses.replace(o, data=publishing.seal(
                o.data, words.text("signature.reason"), words.text("signature.location")))
                if o.format == "pdf" else o for o in rendering.outputs)
        except Exception as exc:  # a signing failure fails this briefing, not the build
            return dataclasses.replace(rendering, outputs=(), error=f"signing the PDF: {type(exc).__name__}: {exc}")
        return dataclasses.replace(rendering, outputs=outputs)

    def _write(self, job: Job, output: Output) -> ManifestFile:
        """Write one rendered file, the files beside it first (a reader who
        opens it finds its pictures), and return its manifest record."""
        beside = []
        for name, data in output.beside:
            atomic_write(self.out / name, data)
            beside.append(BesideFile(name=name, sha256=hashlib.sha256(data).hexdigest(), bytes=len(data)))
        name = job.file_name(output.format)
        atomic_write(self.out / name, output.data)
        info = ManifestFile(name=name, sha256=hashlib.sha256(output.data).hexdigest(), bytes=len(output.data),
                            pages=output.pages, input_hash=job.input_hash(output.format))
        if beside:
            info["beside"] = beside
        return self._facts(info, output.format)

    def _facts(self, info: ManifestFile, fmt: str) -> ManifestFile:
        publishing = self.options.publishing
        if fmt == "pdf":
            info["variant"] = publishing.pdf_variant
            if publishing.pdf_key is not None:
                info["signer"] = publishing.pdf_key.name
                info["signer_sha256"] = publishing.pdf_key.fingerprint
        return info

    def _entry(self, job: Job, files: dict[str, ManifestFile], old: ManifestEntry | None,
               built: bool) -> ManifestEntry:
        paged = next((files[f] for f in FORMATS if f in files and formats.get(f).paged), None)
        # The feed's memory: what the briefing prints now, and when and how
        # its content last changed (kept while content_hash stays the same).
        printed = [self.content.by_id[pid] for pid in job.facts.passages]
        marks = passage_marks(printed)
        self.texts.update((text_key(p.text), p.text) for p in printed)
        if old is None or old.get("content_hash") != job.content_hash:
            changed_at, change = self.now, change_between(old.get("passage_hashes") if old else None, marks,
                                                          self.texts)
        elif "last_change" in old:
            changed_at, change = old.get("changed_at", self.now), old["last_change"]
        else:  # a manifest from before the feed: unchanged since it was built
            changed_at, change = old.get("built_at", self.now), change_between(None, marks)
        entry: ManifestEntry = {
            "id": job.id,
            "title": job.facts.title,
            "language": job.edition.language or self.content.document.language,
            "selectors": [{"kind": s.kind, "id": s.id, "label": s.id if s.kind == QUERY
                           else self.content.taxonomies[s.kind][s.id].label_en if job.edition.language == "en"
                           else self.content.taxonomies[s.kind][s.id].label_nl} for s in job.selectors],
            "passages": job.facts.passage_count,
            "marking": job.facts.marking,
            "date": job.date.isoformat(),
            "content_date": (job.content_date or job.date).isoformat(),
            "content_hash": job.content_hash,
            "pages": paged["pages"] if paged else None,
            "built_at": self.now if built or not old else old.get("built_at", self.now),
            "changed_at": changed_at,
            "passage_hashes": marks,
            "last_change": change,
            "files": {fmt: files[fmt] for fmt in FORMATS if fmt in files},
        }
        if old != entry:
            self.dirty = True
        return entry

    def _tidy(self) -> None:
        """Briefings in the folder that this build was not asked for: after a
        single build they stay; after a catalogue build they are reported,
        and with --prune removed along with unlisted briefing files."""
        if not self.options.whole_catalogue or self.report.interrupted:
            return
        asked = {j.id for j in self.jobs}
        gone = sorted(b for b in self.entries if b not in asked)
        if not self.options.prune:
            self.report.not_asked = gone
            return
        for bid in gone:
            for info in self.entries.pop(bid)["files"].values():
                for name, _ in file_records(info):
                    remove(self.out / name)
                    self.report.removed.append(name)
            self.dirty = True
        for name in _unlisted(self.out, self.entries, set()):
            remove(self.out / name)
            self.report.removed.append(name)

    def _checkpoint(self) -> None:
        """Write the manifest during the build, at most about once a second
        (and never more than a tenth of the time): rewriting it after every
        briefing costs O(n²) for a catalogue of thousands. An interrupt
        writes it at once (see run); only a KILL can leave the briefings of
        the last second on disk unlisted, which the next build renders again."""
        now = time.monotonic()
        if now - self.written_at < max(MANIFEST_EVERY, 10 * self.write_cost):
            return
        self._write_manifest()
        self.written_at = time.monotonic()
        self.write_cost = self.written_at - now

    def _write_manifest(self, final: bool = False) -> None:
        with phase("write manifest, index, feed" if final else "write manifest"):
            self._write_manifest_now(final)

    def _write_manifest_now(self, final: bool) -> None:
        entries = [e for e in self.entries.values() if e["files"]]
        # During the build it is written after a briefing was built, so it changed.
        data, manifest = manifest_update(self.out, self.content, entries, self.now,
                                         self.options.clearance or self.content.scale.lowest.id, compare=final)
        # Listed in SHA256SUMS as they stand; index.html and feed.xml change only at the end.
        own: dict[str, bytes | None] = {MANIFEST: data, INDEX: None, FEED: None}
        if final:
            # In the build's first language: an English-only folder speaks English.
            language = (self.options.languages or (self.content.document.language,))[0] or \
                self.content.document.language
            own[INDEX] = index_update(self.out, self.content, self.templates, manifest,
                                      only_if_missing=not (data or self.dirty or self.report.removed),
                                      language=language)
            words = load_labels(language, self.templates)
            own[FEED] = render_feed(manifest, words, words.text("index.title", document=document_title(
                self.content, language)), self.options.publishing.base_url)
        write_published(self.out, manifest, self.options.publishing, own, final)
        if final:
            # Only the texts the manifest now lists: what the next change is diffed against.
            listed = {mark["sha256"] for e in entries for mark in e.get("passage_hashes", {}).values()}
            kept = {key: text for key, text in sorted(self.texts.items()) if key in listed}
            write_if_changed(self.out / PASSAGE_TEXTS, (json.dumps(kept, ensure_ascii=False, indent=0) + "\n").encode())
