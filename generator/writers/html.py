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

import base64
import contextlib
import hashlib
import pickle
import re
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import Any, Literal, TypedDict, TypeVar, cast

import jinja2
import markupsafe

from .. import pictures
from ..cachedir import cache_folder, make_folder
from ..errors import TemplateError
from ..model import Briefing, Picture
from ..pictures.palette import FILLS
from .base import Learned, Rendered

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
    stylesheets: tuple[str, ...]  # print only: file: URLs of the stylesheets in templates/
    picture_uri: Callable[[Picture], str]  # a picture as a data: URI (SVG): the print media's <img>
    picture_svg: Callable[[Picture], markupsafe.Markup]  # a picture as inline SVG: the screen page's


def contents_of(briefing: Briefing) -> list[ContentsEntry]:
    return [ContentsEntry(title=s.title, anchor=s.anchor, level=s.level)
            for s in briefing.walk() if s.in_contents and s.level <= 2]


OPTIONS: dict[str, Any] = {"autoescape": True, "undefined": jinja2.StrictUndefined, "trim_blocks": True,
                           "lstrip_blocks": True, "keep_trailing_newline": True}


def environment(templates: Path) -> jinja2.Environment:
    """The one Jinja2 environment of every page the tool writes (briefings,
    index.html, the server's page): templates from `templates`, autoescape
    on, so content text is always text, and StrictUndefined, so a typo in a
    template fails instead of printing nothing. Compiled templates are
    kept in the cache folder (`_KeptBytecode`)."""
    folder = cache_folder()
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates)),
                              bytecode_cache=_KeptBytecode(folder / "templates") if folder is not None else None,
                              **OPTIONS)


class _KeptBytecode(jinja2.FileSystemBytecodeCache):
    """Jinja2's own cache of compiled templates, on disk: compiling the
    briefing's template takes 20–25 ms, in every process that renders
    (a build's worker compiles it twice, for HTML and for print). Jinja2
    keys a template's code by its name and file, checks it against the
    source's digest and its own and Python's versions, and writes it
    atomically; the file names here also carry the environment's options,
    which Jinja2's key leaves out. Best effort, as every cache here: a
    folder that cannot be written is only a slower start."""

    def __init__(self, directory: Path) -> None:
        options = hashlib.sha256(repr(sorted(OPTIONS.items())).encode()).hexdigest()[:12]
        super().__init__(str(directory), f"template-{options}-%s.cache")

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, EOFError, ValueError, TypeError, pickle.UnpicklingError):  # no file, or not one of ours
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            make_folder(Path(self.directory))
            super().dump_bytecode(bucket)


