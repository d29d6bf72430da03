"""Publishing: what makes a build folder something a recipient can trust
and follow — signed PDFs, SHA256SUMS (optionally signed), an Atom feed of
changes.

The build calls this package at four points: `Publishing` is loaded (and
every key checked) before anything is planned or rendered; each rendered
PDF goes through `Publishing.seal`; each manifest entry records what the
feed will diff (`feed.passage_marks`, `feed.change_between`); and after
the manifest is composed, `write_published` writes it and the files
derived from it. Keys are read
from files named by the environment (or, for a path, an option); a
passphrase never comes from the command line or content.

- `signing`: PAdES signatures of PDFs (the only module that imports pyHanko).
- `sums`: SHA256SUMS and its detached gpg signature.
- `feed`: the Atom feed, and the per-briefing record of passages it diffs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..writers import DEFAULT_PDF_VARIANT
from .signing import PdfSigningKey, pdf_key_from_env
from .sums import GpgKey, gpg_key_from_env, replace_own

__all__ = ["Publishing", "configure", "write_published"]


@dataclass(frozen=True, slots=True)
class Publishing:
    """How a build folder is published. The default signs nothing, writes
    relative links and PDF/UA-1."""

    pdf_variant: str = DEFAULT_PDF_VARIANT
    pdf_key: PdfSigningKey | None = None  # loaded and checked: signing cannot fail for a bad key later
    sums_key: GpgKey | None = None
    base_url: str = ""  # prefix of links in the feed; "" keeps them relative to the feed

    @property
    def pdf_identity(self) -> tuple[str, ...]:
        """What a PDF depends on besides the briefing: its variant and who
        signs it. Part of the PDF's input hash."""
        return (self.pdf_variant, self.pdf_key.fingerprint if self.pdf_key else "")

    def seal(self, data: bytes, reason: str, location: str) -> bytes:
        """A rendered PDF as published: signed when a key is configured."""
        return self.pdf_key.sign(data, reason, location) if self.pdf_key else data


def configure(environ: Mapping[str, str], pdf_variant: str | None = None, pdf_key: Path | None = None,
              sums_key: str | None = None, base_url: str = "") -> Publishing:
    """Publishing as configured by options and the environment, every key
    loaded and checked now: a build with a bad key stops before it renders
    anything. See signing.py and sums.py for the environment variables."""
    from ..errors import UsageError
    from ..writers import check_pdf_variant

    if base_url and urlsplit(base_url).scheme not in ("http", "https"):
        raise UsageError(f"--base-url must be an http(s) URL, not '{base_url}'")
    return Publishing(
        pdf_variant=check_pdf_variant(pdf_variant) if pdf_variant else DEFAULT_PDF_VARIANT,
        pdf_key=pdf_key_from_env(environ, pdf_key),
        sums_key=gpg_key_from_env(environ, sums_key),
        base_url=base_url)


def write_published(out: Path, manifest: Mapping[str, Any], publishing: Publishing,
                    own: Mapping[str, bytes | None], final: bool = False) -> None:
    """The folder's own files (`own`: manifest.json, and at the end of a
    build index.html and feed.xml; None for one that stays as it is) and
    SHA256SUMS, which lists them with the briefings (see sums.replace_own).
    The signature of the sums (a gpg process) is made only at the end of
    a build, when `final`."""
    changed = replace_own(out, manifest, own)
    if final and publishing.sums_key is not None:
        publishing.sums_key.sign_sums(out, changed)
