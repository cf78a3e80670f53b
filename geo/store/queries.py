"""The dashboard's questions as SQL: which events a view asks for (`EventQuery`) and the
statements that count, aggregate and page them in the database, not in pandas.

Every statement here is valid in SQLite and PostgreSQL alike and written once, with `?`
for its parameters (PostgreSQL's store turns them into `%s`; no statement holds a literal
`?` or `%`). The one difference of dialect, finding a substring, is a `Dialect`'s `find`.

`EventQuery` is the store's form of the dashboard's filter state (geo/view/filters.py maps
its FilterState to one; `where` here has the same semantics as its `apply_filters`, which
tests/test_store_queries.py checks on both backends):

- the events on the map at all: their place resolved (a place corrected to "not a place"
  takes its events off the map), as `load_events`;
- unless `show_all`, only the confident ones (geo/event/confidence.py's `on_map`: no
  confidence stored, or at least ON_MAP_CONFIDENCE);
- dates inclusive (undated events fail a date bound), publishers, event types, precision
  levels: any of the chosen; cited sources, actors: any of the chosen among the "; "-joined
  names;
  countries: a code (`SY`) or a region (`SY/Aleppo`, the admin1 name);
- `text`: a case-insensitive substring of the place, the name as written, the sentence or
  the title (event_facts' search_text, under a trigram index). SQL's lower() folds ASCII
  letters only (SQLite; PostgreSQL under the "C" collation), pandas' folds every script: a
  search with a non-ASCII letter ("çanakkale") folds the text with Python's str.lower on
  SQLite, ICU's on PostgreSQL, as apply_filters does; an ASCII search keeps the index.
- `bbox` (south, west, north, east): the map's viewport; not a filter of apply_filters.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from geo.event.confidence import ON_MAP_CONFIDENCE

LIST_SEPARATOR = "; "
REGION_SEPARATOR = "/"


@dataclass(frozen=True)
class EventQuery:
    """Which events a view of the dashboard asks for. Every field at its default: all
    confident events on the map."""

    date_from: date | None = None  # inclusive
    date_to: date | None = None  # inclusive
    sources: tuple[str, ...] = ()  # publishers; empty: all
    cited: tuple[str, ...] = ()  # cited sources (any of them); empty: all
    actors: tuple[str, ...] = ()  # who did it (any of the event's actors); empty: all
    types: tuple[str, ...] = ()  # event types; empty: all
    countries: tuple[str, ...] = ()  # "SY" or "SY/Aleppo"; empty: everywhere
    precisions: tuple[str, ...] = ()  # feature levels; empty: all
    text: str = ""  # case-insensitive substring of place, mention, sentence or title
    show_all: bool = False  # True: the unsure events too
    bbox: tuple[float, float, float, float] | None = None  # south, west, north, east


@dataclass(frozen=True)
class Dialect:
    """What differs between the backends' SQL: `find(haystack, needle)` is the 1-based
    position of a substring, 0 when absent; `round(x)` a coordinate to POINT_DECIMALS
    (PostgreSQL rounds numerics, not doubles, to a number of places); `cell(x)` the
    whole number of grid cells in a positive x (floor); `week(day)` the Monday (YYYY-MM-DD)
    of the week of a YYYY-MM-DD text; `frame_key` an event's FRAME_ORDER as one text whose
    smallest value (`first`) is the first event in that order (FRAME_KEY)."""

    find: Callable[[str, str], str]
    # the events of event_facts row `facts` (an alias) holding `needle` in its search_text,
    # as a condition and its parameters: the backend's text index where it can serve
    text_match: Callable[[str, str], tuple[str, list]]
    separator: str  # the character FRAME_KEY_SEPARATOR, in SQL
    round: Callable[[str], str]
    cell: Callable[[str], str]
    week: Callable[[str], str]
    frame_key: str
    first: Callable[[str], str]
    # `one_per(column, rest)`: one row per value of `column` of the rows `rest` (FROM ...
    # WHERE ...) selects, read in the order of an index led by the column. SQLite's GROUP
    # BY walks such an index; PostgreSQL hashes a GROUP BY once work_mem holds the hash
    # (PostgresStore raises it), 1.5 s for the 535,000 happenings of 870,000 events
    # against 0.9 s down facts_happening, which DISTINCT ON (never hashed) reads.
    one_per: Callable[[str, str], str]
    # The column the date range filters on: `+e.event_date` keeps SQLite's planner off the
    # date index (SQLiteStore's choice for a range holding much of the table).
    date_column: str = "e.event_date"


# An event's place in the frame's order (FRAME_ORDER: undated last, date, article, place
# in the text, id) as one text, so that min() of it over a group is the group's first
# event in that order, and its id is the part after the last separator: its fields joined
# by a character below every one they hold (char 1), the offset padded to 12 digits,
# compared byte by byte (PostgreSQL: the "C" collation, as SQLite compares text). One
# grouped pass then gives each point of the map its first event and each of its types the
# first event of the type, without numbering every event at each point (a window).
FRAME_KEY_SEPARATOR = "\x01"
_FRAME_KEY = (
    "(CASE WHEN e.event_date IS NULL THEN '1' ELSE '0' || e.event_date END) || {sep} || "
    "e.article_id || {sep} || {pad} || {sep} || e.event_id"
)

# What a text search reads of an event, the place's name, the name as written, the sentence
# and the title (geo/view/filters.py SEARCH_COLUMNS), is one text of event_facts,
# `search_text`, the four joined by FRAME_KEY_SEPARATOR, which no search holds
# (`search_needle`): a substring of it is a substring of one of them. Each backend keeps
# a trigram index of it, which finds a substring of three characters or more without
# reading every event: SQLite an FTS5 table (`event_search`), PostgreSQL pg_trgm's GIN
# index of lower(search_text) (when the extension can be created; without it, a search
# reads event_facts alone, no join).
TRIGRAM = 3  # the shortest needle a trigram index finds: shorter ones read every fact


def search_needle(text: str) -> str:
    """What a search looks for: the text without the spaces around it and without the
    separator of search_text's parts."""
    return text.replace(FRAME_KEY_SEPARATOR, "").strip()


