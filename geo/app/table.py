"""The table of the filtered events; choosing a row selects its event and focuses the map."""

from __future__ import annotations

import math

import streamlit as st

from geo.app import maps, selection
from geo.app.data import TABLE_PAGE, Data
from geo.view.filters import FilterState
from geo.view.table import LINK_COLUMN, WIDE_COLUMN, event_of_row, table_frame, table_order

TABLE = "table"
CHOICE = "table_choice"  # the event of the row last chosen (the selection repeats)
PAGE = "table_page"  # which page of TABLE_PAGE rows (1: the first)
KEYS = (TABLE, CHOICE, PAGE)


def panel(data: Data, state: FilterState) -> None:
    total = data.count(state)
    if total == 0:
        st.caption("No events to list.")
        return
    pages = math.ceil(total / TABLE_PAGE)
    page = 1
    if pages > 1:
        if st.session_state.get(PAGE, 1) > pages:  # fewer rows since (a filter changed)
            st.session_state[PAGE] = pages
        page = st.number_input(
            f"Page (of {pages}, {TABLE_PAGE} rows each)", 1, pages, step=1, key=PAGE
        )
    # a page from the database, by date (undated last): row i is event i of this frame
    shown = table_order(data.page(state, int(page) - 1))
    picked = st.dataframe(
        table_frame(shown),
        row_height=56,  # two lines of the sentence: it wraps instead of being cut
        hide_index=True,
        key=TABLE,
        on_select="rerun",
        selection_mode="single-row",
        column_config={
            LINK_COLUMN: st.column_config.LinkColumn(LINK_COLUMN, display_text="open"),
            WIDE_COLUMN: st.column_config.TextColumn(WIDE_COLUMN, width="large"),
            "date": st.column_config.TextColumn(
                "date", help="as precise as the text says: a day, a month (2016-03), a year"
            ),
        },
    )
    chosen = event_of_row(shown, picked.selection.rows if picked else [])
    if chosen is not None and chosen != st.session_state.get(CHOICE):
        st.session_state[CHOICE] = chosen
        maps.forget_click()
        selection.select(chosen, focus=True)
        st.rerun()
