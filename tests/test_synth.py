"""`python -m geo synth`: synthetic databases for benchmarks, on every backend."""

from __future__ import annotations

import pytest

from geo.cli import main
from geo.event.events import EVENT_TYPES
from geo.ingest.synth import synth_places, synthesize, synthetic_batches
from geo.place.gazetteer import default_gazetteer
from geo.store import load_events, open_store


@pytest.fixture(scope="module")
def places():
    return synth_places(default_gazetteer())


def test_synthetic_events_look_like_news(store, places) -> None:
    report = synthesize(store, 1200, seed=7)
    assert report.events == 1200 and report.rate > 0
    frame = store.load_events()
    assert len(frame) == 1200 and frame["event_id"].is_unique
    assert store.counts().events == 1200 and store.counts().articles == report.articles
    assert 1200 / 4 <= report.articles <= 1200  # one to four events an article
    # real gazetteer places, at their coordinates, of a few countries
    gazetteer = default_gazetteer()
    for _, row in frame.sample(20, random_state=1).iterrows():
        place = gazetteer.get(int(row["geonameid"]))
        assert (place.name, place.latitude, place.country_code) == (
            row["place"], row["latitude"], row["country_code"],
        )  # fmt: skip
    assert 3 <= frame["country_code"].nunique() <= 5
    assert frame["geonameid"].nunique() > 300
    assert frame["event_date"].dt.year.nunique() >= 5
    assert frame["source"].nunique() >= 6 and set(frame["event_type"]) <= set(EVENT_TYPES)
    assert frame["event_type"].nunique() >= 8
    assert (frame["cited_sources"] != "").mean() > 0.3
    # reports of one happening from several articles are linked
    assert (frame["report_count"] > 1).mean() > 0.1
    # each event's place name is in its article's text at the stored offsets
    places_frame = store.load_places()
    for _, place in places_frame.sample(20, random_state=2).iterrows():
        text = store.read_article(place["article_id"]).text
        assert text[place["start"] : place["end"]] == place["text"]


def test_the_same_seed_gives_the_same_database_and_writing_it_again_changes_nothing(
    store, places
) -> None:
    first = [item for batch in synthetic_batches(500, places, seed=3) for item in batch]
    again = [item for batch in synthetic_batches(500, places, seed=3) for item in batch]
    assert first == again
    other = [item for batch in synthetic_batches(500, places, seed=4) for item in batch]
    assert [i.article.text for i in other] != [i.article.text for i in first]
    synthesize(store, 500, seed=3)
    before, version = store.load_events(), store.data_version()
    result = store.write_bulk(first)
    assert result.written == [] and len(result.unchanged) == len(first)
    assert store.load_events().equals(before) and store.data_version() != version


def test_batches_split_the_places_so_each_batch_links_only_its_own(places) -> None:
    batches = list(synthetic_batches(900, places, seed=1, batch_events=300))
    assert [sum(len(i.events) for i in b) for b in batches] == [300, 300, 300]
    ids = [{e.location.place.geonameid for i in b for e in i.events} for b in batches]
    assert not (ids[0] & ids[1]) and not (ids[1] & ids[2]) and not (ids[0] & ids[2])


def test_write_bulk_stores_what_write_batch_stores(databases, places) -> None:
    batch = next(synthetic_batches(400, places, seed=5))
    frames = []
    for write in ("write_batch", "write_bulk"):
        with open_store(databases.new()) as store:
            getattr(store, write)(batch[: len(batch) // 2])
            getattr(store, write)(batch)  # half of it again: unchanged, the rest new
            frames.append((store.load_events(), store.load_places()))
    assert frames[0][0].equals(frames[1][0]) and frames[0][1].equals(frames[1][1])


def test_synth_command(store_location, capsys) -> None:
    assert main(["synth", "--events", "300", "--db", str(store_location), "--seed", "2"]) == 0
    out = capsys.readouterr()
    assert "synth: 300 events" in out.out and "events/s" in out.out
    assert len(load_events(store_location)) == 300
    assert main(["synth", "--events", "-1", "--db", str(store_location)]) == 1
