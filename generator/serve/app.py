"""The HTTP layer: a web page and a JSON API over `BriefingService`.

Thin like the CLI: it parses requests, calls the service and turns the
library's errors into status codes. Every error is a 4xx (or the designed
429/503) with a JSON body under /api/ and a short HTML page elsewhere; no
traceback is ever sent.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import re
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlencode

import pebble
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import pictures
from ..classification import RefusedLevel
from ..content import Content
from ..errors import BriefingError, SelectionError, UnknownSubject
from ..formats import BESIDE, DEFAULT_FORMATS, FORMATS, REGISTRY, unknown
from ..labels import Labels, load_labels
from ..select import Selector, passage_count
from ..taxonomy import SELECTOR_KINDS
from ..writers.html import environment
from .cache import Cache
from .pool import Busy, Overran, RenderPool
from .service import BadRequest, BriefingService, NotFound, Planned, RenderFailed, parse_name

LOG = logging.getLogger("briefing.serve")
MAX_QUERY = 2048  # bytes; a briefing needs far less, and nothing longer is parsed
PAGE_TEMPLATE = "serve.html.j2"
# What a briefing file may load when a browser opens it from the server:
# nothing but what is inside it (its styles, its fonts, its pictures).
BRIEFING_CSP = "default-src 'none'; style-src 'unsafe-inline'; font-src data:; img-src data:; sandbox"
PICTURE_MEDIA_TYPE = "image/svg+xml"


ACCESS = logging.getLogger("briefing.access")


class _AccessLog:
    """One line per request: time, method, path, status, bytes, ms. A
    query's keys are kept, never its values (a marking, a search: what a
    user asked for is theirs, not the log's)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start, status, size = time.perf_counter(), 0, 0

        async def counting(message: Message) -> None:
            nonlocal status, size
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                size += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, counting)
        finally:
            keys = [pair.split("=", 1)[0] for pair in scope.get("query_string", b"").decode("latin-1").split("&")
                    if pair]
            query = ("?" + "&".join(f"{quote(unquote(k), safe='')}=…" for k in keys[:20])) if keys else ""
            ACCESS.info("%s %s%s %d %d B %.0f ms", scope["method"], quote(scope["path"], safe="/+-._~"), query,
                        status, size, (time.perf_counter() - start) * 1000)


