"""WeasyPrint internals (imported by writers/pdf.py and tests/layout.py).

- `install_closing_color_profile`: WeasyPrint 70 opens its sRGB profile for
  the output intent of PDF/A and PDF/X and never closes it: one leaked file
  per PDF (a ResourceWarning, and a server running out of descriptors).
  The profile is read whole when it is made, so the file is closed right
  after. No upstream issue yet (to report with a reproduction).
- `install_language_tags`: WeasyPrint 70 tags a PDF's structure (PDF/UA)
  but gives only the catalog a /Lang, from the root's `lang`: a Dutch
  passage in an English edition would be read out as English. Each
  structure element of an element with its own `lang` gets /Lang here
  (ISO 32000-1, 14.9.2), as the structure tree is built. No upstream
  issue yet; tests/test_english.py fails the day the hook is gone or
  /Lang no longer lands on the elements.
- `install_open_subset_arrays`: WeasyPrint 70 subsets each font of a PDF
  with HarfBuzz, handing it the glyphs as `ffi.new(f"hb_codepoint_t[{n}]",
  glyphs)`. cffi parses a C type the first time it meets its text (with
  pycparser, 2–3 ms), and every new `n` is a new text: about six parses
  per briefing, in every process, however warm. The same array made as
  `hb_codepoint_t[]` from the same glyphs has the same length and items,
  and its type is parsed once per process. Eight briefings rendered in a
  warm process: 3.0–3.2 s of CPU instead of 3.2–3.6 s, the same bytes
  (tests/test_compat.py renders with and without).
- `page_box`: the laid-out page's box tree, for footnotes pushed off their
  page (writers/pdf.py) and the typographic facts of the tests. WeasyPrint
  has no public API for a laid-out page's boxes.
- Loading WeasyPrint's C libraries (`_libraries_opened_directly`, around
  the import below, so import this module before WeasyPrint): WeasyPrint
  70 tries each library under its Windows and macOS names first, and for
  every name that does not open, cffi asks `ctypes.util.find_library`,
  which on Linux runs `ldconfig -p`, then gcc, then ld, as subprocesses:
  22 searches, 0.17 of the 0.40 s that `import weasyprint` takes here,
  in every process that renders a PDF (upstream: Kozea/WeasyPrint#1125,
  closed as cffi's behaviour). WeasyPrint's list holds the Linux names
  (`libpango-1.0.so.0`), which the dynamic loader opens directly, so on
  Linux the import first runs with the search answering "not found"; if
  a library then fails to open, the import is run again with the search.
  For the moment of that import, any other caller of `find_library` in
  the process gets "not found" too; nothing of ours calls it, and the
  import runs when the PDF writer is first loaded (tests/test_compat.py
  counts the searches and forces the second import).
"""

from __future__ import annotations

import contextlib
import ctypes.util
import io
import re
import sys
from collections.abc import Iterator
from typing import Any

import pydyf

from . import written_for


@contextlib.contextmanager
def _libraries_opened_directly() -> Iterator[None]:
    if not sys.platform.startswith("linux") or "weasyprint" in sys.modules:
        yield
        return
    search = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        # WeasyPrint prints its installation advice before it gives up.
        with contextlib.redirect_stdout(io.StringIO()):
            import weasyprint.text.ffi  # noqa: F401
    except OSError:
        for name in [name for name in sys.modules if name == "weasyprint" or name.startswith("weasyprint.")]:
            del sys.modules[name]
    finally:
        ctypes.util.find_library = search
    yield


with _libraries_opened_directly():
    import weasyprint.pdf
    import weasyprint.pdf.fonts
    import weasyprint.pdf.tags
    from weasyprint.css import ColorProfile

written_for("weasyprint", "70", "70", weasyprint.__version__)


class _ClosingColorProfile(ColorProfile):  # type: ignore[misc]
    def __init__(self, file_object: Any, *args: Any) -> None:
        try:
            super().__init__(file_object, *args)
        finally:
            file_object.close()


def install_closing_color_profile() -> None:
    """Only where the PDF stage makes the output intent's profile."""
    weasyprint.pdf.ColorProfile = _ClosingColorProfile


_build_box_tree = weasyprint.pdf.tags._build_box_tree


def _with_language(box: Any, *args: Any) -> Any:
    """`_build_box_tree`, whose recursion comes back here: the element a
    box yields is its own, unless the box is the html or body element
    (whose children's elements pass through). WeasyPrint's own generator
    where the element has no `lang` (nearly every box): no extra layer for
    each level of the tree to pass its elements through."""
    element = getattr(box, "element", None)
    lang = element.get("lang") if element is not None and box.element_tag not in ("html", "body") else None
    if not lang:
        return _build_box_tree(box, *args)
    return _tagged(_build_box_tree(box, *args), pydyf.String(lang))


def _tagged(structs: Iterator[Any], lang: Any) -> Iterator[Any]:
    for struct in structs:
        if "Lang" not in struct:
            struct["Lang"] = lang
        yield struct


def install_language_tags() -> None:
    weasyprint.pdf.tags._build_box_tree = _with_language


_SIZED_ARRAY = re.compile(r"(\w+)\[(\d+)\]")


class _OpenArrays:
    """WeasyPrint's ffi, whose `new("T[n]", items)` makes a `T[]` of the
    items: the same memory, under a type parsed once."""

    def __init__(self, ffi: Any) -> None:
        self.ffi = ffi

    def __getattr__(self, name: str) -> Any:
        return getattr(self.ffi, name)

    def new(self, cdecl: str, init: Any = None) -> Any:
        sized = _SIZED_ARRAY.fullmatch(cdecl)
        if sized is not None and isinstance(init, (list, tuple)) and len(init) == int(sized[2]):
            cdecl = f"{sized[1]}[]"
        return self.ffi.new(cdecl, init)


def install_open_subset_arrays() -> None:
    """Only in the module that subsets fonts."""
    if not isinstance(weasyprint.pdf.fonts.ffi, _OpenArrays):
        weasyprint.pdf.fonts.ffi = _OpenArrays(weasyprint.pdf.fonts.ffi)


def page_box(page: Any) -> Any:
    """The root box of a laid-out page (`weasyprint.Document.pages[n]`)."""
    return page._page_box
