"""The timeline: events per day stacked by type or publisher, and stepping through time.

`daily_counts` is the data, `timeline_chart` the Altair chart (a brush over it chooses a
date range: `selected_range` reads the chart's selection back), `step_window` moves a date
window through the period (the step and play controls); `window_from_link`,
`window_after_change` and `brushed_window` keep the chosen window inside the data's
period. Nothing here imports Streamlit.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

import altair as alt
import pandas as pd

from geo.view.mapview import OTHER_TYPE, TYPE_COLORS

STACK_BY = {"type": "event_type", "publisher": "source"}
BRUSH = "range"
CHART_RENDERER = "canvas"  # Vega's renderer for the timeline (see timeline_chart)
MAX_STACKED = 10  # publishers beyond the 10 largest are stacked as "others"
# Publishers' colours (ColorBrewer Set2 and Dark2's muted tones, softer than the event
# types' saturated ones): a publisher must never look like an event type.
_PUBLISHER_PALETTE = (
    "#66c2a5", "#8da0cb", "#e78ac3", "#a6d854", "#e5c494", "#b3b3b3", "#a6761d",
    "#666666", "#7570b3", "#e6ab02", "#1b9e77",
)  # fmt: skip
PUBLISHER_COLORS = tuple(
    c for c in _PUBLISHER_PALETTE if c.lower() not in {t.lower() for t in TYPE_COLORS.values()}
)
DAY_MS = 24 * 3600 * 1000
# A bar per day over a year at most, per week (from Monday) over five years at most, per
# month beyond: a few hundred bars at most, however long the period. A bar per day of
# years drew thousands of bars a pixel or less wide and sent every one to the browser
# (6 years of 20,000 events: 11,000 rows, 730 KB of chart data; per month: 72 months).
DAYS_MAX_SPAN = 366
WEEKS_MAX_SPAN = 5 * 366
PERIOD_OFFSETS = {"week": pd.DateOffset(weeks=1), "month": pd.DateOffset(months=1)}


def period_for(first: date, last: date) -> str:
    """What the timeline counts events per over the days first..last: day, week or month
    (geo.store.queries.PERIODS)."""
    span = (last - first).days
    if span <= DAYS_MAX_SPAN:
        return "day"
    return "week" if span <= WEEKS_MAX_SPAN else "month"


def axis_format(first: date, last: date) -> str:
    """The time axis's label format for a span: years on a corpus of years, months and
    years over months, days (with the month) over weeks; never hours."""
    span = (last - first).days
    if span > 3 * 365:
        return "%Y"
    if span > 365:
        return "%b %Y"
    return "%d %b %Y"


def daily_counts(frame: pd.DataFrame, by: str = "type") -> pd.DataFrame:
    """Columns day (datetime), group, events: one row per day and group with events."""
    column = STACK_BY[by]
    days = pd.to_datetime(frame["event_date"], errors="coerce").dt.normalize()
    groups = frame[column].astype("string").fillna("unknown")
    if by == "type":
        groups = groups.where(groups.isin(list(TYPE_COLORS)), OTHER_TYPE)
    else:
        top = groups.value_counts().index[:MAX_STACKED]
        groups = groups.where(groups.isin(top), "others")
    data = pd.DataFrame({"day": days, "group": groups.astype(str)}).dropna(subset=["day"])
    if data.empty:
        return pd.DataFrame(
            {
                "day": pd.Series(dtype="datetime64[ns]"),
                "group": pd.Series(dtype=str),
                "events": pd.Series(dtype=int),
            }
        )
    out = data.groupby(["day", "group"]).size().rename("events").reset_index()
    return out.sort_values(["day", "group"]).reset_index(drop=True)


def counts_by(day_counts: pd.DataFrame, by: str = "type") -> pd.DataFrame:
    """`daily_counts` from counts the database made (Store.day_counts: day, group (the
    event type or publisher), events), grouped as `daily_counts` groups a frame's events."""
    if day_counts.empty:
        return daily_counts(pd.DataFrame({"event_date": [], STACK_BY[by]: []}), by)
    groups = day_counts["group"].astype("string").fillna("unknown")
    if by == "type":
        groups = groups.where(groups.isin(list(TYPE_COLORS)), OTHER_TYPE)
    else:
        totals = day_counts.groupby(groups, sort=False)["events"].sum()
        top = totals.sort_values(ascending=False, kind="stable").index[:MAX_STACKED]
        groups = groups.where(groups.isin(top), "others")
    data = pd.DataFrame(
        {"day": day_counts["day"], "group": groups.astype(str), "events": day_counts["events"]}
    ).dropna(subset=["day"])
    out = data.groupby(["day", "group"])["events"].sum().reset_index()
    return out.sort_values(["day", "group"]).reset_index(drop=True)


