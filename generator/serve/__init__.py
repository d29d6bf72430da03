"""`briefing serve`: briefings on demand over HTTP, for people without a
terminal. A client of the library like the CLI, never a second copy of it:

    service.py  names -> planned jobs (same date rule and input hash as a build)
    cache.py    content-addressed files on disk, LRU-limited, shareable
    pool.py     warm worker processes with deadlines, recycling, admission
    app.py      the Starlette app: the page, the JSON API, files, /health
"""

from __future__ import annotations

import contextlib
import logging
import resource
import time
from pathlib import Path
from typing import TextIO

from ..classification import Level
from ..content import Content
from ..errors import OutputError
from ..manifest import folder_clearance
from ..notes import Note
from .app import create_app
from .auth import AuthConfig
from .cache import Cache

__all__ = ["create_app", "run"]


# Descriptors the server keeps for itself beyond its connections: the
# cache's files, the pool's pipes, logs, the listening socket.
RESERVED_FDS = 128


def run(content: Content, templates: Path, cache_dir: Path, host: str = "127.0.0.1", port: int = 8000,
        workers: int = 2, queue: int = 16, deadline: float = 60.0, cache_mb: int = 512,
        warm: Path | None = None, log: TextIO | None = None, base_url: str = "", max_connections: int = 1000,
        header_timeout: float = 10.0, keep_alive: int = 5, notes: tuple[Note, ...] = (),
        clearance: Level | None = None, auth: AuthConfig | None = None) -> None:
    import uvicorn

    from ..compat.uvicorn import guarded_protocol

    if warm is not None:
        check_warm(warm, content)
    cache = Cache(cache_dir, max_bytes=cache_mb * 1024 * 1024, warm=warm)
    app = create_app(content, templates, cache, workers=workers, queue=queue, deadline=deadline, base_url=base_url,
                     notes=notes, clearance=clearance, auth=auth)
    # A connection refused at the cap still takes a descriptor until it is
    # closed, a moment later; those accepted in one burst are at most the
    # listening backlog.
    limit = descriptors()
    backlog = max(16, min(2048, limit // 4))
    cap = min(max_connections, limit - RESERVED_FDS - backlog - 8 * workers)
    if log is not None:
        print(f"serving briefings on http://{host}:{port}/ ({workers} worker(s), cache {cache_dir}, at most {cap} "
              f"connections, {header_timeout:g} s for a request's headers)", file=log, flush=True)
        if auth is not None:
            print(f"up to {(clearance or content.scale.lowest).name} for users cleared by {auth.path} "
                  f"({'a trusted proxy names them' if auth.proxy else 'they log in'}); {len(notes)} note(s); "
                  f"audit log {auth.audit_log}", file=log, flush=True)
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
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False, backlog=backlog,
                            http=guarded_protocol(max(1, cap), header_timeout),
                            timeout_keep_alive=keep_alive,
                            # The client address is the connecting one: X-Forwarded-For is
                            # read by the app, from the proxies its auth config trusts only.
                            proxy_headers=False)
    # What uvicorn and asyncio say about broken clients comes in bursts, one
    # line per connection: a few lines a minute, then a count. (Added after
    # uvicorn has configured its loggers, which it does in Config.)
    for name in ("uvicorn.error", "asyncio"):
        logging.getLogger(name).addFilter(RateLimit())
    uvicorn.Server(config).run()


def check_warm(warm: Path, content: Content) -> None:
    """A warm folder serves as the lowest partition of the cache, the one
    everybody reads: a folder built at a higher clearance is refused
    outright, though its files would only match requests where they hold
    nothing classified (defence in depth). Notes above the lowest level
    reach the server through --notes, never through a warm folder."""
    lowest = content.scale.lowest.id
    recorded = folder_clearance(warm, lowest)
    if recorded is not None and recorded != lowest:
        raise OutputError(f"{warm}: built at clearance '{recorded}'; a warm folder is read by everyone, so it "
                          f"must be built at {content.scale.lowest.name}: give it a folder built without --clearance "
                          "(notes reach the server through --notes)")


def descriptors() -> int:
    """The number of files this process may open, raised to its hard limit
    (a server's connections each take one)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else max(soft, 65536)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
            soft = wanted
    return soft if soft != resource.RLIM_INFINITY else 65536


class RateLimit(logging.Filter):
    """At most `burst` records per `every` seconds pass; the first record
    after a quiet spell says how many were held back."""

    def __init__(self, burst: int = 10, every: float = 60.0) -> None:
        super().__init__()
        self.burst, self.every = burst, every
        self.window, self.passed, self.dropped = -every, 0, 0

    def filter(self, record: logging.LogRecord) -> bool:
        now = time.monotonic()
        if now - self.window >= self.every:
            if self.dropped:
                record.msg = f"({self.dropped} similar messages held back) {record.msg}"
            self.window, self.passed, self.dropped = now, 0, 0
        if self.passed >= self.burst:
            self.dropped += 1
            return False
        self.passed += 1
        return True
