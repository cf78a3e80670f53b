"""Correcting where the selected event's place is: another gazetteer place, a pin, or
not a place; stored as an override (geo.ingest.corrections), listed, and undone.

The form's decisions are geo.view.correction_form's.
"""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from geo.app import selection
from geo.app.data import Data
from geo.ingest import corrections
from geo.view import correction_form as form
from geo.view import mapview
from geo.view.assets import MapAssets
from geo.view.editing import Access
from geo.view.plaintext import markdown_text as text
from geo.view.table import country_name

PIN_MAP_HEIGHT = 320

HOW = "fix_how"
CANDIDATE = "fix_candidate"
PIN_MAP = "pin_map"
PIN_LAT = "pin_lat"
PIN_LON = "pin_lon"
PIN_FEATURE = "pin_feature"
PIN_SEEN = "pin_seen"  # the pin map's last click (st_folium repeats it every run)
SCOPE = "fix_scope"
NOTE = "fix_note"
SAVE = "fix_save"
REPORT = "fix_report"  # what the last save or undo did, shown after its rerun
LISTING = "fix_list"
UNDO_ID = "undo_id"
UNDO = "undo"
KEYS = (
    HOW,
    CANDIDATE,
    PIN_MAP,
    PIN_LAT,
    PIN_LON,
    PIN_FEATURE,
    PIN_SEEN,
    SCOPE,
    NOTE,
    SAVE,
    REPORT,
    LISTING,
    UNDO_ID,
    UNDO,
)


def panel(data: Data, access: Access, *, assets: MapAssets) -> None:
    """The correction form of the selected event (read from the database by its id)."""
    db_path = data.db_path
    if not access.can_edit:
        st.info(f"{access.reason} Viewers can see the corrections made, not make or undo one.")
        _listing(db_path, can_undo=False)
        return
    row = data.event(selection.selected())
    if row.empty:
        st.caption("Select an event (click a point or a table row) to correct its place.")
    else:
        _form(row.iloc[0], row, db_path, assets, access.made_by or "")  # the pin map opens on it
    if st.session_state.get(REPORT):
        st.success(text(st.session_state.pop(REPORT)))
    _listing(db_path, can_undo=True)


def _form(event, events, db_path, assets: MapAssets, made_by: str) -> None:
    subject = form.subject_of(event)
    controls, said = st.columns([3, 2])
    with said:  # what the text says, in view while correcting
        st.markdown("**The sentence**")
        st.html(form.sentence_html(event))
    with controls:
        _controls(event, subject, events, db_path, assets, made_by)


def _controls(event, subject, events, db_path, assets: MapAssets, made_by: str) -> None:
    st.markdown(
        f"Correct where **{text(subject.mention)}** is placed (now: {text(subject.place)}, "
        f"{text(subject.country_code or '?')}, {text(subject.precision or '?')}-level).",
        help="Stored as an override; the events move without re-ingesting.",
    )
    how = st.radio("It is", form.CHOICES, horizontal=True, key=HOW)
    place = None
    found = []
    if how == form.ANOTHER_PLACE:
        found = corrections.candidates(subject.mention, subject.country_code or None)
        if found:
            place = st.selectbox(
                "Gazetteer places named so",
                found,
                format_func=corrections.candidate_label,
                key=CANDIDATE,
            )
        else:
            st.caption("The gazetteer has no other place of that name: drop a pin instead.")
    elif how == form.DROPPED_PIN:
        place = _pin(subject, events.loc[events["event_id"] == event["event_id"]], assets)
    scope = st.radio(
        "Apply",
        corrections.SCOPES,
        format_func=corrections.SCOPE_LABELS.get,
        horizontal=True,
        key=SCOPE,
    )
    note = st.text_input("Note (why)", key=NOTE, max_chars=form.NOTE_MAX_CHARS)
    if st.button("Save the correction", key=SAVE, disabled=not form.can_save(how, found)):
        try:
            fix = corrections.correction_for(event, place, scope, note, made_by=made_by)
            override_id, moved = corrections.apply(db_path, fix)
        except (ValueError, RuntimeError) as exc:
            st.error(f"Not saved: {text(exc)}")
        else:
            st.session_state[REPORT] = form.saved_message(override_id, moved)
            st.rerun()


def _pin(subject: form.Subject, this_event, assets: MapAssets):
    """The pin map (opening on the event, its towns named) and the typed coordinates;
    the pinned place, in the country and region where it is."""
    st.caption("Click the map to drop the pin, or type the coordinates.")
    start_lat, start_lon = form.pin_start(subject)
    here = (st.session_state.get(PIN_LAT, start_lat), st.session_state.get(PIN_LON, start_lon))
    # The map opens where the event is (not fitted to every event), at a town's scale.
    base = mapview.base_map(this_event if subject.point else None, assets=assets)
    base.options["zoom"] = form.PIN_ZOOM if subject.point else base.options.get("zoom")
    towns = corrections.towns_near(*subject.point, form.LABEL_KM) if subject.point else []
    pin = st_folium(
        base,
        key=PIN_MAP,
        feature_group_to_add=[mapview.pin_layer(*here), form.labels_layer(towns)],
        returned_objects=["last_clicked"],
        center=subject.point,
        zoom=form.PIN_ZOOM,
        height=PIN_MAP_HEIGHT,
        use_container_width=True,
    )
    clicked = (pin or {}).get("last_clicked")
    dropped = form.dropped_pin(clicked, st.session_state.get(PIN_SEEN))
    if dropped is not None:
        st.session_state[PIN_SEEN] = clicked
        st.session_state[PIN_LAT], st.session_state[PIN_LON] = dropped
        st.rerun()  # draw the pin where it was dropped
    c1, c2, c3 = st.columns(3)
    lat = c1.number_input("Latitude", -90.0, 90.0, start_lat, format="%.6f", key=PIN_LAT)
    lon = c2.number_input("Longitude", -180.0, 180.0, start_lon, format="%.6f", key=PIN_LON)
    level = c3.selectbox("It is a", form.PIN_FEATURES, key=PIN_FEATURE)
    where = corrections.locate_pin(lat, lon)
    country = country_name(where.country_code) if where.country_code else ""
    label = form.located_label(country, where.admin1 or "")
    st.caption(f"The pin is {text(label)}." if label else "The pin is in no known country.")
    return corrections.pin_place(
        subject.mention,
        lat,
        lon,
        where.country_code,
        level,
        admin1=where.admin1,
        admin1_code=where.admin1_code,
    )


def _listing(db_path, *, can_undo: bool) -> None:
    made = corrections.listing(db_path)
    if made.empty:
        return
    st.markdown("**Corrections made** (newest first)")
    st.dataframe(made, hide_index=True, key=LISTING)
    if not can_undo:
        return
    u1, u2 = st.columns([1, 3], vertical_alignment="bottom")
    undo_id = u1.selectbox("Correction", made["id"].tolist(), key=UNDO_ID)
    if u2.button("Undo this correction", key=UNDO):
        changed = corrections.undo(db_path, int(undo_id))
        st.session_state[REPORT] = form.undone_message(undo_id, changed)
        st.rerun()
