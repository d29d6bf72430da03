"""Render workers forked from this process (a local build's pool), and
their lifecycle: they ignore Ctrl-C (the coordinator decides), do not hold
the output lock, die with the coordinator even when it is killed outright,
and are ended at once when a build is stopped.
"""

from __future__ import annotations

import concurrent.futures.process
import gc
import multiprocessing
import os
import signal
import time
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import suppress
from pathlib import Path

from ..compat.futures import worker_processes
from ..lifecycle import die_with_parent
from ..render import Rendering, Task, render, warm


def _init_worker(parent: int, lock_fd: int) -> None:
    """Runs first in every worker process.

    - Ctrl-C reaches the whole process group; the coordinator decides what
      happens, so workers ignore SIGINT and are stopped by it.
    - A forked worker inherits the lock's descriptor; closing it here means
      the lock dies with the coordinator, not with the last worker.
    - If the coordinator is killed outright, the kernel kills the workers
      (Linux PR_SET_PDEATHSIG); elsewhere a thread notices the new parent.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    if lock_fd >= 0:
        with suppress(OSError):
            os.close(lock_fd)
    die_with_parent(parent)


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
    """Worker processes forked from this one. Writers are loaded here first,
    so every worker starts with them imported and warm."""

    lost: tuple[type[BaseException], ...] = (concurrent.futures.process.BrokenProcessPool,)

    def __init__(self, workers: int, formats: set[str], templates: Path, pdf_variant: str, lock_fd: int,
                 preload_pictures: bool = False) -> None:
        warm(templates, formats, pdf_variant, with_pictures=preload_pictures)  # once, for all workers it forks
        self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"),
                                        initializer=_init_worker, initargs=(os.getpid(), lock_fd))

    def submit(self, task: Task) -> Future[Rendering]:
        return self.pool.submit(render, task)

    def failure(self, exc: BaseException) -> str:
        return "its worker process died (killed, or out of memory); run the build again"

    def close(self, finished: bool) -> None:
        if finished:
            self.pool.shutdown(wait=True)
        else:
            _stop_workers(self.pool)
        gc.unfreeze()


