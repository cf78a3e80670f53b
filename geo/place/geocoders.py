"""The offline gazetteer as a geopy geocoder, and opt-in online geocoders chained behind it.

Every backend is a `geopy.geocoders.base.Geocoder` answering
`geocode(query, *, exactly_one=True, country_codes=None, timeout=...)` with geopy
`Location` objects, so they compose:

    ChainedGeocoder([GazetteerGeocoder(), CachedGeocoder(OnlineGeocoder(Nominatim(...)))])

- `GazetteerGeocoder`: our compiled GeoNames index; no network, ever.
- `OnlineGeocoder`: one of geopy's services (`ONLINE_BACKENDS`), wrapped in geopy's
  `RateLimiter`, with a user agent and a timeout. Built by `make_online_geocoder`.
- `CachedGeocoder`: a persistent SQLite cache in front of any geocoder; remembers answers
  and "not found" alike, so a place is asked of an online service at most once.
- `ChainedGeocoder`: asks each geocoder in turn. It is the one boundary where a service
  error (timeout, refusal, quota) is logged and becomes "no answer", never a crash.

Online geocoding is off unless the settings file (geo.toml, see geo.example.toml) names a
service: `online_geocoder` and `geocoder_from_settings` read it.

The resolver (geo/place/resolve.py) is the offline gazetteer ranked in the context of a
whole article; for the names it finds no trusted place for it asks the rest of the chain,
`online_geocoder(settings)`, through `geocode_place`. `geocoder_from_settings` is the whole
chain for a name on its own (no article around it): `GazetteerGeocoder` first.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import closing
from functools import cache
from pathlib import Path
from typing import Any

from geopy.exc import GeopyError
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import ArcGIS, Nominatim, Photon
from geopy.geocoders.base import DEFAULT_SENTINEL, Geocoder
from geopy.location import Location

from geo.config import PROJECT_DIR, data_dir, load_settings
from geo.models import Place, validate_location
from geo.place.gazetteer import Candidate, Gazetteer
from geo.place.ranking import REGION_CUES, Context, rank_candidates

log = logging.getLogger(__name__)

Answer = Location | list[Location] | None

# ---------------------------------------------------------------------------- offline


def _location_from_place(place: Place, matched_name: str, score: float) -> Location:
    address = ", ".join(p for p in (place.name, place.admin1, place.country_code) if p)
    raw = {
        "geonameid": place.geonameid,
        "name": place.name,
        "feature": place.feature,
        "country_code": place.country_code,
        "admin1": place.admin1,
        "admin1_code": place.admin1_code,
        "population": place.population,
        "matched_name": matched_name,
        "score": round(score, 4),
        "source": "gazetteer",
    }
    return Location(address, (place.latitude, place.longitude), raw)


def _upper_codes(country_codes: str | Iterable[str] | None) -> frozenset[str]:
    if not country_codes:
        return frozenset()
    if isinstance(country_codes, str):
        country_codes = [country_codes]
    return frozenset(cc.strip().upper() for cc in country_codes if cc and cc.strip())


def _inside(place: Place, box: Place) -> bool:
    """True when `place` lies in the country or first-level region `box` (and is not it)."""
    if place.country_code != box.country_code or place.feature == "country":
        return False
    if box.feature == "country":
        return True
    return place.admin1_code == box.admin1_code and place.feature != "admin1"


class GazetteerGeocoder(Geocoder):
    """geopy geocoder over the offline gazetteer (geo/gazetteer.py); never uses the network.

    `geocode("Aleppo")` -> Location("Aleppo, Aleppo, SY", (36.20, 37.16), raw) with raw =
    {geonameid, name, feature, country_code, admin1, admin1_code, population,
    matched_name, score, source="gazetteer"}. Candidates are ranked by
    `geo.resolve.rank_candidates`. "Paris, Texas": the part after the last comma, when it
    names a country or first-level region, restricts the answer to places inside it.
    The default gazetteer is opened (and built, the first time) on the first query.
    """

    name = "gazetteer"

    def __init__(self, gazetteer: Gazetteer | None = None, *, path: str | Path | None = None):
        super().__init__()
        self._gazetteer = gazetteer
        self._path = path
        self._lock = threading.Lock()

    @property
    def gazetteer(self) -> Gazetteer:
        if self._gazetteer is None:
            with self._lock:
                if self._gazetteer is None:
                    self._gazetteer = Gazetteer.open(self._path)
        return self._gazetteer

    def geocode(
        self,
        query: str,
        *,
        exactly_one: bool = True,
        country_codes: str | Iterable[str] | None = None,
        timeout: Any = DEFAULT_SENTINEL,  # accepted for geopy compatibility; nothing waits
    ) -> Answer:
        ranked = self.rank(query, country_codes)
        if not ranked:
            return None
        locations = [_location_from_place(c.place, c.matched_name, s) for s, c in ranked]
        return locations[0] if exactly_one else locations

    def rank(
        self, query: str, country_codes: str | Iterable[str] | None = None
    ) -> list[tuple[float, Candidate]]:
        """The gazetteer's candidates for `query` with their scores, best first."""
        query = (query or "").strip()
        if not query:
            return []
        countries = _upper_codes(country_codes)
        regions: frozenset[tuple[str, str]] = frozenset()
        candidates = None
        if "," in query:
            head, tail = (part.strip() for part in query.rsplit(",", 1))
            boxes = [
                c.place
                for c in self.gazetteer.lookup(tail)
                if c.place.feature in ("country", "admin1")
                and (not countries or c.place.country_code in countries)
            ]
            if boxes and head:
                candidates = [
                    c
                    for c in self.gazetteer.lookup(head)
                    if any(_inside(c.place, box) for box in boxes)
                ]
                regions = frozenset(
                    (b.country_code, b.admin1_code) for b in boxes if b.feature == "admin1"
                )
            else:  # the part after the comma is no container we know: read it as one name
                candidates = self.gazetteer.lookup(query) or self.gazetteer.lookup(head)
        else:
            candidates = self.gazetteer.lookup(query)
        if countries:
            candidates = [c for c in candidates if c.place.country_code in countries]
        words = set(query.lower().replace(",", " ").split())
        region_cued = any(cue in words for cue in REGION_CUES)
        return rank_candidates(candidates, Context(countries, regions), region_cued)

    def reverse(self, query: Any, *, exactly_one: bool = True, timeout: Any = DEFAULT_SENTINEL):
        raise NotImplementedError(
            "GazetteerGeocoder does not reverse-geocode: the offline index has no spatial "
            "index. Use an online geocoder's reverse() (e.g. geopy's Nominatim) for that."
        )


