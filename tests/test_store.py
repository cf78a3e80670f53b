"""The events database: WAL, idempotent re-ingest, one transaction per batch, one schema."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import date

import pytest

from geo.models import Article, Event, Mention, Place, ResolvedMention
from geo.schema import EVENT_COLUMNS, empty_events_frame
from geo.store import AnalyzedArticle, connect, counts, load_events, load_places, write_batch

ALEPPO = Place(170063, "Aleppo", 36.20124, 37.16117, "SY", "Aleppo", "09", "city", 2098210)


def analyzed(article_id: str, text: str = "Shelling hit Aleppo on Tuesday.") -> AnalyzedArticle:
    article = Article(
        article_id=article_id,
        text=text,
        title="Title",
        source="Publisher",
        published=date(2016, 9, 8),
        content_hash=f"hash-{article_id}-{text}",
    )
    start = text.index("Aleppo")
    place = ResolvedMention(Mention(start, start + 6, "Aleppo"), ALEPPO, "Aleppo", 0.9, "gazetteer")
    unresolved = ResolvedMention(Mention(0, 8, "Shelling"), None)
    event = Event(
        event_id=f"e-{article_id}",
        article_id=article_id,
        sentence=text,
        sentence_start=0,
        event_type="shelling",
        location=place,
        event_date=date(2016, 9, 6),
        is_primary=True,
        cited_sources=("SANA", "Reuters"),
    )
    return AnalyzedArticle(article, [unresolved, place], [event])


def test_database_is_in_wal_mode(tmp_path) -> None:
    db = connect(tmp_path / "events.db")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_reingesting_the_same_article_changes_nothing(tmp_path) -> None:
    path = tmp_path / "events.db"
    db = connect(path)
    first = write_batch(db, [analyzed("a"), analyzed("b")])
    assert first.written == ["a", "b"]
    before = load_events(path)
    second = write_batch(db, [analyzed("a"), analyzed("b")])
    assert second.written == [] and second.unchanged == ["a", "b"]
    assert load_events(path).equals(before)
    assert counts(path) == {"articles": 2, "places": 4, "unresolved": 2, "events": 2}


def test_a_changed_article_replaces_its_places_and_events(tmp_path) -> None:
    path = tmp_path / "events.db"
    db = connect(path)
    write_batch(db, [analyzed("a")])
    result = write_batch(db, [analyzed("a", "Fighting in Aleppo killed ten on Tuesday.")])
    assert result.replaced == ["a"]
    frame = load_events(path)
    assert len(frame) == 1 and frame.loc[0, "sentence"].startswith("Fighting")


def test_a_failing_batch_leaves_nothing_behind(tmp_path) -> None:
    path = tmp_path / "events.db"
    db = connect(path)
    good = analyzed("good")
    bad = analyzed("bad")
    # two events with the same id: the second insert fails inside the transaction
    bad = replace(bad, events=[*bad.events, bad.events[0]])
    with pytest.raises(sqlite3.IntegrityError):
        write_batch(db, [good, bad])
    assert counts(path) == {"articles": 0, "places": 0, "unresolved": 0, "events": 0}
    write_batch(db, [good])
    assert counts(path)["articles"] == 1


def test_events_frame_has_the_same_schema_empty_or_full(tmp_path) -> None:
    path = tmp_path / "events.db"
    empty = load_events(path)
    assert list(empty.columns) == list(EVENT_COLUMNS)
    write_batch(connect(path), [analyzed("a")])
    full = load_events(path)
    assert list(full.columns) == list(EVENT_COLUMNS)
    assert dict(full.dtypes.astype(str)) == dict(empty.dtypes.astype(str))
    assert dict(empty_events_frame().dtypes.astype(str)) == dict(empty.dtypes.astype(str))
    row = full.iloc[0]
    assert row["cited_sources"] == "SANA; Reuters"
    assert row["geonameid"] == 170063 and row["precision"] == "city"
    assert row["event_date"].date() == date(2016, 9, 6)
    assert bool(row["is_primary"]) is True


def test_unresolved_places_are_kept(tmp_path) -> None:
    path = tmp_path / "events.db"
    write_batch(connect(path), [analyzed("a")])
    places = load_places(path, "a")
    unresolved = places[places["resolved"] == 0]
    assert list(unresolved["text"]) == ["Shelling"]
    assert unresolved["latitude"].isna().all()
