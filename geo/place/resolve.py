"""Choosing a gazetteer entry for each place name found (resolution).

Each candidate gets a score from priors and document context:
- population (log scale) and feature level (a country name means the country);
- the countries and regions the article names: a candidate inside them gains; a state
  named only after a town and a comma ("of Sulpher, La.") is that town's, not the article's;
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
  the text says "province" but the only towns of that name are in other countries;
- the article's focus (`Focus`: the countries and regions its other names, demonyms and
  its publisher's home place are in): a name read outside it, with nothing of its own
  saying where it is, takes a reading inside it; in local news (most names in one state
  or province) the same-name town of that region even over a country or a capital
  abroad ("Palestine" in a Texan story), else over a place abroad that is not well known.
  `focus_of` / `focus_share` give the focus to later stages (event confidence);
- `drop_common_words`: an ordinary English word that is also a place name ("Western",
  "Battle") is kept only with place evidence (a preposition, a cue, a container, a
  reading inside the focus).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from geopy.geocoders.base import Geocoder

from geo import lexicon
from geo.lexicon import is_common_word
from geo.models import (
    REGION_CUE_WORDS,
    SUB_CITY_CUE_WORDS,
    Finder,
    Mention,
    Method,
    Place,
    ResolvedMention,
)
from geo.place.gazetteer import (
    NAME_MAIN,
    NAME_VARIANT,
    Candidate,
    Gazetteer,
    demonyms,
    great_circle_km,
    normalize_name,
)
from geo.place.geocoders import geocode_place
from geo.place.overrides import Overrides
from geo.place.ranking import REGION_CUES, Context, Evidence, is_capital, rank_candidates
from geo.place.toponyms import after_street_address, is_dateline

# A country named less than a PASSING_SHARE-th as often as the article's main one is named
# in passing.
PASSING_SHARE = 4
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
# Local news names a town and its county, or neighbouring towns, with no state to say which
# of the many same-name ones it means ("Athens" and "Henderson County", "Paris" and "Henry
# County"): the readings of two names that lie within COLOCATED_KM of each other (a
# county's width) support each other, COLOCATED for each other name so read, at most
# COLOCATED_MAX_NAMES of them. Among a name's COLOCATION_CANDIDATES best readings; towns
# and counties only (a country or state contains everything).
COLOCATED = 1.0
COLOCATED_MAX_NAMES = 2
COLOCATED_KM = 40.0
COLOCATION_CANDIDATES = 25
# Characters after a neighbourhood's name in which the town around it is looked for
# ("the Ramouseh neighbourhood on the southern edge of Aleppo").
ENCLOSING_WINDOW = 120
# A name with a trailing "s" is read as a possessive only for towns this large (or regions).
TRUST_STEM_POPULATION = 10_000
# A town abroad (in no country the article names) matched only through an alternate name
# is trusted from this population up; one the article's countries do not include at all,
# from ABROAD_HAMLET_POPULATION ("Java" in an Indonesian story is no Georgian village).
TRUST_ALTERNATE_POPULATION = 5000
ABROAD_HAMLET_POPULATION = 1000
# The score of a place not chosen by ranking candidates: the container of "Stroud,
# Ontario" or an online service's answer, as sure as a coin toss between two readings.
UNRANKED_SCORE = 0.5
# A neighbourhood placed at its town is half as sure as the town itself.
ENCLOSING_SHARE = 0.5
# The article's focus (`Focus`), from where its other names are: a country holding at
# least FOCUS_COUNTRY_SHARE of them is one the article is about; a region (state,
# governorate) holding at least LOCAL_REGION_SHARE of the names placed in a region, and
# at least LOCAL_MIN_NAMES of them, makes the article local news of that region.
FOCUS_COUNTRY_SHARE = 0.3
LOCAL_REGION_SHARE = 0.5
LOCAL_MIN_NAMES = 2
# A publisher's home place (geo/config.py `[publishers."Name"] home`, a manifest's `home`)
# counts as this many of the article's names: a local paper's home region is the strongest
# evidence of where its same-name places are, but an article about elsewhere outweighs it.
HOME_WEIGHT = 2.0
# Names known well enough to be meant though the article is about elsewhere: countries,
# national capitals and cities this large ("Geneva talks" in a report on Syria).
WELL_KNOWN_POPULATION = 1_000_000
# In local news, a city of its own country this large is meant over a same-name town of
# the paper's region ("Atlanta" in a Texan paper is Georgia's).
NATIONAL_CITY_POPULATION = 300_000


# A whole word: "Paris Regional Medical Center" and "Texas statewide" say no region.
_REGION_CUE_AFTER = re.compile(rf"(?:{'|'.join(REGION_CUES)})s?\b")


def _mention_has_region_cue(mention: Mention, text: str) -> bool:
    """ "Aleppo province", "Washington state", "the state of Washington"."""
    after = text[mention.end : mention.end + 14].lower().lstrip()
    before = text[max(0, mention.start - 16) : mention.start].lower().rstrip()
    return (
        _REGION_CUE_AFTER.match(after) is not None
        or any(before.endswith(f"{cue} of") for cue in REGION_CUES)
        or mention.cue in REGION_CUE_WORDS
    )


TOWN_CUES = ("city", "town", "village")
# Lower case only: a capitalised "City" or "Town" after a name is part of a longer name
# ("Kansas City Power & Light" says nothing of a town called Kansas).
_TOWN_CUE_AFTER = re.compile(rf"\s+(?:{'|'.join(TOWN_CUES)})\b")


_EVIDENCE = lexicon.mapping("place_evidence.toml")
_MUNICIPAL_OFFICE_AFTER = re.compile(
    rf"[ \t]+{lexicon.alternation([re.escape(o) for o in _EVIDENCE['municipal_offices']])}"
    r"(?!\w)"
)


def _mention_has_office_after(mention: Mention, text: str) -> bool:
    """ "Berea Police Department", "Dublin City Council"."""
    return _MUNICIPAL_OFFICE_AFTER.match(text, mention.end, mention.end + 24) is not None


def _mention_has_town_cue(mention: Mention, text: str) -> bool:
    """ "Deir Ezzor city", "the town of Jarablus"."""
    if _TOWN_CUE_AFTER.match(text, mention.end, mention.end + 10):
        return True
    before = text[max(0, mention.start - 12) : mention.start].lower().rstrip()
    return any(before.endswith(f"{cue} of") for cue in TOWN_CUES)


def _trusted(candidate: Candidate, context: Context) -> bool:
    """Small towns abroad are not trusted on weak evidence: one matched only through an
    alternate spelling, or a hamlet in a country other than those the article names
    ("Java" in an Indonesian story is not the Georgian village of Java)."""
    place = candidate.place
    if place.feature != "city" or place.country_code in context.countries:
        return True
    if candidate.name_kind != 0 and place.population < TRUST_ALTERNATE_POPULATION:
        return False
    return not (context.countries and place.population < ABROAD_HAMLET_POPULATION)


def document_context(
    mentions: Sequence[Mention],
    candidates: Sequence[list[Candidate]],
    countries=(),
    containers: frozenset[int] = frozenset(),
) -> Context:
    """Countries and regions the article names outright (their main or alternate names).

    A region named only as the container of a town ("of Sulpher, La.", indices in
    `containers`) says where that town is, not where the article is: news adds the state
    after a town's name for towns outside the paper's own area (AP style), so it counts
    for its country but is no region of the article's other names."""
    named_countries, named_regions, contained = set(countries), set(), set()
    times: Counter[str] = Counter()
    for index, options in enumerate(candidates):
        for candidate in options[:1]:
            if candidate.name_kind == NAME_VARIANT:
                continue
            if candidate.place.feature == "country" and candidate.place.country_code:
                named_countries.add(candidate.place.country_code)
            elif candidate.place.feature == "admin1":
                if index not in containers:
                    named_regions.add((candidate.place.country_code, candidate.place.admin1_code))
                else:
                    contained.add((candidate.place.country_code, candidate.place.admin1_code))
            else:
                continue
            times[candidate.place.country_code] += 1
    # A region named is evidence for its country too, weaker than the country's own name.
    implied = {cc for cc, _ in named_regions | contained} - named_countries
    most = max(times.values(), default=0)
    passing = {cc for cc in times if times[cc] * PASSING_SHARE < most} - set(countries)
    return Context(
        frozenset(named_countries | implied),
        frozenset(named_regions),
        frozenset(implied),
        frozenset(passing),
        frozenset(contained - named_regions),
    )


