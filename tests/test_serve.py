"""`briefing serve`: the page and the API through Starlette's TestClient,
the pool and the cache as library objects."""

from __future__ import annotations

import asyncio
import datetime as dt
import errno
import html
import io
import json
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import TEMPLATES, make_briefing
from pypdf import PdfReader
from starlette.testclient import TestClient

import generator.render
from generator.cli import main
from generator.content import Content
from generator.errors import OutputError
from generator.outputs import TEMP_PREFIX, describe_os_error
from generator.render import Rendering, Task
from generator.select import Selector
from generator.serve.app import create_app
from generator.serve.cache import BLOCK, Cache
from generator.serve.pool import Busy, Overran, RenderPool
from generator.serve.service import BriefingService, parse_name

HTML = {"accept": "text/html"}


@pytest.fixture(scope="module")
def client(content: Content, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    cache = Cache(tmp_path_factory.mktemp("cache"))
    with TestClient(create_app(content, TEMPLATES, cache, workers=2)) as test_client:
        yield test_client


def test_the_page_works_without_javascript(client: TestClient) -> None:
    page = client.get("/", headers=HTML)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert 'name="region" value="sahel"' in page.text and "Hoorn van Afrika" in page.text
    assert "ook: Westelijke Sahel" in page.text  # aliases are shown
    chosen = client.get("/?region=sahel&theme=terrorism&format=pdf&format=docx", headers=HTML)
    assert chosen.status_code == 200
    assert "Briefing Terrorisme in de Sahel" in chosen.text
    assert "<code>/briefings/region-sahel+theme-terrorism.pdf</code>" in chosen.text  # the link to send
    assert "de passages die over beide gaan" in chosen.text
    assert 'href="/briefings/region-sahel+theme-terrorism.pdf"' in chosen.text
    assert 'href="/briefings/region-sahel+theme-terrorism.html"' not in chosen.text  # HTML not chosen
    union = client.get("/?region=sahel&region=horn-of-africa", headers=HTML)
    assert "Briefing Hoorn van Afrika of Sahel" in union.text and "elke passage over een van beide" in union.text


def _filter_names(page: str) -> dict[str, list[str]]:
    """Per subject id, the names the page's filter matches what is typed against."""
    choices = re.findall(r"data-names='([^']*)'>\s*<input [^>]*value=\"([^\"]+)\"", page)
    return {value: json.loads(html.unescape(names)) for names, value in choices}


def test_the_filter_knows_covered_places(client: TestClient) -> None:
    page = client.get("/", headers=HTML).text
    names = _filter_names(page)
    subjects = client.get("/api/subjects").json()
    assert len(names) == sum(len(entries) for entries in subjects.values())  # every subject has its names
    assert {"Sahel", "Westelijke Sahel", "Mali", "Niger", "Burkina Faso"} <= set(names["sahel"])
    assert {"Hoorn van Afrika", "Horn of Africa", "Somalië"} <= set(names["horn-of-africa"])
    assert "Afghanistan" in names["asia"] and "cyber-security" in names["cyber-security"]
    # The script ranks a whole name ('Mali') above one that contains it ('Somalië').
    assert "function rank(choice, query)" in page and "name === query ? 0" in page
    sahel = next(e for e in subjects["regions"] if e["id"] == "sahel")
    assert "Mali" in sahel["covers"]  # programs get the covered places too


def test_the_page_says_what_is_wrong(client: TestClient) -> None:
    unknown = client.get("/?region=sahl", headers=HTML)
    assert unknown.status_code == 404
    assert 'Er is geen regio ‘sahl’. Bedoelt u <a href="/?region=sahel">Sahel</a>?' in unknown.text
    empty = client.get("/?region=arctic&theme=piracy", headers=HTML)
    assert empty.status_code == 404 and "Geen enkele passage van de strategie gaat over al deze" in empty.text
    bad = client.get("/?region=sahel&marking=%07", headers=HTML)
    assert bad.status_code == 400 and "Die rubricering kent deze toepassing niet; kies Openbaar, Departementaal Vertrouwelijk, Stg. Confidentieel of Stg. Geheim." in bad.text


def test_files_carry_type_name_length_etag_and_cache_control(client: TestClient) -> None:
    url = "/briefings/region-sahel+theme-terrorism.pdf"
    first = client.get(url)
    assert first.status_code == 200
    assert first.headers["content-type"] == "application/pdf"
    assert int(first.headers["content-length"]) == len(first.content)
    assert first.headers["content-disposition"] == (
        'inline; filename="region-sahel+theme-terrorism.pdf"; '
        "filename*=UTF-8''Briefing%20Terrorisme%20in%20de%20Sahel.pdf")
    assert first.headers["cache-control"] == "public, max-age=300"
    etag = first.headers["etag"]
    assert len(etag) == 66 and etag.startswith('"')
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(first.content)).pages)
    assert "Sahel" in text
    assert client.get(url, headers={"if-none-match": etag}).status_code == 304
    head = client.head(url)
    assert head.status_code == 200 and head.headers["etag"] == etag and head.content == b""
    docx = client.get("/briefings/region-sahel.docx?marking=Departementaal%20vertrouwelijk")
    assert docx.headers["content-disposition"].startswith('attachment; filename="region-sahel.docx"')
    assert docx.headers["cache-control"].startswith("private")


