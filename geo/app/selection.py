"""The selected event, shared by the map, the evidence, the table and the corrections.

Bound to the URL as `event=<id>` (geo.view.filters.EVENT_PARAM): a link opens its
evidence. The map centres on the focused event: a table row or a link focuses it, a
click on the map selects without moving the map.
"""

from __future__ import annotations

import streamlit as st

from geo.view.filters import EVENT_PARAM, event_from_query_params

SELECTED = "selection_event"
FOCUSED = "selection_focus"
KEYS = (SELECTED, FOCUSED)


def start() -> None:
    """On a new session: the event the link selects, focused."""
    if SELECTED not in st.session_state:
        st.session_state[SELECTED] = event_from_query_params(st.query_params.to_dict())
        st.session_state[FOCUSED] = st.session_state[SELECTED]


def selected() -> str | None:
    return st.session_state.get(SELECTED)


def focused() -> str | None:
    return st.session_state.get(FOCUSED)


def select(event_id: str | None, *, focus: bool) -> None:
    """Select `event_id` (None: nothing), centring the map on it when `focus`."""
    st.session_state[SELECTED] = event_id
    if focus:
        st.session_state[FOCUSED] = event_id
    if event_id:
        st.query_params[EVENT_PARAM] = event_id
    elif EVENT_PARAM in st.query_params:
        del st.query_params[EVENT_PARAM]