@dataclass(frozen=True)
class Focus:
    """Where an article is about: the share of its places in each country, and of those
    placed in a region (state, province, governorate) the share in each region.

    Computed from the resolved places of the article (`focus_of`), and inside the
    resolver from the other names' choices, the publisher's home place counting
    HOME_WEIGHT names. The event stage reads it for confidence (`focus_share`)."""

    countries: dict[str, float] = field(default_factory=dict)
    regions: dict[tuple[str, str], float] = field(default_factory=dict)
    # how many names (plus the home's weight) the region shares are of
    region_names: float = 0.0

    def share(self, country_code: str | None) -> float:
        return self.countries.get(country_code or "", 0.0)

    def in_focus(self, place: Place) -> bool:
        return self.share(place.country_code) >= FOCUS_COUNTRY_SHARE

    @property
    def local_region(self) -> tuple[str, str] | None:
        """The region the article is local news of, if any."""
        if not self.regions or self.region_names < LOCAL_MIN_NAMES:
            return None
        region, share = max(self.regions.items(), key=lambda kv: (kv[1], kv[0]))
        if share < LOCAL_REGION_SHARE or self.share(region[0]) < FOCUS_COUNTRY_SHARE:
            return None
        return region


def _region_of(place: Place) -> tuple[str, str] | None:
    if place.feature == "country" or not place.country_code or not place.admin1_code:
        return None
    return (place.country_code, place.admin1_code)


