"""Catalogue builds on a Dask distributed cluster (`briefing build
--scheduler ADDRESS`). Imported only when a scheduler is given; needs the
optional extra `briefing[cluster]` on the coordinator and on every worker.

The design, and why:

- **The cluster renders, the coordinator writes.** A job is a pure
  function (composed briefing + templates -> bytes). Workers return the
  bytes; the coordinator writes them atomically and keeps the manifest, as
  in a local build. So the output folder needs no shared file system, a
  worker can never leave a half-written file, and the manifest has one
  writer. The price is that every file crosses the network once (a briefing
  is 0.1-0.5 MB in its three formats; rendering it costs about a second of
  CPU, so the network is not the bottleneck below thousands of workers).
- **Briefings travel composed; templates and assets by content hash.** The
  coordinator selects and composes every briefing while it plans (it must,
  to know which are out of date), so a task carries its composed model (a
  few kB of text), in which a map names its country outlines by digest
  (see assets.py). Templates and fonts (2.5 MB) and those assets (0.3 MB)
  are shipped once per worker: a worker plugin, named after their hash,
  unpacks the templates into the worker's temporary folder and keeps the
  assets when it joins, also for workers that join or are replaced later.
  So a worker needs no content/, templates/ or source/ of the checkout:
  `tests/test_cluster.py` runs workers in a mount namespace where those
  folders are empty.
- **Failures are Dask's.** A worker lost mid-render has its task rerun
  elsewhere by the scheduler (up to `distributed.scheduler.allowed-failures`
  times; then that briefing fails and the others go on). A task that ran
  twice returns the same bytes; the coordinator writes each briefing once.
  An interrupted build keeps what was written; the next run renders only
  what is missing, like a local build.
- **Same bytes as a local build.** Workers check that they run the same
  generator version as the coordinator (the version is part of every input
  hash), and render with the same writers.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .. import __version__, assets
from ..errors import OutputError, UsageError
from ..render import Rendering, Task, render, template_files, templates_digest, warm

try:
    from distributed import Client
    from distributed.comm.addressing import parse_address, parse_host_port
    from distributed.diagnostics.plugin import WorkerPlugin
except ImportError as exc:  # pragma: no cover - depends on the installation
    raise OutputError("building on a cluster needs Dask distributed: pip install 'briefing[cluster]'") from exc

CONNECT_TIMEOUT = "10s"


@dataclass(frozen=True, slots=True)
class TemplateBundle:
    """Every file of a templates folder, named by the hash of them all, and
    the assets render tasks refer to (by digest)."""

    digest: str
    files: Mapping[str, bytes]
    assets: Mapping[str, bytes]

    @classmethod
    def of(cls, templates: Path, shipped: Mapping[str, bytes]) -> TemplateBundle:
        files = template_files(templates)
        return cls(templates_digest(templates, files), files, dict(shipped))

    @property
    def name(self) -> str:
        """The plugin's name: the same for the same templates and assets."""
        key = hashlib.sha256(self.digest.encode() + "".join(sorted(self.assets)).encode()).hexdigest()
        return f"briefing-templates-{key[:24]}"


def unpacked(digest: str) -> Path:
    """Where a worker keeps the templates with this digest."""
    return Path(tempfile.gettempdir()) / f"briefing-templates-{digest[:24]}"


def unpack(bundle: TemplateBundle) -> Path:
    """Write the bundle into its folder once per machine: into a fresh
    folder first, renamed into place, so a worker never sees half of it."""
    target = unpacked(bundle.digest)
    if target.is_dir():
        return target
    staging = Path(tempfile.mkdtemp(prefix=".briefing-templates-", dir=target.parent))
    try:
        for name, data in bundle.files.items():
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        os.rename(staging, target)
    except OSError:
        if not target.is_dir():  # not another worker's rename winning the race
            raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


class Templates(WorkerPlugin):
    """Installs a templates bundle on every worker, including workers that
    join (or are restarted) during the build, and warms the worker with it:
    writers loaded, matplotlib and the house fonts registered (what a local
    build does before it forks), so no worker pays that inside its first
    render. Idempotent: a second build with the same templates does not
    ship them again."""

    idempotent = True

    def __init__(self, bundle: TemplateBundle) -> None:
        self.bundle = bundle
        self.name = bundle.name

    def setup(self, worker: Any) -> None:
        warm(unpack(self.bundle), shipped=self.bundle.assets)


def render_remote(task: Task, digest: str, version: str) -> Rendering:
    """Runs on a worker: render with the templates the plugin unpacked."""
    if version != __version__:
        return Rendering(task.briefing.id, error=f"the worker runs briefing {__version__}, the build "
                                                 f"{version}; install the same version on every worker")
    folder = unpacked(digest)
    if not folder.is_dir():
        return Rendering(task.briefing.id, error=f"the worker has no templates {digest[:12]} (its plugin "
                                                 "did not run); restart the worker")
    return render(replace(task, templates=folder))


def checked_address(address: str) -> str:
    """The scheduler address as Dask writes it (tcp://host:port), or a
    UsageError saying what is wrong with it. Checked before a Client is made:
    Dask raises a bare ValueError for a malformed address, and the half-made
    Client then hangs for 20 s while it is collected."""
    try:
        scheme, location = parse_address(address)
        if scheme not in ("tcp", "tls"):
            raise ValueError(f"protocol '{scheme}' is not for a cluster (tcp or tls)")
        parse_host_port(location)
    except ValueError as exc:
        why = "its port is not a number" if "invalid literal for int()" in str(exc) else str(exc)
        raise UsageError(f"scheduler address '{address}' is not like tcp://10.0.0.5:8786: {why}") from None
    return f"{scheme}://{location}"


class ClusterRunner:
    """Submits render tasks to a Dask cluster through its concurrent.futures
    executor. Connects on creation, so a wrong address fails the build
    before anything is written."""

    # A render returns its errors; what reaches the coordinator as an
    # exception is the cluster failing (KilledWorker after repeated worker
    # deaths, a lost scheduler, a cancelled task).
    lost: tuple[type[BaseException], ...] = (Exception,)

    def __init__(self, address: str, templates: Path) -> None:
        address = checked_address(address)
        bundle = TemplateBundle.of(templates, assets.snapshot())
        try:
            self.client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise OutputError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
        try:
            self.client.register_plugin(Templates(bundle))
        except Exception as exc:
            self.client.close()
            raise OutputError(f"the Dask cluster at {address} could not take the templates: {exc}") from None
        self.address, self.digest = address, bundle.digest
        self.executor = self.client.get_executor()

    def submit(self, task: Task) -> concurrent.futures.Future[Rendering]:
        future: concurrent.futures.Future[Rendering] = self.executor.submit(render_remote, task, self.digest,
                                                                            __version__)
        return future

    def failure(self, exc: BaseException) -> str:
        return f"the cluster at {self.address} could not render it ({type(exc).__name__}: {exc})"

    def close(self, finished: bool) -> None:
        """After an interrupt, cancel what the cluster still has to do; the
        cluster itself goes on running."""
        if not finished:
            self.executor.shutdown(wait=False)  # cancels the futures not done
        self.client.close()
