"""The events database: SQLite in WAL mode, holding articles, places and events.

- An article is identified by `article_id`; its `content_hash` makes re-ingesting the same
  article a no-op, and a changed article replaces its old places and events.
- Each batch is written in one transaction: a crash never leaves half an article, and
  readers (the dashboard) see either the old or the new state.
- Reports of one happening are linked: events of the same type at the same place whose
  dates chain within one day share a `report_group`. Groups are recomputed, in the batch's
  transaction, for every (type, place) the batch touches, so a new article links to events
  stored by earlier batches.
- The schema has a version (`PRAGMA user_version`, SCHEMA_VERSION). A database of an older
  version is migrated when opened: missing columns are added with ALTER TABLE (old events
  keep empty denial, actor and casualty fields until the database is rebuilt: delete it
  and ingest again) and report groups are computed. A database of a newer version is
  refused with a clear message.
"""

from __future__ import annotations

import os
import random
import re
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd

from geo.models import Article, Event, ResolvedMention
from geo.schema import conform, empty_events_frame

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    article_id TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL,
    title TEXT, source TEXT, url TEXT,
    published TEXT, published_flag TEXT,
    origin TEXT, text TEXT NOT NULL,
    ingested_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_hash ON articles (content_hash);
CREATE TABLE IF NOT EXISTS places (
    article_id TEXT NOT NULL REFERENCES articles (article_id) ON DELETE CASCADE,
    start INTEGER NOT NULL, end INTEGER NOT NULL, text TEXT NOT NULL,
    kind TEXT NOT NULL, finder TEXT NOT NULL, label TEXT,
    resolved INTEGER NOT NULL,
    geonameid INTEGER, name TEXT, latitude REAL, longitude REAL,
    country_code TEXT, admin1 TEXT, feature TEXT,
    matched_name TEXT, score REAL, method TEXT NOT NULL, approximate INTEGER NOT NULL,
    PRIMARY KEY (article_id, start, end)
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
    report_group TEXT
);
CREATE INDEX IF NOT EXISTS events_article ON events (article_id);
CREATE INDEX IF NOT EXISTS events_date ON events (event_date);
"""
SCHEMA_VERSION = 2
# Columns added to `events` by each version, for migrating older databases.
_ADDED_COLUMNS = {
    2: (
        ("denied_by", "TEXT"),
        ("actors", "TEXT"),
        ("killed", "INTEGER"),
        ("injured", "INTEGER"),
        ("civilians_killed", "INTEGER"),
        ("children_killed", "INTEGER"),
        ("report_group", "TEXT"),
    ),
}
_EVENT_INSERT_COLUMNS = (
    "event_id, article_id, sentence, sentence_start, event_type, event_date, date_precision, "
    "date_from_text, place_start, place_end, is_primary, cited_sources, denied_by, actors, "
    "killed, injured, civilians_killed, children_killed, report_group"
)


class SchemaVersionError(RuntimeError):
    """The database was written by a newer version of this program."""


EVENTS_QUERY = """
SELECT e.event_id, e.article_id, a.title, a.source, a.url, a.published,
       e.event_date, e.date_precision, e.date_from_text, e.event_type,
       p.name AS place, p.text AS mention, p.latitude, p.longitude,
       p.feature AS precision, p.approximate, p.country_code, p.admin1, p.geonameid,
       p.method AS resolution, e.cited_sources,
       e.denied_by, e.actors, e.killed, e.injured, e.civilians_killed, e.children_killed,
       coalesce(e.report_group, e.event_id) AS report_group,
       e.is_primary, e.sentence, e.sentence_start
FROM events e
JOIN articles a ON a.article_id = e.article_id
JOIN places p ON p.article_id = e.article_id AND p.start = e.place_start
                AND p.end = e.place_end
