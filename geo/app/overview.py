"""Beside the map, the newest happenings in its view (choosing one selects it); under it,
totals of events and deaths by type, actor and publisher. The logic is
geo.view.overview's."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from geo.app import maps, selection
from geo.app.data import Data
from geo.view import overview
from geo.view.filters import FilterState
from geo.view.table import date_label, place_names

LIST = "overview_list_"  # + a digest of the rows listed: a new list starts unselected
TOTALS = "overview_totals_"  # + type, actor, publisher
LIST_HEIGHT = 320
KEYS = (LIST, TOTALS)


def list_frame(page):
    """The rows of the list: when, what, where, how well attested."""
    return pd.DataFrame(
        {
            "date": [
                date_label(v, p)
                for v, p in zip(page["event_date"], page["date_precision"], strict=True)
            ],
            "type": page["event_type"].astype(object),
            "place": place_names(page),
            "sources": [overview.independent_sources(r) for r in page.to_dict("records")],
            "confidence": [overview.confidence_word(v) for v in page["confidence"]],
        }
    )


def question() -> tuple[tuple[float, float, float, float] | None, int]:
    """What the list asks the database (Data.in_view): the box of the map's view as last
    reported, and how many happenings at most."""
    return overview.bbox(maps.current_bounds()), overview.LIST_LIMIT


def event_list(data: Data, state: FilterState) -> None:
    """The newest happenings of `state` inside the map's view, newest first (asked of the
    database: the view is the query's bbox)."""
    page, n = data.in_view(state, *question())
    st.subheader("In this view")
    if page.empty:
        st.caption("No event in the map's view: zoom out or pan.")
        return
    more = f", the newest {len(page)} listed" if n > len(page) else ""
    st.caption(f"{n} happening{'s' if n != 1 else ''}, newest first{more}. Choose one to see it.")
    digest = hashlib.sha1("|".join(page["event_id"].astype(str)).encode()).hexdigest()[:12]
    picked = st.dataframe(
        list_frame(page),
        hide_index=True,
        height=LIST_HEIGHT,
        key=LIST + digest,
        on_select="rerun",
        selection_mode="single-row",
        column_config={
            "sources": st.column_config.NumberColumn(
                "sources", help="independent publishers reporting it"
            ),
            "confidence": st.column_config.TextColumn(
                "confidence", help="how sure the reading is, from its evidence"
            ),
        },
    )
    rows = picked.selection.rows if picked else []
    if rows and 0 <= rows[0] < len(page):
        chosen = str(page.iloc[rows[0]]["event_id"])
        if chosen != selection.selected():
            maps.forget_click()
            selection.select(chosen, focus=False)
            st.rerun()


def totals_panel(data: Data, state: FilterState) -> None:
    """Totals of the filtered events: happenings and deaths, by type, actor, publisher
    (counted in the database)."""
    every = data.happening_totals(state, None)
    happenings = int(every["events"].sum())
    if not happenings:
        st.caption("No events to count.")
        return
    deaths = int(every["killed"].sum())
    st.markdown(f"**{happenings}** happenings, **{deaths}** deaths reported")
    st.caption(
        "A happening reported by several articles counts once, at the largest toll any of "
        "them gives; an event with two actors counts for each."
    )
    for column, by in zip(st.columns(len(overview.TOTALS_BY)), overview.TOTALS_BY, strict=True):
        with column:
            st.markdown(f"**By {by}**")
            rows = data.happening_totals(state, overview.TOTALS_BY[by])
            st.dataframe(overview.totals_from(rows, by), hide_index=True, key=TOTALS + by)