# ---------------------------------------------------------------------------- chaining


class ChainedGeocoder(Geocoder):
    """Ask each geocoder in order; the first non-empty answer wins.

    The one boundary for service errors: a `geopy.exc.GeopyError` (timeouts, refusals,
    quota, unavailable service) or a timeout from one geocoder is logged and counted as
    "no answer" from it; the next one is asked. Other exceptions are bugs and propagate.
    """

    name = "chain"

    def __init__(self, geocoders: Sequence[Geocoder]):
        super().__init__()
        if not geocoders:
            raise ValueError("ChainedGeocoder needs at least one geocoder")
        self.geocoders = list(geocoders)

    def geocode(
        self,
        query: str,
        *,
        exactly_one: bool = True,
        country_codes: str | Iterable[str] | None = None,
        timeout: Any = DEFAULT_SENTINEL,
    ) -> Answer:
        found = self.answer(
            query, exactly_one=exactly_one, country_codes=country_codes, timeout=timeout
        )
        return None if found is None else found[0]

    def answer(
        self,
        query: str,
        *,
        exactly_one: bool = True,
        country_codes: str | Iterable[str] | None = None,
        timeout: Any = DEFAULT_SENTINEL,
    ) -> tuple[Location | list[Location], str] | None:
        """`geocode`'s answer and the name of the geocoder that gave it, or None."""
        for geocoder in self.geocoders:
            try:
                answer = geocoder.geocode(
                    query, exactly_one=exactly_one, country_codes=country_codes, timeout=timeout
                )
            except (GeopyError, TimeoutError) as exc:
                log.warning(
                    "geocoder %s failed for %r (%s: %s); treated as no answer",
                    _backend_name(geocoder),
                    query,
                    type(exc).__name__,
                    exc,
                )
                continue
            if answer:
                return answer, _backend_name(geocoder)
        return None

    def reverse(self, query: Any, *, exactly_one: bool = True, timeout: Any = DEFAULT_SENTINEL):
        raise NotImplementedError("ChainedGeocoder does not reverse-geocode")


