"""PDF writer: the print-media HTML of a briefing through WeasyPrint.

The only module that imports WeasyPrint. Two constraints shape it:

- WeasyPrint's default URL fetcher reads any file:// URL and fetches
  http(s), localhost included. Content is text, and templates are the only
  assets a briefing may use, so `TemplatesOnlyFetcher` serves files under
  templates/ and data: URIs and refuses everything else. A refused or
  missing asset stops the render (a font silently replaced by a system font
  is a broken build, not a warning).
- The PDF is tagged, in the variant chosen (PDF/UA-1 by default, PDF/A-2a
  for archives, or another of WeasyPrint's `VARIANTS`), with metadata from
  the model. Dates come only from the `dcterms` meta tags, which hold the
  build date, so that builds with SOURCE_DATE_EPOCH are byte-identical.
"""

from __future__ import annotations

import hashlib
import io
import logging
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

# First: it loads WeasyPrint's libraries (see there).
from ..compat.weasyprint import (
    install_closing_color_profile,
    install_language_tags,
    install_open_subset_arrays,
    page_box,
)

# isort: split
import weasyprint
import weasyprint.pdf
from weasyprint.formatting_structure import boxes
from weasyprint.pdf import VARIANTS
from weasyprint.text.ffi import pango
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher

from ..compat.pyphen import load_dictionary
from ..errors import TemplateError, UsageError
from ..model import Briefing
from .base import DEFAULT_PDF_VARIANT, Learned, Rendered, unknown_variant
from .html import STYLESHEETS, HtmlWriter


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


