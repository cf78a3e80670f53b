"""The timeline under the map: events per day, stacked by type or publisher; brushing a
range sets the date filter (through geo.app.filters.set_dates)."""

from __future__ import annotations

from datetime import date
from functools import partial

import streamlit as st

from geo.app import filters
from geo.app.data import Data
from geo.view import timeline
from geo.view.filters import FilterState

STACK = "timeline_stack"
CHART = "timeline"  # the chart's selection (its brush)
KEYS = (STACK, CHART)


def _brushed(bounds: tuple[date, date] | None) -> None:
    """Chart callback: a range brushed on the timeline becomes the date filter."""
    chosen = timeline.selected_range(st.session_state.get(CHART))
    filters.set_dates(timeline.brushed_window(chosen, bounds))


def question(
    state: FilterState, bounds: tuple[date, date] | None, by: str | None = None
) -> tuple[str, str]:
    """What the timeline asks the database (Data.day_counts): the column it stacks by
    (`by`, else the chosen one) and the period it counts by: per day, week or month as the
    shown period is long (the date window, else the data's, `bounds`)."""
    by = by or st.session_state.get(STACK) or "type"
    lo, hi = bounds or (None, None)
    first, last = state.date_from or lo, state.date_to or hi
    period = timeline.period_for(first, last) if first and last else "day"
    return timeline.STACK_BY[by], period


def panel(data: Data, state: FilterState, bounds: tuple[date, date] | None) -> None:
    """The timeline of the events `state` shows (counts per day, week or month from the
    database); `bounds` is the data's whole period (geo.view.filters)."""
    if data.count(state) == 0:
        return
    stack = st.segmented_control(
        "Timeline stacked by",
        list(timeline.STACK_BY),
        default="type",
        key=STACK,
        label_visibility="collapsed",
    )
    by = stack or "type"
    column, period = question(state, bounds, by)
    counts = data.day_counts(state, column, period)
    st.altair_chart(
        timeline.timeline_chart(timeline.counts_by(counts, by), by, period=period),
        key=CHART,
        on_select=partial(_brushed, bounds),
        selection_mode=timeline.BRUSH,
        width="stretch",
    )
    st.caption("Drag across the timeline to set the date range.")
