"""The store: every SQL statement of the project lives here.

`open_store(location)` opens the events database a location names, choosing the backend by
its scheme: a file path or ``sqlite:///PATH`` is a SQLiteStore (geo/store/sqlite.py);
``postgresql://`` is planned (issue 12). Callers hold the `Store` it returns (the interface,
geo/store/base.py) and use it as a context manager; `opened` lets a function take either a
store or a location.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

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
from geo.store.sqlite import SQLiteStore

SQLITE_PREFIX = "sqlite:///"  # sqlite:///relative/path.db, sqlite:////absolute/path.db
PLANNED_SCHEMES = ("postgresql", "postgres")  # issue 12
VALID_LOCATIONS = "a file path, sqlite:///PATH"

Location = str | os.PathLike[str]


class StoreUnavailable(ValueError):
    """A location naming a backend this program does not have (yet)."""


def open_store(location: Location) -> Store:
    """The store at `location`: a path or sqlite:///PATH (SQLite); anything else is an error
    naming the locations that are valid."""
    if isinstance(location, Store):
        raise TypeError("open_store takes a location; use `opened` for a store or a location")
    if isinstance(location, os.PathLike):
        return SQLiteStore(location)
    text = str(location)
    if text.startswith(SQLITE_PREFIX):
        return SQLiteStore(Path(text.removeprefix(SQLITE_PREFIX)))
    scheme, sep, _ = text.partition("://")
    if not sep:
        return SQLiteStore(Path(text))
    if scheme.lower() in PLANNED_SCHEMES:
        raise StoreUnavailable(
            f"{scheme}:// stores are not available yet (planned); use {VALID_LOCATIONS}"
        )
    raise StoreUnavailable(f"unknown store {scheme}://: use {VALID_LOCATIONS}")


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
    "open_store",
    "opened",
]