class _FocusCounts:
    """Countries and regions of weighted places, from which a `Focus` is read."""

    def __init__(self) -> None:
        self.countries: Counter[str] = Counter()
        self.regions: Counter[tuple[str, str]] = Counter()

    def add(self, place: Place, weight: float = 1.0) -> None:
        if place.country_code:
            self.countries[place.country_code] += weight
        region = _region_of(place)
        if region is not None:
            self.regions[region] += weight

    def focus(self, without: _FocusCounts | None = None) -> Focus:
        countries, regions = Counter(self.countries), Counter(self.regions)
        if without is not None:
            countries.subtract(without.countries)
            regions.subtract(without.regions)
        countries = Counter({k: v for k, v in countries.items() if v > 0})
        regions = Counter({k: v for k, v in regions.items() if v > 0})
        total, in_regions = sum(countries.values()), sum(regions.values())
        return Focus(
            {k: v / total for k, v in countries.items()} if total else {},
            {k: v / in_regions for k, v in regions.items()} if in_regions else {},
            in_regions,
        )


def focus_of(places: Iterable[Place | ResolvedMention | None], home: Place | None = None) -> Focus:
    """The focus of an article from its places (resolved mentions or places; unresolved
    ones count for nothing), and its publisher's home place if known."""
    counts = _FocusCounts()
    for item in places:
        place = item.place if isinstance(item, ResolvedMention) else item
        if place is not None:
            counts.add(place)
    if home is not None:
        counts.add(home, HOME_WEIGHT)
    return counts.focus()


def focus_share(
    places: Iterable[Place | ResolvedMention | None], country_code: str | None
) -> float:
    """The share of an article's places that lie in this country (0 to 1): how far a
    place of that country agrees with what the article is about."""
    return focus_of(places).share(country_code)


def is_well_known(candidate: Candidate) -> bool:
    """A name meant even when the article is about elsewhere: a country, a national
    capital, a city of WELL_KNOWN_POPULATION or more."""
    place = candidate.place
    return (
        place.feature == "country"
        or is_capital(candidate)
        or (place.feature == "city" and place.population >= WELL_KNOWN_POPULATION)
    )


def _stays_in_local_news(candidate: Candidate, focus: Focus) -> bool:
    """A place of the local paper's own country that a local story means though a town
    of its region has the name: a state or province ("Kansas"), the national capital, a
    city of NATIONAL_CITY_POPULATION or more."""
    place = candidate.place
    if not focus.in_focus(place):
        return False
    return (
        place.feature == "admin1"
        or is_capital(candidate)
        or (place.feature == "city" and place.population >= NATIONAL_CITY_POPULATION)
    )


def _focused(
    ranked: list[tuple[float, Candidate]], focus: Focus, local: tuple[str, str] | None
) -> Candidate | None:
    """The candidate to take instead of the best one when that lies outside the article's
    focus and another does not; None to keep the best.

    In local news (`local`: the region most of the article's names lie in) a same-name
    place of that region wins even over a country or a capital abroad: a Virginia paper's
    "Alexandria" is the Virginian town, a Texan story's "Palestine" the Texan one. Else a
    candidate in the focus countries wins over one abroad, unless that one is well known
    (`is_well_known`): "Geneva" in a report on Syria stays the Swiss city.
    """
    best = ranked[0][1]
    if (
        local is not None
        and _region_of(best.place) != local
        and not _stays_in_local_news(best, focus)
    ):
        for _, candidate in ranked[1:]:
            if _region_of(candidate.place) == local:
                return candidate
    if focus.in_focus(best.place) or is_well_known(best):
        return None
    for _, candidate in ranked[1:]:
        if focus.in_focus(candidate.place):
            return candidate
    return None


_ACRONYM = re.compile(r"[A-Z]{2,3}")


def _lookup(gazetteer: Gazetteer, mention: Mention) -> list[Candidate]:
    """The gazetteer's entries for a mention; a demonym ("Syrian", "US" of "US-led") is
    looked up as the country or region it is of, and only as that."""
    if mention.kind != "demonym":
        options = gazetteer.lookup(mention.text)
        if _ACRONYM.fullmatch(mention.text):
            # A short name in capitals is an abbreviation ("EU", "UK", "NSW"): it means
            # the place it abbreviates, which the gazetteer writes in capitals too, not a
            # town whose name has those letters ("Eu" in Normandy).
            options = [c for c in options if c.matched_name.replace(".", "") == mention.text]
        return options
    name = demonyms().get(normalize_name(mention.text), mention.text)
    return [c for c in gazetteer.lookup(name) if c.place.feature == "country"]


_ARTICLE_BEFORE = re.compile(r"\bthe\s+\Z", re.IGNORECASE)


_COUNTRY_AFTER = re.compile(r",\s*(?P<name>[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*){0,2})(?![\w'’])")


