"""Worker processes that die with the process they work for, however it
dies: the build's workers with the build, the server's workers with the
forkserver that forked them and with the server.

On Linux the kernel does it: PR_SET_PDEATHSIG sends the worker SIGKILL
when its parent goes, even when the parent was killed outright and could
clean nothing up. Elsewhere, and for a process the worker must outlive
no longer that is not its parent (the server, above the forkserver), a
daemon thread looks twice a second.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1
WATCH_EVERY = 0.5  # seconds


def die_with_parent(parent: int, also: int | None = None) -> None:
    """Arm this process to die when `parent` (its parent now) does, and
    when `also` (a process further up) is gone. Exits at once if `parent`
    is gone already."""
    armed = False
    if sys.platform.startswith("linux"):
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
