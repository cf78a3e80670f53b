"""The store interface: what the rest of the project asks of the events database.

`Store` is the one seam between the stages and a database. Callers hold a store (opened with
`geo.store.open_store`) and never write SQL: every statement lives in the implementation
(geo/store/sqlite.py today; a PostgreSQL class is one more implementation of this interface).

What lives here is the part every backend shares:
- the records that cross the seam (`AnalyzedArticle`, `WriteResult`, `StoredArticle`,
  `StoreCounts`);
- the one serialiser of a place row (`place_row` / `resolved_from_row`) and of an event row
  (`event_row`), so every backend stores the same columns;
- the linking of reports (`report_groups`) and the assembly of the events frame
  (`events_frame`): pure functions over rows, run by each backend in its transactions.

Column names are valid in SQLite and PostgreSQL alike: the mention's offsets are
`start_char` / `end_char` in the tables (END is reserved in PostgreSQL), while the frames
and records keep the names of geo.models (`Mention.start`, `Mention.end`).
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from geo.event.confidence import on_map
from geo.models import Article, Event, Mention, Place, ResolvedMention
from geo.place.overrides import Override, Overrides, overrides_frame
from geo.read.watch import Source, SourceState
from geo.schema import conform, empty_events_frame
from geo.store import queries
from geo.store.queries import EventQuery


class SchemaVersionError(RuntimeError):
    """The database was written by a newer version of this program."""


# The schema's version, the same for every backend (each keeps it in its own way and
# migrates an older database when it is opened). 1: articles, places, events. 2: denials,
# actors, casualties, report groups. 3: places' offsets renamed start_char/end_char (END is
# reserved in PostgreSQL); overrides, article_keys, source_states, store_meta. 4: indexes for
# the dashboard's filters (event type, publisher, country, gazetteer entry); articles'
# fetched_at, extraction and language (articles read from the web). 5: sources, the feeds
# to watch added in the dashboard (`geo watch` polls them too). 6: events' confidence
# (geo/event/confidence.py); older events have none and are shown. 7: overrides' made_by
# (who made a correction: the dashboard's editor). 8: indexes for the dashboard's questions
# in SQL (geo/store/queries.py: report groups, confidence, precision, points of the map).
# 9: event_facts, what the dashboard's questions read of each event on the map, in one
# table under covering indexes (queries.FACTS_COLUMNS), filled from the stored events.
# 10: the facts' search_text under a trigram index (a text search reads no join either).
SCHEMA_VERSION = 10
# The indexes of version 4, valid in SQLite and PostgreSQL alike (events_date, on
# events.event_date, is older): the dashboard filters on these columns.
FILTER_INDEXES = (
    "CREATE INDEX IF NOT EXISTS events_type ON events (event_type)",
    "CREATE INDEX IF NOT EXISTS articles_source ON articles (source)",
    "CREATE INDEX IF NOT EXISTS places_country ON places (country_code)",
    "CREATE INDEX IF NOT EXISTS places_geonameid ON places (geonameid)",
)
# The indexes of version 8: the dashboard asks the database (geo/store/queries.py) for the
# reports of a happening, the confident events, a precision level, the events of a point
# or a viewport.
QUERY_INDEXES = (
    "CREATE INDEX IF NOT EXISTS events_group ON events (report_group)",
    "CREATE INDEX IF NOT EXISTS events_confidence ON events (confidence)",
    "CREATE INDEX IF NOT EXISTS places_feature ON places (feature)",
    "CREATE INDEX IF NOT EXISTS places_point ON places (latitude, longitude)",
)
# The indexes of version 9, on event_facts: each holds every column the questions it
# serves read, so the database answers from the index alone, in the order it groups by:
# by date (counts, the timeline, the days with events, the happenings) and by point of the
# map (markers per point and type); by happening (how many there are: a GROUP BY read
# in the index's order, no sort of every event: 1,000,000 events, nine tenths of the
# period, SQLite 2.4 -> 0.3 s). `facts_article` finds an article's facts to replace.
FACTS_INDEXES = (
    "CREATE INDEX IF NOT EXISTS facts_article ON event_facts (article_id)",
    "CREATE INDEX IF NOT EXISTS facts_day ON event_facts (event_date, event_type, confidence, "
    "source, feature, country_code, admin1, killed, happening)",
    "CREATE INDEX IF NOT EXISTS facts_point ON event_facts (latitude, longitude, event_type, "
    "event_date, confidence, killed, source, feature, country_code, admin1, first_key)",
    "CREATE INDEX IF NOT EXISTS facts_happening ON event_facts (happening, event_date, "
    "event_type, confidence, source, feature, country_code, admin1)",
)


def facts_table(text: str, real: str, *, row_id: bool = False) -> str:
    """event_facts' CREATE TABLE, with the backend's types of text and of a double;
    `row_id`: with a number of its own for each row, `fact_id` (SQLite's text index refers
    to its rows by it: an explicit INTEGER PRIMARY KEY, which VACUUM keeps)."""
    key = (
        f"fact_id INTEGER PRIMARY KEY, event_id {text} NOT NULL UNIQUE"
        if row_id
        else f"event_id {text} PRIMARY KEY"
    )
    return f"""
