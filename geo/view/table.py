"""The events table under the map: which columns, in which order, from an events frame.

Links are kept only when they are http(s) (the table renders them as links); the article
column is left out when no event has one. Nothing here imports Streamlit.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from geo.view.filters import REGION_SEPARATOR
from geo.view.mapview import safe_http_url

UNDATED = "undated"

# Table column -> events frame column (geo/schema.py), in the order shown.
COLUMNS: dict[str, str] = {
    "date": "event_date",
    "type": "event_type",
    "place": "place",
    "as written": "mention",
    "precision": "precision",
    "country": "country_code",
    "publisher": "source",
    "cited": "cited_sources",
    "sentence": "sentence",
    "article": "url",
}
LINK_COLUMN = "article"
WIDE_COLUMN = "sentence"


def table_order(events: pd.DataFrame) -> pd.DataFrame:
    """`events` in the table's order: dated events in their order, the undated last (an
    event without a date is the least useful row to start with)."""
    undated = pd.to_datetime(events["event_date"], errors="coerce").isna()
    return pd.concat([events[~undated], events[undated]]).reset_index(drop=True)


def date_label(value, precision) -> str:
    """A date as precise as it is known, written so that the labels sort as text in date
    order (a reader sorts the table and the list by clicking the column): "2016-11-08",
    "2016-11" (a month), "2016" (a year), "2016-11-07 (week)", then "undated"."""
    day = pd.to_datetime(value, errors="coerce")
    if pd.isna(day):
        return UNDATED
    if precision == "year":
        return f"{day.year:04d}"
    if precision == "month":
        return f"{day.year:04d}-{day.month:02d}"
    if precision == "week":
        return f"{day.date().isoformat()} (week)"
    return day.date().isoformat()


def place_name(place, admin1) -> str:
    """The place's name as shown: a town spelled as its region is (the gazetteer's display
    name of the region) when the two are one name in two transliterations ("Ḩamāh" in
    "Hama", "Dar‘ā" in "Daraa"): a reader sees one spelling, not two. News writes such a
    town and its province alike; the gazetteer's town names keep GeoNames' diacritics."""
    name = "" if pd.isna(place) else str(place)
    region = "" if pd.isna(admin1) else str(admin1)
    if name and region and name != region and _same_name(name, region):
        return region
    return name


@lru_cache(maxsize=4096)
def _same_name(a: str, b: str) -> bool:
    from geo.place.gazetteer import skeleton

    return skeleton(a) == skeleton(b)


def place_names(events: pd.DataFrame) -> pd.Series:
    """`place_name` of every event of `events` (same index)."""
    return pd.Series(
        [place_name(p, a) for p, a in zip(events["place"], events["admin1"], strict=True)],
        index=events.index,
        dtype=object,
    )


def region_label(choice: str) -> str:
    """A country filter's choice as read: "SY" -> "Syria", "SY/Aleppo" -> "Syria · Aleppo"."""
    code, _, region = str(choice).partition(REGION_SEPARATOR)
    name = country_name(code)
    return f"{name} · {region}" if region else name


@lru_cache(maxsize=512)
def country_name(code: str) -> str:
    """The gazetteer's name of a country code ("SY" -> "Syria"); the code when unknown."""
    if not code.strip():
        return ""
    from geo.place.gazetteer import default_gazetteer

    try:
        place = default_gazetteer().country(str(code).strip().upper())
    except Exception:  # no gazetteer here: the code says something still
        place = None
    return place.name if place is not None and place.name else str(code)


def table_frame(events: pd.DataFrame) -> pd.DataFrame:
    """The table of `events`, one row per event in the frame's order (row i is event i;
    order the frame with `table_order` first)."""
    derived = {
        "date": pd.Series(
            [
                date_label(v, p)
                for v, p in zip(events["event_date"], events["date_precision"], strict=True)
            ],
            index=events.index,
            dtype=object,
        ),
        "place": place_names(events),
        "country": events["country_code"]
        .astype(object)
        .map(lambda code: "" if pd.isna(code) else country_name(str(code))),
        LINK_COLUMN: events["url"].map(safe_http_url),
    }
    table = pd.DataFrame(
        {name: derived.get(name, events[column]) for name, column in COLUMNS.items()}
    )
    if table[LINK_COLUMN].isna().all():
        table = table.drop(columns=LINK_COLUMN)
    return table.reset_index(drop=True)


def event_of_row(events: pd.DataFrame, rows: list[int] | None) -> str | None:
    """The event id of the first selected table row, or None (no row, or a row beyond
    `events`: the selection outlived a filter change)."""
    if not rows or not 0 <= rows[0] < len(events):
        return None
    return str(events.iloc[rows[0]]["event_id"])
