"""Pictures: the maps and charts of the model (`model.Picture`) drawn as
SVG (for the PDF and HTML) or PNG (for Word).

compose decides what a picture shows (which countries in which colour,
which bars, the words); this package only draws it, like a writer: `draw`
lays the picture out as a scene of shapes at print size, and `scene`
writes that as SVG or rasterises it as PNG. They are the only modules
that import matplotlib (for its fonts and its Agg renderer), and are
imported lazily, so a run that draws nothing never pays for the import; a
build imports them once in the coordinator before forking its workers,
and the server's forkserver preloads them.

A picture is drawn once per process for each distinct drawing and format:
the result is memoised by a hash of the drawing (what it shows, never
where it came from) and the format. One briefing's PDF and HTML share
their SVGs, and briefings that show the same map (a region's briefing and
its combinations) share them in the worker that draws both. The output is
byte-for-byte the same for the same drawing: no dates, software versions
or generated ids are written.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Literal

from ..model import Drawing, fingerprint_data

Format = Literal["svg", "png"]
CACHE_SIZE = 64  # drawings kept per process; the catalogue has about forty distinct ones

_cache: OrderedDict[tuple[str, str, str], bytes] = OrderedDict()
_lock = threading.Lock()


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
    from . import draw  # matplotlib: only when a picture is drawn

    data = draw.render(drawing, fmt, templates)
    with _lock:
        _cache[key] = data
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return data


def preload(templates: Path) -> None:
    """Import matplotlib and register the house fonts now (before a
    build forks its workers), so that each worker does not."""
    from . import draw

    draw.setup(templates)


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) in pixels, from the PNG header."""
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def cache_clear() -> None:
    with _lock:
        _cache.clear()
