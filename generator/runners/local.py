"""Render workers of a local build, and their lifecycle: they ignore
Ctrl-C (the coordinator decides), do not hold the output lock, die with the
coordinator even when it is killed outright, and are ended at once when a
build is stopped.

Workers are forked from multiprocessing's forkserver, a fresh process
that imports the writers (WeasyPrint, python-docx, matplotlib for the
pictures) once and freezes what they made out of the workers' garbage
collections (runners/frozen.py). A cold build of the catalogue starts it
(`prepare`) as soon as the command has read its arguments (cli.py), any
other cold build before planning, so those imports, about 0.6 s, run
while the coordinator imports and reads its content, imports its build
machinery and plans instead of after; every worker then starts warm.
This module imports the render core only when it is used, so that
starting the forkserver waits for nothing else. The forkserver holds none
of the coordinator's descriptors (the output lock among them) and exits
when the coordinator does, however it ends; its workers die with it
(Linux PR_SET_PDEATHSIG) and with the coordinator (lifecycle.py).

A build of one briefing in several formats has one worker instead, forked
from the command itself as it starts (`AheadRunner`): it renders the
formats the registry renders apart (the PDF) while the command renders
the rest.
"""

from __future__ import annotations

import concurrent.futures.process
import multiprocessing
import multiprocessing.forkserver
import os
import signal
import sys
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING

from .. import assets, formats, phases
from ..compat import forkserver
from ..compat.futures import worker_processes
from ..lifecycle import die_with_parent

if TYPE_CHECKING:
    from ..render import Rendering, Task


def _preload(wanted: set[str], pictures: bool) -> list[str]:
    """The modules the forkserver imports for these formats. `__main__`
    first: a main script run as a file (a test's, a tool's) is imported
    once by the forkserver, instead of by every worker as multiprocessing
    would. The `briefing` command's is not imported at all: it declares
    itself as `generator.__main__` (compat/forkserver.py)."""
    modules = ["__main__", "generator.render", "generator.runners.local"]
    modules += [f"generator.writers.{formats.get(f).writer.partition(':')[0]}" for f in sorted(wanted)]
    return modules + (["generator.pictures.draw"] if pictures else []) + ["generator.runners.frozen"]


def prepare(wanted: set[str], pictures: bool) -> None:
    """Start the forkserver now, importing the writers for `wanted` (and
    matplotlib when pictures will be drawn) while this process goes on.
    Once per process: a forkserver already running is kept."""
    multiprocessing.get_context("forkserver").set_forkserver_preload(_preload(wanted, pictures))
    multiprocessing.forkserver.ensure_running()


def stop() -> None:
    """Stop this process's forkserver, if one runs, and wait for it (at
    most a few seconds). The `briefing` command does this as it exits: the
    workers' CPU time and memory then count in its own resource usage
    (which is what a benchmark or `time` reads), and no process is left to
    find out on its own that the coordinator is gone. Only once every pool
    is closed: the forkserver exits when the last worker it forked has."""
    forkserver.stop()


def _init_worker(coordinator: int, templates: Path, wanted: set[str], pdf_variant: str, pictures: bool,
                 picture_store: Path | None, shipped: dict[str, bytes]) -> None:
    """Runs first in every worker process.

    - Ctrl-C reaches the whole process group; the coordinator decides what
      happens, so workers ignore SIGINT and are stopped by it.
    - If the forkserver or the coordinator goes, even killed outright, the
      worker goes too (see lifecycle.py).
    - It loads the writers, the pictures' store and the assets tasks refer
      to (the map outlines), which a worker forked from the forkserver
      does not inherit from the coordinator.
    """
    _become_worker(coordinator)
    from ..render import warm  # preloaded by the forkserver

    warm(templates, wanted, pdf_variant, with_pictures=pictures, picture_store=picture_store, shipped=shipped)