def _backend_name(geocoder: Any) -> str:
    return getattr(geocoder, "name", None) or type(geocoder).__name__.lower()


# ---------------------------------------------------------------------------- caching


def _cache_query(query: str) -> str:
    """The form a query is cached under: NFC, case-folded, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFC", query).casefold().split())


class CachedGeocoder(Geocoder):
    """A persistent SQLite cache in front of another geocoder.

    Keyed on (backend name, normalised query, country codes, exactly_one); both answers
    and "not found" are stored with the time they were fetched. Errors are not cached:
    they propagate to the caller (`ChainedGeocoder` turns them into "no answer"), so a
    timeout is asked again next time. `max_age_seconds=None` keeps entries for ever.
    """

    def __init__(
        self,
        geocoder: Geocoder,
        path: str | Path | None = None,
        *,
        name: str | None = None,
        max_age_seconds: float | None = None,
        clock: Callable[[], float] = time.time,
    ):
        super().__init__()
        self.backend = geocoder
        self.name = name or _backend_name(geocoder)
        self.path = Path(path) if path else data_dir() / "geocoder-cache.sqlite"
        self.max_age_seconds = max_age_seconds
        self._clock = clock
        self._ready = False  # the file is created on the first query, not here

    def _connect(self) -> sqlite3.Connection:
        # One short-lived connection per call: safe across threads (Streamlit) and processes.
        if not self._ready:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with closing(sqlite3.connect(self.path, timeout=30)) as db, db:
                db.execute(
                    "CREATE TABLE IF NOT EXISTS answers ("
                    " backend TEXT NOT NULL, query TEXT NOT NULL, country_codes TEXT NOT NULL,"
                    " exactly_one INTEGER NOT NULL, locations TEXT NOT NULL,"
                    " fetched_at REAL NOT NULL,"
                    " PRIMARY KEY (backend, query, country_codes, exactly_one))"
                )
            self._ready = True
        return sqlite3.connect(self.path, timeout=30)

    def _key(self, query: str, country_codes, exactly_one: bool) -> tuple:
        codes = ",".join(sorted(_upper_codes(country_codes)))
        return (self.name, _cache_query(query), codes, int(bool(exactly_one)))

    def geocode(
        self,
        query: str,
        *,
        exactly_one: bool = True,
        country_codes: str | Iterable[str] | None = None,
        timeout: Any = DEFAULT_SENTINEL,
    ) -> Answer:
        key = self._key(query, country_codes, exactly_one)
        with closing(self._connect()) as db:
            row = db.execute(
                "SELECT locations, fetched_at FROM answers WHERE backend = ? AND query = ?"
                " AND country_codes = ? AND exactly_one = ?",
                key,
            ).fetchone()
        if row is not None and (
            self.max_age_seconds is None or self._clock() - row[1] <= self.max_age_seconds
        ):
            return _answer_from_json(row[0], exactly_one)
        answer = self.backend.geocode(
            query, exactly_one=exactly_one, country_codes=country_codes, timeout=timeout
        )
        with closing(self._connect()) as db, db:
            db.execute(
                "INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?, ?)",
                (*key, _answer_to_json(answer), self._clock()),
            )
        return answer

    def reverse(self, query: Any, *, exactly_one: bool = True, timeout: Any = DEFAULT_SENTINEL):
        raise NotImplementedError("CachedGeocoder does not cache reverse geocoding")


def _answer_to_json(answer: Answer) -> str:
    locations = [] if answer is None else [answer] if isinstance(answer, Location) else answer
    return json.dumps(
        [
            {
                "address": loc.address,
                "latitude": loc.latitude,
                "longitude": loc.longitude,
                "altitude": loc.altitude,
                "raw": loc.raw,
            }
            for loc in locations
        ],
        default=str,
    )


def _answer_from_json(text: str, exactly_one: bool) -> Answer:
    locations = [
        Location(d["address"], (d["latitude"], d["longitude"], d["altitude"] or 0.0), d["raw"])
        for d in json.loads(text)
    ]
    if not locations:
        return None
    return locations[0] if exactly_one else locations


# ---------------------------------------------------------------------------- online

# geopy services we know how to drive, by the name used in geo.toml.
ONLINE_BACKENDS: dict[str, type[Geocoder]] = {
    "nominatim": Nominatim,
    "photon": Photon,
    "arcgis": ArcGIS,
}
# Services whose usage policy asks for at most one request a second from one client.
ONE_REQUEST_PER_SECOND = frozenset({"nominatim"})
DEFAULT_USER_AGENT = "geo-news-map/0.1 (geopy)"
DEFAULT_TIMEOUT = 10.0
DEFAULT_MIN_DELAY_SECONDS = 1.0


def _raw_country_code(raw: Mapping[str, Any]) -> str | None:
    """The ISO country code in a Nominatim or Photon answer, when there is one."""
    code = (raw.get("address") or {}).get("country_code") or raw.get("country_code")
    code = code or (raw.get("properties") or {}).get("countrycode")
    return code.upper() if isinstance(code, str) and code else None


class OnlineGeocoder(Geocoder):
    """One of geopy's online services behind geopy's `RateLimiter`, with our signature.

    `country_codes` is passed to the service when it can filter (Nominatim), else the
    answers are filtered here by the country code they carry (Photon); answers without
    one are kept. Errors are not swallowed here: after the rate limiter's retries they
    propagate, so the cache does not store a failure as "not found", and the chain logs
    them. Calling the object is the same as calling `geocode`.
    """

    def __init__(self, name: str, backend: Geocoder, rate_limiter: RateLimiter):
        super().__init__()
        self.name = name
        self.backend = backend
        self.rate_limiter = rate_limiter

    def geocode(
        self,
        query: str,
        *,
        exactly_one: bool = True,
        country_codes: str | Iterable[str] | None = None,
        timeout: Any = DEFAULT_SENTINEL,
    ) -> Answer:
        codes = _upper_codes(country_codes)
        kwargs: dict[str, Any] = {"timeout": timeout}
        filter_here = False
        if isinstance(self.backend, Nominatim):
            kwargs["addressdetails"] = True  # gives country_code and state for the Place
            if codes:
                kwargs["country_codes"] = sorted(cc.lower() for cc in codes)
        elif codes:
            filter_here = True
        answer = self.rate_limiter(query, exactly_one=exactly_one and not filter_here, **kwargs)
        if not filter_here or not answer:
            return answer
        kept = [
            loc
            for loc in (answer if isinstance(answer, list) else [answer])
            if _raw_country_code(loc.raw) in (*codes, None)
        ]
        if not kept:
            return None
        return kept[0] if exactly_one else kept

    __call__ = geocode

    def reverse(self, query: Any, *, exactly_one: bool = True, timeout: Any = DEFAULT_SENTINEL):
        raise NotImplementedError(
            f"{self.name}: reverse geocoding is not wired; wrap backend.reverse in its own "
            "geopy RateLimiter if you need it"
        )


def make_online_geocoder(
    name: str,
    user_agent: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    min_delay_seconds: float = DEFAULT_MIN_DELAY_SECONDS,
    *,
    max_retries: int = 2,
    error_wait_seconds: float = 5.0,
    **options: Any,
) -> OnlineGeocoder:
    """A geopy service from `ONLINE_BACKENDS`, rate limited, identified, with a timeout.

    `options` go to the service's constructor (e.g. `domain` for a self-hosted
    Nominatim). Raises ValueError for an unknown service, a Nominatim without a user
    agent of its own, or a delay shorter than the service's usage policy allows.
    """
    key = (name or "").strip().lower()
    if key not in ONLINE_BACKENDS:
        raise ValueError(
            f"unknown online geocoder {name!r}; valid names: {', '.join(sorted(ONLINE_BACKENDS))}"
        )
    user_agent = (user_agent or "").strip()
    if key == "nominatim" and not user_agent:
        raise ValueError(
            "Nominatim's usage policy (https://operations.osmfoundation.org/policies/"
            "nominatim/) requires a user agent that identifies your application, e.g. "
            '`user_agent = "my-news-map/1.0 (me@example.org)"` under [geocoding] in geo.toml'
        )
    if key in ONE_REQUEST_PER_SECOND and min_delay_seconds < 1.0:
        raise ValueError(
            f"{key}: min_delay_seconds must be at least 1.0 (its usage policy allows one "
            f"request a second), got {min_delay_seconds}"
        )
    if timeout is None or timeout <= 0:
        raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}")
    if min_delay_seconds < 0 or max_retries < 0:
        raise ValueError("min_delay_seconds and max_retries must not be negative")
    backend = ONLINE_BACKENDS[key](
        user_agent=user_agent or DEFAULT_USER_AGENT, timeout=timeout, **options
    )
    limiter = RateLimiter(
        backend.geocode,
        min_delay_seconds=min_delay_seconds,
        max_retries=max_retries,
        error_wait_seconds=max(error_wait_seconds, min_delay_seconds),
        # Errors go on to ChainedGeocoder, the one boundary; swallowed here, a timeout
        # would come back as None and be cached as "not found".
        swallow_exceptions=False,
    )
    return OnlineGeocoder(key, backend, limiter)


# ---------------------------------------------------------------------------- settings

SETTINGS_KEYS = frozenset(
    {
        "online",
        "user_agent",
        "timeout",
        "min_delay_seconds",
        "max_retries",
        "cache",
        "cache_max_age_days",
        "gazetteer",
        "options",
    }
)


def _geocoding_settings(settings: Mapping[str, Any] | None) -> dict[str, Any]:
    settings = load_settings() if settings is None else settings
    section = dict(settings.get("geocoding") or {})
    unknown = set(section) - SETTINGS_KEYS
    if unknown:
        raise ValueError(
            f"[geocoding]: unknown setting(s) {', '.join(sorted(unknown))}; "
            f"valid: {', '.join(sorted(SETTINGS_KEYS))}"
        )
    online = section.get("online", False)
    if online is True:
        raise ValueError(
            "[geocoding] online = true: name the service your queries go to, one of "
            f"{', '.join(sorted(ONLINE_BACKENDS))} (or false for offline only)"
        )
    if online is not False and not isinstance(online, str):
        raise ValueError(f"[geocoding] online must be false or a service name, got {online!r}")
    return section


def _project_path(value: str | None) -> Path | None:
    if not value:
        return None
    path = Path(value).expanduser()
    return path if path.is_absolute() else PROJECT_DIR / path


def _online_from_section(section: Mapping[str, Any]) -> CachedGeocoder | None:
    online = section.get("online") or ""
    if not online or online.strip().lower() in ("", "false", "off", "none"):
        return None
    geocoder = make_online_geocoder(
        online,
        user_agent=section.get("user_agent"),
        timeout=float(section.get("timeout", DEFAULT_TIMEOUT)),
        min_delay_seconds=float(section.get("min_delay_seconds", DEFAULT_MIN_DELAY_SECONDS)),
        max_retries=int(section.get("max_retries", 2)),
        **dict(section.get("options") or {}),
    )
    max_age_days = section.get("cache_max_age_days")
    return CachedGeocoder(
        geocoder,
        _project_path(section.get("cache")),
        max_age_seconds=None if max_age_days is None else float(max_age_days) * 86400,
    )


def geocoder_from_settings(
    settings: Mapping[str, Any] | None = None, *, gazetteer: Gazetteer | None = None
) -> Geocoder:
    """The geocoder the settings ask for (`None`: read geo.toml via load_settings()).

    Offline (the default): `GazetteerGeocoder`. With `[geocoding] online = "nominatim"`:
    `ChainedGeocoder([GazetteerGeocoder, CachedGeocoder(OnlineGeocoder(Nominatim))])`.
    Nothing is opened or asked at construction time.
    """
    section = _geocoding_settings(settings)
    offline = GazetteerGeocoder(gazetteer, path=_project_path(section.get("gazetteer")))
    online = _online_from_section(section)
    return offline if online is None else ChainedGeocoder([offline, online])


# ---------------------------------------------------------------------------- resolver hook

# Nominatim's addresstype/type (and Photon's type) -> our feature levels.
_FEATURE_OF_TYPE = {
    "country": "country",
    "state": "admin1",
    "province": "admin1",
    "region": "admin1",
    "county": "admin2",
    "state_district": "admin2",
    "district": "admin2",
    "city": "city",
    "town": "city",
    "village": "city",
    "hamlet": "city",
    "municipality": "city",
    "suburb": "neighbourhood",
    "neighbourhood": "neighbourhood",
    "quarter": "neighbourhood",
    "city_district": "neighbourhood",
    "borough": "neighbourhood",
}


def feature_from_raw(raw: Mapping[str, Any]) -> str:
    """Our feature level for an online answer: from Nominatim's `addresstype` or `type`,
    or Photon's `properties.type`; "landmark" when none of them is a known level."""
    properties = raw.get("properties") or {}
    for value in (raw.get("addresstype"), raw.get("type"), properties.get("type")):
        if isinstance(value, str) and value.lower() in _FEATURE_OF_TYPE:
            return _FEATURE_OF_TYPE[value.lower()]
    return "landmark"


