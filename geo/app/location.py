"""Where the hosted app's events database is: $GEO_DB, else the Streamlit secret, else the
default file (geo.config.resolve_db_path).

A hosted app (Streamlit Community Cloud) loses its files at every restart, so it names a
PostgreSQL database in its secrets (`.streamlit/secrets.toml`, or the Cloud's secrets box):

    [geo]
    db = "postgresql://USER:PASSWORD@HOST:5432/NAME"

A root-level `GEO_DB = "..."` works too: Streamlit exports root-level secrets as
environment variables. Only the app reads secrets; the stages below it are given the
location. Show it with geo.config.redact_location: a URL may hold a password.
"""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from geo.config import resolve_db_path

SECRETS_SECTION, SECRETS_KEY = "geo", "db"


def database_location() -> str | Path:
    """The events database the app uses: $GEO_DB, else st.secrets["geo"]["db"], else
    data/events.db."""
    return resolve_db_path(os.environ.get("GEO_DB") or secret_location())


def secret_location() -> str | None:
    """st.secrets["geo"]["db"]; None when there is no secrets file or no such key."""
    try:
        section = st.secrets.get(SECRETS_SECTION)
    except FileNotFoundError:  # no secrets.toml (StreamlitSecretNotFoundError is one)
        return None
    value = section.get(SECRETS_KEY) if hasattr(section, "get") else None
    return str(value) if value else None


# The session-state keys this module owns (tests/test_app_panels.py): none, it only reads
# the settings.
KEYS: tuple[str, ...] = ()
