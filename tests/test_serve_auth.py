"""`briefing serve` with the ministry's notes (issue 24): who asks (a
trusted proxy's headers, or a users file and a login form), what each may
have, the cache partitions, the audit log and the forgetting of notes."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from conftest import TEMPLATES
from starlette.testclient import TestClient

from generator.cli import main
from generator.content import Content
from generator.errors import ConfigError
from generator.notes import load_notes
from generator.serve.app import create_app
from generator.serve.auth import Auth, AuthConfig, load_auth
from generator.serve.cache import Cache

HTML = {"accept": "text/html"}
PASSWORD = "correct horse battery"
# Cheap hashes: verifying one takes a millisecond, not a tenth of a second.
CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@dataclass
class Setup:
    root: Path
    notes: Path
    tokens: dict[str, str]  # level -> the token in that level's note
    content: Content

    def config(self, mode: str, **extra: str) -> Path:
        lines = ['audit_log = "audit.jsonl"', "[clearances]", 'daf = "dv"', 'nctv = "stg-c"']
        if mode == "proxy":
            lines += ["[proxy]", 'trusted = ["127.0.0.1", "10.0.8.0/24"]', 'user_header = "X-Remote-User"',
                      'groups_header = "X-Remote-Groups"']
        else:
            lines += ["[users]", 'file = "users.toml"', "max_failures = 3", "failure_window_minutes = 1"]
        lines += [f"{key} = {value}" for key, value in extra.items()]
        path = self.root / f"auth-{mode}.toml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    def auth(self, mode: str) -> AuthConfig:
        return load_auth(self.config(mode), self.content.scale)

    def audit(self) -> list[dict[str, object]]:
        path = self.root / "audit.jsonl"
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []

    def app(self, mode: str, cache: Path, today: dt.date | None = None) -> TestClient:
        scale = self.content.scale
        dv = scale.level("dv")
        notes = load_notes([self.notes], self.content, dv, today or dt.date.today())
        cache.mkdir(exist_ok=True)
        return TestClient(create_app(self.content, TEMPLATES, Cache(cache), workers=1, notes=notes, clearance=dv,
                                     auth=self.auth(mode)), client=("127.0.0.1", 50000))


def write_notes(folder: Path, tokens: dict[str, str], dv_level: str = "dv", valid_until: str = "") -> None:
    folder.mkdir(exist_ok=True)
    (folder / "_folder.yaml").write_text("max_classification: stg-c\n", encoding="utf-8")
    until = f"  valid_until: {valid_until}\n" if valid_until else ""
    (folder / "sahel.yaml").write_text(
        f"- id: sahel-openbaar\n  subjects: [sahel]\n  classification: openbaar\n  date: 2026-11-20\n"
        f"  unit: DAF\n  text: Openbaar {tokens['openbaar']}.\n"
        f"- id: sahel-dv\n  subjects: [sahel]\n  classification: {dv_level}\n  date: 2026-11-21\n"
        f"  unit: DAF\n{until}  text: Vertrouwelijk {tokens['dv']}.\n"
        f"- id: sahel-stgc\n  subjects: [sahel]\n  classification: stg-c\n  date: 2026-11-22\n"
        f"  unit: DAF\n  text: Geheim {tokens['stg-c']}.\n", encoding="utf-8")


@pytest.fixture
def setup(tmp_path: Path, content: Content) -> Setup:
    tokens = {level: f"kanarie{level.replace('-', '')}{secrets.token_hex(4)}" for level in ("openbaar", "dv", "stg-c")}
    write_notes(tmp_path / "notes", tokens)
    (tmp_path / "users.toml").write_text(
        "".join(f'[users.{name}]\npassword = "{CHEAP.hash(PASSWORD)}"\ngroups = {json.dumps(groups)}\n'
                for name, groups in (("anna", ["daf"]), ("bert", []), ("carla", ["nctv"]))), encoding="utf-8")
    return Setup(tmp_path, tmp_path / "notes", tokens, content)


@pytest.fixture
def users(setup: Setup) -> Iterator[TestClient]:
    with setup.app("users", setup.root / "cache") as client:
        yield client


def beside(client: TestClient, address: str) -> TestClient:
    """Another client of the same running app, from `address` (without a
    lifespan of its own: the app's pool and service are shared)."""
    return TestClient(client.app, client=(address, 50000))


def login(client: TestClient, name: str, password: str = PASSWORD, target: str = "/") -> int:
    response = client.post("/login", data={"user": name, "password": password, "next": target},
                           follow_redirects=False)
    return response.status_code


def test_the_proxy_is_believed_from_its_addresses_only(setup: Setup) -> None:
    headers = {"X-Remote-User": "anna", "X-Remote-Groups": "staf, daf"}
    with setup.app("proxy", setup.root / "cache") as client:
        trusted = client.get("/api/briefings/region-sahel", headers=headers)
        assert trusted.json()["marking"] == "Departementaal Vertrouwelijk" and trusted.json()["notes"] == 2
        assert trusted.headers["cache-control"] == "private, no-store"
        assert trusted.json()["files"]["pdf"]["url"] == "/briefings/region-sahel.pdf?marking=dv"
        page = client.get("/", headers={**headers, **HTML})
        assert "Aangemeld als <strong>anna</strong>" in page.text and "2 aantekeningen" in page.text
        # The same headers from an address the configuration does not trust.
        outsider = beside(client, "192.0.2.7")
        ignored = outsider.get("/api/briefings/region-sahel", headers=headers).json()
        assert ignored["marking"] == "Openbaar" and ignored["notes"] == 1  # the Openbaar note only
        outside = outsider.get("/", headers={**headers, **HTML}).text
        assert "Aangemeld" not in outside and "1 aantekening" in outside
        refused = outsider.get("/briefings/region-sahel.html?marking=dv", headers=headers)
        assert refused.status_code == 403
    events = [(e["event"], e.get("address")) for e in setup.audit()]
    assert ("untrusted_proxy_headers", "192.0.2.7") in events
    assert ("refused", "192.0.2.7") in events


def test_proxy_headers_sent_twice_or_garbled_are_believed_from_nobody(setup: Setup) -> None:
    with setup.app("proxy", setup.root / "cache") as client:
        # A proxy that adds its header to the client's instead of replacing it.
        twice = [("X-Remote-User", "anna"), ("X-Remote-User", "mallory"), ("X-Remote-Groups", "daf")]
        assert client.get("/api/briefings/region-sahel", headers=twice).json()["marking"] == "Openbaar"
        answer = client.get("/", headers=HTML)
        assert answer.headers["x-frame-options"] == "DENY" and answer.headers["referrer-policy"] == "same-origin"
    # Values as the app hands them on: the bytes sent, as latin-1 (the test
    # client re-encodes header bytes, so this is asked of Auth directly).
    auth = Auth(setup.auth("proxy"), setup.content.scale, setup.content.scale.level("dv"))
    sent = [("x-remote-user", "anné".encode().decode("latin-1")), ("x-remote-groups", "daf")]
    user, problem = auth.who("127.0.0.1", sent, None)
    assert (user.name, user.clearance.id, problem) == ("anné", "dv", "")
    garbled = [("x-remote-user", "ann\xe9"), ("x-remote-groups", "daf")]  # latin-1, not UTF-8
    assert auth.who("127.0.0.1", garbled, None)[0].anonymous and auth.who("127.0.0.1", garbled, None)[1] == "ambiguous"
    assert [e["event"] for e in setup.audit()] == ["ambiguous_proxy_headers"]


def test_logging_in_sets_a_strict_session_cookie_and_logging_out_ends_it(setup: Setup, users: TestClient) -> None:
    form = users.get("/login?next=/%3Fregion%3Dsahel")
    assert form.status_code == 200 and 'name="password" type="password"' in form.text
    assert 'value="/?region=sahel"' in form.text
    assert login(users, "anna", "wrong") == 401
    response = users.post("/login", data={"user": "anna", "password": PASSWORD, "next": "/?region=sahel"},
                          follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/?region=sahel"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Max-Age=28800" in cookie
    assert "Secure" not in cookie  # plain http: a browser would drop a Secure cookie
    page = users.get("/?region=sahel", headers=HTML)
    assert "Aangemeld als <strong>anna</strong>" in page.text and "Departementaal Vertrouwelijk" in page.text
    token = users.cookies.get("briefing_session")
    users.post("/logout", follow_redirects=False)
    # The old token is worth nothing once logged out.
    replay = beside(users, "127.0.0.1")
    replay.cookies.set("briefing_session", token or "")
    after = replay.get("/api/briefings/region-sahel").json()
    assert after["marking"] == "Openbaar"
    events = [(e["event"], e.get("user")) for e in setup.audit()]
    assert events == [("login_failed", "anna"), ("login", "anna"), ("logout", "anna")]


def test_the_cookie_is_secure_over_https_and_next_never_leaves_the_site(setup: Setup) -> None:
    with TestClient(setup.app("users", setup.root / "cache").app, base_url="https://testserver",
                    client=("127.0.0.1", 1)) as client:
        for target in ("//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"):
            response = client.post("/login", data={"user": "anna", "password": PASSWORD, "next": target},
                                   follow_redirects=False)
            assert response.status_code == 303 and response.headers["location"] == "/"
            assert "Secure" in response.headers["set-cookie"]
        cross = client.post("/login", data={"user": "anna", "password": PASSWORD},
                            headers={"origin": "https://evil.example"}, follow_redirects=False)
        assert cross.status_code == 400
        stuffed = client.post("/login", content="&".join(f"f{n}=x" for n in range(20)),
                              headers={"content-type": "application/x-www-form-urlencoded"})
        assert stuffed.status_code == 400
        huge = client.post("/login", content="user=" + "a" * 5000,
                           headers={"content-type": "application/x-www-form-urlencoded"})
        assert huge.status_code == 400


def test_failed_logins_wait_per_user_and_per_address(setup: Setup, users: TestClient) -> None:
    for _ in range(3):
        assert login(users, "anna", "wrong") == 401
    limited = users.post("/login", data={"user": "anna", "password": PASSWORD}, follow_redirects=False)
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) > 0  # even the right password
    # From another address, anna waits too; from this one, so does everyone.
    other = beside(users, "192.0.2.9")
    assert login(other, "anna") == 429
    assert login(other, "bert") == 303
    assert login(users, "bert") == 429
    # Many users tried from one address: that address waits.
    guesser = beside(users, "192.0.2.10")
    for name in ("x1", "x2", "x3"):
        assert login(guesser, name, "guess") == 401
    assert login(guesser, "carla") == 429
    assert ("login_limited", "anna") in [(e["event"], e.get("user")) for e in setup.audit()]


def test_a_lower_user_never_gets_a_higher_file(setup: Setup, users: TestClient) -> None:
    tokens = setup.tokens
    assert login(users, "anna") == 303
    higher = users.get("/briefings/region-sahel.html")
    assert higher.status_code == 200 and tokens["dv"] in higher.text and tokens["openbaar"] in higher.text
    assert tokens["stg-c"] not in higher.text  # above the server's clearance: never admitted
    assert higher.headers["cache-control"] == "private, no-store"
    etag = higher.headers["etag"]
    anonymous = beside(users, "127.0.0.1")
    lower = anonymous.get("/briefings/region-sahel.html")  # by URL
    assert lower.status_code == 200 and tokens["dv"] not in lower.text and tokens["openbaar"] in lower.text
    assert lower.headers["etag"] != etag
    by_etag = anonymous.get("/briefings/region-sahel.html", headers={"if-none-match": etag})
    assert by_etag.status_code == 200 and tokens["dv"] not in by_etag.text
    by_marking = anonymous.get("/briefings/region-sahel.html?marking=dv", headers=HTML)
    assert by_marking.status_code == 401 and tokens["dv"] not in by_marking.text
    assert 'href="/login?next=/briefings/region-sahel.html%3Fmarking%3Ddv"' in by_marking.text
    assert anonymous.get("/api/briefings/region-sahel?marking=dv").status_code == 401
    assert login(anonymous, "bert") == 303
    refused = anonymous.get("/briefings/region-sahel.pdf?marking=Departementaal Vertrouwelijk", headers=HTML)
    assert refused.status_code == 403 and "reikt niet zo ver" in refused.text
    assert anonymous.get("/?region=sahel&marking=dv", headers=HTML).status_code == 403
    # Carla's group is cleared for Stg. Confidentieel; this server serves up to DV.
    carla = beside(users, "127.0.0.1")
    assert login(carla, "carla") == 303
    capped = carla.get("/briefings/region-sahel.html?marking=stg-c")
    assert capped.status_code == 403 and tokens["stg-c"] not in capped.text
    assert tokens["stg-c"] not in carla.get("/briefings/region-sahel.html").text
    # A marking may raise a briefing's level, never lower it.
    assert users.get("/briefings/region-sahel.html?marking=openbaar").status_code == 400
    # The DV file lives in the DV partition; nothing of DV in the Openbaar one.
    cache = setup.root / "cache"
    assert any(tokens["dv"].encode() in p.read_bytes() for p in (cache / "clearance" / "dv").rglob("*.html"))
    assert not any(tokens["dv"].encode() in p.read_bytes() for p in cache.glob("??/*"))


def test_every_classified_download_and_refusal_is_audited(setup: Setup, users: TestClient) -> None:
    assert login(users, "anna") == 303
    users.get("/briefings/region-sahel.pdf")
    etag = users.get("/briefings/region-sahel.docx").headers["etag"]
    users.get("/briefings/region-sahel.docx", headers={"if-none-match": etag})
    users.get("/briefings/theme-cyber-security.pdf")  # holds no note: Openbaar, not a classified download
    anonymous = beside(users, "127.0.0.1")
    anonymous.get("/briefings/region-sahel.pdf?marking=dv")
    lines = setup.audit()
    for line in lines:
        assert dt.datetime.fromisoformat(str(line["time"])).tzinfo is not None
    downloads = [(e["user"], e["briefing"], e["marking"], e["format"], e["status"]) for e in lines
                 if e["event"] == "download"]
    assert downloads == [("anna", "region-sahel", "dv", "pdf", 200), ("anna", "region-sahel", "dv", "docx", 200),
                         ("anna", "region-sahel", "dv", "docx", 304)]
    refused = [e for e in lines if e["event"] == "refused"]
    assert [(e["user"], e["marking"], e["clearance"], e["status"]) for e in refused] == [("", "dv", "openbaar", 401)]
    assert (setup.root / "audit.jsonl").stat().st_mode & 0o777 == 0o600


def test_without_an_audit_line_no_classified_file_is_sent(setup: Setup, users: TestClient) -> None:
    assert login(users, "anna") == 303
    (setup.root / "audit.jsonl").unlink()
    (setup.root / "audit.jsonl").symlink_to("/dev/full")
    # The log already open still writes to the old file; a fresh server opens /dev/full.
    with setup.app("users", setup.root / "cache") as fresh:
        assert login(fresh, "anna") == 503  # the login is not done either
        anonymous = beside(fresh, "127.0.0.1")
        assert anonymous.get("/briefings/region-sahel.html").status_code == 200  # Openbaar: not audited
        assert anonymous.get("/briefings/region-sahel.html?marking=dv").status_code == 503


@pytest.mark.parametrize("change", ["removed", "downgraded", "expired"])
def test_files_holding_a_note_are_forgotten_at_the_next_start(setup: Setup, change: str) -> None:
    cache = setup.root / "cache"
    with setup.app("users", cache) as client:
        assert login(client, "anna") == 303
        assert setup.tokens["dv"] in client.get("/briefings/region-sahel.html").text
        client.get("/briefings/region-sahel.pdf")
    def holding() -> list[Path]:
        return [p for p in cache.rglob("*") if p.is_file() and setup.tokens["dv"].encode() in p.read_bytes()]
    assert holding()
    partition = list((cache / "clearance" / "dv").rglob("*.pdf"))
    assert partition
    today = dt.date.today()
    if change == "removed":
        text = (setup.notes / "sahel.yaml").read_text(encoding="utf-8")
        (setup.notes / "sahel.yaml").write_text(text.split("- id: sahel-dv")[0] + "- id: sahel-stgc" +
                                                text.split("- id: sahel-stgc")[1], encoding="utf-8")
    elif change == "downgraded":
        write_notes(setup.notes, setup.tokens, dv_level="openbaar")
    else:
        write_notes(setup.notes, setup.tokens, valid_until=(today - dt.timedelta(days=1)).isoformat())
    with setup.app("users", cache):
        pass  # a start is enough
    assert holding() == [] and not any(p.exists() for p in partition)


def test_a_server_with_a_clearance_needs_an_auth_config(setup: Setup, cli) -> None:  # type: ignore[no-untyped-def]
    run = cli("serve", "--clearance", "dv", "--notes", str(setup.notes), "--port", "1")
    assert run.code == 2 and "--clearance dv needs --auth-config FILE" in run.err
    with pytest.raises(Exception, match="needs --auth-config"):
        create_app(setup.content, TEMPLATES, Cache(setup.root / "c"), clearance=setup.content.scale.level("dv"))


@pytest.mark.parametrize("text, message", [
    ('audit_log = "a"\n[clearances]\ndaf = "dvv"\n[users]\nfile = "users.toml"\n',
     ":3: [clearances] 'daf': unknown classification 'dvv'"),
    ('audit_log = "a"\n[clearances]\ndaf = "stg-zg"\n[users]\nfile = "users.toml"\n', ":3: [clearances] 'daf': 'Stg. Zeer"),
    ('audit_log = "a"\n[proxy]\ntrusted = ["127.0.0.1"]\n[users]\nfile = "users.toml"\n', "either a [proxy]"),
    ('audit_log = "a"\n[proxy]\ntrusted = []\n', ":3: [proxy] trusted must list the proxy's addresses"),
    ('audit_log = "a"\n[proxy]\ntrusted = ["10.0.0.300"]\n', ":3: [proxy] trusted: '10.0.0.300' is not an address"),
    ('[users]\nfile = "users.toml"\n', "audit_log must name the audit log file"),
    ('audit_log = "a"\n[users]\nfile = "users.toml"\nsession = 3\n', ":4: [users] has no setting 'session'"),
    ('audit_log = "a"\n[users]\nfile = "nobody.toml"\n', "nobody.toml"),
    ('audit_log = "a"\n[users\n', "not valid TOML"),
])
def test_a_bad_auth_config_says_where(setup: Setup, text: str, message: str) -> None:
    path = setup.root / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_auth(path, setup.content.scale)
    assert message in str(raised.value) and str(path) in str(raised.value)


def test_a_users_file_holds_hashes_never_passwords(setup: Setup) -> None:
    (setup.root / "users.toml").write_text('[users.anna]\npassword = "hunter2"\ngroups = ["daf"]\n')
    with pytest.raises(ConfigError, match=r"users.toml:2: users.anna: password must be an argon2 hash"):
        setup.auth("users")


def test_passwd_prints_an_entry_the_server_accepts(setup: Setup, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    import io
    monkeypatch.setattr("sys.stdin", io.StringIO("een lang wachtwoord\n"))
    assert main(["passwd", "dirk"]) == 0
    entry = capsys.readouterr().out
    (setup.root / "users.toml").write_text(entry.replace("groups = []", 'groups = ["daf"]'), encoding="utf-8")
    auth = setup.auth("users")
    assert auth.users is not None and PasswordHasher().verify(auth.users.accounts["dirk"].password,
                                                               "een lang wachtwoord")
    monkeypatch.setattr("sys.stdin", io.StringIO("kort\n"))
    assert main(["passwd", "dirk"]) == 2


def test_a_burst_of_logins_checks_a_few_passwords_at_a_time(setup: Setup, monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio
    import threading
    import time

    import httpx2

    from generator.serve import app as app_module
    from generator.serve.auth import Auth as RealAuth

    running, most, lock = 0, 0, threading.Lock()
    check = RealAuth.check_password

    def counting(self: RealAuth, name: str, password: str, address: str) -> object:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.02)
        try:
            return check(self, name, password, address)
        finally:
            with lock:
                running -= 1

    monkeypatch.setattr(RealAuth, "check_password", counting)
    app = setup.app("users", setup.root / "cache").app

    async def burst() -> list[int]:
        async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="http://t") as client:
            answers = await asyncio.gather(*(client.post("/login", data={"user": f"u{n}", "password": "x"})
                                             for n in range(24)))
        return [a.status_code for a in answers]

    statuses = asyncio.run(burst())
    assert most == app_module.LOGINS_AT_ONCE and set(statuses) <= {401, 429}
