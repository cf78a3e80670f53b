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


@dataclass(frozen=True)
class Mention:
    """A place name found in a text, before resolution. Offsets are characters of the text."""

    start: int
    end: int
    text: str
    kind: str = "toponym"  # "toponym" or "demonym"
    finder: str = "ner"  # which recogniser proposed it
    label: str | None = None  # the NER label, where one proposed it
    # A place the text says contains this one ("... on the edge of Aleppo"), as written.
    context_hint: str | None = None


@dataclass(frozen=True)
class ResolvedMention:
    """A mention and the gazetteer entry chosen for it (None: found but not resolved)."""

    mention: Mention
    place: Place | None
    matched_name: str | None = None
    score: float = 0.0
    method: str = "unresolved"  # e.g. "gazetteer", "enclosing", "override", "nominatim"
    approximate: bool = False  # True when placed at an enclosing place, not the named one

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
