"""Where renders run, behind one interface (`Runner`): worker processes
forked from this one (`local`), or a Dask cluster (`dask`, imported only
when a scheduler is named). The build submits tasks and collects
renderings the same way from either.
"""

from __future__ import annotations

from concurrent.futures import Future
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # a cold build starts the workers before it imports the render core (local.prepare)
    from ..render import Rendering, Task


class Runner(Protocol):
    """Runs render tasks in parallel and hands back concurrent.futures
    futures. `lost` are the exceptions by which a future reports that the
    render never finished (its worker died); `failure` says so in words."""

    lost: tuple[type[BaseException], ...]

    def submit(self, task: Task) -> Future[Rendering]: ...

    def failure(self, exc: BaseException) -> str: ...

    def close(self, finished: bool) -> None: ...


