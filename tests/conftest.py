"""Shared fixtures. Keep small: helpers used by several test files only."""

from __future__ import annotations

import os
import sqlite3
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pandas as pd
import pytest

from geo.schema import EVENT_COLUMNS, conform
from geo.store import Location, Store, open_store

# Every backend the Store interface is tested on. PostgreSQL needs a server: the URL of a
# database on it whose user may CREATE DATABASE, in $GEO_TEST_POSTGRES_URL (.ci/run starts a
# throwaway cluster and sets it). Without it the PostgreSQL tests skip, except in CI
# (CI=true), where a missing server is a failure: CI must test both backends.
STORE_BACKENDS = ("sqlite", "postgresql")
POSTGRES_URL_ENV = "GEO_TEST_POSTGRES_URL"


def postgres_admin_url() -> str:
    """The test server's URL, or skip (fail in CI) when there is none."""
    url = os.environ.get(POSTGRES_URL_ENV)
    if url:
        return url
    reason = f"no PostgreSQL server for the tests (set {POSTGRES_URL_ENV}; .ci/run does)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}: in CI the PostgreSQL store tests must run", pytrace=False)
    pytest.skip(reason)


class Databases:
    """New, empty stores of one backend, removed by `close`: SQLite files in a folder, or
    databases geo_test_<uuid> on the test server (dropped afterwards)."""

    def __init__(self, backend: str, folder: Path) -> None:
        self.backend, self.folder = backend, folder
        self.admin_url = postgres_admin_url() if backend == "postgresql" else None
        self.made: list[str] = []

    def new(self, name: str = "events") -> Location:
        """The location of a new, empty store."""
        if self.backend == "sqlite":
            return self.folder / f"{name}-{uuid.uuid4().hex[:8]}.db"
        return self._create(None)

    def copy(self, location: Location) -> Location:
        """A new store holding what the store at `location` holds."""
        if self.backend == "sqlite":
            target = self.new("copy")
            # SQLite's backup, not a file copy: the last commits may be in the -wal file yet
            with sqlite3.connect(location) as source, sqlite3.connect(target) as copy:
                source.backup(copy)
            return target
        return self._create(urlsplit(str(location)).path.lstrip("/"))

    def _create(self, template: str | None) -> str:
        import psycopg

        name = f"geo_test_{uuid.uuid4().hex}"
        with psycopg.connect(self.admin_url, autocommit=True) as admin:
            if template:  # CREATE DATABASE ... TEMPLATE needs the template to itself
                admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = %s AND pid <> pg_backend_pid()",
                    (template,),
                )
            admin.execute(
                f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")
            )
        self.made.append(name)
        return urlunsplit(urlsplit(self.admin_url)._replace(path=f"/{name}"))

    def close(self) -> None:
        if not self.made:
            return
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as admin:
            for name in self.made:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.made.clear()


@pytest.fixture(params=STORE_BACKENDS)
def store_backend(request) -> str:
    """Each backend's name, in turn (tests of anything stored take this)."""
    return request.param


@pytest.fixture
def databases(store_backend, tmp_path):
    """New stores of each backend, removed after the test."""
    made = Databases(store_backend, tmp_path)
    yield made
    made.close()


@pytest.fixture
def store_location(databases) -> Location:
    """The location of a new, empty store of each backend (a path or a URL)."""
    return databases.new()


@pytest.fixture
def store(store_location) -> Store:
    """A new, empty store of each backend (tests of the Store interface take this)."""
    with open_store(store_location) as opened:
        yield opened


