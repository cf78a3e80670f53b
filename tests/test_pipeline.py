"""The whole path on the seed articles: real spaCy model, real gazetteer."""

from __future__ import annotations

from datetime import date

import pytest

from geo.config import SEEDS_DIR
from geo.ingest.pipeline import analyze, ingest_paths, with_publication_date
from geo.models import Article
from geo.place.gazetteer import default_gazetteer
from geo.read.articles import read_paths
from geo.store import AnalyzedArticle, load_events, load_places, open_store


@pytest.fixture(scope="module")
def seeds() -> dict[str, AnalyzedArticle]:
    gazetteer = default_gazetteer()
    articles = [a for a in read_paths([SEEDS_DIR]) if isinstance(a, Article)]
    return {a.article_id[:3]: analyze(a, gazetteer) for a in articles}


def places_named(analyzed: AnalyzedArticle, text: str):
    return [p for p in analyzed.places if p.mention.text == text]


@pytest.mark.parametrize(
    ("seed", "name", "geonameid"),
    [
        ("000", "Aleppo", 170063),
        ("003", "Aleppo", 170063),
        ("003", "Jarablus", 169179),
        ("000", "Damascus", 170654),
        ("000", "Syria", 163843),
        ("003", "Syria", 163843),
        ("003", "Moscow", 524901),
        ("003", "Iraq", 99237),
    ],
)
def test_golden_places_in_the_seeds(seeds, seed, name, geonameid) -> None:
    found = places_named(seeds[seed], name)
    assert found, f"{name} not found in seed {seed}"
    ids = {p.place.geonameid for p in found if p.place}
    assert ids == {geonameid}, f"{name} in seed {seed}: expected {geonameid}, got {ids}"


@pytest.mark.parametrize(
    ("seed", "name"),
    [("000", "1070 Apartments"), ("003", "Ramouseh"), ("003", "al-Sukkari"),
     ("003", "Castello road")],
)  # fmt: skip
def test_small_places_are_found_and_not_placed_wrongly(seeds, seed, name) -> None:
    found = places_named(seeds[seed], name)
    assert found, f"{name} dropped from seed {seed}"
    for place in found:
        # unresolved, or approximately at Aleppo, the city they are in; never elsewhere
        assert place.place is None or (place.place.geonameid == 170063 and place.approximate)


def test_dateline_is_not_an_event_place(seeds) -> None:
    first = seeds["000"].places[0]
    assert first.mention.text == "Damascus" and first.mention.kind == "dateline"
    assert all(e.location.mention.kind == "toponym" for e in seeds["000"].events)


def test_events_of_the_seeds(seeds) -> None:
    events_000, events_003 = seeds["000"].events, seeds["003"].events
    assert events_000 and events_003
    assert sum(e.is_primary for e in events_000) == 1
    assert sum(e.is_primary for e in events_003) == 1
    jarablus = [e for e in events_003 if e.location.mention.text == "Jarablus"]
    assert jarablus and jarablus[0].event_date == date(2016, 9, 8)
    assert "Reuters" in jarablus[0].cited_sources
    retaken = [e for e in events_000 if "1070 Apartments area as well" in e.sentence]
    assert retaken and retaken[0].event_type == "capture"
    assert retaken[0].event_date == date(2016, 11, 8)  # "on Tuesday", published Wed 9 Nov
    assert "SANA" in retaken[0].cited_sources


def test_every_event_is_located_and_dated(seeds) -> None:
    for analyzed in seeds.values():
        for event in analyzed.events:
            assert event.location.place is not None
            assert event.event_date is not None
            assert event.sentence in analyzed.article.text


def test_publication_date_is_inferred_from_the_text_and_flagged() -> None:
    article = Article(article_id="x", text="Wed 05 Apr 2017\nAn airstrike hit Idlib.")
    dated = with_publication_date(article)
    assert dated.published == date(2017, 4, 5)
    assert dated.published_flag == "inferred-from-text"