def place_from_location(location: Location, source: str) -> Place:
    """A `geo.models.Place` from an online answer (raises ValueError on bad coordinates)."""
    raw = location.raw if isinstance(location.raw, Mapping) else {}
    properties = raw.get("properties") or {}
    address = raw.get("address") or {}
    name = raw.get("name") or properties.get("name") or location.address.split(",")[0].strip()
    geonameid = raw.get("geonameid")
    try:
        geonameid = int(geonameid) if geonameid is not None else None
    except (TypeError, ValueError):
        geonameid = None
    population = raw.get("population") or (raw.get("extratags") or {}).get("population")
    try:
        population = int(population) if population else 0
    except (TypeError, ValueError):
        population = 0
    return Place(
        geonameid=geonameid,
        name=name,
        latitude=location.latitude,
        longitude=location.longitude,
        country_code=_raw_country_code(raw),
        admin1=address.get("state") or properties.get("state"),
        feature=feature_from_raw(raw),
        population=population,
        source=source,
    )


def online_geocoder(settings: Mapping[str, Any] | None = None) -> ChainedGeocoder | None:
    """The geocoders behind the offline gazetteer that the settings opt in to (`None`: read
    geo.toml): `ChainedGeocoder([CachedGeocoder(OnlineGeocoder(...))])`, or None when
    online geocoding is off. Nothing is opened or asked at construction time."""
    online = _online_from_section(_geocoding_settings(settings))
    return None if online is None else ChainedGeocoder([online])


