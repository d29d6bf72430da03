"""The HTTP layer: a web page and a JSON API over `BriefingService`.

Thin like the CLI: it parses requests, calls the service and turns the
library's errors into status codes. Every error is a 4xx (or the designed
429/503) with a JSON body under /api/ and a short HTML page elsewhere; no
traceback is ever sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import re
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit

import pebble
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import pictures
from ..cachedir import shared_pictures
from ..classification import Level, RefusedLevel
from ..content import Content
from ..dates import build_date
from ..errors import BriefingError, SelectionError, UnknownSubject
from ..formats import BESIDE, DEFAULT_FORMATS, FORMATS, REGISTRY, unknown
from ..labels import Labels, load_labels
from ..manifest import document_title
from ..notes import Note, current
from ..query import MAX_QUERY_LENGTH, QUERY, QueryError
from ..search import NoMatch
from ..select import Selector, passage_count
from ..taxonomy import SELECTOR_KINDS
from ..writers.html import environment
from .auth import COOKIE, Audit, AuditFailed, Auth, AuthConfig, LoginLimited, LoginRefused, User
from .cache import Cache
from .pool import Busy, Overran, RenderPool
from .service import BadRequest, BriefingService, NotCleared, NotFound, Planned, RenderFailed, parse_name

LOG = logging.getLogger("briefing.serve")
MAX_QUERY = 2048  # bytes; a briefing needs far less, and nothing longer is parsed
PAGE_TEMPLATE = "serve.html.j2"
LOGIN_TEMPLATE = "login.html.j2"
MAX_FORM = 4096  # bytes of a login form
LOGINS_AT_ONCE = 4  # password checks running at once
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


class _Headers:
    """On every answer: never framed by another site (a login form in a
    frame invites clickjacking), and no Referer to another site (a link
    followed from a briefing would tell it the briefing's URL, marking
    included). `same-origin`, not `no-referrer`: under that, browsers send
    `Origin: null` with a form, and the login form's origin check needs it.
    """

    HEADERS = [(b"referrer-policy", b"same-origin"), (b"x-frame-options", b"DENY")]

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *self.HEADERS]
            await send(message)

        await self.app(scope, receive, with_headers)


def create_app(content: Content, templates: Path, cache: Cache, workers: int = 2, queue: int = 16,
               deadline: float = 60.0, max_tasks: int = 200, base_url: str = "", notes: tuple[Note, ...] = (),
               clearance: Level | None = None, auth: AuthConfig | None = None) -> Starlette:
    """The page and API as a Starlette app; its render pool starts with
    the app (lifespan) and stops with it. `base_url` is where people reach
    the server, for the stable links the page shows; without it they are
    paths (never built from a request's Host header, which anyone can set).
    `notes` are admitted up to `clearance` (the most the server serves,
    the lowest level by default); `auth` says who may have what."""
    clearance = clearance or content.scale.lowest
    if clearance > content.scale.lowest and auth is None:
        raise BriefingError(f"a server that serves up to {clearance.name} needs --auth-config: who asks must be known")
    site = _Site(content, templates, cache, workers, queue, deadline, max_tasks, notes, Auth(auth, content.scale,
                                                                                           clearance))
    site.base_url = base_url.rstrip("/")
    get = ["GET", "HEAD"]
    routes = [
        Route("/", site.page, methods=get),
        Route("/login", site.login_form, methods=get),
        Route("/login", site.login, methods=["POST"]),
        Route("/logout", site.logout, methods=["POST"]),
        Route("/health", site.health, methods=get),
        # The page names its icon inline; a browser that asks anyway gets
        # an empty answer rather than a logged 404.
        Route("/favicon.ico", lambda request: Response(status_code=204), methods=get),
        Route("/api/subjects", site.subjects, methods=get),
        Route("/api/catalogue", site.catalogue_list, methods=get),
        Route("/api/preview", site.preview, methods=get),
        Route("/api/search", site.search, methods=get),
        Route("/api/briefings/{name}", site.briefing_json, methods=get),
        Route("/briefings/{filename}", site.briefing_file, methods=get),
    ]
    # Each designed failure by its own class (handled where it is raised);
    # Exception last, for bugs: a plain 500 without a traceback.
    handlers: dict[Any, Any] = {cls: site.on_error for cls in (HTTPException, BriefingError, Busy, Overran,
                                                               pebble.ProcessExpired, Exception)}
    return Starlette(routes=routes, lifespan=site.lifespan, exception_handlers=handlers,
                     middleware=[Middleware(_AccessLog), Middleware(_Headers), Middleware(_Limits)])


class _Site:
    """The server's routes over one content set: one method per route."""

    def __init__(self, content: Content, templates: Path, cache: Cache, workers: int, queue: int,
                 deadline: float, max_tasks: int, notes: tuple[Note, ...], auth: Auth) -> None:
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
        self.notes = tuple(n for n in notes if n.level <= auth.clearance)
        self.auth = auth
        self.audit = Audit(auth.config.audit_log if auth.config else None)
        self.verifying = asyncio.Semaphore(LOGINS_AT_ONCE)

    @contextlib.asynccontextmanager
    async def lifespan(self, app: Starlette) -> AsyncIterator[None]:
        pictures.trim_store(self.cache.pictures)
        pictures.trim_store(shared_pictures())
        pool = self.pool()
        service = BriefingService(self.content, self.templates, self.cache, pool, self.notes)
        service.forget()  # files holding notes removed, changed or expired since the last start
        self.state["service"] = service
        try:
            yield
        finally:
            pool.close()
            self.audit.close()

    # -- who asks ------------------------------------------------------------

    def user(self, request: Request) -> User:
        """Who sent `request` (anonymous unless logged in or named by a
        trusted proxy); proxy headers from anyone else are audited."""
        found = getattr(request.state, "user", None)
        if found is None:
            headers = [(k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in request.scope.get("headers", [])]
            client = request.client.host if request.client else ""
            found, problem = self.auth.who(client, headers, request.cookies.get(COOKIE))
            request.state.user = found
            if problem:
                self.audit.write(f"{problem}_proxy_headers", address=client, path=request.url.path)
        return found

    def address(self, request: Request) -> str:
        headers = {k.lower(): v for k, v in request.headers.items()}
        return self.auth.peer(request.client.host if request.client else "", headers)

    def ceiling(self, user: User) -> Level | None:
        """The highest marking `user` may ask for: their clearance on a
        server that knows who asks; any level on one that serves the lowest
        only (nothing it holds is classified: a marking is then a label)."""
        return user.clearance if self.auth.config is not None else None

    def plan(self, request: Request, name: str, marking: str | None, queries: list[str] | None = None) -> Planned:
        user = self.user(request)
        if queries is None:
            queries = [q for q in request.query_params.getlist("q") if q.strip()]
        return self.service().plan(parse_name(self.content, name, queries), marking, clearance=user.clearance,
                                   ceiling=self.ceiling(user), language=request.query_params.get("lang"))

    def page_language(self, request: Request) -> str:
        """The language of the page and the briefings it offers (?lang=en),
        "" for the strategy's own; an unknown one shows the page in that."""
        try:
            return self.service().language(request.query_params.get("lang"))
        except BadRequest:
            return ""

    def words_of(self, request: Request) -> Labels:
        """The label catalogue of the page's language."""
        return load_labels(self.page_language(request) or self.content.document.language, self.templates)

    def notes_counts(self, user: User) -> dict[tuple[str, str], int]:
        """Per subject, the notes about it that `user` may see today."""
        today = build_date()
        counts: dict[tuple[str, str], int] = {}
        for note in self.notes:
            if note.level <= user.clearance and current(note, today):
                for subject in note.subjects:
                    counts[subject] = counts.get(subject, 0) + 1
        return counts

    def private(self, response: Response, user: User) -> Response:
        """What a cleared user sees is theirs: never kept by anyone."""
        if user.clearance > self.content.scale.lowest:
            response.headers["Cache-Control"] = "private, no-store"
        return response

    def render_page(self, request: Request, status: int = 200, **context: Any) -> HTMLResponse:
        user = self.user(request)
        context.setdefault("pairs", [])
        context.setdefault("formats", [])
        context.setdefault("marking", self.default_marking)
        context.setdefault("login", "")
        context.setdefault("searched", None)
        context.setdefault("q", "")
        words = self.words_of(request)
        page_context = _page_context(self.content, words, self.counts, context.pop("pairs"),
                                     context.pop("formats"), context.pop("marking"), self.notes_counts(user),
                                     self.ceiling(user))
        page = self.env.get_template(PAGE_TEMPLATE).render(
            **page_context, **{"result": None, "error": "", "suggestion": None, **context}, status=status,
            error_title=self.title(status, words), base_url=self.base_url, user=self.user_context(user),
            words=words, language=self.page_language(request), other_languages=self._other_languages(request),
            script_words=_script_words(words))
        return HTMLResponse(page, status_code=status)

    def _other_languages(self, request: Request) -> list[dict[str, str]]:
        """The page in each other language: the same choices, another `lang`."""
        current = self.page_language(request) or self.content.document.language
        out = []
        for language in self.service().languages:
            if language == current:
                continue
            params = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
            if language != self.content.document.language:
                params.append(("lang", language))
            words = load_labels(language, self.templates)
            out.append({"lang": language, "label": words.text("page.language_name"),
                        "href": "/" + ("?" + urlencode(params) if params else "")})
        return out

    def user_context(self, user: User) -> dict[str, Any]:
        return {"name": user.name, "clearance": user.clearance.name, "mode": self.auth.config.mode
                if self.auth.config else "", "anonymous": user.anonymous}

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
        back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        page = self.render_page(request, status, error=page_message, suggestion=suggestion,
                                login=back if status == 401 else "")
        page.headers.update(headers or {})
        return page

    def title(self, status: int, words: Labels) -> str:
        return words.text(f"errors.title.{status if status in ERROR_TITLES else 400}")

    async def on_error(self, request: Request, exc: Exception) -> Response:
        words = self.words_of(request)
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
            return self.error(request, status, str(exc), _for_page(self.content, words, exc),
                              suggestion=self.suggestion(exc, words))
        if isinstance(exc, NotCleared):
            return self.refuse(request, exc)
        if isinstance(exc, AuditFailed):  # fail closed: what is not written down is not done
            LOG.error("%s %s refused: %s", request.method, request.url.path, exc)
            return self.error(request, 503, "the audit log cannot be written; nothing classified is served",
                              words.text("errors.unavailable", seconds=60), {"Retry-After": "60"})
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

    def suggestion(self, exc: Exception, words: Labels) -> dict[str, str] | None:
        """The page's link to the subject (or word) a mistyped one likely meant."""
        lang = [("lang", words.text("language"))] if words.text("language") != self.content.document.language else []
        if isinstance(exc, NoMatch) and exc.hints:
            label = exc.hints[0]
            before, _, after = words.text("errors.suggestion", label="\0").partition("\0")
            return {"href": "/?" + urlencode([("q", label), *lang]), "label": f"‘{label}’", "before": before,
                    "after": after}
        if isinstance(exc, UnknownSubject) and exc.suggestion:
            entry = self.content.taxonomies[exc.kind][exc.suggestion]
            label = entry.label_en if words.text("language") == "en" else entry.label_nl
            before, _, after = words.text("errors.suggestion", label="\0").partition("\0")
            return {"href": "/?" + urlencode([(exc.kind, exc.suggestion), *lang]), "label": label, "before": before,
                    "after": after}
        return None

    def refuse(self, request: Request, exc: NotCleared) -> Response:
        """A briefing asked for above the asker's clearance: 401 for someone
        who could log in, 403 for everyone else; audited."""
        user = self.user(request)
        login = user.anonymous and self.auth.config is not None and self.auth.config.users is not None
        status = 401 if login else 403
        words = self.words_of(request)
        try:
            self.audit.write("refused", user=user.name, address=self.address(request), path=request.url.path,
                             marking=exc.level.id, clearance=user.clearance.id, status=status)
        except AuditFailed as failed:
            LOG.error("%s %s refused: %s", request.method, request.url.path, failed)
            return self.error(request, 503, "the audit log cannot be written; nothing classified is served",
                              words.text("errors.unavailable", seconds=60), {"Retry-After": "60"})
        page = words.text("errors.login_required" if login else "errors.not_cleared", level=exc.level.name,
                          clearance=user.clearance.name)
        headers = {"Cache-Control": "private, no-store"}
        if login:  # a form, not HTTP authentication: the browser must not ask for a password itself
            headers["WWW-Authenticate"] = 'FormBased realm="briefing", form="/login"'
        return self.error(request, status, str(exc), page, headers)

    def planned_from(self, request: Request, name: str) -> Planned:
        return self.plan(request, name, request.query_params.get("marking"))

    def links(self, planned: Planned) -> dict[str, str]:
        # The briefing's own marking, by its short id (a link to send reads
        # ?marking=dv): whoever follows it gets that briefing or a refusal,
        # never one that quietly lacks what it held.
        marking = planned.job.model.cover.marking
        params = [("q", s.id) for s in planned.job.selectors if s.kind == QUERY]
        level = self.content.scale.level(marking)  # printed in the edition's language: "Public"
        if level != self.content.scale.lowest:
            params.append(("marking", level.id))
        if planned.language:  # the edition in another language: region-sahel.en.pdf
            params.append(("lang", planned.language))
        query = "?" + urlencode(params) if params else ""
        return {f.id: f"/briefings/{quote(planned.name, safe='+')}{f.extension}{query}" for f in REGISTRY.values()}

    def summary(self, planned: Planned) -> dict[str, Any]:
        briefing = planned.job.model
        return {
            "name": planned.name,
            "id": briefing.id,
            "title": briefing.cover.title,
            "language": planned.language or self.content.document.language,
            "subtitle": briefing.cover.subtitle,
            "passages": briefing.passage_count,
            "marking": briefing.cover.marking,
            "date": planned.job.date.isoformat(),
            "content_hash": planned.job.content_hash,
            "notes": len(planned.job.selection.notes),
            "files": {fmt: {"url": url, "media_type": REGISTRY[fmt].media_type, "etag": planned.etag(fmt),
                            "cached": self.service().cached(planned, fmt) is not None}
                      for fmt, url in self.links(planned).items()},
        }

    async def page(self, request: Request) -> Response:
        params = request.query_params
        words = self.words_of(request)
        pairs = [(kind, value) for kind in SELECTOR_KINDS for value in params.getlist(kind) if value]
        queries = [q for q in params.getlist("q") if q.strip()]
        formats = [f for f in params.getlist("format") if f in FORMATS] or list(DEFAULT_FORMATS)
        marking = params.get("marking") or self.default_marking
        with contextlib.suppress(BriefingError):  # any spelling of a level shows as its name; a wrong one is said below
            marking = self.content.scale.level(marking[:200]).name
        user = self.user(request)
        searched = None
        if pairs or queries:
            name = "+".join(f"{k}-{v}" for k, v in pairs) or QUERY
            asked = None if marking == self.default_marking else marking
            try:
                # The sentences a query finds, then the briefing on it (with
                # the subjects ticked): "Maak hiervan een briefing".
                searched = self.search_answer(queries[0], params.get("lang")) if len(queries) == 1 and not pairs \
                    else None
                result = self.summary(self.plan(request, name, asked, queries))
            except (NotFound, BadRequest, SelectionError, UnknownSubject) as exc:
                status = 400 if isinstance(exc, BadRequest) else 404
                return self.private(self.render_page(
                    request, status, pairs=pairs, formats=formats, marking=marking, q=" ".join(queries),
                    error=_for_page(self.content, words, exc), suggestion=self.suggestion(exc, words)), user)
            except NotCleared as exc:
                return self.refuse(request, exc)
            marking = self.content.scale.level(result["marking"]).name  # the form's option, in any edition
            return self.private(self.render_page(request, pairs=pairs, formats=formats, marking=marking,
                                                 result=result, searched=searched, q=" ".join(queries)), user)
        return self.private(self.render_page(request, pairs=pairs, formats=formats, marking=marking), user)

    async def search(self, request: Request) -> Response:
        """GET /api/search?q=…: the sentences a query finds (as --query)."""
        text = request.query_params.get("q", "")
        return JSONResponse(self.search_answer(text, request.query_params.get("lang")))

    def search_answer(self, text: str, language: str | None = "") -> dict[str, Any]:
        try:
            return self.service().search(text, language)
        except QueryError as exc:
            raise BadRequest(str(exc)) from exc

    async def subjects(self, request: Request) -> Response:
        user = self.user(request)
        notes = self.notes_counts(user)
        return self.private(JSONResponse({GROUP_TITLES_EN[k]: [
            {"id": e.id, "label_nl": e.label_nl, "label_en": e.label_en, "aliases": list(e.aliases),
             "covers": list(e.covers), "description": e.description, "passages": self.counts[k, e.id],
             "notes": notes.get((k, e.id), 0)}
            for e in self.content.taxonomies[k].entries] for k in SELECTOR_KINDS}), user)

    async def catalogue_list(self, request: Request) -> Response:
        items = []
        for selectors in self.service().catalogue_names():
            planned = self.service().plan(selectors, language=request.query_params.get("lang"))
            items.append({"name": planned.name, "title": planned.job.model.cover.title,
                          "passages": planned.job.model.passage_count, "urls": self.links(planned)})
        return JSONResponse({"briefings": items})

    async def briefing_json(self, request: Request) -> Response:
        name = request.path_params["name"]
        planned = self.planned_from(request, name)
        if planned.name != name:
            return _redirect(request, f"/api/briefings/{quote(planned.name, safe='+')}")
        return self.private(JSONResponse(self.summary(planned)), self.user(request))

    async def preview(self, request: Request) -> Response:
        pairs = [(kind, v) for kind in SELECTOR_KINDS for v in request.query_params.getlist(kind) if v]
        queries = [q for q in request.query_params.getlist("q") if q.strip()]
        if not pairs and not queries:
            raise BadRequest("choose at least one region, theme or ministry, or give q=")
        marking = request.query_params.get("marking") or None
        if marking is not None and marking == self.default_marking:
            marking = None  # the form's default: the level of what the briefing holds
        planned = self.plan(request, "+".join(f"{k}-{v}" for k, v in pairs) or QUERY, marking, queries)
        return self.private(JSONResponse(self.summary(planned)), self.user(request))

    # -- logging in ------------------------------------------------------------

    def users_mode(self) -> None:
        if self.auth.config is None or self.auth.config.users is None:
            raise HTTPException(404)

    async def login_form(self, request: Request) -> Response:
        self.users_mode()
        return self.login_page(request, 200, "", _local(request.query_params.get("next", "/")))

    def login_page(self, request: Request, status: int, message: str, target: str,
                   headers: dict[str, str] | None = None) -> Response:
        user = self.user(request)
        page = self.env.get_template(LOGIN_TEMPLATE).render(
            error=message, next=target, user=self.user_context(user), document=self.content.document)
        response = HTMLResponse(page, status_code=status, headers={"Cache-Control": "private, no-store",
                                                                   **(headers or {})})
        return response

    async def login(self, request: Request) -> Response:
        self.users_mode()
        address = self.address(request)
        origin = request.headers.get("origin")
        if origin is not None and origin != self.origin(request):  # a form posted from another site
            self.audit.write("login_refused", address=address, reason="cross-site form")
            raise BadRequest("a login form is accepted only from this site")
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_FORM:
                raise BadRequest(f"a login form is at most {MAX_FORM} bytes")
        try:
            form = parse_qs(body.decode("utf-8", "replace"), max_num_fields=5)
        except ValueError:  # more fields than a login form has
            raise BadRequest("a login form has a user name, a password and where to go next") from None
        name, password = (form.get("user") or [""])[0], (form.get("password") or [""])[0]
        target = _local((form.get("next") or ["/"])[0])
        try:
            # A check takes 64 MB and a tenth of a second (argon2's point):
            # a few at a time, the others wait, so a burst of logins cannot
            # take the server's memory.
            async with self.verifying:
                user = await run_in_threadpool(self.auth.check_password, name, password, address)
        except LoginLimited as exc:
            self.audit.write("login_limited", user=name[:200], address=address, status=429)
            return self.login_page(request, 429, self.words.text("login.limited", minutes=-(-exc.retry_after // 60)),
                                   target, {"Retry-After": str(exc.retry_after)})
        except LoginRefused:
            self.audit.write("login_failed", user=name[:200], address=address, status=401)
            return self.login_page(request, 401, self.words.text("login.refused"), target)
        self.audit.write("login", user=user.name, address=address, clearance=user.clearance.id, status=303)
        token, seconds = self.auth.open_session(user)
        response = RedirectResponse(target, status_code=303, headers={"Cache-Control": "private, no-store"})
        users = self.auth.config.users if self.auth.config else None
        secure = users.secure_cookie if users and users.secure_cookie is not None else self.auth.over_tls(
            request.url.scheme, request.client.host if request.client else "",
            {k.lower(): v for k, v in request.headers.items()})
        response.set_cookie(COOKIE, token, max_age=seconds, path="/", httponly=True, secure=secure,
                            samesite="strict")
        return response

    async def logout(self, request: Request) -> Response:
        self.users_mode()
        user = self.user(request)
        self.auth.close_session(request.cookies.get(COOKIE))
        if not user.anonymous:
            self.audit.write("logout", user=user.name, address=self.address(request))
        response = RedirectResponse("/", status_code=303, headers={"Cache-Control": "private, no-store"})
        response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")
        return response

    def origin(self, request: Request) -> str:
        """This site's origin: the configured base URL's, else the one the
        request was sent to."""
        if self.base_url:
            parts = urlsplit(self.base_url)
            return f"{parts.scheme}://{parts.netloc}"
        return f"{request.url.scheme}://{request.headers.get('host', '')}"

    async def briefing_file(self, request: Request) -> Response:
        filename = request.path_params["filename"]
        name, fmt, picture, suffix = _file_parts(filename)
        stem, dot, language = name.rpartition(".")
        if dot and language in self.service().languages:
            # The edition's file name as a build writes it (region-sahel.en.pdf): the stable URL says ?lang=en.
            params = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
            if language != self.content.document.language:
                params.append(("lang", language))
            return RedirectResponse(f"/briefings/{quote(stem, safe='+')}{suffix}" +
                                    (f"?{urlencode(params)}" if params else ""), status_code=308)
        planned = self.planned_from(request, name)
        if planned.name != name:
            return _redirect(request, f"/briefings/{quote(planned.name, safe='+')}{suffix}")
        etag = planned.etag(fmt)
        level = self.content.scale.level(planned.job.model.cover.marking)
        classified = level > self.content.scale.lowest
        headers = {
            "ETag": etag,
            # Openbaar may be kept by shared caches, unless the server knows
            # who asks (then one URL is several files); anything above
            # Openbaar by nobody.
            "Cache-Control": "private, no-store" if classified else
            f"{'public' if self.auth.config is None else 'private'}, max-age=300",
        }
        user = self.user(request)

        def audited(status: int) -> None:
            """Every classified file sent, or not sent, is written down
            first: without the line, no file."""
            if classified:
                self.audit.write("download", user=user.name, address=self.address(request), briefing=planned.name,
                                 marking=level.id, format=fmt, picture=picture or None, etag=etag.strip('"'),
                                 status=status)

        if _matches(request.headers.get("if-none-match", ""), etag):
            audited(304)
            return Response(status_code=304, headers=headers)
        hit = await self.service().file(planned, fmt, picture)
        audited(200)
        # Briefings are a few hundred kB at most and usually in the page
        # cache: reading them here is cheaper than a hop to a thread.
        data = hit.read()
        # Nothing a briefing file holds is to run here: no script, no fetch
        # (its styles, fonts and pictures are inside it), never sniffed.
        headers["Content-Security-Policy"] = BRIEFING_CSP
        headers["X-Content-Type-Options"] = "nosniff"
        # The file's own name: a query's carries its slug (query-iran.pdf).
        stem = planned.job.model.id
        if picture:
            headers["Content-Disposition"] = f'inline; filename="{stem}{suffix}"'
            return Response(data, media_type=PICTURE_MEDIA_TYPE, headers=headers)
        entry = REGISTRY[fmt]
        title = re.sub(r"[^\w .,()+\-·‘’]", "", planned.job.model.cover.title).strip() or stem
        if planned.language:  # beside the original's file of the same title
            title += f" ({planned.language.upper()})"
        headers["Content-Disposition"] = (f'{entry.disposition}; filename="{stem}{suffix}"; '
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


ERROR_TITLES = (400, 401, 403, 404, 405, 429, 500, 503)


def _for_page(content: Content, words: Labels, exc: BriefingError) -> str:
    """The page speaks its language, from the label catalogue; the
    library's messages (and the API) English."""
    if isinstance(exc, UnknownSubject):
        # The page adds the suggestion, as a link.
        return words.text("errors.unknown_subject", kind=words.kind(exc.kind, "kinds_in_text"), name=exc.key)
    if isinstance(exc, NotFound):
        if "unknown format" not in str(exc):
            return words.text("errors.not_found")
        names = [words.text(f"{f.label}.name") for f in REGISTRY.values()]
        return words.text("errors.unknown_format", formats=words.join(names))
    if isinstance(exc, NoMatch):
        return words.text("errors.query.nothing", query=exc.missing) if exc.missing else words.text(
            "errors.query.nothing_together")
    if isinstance(exc, BadRequest) and isinstance(exc.__cause__, QueryError):
        return words.text(f"errors.query.{exc.__cause__.reason}", limit=MAX_QUERY_LENGTH)
    if isinstance(exc, SelectionError):
        return words.text("errors.nothing_together_subjects")
    if isinstance(exc, BadRequest):
        if str(exc).startswith("there is no edition in"):
            return words.text("errors.language", languages=words.join(
                [content.document.language, *sorted(set(content.translations) - {content.document.language})]))
        if isinstance(exc.__cause__, RefusedLevel):
            return words.text("errors.marking_refused", level=exc.__cause__.name)
        names = [level.name for level in content.scale.levels]
        return words.text("errors.marking", levels=words.join(names))
    return str(exc)


def _local(target: str) -> str:
    """Where to go after logging in: a path of this site, never another
    site ('//evil.example', 'https://…', '/\\evil.example')."""
    target = target[:1000]
    if not target.startswith("/") or target.startswith("//") or "\\" in target or any(
            ord(c) < 32 for c in target):
        return "/"
    return target


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


# The page's words its script needs (the answers it shows as you choose and type).
SCRIPT_WORDS = ("page.failed", "page.stable_link", "page.nothing_found", "page.type_a_word", "page.did_you_mean",
                "page.make_briefing", "page.classification_is", "page.original")
SCRIPT_COUNTS = ("page.sentences", "page.passages", "page.result_notes")


def _script_words(words: Labels) -> dict[str, Any]:
    return {**{key.split(".", 1)[1]: words.text(key) for key in SCRIPT_WORDS},
            **{key.split(".", 1)[1]: {"one": words.value(key)["one"], "other": words.value(key)["other"]}
               for key in SCRIPT_COUNTS},
            "found": words.text("page.found", sentences="{sentences}", passages="{passages}", query="{query}")}


def _page_context(content: Content, words: Labels, counts: dict[tuple[str, str], int],
                  pairs: list[tuple[str, str]], formats: list[str], marking: str,
                  notes: dict[tuple[str, str], int], ceiling: Level | None) -> dict[str, Any]:
    chosen = set()
    for kind, key in pairs:
        entry = content.taxonomies[kind].get(key)
        if entry is not None:
            chosen.add((kind, entry.id))
    groups = [{
        "kind": kind, "title": words.kind(kind, "kinds_plural"), "label": words.kind(kind),
        # Named in the page's language; the other name is searched too.
        "entries": [{"id": e.id, "label": e.label_en if words.text("language") == "en" else e.label_nl,
                     "aliases": list(e.aliases), "label_en": e.label_en, "label_nl": e.label_nl,
                     "covers": list(e.covers), "passages": counts[kind, e.id],
                     "notes": notes.get((kind, e.id), 0), "checked": (kind, e.id) in chosen} for e in content.taxonomies[kind].entries],
    } for kind in SELECTOR_KINDS]
    return {"groups": groups, "formats": [{"id": f, "label": words.text(f"{REGISTRY[f].label}.name"),
                                           "action": words.text(f"{REGISTRY[f].label}.action"),
                                           # a page opens in the browser; any other file is saved
                                           "download": not REGISTRY[f].media_type.startswith("text/html"),
                                           "checked": f in (formats or DEFAULT_FORMATS)}
                                          for f in FORMATS],
            "marking": marking, "document": content.document,
            "document_title": document_title(content, words.text("language")),
            "levels": [level for level in content.scale.levels if ceiling is None or level <= ceiling]}