class _Limits:
    """Refuse over-long query strings before anything parses them."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and len(scope.get("query_string", b"")) > MAX_QUERY:
            response = JSONResponse({"error": f"query string longer than {MAX_QUERY} bytes", "status": 414},
                                    status_code=414)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def create_app(content: Content, templates: Path, cache: Cache, workers: int = 2, queue: int = 16,
               deadline: float = 60.0, max_tasks: int = 200, base_url: str = "") -> Starlette:
    """The page and API as a Starlette app; its render pool starts with
    the app (lifespan) and stops with it. `base_url` is where people reach
    the server, for the stable links the page shows; without it they are
    paths (never built from a request's Host header, which anyone can set)."""
    site = _Site(content, templates, cache, workers, queue, deadline, max_tasks)
    site.base_url = base_url.rstrip("/")
    get = ["GET", "HEAD"]
    routes = [
        Route("/", site.page, methods=get),
        Route("/health", site.health, methods=get),
        # The page names its icon inline; a browser that asks anyway gets
        # an empty answer rather than a logged 404.
        Route("/favicon.ico", lambda request: Response(status_code=204), methods=get),
        Route("/api/subjects", site.subjects, methods=get),
        Route("/api/catalogue", site.catalogue_list, methods=get),
        Route("/api/preview", site.preview, methods=get),
        Route("/api/briefings/{name}", site.briefing_json, methods=get),
        Route("/briefings/{filename}", site.briefing_file, methods=get),
    ]
    # Each designed failure by its own class (handled where it is raised);
    # Exception last, for bugs: a plain 500 without a traceback.
    handlers: dict[Any, Any] = {cls: site.on_error for cls in (HTTPException, BriefingError, Busy, Overran,
                                                               pebble.ProcessExpired, Exception)}
    return Starlette(routes=routes, lifespan=site.lifespan, exception_handlers=handlers,
                     middleware=[Middleware(_AccessLog), Middleware(_Limits)])


class _Site:
    """The server's routes over one content set: one method per route."""

    def __init__(self, content: Content, templates: Path, cache: Cache, workers: int, queue: int,
                 deadline: float, max_tasks: int) -> None:
        self.content, self.templates, self.cache = content, templates, cache
        self.pool = functools.partial(RenderPool, templates, workers=workers, queue=queue, deadline=deadline,
                                      max_tasks=max_tasks, picture_store=cache.pictures)
        self.env = environment(templates)
        self.state: dict[str, BriefingService] = {}
        self.counts = {(k, e.id): passage_count(content, Selector(k, e.id)) for k in SELECTOR_KINDS
                       for e in content.taxonomies[k].entries}
        self.words = load_labels(content.document.language, templates)
        self.default_marking = content.scale.lowest.name
        self.base_url = ""

    @contextlib.asynccontextmanager
    async def lifespan(self, app: Starlette) -> AsyncIterator[None]:
        pictures.trim_store(self.cache.pictures)
        pool = self.pool()
        self.state["service"] = BriefingService(self.content, self.templates, self.cache, pool)
        try:
            yield
        finally:
            pool.close()

    def service(self) -> BriefingService:
        return self.state["service"]

    def wants_json(self, request: Request) -> bool:
        return request.url.path.startswith("/api/") or "text/html" not in request.headers.get("accept", "")

    def error(self, request: Request, status: int, message: str, page_message: str,
              headers: dict[str, str] | None = None, suggestion: dict[str, str] | None = None) -> Response:
        """The same failure for both kinds of client: JSON with `message`
        (English) for the API, the page with `page_message` (Dutch, from the
        label catalogue) and, where there is one, a link to what was likely
        meant. Neither carries a path or an exception's text."""
        if self.wants_json(request):
            return JSONResponse({"error": message, "status": status}, status_code=status, headers=headers)
        context = _page_context(self.content, self.words, self.counts, [], [], self.default_marking)
        page = self.env.get_template(PAGE_TEMPLATE).render(
            **context, result=None, error=page_message, status=status, error_title=self.title(status),
            suggestion=suggestion, base_url=self.base_url)
        return HTMLResponse(page, status_code=status, headers=headers)

    def title(self, status: int) -> str:
        return self.words.text(f"errors.title.{status if status in ERROR_TITLES else 400}")

    async def on_error(self, request: Request, exc: Exception) -> Response:
        words = self.words
        if isinstance(exc, HTTPException):  # Starlette's own: no route, wrong method, a bad request line
            page = words.text("errors.method" if exc.status_code == 405 else "errors.not_found")
            return self.error(request, exc.status_code, str(exc.detail), page, dict(exc.headers or {}))
        if isinstance(exc, Busy):
            return self.error(request, 429, str(exc), words.text("errors.busy", seconds=exc.retry_after),
                              {"Retry-After": str(exc.retry_after)})
        if isinstance(exc, (Overran, pebble.ProcessExpired)):
            LOG.warning("%s %s: %s", request.method, request.url.path, exc)
            return self.error(request, 503, "the renderer stopped on this briefing; try again later",
                              words.text("errors.unavailable", seconds=5), {"Retry-After": "5"})
        if isinstance(exc, (NotFound, SelectionError, UnknownSubject, BadRequest)):
            status = 400 if isinstance(exc, BadRequest) else 404
            return self.error(request, status, str(exc), _in_dutch(self.content, words, exc),
                              suggestion=self.suggestion(exc))
        if isinstance(exc, RenderFailed):
            # Deterministic: the same input fails the same way, so no Retry-After.
            LOG.error("%s %s cannot be rendered: %s", request.method, request.url.path, "; ".join(exc.messages()))
            return self.error(request, 500, "this briefing cannot be rendered", words.text("errors.internal"))
        if isinstance(exc, BriefingError):
            # A render that failed for a reason of its own (a full disk, a
            # font): the operator gets the details, the client none.
            LOG.error("%s %s could not render: %s", request.method, request.url.path, "; ".join(exc.messages()))
            return self.error(request, 503, "could not render this briefing; try again later",
                              words.text("errors.unavailable", seconds=30), {"Retry-After": "30"})
        # A bug: the client gets a plain 500, the operator the traceback.
        LOG.error("%s %s failed", request.method, request.url.path, exc_info=exc)
        return self.error(request, 500, "internal error", words.text("errors.internal"))

    def suggestion(self, exc: Exception) -> dict[str, str] | None:
        """The page's link to the subject a mistyped one likely meant."""
        if isinstance(exc, UnknownSubject) and exc.suggestion:
            label = self.content.taxonomies[exc.kind][exc.suggestion].label_nl
            before, _, after = self.words.text("errors.suggestion", label="\0").partition("\0")
            return {"href": "/?" + urlencode({exc.kind: exc.suggestion}), "label": label, "before": before,
                    "after": after}
        return None

    def planned_from(self, request: Request, name: str) -> Planned:
        return self.service().plan(parse_name(self.content, name), request.query_params.get("marking"))

    def links(self, planned: Planned, marking: str) -> dict[str, str]:
        # A level by its short id: a link to send reads ?marking=dv.
        query = "" if marking == self.default_marking else "?" + urlencode(
            {"marking": self.content.scale.level(marking).id})
        return {f.id: f"/briefings/{quote(planned.name, safe='+')}{f.extension}{query}" for f in REGISTRY.values()}

    def summary(self, planned: Planned, marking: str) -> dict[str, Any]:
        briefing = planned.job.model
        return {
            "name": planned.name,
            "id": briefing.id,
            "title": briefing.cover.title,
            "subtitle": briefing.cover.subtitle,
            "passages": briefing.passage_count,
            "marking": briefing.cover.marking,
            "date": planned.job.date.isoformat(),
            "content_hash": planned.job.content_hash,
            "files": {fmt: {"url": url, "media_type": REGISTRY[fmt].media_type, "etag": planned.etag(fmt),
                            "cached": self.service().cached(planned, fmt) is not None}
                      for fmt, url in self.links(planned, marking).items()},
        }

    async def page(self, request: Request) -> Response:
        params = request.query_params
        pairs = [(kind, value) for kind in SELECTOR_KINDS for value in params.getlist(kind) if value]
        formats = [f for f in params.getlist("format") if f in FORMATS] or list(DEFAULT_FORMATS)
        marking = params.get("marking") or self.default_marking
        with contextlib.suppress(BriefingError):  # any spelling of a level shows as its name; a wrong one is said below
            marking = self.content.scale.level(marking[:200]).name
        context = _page_context(self.content, self.words, self.counts, pairs, formats, marking)
        result, message, status, suggestion = None, "", 200, None
        if pairs:
            try:
                name = "+".join(f"{k}-{v}" for k, v in pairs)
                planned = self.service().plan(parse_name(self.content, name), marking)
                result = self.summary(planned, marking)
            except (NotFound, BadRequest, SelectionError, UnknownSubject) as exc:
                message, status = _in_dutch(self.content, self.words, exc), 400 if isinstance(exc, BadRequest) else 404
                suggestion = self.suggestion(exc)
        html = self.env.get_template(PAGE_TEMPLATE).render(
            **context, result=result, error=message, status=status, error_title=self.title(status),
            suggestion=suggestion, base_url=self.base_url)
        return HTMLResponse(html, status_code=status)

    async def subjects(self, request: Request) -> Response:
        return JSONResponse({GROUP_TITLES_EN[k]: [
            {"id": e.id, "label_nl": e.label_nl, "label_en": e.label_en, "aliases": list(e.aliases),
             "covers": list(e.covers), "description": e.description, "passages": self.counts[k, e.id]}
            for e in self.content.taxonomies[k].entries] for k in SELECTOR_KINDS})

    async def catalogue_list(self, request: Request) -> Response:
        items = []
        for selectors in self.service().catalogue_names():
            planned = self.service().plan(selectors)
            items.append({"name": planned.name, "title": planned.job.model.cover.title,
                          "passages": planned.job.model.passage_count, "urls": self.links(planned, self.default_marking)})
        return JSONResponse({"briefings": items})

    async def briefing_json(self, request: Request) -> Response:
        name = request.path_params["name"]
        planned = self.planned_from(request, name)
        if planned.name != name:
            return _redirect(request, f"/api/briefings/{quote(planned.name, safe='+')}")
        return JSONResponse(self.summary(planned, planned.job.model.cover.marking))

    async def preview(self, request: Request) -> Response:
        pairs = [(kind, v) for kind in SELECTOR_KINDS for v in request.query_params.getlist(kind) if v]
        if not pairs:
            raise BadRequest("choose at least one region, theme or ministry")
        planned = self.service().plan(parse_name(self.content, "+".join(f"{k}-{v}" for k, v in pairs)),
                                 request.query_params.get("marking") or None)
        return JSONResponse(self.summary(planned, planned.job.model.cover.marking))

    async def briefing_file(self, request: Request) -> Response:
        filename = request.path_params["filename"]
        name, fmt, picture, suffix = _file_parts(filename)
        planned = self.planned_from(request, name)
        if planned.name != name:
            return _redirect(request, f"/briefings/{quote(planned.name, safe='+')}{suffix}")
        etag = planned.etag(fmt)
        marking = planned.job.model.cover.marking
        headers = {
            "ETag": etag,
            # Openbaar may be kept by shared caches; anything else only by the browser.
            "Cache-Control": f"{'public' if marking == self.default_marking else 'private'}, max-age=300",
        }
        if _matches(request.headers.get("if-none-match", ""), etag):
            return Response(status_code=304, headers=headers)
        hit = await self.service().file(planned, fmt, picture)
        # Briefings are a few hundred kB at most and usually in the page
        # cache: reading them here is cheaper than a hop to a thread.
        data = hit.read()
        # Nothing a briefing file holds is to run here: no script, no fetch
        # (its styles, fonts and pictures are inside it), never sniffed.
        headers["Content-Security-Policy"] = BRIEFING_CSP
        headers["X-Content-Type-Options"] = "nosniff"
        if picture:
            headers["Content-Disposition"] = f'inline; filename="{planned.name}{suffix}"'
            return Response(data, media_type=PICTURE_MEDIA_TYPE, headers=headers)
        entry = REGISTRY[fmt]
        title = re.sub(r"[^\w .,()+\-·’]", "", planned.job.model.cover.title).strip() or planned.name
        headers["Content-Disposition"] = (f'{entry.disposition}; filename="{planned.name}{suffix}"; '
                                          f"filename*=UTF-8''{quote(title + entry.extension)}")
        return Response(data, media_type=entry.media_type, headers=headers)

    async def health(self, request: Request) -> Response:
        service = self.service()
        pool = service.pool
        alive = await pool.alive()
        # A cache that cannot store still serves what it holds, but every
        # new briefing then renders on each request: not healthy.
        problem = service.cache.problem()
        healthy = alive and problem is None
        body = {"status": "ok" if healthy else "unavailable" if not alive else "degraded",
                "content": {"passages": len(self.content.passages)},
                "cache": {"writable": problem is None, **({"reason": problem} if problem else {})},
                "workers": {"count": pool.workers, "alive": alive, "pending": pool.pending,
                            "renders": pool.renders, "replaced": pool.replaced, "restarts": pool.restarts}}
        return JSONResponse(body, status_code=200 if healthy else 503)



GROUP_TITLES_EN = {"region": "regions", "theme": "themes", "ministry": "ministries"}


ERROR_TITLES = (400, 404, 405, 429, 500, 503)


def _in_dutch(content: Content, words: Labels, exc: BriefingError) -> str:
    """The page speaks Dutch; the library's messages (and the API) English."""
    if isinstance(exc, UnknownSubject):
        kind = words.kind(exc.kind, "kinds_in_text")
        return f"Er is geen {kind} ‘{exc.key}’."  # the page adds the suggestion, as a link
    if isinstance(exc, NotFound):
        if "unknown format" not in str(exc):
            return words.text("errors.not_found")
        names = [words.text(f"{f.label}.name") for f in REGISTRY.values()]
        return words.text("errors.unknown_format", formats=words.join(names))
    if isinstance(exc, SelectionError):
        return ("Geen enkele passage van de strategie gaat over al deze onderwerpen tegelijk. Kies minder "
                "onderwerpen, of onderwerpen van dezelfde soort (die tellen samen op).")
    if isinstance(exc, BadRequest):
        if isinstance(exc.__cause__, RefusedLevel):
            return words.text("errors.marking_refused", level=exc.__cause__.name)
        names = [level.name for level in content.scale.levels]
        return words.text("errors.marking", levels=words.join(names))
    return str(exc)


def _matches(if_none_match: str, etag: str) -> bool:
    """Whether If-None-Match names `etag` (RFC 9110, 13.1.2: `*` matches any
    current file; the comparison is weak, so `W/"x"` matches `"x"`)."""
    tags = [t.strip() for t in if_none_match.split(",") if t.strip()]
    return "*" in tags or etag.removeprefix("W/") in (t.removeprefix("W/") for t in tags)


def _file_parts(filename: str) -> tuple[str, str, int, str]:
    """'region-sahel.pdf' -> ('region-sahel', 'pdf', 0, '.pdf'); a picture
    beside a file, 'region-sahel.1.svg' -> ('region-sahel', 'md', 1,
    '.1.svg'), of the format that writes its pictures beside it."""
    beside = BESIDE.match(filename)
    if beside:
        owner = next(f.id for f in REGISTRY.values() if f.pictures_beside)
        return beside["stem"], owner, int(beside["number"]), filename[len(beside["stem"]):]
    name, _, extension = filename.rpartition(".")
    fmt = next((f.id for f in REGISTRY.values() if f.extension == f".{extension}"), None)
    if fmt is None or not name:
        raise NotFound(f"'{filename}': {unknown(extension)}")
    return name, fmt, 0, f".{extension}"


def _redirect(request: Request, path: str) -> Response:
    """To the canonical name (an alias or another order was asked for)."""
    query = request.url.query
    return RedirectResponse(path + (f"?{query}" if query else ""), status_code=308)


def _page_context(content: Content, words: Labels, counts: dict[tuple[str, str], int],
                  pairs: list[tuple[str, str]], formats: list[str], marking: str) -> dict[str, Any]:
    chosen = set()
    for kind, key in pairs:
        entry = content.taxonomies[kind].get(key)
        if entry is not None:
            chosen.add((kind, entry.id))
    groups = [{
        "kind": kind, "title": words.kind(kind, "kinds_plural"), "label": words.kind(kind),
        "entries": [{"id": e.id, "label": e.label_nl, "aliases": list(e.aliases), "label_en": e.label_en,
                     "covers": list(e.covers), "passages": counts[kind, e.id],
                     "checked": (kind, e.id) in chosen} for e in content.taxonomies[kind].entries],
    } for kind in SELECTOR_KINDS]
    return {"groups": groups, "formats": [{"id": f, "label": words.text(f"{REGISTRY[f].label}.name"),
                                           "action": words.text(f"{REGISTRY[f].label}.action"),
                                           # a page opens in the browser; any other file is saved
                                           "download": not REGISTRY[f].media_type.startswith("text/html"),
                                           "checked": f in (formats or DEFAULT_FORMATS)}
                                          for f in FORMATS],
            "marking": marking, "levels": content.scale.levels, "document": content.document}
