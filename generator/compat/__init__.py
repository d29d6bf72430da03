"""Where the generator reaches into other libraries' internals, one module
per library, each imported only by the code that uses that library.

Every entry says why (the public API has no way to do it), names the
upstream issue where there is one, and states the version it was written
for. `written_for` warns when the installed version is another: the
generator still runs, but `tests/test_compat.py` (where warnings are
errors) fails until someone has checked the entry against the new version
and moved its range. pyproject.toml caps the libraries whose internals we
patch at the next major version.
"""

from __future__ import annotations

import warnings


class CompatWarning(UserWarning):
    """A library we reach into is at a version our patch was not checked against."""


def written_for(distribution: str, first: str, last: str, installed: str | None = None) -> None:
    """Warn unless `distribution`'s installed version lies in first..last
    (compared as numbers, by their leading parts). `installed` is that
    version where the library says it (its `__version__`); otherwise it is
    read from the distribution's metadata, whose module takes 15–30 ms to
    import: too much for every process that renders a PDF."""
    if installed is None:
        from importlib.metadata import version

        installed = version(distribution)

    def key(text: str) -> tuple[int, ...]:
        parts = []
        for part in text.split("."):
            digits = "".join(c for c in part if c.isdigit())
            if not digits:
                break
            parts.append(int(digits))
        return tuple(parts)

    if not key(first) <= key(installed)[:len(key(last))] <= key(last):
        warnings.warn(f"{distribution} {installed}: generator/compat was written for {first} to {last}; check its "
                      "entries against this version", CompatWarning, stacklevel=2)
