"""The overviews beside and under the map: the newest events in the map's view, totals by
type, actor and publisher, and how well attested an event is.

Each function takes an events frame (geo/schema.py columns; the filtered events) and
returns a small result; the dashboard asks the database the same questions (`bbox`,
`totals_from`: geo/store/queries.py, checked against these in tests/test_store_queries.py).

A happening reported by several articles is several event rows sharing a `report_group`:
the list shows it once (its first report, with how many there are), and the totals count
it once, with the largest death toll any of its reports gives (reports of one attack are
not added up). Nothing here imports Streamlit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from geo.view.export import is_missing
from geo.view.filters import split_list

LIST_LIMIT = 100  # happenings in the list beside the map; the table has them all
TOTALS_BY: dict[str, str] = {"type": "event_type", "actor": "actors", "publisher": "source"}
NO_ACTOR = "(no one named)"
UNKNOWN = "(unknown)"


@dataclass(frozen=True)
class Bounds:
    """The map's view as a box: south, west, north, east (degrees). `west > east` when the
    view crosses the antimeridian."""

    south: float
    west: float
    north: float
    east: float

    @property
    def whole_world(self) -> bool:
        return self.east - self.west >= 360


def _corner(value: Any) -> tuple[float, float] | None:
    if not isinstance(value, Mapping):
        return None
    try:
        return float(value["lat"]), float(value["lng"])
    except (KeyError, TypeError, ValueError):
        return None


def bounds_from_folium(returned: Mapping | None) -> Bounds | None:
    """The box st_folium reports (`bounds`: {_southWest: {lat, lng}, _northEast: ...}), or
    None. Leaflet's longitudes run past ±180 after panning round the world: they are
    brought back, and a view wider than the world is the whole world."""
    box = (returned or {}).get("bounds")
    if not isinstance(box, Mapping):
        return None
    sw, ne = _corner(box.get("_southWest")), _corner(box.get("_northEast"))
    if sw is None or ne is None or sw[0] > ne[0] or sw[0] != sw[0] or ne[0] != ne[0]:
        return None  # NaN fails the comparisons above too
    south, north = max(sw[0], -90.0), min(ne[0], 90.0)
    west, east = sw[1], ne[1]
    if east - west >= 360:
        return Bounds(south, -180.0, north, 180.0)
    if east == west:  # a map not laid out yet (zero width)
        return None

    def wrap(lon: float) -> float:
        return (lon + 180) % 360 - 180

    return Bounds(south, wrap(west), north, wrap(east) if wrap(east) != -180 else 180.0)


def in_bounds(frame: pd.DataFrame, bounds: Bounds | None) -> pd.DataFrame:
    """The events of `frame` inside `bounds` (all of them when None: no view reported);
    events without coordinates are in no view."""
    if bounds is None:
        return frame
    lat = pd.to_numeric(frame["latitude"], errors="coerce")
    lon = pd.to_numeric(frame["longitude"], errors="coerce")
    mask = lat.between(bounds.south, bounds.north)
    if bounds.whole_world:
        mask &= lon.notna()
    elif bounds.west <= bounds.east:
        mask &= lon.between(bounds.west, bounds.east)
    else:  # across the antimeridian
        mask &= (lon >= bounds.west) | (lon <= bounds.east)
    return frame.loc[mask.fillna(False).astype(bool)]


def _happening_keys(frame: pd.DataFrame) -> pd.Series:
    return (
        frame["report_group"]
        .astype(object)
        .where(frame["report_group"].notna(), frame["event_id"].astype(object))
    )


def newest_first(frame: pd.DataFrame, limit: int = LIST_LIMIT) -> pd.DataFrame:
    """One row per happening (its newest report), the newest first by event date, then by
    publication; undated ones last. At most `limit` rows, index reset."""
    if frame.empty:
        return frame.reset_index(drop=True)
    ordered = frame.assign(
        _day=pd.to_datetime(frame["event_date"], errors="coerce"),
        _published=pd.to_datetime(frame["published"], errors="coerce"),
        _key=_happening_keys(frame),
    ).sort_values(
        ["_day", "_published", "event_id"],
        ascending=[False, False, True],
        na_position="last",
        kind="stable",
    )
    ordered = ordered.drop_duplicates("_key", keep="first").head(limit)
    return ordered.drop(columns=["_day", "_published", "_key"]).reset_index(drop=True)


def _deaths(values: pd.Series) -> int:
    numbers = pd.to_numeric(values, errors="coerce").dropna()
    return int(numbers.max()) if not numbers.empty else 0


def totals(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    """Happenings and deaths per event type, actor or publisher (`by`, a key of TOTALS_BY):
    columns [by, "events", "deaths"], the most events first.

    A happening counts once per value (an event with two actors counts for each); its
    deaths are the largest toll among its reports with that value.
    """
    column = TOTALS_BY[by]
    if frame.empty:
        return pd.DataFrame({by: pd.Series(dtype=object), "events": [], "deaths": []}).astype(
            {"events": int, "deaths": int}
        )
    keys = _happening_keys(frame)
    if column == "actors":
        values = frame["actors"].map(lambda cell: split_list(cell) or [NO_ACTOR])
    else:
        values = frame[column].map(lambda v: [UNKNOWN if is_missing(v) else str(v)])
    long = pd.DataFrame({"key": keys, "value": values, "killed": frame["killed"]}).explode("value")
    per_happening = long.groupby(["value", "key"], sort=False)["killed"].agg(_deaths)
    out = (
        per_happening.groupby(level="value")
        .agg(events="size", deaths="sum")
        .reset_index()
        .rename(columns={"value": by})
    )
    out["events"] = out["events"].astype(int)
    out["deaths"] = out["deaths"].astype(int)
    return out.sort_values(
        ["events", "deaths", by], ascending=[False, False, True], kind="stable"
    ).reset_index(drop=True)


def totals_from(rows: pd.DataFrame, by: str) -> pd.DataFrame:
    """`totals` from what the database counted (Store.happening_totals: value, events,
    killed per value of TOTALS_BY[by], each happening once at its largest toll)."""
    if rows.empty:
        return totals(pd.DataFrame(), by)
    missing = NO_ACTOR if TOTALS_BY[by] == "actors" else UNKNOWN
    out = pd.DataFrame(
        {
            by: [missing if is_missing(v) else str(v) for v in rows["value"]],
            "events": rows["events"].astype(int),
            "deaths": rows["killed"].astype(int),
        }
    )
    out = out.groupby(by, sort=False, as_index=False)[["events", "deaths"]].sum()
    return out.sort_values(
        ["events", "deaths", by], ascending=[False, False, True], kind="stable"
    ).reset_index(drop=True)


def bbox(bounds: Bounds | None) -> tuple[float, float, float, float] | None:
    """`bounds` as the store's viewport (south, west, north, east), as `in_bounds` reads
    it; None (no view reported): everywhere."""
    if bounds is None:
        return None
    if bounds.whole_world:
        return bounds.south, -180.0, bounds.north, 180.0
    return bounds.south, bounds.west, bounds.north, bounds.east


def grand_total(frame: pd.DataFrame) -> tuple[int, int]:
    """(happenings, deaths) of `frame`, each happening once, at its largest toll."""
    if frame.empty:
        return 0, 0
    per = pd.DataFrame({"key": _happening_keys(frame), "killed": frame["killed"]})
    deaths = per.groupby("key", sort=False)["killed"].agg(_deaths)
    return len(deaths), int(deaths.sum())


# --- how well attested an event is ------------------------------------------------------


def independent_sources(row: Mapping[str, Any]) -> int:
    """How many publishers report the happening (`reported_by`; the event's own publisher
    when that is empty)."""
    names = {name.casefold() for name in split_list(row.get("reported_by"))}
    if not names and not is_missing(row.get("source")) and str(row.get("source")).strip():
        names = {str(row.get("source")).casefold()}
    return len(names)


def reports(row: Mapping[str, Any]) -> int:
    """How many articles report the happening (`report_count`, at least 1)."""
    value = row.get("report_count")
    if is_missing(value):
        return 1
    return max(int(value), 1)


def confidence_word(value: Any) -> str:
    """'high', 'medium' or 'low' for a confidence of 0 to 1 ('' when unknown). The bands
    are thirds: the number is shown beside the word."""
    if is_missing(value):
        return ""
    number = float(value)
    if number >= 2 / 3:
        return "high"
    if number >= 1 / 3:
        return "medium"
    return "low"


def reliability_text(row: Mapping[str, Any]) -> str:
    """'confidence high (0.82) · 3 reports from 2 independent publishers'."""
    parts = []
    word = confidence_word(row.get("confidence"))
    if word:
        parts.append(f"confidence {word} ({float(row['confidence']):.2f})")
    n, publishers = reports(row), independent_sources(row)
    counted = f"{n} report{'s' if n != 1 else ''}"
    if publishers:
        counted += (
            f" from {publishers} independent publisher{'s' if publishers != 1 else ''}"
            if publishers > 1
            else " from 1 publisher"
        )
    parts.append(counted)
    return " · ".join(parts)
