"""Who is asking: the server's users, their clearances, and the audit log.

One TOML file (`briefing serve --auth-config FILE`) says it all:

    audit_log = "audit.jsonl"          # relative to this file
    [clearances]                       # group -> the highest level it may see
    daf = "dv"
    nctv = "stg-c"

and one of two modes:

    [proxy]                            # a reverse proxy authenticates (SSO)
    trusted = ["127.0.0.1", "10.0.8.0/24"]
    user_header = "X-Remote-User"
    groups_header = "X-Remote-Groups"
    groups_separator = ","

    [users]                            # the server authenticates
    file = "users.toml"                # [users.<name>] password = "$argon2id$…", groups = [...]
    session_hours = 8
    secure_cookie = "auto"             # true, false, or "auto": when the request came over https
    max_failures = 5                   # per user and per address,
    failure_window_minutes = 15        # within this window, before logins wait

A user's clearance is the highest level of their groups, never above the
server's `--clearance`; everyone else (and every user whose groups map to
nothing) is at the lowest level. Headers naming a user are believed only
from a trusted proxy address: from anyone else they are ignored, and that
is audited.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import ipaddress
import json
import os
import re
import secrets
import threading
import time
import tomllib
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..classification import Level, Scale
from ..errors import BriefingError, ConfigError, OutputError, UsageError
from ..outputs import describe_os_error

COOKIE = "briefing_session"
MAX_NAME = 200  # characters of a user or group name
MAX_GROUPS = 200  # groups a header may name
SESSIONS_KEPT = 10_000
FAILURES_KEPT = 100_000  # users and addresses whose failed logins are counted
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True, slots=True)
class User:
    """Who asked: `name` is empty for someone not logged in."""

    name: str
    groups: tuple[str, ...]
    clearance: Level

    @property
    def anonymous(self) -> bool:
        return not self.name


@dataclass(frozen=True, slots=True)
class Proxy:
    trusted: tuple[Network, ...]
    user_header: str
    groups_header: str
    groups_separator: str


@dataclass(frozen=True, slots=True)
class Account:
    password: str  # an argon2 hash
    groups: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Users:
    accounts: dict[str, Account]
    session_seconds: float
    secure_cookie: bool | None  # None: when the request came over https
    max_failures: int
    failure_window: float


@dataclass(frozen=True, slots=True)
class AuthConfig:
    path: Path
    audit_log: Path
    clearances: dict[str, Level]  # group -> level
    proxy: Proxy | None = None
    users: Users | None = None
    trusted: tuple[Network, ...] = field(default=())  # proxies whose X-Forwarded-For/-Proto are believed

    @property
    def mode(self) -> str:
        return "proxy" if self.proxy else "users"


class LoginRefused(BriefingError):
    """A wrong name or password (which of the two is not said)."""


class AuditFailed(OutputError):
    """The audit log cannot be written: nothing it should record is done."""


class LoginLimited(BriefingError):
    """Too many failed logins for this user or from this address."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed logins; try again in {retry_after} s")
        self.retry_after = retry_after


# --------------------------------------------------------------------------
# The configuration file