CREATE TABLE IF NOT EXISTS event_facts (
    {key},
    article_id {text} NOT NULL REFERENCES articles (article_id) ON DELETE CASCADE,
    event_date {text}, event_type {text} NOT NULL, source {text},
    latitude {real}, longitude {real},
    feature {text}, country_code {text}, admin1 {text},
    confidence {real}, killed INTEGER, cited_sources {text} NOT NULL, actors {text},
    happening {text} NOT NULL, first_key {text} NOT NULL, search_text {text} NOT NULL
)"""


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


@dataclass(frozen=True)
class StoredArticle:
    """One stored article, as the article reader shows it."""

    article_id: str
    text: str
    title: str | None
    source: str | None
    url: str | None
    published: str | None  # YYYY-MM-DD as stored
    # Articles read from the web: when fetched (ISO 8601, UTC), how the text was extracted,
    # the language the page declares. None for articles read from files.
    fetched_at: str | None = None
    extraction: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class StoredSource:
    """A feed to watch, added in the dashboard (`geo watch` polls these besides its file)."""

    url: str
    name: str | None
    interval_minutes: float
    language: str | None
    added_at: str  # ISO 8601, UTC
    added_by: str | None = None

    @property
    def source(self) -> Source:
        """As geo.read.watch polls it."""
        return Source(self.url, self.name, self.interval_minutes * 60, self.language)


@dataclass(frozen=True)
class StoreCounts:
    articles: int
    places: int
    unresolved: int
    events: int


# --- the one place-row serialiser -------------------------------------------------------------

# The `places` table's columns, in order. The mention's offsets are start_char/end_char.
PLACE_COLUMNS = (
    "article_id", "start_char", "end_char", "text", "kind", "finder", "label",
    "resolved", "geonameid", "name", "latitude", "longitude", "country_code", "admin1",
    "feature", "matched_name", "score", "method", "approximate",
)  # fmt: skip
# The resolution part of a row: what re-resolving an article may change.
RESOLUTION_COLUMNS = PLACE_COLUMNS[7:]
# The columns of the places frame (`Store.load_places`): the table's, with the offsets named
# as geo.models.Mention names them.
PLACE_FRAME_COLUMNS = ("article_id", "start", "end", *PLACE_COLUMNS[3:])


def place_row(article_id: str, resolved: ResolvedMention) -> tuple:
    """The `places` row of a resolved mention, in PLACE_COLUMNS order."""
    m, p = resolved.mention, resolved.place
    return (
        article_id, m.start, m.end, m.text, m.kind, m.provenance, m.label,
        int(p is not None),
        p.geonameid if p else None,
        p.name if p else None,
        p.latitude if p else None,
        p.longitude if p else None,
        p.country_code if p else None,
        p.admin1 if p else None,
        p.feature if p else None,
        resolved.matched_name, resolved.score, resolved.method, int(resolved.approximate),
    )  # fmt: skip


def resolved_from_row(row: Sequence) -> tuple[str, ResolvedMention]:
    """(article_id, the resolved mention) of a `places` row in PLACE_COLUMNS order.

    A row keeps what the map needs of the place: its population, admin1 code and dataset
    are not stored, so they come back as Place's defaults."""
    (article_id, start, end, text, kind, finder, label, resolved, geonameid, name,
     latitude, longitude, country_code, admin1, feature, matched, score, method,
     approximate) = row  # fmt: skip
    mention = Mention(int(start), int(end), text, kind=kind, finder=finder, label=label)
    place = None
    if resolved:
        place = Place(
            geonameid=None if geonameid is None else int(geonameid),
            name=name,
            latitude=latitude,
            longitude=longitude,
            country_code=country_code,
            admin1=admin1,
            feature=feature or "city",
        )
    return article_id, ResolvedMention(
        mention, place, matched, float(score or 0.0), method, bool(approximate)
    )