def search_text_sql(separator: str) -> str:
    """An event's search_text, from the events joined to their article and place."""
    parts = ("coalesce(p.name, '')", "p.text", "e.sentence", "coalesce(a.title, '')")
    return f" || {separator} || ".join(parts)


def _sqlite_text_match(needle: str, facts: str) -> tuple[str, list]:
    if needle.isascii() and len(needle) >= TRIGRAM:
        # an FTS5 phrase of a trigram table: every trigram of the needle, in its order,
        # is the needle as a substring (ASCII letters folded, as lower() folds them)
        phrase = '"' + needle.replace('"', '""') + '"'
        sql = f"{facts}.fact_id IN (SELECT rowid FROM event_search WHERE event_search MATCH ?)"
        return sql, [phrase]
    fold = "lower" if needle.isascii() else "geo_lower"  # geo/store/sqlite.py registers it
    return f"instr({fold}({facts}.search_text), ?) > 0", [needle.lower()]


def _postgres_text_match(needle: str, facts: str) -> tuple[str, list]:
    if needle.isascii():
        # the expression of the trigram index (PostgresStore): LIKE '%needle%' is served
        # by it; lower() of a "C" column folds ASCII letters
        escaped = needle.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return f"lower({facts}.search_text) LIKE ?", [f"%{escaped}%"]
    return f'strpos(lower({facts}.search_text COLLATE "und-x-icu"), ?) > 0', [needle.lower()]


# A point of the map: coordinates to 5 decimals (about a metre), as geo/view/mapview.py
# groups events into markers.
POINT_DECIMALS = 5
SQLITE = Dialect(
    find=lambda haystack, needle: f"instr({haystack}, {needle})",
    text_match=_sqlite_text_match,
    separator="char(1)",
    round=lambda x: f"round({x}, {POINT_DECIMALS})",
    cell=lambda x: f"CAST({x} AS INTEGER)",  # truncation: the floor of a positive number
    # six days back, then forward to a Monday: the Monday on or before the day
    week=lambda day: f"date({day}, '-6 days', 'weekday 1')",
    frame_key=_FRAME_KEY.format(sep="char(1)", pad="printf('%012d', e.sentence_start)"),
    first=lambda key: f"min({key})",
    one_per=lambda column, rest: f"SELECT {column} {rest} GROUP BY {column}",
)
POSTGRES = Dialect(
    find=lambda haystack, needle: f"strpos({haystack}, {needle})",
    text_match=_postgres_text_match,
    separator="chr(1)",
    round=lambda x: f"round(CAST({x} AS numeric), {POINT_DECIMALS})",
    cell=lambda x: f"floor({x})",
    week=lambda day: f"to_char(date_trunc('week', CAST({day} AS date)), 'YYYY-MM-DD')",
    frame_key=_FRAME_KEY.format(sep="chr(1)", pad="lpad(CAST(e.sentence_start AS text), 12, '0')"),
    first=lambda key: f'min({key} COLLATE "C")',
    one_per=lambda column, rest: f"SELECT DISTINCT ON ({column}) {column} {rest} ORDER BY {column}",
)

# SQLite asked to filter dates without its date index (SQLiteStore._dialect_for).
SQLITE_SCAN_DATES = replace(SQLITE, date_column="+e.event_date")


