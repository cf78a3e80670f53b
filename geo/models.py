"""The records that flow through the pipeline.

read articles -> find mentions -> resolve them -> extract events -> store -> filter -> draw.
Every stage takes and returns these frozen records, so each stage can be tested alone.
Coordinates are latitude first everywhere in our code; GeoJSON's longitude-first order
is produced only at the export boundary.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

# Feature levels of a gazetteer entry, from the largest to the smallest.
FEATURE_LEVELS = ("country", "admin1", "admin2", "city", "neighbourhood", "landmark")


def validate_location(latitude: float, longitude: float) -> tuple[float, float]:
    """Return (latitude, longitude) as floats, or raise ValueError naming what is wrong."""
    try:
        lat, lon = float(latitude), float(longitude)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"coordinates must be numbers, got {latitude!r}, {longitude!r}") from exc
    if math.isnan(lat) or math.isnan(lon):
        raise ValueError("coordinates must not be NaN")
    if not -90.0 <= lat <= 90.0:
        raise ValueError(f"latitude must be between -90 and 90, got {lat}")
    if not -180.0 <= lon <= 180.0:
        raise ValueError(f"longitude must be between -180 and 180, got {lon}")
    return lat, lon


@dataclass(frozen=True)
class Article:
    """One news article as read from a file or a row of a collection."""

    article_id: str
    text: str
    title: str | None = None
    source: str | None = None  # the publisher
    url: str | None = None  # http(s) only; anything else is dropped by the reader
    published: date | None = None
    # Why `published` is missing or not from metadata: None when metadata gave it,
    # else e.g. "missing", "no-year", "from-dateline", "inferred-from-text".
    published_flag: str | None = None
    origin: str = ""  # file path, with "#row" for collections
    content_hash: str = ""
    # For articles read from the web: when the page was fetched, how its text was extracted
    # (e.g. "trafilatura 2.3.1") and the language it declares (e.g. "en"). None for files.
    fetched_at: datetime | None = None
    extraction: str | None = None
    language: str | None = None
    # The publisher's home place as the metadata gives it ("Charlottesville, Virginia, US"
    # or a GeoNames id): evidence for its same-name places (geo/place/resolve.py).
    home: str | None = None


@dataclass(frozen=True)
class ReadError:
    """A file or row that could not be read: reported by name and skipped."""

    origin: str
    reason: str


@dataclass(frozen=True)
class Place:
    """One gazetteer entry."""

    geonameid: int | None
    name: str
    latitude: float
    longitude: float
    country_code: str | None
    admin1: str | None = None  # admin1 name, e.g. "Aleppo"
    admin1_code: str | None = None  # GeoNames admin1 code, e.g. "09"
    feature: str = "city"  # one of FEATURE_LEVELS
    population: int = 0
    source: str = "geonames"  # which dataset the entry came from

    def __post_init__(self) -> None:
        validate_location(self.latitude, self.longitude)
        if self.feature not in FEATURE_LEVELS:
            raise ValueError(f"feature must be one of {FEATURE_LEVELS}, got {self.feature!r}")


class Finder(StrEnum):
    """Which recogniser proposed a mention (geo/place/recognize.py). The values are the
    strings stored in the events database's `places.finder` column."""

    NER = "ner"  # spaCy's place entities (GPE, LOC, FAC)
    NER_RELABELLED = "ner-relabelled"  # NORP/ORG/PERSON entities the gazetteer knows
    DEMONYM = "demonym"  # "Syrian", tagged or not
    ADJECTIVAL = "adjectival"  # "US" of "US-led"
    EMBEDDED = "embedded"  # "Michigan" of "Michigan Department of Health"
    GAZETTEER_PROPN = "gazetteer-propn"  # proper nouns the gazetteer knows
    GAZETTEER_MATCH = "gazetteer-match"  # gazetteer names anywhere (Aho-Corasick)
    CAPS_DATELINE = "caps-dateline"  # "TORRINGTON —": a dateline's place in capitals
    CUE = "cue"  # a cue phrase: "the Ramouseh neighbourhood"; the word is `Mention.cue`
    REPEAT = "repeat"  # the same name again further on
    POSSESSIVE = "possessive"  # "Aleppos" of "Aleppos Sukkari"
    POSSESSIVE_OF = "possessive-of"  # "Sukkari" of "Aleppos Sukkari"
    GIVEN = "given"  # spans given by the caller (`python -m geo parse` with spans)


class Cue(StrEnum):
    """The cue word of a cue phrase, as written (lower case): the stored finder string is
    "cue:<word>", so each spelling and plural the patterns accept is a member."""

    NEIGHBOURHOOD = "neighbourhood"
    NEIGHBOURHOODS = "neighbourhoods"
    NEIGHBORHOOD = "neighborhood"
    NEIGHBORHOODS = "neighborhoods"
    DISTRICT = "district"
    AREA = "area"
    QUARTER = "quarter"
    SUBURB = "suburb"
    PROVINCE = "province"
    GOVERNORATE = "governorate"
    REGION = "region"
    CITY = "city"
    TOWN = "town"
    VILLAGE = "village"
    CAMP = "camp"
    ROAD = "road"
    HIGHWAY = "highway"
    STREET = "street"
    SQUARE = "square"
    AIRBASE = "airbase"
    AIR_BASE = "air base"
    CROSSING = "crossing"
    CHECKPOINT = "checkpoint"


