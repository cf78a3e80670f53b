"""The app's reads of the database, cached on their inputs (the location and its stamp).

The one place the dashboard reaches the store: the panels get a `Data` (the events, the
filter choices) and pass `Data.db_path` to the jobs that write (adding articles,
corrections).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from geo.app.location import database_location
from geo.ingest.pipeline import ensure_seeded
from geo.store import load_events, load_places, open_store, redact_location
from geo.view import evidence, filters, mapview
from geo.view.plaintext import markdown_text as text


@st.cache_resource(show_spinner="First start: reading the seed articles into the database…")
def _seeded(db_path: str) -> bool:
    """Ingest seeds/ when the database holds no article yet (once per process and path)."""
    ensure_seeded(db_path)
    return True


def database_stamp(db_path: Path) -> int:
    """Changes after every write to the store, by any process (Store.data_version)."""
    with open_store(db_path) as store:
        return store.data_version()


@st.cache_data(show_spinner="Loading events…", max_entries=4)
def _events(db_path: str, stamp: int) -> pd.DataFrame:
    return load_events(db_path)


@st.cache_data(show_spinner=False, max_entries=16)
def _filtered(db_path: str, stamp: int, state: filters.FilterState) -> pd.DataFrame:
    return filters.apply_filters(_events(db_path, stamp), state)


@st.cache_data(show_spinner=False, max_entries=16)
def _features(db_path: str, stamp: int, state: filters.FilterState) -> dict:
    return mapview.map_features(_filtered(db_path, stamp, state))


@st.cache_data(show_spinner=False, max_entries=4)
def _choices(db_path: str, stamp: int) -> dict[str, list[str]]:
    frame = _events(db_path, stamp)
    return {
        filters.SOURCE_PARAM: filters.publishers(frame),
        filters.CITED_PARAM: filters.cited_sources(frame),
        filters.TYPE_PARAM: filters.event_types(frame),
        filters.ACTOR_PARAM: filters.actors(frame),
        filters.COUNTRY_PARAM: filters.countries(frame),
        filters.PRECISION_PARAM: filters.precisions(frame),
    }


@dataclass(frozen=True)
class Data:
    """The database as this run of the page sees it."""

    db_path: Path
    stamp: int
    events: pd.DataFrame  # every event (geo/schema.py)
    choices: dict[str, list[str]]  # filter parameter -> the values present

    def filtered(self, state: filters.FilterState) -> pd.DataFrame:
        return _filtered(str(self.db_path), self.stamp, state)

    def features(self, state: filters.FilterState) -> dict:
        return _features(str(self.db_path), self.stamp, state)

    def article(self, article_id: str) -> evidence.ArticleText | None:
        return evidence.read_article(self.db_path, article_id)

    def places(self, article_id: str) -> pd.DataFrame:
        return load_places(self.db_path, article_id)


def load() -> Data:
    """The database ($GEO_DB, else data/events.db), seeded on first start."""
    db_path = database_location()
    try:
        _seeded(str(db_path))
    except Exception as exc:  # a broken seed must not take the whole page down
        st.error(
            f"Could not read the seed articles into {text(redact_location(db_path))}: {text(exc)}"
        )
    stamp = database_stamp(db_path)
    return Data(db_path, stamp, _events(str(db_path), stamp), _choices(str(db_path), stamp))
