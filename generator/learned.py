"""What renders learned, kept from one build to the next.

A writer may learn, while it renders a briefing, something that spares
work the next time it renders the same briefing: the PDF writer, which
paragraphs it had to lay out a second time so that footnotes stay on their
call's page (writers/pdf.py). The build hands that back with the next task
for the briefing, and keeps it here in between: one small JSON file in the
cache folder (cachedir.cache_folder: the user's own, outside every output
folder), by briefing id and format, the last `KEEP` things learned with
different keys (a digest of what they apply to), newest first: builds of
one briefing from two content folders or template sets, or with and
without its pictures, each find their own.

Nothing in it is trusted. Only the writer that made an entry reads it, and
checks it against what it is about to render (the PDF writer: a digest of
the HTML and of everything it is laid out with), so a stale, foreign or
tampered entry costs at most the work it would have saved; the output is
the same either way. A build with the ministry's notes neither reads nor
keeps anything: the cache is unclassified.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import cast

from .errors import BriefingError
from .outputs import atomic_write
from .writers import Learned

FILE = "learned.json"
KEEP = 4  # entries per briefing and format
MAX_BYTES = 1 << 20  # a larger file is not one this module wrote: ignored

Entries = dict[str, dict[str, list[Learned]]]  # briefing id -> format -> newest first


def _read(path: Path) -> Entries:
    try:
        if path.stat().st_size > MAX_BYTES:
            return {}
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {bid: {fmt: [cast(Learned, e) for e in kept if isinstance(e, dict)][:KEEP]
                  for fmt, kept in entry.items() if isinstance(kept, list)}
            for bid, entry in data.items() if isinstance(entry, dict)}


class LearnedStore:
    """The entries of one cache folder (none: `folder` None), read once;
    `save` writes back the briefings this build recorded."""

    def __init__(self, folder: Path | None) -> None:
        self.path = folder / FILE if folder is not None else None
        self.entries = _read(self.path) if self.path is not None else {}
        self.recorded: set[str] = set()

    def prior(self, briefing_id: str) -> dict[str, tuple[Learned, ...]]:
        """What renders of this briefing learned, by format, newest first."""
        return {fmt: tuple(kept) for fmt, kept in self.entries.get(briefing_id, {}).items()}

    def record(self, briefing_id: str, outputs: Iterable[tuple[str, Learned | None]]) -> None:
        """What a render of the briefing learned in each format it wrote
        (None: nothing; what earlier ones learned stays, for other inputs):
        first in its format's list, in place of an entry with its key."""
        entry = self.entries.setdefault(briefing_id, {})
        for fmt, learned in outputs:
            kept = entry.get(fmt, [])
            if not learned or (kept and kept[0] == learned):
                continue
            entry[fmt] = [learned, *(e for e in kept if e.get("key") != learned.get("key"))][:KEEP]
            self.recorded.add(briefing_id)

    def save(self) -> None:
        """Write the recorded entries into the file as it is now (another
        build may have written it meanwhile). A cache that cannot be
        written costs the next build the work, nothing else."""
        if self.path is None or not self.recorded:
            return
        current = _read(self.path)
        for bid in self.recorded:
            current[bid] = self.entries[bid]
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            atomic_write(self.path, json.dumps(current, sort_keys=True).encode(), durable=False)
        except (OSError, BriefingError):
            pass
        self.recorded.clear()
