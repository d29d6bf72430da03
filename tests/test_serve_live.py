"""`briefing serve` as a real process on a loopback port: a real browser
uses the page, and load and fault tests hit it. Requests are bounded in
number and time and go to 127.0.0.1 only."""

from __future__ import annotations

import collections
import contextlib
import io
import itertools
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest
from conftest import ROOT
from pypdf import PdfReader

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def said(self) -> str:
        """What the server wrote to stderr, for a failing assertion."""
        return self.log.read_text(errors="replace")[-3000:]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get(url: str, timeout: float = 60, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    try:
        request = urllib.request.Request(url, headers=headers or {})
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - loopback only
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def start_server(folder: Path, *options: str) -> Server:
    """`briefing serve` on a free loopback port, answering /health."""
    port = _free_port()
    cache = folder / "cache"
    log = folder / "server.log"
    with open(log, "wb") as stderr:
        process = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--port", str(port), "--workers",
                                    "2", "--cache", str(cache), *options], cwd=ROOT, stdout=subprocess.DEVNULL,
                                   stderr=stderr)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if get(url + "/health", timeout=5)[0] == 200:
                return Server(url, process, log)
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise AssertionError("server did not start")


def stop_server(server: Server) -> None:
    server.process.send_signal(signal.SIGTERM)
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = start_server(tmp_path_factory.mktemp("server"))
    yield running
    stop_server(running)


