"""Where a user's caches live: the loaded content (content.py), the plan
and what layouts learned (build.py, learned.py), the parsed hyphenation
dictionaries (compat/pyphen.py), the compiled templates (writers/html.py),
the maps' views (pictures/draw.py) and the drawn maps and charts
(pictures/__init__.py). A module of its own so that a
render worker, which never loads content, can find it too.

What is kept there is loaded and run: pickles and Jinja2's compiled code.
Whoever can write to the folder could make this user's next process run
their code, so a folder that another user owns, or that group or others
may write to, is not used at all (`refused`), as if the cache were off;
the folders made here are the user's alone (mode 0700)."""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import stat
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from .errors import OutputError
from .outputs import PICTURE_STORE, atomic_write

T = TypeVar("T")


def cache_folder() -> Path | None:
    """$BRIEFING_CACHE (off: no cache), else $XDG_CACHE_HOME/briefing, else
    ~/.cache/briefing: outside every output folder, the user's own. None
    when the cache is off or the folder is refused."""
    folder = configured()
    return None if folder is None or refused(folder) else folder


def shared_pictures() -> Path | None:
    """Where drawn maps and charts are kept for every build of this user
    (pictures/__init__.py), or None when the cache is off or refused."""
    folder = cache_folder()
    return folder / "pictures" if folder is not None else None


def pictures_stored(out: Path) -> bool:
    """Whether the output folder `out` (PICTURE_STORE) or the user's cache
    folder (shared_pictures) keeps any drawn picture: when
    neither does, a build will draw, and so its workers load matplotlib.
    Not in `pictures`, so that a build can ask before it imports
    anything of the pictures (cli.py)."""
    for store in (out / PICTURE_STORE, shared_pictures()):
        try:
            if store is not None and any(store.iterdir()):
                return True
        except OSError:
            pass
    return False


def configured() -> Path | None:
    setting = os.environ.get("BRIEFING_CACHE", "")
    if setting.lower() in ("off", "0", "no"):
        return None
    if setting:
        return Path(setting)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "briefing"


def refused(folder: Path) -> str | None:
    """Why `folder` must not be used as a cache, or None. A folder not
    there yet is fine: it is made private when first written."""
    try:
        found = folder.stat()
    except FileNotFoundError:
        return None
    except OSError as exc:
        return exc.strerror or "cannot be read"
    if not stat.S_ISDIR(found.st_mode):
        return "not a folder"
    if hasattr(os, "getuid") and found.st_uid != os.getuid():
        return "owned by another user"
    if found.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return "other users may write to it"
    return None


def make_folder(folder: Path) -> None:
    """`folder` (a cache folder or one inside it), made for this user alone."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)


def kept(name: str, version: str, kind: type[T], make: Callable[[], T], valid: Callable[[T], bool] = bool) -> T:
    """`make()`, or what an earlier process kept of it in the cache folder:
    `name` says what it is (`pyphen-nl`, a map's view), `version` all it
    was made from (its inputs' bytes or digests, the code's, the
    libraries' versions), so that anything else is made anew. Best effort,
    as every cache here: a missing, broken or foreign file (not a `kind`,
    or not `valid`) is made again and replaced, a folder that cannot be
    written only costs the making, and a file of another version of the
    same `name` is removed an hour after this one was written (another
    install may still use it)."""
    folder = cache_folder()
    if folder is None:
        return make()
    path = folder / f"{name}-{hashlib.sha256(version.encode()).hexdigest()[:32]}.pickle"
    try:
        with path.open("rb") as file:
            found = pickle.load(file)
        if isinstance(found, kind) and valid(found):
            return found
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError, ValueError,
            IndexError, KeyError):
        pass
    made = make()
    with contextlib.suppress(OSError, OutputError):
        make_folder(folder)
        atomic_write(path, pickle.dumps(made, protocol=pickle.HIGHEST_PROTOCOL), durable=False)
        for old in folder.glob(f"{name}-*.pickle"):
            if old != path and old.stat().st_mtime < path.stat().st_mtime - 3600:
                old.unlink(missing_ok=True)
    return made