def test_aliases_and_another_order_redirect_to_the_stable_name(client: TestClient) -> None:
    moved = client.get("/briefings/theme-terrorism+region-sahel.pdf?marking=dv", follow_redirects=False)
    assert moved.status_code == 308
    assert moved.headers["location"] == "/briefings/region-sahel+theme-terrorism.pdf?marking=dv"
    alias = client.get("/briefings/region-hoorn-van-afrika.html", follow_redirects=False)
    assert alias.headers["location"] == "/briefings/region-horn-of-africa.html"


def test_the_api(client: TestClient, content: Content) -> None:
    subjects = client.get("/api/subjects").json()
    sahel = next(e for e in subjects["regions"] if e["id"] == "sahel")
    assert sahel["label_nl"] == "Sahel" and sahel["passages"] > 0
    catalogue = client.get("/api/catalogue").json()["briefings"]
    assert len(catalogue) == 47
    assert any(b["name"] == "region-sahel" and b["title"] == "Briefing Sahel" for b in catalogue)
    entry = client.get("/api/briefings/region-sahel").json()
    assert entry["title"] == "Briefing Sahel" and entry["marking"] == "Openbaar"
    assert entry["files"]["pdf"]["url"] == "/briefings/region-sahel.pdf"
    assert dt.date.fromisoformat(entry["date"]) <= dt.date.today()
    health = client.get("/health").json()
    assert health["status"] == "ok" and health["workers"]["alive"] is True
    assert client.head("/health").status_code == 200


@pytest.mark.parametrize(("path", "status", "message"), [
    ("/briefings/region-sahl.pdf", 404, "unknown region 'sahl' — did you mean 'sahel'?"),
    ("/briefings/region-arctic+theme-piracy.pdf", 404, "no passage of the strategy matches"),
    ("/briefings/region-sahel.odt", 404, "unknown format 'odt'"),
    ("/briefings/planet-mars.pdf", 404, "does not name a briefing subject"),
    ("/briefings/..%2F..%2Fetc%2Fpasswd", 404, "Not Found"),
    ("/briefings/%2Fetc%2Fpasswd.pdf", 404, "Not Found"),
    ("/briefings/region-sahel.pdf?marking=" + "X" * 61, 400, "at most 60"),
    ("/briefings/region-sahel.pdf?marking=a%0Ab", 400, "control character"),
    ("/api/briefings/region-sahel?x=" + "y" * 3000, 414, "query string longer"),
    ("/api/preview", 400, "choose at least one"),
])
def test_bad_requests_get_a_clear_4xx(client: TestClient, path: str, status: int, message: str) -> None:
    response = client.get(path)
    assert response.status_code == status, response.text
    assert message in response.json()["error"]
    assert "Traceback" not in response.text


def test_only_get_and_head(client: TestClient) -> None:
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        assert client.request(method, "/briefings/region-sahel.pdf").status_code == 405


def test_content_markup_is_text_on_the_page(content: Content, tmp_path: Path) -> None:
    # The page shows taxonomy labels and aliases; they are escaped like any text.
    with TestClient(create_app(content, TEMPLATES, Cache(tmp_path), workers=1)) as client:
        page = client.get("/?region=<script>", headers=HTML)
    assert "<script>alert" not in page.text and "&lt;script&gt;" in page.text


