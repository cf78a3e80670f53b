"""The events dashboard: `streamlit run dashboard.py`.

This script only wires widgets. The events come from geo.store (the database is seeded
from seeds/ on first start), filtering is geo.filters, the map is built by geo.mapview, and
the map's JavaScript and CSS are served by the app itself (geo.assets), so the page works
without internet access.

The filters are bound to the URL (`?dates=YYYY-MM-DD&dates=YYYY-MM-DD&source=…&q=…`, the
format of geo.filters.state_to_query_params): a copied link reopens the same view.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo import assets, filters, mapview
from geo.config import resolve_db_path
from geo.pipeline import ensure_seeded
from geo.store import load_events

MAP_HEIGHT = 560

st.set_page_config(page_title="News events map", page_icon="🗺️", layout="wide")


# --- cached loading (keyed on inputs, never on globals) -------------------------------------


@st.cache_resource(show_spinner=False)
def served_assets(base_url_path: str) -> assets.MapAssets:
    """Copy Leaflet & co. into static/vendor once per server process; their URLs."""
    installed = assets.install_assets()
    return assets.map_assets(base_url_path, outline=assets.OUTLINE_FILE in installed)


@st.cache_resource(show_spinner="First start: reading the seed articles into the database…")
def seeded(db_path: str) -> bool:
    """Ingest seeds/ when the database holds no article yet (once per process and path)."""
    ensure_seeded(db_path)
    return True


def database_stamp(db_path: Path) -> tuple:
    """Changes whenever the database does (its file or its write-ahead log)."""
    stamp = []
    for path in (db_path, db_path.with_name(db_path.name + "-wal")):
        try:
            info = path.stat()
        except OSError:
            stamp.append(None)
        else:
            stamp.append((info.st_mtime_ns, info.st_size))
    return tuple(stamp)


@st.cache_data(show_spinner="Loading events…", max_entries=4)
def events(db_path: str, stamp: tuple) -> pd.DataFrame:
    return load_events(db_path)


# --- data ---------------------------------------------------------------------------------------

db_path = resolve_db_path()
try:
    seeded(str(db_path))
except Exception as exc:  # a broken seed must not take the whole page down
    st.error(f"Could not read the seed articles into {db_path}: {exc}")

all_events = events(str(db_path), database_stamp(db_path))

# --- sidebar: the filters, bound to the URL ------------------------------------------------------

st.sidebar.header("Filters")
bounds = filters.date_bounds(all_events)
date_from: date | None = None
date_to: date | None = None
if bounds is not None and bounds[0] < bounds[1]:
    lo, hi = bounds
    chosen = st.session_state.get(filters.DATES_PARAM)
    if chosen is not None:  # the data changed under a remembered range:
        chosen = tuple(chosen)
        if chosen == st.session_state.get("date_bounds"):
            new = (lo, hi)  # it was the whole range: it stays the whole range
        else:
            new = tuple(max(lo, min(d, hi)) for d in chosen)  # keep it inside the data
        if new != chosen:
            st.session_state[filters.DATES_PARAM] = new
    st.session_state["date_bounds"] = (lo, hi)
    start, end = st.sidebar.slider(
        "Event dates",
        min_value=lo,
        max_value=hi,
        value=(lo, hi),
        format="YYYY-MM-DD",
        key=filters.DATES_PARAM,
        bind="query-params",
    )
    if (start, end) != (lo, hi):
        date_from, date_to = start, end
elif bounds is not None:
    st.sidebar.caption(f"All events are dated {bounds[0].isoformat()}.")

sources = st.sidebar.multiselect(
    "Publisher",
    filters.publishers(all_events),
    key=filters.SOURCE_PARAM,
    bind="query-params",
    placeholder="All publishers",
)
query = st.sidebar.text_input(
    "Search",
    key=filters.QUERY_PARAM,
    bind="query-params",
    max_chars=filters.MAX_QUERY_LENGTH,
    placeholder="place, sentence or title",
)

state = filters.FilterState(
    date_from=date_from, date_to=date_to, sources=tuple(sources), query=query
)
shown = filters.apply_filters(all_events, state)

# --- main: count, map, table ---------------------------------------------------------------------

st.title("News events map")
st.subheader(filters.count_label(len(shown)))
if all_events.empty:
    st.info(
        f"The database ({db_path}) holds no events yet. "
        "Add articles with `python -m geo ingest PATH`."
    )
elif shown.empty:
    st.info("No events match these filters: widen the dates, clear the publisher or the search.")
elif not state.is_default:
    st.caption(f"of {filters.count_label(len(all_events))} in the database")

base_url_path = st.get_option("server.baseUrlPath") or ""
st_folium(
    mapview.base_map(all_events, assets=served_assets(base_url_path)),
    key="map",
    feature_group_to_add=mapview.events_layer(shown),
    returned_objects=[],  # panning or clicking the map does not rerun the app
    height=MAP_HEIGHT,
    use_container_width=True,
)

if not shown.empty:
    table = pd.DataFrame(
        {
            "date": shown["event_date"].dt.date,
            "type": shown["event_type"],
            "place": shown["place"],
            "as written": shown["mention"],
            "publisher": shown["source"],
            "sentence": shown["sentence"],
            "article": shown["url"].map(mapview.safe_http_url),
        }
    )
    if table["article"].isna().all():
        table = table.drop(columns="article")
    st.dataframe(
        table,
        hide_index=True,
        column_config={
            "article": st.column_config.LinkColumn("article", display_text="open"),
            "sentence": st.column_config.TextColumn("sentence", width="large"),
        },
    )
