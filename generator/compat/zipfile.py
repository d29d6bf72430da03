"""zipfile internals (imported by writers/docx.py).

- `central_directory`: where a ZIP file's central directory starts. The
  Word writer stamps one fixed time into every entry's headers in place
  (reproducible builds without recompressing); `ZipFile.start_dir` is the
  only place the standard library keeps that offset (no public accessor;
  no upstream issue found).
"""

from __future__ import annotations

import sys
import zipfile

WRITTEN_FOR = ((3, 11), (3, 14))


def central_directory(package: zipfile.ZipFile) -> int:
    offset: int = package.start_dir
    return offset


def written_for_this_python() -> bool:
    return WRITTEN_FOR[0] <= sys.version_info[:2] <= WRITTEN_FOR[1]