def date_range_share(
    date_from: date | None, date_to: date | None, first: str | None, last: str | None
) -> float:
    """The share of the period from `first` to `last` (stored dates, YYYY-MM-DD at
    the start) that the range from `date_from` to `date_to` (None: open) covers, 0 to 1:
    news spreads over its period, so this is about the share of its events. 1.0 when the
    stored dates cannot be read."""
    try:
        start = date.fromisoformat(str(first)[:10])
        end = date.fromisoformat(str(last)[:10])
    except ValueError:
        return 1.0
    low = max(start, date_from) if date_from is not None else start
    high = min(end, date_to) if date_to is not None else end
    if high < low:
        return 0.0
    return min(1.0, ((high - low).days + 1) / ((end - start).days + 1))


# Events joined to their article and place: the FROM of every question.
FROM = """
FROM events e
JOIN articles a ON a.article_id = e.article_id
JOIN places p ON p.article_id = e.article_id AND p.start_char = e.place_start
                AND p.end_char = e.place_end
"""
# The columns of a row of geo/schema.py read from the tables (the per-happening ones,
# reported_by, report_count, group_cited_sources, and on_map are computed after).
EVENT_SELECT = """
SELECT e.event_id, e.article_id, a.title, a.source, a.url, a.published,
       e.event_date, e.date_precision, e.date_from_text, e.event_type,
       p.name AS place, p.text AS mention, p.latitude, p.longitude,
       p.feature AS precision, p.approximate, p.country_code, p.admin1, p.geonameid,
       p.method AS resolution, e.cited_sources,
       e.denied_by, e.actors, e.killed, e.injured, e.civilians_killed, e.children_killed,
       coalesce(e.report_group, e.event_id) AS report_group,
       e.is_primary, e.sentence, e.sentence_start, e.confidence
"""
ON_MAP = "p.resolved = 1"  # a place corrected to "not a place" takes its events off the map
# A confident event (geo/event/confidence.py's `on_map`); its parameter is ON_MAP_CONFIDENCE.
CONFIDENT = "(e.confidence IS NULL OR e.confidence >= ?)"
# The events frame's order (load_events): by date, article, place in the text; undated
# events last on both backends (SQLite sorts NULL first, PostgreSQL last).
FRAME_ORDER = (
    "CASE WHEN e.event_date IS NULL THEN 1 ELSE 0 END, e.event_date, e.article_id, "
    "e.sentence_start, e.event_id"
)
NEWEST_FIRST = (
    "CASE WHEN e.event_date IS NULL THEN 1 ELSE 0 END, e.event_date DESC, e.article_id, "
    "e.sentence_start, e.event_id"
)
# The same orders over event_facts for the dated events and the undated ones apart (a
# page: `part_sql`; its first_key is FRAME_KEY, so within a day it orders by article,
# place in the text and id). Without the CASE first, the database walks the day index in
# order and stops at the rows asked for, instead of sorting every event: the first table
# page of 200,000 events 0.49 -> 0.02 s. Over the facts, not the events joined to their
# places: PostgreSQL's planner expected a few rows of that three-column join and sorted
# every event instead (5.6 s for a page at 1,000,000 events).
DATED_ORDER = "e.event_date, e.first_key"
DATED_NEWEST = "e.event_date DESC, e.first_key"
UNDATED_ORDER = "e.first_key"


@dataclass(frozen=True)
class Columns:
    """Where a question reads an event's columns: `RAW`, the events joined to their
    article and place (every question can be asked there), or `FACTS`, the table
    event_facts (FACTS_SQL: one row per event on the map, with its point, publisher and
    filter columns beside it, under covering indexes), where every question but a text
    search (its sentence, title and place names are not copied) is answered without a
    join. The events' own columns are `e.`'s in both."""

    from_: str
    on_map: str  # the condition of an event on the map ("1 = 1": every fact is)
    source: str
    feature: str
    country_code: str
    admin1: str
    latitude: str
    longitude: str
    rounded: bool  # latitude and longitude already to POINT_DECIMALS
    first_key: str | None  # the event's FRAME_KEY; None: Dialect.frame_key
    happening: str
    day: str  # the event's day, YYYY-MM-DD


HAPPENING = "coalesce(e.report_group, e.event_id)"
RAW = Columns(
    from_=FROM, on_map=ON_MAP, source="a.source", feature="p.feature",
    country_code="p.country_code", admin1="p.admin1", latitude="p.latitude",
    longitude="p.longitude", rounded=False, first_key=None, happening=HAPPENING,
    day="substr(e.event_date, 1, 10)",
)  # fmt: skip
FACTS = Columns(
    from_="FROM event_facts e", on_map="1 = 1", source="e.source", feature="e.feature",
    country_code="e.country_code", admin1="e.admin1", latitude="e.latitude",
    longitude="e.longitude", rounded=True, first_key="e.first_key", happening="e.happening",
    day="e.event_date",  # FACTS_COLUMNS' event_date is the day alone
)  # fmt: skip

