"""The editing panel in the sidebar: who may add articles and correct places.

The decision is geo.view.editing's; here are its inputs (Streamlit's secrets and login,
the server's address, the request's host) and the password form. `access()` is called
once per run by dashboard.py and handed to the panels that write.
"""

from __future__ import annotations

import os
import secrets

import streamlit as st

from geo.view import editing

PASSWORD = "editor_password"
NAME = "editor_name"
LOGIN_FORM = "editor_form"
GRANTED = "editor_granted"  # this session gave the right password
WHO = "editor_who"  # the name the editor gave with it
SESSION = "editor_session"  # a random id for the per-session lock-out
UPLOADS = "editor_uploads"  # ingests this session started
KEYS = (PASSWORD, NAME, LOGIN_FORM, GRANTED, WHO, SESSION, UPLOADS)


@st.cache_resource(show_spinner=False)
def _attempts() -> editing.Attempts:
    """Wrong passwords of every session of this server process."""
    return editing.Attempts()


@st.cache_resource(show_spinner=False)
def _budget() -> editing.UploadBudget:
    """Uploads of every session of this server process, per hour."""
    return editing.UploadBudget()


def _secrets():
    try:
        return st.secrets.to_dict()
    except Exception:  # no secrets file: no password, no login
        return {}


def _login_configured(found: dict) -> bool:
    return isinstance(found.get("auth"), dict) and bool(found["auth"])


def _logged_in() -> tuple[bool, str | None]:
    try:
        if st.user.is_logged_in:
            return True, st.user.get("email") or st.user.get("name")
    except Exception:  # no identity provider configured
        pass
    return False, None


def _request_host() -> str | None:
    try:
        headers = st.context.headers
        host = headers.get("Host") if headers is not None else None
    except Exception:
        host = None
    return host or None


def access() -> editing.Access:
    """Decide, and show in the sidebar, whether this session may edit."""
    st.session_state.setdefault(SESSION, secrets.token_hex(16))
    found = _secrets()
    password = editing.editor_password(found, os.environ)
    login = _login_configured(found)
    logged_in, user = _logged_in() if login else (False, None)
    decided = editing.decide(
        login_configured=login,
        logged_in=logged_in,
        user_name=user,
        password_configured=password is not None,
        password_given=bool(st.session_state.get(GRANTED)),
        editor_name=st.session_state.get(WHO),
        server_address=st.get_option("server.address"),
        request_host=_request_host(),
    )
    st.sidebar.header("Editing")
    if decided.can_edit:
        st.sidebar.caption(decided.reason)
        if logged_in:
            st.sidebar.button("Log out", on_click=st.logout)
        return decided
    st.sidebar.caption(decided.reason)
    if decided.offer_login:
        st.sidebar.button("Log in", on_click=st.login)
    if decided.ask_password and password is not None:
        with st.sidebar.form(LOGIN_FORM, clear_on_submit=True):
            given = st.text_input("Editor password", type="password", key=PASSWORD)
            name = st.text_input("Your name (recorded with corrections)", key=NAME, max_chars=80)
            sent = st.form_submit_button("Edit")
        if sent:
            problem = _attempts().try_password(st.session_state[SESSION], given, password)
            if problem is None:
                st.session_state[GRANTED] = True
                st.session_state[WHO] = name.strip()
                st.rerun()
            st.sidebar.error(problem)
    return decided


def take_upload() -> str | None:
    """Count one ingest against this session's and the process's limits; None when
    allowed, else why not."""
    used = st.session_state.get(UPLOADS, 0)
    problem = _budget().take(used)
    if problem is None:
        st.session_state[UPLOADS] = used + 1
    return problem