def load_auth(path: Path, scale: Scale) -> AuthConfig:
    """The configuration file, checked: every problem raises ConfigError
    naming the file, the line where it can be found, and the key."""
    data, where = _read_toml(path)
    known = {"audit_log", "clearances", "proxy", "users"}
    for key in data:
        if key not in known:
            raise ConfigError(f"{where.at('', key)}: unknown setting '{key}' (one of: {', '.join(sorted(known))})")
    if ("proxy" in data) == ("users" in data):
        raise ConfigError(f"{path}: give either a [proxy] section (a reverse proxy authenticates) or a [users] "
                          "section (the server does), not both or neither")
    audit = data.get("audit_log")
    if not isinstance(audit, str) or not audit.strip():
        raise ConfigError(f"{where.at('', 'audit_log')}: audit_log must name the audit log file")
    clearances: dict[str, Level] = {}
    table = _table(data, "clearances", where)
    for group, level in table.items():
        if not isinstance(level, str):
            raise ConfigError(f"{where.at('clearances', group)}: [clearances] '{group}' must be a level, as text")
        try:
            clearances[group] = scale.level(level)
        except UsageError as exc:
            raise ConfigError(f"{where.at('clearances', group)}: [clearances] '{group}': {exc}") from None
    proxy, users = None, None
    trusted: tuple[Network, ...] = ()
    if "proxy" in data:
        section = _table(data, "proxy", where)
        _only(section, {"trusted", "user_header", "groups_header", "groups_separator"}, "proxy", where)
        trusted = _networks(section.get("trusted"), "proxy", where)
        if not trusted:
            raise ConfigError(f"{where.at('proxy', 'trusted')}: [proxy] trusted must list the proxy's addresses: "
                              "headers are believed from those only")
        proxy = Proxy(trusted, _header(section, "user_header", "X-Remote-User", where),
                      _header(section, "groups_header", "X-Remote-Groups", where),
                      str(section.get("groups_separator", ",")) or ",")
    else:
        section = _table(data, "users", where)
        _only(section, {"file", "session_hours", "secure_cookie", "max_failures", "failure_window_minutes",
                        "trusted"}, "users", where)
        file = section.get("file")
        if not isinstance(file, str) or not file:
            raise ConfigError(f"{where.at('users', 'file')}: [users] file must name the users file")
        if not (path.parent / file).is_file():
            raise ConfigError(f"{where.at('users', 'file')}: [users] file: {path.parent / file} not found")
        secure = section.get("secure_cookie", "auto")
        if secure not in (True, False, "auto"):
            raise ConfigError(f"{where.at('users', 'secure_cookie')}: [users] secure_cookie is true, false or "
                              "\"auto\"")
        users = Users(load_users(path.parent / file),
                      _number(section, "session_hours", 8, where) * 3600.0,
                      None if secure == "auto" else bool(secure),
                      int(_number(section, "max_failures", 5, where)),
                      _number(section, "failure_window_minutes", 15, where) * 60.0)
        trusted = _networks(section.get("trusted", []), "users", where)
    return AuthConfig(path, path.parent / audit, clearances, proxy, users, trusted)


def load_users(path: Path) -> dict[str, Account]:
    """The users file: `[users.<name>]` tables with an argon2 `password`
    hash (see `briefing passwd`) and `groups`."""
    data, where = _read_toml(path)
    accounts: dict[str, Account] = {}
    table = data.get("users")
    if not isinstance(table, dict) or set(data) - {"users"}:
        raise ConfigError(f"{path}: expected [users.<name>] tables only")
    for name, entry in table.items():
        at = where.at(f"users.{name}", "password")
        if not isinstance(entry, dict):
            raise ConfigError(f"{at}: users.{name} must be a table with password and groups")
        _only(entry, {"password", "groups"}, f"users.{name}", where)
        password, groups = entry.get("password"), entry.get("groups", [])
        if not isinstance(password, str) or not password.startswith("$argon2"):
            raise ConfigError(f"{at}: users.{name}: password must be an argon2 hash (make one with "
                              "'briefing passwd'), never the password itself")
        if not _name_ok(name):
            raise ConfigError(f"{at}: users.{name}: a user name is 1-{MAX_NAME} printable characters")
        if not isinstance(groups, list) or not all(isinstance(g, str) for g in groups):
            raise ConfigError(f"{where.at(f'users.{name}', 'groups')}: users.{name}: groups is a list of names")
        accounts[name] = Account(password, tuple(groups))
    return accounts


class _Where:
    """The line of a key in a TOML file, for messages (found by reading
    the text: tomllib keeps no positions)."""

    def __init__(self, path: Path, text: str) -> None:
        self.path, self.lines = path, text.splitlines()

    def at(self, section: str, key: str) -> str:
        start = 0
        if section:
            header = re.compile(rf"^\s*\[\s*{re.escape(section)}\s*\]")
            start = next((n for n, line in enumerate(self.lines) if header.match(line)), 0)
        pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
        for n in range(start, len(self.lines)):
            if pattern.match(self.lines[n]):
                return f"{self.path}:{n + 1}"
        return f"{self.path}:{start + 1}" if section else str(self.path)