def _variant_lookup(
    gazetteer: Gazetteer, mention: Mention, context: Context, article_text: str = ""
) -> list[Candidate]:
    """For a name the gazetteer lacks: a possessive written without its apostrophe
    ("Aleppos Sukkari", "Syrias army", as scraped text has them), then a transliteration
    variant among the places of the article's countries ("Hasakeh", "Deir Ezzor").

    A possessive of a name takes no article ("Syria's army", never "the Syria's army"), so
    "the Falcons", "the Carolinas" are plurals, a team's or a family's name: no stem."""
    if mention.kind == "demonym" or mention.cue in SUB_CITY_CUE_WORDS:
        return []  # a neighbourhood the gazetteer lacks is placed at its town instead
    if _ACRONYM.fullmatch(mention.text):
        return []  # an abbreviation has no spelling variants
    text = mention.text
    plural = _ARTICLE_BEFORE.search(article_text[max(0, mention.start - 8) : mention.start])
    if len(text) > 4 and text.endswith("s") and not text.endswith("ss") and not plural:
        stem = [
            Candidate(c.place, c.matched_name, NAME_VARIANT)
            for c in gazetteer.lookup(text[:-1])
            if c.name_kind != NAME_VARIANT
            and (c.place.feature != "city" or c.place.population >= TRUST_STEM_POPULATION)
        ]
        if stem:
            return stem
    # A spelling variant is a weak match: it is looked for only among the places of the
    # countries the article is about, not those it names in passing ("750,000 people
    # travelled from India" to a festival in Nepal: "Bariyarpur" is no Indian Bariarpur).
    # The country written right after the name ("Novoshakhtynsk, Russia") is the one it lies
    # in, however seldom the article names it.
    about = context.countries - context.passing
    after = _COUNTRY_AFTER.match(article_text, mention.end) if article_text else None
    if after is not None:
        about |= {
            c.place.country_code
            for c in gazetteer.lookup(after["name"])
            if c.place.feature == "country" and c.name_kind < NAME_VARIANT
        }
    return gazetteer.fuzzy_lookup(text, about or context.countries)


def resolve_mentions(
    text: str,
    mentions: Sequence[Mention],
    gazetteer: Gazetteer,
    countries: Sequence[str] = (),
    geocoder: Geocoder | None = None,
    overrides: Overrides | None = None,
    article_id: str | None = None,
    home: Place | None = None,
) -> list[ResolvedMention]:
    """Resolve every mention; the ones with no trusted candidate stay unresolved.

    Each name is first ranked on its own (priors, the countries and regions the article
    names, "X, Y", cues); then, in EVIDENCE_ROUNDS rounds, again with what the other
    places' choices of the round before say (proximity, lists of countries or states);
    last, a name's mentions with nothing of their own follow its explicit ones.

    `geocoder`: a geopy-style geocoder asked for the names the gazetteer gives no trusted
    place for (the opt-in online service of geo/place/geocoders.py, cached and rate
    limited, behind the offline gazetteer ranked here in context); its answer's method is
    the service's name.
    `overrides` (geo/place/overrides.py): corrections made by hand, honoured first; an override
    scoped to an article applies when `article_id` is that article's.
    `home`: the publisher's home place (`home_place`), evidence for its country and region.
    """
    if home is not None and home.country_code:
        countries = [*countries, home.country_code]
    candidates = [_lookup(gazetteer, m) for m in mentions]
    containers = _containers_of_towns(text, mentions, candidates)
    context = document_context(mentions, candidates, countries, containers)
    candidates = [
        options or _variant_lookup(gazetteer, m, context, text)
        for m, options in zip(mentions, candidates, strict=True)
    ]
    names = [normalize_name(m.text) for m in mentions]
    lists = _coordination_lists(text, mentions)
    cued = [_mention_has_region_cue(m, text) for m in mentions]
    town_cued = [_mention_has_town_cue(m, text) and not cued[i] for i, m in enumerate(mentions)]
    alone = [rank_candidates(options, context, cued[i]) for i, options in enumerate(candidates)]
    # what the words around a name say it is: "the town of X"
    office_cued = [
        _mention_has_office_after(m, text) and not cued[i] for i, m in enumerate(mentions)
    ]
    town_cued = [town_cued[i] or office_cued[i] for i in range(len(mentions))]
    address_towns = [
        _towns_of_an_address(text, i, mentions, names, options, alone)
        for i, options in enumerate(candidates)
    ]
    narrowed = [
        address_towns[i] or _towns_if(town_cued[i], options, own_name=office_cued[i])
        for i, options in enumerate(candidates)
    ]
    town_cued = [town_cued[i] or bool(address_towns[i]) for i in range(len(mentions))]
    restricted = [
        _restrict_to_container(
            text,
            mentions,
            candidates,
            i,
            options,
            _in_list_of_regions(i, lists, alone),
            town_after=i + 1 < len(mentions) and bool(address_towns[i + 1]),
        )
        for i, options in enumerate(narrowed)
    ]
    colocated = _colocation(names, [[c for _, c in r[:COLOCATION_CANDIDATES]] for r in alone])
    first = [
        rank_candidates(options, context, cued[i], colocated[i].evidence)
        for i, (options, _) in enumerate(restricted)
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
                _evidence_from_other_places(i, names, choices, kinds[i], context, colocated[i]),
            )
            for i in range(len(mentions))
        ]
        choices = _choices(final, context)
    # Last, the article's focus: a name whose best reading lies outside it, with nothing
    # of its own to say where it is, takes a reading inside it (`_focused`).
    focus_counts, own_counts = _FocusCounts(), {}
    placed_by_dateline: set[int] = set()  # the name's other mentions follow these
    counties = _settled_counties(names, choices, candidates, context)
    if home is not None:
        focus_counts.add(home, HOME_WEIGHT)
    for index, (name, place) in enumerate(zip(names, choices, strict=True)):
        if place is not None and index not in containers:  # "Sulpher, La.": not the focus
            focus_counts.add(place)
            own_counts.setdefault(name, _FocusCounts()).add(place)
    for index, (options, container) in enumerate(restricted):
        if (
            not final[index]
            or container is not None
            or region_cued[index]
            or kinds[index] is not None
            or len(options) != len(narrowed[index])  # "Paris, Texas" says where it is
        ):
            continue
        focus = focus_counts.focus(own_counts.get(names[index]))
        chosen = _focused(final[index], focus, focus.local_region)
        if chosen is None:
            chosen = _in_a_named_county(
                final[index], [p for name, p in counties if _county_stem(name) != names[index]]
            )
        if chosen is None and is_dateline(text, mentions[index]):
            chosen = _dateline_in_named_region(final[index], context)
            if chosen is not None:
                placed_by_dateline.add(index)
        if chosen is not None:
            final[index] = sorted(final[index], key=lambda item: item[1] is not chosen)
    resolved = []
    # Mentions whose own words say what they are ("Nyanza province", "Scott County,
    # Indiana", a list of states); the name's other mentions follow them.
    explicit = []
    for index, (mention, (options, container)) in enumerate(zip(mentions, restricted, strict=True)):
        explicit.append(
            (bool(options) or container is not None)
            and (region_cued[index] or town_cued[index] or kinds[index] is not None
                 or container is not None or len(options) != len(candidates[index])
                 or index in placed_by_dateline)
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
                    mention,
                    container,
                    container.name,
                    UNRANKED_SCORE,
                    Method.ENCLOSING,
                    approximate=True,
                )
            )
            continue
        if not ranked or not _trusted_here(
            ranked[0][1], index, names, choices, context, region_cued[index]
        ):
            online = geocode_place(geocoder, mention.text, context.countries) if geocoder else None
            if online is not None:
                resolved.append(
                    ResolvedMention(
                        mention,
                        online,
                        mention.text,
                        UNRANKED_SCORE,
                        Method.of_service(online.source),
                    )
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
                method=Method.GAZETTEER,
            )
        )
    resolved = _same_name_same_place(resolved, explicit, names)
    return _place_small_places_in_their_town(text, resolved)