def test_an_undated_article_is_not_given_a_date() -> None:
    article = Article(
        article_id="y", text="Shelling hit Aleppo on Tuesday.", published_flag="missing"
    )
    analyzed = analyze(article, default_gazetteer())
    assert analyzed.article.published is None
    assert all(e.event_date is None for e in analyzed.events)


def events_at(analyzed: AnalyzedArticle, mention: str, event_type: str | None = None):
    return [
        e
        for e in analyzed.events
        if e.location.mention.text == mention and event_type in (None, e.event_type)
    ]


def test_golden_1070_apartments_retaken(seeds) -> None:
    (event,) = events_at(seeds["000"], "1070 Apartments", "capture")
    assert event.event_date == date(2016, 11, 8)  # the Tuesday before the 9 Nov dateline
    assert event.is_primary
    assert {"SANA", "military source", "Syrian Observatory for Human Rights"} <= set(
        event.cited_sources
    )
    assert event.denied_by == ("militant groups",)
    assert event.location.place.geonameid == 170063  # placed at Aleppo, approximately


def test_golden_ramouseh_captured(seeds) -> None:
    (event,) = events_at(seeds["003"], "Ramouseh", "capture")
    assert event.event_date == date(2016, 9, 8)
    assert event.is_primary
    assert {"SANA", "Syrian Observatory for Human Rights"} <= set(event.cited_sources)


def test_golden_military_academies_recaptured_over_the_weekend(seeds) -> None:
    (event,) = [e for e in seeds["003"].events if "military academies" in e.sentence]
    assert event.event_type == "capture"
    assert event.event_date in (date(2016, 9, 3), date(2016, 9, 4))
    assert event.date_precision == "week"


def test_golden_chlorine_attack_on_al_sukkari(seeds) -> None:
    (event,) = events_at(seeds["003"], "al-Sukkari", "chemical")
    assert event.event_date == date(2016, 9, 6)  # "on Tuesday", published Thursday 8 Sep
    assert event.cited_sources == ("Syrian Civil Defence",)
    assert event.denied_by == ("Syrian military source",)


def test_golden_isis_attack_in_jarablus(seeds) -> None:
    (event,) = events_at(seeds["003"], "Jarablus")
    assert event.event_date == date(2016, 9, 8)
    assert (event.killed, event.injured) == (5, 12)
    assert "Reuters" in event.cited_sources
    assert "Turkish security and hospital source" in event.cited_sources
    assert event.actors == ("Islamic State",)


def test_golden_rebel_shelling_of_the_castello_road(seeds) -> None:
    (event,) = events_at(seeds["003"], "Castello road", "shelling")
    assert event.cited_sources == ("Nour el-Din el-Zinki",)
    assert "rebels" in event.actors


def test_background_of_the_seeds_gives_no_event(seeds) -> None:
    for analyzed in seeds.values():
        for event in analyzed.events:
            assert not event.sentence.startswith("Since March 2011"), event.sentence


@pytest.fixture(scope="module")
def seeds_in_sqlite(tmp_path_factory):
    """The events and places of the seeds ingested into SQLite: what every backend must store."""
    db = tmp_path_factory.mktemp("reference") / "events.db"
    ingest_paths([SEEDS_DIR], db)
    return load_events(db), load_places(db)


def test_every_backend_stores_the_seeds_alike(store_location, seeds_in_sqlite) -> None:
    summary = ingest_paths([SEEDS_DIR], store_location)
    assert summary.stored == summary.read > 0 and not summary.skipped
    events, places = seeds_in_sqlite
    assert load_events(store_location).equals(events)
    assert load_places(store_location).equals(places)
    again = ingest_paths([SEEDS_DIR], store_location)  # the content hashes: nothing new
    assert again.stored == 0 and again.unchanged == summary.read
    with open_store(store_location) as store:
        assert store.counts().events == len(events)
