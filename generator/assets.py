"""Data a render needs besides its task, by content hash: what makes a
render task carry, rather than point at, everything it reads.

A composed briefing refers to larger data by its sha256 (a map to the
country outlines of content/geo/world.json), never by a path: a worker on
another machine sees nothing of the coordinator's disk. The stage that
reads such data puts it here (content validation reads world.json
anyway); a renderer gets it by digest. Each runner makes sure its workers
hold what tasks refer to: forked workers inherit this process's assets,
the server passes them to each worker it starts, and a cluster ships them
to each worker once, with the templates (see runners/dask.py).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Mapping

from .errors import TemplateError

_assets: dict[str, bytes] = {}
_lock = threading.Lock()


def put(data: bytes) -> str:
    """Keep `data` in this process; returns its sha256, by which tasks refer to it."""
    digest = hashlib.sha256(data).hexdigest()
    with _lock:
        _assets.setdefault(digest, data)
    return digest


def put_all(assets: Mapping[str, bytes]) -> None:
    """Keep assets shipped from another process, checking each digest."""
    for digest, data in assets.items():
        if put(data) != digest:
            raise TemplateError(f"asset {digest[:12]}… arrived damaged (its bytes have another sha256)")


def get(digest: str, what: str) -> bytes:
    """The asset with this digest. `what` names it in the error when this
    process does not hold it (a runner that did not ship it)."""
    with _lock:
        data = _assets.get(digest)
    if data is None:
        raise TemplateError(f"{what} {digest[:12]}… is not available in this process: the runner did not ship "
                            "it with the task (a bug; please report it)")
    return data


def snapshot() -> dict[str, bytes]:
    """Every asset this process holds, to ship to a worker."""
    with _lock:
        return dict(_assets)
