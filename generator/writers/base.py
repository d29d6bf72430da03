"""What every writer shares, kept apart from the package's `get_writer` so
that writer modules import it without importing the package that loads
them: a writer's result, the protocol it follows, the default PDF variant
and the message for an unknown one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from ..errors import closest, hint
from ..model import Briefing

# Tagged and accessible; `--pdf-variant pdf/a-2a` for an archive.
DEFAULT_PDF_VARIANT = "pdf/ua-1"

# What a writer learned while rendering a briefing that spares work the
# next time it renders the same briefing (the PDF writer: which paragraphs
# had to be laid out again, see pdf.py). Plain JSON data, opaque to all but
# the writer that made it, which checks it before using it; under "key" it
# names what it applies to (a digest of the writer's input), so that the
# build, which keeps it in its cache (learned.py) and hands it back with
# the next task, can keep several for one briefing.
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

    def render(self, briefing: Briefing, prior: Sequence[Learned] = ()) -> Rendered:
        """The briefing in this format. `prior` is what renders of the
        same briefing learned before (`Rendered.learned`), the latest
        first: the one that applies may save work; none changes the result."""
        ...



def unknown_variant(name: str, known: tuple[str, ...]) -> str:
    name = name.lower()
    return f"unknown PDF variant '{name}'{hint(closest(name, known))} (one of: {', '.join(known)})"