class _WarningRouter(logging.Handler):
    """Installed once on WeasyPrint's logger (not once per render, which
    would pile up handlers and mix the warnings of concurrent renders): it
    hands each warning to the render running in the thread that logged it."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.local = threading.local()

    def emit(self, record: logging.LogRecord) -> None:
        sink: list[str] | None = getattr(self.local, "sink", None)
        if sink is not None:
            sink.append(record.getMessage())

    @contextmanager
    def collect(self) -> Iterator[list[str]]:
        previous = getattr(self.local, "sink", None)
        sink: list[str] = []
        self.local.sink = sink
        try:
            yield sink
        finally:
            self.local.sink = previous


_ROUTER = _WarningRouter()
logging.getLogger("weasyprint").addHandler(_ROUTER)


install_closing_color_profile()
install_language_tags()
install_open_subset_arrays()


MAX_REFLOWS = 4
STRATEGY_LANGUAGE = "nl"  # an English edition quotes the strategy in its footnotes, hyphenated as Dutch
# WeasyPrint's own `debug` variant is for WeasyPrint's developers.
PDF_VARIANTS: tuple[str, ...] = tuple(sorted(v for v in VARIANTS if v != "debug"))


def _descendants(box: Any) -> Iterator[Any]:
    yield box
    for child in getattr(box, "children", ()):
        yield from _descendants(child)


def _paragraphs_pushing_notes(document: weasyprint.Document) -> list[Any]:
    """For each footnote laid out away from its call, the first paragraph
    on the page after the call's: the one that pushed the note (as HTML
    elements of the document being laid out)."""
    call_page: dict[int, int] = {}
    note_page: dict[int, int] = {}
    first_block: dict[int, Any] = {}
    for number, page in enumerate(document.pages):
        for child in page_box(page).children:
            if isinstance(child, boxes.FootnoteAreaBox):
                for note in child.children:
                    note_page.setdefault(id(note.element), number)
            elif not isinstance(child, boxes.MarginBox):
                for box in _descendants(child):
                    if str(box.element_tag).endswith("::footnote-call"):
                        call_page.setdefault(id(box.element), number)
                    elif isinstance(box, boxes.BlockBox) and box.element_tag in ("p", "li"):
                        first_block.setdefault(number, box.element)
    return [first_block[page + 1] for note, page in call_page.items()
            if note_page.get(note, page) != page and page + 1 in first_block]


HELD = "orphans: 99"  # the style that moves a paragraph on, see PdfWriter._layout
HELD_TAGS = ("p", "li")


def _environment(templates: Path, variant: str) -> bytes:
    """What a layout depends on besides its HTML: the template files (the
    stylesheets and the fonts among them), WeasyPrint's and Pango's
    versions, the PDF variant. Part of the key under which a layout's
    reflows are remembered."""
    from ..render import templates_digest  # here, not above: the render core imports the writers

    return hashlib.sha256(f"{weasyprint.__version__}\0{pango.pango_version()}\0{variant}\0"
                          f"{templates_digest(templates)}".encode()).digest()


def _held_before(prior: Sequence[Learned], key: str, elements: list[Any]) -> list[int]:
    """The paragraphs an earlier layout of this very HTML, in this very
    environment, had to lay out again: the entry of `prior` (as
    `PdfWriter._layout` returned them) whose key is this layout's, when
    every index in it names a paragraph or list item. Anything else is
    ignored whole."""
    entry = next((e for e in prior if isinstance(e, Mapping) and e.get("key") == key), None)
    held = entry.get("held") if entry else None
    if not isinstance(held, list) or not held or not all(
            type(i) is int and 0 <= i < len(elements) and elements[i].tag in HELD_TAGS for i in held):
        return []
    return sorted(set(held))


class _Tools:
    """What every render in one thread reuses: the font configuration
    (loading fonts is a large part of a cold render) and the print
    stylesheets, parsed once (WeasyPrint would fetch and parse linked ones
    for every document, and again for every reflow). WeasyPrint applies
    stylesheets given this way with the user origin: they still yield to
    the document's style attributes (the reflow's `orphans: 99`), as the
    linked ones did, and the PDFs are byte for byte the same; only an
    `!important` would now win over a style attribute, and the templates
    use none. Parsed pictures are not kept (WeasyPrint's image cache): a
    parsed map holds megabytes, and keeping the catalogue's doubled a
    worker's memory for no measurable time."""

    def __init__(self, templates: Path, variant: str) -> None:
        self.environment = _environment(templates, variant)
        self.font_config = FontConfiguration()
        fetcher = TemplatesOnlyFetcher(templates)
        with _ROUTER.collect() as warnings:
            self.stylesheets = [_stylesheet(templates / name, fetcher, self.font_config)
                                for name in STYLESHEETS["print"]]
        _check(str(templates), fetcher, warnings)


def _stylesheet(path: Path, fetcher: TemplatesOnlyFetcher, font_config: FontConfiguration) -> weasyprint.CSS:
    if not path.is_file():
        raise TemplateError(f"{path}: stylesheet not found")
    try:
        return weasyprint.CSS(filename=str(path), url_fetcher=fetcher, font_config=font_config)
    except FatalURLFetchingError as exc:
        raise TemplateError(f"{path}: {exc.__cause__ or exc}") from None


def _check(what: str, fetcher: TemplatesOnlyFetcher, warnings: list[str]) -> None:
    """A refused or missing asset, an unusable font or ignored CSS is a
    broken build: WeasyPrint reports the last two only as warnings."""
    if fetcher.refused:
        raise TemplateError(f"{what}: refused or missing asset(s): {', '.join(fetcher.refused)}")
    serious = [m for m in warnings if "font" in m.lower() or "ignored" in m.lower()]
    if serious:
        raise TemplateError(f"{what}: WeasyPrint: {'; '.join(serious)}")


class PdfWriter:
    format = "pdf"
    suffix = ".pdf"

    def __init__(self, templates: Path, pdf_variant: str = DEFAULT_PDF_VARIANT) -> None:
        variant = pdf_variant
        if variant not in PDF_VARIANTS:
            raise UsageError(unknown_variant(variant, PDF_VARIANTS))
        self.templates = templates.resolve()
        # Every variant is tagged: the archival `b` and `u` levels and PDF/X
        # do not ask for tags, but a reader with a screen reader still needs them.
        self.options: dict[str, Any] = {"pdf_variant": variant, "pdf_tags": True}
        self.html_writer = HtmlWriter(templates)
        # One set of tools per thread: a writer may be shared by a server's threads.
        self._local = threading.local()

    @property
    def tools(self) -> _Tools:
        tools: _Tools | None = getattr(self._local, "tools", None)
        if tools is None:
            tools = self._local.tools = _Tools(self.templates, self.options["pdf_variant"])
        return tools

    def layout(self, briefing: Briefing) -> weasyprint.Document:
        """The laid-out pages, before they are written: what the typography
        tests read (which line is on which page, and what it belongs to)."""
        return self._laid_out(briefing, ())[0]

    def _laid_out(self, briefing: Briefing, prior: Sequence[Learned]) -> tuple[weasyprint.Document, Learned | None]:
        tools = self.tools
        source = self.html_writer.html(briefing, "print", linked=False)
        for language in dict.fromkeys((briefing.metadata.language, STRATEGY_LANGUAGE)):
            load_dictionary(language)
        fetcher = TemplatesOnlyFetcher(self.templates)
        with _ROUTER.collect() as warnings:
            laid_out = self._layout(briefing, source, fetcher, tools, prior)
        _check(briefing.id, fetcher, warnings)
        return laid_out

    def _layout(self, briefing: Briefing, source: str, fetcher: TemplatesOnlyFetcher, tools: _Tools,
                prior: Sequence[Learned]) -> tuple[weasyprint.Document, Learned | None]:
        """The pages, and which paragraphs were held back (see below) when
        that took more than one layout: `{"key": ..., "held": [...]}`, the
        paragraphs by their place in the HTML's element tree, under a key
        made of the HTML and everything else it is laid out with
        (`_environment`). Given back in `prior` for the same HTML, the
        paragraphs are held from the first layout on, which is then the
        last: it is the very layout the reflows would end with. Entries of
        `prior` for any other HTML or environment are ignored."""
        try:
            # No base URL: the stylesheets come parsed, and links to related
            # briefings (`theme-migration.pdf`) must stay relative, so they
            # open the file next to this one wherever the folder is
            # published, not a path on the machine that built it.
            html = weasyprint.HTML(string=source, base_url=None, url_fetcher=fetcher)
            options = {**self.options, "stylesheets": tools.stylesheets}
            key = hashlib.sha256(tools.environment + source.encode("utf-8")).hexdigest()
            elements = list(html.etree_element.iter()) if prior else []
            held = [elements[i] for i in _held_before(prior, key, elements)]
            for element in held:
                element.set("style", HELD)
            document: weasyprint.Document = html.render(font_config=tools.font_config, **options)
            # WeasyPrint moves a footnote to the next page to make room for
            # the line a paragraph needs to satisfy `orphans`, and does not
            # bring the note back when that paragraph then moves on anyway.
            # A note belongs on the page of its call, so the paragraph that
            # pushed it (the first one on the next page) is laid out again
            # with orphans it cannot meet on that page: WeasyPrint then moves
            # it (and a heading before it) to the next page without touching
            # the notes. `break-inside: avoid` would not do: it is decided
            # after the notes were moved.
            for _ in range(MAX_REFLOWS):
                late = _paragraphs_pushing_notes(document)
                if not late:
                    break
                for element in late:
                    element.set("style", HELD)
                held += late
                document = html.render(font_config=tools.font_config, **options)
            else:
                held = []  # notes still pushed after the last reflow: nothing worth remembering
        except FatalURLFetchingError as exc:
            cause = exc.__cause__ or exc
            raise TemplateError(f"{briefing.id}: {cause}") from None
        if not held:
            return document, None
        place = {id(element): i for i, element in enumerate(html.etree_element.iter())}
        return document, {"key": key, "held": sorted({place[id(element)] for element in held})}

    def render(self, briefing: Briefing, prior: Sequence[Learned] = ()) -> Rendered:
        document, learned = self._laid_out(briefing, prior)
        out = io.BytesIO()
        document.write_pdf(out, **self.options, custom_metadata=True,
                           pdf_identifier=briefing.id.encode("utf-8"))
        return Rendered(out.getvalue(), pages=len(document.pages), learned=learned)
