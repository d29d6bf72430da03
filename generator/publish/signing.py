"""PAdES signatures of PDFs with a PKCS#12 key, through pyHanko (the only
module that imports it).

The key is loaded and checked when a build starts, before anything is
rendered: a wrong passphrase, a missing file or a certificate outside its
validity period stops the build with one line naming the file, and nothing
is written. The signature is added to the rendered PDF as an incremental
update (the bytes WeasyPrint wrote stay as they are, followed by the
signature), PAdES baseline B-B (`ETSI.CAdES.detached`, SHA-256), invisible,
with the certificate's name, a reason and a location from the label
catalogue.

The private key stays in the process that loaded it (the build's
coordinator): workers render, the coordinator signs what they return.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ConfigError

# Where a publisher configures the key (see README, "Publishing"). A
# passphrase is read from the environment or a file, never from an option:
# the command line is visible to every user of the machine (ps, /proc).
KEY_VAR = "BRIEFING_SIGN_KEY"
PASSPHRASE_VAR = "BRIEFING_SIGN_PASSPHRASE"
PASSPHRASE_FILE_VAR = "BRIEFING_SIGN_PASSPHRASE_FILE"
FIELD_NAME = "Signature1"


@dataclass(frozen=True, slots=True)
class PdfSigningKey:
    """A loaded, checked PKCS#12 key. `fingerprint` is the SHA-256 of the
    certificate: who signs is part of a PDF's input hash."""

    path: Path
    name: str  # the certificate subject's common name, shown as the signer
    fingerprint: str
    not_after: dt.datetime
    signer: Any  # pyhanko.sign.signers.SimpleSigner

    def sign(self, data: bytes, reason: str, location: str) -> bytes:
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

        from ..compat.pyhanko import keep_metadata, sign_module

        sign = sign_module()
        fields, signers = sign.fields, sign.signers

        meta = signers.PdfSignatureMetadata(
            field_name=FIELD_NAME, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
            name=self.name, reason=reason, location=location)
        writer = IncrementalPdfFileWriter(io.BytesIO(data))
        # The document is not modified, only signed: its metadata stays as
        # rendered (see compat/pyhanko.py). The tests check that it is
        # unchanged, so a pyHanko that ignores this is noticed.
        keep_metadata(writer)
        signed: io.BytesIO = signers.sign_pdf(writer, meta, signer=self.signer)
        return signed.getvalue()


def pdf_key_from_env(environ: Mapping[str, str], path: Path | None = None,
                     now: dt.datetime | None = None) -> PdfSigningKey | None:
    """The key named by `path` or $BRIEFING_SIGN_KEY, with the passphrase of
    $BRIEFING_SIGN_PASSPHRASE or the file $BRIEFING_SIGN_PASSPHRASE_FILE;
    None when no key is configured."""
    path = path or (Path(environ[KEY_VAR]) if environ.get(KEY_VAR) else None)
    if path is None:
        return None
    return load_pdf_key(path, _passphrase(environ), now, environ)


# Secret files are small: a PKCS#12 key a few kB, a passphrase one line.
# Reading is bounded, so a wrong path (/dev/zero, a disk image) is a clear
# error, not the machine's memory.
MAX_KEY_BYTES = 1 << 20
MAX_PASSPHRASE_BYTES = 4096
# Who may read a key decides who may sign as the publisher: a file that
# group or others can read is refused unless this is set to 1.
ALLOW_READABLE_VAR = "BRIEFING_ALLOW_READABLE_SECRETS"


def read_secret(path: Path, what: str, limit: int, environ: Mapping[str, str]) -> bytes:
    """The bytes of a key or passphrase file: a regular file, at most
    `limit` bytes, readable by its owner alone (unless allowed). Raises
    ConfigError naming the file and what to do."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise ConfigError(f"{path}: {what} is not a regular file")
        if info.st_mode & 0o077 and environ.get(ALLOW_READABLE_VAR) != "1":
            raise ConfigError(f"{path}: {what} can be read by others (mode {stat.S_IMODE(info.st_mode):04o}): "
                              f"chmod 600 {path}, or set {ALLOW_READABLE_VAR}=1 to use it anyway")
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read {what}: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise ConfigError(f"{path}: {what} is larger than {limit} bytes; is this the right file?")
    return data


def _passphrase(environ: Mapping[str, str]) -> bytes | None:
    if PASSPHRASE_VAR in environ:
        return environ[PASSPHRASE_VAR].encode("utf-8")
    file = environ.get(PASSPHRASE_FILE_VAR)
    if not file:
        return None
    # One line; the newline an editor or `echo` adds is not part of it.
    return read_secret(Path(file), f"the passphrase file ({PASSPHRASE_FILE_VAR})", MAX_PASSPHRASE_BYTES,
                       environ).rstrip(b"\r\n")


def load_pdf_key(path: Path, passphrase: bytes | None, now: dt.datetime | None = None,
                 environ: Mapping[str, str] | None = None) -> PdfSigningKey:
    """Load and check a PKCS#12 file: readable, the passphrase right, a key
    and certificate inside, the certificate valid `now` (the real time, not
    SOURCE_DATE_EPOCH: a signature is checked against the clock)."""
    try:
        from cryptography.hazmat.primitives.serialization import Encoding, pkcs12
        from cryptography.x509.oid import NameOID

        from ..compat.pyhanko import sign_module

        signers = sign_module().signers
    except ImportError:
        raise ConfigError(f"{path}: signing PDFs needs pyHanko: pip install 'briefing[publish]'") from None

    data = read_secret(path, f"the signing key ({KEY_VAR})", MAX_KEY_BYTES, environ or {})
    try:
        key, cert, _ = pkcs12.load_key_and_certificates(data, passphrase)
    except (ValueError, TypeError):
        given = "no passphrase given" if passphrase is None else "wrong passphrase"
        raise ConfigError(f"{path}: cannot open the signing key: {given}, or not a PKCS#12 file "
                          f"(passphrase from {PASSPHRASE_VAR} or {PASSPHRASE_FILE_VAR})") from None
    if key is None or cert is None:
        raise ConfigError(f"{path}: the PKCS#12 file must hold a private key and its certificate")
    now = now or dt.datetime.now(dt.UTC)
    if now < cert.not_valid_before_utc:
        raise ConfigError(f"{path}: the certificate is not valid yet (from {cert.not_valid_before_utc:%Y-%m-%d %H:%M} "
                          "UTC)")
    if now > cert.not_valid_after_utc:
        raise ConfigError(f"{path}: the certificate has expired (on {cert.not_valid_after_utc:%Y-%m-%d} UTC)")
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    name = str(names[0].value) if names else cert.subject.rfc4514_string()
    try:
        signer = signers.SimpleSigner.load_pkcs12_data(data, other_certs=[], passphrase=passphrase)
    except ValueError as exc:
        raise ConfigError(f"{path}: pyHanko cannot use the signing key: {exc}") from None
    fingerprint = hashlib.sha256(cert.public_bytes(Encoding.DER)).hexdigest()
    return PdfSigningKey(path, name, fingerprint, cert.not_valid_after_utc, signer)
