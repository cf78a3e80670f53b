"""The events table under the map: which columns, in which order, from an events frame.

Links are kept only when they are http(s) (the table renders them as links); the article
column is left out when no event has one. Nothing here imports Streamlit.
"""

from __future__ import annotations

import pandas as pd

from geo.view.mapview import safe_http_url

# Table column -> events frame column (geo/schema.py), in the order shown.
COLUMNS: dict[str, str] = {
    "date": "event_date",
    "type": "event_type",
    "place": "place",
    "as written": "mention",
    "precision": "precision",
    "publisher": "source",
    "cited": "cited_sources",
    "sentence": "sentence",
    "article": "url",
}
LINK_COLUMN = "article"
WIDE_COLUMN = "sentence"


def table_frame(events: pd.DataFrame) -> pd.DataFrame:
    """The table of `events`, one row per event in the frame's order (row i is event i)."""
    derived = {
        "date": pd.to_datetime(events["event_date"], errors="coerce").dt.date,
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
