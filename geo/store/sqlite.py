"""The events database in SQLite (WAL mode): `SQLiteStore`, the one Store of today.

- An article is identified by `article_id`; its `content_hash` makes re-ingesting the same
  article a no-op, and a changed article replaces its old places and events.
- Each write is one transaction: a crash never leaves half an article, and readers (the
  dashboard) see either the old or the new state. Every write also bumps the counter
  `data_version` in the `store_meta` table, in the same transaction, so any process sees a
  new number after any write (the dashboard's caches key on it).
- Reports of one happening are linked (geo.store.base.report_groups), in the batch's
  transaction, for every (type, place) the batch touches, so a new article links to events
  stored by earlier batches.
- The schema has a version (`PRAGMA user_version`, SCHEMA_VERSION). A database of an older
  version is migrated when opened (see `_migrate`); one of a newer version is refused with
  a clear message.
"""

from __future__ import annotations

import os
import random
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from geo.models import Article, ResolvedMention
from geo.place.gazetteer import normalize_name
from geo.place.overrides import Override
from geo.read.urls import article_keys
from geo.read.watch import Source, SourceState
from geo.schema import empty_events_frame
from geo.store import queries
from geo.store.base import (
    ARTICLE_COLUMNS,
    EVENT_COLUMNS,
    FACTS_INDEXES,
    FILTER_INDEXES,
    PLACE_COLUMNS,
    PLACE_FRAME_COLUMNS,
    QUERY_INDEXES,
    RESOLUTION_COLUMNS,
    SCHEMA_VERSION,
    AnalyzedArticle,
    SchemaVersionError,
    Store,
    StoreCounts,
    StoredArticle,
    StoredSource,
    WriteResult,
    article_row,
    event_row,
    events_frame,
    facts_table,
    link_keys,
    override_from_row,
    place_row,
    places_by_article,
    report_groups,
    resolution_updates,
)
from geo.store.queries import EventQuery, date_range_share

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    article_id TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL,
    title TEXT, source TEXT, url TEXT,
    published TEXT, published_flag TEXT,
    origin TEXT, text TEXT NOT NULL,
    ingested_at TEXT NOT NULL,
    fetched_at TEXT, extraction TEXT, language TEXT
);
CREATE INDEX IF NOT EXISTS articles_hash ON articles (content_hash);
CREATE TABLE IF NOT EXISTS places (
    article_id TEXT NOT NULL REFERENCES articles (article_id) ON DELETE CASCADE,
    start_char INTEGER NOT NULL, end_char INTEGER NOT NULL, text TEXT NOT NULL,
    kind TEXT NOT NULL, finder TEXT NOT NULL, label TEXT,
    resolved INTEGER NOT NULL,
    geonameid INTEGER, name TEXT, latitude REAL, longitude REAL,
    country_code TEXT, admin1 TEXT, feature TEXT,
    matched_name TEXT, score REAL, method TEXT NOT NULL, approximate INTEGER NOT NULL,
    PRIMARY KEY (article_id, start_char, end_char)
);
CREATE TABLE IF NOT EXISTS events (
    event_id TEXT PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles (article_id) ON DELETE CASCADE,
    sentence TEXT NOT NULL, sentence_start INTEGER NOT NULL,
    event_type TEXT NOT NULL,
    event_date TEXT, date_precision TEXT NOT NULL, date_from_text INTEGER NOT NULL,
    place_start INTEGER NOT NULL, place_end INTEGER NOT NULL,
    is_primary INTEGER NOT NULL, cited_sources TEXT NOT NULL,
    denied_by TEXT, actors TEXT,
    killed INTEGER, injured INTEGER, civilians_killed INTEGER, children_killed INTEGER,
    report_group TEXT, confidence REAL
);
CREATE INDEX IF NOT EXISTS events_article ON events (article_id);
CREATE INDEX IF NOT EXISTS events_date ON events (event_date);
CREATE TABLE IF NOT EXISTS overrides (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL, norm TEXT NOT NULL,
    country_code TEXT, article_id TEXT,
    not_a_place INTEGER NOT NULL,
    geonameid INTEGER, place_name TEXT, latitude REAL, longitude REAL,
    place_country_code TEXT, admin1 TEXT, admin1_code TEXT, feature TEXT,
    population INTEGER, source TEXT,
    note TEXT NOT NULL, created_at TEXT NOT NULL, made_by TEXT
);
CREATE INDEX IF NOT EXISTS overrides_norm ON overrides (norm);
CREATE TABLE IF NOT EXISTS article_keys (
    key TEXT NOT NULL,
    article_id TEXT NOT NULL REFERENCES articles (article_id) ON DELETE CASCADE,
    PRIMARY KEY (key, article_id)
);
CREATE INDEX IF NOT EXISTS article_keys_article ON article_keys (article_id);
CREATE TABLE IF NOT EXISTS source_states (
    url TEXT PRIMARY KEY,
    etag TEXT, last_modified TEXT, last_success TEXT, last_error TEXT, next_poll TEXT
);
CREATE TABLE IF NOT EXISTS sources (
    url TEXT PRIMARY KEY,
    name TEXT, interval_minutes REAL NOT NULL, language TEXT,
    added_at TEXT NOT NULL, added_by TEXT
);
CREATE TABLE IF NOT EXISTS store_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT OR IGNORE INTO store_meta VALUES ('data_version', 0);
"""
SCHEMA += ";\n".join(
    (facts_table("TEXT", "REAL", row_id=True), *FILTER_INDEXES, *QUERY_INDEXES, *FACTS_INDEXES)
)
SCHEMA += ";\n"
# The text index of the facts' search_text (queries' _sqlite_text_match): an FTS5 table of
# its trigrams with event_facts as its content (the text is stored once), kept by
# triggers, which also fire for the facts deleted with their article (ON DELETE CASCADE).
# A happening relinked (an UPDATE of another column) leaves the index as it is. Each its
# own statement (a trigger's body holds semicolons).
SEARCH_SCHEMA = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS event_search USING fts5(search_text, "
    "content='event_facts', content_rowid='fact_id', tokenize='trigram')",
    "CREATE TRIGGER IF NOT EXISTS facts_search_insert AFTER INSERT ON event_facts BEGIN "
    "INSERT INTO event_search (rowid, search_text) VALUES (new.fact_id, new.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS facts_search_delete AFTER DELETE ON event_facts BEGIN "
    "INSERT INTO event_search (event_search, rowid, search_text) "
    "VALUES ('delete', old.fact_id, old.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS facts_search_update AFTER UPDATE OF search_text ON event_facts "
    "BEGIN INSERT INTO event_search (event_search, rowid, search_text) "
    "VALUES ('delete', old.fact_id, old.search_text); "
    "INSERT INTO event_search (rowid, search_text) VALUES (new.fact_id, new.search_text); END",
)
# SCHEMA_VERSION (geo/store/base.py) lists what each version added.
# Columns added to `events` by each version, for migrating older databases.
_ADDED_COLUMNS = {
    2: (
        ("events", "denied_by", "TEXT"),
        ("events", "actors", "TEXT"),
        ("events", "killed", "INTEGER"),
        ("events", "injured", "INTEGER"),
        ("events", "civilians_killed", "INTEGER"),
        ("events", "children_killed", "INTEGER"),
        ("events", "report_group", "TEXT"),
    ),
    4: (
        ("articles", "fetched_at", "TEXT"),
        ("articles", "extraction", "TEXT"),
        ("articles", "language", "TEXT"),
    ),
    6: (("events", "confidence", "REAL"),),
    7: (("overrides", "made_by", "TEXT"),),
}
# Columns renamed by each version: table -> (old, new).
_RENAMED_COLUMNS = {
    3: (("places", "start", "start_char"), ("places", "end", "end_char")),
}

# Every event on the map, in the frame's order (undated last, on both backends).
EVENTS_QUERY = (
    f"{queries.EVENT_SELECT} {queries.FROM} WHERE {queries.ON_MAP} ORDER BY {queries.FRAME_ORDER}"
)
_LINK_QUERY = """
SELECT e.event_id, e.event_type, p.geonameid, p.approximate, p.text, e.event_date
FROM events e JOIN places p ON p.article_id = e.article_id AND p.start_char = e.place_start
                            AND p.end_char = e.place_end