_COUNTY_WORD = re.compile(r"\s+(?:county|parish)\Z")


def _county_stem(name: str) -> str:
    """ "lebanon county" -> "lebanon": a county named after a place is no evidence for
    that place's own name."""
    return _COUNTY_WORD.sub("", name)


def _settled_counties(
    names: Sequence[str],
    choices: Sequence[Place | None],
    candidates: Sequence[list[Candidate]],
    context: Context,
) -> list[tuple[str, Place]]:
    """(name, county) for the counties the article names whose reading is settled: the
    only county of that name, or one in a state or province the article names. Many
    counties share a name ("Madison County"), and a guess among them locates nothing."""
    settled = []
    for name, place, options in zip(names, choices, candidates, strict=True):
        if place is None or place.feature != "admin2":
            continue
        readings = {c.place.geonameid for c in options if c.place.feature == "admin2"}
        if len(readings) == 1 or (place.country_code, place.admin1_code) in context.regions:
            settled.append((name, place))
    return settled


def _in_a_named_county(
    ranked: list[tuple[float, Candidate]], counties: Sequence[Place]
) -> Candidate | None:
    """A town reading that lies in a county the article names (`_settled_counties`, the
    name's own readings left out) wins over a larger place elsewhere, well known or not:
    news names a county (a parish, a district) only when the story is there, so a town of
    the name inside it is the town meant ("Alexandria" with "Rapides Parish"). Inside:
    within COLOCATED_KM of the county's point. None to keep the best."""
    if not counties:
        return None
    best = ranked[0][1].place
    # a country, a region or a capital is meant by its name ("fled Lebanon" beside
    # "Lebanon County"); only a town yields to a namesake
    if best.feature != "city" or is_capital(ranked[0][1]):
        return None
    if any(_km(best, county) <= COLOCATED_KM for county in counties):
        return None
    for _, candidate in ranked[1:]:
        place = candidate.place
        if place.feature == "city" and any(_km(place, c) <= COLOCATED_KM for c in counties):
            return candidate
    return None


_STANDALONE_DATELINES = frozenset(
    normalize_name(name) for name in lexicon.words("standalone_datelines.txt")
)


