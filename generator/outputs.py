"""Writing into an output folder safely: atomic files and the build lock.

Shared by build (briefing files, manifest) and manifest (index.html), so
neither imports the other for it. Everything here that the tool itself puts
in an output folder besides briefings, manifest.json and index.html starts
with `.briefing-`, so a publisher excludes it with one pattern
(`rsync --exclude '.briefing-*'`).
"""

from __future__ import annotations

import errno
import fcntl
import os
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from types import TracebackType

from .errors import OutputError

LOCK_NAME = ".briefing-build.lock"
MANIFEST = "manifest.json"  # what the folder holds (manifest.py)
PICTURE_STORE = ".briefing-pictures"  # drawn maps and charts, kept for the next build (not for publishing)
TEMP_PREFIX = ".briefing-tmp-"


def describe_os_error(path: Path, exc: OSError, doing: str) -> OutputError:
    """One line a person can act on: the path, what was being done and the
    system's reason ('No space left on device', 'Permission denied')."""
    reason = exc.strerror or str(exc)
    if exc.errno == errno.ENAMETOOLONG:
        reason += " (the output folder's path is too long)"
    error = OutputError(f"{path}: cannot {doing}: {reason}")
    error.reason = exc.strerror or type(exc).__name__
    return error


def atomic_write(path: Path, data: bytes, durable: bool = True) -> None:
    """Write via a temporary file in the same folder and rename: readers and
    a crash see the old file or the new one, never half of one. Raises
    OutputError naming the file when the disk is full or not writable.
    `durable=False` skips the fsync, for files that can be made again (a
    cache): the rename still keeps readers from seeing half a file."""
    tmp = path.with_name(f"{TEMP_PREFIX}{path.name}.{os.getpid()}")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise describe_os_error(path, exc, "write") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_if_changed(path: Path, data: bytes) -> bool:
    """atomic_write unless the file holds `data` already (its time, and a
    mirror's copy, stay as they are). Returns whether it wrote."""
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    atomic_write(path, data)
    return True


def remove(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        raise describe_os_error(path, exc, "remove") from None


class OutputLock:
    """One build per output folder at a time.

    The lock is an flock on `.briefing-build.lock`: the kernel releases it
    when the holding process dies, however it dies, so a killed build never
    wedges the next one (worker processes close their inherited copy, see
    build.py). The file also records the holder's pid while it runs and is
    emptied on a clean exit: finding a pid in it on acquiring means the
    previous build did not finish, which is reported (`stale_owner`).
    """

    def __init__(self, out: Path) -> None:
        self.out = out
        self.path = out / LOCK_NAME
        self.fd = -1
        self.stale_owner: int | None = None

    def acquire(self, wait: bool = False, waiting: Callable[[str], None] | None = None) -> OutputLock:
        try:
            self.out.mkdir(parents=True, exist_ok=True)
            # O_CLOEXEC: a program started by a build (LibreOffice, a hook)
            # must not keep the lock alive.
            self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            raise describe_os_error(self.out, exc, "create the output folder and its lock") from None
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = self._recorded_pid()
            who = f"pid {holder}, " if holder else ""
            if not wait:
                self._close()
                raise OutputError(f"{self.out}: another build is writing to this folder ({who}lock "
                                  f"{self.path}); use --wait to wait for it, or another --out") from None
            if waiting:
                waiting(f"waiting for another build ({who}lock {self.path}) to finish")
            fcntl.flock(self.fd, fcntl.LOCK_EX)
        previous = self._recorded_pid()
        if previous and previous != os.getpid():
            self.stale_owner = previous
        os.ftruncate(self.fd, 0)
        os.pwrite(self.fd, f"{os.getpid()}\n".encode(), 0)
        for stale in self.out.glob(f"{TEMP_PREFIX}*"):  # left by a build that was killed
            stale.unlink(missing_ok=True)
        return self

    def _recorded_pid(self) -> int | None:
        try:
            text = os.pread(self.fd, 32, 0).decode("ascii", "replace").strip()
        except OSError:
            return None
        return int(text) if text.isdigit() else None

    @property
    def fileno(self) -> int:
        return self.fd

    def release(self) -> None:
        if self.fd >= 0:
            with suppress(OSError):  # a clean exit: nothing stale to report next time
                os.ftruncate(self.fd, 0)
            self._close()

    def _close(self) -> None:
        os.close(self.fd)
        self.fd = -1

    def __enter__(self) -> OutputLock:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()
