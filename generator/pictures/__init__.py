"""Pictures: the maps and charts of the model (`model.Picture`) drawn as
SVG (for the PDF and HTML) or PNG (for Word).

compose decides what a picture shows (which countries in which colour,
which bars, the words); this package only draws it, like a writer: `draw`
lays the picture out as a scene of shapes at print size, and `scene`
writes that as SVG or rasterises it as PNG. They are the only modules
that import matplotlib (for its fonts and its Agg renderer), and are
imported lazily, so a run that draws nothing never pays for the import; a
build that will draw imports them once in the coordinator before forking
its workers, and the server's forkserver preloads them.

A picture is drawn once for each distinct drawing and format: the result
is memoised in the process by a hash of the drawing (what it shows, never
where it came from) and the format, so one briefing's PDF and HTML share
their SVGs. With a store (`use_store`: a build keeps one in its output
folder, the server in its cache) it is also kept on disk, under a key
that adds what else the bytes depend on (this package's code, the house
fonts, matplotlib's and Pillow's versions): the workers of one build, the
builds after it and a fresh `briefing build` for one briefing then draw
nothing that was drawn before, and do not even import matplotlib. And in
the user's cache folder (cachedir.shared_pictures), so that a build
into a new folder (another clearance's, a dated one) does not draw again
what a build into another drew. A drawing is made of content alone (the
country outlines, the taxonomies' names, the figures), never of notes,
so what is kept there holds nothing classified. The
output is byte-for-byte the same for the same drawing: no dates, software
versions or generated ids are written.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
import time
from collections import OrderedDict
from functools import cache
from pathlib import Path

from ..cachedir import make_folder, shared_pictures
from ..errors import OutputError
from ..model import Drawing, fingerprint_data
from ..outputs import TEMP_PREFIX, atomic_write
from ..phases import phase
from .base import FONT_DIR, FONTS, Format
from .made_with import code_version

CACHE_SIZE = 64  # pictures kept per process; the catalogue's 33 drawings make 66 (SVG and PNG), so a
# process that renders all of them in turn meets some again after they left: it reads them from
# the store where there is one (a build's, the server's), and draws them again where there is not
STORE_SIZE = 512  # pictures kept in a store on disk (about 150 kB per map: SVG and PNG)

_cache: OrderedDict[tuple[str, str, str], bytes] = OrderedDict()
_lock = threading.Lock()
_drawing = threading.Lock()
_store: Path | None = None


def drawing_key(drawing: Drawing) -> str:
    text = json.dumps(fingerprint_data(drawing), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def render(drawing: Drawing, fmt: Format, templates: Path) -> bytes:
    """The picture as `fmt` bytes; raises TemplateError (a font or the
    country outlines missing or unreadable) with the file's path."""
    key = (drawing_key(drawing), fmt, str(templates))
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    name = f"{_stored_name(key[0], templates)}.{fmt}"
    own = _store
    stores = list(dict.fromkeys(s for s in (own, shared_pictures()) if s is not None))
    data, missing = None, []
    for store in stores:  # the build's own first
        data = _read(store / name)
        if data is not None:
            break
        missing.append(store)
    if data is None:
        from . import draw  # matplotlib: only when a picture is drawn

        with _drawing, phase("pictures"):  # matplotlib's fonts and renderer are not made for threads
            data = draw.render(drawing, fmt, templates)
    for store in missing:
        _keep(store, name, data, private=store != own)
    with _lock:
        _cache[key] = data
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return data


def use_store(folder: Path | None) -> None:
    """Keep pictures in `folder` (made when the first is kept), or in
    this process's memory only (None). Workers are given it (`warm`)."""
    global _store
    _store = folder


def trim_store(folder: Path | None, keep: int = STORE_SIZE) -> None:
    """Remove the least recently used pictures beyond `keep`, and what is
    left of writes cut off more than an hour ago."""
    if folder is None:
        return
    try:
        found = sorted(((entry.stat().st_mtime, entry.path) for entry in os.scandir(folder) if entry.is_file()),
                       reverse=True)
    except OSError:
        return
    cut_off, kept = time.time() - 3600, 0
    for when, path in found:
        if os.path.basename(path).startswith(TEMP_PREFIX):
            stale = when < cut_off
        else:
            kept += 1
            stale = kept > keep
        if stale:
            with contextlib.suppress(OSError):
                os.unlink(path)


@cache
def _recipe(templates: Path) -> str:
    """What a picture's bytes depend on besides its drawing: the code that
    draws and the libraries it draws with (made_with.code_version), and
    the house fonts."""
    digest = hashlib.sha256(code_version().encode())
    for part in [templates / FONT_DIR / name for name in FONTS]:
        try:
            digest.update(part.read_bytes())
        except OSError:
            digest.update(b"missing " + part.name.encode())  # drawing will say so
    return digest.hexdigest()


def _stored_name(drawing: str, templates: Path) -> str:
    return hashlib.sha256(f"{drawing} {_recipe(templates)}".encode()).hexdigest()[:40]


def _read(path: Path) -> bytes | None:
    try:
        data = path.read_bytes()
        os.utime(path)  # recently used: kept when the store is trimmed
    except OSError:
        return None
    return data or None


def _keep(store: Path, name: str, data: bytes, private: bool) -> None:
    """Best effort: a store that cannot be written is only a slower build.
    `private`: the store is in the cache folder, made the user's alone
    (cachedir.py)."""
    try:
        if private:
            make_folder(store.parent)
            make_folder(store)
        else:
            store.mkdir(parents=True, exist_ok=True)
        atomic_write(store / name, data, durable=False)
    except (OSError, OutputError):
        pass


def preload(templates: Path) -> None:
    """Import matplotlib and register the house fonts now (before a
    build forks its workers), so that each worker does not."""
    with phase("import matplotlib"):
        from . import draw

        draw.setup(templates)


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) in pixels, from the PNG header."""
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def cache_clear() -> None:
    with _lock:
        _cache.clear()
