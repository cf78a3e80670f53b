"""Who may change the dashboard: viewers read, editors add articles and correct places.

A shared dashboard must not let any visitor rewrite it. Editing is allowed

- to a visitor logged in through Streamlit's own `st.login`, where an identity provider is
  configured (the `[auth]` section of Streamlit's secrets);
- else, where an editor password is set (`st.secrets["geo"]["editor_password"]` or the
  environment's GEO_EDITOR_PASSWORD), to a session that typed it (compared in constant
  time; after LOCKOUT_FAILURES wrong tries a session waits LOCKOUT_SECONDS, and so does
  every session once the server process has seen PROCESS_LOCKOUT_FAILURES of them, since a
  guesser can open new sessions at will);
- else, only to local use: the server bound to a loopback address AND the page asked for
  by a loopback host name. A server bound to every interface, or reached through a proxy
  under a public name, is read-only.

Uploads are limited per session and per server process and hour (UPLOADS_PER_SESSION,
UPLOADS_PER_HOUR). Nothing here imports Streamlit: geo.app.editor passes the settings,
the address and the session's state in.
"""

from __future__ import annotations

import hmac
import ipaddress
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

PASSWORD_ENV = "GEO_EDITOR_PASSWORD"
SECRETS_SECTION = "geo"
SECRETS_KEY = "editor_password"

LOCKOUT_FAILURES = 5  # wrong passwords in a row before a session must wait
LOCKOUT_SECONDS = 5 * 60
PROCESS_LOCKOUT_FAILURES = 20  # wrong passwords from all sessions within LOCKOUT_SECONDS

UPLOADS_PER_SESSION = 20  # ingests (file uploads or pasted texts) one session may start
UPLOADS_PER_HOUR = 60  # ingests all sessions of one server process may start in an hour

LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})

# How each way in is named in `Access.reason` and in the corrections' `made_by`.
LOCAL_USER = "local user"
PASSWORD_USER = "editor"


def is_loopback(host: str | None) -> bool:
    """Whether `host` (a name or an address, maybe with a port, maybe bracketed) is this
    machine."""
    if not host:
        return False
    host = host.strip().lower()
    if host.startswith("["):  # [::1]:8501
        host = host[1 : host.find("]")] if "]" in host else host[1:]
    elif host.count(":") == 1:  # 127.0.0.1:8501, localhost:8501
        host = host.split(":", 1)[0]
    if host in LOCAL_NAMES or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_local(server_address: str | None, request_host: str | None) -> bool:
    """Local use: bound to loopback only, and not reached under another name.

    The bind decides who can connect; the request's host catches a local reverse proxy
    that publishes the loopback server under a public name. No host (no request, as in
    tests) leaves the bind to decide.
    """
    if not is_loopback(server_address):
        return False
    return request_host is None or request_host == "" or is_loopback(request_host)


def editor_password(secrets: Mapping | None, environ: Mapping[str, str]) -> str | None:
    """The configured editor password (secrets first), None when there is none."""
    section = None
    try:
        section = (secrets or {}).get(SECRETS_SECTION)
    except Exception:  # Streamlit raises when there is no secrets file at all
        section = None
    password = None
    if isinstance(section, Mapping):
        password = section.get(SECRETS_KEY)
    password = password or environ.get(PASSWORD_ENV)
    return str(password) if password else None


def password_matches(given: str, expected: str) -> bool:
    """Constant-time comparison (the time taken tells nothing about the password)."""
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