# --------------------------------------------------------------------------
# The pool and the cache, as a library


def _service(content: Content, cache_dir: Path, workers: int = 2, queue: int = 16,
             deadline: float = 60.0) -> BriefingService:
    return BriefingService(content, TEMPLATES, Cache(cache_dir),
                           RenderPool(TEMPLATES, workers=workers, queue=queue, deadline=deadline))


def test_many_clients_asking_for_one_briefing_get_one_render(content: Content, tmp_path: Path) -> None:
    service = _service(content, tmp_path, workers=2)

    async def ask() -> list[int]:
        planned = service.plan(parse_name(content, "region-arctic"))
        hits = await asyncio.gather(*(service.file(planned, "pdf") for _ in range(8)))
        return [hit.size for hit in hits]

    try:
        sizes = asyncio.run(ask())
        assert len(set(sizes)) == 1 and sizes[0] > 0
        assert service.pool.renders == 1
    finally:
        service.pool.close()


def test_beyond_the_queue_requests_are_refused_with_a_retry_time(content: Content, tmp_path: Path) -> None:
    service = _service(content, tmp_path, workers=1, queue=0)

    async def ask() -> tuple[object, ...]:
        first = service.plan(parse_name(content, "ministry-foreign-affairs"))
        second = service.plan(parse_name(content, "region-arctic"))
        return await asyncio.gather(service.file(first, "pdf"), service.file(second, "pdf"),
                                    return_exceptions=True)

    try:
        done, refused = asyncio.run(ask())
        assert not isinstance(done, BaseException)
        assert isinstance(refused, Busy) and refused.retry_after >= 1
    finally:
        service.pool.close()


def test_a_render_past_its_deadline_is_stopped_and_its_worker_replaced(content: Content, tmp_path: Path) -> None:
    service = _service(content, tmp_path, workers=1, deadline=0.01)

    async def ask() -> tuple[object, bool]:
        planned = service.plan(parse_name(content, "ministry-foreign-affairs"))
        try:
            await service.file(planned, "pdf")
            outcome: object = None
        except Overran as exc:
            outcome = exc
        return outcome, await service.pool.alive()

    try:
        outcome, alive = asyncio.run(ask())
        assert isinstance(outcome, Overran) and alive
        assert service.pool.replaced == 1
    finally:
        service.pool.close()


