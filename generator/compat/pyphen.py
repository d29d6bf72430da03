"""Pyphen internals (imported by writers/pdf.py).

- `load_dictionary`: WeasyPrint hyphenates with Pyphen, which parses a
  language's patterns file the first time a process meets that language:
  65–75 ms for the Dutch or the English one here, in every process that
  renders a PDF (each worker of a build, each fresh `briefing build`).
  Pyphen keeps what it parsed in its module-level `hdcache`, by the
  file's path, and has no public way to fill it. This fills the entry
  from a pickle in the cache folder (6 ms to load), keyed by the patterns
  file's bytes and Pyphen's version, and writes that pickle where there
  is none. The pickle holds only the patterns of a file Pyphen ships;
  it sits next to the loaded content's pickle, in the user's own cache
  folder (see cachedir.py).
"""

from __future__ import annotations

import contextlib
import hashlib
import pickle
from pathlib import Path

import pyphen

from ..cachedir import make
from ..errors import OutputError
from ..outputs import atomic_write
from . import written_for

written_for("pyphen", "0.14", "0.18", pyphen.__version__)


def load_dictionary(language: str, folder: Path | None) -> None:
    """Make Pyphen's dictionary for `language` ready in this process,
    from `folder` when it holds it, parsed (and then kept there) when it
    does not. A language Pyphen has no dictionary for, an unreadable or
    foreign pickle, or a folder that cannot be written only leave the
    parsing to Pyphen, as it would be without this."""
    name = pyphen.language_fallback(language)
    path = pyphen.LANGUAGES.get(name) if name else None
    if path is None or path in pyphen.hdcache:
        return
    try:
        patterns = path.read_bytes()
    except OSError:
        return
    key = hashlib.sha256(f"pyphen {pyphen.__version__}\0".encode() + patterns).hexdigest()[:32]
    stored = folder / f"pyphen-{name}-{key}.pickle" if folder is not None else None
    found = _read(stored) if stored is not None else None
    if found is None:
        found = pyphen.HyphDict(path)
        if stored is not None:
            _keep(stored, found)
    pyphen.hdcache[path] = found


def _read(path: Path) -> pyphen.HyphDict | None:
    try:
        with path.open("rb") as file:
            found = pickle.load(file)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError, ValueError,
            IndexError, KeyError):
        return None
    if not isinstance(found, pyphen.HyphDict) or not isinstance(getattr(found, "patterns", None), dict) \
            or not isinstance(getattr(found, "cache", None), dict) or not isinstance(getattr(found, "maxlen", None), int):
        return None
    return found


def _keep(path: Path, parsed: pyphen.HyphDict) -> None:
    """Best effort, as the content's pickle: a cache that cannot be written
    is only a slower render. Pickles of other versions of the same
    language's dictionary are removed an hour after this one was written."""
    with contextlib.suppress(OSError, OutputError):
        make(path.parent)
        atomic_write(path, pickle.dumps(parsed, protocol=pickle.HIGHEST_PROTOCOL), durable=False)
        prefix = path.name.rsplit("-", 1)[0]
        for old in path.parent.glob(f"{prefix}-*.pickle"):  # as the content's: an hour's grace for a
            if old != path and old.stat().st_mtime < path.stat().st_mtime - 3600:  # second install
                old.unlink(missing_ok=True)
