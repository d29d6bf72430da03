"""uvicorn internals (imported by serve/__init__.py).

uvicorn has a keep-alive timeout but no header timeout, and its
`limit_concurrency` answers 503 only once a request's headers are in, so a
client that sends one byte a second holds a connection, and a descriptor,
for ever ("slowloris"; upstream: encode/uvicorn issue #157, "Further
timeouts and resource limiting", closed without a header timeout). Thousands of them use up
the process's descriptors: then every request fails and asyncio logs each
refused accept. `guarded_protocol` is uvicorn's h11 protocol (a class
uvicorn lets us pass as `http=`) with what it lacks:

- a **header timeout**: a connection whose request line and headers are not
  all in within `header_timeout` seconds of its start, or of the end of the
  previous response, is answered 408 and closed;
- a **connection cap**: the connection past `cap` open ones is answered
  503 with Retry-After at once and closed, so it costs a descriptor for
  microseconds, not for as long as the client likes.

It reads the protocol's `connections`, `conn`, `transport` and `loop`
attributes and overrides `connection_made`, `data_received`,
`on_response_complete` and `connection_lost`.
"""

from __future__ import annotations

import asyncio
import logging

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from . import written_for

written_for("uvicorn", "0.30", "0.55")

LOG = logging.getLogger("briefing.serve")


def _answer(status: int, reason: str, extra: str = "") -> bytes:
    body = f"{status} {reason}\n".encode()
    return (f"HTTP/1.1 {status} {reason}\r\ncontent-type: text/plain; charset=utf-8\r\n{extra}"
            f"content-length: {len(body)}\r\nconnection: close\r\n\r\n").encode() + body


BUSY = _answer(503, "Service Unavailable", "retry-after: 5\r\n")
TIMEOUT = _answer(408, "Request Timeout")


class Refusals:
    """How many connections the cap refused and how many the header
    timeout closed since the last report: logged as one line a minute at
    most, never one per connection."""

    def __init__(self, every: float = 60.0) -> None:
        self.every, self.capped, self.timed_out, self.reported_at = every, 0, 0, -every

    def count(self, loop: asyncio.AbstractEventLoop, capped: int = 0, timed_out: int = 0) -> None:
        self.capped += capped
        self.timed_out += timed_out
        if loop.time() - self.reported_at >= self.every:
            LOG.warning("connections: %d refused at the cap, %d closed for sending headers too slowly (since "
                        "the last report)", self.capped, self.timed_out)
            self.capped = self.timed_out = 0
            self.reported_at = loop.time()


def guarded_protocol(cap: int, header_timeout: float, refusals: Refusals | None = None) -> type[H11Protocol]:
    """uvicorn's h11 protocol with a connection cap and a header timeout."""
    refused = refusals or Refusals()

    class GuardedH11Protocol(H11Protocol):
        _header_timer: asyncio.TimerHandle | None = None

        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            if len(self.connections) >= cap:
                transport.write(BUSY)  # type: ignore[attr-defined]
                transport.close()
                refused.count(self.loop, capped=1)
                return
            super().connection_made(transport)  # type: ignore[arg-type]
            self._arm()

        def _arm(self) -> None:
            self._disarm()
            self._header_timer = self.loop.call_later(header_timeout, self._too_slow)

        def _disarm(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None

        def _too_slow(self) -> None:
            self._header_timer = None
            if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
                self.transport.write(TIMEOUT)
                self.transport.close()
                refused.count(self.loop, timed_out=1)

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            if self.conn.their_state is not h11.IDLE:  # the request's headers are in
                self._disarm()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self.transport.is_closing():
                self._arm()  # the next request's headers, on a kept-alive connection

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            if self.transport is not None:  # refused at the cap: never registered
                super().connection_lost(exc)

    return GuardedH11Protocol

