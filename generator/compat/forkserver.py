"""multiprocessing.forkserver internals (imported by runners/local.py).

- `stop`: the `briefing` command stops the forkserver its build started
  as it exits, and waits for it, so that the workers' CPU time and memory
  count in its own resource usage and no process is left behind to notice
  on its own. multiprocessing has no public call for it (the private
  `ForkServer._stop` waits without a limit; no upstream issue found). This
  closes the forkserver's "alive" pipe, as `_stop` does, and waits at most
  `timeout` seconds: a forkserver exits only when every worker it forked
  has closed that pipe too, and a command must not hang on a worker that
  is slow to die.
"""

from __future__ import annotations

import os
import sys
import time
from contextlib import suppress
from multiprocessing import forkserver

WRITTEN_FOR = ((3, 11), (3, 14))


def stop(timeout: float = 5.0) -> bool:
    """Ask this process's forkserver to exit and wait up to `timeout`
    seconds; True when there was none or it has exited."""
    server = getattr(forkserver, "_forkserver", None)
    pid = getattr(server, "_forkserver_pid", None)
    alive = getattr(server, "_forkserver_alive_fd", None)
    if server is None or pid is None or alive is None:
        return True
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


def written_for_this_python() -> bool:
    return WRITTEN_FOR[0] <= sys.version_info[:2] <= WRITTEN_FOR[1]
