"""The format registry: the one place that says what an output format is.

Everything that names, writes, lists or serves a briefing file asks this
module: the CLI's `--format`, the render core (which writer), the build
(file names, page counts, files written beside a briefing), the manifest
and its index page, the feed's enclosures, and the server (links, media
types, Content-Disposition, the page's check boxes). Like Pelican's
readers, a format is an entry naming a class; the class is imported only
when a briefing is first written in that format, so an HTML-only run
never loads WeasyPrint.

Adding a format is one writer module under `generator/writers/` (a class
with `format`, `suffix` and `render(briefing) -> Rendered`) and one entry
below; its words for readers go in the label catalogue under
`formats.<id>` (the catalogue check asks for them).
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

from .errors import UsageError, suggest

PictureForm = Literal["svg", "png"]


class WriterClass(Protocol):
    """A writer's class as the registry names it (see writers.base.Writer
    for what its instances do)."""

    format: str
    suffix: str

    def __call__(self, templates: Path, **options: str) -> Any: ...


@dataclass(frozen=True, slots=True)
class Format:
    id: str  # "pdf": the --format name, and the manifest's key
    extension: str  # ".pdf"
    media_type: str
    # How a browser is told to treat a download: shown in place, or saved.
    disposition: Literal["inline", "attachment"]
    writer: str  # "pdf:PdfWriter": the class in generator.writers that writes it
    paged: bool  # has pages: the manifest and the index give its page count
    picture: PictureForm  # the form its maps and charts are drawn in
    # Built when no --format is given. A format left out is still built
    # when asked for, and served.
    default: bool = True
    # The writer's own options, by their names in render.Task (PDF's variant).
    options: tuple[str, ...] = ()
    # Its pictures are files written beside it ("region-sahel.1.svg"),
    # not inside it, and listed with it wherever it is.
    pictures_beside: bool = False
    # Rendered in a process of its own when one briefing is built in it and
    # in other formats, by a worker the command forks as it starts
    # (runners/local.AheadRunner): its library's import and its render are
    # most of such a build, and run meanwhile the rest of it.
    apart: bool = False

    @property
    def label(self) -> str:
        """Its key in the label catalogue: `formats.<id>.name` is what a
        reader calls it ("Word"), `formats.<id>.action` the link to it."""
        return f"formats.{self.id}"

    def writer_class(self) -> WriterClass:
        module, _, name = self.writer.partition(":")
        cls: WriterClass = getattr(importlib.import_module(f"generator.writers.{module}"), name)
        return cls


REGISTRY: dict[str, Format] = {f.id: f for f in (
    Format("pdf", ".pdf", "application/pdf", "inline", "pdf:PdfWriter", paged=True, picture="svg",
           options=("pdf_variant",), apart=True),
    Format("docx", ".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
           "attachment", "docx:DocxWriter", paged=False, picture="png"),
    Format("html", ".html", "text/html; charset=utf-8", "inline", "html:HtmlWriter", paged=False, picture="svg"),
    # CommonMark with GitHub's tables and footnotes, for wikis and e-mail.
    Format("md", ".md", "text/markdown; charset=utf-8; variant=GFM", "attachment", "markdown:MarkdownWriter",
           paged=False, picture="svg", default=False, pictures_beside=True),
)}

FORMATS: tuple[str, ...] = tuple(REGISTRY)  # every format, in the order files are listed
DEFAULT_FORMATS: tuple[str, ...] = tuple(f.id for f in REGISTRY.values() if f.default)


def get(fmt: str) -> Format:
    """The registry entry of `fmt`; an unknown name is a usage error that
    suggests the closest."""
    try:
        return REGISTRY[fmt]
    except KeyError:
        raise UsageError(unknown(fmt)) from None


def apart(formats: tuple[str, ...]) -> tuple[str, ...]:
    """Of `formats`, those a one-briefing build renders in a process of its
    own (`Format.apart`); none when that would be all of them."""
    chosen = tuple(f for f in formats if get(f).apart)
    return chosen if len(chosen) < len(formats) else ()


def unknown(fmt: str) -> str:
    return f"unknown format '{fmt}'{suggest(fmt, FORMATS)} (one of: {', '.join(FORMATS)})"


def parse_formats(text: str) -> tuple[str, ...]:
    """'pdf,docx' -> ('pdf', 'docx'), in the registry's order; unknown
    names are usage errors."""
    names = {n.strip().lower() for n in text.split(",") if n.strip()}
    if not names:
        raise UsageError("--format needs at least one of: " + ", ".join(FORMATS))
    for name in sorted(names):
        get(name)
    return tuple(f for f in FORMATS if f in names)


# The name of a picture written beside a briefing: its file stem, the
# picture's number from 1, and the picture's form ("region-sahel.1.svg").
BESIDE = re.compile(r"^(?P<stem>.+)\.(?P<number>[1-9][0-9]{0,3})\.svg$")
