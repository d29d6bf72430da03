"""concurrent.futures internals (imported by build.py).

- `worker_processes`: ProcessPoolExecutor has no public way to end its
  workers before Python 3.14 (`terminate_workers`, python/cpython#128041);
  a build stopped by Ctrl-C or SIGTERM must end its running renders, so it
  terminates the pool's processes from its process table.
"""

from __future__ import annotations

import sys
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.process import BaseProcess

WRITTEN_FOR = ((3, 11), (3, 14))


def worker_processes(pool: ProcessPoolExecutor) -> list[BaseProcess]:
    """The pool's worker processes (taken before shutdown(), which forgets them)."""
    return list((getattr(pool, "_processes", None) or {}).values())


def written_for_this_python() -> bool:
    return WRITTEN_FOR[0] <= sys.version_info[:2] <= WRITTEN_FOR[1]
