"""The export tab (the filtered view as CSV, GeoJSON or a standalone HTML map) and the
share link (the view as a URL)."""

from __future__ import annotations

import streamlit as st

from geo.app import selection
from geo.view import mapview
from geo.view.export import to_csv, to_geojson
from geo.view.filters import FilterState, count_label, share_link

CSV = "export_csv"
GEOJSON = "export_geojson"
HTML_MAP = "export_html"
KEYS = (CSV, GEOJSON, HTML_MAP)


def share(container, state: FilterState, *, heat: bool) -> None:
    """The share link in a popover of `container`."""
    with container.popover("Copy share link", icon=":material/link:"):
        st.caption("This link reopens this view (filters, map mode and the selected event):")
        link = share_link(
            state, heat=heat, event_id=selection.selected(), base_url=st.context.url or ""
        )
        st.code(link, language=None, wrap_lines=True)


def panel(shown, *, heat: bool) -> None:
    st.caption(f"The filtered view: {count_label(len(shown))}.")
    downloads = (
        ("CSV", lambda: to_csv(shown), "events.csv", "text/csv", CSV),
        ("GeoJSON", lambda: to_geojson(shown), "events.geojson", "application/geo+json", GEOJSON),
        ("HTML map", lambda: mapview.standalone_html(shown, heat=heat), "events-map.html",
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
