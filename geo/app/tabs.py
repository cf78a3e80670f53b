"""The tabs under the map. Only the open tab's panel runs (dashboard.py): the table's page
and the totals ask the database at every filter change, and every panel's elements are
sent and drawn again at each run, hidden or not. Opening a tab reruns the page
(Streamlit's lazy tabs: `on_change="rerun"`, each tab's `.open`); what was typed into a
form of a tab and not sent is gone when another tab opens. The table is open at first.
The tabs are not part of the URL: a link opens the table."""

from __future__ import annotations

import streamlit as st

TABS = "tabs"  # the label of the open tab
KEYS = (TABS,)
TABLE, TOTALS, ADD, SOURCES, FIX, EXPORT = (
    "Table",
    "Totals",
    "Add articles",
    "Sources",
    "Correct a place",
    "Export",
)
LABELS = (TABLE, TOTALS, ADD, SOURCES, FIX, EXPORT)


def under_map():
    """The tab containers, in LABELS' order (`.open`: the one shown)."""
    return st.tabs(list(LABELS), key=TABS, on_change="rerun")
