"""The app's reads of the database, cached on their inputs (the location, its stamp, the
filter state).

The one place the dashboard reaches the store, and it asks the database, not pandas: the
panels get a `Data` whose methods answer their questions in SQL (geo/store/queries.py)
and return small frames: a count, a page of the table, the events of one point or one
happening, counts per day, the map's points. No session holds the whole events table (the
export alone reads every matching row, when a file is asked for). The answers are cached
per process, keyed on the database's stamp (Store.data_version), so every session shares
them and a write makes them new. `Data.db_path` goes to the jobs that write (adding
articles, corrections).
"""

from __future__ import annotations

import gc
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

from geo.app.location import database_location
from geo.ingest.pipeline import ensure_seeded
from geo.store import load_places, open_store, redact_location
from geo.view import evidence, filters, mapview
from geo.view.plaintext import markdown_text as text

TABLE_PAGE = 500  # rows of the table at a time
# Threads that ask the database ahead of the panels (Data.ask_ahead), shared by the
# sessions of the process: one per slow answer of a run.
AHEAD_THREADS = 3
_ASKED_AHEAD = "data_asked_ahead"  # what this session last asked ahead
_AHEAD = ThreadPoolExecutor(max_workers=AHEAD_THREADS, thread_name_prefix="geo-ahead")
# Far out over many places, the map draws cells of a grid instead of every place: from
# this many places, cells of GRID_DEGREES.
MAX_POINTS = 20_000
GRID_DEGREES = 0.25


@st.cache_resource(show_spinner="First start: reading the seed articles into the database…")
def _seeded(db_path: str) -> bool:
    """Ingest seeds/ when the database holds no article yet (once per process and path)."""
    ensure_seeded(db_path)
    return True


@st.cache_resource(show_spinner=False)
def _startup_frozen() -> bool:
    """Once per process, after the first run's imports and the seeds: every object alive
    now (modules, classes, functions, the language model: some 170,000, all kept for the
    life of the process) moves to the collector's permanent generation (gc.freeze), so
    the full collection Streamlit runs after every script run walks only what runs made
    since. Measured over a slider change at 20,000 events, that collection took 100–190 ms
    of a run's 0.5–0.9 s, and 4–60 ms once they were frozen. Reference counting still
    frees a frozen object that is dropped; only a cycle made of them stays (what the first
    run built, once)."""
    gc.freeze()
    return True


def database_stamp(db_path: Path) -> int:
    """Changes after every write to the store, by any process (Store.data_version)."""
    with open_store(db_path) as store:
        return store.data_version()


def _ask(db_path: str, method: str, *args, **kwargs):
    with open_store(db_path) as store:
        return getattr(store, method)(*args, **kwargs)


@st.cache_data(show_spinner=False, max_entries=64)
def _count(db_path: str, stamp: int, state: filters.FilterState) -> tuple[int, int]:
    """(events shown, unsure ones hidden) of `state`."""
    return _ask(db_path, "count_with_hidden", filters.event_query(state))


@st.cache_data(show_spinner=False, max_entries=4)
def _total(db_path: str, stamp: int) -> int:
    return _ask(db_path, "count_events", filters.event_query(filters.FilterState(show_all=True)))


# The map's features and their JSON are read, never changed, by the runs that use them:
# shared as they are (st.cache_resource), not copied out of the cache at every run (a
# copy of the features of a few thousand points costs more than the rest of the map).
@st.cache_resource(show_spinner=False, max_entries=16)
def _features(db_path: str, stamp: int, state: filters.FilterState) -> dict:
    with open_store(db_path) as store:
        query = filters.event_query(state)
        types = store.point_types(query)
        if types[["latitude", "longitude"]].drop_duplicates().shape[0] > MAX_POINTS:
            return mapview.features_from_grid(store.grid_counts(query, GRID_DEGREES))
        # The markers only: a point's popup is asked for when it is clicked (`popup`), and
        # a marker reads its first event alone (named by `types`, fetched by id).
        firsts = store.point_firsts(types)
        return mapview.features_from_points(types, firsts)


@st.cache_resource(show_spinner=False, max_entries=16)
def _written_features(db_path: str, stamp: int, state: filters.FilterState) -> mapview.ScriptData:
    return mapview.script_data(_features(db_path, stamp, state))


@st.cache_data(show_spinner=False, max_entries=4)
def _extent(db_path: str, stamp: int) -> pd.DataFrame:
    """A stand-in for every event where the base map needs them (its opening view, its
    legend): the corners of their box, and each event type once."""
    types = _ask(db_path, "point_types", filters.event_query(filters.FilterState(show_all=True)))
    if types.empty:
        return pd.DataFrame({"latitude": [], "longitude": [], "event_type": []})
    kinds = list(dict.fromkeys(types["event_type"].dropna().astype(str))) or [None]
    corners = [
        (types["latitude"].min(), types["longitude"].min()),
        (types["latitude"].max(), types["longitude"].max()),
    ]
    rows = [(*corners[i % 2], kind) for i, kind in enumerate([*kinds, kinds[0]])]
    return pd.DataFrame(rows, columns=["latitude", "longitude", "event_type"])


