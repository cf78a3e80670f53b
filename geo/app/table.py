"""The table of the filtered events; choosing a row selects its event and focuses the map."""

from __future__ import annotations

import streamlit as st

from geo.app import maps, selection
from geo.view.table import LINK_COLUMN, WIDE_COLUMN, event_of_row, table_frame, table_order

TABLE = "table"
CHOICE = "table_choice"  # the event of the row last chosen (the selection repeats)
KEYS = (TABLE, CHOICE)


def panel(shown) -> None:
    if shown.empty:
        st.caption("No events to list.")
        return
    shown = table_order(shown)  # the rows' order: row i is event i of this frame
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
            "date": st.column_config.TextColumn("date", help="as precise as the text says"),
        },
    )
    chosen = event_of_row(shown, picked.selection.rows if picked else [])
    if chosen is not None and chosen != st.session_state.get(CHOICE):
        st.session_state[CHOICE] = chosen
        maps.forget_click()
        selection.select(chosen, focus=True)
        st.rerun()