@pytest.mark.slow
def test_a_person_in_a_browser_gets_the_sahel_terrorism_pdf(server: Server, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(accept_downloads=True)
            page.goto(server.url + "/")
            page.check("input[name=region][value=sahel]")
            page.check("input[name=theme][value=terrorism]")
            page.wait_for_selector("text=Briefing Terrorisme in de Sahel")  # the page follows each choice
            assert "/?region=sahel&theme=terrorism" in page.url
            with page.expect_download() as download:
                page.click("text=PDF downloaden")
            target = tmp_path / "briefing.pdf"
            download.value.save_as(target)
            assert download.value.suggested_filename == "Briefing Terrorisme in de Sahel.pdf"
            text = "".join(p.extract_text() for p in PdfReader(target).pages)
            assert "Sahel" in text and "terror" in text.lower()

            # Keyboard only: search, tick with the space bar, submit with Enter.
            page.goto(server.url + "/")
            for _ in range(4):  # past the search through the text, to the subjects' filter
                page.keyboard.press("Tab")
                if page.evaluate("document.activeElement.id") == "search":
                    break
            assert page.evaluate("document.activeElement.id") == "search"
            page.keyboard.type("cyber")
            page.keyboard.press("Tab")
            assert page.evaluate("document.activeElement.value") == "cyber-security"
            page.keyboard.press("Space")
            for _ in range(60):
                page.keyboard.press("Tab")
                if page.evaluate("document.activeElement.tagName") == "BUTTON":
                    break
            page.keyboard.press("Enter")
            page.wait_for_selector("h2:has-text('Briefing Cyberveiligheid')")
            assert "theme=cyber-security" in page.url
        finally:
            browser.close()


@pytest.mark.slow
def test_typing_a_covered_place_finds_its_region_first(server: Server) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()

            def shown() -> list[str]:
                """The regions the filter shows, top to bottom."""
                return list(page.eval_on_selector_all(
                    "input[name=region]", "boxes => boxes.filter(b => !b.closest('label').hidden).map(b => b.value)"))

            page.goto(server.url + "/")
            page.fill("#search", "Mali")
            # Somalië contains 'mali' and still shows, but after the Sahel, which covers Mali.
            assert shown() == ["sahel", "horn-of-africa"]
            page.keyboard.press("Tab")
            assert page.evaluate("document.activeElement.value") == "sahel"
            page.fill("#search", "somalie")  # without its diaeresis
            assert shown()[0] == "horn-of-africa"
            page.fill("#search", "")  # every subject again, in the order of the page
            assert shown() == [e["id"] for e in json.loads(get(server.url + "/api/subjects")[2])["regions"]]
        finally:
            browser.close()


def _workers(server: Server) -> list[psutil.Process]:
    """The rendering workers: children of the forkserver, grandchildren of
    the server."""
    me = psutil.Process(server.process.pid)
    return [p for p in me.children(recursive=True) if p.ppid() != me.pid]


def _memory(server: Server) -> int:
    me = psutil.Process(server.process.pid)
    total = int(me.memory_info().rss)
    for child in me.children(recursive=True):
        try:
            total += int(child.memory_info().rss)
        except psutil.NoSuchProcess:
            continue
    return total


@pytest.mark.slow
def test_500_mixed_requests_from_browsers_and_programs_at_concurrency_32(server: Server) -> None:
    """Issue 22's load: browsers (Accept: text/html) and API clients alike,
    files, pages, errors and health at once. No 5xx but a planned 503; the
    planned refusals say when to come back; every file is whole."""
    names = ["region-sahel", "region-arctic", "theme-piracy", "region-horn-of-africa", "theme-cyber-security",
             "ministry-defence", "region-west-africa", "region-sahel+theme-terrorism"]
    asks = []
    for n in range(500):
        name = names[n % len(names)]
        path = [f"/briefings/{name}.pdf", f"/briefings/{name}.html", f"/api/briefings/{name}",
                f"/briefings/{name}.docx", "/briefings/region-sahl.pdf", "/health", f"/?region=sahel&theme=x{n}",
                f"/briefings/{name}.pdf?marking=dv", f"/briefings/{name}.md", "/nergens"][n % 10]
        browser = n % 2 == 0
        asks.append((path, {"accept": "text/html,application/xhtml+xml"} if browser else {"accept": "*/*"}))
    with ThreadPoolExecutor(32) as pool:
        results = list(pool.map(lambda ask: (ask, *get(server.url + ask[0], headers=ask[1])), asks))
    statuses = [status for _, status, _, _ in results]
    assert not [s for s in statuses if s >= 500 and s != 503], (statuses, server.said())
    assert statuses.count(200) >= 300, statuses
    for (path, headers_sent), status, headers, body in results:
        if status == 200 and path.split("?")[0].endswith(".pdf"):
            assert body.startswith(b"%PDF") and len(PdfReader(io.BytesIO(body)).pages) >= 1
            assert int(headers["content-length"]) == len(body)
        if status in (429, 503) and not path.startswith("/health"):
            assert int(headers["retry-after"]) >= 1
        if status >= 400 and not path.startswith("/health"):  # an error has the face its client asked for
            kind = headers["content-type"]
            assert kind.startswith("text/html" if "text/html" in headers_sent["accept"] else "application/json"), \
                (path, headers_sent, kind)
            assert b"Traceback" not in body and str(ROOT).encode() not in body


@pytest.mark.slow
def test_a_worker_killed_mid_render_is_replaced_and_its_request_answered(server: Server) -> None:
    answer: list[tuple[int, dict[str, str], bytes]] = []
    # The client waits past the server's deadline (60 s): a render lost with
    # its worker would be answered 503 by then, and fail below with the
    # server's log, rather than as a client timeout (seen once, on a machine
    # busy with a second test run).
    asking = threading.Thread(target=lambda: answer.append(get(server.url + "/briefings/ministry-foreign-affairs.pdf"
                                                                          "?marking=stg-g", timeout=120)))
    asking.start()
    time.sleep(0.4)  # rendering has begun
    victims = _workers(server)
    assert victims
    for worker in victims:
        os.kill(worker.pid, signal.SIGKILL)
    asking.join(timeout=130)
    assert answer, server.said()
    status, _, body = answer[0]
    assert status == 200 and body.startswith(b"%PDF"), server.said()
    assert get(server.url + "/health")[0] == 200
    assert not {w.pid for w in victims} & {w.pid for w in _workers(server)}


@pytest.mark.slow
def test_memory_stays_flat_over_500_renders(server: Server) -> None:
    # 500 briefings no one asked for before: unions of two and three regions, two themes.
    subjects = json.loads(get(server.url + "/api/subjects")[2])
    regions = [e["id"] for e in subjects["regions"]]
    themes = [e["id"] for e in subjects["themes"]]
    names = ["+".join(f"region-{r}" for r in group) for size in (2, 3) for group in itertools.combinations(regions, size)]
    names += ["+".join(f"theme-{t}" for t in pair) for pair in itertools.combinations(themes, 2)]
    assert len(names) >= 500

    def render(n: int) -> int:
        return get(f"{server.url}/briefings/{names[n]}.html")[0]

    with ThreadPoolExecutor(4) as pool:
        assert set(pool.map(render, range(50))) == {200}
        after_50 = _memory(server)
        assert set(pool.map(render, range(50, 500))) == {200}
        after_500 = _memory(server)
    assert after_500 <= after_50 * 1.10, (after_50, after_500)


@pytest.mark.slow
def test_on_a_phone_the_result_never_hides_the_focused_box(server: Server) -> None:
    """At 390 px wide, tick subjects by keyboard with a result showing: the
    box that has focus is never under the result panel."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844})
            page.goto(server.url + "/?region=sahel")
            page.wait_for_selector("#result-title")
            hidden = []
            for box in page.query_selector_all("input[name=region], input[name=theme]")[:12]:
                box.focus()
                covered = page.evaluate("""box => {
                    const r = box.getBoundingClientRect(), p = document.querySelector('#result').getBoundingClientRect();
                    return r.bottom > p.top && r.top < p.bottom && r.right > p.left && r.left < p.right;
                }""", box)
                if covered:
                    hidden.append(box.get_attribute("value"))
            assert hidden == []
        finally:
            browser.close()


def _gone(processes: list[psutil.Process], within: float) -> list[psutil.Process]:
    """Those of `processes` still alive after `within` seconds (zombies
    count as gone: they hold no memory)."""
    deadline = time.monotonic() + within
    while True:
        alive = [p for p in processes if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.1)


@pytest.mark.slow
def test_every_worker_dies_with_the_forkserver_and_with_the_server(tmp_path: Path) -> None:
    """KILL each process of the server's tree in turn: what worked for it
    goes with it, and no orphan is left holding memory."""
    server = start_server(tmp_path)
    try:
        assert get(server.url + "/briefings/region-arctic.html")[0] == 200  # the workers are up
        me = psutil.Process(server.process.pid)
        workers = _workers(server)
        assert workers
        forkservers = [psutil.Process(pid) for pid in {w.ppid() for w in workers}]
        assert len(forkservers) == 1 and forkservers[0].ppid() == me.pid
        # The forkserver: its workers die, and the server renders on a new pool.
        forkservers[0].kill()
        assert _gone(workers, 5) == [], server.said()
        assert get(server.url + "/briefings/region-arctic.html?marking=dv")[0] == 200, server.said()
        # A worker: replaced (the killed-worker test shows its request is answered).
        replacement = _workers(server)
        assert replacement and not {w.pid for w in replacement} & {w.pid for w in workers}
        # The server: everything under it goes with it.
        tree = me.children(recursive=True)
        assert len(tree) >= 3  # forkserver, workers (and multiprocessing's resource tracker)
        me.kill()
        server.process.wait(5)
        assert _gone(tree, 5) == []
    finally:
        if server.process.poll() is None:
            stop_server(server)


@pytest.mark.slow
def test_thousands_of_slow_clients_neither_starve_the_server_nor_flood_its_log(tmp_path: Path) -> None:
    """3,000 connections that send a byte a second (slowloris) against a
    server capped at 300: the rest are refused 503 at once, the 300 get 408
    after the 2 s header timeout, a normal request is answered throughout,
    and the log says so in a line, not in thousands."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    clients = min(3000, hard - 200)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, clients + 200), hard))
    server = start_server(tmp_path, "--max-connections", "300", "--header-timeout", "2")
    slow: list[socket.socket] = []
    try:
        for _ in range(clients):
            sock = socket.socket()
            sock.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                sock.connect(("127.0.0.1", int(server.url.rsplit(":", 1)[1])))
            slow.append(sock)
        answers = []
        started = time.monotonic()
        while time.monotonic() - started < 6:
            for sock in slow:
                with contextlib.suppress(OSError):
                    sock.send(b"G")
            asked = time.monotonic()
            answers.append((get(server.url + "/health", timeout=10)[0], time.monotonic() - asked))
            time.sleep(0.5)
            # Refused connections are closed as fast as they are accepted:
            # between bursts the server holds at most its cap.
            descriptors = len(os.listdir(f"/proc/{server.process.pid}/fd"))
            assert descriptors <= 300 + 128, descriptors
        statuses = [status for status, _ in answers]
        assert set(statuses) <= {200, 503} and max(seconds for _, seconds in answers) < 3, answers
        assert statuses[-4:] == [200] * 4, answers  # the header timeout has freed the connections
        # What each slow client got: 503 at once, or 408 after the header timeout.
        told: collections.Counter[bytes] = collections.Counter()
        for sock in slow:
            with contextlib.suppress(OSError):
                sock.setblocking(True)
                sock.settimeout(1)
                status = sock.recv(64).split(b" ")
                told[status[1] if len(status) > 1 else b""] += 1
        assert set(told) <= {b"503", b"408"} and told[b"408"] >= 100, told
        assert len(server.said().splitlines()) < 40, server.said()
        assert "Traceback" not in server.said()
    finally:
        for sock in slow:
            sock.close()
        stop_server(server)


def start_server_on_mount(folder: Path, mount: str) -> Server:
    """The server in a mount namespace of its own, its cache on a real
    tmpfs mounted with `mount` options (never the test machine's disk)."""
    cache = folder / "cache"
    cache.mkdir()
    port = _free_port()
    log = folder / "server.log"
    script = (f"mount -t tmpfs -o {mount} tmpfs {cache} && mkdir -p {cache}/dates && "
              f"{'mount -o remount,ro ' + str(cache) + ' && ' if 'ro' in mount.split(',') else ''}"
              f"exec {sys.executable} -m generator serve --port {port} --workers 1 --cache {cache}")
    options = [o for o in mount.split(",") if o != "ro"]
    script = script.replace(f"-o {mount} ", f"-o {','.join(options)} ")
    with open(log, "wb") as stderr:
        process = subprocess.Popen(["unshare", "--mount", "--map-root-user", "sh", "-c", script], cwd=ROOT,
                                   stdout=subprocess.DEVNULL, stderr=stderr)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if get(url + "/health", timeout=5)[0] in (200, 503):
                return Server(url, process, log)
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise AssertionError("server did not start on its tmpfs: " + log.read_text(errors="replace")[-2000:])


@pytest.mark.slow
@pytest.mark.parametrize("mount", ["size=1m", "size=1m,ro"])
def test_a_full_or_read_only_cache_disk_still_serves_and_health_says_so(tmp_path: Path, mount: str) -> None:
    """Issue 22 on a real disk: a 1 MB tmpfs that the briefings fill, and a
    read-only one. Every briefing is still answered (from memory when it
    cannot be stored), /health says 503 "degraded" with the system's reason,
    and no client ever sees the cache's path."""
    server = start_server_on_mount(tmp_path, mount)
    try:
        names = ["region-sahel", "region-arctic", "theme-piracy", "ministry-defence", "region-west-africa",
                 "theme-cyber-security"]
        for name in names:
            for fmt in ("pdf", "html"):
                status, headers, body = get(f"{server.url}/briefings/{name}.{fmt}")
                assert status == 200, (name, fmt, body[:300], server.said())
                assert body.startswith(b"%PDF" if fmt == "pdf" else b"<!DOCTYPE html>")
        status, _, body = get(server.url + "/health")
        answer = json.loads(body)
        reason = "Read-only file system" if "ro" in mount.split(",") else "No space left on device"
        assert status == 503 and answer["status"] == "degraded", answer
        assert answer["cache"] == {"writable": False, "reason": reason}
        assert str(tmp_path) not in body.decode()
        assert "Traceback" not in server.said()
        # A briefing asked for again is answered again, the same.
        again = get(f"{server.url}/briefings/region-sahel.html")
        assert again[0] == 200 and again[2].startswith(b"<!DOCTYPE html>")
    finally:
        stop_server(server)


@pytest.mark.slow
def test_searching_the_text_by_keyboard_alone_and_without_javascript(server: Server, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    def tab_to(page: object, test: str) -> None:
        for _ in range(80):
            page.keyboard.press("Tab")  # type: ignore[attr-defined]
            if page.evaluate(test):  # type: ignore[attr-defined]
                return
        raise AssertionError(f"never reached by Tab: {test}")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            # Keyboard only: the first stop is the page in English (for a
            # reader who cannot read the Dutch around it), the next the
            # search; results come as you type.
            page = browser.new_page(accept_downloads=True)
            page.goto(server.url + "/")
            page.keyboard.press("Tab")
            assert page.evaluate("document.activeElement.getAttribute('hreflang')") == "en"
            page.keyboard.press("Tab")
            assert page.evaluate("document.activeElement.id") == "q"
            page.keyboard.type("kernwapen")
            page.wait_for_selector("#found h2:has-text('kernwapen')")
            assert page.locator("#found mark").count() > 0
            assert "kernwapenwedloop" in page.inner_text("#found").lower()
            page.wait_for_selector("#result h2:has-text('Briefing: ‘kernwapen’')")
            assert "q=kernwapen" in page.url
            tab_to(page, "document.activeElement.textContent === 'Maak hiervan een briefing'")
            page.keyboard.press("Enter")
            tab_to(page, "document.activeElement.textContent === 'PDF downloaden'")
            with page.expect_download() as download:
                page.keyboard.press("Enter")
            assert download.value.suggested_filename == "Briefing ‘kernwapen’.pdf"
            target = tmp_path / "query.pdf"
            download.value.save_as(target)
            assert "kernwapenwedloop" in " ".join(p.extract_text() for p in PdfReader(target).pages)

            # Without JavaScript: the form is a GET, the server answers with the page.
            context = browser.new_context(java_script_enabled=False, accept_downloads=True)
            bare = context.new_page()
            bare.goto(server.url + "/")
            bare.fill("#q", "Iran")
            bare.keyboard.press("Enter")
            bare.wait_for_url("**/?q=Iran")
            assert "Iran" in bare.locator("#found mark").all_inner_texts()
            assert "Maak hiervan een briefing" in bare.inner_text("#result")
            wrong = bare.goto(server.url + "/?q=Ruslant")
            assert wrong is not None and wrong.status == 404
            bare.click("text=‘Rusland’")
            bare.wait_for_url("**/?q=Rusland")
            assert bare.locator("#found li").count() > 0
            context.close()
        finally:
            browser.close()


def _auth_files(folder: Path) -> Path:
    """An auth config with a users file: anna (group daf, cleared for DV)
    and bert (no group); both with the password 'correct horse battery'."""
    from argon2 import PasswordHasher

    hasher = PasswordHasher()
    (folder / "users.toml").write_text(
        f'[users.anna]\npassword = "{hasher.hash("correct horse battery")}"\ngroups = ["daf"]\n'
        f'[users.bert]\npassword = "{hasher.hash("correct horse battery")}"\ngroups = []\n', encoding="utf-8")
    config = folder / "auth.toml"
    config.write_text('audit_log = "audit.jsonl"\n[clearances]\ndaf = "dv"\n[users]\nfile = "users.toml"\n',
                      encoding="utf-8")
    return config


@pytest.mark.slow
def test_a_cleared_user_logs_in_and_gets_the_dv_note_and_another_is_refused(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    config = _auth_files(tmp_path)
    server = start_server(tmp_path, "--clearance", "dv", "--notes", str(ROOT / "examples" / "notes"),
                          "--auth-config", str(config))
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                anna = browser.new_page(accept_downloads=True)
                anna.goto(server.url + "/?region=sahel")
                assert "rubricering: Openbaar" in anna.inner_text("#result")  # not logged in: the Openbaar note only
                anna.click("text=Aanmelden")
                anna.fill("#user", "anna")
                anna.fill("#password", "correct horse battery")
                anna.keyboard.press("Enter")
                anna.wait_for_selector("text=Aangemeld als")
                assert anna.url.endswith("/") and "machtiging Departementaal Vertrouwelijk" in anna.inner_text("header")
                anna.check("input[name=region][value=sahel]")
                anna.wait_for_selector("#result strong:has-text('Departementaal Vertrouwelijk')")
                assert "2 aantekeningen van het ministerie" in anna.inner_text("#result")
                anna.screenshot(path=str(tmp_path / "anna.png"), full_page=True)
                with anna.expect_download() as download:
                    anna.click("text=PDF downloaden")
                target = tmp_path / "sahel-dv.pdf"
                download.value.save_as(target)
                text = " ".join(" ".join(p.extract_text() for p in PdfReader(target).pages).split())
                assert "departementaal vertrouwelijk: een inschatting" in text  # the DV note
                assert "staatsgeheim confidentieel" not in text  # above the server's clearance
                assert "Departementaal Vertrouwelijk" in text  # the marking
                link = anna.inner_text("#result code")
                assert link.endswith("/briefings/region-sahel.pdf?marking=dv")

                # Bert follows the link anna sent him: a clear refusal, and no file.
                bert = browser.new_page(accept_downloads=True)
                bert.goto(server.url + "/login")
                bert.fill("#user", "bert")
                bert.fill("#password", "correct horse battery")
                bert.click("button:has-text('Aanmelden')")
                bert.wait_for_selector("text=Aangemeld als")
                response = bert.goto(link)
                assert response is not None and response.status == 403
                assert "uw machtiging (Openbaar) reikt niet zo ver" in bert.inner_text("[role=alert]")
                bert.screenshot(path=str(tmp_path / "bert.png"), full_page=True)
                # Someone not logged in is asked to.
                stranger = browser.new_page()
                response = stranger.goto(link)
                assert response is not None and response.status == 401
                stranger.click("[role=alert] a:has-text('Aanmelden')")
                stranger.wait_for_url("**/login?next=/briefings/region-sahel.pdf%3Fmarking%3Ddv")
                stranger.screenshot(path=str(tmp_path / "login.png"), full_page=True)
            finally:
                browser.close()
    finally:
        stop_server(server)
    events = [json.loads(line) for line in (tmp_path / "audit.jsonl").read_text().splitlines()]
    assert [(e["event"], e.get("user")) for e in events] == [
        ("login", "anna"), ("download", "anna"), ("login", "bert"), ("refused", "bert"), ("refused", "")]