def _read_toml(path: Path) -> tuple[dict[str, Any], _Where]:
    """A TOML file's data, and where its keys stand."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(str(describe_os_error(path, exc, "read the configuration"))) from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    try:
        return tomllib.loads(text), _Where(path, text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None


def _table(data: dict[str, Any], key: str, where: _Where) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{where.at('', key)}: '{key}' must be a [{key}] section")
    return value


def _only(section: dict[str, Any], known: set[str], name: str, where: _Where) -> None:
    for key in section:
        if key not in known:
            raise ConfigError(f"{where.at(name, key)}: [{name}] has no setting '{key}' (one of: "
                              f"{', '.join(sorted(known))})")


def _networks(value: object, section: str, where: _Where) -> tuple[Network, ...]:
    if not isinstance(value, list):
        raise ConfigError(f"{where.at(section, 'trusted')}: [{section}] trusted is a list of addresses")
    networks = []
    for item in value:
        try:
            networks.append(ipaddress.ip_network(str(item), strict=False))
        except ValueError:
            raise ConfigError(f"{where.at(section, 'trusted')}: [{section}] trusted: '{item}' is not an address or "
                              "network (10.0.8.0/24)") from None
    return tuple(networks)


def _header(section: dict[str, Any], key: str, default: str, where: _Where) -> str:
    value = section.get(key, default)
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z0-9-]+", value):
        raise ConfigError(f"{where.at('proxy', key)}: [proxy] {key} must be a header name")
    return value.lower()


def _number(section: dict[str, Any], key: str, default: float, where: _Where) -> float:
    value = section.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ConfigError(f"{where.at('users', key)}: [users] {key} must be a positive number")
    return float(value)


def _name_ok(name: str) -> bool:
    return 0 < len(name) <= MAX_NAME and name.isprintable()


# --------------------------------------------------------------------------
# Asking who it is


class Auth:
    """Resolves a request's user, and in users mode logs them in and out.
    Sessions live in this process: a restart logs everyone out."""

    def __init__(self, config: AuthConfig | None, scale: Scale, clearance: Level) -> None:
        self.config, self.scale, self.clearance = config, scale, clearance
        self.anonymous = User("", (), scale.lowest)
        self._sessions: OrderedDict[str, tuple[User, float]] = OrderedDict()
        self._failures: OrderedDict[str, list[float]] = OrderedDict()
        self._lock = threading.Lock()
        self._hasher: Any = None
        self._dummy = ""
        if config is not None and config.users is not None:
            from argon2 import PasswordHasher  # only a server with a users file needs it

            self._hasher = PasswordHasher()
            self._dummy = self._hasher.hash(secrets.token_hex(16))  # an unknown user costs what a known one does

    def user_of(self, name: str, groups: tuple[str, ...]) -> User:
        config = self.config
        levels = [config.clearances[g] for g in groups if config and g in config.clearances]
        clearance = min(max(levels, default=self.scale.lowest), self.clearance)
        return User(name, groups, clearance)

    def peer(self, client: str, headers: dict[str, str]) -> str:
        """The address that asked: the connecting one, or, from a trusted
        proxy, the last address it appended to X-Forwarded-For."""
        if self.config and _within(client, self.config.trusted):
            forwarded = [a.strip() for a in headers.get("x-forwarded-for", "").split(",") if a.strip()]
            if forwarded:
                return forwarded[-1][:64]
        return client

    def over_tls(self, scheme: str, client: str, headers: dict[str, str]) -> bool:
        if scheme == "https":
            return True
        return bool(self.config and _within(client, self.config.trusted)
                    and headers.get("x-forwarded-proto", "") == "https")

    def who(self, client: str, headers: list[tuple[str, str]], cookie: str | None) -> tuple[User, str]:
        """The user a request is from (`headers` as sent: lower-case names,
        values as latin-1), and what was wrong with the proxy headers it
        carried, if anything: 'untrusted' (from an address not trusted) or
        'ambiguous' (a header twice, or not UTF-8). Such headers are
        ignored: the request is anonymous."""
        config = self.config
        if config is None:
            return self.anonymous, ""
        if config.proxy is not None:
            proxy = config.proxy
            sent = [(k, v) for k, v in headers if k in (proxy.user_header, proxy.groups_header)]
            if not _within(client, proxy.trusted):
                return self.anonymous, "untrusted" if any(v.strip() for _, v in sent) else ""
            names = [k for k, _ in sent]
            if len(names) != len(set(names)):  # one added by the client, one by the proxy: believe neither
                return self.anonymous, "ambiguous"
            try:
                values = {k: v.encode("latin-1").decode("utf-8") for k, v in sent}
            except UnicodeError:
                return self.anonymous, "ambiguous"
            name = values.get(proxy.user_header, "").strip()
            if not name or not _name_ok(name):
                return self.anonymous, ""
            groups = tuple(g.strip() for g in values.get(proxy.groups_header, "").split(proxy.groups_separator)
                           if g.strip() and _name_ok(g.strip()))[:MAX_GROUPS]
            return self.user_of(name, groups), ""
        if cookie:
            key = _digest(cookie)
            with self._lock:
                found = self._sessions.get(key)
                if found is not None and found[1] > time.time():
                    return found[0], ""
                self._sessions.pop(key, None)
        return self.anonymous, ""

    def check_password(self, name: str, password: str, address: str) -> User:
        """The user, if `password` is theirs; LoginLimited while this user
        or address has failed too often lately, LoginRefused otherwise.
        Slow on purpose (argon2): call it off the event loop."""
        from argon2.exceptions import Argon2Error

        config = self.config
        assert config is not None and config.users is not None and self._hasher is not None
        users = config.users
        name = name.strip()[:MAX_NAME]
        keys = (f"user:{name.casefold()}", f"address:{address}")
        self._wait(keys, users)
        account = users.accounts.get(name)
        ok = False
        try:
            ok = self._hasher.verify(account.password if account else self._dummy, password[:1024])
        except (Argon2Error, ValueError):
            ok = False
        if not ok or account is None:
            self._failed(keys, users)
            raise LoginRefused("wrong user name or password")
        with self._lock:
            self._failures.pop(keys[0], None)
        return self.user_of(name, account.groups)

    def _wait(self, keys: tuple[str, ...], users: Users) -> None:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                times = [t for t in self._failures.get(key, ()) if now - t < users.failure_window]
                if len(times) >= users.max_failures:
                    raise LoginLimited(int(users.failure_window - (now - times[0])) + 1)

    def _failed(self, keys: tuple[str, ...], users: Users) -> None:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                times = [t for t in self._failures.pop(key, []) if now - t < users.failure_window]
                self._failures[key] = [*times, now][-users.max_failures:]
            while len(self._failures) > FAILURES_KEPT:
                self._failures.popitem(last=False)

    def open_session(self, user: User) -> tuple[str, int]:
        """A new session for `user`: its cookie value and lifetime in s."""
        assert self.config is not None and self.config.users is not None
        seconds = int(self.config.users.session_seconds)
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._sessions[_digest(token)] = (user, time.time() + seconds)
            now = time.time()
            for key in [k for k, (_, until) in self._sessions.items() if until <= now]:
                del self._sessions[key]
            while len(self._sessions) > SESSIONS_KEPT:
                self._sessions.popitem(last=False)
        return token, seconds

    def close_session(self, cookie: str | None) -> None:
        if cookie:
            with self._lock:
                self._sessions.pop(_digest(cookie), None)


def _digest(token: str) -> str:
    """Sessions are kept by their token's hash, never the token itself."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def _within(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


