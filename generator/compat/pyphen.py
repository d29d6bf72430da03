"""Pyphen internals (imported by writers/pdf.py).

- `load_dictionary`: WeasyPrint hyphenates with Pyphen, which parses a
  language's patterns file the first time a process meets that language:
  65–75 ms for the Dutch or the English one here, in every process that
  renders a PDF (each worker of a build, each fresh `briefing build`).
  Pyphen keeps what it parsed in its module-level `hdcache`, by the
  file's path, and has no public way to fill it. This fills the entry
  from a pickle in the cache folder (6 ms to load), kept by the patterns
  file's bytes and Pyphen's version (cachedir.kept), and writes that
  pickle where there is none. The pickle holds only the patterns of a
  file Pyphen ships.
"""

from __future__ import annotations

import hashlib

import pyphen

from ..cachedir import kept
from . import written_for

written_for("pyphen", "0.14", "0.18", pyphen.__version__)


def load_dictionary(language: str) -> None:
    """Make Pyphen's dictionary for `language` ready in this process, from
    the cache folder when it holds it, parsed (and then kept there) when
    it does not. A language Pyphen has no dictionary for is left to
    WeasyPrint and Pyphen, as it would be without this."""
    name = pyphen.language_fallback(language)
    path = pyphen.LANGUAGES.get(name) if name else None
    if path is None or path in pyphen.hdcache:
        return
    try:
        patterns = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return
    pyphen.hdcache[path] = kept(f"pyphen-{name}", f"pyphen {pyphen.__version__} {patterns}", pyphen.HyphDict,
                                lambda: pyphen.HyphDict(path), _complete)


def _complete(found: pyphen.HyphDict) -> bool:
    return isinstance(getattr(found, "patterns", None), dict) and isinstance(getattr(found, "cache", None), dict) \
        and isinstance(getattr(found, "maxlen", None), int)
