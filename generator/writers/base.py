"""What every writer shares, kept apart from the package's `get_writer` so
that writer modules import it without importing the package that loads
them: a writer's result, the protocol it follows, the default PDF variant
and the message for an unknown one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from ..errors import closest, hint
from ..model import Briefing

# Tagged and accessible; `--pdf-variant pdf/a-2a` for an archive.
DEFAULT_PDF_VARIANT = "pdf/ua-1"


@dataclass(frozen=True, slots=True)
class Rendered:
    data: bytes
    pages: int | None = None  # known for formats with pages
    # Files written beside it, by name: the pictures of a format that links
    # them rather than holding them ("region-sahel.1.svg").
    beside: tuple[tuple[str, bytes], ...] = ()


class Writer(Protocol):
    format: str
    suffix: str

    def render(self, briefing: Briefing) -> Rendered: ...



def unknown_variant(name: str, known: tuple[str, ...]) -> str:
    name = name.lower()
    return f"unknown PDF variant '{name}'{hint(closest(name, known))} (one of: {', '.join(known)})"