# --------------------------------------------------------------------------
# The audit log


class Audit:
    """An append-only JSON-lines log: one line per event, written whole with
    one write to a file opened for appending (never rewritten, never
    truncated), mode 0600. A line that cannot be written raises
    AuditFailed: a classified file is then not sent."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._fd: int | None = None
        if path is not None:  # at start: a log that cannot be opened stops the server there
            try:
                self._fd = self._open(path)
            except OSError as exc:
                raise ConfigError(str(describe_os_error(path, exc, "open the audit log"))) from None

    @staticmethod
    def _open(path: Path) -> int:
        return os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)

    def write(self, event: str, **fields: object) -> None:
        if self.path is None:  # a server without --auth-config serves nothing classified
            return
        record = {"time": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                  "event": event, **fields}
        line = (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
        with self._lock:
            try:
                if self._fd is None:  # closed when the app stopped; opened again if it starts again
                    self._fd = self._open(self.path)
                written = os.write(self._fd, line)
            except OSError as exc:
                raise AuditFailed(str(describe_os_error(self.path, exc, "write the audit log"))) from None
        if written != len(line):
            raise AuditFailed(f"{self.path}: the audit log took {written} of {len(line)} bytes")

    def close(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None


def hash_password(password: str) -> str:
    """An argon2id hash for the users file (`briefing passwd`)."""
    from argon2 import PasswordHasher

    return str(PasswordHasher().hash(password))
