"""The events database: SQLite in WAL mode, holding articles, places and events.

- An article is identified by `article_id`; its `content_hash` makes re-ingesting the same
  article a no-op, and a changed article replaces its old places and events.
- Each batch is written in one transaction: a crash never leaves half an article, and
  readers (the dashboard) see either the old or the new state.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
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
    is_primary INTEGER NOT NULL, cited_sources TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_article ON events (article_id);
CREATE INDEX IF NOT EXISTS events_date ON events (event_date);
"""

EVENTS_QUERY = """
SELECT e.event_id, e.article_id, a.title, a.source, a.url, a.published,
       e.event_date, e.date_precision, e.date_from_text, e.event_type,
       p.name AS place, p.text AS mention, p.latitude, p.longitude,
       p.feature AS precision, p.approximate, p.country_code, p.admin1, p.geonameid,
       p.method AS resolution, e.cited_sources,
       NULL AS denied_by, NULL AS actors, NULL AS killed, NULL AS injured,
       NULL AS civilians_killed, NULL AS children_killed,
       e.event_id AS report_group, a.source AS reported_by, 1 AS report_count,
       e.is_primary, e.sentence, e.sentence_start
FROM events e
JOIN articles a ON a.article_id = e.article_id
JOIN places p ON p.article_id = e.article_id AND p.start = e.place_start
                AND p.end = e.place_end
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


def connect(db_path: str | os.PathLike[str]) -> sqlite3.Connection:
    """Open (and create if needed) the database, in WAL mode with foreign keys on."""
    path = Path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA synchronous = NORMAL")
    db.executescript(SCHEMA)
    return db


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
        for item in batch:
            article = item.article
            old_hash = existing.get(article.article_id)
            if old_hash == article.content_hash:
                result.unchanged.append(article.article_id)
                continue
            if old_hash is not None:
                db.execute("DELETE FROM articles WHERE article_id = ?", (article.article_id,))
                result.replaced.append(article.article_id)
            _insert_article(db, item, now)
            existing[article.article_id] = article.content_hash
            result.written.append(article.article_id)
    return result


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
        "INSERT INTO events VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
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
            )
            for e in item.events
        ],
    )


def _place_row(article_id: str, resolved: ResolvedMention) -> tuple:
    m, p = resolved.mention, resolved.place
    return (
        article_id,
        m.start,
        m.end,
        m.text,
        m.kind,
        m.finder,
        m.label,
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
    return conform(frame)


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