# The `events` table's columns, in order (report_group is computed by `report_groups`).
EVENT_COLUMNS = (
    "event_id", "article_id", "sentence", "sentence_start", "event_type", "event_date",
    "date_precision", "date_from_text", "place_start", "place_end", "is_primary",
    "cited_sources", "denied_by", "actors", "killed", "injured", "civilians_killed",
    "children_killed", "report_group", "confidence",
)  # fmt: skip
LIST_SEPARATOR = "; "  # lists of names (cited sources, actors) are stored "; "-joined


def places_by_article(rows: Iterable[Sequence]) -> dict[str, list[ResolvedMention]]:
    """The resolved mentions of `places` rows (PLACE_COLUMNS order), grouped by article in
    the order the rows come."""
    out: dict[str, list[ResolvedMention]] = {}
    for row in rows:
        article_id, resolved = resolved_from_row(row)
        out.setdefault(article_id, []).append(resolved)
    return out


def resolution_updates(changed: Mapping[str, Sequence[ResolvedMention]]) -> list[tuple]:
    """The parameters of one `UPDATE places SET <RESOLUTION_COLUMNS> WHERE article_id, start_char,
    end_char` per changed mention: its new resolution columns, then the row's key."""
    first = len(PLACE_COLUMNS) - len(RESOLUTION_COLUMNS)
    return [
        (*place_row(article_id, p)[first:], article_id, p.mention.start, p.mention.end)
        for article_id, places in changed.items()
        for p in places
    ]


def override_from_row(row: Sequence) -> Override:
    """An override from its table row (the columns `id, name, country_code, article_id,
    not_a_place, geonameid, place_name, latitude, longitude, place_country_code, admin1,
    admin1_code, feature, population, source, note, created_at, made_by`)."""
    (oid, name, cc, aid, not_place, gid, pname, lat, lon, pcc, a1, a1c, feat, pop, src, note,
     created, made_by) = row  # fmt: skip
    place = None
    if not not_place:
        place = Place(
            geonameid=gid,
            name=pname or name,
            latitude=lat,
            longitude=lon,
            country_code=pcc,
            admin1=a1,
            admin1_code=a1c,
            feature=feat or "city",
            population=pop or 0,
            source=src or "override",
        )
    return Override(int(oid), name, place, cc, aid, note, created, made_by or "")


def event_row(event: Event) -> tuple:
    """The `events` row of an event, in EVENT_COLUMNS order (its own report group)."""
    return (
        event.event_id,
        event.article_id,
        event.sentence,
        event.sentence_start,
        event.event_type,
        event.event_date.isoformat() if event.event_date else None,
        event.date_precision,
        int(event.date_from_text),
        event.location.mention.start,
        event.location.mention.end,
        int(event.is_primary),
        LIST_SEPARATOR.join(event.cited_sources),
        LIST_SEPARATOR.join(event.denied_by),
        LIST_SEPARATOR.join(event.actors),
        event.killed,
        event.injured,
        event.civilians_killed,
        event.children_killed,
        event.event_id,
        event.confidence,
    )


ARTICLE_COLUMNS = (
    "article_id", "content_hash", "title", "source", "url", "published", "published_flag",
    "origin", "text", "ingested_at", "fetched_at", "extraction", "language",
)  # fmt: skip


def article_row(article: Article, ingested_at: str) -> tuple:
    return (
        article.article_id,
        article.content_hash,
        article.title,
        article.source,
        article.url,
        article.published.isoformat() if article.published else None,
        article.published_flag,
        article.origin,
        article.text,
        ingested_at,
        article.fetched_at.isoformat() if article.fetched_at else None,
        article.extraction,
        article.language,
    )


# --- linking the reports of one happening -----------------------------------------------------

LINK_DAYS = 1  # reports whose dates chain within this many days are of one happening


def link_key(geonameid: int | None, approximate: int, mention: str) -> str:
    """Where an event is, for linking: the gazetteer entry, and for a place the gazetteer
    lacks (placed approximately at its town) also its name as written."""
    if not approximate:
        return str(geonameid)
    name = re.sub(r"^(?:al|el|the)[- ]", "", " ".join(mention.lower().split()))
    return f"{geonameid}:{name}"