# FACTS whose point columns no index serves (unary plus): the map's box then filters a
# walk down another index (the days' for the newest reports, the happenings' for their
# count) instead of leading by the point index, which for a box holding most events sorted
# them all (1,000,000 events in view: the newest 2.9 s -> 0.005 s, their happenings 2.0 ->
# 0.9 s). SQLiteStore.box_columns chooses, by how many events the box holds.
FACTS_BOX_UNINDEXED = replace(FACTS, latitude="+e.latitude", longitude="+e.longitude")


def box_events_sql(query: EventQuery, cap: int) -> tuple[str, list]:
    """How many events (of any filter) lie in `query`'s box, counted up to `cap` down the
    point index: a probe of whether the box leads a question or filters it."""
    south, west, north, east = query.bbox
    if west <= east:
        lon, lon_params = "e.longitude BETWEEN ? AND ?", [west, east]
    else:  # across the antimeridian
        lon, lon_params = "(e.longitude >= ? OR e.longitude <= ?)", [west, east]
    sql = (
        "SELECT count(*) AS n FROM (SELECT 1 FROM event_facts e "
        f"WHERE e.latitude BETWEEN ? AND ? AND {lon} LIMIT ?) box"
    )
    return sql, [south, north, *lon_params, int(cap)]


def point_of(columns: Columns, dialect: Dialect) -> tuple[str, str]:
    """An event's point of the map (latitude, longitude to POINT_DECIMALS)."""
    if columns.rounded:
        return columns.latitude, columns.longitude
    return dialect.round(columns.latitude), dialect.round(columns.longitude)


def valid_point(columns: Columns) -> str:
    """The coordinates of `columns` within the world's."""
    # Written with abs(), which no index serves: a range over the whole world made SQLite's
    # planner walk the places by the (latitude, longitude) index and fetch each row from
    # there, 1.7 to 2.7 times slower than scanning the events (20,000 events). A viewport
    # (`bbox`) is a BETWEEN that the index serves.
    return f"abs({columns.latitude}) <= 90 AND abs({columns.longitude}) <= 180"


# event_facts: what the dashboard's questions read of an event on the map, copied from the
# events, their articles and places when they are written (each store fills the rows of
# the articles it writes or re-resolves, and keeps `happening` with the report groups: the
# one copy of those columns). At 1,000,000 synthetic events, the last nine tenths of the
# period in SQLite, CPU seconds over the three tables -> over event_facts: the count 2.4 ->
# 0.05, the map per point and type 6.9 -> 0.4, the timeline 4.4 -> 0.14, the days with
# events 2.9 -> 0.004 (bench/queries.py): no join per event, no expression per event, and
# an index that holds every column a question reads, in the order it groups by. The facts'
# event_date is the day alone (a stored date may say more after it), so that the day
# index's order is the order a timeline or the days with events are grouped in.
FACTS_COLUMNS = (
    "event_id", "article_id", "event_date", "event_type", "source", "latitude", "longitude",
    "feature", "country_code", "admin1", "confidence", "killed", "cited_sources", "actors",
    "happening", "first_key", "search_text",
)  # fmt: skip


def facts_fill_sql(dialect: Dialect, articles: int | None) -> str:
    """Insert the facts of the events on the map of `articles` article ids (`?`s), of every
    article when None."""
    lat, lon = point_of(RAW, dialect)
    which = "" if articles is None else f" AND e.article_id IN ({_marks(articles)})"
    return (
        f"INSERT INTO event_facts ({', '.join(FACTS_COLUMNS)}) "
        f"SELECT e.event_id, e.article_id, {RAW.day}, e.event_type, a.source, {lat}, {lon}, "
        "p.feature, p.country_code, p.admin1, e.confidence, e.killed, e.cited_sources, "
        f"e.actors, {HAPPENING}, {dialect.frame_key}, {search_text_sql(dialect.separator)} "
        f"{FROM} WHERE {ON_MAP}{which}"
    )


def facts_delete_sql(articles: int) -> str:
    return f"DELETE FROM event_facts WHERE article_id IN ({_marks(articles)})"


# The facts' report groups follow the events' (its parameters: a group, or NULL for none,
# and an event id: those of the events' UPDATE).
FACTS_GROUP_SQL = "UPDATE event_facts SET happening = coalesce(?, event_id) WHERE event_id = ?"


def _marks(n: int) -> str:
    return ", ".join("?" * n)


