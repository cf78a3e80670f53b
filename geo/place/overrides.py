"""Corrections made by hand: a place name -> a place, or -> "not a place".

An override has a scope: everywhere, in articles about one country (`country_code`), or in
one article (`article_id`); the most specific one that applies wins, the newest among
equals. The resolver (geo/resolve.py) honours them before the gazetteer is asked.

They live in the events database (table `overrides`, next to geo/store.py's tables), so
the command line (`python -m geo places override ...`) and the dashboard share them.
`reapply_overrides` rewrites the stored places the overrides touch, so stored events move
(or disappear, for "not a place") without re-ingesting; removing an override and
reapplying gives those mentions back to the gazetteer.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd

from geo.models import Mention, Method, Place, ResolvedMention
from geo.place.gazetteer import Gazetteer, normalize_name
from geo.place.ranking import Context, rank_candidates
from geo.store.sqlite import connect, resolution_values, transaction

TABLE = """
CREATE TABLE IF NOT EXISTS overrides (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL, norm TEXT NOT NULL,
    country_code TEXT, article_id TEXT,
    not_a_place INTEGER NOT NULL,
    geonameid INTEGER, place_name TEXT, latitude REAL, longitude REAL,
    place_country_code TEXT, admin1 TEXT, admin1_code TEXT, feature TEXT,
    population INTEGER, source TEXT,
    note TEXT NOT NULL, created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS overrides_norm ON overrides (norm);
"""

LIST_COLUMNS = [
    "id", "name", "country_code", "article_id", "geonameid", "place_name", "latitude",
    "longitude", "feature", "not_a_place", "note", "created_at",
]  # fmt: skip


@dataclass(frozen=True)
class Override:
    """One correction. `place` None means "not a place"."""

    id: int
    name: str
    place: Place | None
    country_code: str | None = None
    article_id: str | None = None
    note: str = ""
    created_at: str = ""

    @property
    def not_a_place(self) -> bool:
        return self.place is None

    @property
    def specificity(self) -> int:
        return 2 if self.article_id else 1 if self.country_code else 0


class Overrides:
    """The overrides in force, indexed by normalised name, for the resolver."""

    def __init__(self, rules: Iterable[Override] = ()):
        self._by_name: dict[str, list[Override]] = defaultdict(list)
        for rule in rules:
            self._by_name[normalize_name(rule.name)].append(rule)

    def __len__(self) -> int:
        return sum(len(rules) for rules in self._by_name.values())

    def names(self) -> set[str]:
        """The normalised names some override is about."""
        return set(self._by_name)

    def match(
        self, name: str, *, article_id: str | None = None, countries: Iterable[str] = ()
    ) -> Override | None:
        """The override for `name` in this article, or None.

        An article-scoped override applies in that article only; a country-scoped one
        where the article is about that country (`countries`: those it names, and the
        country of the gazetteer's own choice for the name).
        """
        rules = self._by_name.get(normalize_name(name))
        if not rules:
            return None
        countries = set(countries)
        applicable = [
            r
            for r in rules
            if (r.article_id is None or r.article_id == article_id)
            and (r.country_code is None or r.country_code in countries)
        ]
        if not applicable:
            return None
        return max(applicable, key=lambda r: (r.specificity, r.created_at, r.id))

    def resolve(self, mention: Mention, rule: Override) -> ResolvedMention:
        """The mention as the override places it (unresolved for "not a place")."""
        return ResolvedMention(
            mention,
            rule.place,
            matched_name=rule.name,
            score=1.0,
            method=Method.OVERRIDE,
        )


def _connect(db_path: str | os.PathLike[str]):
    db = connect(db_path)
    db.executescript(TABLE)
    return db


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def add_override(
    db_path: str | os.PathLike[str],
    name: str,
    place: Place | None,
    *,
    country_code: str | None = None,
    article_id: str | None = None,
    note: str = "",
) -> int:
    """Store a correction and return its id. `place` None: the name is not a place."""
    if not normalize_name(name or ""):
        raise ValueError(f"an override needs a place name, got {name!r}")
    if place is not None and not isinstance(place, Place):
        raise TypeError(f"place must be a geo.models.Place or None, got {type(place).__name__}")
    country_code = country_code.strip().upper() if country_code and country_code.strip() else None
    article_id = str(article_id) if article_id not in (None, "") else None
    db = _connect(db_path)
    try:
        with transaction(db):
            cursor = db.execute(
                "INSERT INTO overrides (name, norm, country_code, article_id, not_a_place, "
                "geonameid, place_name, latitude, longitude, place_country_code, admin1, "
                "admin1_code, feature, population, source, note, created_at) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    name.strip(),
                    normalize_name(name),
                    country_code,
                    article_id,
                    int(place is None),
                    place.geonameid if place else None,
                    place.name if place else None,
                    place.latitude if place else None,
                    place.longitude if place else None,
                    place.country_code if place else None,
                    place.admin1 if place else None,
                    place.admin1_code if place else None,
                    place.feature if place else None,
                    place.population if place else None,
                    place.source if place else None,
                    note or "",
                    _now(),
                ),
            )
        return int(cursor.lastrowid)
    finally:
        db.close()


def remove_override(db_path: str | os.PathLike[str], override_id: int) -> bool:
    """Delete an override; False when there is none with that id."""
    db = _connect(db_path)
    try:
        with transaction(db):
            cursor = db.execute("DELETE FROM overrides WHERE id = ?", (int(override_id),))
        return cursor.rowcount > 0
    finally:
        db.close()


def _rules(db) -> list[Override]:
    rows = db.execute(
        "SELECT id, name, country_code, article_id, not_a_place, geonameid, place_name, "
        "latitude, longitude, place_country_code, admin1, admin1_code, feature, population, "
        "source, note, created_at FROM overrides ORDER BY id"
    ).fetchall()
    rules = []
    for row in rows:
        (oid, name, cc, aid, not_place, gid, pname, lat, lon, pcc, a1, a1c, feat, pop, src) = row[
            :15
        ]
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
        rules.append(Override(oid, name, place, cc, aid, row[15], row[16]))
    return rules


def load_overrides(db_path: str | os.PathLike[str]) -> Overrides:
    """The overrides stored in the database, ready for `resolve_mentions(overrides=...)`."""
    db = _connect(db_path)
    try:
        return Overrides(_rules(db))
    finally:
        db.close()


def overrides_version(db) -> tuple[int, int]:
    """Changes whenever an override is added or removed (ids are never reused): a cheap
    test of whether `load_overrides` would give something new. `db`: a connection to the
    events database (geo.store.connect)."""
    db.executescript(TABLE)
    count, newest = db.execute("SELECT count(*), coalesce(max(id), 0) FROM overrides").fetchone()
    return int(count), int(newest)


def list_overrides(db_path: str | os.PathLike[str]) -> pd.DataFrame:
    """Every override, oldest first, one row each (columns: LIST_COLUMNS)."""
    db = _connect(db_path)
    try:
        rules = _rules(db)
    finally:
        db.close()
    rows = [
        {
            "id": r.id,
            "name": r.name,
            "country_code": r.country_code,
            "article_id": r.article_id,
            "geonameid": r.place.geonameid if r.place else None,
            "place_name": r.place.name if r.place else None,
            "latitude": r.place.latitude if r.place else None,
            "longitude": r.place.longitude if r.place else None,
            "feature": r.place.feature if r.place else None,
            "not_a_place": r.not_a_place,
            "note": r.note,
            "created_at": r.created_at,
        }
        for r in rules
    ]
    frame = pd.DataFrame(rows, columns=LIST_COLUMNS)
    dtypes = {"id": "int64", "geonameid": "Int64", "latitude": "float64"}
    dtypes |= {"longitude": "float64", "not_a_place": "bool"}
    return frame.astype(dtypes)


_PLACE_COLUMNS = (
    "resolved, geonameid, name, latitude, longitude, country_code, admin1, feature, "
    "matched_name, score, method, approximate"
)


def reapply_overrides(db_path: str | os.PathLike[str], gazetteer: Gazetteer | None = None) -> int:
    """Re-resolve the stored places an override is about (or was about) and rewrite the
    rows that change; returns how many rows changed.

    Events join their place on (article_id, start, end), so they move with it; an event
    whose place becomes "not a place" (unresolved) drops out of `load_events`.
    """
    from geo.place.resolve import resolve_mentions

    if gazetteer is None:
        from geo.place.gazetteer import default_gazetteer

        gazetteer = default_gazetteer()
    db = _connect(db_path)
    try:
        overrides = Overrides(_rules(db))
        names = overrides.names()
        rows = db.execute(
            "SELECT p.article_id, p.start, p.end, p.text, p.kind, p.finder, p.label, "
            f"{_PLACE_COLUMNS} FROM places p ORDER BY p.article_id, p.start"
        ).fetchall()
        by_article: dict[str, list[tuple]] = defaultdict(list)
        for row in rows:
            by_article[row[0]].append(row)
        touched = {
            aid
            for aid, article_rows in by_article.items()
            if any(r[17] == "override" or normalize_name(r[3]) in names for r in article_rows)
        }
        changed = 0
        with transaction(db):
            for article_id in sorted(touched):
                article_rows = by_article[article_id]
                found = db.execute(
                    "SELECT text FROM articles WHERE article_id = ?", (article_id,)
                ).fetchone()
                if found is None:
                    continue
                mentions = [
                    Mention(r[1], r[2], r[3], kind=r[4], finder=r[5], label=r[6])
                    for r in article_rows
                ]
                fresh = resolve_mentions(
                    found[0], mentions, gazetteer, overrides=overrides, article_id=article_id
                )
                for row, result in zip(article_rows, fresh, strict=True):
                    relevant = row[17] == "override" or normalize_name(row[3]) in names
                    values = resolution_values(result)
                    if not relevant or tuple(row[7:]) == values:
                        continue
                    db.execute(
                        "UPDATE places SET resolved=?, geonameid=?, name=?, latitude=?, "
                        "longitude=?, country_code=?, admin1=?, feature=?, matched_name=?, "
                        "score=?, method=?, approximate=? "
                        "WHERE article_id=? AND start=? AND end=?",
                        (*values, article_id, row[1], row[2]),
                    )
                    changed += 1
        return changed
    finally:
        db.close()


def place_candidates(
    name: str,
    country_code: str | None = None,
    limit: int = 10,
    gazetteer: Gazetteer | None = None,
) -> list[Place]:
    """The gazetteer's entries for `name`, best first (as the resolver ranks them with
    `country_code` as the article's country), for "choose another candidate"."""
    if gazetteer is None:
        from geo.place.gazetteer import default_gazetteer

        gazetteer = default_gazetteer()
    context = Context(countries=frozenset({country_code.upper()})) if country_code else Context()
    ranked = rank_candidates(gazetteer.lookup(name), context)
    return [candidate.place for _, candidate in ranked[: max(limit, 0)]]


def place_from_geonameid(gazetteer: Gazetteer, geonameid: int) -> Place:
    place = gazetteer.get(int(geonameid))
    if place is None:
        raise ValueError(f"no place with GeoNames ID {geonameid} in the gazetteer")
    return place


__all__: Sequence[str] = (
    "Override", "Overrides", "add_override", "list_overrides", "load_overrides",
    "overrides_version",
    "place_candidates", "reapply_overrides", "remove_override",
)  # fmt: skip
