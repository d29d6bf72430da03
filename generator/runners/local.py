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
starting the forkserver waits for nothing else. The forkserver holds none of the coordinator's descriptors (the
output lock among them) and exits when the coordinator does, however it
ends; its workers die with it (Linux PR_SET_PDEATHSIG) and with the
coordinator (lifecycle.py).
"""

from __future__ import annotations

import concurrent.futures.process
import multiprocessing
import multiprocessing.forkserver
import os
import signal
import time
from concurrent.futures import Future, ProcessPoolExecutor
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
    phases.set_role("worker")
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    die_with_parent(os.getppid(), also=coordinator)
    from ..render import warm  # preloaded by the forkserver

    warm(templates, wanted, pdf_variant, with_pictures=pictures, picture_store=picture_store, shipped=shipped)


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