@st.cache_data(show_spinner=False, max_entries=16)
def _happening_totals(db_path: str, stamp: int, state: filters.FilterState, column):
    return _ask(db_path, "happening_totals", filters.event_query(state), column)


@st.cache_data(show_spinner=False, max_entries=64)
def _in_view(db_path: str, stamp: int, state: filters.FilterState, bbox, limit: int):
    return _ask(db_path, "newest_happenings", filters.event_query(state, bbox), limit)


@st.cache_data(show_spinner=False, max_entries=4)
def _countries(db_path: str, stamp: int) -> tuple[str, ...]:
    return _ask(db_path, "event_countries")


@st.cache_data(show_spinner=False, max_entries=16)
def _page(db_path: str, stamp: int, state: filters.FilterState, page: int) -> pd.DataFrame:
    query = filters.event_query(state)
    return _ask(db_path, "query_events", query, limit=TABLE_PAGE, offset=page * TABLE_PAGE)


@st.cache_data(show_spinner=False, max_entries=16)
def _period(db_path: str, stamp: int, state: filters.FilterState) -> list[date]:
    return _ask(db_path, "event_days", filters.event_query(state))


@st.cache_data(show_spinner=False, max_entries=16)
def _day_counts(db_path: str, stamp: int, state: filters.FilterState, column: str, period: str):
    return _ask(db_path, "day_counts", filters.event_query(state), column, period)


@st.cache_data(show_spinner=False, max_entries=16)
def _totals(db_path: str, stamp: int, state: filters.FilterState, column: str):
    return _ask(db_path, "totals", filters.event_query(state), column)


@st.cache_data(show_spinner=False, max_entries=64)
def _events_at(db_path: str, stamp: int, state: filters.FilterState, point: tuple[float, float]):
    return _ask(db_path, "events_at", filters.event_query(state), *point)


@st.cache_data(show_spinner=False, max_entries=64)
def _event(db_path: str, stamp: int, event_id: str) -> pd.DataFrame:
    return _ask(db_path, "events_by_ids", [event_id])


@st.cache_data(show_spinner=False, max_entries=64)
def _reports(db_path: str, stamp: int, event_id: str) -> pd.DataFrame:
    return _ask(db_path, "reports_of", event_id)


@st.cache_data(show_spinner=False, max_entries=4)
def _choices(db_path: str, stamp: int) -> dict[str, list[str]]:
    return filters.choices_from(_ask(db_path, "filter_values"))