def where(query: EventQuery, dialect: Dialect, columns: Columns = RAW) -> tuple[str, list]:
    """The WHERE clause (from "WHERE") of the events `query` asks for, and its parameters,
    over `columns`."""
    parts, params = [columns.on_map], []
    if not query.show_all:
        parts.append(CONFIDENT)
        params.append(ON_MAP_CONFIDENCE)
    if query.date_from is not None:
        parts.append(f"{dialect.date_column} >= ?")
        params.append(query.date_from.isoformat())
    if query.date_to is not None:
        # a stored date is YYYY-MM-DD; anything after it on that day still counts
        parts.append(f"{dialect.date_column} < ?")
        params.append(query.date_to.isoformat() + "~")
    for column, values in (
        (columns.source, query.sources),
        ("e.event_type", query.types),
        (columns.feature, query.precisions),
    ):
        if values:
            parts.append(f"{column} IN ({_marks(len(values))})")
            params.extend(values)
    for column, names in (("e.cited_sources", query.cited), ("e.actors", query.actors)):
        if names:
            # a name between separators: the cell is written "A; B" (geo/store's join),
            # so a whole name matches and a part of one ("Ali" in "Alibaba") does not
            wrapped = f"'{LIST_SEPARATOR}' || {column} || '{LIST_SEPARATOR}'"
            found = [f"{dialect.find(wrapped, '?')} > 0" for _ in names]
            parts.append("(" + " OR ".join(found) + ")")
            params.extend(f"{LIST_SEPARATOR}{name}{LIST_SEPARATOR}" for name in names)
    if query.countries:
        codes = [c for c in query.countries if REGION_SEPARATOR not in c]
        regions = [c for c in query.countries if REGION_SEPARATOR in c]
        either = []
        if codes:
            either.append(f"{columns.country_code} IN ({_marks(len(codes))})")
            params.extend(codes)
        if regions:
            key = (
                f"coalesce({columns.country_code}, '') || '{REGION_SEPARATOR}' || "
                f"coalesce({columns.admin1}, '')"
            )
            either.append(f"{key} IN ({_marks(len(regions))})")
            params.extend(regions)
        parts.append("(" + " OR ".join(either) + ")")
    needle = search_needle(query.text)
    if needle:
        # over the three tables, the events whose facts hold it: the text index is theirs
        facts = "e" if columns is FACTS else "f"
        found, found_params = dialect.text_match(needle, facts)
        if columns is not FACTS:
            found = f"e.event_id IN (SELECT f.event_id FROM event_facts f WHERE {found})"
        parts.append(found)
        params.extend(found_params)
    if query.bbox is not None:
        south, west, north, east = query.bbox
        parts.append(f"{columns.latitude} BETWEEN ? AND ?")
        params.extend([south, north])
        if west <= east:
            parts.append(f"{columns.longitude} BETWEEN ? AND ?")
            params.extend([west, east])
        else:  # a viewport across the antimeridian
            parts.append(f"({columns.longitude} >= ? OR {columns.longitude} <= ?)")
            params.extend([west, east])
    return "WHERE " + " AND ".join(parts), params


def count_sql(query: EventQuery, dialect: Dialect, columns: Columns = RAW) -> tuple[str, list]:
    clause, params = where(query, dialect, columns)
    return f"SELECT count(*) AS n {columns.from_} {clause}", params


def count_hidden_sql(
    query: EventQuery, dialect: Dialect, columns: Columns = RAW
) -> tuple[str, list]:
    """In one pass: `every`, how many events `query` asks for with `show_all`, and
    `shown`, how many of them are confident (the count without it)."""
    clause, params = where(replace(query, show_all=True), dialect, columns)
    sql = (
        f"SELECT count(*) AS every, sum(CASE WHEN {CONFIDENT} THEN 1 ELSE 0 END) AS shown "
        f"{columns.from_} {clause}"
    )
    return sql, [ON_MAP_CONFIDENCE, *params]


def events_sql(
    query: EventQuery,
    dialect: Dialect,
    *,
    order: str = FRAME_ORDER,
    limit: int | None = None,
    offset: int = 0,
) -> tuple[str, list]:
    """The rows (EVENT_SELECT) of the events `query` asks for, in `order`, a page of them
    when `limit` is given."""
    clause, params = where(query, dialect)
    sql = f"{EVENT_SELECT} {FROM} {clause} ORDER BY {order}"
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params += [int(limit), int(offset)]
    return sql, params