def test_a_pool_whose_task_is_never_answered_is_replaced_and_the_task_tried_again(
        content: Content, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import concurrent.futures

    service = _service(content, tmp_path, workers=1, deadline=30)
    service.pool.stuck_after = -29.5  # taken for stuck after half a second, not 40 s
    stuck = service.pool._pool
    real = stuck.schedule
    # The first pool takes the task and never answers (its threads stuck).
    monkeypatch.setattr(stuck, "schedule", lambda *a, **k: concurrent.futures.Future())
    restart = service.pool._restart

    def restarted(broken: object) -> None:  # the new pool gets the usual time
        service.pool.stuck_after = 10.0
        restart(broken)  # type: ignore[arg-type]

    monkeypatch.setattr(service.pool, "_restart", restarted)

    async def ask() -> int:
        planned = service.plan(parse_name(content, "region-arctic"))
        return (await service.file(planned, "html")).size

    try:
        started = time.monotonic()
        assert asyncio.run(asyncio.wait_for(ask(), 60)) > 0
        assert service.pool.restarts == 1 and service.pool._pool is not stuck
        assert time.monotonic() - started < 30
    finally:
        monkeypatch.setattr(stuck, "schedule", real)
        service.pool.close()


def test_a_build_folder_is_a_warm_cache(content: Content, tmp_path: Path) -> None:
    built = tmp_path / "built"
    assert main(["build", "--region", "sahel", "--format", "html", "--out", str(built), "--quiet"]) == 0
    entry = json.loads((built / "manifest.json").read_text())["briefings"][0]
    cache = Cache(tmp_path / "cache", warm=built)
    service = BriefingService(content, TEMPLATES, cache, RenderPool(TEMPLATES, workers=1))
    try:
        planned = service.plan((Selector("region", "sahel"),), today=dt.date(2030, 1, 1))
        assert planned.job.date.isoformat() == entry["date"]  # the build's date, not today's
        hit = asyncio.run(service.file(planned, "html"))
        assert hit.path == built / "region-sahel.html" and service.pool.renders == 0
    finally:
        service.pool.close()


def test_the_cache_keeps_within_its_size_and_drops_the_least_recently_used(tmp_path: Path) -> None:
    cache = Cache(tmp_path, max_bytes=3500)
    now = time.time()
    for n in range(3):
        cache.put(f"{n:064x}", ".pdf", b"x" * 1000)
        os.utime(tmp_path / "00" / f"{n:064x}.pdf", (now - 300 + n, now - 300 + n))  # 0 oldest, 2 newest
    assert cache.get(f"{0:064x}", ".pdf") is not None  # used: now the most recent
    cache.put(f"{3:064x}", ".pdf", b"x" * 1000)  # 4000 bytes: over the limit
    kept = {n for n in range(4) if (tmp_path / "00" / f"{n:064x}.pdf").is_file()}
    assert kept == {0, 2, 3}


def test_two_processes_sharing_a_cache_agree_on_dates(tmp_path: Path) -> None:
    one, other = Cache(tmp_path), Cache(tmp_path)
    assert one.remember_date("c0ffee", dt.date(2026, 1, 1)) == dt.date(2026, 1, 1)
    assert other.remember_date("c0ffee", dt.date(2026, 1, 2)) == dt.date(2026, 1, 1)
    assert other.date_of("c0ffee") == dt.date(2026, 1, 1)


def test_date_records_count_against_the_size_limit(tmp_path: Path) -> None:
    # Issue 22: one record per marking asked for grew without bound, outside
    # --cache-size, without a single render.
    cache = Cache(tmp_path, max_bytes=20 * BLOCK)
    for n in range(400):
        cache.remember_date(f"{n:064x}", dt.date(2026, 1, 1))
    records = list((tmp_path / "dates").iterdir())
    assert 0 < len(records) <= 21 and not any(r.name.startswith(TEMP_PREFIX) for r in records)
    assert cache.date_of(f"{399:064x}") == dt.date(2026, 1, 1)  # the newest is kept


def test_a_cache_that_cannot_store_serves_from_memory_and_health_says_so(
        client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    # Issue 22: with the cache read-only, every uncached request got 503
    # while /health said 200 "ok".
    def read_only(self: Cache, key: str, suffix: str, data: bytes, holds: tuple[str, ...] = ()) -> None:
        raise describe_os_error(self.folder / key, OSError(errno.EROFS, "Read-only file system"), "write")
    real_write = Path.write_bytes

    def probe_fails(self: Path, data: bytes) -> int:
        if self.name.startswith(TEMP_PREFIX + "probe-"):
            raise OSError(errno.EROFS, "Read-only file system")
        return real_write(self, data)
    monkeypatch.setattr(Cache, "put", read_only)
    monkeypatch.setattr(Path, "write_bytes", probe_fails)
    answer = client.get("/briefings/region-arctic+region-caucasus.html")  # not asked for before
    assert answer.status_code == 200 and "Arctisch gebied" in answer.text
    health = client.get("/health")
    assert health.status_code == 503
    assert health.json()["status"] == "degraded"
    assert health.json()["cache"] == {"writable": False, "reason": "Read-only file system"}
    monkeypatch.undo()
    assert client.get("/health").json()["cache"] == {"writable": True}


@pytest.mark.parametrize(("transient", "status"), [(False, 500), (True, 503)])
def test_a_render_that_fails_by_itself_is_answered_once_and_not_retried(
        client: TestClient, monkeypatch: pytest.MonkeyPatch, transient: bool, status: int) -> None:
    # Issue 22: a deterministic failure was a 503 never cached, so every retry rendered again.
    calls: list[str] = []

    async def failing(self: RenderPool, key: str, task: Task, store: object) -> Rendering:
        calls.append(key)
        return Rendering(task.briefing.id, error="MemoryError" if transient else "ValueError: boom",
                         transient=transient)
    monkeypatch.setattr(RenderPool, "render", failing)
    url = f"/briefings/region-arctic+{'region-asia' if transient else 'region-caucasus'}.pdf?marking=stg-c"
    answers = [client.get(url, headers={"accept": "application/json"}) for _ in range(3)]
    assert [a.status_code for a in answers] == [status] * 3
    if transient:  # the machine, not the briefing: tried again, and the client told when
        assert len(calls) == 3 and answers[0].headers["retry-after"] == "30"
    else:
        assert len(calls) == 1 and "retry-after" not in answers[-1].headers
        assert answers[-1].json()["error"] == "this briefing cannot be rendered"
        assert "boom" not in answers[-1].text


@pytest.mark.parametrize(("raised", "transient"), [(ValueError("a bug"), False), (MemoryError(), True),
                                                  (OSError(errno.EMFILE, "Too many open files"), True)])
def test_a_render_error_says_whether_the_machine_or_the_briefing_caused_it(
        content: Content, monkeypatch: pytest.MonkeyPatch, raised: Exception, transient: bool) -> None:
    def broken(*args: object) -> None:
        raise raised
    monkeypatch.setattr(generator.render, "get_writer", broken)
    rendering = generator.render.render(Task(make_briefing(content, ("region", "arctic")), ("html",), TEMPLATES))
    assert rendering.error and rendering.transient is transient


def test_each_render_gives_the_memory_it_freed_back(content: Content, monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker renders hundreds of briefings: after each, the C heap's free
    memory goes back to the system (generator/memory.py), here through
    glibc's malloc_trim."""
    import sys

    import generator.memory

    if sys.platform.startswith("linux"):
        assert callable(generator.memory._malloc_trim())
    trimmed: list[int] = []
    monkeypatch.setattr(generator.memory, "_malloc_trim", lambda: trimmed.append)
    task = Task(make_briefing(content, ("region", "arctic")), ("html",), TEMPLATES)
    generator.render.render(task)
    generator.render.render(task)
    assert trimmed == [0, 0]


@pytest.mark.parametrize("failing", ["write", "link"])
def test_a_cache_that_cannot_store_a_date_still_answers_and_leaves_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, failing: str) -> None:
    cache = Cache(tmp_path)
    full = OSError(errno.ENOSPC, "No space left on device")
    if failing == "write":
        def write_half(self: Path, data: str, encoding: str | None = None) -> int:
            self.write_bytes(data.encode()[:3])  # as a full disk leaves it
            raise full
        monkeypatch.setattr(Path, "write_text", write_half)
    else:
        def no_link(*args: object) -> None:
            raise full
        monkeypatch.setattr(os, "link", no_link)
    assert cache.remember_date("c0ffee", dt.date(2026, 5, 1)) == dt.date(2026, 5, 1)
    assert list((tmp_path / "dates").iterdir()) == []  # no empty or half record, no temporary file
    assert cache.date_of("c0ffee") is None
    assert "could not be stored (No space left on device)" in caplog.text and str(tmp_path) not in caplog.text


# -- errors, for both kinds of client (issue 22) -------------------------------

SECRET = "/srv/briefing/cache/secret-folder"

ERRORS = [
    # (status, how to cause it, Dutch title, words the page says)
    (400, ("GET", "/briefings/region-sahel.pdf?marking=%00x", None), "Dat lukt niet", "rubricering"),
    (404, ("GET", "/nope", None), "Niet gevonden", "Deze pagina bestaat niet"),
    (404, ("GET", "/briefings/region-mali.pdf", None), "Niet gevonden", "Er is geen regio ‘mali’."),
    (404, ("GET", "/briefings/region-sahel.xyz", None), "Niet gevonden", "bestandsformaat bestaat niet"),
    (405, ("POST", "/", None), "Dat kan hier niet", "alleen worden opgevraagd"),
    (429, ("GET", "/briefings/region-sahel.pdf", Busy(7)), "Even geduld", "over 7 seconden"),
    (503, ("GET", "/briefings/region-sahel.pdf", Overran("the render overran")), "Even geduld", "over 5 seconden"),
    (503, ("GET", "/briefings/region-sahel.pdf", OutputError(f"{SECRET}/x.pdf: No space left on device")),
     "Even geduld", "over 30 seconden"),
    (500, ("GET", "/briefings/region-sahel.pdf", RuntimeError(f"bug near {SECRET}")), "Er ging iets mis",
     "aan onze kant"),
]


@pytest.mark.parametrize(("status", "cause", "title", "says"), ERRORS,
                         ids=[f"{e[0]}-{e[1][1].split('?')[0].rsplit('/', 1)[-1] or 'root'}-{i}"
                              for i, e in enumerate(ERRORS)])
def test_every_error_is_a_page_for_a_browser_and_json_for_the_api(
        client: TestClient, monkeypatch: pytest.MonkeyPatch, status: int, cause: tuple[str, str, Exception | None],
        title: str, says: str) -> None:
    method, path, raised = cause
    # As a browser sees a 500: the app's answer, not the test client's re-raise.
    client = TestClient(client.app, raise_server_exceptions=False)
    if raised is not None:
        def fail(*args: object, **kwargs: object) -> None:
            raise raised
        monkeypatch.setattr(BriefingService, "plan", fail)
    page = client.request(method, path, headers=HTML)
    assert page.status_code == status and page.headers["content-type"].startswith("text/html")
    assert f"<h2>{title}</h2>" in page.text and says in html.unescape(page.text)
    api = client.request(method, path, headers={"accept": "application/json"})
    assert api.status_code == status and api.json()["status"] == status and api.json()["error"]
    for response in (page, api):
        assert SECRET not in response.text and "Traceback" not in response.text
    if status in (429, 503):
        assert page.headers["retry-after"] == api.headers["retry-after"]
    if "mali" in path:
        assert 'Bedoelt u <a href="/?region=sahel">Sahel</a>?' in page.text


def test_the_stable_link_is_never_built_from_the_host_header(content: Content, tmp_path: Path) -> None:
    for base_url, expected in (("", '<code>/briefings/region-sahel.pdf</code>'),
                               ("https://briefings.example.nl/", '<code>https://briefings.example.nl/briefings/'
                                                                 'region-sahel.pdf</code>')):
        app = create_app(content, TEMPLATES, Cache(tmp_path / base_url.replace("/", "_")), workers=1,
                         base_url=base_url)
        with TestClient(app, base_url="http://evil.example") as client:
            page = client.get("/?region=sahel", headers={**HTML, "host": "evil.example"})
        assert expected in page.text and "evil.example" not in page.text


def test_if_none_match_star_and_weak_etags_get_304(client: TestClient) -> None:
    first = client.get("/briefings/region-arctic.html")
    etag = first.headers["etag"]
    for header in ("*", f"W/{etag}", f'"other", {etag}'):
        assert client.get("/briefings/region-arctic.html", headers={"if-none-match": header}).status_code == 304, header
    assert client.get("/briefings/region-arctic.html", headers={"if-none-match": '"other"'}).status_code == 200


def test_one_access_log_line_per_request_without_query_values(client: TestClient,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("INFO", logger="briefing.access"):
        client.get("/?region=sahel&marking=Stg.%20Geheim", headers=HTML)
        client.get("/favicon.ico")
    lines = [r.getMessage() for r in caplog.records if r.name == "briefing.access"]
    assert len(lines) == 2
    assert re.fullmatch(r"GET /\?region=…&marking=… 200 \d+ B \d+ ms", lines[0]), lines[0]
    assert re.fullmatch(r"GET /favicon\.ico 204 0 B \d+ ms", lines[1]), lines[1]
    assert "Geheim" not in " ".join(lines) and "sahel" not in " ".join(lines)
    assert '<link rel="icon" href="data:image/svg+xml' in client.get("/", headers=HTML).text


def test_the_page_offers_the_levels_of_the_scale_as_the_marking(client: TestClient) -> None:
    page = client.get("/?region=sahel&marking=dv", headers=HTML).text
    options = re.findall(r'<option value="([^"]+)"( selected)?>', page)
    assert [name for name, _ in options] == ["Openbaar", "Departementaal Vertrouwelijk", "Stg. Confidentieel",
                                             "Stg. Geheim"]
    assert [name for name, chosen in options if chosen] == ["Departementaal Vertrouwelijk"]
    assert "rubricering: <strong>Departementaal Vertrouwelijk</strong>" in page
    assert "<code>/briefings/region-sahel.pdf?marking=dv</code>" in page  # the link to send, with the short id
    refused = client.get("/?region=sahel&marking=stg-zg", headers=HTML)
    assert refused.status_code == 400 and "Stg. Zeer Geheim" in refused.text
