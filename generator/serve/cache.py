"""A content-addressed cache of rendered files, shared safely by processes.

The key of a file is its build input hash (`build.Job.input_hash`): the
hash of everything the bytes depend on. So a hit never needs checking
against content, and several server processes, or machines sharing one
folder, can use one cache: files appear by atomic rename under their final
name, and two processes writing the same key write the same bytes.

A folder made by `briefing build --all` serves as a read-only warm cache:
its manifest maps input hashes to files, and each file is checked against
its recorded sha256 when first used.

Layout: `<dir>/<hh>/<hash>.<suffix>` for files, `<dir>/dates/<content hash>`
for the date a briefing's content was first seen (so that the server, like
the build, shows the date content last changed, and its keys stay the same
from one day to the next). Date records count against the size limit at
what they cost the disk (a block each), are evicted like files, and are
only hints: a cache that cannot store one (disk full, read-only) answers
with the date asked for and leaves nothing half-written.

**Partitions.** A file that holds the ministry's notes lives in the
partition of the highest level it holds, `<dir>/clearance/<level id>/`
(each a cache of its own, with the same size limit); a file without
notes, or with Openbaar notes only, in the folder itself. A user reads only
partitions up to their clearance. Beside a file holding notes, written
before it, `<hash>.holds` lists the notes' fingerprints
(`notes.fingerprint`): `forget` removes the files that hold a note no
longer admitted as it was (removed, changed, downgraded, expired).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from ..errors import OutputError
from ..manifest import read_manifest
from ..outputs import TEMP_PREFIX, atomic_write, describe_os_error

# A hit marks its file as used at most once a minute: recency to the minute
# is plenty for eviction, and a metadata write per hit is not free.
TOUCH_AFTER = 60.0
# What a date record costs the disk: one block.
BLOCK = 4096
# A temporary file this old was left by a writer that was KILLed.
STALE_TEMP = 3600.0
# How long /health reports a file the cache could not store (unless one is stored since).
FAILURE_REMEMBERED = 300.0
# The folder of the partitions above the lowest level, and the suffix of
# the list of notes a file holds.
PARTITIONS = "clearance"
HOLDS = ".holds"

LOG = logging.getLogger("briefing.serve")


@dataclass(frozen=True, slots=True)
class Hit:
    path: Path | None  # None: rendered, and held in memory because the cache could not store it
    size: int
    data: bytes | None = None

    def read(self) -> bytes:
        if self.data is not None:
            return self.data
        assert self.path is not None
        return self.path.read_bytes()


class Cache:
    def __init__(self, folder: Path, max_bytes: int = 512 * 1024 * 1024, warm: Path | None = None) -> None:
        self.folder = folder
        self.max_bytes = max_bytes
        self.warm = warm
        self._warm_files: dict[str, tuple[Path, str]] = {}
        self._warm_dates: dict[str, str] = {}
        self._lock = threading.Lock()
        self._since_evict = 0
        self._failed: tuple[float, str] | None = None  # when a file could not be stored, and why
        self._partitions: dict[str, Cache] = {}
        try:
            (folder / "dates").mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise describe_os_error(folder, exc, "create the cache folder") from None
        if warm is not None:
            self._load_warm(warm)

    def _load_warm(self, warm: Path) -> None:
        if not warm.is_dir():
            raise OutputError(f"{warm}: warm cache folder not found")
        for entry in read_manifest(warm).values():
            if entry.get("date") and entry.get("content_hash"):
                self._warm_dates[entry["content_hash"]] = entry["date"]
            for info in entry["files"].values():
                if info.get("input_hash") and info.get("sha256"):
                    self._warm_files[info["input_hash"]] = (warm / info["name"], info["sha256"])

    def problem(self) -> str | None:
        """Why the cache cannot store files now (disk full, read-only), in
        the system's words and without its path; None when it can."""
        failed = self._failed
        if failed is not None and time.monotonic() - failed[0] < FAILURE_REMEMBERED:
            return failed[1]
        probe = self.folder / f"{TEMP_PREFIX}probe-{os.getpid()}-{threading.get_ident()}"
        try:
            probe.write_bytes(b"x")
        except OSError as exc:
            return exc.strerror or type(exc).__name__
        finally:
            with contextlib.suppress(OSError):
                probe.unlink(missing_ok=True)
        return None

    def partition(self, level: str, lowest: str) -> Cache:
        """The cache of files whose highest note is at `level` (a level
        id); the lowest level's is this cache itself."""
        if level == lowest:
            return self
        if not level.replace("-", "").isalnum():  # a level id is an Ident: never a path
            raise ValueError(f"not a level id: {level!r}")
        with self._lock:
            found = self._partitions.get(level)
            if found is None:
                found = self._partitions[level] = Cache(self.folder / PARTITIONS / level, self.max_bytes)
        return found

    def forget(self, admitted: set[str]) -> int:
        """Remove every file, in this cache and its partitions, that holds a
        note whose fingerprint is not in `admitted`, and every file of a
        partition that does not say what it holds; returns how many files
        were removed. Run at start and when the day changes."""
        removed = 0
        for folder in (self.folder, *sorted((self.folder / PARTITIONS).glob("*"))):
            classified = folder != self.folder
            keys: dict[tuple[Path, str], list[Path]] = {}
            for path in folder.glob("??/*"):
                if not path.name.startswith(TEMP_PREFIX):
                    keys.setdefault((path.parent, path.name.split(".", 1)[0]), []).append(path)
            for (parent, key), paths in keys.items():
                holds = parent / f"{key}{HOLDS}"
                if paths == [holds]:  # its files were evicted
                    with contextlib.suppress(OSError):
                        holds.unlink()
                    continue
                if holds in paths:
                    try:
                        held = set(holds.read_text(encoding="ascii").split())
                    except (OSError, UnicodeDecodeError):
                        held = {""}  # unreadable: forgotten
                    if held <= admitted:
                        continue
                elif not classified:
                    continue
                for path in sorted(paths, key=lambda p: p == holds):  # the list last: a KILL leaves it, not a file
                    with contextlib.suppress(OSError):
                        path.unlink()
                        removed += path != holds
        return removed

    @property
    def pictures(self) -> Path:
        """Where the workers keep drawn pictures (outside the size limit:
        `pictures.trim_store` bounds them by number)."""
        return self.folder / "pictures"

    def _path(self, key: str, suffix: str) -> Path:
        return self.folder / key[:2] / f"{key}{suffix}"

    def get(self, key: str, suffix: str) -> Hit | None:
        path = self._path(key, suffix)
        try:
            stat = path.stat()
            # Cache files are written without fsync: one emptied by a power
            # failure is a miss, and is written again.
            if stat.st_size:
                if time.time() - stat.st_mtime > TOUCH_AFTER:
                    os.utime(path)  # least recently used is what eviction removes
                return Hit(path, stat.st_size)
        except OSError:
            pass
        warm = self._warm_files.get(key)
        if warm is not None:
            source, sha = warm
            try:
                data = source.read_bytes()
            except OSError:
                data = b""
            if hashlib.sha256(data).hexdigest() == sha:
                return Hit(source, len(data))
            self._warm_files.pop(key, None)  # changed since its build: not a hit
        return None

    def put(self, key: str, suffix: str, data: bytes, holds: tuple[str, ...] = ()) -> Hit:
        """Store a file; `holds` are the fingerprints of the notes in it,
        written beside it first, so that it can be forgotten."""
        path = self._path(key, suffix)
        try:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise describe_os_error(path.parent, exc, "create a cache folder") from None
            if holds:
                atomic_write(self._path(key, HOLDS), "\n".join(sorted(holds)).encode("ascii"), durable=False)
            atomic_write(path, data, durable=False)
        except OutputError as exc:
            # Remembered for /health: a disk with a few kB left takes the
            # probe's byte, but not a briefing.
            self._failed = (time.monotonic(), exc.reason or "cannot store files")
            raise
        self._failed = None
        self._added(len(data))
        return Hit(path, len(data))

    def _added(self, size: int) -> None:
        """Evict once a twentieth of the limit was added since the last time."""
        with self._lock:
            self._since_evict += size
            due = self._since_evict > self.max_bytes // 20
            if due:
                self._since_evict = 0
        if due:
            self.evict()

    def evict(self) -> int:
        """Remove least recently used files until the cache is within its
        size limit; returns how many bytes were removed. Safe while other
        processes read: a removed file that is open stays readable."""
        files = []
        dates = self.folder / "dates"
        for path in (*self.folder.glob("??/*"), *dates.glob("*")):
            try:
                stat = path.stat()
                if path.name.startswith(TEMP_PREFIX):
                    if time.time() - stat.st_mtime > STALE_TEMP:  # left by a KILLed writer
                        path.unlink()
                    continue
                if path.name.endswith(HOLDS):  # a few bytes, kept until forget finds its files gone
                    continue
            except OSError:
                continue
            # A date record of ten bytes takes a block of the disk.
            files.append((stat.st_mtime, BLOCK if path.parent == dates else stat.st_size, path))
        total = sum(size for _, size, _ in files)
        removed = 0
        for _, size, path in sorted(files):
            if total - removed <= self.max_bytes:
                break
            try:
                path.unlink()
                removed += size
            except OSError:
                continue
        return removed

    def date_of(self, content_hash: str) -> dt.date | None:
        """The date this content was first seen, from the warm build folder
        or this cache; None if never."""
        text = self._warm_dates.get(content_hash)
        if text is None:
            path = self.folder / "dates" / content_hash
            try:
                text = path.read_text(encoding="ascii").strip()
                if time.time() - path.stat().st_mtime > TOUCH_AFTER:
                    os.utime(path)  # in use: not what eviction removes first
            except OSError:
                return None
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return None

    def remember_date(self, content_hash: str, date: dt.date) -> dt.date:
        """Record `date` for this content unless another process was first;
        returns the date that holds. The record appears whole or not at all
        (written aside, then linked under its name, which fails if another
        process linked first). A cache that cannot store it answers `date`:
        the briefing is served, and only tomorrow's date may differ."""
        folder = self.folder / "dates"
        temp = folder / f"{TEMP_PREFIX}{os.getpid()}-{threading.get_ident()}-{content_hash}"
        try:
            temp.write_text(date.isoformat(), encoding="ascii")
            os.link(temp, folder / content_hash)
        except FileExistsError:
            return self.date_of(content_hash) or date
        except OSError as exc:
            LOG.warning("cache: a date record could not be stored (%s)", exc.strerror or type(exc).__name__)
            return date
        finally:
            with contextlib.suppress(OSError):
                temp.unlink(missing_ok=True)
        self._added(BLOCK)
        return date