class HtmlWriter:
    format = "html"
    suffix = ".html"

    def __init__(self, templates: Path) -> None:
        self.templates = templates
        self.env = environment(templates)
        self.env.filters["spaced"] = spaced
        self.env.globals["map_fill"] = FILLS.__getitem__
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
            css = "\n".join(parts)
            # The HTML output is one file: its fonts go inside it.
            self._css[media] = inline_fonts(css, self.templates) if media == "screen" else css
        return self._css[media]

    def inline_css(self) -> markupsafe.Markup:
        """The screen stylesheet for a <style> element. Autoescaping would
        turn its quotes into &#34;, which a browser does not decode inside
        <style>, and every rule with a quoted font name would be dropped; so
        it is marked safe — it comes from templates/, never from content —
        after checking that it cannot close the element early."""
        css = self.css("screen")
        if "</" in css:
            raise TemplateError(f"{self.templates / STYLESHEETS['screen'][-1]}: '</' in a stylesheet")
        return markupsafe.Markup(css)

    def html(self, briefing: Briefing, media: Literal["screen", "print"], linked: bool = True) -> str:
        """The page for `media`. Print HTML links its stylesheets, unless
        `linked` is false: then whoever renders it brings them (the PDF
        writer, which parses them once rather than for every document)."""
        context = TemplateContext(
            briefing=briefing,
            media=media,
            contents=contents_of(briefing),
            inline_css=self.inline_css() if media == "screen" else "",
            stylesheets=tuple(f"{self.templates.resolve().as_uri()}/{name}" for name in STYLESHEETS["print"])
            if media == "print" and linked else (),
            picture_uri=self.picture_uri,
            picture_svg=self.picture_svg,
        )
        try:
            return self.template().render(**context)
        except jinja2.UndefinedError as exc:
            raise TemplateError(f"{self.templates / TEMPLATE}:{_template_line(exc)}: {exc.message}") from None
        except jinja2.TemplateError as exc:
            raise TemplateError(f"{self.templates / TEMPLATE}: {exc}") from None

    def picture_uri(self, picture: Picture) -> str:
        """The picture as SVG inside the page: a mailed HTML file keeps its
        maps, and WeasyPrint reads it without fetching anything (an <img>,
        not inline SVG, so that the ids of two pictures cannot clash)."""
        svg = pictures.render(picture.drawing, "svg", self.templates)
        return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")

    def picture_svg(self, picture: Picture) -> markupsafe.Markup:
        """The picture as SVG inside the page (the HTML edition): each
        country's name then shows on hover and reaches screen readers.
        Safe to mark as markup: the SVG is written by `pictures` (element
        classes, never ids, so two maps on one page cannot clash), and
        every name in it is escaped there; the alt text is escaped here."""
        svg = pictures.render(picture.drawing, "svg", self.templates).decode("utf-8")
        body = svg[svg.index("<svg"):]
        label = markupsafe.escape(picture.alt)
        return markupsafe.Markup(body.replace("<svg ", f'<svg role="group" aria-label="{label}" ', 1))

    def render(self, briefing: Briefing, prior: Sequence[Learned] = ()) -> Rendered:
        return Rendered(self.html(briefing, "screen").encode("utf-8"))


Piece = TypeVar("Piece", bound=tuple[Any, ...])


def spaced(pieces: Iterable[Piece]) -> list[Piece]:
    """Pieces of text `(text, language, ...)` with the space before a piece
    in another language, or a marked one (`(text, language, citation,
    marked)`), moved into that piece ("onze ", "cyber security" -> "onze",
    " cyber security"). Where the space stands outside the span,
    WeasyPrint (70) may break the line before the span at the paragraph's
    first break opportunity instead of its last, leaving one word on a line
    of its own (upstream: Kozea/WeasyPrint#1614). The same words, the same
    break opportunity; only which element holds the space changes."""
    out = list(pieces)

    def inline(piece: Piece) -> bool:  # a stretch in an element of its own: another language, or marked
        return bool(piece[1]) or (len(piece) > 3 and bool(piece[3]))

    for i in range(1, len(out)):
        before, piece = out[i - 1], out[i]
        if inline(piece) and not inline(before) and before[0].endswith(" "):
            out[i - 1] = cast(Piece, (before[0][:-1], *before[1:]))
            out[i] = cast(Piece, (" " + piece[0], *piece[1:]))
    return out


FONT_URL = re.compile(r"url\((fonts/[\w./-]+\.woff2)\)")


def inline_fonts(css: str, templates: Path) -> str:
    """`css` with every url(fonts/….woff2) replaced by a data: URI."""
    def data_uri(match: re.Match[str]) -> str:
        return f"url(data:font/woff2;base64,{_font_base64(templates / match.group(1))})"
    return FONT_URL.sub(data_uri, css)


@cache
def _font_base64(path: Path) -> str:
    try:
        return base64.b64encode(path.read_bytes()).decode("ascii")
    except OSError:
        raise TemplateError(f"{path}: font not found") from None


def house_fonts_css(templates: Path) -> markupsafe.Markup:
    """The screen stylesheet's @font-face rules, inlined and ready for a
    <style> element: for pages other than briefings (index.html) that
    want the house font."""
    path = templates / STYLESHEETS["screen"][-1]
    try:
        css = path.read_text(encoding="utf-8")
    except OSError:
        raise TemplateError(f"{path}: stylesheet not found") from None
    return markupsafe.Markup(inline_fonts("\n".join(re.findall(r"@font-face \{[^}]*\}", css)), templates))


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