"""
_OVERRIDE_COLUMNS = (
    "id, name, country_code, article_id, not_a_place, geonameid, place_name, latitude, "
    "longitude, place_country_code, admin1, admin1_code, feature, population, source, note, "
    "created_at, made_by"
)


def _marks(n: int) -> str:
    return ",".join("?" * n)


BUSY_TIMEOUT_MS = 30_000
# Past this share of the events' period, a date range is read by a scan, not the date index
# (SQLiteStore._dialect_for: the index's cost per row, 2 to 5 times a scan's, breaks even at
# about a fifth to a half of the rows).
WIDE_DATE_SHARE = 0.25
# Reads through a memory map, not a read() call and a copy per page: the dashboard's grouped
# passes over every event touch most pages of the file (virtual address space only; SQLite
# maps no more than the file).
MMAP_BYTES = 1 << 30
OPEN_ATTEMPTS = 8  # "database is locked" while another process sets the database up
IN_CHUNK = 500  # ids per "IN (...)": SQLite limits the parameters of a statement


def connect(db_path: str | os.PathLike[str]) -> sqlite3.Connection:
    """Open (and create if needed) the database, in WAL mode with foreign keys on.

    Several processes may open a new database at once (ingests, the dashboard): switching
    to WAL needs the file to itself, and SQLite does not wait on a busy handler for that,
    so a "database is locked" there is retried after a short, growing pause.
    """
    path = Path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    for attempt in range(OPEN_ATTEMPTS):
        try:
            return _open(path)
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            if attempt == OPEN_ATTEMPTS - 1:
                raise
            time.sleep(0.02 * 2**attempt + random.uniform(0, 0.02))
    raise AssertionError("unreachable")


def _lower_any(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


def _open(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
    try:
        # The busy timeout first: every later statement may meet another process's lock.
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if db.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
        # Lower case of every script, for a search with a non-ASCII letter (queries'
        # _sqlite_text_match): SQLite's lower() folds ASCII letters only.
        db.create_function("geo_lower", 1, _lower_any, deterministic=True)
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise SchemaVersionError(
                f"{path} has schema version {version}, newer than this program's "
                f"{SCHEMA_VERSION}: upgrade geo-news-map or use another --db"
            )
        if version < SCHEMA_VERSION:
            # One writer sets the schema up; the others wait for it, then see it done.
            with transaction(db):
                version = db.execute("PRAGMA user_version").fetchone()[0]
                if version < SCHEMA_VERSION:
                    existed = db.execute(
                        "SELECT count(*) FROM sqlite_master WHERE name = 'events'"
                    ).fetchone()[0]
                    if existed:
                        _migrate_tables(db, version)
                    for statement in SCHEMA.split(";"):
                        if statement.strip():
                            db.execute(statement)
                    for statement in SEARCH_SCHEMA:
                        db.execute(statement)
                    if existed:
                        _migrate_data(db, version)
                    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    except BaseException:
        db.close()
        raise
    return db


def _columns(db: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in db.execute(f"PRAGMA table_info({table})")}


def _migrate_tables(db: sqlite3.Connection, version: int) -> None:
    """Bring older tables to SCHEMA_VERSION's columns (inside the caller's transaction),
    before the schema's missing tables are created."""
    if version < 10:
        # event_facts gained a row id and search_text: made anew, and filled by _migrate_data
        # (its text index and triggers go first, so that none fires on the rows dropped)
        for trigger in ("facts_search_insert", "facts_search_delete", "facts_search_update"):
            db.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        db.execute("DROP TABLE IF EXISTS event_search")
        db.execute("DROP TABLE IF EXISTS event_facts")
    for added in range(version + 1, SCHEMA_VERSION + 1):
        for table, name, sql_type in _ADDED_COLUMNS.get(added, ()):
            have = _columns(db, table)
            # A table not there yet is created by the schema, with the column.
            if have and name not in have:
                db.execute(f"ALTER TABLE {table} ADD COLUMN {name} {sql_type}")
        for table, old, new in _RENAMED_COLUMNS.get(added, ()):
            if old in _columns(db, table):
                db.execute(f'ALTER TABLE {table} RENAME COLUMN "{old}" TO {new}')