def _become_worker(coordinator: int) -> None:
    phases.set_role("worker")
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    die_with_parent(os.getppid(), also=coordinator)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Stop at once: cancel what has not started and end running renders
    (before Python 3.14 through the pool's process table: compat/futures.py)."""
    processes = worker_processes(pool)
    terminate = getattr(pool, "terminate_workers", None)
    if terminate is not None:
        terminate()  # shuts the pool down too
    else:
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()
    deadline = time.monotonic() + 1.0
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
            process.join(0.5)


class LocalRunner:
    """Worker processes forked from the forkserver (see `prepare`), each
    warm before its first task."""

    lost: tuple[type[BaseException], ...] = (concurrent.futures.process.BrokenProcessPool,)

    def __init__(self, workers: int, wanted: set[str], templates: Path, pdf_variant: str,
                 picture_store: Path | None, pictures: bool = False) -> None:
        prepare(wanted, pictures)
        forkserver.forking()
        self.pool = ProcessPoolExecutor(
            max_workers=workers, mp_context=multiprocessing.get_context("forkserver"), initializer=_init_worker,
            initargs=(os.getpid(), templates, wanted, pdf_variant, pictures, picture_store, assets.snapshot()))

    def submit(self, task: Task) -> Future[Rendering]:
        from ..render import render

        return self.pool.submit(render, task)

    def failure(self, exc: BaseException) -> str:
        return "its worker process died (killed, or out of memory); run the build again"

    def close(self, finished: bool) -> None:
        if finished:
            self.pool.shutdown(wait=True)
        else:
            _stop_workers(self.pool)


def _init_ahead(coordinator: int, templates: Path, wanted: set[str], pdf_variant: str | None, pictures: bool,
                picture_store: Path | None) -> None:
    """`_init_worker` for the worker forked ahead, which is forked before
    the command has checked its options. What its warm-up cannot load (an
    unknown PDF variant, a broken template) is left to the command, which
    stops at the first, and to the render, which fails the briefing with
    the message of the second, as a render in the command would: an
    initializer that raises would break the pool with a traceback on
    stderr instead."""
    _become_worker(coordinator)
    from ..render import warm  # imported now, while the coordinator reads and plans
    from ..writers import DEFAULT_PDF_VARIANT

    with suppress(Exception):
        warm(templates, wanted, pdf_variant or DEFAULT_PDF_VARIANT, with_pictures=pictures,
             picture_store=picture_store)


class AheadRunner(LocalRunner):
    """The worker of a build of one briefing in several formats, some of
    them rendered apart (the format registry's `apart`: the PDF): forked
    from this process itself as soon as the command has read its arguments
    (`fork_ahead`), it imports their writers while this process reads its
    content and plans, then renders them while this process renders the
    other formats (build.py, `_Build._beside`).

    A fork, not the forkserver: a new interpreter would have to start and
    import our code before the worker could begin on WeasyPrint, and this
    process is still small and alone (single-threaded) when it forks. The
    worker holds no lock (it is forked before the build takes it), no
    signing key, content or notes (forked before they are read: it has
    only the tasks it is sent), ignores Ctrl-C and dies with this process
    like every local worker (`_init_worker`). Assets this process reads
    after the fork (the map outlines) go to the worker before the task
    that needs them."""

    def __init__(self, wanted: set[str], templates: Path, pdf_variant: str | None, picture_store: Path | None,
                 pictures: bool) -> None:
        for stream in (sys.stdout, sys.stderr):  # else the worker would write what we had buffered again
            with suppress(Exception):
                stream.flush()
        self.wanted = frozenset(wanted)
        self.pool = ProcessPoolExecutor(
            max_workers=1, mp_context=multiprocessing.get_context("fork"), initializer=_init_ahead,
            initargs=(os.getpid(), templates, wanted, pdf_variant, pictures, picture_store))
        self.shipped: set[str] = set()
        # The pool forks its worker, and starts the threads that feed it, at
        # the first task: with SIGINT and SIGTERM blocked, so that those
        # threads never take a signal the build holds back while it writes
        # (build._signals_held). The worker unblocks them for itself.
        held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        try:
            self.pool.submit(int)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)

    def submit(self, task: Task) -> Future[Rendering]:
        from ..render import render

        held = assets.snapshot()
        if held.keys() - self.shipped:
            self.pool.submit(assets.put_all, {k: v for k, v in held.items() if k not in self.shipped})
            self.shipped |= held.keys()
        return self.pool.submit(render, task)


_ahead: AheadRunner | None = None


def fork_ahead(wanted: set[str], templates: Path, pdf_variant: str | None, picture_store: Path | None,
               pictures: bool) -> bool:
    """Fork the worker of a one-briefing build now, for the formats in
    `wanted` (see `AheadRunner`); the build takes it (`take_ahead`). Not in
    a process that runs other threads (a test runner's, an embedding
    application's), where a fork may copy a lock another thread holds:
    False, and the build renders in this process as with -j 1."""
    global _ahead
    if _ahead is None:
        if threading.active_count() > 1:
            return False
        _ahead = AheadRunner(wanted, templates, pdf_variant, picture_store, pictures)
    return True


def take_ahead() -> AheadRunner | None:
    """The worker forked ahead, if any, now the caller's to use and close."""
    global _ahead
    runner, _ahead = _ahead, None
    return runner


def drop_ahead() -> None:
    """Stop the worker forked ahead if no build took it (the command
    stopped at a usage or content error, or had nothing to render)."""
    runner = take_ahead()
    if runner is not None:
        runner.close(finished=False)
