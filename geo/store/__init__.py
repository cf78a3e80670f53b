"""The store: every SQL statement of the project lives here.

`open_store(location)` opens the events database a location names, choosing the backend by
its scheme: a file path or ``sqlite:///PATH`` is a SQLiteStore (geo/store/sqlite.py);
``postgresql://user:pass@host:5432/name`` (or ``postgres://``) a PostgresStore
(geo/store/postgres.py). Callers hold the `Store` it returns (the interface,
geo/store/base.py) and use it as a context manager; `opened` lets a function take either a
store or a location.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from geo.config import is_url, redact_location
from geo.schema import empty_events_frame
from geo.store.base import (
    AnalyzedArticle,
    SchemaVersionError,
    Store,
    StoreCounts,
    StoredArticle,
    StoredSource,
    StoreStateStore,
    WriteResult,
)
from geo.store.queries import EventQuery
from geo.store.sqlite import SQLiteStore

SQLITE_PREFIX = "sqlite:///"  # sqlite:///relative/path.db, sqlite:////absolute/path.db
POSTGRES_SCHEMES = ("postgresql", "postgres")
VALID_LOCATIONS = "a file path, sqlite:///PATH, postgresql://USER:PASSWORD@HOST:PORT/NAME"

Location = str | os.PathLike[str]


class StoreUnavailable(ValueError):
    """A location naming a backend this program does not have (yet)."""


def open_store(location: Location) -> Store:
    """The store at `location`: a path or sqlite:///PATH (SQLite), postgresql:// or
    postgres:// (PostgreSQL); anything else is an error naming the locations that are
    valid (and never the password a URL holds)."""
    if isinstance(location, Store):
        raise TypeError("open_store takes a location; use `opened` for a store or a location")
    path = sqlite_path(location)
    if path is not None:
        return SQLiteStore(path)
    text = str(location)
    scheme = text.partition("://")[0]
    if scheme.lower() in POSTGRES_SCHEMES:
        from geo.store.postgres import PostgresStore  # psycopg only when it is asked for

        return PostgresStore(text)
    raise StoreUnavailable(
        f"unknown store {scheme}:// in {redact_location(text)}: use {VALID_LOCATIONS}"
    )


def sqlite_path(location: Location) -> Path | None:
    """The file of a SQLite location (a path, sqlite:///PATH); None for a URL of a server."""
    if isinstance(location, os.PathLike):
        return Path(location)
    text = str(location)
    if text.startswith(SQLITE_PREFIX):
        return Path(text.removeprefix(SQLITE_PREFIX))
    return None if is_url(text) else Path(text)


def store_exists(location: Location) -> bool:
    """Whether there is a store at `location` to read (a SQLite file that exists; a
    server's database is asked by opening it)."""
    path = sqlite_path(location)
    return path.exists() if path is not None else True


def load_events(location: Location) -> pd.DataFrame:
    """Every stored event (Store.load_events); an empty frame when there is no SQLite file
    (reading creates none)."""
    if not store_exists(location):
        return empty_events_frame()
    with open_store(location) as store:
        return store.load_events()


def load_places(location: Location, article_id: str | None = None) -> pd.DataFrame:
    """Every place name found, of one article or all (Store.load_places)."""
    with open_store(location) as store:
        return store.load_places(article_id)


@contextmanager
def opened(store_or_location: Store | Location) -> Iterator[Store]:
    """The store given, left open; or the store at a location, closed afterwards."""
    if isinstance(store_or_location, Store):
        yield store_or_location
        return
    store = open_store(store_or_location)
    try:
        yield store
    finally:
        store.close()


__all__ = [
    "AnalyzedArticle",
    "EventQuery",
    "Location",
    "SQLiteStore",
    "SchemaVersionError",
    "Store",
    "StoreCounts",
    "StoreStateStore",
    "StoreUnavailable",
    "StoredArticle",
    "StoredSource",
    "WriteResult",
    "load_events",
    "load_places",
    "open_store",
    "opened",
    "redact_location",
    "sqlite_path",
    "store_exists",
]
