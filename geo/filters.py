"""Which events the dashboard shows: the filter state, applying it, and its URL form.

A `FilterState` is what the reader chose (date range, publishers, search text). It is
applied to an events frame (see geo/schema.py) by `apply_filters`, and round-trips through
URL query parameters so that a copied link reopens the same view:

    ?dates=2016-09-01&dates=2016-11-30&source=Reuters&source=CBC&q=aleppo

Each filter is one predicate in `_PREDICATES` plus its query parameter, so later filters
(cited source, event type, country) are added in one place each. Nothing here imports
Streamlit.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

import pandas as pd

# The query parameters this module reads and writes, in the order they are written.
DATES_PARAM = "dates"
SOURCE_PARAM = "source"
QUERY_PARAM = "q"
QUERY_KEYS: tuple[str, ...] = (DATES_PARAM, SOURCE_PARAM, QUERY_PARAM)

# Text columns the search box looks in.
SEARCH_COLUMNS: tuple[str, ...] = ("place", "mention", "sentence", "title")

# Bounds on what a URL may ask for: a link is untrusted input.
MAX_QUERY_LENGTH = 200
MAX_SOURCES = 100


@dataclass(frozen=True)
class FilterState:
    """What the reader asked to see. Every field at its default means "everything"."""

    date_from: date | None = None  # inclusive
    date_to: date | None = None  # inclusive
    sources: tuple[str, ...] = ()  # publishers; empty: all
    query: str = ""  # case-insensitive substring; empty: no search

    @property
    def is_default(self) -> bool:
        return self == FilterState()


def apply_filters(frame: pd.DataFrame, state: FilterState) -> pd.DataFrame:
    """The rows of `frame` that `state` lets through, in their order, index reset."""
    mask = pd.Series(True, index=frame.index)
    for predicate in _PREDICATES:
        part = predicate(frame, state)
        if part is not None:
            mask &= part.fillna(False).astype(bool)
    return frame.loc[mask].reset_index(drop=True)


def _date_mask(frame: pd.DataFrame, state: FilterState) -> pd.Series | None:
    if state.date_from is None and state.date_to is None:
        return None
    days = pd.to_datetime(frame["event_date"], errors="coerce").dt.normalize()
    mask = days.notna()
    if state.date_from is not None:
        mask &= days >= pd.Timestamp(state.date_from)
    if state.date_to is not None:
        mask &= days <= pd.Timestamp(state.date_to)
    return mask


def _source_mask(frame: pd.DataFrame, state: FilterState) -> pd.Series | None:
    if not state.sources:
        return None
    return frame["source"].isin(state.sources)


def _query_mask(frame: pd.DataFrame, state: FilterState) -> pd.Series | None:
    needle = state.query.strip()
    if not needle:
        return None
    mask = pd.Series(False, index=frame.index)
    for column in SEARCH_COLUMNS:
        text = frame[column].astype("string")
        mask |= text.str.contains(needle, case=False, regex=False, na=False).astype(bool)
    return mask


_PREDICATES: tuple[Callable[[pd.DataFrame, FilterState], pd.Series | None], ...] = (
    _date_mask,
    _source_mask,
    _query_mask,
)


def date_bounds(frame: pd.DataFrame) -> tuple[date, date] | None:
    """The first and last event dates in `frame`, or None when it has no dated event."""
    days = pd.to_datetime(frame["event_date"], errors="coerce").dropna()
    if days.empty:
        return None
    return days.min().date(), days.max().date()


def publishers(frame: pd.DataFrame) -> list[str]:
    """The distinct publishers in `frame`, sorted case-insensitively."""
    values = {str(v) for v in frame["source"].dropna() if str(v).strip()}
    return sorted(values, key=lambda v: (v.casefold(), v))


def count_label(n: int) -> str:
    """'1 event', '12 events'."""
    return f"{n} event" if n == 1 else f"{n} events"


# --- URL query parameters ----------------------------------------------------------------


def _values(params: Mapping[str, list[str] | str], key: str) -> list[str]:
    value = params.get(key)
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _parse_day(value: str) -> date | None:
    """A YYYY-MM-DD day, or None for anything else (empty, malformed, impossible)."""
    value = value.strip()
    if not _DAY.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def state_from_query_params(params: Mapping[str, list[str] | str]) -> FilterState:
    """The filter state a URL asks for. Bad values are ignored, never an error.

    `dates` takes two values, from and to (either may be empty for an open end); a single
    value means that one day. Reversed dates are swapped. Unknown keys are ignored.
    """
    days = [_parse_day(v) for v in _values(params, DATES_PARAM)[:2]]
    if len(days) == 1:
        days = [days[0], days[0]]
    date_from, date_to = [*days, None, None][:2]
    if date_from and date_to and date_from > date_to:
        date_from, date_to = date_to, date_from

    sources: list[str] = []
    for value in _values(params, SOURCE_PARAM):
        value = value.strip()
        if value and value not in sources and len(sources) < MAX_SOURCES:
            sources.append(value)

    queries = _values(params, QUERY_PARAM)
    query = queries[-1].strip()[:MAX_QUERY_LENGTH] if queries else ""

    return FilterState(date_from=date_from, date_to=date_to, sources=tuple(sources), query=query)


def state_to_query_params(state: FilterState) -> dict[str, list[str]]:
    """The query parameters for `state`; filters at their default are left out."""
    params: dict[str, list[str]] = {}
    if state.date_from is not None or state.date_to is not None:
        params[DATES_PARAM] = [
            state.date_from.isoformat() if state.date_from else "",
            state.date_to.isoformat() if state.date_to else "",
        ]
    if state.sources:
        params[SOURCE_PARAM] = list(state.sources)
    if state.query.strip():
        params[QUERY_PARAM] = [state.query.strip()]
    return params
