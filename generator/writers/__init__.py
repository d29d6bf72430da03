"""Writers turn one `model.Briefing` into one file format.

Every writer follows the `Writer` protocol: it names its format and file
suffix and renders a briefing to bytes (and, for a format whose pictures
go beside it, those files too). Which class writes which format is the
format registry's to say (`generator.formats`). A writer is built once per
process and reused (warm Jinja environment, fonts, reference document),
which is what a long-lived server or a build worker wants. Heavy libraries
are imported only by the writer that needs them: `pdf` is the only module
that imports WeasyPrint, `docx` the only one that imports python-docx.
"""

from __future__ import annotations

from pathlib import Path

from .. import formats
from ..errors import UsageError
from ..phases import phase
from .base import DEFAULT_PDF_VARIANT, Learned, Rendered, Writer, unknown_variant

__all__ = ["DEFAULT_PDF_VARIANT", "Learned", "Rendered", "Writer", "check_pdf_variant", "get_writer", "unknown_variant"]

_cache: dict[tuple[str, Path, tuple[str, ...]], Writer] = {}


def get_writer(fmt: str, templates: Path, pdf_variant: str = DEFAULT_PDF_VARIANT) -> Writer:
    """The (cached, warm) writer for `fmt` using the templates in `templates`
    (with the options its registry entry names: PDF's variant)."""
    entry = formats.get(fmt)
    given = {"pdf_variant": pdf_variant}
    options = {name: given[name] for name in entry.options}
    key = (fmt, templates.resolve(), tuple(options.values()))
    if key not in _cache:
        with phase(f"load {fmt} writer"):
            writer: Writer = entry.writer_class()(templates, **options)
        _cache[key] = writer
    return _cache[key]


def check_pdf_variant(name: str) -> str:
    """`name` as WeasyPrint knows it ('PDF/A-2a' -> 'pdf/a-2a'); a name it
    does not know is a usage error that suggests the closest."""
    from .pdf import PDF_VARIANTS  # loads WeasyPrint: only when a variant is asked for

    if name.lower() in PDF_VARIANTS:
        return name.lower()
    raise UsageError(unknown_variant(name, PDF_VARIANTS))