def _dateline_in_named_region(
    ranked: list[tuple[float, Candidate]], context: Context
) -> Candidate | None:
    """The town of a bare dateline ("COLUMBUS --", no state after it): news style gives
    every dateline its state or country except a short list of cities known by name alone
    (`standalone_datelines.txt`, from the AP Stylebook) and towns of the paper's own area.
    So a bare dateline that is no such city is a town of the paper's area, and a region
    the article names is the best evidence of that area: the town of that name there wins
    over a larger one elsewhere. None to keep the best."""
    best = ranked[0][1]
    if (
        best.place.feature != "city"
        # a country the article names outright is where it is: "DAMASCUS (Reuters) -" in a
        # report naming Syria stays Syrian whatever American state an aside names
        or (
            best.place.country_code in context.countries
            and best.place.country_code not in context.implied
        )
        or (best.place.country_code, best.place.admin1_code) in context.regions
        or normalize_name(best.matched_name) in _STANDALONE_DATELINES
    ):
        return None
    for _, candidate in ranked[1:]:
        place = candidate.place
        if place.feature == "city" and (place.country_code, place.admin1_code) in context.regions:
            return candidate
    return None


def _containers_of_towns(
    text: str, mentions: Sequence[Mention], candidates: Sequence[list[Candidate]]
) -> frozenset[int]:
    """Indices of the regions named right after a town and a comma ("Sulpher, La."):
    the region is that town's container. A region after a region is a list ("Ohio,
    Indiana")."""
    out = set()
    for index in range(1, len(mentions)):
        own, before = candidates[index][:1], candidates[index - 1][:1]
        if (
            own
            and own[0].place.feature == "admin1"
            and not any(c.place.feature in ("country", "admin1") for c in before)
            and text[mentions[index - 1].end : mentions[index].start].strip() == ","
        ):
            out.add(index)
    return frozenset(out)


def _same_name_same_place(
    resolved: list[ResolvedMention], explicit: Sequence[bool], names: Sequence[str]
) -> list[ResolvedMention]:
    """One name, one place in an article: a mention with nothing of its own to go on takes
    the reading of the name's explicit mentions, when those agree. `names` are the
    mentions' normalised names."""
    readings: dict[str, set[tuple[int | None, bool]]] = {}
    chosen: dict[str, ResolvedMention] = {}
    for r, own, key in zip(resolved, explicit, names, strict=True):
        if own and r.method in (Method.GAZETTEER, Method.ENCLOSING, Method.UNRESOLVED):
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
            or r.method not in (Method.GAZETTEER, Method.UNRESOLVED)
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


_POSSESSIVE_AFTER = re.compile(r"['’]s?\b")


def _towns_of_an_address(
    text: str,
    index: int,
    mentions: Sequence[Mention],
    names: Sequence[str],
    options: list[Candidate],
    alone: Sequence[list[tuple[float, Candidate]]],
) -> list[Candidate]:
    """The towns the name at `index` may be after a postal address ("508 Cumberland St.,
    Lebanon"): an address ends with its town. Those of the countries of the article's
    other names, each read on its own (`alone`; the name's own readings are no evidence),
    so a Beirut story's "20 Hamra Street, Lebanon" keeps the country (no town of Lebanon
    bears the name); none for a possessive ("Hamra Street, Lebanon's busiest")."""
    mention = mentions[index]
    if not after_street_address(text, mention.start) or _POSSESSIVE_AFTER.match(text, mention.end):
        return []
    countries = {
        ranked[0][1].place.country_code
        for j, ranked in enumerate(alone)
        if ranked and ranked[0][1].place.country_code and names[j] != names[index]
    }
    towns = [c for c in options if c.place.feature == "city"]
    if countries:
        towns = [c for c in towns if c.place.country_code in countries]
    return towns


def _towns_if(town_cued: bool, options: list[Candidate], own_name: bool = False) -> list[Candidate]:
    """The towns among the candidates, when the text says "city" or "town" of the name.

    `own_name`: a municipal office follows the name ("Berea Police Department"), and an
    office is named after its town's own name, not an old or foreign one: towns matched
    by their main name come first (Berea, Kentucky, not Aleppo, once called Beroea)."""
    towns = [c for c in options if c.place.feature == "city"] if town_cued else []
    if own_name:
        towns = [c for c in towns if c.name_kind == NAME_MAIN] or towns
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
    # plain arithmetic, not geopy's distance objects: called for every pair of places
    # an article names, it was a sixth of the work after the model
    return great_circle_km(a.latitude, a.longitude, b.latitude, b.longitude)


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
    colocated: _Colocated | None = None,
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
        if colocated is not None:
            bonus += colocated.evidence(candidate)
        return bonus

    return evidence


@dataclass(frozen=True)
class _Colocated:
    """For one mention: how many of the article's other names have a reading near each of
    its readings (by geonameid)."""

    names_near: dict[int, int] = field(default_factory=dict)

    def evidence(self, candidate: Candidate) -> float:
        near = self.names_near.get(candidate.place.geonameid or 0, 0)
        return COLOCATED * min(near, COLOCATED_MAX_NAMES)


_COLOCATION_FEATURES = ("city", "admin2")


