"""The export tab (the filtered view as CSV, GeoJSON or a standalone HTML map) and the
share link (the view as a URL)."""

from __future__ import annotations

import streamlit as st

from geo.app import maps, selection
from geo.app.data import Data
from geo.view import mapview
from geo.view import share as share_button
from geo.view.export import to_csv, to_geojson
from geo.view.filters import FilterState, count_label, share_link

CSV = "export_csv"
GEOJSON = "export_geojson"
HTML_MAP = "export_html"
KEYS = (CSV, GEOJSON, HTML_MAP)


def share(container, state: FilterState, *, mode: maps.Mode) -> None:
    """In `container`: a button that copies the share link, and the link as text.

    Called after the map is drawn, so that the link has the map's view of this run.
    """
    link = share_link(
        state,
        heat=mode.heat,
        provinces=mode.provinces,
        size_by=mode.size_by,
        event_id=selection.selected(),
        base_url=st.context.url or "",
        view=maps.current_view(),
    )
    with container:
        st.iframe(share_button.copy_button_html(link), height=share_button.BUTTON_HEIGHT)
        st.caption("This link reopens this view (filters, map mode and view, selected event):")
        st.text(link)


def panel(data: Data, state: FilterState, *, mode: maps.Mode) -> None:
    """The downloads of the events `state` shows (the map's in `mode`): every matching
    row is read from the database when a file is asked for, not before."""
    st.caption(f"The filtered view: {count_label(data.count(state))}.")
    rows = lambda: data.matching(state)  # noqa: E731
    downloads = (
        ("CSV", lambda: to_csv(rows()), "events.csv", "text/csv", CSV),
        ("GeoJSON", lambda: to_geojson(rows()), "events.geojson", "application/geo+json",
         GEOJSON),
        ("HTML map", lambda: mapview.standalone_html(
            rows(), heat=mode.heat, provinces=mode.provinces, size_by=mode.size_by),
         "events-map.html",
         "text/html", HTML_MAP),
    )  # fmt: skip
    for column, (label, make, file_name, mime, key) in zip(
        st.columns(len(downloads)), downloads, strict=True
    ):
        column.download_button(
            label,
            data=make,
            file_name=file_name,
            mime=mime,
            key=key,
            on_click="ignore",  # no rerun: the file is made when asked for
        )
