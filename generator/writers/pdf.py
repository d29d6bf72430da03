"""PDF writer: the print-media HTML of a briefing through WeasyPrint.

The only module that imports WeasyPrint. Two constraints shape it:

- WeasyPrint's default URL fetcher reads any file:// URL and fetches
  http(s), localhost included. Content is text, and templates are the only
  assets a briefing may use, so `TemplatesOnlyFetcher` serves files under
  templates/ and data: URIs and refuses everything else. A refused or
  missing asset stops the render (a font silently replaced by a system font
  is a broken build, not a warning).
- The PDF is tagged, PDF/UA-1, with metadata from the model. Dates come only
  from the `dcterms` meta tags, which hold the build date, so that builds
  with SOURCE_DATE_EPOCH are byte-identical.
"""

from __future__ import annotations

import io
import logging
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import weasyprint
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher

from ..errors import TemplateError
from ..model import Briefing
from . import Rendered
from .html import HtmlWriter


class AssetRefused(ValueError):
    pass


class TemplatesOnlyFetcher(URLFetcher):  # type: ignore[misc]
    """Serves file: URLs under one folder and data: URIs; refuses the rest.
    Failures are fatal (WeasyPrint would otherwise log and carry on)."""

    def __init__(self, root: Path) -> None:
        super().__init__(fail_on_errors=True, allowed_protocols=("file", "data"))
        self.root = root.resolve()
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> Any:
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme != "file":
            self.refused.append(url)
            raise AssetRefused(f"refused to fetch {url}: only files under templates/ are allowed")
        path = Path(unquote(urlsplit(url).path)).resolve()
        if not path.is_relative_to(self.root):
            self.refused.append(url)
            raise AssetRefused(f"refused to read {path}: outside {self.root}")
        if not path.is_file():
            self.refused.append(url)
            raise AssetRefused(f"missing asset {path}")
        return super().fetch(url, headers)


class _CollectWarnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


class PdfWriter:
    format = "pdf"
    suffix = ".pdf"

    def __init__(self, templates: Path) -> None:
        self.templates = templates.resolve()
        self.html_writer = HtmlWriter(templates)
        # Reused across documents: loading fonts is a large part of a cold render.
        self.font_config = FontConfiguration()

    def layout(self, briefing: Briefing) -> weasyprint.Document:
        """The laid-out pages, before they are written: what the typography
        tests read (which line is on which page, and what it belongs to)."""
        source = self.html_writer.html(briefing, "print")
        fetcher = TemplatesOnlyFetcher(self.templates)
        warnings = _CollectWarnings()
        logger = logging.getLogger("weasyprint")
        logger.addHandler(warnings)
        try:
            document: weasyprint.Document = weasyprint.HTML(
                string=source, base_url=self.templates.as_uri() + "/", url_fetcher=fetcher,
            ).render(font_config=self.font_config, pdf_variant="pdf/ua-1", pdf_tags=True)
        except FatalURLFetchingError as exc:
            cause = exc.__cause__ or exc
            raise TemplateError(f"{briefing.id}: {cause}") from None
        finally:
            logger.removeHandler(warnings)
        if fetcher.refused:
            raise TemplateError(f"{briefing.id}: refused or missing asset(s): {', '.join(fetcher.refused)}")
        # WeasyPrint reports unusable fonts and CSS only as warnings; for a
        # house style those are bugs, so they fail the build.
        serious = [m for m in warnings.messages if "font" in m.lower() or "ignored" in m.lower()]
        if serious:
            raise TemplateError(f"{briefing.id}: WeasyPrint: {'; '.join(serious)}")
        return document

    def render(self, briefing: Briefing) -> Rendered:
        document = self.layout(briefing)
        out = io.BytesIO()
        document.write_pdf(out, pdf_variant="pdf/ua-1", pdf_tags=True, custom_metadata=True,
                           pdf_identifier=briefing.id.encode("utf-8"))
        return Rendered(out.getvalue(), pages=len(document.pages))
