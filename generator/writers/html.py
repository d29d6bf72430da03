"""HTML writer: the briefing model through Jinja2 templates.

The same template serves two media. `screen` is the HTML output format: one
self-contained file (styles inlined) that opens from disk. `print` is the
input to the PDF writer: styles and fonts are linked, to be fetched from
templates/ by WeasyPrint's restricted URL fetcher.

Templates get a stated contract (`TemplateContext`); Jinja2 runs with
autoescape and StrictUndefined, so content text is always text and a typo in
a template fails the build instead of printing nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal, TypedDict

import jinja2

from ..errors import TemplateError
from ..model import Briefing
from . import Rendered

TEMPLATE = "briefing.html.j2"
STYLESHEETS = {"screen": ("base.css", "screen.css"), "print": ("base.css", "print.css")}


class ContentsEntry(TypedDict):
    title: str
    anchor: str
    level: int


class TemplateContext(TypedDict):
    """Everything `briefing.html.j2` may use."""

    briefing: Briefing
    media: Literal["screen", "print"]
    contents: list[ContentsEntry]
    inline_css: str  # screen only; "" for print
    stylesheets: tuple[str, ...]  # print only: hrefs relative to templates/


def contents_of(briefing: Briefing) -> list[ContentsEntry]:
    return [ContentsEntry(title=s.title, anchor=s.anchor, level=s.level)
            for s in briefing.walk() if s.in_contents and s.level <= 2]


class HtmlWriter:
    format = "html"
    suffix = ".html"

    def __init__(self, templates: Path) -> None:
        self.templates = templates
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(templates)),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self._template: jinja2.Template | None = None
        self._css: dict[str, str] = {}

    def template(self) -> jinja2.Template:
        if self._template is None:
            try:
                self._template = self.env.get_template(TEMPLATE)
            except jinja2.TemplateNotFound as exc:
                raise TemplateError(f"{self.templates / (exc.name or TEMPLATE)}: template not found") from None
            except jinja2.TemplateSyntaxError as exc:
                raise TemplateError(f"{exc.filename or TEMPLATE}:{exc.lineno}: {exc.message}") from None
        return self._template

    def css(self, media: str) -> str:
        if media not in self._css:
            parts = []
            for name in STYLESHEETS[media]:
                path = self.templates / name
                try:
                    parts.append(path.read_text(encoding="utf-8"))
                except OSError:
                    raise TemplateError(f"{path}: stylesheet not found") from None
            self._css[media] = "\n".join(parts)
        return self._css[media]

    def html(self, briefing: Briefing, media: Literal["screen", "print"]) -> str:
        context = TemplateContext(
            briefing=briefing,
            media=media,
            contents=contents_of(briefing),
            inline_css=self.css("screen") if media == "screen" else "",
            stylesheets=STYLESHEETS["print"] if media == "print" else (),
        )
        try:
            return self.template().render(**context)
        except jinja2.UndefinedError as exc:
            raise TemplateError(f"{self.templates / TEMPLATE}:{_template_line(exc)}: {exc.message}") from None
        except jinja2.TemplateError as exc:
            raise TemplateError(f"{self.templates / TEMPLATE}: {exc}") from None

    def render(self, briefing: Briefing) -> Rendered:
        return Rendered(self.html(briefing, "screen").encode("utf-8"))


def _template_line(exc: BaseException) -> int:
    """The template line an exception was raised at, from its traceback
    (Jinja2 rewrites frames to point at template lines)."""
    tb = exc.__traceback__
    line = 0
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(".j2"):
            line = tb.tb_lineno
        tb = tb.tb_next
    return line

