"""The evidence panel: every report of the selected happening, the picker when a point
holds several, and the article reader with every place name highlighted."""

from __future__ import annotations

import streamlit as st

from geo.app import maps, selection
from geo.app.data import Data
from geo.view import evidence
from geo.view.filters import FilterState
from geo.view.selection import happening_picker

PICK = "evidence_pick_"  # + the click it answers: a new click starts a new picker
ARTICLE = "evidence_article"
CLEAR = "evidence_clear"
KEYS = (PICK, ARTICLE, CLEAR)


def panel(data: Data, state: FilterState) -> None:
    st.subheader("Evidence")
    selected = selection.selected()
    reports = data.reports(selected)
    if reports.empty:
        st.caption("Click a point on the map, or a row of the table, to see every report of it.")
        return
    point = maps.clicked_point()
    here = data.events_at(state, point) if point is not None else None
    picker = happening_picker(here, point, selected) if here is not None else None
    if picker is not None:
        keys = list(picker.labels)
        picked = st.selectbox(
            f"{len(keys)} happenings at this place",
            keys,
            index=keys.index(picker.current),
            format_func=picker.labels.get,
            key=PICK + maps.last_click_id(),
        )
        if picked != picker.current:
            selection.select(picked, focus=False)
            st.rerun()
    st.html(evidence.evidence_html(reports, _named_in(data, reports)))
    _reader(data, reports)
    if st.button("Clear selection", key=CLEAR):
        selection.select(None, focus=True)
        maps.forget_click()
        st.rerun()


def _named_in(data: Data, reports) -> dict[str, str]:
    """For each report whose sentence does not name its place: the sentence that does."""
    found: dict[str, str] = {}
    for row in reports.head(evidence.MAX_REPORTS).to_dict("records"):
        if evidence.names_its_place(row):
            continue  # the usual case: no article to read
        article = data.article(str(row["article_id"]))
        if article is None:
            continue
        named = evidence.place_sentence(article.text, data.places(article.article_id), row)
        if named:
            found[str(row["event_id"])] = named
    return found


def _reader(data: Data, reports) -> None:
    articles = list(dict.fromkeys(reports["article_id"].astype(str)))
    titles = {
        a: str(reports.loc[reports["article_id"] == a, "title"].iloc[0] or a) for a in articles
    }
    with st.expander("Read the article, every place name highlighted"):
        article_id = st.selectbox("Article", articles, format_func=titles.get, key=ARTICLE)
        article = data.article(article_id) if article_id else None
        if article is None:
            st.caption("The article is not in the database.")
        else:
            st.caption("Hover a highlighted name to see where it was placed and how.")
            st.html(evidence.article_html(article.text, data.places(article_id)))
