"""The events store, through the Store interface (every backend: the `store` fixture of
tests/conftest.py), and what is particular to SQLite: WAL, migration, many processes."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from geo.config import redact_location, resolve_db_path
from geo.models import Article, Cue, Event, Finder, Mention, Place, ResolvedMention
from geo.place.overrides import new_override
from geo.read.pages import url_key
from geo.read.watch import SourceState
from geo.schema import EVENT_COLUMNS, empty_events_frame
from geo.store import (
    SQLiteStore,
    StoreCounts,
    StoreStateStore,
    StoreUnavailable,
    load_events,
    open_store,
)
from geo.store.base import (
    PLACE_COLUMNS,
    PLACE_FRAME_COLUMNS,
    AnalyzedArticle,
    place_row,
    resolved_from_row,
)
from geo.store.sqlite import SCHEMA_VERSION, SchemaVersionError, connect

ALEPPO = Place(170063, "Aleppo", 36.20124, 37.16117, "SY", "Aleppo", "09", "city", 2098210)
ELSEWHERE = Place(None, "Aleppo (corrected)", 36.3, 37.3, "SY", feature="landmark")
PROJECT = Path(__file__).resolve().parent.parent


def analyzed(
    article_id: str,
    text: str = "Shelling hit Aleppo on Tuesday.",
    source: str = "Publisher",
    day: date = date(2016, 9, 6),
    url: str | None = None,
    **fields,
) -> AnalyzedArticle:
    article = Article(
        article_id=article_id,
        text=text,
        title="Title",
        source=source,
        url=url,
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
        event_date=day,
        is_primary=True,
        cited_sources=("SANA", "Reuters"),
        **fields,
    )
    return AnalyzedArticle(article, [unresolved, place], [event])


EMPTY = StoreCounts(articles=0, places=0, unresolved=0, events=0)


def test_reingesting_the_same_article_changes_nothing(store) -> None:
    assert store.is_empty() and store.counts() == EMPTY
    first = store.write_batch([analyzed("a"), analyzed("b")])
    assert first.written == ["a", "b"]
    before = store.load_events()
    second = store.write_batch([analyzed("a"), analyzed("b")])
    assert second.written == [] and second.unchanged == ["a", "b"]
    assert store.load_events().equals(before)
    assert store.counts() == StoreCounts(articles=2, places=4, unresolved=2, events=2)
    assert not store.is_empty()
    assert store.known_hashes(["a", "missing"]) == {"a": "hash-a-Shelling hit Aleppo on Tuesday."}
    assert set(store.known_hashes()) == {"a", "b"}


def test_a_changed_article_replaces_its_places_and_events(store) -> None:
    store.write_batch([analyzed("a")])
    result = store.write_batch([analyzed("a", "Fighting in Aleppo killed ten on Tuesday.")])
    assert result.replaced == ["a"]
    frame = store.load_events()
    assert len(frame) == 1 and frame.loc[0, "sentence"].startswith("Fighting")
    assert list(store.load_places("a")["start"]) == [0, 12]


def test_a_failing_batch_leaves_nothing_behind(store) -> None:
    good = analyzed("good")
    bad = analyzed("bad")
    # two events with the same id: the second insert fails inside the transaction
    bad = replace(bad, events=[*bad.events, bad.events[0]])
    version = store.data_version()
    with pytest.raises(Exception, match=r"(?i)unique|duplicate"):
        store.write_batch([good, bad])
    assert store.counts() == EMPTY and store.data_version() == version
    store.write_batch([good])
    assert store.counts().articles == 1


def test_events_frame_has_the_same_schema_empty_or_full(store) -> None:
    empty = store.load_events()
    assert list(empty.columns) == list(EVENT_COLUMNS)
    store.write_batch([analyzed("a")])
    full = store.load_events()
    assert list(full.columns) == list(EVENT_COLUMNS)
    assert dict(full.dtypes.astype(str)) == dict(empty.dtypes.astype(str))
    assert dict(empty_events_frame().dtypes.astype(str)) == dict(empty.dtypes.astype(str))
    row = full.iloc[0]
    assert row["cited_sources"] == "SANA; Reuters"
    assert row["geonameid"] == 170063 and row["precision"] == "city"
    assert row["event_date"].date() == date(2016, 9, 6)
    assert bool(row["is_primary"]) is True


def test_unresolved_places_are_kept(store) -> None:
    store.write_batch([analyzed("a")])
    places = store.load_places("a")
    assert list(places.columns) == list(PLACE_FRAME_COLUMNS)
    unresolved = places[places["resolved"] == 0]
    assert list(unresolved["text"]) == ["Shelling"]
    assert unresolved["latitude"].isna().all()
    assert store.load_places("other").empty


def test_new_fields_are_stored_and_exported(store) -> None:
    item = analyzed(
        "a", denied_by=("Syrian military source",), actors=("rebels",), killed=5, injured=12,
        civilians_killed=4, children_killed=1,
    )  # fmt: skip
    store.write_batch([item])
    row = store.load_events().iloc[0]
    assert row["denied_by"] == "Syrian military source" and row["actors"] == "rebels"
    assert (row["killed"], row["injured"], row["civilians_killed"], row["children_killed"]) == (
        5,
        12,
        4,
        1,
    )


def test_reports_of_one_happening_are_linked_across_batches(store) -> None:
    store.write_batch([analyzed("a", source="SANA")])
    store.write_batch([analyzed("b", source="Reuters", day=date(2016, 9, 7))])  # a day later
    store.write_batch([analyzed("c", source="AFP", day=date(2016, 9, 20))])  # another happening
    frame = store.load_events().set_index("article_id")
    assert frame.loc["a", "report_group"] == frame.loc["b", "report_group"]
    assert frame.loc["c", "report_group"] != frame.loc["a", "report_group"]
    assert frame.loc["b", "reported_by"] == "SANA; Reuters"
    assert frame.loc["a", "report_count"] == 2 and frame.loc["c", "report_count"] == 1
    assert frame.loc["a", "group_cited_sources"] == "SANA; Reuters"


def test_replacing_an_article_unlinks_its_old_report(store) -> None:
    store.write_batch([analyzed("a"), analyzed("b", day=date(2016, 9, 7))])
    store.write_batch([analyzed("b", "Shelling hit Aleppo in October.", day=date(2016, 10, 1))])
    frame = store.load_events().set_index("article_id")
    assert frame.loc["a", "report_group"] != frame.loc["b", "report_group"]
    assert frame.loc["a", "report_count"] == 1


def test_read_article(store) -> None:
    store.write_batch([analyzed("a", url="https://example.org/a")])
    article = store.read_article("a")
    assert article.text == "Shelling hit Aleppo on Tuesday." and article.title == "Title"
    assert (article.source, article.url, article.published) == (
        "Publisher", "https://example.org/a", "2016-09-08",
    )  # fmt: skip
    assert (article.fetched_at, article.extraction, article.language) == (None, None, None)
    assert store.read_article("missing") is None


def test_an_article_from_the_web_keeps_when_and_how_it_was_read(store) -> None:
    item = analyzed("w", url="https://example.org/w")
    fetched = datetime(2024, 3, 8, 12, 30, 5, tzinfo=UTC)
    web = replace(item.article, fetched_at=fetched, extraction="trafilatura 2.0", language="en")
    store.write_batch([replace(item, article=web)])
    article = store.read_article("w")
    assert datetime.fromisoformat(article.fetched_at) == fetched
    assert (article.extraction, article.language) == ("trafilatura 2.0", "en")


def test_a_place_row_round_trips(store) -> None:
    item = analyzed("a")
    store.write_batch([item])
    stored = store.stored_places()["a"]
    assert [place_row("a", p) for p in stored] == [place_row("a", p) for p in item.places]
    for p in item.places:
        assert place_row(*resolved_from_row(place_row("a", p))) == place_row("a", p)


def test_updated_places_move_their_events(store) -> None:
    store.write_batch([analyzed("a")])
    aleppo = store.stored_places()["a"][1]
    moved = replace(aleppo, place=ELSEWHERE, method="override", score=1.0)
    assert store.update_places({"a": [moved]}) == 1
    row = store.load_events().iloc[0]
    assert (row["place"], row["latitude"], row["resolution"]) == (ELSEWHERE.name, 36.3, "override")
    assert store.update_places({"a": [replace(aleppo, place=None)]}) == 1
    assert store.load_events().empty  # "not a place" takes the event off the map
    assert store.update_places({}) == 0


def test_overrides_round_trip(store) -> None:
    assert store.override_rules() == [] and store.overrides_version() == (0, 0)
    first = store.add_override(new_override("Aleppo", ELSEWHERE, country_code="sy", note="n"))
    second = store.add_override(new_override("Ebola", None, article_id="a1"))
    rules = store.override_rules()
    assert [r.id for r in rules] == [first, second]
    assert rules[0].place.name == ELSEWHERE.name and rules[0].country_code == "SY"
    assert rules[1].not_a_place and rules[1].article_id == "a1" and rules[1].created_at
    assert store.load_overrides().match("aleppo", countries={"SY"}).id == first
    assert list(store.list_overrides()["id"]) == [first, second]
    version = store.overrides_version()
    assert store.remove_override(first) and not store.remove_override(first)
    assert store.overrides_version() != version
    assert [r.id for r in store.override_rules()] == [second]


def test_source_states_outlive_the_store(store, store_location) -> None:
    states = StoreStateStore(store)
    assert states.get("https://news.example.org/feed") is None
    when = datetime(2024, 5, 1, 12, 30, tzinfo=UTC)
    state = SourceState("https://news.example.org/feed", '"etag-1"', "Wed, 01 May 2024", when,
                        None, when)  # fmt: skip
    states.put(state)
    states.put(replace(state, last_error="timed out"))
    with open_store(store_location) as again:
        assert StoreStateStore(again).get(state.url) == replace(state, last_error="timed out")


def test_seen_knows_stored_articles_by_url_and_hash(store) -> None:
    item = analyzed("a", url="https://Example.org/news/a#top")
    item = replace(item, article=replace(item.article, origin="https://example.org/amp/a"))
    store.write_batch([item])
    assert store.seen(item.article.content_hash)
    assert store.seen(url_key("https://Example.org/news/a#top"))
    assert store.seen(url_key("https://example.org/amp/a"))
    assert not store.seen("https://example.org/news/b") and not store.seen("hash-other")


def test_data_version_changes_after_every_write_by_anyone(store, store_location) -> None:
    seen = [store.data_version()]

    def changed() -> bool:
        seen.append(store.data_version())
        return seen[-1] != seen[-2]

    store.write_batch([analyzed("a")])
    assert changed()
    override_id = store.add_override(new_override("Aleppo", None))
    assert changed()
    store.remove_override(override_id)
    assert changed()
    store.update_places({"a": [store.stored_places()["a"][0]]})
    assert changed()
    store.put_source_state(SourceState("https://example.org/feed"))
    assert changed()
    with open_store(store_location) as other:  # another connection, as another process has
        other.write_batch([analyzed("b")])
    assert changed()
    assert not changed()  # reading changes nothing


def test_open_store_chooses_the_backend_by_location(tmp_path, store_backend, store_location):
    for location in (tmp_path / "a.db", str(tmp_path / "b.db"), f"sqlite:///{tmp_path}/c.db"):
        with open_store(location) as store:
            assert isinstance(store, SQLiteStore) and store.is_empty()
    assert (tmp_path / "c.db").exists()
    with pytest.raises(StoreUnavailable, match=r"unknown store mysql://.*postgresql://"):
        open_store("mysql://localhost/events")
    if store_backend == "postgresql":
        from geo.store.postgres import PostgresStore

        for url in (store_location, str(store_location).replace("postgresql://", "postgres://")):
            with open_store(url) as store:
                assert isinstance(store, PostgresStore) and store.is_empty()


def test_messages_never_show_a_password(tmp_path) -> None:
    secret = "s3cr%40t"
    with pytest.raises(ConnectionError) as refused:  # port 1: no server listens there
        open_store(f"postgresql://geo:{secret}@127.0.0.1:1/events?connect_timeout=2")
    assert "postgresql://geo:***@127.0.0.1:1/events" in str(refused.value)
    assert "s3cr" not in str(refused.value)
    with pytest.raises(StoreUnavailable) as unknown:
        open_store(f"mysql://geo:{secret}@db/events")
    assert "s3cr" not in str(unknown.value)
    assert redact_location(f"postgres://geo@db/x?password={secret}&sslmode=require") == (
        "postgres://geo@db/x?password=***&sslmode=require"
    )
    assert redact_location(f"sqlite:///{tmp_path}/e.db") == f"sqlite:///{tmp_path}/e.db"


def test_resolve_db_path_keeps_urls_as_given(tmp_path, monkeypatch) -> None:
    url = "postgresql://geo:pw@db.example.org:5432/events"
    assert resolve_db_path(url) == url  # not collapsed into a Path ("postgresql:/geo...")
    assert resolve_db_path(tmp_path / "x.db") == tmp_path / "x.db"
    assert resolve_db_path("events.db") == Path("events.db")
    monkeypatch.setenv("GEO_DB", "postgres://db/events")
    assert resolve_db_path() == "postgres://db/events"
    assert resolve_db_path("other.db") == Path("other.db")  # --db wins over $GEO_DB
    monkeypatch.delenv("GEO_DB")
    monkeypatch.setenv("GEO_DATA_DIR", str(tmp_path))
    assert resolve_db_path() == tmp_path / "events.db"


# --- SQLite in particular ----------------------------------------------------------------------


def test_database_is_in_wal_mode(tmp_path) -> None:
    db = connect(tmp_path / "events.db")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_load_events_of_a_missing_database_is_empty_and_creates_nothing(tmp_path) -> None:
    assert load_events(tmp_path / "none.db").empty
    assert not (tmp_path / "none.db").exists()


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
    db.close()
    with SQLiteStore(path) as store:
        store.write_batch([analyzed("a")])
        assert store.load_events().loc[0, "report_count"] == 1


# The schema of version 2, as geo/store/sqlite.py wrote it (the places' offsets were named
# start and end; the overrides table was made by geo/overrides.py when first used).
SCHEMA_V2 = """
CREATE TABLE articles (
    article_id TEXT PRIMARY KEY, content_hash TEXT NOT NULL, title TEXT, source TEXT, url TEXT,
    published TEXT, published_flag TEXT, origin TEXT, text TEXT NOT NULL,
    ingested_at TEXT NOT NULL
);
CREATE INDEX articles_hash ON articles (content_hash);
CREATE TABLE places (
    article_id TEXT NOT NULL REFERENCES articles (article_id) ON DELETE CASCADE,
    start INTEGER NOT NULL, end INTEGER NOT NULL, text TEXT NOT NULL,
    kind TEXT NOT NULL, finder TEXT NOT NULL, label TEXT, resolved INTEGER NOT NULL,
    geonameid INTEGER, name TEXT, latitude REAL, longitude REAL,
    country_code TEXT, admin1 TEXT, feature TEXT,
    matched_name TEXT, score REAL, method TEXT NOT NULL, approximate INTEGER NOT NULL,
    PRIMARY KEY (article_id, start, end)
);
CREATE TABLE events (
    event_id TEXT PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles (article_id) ON DELETE CASCADE,
    sentence TEXT NOT NULL, sentence_start INTEGER NOT NULL, event_type TEXT NOT NULL,
    event_date TEXT, date_precision TEXT NOT NULL, date_from_text INTEGER NOT NULL,
    place_start INTEGER NOT NULL, place_end INTEGER NOT NULL,
    is_primary INTEGER NOT NULL, cited_sources TEXT NOT NULL,
    denied_by TEXT, actors TEXT,
    killed INTEGER, injured INTEGER, civilians_killed INTEGER, children_killed INTEGER,
    report_group TEXT
);
CREATE INDEX events_article ON events (article_id);
CREATE INDEX events_date ON events (event_date);
PRAGMA user_version = 2;
"""


def test_a_database_of_version_2_is_migrated_keeping_its_data(tmp_path) -> None:
    path = tmp_path / "v2.db"
    old = sqlite3.connect(path)
    old.executescript(SCHEMA_V2)
    text = "Shelling hit Aleppo on Tuesday."
    old.execute(
        "INSERT INTO articles VALUES ('a', 'h-a', 'Title', 'Publisher', 'https://example.org/a', "
        "'2016-09-08', NULL, 'a.txt', ?, '2016-09-09T00:00:00+00:00')",
        (text,),
    )
    old.execute(
        "INSERT INTO places VALUES ('a', 13, 19, 'Aleppo', 'toponym', 'ner', 'GPE', 1, 170063, "
        "'Aleppo', 36.20124, 37.16117, 'SY', 'Aleppo', 'city', 'Aleppo', 0.9, 'gazetteer', 0)"
    )
    old.execute(
        "INSERT INTO events VALUES ('e-a', 'a', ?, 0, 'shelling', '2016-09-06', 'day', 1, 13, 19, "
        "1, 'SANA', '', '', 3, NULL, NULL, NULL, 'e-a')",
        (text,),
    )
    old.commit()
    old.close()
    with SQLiteStore(path) as store:
        assert store.load_places("a")[["start", "end", "text"]].values.tolist() == [
            [13, 19, "Aleppo"]
        ]
        row = store.load_events().iloc[0]
        assert (row["place"], row["killed"], row["cited_sources"]) == ("Aleppo", 3, "SANA")
        assert store.seen("h-a") and store.seen("https://example.org/a")
        assert store.add_override(new_override("Aleppo", None)) == 1  # the table is there
        store.write_batch([analyzed("b")])  # and the new schema takes new articles
        assert store.counts().articles == 2
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    columns = {row[1] for row in db.execute("PRAGMA table_info(places)")}
    assert {"start_char", "end_char"} <= columns and not {"start", "end"} & columns
    columns = {row[1] for row in db.execute("PRAGMA table_info(articles)")}
    assert {"fetched_at", "extraction", "language"} <= columns
    with SQLiteStore(path) as store:
        assert store.read_article("a").fetched_at is None  # read from a file, before 4


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


# --- no SQL outside the store ------------------------------------------------------------------

SQL = re.compile(r"execute\(|SELECT |INSERT |UPDATE |DELETE FROM|CREATE TABLE")
# Files of geo/place with SQL of their own data files, not of the events store: the compiled
# gazetteer index (read-only, built by `python -m geo gazetteer build`) and the cache of
# online geocoders' answers. geo/place sits below geo/store, so these cannot use it.
OWN_DATA_FILES = {
    "geo/place/gazetteer.py": "the gazetteer index",
    "geo/place/toponyms.py": "the gazetteer index (its names)",
    "geo/place/geocoders.py": "the geocoder answer cache",
}


def test_no_sql_outside_the_store() -> None:
    files = [*sorted((PROJECT / "geo").rglob("*.py")), PROJECT / "dashboard.py"]
    found = {}
    for path in files:
        name = path.relative_to(PROJECT).as_posix()
        if name.startswith("geo/store/") or not path.exists():
            continue
        lines = [
            f"{name}:{n}: {line.strip()}"
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if SQL.search(line)
        ]
        if lines:
            found[name] = lines
    outside = {name: lines for name, lines in found.items() if name not in OWN_DATA_FILES}
    assert outside == {}, "\n".join(line for lines in outside.values() for line in lines)
    # An exemption no longer needed goes: these files must still hold the SQL they are
    # exempted for, and none of it may touch the events store's tables.
    events_tables = re.compile(r"\b(articles|events|overrides|source_states|article_keys)\b")
    for name in OWN_DATA_FILES:
        if (PROJECT / name).exists():
            assert name in found, f"{name} holds no SQL now: remove its exemption"
            assert not any(events_tables.search(line.split(": ", 1)[1]) for line in found[name])


def test_a_cue_mention_is_stored_with_its_cue_word() -> None:
    """The stored finder of a cue phrase is "cue:<word>": the export and the article
    reader say which cue found the name, and reading the row back gives the same mention."""
    mention = Mention(0, 5, "Zahra", finder=Finder.CUE, cue=Cue.ROAD)
    row = place_row("a", ResolvedMention(mention, None))
    assert row[PLACE_COLUMNS.index("finder")] == "cue:road"
    assert resolved_from_row(row)[1].mention == mention


# --- concurrent writers (every backend) --------------------------------------------------------


def _write_in_batches(location, ids: list[str], barrier, results) -> None:
    """A writer process: the articles of `ids` in batches of three, as an ingest writes."""
    try:
        with open_store(location) as store:
            barrier.wait()
            for i in range(0, len(ids), 3):
                store.write_batch([_report(article_id) for article_id in ids[i : i + 3]])
        results.put("ok")
    except Exception as exc:  # reported to the parent by name, not lost in a worker
        results.put(f"{type(exc).__name__}: {exc}")


def _report(article_id: str) -> AnalyzedArticle:
    """Article n reports the happening of day n // 4: four reports of each, a day apart at
    most, so every happening's reports link into one group whichever writer stores them."""
    n = int(article_id.removeprefix("r"))
    day = date(2016, 9, 1) + timedelta(days=(n // 4) * 5 + n % 2)
    return analyzed(article_id, source=f"Publisher {n % 4}", day=day)


def test_two_writers_with_overlapping_articles_store_each_once_and_link_all(store_location):
    import multiprocessing

    context = multiprocessing.get_context("fork")
    every = [f"r{n}" for n in range(40)]
    first, second = every[:28], every[12:][::-1]  # 16 articles written by both, in any order
    barrier, results = context.Barrier(2), context.Queue()
    writers = [
        context.Process(target=_write_in_batches, args=(store_location, ids, barrier, results))
        for ids in (first, second)
    ]
    for writer in writers:
        writer.start()
    answers = [results.get(timeout=120) for _ in writers]
    for writer in writers:
        writer.join(timeout=30)
    assert answers == ["ok", "ok"], answers
    with open_store(store_location) as store:
        assert store.counts() == StoreCounts(articles=40, places=80, unresolved=40, events=40)
        frame = store.load_events()
    assert frame["event_id"].is_unique and len(frame) == 40
    groups = {frozenset(g) for g in frame.groupby("report_group")["article_id"].apply(set)}
    assert groups == {frozenset(f"r{n}" for n in range(k, k + 4)) for k in range(0, 40, 4)}
    assert (frame["report_count"] == 4).all()


# --- PostgreSQL in particular ------------------------------------------------------------------


def _open_postgres(url: str, barrier, results) -> None:
    barrier.wait()  # every process sets up the new database at the same moment
    try:
        with open_store(url) as store:
            results.put(str(store.counts().articles))
    except Exception as exc:
        results.put(f"{type(exc).__name__}: {exc}")


def test_many_processes_can_set_up_a_new_postgres_database_at_once(postgres_databases) -> None:
    import multiprocessing

    context = multiprocessing.get_context("fork")
    for _attempt in range(3):
        url = postgres_databases.new()
        barrier, results = context.Barrier(8), context.Queue()
        processes = [
            context.Process(target=_open_postgres, args=(url, barrier, results)) for _ in range(8)
        ]
        for process in processes:
            process.start()
        answers = sorted(results.get(timeout=60) for _ in processes)
        for process in processes:
            process.join(timeout=10)
        assert answers == ["0"] * 8, answers


def test_a_postgres_database_of_a_newer_version_is_refused_clearly(postgres_databases) -> None:
    import psycopg

    url = postgres_databases.new()
    with open_store(url) as store:
        store.write_batch([analyzed("a")])
    with psycopg.connect(url, autocommit=True) as db:
        db.execute(
            "UPDATE store_meta SET value = %s WHERE key = 'schema_version'", (SCHEMA_VERSION + 1,)
        )
    with pytest.raises(SchemaVersionError, match="newer"):
        open_store(url)


def test_postgres_sorts_text_as_sqlite_does(postgres_databases, tmp_path) -> None:
    """Text collates by code point on both backends: the same frames, in the same order."""
    batch = [analyzed(name, source=name) for name in ("b", "B", "a-1", "a_1", "Ä", "a")]
    frames = []
    for location in (tmp_path / "events.db", postgres_databases.new()):
        with open_store(location) as store:
            store.write_batch(batch)
            frames.append((store.load_events(), store.load_places()))
    assert list(frames[0][0]["article_id"]) == list(frames[1][0]["article_id"])
    assert frames[0][0].equals(frames[1][0])
    assert frames[0][1].equals(frames[1][1])


# --- the feeds to watch (added in the dashboard) ----------------------------------------------


def test_sources_are_added_listed_and_removed(tmp_path) -> None:
    from geo.read.watch import Source

    with SQLiteStore(tmp_path / "events.db") as store:
        assert store.list_sources() == []
        version = store.data_version()
        wire = Source("https://wire.example.org/rss", "Wire", 1800.0, "en")
        assert store.add_source(wire, added_by="editor")
        assert store.data_version() > version  # the dashboard's caches see the change
        assert store.add_source(Source("https://b.example.org/atom"))
        # The same URL again: refused, the first kept as it was.
        assert not store.add_source(Source(wire.url, "Other name", 60.0))
        listed = store.list_sources()
        assert [s.url for s in listed] == [wire.url, "https://b.example.org/atom"]
        first = listed[0]
        assert (first.name, first.interval_minutes, first.language, first.added_by) == (
            "Wire", 30.0, "en", "editor",
        )  # fmt: skip
        assert datetime.fromisoformat(first.added_at) <= datetime.now(UTC)
        assert first.source == wire  # as geo watch polls it
        assert listed[1].source == Source("https://b.example.org/atom")
        assert store.remove_source(wire.url)
        assert not store.remove_source(wire.url)
        assert [s.url for s in store.list_sources()] == ["https://b.example.org/atom"]
    with SQLiteStore(tmp_path / "events.db") as store:  # kept
        assert len(store.list_sources()) == 1


def test_a_database_of_version_4_gets_the_sources_table(tmp_path) -> None:
    from geo.read.watch import Source

    path = tmp_path / "v4.db"
    with SQLiteStore(path) as store:
        store.write_batch([analyzed("a")])
    old = sqlite3.connect(path)  # back to version 4: no sources table
    old.execute("DROP TABLE sources")
    old.execute("PRAGMA user_version = 4")
    old.commit()
    old.close()
    with SQLiteStore(path) as store:
        assert store.counts().articles == 1
        assert store.add_source(Source("https://wire.example.org/rss"))
        assert [s.url for s in store.list_sources()] == ["https://wire.example.org/rss"]
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    db.close()