def _colocation(names: Sequence[str], readings: Sequence[list[Candidate]]) -> list[_Colocated]:
    """`_Colocated` for each mention: for each of its readings (towns and counties), the
    number of the article's other names with a reading within COLOCATED_KM. A grid of cells
    half a degree high and one wide keeps it linear in the number of readings."""
    cell_lat, cell_lon = 0.5, 1.0
    grid: dict[tuple[int, int], list[tuple[str, Place]]] = {}
    by_name: dict[str, list[Place]] = {}
    for name, options in zip(names, readings, strict=True):
        if name in by_name:
            continue
        places = [
            c.place
            for c in options
            if c.place.feature in _COLOCATION_FEATURES and c.place.geonameid is not None
        ]
        by_name[name] = places
        for place in places:
            key = (math.floor(place.latitude / cell_lat), math.floor(place.longitude / cell_lon))
            grid.setdefault(key, []).append((name, place))
    if len(by_name) < 2:
        return [_Colocated() for _ in names]
    per_name: dict[str, _Colocated] = {}
    for name, places in by_name.items():
        near: dict[int, int] = {}
        for place in places:
            row = math.floor(place.latitude / cell_lat)
            col = math.floor(place.longitude / cell_lon)
            others = {
                other
                for dr in (-1, 0, 1)
                for dc in (-1, 0, 1)
                for other, there in grid.get((row + dr, col + dc), ())
                if other != name and _km(place, there) <= COLOCATED_KM
            }
            if others:
                near[place.geonameid] = len(others)
        per_name[name] = _Colocated(near)
    return [per_name[name] for name in names]


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
    resolved = _place_townships_in_their_county(text, resolved)
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
        if r.place is not None or r.method is Method.OVERRIDE:
            continue
        hint = normalize_name(r.mention.context_hint or "")
        hinted = [t for t in towns if hint and normalize_name(t.place.name) == hint]
        if hinted:  # "Aleppos Sukkari": the text says which town
            enclosing_by_name[r.mention.text] = hinted[0]
            continue
        if r.mention.cue not in SUB_CITY_CUE_WORDS:
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
        out.append(_placed_within(r, town))
    return out


def _placed_within(r: ResolvedMention, container: ResolvedMention) -> ResolvedMention:
    """`r`, a place the gazetteer lacks, placed (flagged approximate) at the place that
    holds it, with a share of that place's score."""
    return ResolvedMention(
        r.mention,
        container.place,
        matched_name=container.matched_name,
        score=round(container.score * ENCLOSING_SHARE, 4),
        method=Method.ENCLOSING,
        approximate=True,
    )


_TOWNSHIP = re.compile(r"\bTownship$")
_OF_COUNTY_BEFORE = re.compile(r"['’]s?\s+\Z")  # "Warren County's Hamilton Township"
_COUNTY_AFTER = re.compile(r"\s*,\s*\Z")  # "Jackson Township, Lebanon County"


def _place_townships_in_their_county(
    text: str, resolved: list[ResolvedMention]
) -> list[ResolvedMention]:
    """A township the gazetteer lacks (it holds a few dozen) is placed, flagged
    approximate, in the county the text puts it in: "Warren County's Hamilton Township",
    "Jackson Township, Lebanon County". A township lies in one county; elsewhere it is left
    unplaced, as the town of its name is seldom near it."""
    out = list(resolved)
    for index, r in enumerate(resolved):
        if r.place is not None or not _TOWNSHIP.search(r.mention.text):
            continue
        before = resolved[index - 1] if index > 0 else None
        after = resolved[index + 1] if index + 1 < len(resolved) else None
        county = None
        if before is not None and _OF_COUNTY_BEFORE.match(
            text[before.mention.end : r.mention.start]
        ):
            county = before
        elif after is not None and _COUNTY_AFTER.match(text[r.mention.end : after.mention.start]):
            county = after
        if county is None or county.place is None or county.place.feature != "admin2":
            continue
        out[index] = _placed_within(r, county)
    return out


