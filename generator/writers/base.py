"""What every writer shares, kept apart from the package's `get_writer` so
that writer modules import it without importing the package that loads
them: a writer's result, the protocol it follows, the default PDF variant
and the message for an unknown one."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from ..errors import closest, hint
from ..model import Briefing

# Tagged and accessible; `--pdf-variant pdf/a-2a` for an archive.
DEFAULT_PDF_VARIANT = "pdf/ua-1"

# What a writer learned while rendering a briefing that spares work the
# next time it renders the same briefing (the PDF writer: which paragraphs
# had to be laid out again, see pdf.py). Plain JSON data, opaque to all but
# the writer that made it, which checks it before using it: the build keeps
# it in its cache (learned.py) and hands it back with the next task.
Learned = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Rendered:
    data: bytes
    pages: int | None = None  # known for formats with pages
    # Files written beside it, by name: the pictures of a format that links
    # them rather than holding them ("region-sahel.1.svg").
    beside: tuple[tuple[str, bytes], ...] = ()
    learned: Learned | None = None


class Writer(Protocol):
    format: str
    suffix: str

    def render(self, briefing: Briefing, prior: Learned | None = None) -> Rendered:
        """The briefing in this format. `prior` is what a render of the
        same briefing learned before (`Rendered.learned`), if anything: it
        may save work, and never changes the result."""
        ...



def unknown_variant(name: str, known: tuple[str, ...]) -> str:
    name = name.lower()
    return f"unknown PDF variant '{name}'{hint(closest(name, known))} (one of: {', '.join(known)})"
