"""Corrections made by hand: a place name -> a place, or -> "not a place".

An override has a scope: everywhere, in articles about one country (`country_code`), or in
one article (`article_id`); the most specific one that applies wins, the newest among
equals. The resolver (geo/place/resolve.py) honours them before the gazetteer is asked.

This module holds the rules only (`Override`, `Overrides`, `new_override`). They are kept in
the events database by the store (`Store.add_override`, `override_rules`), so the command
line (`python -m geo places override ...`) and the dashboard share them; re-applying them to
stored places is the ingest's job (geo.ingest.corrections.reapply_overrides).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd

from geo.models import Mention, Method, Place, ResolvedMention
from geo.place.gazetteer import Gazetteer, default_gazetteer, normalize_name
from geo.place.ranking import Context, rank_candidates

LIST_COLUMNS = [
    "id", "name", "country_code", "article_id", "geonameid", "place_name", "latitude",
    "longitude", "feature", "not_a_place", "note", "created_at", "made_by",
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
    made_by: str = ""  # who made it (the dashboard's editor, "" when not known)

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


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def new_override(
    name: str,
    place: Place | None,
    *,
    country_code: str | None = None,
    article_id: str | None = None,
    note: str = "",
    made_by: str = "",
) -> Override:
    """A correction to store (`Store.add_override` gives it its id). `place` None: the name
    is not a place. ValueError/TypeError when the name or the place is unusable."""
    if not normalize_name(name or ""):
        raise ValueError(f"an override needs a place name, got {name!r}")
    if place is not None and not isinstance(place, Place):
        raise TypeError(f"place must be a geo.models.Place or None, got {type(place).__name__}")
    country_code = country_code.strip().upper() if country_code and country_code.strip() else None
    article_id = str(article_id) if article_id not in (None, "") else None
    return Override(
        0, name.strip(), place, country_code, article_id, note or "", _now(), made_by or ""
    )


def overrides_frame(rules: Iterable[Override]) -> pd.DataFrame:
    """Overrides as a table, one row each in the given order (columns: LIST_COLUMNS)."""
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
            "made_by": r.made_by,
        }
        for r in rules
    ]
    frame = pd.DataFrame(rows, columns=LIST_COLUMNS)
    dtypes = {"id": "int64", "geonameid": "Int64", "latitude": "float64"}
    dtypes |= {"longitude": "float64", "not_a_place": "bool"}
    return frame.astype(dtypes)


def place_candidates(
    name: str,
    country_code: str | None = None,
    limit: int = 10,
    gazetteer: Gazetteer | None = None,
) -> list[Place]:
    """The gazetteer's entries for `name`, best first (as the resolver ranks them with
    `country_code` as the article's country), for "choose another candidate"."""
    gazetteer = gazetteer or default_gazetteer()
    context = Context(countries=frozenset({country_code.upper()})) if country_code else Context()
    ranked = rank_candidates(gazetteer.lookup(name), context)
    return [candidate.place for _, candidate in ranked[: max(limit, 0)]]


def place_from_geonameid(gazetteer: Gazetteer, geonameid: int) -> Place:
    place = gazetteer.get(int(geonameid))
    if place is None:
        raise ValueError(f"no place with GeoNames ID {geonameid} in the gazetteer")
    return place


__all__: Sequence[str] = (
    "LIST_COLUMNS", "Override", "Overrides", "new_override", "overrides_frame",
    "place_candidates", "place_from_geonameid",
)  # fmt: skip
