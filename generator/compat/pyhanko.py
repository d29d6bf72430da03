"""pyHanko internals (imported by publish/signing.py).

- `keep_metadata`: pyHanko rewrites a document's metadata when it signs:
  its own name as the XMP producer (but "WeasyPrint; pyHanko" in the
  document information, a mismatch PDF/A forbids) and the signing time as
  the modification date, re-serialising the XMP that identifies the
  variant. A signed briefing is not modified, only signed, so its metadata
  stays as rendered; the only way is the writer's internal `_update_meta`
  (pyHanko issue #223).
- `sign_module`: pyHanko's signing modules name DSA keys as they are
  imported (pdf_cms imports DSAPrivateKey), which cryptography 51 and later
  answers with a CryptographyDeprecationWarning on every signing build.
  Briefing signs with RSA and EC keys only; the warning is silenced for
  that import alone.
"""

from __future__ import annotations

import warnings
from types import ModuleType
from typing import Any

from . import written_for

written_for("pyhanko", "0.25", "0.38")


def keep_metadata(writer: Any) -> None:
    """Make an IncrementalPdfFileWriter leave the document's metadata alone."""
    if not hasattr(writer, "_update_meta"):
        raise AttributeError("pyHanko's IncrementalPdfFileWriter has no _update_meta: see generator/compat/pyhanko.py")
    writer._update_meta = lambda: None


def sign_module() -> ModuleType:
    """`pyhanko.sign`, imported without cryptography's warning about DSA."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="DSA is deprecated", category=UserWarning)
        import pyhanko.sign
    return pyhanko.sign
