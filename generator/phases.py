"""Where a run's time goes: wall and CPU time per phase, for the benchmark's
waterfall (bench/run.py, bench/README.md).

Off unless the environment names a file in BRIEFING_PHASES; then every
process of the run (the coordinator and the workers it forks) appends one
JSON line per finished phase to it:

    {"pid": 4711, "role": "coordinator", "phase": "plan", "start": ..., "end": ..., "cpu": 0.31}

`start` and `end` are wall-clock seconds (time.time(), comparable across
processes); `cpu` is the process's CPU time in the phase, less that of the
phases nested in it, so the lines of one process add up without counting
anything twice. BRIEFING_PHASES_T0, when given, is the wall-clock time
the process was started at by whoever measures: the first phase,
"start-up" (the interpreter and the imports before `main`), runs from it.

Each line is one write(2) on a file opened for appending, so lines of
processes writing at once do not interleave. Writing a phase costs about
20 µs; when off, `phase` costs a dictionary lookup.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress

ENV = "BRIEFING_PHASES"
T0 = "BRIEFING_PHASES_T0"

_role = "coordinator"
_nested: list[float] = []  # per open phase: the CPU time of the phases nested in it


def set_role(role: str) -> None:
    """Name this process in the lines it writes ("worker" in a render worker)."""
    global _role
    _role = role


@contextmanager
def phase(name: str) -> Iterator[None]:
    """Record the wall and CPU time of the block as phase `name`."""
    if not os.environ.get(ENV):
        yield
        return
    start, cpu = time.time(), time.process_time()
    _nested.append(0.0)
    try:
        yield
    finally:
        spent = time.process_time() - cpu
        inner = _nested.pop()
        if _nested:
            _nested[-1] += spent
        _write(name, start, time.time(), spent - inner)


def started() -> None:
    """Record "start-up": from the time the measurer started this process
    (BRIEFING_PHASES_T0) to now, with all the CPU time spent so far."""
    t0 = os.environ.get(T0)
    if not os.environ.get(ENV) or not t0:
        return
    with suppress(ValueError):
        _write("start-up", float(t0), time.time(), time.process_time())


def _write(name: str, start: float, end: float, cpu: float) -> None:
    line = json.dumps({"pid": os.getpid(), "role": _role, "phase": name, "start": round(start, 6),
                       "end": round(end, 6), "cpu": round(cpu, 6)}) + "\n"
    try:
        fd = os.open(os.environ[ENV], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line.encode())
        finally:
            os.close(fd)
    except (OSError, KeyError):
        pass  # measuring must never break a build
