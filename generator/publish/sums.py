"""SHA256SUMS: the sha256 of every file manifest.json lists, and of the
folder's own files (manifest.json, index.html, feed.xml), in the format
`sha256sum -c SHA256SUMS` reads, and optionally its detached, armoured gpg
signature SHA256SUMS.asc (`gpg --verify SHA256SUMS.asc`).

The briefings' sums come from the manifest (which records each file's
sha256 as written); the folder's own files are hashed as they stand. It
never lists a checksum a file does not have, whenever the build is
killed: a briefing's record leaves the manifest before its file is
replaced (see build.py), and an own file's line leaves SHA256SUMS before
that file is replaced (`replace_own`). A signature is made only when the
sums changed (or it is missing): a gpg signature holds its time, so
signing again would change the file on every build.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ConfigError, OutputError
from ..outputs import TEMP_PREFIX, atomic_write, describe_os_error, remove, write_if_changed

SUMS = "SHA256SUMS"
SUMS_SIGNATURE = "SHA256SUMS.asc"
KEY_VAR = "BRIEFING_GPG_KEY"
PASSPHRASE_FILE_VAR = "BRIEFING_GPG_PASSPHRASE_FILE"


def file_records(info: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(name, sha256) of a manifest's file and of every file written beside
    it (a Markdown edition's pictures): what the folder must hold for it
    to be whole."""
    return [(info["name"], info["sha256"]), *((b["name"], b["sha256"]) for b in info.get("beside", ()))]


def sums_text(out: Path, manifest: Mapping[str, Any], own: Iterable[str] = ()) -> bytes:
    """One line per listed file, `<sha256>  <name>` (two spaces: text mode,
    as sha256sum writes it), sorted by name: the manifest's files, and the
    `own` files of the folder that are there, hashed as they stand."""
    files = [record for entry in manifest["briefings"] for info in entry["files"].values()
             for record in file_records(info)]
    for name in own:
        try:
            files.append((name, hashlib.sha256((out / name).read_bytes()).hexdigest()))
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise describe_os_error(out / name, exc, "read") from None
    return "".join(f"{sha}  {name}\n" for name, sha in sorted(files)).encode("ascii")


def replace_own(out: Path, manifest: Mapping[str, Any], own: Mapping[str, bytes | None]) -> bool:
    """Write the folder's own files that change (`own`: name -> new bytes,
    or None to keep it as it is) and SHA256SUMS listing them: the line of a
    file about to change leaves SHA256SUMS first, so a KILL in between
    leaves it unlisted, never listed with the old bytes' sum. Returns
    whether SHA256SUMS changed. Nothing changes, nothing is written."""
    changing = {}
    for name, data in own.items():
        if data is None:
            continue
        try:
            if (out / name).read_bytes() == data:
                continue
        except OSError:
            pass
        changing[name] = data
    if changing:
        write_sums(out, manifest, [n for n in own if n not in changing])
        for name, data in changing.items():
            atomic_write(out / name, data)
    return write_sums(out, manifest, list(own)) or bool(changing)


def write_sums(out: Path, manifest: Mapping[str, Any], own: Iterable[str] = ()) -> bool:
    """Write SHA256SUMS if it would change; a signature of the old sums is
    removed first (the next final write signs the new ones). Returns
    whether it wrote."""
    data = sums_text(out, manifest, own)
    try:
        if (out / SUMS).read_bytes() == data:
            return False
    except OSError:
        pass
    remove(out / SUMS_SIGNATURE)
    return write_if_changed(out / SUMS, data)


@dataclass(frozen=True, slots=True)
class GpgKey:
    """A gpg secret key, by id, in $GNUPGHOME (or gpg's default home).
    `passphrase_file` for a key with a passphrase and no agent to ask."""

    key_id: str
    passphrase_file: Path | None = None

    def _gpg(self, *args: str) -> list[str]:
        extra = ["--pinentry-mode", "loopback", "--passphrase-file", str(self.passphrase_file)] \
            if self.passphrase_file else []
        return ["gpg", "--batch", "--no-tty", *extra, *args]

    def check(self) -> GpgKey:
        """A usable secret key, or ConfigError naming it."""
        try:
            found = subprocess.run(self._gpg("--with-colons", "--list-secret-keys", self.key_id),
                                   capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ConfigError(f"gpg: cannot run it to sign {SUMS} ({exc})") from None
        records = [line.split(":") for line in found.stdout.splitlines()]
        keys = [r for r in records if r[0] == "sec"]
        home = os.environ.get("GNUPGHOME", "~/.gnupg")
        if found.returncode != 0 or not keys:
            raise ConfigError(f"{home}: no gpg secret key '{self.key_id}' to sign {SUMS} ({KEY_VAR})")
        if keys[0][1] in ("e", "r", "d"):
            state = {"e": "expired", "r": "revoked", "d": "disabled"}[keys[0][1]]
            raise ConfigError(f"{home}: the gpg key '{self.key_id}' is {state}")
        return self

    def sign_sums(self, out: Path, changed: bool) -> None:
        """Sign SHA256SUMS into SHA256SUMS.asc unless a signature of these
        sums is there already."""
        target = out / SUMS_SIGNATURE
        if target.is_file() and not changed:
            return
        tmp = out / f"{TEMP_PREFIX}{SUMS_SIGNATURE}.{os.getpid()}"
        try:
            done = subprocess.run(self._gpg("--yes", "--armor", "--local-user", self.key_id, "--output", str(tmp),
                                            "--detach-sign", str(out / SUMS)),
                                  capture_output=True, text=True, timeout=120)
            if done.returncode != 0:
                last = (done.stderr.strip().splitlines() or ["failed"])[-1]
                raise OutputError(f"{target}: gpg could not sign {SUMS}: {last}")
            os.replace(tmp, target)
        except OSError as exc:
            raise OutputError(f"{target}: cannot write: {exc.strerror or exc}") from None
        except subprocess.TimeoutExpired:
            raise OutputError(f"{target}: gpg did not finish signing in 120 s") from None
        finally:
            tmp.unlink(missing_ok=True)


def gpg_key_from_env(environ: Mapping[str, str], key_id: str | None = None) -> GpgKey | None:
    key_id = key_id or environ.get(KEY_VAR) or None
    if key_id is None:
        return None
    passphrase = environ.get(PASSPHRASE_FILE_VAR)
    if passphrase:  # gpg reads it; checked here as any secret file is (see signing.read_secret)
        from .signing import MAX_PASSPHRASE_BYTES, read_secret
        read_secret(Path(passphrase), f"the passphrase file ({PASSPHRASE_FILE_VAR})", MAX_PASSPHRASE_BYTES, environ)
    return GpgKey(key_id, Path(passphrase) if passphrase else None).check()
