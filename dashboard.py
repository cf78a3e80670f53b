"""The events dashboard: `streamlit run dashboard.py`.

This script only wires widgets. The events come from geo.store.sqlite (the database is seeded
from seeds/ on first start), filtering is geo.view.filters, the map geo.view.mapview, the evidence
panel and article reader geo.view.evidence, the timeline geo.view.timeline, adding articles
geo.ingest.upload, and the map's JavaScript and CSS are served by the app itself (geo.view.assets),
so the page works without internet access.

Every filter is bound to the URL (geo.view.filters describes the parameters), and so is the
selected event (`event=<id>`): a copied link reopens the same view.

Streamlit renders messages, captions and st.markdown as Markdown: every string from an
article, a file name or an error goes through `text()` (geo.view.plaintext) and shows as it is.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo.app.location import database_location
from geo.ingest import corrections, upload
from geo.ingest.pipeline import ensure_seeded
from geo.store import load_events, load_places, open_store, redact_location
from geo.view import assets, evidence, filters, mapview, timeline
from geo.view.export import to_csv, to_geojson
from geo.view.plaintext import markdown_text as text

MAP_HEIGHT = 560
STEP_SIZES = {"a day": 1, "a week": 7, "a month": 30}
MAX_REPORTED_PROBLEMS = 50  # lines of an upload's report; a broken CSV can have thousands

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


def database_stamp(db_path: Path) -> int:
    """Changes after every write to the store, by any process (Store.data_version)."""
    with open_store(db_path) as store:
        return store.data_version()


@st.cache_data(show_spinner="Loading events…", max_entries=4)
def events(db_path: str, stamp: int) -> pd.DataFrame:
    return load_events(db_path)


@st.cache_data(show_spinner=False, max_entries=16)
def filtered(db_path: str, stamp: int, state: filters.FilterState) -> pd.DataFrame:
    return filters.apply_filters(events(db_path, stamp), state)


@st.cache_data(show_spinner=False, max_entries=16)
def features(db_path: str, stamp: int, state: filters.FilterState) -> dict:
    return mapview.map_features(filtered(db_path, stamp, state))


@st.cache_data(show_spinner=False, max_entries=4)
def choices(db_path: str, stamp: int) -> dict[str, list[str]]:
    frame = events(db_path, stamp)
    return {
        "source": filters.publishers(frame),
        "cited": filters.cited_sources(frame),
        "type": filters.event_types(frame),
        "country": filters.countries(frame),
        "precision": filters.precisions(frame),
    }


# --- data ---------------------------------------------------------------------------------------

db_path = database_location()
try:
    seeded(str(db_path))
except Exception as exc:  # a broken seed must not take the whole page down
    st.error(f"Could not read the seed articles into {text(redact_location(db_path))}: {text(exc)}")

stamp = database_stamp(db_path)
all_events = events(str(db_path), stamp)
options = choices(str(db_path), stamp)

# --- sidebar: the filters, bound to the URL ------------------------------------------------------


def step_dates(forward: bool) -> None:
    """Button callback: move the date window by the chosen step."""
    bounds = filters.date_bounds(events(str(db_path), database_stamp(db_path)))
    if bounds is None:
        return
    current = tuple(st.session_state.get(filters.DATES_PARAM) or bounds)
    days = STEP_SIZES[st.session_state.get("step_size", "a week")]
    st.session_state[filters.DATES_PARAM] = timeline.step_window(current, bounds, days, forward)


def timeline_brushed() -> None:
    """Chart callback: a range brushed on the timeline becomes the date filter."""
    bounds = filters.date_bounds(events(str(db_path), database_stamp(db_path)))
    chosen = timeline.selected_range(st.session_state.get("timeline"))
    if bounds is None or chosen is None:
        return
    inside = timeline.clamp_range(chosen, bounds)
    if inside is not None and bounds[0] < bounds[1]:
        st.session_state[filters.DATES_PARAM] = inside


st.sidebar.header("Filters")
bounds = filters.date_bounds(all_events)
date_from: date | None = None
date_to: date | None = None
if bounds is not None and bounds[0] < bounds[1]:
    lo, hi = bounds
    if "dates_from_url" not in st.session_state:  # a new session: the link's dates
        st.session_state["dates_from_url"] = True
        asked = filters.state_from_query_params(
            {filters.DATES_PARAM: st.query_params.get_all(filters.DATES_PARAM)}
        )
        if asked.date_from or asked.date_to:
            first = max(lo, min(asked.date_from or lo, hi))
            last = max(lo, min(asked.date_to or hi, hi))
            st.session_state[filters.DATES_PARAM] = (first, max(first, last))
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
    if st.session_state.pop("play_tick", False):  # the play control's step
        step_dates(True)
    # The dates are kept in the URL by this script (as YYYY-MM-DD), not by Streamlit's
    # widget binding: steps, the play control and the timeline set them from code, and
    # Streamlit 1.67 writes such changes to the URL one run late.
    start, end = st.sidebar.slider(
        "Event dates",
        min_value=lo,
        max_value=hi,
        # set from code (a link, a step, the timeline): the state holds the value
        **({} if filters.DATES_PARAM in st.session_state else {"value": (lo, hi)}),
        format="YYYY-MM-DD",
        key=filters.DATES_PARAM,
    )
    if (start, end) != (lo, hi):
        date_from, date_to = start, end
        wanted = [start.isoformat(), end.isoformat()]
        if st.query_params.get_all(filters.DATES_PARAM) != wanted:
            st.query_params[filters.DATES_PARAM] = wanted
    elif filters.DATES_PARAM in st.query_params:
        del st.query_params[filters.DATES_PARAM]
    back, size, forward = st.sidebar.columns([1, 2, 1], vertical_alignment="bottom")
    size.selectbox("Step", list(STEP_SIZES), index=1, key="step_size", label_visibility="collapsed")
    back.button("◀", key="step_back", help="previous period", on_click=step_dates, args=(False,))
    forward.button("▶", key="step_forward", help="next period", on_click=step_dates, args=(True,))
    playing = st.sidebar.toggle("Play through the period", key="play")
elif bounds is not None:
    playing = False
    st.sidebar.caption(f"All events are dated {bounds[0].isoformat()}.")
else:
    playing = False


def multiselect(label: str, param: str, placeholder: str, **kwargs) -> list[str]:
    return st.sidebar.multiselect(
        label,
        options[param],
        key=param,
        bind="query-params",
        placeholder=placeholder,
        **kwargs,
    )


sources = multiselect("Publisher", filters.SOURCE_PARAM, "All publishers")
cited = multiselect("Cited source", filters.CITED_PARAM, "Anyone cited, or no one")
types = multiselect("Event type", filters.TYPE_PARAM, "All types")
countries = multiselect(
    "Country or region",
    filters.COUNTRY_PARAM,
    "Everywhere",
    format_func=lambda v: v.replace(filters.REGION_SEPARATOR, " · ", 1),
)
precisions = multiselect("Place known to", filters.PRECISION_PARAM, "Any precision")
query = st.sidebar.text_input(
    "Search",
    key=filters.QUERY_PARAM,
    bind="query-params",
    max_chars=filters.MAX_QUERY_LENGTH,
    placeholder="place, sentence or title",
)
st.sidebar.header("Map")
heat = st.sidebar.toggle("Heat map", key="heat", bind="query-params")

state = filters.FilterState(
    date_from=date_from,
    date_to=date_to,
    sources=tuple(sources),
    query=query,
    cited=tuple(cited),
    types=tuple(types),
    countries=tuple(countries),
    precisions=tuple(precisions),
)
shown = filtered(str(db_path), stamp, state)

if playing:
    in_full_run = {"now": True}

    @st.fragment(run_every=2.0)
    def play() -> None:
        """Every 2 s while "Play" is on: one step forward, on a full run (the slider
        can only be moved before it is drawn, see `play_tick` above)."""
        if in_full_run["now"]:  # drawn with the page: wait for the timer
            return
        if st.session_state.get("play"):
            st.session_state["play_tick"] = True
            st.rerun(scope="app")

    with st.sidebar:
        play()
    in_full_run["now"] = False

# --- the selected event (`event=<id>` in the URL) ----------------------------------------------

if "selected_event" not in st.session_state:
    st.session_state["selected_event"] = filters.event_from_query_params(st.query_params.to_dict())
    st.session_state["focus_event"] = st.session_state["selected_event"]


def select(event_id: str | None, *, focus: bool) -> None:
    st.session_state["selected_event"] = event_id
    if focus:
        st.session_state["focus_event"] = event_id
    if event_id:
        st.query_params[filters.EVENT_PARAM] = event_id
    elif filters.EVENT_PARAM in st.query_params:
        del st.query_params[filters.EVENT_PARAM]


def share_link() -> str:
    params = filters.state_to_query_params(state)
    if heat:
        params["heat"] = ["true"]
    if st.session_state.get("selected_event"):
        params[filters.EVENT_PARAM] = [st.session_state["selected_event"]]
    base = st.context.url or ""
    parts = urlsplit(base)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(params, doseq=True), ""))


# --- main: count, timeline, map and evidence ---------------------------------------------------

st.title("News events map")
head, link = st.columns([2, 3], vertical_alignment="bottom")
head.subheader(filters.count_label(len(shown)))
with link.popover("Copy share link", icon=":material/link:"):
    st.caption("This link reopens this view (filters, map mode and the selected event):")
    st.code(share_link(), language=None, wrap_lines=True)

# One slot, always there: the map below keeps its place in the page (and so is not
# reloaded) whether or not a note shows.
notice = st.container()
if all_events.empty:
    notice.info(
        f"The database ({text(redact_location(db_path))}) holds no events yet. "
        "Add articles below (Add articles) or with `python -m geo ingest PATH`."
    )
elif shown.empty:
    notice.info(
        "No events match these filters: widen the dates, clear the publisher or the search."
    )
elif not state.is_default:
    notice.caption(f"of {filters.count_label(len(all_events))} in the database")

map_column, evidence_column = st.columns([3, 2])
focus = None
focus_id = st.session_state.get("focus_event")
if focus_id:
    row = all_events.loc[all_events["event_id"] == focus_id]
    if not row.empty and pd.notna(row.iloc[0]["latitude"]):
        focus = (float(row.iloc[0]["latitude"]), float(row.iloc[0]["longitude"]))

with map_column:
    base_url_path = st.get_option("server.baseUrlPath") or ""
    clicked = st_folium(
        mapview.base_map(all_events, assets=served_assets(base_url_path)),
        key="map",
        feature_group_to_add=mapview.events_layer(
            heat=heat, features=features(str(db_path), stamp, state)
        ),
        returned_objects=["last_object_clicked"],  # panning does not rerun the app
        center=focus,
        zoom=mapview.FOCUS_ZOOM if focus else None,
        height=MAP_HEIGHT,
        use_container_width=True,
    )

point = (clicked or {}).get("last_object_clicked")
if point and point != st.session_state.get("last_click"):
    st.session_state["last_click"] = point
    here = mapview.events_at(shown, point["lat"], point["lng"])
    st.session_state["clicked_point"] = (point["lat"], point["lng"])
    if not here.empty:
        select(str(here.iloc[0]["event_id"]), focus=False)

with evidence_column:
    st.subheader("Evidence")
    selected = st.session_state.get("selected_event")
    reports = evidence.reports_for(all_events, selected)
    if reports.empty:
        st.caption("Click a point on the map, or a row of the table, to see every report of it.")
    else:
        point_events = pd.DataFrame()
        if st.session_state.get("clicked_point"):
            point_events = mapview.events_at(shown, *st.session_state["clicked_point"])
        if selected not in set(point_events.get("event_id", [])):
            point_events = pd.DataFrame()
        groups = evidence.happenings(point_events) if not point_events.empty else []
        if len(groups) > 1:
            labels = {
                str(g.iloc[0]["event_id"]): (
                    f"{mapview.format_event_date(g.iloc[0]['event_date'])} · "
                    f"{g.iloc[0]['event_type']} · {g.iloc[0]['source']}"
                    + (f" (+{len(g) - 1})" if len(g) > 1 else "")
                )
                for g in groups
            }
            current = next(
                (k for k, g in zip(labels, groups, strict=True) if selected in set(g["event_id"])),
                next(iter(labels)),
            )
            picked = st.selectbox(
                f"{len(groups)} happenings at this place",
                list(labels),
                index=list(labels).index(current),
                format_func=labels.get,
                key=f"pick_{st.session_state.get('last_click')}",
            )
            if picked != current:
                select(picked, focus=False)
                st.rerun()
        st.html(evidence.evidence_html(reports))
        articles = list(dict.fromkeys(reports["article_id"].astype(str)))
        with st.expander("Read the article, every place name highlighted"):
            article_id = st.selectbox(
                "Article",
                articles,
                format_func=lambda a: str(
                    reports.loc[reports["article_id"] == a, "title"].iloc[0] or a
                ),
                key="reader_article",
            )
            article = evidence.read_article(db_path, article_id) if article_id else None
            if article is None:
                st.caption("The article is not in the database.")
            else:
                st.caption("Hover a highlighted name to see where it was placed and how.")
                st.html(evidence.article_html(article.text, load_places(db_path, article_id)))
        if st.button("Clear selection", key="clear_selection"):
            select(None, focus=True)
            st.session_state.pop("clicked_point", None)
            st.rerun()

if not shown.empty:  # the timeline: brushing a range sets the date filter
    stack = st.segmented_control(
        "Timeline stacked by",
        ["type", "publisher"],
        default="type",
        key="stack",
        label_visibility="collapsed",
    )
    counts = timeline.daily_counts(shown, stack or "type")
    st.altair_chart(
        timeline.timeline_chart(counts, stack or "type"),
        key="timeline",
        on_select=timeline_brushed,
        selection_mode=timeline.BRUSH,
        width="stretch",
    )
    st.caption("Drag across the timeline to set the date range.")


# --- below: table, adding articles, corrections, export ---------------------------------------

table_tab, add_tab, fix_tab, export_tab = st.tabs(
    ["Table", "Add articles", "Correct a place", "Export"]
)

with table_tab:
    if shown.empty:
        st.caption("No events to list.")
    else:
        table = pd.DataFrame(
            {
                "date": shown["event_date"].dt.date,
                "type": shown["event_type"],
                "place": shown["place"],
                "as written": shown["mention"],
                "precision": shown["precision"],
                "publisher": shown["source"],
                "cited": shown["cited_sources"],
                "sentence": shown["sentence"],
                "article": shown["url"].map(mapview.safe_http_url),
            }
        )
        if table["article"].isna().all():
            table = table.drop(columns="article")
        picked = st.dataframe(
            table,
            hide_index=True,
            key="table",
            on_select="rerun",
            selection_mode="single-row",
            column_config={
                "article": st.column_config.LinkColumn("article", display_text="open"),
                "sentence": st.column_config.TextColumn("sentence", width="large"),
            },
        )
        rows = picked.selection.rows if picked else []
        if rows and rows[0] < len(shown):
            chosen_id = str(shown.iloc[rows[0]]["event_id"])
            if chosen_id != st.session_state.get("table_choice"):
                st.session_state["table_choice"] = chosen_id
                st.session_state.pop("clicked_point", None)
                select(chosen_id, focus=True)
                st.rerun()

with add_tab:
    st.caption(
        f"Files: {', '.join(upload.ALLOWED_EXTENSIONS)}; at most {upload.MAX_FILES} files, "
        f"{upload.MAX_FILE_BYTES // (1024 * 1024)} MB each. CSV and JSONL: one article per row."
    )
    with st.form("upload_form", clear_on_submit=True):
        files = st.file_uploader(  # types are checked by geo.ingest.upload, one reason per file
            "Upload articles",
            accept_multiple_files=True,
            key="upload_files",
        )
        sent = st.form_submit_button("Add the files")
    with st.form("paste_form", clear_on_submit=True):
        pasted_text = st.text_area("Or paste an article", height=160, key="paste_text")
        c1, c2, c3, c4 = st.columns(4)
        pasted_title = c1.text_input("Title", key="paste_title")
        pasted_source = c2.text_input("Publisher", key="paste_source")
        pasted_url = c3.text_input("URL", key="paste_url")
        pasted_date = c4.date_input("Published", value=None, key="paste_date")
        pasted = st.form_submit_button("Add the text")

    def run_ingest(label: str, work) -> None:
        bar = st.progress(0.0, text=f"{label}: reading…")

        def progress(done: int, total: int) -> None:
            bar.progress(done / total if total else 1.0, text=f"{label}: {done} of {total}")

        try:
            result = work(progress)
        except Exception as exc:  # report, never crash the page
            bar.empty()
            st.error(f"{label} failed: {text(exc)}")
            return
        bar.progress(1.0, text=f"{label}: done")
        st.session_state["upload_report"] = {
            "lines": upload.result_lines(result),
            "notes": [(e.origin, e.reason) for e in result.notes],
            "errors": [(e.origin, e.reason) for e in result.errors],
        }
        st.rerun()  # the database changed: reload the events

    if sent and files:
        payload = [(f.name, f.getvalue()) for f in files]
        run_ingest("Upload", lambda p: upload.ingest_files(payload, db_path, progress=p))
    elif sent:
        st.warning("Choose one or more files first.")
    if pasted:
        article = upload.PastedArticle(
            pasted_text, pasted_title, pasted_source, pasted_url, pasted_date
        )
        run_ingest("Pasted text", lambda p: upload.ingest_pasted(article, db_path, progress=p))
    report = st.session_state.get("upload_report")
    if report:
        for line in report["lines"]:
            st.success(text(line))
        for origin, reason in report.get("notes", []):
            st.warning(f"{text(origin)}: {text(reason)}")
        for origin, reason in report["errors"][:MAX_REPORTED_PROBLEMS]:
            st.error(f"{text(origin)}: {text(reason)}")
        more = len(report["errors"]) - MAX_REPORTED_PROBLEMS
        if more > 0:
            st.caption(f"… and {more:,} more not read.")

with fix_tab:
    selected_row = all_events.loc[all_events["event_id"] == st.session_state.get("selected_event")]
    if not corrections.available():
        st.info("Place corrections need the geo.place.overrides module, which this version lacks.")
    elif selected_row.empty:
        st.caption("Select an event (click a point or a table row) to correct its place.")
    else:
        event = selected_row.iloc[0]
        mention = str(event["mention"] or event["place"] or "")
        st.markdown(
            f"Correct where **{text(mention)}** is placed (now: {text(event['place'])}, "
            f"{text(event['country_code'] or '?')}, {text(event['precision'] or '?')}-level).",
            help="Stored as an override; the events move without re-ingesting.",
        )
        how = st.radio(
            "It is",
            ["another gazetteer place", "where I drop a pin", "not a place"],
            horizontal=True,
            key="fix_how",
        )
        place = None
        ready = True
        if how == "another gazetteer place":
            found = corrections.candidates(mention, str(event["country_code"] or "") or None)
            if not found:
                st.caption("The gazetteer has no other place of that name: drop a pin instead.")
                ready = False
            else:
                place = st.selectbox(
                    "Gazetteer places named so",
                    found,
                    format_func=corrections.candidate_label,
                    key="fix_candidate",
                )
        elif how == "where I drop a pin":
            st.caption("Click the map to drop the pin, or type the coordinates.")
            pin_map = mapview.base_map(all_events, assets=served_assets(base_url_path))
            here = (
                st.session_state.get("pin_lat", event["latitude"]),
                st.session_state.get("pin_lon", event["longitude"]),
            )
            pin = st_folium(
                pin_map,
                key="pin_map",
                feature_group_to_add=mapview.pin_layer(*here) if pd.notna(here[0]) else None,
                returned_objects=["last_clicked"],
                center=(float(event["latitude"]), float(event["longitude"]))
                if pd.notna(event["latitude"])
                else None,
                zoom=9,
                height=320,
                use_container_width=True,
            )
            clicked_pin = (pin or {}).get("last_clicked")
            if clicked_pin and clicked_pin != st.session_state.get("pin_seen"):
                st.session_state["pin_seen"] = clicked_pin
                st.session_state["pin_lat"] = round(float(clicked_pin["lat"]), 6)
                st.session_state["pin_lon"] = round(float(clicked_pin["lng"]), 6)
                st.rerun()  # draw the pin where it was dropped
            c1, c2, c3 = st.columns(3)
            lat = c1.number_input(
                "Latitude",
                -90.0,
                90.0,
                float(event["latitude"] or 0.0),
                format="%.6f",
                key="pin_lat",
            )
            lon = c2.number_input(
                "Longitude",
                -180.0,
                180.0,
                float(event["longitude"] or 0.0),
                format="%.6f",
                key="pin_lon",
            )
            level = c3.selectbox(
                "It is a", ["landmark", "neighbourhood", "city"], key="pin_feature"
            )
            place = corrections.pin_place(
                mention, lat, lon, str(event["country_code"] or ""), level
            )
        scope = st.radio(
            "Apply",
            corrections.SCOPES,
            format_func=corrections.SCOPE_LABELS.get,
            horizontal=True,
            key="fix_scope",
        )
        note = st.text_input("Note (why)", key="fix_note", max_chars=300)
        if st.button("Save the correction", key="fix_save", disabled=not ready):
            try:
                fix = corrections.correction_for(event, place, scope, note)
                override_id, moved = corrections.apply(db_path, fix)
            except (ValueError, RuntimeError) as exc:
                st.error(f"Not saved: {text(exc)}")
            else:
                st.session_state["fix_report"] = (
                    f"Correction {override_id} saved: {moved} place mention(s) changed."
                )
                st.rerun()
    if st.session_state.get("fix_report"):
        st.success(text(st.session_state.pop("fix_report")))
    if corrections.available():
        made = corrections.listing(db_path)
        if not made.empty:
            st.markdown("**Corrections made** (newest first)")
            st.dataframe(made, hide_index=True, key="fix_list")
            u1, u2 = st.columns([1, 3], vertical_alignment="bottom")
            undo_id = u1.selectbox("Correction", made["id"].tolist(), key="undo_id")
            if u2.button("Undo this correction", key="undo"):
                changed = corrections.undo(db_path, int(undo_id))
                st.session_state["fix_report"] = (
                    f"Correction {undo_id} removed: {changed or 0} place mention(s) changed back."
                )
                st.rerun()

with export_tab:
    st.caption(f"The filtered view: {filters.count_label(len(shown))}.")
    downloads = (
        ("CSV", lambda: to_csv(shown), "events.csv", "text/csv", "export_csv"),
        ("GeoJSON", lambda: to_geojson(shown), "events.geojson", "application/geo+json",
         "export_geojson"),
        ("HTML map", lambda: mapview.standalone_html(shown, heat=heat), "events-map.html",
         "text/html", "export_html"),
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