def _migrate_data(db: sqlite3.Connection, version: int) -> None:
    """Fill what older versions did not keep: report groups, the articles' keys, the
    events' facts."""
    if version < 2:
        db.executemany("UPDATE events SET report_group = ? WHERE event_id = ?", _relink(db))
    if version < 3:
        rows = db.execute("SELECT article_id, content_hash, url, origin FROM articles")
        db.executemany(
            "INSERT OR IGNORE INTO article_keys VALUES (?, ?)",
            [(key, aid) for aid, h, url, origin in rows for key in _keys(h, url, origin)],
        )
    if version < 10:  # made anew by _migrate_tables
        db.execute(queries.facts_fill_sql(queries.SQLITE, None))


def _keys(content_hash: str, url: str | None, origin: str | None) -> set[str]:
    return article_keys(Article("", "", url=url, origin=origin or "", content_hash=content_hash))


def _relink(db: sqlite3.Connection, keys: Iterable[tuple[str, int]] | None = None) -> list:
    """(report_group, event_id) of the events of the given (event_type, geonameid) pairs,
    all events when None."""
    if keys is None:
        return report_groups(db.execute(_LINK_QUERY).fetchall())
    rows: list = []
    for event_type, geonameid in sorted(keys):
        rows.extend(
            db.execute(
                _LINK_QUERY + " WHERE e.event_type = ? AND p.geonameid = ?",
                (event_type, geonameid),
            ).fetchall()
        )
    return report_groups(rows)


@contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _datetime(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


class SQLiteStore(Store):
    """The events database in one SQLite file (created, or migrated, when opened)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.location = str(self.path)
        self.db = connect(self.path)

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, which bumps data_version."""
        with transaction(self.db) as db:
            yield db
            db.execute("UPDATE store_meta SET value = value + 1 WHERE key = 'data_version'")

    # -- articles, places, events

    def write_batch(self, batch: Sequence[AnalyzedArticle]) -> WriteResult:
        result = WriteResult()
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._writing() as db:
            existing = self.known_hashes(item.article.article_id for item in batch)
            touched: set[tuple[str, int]] = set()
            for item in batch:
                article = item.article
                old_hash = existing.get(article.article_id)
                if old_hash == article.content_hash:
                    result.unchanged.append(article.article_id)
                    continue
                if old_hash is not None:
                    touched.update(self._link_keys_of(article.article_id))
                    db.execute("DELETE FROM articles WHERE article_id = ?", (article.article_id,))
                    result.replaced.append(article.article_id)
                self._insert(item, now)
                touched.update(link_keys([item]))
                existing[article.article_id] = article.content_hash
                result.written.append(article.article_id)
            self._fill_facts(result.written)
            if touched:
                self._set_groups(_relink(db, touched))
        return result

    def _fill_facts(self, article_ids: Sequence[str], *, replace: bool = False) -> None:
        """Write the facts of these articles' events (`replace`: instead of those stored;
        an article written anew has none, its old ones went with its old row)."""
        ids = list(dict.fromkeys(article_ids))
        for chunk in queries.in_chunks(ids, IN_CHUNK):
            if replace:
                self.db.execute(queries.facts_delete_sql(len(chunk)), list(chunk))
            self.db.execute(queries.facts_fill_sql(self.dialect, len(chunk)), list(chunk))

    def _set_groups(self, rows: list) -> None:
        """Store (report_group, event_id) rows: the events' and their facts'."""
        self.db.executemany("UPDATE events SET report_group = ? WHERE event_id = ?", rows)
        self.db.executemany(queries.FACTS_GROUP_SQL, rows)

    def write_bulk(self, batch: Sequence[AnalyzedArticle]) -> WriteResult:
        """write_batch with one executemany per table and one relinking query for all the
        keys touched (through a temporary table), instead of statements per article."""
        result = WriteResult()
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._writing() as db:
            existing = self.known_hashes(item.article.article_id for item in batch)
            pending: dict[str, AnalyzedArticle] = {}
            touched: set[tuple[str, int]] = set()
            for item in batch:
                article = item.article
                old_hash = existing.get(article.article_id)
                if old_hash == article.content_hash:
                    result.unchanged.append(article.article_id)
                    continue
                if old_hash is not None:
                    if pending.pop(article.article_id, None) is None:  # stored, not of this batch
                        touched.update(self._link_keys_of(article.article_id))
                        db.execute(
                            "DELETE FROM articles WHERE article_id = ?", (article.article_id,)
                        )
                    result.replaced.append(article.article_id)
                pending[article.article_id] = item
                existing[article.article_id] = article.content_hash
                result.written.append(article.article_id)
            items = list(pending.values())
            touched.update(link_keys(items))
            tables = (
                ("articles", ARTICLE_COLUMNS, [article_row(i.article, now) for i in items]),
                ("article_keys", ("key", "article_id"),
                 [(k, i.article.article_id) for i in items
                  for k in sorted(article_keys(i.article))]),
                ("places", PLACE_COLUMNS,
                 [place_row(i.article.article_id, p) for i in items for p in i.places]),
                ("events", EVENT_COLUMNS, [event_row(e) for i in items for e in i.events]),
            )  # fmt: skip
            for table, columns, rows in tables:
                verb = "INSERT OR IGNORE" if table == "article_keys" else "INSERT"
                db.executemany(
                    f"{verb} INTO {table} ({', '.join(columns)}) VALUES ({_marks(len(columns))})",
                    rows,
                )
            self._fill_facts(list(pending))
            if touched:
                db.execute(
                    "CREATE TEMP TABLE IF NOT EXISTS link_keys (event_type TEXT, geonameid INTEGER)"
                )
                db.execute("DELETE FROM link_keys")
                db.executemany("INSERT INTO link_keys VALUES (?, ?)", sorted(touched))
                rows = db.execute(
                    _LINK_QUERY + " JOIN link_keys k ON k.event_type = e.event_type "
                    "AND k.geonameid = p.geonameid"
                ).fetchall()
                self._set_groups(report_groups(rows))
        return result

    def _insert(self, item: AnalyzedArticle, now: str) -> None:
        article, db = item.article, self.db
        db.execute(
            f"INSERT INTO articles ({', '.join(ARTICLE_COLUMNS)}) "
            f"VALUES ({_marks(len(ARTICLE_COLUMNS))})",
            article_row(article, now),
        )
        db.executemany(
            "INSERT OR IGNORE INTO article_keys VALUES (?, ?)",
            [(key, article.article_id) for key in sorted(article_keys(article))],
        )
        db.executemany(
            f"INSERT INTO places ({', '.join(PLACE_COLUMNS)}) "
            f"VALUES ({_marks(len(PLACE_COLUMNS))})",
            [place_row(article.article_id, p) for p in item.places],
        )
        db.executemany(
            f"INSERT INTO events ({', '.join(EVENT_COLUMNS)}) "
            f"VALUES ({_marks(len(EVENT_COLUMNS))})",
            [event_row(e) for e in item.events],
        )

    def _link_keys_of(self, article_id: str) -> set[tuple[str, int]]:
        rows = self.db.execute(
            "SELECT e.event_type, p.geonameid FROM events e JOIN places p ON p.article_id = "
            "e.article_id AND p.start_char = e.place_start AND p.end_char = e.place_end "
            "WHERE e.article_id = ? AND p.geonameid IS NOT NULL",
            (article_id,),
        )
        return {(t, g) for t, g in rows}

    def known_hashes(self, article_ids: Iterable[str] | None = None) -> dict[str, str]:
        if article_ids is None:
            return dict(self.db.execute("SELECT article_id, content_hash FROM articles"))
        ids = list(article_ids)
        out: dict[str, str] = {}
        for i in range(0, len(ids), IN_CHUNK):
            chunk = ids[i : i + IN_CHUNK]
            out.update(
                self.db.execute(
                    "SELECT article_id, content_hash FROM articles "
                    f"WHERE article_id IN ({_marks(len(chunk))})",
                    chunk,
                ).fetchall()
            )
        return out

    def counts(self) -> StoreCounts:
        one = self.db.execute
        return StoreCounts(
            articles=one("SELECT count(*) FROM articles").fetchone()[0],
            places=one("SELECT count(*) FROM places").fetchone()[0],
            unresolved=one("SELECT count(*) FROM places WHERE resolved = 0").fetchone()[0],
            events=one("SELECT count(*) FROM events").fetchone()[0],
        )

    def is_empty(self) -> bool:
        return self.db.execute("SELECT 1 FROM articles LIMIT 1").fetchone() is None

    def load_events(self) -> pd.DataFrame:
        return events_frame(pd.read_sql_query(EVENTS_QUERY, self.db))

    dialect = queries.SQLITE

    # A box holding at least this many events (of any filter) filters a question's walk
    # down another index; a smaller one leads it by the point index (box_columns).
    BOX_LEADS_BELOW = 20_000

    def box_columns(self, query: EventQuery) -> queries.Columns:
        """With a box (the map's view) holding few events, the point index leads (the
        box's rows, then the rest of the question); holding many, SQLite's planner still
        took the point index for the box's range and sorted every event in it, so there the
        box only filters a walk down the days' or the happenings' index
        (queries.FACTS_BOX_UNINDEXED; the newest 100 happenings of 1,000,000 events in view
        5.0 -> 0.8 s, a box of a few towns unchanged). A probe of at most BOX_LEADS_BELOW
        index entries decides. A search keeps the point index: its text index leads
        there (with the box filtering instead, a search's list took twice as long).
        (PostgreSQL's planner weighs the box itself: the same columns there made it 0.8
        -> 1.6 s.)"""
        if query.bbox is None or query.text:
            return queries.FACTS  # a search's text index leads, whatever the box
        probe = self._select(*queries.box_events_sql(query, self.BOX_LEADS_BELOW))
        if int(probe.iloc[0, 0]) < self.BOX_LEADS_BELOW:
            return queries.FACTS
        return queries.FACTS_BOX_UNINDEXED

    def _dialect_for(self, query: EventQuery) -> queries.Dialect:
        """SQLite keeps no statistics of value ranges (it is built without STAT4), so it
        walks the date index for any date range; that walk reads the events' rows out of
        their order, a page look-up each, 2 to 5 times a scan's cost per row (measured at
        200,000 events). With both ends of a range given, it also takes the range for a
        narrow one and walks the date index into a sort of every row the range holds, where
        a scan of the point index gives them in the map's order (the map of the last nine
        tenths of 1,000,000 events: 6.2 s down the date index, 1.0 s by the scan). A range
        expected to hold more than WIDE_DATE_SHARE of the dated events (by its share of
        their period) is asked without the date index: a scan of the covering index the
        question's grouping or order wants."""
        if query.date_from is None and query.date_to is None:
            return self.dialect
        # One min() or max() each: SQLite reads a lone min() or max() at the index's end,
        # both in one SELECT by a scan of the whole index.
        span = "SELECT (SELECT min(event_date) FROM events), (SELECT max(event_date) FROM events)"
        first, last = self.db.execute(span).fetchone()
        share = date_range_share(query.date_from, query.date_to, first, last)
        return queries.SQLITE_SCAN_DATES if share > WIDE_DATE_SHARE else self.dialect

    def _select(self, sql: str, params: Sequence = ()) -> pd.DataFrame:
        return pd.read_sql_query(sql, self.db, params=list(params))

    def load_places(self, article_id: str | None = None) -> pd.DataFrame:
        sql = f"SELECT {', '.join(PLACE_COLUMNS)} FROM places"
        params: tuple = ()
        if article_id is not None:
            sql += " WHERE article_id = ?"
            params = (article_id,)
        frame = pd.read_sql_query(sql + " ORDER BY article_id, start_char", self.db, params=params)
        frame.columns = list(PLACE_FRAME_COLUMNS)
        return frame

    def read_article(self, article_id: str) -> StoredArticle | None:
        row = self.db.execute(
            "SELECT text, title, source, url, published, fetched_at, extraction, language "
            "FROM articles WHERE article_id = ?",
            (article_id,),
        ).fetchone()
        if row is None:
            return None
        return StoredArticle(article_id, row[0] or "", *row[1:])

    def data_version(self) -> int:
        row = self.db.execute("SELECT value FROM store_meta WHERE key = 'data_version'")
        return int(row.fetchone()[0])

    # -- overrides

    def add_override(self, rule: Override) -> int:
        place = rule.place
        values = (
            normalize_name(rule.name), rule.name, rule.country_code, rule.article_id,
            int(place is None),
            *(
                (place.geonameid, place.name, place.latitude, place.longitude,
                 place.country_code, place.admin1, place.admin1_code, place.feature,
                 place.population, place.source)
                if place is not None
                else (None,) * 10
            ),
            rule.note or "", rule.created_at or datetime.now(UTC).isoformat(),
            rule.made_by or None,
        )  # fmt: skip
        columns = "norm, " + _OVERRIDE_COLUMNS.removeprefix("id, ")
        with self._writing() as db:
            cursor = db.execute(
                f"INSERT INTO overrides ({columns}) VALUES ({_marks(len(values))})", values
            )
        return int(cursor.lastrowid)

    def remove_override(self, override_id: int) -> bool:
        with self._writing() as db:
            cursor = db.execute("DELETE FROM overrides WHERE id = ?", (int(override_id),))
        return cursor.rowcount > 0

    def override_rules(self) -> list[Override]:
        rows = self.db.execute(f"SELECT {_OVERRIDE_COLUMNS} FROM overrides ORDER BY id")
        return [override_from_row(row) for row in rows]

    def overrides_version(self) -> tuple[int, int]:
        count, newest = self.db.execute(
            "SELECT count(*), coalesce(max(id), 0) FROM overrides"
        ).fetchone()
        return int(count), int(newest)

    # -- re-resolving stored places

    def stored_places(self) -> dict[str, list[ResolvedMention]]:
        rows = self.db.execute(
            f"SELECT {', '.join(PLACE_COLUMNS)} FROM places ORDER BY article_id, start_char"
        )
        return places_by_article(rows)

    def update_places(self, changed: Mapping[str, Sequence[ResolvedMention]]) -> int:
        assignments = ", ".join(f"{column} = ?" for column in RESOLUTION_COLUMNS)
        rows = resolution_updates(changed)
        if not rows:
            return 0
        with self._writing() as db:
            db.executemany(
                f"UPDATE places SET {assignments} "
                "WHERE article_id = ? AND start_char = ? AND end_char = ?",
                rows,
            )
            self._fill_facts(list(changed), replace=True)
        return len(rows)

    # -- the feed watcher and "seen before"

    def source_state(self, url: str) -> SourceState | None:
        row = self.db.execute(
            "SELECT url, etag, last_modified, last_success, last_error, next_poll "
            "FROM source_states WHERE url = ?",
            (url,),
        ).fetchone()
        if row is None:
            return None
        url, etag, modified, success, error, next_poll = row
        return SourceState(url, etag, modified, _datetime(success), error, _datetime(next_poll))

    def put_source_state(self, state: SourceState) -> None:
        values = (
            state.url, state.etag, state.last_modified, _iso(state.last_success),
            state.last_error, _iso(state.next_poll),
        )  # fmt: skip
        with self._writing() as db:
            db.execute("INSERT OR REPLACE INTO source_states VALUES (?, ?, ?, ?, ?, ?)", values)

    def seen(self, key: str) -> bool:
        row = self.db.execute("SELECT 1 FROM article_keys WHERE key = ? LIMIT 1", (key,))
        return row.fetchone() is not None

    # -- the feeds to watch

    def add_source(self, source: Source, added_by: str | None = None) -> bool:
        values = (
            source.url, source.name, source.interval / 60, source.language,
            datetime.now(UTC).isoformat(timespec="seconds"), added_by,
        )  # fmt: skip
        with self._writing() as db:
            cursor = db.execute("INSERT OR IGNORE INTO sources VALUES (?, ?, ?, ?, ?, ?)", values)
        return cursor.rowcount > 0

    def remove_source(self, url: str) -> bool:
        with self._writing() as db:
            cursor = db.execute("DELETE FROM sources WHERE url = ?", (url,))
        return cursor.rowcount > 0

    def list_sources(self) -> list[StoredSource]:
        rows = self.db.execute(
            "SELECT url, name, interval_minutes, language, added_at, added_by FROM sources "
            "ORDER BY added_at, rowid"
        )
        return [
            StoredSource(url, name, float(minutes), language, added_at, added_by)
            for url, name, minutes, language, added_at, added_by in rows
        ]


# --- thin wrappers for callers that hold a path, not a store -----------------------------------


def load_events(db_path: str | os.PathLike[str]) -> pd.DataFrame:
    """Every stored event (SQLiteStore.load_events); an empty frame when there is no file."""
    if not Path(db_path).exists():
        return empty_events_frame()
    with SQLiteStore(db_path) as store:
        return store.load_events()


def load_places(db_path: str | os.PathLike[str], article_id: str | None = None) -> pd.DataFrame:
    """Every place name found (SQLiteStore.load_places)."""
    with SQLiteStore(db_path) as store:
        return store.load_places(article_id)
