"""The events database: WAL, idempotent re-ingest, one transaction per batch, one schema."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import date

import pytest

from geo.event.events import ReportedEvent
from geo.models import Article, Event, Mention, Place, ResolvedMention
from geo.schema import EVENT_COLUMNS, empty_events_frame
from geo.store.sqlite import (
    SCHEMA_VERSION,
    AnalyzedArticle,
    SchemaVersionError,
    connect,
    counts,
    load_events,
    load_places,
    write_batch,
)

ALEPPO = Place(170063, "Aleppo", 36.20124, 37.16117, "SY", "Aleppo", "09", "city", 2098210)


def analyzed(
    article_id: str,
    text: str = "Shelling hit Aleppo on Tuesday.",
    source: str = "Publisher",
    day: date = date(2016, 9, 6),
    **fields,
) -> AnalyzedArticle:
    article = Article(
        article_id=article_id,
        text=text,
        title="Title",
        source=source,
        published=date(2016, 9, 8),
        content_hash=f"hash-{article_id}-{text}",
    )
    start = text.index("Aleppo")
    place = ResolvedMention(Mention(start, start + 6, "Aleppo"), ALEPPO, "Aleppo", 0.9, "gazetteer")
    unresolved = ResolvedMention(Mention(0, 8, "Shelling"), None)
    event = (ReportedEvent if fields else Event)(
        event_id=f"e-{article_id}",
        article_id=article_id,
        sentence=text,
        sentence_start=0,
        event_type="shelling",
        location=place,
        event_date=day,
        is_primary=True,
        cited_sources=("SANA", "Reuters"),
        **fields,
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


def test_new_fields_are_stored_and_exported(tmp_path) -> None:
    path = tmp_path / "events.db"
    item = analyzed(
        "a", denied_by=("Syrian military source",), actors=("rebels",), killed=5, injured=12,
        civilians_killed=4, children_killed=1,
    )  # fmt: skip
    write_batch(connect(path), [item])
    row = load_events(path).iloc[0]
    assert row["denied_by"] == "Syrian military source" and row["actors"] == "rebels"
    assert (row["killed"], row["injured"], row["civilians_killed"], row["children_killed"]) == (
        5,
        12,
        4,
        1,
    )


def test_reports_of_one_happening_are_linked_across_batches(tmp_path) -> None:
    path = tmp_path / "events.db"
    db = connect(path)
    write_batch(db, [analyzed("a", source="SANA")])
    write_batch(db, [analyzed("b", source="Reuters", day=date(2016, 9, 7))])  # a day later
    write_batch(db, [analyzed("c", source="AFP", day=date(2016, 9, 20))])  # another happening
    frame = load_events(path).set_index("article_id")
    assert frame.loc["a", "report_group"] == frame.loc["b", "report_group"]
    assert frame.loc["c", "report_group"] != frame.loc["a", "report_group"]
    assert frame.loc["b", "reported_by"] == "SANA; Reuters"
    assert frame.loc["a", "report_count"] == 2 and frame.loc["c", "report_count"] == 1
    assert frame.loc["a", "group_cited_sources"] == "SANA; Reuters"


def test_replacing_an_article_unlinks_its_old_report(tmp_path) -> None:
    path = tmp_path / "events.db"
    db = connect(path)
    write_batch(db, [analyzed("a"), analyzed("b", day=date(2016, 9, 7))])
    write_batch(db, [analyzed("b", "Shelling hit Aleppo in October.", day=date(2016, 10, 1))])
    frame = load_events(path).set_index("article_id")
    assert frame.loc["a", "report_group"] != frame.loc["b", "report_group"]
    assert frame.loc["a", "report_count"] == 1


OLD_EVENTS_TABLE = """
CREATE TABLE events (
    event_id TEXT PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles (article_id) ON DELETE CASCADE,
    sentence TEXT NOT NULL, sentence_start INTEGER NOT NULL,
    event_type TEXT NOT NULL,
    event_date TEXT, date_precision TEXT NOT NULL, date_from_text INTEGER NOT NULL,
    place_start INTEGER NOT NULL, place_end INTEGER NOT NULL,
    is_primary INTEGER NOT NULL, cited_sources TEXT NOT NULL
);
"""


def test_a_database_of_the_first_version_is_migrated(tmp_path) -> None:
    path = tmp_path / "old.db"
    old = sqlite3.connect(path)
    old.executescript(OLD_EVENTS_TABLE)
    old.close()
    db = connect(path)  # the rest of the schema is created, the events table migrated
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    columns = {row[1] for row in db.execute("PRAGMA table_info(events)")}
    assert {"denied_by", "killed", "report_group"} <= columns
    write_batch(db, [analyzed("a")])
    assert load_events(path).loc[0, "report_count"] == 1


def test_a_database_of_a_newer_version_is_refused_clearly(tmp_path) -> None:
    path = tmp_path / "new.db"
    newer = sqlite3.connect(path)
    newer.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    newer.close()
    with pytest.raises(SchemaVersionError, match="newer"):
        connect(path)


def _open_and_count(path: str, barrier, results) -> None:
    barrier.wait()  # every process opens the new database at the same moment
    try:
        db = connect(path)
        try:
            results.put(str(db.execute("SELECT count(*) FROM articles").fetchone()[0]))
        finally:
            db.close()
    except Exception as exc:  # reported to the parent by name, not lost in a worker
        results.put(f"{type(exc).__name__}: {exc}")


def test_many_processes_can_open_a_new_database_at_once(tmp_path) -> None:
    import multiprocessing

    context = multiprocessing.get_context("fork")
    workers = 12
    for attempt in range(12):
        path = str(tmp_path / f"new-{attempt}.db")
        barrier, results = context.Barrier(workers), context.Queue()
        processes = [
            context.Process(target=_open_and_count, args=(path, barrier, results))
            for _ in range(workers)
        ]
        for process in processes:
            process.start()
        answers = sorted(results.get(timeout=60) for _ in processes)
        for process in processes:
            process.join(timeout=10)
        assert answers == ["0"] * workers, answers
        db = connect(path)
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        db.close()