@dataclass(frozen=True)
class Data:
    """The database as this run of the page sees it: the filter choices and how many
    events it holds; everything else is asked for."""

    db_path: Path
    stamp: int
    choices: dict[str, list[str]]  # filter parameter -> the values present
    total: int  # every event on the map, the unsure ones too

    def _key(self) -> tuple[str, int]:
        return str(self.db_path), self.stamp

    @property
    def empty(self) -> bool:
        return self.total == 0

    def ask_ahead(
        self,
        state: filters.FilterState,
        *,
        markers: bool,
        in_view: tuple[tuple[float, float, float, float] | None, int],
        day_counts: tuple[str, str],
    ) -> None:
        """Start the slow answers of this run in threads, side by side: the map's features
        (and their script, for a map of `markers`), the happenings in the map's view
        (`in_view`: bbox, limit) and the timeline's counts (`day_counts`: column,
        period). Each is the cached answer its panel asks for
        further down; the panel finds it in the cache, or waits for it (Streamlit computes
        one key once, under a lock), so the database works on all three while the page
        draws instead of one after the other (SQLite and psycopg let go of Python's lock
        while a query runs). A failure here is the panel's to report: its own call asks
        again and shows the error."""
        key = self._key()
        asked = (key, state, markers, in_view, day_counts)
        if st.session_state.get(_ASKED_AHEAD) == asked:
            return  # a pan or a click: the answers are this session's last, cached
        st.session_state[_ASKED_AHEAD] = asked
        context = get_script_run_ctx(suppress_warning=True)
        bbox, limit = in_view
        for job in (
            partial(_written_features if markers else _features, *key, state),
            partial(_in_view, *key, state, bbox, int(limit)),
            partial(_day_counts, *key, state, *day_counts),
        ):
            _AHEAD.submit(_in_run, context, job)

    def count(self, state: filters.FilterState) -> int:
        """How many events `state` shows."""
        return _count(*self._key(), state)[0]

    def hidden(self, state: filters.FilterState) -> int:
        """How many more `state` would show with the unsure events (hidden_count)."""
        return _count(*self._key(), state)[1]

    def features(self, state: filters.FilterState) -> dict:
        """The map's FeatureCollection of `state` (mapview.map_features without the
        popups: `popup` gives a clicked point's)."""
        return _features(*self._key(), state)

    def written_features(self, state: filters.FilterState) -> mapview.ScriptData:
        """`features` as the map's script reads them (mapview.script_data), written once
        per view and database stamp."""
        return _written_features(*self._key(), state)

    def extent(self) -> pd.DataFrame:
        """What the base map fits to (latitude, longitude, event_type of a few rows)."""
        return _extent(*self._key())

    def countries(self) -> tuple[str, ...]:
        """The country codes of every event on the map, most events first
        (mapview.event_countries of the whole table): whose towns the base map names."""
        return _countries(*self._key())

    def page(self, state: filters.FilterState, page: int = 0) -> pd.DataFrame:
        """TABLE_PAGE events of `state` from the `page`th, by date (undated last)."""
        return _page(*self._key(), state, max(0, int(page)))

    def event_days(self, state: filters.FilterState) -> list[date]:
        """The days with events of `state`, sorted."""
        return _period(*self._key(), state)

    def date_bounds(self, state: filters.FilterState) -> tuple[date, date] | None:
        days = self.event_days(state)
        return (days[0], days[-1]) if days else None

    def day_counts(
        self, state: filters.FilterState, column: str, period: str = "day"
    ) -> pd.DataFrame:
        """Events of `state` per day (week, month: `period`) and event type or publisher
        (Store.day_counts)."""
        return _day_counts(*self._key(), state, column, period)

    def totals(self, state: filters.FilterState, column: str) -> pd.DataFrame:
        """Events and deaths of `state` per event type, publisher or actors (Store.totals)."""
        return _totals(*self._key(), state, column)

    def happening_totals(self, state: filters.FilterState, column: str | None) -> pd.DataFrame:
        """Happenings and deaths of `state` (each happening once, at its largest toll) per
        event type, publisher or actor; None: of them all (Store.happening_totals)."""
        return _happening_totals(*self._key(), state, column)

    def in_view(
        self, state: filters.FilterState, bbox: tuple[float, float, float, float] | None, limit: int
    ) -> tuple[pd.DataFrame, int]:
        """The newest report of each happening of `state` inside `bbox` (south, west,
        north, east; None: everywhere), newest first, at most `limit`; and how many
        happenings are inside."""
        return _in_view(*self._key(), state, bbox, int(limit))

    def events_at(self, state: filters.FilterState, point: tuple[float, float]) -> pd.DataFrame:
        """The events of `state` at one point of the map."""
        return _events_at(*self._key(), state, (float(point[0]), float(point[1])))

    def popup(self, state: filters.FilterState, point: tuple[float, float]) -> str | None:
        """The popup of the map's point at `point` under `state` (mapview.point_popup; the
        map's features carry none), None when no event of `state` is there."""
        return mapview.point_popup(self.events_at(state, point))

    def event(self, event_id: str | None) -> pd.DataFrame:
        """The event of this id (one row, or none)."""
        if not event_id:
            return _event(*self._key(), "")
        return _event(*self._key(), str(event_id))

    def reports(self, event_id: str | None) -> pd.DataFrame:
        """Every report of the happening `event_id` belongs to (evidence.reports_for's
        input: the selected one first)."""
        if not event_id:
            return evidence.reports_for(_event(*self._key(), ""), None)
        return evidence.reports_for(_reports(*self._key(), str(event_id)), str(event_id))

    def matching(self, state: filters.FilterState) -> pd.DataFrame:
        """Every event of `state` (for a download only: read when the file is asked for,
        not cached)."""
        return _ask(str(self.db_path), "query_events", filters.event_query(state))

    def article(self, article_id: str) -> evidence.ArticleText | None:
        return evidence.read_article(self.db_path, article_id)

    def places(self, article_id: str) -> pd.DataFrame:
        return load_places(self.db_path, article_id)


def _in_run(context, job) -> None:
    """Run `job` in a pool thread as part of the script run `context` (Streamlit's caches
    and warnings ask for the run), ignoring its failure (see Data.ask_ahead)."""
    add_script_run_ctx(threading.current_thread(), context)
    try:
        job()
    except Exception:
        pass  # the panel's own call asks again and reports it
    finally:
        add_script_run_ctx(threading.current_thread(), None)


def load() -> Data:
    """The database ($GEO_DB, else data/events.db), seeded on first start."""
    db_path = database_location()
    try:
        _seeded(str(db_path))
    except Exception as exc:  # a broken seed must not take the whole page down
        st.error(
            f"Could not read the seed articles into {text(redact_location(db_path))}: {text(exc)}"
        )
    _startup_frozen()
    stamp = database_stamp(db_path)
    key = str(db_path)
    return Data(db_path, stamp, _choices(key, stamp), _total(key, stamp))
