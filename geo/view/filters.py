"""Which events the dashboard shows: the filter state, applying it, and its URL form.

A `FilterState` is what the reader chose (date range, publishers, cited sources, event
types, actors, countries or regions, precision levels, search text). It is applied to an
events frame (see geo/schema.py) by `apply_filters`, and round-trips through URL query
parameters so that a copied link reopens the same view:

    ?dates=2016-09-01&dates=2016-11-30&source=Reuters&source=CBC&cited=SOHR&type=airstrike
    &actor=Islamic%20State&country=SY&country=SY/Aleppo&precision=city&q=aleppo
    &event=1cc1c0b4d4a4f2a5

`country` takes a country code (`SY`) or a region inside one (`SY/Aleppo`, the admin1
name). `event` is not a filter but the selected event (geo/evidence.py); it is read with
`event_from_query_params`. Each filter is one predicate in `_PREDICATES` plus its query
parameter. Nothing here imports Streamlit.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from urllib.parse import urlencode, urlsplit, urlunsplit

import pandas as pd

from geo.store.queries import EventQuery

# The query parameters this module reads and writes, in the order they are written.
DATES_PARAM = "dates"
SOURCE_PARAM = "source"
CITED_PARAM = "cited"
TYPE_PARAM = "type"
ACTOR_PARAM = "actor"  # who did it (the events' `actors`, any of them)
COUNTRY_PARAM = "country"
PRECISION_PARAM = "precision"
QUERY_PARAM = "q"
EVENT_PARAM = "event"
HEAT_PARAM = "heat"  # the map mode, not a filter: written by the share link
PROVINCES_PARAM = "provinces"  # the map mode: counts per region and country
SIZE_PARAM = "size"  # what a point's size shows: `size=deaths` (default: events)
ALL_PARAM = "all"  # `all=true`: the unsure events too (FilterState.show_all)
# The map's view (centre and zoom), not a filter either: written by the share link.
LAT_PARAM = "lat"
LON_PARAM = "lon"
ZOOM_PARAM = "zoom"
MIN_ZOOM, MAX_ZOOM = 0, 19  # Leaflet's zoom levels with OpenStreetMap's tiles
QUERY_KEYS: tuple[str, ...] = (
    DATES_PARAM,
    SOURCE_PARAM,
    CITED_PARAM,
    TYPE_PARAM,
    ACTOR_PARAM,
    COUNTRY_PARAM,
    PRECISION_PARAM,
    QUERY_PARAM,
    EVENT_PARAM,
    ALL_PARAM,
)

# "; "-joined list columns (geo/schema.py).
LIST_SEPARATOR = "; "
REGION_SEPARATOR = "/"
PRECISION_LEVELS: tuple[str, ...] = (
    "country",
    "admin1",
    "admin2",
    "city",
    "neighbourhood",
    "landmark",
)

# Text columns the search box looks in.
SEARCH_COLUMNS: tuple[str, ...] = ("place", "mention", "sentence", "title")

# Bounds on what a URL may ask for: a link is untrusted input.
MAX_QUERY_LENGTH = 200
MAX_SOURCES = 100  # values of any repeatable parameter
MAX_EVENT_ID_LENGTH = 64


@dataclass(frozen=True)
class FilterState:
    """What the reader asked to see. Every field at its default means "everything"."""

    date_from: date | None = None  # inclusive
    date_to: date | None = None  # inclusive
    sources: tuple[str, ...] = ()  # publishers; empty: all
    query: str = ""  # case-insensitive substring; empty: no search
    cited: tuple[str, ...] = ()  # cited sources (any of them); empty: all
    types: tuple[str, ...] = ()  # event types; empty: all
    countries: tuple[str, ...] = ()  # "SY" or "SY/Aleppo"; empty: everywhere
    precisions: tuple[str, ...] = ()  # feature levels; empty: all
    # False: only the events the map shows by default (`on_map`, a confident event);
    # True (`all=true` in the URL): every event, the unsure ones too
    show_all: bool = False
    actors: tuple[str, ...] = ()  # who did it (any of them); empty: anyone, or no one named

    @property
    def is_default(self) -> bool:
        return self == FilterState()


def event_query(
    state: FilterState, bbox: tuple[float, float, float, float] | None = None
) -> EventQuery:
    """The store's question for `state` (geo/store/queries.py): the database answers it
    as `apply_filters` does a frame; `bbox` (south, west, north, east) narrows it to the
    map's viewport."""
    return EventQuery(
        date_from=state.date_from,
        date_to=state.date_to,
        sources=state.sources,
        cited=state.cited,
        actors=state.actors,
        types=state.types,
        countries=state.countries,
        precisions=state.precisions,
        text=state.query,
        show_all=state.show_all,
        bbox=bbox,
    )