def report_groups(rows: Iterable[Sequence]) -> list[tuple[str, str]]:
    """(report_group, event_id) for every event of `rows`, each row (event_id, event_type,
    geonameid, approximate, mention, event_date): same type, same place, dates chained
    within LINK_DAYS days share the group of their earliest event."""
    clusters: dict[tuple[str, str], list[tuple[date, str]]] = {}
    updates: list[tuple[str, str]] = []
    for event_id, event_type, geonameid, approximate, mention, event_date in rows:
        if event_date is None or geonameid is None:
            updates.append((event_id, event_id))
            continue
        key = (event_type, link_key(geonameid, approximate, mention))
        day = event_date if isinstance(event_date, date) else date.fromisoformat(event_date)
        clusters.setdefault(key, []).append((day, event_id))
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
    return updates


def link_keys(batch: Iterable[AnalyzedArticle]) -> set[tuple[str, int]]:
    """The (event_type, geonameid) pairs whose report groups a batch may change."""
    return {
        (e.event_type, e.location.place.geonameid)
        for item in batch
        for e in item.events
        if e.location.place is not None and e.location.place.geonameid is not None
    }


# --- the events frame ---------------------------------------------------------------------------


def events_frame(frame: pd.DataFrame, groups: pd.DataFrame | None = None) -> pd.DataFrame:
    """The events frame of geo/schema.py from the rows of a backend's events query (every
    column of EVENT_COLUMNS of geo/schema.py but the per-happening ones computed here).

    `groups` (report_group, article_id, source, cited_sources, in the frame's order) are
    every event of the report groups of `frame`, when `frame` is not the whole table (a page,
    the events of a place): the per-happening columns count every report, not only those
    of the frame."""
    if frame.empty:
        return empty_events_frame()
    for column in ("date_from_text", "is_primary", "approximate"):
        frame[column] = frame[column].astype(bool)
    frame["confidence"] = pd.to_numeric(frame["confidence"], errors="coerce")
    frame["on_map"] = [on_map(None if pd.isna(v) else float(v)) for v in frame["confidence"]]
    reported_by, report_count, cited = _group_columns(frame if groups is None else groups)
    keys = frame["report_group"].astype(str)
    frame["reported_by"] = keys.map(reported_by)
    frame["report_count"] = keys.map(report_count)
    frame["group_cited_sources"] = keys.map(cited)
    return conform(frame)


def _group_columns(rows: pd.DataFrame) -> tuple[dict, dict, dict]:
    """Per report group of `rows` (report_group, article_id, source, cited_sources, in the
    frame's order): the distinct publishers and cited sources, "; "-joined in order of
    first appearance, and how many articles report it. One pass in plain Python: a
    groupby with a function per group is slow over many small groups."""
    publishers: dict[str, dict[str, None]] = {}
    articles: dict[str, set] = {}
    cited: dict[str, dict[str, None]] = {}
    for group, article, source, names in zip(
        rows["report_group"].astype(str),
        rows["article_id"],
        rows["source"],
        rows["cited_sources"],
        strict=True,
    ):
        seen = publishers.setdefault(group, {})
        if isinstance(source, str) and source:
            seen[str(source)] = None
        articles.setdefault(group, set()).add(article)
        named = cited.setdefault(group, {})
        if isinstance(names, str):
            for name in names.split(LIST_SEPARATOR):
                if name:
                    named[name] = None
    return (
        {g: LIST_SEPARATOR.join(v) for g, v in publishers.items()},
        {g: len(v) for g, v in articles.items()},
        {g: LIST_SEPARATOR.join(v) for g, v in cited.items()},
    )


