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
- `page_box`: the laid-out page's box tree, for footnotes pushed off their
  page (writers/pdf.py) and the typographic facts of the tests. WeasyPrint
  has no public API for a laid-out page's boxes.
"""

from __future__ import annotations

from typing import Any

import pydyf
import weasyprint.pdf
import weasyprint.pdf.tags
from weasyprint.css import ColorProfile

from . import written_for

written_for("weasyprint", "70", "70")


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
    (whose children's elements pass through)."""
    element = getattr(box, "element", None)
    lang = element.get("lang") if element is not None and box.element_tag not in ("html", "body") else None
    for struct in _build_box_tree(box, *args):
        if lang and "Lang" not in struct:
            struct["Lang"] = pydyf.String(lang)
        yield struct


def install_language_tags() -> None:
    weasyprint.pdf.tags._build_box_tree = _with_language


def page_box(page: Any) -> Any:
    """The root box of a laid-out page (`weasyprint.Document.pages[n]`)."""
    return page._page_box