def part_sql(
    query: EventQuery,
    dialect: Dialect,
    *,
    dated: bool,
    order: str,
    limit: int,
    offset: int = 0,
) -> tuple[str, list]:
    """The ids (event_id) of a page (`limit` rows from `offset`) of the dated events
    (`dated`) or of the undated ones `query` asks for, in `order` (DATED_ORDER,
    DATED_NEWEST, UNDATED_ORDER: over event_facts)."""
    clause, params = where(query, dialect, FACTS)
    null = "IS NOT NULL" if dated else "IS NULL"
    sql = (
        f"SELECT e.event_id {FACTS.from_} {clause} AND e.event_date {null} "
        f"ORDER BY {order} LIMIT ? OFFSET ?"
    )
    return sql, [*params, int(limit), int(offset)]


def dated_count_sql(
    query: EventQuery, dialect: Dialect, columns: Columns = RAW
) -> tuple[str, list]:
    """How many of the events `query` asks for are dated."""
    clause, params = where(query, dialect, columns)
    sql = f"SELECT count(*) AS n {columns.from_} {clause} AND e.event_date IS NOT NULL"
    return sql, params


def events_by_ids_sql(count: int) -> str:
    return (
        f"{EVENT_SELECT} {FROM} WHERE {ON_MAP} AND e.event_id IN ({_marks(count)}) "
        f"ORDER BY {FRAME_ORDER}"
    )


# The events of some happenings (`?`s: the happenings' keys, twice), written so that the
# indexes serve it (events_group, the events' key): `coalesce(e.report_group, e.event_id)
# IN (...)` is the same set, but no index serves an expression and every event was read,
# for every page (a page's happenings at 200,000 events: 0.57 -> 0.01 s).
def _of_happenings(marks: str) -> str:
    return f"(e.report_group IN ({marks}) OR (e.report_group IS NULL AND e.event_id IN ({marks})))"


def groups_sql(count: int) -> str:
    """Every event on the map of `count` report groups, in the frame's order (the
    per-happening columns of a page are computed over these, as load_events does over
    the whole table). Its parameters: the groups' keys, twice (`_of_happenings`)."""
    return (
        "SELECT coalesce(e.report_group, e.event_id) AS report_group, e.article_id, "
        f"a.source, e.cited_sources {FROM} WHERE {ON_MAP} AND "
        f"{_of_happenings(_marks(count))} ORDER BY {FRAME_ORDER}"
    )


def reports_sql() -> str:
    """Every event of the happening (report group) of one event id (its parameter: the
    id, twice)."""
    key = "(SELECT coalesce(report_group, event_id) FROM events WHERE event_id = ?)"
    return f"{EVENT_SELECT} {FROM} WHERE {ON_MAP} AND {_of_happenings(key)} ORDER BY {FRAME_ORDER}"


def at_point_sql(query: EventQuery, dialect: Dialect, latitude: float, longitude: float):
    """The events `query` asks for at one point of the map (5 decimals), in frame order."""
    clause, params = where(query, dialect)
    lat, lon = dialect.round("p.latitude"), dialect.round("p.longitude")
    sql = (
        f"{EVENT_SELECT} {FROM} {clause} AND {valid_point(RAW)} AND {lat} = ? AND {lon} = ? "
        f"ORDER BY {FRAME_ORDER}"
    )
    return sql, [*params, round(float(latitude), 5), round(float(longitude), 5)]


def place_types_sql(
    query: EventQuery, dialect: Dialect, columns: Columns = RAW
) -> tuple[str, list]:
    """Per point of the map (5 decimals) and event type: how many events, the deaths
    they report (the sum of `killed`, none counted as 0), and the first of them in the
    frame's order (`first_key`, Dialect.frame_key)."""
    clause, params = where(query, dialect, columns)
    lat, lon = point_of(columns, dialect)
    key = dialect.first(columns.first_key or dialect.frame_key)
    sql = (
        f"SELECT {lat} AS latitude, {lon} AS longitude, e.event_type, count(*) AS events, "
        f"sum(coalesce(e.killed, 0)) AS killed, {key} AS first_key "
        f"{columns.from_} {clause} AND {valid_point(columns)} "
        f"GROUP BY {lat}, {lon}, e.event_type"
    )
    return sql, params


# What a marker and its tooltip read of the first events at its point (the popup, with
# the sentence and the link, is asked for when the point is clicked: at_point_sql).
MARKER_SELECT = """
SELECT e.event_id, e.article_id, e.sentence_start, e.event_date, e.date_precision,
       e.event_type, p.name AS place, p.text AS mention, p.feature AS precision,
       p.approximate, p.country_code, p.admin1
"""


def markers_by_ids_sql(count: int) -> str:
    """MARKER_SELECT of the events of `count` ids (the first event of each point)."""
    return f"{MARKER_SELECT} {FROM} WHERE {ON_MAP} AND e.event_id IN ({_marks(count)})"


