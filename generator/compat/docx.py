"""python-docx internals (imported by writers/docx.py).

python-docx builds a document through its proxies; the writer writes
WordprocessingML directly for what they do not cover (headers' paragraph
properties, parts it adds, a package's extended properties):

- `element`: the XML element behind a proxy (`Paragraph._p`,
  `Part._element`); python-docx keeps them private and has no public
  accessor (no upstream issue found).
- `set_blob`: replace a part's bytes (the font table, app.xml): `Part.blob`
  is read-only.
- `package_entries`: the files of a document's package, named and in the
  order `Document.save` writes them, without writing them: the writer
  zips them itself, reusing the compressed bytes of parts that do not
  change from one document to the next (fonts, styles, theme).
  `PackageWriter.write` only writes to a zip file it opens itself; its
  three steps are private static methods (no upstream issue found).
"""

from __future__ import annotations

from typing import Any

import docx

from . import written_for

written_for("python-docx", "1.1", "1.2", docx.__version__)


def element(proxy: Any) -> Any:
    """The lxml element of a python-docx paragraph or part."""
    return proxy._p if hasattr(proxy, "_p") else proxy._element


def set_blob(part: Any, data: bytes) -> None:
    part._blob = data


class _Entries:
    """Stands in for python-docx's physical package writer: keeps what it is given."""

    def __init__(self) -> None:
        self.entries: list[tuple[str, bytes]] = []

    def write(self, pack_uri: Any, blob: bytes) -> None:
        self.entries.append((pack_uri.membername, blob))


def package_entries(document: Any) -> list[tuple[str, bytes]]:
    """(name in the zip, bytes) of every file `document.save` would write, in its order."""
    from docx.opc.pkgwriter import PackageWriter

    package = document.part.package
    for part in package.parts:
        part.before_marshal()
    sink: Any = _Entries()
    writer: Any = PackageWriter  # its steps are untyped
    writer._write_content_types_stream(sink, package.parts)
    writer._write_pkg_rels(sink, package.rels)
    writer._write_parts(sink, package.parts)
    entries: list[tuple[str, bytes]] = sink.entries
    return entries
