"""python-docx internals (imported by writers/docx.py).

python-docx builds a document through its proxies; the writer writes
WordprocessingML directly for what they do not cover (headers' paragraph
properties, parts it adds, a package's extended properties):

- `element`: the XML element behind a proxy (`Paragraph._p`,
  `Part._element`); python-docx keeps them private and has no public
  accessor (no upstream issue found).
- `set_blob`: replace a part's bytes (the font table, app.xml): `Part.blob`
  is read-only.
"""

from __future__ import annotations

from typing import Any

from . import written_for

written_for("python-docx", "1.1", "1.2")


def element(proxy: Any) -> Any:
    """The lxml element of a python-docx paragraph or part."""
    return proxy._p if hasattr(proxy, "_p") else proxy._element


def set_blob(part: Any, data: bytes) -> None:
    part._blob = data
