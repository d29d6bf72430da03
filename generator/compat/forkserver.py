"""multiprocessing.forkserver internals (imported by runners/local.py).

- `stop`: the `briefing` command stops the forkserver its build started
  as it exits, and waits for it, so that the workers' CPU time and memory
  count in its own resource usage and no process is left behind to notice
  on its own. multiprocessing has no public call for it (the private
  `ForkServer._stop` waits without a limit; no upstream issue found). This
  closes the forkserver's "alive" pipe, as `_stop` does, and waits at most
  `timeout` seconds: a forkserver exits only when every worker it forked
  has closed that pipe too, and a command must not hang on a worker that
  is slow to die. A forkserver no worker was asked of (a build started it
  ahead, then stopped at a usage or content error) is killed instead: it
  would read that pipe only once its imports were done, up to a second
  later, and it holds nothing. Pools say they start workers (`forking`).
- `main_is_package`: the `briefing` command is a console script, which
  Python runs as a file, so multiprocessing has every process it starts
  (the forkserver, or else each worker) run that file again to rebuild a
  `__main__` that nothing of ours uses: an import of the whole command
  line (content, YAML, the catalogue: 40–60 ms), before the first render.
  For `python -m generator` it does not, because a package's `__main__`
  runs its command unconditionally (`spawn._fixup_main_from_name` skips
  any name ending in `.__main__`). The script is that same command, so it
  declares itself as `generator.__main__` (its `__spec__`) and the
  children skip it too.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import sys
import time
from contextlib import suppress

WRITTEN_FOR = ((3, 11), (3, 14))

_forking = False  # whether a pool of this process starts workers from its forkserver


def forking() -> None:
    """Say that a pool starts workers from this process's forkserver: `stop`
    then waits for them to end, instead of killing it."""
    global _forking
    _forking = True


def stop(timeout: float = 5.0) -> bool:
    """Ask this process's forkserver to exit and wait up to `timeout`
    seconds; True when there was none or it has exited."""
    from multiprocessing import forkserver  # here: the module is imported by every command (main_is_package)

    server = getattr(forkserver, "_forkserver", None)
    pid = getattr(server, "_forkserver_pid", None)
    alive = getattr(server, "_forkserver_alive_fd", None)
    if server is None or pid is None or alive is None:
        return True
    if not _forking:
        with suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    with suppress(OSError):
        os.close(alive)
    server._forkserver_alive_fd = None
    deadline = time.monotonic() + timeout
    while True:
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            done = pid
        if done == pid:
            server._forkserver_pid = None
            address = getattr(server, "_forkserver_address", None)
            if address and not address.startswith("\0"):
                with suppress(OSError):
                    os.unlink(address)
            server._forkserver_address = None
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)


def main_is_package(package: str) -> None:
    """Declare this process's `__main__` as `package.__main__` when it was
    run as a file (see above); nothing when it was run with -m already."""
    main = sys.modules.get("__main__")
    if main is not None and getattr(main, "__spec__", None) is None:
        main.__spec__ = importlib.util.find_spec(f"{package}.__main__")


def written_for_this_python() -> bool:
    return WRITTEN_FOR[0] <= sys.version_info[:2] <= WRITTEN_FOR[1]
