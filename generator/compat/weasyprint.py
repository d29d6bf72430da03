"""WeasyPrint internals (imported by writers/pdf.py and tests/layout.py).

- `install_closing_color_profile`: WeasyPrint 70 opens its sRGB profile for
  the output intent of PDF/A and PDF/X and never closes it: one leaked file
  per PDF (a ResourceWarning, and a server running out of descriptors).
  The profile is read whole when it is made, so the file is closed right
  after. No upstream issue yet (to report with a reproduction).
- `page_box`: the laid-out page's box tree, for footnotes pushed off their
  page (writers/pdf.py) and the typographic facts of the tests. WeasyPrint
  has no public API for a laid-out page's boxes.
"""

from __future__ import annotations

from typing import Any

import weasyprint.pdf
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


def page_box(page: Any) -> Any:
    """The root box of a laid-out page (`weasyprint.Document.pages[n]`)."""
    return page._page_box
