"""Who may edit the dashboard (geo.view.editing), without Streamlit; and the store keeping
who made a correction."""

from __future__ import annotations

import sqlite3

import pytest

from geo.place.overrides import new_override
from geo.store.sqlite import SCHEMA_VERSION, SQLiteStore, connect
from geo.view import editing

NOBODY = {
    "login_configured": False,
    "logged_in": False,
    "user_name": None,
    "password_configured": False,
    "password_given": False,
    "editor_name": None,
}


@pytest.mark.parametrize(
    "address, host, local",
    [
        ("127.0.0.1", "127.0.0.1:8501", True),
        ("localhost", "localhost:8501", True),
        ("::1", "[::1]:8501", True),
        ("127.0.0.1", None, True),  # no request to look at: the bind decides
        ("127.0.0.1", "news-map.example.org", False),  # a proxy publishes it
        ("0.0.0.0", "127.0.0.1:8501", False),  # reachable from anywhere
        ("", "localhost:8501", False),  # Streamlit's default binds every interface
        (None, None, False),
        ("10.0.0.5", "10.0.0.5:8501", False),
    ],
)
def test_local_use_needs_a_loopback_bind_and_a_loopback_host(address, host, local):
    assert editing.is_local(address, host) is local


def test_without_password_or_login_only_local_use_edits():
    local = editing.decide(**NOBODY, server_address="127.0.0.1", request_host="localhost:8501")
    assert local.can_edit and local.made_by == editing.LOCAL_USER
    public = editing.decide(**NOBODY, server_address="0.0.0.0", request_host="news.example")
    assert not public.can_edit and "public deployment" in public.reason
    assert not public.ask_password and public.made_by is None


def test_a_password_is_needed_even_locally_once_one_is_set():
    asked = {**NOBODY, "password_configured": True}
    local = editing.decide(**asked, server_address="127.0.0.1", request_host=None)
    assert not local.can_edit and local.ask_password
    given = editing.decide(
        **{**asked, "password_given": True, "editor_name": " Ana "},
        server_address="0.0.0.0",
        request_host="x.example",
    )
    assert given.can_edit and given.made_by == "Ana"


def test_a_login_provider_edits_when_logged_in_and_names_the_user():
    login = {**NOBODY, "login_configured": True}
    out = editing.decide(**login, server_address="0.0.0.0", request_host="x.example")
    assert not out.can_edit and out.offer_login
    inside = editing.decide(
        **{**login, "logged_in": True, "user_name": "ana@example.org"},
        server_address="0.0.0.0",
        request_host="x.example",
    )
    assert inside.can_edit and inside.made_by == "ana@example.org"


def test_the_password_comes_from_secrets_first_then_the_environment():
    env = {editing.PASSWORD_ENV: "from-env"}
    assert editing.editor_password({"geo": {"editor_password": "s3"}}, env) == "s3"
    assert editing.editor_password({}, env) == "from-env"
    assert editing.editor_password({"geo": {}}, {}) is None


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_wrong_passwords_lock_the_session_out_for_a_while():
    clock = Clock()
    attempts = editing.Attempts(clock=clock)
    for i in range(editing.LOCKOUT_FAILURES - 1):
        left = editing.LOCKOUT_FAILURES - 1 - i
        assert attempts.try_password("s1", "guess", "secret").startswith(f"Wrong password ({left}")
    assert "Too many" in attempts.try_password("s1", "guess", "secret")
    assert "Too many" in attempts.try_password("s1", "secret", "secret")  # even the right one
    assert attempts.try_password("s2", "secret", "secret") is None  # other sessions go on
    clock.now += editing.LOCKOUT_SECONDS + 1
    assert attempts.try_password("s1", "secret", "secret") is None


def test_failures_from_many_sessions_lock_the_whole_process():
    clock = Clock()
    attempts = editing.Attempts(clock=clock)
    for i in range(editing.PROCESS_LOCKOUT_FAILURES):
        attempts.try_password(f"session-{i}", "guess", "secret")  # a new session each time
    assert "Too many" in attempts.try_password("new", "secret", "secret")
    clock.now += editing.LOCKOUT_SECONDS + 1
    assert attempts.try_password("new", "secret", "secret") is None


def test_uploads_are_limited_per_session_and_per_hour():
    clock = Clock()
    budget = editing.UploadBudget(clock=clock, per_hour=3)
    assert "session" in budget.take(editing.UPLOADS_PER_SESSION)
    assert [budget.take(0) for _ in range(3)] == [None, None, None]
    assert "this hour" in budget.take(0)
    clock.now += 3601
    assert budget.take(0) is None


def test_a_correction_keeps_who_made_it(tmp_path):
    with SQLiteStore(tmp_path / "e.db") as store:
        store.add_override(new_override("Springfield", None, made_by="Ana"))
        assert store.override_rules()[0].made_by == "Ana"


def test_an_overrides_table_of_version_3_gains_made_by(tmp_path):
    path = tmp_path / "v3.db"
    with SQLiteStore(path) as store:
        store.add_override(new_override("Springfield", None, note="old"))
    db = sqlite3.connect(path)  # as version 3 left it: no made_by column
    db.execute("ALTER TABLE overrides DROP COLUMN made_by")
    db.execute("PRAGMA user_version = 3")
    db.commit()
    db.close()
    migrated = connect(path)
    assert migrated.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    migrated.close()
    with SQLiteStore(path) as store:
        (rule,) = store.override_rules()
        assert (rule.note, rule.made_by) == ("old", "")