# Cues that say the name is a first-level region ("Aleppo province").
REGION_CUE_WORDS = frozenset({Cue.PROVINCE, Cue.GOVERNORATE, Cue.REGION})
# Cues of places smaller than a town; unresolved, they are placed at the town around them.
SUB_CITY_CUE_WORDS = frozenset(Cue) - REGION_CUE_WORDS - {Cue.CITY, Cue.TOWN, Cue.VILLAGE}

CUE_PREFIX = "cue:"


class Method(StrEnum):
    """How a mention was placed. The values are the stored strings and the export's
    `resolution` column; an online answer is named after the service that gave it."""

    GAZETTEER = "gazetteer"  # the offline gazetteer's best candidate in context
    ENCLOSING = "enclosing"  # placed at the town or region around it, approximate
    OVERRIDE = "override"  # a correction made by hand
    UNRESOLVED = "unresolved"  # found, not placed
    # The online services of geo/place/geocoders.py (ONLINE_BACKENDS), opt-in; each has
    # a member, so the stored method is the service's name.
    NOMINATIM = "nominatim"
    PHOTON = "photon"
    ARCGIS = "arcgis"
    ONLINE = "online"  # a service plugged in without a member of its own

    @classmethod
    def of_service(cls, name: str) -> Method:
        """The method of an answer from the online service `name`."""
        try:
            method = cls(name)
        except ValueError:
            return cls.ONLINE
        offline = (cls.GAZETTEER, cls.ENCLOSING, cls.OVERRIDE, cls.UNRESOLVED)
        return cls.ONLINE if method in offline else method


@dataclass(frozen=True)
class Mention:
    """A place name found in a text, before resolution. Offsets are characters of the text."""

    start: int
    end: int
    text: str
    # "toponym", "demonym" ("Syrian") or "embedded" (the town of "Gainesville Police": a
    # place the story need not be in, so events are not located by it)
    kind: str = "toponym"
    finder: Finder = Finder.NER  # which recogniser proposed it
    label: str | None = None  # the NER label, where one proposed it
    # A place the text says contains this one ("... on the edge of Aleppo"), as written.
    context_hint: str | None = None
    cue: Cue | None = None  # the cue word, for finder CUE (and only then)

    def __post_init__(self) -> None:
        finder, cue = self.finder, self.cue
        # The stored form ("cue:road", "ner") is accepted, so rows read back from the
        # store make the same mention.
        if not isinstance(finder, Finder) and str(finder).startswith(CUE_PREFIX):
            finder, cue = Finder.CUE, Cue(str(finder)[len(CUE_PREFIX) :])
        finder = Finder(finder)
        cue = None if cue is None else Cue(cue)
        if (finder is Finder.CUE) != (cue is not None):
            raise ValueError(f"a cue word goes with finder 'cue' only, got {finder!r}, {cue!r}")
        object.__setattr__(self, "finder", finder)
        object.__setattr__(self, "cue", cue)

    @property
    def provenance(self) -> str:
        """The finder as stored: "cue:<word>" for a cue phrase, else the finder's value."""
        return f"{CUE_PREFIX}{self.cue}" if self.cue is not None else str(self.finder)


@dataclass(frozen=True)
class ResolvedMention:
    """A mention and the gazetteer entry chosen for it (None: found but not resolved)."""

    mention: Mention
    place: Place | None
    matched_name: str | None = None
    score: float = 0.0
    method: Method = Method.UNRESOLVED
    approximate: bool = False  # True when placed at an enclosing place, not the named one

    def __post_init__(self) -> None:
        object.__setattr__(self, "method", Method(self.method))

    @property
    def resolved(self) -> bool:
        return self.place is not None


@dataclass(frozen=True)
class Event:
    """Something reported as happening at a place, from one sentence of one article, with
    who claims and who denies it, who did it and what it cost, where the text says."""

    event_id: str
    article_id: str
    sentence: str
    sentence_start: int
    event_type: str
    location: ResolvedMention
    event_date: date | None
    date_precision: str = "day"  # "day", "week", "month", "year"
    date_from_text: bool = True  # False: the publication date was used, flagged
    is_primary: bool = False
    cited_sources: tuple[str, ...] = ()  # canonical names of who claims it
    denied_by: tuple[str, ...] = ()  # canonical names of who denies it
    actors: tuple[str, ...] = ()  # who did it, where the text says
    killed: int | None = None  # None: the text states no number
    injured: int | None = None
    civilians_killed: int | None = None
    children_killed: int | None = None
    confidence: float | None = None  # how sure, from the evidence (geo/event/confidence.py)
