"""The Sources panel: the feeds watched from the database, with their state (last success,
last error, next poll, as `python -m geo watch` keeps it), and, for an editor, a form to
add a feed and one to stop watching one.

A feed added here is stored (Store.add_source) after the same checks as a [[source]] of a
sources file (geo.read.watch.check_source); a running `geo watch` re-reads the list before
each round, so it polls a new feed within a minute, without a restart. The write actions
take `can_edit` from dashboard.py (the editor check), and show its reason when refused.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import streamlit as st

from geo.read.watch import SourceState, check_source
from geo.store import StoredSource, open_store
from geo.view.plaintext import markdown_text as text

ADD_FORM = "source_add"
ADD_URL = "source_url"
ADD_NAME = "source_name"
ADD_INTERVAL = "source_interval"
ADD_LANGUAGE = "source_language"
REMOVE_FORM = "source_remove"
REMOVE_URL = "source_remove_url"
REPORT = "sources_report"  # what the last add or remove did, shown after its rerun
KEYS = (
    ADD_FORM,
    ADD_URL,
    ADD_NAME,
    ADD_INTERVAL,
    ADD_LANGUAGE,
    REMOVE_FORM,
    REMOVE_URL,
    REPORT,
)
COLUMNS = (
    "name",
    "url",
    "interval (min)",
    "language",
    "last success",
    "last error",
    "next poll",
    "added",
)
ADDED_BY = "dashboard"  # who added a feed, until editors have names (the editor check)
NOT_EDITOR = "Only an editor can add or remove feeds."


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value is not None else ""


def sources_frame(
    sources: list[StoredSource], states: dict[str, SourceState | None]
) -> pd.DataFrame:
    """One row per stored feed (COLUMNS), its state from `states` (url -> state or None)."""
    rows = []
    for source in sources:
        state = states.get(source.url)
        rows.append(
            {
                "name": source.name or "",
                "url": source.url,
                "interval (min)": f"{source.interval_minutes:g}",
                "language": source.language or "",
                "last success": _when(state.last_success) if state else "",
                "last error": (state.last_error or "") if state else "",
                # No state: never polled (is `geo watch` running?).
                "next poll": _when(state.next_poll) if state else "not polled yet",
                "added": source.added_at,
            }
        )
    return pd.DataFrame(rows, columns=list(COLUMNS))


def _listing(db_path) -> tuple[list[StoredSource], dict[str, SourceState | None]]:
    with open_store(db_path) as store:
        sources = store.list_sources()
        return sources, {s.url: store.source_state(s.url) for s in sources}


def panel(db_path, *, can_edit: bool, reason: str | None = None) -> None:
    """The panel; `can_edit`: whether this visitor may add and remove feeds (else
    `reason` says why not)."""
    st.caption(
        "Feeds watched by `python -m geo watch` besides those of its sources file (it "
        "re-reads this list every minute; cron's `--once` at each run)."
    )
    if st.session_state.get(REPORT):
        st.success(text(st.session_state.pop(REPORT)))
    sources, states = _listing(db_path)
    if sources:
        st.dataframe(sources_frame(sources, states), hide_index=True)
    else:
        st.caption("No feed is watched from the database yet.")
    if not can_edit:
        st.info(text(reason or NOT_EDITOR))
        return
    _add_form(db_path)
    if sources:
        _remove_form(db_path, [s.url for s in sources])


def _add_form(db_path) -> None:
    with st.form(ADD_FORM, clear_on_submit=False):
        st.markdown("**Watch a feed**")
        c1, c2, c3, c4 = st.columns([4, 2, 1, 1])
        url = c1.text_input("Feed URL (RSS or Atom)", key=ADD_URL)
        name = c2.text_input("Name (the publisher; optional)", key=ADD_NAME)
        interval = c3.text_input("Every (minutes, or 90s, 2h)", value="15", key=ADD_INTERVAL)
        language = c4.text_input("Language (optional)", key=ADD_LANGUAGE)
        sent = st.form_submit_button("Watch this feed")
    if not sent:
        return
    table = {"url": url.strip(), "interval": interval.strip() or "15"}
    if name.strip():
        table["name"] = name
    if language.strip():
        table["language"] = language
    source, problems = check_source(table, "The new feed")
    if problems or source is None:
        for problem in problems:
            st.error(text(problem))
        return
    with open_store(db_path) as store:
        added = store.add_source(source, added_by=ADDED_BY)
    if not added:
        st.warning(f"{text(source.url)} is watched already.")
        return
    st.session_state[REPORT] = f"Watching {source.label} every {source.interval / 60:g} min."
    for key in (ADD_URL, ADD_NAME, ADD_LANGUAGE):
        st.session_state.pop(key, None)
    st.rerun()


def _remove_form(db_path, urls: list[str]) -> None:
    with st.form(REMOVE_FORM):
        url = st.selectbox("Stop watching", urls, key=REMOVE_URL)
        sent = st.form_submit_button("Stop watching this feed")
    if not sent or not url:
        return
    with open_store(db_path) as store:
        removed = store.remove_source(url)
    st.session_state[REPORT] = (
        f"Stopped watching {url}." if removed else f"{url} was not watched any more."
    )
    st.rerun()
