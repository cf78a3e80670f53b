"""What a click or a table row selects: the map's focus, and the happenings at a point.

Several happenings can share one point of the map (a town reported on several days);
the evidence panel offers them in a picker, labelled by `happening_labels`. Nothing here
imports Streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from geo.view.evidence import happenings
from geo.view.mapview import events_at, format_event_date


def focus_point(events: pd.DataFrame, event_id: str | None) -> tuple[float, float] | None:
    """(latitude, longitude) of the event the map should centre on, or None (no event,
    an unknown id, or an event without coordinates)."""
    if not event_id:
        return None
    row = events.loc[events["event_id"] == event_id]
    if row.empty or pd.isna(row.iloc[0]["latitude"]) or pd.isna(row.iloc[0]["longitude"]):
        return None
    return float(row.iloc[0]["latitude"]), float(row.iloc[0]["longitude"])


@dataclass(frozen=True)
class Picker:
    """The happenings at a clicked point: label of each (keyed by its first event's id),
    and the one holding the selected event."""

    labels: dict[str, str]
    current: str


def happening_label(group: pd.DataFrame) -> str:
    """'2016-11-08 · airstrike · Reuters (+2)': the first report, and how many more."""
    first = group.iloc[0]
    more = f" (+{len(group) - 1})" if len(group) > 1 else ""
    return (
        f"{format_event_date(first['event_date'])} · {first['event_type']} · "
        f"{first['source']}{more}"
    )


def newest_happenings_first(groups: list[pd.DataFrame]) -> list[pd.DataFrame]:
    """The happenings by their latest event date, the newest first (undated last): at a
    busy place the reader looks for the latest news, not the oldest."""

    def latest(group: pd.DataFrame) -> pd.Timestamp:
        days = pd.to_datetime(group["event_date"], errors="coerce").dropna()
        return days.max() if not days.empty else pd.Timestamp.min

    return sorted(groups, key=latest, reverse=True)  # stable: ties keep their order


def happening_picker(
    shown: pd.DataFrame, point: tuple[float, float] | None, selected: str | None
) -> Picker | None:
    """The picker for the point last clicked, when the selected event is there and the
    point holds more than one happening; else None (nothing to choose)."""
    if point is None or not selected:
        return None
    here = events_at(shown, *point)
    if here.empty or selected not in set(here["event_id"]):
        return None
    groups = newest_happenings_first(happenings(here))
    if len(groups) < 2:
        return None
    labels = {str(g.iloc[0]["event_id"]): happening_label(g) for g in groups}
    current = next(
        key for key, g in zip(labels, groups, strict=True) if selected in set(g["event_id"])
    )
    return Picker(labels, current)