@dataclass
class Attempts:
    """Wrong passwords, per session and per process; who must wait until when.

    One instance per server process (the app caches it), shared by its sessions' threads.
    """

    clock: Callable[[], float] = time.monotonic
    _session_failures: dict[str, int] = field(default_factory=dict)
    _session_locked: dict[str, float] = field(default_factory=dict)
    _recent: deque = field(default_factory=deque)  # times of recent failures, any session
    _process_locked: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def locked_for(self, session: str) -> float:
        """Seconds `session` must still wait before trying again (0: it may try)."""
        now = self.clock()
        with self._lock:
            until = max(self._session_locked.get(session, 0.0), self._process_locked)
        return max(0.0, until - now)

    def failed(self, session: str) -> int:
        """Count a wrong password; the tries `session` has left before it must wait."""
        now = self.clock()
        with self._lock:
            count = self._session_failures.get(session, 0) + 1
            self._session_failures[session] = count
            if count >= LOCKOUT_FAILURES:
                self._session_locked[session] = now + LOCKOUT_SECONDS
                self._session_failures[session] = 0
            self._recent.append(now)
            while self._recent and self._recent[0] <= now - LOCKOUT_SECONDS:
                self._recent.popleft()
            if len(self._recent) >= PROCESS_LOCKOUT_FAILURES:
                self._process_locked = now + LOCKOUT_SECONDS
                self._recent.clear()
            return (
                LOCKOUT_FAILURES - self._session_failures[session]
                if count < LOCKOUT_FAILURES
                else 0
            )

    def succeeded(self, session: str) -> None:
        with self._lock:
            self._session_failures.pop(session, None)

    def try_password(self, session: str, given: str, expected: str) -> str | None:
        """None when `given` is right; else why not (wrong, or locked out)."""
        wait = self.locked_for(session)
        if wait > 0:
            return f"Too many wrong passwords: try again in {_minutes(wait)}."
        if password_matches(given, expected):
            self.succeeded(session)
            return None
        left = self.failed(session)
        wait = self.locked_for(session)
        if wait > 0:
            return f"Too many wrong passwords: try again in {_minutes(wait)}."
        return f"Wrong password ({left} {'try' if left == 1 else 'tries'} left)."


def _minutes(seconds: float) -> str:
    minutes = max(1, round(seconds / 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


@dataclass(frozen=True)
class Access:
    """What this session may do, and why (shown in the editing panel)."""

    can_edit: bool
    reason: str
    made_by: str | None = None  # recorded with corrections when can_edit
    ask_password: bool = False  # an editor password is set and not yet given
    offer_login: bool = False  # st.login is configured and the visitor is not logged in


def decide(
    *,
    login_configured: bool,
    logged_in: bool,
    user_name: str | None,
    password_configured: bool,
    password_given: bool,
    editor_name: str | None,
    server_address: str | None,
    request_host: str | None,
) -> Access:
    """Whether this session may edit: login, else password, else local use only."""
    if login_configured:
        if logged_in:
            who = (user_name or "").strip() or "logged-in user"
            return Access(True, f"Logged in as {who}.", made_by=who)
        if not password_configured:
            return Access(False, "Log in to add articles or correct places.", offer_login=True)
    if password_configured:
        if password_given:
            who = (editor_name or "").strip() or PASSWORD_USER
            return Access(True, f"Editing as {who} (editor password).", made_by=who)
        return Access(
            False,
            "Read-only: give the editor password to add articles or correct places.",
            ask_password=True,
            offer_login=login_configured,
        )
    if is_local(server_address, request_host):
        return Access(True, "Local use: editing is open.", made_by=LOCAL_USER)
    return Access(
        False,
        "Read-only: this is a public deployment without an editor password or login "
        f"(set {PASSWORD_ENV} or [{SECRETS_SECTION}] {SECRETS_KEY} in Streamlit's secrets, "
        "or run the server with --server.address 127.0.0.1 for local use).",
    )


@dataclass
class UploadBudget:
    """Ingests started per process within the last hour (shared by the sessions)."""

    clock: Callable[[], float] = time.time
    per_hour: int = UPLOADS_PER_HOUR
    _times: deque = field(default_factory=deque)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, session_count: int) -> str | None:
        """Count one ingest; None when allowed, else why not. `session_count`: the
        ingests this session has already started."""
        if session_count >= UPLOADS_PER_SESSION:
            return (
                f"This session has added {UPLOADS_PER_SESSION} uploads, the most one session "
                "may: open a new session later."
            )
        now = self.clock()
        with self._lock:
            while self._times and self._times[0] <= now - 3600:
                self._times.popleft()
            if len(self._times) >= self.per_hour:
                wait = 3600 - (now - self._times[0])
                return f"{self.per_hour} uploads this hour already: try again in {_minutes(wait)}."
            self._times.append(now)
        return None
