"""`briefing serve`: briefings on demand over HTTP, for people without a
terminal. A client of the library like the CLI, never a second copy of it:

    service.py  names -> planned jobs (same date rule and input hash as a build)
    cache.py    content-addressed files on disk, LRU-limited, shareable
    pool.py     warm worker processes with deadlines, recycling, admission
    app.py      the Starlette app: the page, the JSON API, files, /health
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TextIO

from ..content import Content
from .app import create_app
from .cache import Cache

__all__ = ["create_app", "run"]


def run(content: Content, templates: Path, cache_dir: Path, host: str = "127.0.0.1", port: int = 8000,
        workers: int = 2, queue: int = 16, deadline: float = 60.0, cache_mb: int = 512,
        warm: Path | None = None, log: TextIO | None = None, base_url: str = "") -> None:
    import uvicorn

    cache = Cache(cache_dir, max_bytes=cache_mb * 1024 * 1024, warm=warm)
    app = create_app(content, templates, cache, workers=workers, queue=queue, deadline=deadline, base_url=base_url)
    if log is not None:
        print(f"serving briefings on http://{host}:{port}/ ({workers} worker(s), cache {cache_dir})", file=log,
              flush=True)
        # The access log and the server's own messages, one line each, stamped.
        handler = logging.StreamHandler(log)
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%Y-%m-%dT%H:%M:%S"))
        for name in ("briefing.access", "briefing.serve"):
            logger = logging.getLogger(name)
            logger.addHandler(handler)
            logger.setLevel(logging.INFO)
            logger.propagate = False
    # One server process: rendering concurrency comes from the worker pool,
    # and the single-flight table lives in this process.
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
