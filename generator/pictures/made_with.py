"""What pictures are made with besides their drawings: this package's code
and the versions of the libraries it draws with (`code_version`), found
without importing those libraries (0.2 s for matplotlib, which a picture
found in a store does not need) or `importlib.metadata` (15–30 ms). A
picture's key in the stores (pictures/__init__.py) and a map view's in
the cache folder (draw._frame) include it."""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
from functools import cache
from pathlib import Path

LIBRARIES = (("matplotlib", "_version.py", "matplotlib"), ("PIL", "_version.py", "pillow"),
             ("numpy", "version.py", "numpy"))  # package, the file that states its version, distribution


@cache
def code_version() -> str:
    """The code that lays pictures out and draws them: this package's
    modules and the versions of the libraries it draws with."""
    digest = hashlib.sha256()
    for part in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(part.read_bytes())
    for library, stating, distribution in LIBRARIES:
        digest.update(_version_file(library, stating) or _metadata_version(distribution))
    return digest.hexdigest()


def _version_file(package: str, name: str) -> bytes | None:
    spec = importlib.util.find_spec(package)
    for folder in (spec.submodule_search_locations or []) if spec is not None else []:
        with contextlib.suppress(OSError):
            return Path(folder, name).read_bytes()
    return None


def _metadata_version(distribution: str) -> bytes:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"{distribution} {version(distribution)}".encode()
    except PackageNotFoundError:
        return f"{distribution} missing".encode()  # drawing will say so
