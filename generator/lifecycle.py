"""Worker processes that die with the process they work for, however it
dies: the build's workers with the build, the server's workers with the
forkserver that forked them and with the server.

On Linux the kernel does it: PR_SET_PDEATHSIG sends the worker SIGKILL
when its parent goes, even when the parent was killed outright and could
clean nothing up. Elsewhere, and for a process the worker must outlive
no longer that is not its parent (the server, above the forkserver), a
daemon thread looks twice a second.

And a command that exits: once its work is done and written, whatever
the interpreter still waits for at exit (a library's exit handler joining
a thread, a child process) may take `EXIT_GRACE` seconds at most
(`exit_within`).
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from contextlib import suppress
from pathlib import Path
from types import FrameType

PR_SET_PDEATHSIG = 1
WATCH_EVERY = 0.5  # seconds
# Seconds an exit may take after the command has returned. It takes 20 ms;
# a build stopped by Ctrl-C or SIGTERM must be gone within two seconds.
EXIT_GRACE = 1.0


def die_with_parent(parent: int, also: int | None = None) -> None:
    """Arm this process to die when `parent` (its parent now) does, and
    when `also` (a process further up) is gone. Exits at once if `parent`
    is gone already."""
    armed = False
    if sys.platform.startswith("linux"):
        import ctypes  # here: every command imports this module for exit_within

        try:
            armed = ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL) == 0
        except (OSError, AttributeError):
            armed = False
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)
    if not armed or also is not None:
        threading.Thread(target=_watch, args=(parent, also), daemon=True, name="die-with-parent").start()


def _watch(parent: int, also: int | None) -> None:
    while os.getppid() == parent and (also is None or _alive(also)):
        time.sleep(WATCH_EVERY)
    os._exit(1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # there, but another user's: a recycled pid, so ours is gone
        return False
    return True


def exit_within(code: int) -> None:
    """Bound this process's exit: unless the interpreter has exited
    `EXIT_GRACE` seconds from now, say what it is waiting for and end it
    with `code`.

    Called when the command has returned, everything it writes written
    and closed. What is left is the interpreter's own exit: joining
    threads (concurrent.futures joins its pool's manager thread, with no
    limit, before Python 3.14 also after a pool was stopped at once) and
    child processes (multiprocessing's exit handler). A build stopped by
    Ctrl-C or SIGTERM in a CI run once printed its summary and then did
    not exit for 30 s; a scheduled build must never hang there. The
    thread is a daemon, so it runs on while the exit waits and never
    delays an exit that does not."""
    threading.Thread(target=_exit_after, args=(code, EXIT_GRACE), daemon=True, name="exit-within").start()


def _exit_after(code: int, grace: float) -> None:
    time.sleep(grace)
    with suppress(Exception):
        sys.stdout.flush()
    with suppress(Exception):
        waiting = "; ".join(_where_threads_are()) or "no thread"
        print(f"note: exiting took more than {grace:g} s, stopped now (waiting: {waiting})", file=sys.stderr,
              flush=True)
    os._exit(code)


def _where_threads_are() -> list[str]:
    """Each other thread's name and the innermost function it is in outside
    `threading`, or else the one its thread runs (one line each, not a
    traceback)."""
    names = {t.ident: t.name for t in threading.enumerate()}
    where = []
    for ident, frame in sys._current_frames().items():
        if ident == threading.get_ident():
            continue
        stack: list[FrameType] = []
        inner: FrameType | None = frame
        while inner is not None:
            stack.append(inner)
            inner = inner.f_back
        outside = [f for f in stack if Path(f.f_code.co_filename).name != "threading.py"]
        target = [f for f in stack if f.f_back is not None and f.f_back.f_code.co_qualname == "Thread.run"]
        shown = (outside or target or stack)[0]
        code = shown.f_code
        where.append(f"{names.get(ident, ident)} in {code.co_qualname} "
                     f"({Path(code.co_filename).name}:{shown.f_lineno})")
    return where
