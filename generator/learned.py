"""What renders learned, kept from one build to the next.

A writer may learn, while it renders a briefing, something that spares
work the next time it renders the same briefing: the PDF writer, which
paragraphs it had to lay out a second time so that footnotes stay on their
call's page (writers/pdf.py). The build hands that back with the next task
for the briefing, and keeps it here in between: one small JSON file in the
cache folder (content.cache_folder: the user's own, outside every output
folder), by briefing id and format.

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

from .errors import BriefingError
from .outputs import atomic_write
from .writers import Learned

FILE = "learned.json"
MAX_BYTES = 1 << 20  # a larger file is not one this module wrote: ignored


def _read(path: Path) -> dict[str, dict[str, Learned]]:
    try:
        if path.stat().st_size > MAX_BYTES:
            return {}
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {bid: {fmt: learned for fmt, learned in entry.items() if isinstance(learned, dict)}
            for bid, entry in data.items() if isinstance(entry, dict)}


class LearnedStore:
    """The entries of one cache folder (none: `folder` None), read once;
    `save` writes back the briefings this build recorded."""

    def __init__(self, folder: Path | None) -> None:
        self.path = folder / FILE if folder is not None else None
        self.entries = _read(self.path) if self.path is not None else {}
        self.recorded: set[str] = set()

    def prior(self, briefing_id: str) -> dict[str, Learned]:
        """What renders of this briefing learned, by format."""
        return dict(self.entries.get(briefing_id, {}))

    def record(self, briefing_id: str, outputs: Iterable[tuple[str, Learned | None]]) -> None:
        """What a render of the briefing learned in each format it wrote
        (None: nothing, and what an earlier one learned is forgotten)."""
        entry = dict(self.entries.get(briefing_id, {}))
        for fmt, learned in outputs:
            if learned:
                entry[fmt] = learned
            else:
                entry.pop(fmt, None)
        if entry != self.entries.get(briefing_id, {}):
            self.entries[briefing_id] = entry
            self.recorded.add(briefing_id)

    def save(self) -> None:
        """Write the recorded entries into the file as it is now (another
        build may have written it meanwhile). A cache that cannot be
        written costs the next build the work, nothing else."""
        if self.path is None or not self.recorded:
            return
        current = _read(self.path)
        for bid in self.recorded:
            if self.entries.get(bid):
                current[bid] = self.entries[bid]
            else:
                current.pop(bid, None)
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            atomic_write(self.path, json.dumps(current, sort_keys=True).encode(), durable=False)
        except (OSError, BriefingError):
            pass
        self.recorded.clear()