WHERE p.resolved = 1  -- a place corrected to "not a place" takes its events off the map
ORDER BY e.event_date, a.article_id, e.sentence_start
"""


@dataclass(frozen=True)
class AnalyzedArticle:
    """An article with everything found in it, ready to be stored."""

    article: Article
    places: Sequence[ResolvedMention]
    events: Sequence[Event]


@dataclass
class WriteResult:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)


BUSY_TIMEOUT_MS = 30_000
OPEN_ATTEMPTS = 8  # "database is locked" while another process sets the database up


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


def _open(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
    try:
        # The busy timeout first: every later statement may meet another process's lock.
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if db.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA synchronous = NORMAL")
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
                    for statement in SCHEMA.split(";"):
                        if statement.strip():
                            db.execute(statement)
                    if existed:
                        _migrate(db, version)
                    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    except BaseException:
        db.close()
        raise
    return db


def _migrate(db: sqlite3.Connection, version: int) -> None:
    """Bring an older database up to SCHEMA_VERSION (inside the caller's transaction)."""
    have = {row[1] for row in db.execute("PRAGMA table_info(events)")}
    for added in range(version + 1, SCHEMA_VERSION + 1):
        for name, sql_type in _ADDED_COLUMNS.get(added, ()):
            if name not in have:
                db.execute(f"ALTER TABLE events ADD COLUMN {name} {sql_type}")
    relink(db, None)


@contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def known_hashes(db: sqlite3.Connection, article_ids: Iterable[str]) -> dict[str, str]:
    ids = list(article_ids)
    out: dict[str, str] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        marks = ",".join("?" * len(chunk))
        out.update(
            db.execute(
                f"SELECT article_id, content_hash FROM articles WHERE article_id IN ({marks})",
                chunk,
            ).fetchall()
        )
    return out


def write_batch(db: sqlite3.Connection, batch: Sequence[AnalyzedArticle]) -> WriteResult:
    """Store a batch of analysed articles in one transaction."""
    result = WriteResult()
    now = datetime.now(UTC).isoformat(timespec="seconds")
    with transaction(db):
        existing = known_hashes(db, [item.article.article_id for item in batch])
        touched: set[tuple[str, int]] = set()
        for item in batch:
            article = item.article
            old_hash = existing.get(article.article_id)
            if old_hash == article.content_hash:
                result.unchanged.append(article.article_id)
                continue
            if old_hash is not None:
                touched.update(_link_keys_of(db, article.article_id))
                db.execute("DELETE FROM articles WHERE article_id = ?", (article.article_id,))
                result.replaced.append(article.article_id)
            _insert_article(db, item, now)
            touched.update(
                (e.event_type, e.location.place.geonameid)
                for e in item.events
                if e.location.place is not None and e.location.place.geonameid is not None
            )
            existing[article.article_id] = article.content_hash
            result.written.append(article.article_id)
        if touched:
            relink(db, touched)
    return result


def _link_keys_of(db: sqlite3.Connection, article_id: str) -> set[tuple[str, int]]:
    rows = db.execute(
        "SELECT e.event_type, p.geonameid FROM events e JOIN places p ON p.article_id = "
        "e.article_id AND p.start = e.place_start AND p.end = e.place_end "
        "WHERE e.article_id = ? AND p.geonameid IS NOT NULL",
        (article_id,),
    )
    return {(t, g) for t, g in rows}


_LINK_QUERY = """
SELECT e.event_id, e.event_type, p.geonameid, p.approximate, p.text, e.event_date
FROM events e JOIN places p ON p.article_id = e.article_id AND p.start = e.place_start
                            AND p.end = e.place_end
"""
LINK_DAYS = 1


def _place_key(geonameid: int | None, approximate: int, mention: str) -> str:
    """Where an event is, for linking: the gazetteer entry, and for a place the gazetteer
    lacks (placed approximately at its town) also its name as written."""
    if not approximate:
        return str(geonameid)
    name = re.sub(r"^(?:al|el|the)[- ]", "", " ".join(mention.lower().split()))
    return f"{geonameid}:{name}"


def relink(db: sqlite3.Connection, keys: Iterable[tuple[str, int]] | None) -> None:
    """Recompute report groups for events of the given (event_type, geonameid) pairs (all
    events when None): same type, same place, dates chained within LINK_DAYS days."""
    if keys is None:
        rows = db.execute(_LINK_QUERY).fetchall()
    else:
        rows = []
        for event_type, geonameid in sorted(keys):
            rows.extend(
                db.execute(
                    _LINK_QUERY + " WHERE e.event_type = ? AND p.geonameid = ?",
                    (event_type, geonameid),
                ).fetchall()
            )
    clusters: dict[tuple[str, str], list[tuple[date, str]]] = {}
    updates: list[tuple[str, str]] = []
    for event_id, event_type, geonameid, approximate, mention, event_date in rows:
        if event_date is None or geonameid is None:
            updates.append((event_id, event_id))
            continue
        key = (event_type, _place_key(geonameid, approximate, mention))
        clusters.setdefault(key, []).append((date.fromisoformat(event_date), event_id))
    for members in clusters.values():
        members.sort()
        group: list[str] = []
        last: date | None = None
        for day, event_id in members:
            if last is not None and (day - last).days > LINK_DAYS:
                updates.extend((group[0], member) for member in group)
                group = []
            group.append(event_id)
            last = day
        updates.extend((group[0], member) for member in group)
    db.executemany("UPDATE events SET report_group = ? WHERE event_id = ?", updates)


def _insert_article(db: sqlite3.Connection, item: AnalyzedArticle, now: str) -> None:
    article = item.article
    db.execute(
        "INSERT INTO articles VALUES (?,?,?,?,?,?,?,?,?,?)",
        (
            article.article_id,
            article.content_hash,
            article.title,
            article.source,
            article.url,
            article.published.isoformat() if article.published else None,
            article.published_flag,
            article.origin,
            article.text,
            now,
        ),
    )
    db.executemany(
        "INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [_place_row(article.article_id, p) for p in item.places],
    )
    db.executemany(
        f"INSERT INTO events ({_EVENT_INSERT_COLUMNS}) VALUES ({','.join('?' * 19)})",
        [
            (
                e.event_id,
                e.article_id,
                e.sentence,
                e.sentence_start,
                e.event_type,
                e.event_date.isoformat() if e.event_date else None,
                e.date_precision,
                int(e.date_from_text),
                e.location.mention.start,
                e.location.mention.end,
                int(e.is_primary),
                "; ".join(e.cited_sources),
                "; ".join(getattr(e, "denied_by", ())),
                "; ".join(getattr(e, "actors", ())),
                getattr(e, "killed", None),
                getattr(e, "injured", None),
                getattr(e, "civilians_killed", None),
                getattr(e, "children_killed", None),
                e.event_id,
            )
            for e in item.events
        ],
    )


def resolution_values(resolved: ResolvedMention) -> tuple:
    """The resolution columns of a `places` row, in table order (resolved ... approximate)."""
    p = resolved.place
    return (
        int(p is not None),
        p.geonameid if p else None,
        p.name if p else None,
        p.latitude if p else None,
        p.longitude if p else None,
        p.country_code if p else None,
        p.admin1 if p else None,
        p.feature if p else None,
        resolved.matched_name,
        resolved.score,
        resolved.method,
        int(resolved.approximate),
    )


def _place_row(article_id: str, resolved: ResolvedMention) -> tuple:
    m = resolved.mention
    mention_values = (article_id, m.start, m.end, m.text, m.kind, m.provenance, m.label)
    return (*mention_values, *resolution_values(resolved))


def load_events(db_path: str | os.PathLike[str]) -> pd.DataFrame:
    """Every stored event with its article and place, in the schema of geo/schema.py."""
    if not Path(db_path).exists():
        return empty_events_frame()
    db = connect(db_path)
    try:
        frame = pd.read_sql_query(EVENTS_QUERY, db)
    finally:
        db.close()
    if frame.empty:
        return empty_events_frame()
    for column in ("date_from_text", "is_primary", "approximate"):
        frame[column] = frame[column].astype(bool)
    groups = frame.groupby("report_group", sort=False)
    frame["reported_by"] = groups["source"].transform(_joined)
    frame["report_count"] = groups["article_id"].transform("nunique")
    frame["group_cited_sources"] = groups["cited_sources"].transform(_joined_lists)
    return conform(frame)


def _joined(values: pd.Series) -> str:
    """The distinct non-empty values, "; "-joined in order of first appearance."""
    return "; ".join(dict.fromkeys(str(v) for v in values if isinstance(v, str) and v))


def _joined_lists(values: pd.Series) -> str:
    names = (n for v in values if isinstance(v, str) for n in v.split("; ") if n)
    return "; ".join(dict.fromkeys(names))


def load_places(db_path: str | os.PathLike[str], article_id: str | None = None) -> pd.DataFrame:
    """Every place name found (resolved or not), for reports and the article reader."""
    db = connect(db_path)
    try:
        sql = "SELECT * FROM places"
        params: tuple = ()
        if article_id is not None:
            sql += " WHERE article_id = ?"
            params = (article_id,)
        return pd.read_sql_query(sql + " ORDER BY article_id, start", db, params=params)
    finally:
        db.close()


def counts(db_path: str | os.PathLike[str]) -> dict[str, int]:
    db = connect(db_path)
    try:
        return {
            "articles": db.execute("SELECT count(*) FROM articles").fetchone()[0],
            "places": db.execute("SELECT count(*) FROM places").fetchone()[0],
            "unresolved": db.execute("SELECT count(*) FROM places WHERE resolved = 0").fetchone()[
                0
            ],
            "events": db.execute("SELECT count(*) FROM events").fetchone()[0],
        }
    finally:
        db.close()
