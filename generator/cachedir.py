"""Where a user's caches live: the loaded content (content.py), the plan
and what layouts learned (build.py, learned.py), drawn pictures and the
parsed hyphenation dictionaries (compat/pyphen.py). A module of its own
so that a render worker, which never loads content, can find it too."""

from __future__ import annotations

import os
from pathlib import Path


def cache_folder() -> Path | None:
    """$BRIEFING_CACHE (off: no cache), else $XDG_CACHE_HOME/briefing, else
    ~/.cache/briefing: outside every output folder, the user's own."""
    configured = os.environ.get("BRIEFING_CACHE", "")
    if configured.lower() in ("off", "0", "no"):
        return None
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "briefing"
