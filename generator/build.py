"""Build jobs: compose every briefing first, then render them in parallel,
skipping those whose inputs are unchanged, writing atomically under a lock.

A `Job` is a pure function of its inputs — the briefing model, the formats,
the templates folder and the generator version — which is what makes the
input hash meaningful, lets any machine run any job, and makes builds with
SOURCE_DATE_EPOCH reproducible.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .compose import Edition, compose
from .content import Content
from .errors import BriefingError, BuildFailed, OutputError
from .manifest import entries, read_manifest, write_outputs
from .model import Briefing, fingerprint_data
from .select import Selector, select
from .writers import get_writer

LOCK_NAME = ".briefing.lock"
TEMP_PREFIX = ".tmp-"


def build_date() -> dt.date:
    """SOURCE_DATE_EPOCH when set (reproducible builds), else today (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
        except ValueError:
            raise OutputError(f"SOURCE_DATE_EPOCH must be a whole number of seconds, not '{epoch}'") from None
    return dt.datetime.now(dt.UTC).date()


def templates_digest(templates: Path) -> str:
    sha = hashlib.sha256()
    for path in sorted(p for p in templates.rglob("*") if p.is_file()):
        sha.update(path.relative_to(templates).as_posix().encode() + b"\0" + path.read_bytes())
    return sha.hexdigest()


@dataclass(frozen=True, slots=True)
class Job:
    briefing: Briefing
    selectors: tuple[Selector, ...]
    formats: tuple[str, ...]
    templates: Path
    out: Path
    content_hash: str  # of what the reader sees (the model), not of content/ as a whole
    input_hash: str  # content_hash + templates + generator version + formats


@dataclass(frozen=True, slots=True)
class FileInfo:
    format: str
    name: str
    sha256: str
    bytes: int
    pages: int | None


@dataclass(frozen=True, slots=True)
class JobResult:
    id: str
    files: tuple[FileInfo, ...] = ()
    error: str = ""
    seconds: float = 0.0
    skipped: bool = False


def plan(content: Content, wanted: Sequence[tuple[Selector, ...]], formats: Sequence[str], templates: Path,
         out: Path, edition: Edition) -> list[Job]:
    """Select and compose every briefing before anything is written, so a
    selection error stops the build with nothing half-done."""
    template_hash = templates_digest(templates)
    jobs = []
    for selectors in wanted:
        briefing = compose(content, select(content, selectors), edition)
        model_json = json.dumps(fingerprint_data(briefing), sort_keys=True, ensure_ascii=False)
        content_hash = hashlib.sha256(model_json.encode()).hexdigest()
        inputs = json.dumps([content_hash, template_hash, __version__, list(formats)])
        jobs.append(Job(briefing, tuple(selectors), tuple(formats), templates, out, content_hash,
                        hashlib.sha256(inputs.encode()).hexdigest()))
    return jobs


def atomic_write(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same folder and rename: readers and
    a crash see the old file or the new one, never half of one."""
    tmp = path.with_name(f"{TEMP_PREFIX}{path.name}.{os.getpid()}")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def run_job(job: Job) -> JobResult:
    """Render one briefing in every format and write the files. Runs in a
    worker process; returns errors instead of raising so one failure does
    not stop the others."""
    start = time.perf_counter()
    try:
        rendered = []
        for fmt in job.formats:
            writer = get_writer(fmt, job.templates)
            rendered.append((fmt, writer.suffix, writer.render(job.briefing)))
        # Render everything first: a failure in the last format leaves no
        # new file of the first one behind.
        files = []
        for fmt, suffix, result in rendered:
            name = job.briefing.id + suffix
            atomic_write(job.out / name, result.data)
            files.append(FileInfo(fmt, name, hashlib.sha256(result.data).hexdigest(), len(result.data),
                                  result.pages))
        return JobResult(job.briefing.id, tuple(files), seconds=time.perf_counter() - start)
    except BriefingError as exc:
        return JobResult(job.briefing.id, error="; ".join(exc.messages()), seconds=time.perf_counter() - start)
    except Exception as exc:  # a renderer bug must not take the other briefings down
        return JobResult(job.briefing.id, error=f"{type(exc).__name__}: {exc}", seconds=time.perf_counter() - start)


@contextmanager
def output_lock(out: Path) -> Iterator[None]:
    """One build per output folder at a time; a second one fails at once
    with a message naming the lock, rather than interleaving files."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        handle = open(out / LOCK_NAME, "a+")  # noqa: SIM115 - held across the yield below
    except OSError as exc:
        raise OutputError(f"{out}: cannot create output folder or lock: {exc.strerror}") from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputError(f"{out}: another build is writing to this folder (lock {out / LOCK_NAME}); "
                              "wait for it to finish or use another --out") from None
        for stale in out.glob(f"{TEMP_PREFIX}*"):  # left by a build that was killed
            stale.unlink(missing_ok=True)
        yield
    finally:
        handle.close()


def up_to_date(job: Job, previous: dict[str, dict[str, object]]) -> JobResult | None:
    """The earlier result for `job` when its inputs are unchanged and its
    files are still there with the recorded size."""
    entry = previous.get(job.briefing.id)
    if not entry or entry.get("input_hash") != job.input_hash:
        return None
    files = entry.get("files")
    if not isinstance(files, dict) or set(files) != set(job.formats):
        return None
    infos = []
    for fmt, info in files.items():
        path = job.out / info["name"]
        if not path.is_file() or path.stat().st_size != info["bytes"]:
            return None
        infos.append(FileInfo(fmt, info["name"], info["sha256"], info["bytes"], info.get("pages")))
    return JobResult(job.briefing.id, tuple(infos), skipped=True)


Progress = Callable[[JobResult, int, int], None]


def execute(jobs: Sequence[Job], workers: int, previous: dict[str, dict[str, object]],
            progress: Progress | None = None, force: bool = False) -> list[JobResult]:
    results: dict[str, JobResult] = {}
    todo = []
    for job in jobs:
        done = None if force else up_to_date(job, previous)
        if done is not None:
            results[job.briefing.id] = done
        else:
            todo.append(job)
    total, count = len(jobs), len(results)
    if progress:
        for n, result in enumerate(results.values(), start=1):
            progress(result, n, total)
    if workers <= 1 or len(todo) <= 1:
        for job in todo:
            result = run_job(job)
            results[job.briefing.id] = result
            count += 1
            if progress:
                progress(result, count, total)
    else:
        # One process per document at a time: WeasyPrint is single-threaded,
        # and each worker keeps its writers (fonts, templates) warm. Writers
        # are built here first so forked workers start with them imported
        # and loaded; the largest briefings go first so no worker is left
        # with a long one at the end.
        for job in todo[:1]:
            for fmt in job.formats:
                get_writer(fmt, job.templates)
        todo.sort(key=lambda job: job.briefing.passage_count, reverse=True)
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=min(workers, len(todo)), mp_context=context) as pool:
            futures = {pool.submit(run_job, job): job for job in todo}
            for future in as_completed(futures):
                result = future.result()
                results[result.id] = result
                count += 1
                if progress:
                    progress(result, count, total)
    return [results[job.briefing.id] for job in jobs]


def failures(results: Sequence[JobResult]) -> None:
    failed = [(r.id, r.error) for r in results if r.error]
    if failed:
        raise BuildFailed(failed)


def build_briefings(content: Content, wanted: Sequence[tuple[Selector, ...]], formats: Sequence[str],
                    templates: Path, out: Path, edition: Edition, workers: int = 1, force: bool = False,
                    progress: Progress | None = None, whole_catalogue: bool = False) -> list[JobResult]:
    """Plan, then render and write under the output lock; update
    manifest.json and index.html. Raises BuildFailed after writing the rest
    when some briefings failed."""
    jobs = plan(content, wanted, formats, templates, out, edition)
    with output_lock(out):
        previous = read_manifest(out)
        results = execute(jobs, workers, previous, progress, force)
        built_at = (dt.datetime.combine(edition.date, dt.time(), dt.UTC) if os.environ.get("SOURCE_DATE_EPOCH")
                    else dt.datetime.now(dt.UTC).replace(microsecond=0)).isoformat()
        current = entries(jobs, results, previous, built_at, content)
        if not whole_catalogue:
            # A single briefing joins what the folder already lists.
            built = {e["id"] for e in current}
            current += [e for bid, e in previous.items() if bid not in built and all(
                (out / f["name"]).is_file() for f in e.get("files", {}).values())]
        write_outputs(out, content, current, built_at, templates)
    failures(results)
    return results

