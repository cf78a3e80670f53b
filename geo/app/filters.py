"""The sidebar's filters, bound to the URL: dates (with steps and play), publishers, cited
sources, event types, actors, countries or regions, precision, search. Returns the
FilterState.

The multiselects match what is typed as a substring (not Streamlit's default fuzzy
subsequence, which offers "Aleppo" for "ap") and show no "Select all matches" row: with
that row first, Enter picked every match instead of the one typed.

Widget keys are the URL parameters (geo.view.filters); the date window is kept inside
the data's period by geo.view.timeline.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import streamlit as st

from geo.app.data import Data
from geo.view import timeline
from geo.view.filters import (
    ACTOR_PARAM,
    ALL_PARAM,
    CITED_PARAM,
    COUNTRY_PARAM,
    DATES_PARAM,
    MAX_QUERY_LENGTH,
    PRECISION_PARAM,
    QUERY_PARAM,
    SOURCE_PARAM,
    TYPE_PARAM,
    FilterState,
    state_from_query_params,
)
from geo.view.table import region_label

STEP_SIZES = {"a day": 1, "a week": 7, "a month": 30, "a quarter": 91, "a year": 365}
PLAY_EVERY_S = 2.0

DATES = DATES_PARAM  # the slider: (first, last) day
STEP_SIZE = "step_size"
STEP_BACK = "step_back"
STEP_FORWARD = "step_forward"
PLAY = "play"
LINK_READ = "filters_link_read"  # the link's dates were read (once per session)
COUNTRY_LINK_READ = "filters_country_link_read"  # and its countries
PERIOD = "filters_period"  # the data's (first, last) day at the last run
PLAY_TICK = "filters_play_tick"  # the play control asks for one step
BOUNDS = "filters_bounds"  # the period of the events the other filters let through
KEYS = (
    DATES,
    SOURCE_PARAM,
    CITED_PARAM,
    TYPE_PARAM,
    COUNTRY_PARAM,
    PRECISION_PARAM,
    QUERY_PARAM,
    ALL_PARAM,
    STEP_SIZE,
    STEP_BACK,
    STEP_FORWARD,
    PLAY,
    LINK_READ,
    COUNTRY_LINK_READ,
    PERIOD,
    PLAY_TICK,
    BOUNDS,
)


def period() -> tuple[date, date] | None:
    """The date bounds of this run: the first and last day of the events that match the
    filters other than the dates."""
    return st.session_state.get(BOUNDS)


def set_dates(window: tuple[date, date] | None) -> None:
    """Choose the date window from another panel (the timeline's brush), before the
    slider is drawn (in a callback)."""
    if window is not None:
        st.session_state[DATES] = window


def _step(bounds: tuple[date, date], forward: bool, event_days: list[date]) -> bool:
    """Button callback: move the date window by the chosen step, over the periods with
    events; False when it is at the end already."""
    current = tuple(st.session_state.get(DATES) or bounds)
    days = STEP_SIZES[st.session_state.get(STEP_SIZE, "a week")]
    window = timeline.step_window(current, bounds, days, forward, event_days=event_days)
    st.session_state[DATES] = window
    return window != current


def _reconcile_dates(bounds: tuple[date, date]) -> None:
    """The window from the link (a new session), or the remembered one kept inside the
    data (articles may have arrived since)."""
    if LINK_READ not in st.session_state:
        st.session_state[LINK_READ] = True
        asked = state_from_query_params({DATES_PARAM: st.query_params.get_all(DATES_PARAM)})
        window = timeline.window_from_link(asked.date_from, asked.date_to, bounds)
        if window is not None:
            st.session_state[DATES] = window
    chosen = st.session_state.get(DATES)
    if chosen is not None:
        new = timeline.window_after_change(tuple(chosen), st.session_state.get(PERIOD), bounds)
        if new != tuple(chosen):
            st.session_state[DATES] = new
    st.session_state[PERIOD] = bounds


def _dates(slot, days: list[date]) -> tuple[date | None, date | None, bool]:
    """The date controls in `slot`, over the period of `days` (those with events the other
    filters let through: steps and play walk through those, not the whole database);
    (from, to, playing), from and to None for the whole period."""
    bounds = (days[0], days[-1]) if days else None
    st.session_state[BOUNDS] = bounds
    if bounds is None:
        return None, None, False
    lo, hi = bounds
    if lo == hi:
        slot.caption(f"All matching events are dated {lo.isoformat()}.")
        return None, None, False
    _reconcile_dates(bounds)
    if st.session_state.pop(PLAY_TICK, False) and not _step(bounds, True, days):
        st.session_state[PLAY] = False  # the last period with events: play stops there
    # The dates are kept in the URL here (as YYYY-MM-DD), not by Streamlit's widget
    # binding: steps, the play control and the timeline set them from code, and
    # Streamlit 1.67 writes such changes to the URL one run late.
    start, end = slot.slider(
        "Event dates",
        min_value=lo,
        max_value=hi,
        # set from code (a link, a step, the timeline): the state holds the value
        **({} if DATES in st.session_state else {"value": (lo, hi)}),
        format="YYYY-MM-DD",
        key=DATES,
    )
    date_from = date_to = None
    if (start, end) != (lo, hi):
        date_from, date_to = start, end
        wanted = [start.isoformat(), end.isoformat()]
        if st.query_params.get_all(DATES_PARAM) != wanted:
            st.query_params[DATES_PARAM] = wanted
    elif DATES_PARAM in st.query_params:
        del st.query_params[DATES_PARAM]
    back, size, forward = slot.columns([1, 2, 1], vertical_alignment="bottom")
    size.selectbox("Step", list(STEP_SIZES), index=1, key=STEP_SIZE, label_visibility="collapsed")
    back.button(
        "◀", key=STEP_BACK, help="previous period", on_click=_step, args=(bounds, False, days)
    )
    forward.button(
        "▶", key=STEP_FORWARD, help="next period", on_click=_step, args=(bounds, True, days)
    )
    playing = slot.toggle("Play through the period", key=PLAY)
    return date_from, date_to, playing


def _play() -> None:
    """While "Play" is on: one step forward every PLAY_EVERY_S, on a full run (the slider
    can only be moved before it is drawn, see PLAY_TICK)."""
    in_full_run = {"now": True}

    @st.fragment(run_every=PLAY_EVERY_S)
    def tick() -> None:
        if in_full_run["now"]:  # drawn with the page: wait for the timer
            return
        if st.session_state.get(PLAY):
            st.session_state[PLAY_TICK] = True
            st.rerun(scope="app")

    with st.sidebar:
        tick()
    in_full_run["now"] = False


# Typing a name and Enter picks the first option containing it (see the module's docstring).
MULTISELECT_OPTIONS = {"filter_mode": "contains", "select_all": False}


def _multiselect(choices: dict, label: str, param: str, placeholder: str, **kwargs) -> tuple:
    return tuple(
        st.sidebar.multiselect(
            label,
            choices.get(param, []),
            key=param,
            bind="query-params",
            placeholder=placeholder,
            **MULTISELECT_OPTIONS,
            **kwargs,
        )
    )


def _countries(choices: dict) -> tuple:
    """The country filter: shown by name ("Syria · Aleppo"), kept in the URL by code
    (`country=SY`, `country=SY/Aleppo`, as share links write it). Streamlit's binding
    writes a multiselect's shown labels to the URL, so this one is bound here."""
    options = choices.get(COUNTRY_PARAM, [])
    if COUNTRY_LINK_READ not in st.session_state:
        st.session_state[COUNTRY_LINK_READ] = True
        asked = state_from_query_params({COUNTRY_PARAM: st.query_params.get_all(COUNTRY_PARAM)})
        st.session_state[COUNTRY_PARAM] = [c for c in asked.countries if c in options]
    elif any(c not in options for c in st.session_state.get(COUNTRY_PARAM, [])):
        st.session_state[COUNTRY_PARAM] = [  # the data changed under the choice
            c for c in st.session_state[COUNTRY_PARAM] if c in options
        ]
    chosen = st.sidebar.multiselect(
        "Country or region",
        options,
        key=COUNTRY_PARAM,
        placeholder="Everywhere",
        format_func=region_label,
        **MULTISELECT_OPTIONS,
    )
    if chosen:
        if st.query_params.get_all(COUNTRY_PARAM) != list(chosen):
            st.query_params[COUNTRY_PARAM] = list(chosen)
    elif COUNTRY_PARAM in st.query_params:
        del st.query_params[COUNTRY_PARAM]
    return tuple(chosen)


def sidebar(data: Data) -> FilterState:
    """The filters in the sidebar (their choices from the database); what the reader chose."""
    choices = data.choices
    st.sidebar.header("Filters")
    dates_slot = st.sidebar.container()  # drawn last: its period follows the other filters
    sources = _multiselect(choices, "Publisher", SOURCE_PARAM, "All publishers")
    cited = _multiselect(choices, "Cited source", CITED_PARAM, "Anyone cited, or no one")
    types = _multiselect(choices, "Event type", TYPE_PARAM, "All types")
    actors = _multiselect(choices, "Actor", ACTOR_PARAM, "Anyone, or no one named")
    countries = _countries(choices)
    precisions = _multiselect(choices, "Place known to", PRECISION_PARAM, "Any precision")
    query = st.sidebar.text_input(
        "Search",
        key=QUERY_PARAM,
        bind="query-params",
        max_chars=MAX_QUERY_LENGTH,
        placeholder="place, sentence or title",
    )
    # Events whose evidence is weak (geo/event/confidence.py) are hidden unless asked for.
    show_all = st.sidebar.toggle(
        "Show unsure events too",
        key=ALL_PARAM,
        bind="query-params",
        help="Events of weak evidence (a place found only by a loose match, no date in the "
        "text, outside the article's focus) are hidden by default.",
    )
    undated = FilterState(
        sources=sources,
        query=query,
        cited=cited,
        types=types,
        actors=actors,
        countries=countries,
        precisions=precisions,
        show_all=show_all,
    )
    date_from, date_to, playing = _dates(dates_slot, data.event_days(undated))
    if playing:
        _play()
    return replace(undated, date_from=date_from, date_to=date_to)
