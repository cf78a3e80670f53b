"""The map: its mode toggle (heat or points, bound to the URL) and the map itself.

The base map stays the same while filters change (so the page does not reload it); the
events come as st_folium's `feature_group_to_add`. A click on a point selects its first
event (geo.app.selection) and is remembered, for the evidence panel's picker. The map's
centre and zoom are reported back (`current_view`, for the share link); a link's
`lat`/`lon`/`zoom` set where a new session's map opens.
"""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from geo.app import selection
from geo.view import mapview
from geo.view.assets import MapAssets
from geo.view.filters import (
    HEAT_PARAM,
    MapView,
    map_view_from_folium,
    map_view_from_query_params,
)
from geo.view.overview import bounds_from_folium
from geo.view.selection import focus_point

MAP_HEIGHT = 560

HEAT = HEAT_PARAM  # the toggle, bound to the URL
MAP = "map"
LAST_CLICK = "map_last_click"  # what st_folium last reported (it repeats it every run)
POINT = "map_point"  # (latitude, longitude) of the point last clicked
START_VIEW = "map_start_view"  # the view the link asked for, when the session began
VIEW = "map_view"  # the map's centre and zoom as last reported
BOUNDS = "map_bounds"  # the box the map shows, as last reported (the list beside it)
KEYS = (HEAT, MAP, LAST_CLICK, POINT, START_VIEW, VIEW, BOUNDS)


def mode() -> bool:
    """The map mode in the sidebar; True for the heat map."""
    st.sidebar.header("Map")
    return st.sidebar.toggle("Heat map", key=HEAT, bind="query-params")


def current_view() -> MapView | None:
    """Where the map looks now (as last reported), else where the link asked it to."""
    return st.session_state.get(VIEW) or st.session_state.get(START_VIEW)


def current_bounds():
    """The box the map shows (geo.view.overview.Bounds), as last reported; None before
    the map reported one."""
    return st.session_state.get(BOUNDS)


def clicked_point() -> tuple[float, float] | None:
    return st.session_state.get(POINT)


def forget_click() -> None:
    """Selecting from elsewhere (a table row, clearing): the clicked point is past."""
    st.session_state.pop(POINT, None)


def last_click_id() -> str:
    """Changes with every new click (the evidence panel's picker starts afresh)."""
    return str(st.session_state.get(LAST_CLICK))


def events_map(events, shown, features: dict, *, heat: bool, assets: MapAssets) -> None:
    """The map of `shown` (its `features`) over a base map fitted to every event."""
    if START_VIEW not in st.session_state:
        st.session_state[START_VIEW] = map_view_from_query_params(st.query_params.to_dict())
    start: MapView | None = st.session_state[START_VIEW]
    focus = focus_point(events, selection.focused())
    center, zoom = (focus, mapview.FOCUS_ZOOM) if focus else (None, None)
    if focus is None and start is not None:
        center, zoom = start.center, start.zoom
    clicked = st_folium(
        mapview.base_map(events, assets=assets),
        key=MAP,
        feature_group_to_add=mapview.events_layer(heat=heat, features=features),
        # The view comes back for the share link (panning reruns the page, which the
        # caches keep cheap: the map itself is not rebuilt).
        returned_objects=["last_object_clicked", "center", "zoom", "bounds"],
        center=center,
        zoom=zoom,
        height=MAP_HEIGHT,
        use_container_width=True,
    )
    view = map_view_from_folium(clicked)
    if view is not None:
        st.session_state[VIEW] = view
    bounds = bounds_from_folium(clicked)
    if bounds is not None:
        st.session_state[BOUNDS] = bounds
    point = (clicked or {}).get("last_object_clicked")
    if point and point != st.session_state.get(LAST_CLICK):
        st.session_state[LAST_CLICK] = point
        st.session_state[POINT] = (point["lat"], point["lng"])
        here = mapview.events_at(shown, point["lat"], point["lng"])
        if not here.empty:
            selection.select(str(here.iloc[0]["event_id"]), focus=False)
