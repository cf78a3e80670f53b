"""The map: its mode (points, heat or counts per province, and what a point's size shows;
bound to the URL) and the map itself.

The base map stays the same while filters change (so the page does not reload it); the
events come as st_folium's `feature_group_to_add`. A click on a point selects its first
event (geo.app.selection) and is remembered, for the evidence panel's picker. The map's
centre and zoom are reported back (`current_view`, for the share link); a link's
`lat`/`lon`/`zoom` set where a new session's map opens. Town names on the map come from
the offline gazetteer, for the countries of the events.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from streamlit_folium import st_folium

from geo.app import selection
from geo.app.data import Data
from geo.view import mapview
from geo.view.assets import MapAssets
from geo.view.filters import (
    HEAT_PARAM,
    PROVINCES_PARAM,
    SIZE_PARAM,
    FilterState,
    MapView,
    map_view_from_folium,
    map_view_from_query_params,
)
from geo.view.overview import bounds_from_folium
from geo.view.selection import focus_point

MAP_HEIGHT = 560

HEAT = HEAT_PARAM  # the toggles and the size choice, bound to the URL
PROVINCES = PROVINCES_PARAM
SIZE = SIZE_PARAM
MAP = "map"
LAST_CLICK = "map_last_click"  # what st_folium last reported (it repeats it every run)
POINT = "map_point"  # (latitude, longitude) of the point last clicked
START_VIEW = "map_start_view"  # the view the link asked for, when the session began
VIEW = "map_view"  # the map's centre and zoom as last reported
BOUNDS = "map_bounds"  # the box the map shows, as last reported (the list beside it)
KEYS = (HEAT, PROVINCES, SIZE, MAP, LAST_CLICK, POINT, START_VIEW, VIEW, BOUNDS)


@dataclass(frozen=True)
class Mode:
    """What the map shows: a heat map, counts per province, or points (the default),
    sized by events or by deaths."""

    heat: bool = False
    provinces: bool = False
    size_by: str = "events"


def mode() -> Mode:
    """The map mode in the sidebar (the heat map wins over counts per province)."""
    st.sidebar.header("Map")
    heat = st.sidebar.toggle("Heat map", key=HEAT, bind="query-params")
    provinces = st.sidebar.toggle(
        "Counts per province",
        key=PROVINCES,
        bind="query-params",
        disabled=heat,
        help="Countries shaded by their events, a circle with the count per region",
    )
    size_by = st.sidebar.radio(
        "Point size",
        mapview.SIZE_BY,
        key=SIZE,
        bind="query-params",
        horizontal=True,
        format_func=lambda v: {"events": "events", "deaths": "deaths"}[v],
        disabled=heat or provinces,
    )
    return Mode(heat=heat, provinces=provinces and not heat, size_by=size_by or "events")


@st.cache_data(show_spinner=False, max_entries=8)
def _labels(countries: tuple[str, ...]) -> list[list]:
    from geo.place.gazetteer import default_gazetteer

    return mapview.town_labels(countries, default_gazetteer())


@st.cache_data(show_spinner=False, max_entries=8)
def _province_centres(regions: tuple[tuple[str, str], ...]) -> dict[tuple[str, str], tuple]:
    from geo.place.gazetteer import default_gazetteer

    centre = mapview.gazetteer_admin1_centre(default_gazetteer())
    return {key: centre(*key) for key in regions}


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


def events_map(data: Data, state: FilterState, *, mode: Mode, assets: MapAssets) -> None:
    """The map of the events `state` shows (their features, from the database) in `mode`
    over a base map fitted to every event, named with the towns of their countries."""
    features = data.features(state)
    if START_VIEW not in st.session_state:
        st.session_state[START_VIEW] = map_view_from_query_params(st.query_params.to_dict())
    start: MapView | None = st.session_state[START_VIEW]
    focused = selection.focused()
    focus = focus_point(data.event(focused), focused)
    center, zoom = (focus, mapview.FOCUS_ZOOM) if focus else (None, None)
    if focus is None and start is not None:
        center, zoom = start.center, start.zoom
    regions = tuple(
        sorted(
            {
                (f["properties"]["country"], f["properties"]["admin1"])
                for f in features["features"]
                if mode.provinces and f["properties"].get("admin1")
            }
        )
    )
    centres = _province_centres(regions) if regions else {}
    layer = mapview.events_layer(
        heat=mode.heat,
        provinces=mode.provinces,
        size_by=mode.size_by,
        features=features,
        admin1_centre=lambda country, name: centres.get((country, name)),
        written=None if mode.heat or mode.provinces else data.written_features(state),
    )
    labels = _labels(data.countries())
    clicked = st_folium(
        mapview.base_map(data.extent(), assets=assets, labels=labels),
        key=MAP,
        feature_group_to_add=layer,
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
        here = data.events_at(state, (point["lat"], point["lng"]))
        if not here.empty:
            selection.select(str(here.iloc[0]["event_id"]), focus=False)
            # The map runs in a fragment (dashboard.py), the selection is the page's (the
            # corrections tab follows it): the whole page runs again, once (the click
            # is remembered as the last one).
            st.rerun(scope="app")
    # The clicked point's popup, for the map's script to open (the features carry none:
    # popups were most of the bytes of every rerun).
    clicked_at = clicked_point()
    if clicked_at is not None and not (mode.heat or mode.provinces):
        popup = data.popup(state, clicked_at)
        if popup is not None:
            st.html(mapview.popup_source(clicked_at, popup))
