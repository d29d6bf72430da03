"""Writers turn one `model.Briefing` into one file format.

Every writer follows the `Writer` protocol: it names its format and file
suffix and renders a briefing to bytes. A writer is built once per process
and reused (warm Jinja environment, fonts, reference document), which is what
a long-lived server or a build worker wants. Heavy libraries are imported
only by the writer that needs them: `pdf` is the only module that imports
WeasyPrint, `docx` the only one that imports python-docx.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import UsageError
from .base import DEFAULT_PDF_VARIANT, Rendered, Writer, unknown_variant

__all__ = ["DEFAULT_PDF_VARIANT", "FORMATS", "SUFFIXES", "Rendered", "Writer", "check_pdf_variant", "get_writer",
           "parse_formats", "unknown_variant"]

FORMATS: tuple[str, ...] = ("pdf", "docx", "html")
# The file suffix of each format, known without loading its writer (the
# build names and checks files before any writer is needed).
SUFFIXES: dict[str, str] = {fmt: f".{fmt}" for fmt in FORMATS}
_cache: dict[tuple[str, Path, str], Writer] = {}


def get_writer(fmt: str, templates: Path, pdf_variant: str = DEFAULT_PDF_VARIANT) -> Writer:
    """The (cached, warm) writer for `fmt` using the templates in `templates`
    (for PDF, writing `pdf_variant`)."""
    key = (fmt, templates.resolve(), pdf_variant if fmt == "pdf" else "")
    if key not in _cache:
        if fmt == "html":
            from .html import HtmlWriter
            _cache[key] = HtmlWriter(templates)
        elif fmt == "pdf":
            from .pdf import PdfWriter
            _cache[key] = PdfWriter(templates, pdf_variant)
        elif fmt == "docx":
            from .docx import DocxWriter
            _cache[key] = DocxWriter(templates)
        else:
            raise UsageError(f"unknown format '{fmt}' (one of: {', '.join(FORMATS)})")
    return _cache[key]


def parse_formats(text: str) -> tuple[str, ...]:
    """'pdf,docx' -> ('pdf', 'docx'); unknown names are usage errors."""
    names = tuple(dict.fromkeys(n.strip().lower() for n in text.split(",") if n.strip()))
    for name in names:
        if name not in FORMATS:
            raise UsageError(f"unknown format '{name}' (one of: {', '.join(FORMATS)})")
    if not names:
        raise UsageError("--format needs at least one of: " + ", ".join(FORMATS))
    return names


def check_pdf_variant(name: str) -> str:
    """`name` as WeasyPrint knows it ('PDF/A-2a' -> 'pdf/a-2a'); a name it
    does not know is a usage error that suggests the closest."""
    from .pdf import PDF_VARIANTS  # loads WeasyPrint: only when a variant is asked for

    if name.lower() in PDF_VARIANTS:
        return name.lower()
    raise UsageError(unknown_variant(name, PDF_VARIANTS))