def apply_filters(frame: pd.DataFrame, state: FilterState) -> pd.DataFrame:
    """The rows of `frame` that `state` lets through, in their order, index reset.
    Unless `state.show_all`, only the events on the map by default (`on_map`)."""
    mask = pd.Series(True, index=frame.index)
    if not state.show_all and "on_map" in frame.columns:
        mask &= frame["on_map"].fillna(True).astype(bool)  # unknown: stored before it, shown
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


def split_list(value: object) -> list[str]:
    """The names of a "; "-joined cell (empty, missing: none)."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return []
    return [part.strip() for part in str(value).split(";") if part.strip()]


def _list_mask(column: str, wanted: tuple[str, ...], frame: pd.DataFrame) -> pd.Series | None:
    if not wanted:
        return None
    chosen = set(wanted)
    return frame[column].map(lambda cell: bool(chosen.intersection(split_list(cell)))).astype(bool)


def _cited_mask(frame: pd.DataFrame, state: FilterState) -> pd.Series | None:
    return _list_mask("cited_sources", state.cited, frame)


def _actor_mask(frame: pd.DataFrame, state: FilterState) -> pd.Series | None:
    return _list_mask("actors", state.actors, frame)


def _type_mask(frame: pd.DataFrame, state: FilterState) -> pd.Series | None:
    if not state.types:
        return None
    return frame["event_type"].isin(state.types)


def _country_mask(frame: pd.DataFrame, state: FilterState) -> pd.Series | None:
    if not state.countries:
        return None
    codes = {c for c in state.countries if REGION_SEPARATOR not in c}
    regions = {c for c in state.countries if REGION_SEPARATOR in c}
    mask = frame["country_code"].isin(codes).fillna(False).astype(bool)
    if regions:
        keys = frame["country_code"].fillna("") + REGION_SEPARATOR + frame["admin1"].fillna("")
        mask |= keys.isin(regions).fillna(False).astype(bool)
    return mask


def _precision_mask(frame: pd.DataFrame, state: FilterState) -> pd.Series | None:
    if not state.precisions:
        return None
    return frame["precision"].isin(state.precisions)


_PREDICATES: tuple[Callable[[pd.DataFrame, FilterState], pd.Series | None], ...] = (
    _date_mask,
    _source_mask,
    _cited_mask,
    _type_mask,
    _actor_mask,
    _country_mask,
    _precision_mask,
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


def _distinct(values) -> list[str]:
    found = {str(v).strip() for v in values if str(v).strip()}
    return sorted(found, key=lambda v: (v.casefold(), v))


def cited_sources(frame: pd.DataFrame) -> list[str]:
    """The distinct cited sources in `frame`, sorted case-insensitively."""
    return _distinct(name for cell in frame["cited_sources"].dropna() for name in split_list(cell))


def actors(frame: pd.DataFrame) -> list[str]:
    """The distinct actors (who did it) in `frame`, sorted case-insensitively."""
    return _distinct(name for cell in frame["actors"].dropna() for name in split_list(cell))


def event_types(frame: pd.DataFrame) -> list[str]:
    """The distinct event types in `frame`, sorted."""
    return _distinct(frame["event_type"].dropna())


def countries(frame: pd.DataFrame) -> list[str]:
    """Country codes and `code/admin1` regions in `frame`: each country, then its regions."""
    out: list[str] = []
    pairs = frame[["country_code", "admin1"]].dropna(subset=["country_code"]).drop_duplicates()
    for code in _distinct(pairs["country_code"]):
        out.append(code)
        regions = pairs.loc[pairs["country_code"] == code, "admin1"].dropna()
        out.extend(f"{code}{REGION_SEPARATOR}{name}" for name in _distinct(regions))
    return out


def precisions(frame: pd.DataFrame) -> list[str]:
    """The feature levels present in `frame`, from the coarsest to the finest."""
    present = set(frame["precision"].dropna().astype(str))
    return [level for level in PRECISION_LEVELS if level in present] + sorted(
        present - set(PRECISION_LEVELS)
    )


def choices_from(values: Mapping[str, list]) -> dict[str, list[str]]:
    """The filter choices (parameter -> values, in the order `publishers`, `cited_sources`,
    `event_types`, `actors`, `countries` and `precisions` give them) from the distinct values the
    store reports (Store.filter_values), not from a frame of every event."""
    pairs = pd.DataFrame(values.get("countries") or [], columns=["country_code", "admin1"])
    return {
        SOURCE_PARAM: publishers(pd.DataFrame({"source": values.get("source", [])})),
        CITED_PARAM: cited_sources(
            pd.DataFrame({"cited_sources": values.get("cited_sources", [])})
        ),
        TYPE_PARAM: event_types(pd.DataFrame({"event_type": values.get("event_type", [])})),
        ACTOR_PARAM: actors(pd.DataFrame({"actors": values.get("actors", [])})),
        COUNTRY_PARAM: countries(pairs),
        PRECISION_PARAM: precisions(pd.DataFrame({"precision": values.get("precision", [])})),
    }


def count_label(n: int, hidden: int = 0) -> str:
    """'1 event', '12 events', '12 events (3 unsure ones hidden)'."""
    label = f"{n} event" if n == 1 else f"{n} events"
    if hidden:
        label += f" ({hidden} unsure {'one' if hidden == 1 else 'ones'} hidden)"
    return label


def hidden_count(frame: pd.DataFrame, state: FilterState) -> int:
    """How many events `state` would show with `show_all` but hides as unsure."""
    if state.show_all or "on_map" not in frame.columns:
        return 0
    return len(apply_filters(frame, replace(state, show_all=True))) - len(
        apply_filters(frame, state)
    )


# --- URL query parameters ----------------------------------------------------------------


def _values(params: Mapping[str, list[str] | str], key: str) -> list[str]:
    value = params.get(key)
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
# Streamlit writes a bound date slider to the URL as microseconds since the epoch (it
# reads YYYY-MM-DD too); both forms are accepted.
_MICROS = re.compile(r"\d{12,17}")


def _parse_day(value: str) -> date | None:
    """A YYYY-MM-DD day (or Streamlit's microseconds since 1970), or None for anything
    else (empty, malformed, impossible)."""
    value = value.strip()
    if _MICROS.fullmatch(value):
        try:
            return (datetime(1970, 1, 1) + timedelta(microseconds=int(value))).date()
        except OverflowError:
            return None
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

    queries = _values(params, QUERY_PARAM)
    query = queries[-1].strip()[:MAX_QUERY_LENGTH] if queries else ""

    return FilterState(
        date_from=date_from,
        date_to=date_to,
        sources=_repeated(params, SOURCE_PARAM),
        query=query,
        cited=_repeated(params, CITED_PARAM),
        types=_repeated(params, TYPE_PARAM),
        actors=_repeated(params, ACTOR_PARAM),
        countries=_repeated(params, COUNTRY_PARAM),
        precisions=_repeated(params, PRECISION_PARAM),
        show_all=any(v.strip().lower() == "true" for v in _values(params, ALL_PARAM)),
    )


def _repeated(params: Mapping[str, list[str] | str], key: str) -> tuple[str, ...]:
    """The distinct non-empty values of a repeatable parameter, at most MAX_SOURCES."""
    out: list[str] = []
    for value in _values(params, key):
        value = value.strip()[:MAX_QUERY_LENGTH]
        if value and value not in out and len(out) < MAX_SOURCES:
            out.append(value)
    return tuple(out)


_EVENT_ID = re.compile(r"[A-Za-z0-9_.:-]+")


def event_from_query_params(params: Mapping[str, list[str] | str]) -> str | None:
    """The event id a URL selects (`event=<id>`), or None when absent or malformed."""
    values = _values(params, EVENT_PARAM)
    value = values[-1].strip() if values else ""
    if not value or len(value) > MAX_EVENT_ID_LENGTH or not _EVENT_ID.fullmatch(value):
        return None
    return value


@dataclass(frozen=True)
class MapView:
    """Where the map looks: its centre and zoom."""

    latitude: float
    longitude: float
    zoom: int

    @property
    def center(self) -> tuple[float, float]:
        return (self.latitude, self.longitude)


def map_view_from_query_params(params: Mapping[str, list[str] | str]) -> MapView | None:
    """The view a URL asks for (`lat`, `lon`, `zoom`), or None when any is absent or out
    of range (a half-written view is not guessed at)."""
    try:
        lat = float(_values(params, LAT_PARAM)[-1])
        lon = float(_values(params, LON_PARAM)[-1])
        zoom = round(float(_values(params, ZOOM_PARAM)[-1]))
    except (IndexError, ValueError, OverflowError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180 and MIN_ZOOM <= zoom <= MAX_ZOOM):
        return None  # also NaN, which fails every comparison
    return MapView(lat, lon, zoom)


def map_view_from_folium(returned: Mapping | None) -> MapView | None:
    """The view st_folium reports (`center` {lat, lng}, `zoom`), None when it has none.
    Leaflet lets the centre's longitude run past ±180 after panning round the world."""
    if not returned:
        return None
    center, zoom = returned.get("center"), returned.get("zoom")
    if not isinstance(center, Mapping) or zoom is None:
        return None
    try:
        lat, lon = float(center["lat"]), float(center["lng"])
    except (KeyError, TypeError, ValueError):
        return None
    lon = (lon + 180) % 360 - 180
    return map_view_from_query_params(
        {LAT_PARAM: [str(lat)], LON_PARAM: [str(lon)], ZOOM_PARAM: [str(zoom)]}
    )


def map_view_to_query_params(view: MapView) -> dict[str, list[str]]:
    """`lat`/`lon` to 5 decimals (about a metre), `zoom` whole."""
    return {
        LAT_PARAM: [f"{view.latitude:.5f}"],
        LON_PARAM: [f"{view.longitude:.5f}"],
        ZOOM_PARAM: [str(view.zoom)],
    }


def state_to_query_params(state: FilterState) -> dict[str, list[str]]:
    """The query parameters for `state`; filters at their default are left out."""
    params: dict[str, list[str]] = {}
    if state.date_from is not None or state.date_to is not None:
        params[DATES_PARAM] = [
            state.date_from.isoformat() if state.date_from else "",
            state.date_to.isoformat() if state.date_to else "",
        ]
    for key, values in (
        (SOURCE_PARAM, state.sources),
        (CITED_PARAM, state.cited),
        (TYPE_PARAM, state.types),
        (ACTOR_PARAM, state.actors),
        (COUNTRY_PARAM, state.countries),
        (PRECISION_PARAM, state.precisions),
    ):
        if values:
            params[key] = list(values)
    if state.query.strip():
        params[QUERY_PARAM] = [state.query.strip()]
    if state.show_all:
        params[ALL_PARAM] = ["true"]
    return params


def share_link(
    state: FilterState,
    *,
    heat: bool = False,
    event_id: str | None = None,
    base_url: str = "",
    view: MapView | None = None,
    provinces: bool = False,
    size_by: str = "events",
) -> str:
    """The link that reopens this view: `base_url`'s scheme, host and path, with the
    filters, the map mode (`heat=true`, `provinces=true`, `size=deaths`), the selected
    event and the map's centre and zoom as query parameters (any query or fragment of
    `base_url` is dropped: it is the page's old view)."""
    params = state_to_query_params(state)
    if heat:
        params[HEAT_PARAM] = ["true"]
    if provinces:
        params[PROVINCES_PARAM] = ["true"]
    if size_by != "events":
        params[SIZE_PARAM] = [size_by]
    if event_id:
        params[EVENT_PARAM] = [event_id]
    if view is not None:
        params |= map_view_to_query_params(view)
    parts = urlsplit(base_url or "")
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(params, doseq=True), ""))