def _floats(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """`frame` with these columns as float64 (PostgreSQL's numerics come as Decimal)."""
    for column in columns:
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    return frame


# --- the interface ------------------------------------------------------------------------------


class Store(ABC):
    """The events database. Open one with `geo.store.open_store`; use it as a context
    manager (or call `close`). Every write is one transaction and bumps `data_version`."""

    location: str  # where it is (a path or URL), for messages

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    @abstractmethod
    def close(self) -> None: ...

    # -- articles, their places and events

    @abstractmethod
    def write_batch(self, batch: Sequence[AnalyzedArticle]) -> WriteResult:
        """Store analysed articles in one transaction: an article whose content hash is
        stored already is left alone, a changed one replaces its places and events, and
        the report groups of every (type, place) the batch touches are recomputed."""

    def write_bulk(self, batch: Sequence[AnalyzedArticle]) -> WriteResult:
        """`write_batch` for large loads (the synthetic databases of benchmarks): the same
        de-duplication and report linking, through the backend's fastest insert path."""
        return self.write_batch(batch)

    @abstractmethod
    def known_hashes(self, article_ids: Iterable[str] | None = None) -> dict[str, str]:
        """article_id -> content_hash of the stored articles (of `article_ids`, else all)."""

    @abstractmethod
    def counts(self) -> StoreCounts: ...

    def is_empty(self) -> bool:
        """Whether no article is stored (the dashboard seeds an empty store)."""
        return self.counts().articles == 0

    @abstractmethod
    def load_events(self) -> pd.DataFrame:
        """Every event on the map, in the schema of geo/schema.py (events whose place was
        corrected to "not a place" are left out)."""

    @abstractmethod
    def load_places(self, article_id: str | None = None) -> pd.DataFrame:
        """Every place name found (resolved or not), of one article or all, ordered by
        article and offset; columns PLACE_FRAME_COLUMNS."""

    @abstractmethod
    def read_article(self, article_id: str) -> StoredArticle | None: ...

    @abstractmethod
    def data_version(self) -> int:
        """A number that changes after every write, by any process: the dashboard's caches
        key on it."""

    # -- the dashboard's questions, answered by the database (geo/store/queries.py): small
    # frames (a count, a page, the events of a place, counts per day) instead of the table

    dialect: queries.Dialect

    def _dialect_for(self, query: EventQuery) -> queries.Dialect:
        """The SQL dialect to ask `query` in (a backend may vary it with the query, for its
        planner: SQLiteStore)."""
        return self.dialect

    def box_columns(self, query: EventQuery) -> queries.Columns:
        """The event_facts columns to ask the list or the count of happenings of `query`
        in (a backend may keep the map's box from leading its planner: SQLiteStore)."""
        return queries.FACTS

    def _plan(self, query: EventQuery) -> tuple[queries.Dialect, queries.Columns]:
        """The dialect and the columns to ask an aggregate of `query` in: event_facts, in
        the dialect `_dialect_for` gives (SQLite reads a wide date range by a scan of the
        covering index the question wants, not down the date index: see there)."""
        return self._dialect_for(query), queries.FACTS

    @abstractmethod
    def _select(self, sql: str, params: Sequence = ()) -> pd.DataFrame:
        """The rows of a statement of geo/store/queries.py (`?` marks its parameters), as
        pandas.read_sql_query makes them of SQLite's."""

    def count_events(self, query: EventQuery) -> int:
        """How many events `query` asks for."""
        return int(self._select(*queries.count_sql(query, *self._plan(query))).iloc[0, 0])

    def hidden_events(self, query: EventQuery) -> int:
        """How many more events `query` would give with `show_all` (the unsure ones)."""
        return self.count_with_hidden(query)[1]

    def count_with_hidden(self, query: EventQuery) -> tuple[int, int]:
        """`count_events` and `hidden_events` of `query`, counted in one pass."""
        if query.show_all:
            return self.count_events(query), 0
        row = self._select(*queries.count_hidden_sql(query, *self._plan(query))).iloc[0]
        every = int(row["every"])
        shown = 0 if pd.isna(row["shown"]) else int(row["shown"])
        return shown, every - shown

    def _events(self, raw: pd.DataFrame) -> pd.DataFrame:
        """The events frame of some rows of EVENT_SELECT, the per-happening columns over
        every report of their happenings."""
        if raw.empty:
            return empty_events_frame()
        keys = list(dict.fromkeys(raw["report_group"].astype(str)))
        parts = [
            self._select(queries.groups_sql(len(c)), [*c, *c])
            for c in queries.in_chunks(keys, 250)  # each key twice: at most 500 parameters
        ]
        return events_frame(raw, pd.concat(parts, ignore_index=True))

    def query_events(
        self,
        query: EventQuery,
        *,
        limit: int | None = None,
        offset: int = 0,
        newest_first: bool = False,
    ) -> pd.DataFrame:
        """The events `query` asks for (geo/schema.py), by date (oldest first, unless
        `newest_first`; undated last), a page of `limit` from `offset` when `limit` is given."""
        if limit is None:
            order = queries.NEWEST_FIRST if newest_first else queries.FRAME_ORDER
            return self._events(
                self._select(*queries.events_sql(query, self._dialect_for(query), order=order))
            )
        # The dated events, then the undated (queries.part_sql: the database reads the
        # page's ids down the day index, not every event sorted), then their rows by id.
        limit, offset = int(limit), max(0, int(offset))
        order = queries.DATED_NEWEST if newest_first else queries.DATED_ORDER
        part = queries.part_sql(
            query, self.dialect, dated=True, order=order, limit=limit, offset=offset
        )
        ids = self._select(*part)["event_id"].astype(str).tolist()
        if len(ids) < limit:
            # past the dated events: how many there are (known unless the page holds none)
            before = offset + len(ids) if ids else self._count_dated(query)
            part = queries.part_sql(
                query,
                self.dialect,
                dated=False,
                order=queries.UNDATED_ORDER,
                limit=limit - len(ids),
                offset=max(0, offset - before),
            )
            ids += self._select(*part)["event_id"].astype(str).tolist()
        rows = self.events_by_ids(ids)
        if rows.empty:
            return rows
        return rows.set_index("event_id", drop=False).loc[ids].reset_index(drop=True)

    def _count_dated(self, query: EventQuery) -> int:
        return int(self._select(*queries.dated_count_sql(query, *self._plan(query))).iloc[0, 0])

    def events_by_ids(self, event_ids: Iterable[str]) -> pd.DataFrame:
        """The events of these ids that are on the map, in the frame's order."""
        ids = list(dict.fromkeys(str(i) for i in event_ids))
        if not ids:
            return empty_events_frame()
        parts = [
            self._select(queries.events_by_ids_sql(len(c)), list(c)) for c in queries.in_chunks(ids)
        ]
        return self._events(pd.concat(parts, ignore_index=True))

    def reports_of(self, event_id: str) -> pd.DataFrame:
        """Every event of the happening (report group) `event_id` belongs to."""
        return self._events(self._select(queries.reports_sql(), [str(event_id)] * 2))

    def events_at(self, query: EventQuery, latitude: float, longitude: float) -> pd.DataFrame:
        """The events `query` asks for at one point of the map (coordinates to 5 decimals)."""
        sql, params = queries.at_point_sql(query, self._dialect_for(query), latitude, longitude)
        return self._events(self._select(sql, params))

    def point_types(self, query: EventQuery) -> pd.DataFrame:
        """Columns latitude, longitude (5 decimals), event_type, events, killed, first_key:
        how many events of each type at each point of the map, the deaths they report, and
        the first of them in the frame's order (queries.FRAME_KEY: `point_firsts` reads
        each point's first event from these)."""
        frame = self._select(*queries.place_types_sql(query, *self._plan(query)))
        frame["killed"] = pd.to_numeric(frame["killed"], errors="coerce").fillna(0)
        return _floats(frame, ("latitude", "longitude")).astype(
            {"events": "int64", "killed": "int64"}
        )

    def point_firsts(self, types: pd.DataFrame) -> pd.DataFrame:
        """What a marker reads (queries.MARKER_SELECT: no sentence, title or link, which are
        the popup's, asked for with `events_at` when a point is clicked) of one event per
        point: the first (frame order) at each point of `types` (`point_types`, whose
        first_key names it), with its point_lat, point_lon; read by id, not found again
        among every event of the view (a window numbering the events at each point cost
        2 to 3 times the grouped pass at 20,000 events)."""
        columns = ["point_lat", "point_lon", "first_key"]
        if types.empty:
            rows = self._select(queries.markers_by_ids_sql(1), [""])
            return pd.DataFrame(
                {"point_lat": pd.Series(dtype="float64"), "point_lon": pd.Series(dtype="float64")}
            ).join(rows)
        firsts = (
            types.groupby(["latitude", "longitude"], sort=False)["first_key"]
            .min()
            .reset_index()
            .set_axis(columns, axis=1)
        )
        ids = [str(k).rsplit(queries.FRAME_KEY_SEPARATOR, 1)[-1] for k in firsts["first_key"]]
        parts = [
            self._select(queries.markers_by_ids_sql(len(c)), list(c))
            for c in queries.in_chunks(ids)
        ]
        firsts = firsts.assign(event_id=ids).drop(columns=["first_key"])
        raw = firsts.merge(pd.concat(parts, ignore_index=True), on="event_id", how="inner")
        raw["approximate"] = raw["approximate"].astype(bool)
        raw["sentence_start"] = pd.to_numeric(raw["sentence_start"], errors="coerce")
        return _floats(raw, ("point_lat", "point_lon")).reset_index(drop=True)

    def grid_counts(self, query: EventQuery, cell_degrees: float) -> pd.DataFrame:
        """Columns cell_lat, cell_lon, event_type, country_code, admin1, events, killed,
        latitude, longitude: events and deaths per cell of a grid of `cell_degrees`, type
        and region, at their mean position."""
        dialect, columns = self._plan(query)
        frame = self._select(*queries.grid_sql(query, dialect, float(cell_degrees), columns))
        frame["killed"] = pd.to_numeric(frame["killed"], errors="coerce").fillna(0)
        return _floats(frame, ("cell_lat", "cell_lon", "latitude", "longitude")).astype(
            {"events": "int64", "killed": "int64"}
        )

    def day_counts(
        self, query: EventQuery, column: str = "event_type", period: str = "day"
    ) -> pd.DataFrame:
        """Columns day (datetime), group, events: dated events per day (or per week from
        Monday, per month: `period`, then `day` is its first day) and value of `column`
        (event_type or source)."""
        dialect, columns = self._plan(query)
        frame = self._select(*queries.period_counts_sql(query, dialect, column, period, columns))
        return pd.DataFrame(
            {
                "day": pd.to_datetime(frame["day"], errors="coerce").astype("datetime64[ns]"),
                "group": frame["grp"].astype("string"),
                "events": frame["events"].astype("int64"),
            }
        )

    def totals(self, query: EventQuery, column: str) -> pd.DataFrame:
        """Columns value, events, killed: per event type, publisher (`source`) or actors
        cell, most events first."""
        dialect, columns = self._plan(query)
        frame = self._select(*queries.totals_sql(query, dialect, column, columns))
        return frame.astype({"value": "string", "events": "int64", "killed": "Int64"})

    def happening_totals(self, query: EventQuery, column: str | None) -> pd.DataFrame:
        """Columns value, events, killed: happenings (report groups) and their deaths, each
        happening once at its largest toll, per event type, publisher (`source`) or actor
        (`actors`, split from its "; "-joined cell; None: no actor named); `column` None:
        one row (value None) of every happening. Unsorted."""
        dialect, columns = self._plan(query)
        if column != "actors":
            frame = self._select(*queries.happening_totals_sql(query, dialect, column, columns))
            if column is None:
                frame.insert(0, "value", [None] * len(frame))
        else:
            rows = self._select(*queries.happening_deaths_sql(query, dialect, column, columns))
            rows["value"] = [
                [n.strip() for n in str(cell).split(";") if n.strip()] or [None]
                if not pd.isna(cell)
                else [None]
                for cell in rows["value"]
            ]
            rows = rows.explode("value")
            rows["killed"] = pd.to_numeric(rows["killed"], errors="coerce")
            per = rows.groupby(["value", "happening"], dropna=False, sort=False)["killed"].max()
            frame = (
                per.fillna(0)
                .groupby(level="value", dropna=False, sort=False)
                .agg(events="size", killed="sum")
                .reset_index()
            )
        frame["killed"] = pd.to_numeric(frame["killed"], errors="coerce").fillna(0)
        frame["value"] = frame["value"].astype(object).where(frame["value"].notna(), None)
        return frame.astype({"events": "int64", "killed": "int64"})[["value", "events", "killed"]]

    def newest_happenings(self, query: EventQuery, limit: int) -> tuple[pd.DataFrame, int]:
        """The newest report of each happening `query` asks for (rows as query_events),
        newest first by event date then publication, undated last, at most `limit`; and
        how many happenings there are."""
        limit = int(limit)
        ids: list[str] = []
        fetch = max(4 * limit, 64)  # reports per happening: a few, seldom more
        # down the date index, however wide the range: the walk stops after `fetch` rows
        dialect = self.dialect
        columns = self.box_columns(query)
        while limit > 0:
            newest = queries.newest_reports_sql(query, dialect, fetch, columns=columns)
            found = self._select(*newest)
            if len(found) < fetch:  # every dated event read: the undated ones after them
                undated = queries.newest_reports_sql(
                    query, dialect, fetch, dated=False, columns=columns
                )
                found = pd.concat([found, self._select(*undated)], ignore_index=True)
            newest = found.drop_duplicates("happening", keep="first")
            ids = newest["event_id"].astype(str).tolist()[:limit]
            if len(ids) == limit or len(found) < fetch:  # enough, or every event read
                break
            fetch *= 4
        counted_in = self._dialect_for(query)  # an aggregate's dialect, as _plan's
        happenings = self._select(*queries.happening_count_sql(query, counted_in, columns))
        if not ids:
            return self.events_by_ids([]), int(happenings.iloc[0, 0])
        rows = self.events_by_ids(ids).set_index("event_id", drop=False)
        return rows.loc[ids].reset_index(drop=True), int(happenings.iloc[0, 0])

    def event_countries(self) -> tuple[str, ...]:
        """The country codes of every event on the map, most events first (ties by code):
        mapview.event_countries of the whole table."""
        frame = self._select(queries.country_events_sql(queries.FACTS))
        pairs = zip(frame["value"].astype(str), frame["events"].astype(int), strict=True)
        return tuple(code for code, _ in sorted(pairs, key=lambda p: (-p[1], p[0])))

    def event_days(self, query: EventQuery) -> list[date]:
        """The days with at least one event `query` asks for, sorted."""
        days = self._select(*queries.days_sql(query, *self._plan(query)))["day"]
        parsed = pd.to_datetime(days, errors="coerce").dropna().dt.date
        return sorted(set(parsed))

    def date_bounds(self, query: EventQuery) -> tuple[date, date] | None:
        """The first and last day of the events `query` asks for; None when none is dated."""
        days = self.event_days(query)
        return (days[0], days[-1]) if days else None

    def filter_values(self) -> dict[str, list]:
        """The distinct values of every event on the map (confident or not), unsorted:
        `source`, `cited_sources` (cells, "; "-joined), `event_type`, `precision`, and
        `countries` ((country_code, admin1) pairs)."""
        out: dict[str, list] = {
            key: self._select(sql)["value"].dropna().tolist()
            for key, sql in queries.choices_sql(queries.FACTS).items()
        }
        pairs = self._select(queries.countries_sql(queries.FACTS))
        out["countries"] = [
            (code, None if pd.isna(admin1) else admin1)
            for code, admin1 in zip(pairs["country_code"], pairs["admin1"], strict=True)
            if not pd.isna(code)
        ]
        return out

    # -- the overrides (corrections by hand; their rules are geo.place.overrides)

    @abstractmethod
    def add_override(self, rule: Override) -> int:
        """Store a correction (its id and created_at are given here); its new id."""

    @abstractmethod
    def remove_override(self, override_id: int) -> bool:
        """Delete a correction; False when there is none with that id."""

    @abstractmethod
    def override_rules(self) -> list[Override]:
        """Every stored override, oldest first."""

    def load_overrides(self) -> Overrides:
        """The overrides in force, ready for `resolve_mentions(overrides=...)`."""
        return Overrides(self.override_rules())

    def list_overrides(self) -> pd.DataFrame:
        """Every override, oldest first, one row each (geo.place.overrides.LIST_COLUMNS)."""
        return overrides_frame(self.override_rules())

    @abstractmethod
    def overrides_version(self) -> tuple[int, int]:
        """Changes whenever an override is added or removed (ids are never reused): a
        cheap test of whether `load_overrides` would give something new."""

    # -- what re-resolving stored places needs (geo.ingest.corrections.reapply_overrides)

    @abstractmethod
    def stored_places(self) -> dict[str, list[ResolvedMention]]:
        """article_id -> its stored places, in text order."""

    @abstractmethod
    def update_places(self, changed: Mapping[str, Sequence[ResolvedMention]]) -> int:
        """Rewrite the resolution of the given places (matched by article and offsets), in
        one transaction; how many rows were written. Events join their place by offsets,
        so they move with it."""

    # -- the feed watcher (geo.read.watch) and "seen before" (geo.read.urls)

    @abstractmethod
    def source_state(self, url: str) -> SourceState | None: ...

    @abstractmethod
    def put_source_state(self, state: SourceState) -> None: ...

    @abstractmethod
    def seen(self, key: str) -> bool:
        """Whether a stored article is known by `key`: a URL as geo.read.pages.url_key
        writes it (canonical or fetched) or a content hash."""

    # -- the feeds to watch, added in the dashboard (table `sources`)

    @abstractmethod
    def add_source(self, source: Source, added_by: str | None = None) -> bool:
        """Store a feed to watch (validated by geo.read.watch.check_source); False, and
        nothing changed, when a source with its URL is stored already."""

    @abstractmethod
    def remove_source(self, url: str) -> bool:
        """Forget a stored feed (its polling state stays, as for a feed of a sources file);
        False when none has that URL."""

    @abstractmethod
    def list_sources(self) -> list[StoredSource]:
        """Every stored feed, oldest first."""


class StoreStateStore:
    """geo.read.watch's StateStore over a store: source states that outlive the process."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, url: str) -> SourceState | None:
        return self.store.source_state(url)

    def put(self, state: SourceState) -> None:
        self.store.put_source_state(state)
