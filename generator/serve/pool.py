"""Rendering off the event loop: a pool of warm worker processes.

Rendering a PDF is CPU-bound for up to a second or two; the server's event
loop must never do it. The pool is pebble's ProcessPool, chosen because it
does what a rendering service needs and concurrent.futures does not:

- a deadline per task, after which the worker that overran is terminated
  and replaced (a stuck render cannot hold a worker forever);
- workers recycled after `max_tasks` renders, so memory cannot creep;
- a worker that dies (killed, out of memory) is replaced and its task
  fails with ProcessExpired, which we retry once.

Workers start through the forkserver (not plain fork: the server runs
threads, and forking a threaded process can deadlock), with the writers
imported and loaded before their first task.

Admission is bounded: at most `workers + queue` renders are admitted at
once; beyond that the caller gets `Busy`, which the HTTP layer answers with
429 and Retry-After. The same key asked for by many clients at once is
rendered once (single-flight).
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import multiprocessing
import os
import signal
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pebble

from .. import assets
from ..compat import forkserver
from ..lifecycle import die_with_parent
from ..render import Rendering, Task, render, warm

# Modules the forkserver imports once, so every worker it forks starts
# with them loaded (WeasyPrint's import takes about a quarter of a second,
# matplotlib's, for the maps and charts, about as long), and frozen out of
# the workers' garbage collections (runners/frozen.py). `__main__`: a main
# script multiprocessing would otherwise run again in every worker (not the
# `briefing` command's, which declares itself a package's: compat/forkserver.py).
PRELOAD = ["__main__", "generator.build", "generator.writers.html", "generator.writers.pdf", "generator.writers.docx",
           "generator.pictures.draw", "generator.runners.frozen"]


class Busy(Exception):
    """More renders are waiting than the pool admits; try again later."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"the server is busy; try again in {retry_after} s")
        self.retry_after = retry_after


class Overran(Exception):
    """A render took longer than the deadline; its worker was replaced."""


# Seconds past a render's deadline after which its pool is taken for stuck.
STUCK_AFTER = 10.0


def _ping() -> bool:
    return True


def _init_worker(server: int, templates: Path, picture_store: Path | None, shipped: dict[str, bytes]) -> None:
    """Runs first in every worker: it dies with the forkserver that forked
    it and with the server (a KILLed server or forkserver leaves no
    orphan holding memory), leaves Ctrl-C to the server, and loads what
    renders need."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent(os.getppid(), also=server)
    warm(templates, picture_store=picture_store, shipped=shipped)


class RenderPool:
    def __init__(self, templates: Path, workers: int = 2, queue: int = 16, deadline: float = 60.0,
                 max_tasks: int = 200, picture_store: Path | None = None) -> None:
        self.workers, self.queue, self.deadline = workers, queue, deadline
        self._templates, self._max_tasks, self._picture_store = templates, max_tasks, picture_store
        self._pool = self._start()
        self._admitted = 0
        self._inflight: dict[str, asyncio.Future[Rendering]] = {}
        self._seconds = 1.0  # running mean of render time, for Retry-After
        self.stuck_after = STUCK_AFTER
        self.renders = 0
        self.replaced = 0
        self.restarts = 0

    @property
    def pending(self) -> int:
        return self._admitted

    async def render(self, key: str, task: Task,
                     store: Callable[[Rendering], Awaitable[None]] | None = None) -> Rendering:
        """Render `task` once for everyone asking for `key` at the same time.
        `store` runs once with the result before the waiters are answered
        (the cache write), so that a later request finds the file. The
        render runs as its own task: a client that goes away does not
        cancel it for the others."""
        running = self._inflight.get(key)
        if running is None:
            if self._admitted >= self.workers + self.queue:
                waves = math.ceil((self._admitted + 1) / self.workers)
                raise Busy(max(1, math.ceil(waves * self._seconds)))
            self._admitted += 1
            running = asyncio.ensure_future(self._render_once(key, task, store))
            # Retrieve the outcome even when every client has gone away.
            running.add_done_callback(lambda t: t.cancelled() or t.exception())
            self._inflight[key] = running
        return await asyncio.shield(running)

    async def _render_once(self, key: str, task: Task,
                           store: Callable[[Rendering], Awaitable[None]] | None) -> Rendering:
        try:
            rendering = await self._run(task)
            if store is not None and not rendering.error:
                await store(rendering)
            return rendering
        finally:
            self._admitted -= 1
            self._inflight.pop(key, None)

    def _start(self) -> pebble.ProcessPool:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        forkserver.forking()
        # Workers start from the forkserver, not from this process: each is
        # given the assets tasks refer to (the map outlines), as this
        # process holds them when the pool starts (or restarts).
        return pebble.ProcessPool(max_workers=self.workers, max_tasks=self._max_tasks, initializer=_init_worker,
                                  initargs=(os.getpid(), self._templates, self._picture_store, assets.snapshot()),
                                  context=context)

    def _restart(self, broken: pebble.ProcessPool) -> None:
        """A new pool in place of one whose own machinery failed (pebble
        gives up on the whole pool when, say, a worker is killed while a
        message to it is half sent)."""
        if self._pool is broken:
            self._pool = self._start()
            self.restarts += 1
            with contextlib.suppress(Exception):
                broken.stop()  # type: ignore[no-untyped-call]

    async def _run(self, task: Task) -> Rendering:
        """One render, tried again once on a fresh worker when its worker
        died, and on a fresh pool when pebble gave up on the pool (it does
        when a worker dies before its task is marked as started: "All
        workers expired")."""
        expired = restarted = 0
        while True:
            start = time.perf_counter()
            pool = self._pool
            future = None
            try:
                future = pool.schedule(render, args=(task,), timeout=self.deadline)
                # pebble ends a task at its deadline; past that and a grace,
                # a future nobody resolved means the pool's own threads are
                # stuck (seen once under heavy load after workers were
                # KILLed): a new pool, and the task tried again there.
                rendering: Rendering = await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(future)),
                                                              self.deadline + self.stuck_after)
            except FutureTimeout:  # the same class as asyncio's TimeoutError
                if future is not None and not future.done() and not restarted:
                    future.cancel()  # type: ignore[no-untyped-call]
                    self._restart(pool)
                    restarted += 1
                    continue
                self.replaced += 1
                raise Overran(f"rendering took longer than {self.deadline:g} s") from None
            except pebble.ProcessExpired:
                self.replaced += 1
                expired += 1
                if expired > 1:
                    raise
                continue
            except (RuntimeError, BrokenProcessPool):
                try:
                    active = pool.active
                except (RuntimeError, BrokenProcessPool):  # asking may fail the same way
                    active = False
                if active or restarted:
                    raise
                self._restart(pool)
                restarted += 1
                continue
            self.renders += 1
            self._seconds = 0.8 * self._seconds + 0.2 * (time.perf_counter() - start)
            return rendering

    async def alive(self, timeout: float = 10.0) -> bool:
        """Whether the workers answer: a no-op task through the pool when it
        is idle (a pool that failed is replaced first). While renders are
        running the workers are evidently there, and a ping would only wait
        behind them."""
        if not self._pool.active:
            self._restart(self._pool)
        if self._admitted:
            return bool(self._pool.active)
        try:
            return bool(await asyncio.wait_for(asyncio.wrap_future(self._pool.schedule(_ping)), timeout))
        except (TimeoutError, RuntimeError, BrokenProcessPool, pebble.ProcessExpired):
            return False

    def close(self) -> None:
        self._pool.stop()  # type: ignore[no-untyped-call]
        self._pool.join(timeout=5)