def grid_sql(
    query: EventQuery, dialect: Dialect, cell_degrees: float, columns: Columns = RAW
) -> tuple[str, list]:
    """Events and deaths per cell of a grid of `cell_degrees` (the map far out, over many
    places), event type, country and region, at their mean position."""
    clause, params = where(query, dialect, columns)
    lat, lon = columns.latitude, columns.longitude
    cell_lat = dialect.cell(f"({lat} + 90) / ?")
    cell_lon = dialect.cell(f"({lon} + 180) / ?")
    sql = (
        f"SELECT {cell_lat} AS cell_lat, {cell_lon} AS cell_lon, e.event_type, "
        f"{columns.country_code} AS country_code, {columns.admin1} AS admin1, "
        "count(*) AS events, sum(coalesce(e.killed, 0)) AS killed, "
        f"avg({lat}) AS latitude, avg({lon}) AS longitude {columns.from_} {clause} "
        f"AND {valid_point(columns)} GROUP BY 1, 2, 3, 4, 5"
    )
    return sql, [cell_degrees, cell_degrees, *params]


# The periods the timeline counts events by: the first day of each (YYYY-MM-DD).
PERIODS = ("day", "week", "month")


def period_start(period: str, dialect: Dialect, day: str) -> str:
    """The first day (YYYY-MM-DD) of the `period` (PERIODS) the day `day` (a YYYY-MM-DD
    text) falls in."""
    if period == "day":
        return day
    if period == "week":
        return dialect.week(day)
    if period == "month":
        return f"substr({day}, 1, 7) || '-01'"
    raise ValueError(f"cannot count per {period!r}: one of {', '.join(PERIODS)}")


def period_counts_sql(
    query: EventQuery, dialect: Dialect, column: str, period: str = "day", columns: Columns = RAW
) -> tuple[str, list]:
    """Events per `period` (day, week from Monday, month; its first day) and value of
    `column` (event_type or source). Counted per day first, then per period: the day
    groups come out of the date index in its order, and the period's first day is
    computed once per day and value (34,000 rows at 1,000,000 events), not once per event,
    whose per-row date arithmetic and re-sort had made a count per week or month 3 times
    one per day."""
    if column not in ("event_type", "source"):
        raise ValueError(f"cannot count by {column!r}")
    qualified = "e.event_type" if column == "event_type" else columns.source
    clause, params = where(query, dialect, columns)
    per_day = (
        f"SELECT {columns.day} AS day, {qualified} AS grp, count(*) AS events "
        f"{columns.from_} {clause} AND e.event_date IS NOT NULL "
        f"GROUP BY {columns.day}, {qualified}"
    )
    start = period_start(period, dialect, "per_day.day")  # an unknown period: its error
    if period == "day":
        return per_day, params
    sql = (
        f"SELECT {start} AS day, per_day.grp AS grp, sum(per_day.events) AS events "
        f"FROM ({per_day}) per_day GROUP BY {start}, per_day.grp"
    )
    return sql, params


def _totalled(column: str, columns: Columns) -> str:
    qualified = {"event_type": "e.event_type", "source": columns.source, "actors": "e.actors"}
    if column not in qualified:
        raise ValueError(f"cannot total by {column!r}")
    return qualified[column]


def totals_sql(
    query: EventQuery, dialect: Dialect, column: str, columns: Columns = RAW
) -> tuple[str, list]:
    """Events and deaths per value of `column` (event_type, source, or the actors cell),
    most events first."""
    expr = _totalled(column, columns)
    clause, params = where(query, dialect, columns)
    sql = (
        f"SELECT {expr} AS value, count(*) AS events, sum(e.killed) AS killed "
        f"{columns.from_} {clause} "
        f"GROUP BY {expr} ORDER BY count(*) DESC, {expr}"
    )
    return sql, params


def happening_deaths_sql(
    query: EventQuery, dialect: Dialect, column: str | None, columns: Columns = RAW
):
    """Per happening (report group) of the events `query` asks for, and per value of
    `column` (event_type, source, the actors cell; None: per happening alone): the largest
    death toll among its reports (NULL when none gives one). Reports of one attack are not
    added up: geo/view/overview.py's totals count a happening once, at its largest toll."""
    value = _totalled(column, columns) if column is not None else "NULL"
    clause, params = where(query, dialect, columns)
    happening = columns.happening
    sql = (
        f"SELECT {value} AS value, {happening} AS happening, max(e.killed) AS killed "
        f"{columns.from_} {clause} GROUP BY {value + ', ' if column else ''}{happening}"
    )
    return sql, params