def make_events(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """An events frame (geo/schema.py) from partial rows; unnamed columns get defaults."""
    defaults: dict[str, Any] = {
        "event_id": None,
        "article_id": "a1",
        "title": "A title",
        "source": "Reuters",
        "url": "https://example.org/a1",
        "published": "2016-11-09",
        "event_date": "2016-11-08",
        "date_precision": "day",
        "date_from_text": True,
        "event_type": "clash",
        "place": "Aleppo",
        "mention": "Aleppo",
        "latitude": 36.2021,
        "longitude": 37.1343,
        "precision": "city",
        "approximate": False,
        "country_code": "SY",
        "admin1": "Aleppo",
        "geonameid": 170063,
        "resolution": "gazetteer",
        "cited_sources": "",
        "denied_by": "",
        "actors": "",
        "killed": None,
        "injured": None,
        "civilians_killed": None,
        "children_killed": None,
        "report_group": None,
        "reported_by": None,
        "report_count": 1,
        "is_primary": True,
        "sentence": "Fighting was reported in Aleppo on Tuesday.",
        "sentence_start": 0,
        "confidence": 0.9,
        "on_map": True,
    }
    records = []
    for i, row in enumerate(rows):
        unknown = set(row) - set(EVENT_COLUMNS)
        if unknown:
            raise KeyError(f"not event columns: {sorted(unknown)}")
        record = {**defaults, "event_id": f"e{i + 1}", **row}
        records.append(record)
    return conform(pd.DataFrame(records, columns=list(EVENT_COLUMNS)))


@pytest.fixture
def events() -> pd.DataFrame:
    """Five events: three publishers, four places, dates from 2016-09-05 to 2016-11-08."""
    return make_events(
        [
            {
                "source": "Reuters",
                "event_date": "2016-09-05",
                "place": "Aleppo",
                "mention": "Aleppo",
                "sentence": "Government forces recaptured areas in southwestern Aleppo.",
                "title": "Syrian army regains Aleppo district",
            },
            {
                "source": "Reuters",
                "event_date": "2016-10-01",
                "place": "Damascus",
                "mention": "Damascus",
                "latitude": 33.5138,
                "longitude": 36.2765,
                "sentence": "Talks were held in Damascus.",
                "event_type": "diplomacy",
            },
            {
                "source": "RHC",
                "event_date": "2016-11-08",
                "place": "Aleppo",
                "mention": "Aleppo",
                "sentence": "The army took the 1070 Apartments area of Aleppo.",
                "url": "https://example.org/rhc",
            },
            {
                "source": "CBC",
                "event_date": "2016-11-08",
                "place": "Ramouseh",
                "mention": "Ramouseh",
                "latitude": 36.17,
                "longitude": 37.13,
                "sentence": "Forces captured the Ramouseh neighbourhood.",
                "precision": "neighbourhood",
            },
            {
                "source": "CBC",
                "event_date": "2016-10-20",
                "place": "Moscow",
                "mention": "Russia",
                "latitude": 55.7558,
                "longitude": 37.6173,
                "sentence": "Russia and the United States discussed a cease-fire.",
                "event_type": "diplomacy",
                "approximate": True,
            },
        ]
    )


# An article from a second publisher, dated after the seeds, whose text and metadata carry
# markup: the dashboard tests ingest it beside the seeds (the seeds share one publisher).
EXTRA_PUBLISHER = "Example <i>Times</i>"
HOSTILE_SCRIPT = '<script>alert("xss")</script>'
HOSTILE_IMG = '<img src=x onerror="document.body.dataset.pwned=1">'
EXTRA_ARTICLE = f"""Shelling reported in Paris

Artillery shelled Paris on 3 March 2017 {HOSTILE_SCRIPT} {HOSTILE_IMG} and clashes followed.
"""
EXTRA_MANIFEST = f"""extra.txt:
  title: "<b>Hostile</b> <script>alert(1)</script> title"
  source: "{EXTRA_PUBLISHER}"
  url: "javascript:alert(1)"
  published: 2017-03-04
"""


def open_tab(at, label: str):
    """Open the tab `label` under the dashboard's map in AppTest `at`, as a click on it
    does, and run it: the tabs are lazy (geo/app/tabs.py), only the open one's panel runs."""
    from geo.app import tabs

    at.session_state[tabs.TABS] = label
    return at.run()


def write_extra_article(folder) -> None:
    """Write the extra article (and its manifest) into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "extra.txt").write_text(EXTRA_ARTICLE, encoding="utf-8")
    (folder / "manifest.yaml").write_text(EXTRA_MANIFEST, encoding="utf-8")


@pytest.fixture
def postgres_databases(tmp_path):
    """New PostgreSQL databases (tests of what is particular to PostgreSQL)."""
    made = Databases("postgresql", tmp_path)
    yield made
    made.close()


@pytest.fixture
def local_server(monkeypatch):
    """The dashboard as run on one's own machine (bound to loopback: editable); a test
    that needs a public deployment sets the address again."""
    from streamlit import config

    monkeypatch.delenv("GEO_EDITOR_PASSWORD", raising=False)
    before = config.get_option("server.address")
    config.set_option("server.address", "127.0.0.1")
    yield
    config.set_option("server.address", before)