def _restrict_to_container(
    text: str,
    mentions: Sequence[Mention],
    candidates: Sequence[list[Candidate]],
    index: int,
    options: list[Candidate],
    in_list_of_regions: bool = False,
    town_after: bool = False,
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
    if town_after:
        return options, None  # "508 Cumberland St., Lebanon": the town of an address
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


# Common words that are also place names (geo/data/place_evidence.toml).
_PREPOSITION_BEFORE = re.compile(
    rf"\b{lexicon.alternation(_EVIDENCE['prepositions'])}\s+(?:the\s+)?\Z", re.IGNORECASE
)
_CONTAINER_AFTER = re.compile(r"\s*,\s*")
_CAPITALISED_NEXT = re.compile(r"[ \t]+[A-Z]")
_DIRECTION_WORD = re.compile(
    r"(?:north|south|east|west|northern|southern|eastern|western|central|middle|upper|lower)"
    r"(?:[- ]?(?:east|west)(?:ern)?)?",
    re.IGNORECASE,
)


def _has_place_evidence(
    text: str, index: int, resolved: Sequence[ResolvedMention], focus: Focus
) -> bool:
    """What makes a common word a place: a preposition of place before it ("in Battle"),
    a region or town cue ("Camp County", "the town of Western"), a container after it
    ("Battle, East Sussex"), or a reading in a country the article is about (in its
    region, when the article is local news of one), or known the world over."""
    r = resolved[index]
    mention = r.mention
    if mention.finder is Finder.CUE or mention.cue is not None or r.method is Method.OVERRIDE:
        return True
    # the preposition of "sent to Western State Hospital" governs the longer name
    inside_longer_name = _CAPITALISED_NEXT.match(text, mention.end) is not None
    if not inside_longer_name and _PREPOSITION_BEFORE.search(
        text, max(0, mention.start - 20), mention.start
    ):
        return True
    if not inside_longer_name and (
        _mention_has_region_cue(mention, text) or _mention_has_town_cue(mention, text)
    ):
        return True
    following = resolved[index + 1] if index + 1 < len(resolved) else None
    if (
        following is not None
        and following.place is not None
        and following.place.feature in ("country", "admin1")
        and _CONTAINER_AFTER.fullmatch(text, mention.end, following.mention.start)
    ):
        return True
    if r.place is None:
        # an unresolved name of several words is some named thing ("Falls Village",
        # "Bridge Street"), left to the reader; one word is the common word
        return len(mention.text.split()) > 1
    if _DIRECTION_WORD.fullmatch(mention.text):
        return False  # "North", "Western": a region's name in a few countries, a word in all
    candidate = Candidate(r.place, r.matched_name or r.place.name, 0)
    if is_well_known(candidate) or (
        r.place.feature == "admin1" and normalize_name(r.place.name) == normalize_name(mention.text)
    ):
        return True  # a country or a region by its own name: "Virginia", "England"
    # Local news is about its region: in an article of one state, a common word that names
    # a county or a town of another state of the same country is the word.
    local = focus.local_region
    elsewhere_at_home = (
        local is not None
        and r.place.country_code == local[0]
        and _region_of(r.place) not in (None, local)
    )
    return focus.in_focus(r.place) and not elsewhere_at_home


def drop_common_words(
    text: str, resolved: Sequence[ResolvedMention], home: Place | None = None
) -> list[ResolvedMention]:
    """The resolved mentions without the common words that are not places here.

    A capitalised ordinary English word (`is_common_word`) that is also a place name
    somewhere ("Western" in Uganda, "Battle" in England, "Camp" County in Texas) is a
    place only with evidence of it (`_has_place_evidence`); capitals alone say nothing,
    since names of organisations, buildings and headlines capitalise common words. The
    focus each is judged against leaves the name's own mentions out."""
    counts, own = _FocusCounts(), {}
    if home is not None:
        counts.add(home, HOME_WEIGHT)
    for r in resolved:
        if r.place is not None:
            counts.add(r.place)
            own.setdefault(normalize_name(r.mention.text), _FocusCounts()).add(r.place)
    kept = []
    for index, r in enumerate(resolved):
        if r.mention.kind == "demonym" or not is_common_word(r.mention.text):
            kept.append(r)
            continue
        focus = counts.focus(own.get(normalize_name(r.mention.text)))
        if _has_place_evidence(text, index, resolved, focus):
            kept.append(r)
    return kept


def home_place(gazetteer: Gazetteer, home: str | int | None) -> Place | None:
    """A publisher's home place from the settings or a manifest: a GeoNames id ("4752031")
    or a name with its containers ("Charlottesville, Virginia, US"), read as the text
    "X, Y, Z" is read. None when the gazetteer does not know it."""
    if home is None:
        return None
    text = str(home).strip()
    if text.isdigit():
        return gazetteer.get(int(text))
    mentions, offset = [], 0
    for part in text.split(","):
        name = part.strip()
        if name:
            start = text.index(name, offset)
            mentions.append(Mention(start, start + len(name), name))
            offset = start + len(name)
    if not mentions:
        return None
    first = resolve_mentions(text, mentions, gazetteer)[0]
    return first.place


# A publisher's home inferred from its stored articles needs this many of their names in
# one region, from at least HOME_MIN_ARTICLES articles: one story about a place is no home.
HOME_MIN_NAMES = 10
HOME_MIN_ARTICLES = 3


def infer_home(articles_places: Iterable[Iterable[Place | None]]) -> Place | None:
    """A publisher's home from what its articles name most: the region (state, province)
    holding at least LOCAL_REGION_SHARE of the names its articles place in a region, at
    least HOME_MIN_NAMES of them from HOME_MIN_ARTICLES articles or more; None for a
    publisher of national or world news. Returned as the region's place (or, when no
    article names the region itself, the place of it named most)."""
    counts = _FocusCounts()
    in_region: dict[tuple[str, str], Counter] = {}
    articles_in: Counter[tuple[str, str]] = Counter()
    for places in articles_places:
        seen = set()
        for place in places:
            if place is None:
                continue
            counts.add(place)
            region = _region_of(place)
            if region is not None:
                in_region.setdefault(region, Counter())[place] += 1
                seen.add(region)
        articles_in.update(seen)
    focus = counts.focus()
    region = focus.local_region
    if (
        region is None
        or focus.region_names * focus.regions[region] < HOME_MIN_NAMES
        or articles_in[region] < HOME_MIN_ARTICLES
    ):
        return None
    named = in_region[region]
    regions = [p for p in named if p.feature == "admin1"]
    return max(regions or named, key=lambda p: (named[p], p.geonameid or 0))