LEGEND_ROW_PX = 17  # one legend entry's height in Vega-Lite's default style
LEGEND_TITLE_PX = 22


def legend_columns(entries: int, height: int) -> int:
    """How many columns a legend of `entries` needs to fit in `height` pixels."""
    rows = max(1, (height - LEGEND_TITLE_PX) // LEGEND_ROW_PX)
    return max(1, -(-entries // rows))


def timeline_chart(
    counts: pd.DataFrame, by: str = "type", height: int = 150, period: str = "day"
) -> alt.Chart:
    """Bars of events per day, stacked by group, with a brush named BRUSH over the days.
    With `period` week or month, `counts` are per week or month (`day` its first day) and
    each bar spans its week or month."""
    brush = alt.selection_interval(name=BRUSH, encodings=["x"])
    label = "event type" if by == "type" else "publisher"
    if by == "type":
        present = set(counts["group"].unique())  # once: not per colour (0.4 s at 11,000 rows)
        names = [n for n in TYPE_COLORS if n in present]
        color = alt.Color(
            "group:N",
            title=label,
            scale=alt.Scale(domain=names, range=[TYPE_COLORS[n] for n in names]),
        )
    else:
        names = list(dict.fromkeys(counts["group"]))
        palette = [PUBLISHER_COLORS[i % len(PUBLISHER_COLORS)] for i in range(len(names))]
        color = alt.Color("group:N", title=label, scale=alt.Scale(domain=names, range=palette))
    # Long publisher names in full; as many columns as the entries need to fit the
    # chart's height (a legend taller than the chart is cut off below it).
    color = color.legend(labelLimit=180, columns=legend_columns(len(names), height))
    if counts.empty:
        fmt = "%d %b %Y"
    else:
        fmt = axis_format(counts["day"].min().date(), counts["day"].max().date())
    # One tick per year (or month) at most, so a label is never repeated ("2015 2015").
    interval = {"%Y": "year", "%b %Y": "month"}.get(fmt)
    ticks = {"tickCount": {"interval": interval, "step": 1}} if interval else {}
    axis = alt.Axis(format=fmt, tickMinStep=DAY_MS, labelOverlap=True, **ticks)
    x = alt.X("day:T", title=None, axis=axis)
    tooltip = [
        alt.Tooltip("day:T", title="day", format="%Y-%m-%d"),
        alt.Tooltip("group:N", title=label),
        alt.Tooltip("events:Q", title="events"),
    ]
    if period == "day":
        encoding = {"x": x, "y": alt.Y("sum(events):Q", title="events")}
    else:  # a bar from the first day of its week or month to the next one's
        counts = counts.assign(end=counts["day"] + PERIOD_OFFSETS[period])
        tooltip[0] = alt.Tooltip(
            "day:T", title=f"{period} of", format="%Y-%m-%d" if period == "week" else "%b %Y"
        )
        encoding = {
            "x": x,
            "x2": "end:T",
            "y": alt.Y("sum(events):Q", title=f"events per {period}"),
        }
    return (
        alt.Chart(counts)
        .mark_bar()
        .encode(**encoding, color=color, tooltip=tooltip)
        .add_params(brush)
        # drawn on a canvas: Streamlit leaves charts of fewer than 2,000 data points to
        # SVG, an element per bar, and the page's style and layout then walk a thousand
        # bars at every filter change (20,000 events, alternating: a slider change 0.84 /
        # 0.80 -> 0.74 / 0.71 s, markers 3.18 / 3.06 -> 2.85 / 2.92 s)
        .properties(height=height, usermeta={"embedOptions": {"renderer": CHART_RENDERER}})
    )


def _to_date(value: Any) -> date | None:
    try:
        if isinstance(value, int | float):
            stamp = pd.Timestamp(value, unit="ms")
        else:
            stamp = pd.Timestamp(value)
    except (ValueError, TypeError, OverflowError):
        return None
    if pd.isna(stamp):
        return None
    return stamp.date()


def selected_range(selection: Any) -> tuple[date, date] | None:
    """The (first, last) day a brush on the chart covers, from st.altair_chart's
    selection state ({"selection": {BRUSH: {"day": [start, end]}}}), or None."""
    try:
        values = selection["selection"][BRUSH]["day"]
    except (KeyError, TypeError, IndexError):
        return None
    if not isinstance(values, list | tuple) or len(values) != 2:
        return None
    first, last = _to_date(values[0]), _to_date(values[1])
    if first is None or last is None:
        return None
    return (first, last) if first <= last else (last, first)


def clamp_range(chosen: tuple[date, date], bounds: tuple[date, date]) -> tuple[date, date] | None:
    """`chosen` within `bounds`, or None when they do not overlap."""
    lo, hi = bounds
    first, last = max(chosen[0], lo), min(chosen[1], hi)
    return (first, last) if first <= last else None


def clamp_into(chosen: tuple[date, date], bounds: tuple[date, date]) -> tuple[date, date]:
    """`chosen` moved inside `bounds`, each end on its own: a window wholly outside the
    period becomes the period's nearest day (a link or a remembered range always shows
    something, unlike a brush, see `clamp_range`)."""
    lo, hi = bounds
    first, last = (max(lo, min(day, hi)) for day in chosen)
    return first, max(first, last)


def window_from_link(
    date_from: date | None, date_to: date | None, bounds: tuple[date, date]
) -> tuple[date, date] | None:
    """The window a link asks for (an open end is the period's end), inside `bounds`;
    None when the link names no date."""
    if date_from is None and date_to is None:
        return None
    return clamp_into((date_from or bounds[0], date_to or bounds[1]), bounds)


def window_after_change(
    chosen: tuple[date, date], before: tuple[date, date] | None, bounds: tuple[date, date]
) -> tuple[date, date]:
    """A remembered window once the data's period went from `before` to `bounds`: the
    whole period stays the whole period (new articles widen it); any other window is
    kept, inside the new period."""
    if before is not None and tuple(chosen) == tuple(before):
        return bounds
    return clamp_into(chosen, bounds)


def brushed_window(
    chosen: tuple[date, date] | None, bounds: tuple[date, date] | None
) -> tuple[date, date] | None:
    """The date window a brush on the timeline asks for, inside `bounds`; None when there
    is nothing to set (no brush, no dates, one day only, or a brush beside the data)."""
    if chosen is None or bounds is None or not bounds[0] < bounds[1]:
        return None
    return clamp_range(chosen, bounds)


def step_window(
    current: tuple[date, date],
    bounds: tuple[date, date],
    days: int,
    forward: bool = True,
    event_days: Iterable[date] | None = None,
) -> tuple[date, date]:
    """The next (or previous) window of `days` days after (before) `current`, kept inside
    `bounds`, skipping windows with none of `event_days` (when given: a corpus of years
    has long quiet stretches). From the whole period, the first step shows the first
    (last) window with events. At either end of the period the window stays where it is
    (the play control stops there: going round to the first year is not "next")."""
    window = _step_once(current, bounds, days, forward)
    if event_days is None:
        return window
    dated = sorted(set(event_days))
    if not dated:
        return window
    while not _has_events(window, dated):
        following = _step_once(window, bounds, days, forward)
        if following == window:  # the end, still empty: stay on the last window with events
            return current if current != bounds else window
        window = following
    return window


def _has_events(window: tuple[date, date], dated: list[date]) -> bool:
    at = bisect_left(dated, window[0])
    return at < len(dated) and dated[at] <= window[1]


def _step_once(
    current: tuple[date, date], bounds: tuple[date, date], days: int, forward: bool
) -> tuple[date, date]:
    lo, hi = bounds
    width = timedelta(days=max(1, days) - 1)
    # A window of another width (the whole period, a brushed range) starts afresh; the
    # last window, cut by the period's end, is a step window still.
    cut_at_end = current[1] == hi and current[1] - current[0] < width
    if current == (lo, hi) or (current[1] - current[0] != width and not cut_at_end):
        start = lo if forward else max(lo, hi - width)
        return start, min(hi, start + width)
    if forward:
        start = current[1] + timedelta(days=1)
        if start > hi:
            return current
    else:
        if current[0] <= lo:
            return current
        start = max(lo, current[0] - timedelta(days=max(1, days)))
    return start, min(hi, start + width)


def event_days(frame: pd.DataFrame) -> list[date]:
    """The days with at least one event in `frame`, sorted."""
    days = pd.to_datetime(frame["event_date"], errors="coerce").dropna().dt.date
    return sorted(set(days))
