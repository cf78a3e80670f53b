"""The events dashboard: `streamlit run dashboard.py`.

Wiring only: each panel is a module of geo/app (which owns its session-state keys), the
logic behind them is geo/view (filters, map, evidence, overview, timeline, table), adding
articles geo/ingest. The map's JavaScript and CSS are served by the app itself (geo/view/assets.py),
so the page works without internet access. Every filter is bound to the URL, and so is
the selected event (`event=<id>`): a copied link reopens the same view.

Streamlit renders messages, captions and st.markdown as Markdown: every string from an
article, a file name or an error goes through `text()` (geo.view.plaintext) and shows as
it is.
"""

from __future__ import annotations

import streamlit as st

from geo.app import (
    add_articles,
    corrections,
    data,
    editor,
    evidence,
    export,
    filters,
    maps,
    overview,
    selection,
    sources,
    table,
    tabs,
    timeline,
)
from geo.store import redact_location
from geo.view import assets
from geo.view.filters import count_label
from geo.view.plaintext import markdown_text as text

st.set_page_config(page_title="News events map", page_icon="🗺️", layout="wide")


@st.cache_resource(show_spinner=False)
def served_assets(base_url_path: str) -> assets.MapAssets:
    """Copy Leaflet & co. into static/vendor once per server process; their URLs."""
    installed = assets.install_assets()
    return assets.map_assets(base_url_path, outline=assets.OUTLINE_FILE in installed)


db = data.load()
map_assets = served_assets(st.get_option("server.baseUrlPath") or "")
state = filters.sidebar(db)
map_mode = maps.mode()
access = editor.access()
# the slow answers of the panels below, asked side by side while the page draws
db.ask_ahead(
    state,
    markers=not (map_mode.heat or map_mode.provinces),
    in_view=overview.question(),
    day_counts=timeline.question(state, filters.period()),
)
shown = db.count(state)  # the panels ask the database for what they show (geo/app/data.py)
selection.start()

st.title("News events map")
head, link = st.columns([2, 3], vertical_alignment="bottom")
head.subheader(count_label(shown, db.hidden(state)))

# One slot, always there: the map below keeps its place in the page (and so is not
# reloaded) whether or not a note shows.
notice = st.container()
if db.empty:
    notice.info(
        f"The database ({text(redact_location(db.db_path))}) holds no events yet. "
        "Add articles below (Add articles) or with `python -m geo ingest PATH`."
    )
elif shown == 0:
    notice.info(
        "No events match these filters: widen the dates, clear the publisher or the search."
    )
elif not state.is_default:
    notice.caption(f"of {count_label(db.total)} in the database")


# The map and what follows its view: a pan or a zoom reports the new view, which reruns
# this fragment alone (the share link, the list of what is in view), not the timeline, the
# table and the tabs, and does not cut short a run of the whole page; a click that selects
# an event reruns the page (the corrections follow the selection).
@st.fragment
def map_and_view() -> None:
    # The map takes most of the width: it is what the page is for.
    map_column, evidence_column = st.columns([7, 3])
    with map_column:
        maps.events_map(db, state, mode=map_mode, assets=map_assets)
    export.share(link, state, mode=map_mode)  # after the map: the link has its view
    with evidence_column:
        evidence.panel(db, state)
        overview.event_list(db, state)  # the newest in the map's view (its last pan)


map_and_view()
timeline.panel(db, state, filters.period())

# Lazy tabs: only the open tab's panel runs (opening another reruns the page). A hidden
# panel still costs its elements at every filter change, on the server and in the page,
# which draws each one again: the four hidden ones were 42 of a run's 100 elements, and
# the correction tab draws a second map when an event is selected.
table_tab, totals_tab, add_tab, sources_tab, fix_tab, export_tab = tabs.under_map()
with table_tab:
    if table_tab.open:
        table.panel(db, state)
with totals_tab:
    if totals_tab.open:
        overview.totals_panel(db, state)
with add_tab:
    if add_tab.open:
        add_articles.panel(db.db_path, access)
with sources_tab:
    if sources_tab.open:
        sources.panel(db.db_path, can_edit=access.can_edit, reason=access.reason)
with fix_tab:
    if fix_tab.open:
        corrections.panel(db, access, assets=map_assets)
with export_tab:
    if export_tab.open:
        export.panel(db, state, mode=map_mode)