def geocode_place(geocoder: Geocoder, name: str, country_codes: Iterable[str] = ()) -> Place | None:
    """For the resolver: the place `geocoder` gives for `name`, restricted to the article's
    countries when given; its `source` is the name of the service that answered.

    A service error, no answer or an unusable answer (coordinates off the globe, or any
    exception from the service's wrapper) all give None ("unresolved"), logged.
    """
    source = _backend_name(geocoder)
    # The boundary between the resolver and a stranger's service: whatever comes back,
    # or whatever its wrapper raises on a malformed answer (a latitude of 91.5 makes
    # geopy raise ValueError; a missing field, KeyError), is "unresolved" for this
    # name, logged, and never the end of an ingest.
    try:
        if isinstance(geocoder, ChainedGeocoder):
            found = geocoder.answer(name, country_codes=sorted(country_codes or ()))
            if found is None:
                return None
            location, source = found
        else:
            location = geocoder.geocode(
                name, exactly_one=True, country_codes=sorted(country_codes or ())
            )
            if location is None:
                return None
        validate_location(location.latitude, location.longitude)
        return place_from_location(location, source)
    except Exception as exc:
        log.warning(
            "unusable %s answer for %r (%s: %s); left unresolved",
            source,
            name,
            type(exc).__name__,
            exc,
        )
        return None


__all__ = [
    "DEFAULT_USER_AGENT",
    "ONLINE_BACKENDS",
    "CachedGeocoder",
    "ChainedGeocoder",
    "GazetteerGeocoder",
    "OnlineGeocoder",
    "feature_from_raw",
    "geocode_place",
    "geocoder_from_settings",
    "make_online_geocoder",
    "online_geocoder",
    "place_from_location",
]


@cache
def default_online_geocoder() -> ChainedGeocoder | None:
    """The online geocoder the user opted in to in geo.toml, or None (offline)."""
    return online_geocoder()
