"""Where a user's caches live: the loaded content (content.py), the plan
and what layouts learned (build.py, learned.py), the parsed hyphenation
dictionaries (compat/pyphen.py) and the compiled templates
(writers/html.py). A module of its own so that a render worker, which
never loads content, can find it too.

What is kept there is loaded and run: pickles and Jinja2's compiled code.
Whoever can write to the folder could make this user's next process run
their code, so a folder that another user owns, or that group or others
may write to, is not used at all (`refused`), as if the cache were off;
the folders made here are the user's alone (mode 0700)."""

from __future__ import annotations

import os
import stat
from pathlib import Path


def cache_folder() -> Path | None:
    """$BRIEFING_CACHE (off: no cache), else $XDG_CACHE_HOME/briefing, else
    ~/.cache/briefing: outside every output folder, the user's own. None
    when the cache is off or the folder is refused."""
    folder = configured()
    return None if folder is None or refused(folder) else folder


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


def make(folder: Path) -> None:
    """`folder` (a cache folder or one inside it), made for this user alone."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