def happening_totals_sql(
    query: EventQuery, dialect: Dialect, column: str | None, columns: Columns = RAW
):
    """Happenings and deaths (each happening at its largest toll) per value of `column`
    (event_type or source: one value per event; the actors cell is split by the caller;
    None: one row, of every happening)."""
    inner, params = happening_deaths_sql(query, dialect, column, columns)
    if column is None:  # every happening: one row
        return (
            f"SELECT count(*) AS events, sum(coalesce(killed, 0)) AS killed FROM ({inner}) per",
            params,
        )
    sql = (
        "SELECT value, count(*) AS events, sum(coalesce(killed, 0)) AS killed "
        f"FROM ({inner}) per GROUP BY value"
    )
    return sql, params


# Newest first by event date, then by publication (unpublished last), of the dated events
# (the undated ones come after, by publication: NEWEST_UNDATED).
BY_PUBLICATION = "CASE WHEN a.published IS NULL THEN 1 ELSE 0 END, a.published DESC, e.event_id"
NEWEST_REPORT = f"e.event_date DESC, {BY_PUBLICATION}"
NEWEST_UNDATED = BY_PUBLICATION


def newest_reports_sql(
    query: EventQuery,
    dialect: Dialect,
    limit: int,
    *,
    dated: bool = True,
    columns: Columns | None = None,
):
    """The first `limit` dated (else undated) events `query` asks for, newest first
    (NEWEST_REPORT, NEWEST_UNDATED), with their happening: the first row of a happening,
    the dated ones before the undated, is its newest report, so the happenings in the
    order of their first rows are the happenings newest first. A walk down the date index
    cut at `limit` rows, not a window numbering every report (20,000 events: 0.13-0.17 s
    -> a few ms). Read from the facts (their day index) and the articles (the publication
    date): over the events joined to their places, PostgreSQL's planner expected a few
    rows of the three-column join, sorted every event instead, and took 4.5 s at
    1,000,000 events."""
    clause, params = where(query, dialect, columns or FACTS)
    null = "IS NOT NULL" if dated else "IS NULL"
    order = NEWEST_REPORT if dated else NEWEST_UNDATED
    sql = (
        f"SELECT e.event_id, e.happening {FACTS.from_} "
        f"JOIN articles a ON a.article_id = e.article_id {clause} AND e.event_date {null} "
        f"ORDER BY {order} LIMIT ? OFFSET ?"
    )
    return sql, [*params, int(limit), 0]


def happening_count_sql(
    query: EventQuery, dialect: Dialect, columns: Columns = RAW
) -> tuple[str, list]:
    """How many happenings (report groups) the events `query` asks for belong to."""
    clause, params = where(query, dialect, columns)
    # one row per happening, not count(DISTINCT): read in the order of an index led by
    # them (facts_happening) instead of sorting every event's (Dialect.one_per)
    each = dialect.one_per(columns.happening, f"{columns.from_} {clause}")
    return f"SELECT count(*) AS happenings FROM ({each}) per", params


def days_sql(query: EventQuery, dialect: Dialect, columns: Columns = RAW) -> tuple[str, list]:
    """The distinct days with events (sorted)."""
    clause, params = where(query, dialect, columns)
    sql = (
        f"SELECT DISTINCT {columns.day} AS day {columns.from_} {clause} "
        "AND e.event_date IS NOT NULL ORDER BY day"
    )
    return sql, params


def choices_sql(columns: Columns = RAW) -> dict[str, str]:
    """The filter choices: distinct values over every event on the map (confident or not)."""
    every = f"{columns.from_} WHERE {columns.on_map}"
    return {
        "source": f"SELECT DISTINCT {columns.source} AS value {every}",
        "cited_sources": f"SELECT DISTINCT e.cited_sources AS value {every}",
        "event_type": f"SELECT DISTINCT e.event_type AS value {every}",
        "actors": f"SELECT DISTINCT e.actors AS value {every}",
        "precision": f"SELECT DISTINCT {columns.feature} AS value {every}",
    }


def countries_sql(columns: Columns = RAW) -> str:
    return (
        f"SELECT DISTINCT {columns.country_code} AS country_code, {columns.admin1} AS admin1 "
        f"{columns.from_} WHERE {columns.on_map}"
    )


def country_events_sql(columns: Columns = RAW) -> str:
    """The countries of every event on the map (the base map names their towns), most first."""
    return (
        f"SELECT {columns.country_code} AS value, count(*) AS events {columns.from_} "
        f"WHERE {columns.on_map} AND {columns.country_code} IS NOT NULL "
        f"GROUP BY {columns.country_code}"
    )


def in_chunks(values: Sequence, size: int = 500) -> list[Sequence]:
    """`values` in pieces of at most `size` (SQLite limits a statement's parameters)."""
    return [values[i : i + size] for i in range(0, len(values), size)]
