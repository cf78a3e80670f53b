"""geopy geocoders (geo.place.geocoders): the offline gazetteer as a geopy geocoder, the chain,
the persistent cache, rate limiting, and the opt-in settings. No test uses the network:
online services are fakes, and an autouse fixture makes any socket connection fail."""

from __future__ import annotations

import itertools
import socket
from typing import ClassVar

import pytest
from geopy.exc import GeocoderServiceError, GeocoderTimedOut, GeocoderUnavailable
from geopy.extra import rate_limiter
from geopy.geocoders import Nominatim
from geopy.geocoders.base import DEFAULT_SENTINEL, Geocoder
from geopy.location import Location

import geo.place.geocoders as geocoders
from geo.models import FEATURE_LEVELS, Place
from geo.place.gazetteer import Gazetteer
from geo.place.geocoders import (
    CachedGeocoder,
    ChainedGeocoder,
    GazetteerGeocoder,
    OnlineGeocoder,
    feature_from_raw,
    geocode_place,
    geocoder_from_settings,
    make_online_geocoder,
    online_geocoder,
    place_from_location,
)
from geo.place.ranking import rank_candidates
from tests.helpers import build_fixture_gazetteer

NOMINATIM_ALEPPO_RAW = {
    "place_id": 1,
    "lat": "36.19924",
    "lon": "37.1637253",
    "class": "place",
    "type": "city",
    "addresstype": "city",
    "name": "Aleppo",
    "display_name": "Aleppo, Mount Simeon Subdistrict, Aleppo Governorate, Syria",
    "address": {"city": "Aleppo", "state": "Aleppo Governorate", "country_code": "sy"},
}


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Any name look-up or connection fails, and fails the test even if an error boundary
    (the chain, geopy's adapters) swallowed the exception."""
    attempts: list[tuple] = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise RuntimeError(f"a test tried to use the network: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    yield attempts
    assert attempts == [], f"network used: {attempts}"


def test_the_network_guard_catches_a_real_service(no_network):
    online = make_online_geocoder("nominatim", "geo-news-map-tests/1.0", max_retries=0)
    assert ChainedGeocoder([online]).geocode("Paris") is None  # swallowed as "no answer"...
    assert len(no_network) == 1  # ...but seen by the guard
    no_network.clear()


@pytest.fixture(scope="module")
def gazetteer(tmp_path_factory) -> Gazetteer:
    return build_fixture_gazetteer(tmp_path_factory.mktemp("gaz"))


@pytest.fixture
def offline(gazetteer) -> GazetteerGeocoder:
    return GazetteerGeocoder(gazetteer)


class FakeOnline(Geocoder):
    """A stand-in for an online service: answers from a dict, counts its calls, and can be
    told to raise. Constructed like a geopy service (user_agent, timeout)."""

    answers: ClassVar[dict[str, list[dict]]] = {
        "atlantis": [{"lat": 10.0, "lon": 20.0, "name": "Atlantis", "addresstype": "city"}],
        "old city": [
            {"lat": 36.2, "lon": 37.16, "name": "Old City", "addresstype": "suburb",
             "address": {"country_code": "sy"}},
            {"lat": 31.78, "lon": 35.23, "name": "Old City", "addresstype": "suburb",
             "address": {"country_code": "il"}},
        ],
    }  # fmt: skip

    def __init__(self, *, user_agent=None, timeout=DEFAULT_SENTINEL, fail_with=None, **options):
        super().__init__(user_agent=user_agent, timeout=timeout)
        self.options = options
        self.fail_with = fail_with
        self.calls: list[tuple[str, dict]] = []

    def geocode(self, query, *, exactly_one=True, timeout=DEFAULT_SENTINEL, **kwargs):
        self.calls.append((query, {"exactly_one": exactly_one, **kwargs}))
        if self.fail_with is not None:
            raise self.fail_with
        raws = self.answers.get(query.lower(), [])
        locations = [Location(r["name"], (r["lat"], r["lon"]), r) for r in raws]
        if not locations:
            return None
        return locations[0] if exactly_one else locations


class FakeUniform(FakeOnline):
    """A fake with our uniform signature (country_codes), to put straight into a chain."""

    def geocode(self, query, *, exactly_one=True, country_codes=None, timeout=DEFAULT_SENTINEL):
        return super().geocode(query, exactly_one=exactly_one, country_codes=country_codes)


# ---------------------------------------------------------------------------- offline


@pytest.mark.parametrize(
    ("query", "expected_id"),
    [
        ("Paris", 2988507),
        ("Paris, Texas", 4717560),
        ("paris,texas", 4717560),
        ("Springfield, Illinois", 4250542),
        ("Springfield, Massachusetts", 4951788),
        ("Alexandria", 361058),
        ("Alexandria, Virginia", 4744091),
        ("Alexandria, Egypt", 361058),
        ("London, Ontario", 6058560),
        ("London, Canada", 6058560),
        ("Damascus, Syria", 170654),
        ("Aleppo", 170063),
        ("Aleppo Governorate", 170062),
        ("Syria", 163843),
        ("Jarābulus", 169179),
    ],
)
def test_gazetteer_geocoder_names_the_expected_place(offline, query, expected_id):
    location = offline.geocode(query)
    assert isinstance(location, Location), f"{query!r}: no answer"
    assert location.raw["geonameid"] == expected_id, f"{query!r} -> {location.address}"


def test_gazetteer_location_carries_address_point_and_raw(offline):
    location = offline.geocode("Aleppo")
    assert location.address == "Aleppo, Aleppo, SY"
    assert (location.latitude, location.longitude) == pytest.approx((36.20, 37.16), abs=0.05)
    raw = location.raw
    assert raw["source"] == "gazetteer"
    assert raw["feature"] == "city"
    assert raw["country_code"] == "SY"
    assert raw["admin1"] == "Aleppo"
    assert raw["population"] == 2098210
    assert raw["matched_name"] == "Aleppo"
    assert isinstance(raw["score"], float)
    assert offline.geocode("Syria").address == "Syria, SY"


@pytest.mark.parametrize("query", ["Atlantis", "", "   ", "Paris, Ontario, Mars", "Paris, Syria"])
def test_gazetteer_geocoder_unknown_is_none(offline, query):
    assert offline.geocode(query) is None
    assert offline.geocode(query, exactly_one=False) is None


def test_container_that_resolves_excludes_places_outside_it(offline):
    # Springfield is in Illinois, Missouri and Massachusetts, not in Texas.
    assert offline.geocode("Springfield, Texas") is None


def test_exactly_one_false_gives_every_candidate_ranked(offline, gazetteer):
    locations = offline.geocode("Paris", exactly_one=False)
    assert [loc.raw["geonameid"] for loc in locations] == [2988507, 4717560, 6942553]
    springfields = offline.geocode("Springfield", exactly_one=False)
    expected = [c.place.geonameid for _, c in rank_candidates(gazetteer.lookup("Springfield"))]
    assert [loc.raw["geonameid"] for loc in springfields] == expected
    assert len(expected) == 3
    scores = [loc.raw["score"] for loc in springfields]
    assert scores == sorted(scores, reverse=True)


def test_country_codes_restrict_the_answer(offline):
    assert offline.geocode("Paris", country_codes=["US"]).raw["geonameid"] == 4717560
    assert offline.geocode("Paris", country_codes="ca").raw["geonameid"] == 6942553
    assert offline.geocode("Paris", country_codes=["SY"]) is None


def test_gazetteer_opens_lazily(monkeypatch, gazetteer, tmp_path):
    opened = []

    def fake_open(path=None, progress=None):
        opened.append(path)
        return gazetteer

    monkeypatch.setattr(geocoders.Gazetteer, "open", staticmethod(fake_open))
    geocoder = GazetteerGeocoder(path=tmp_path / "g.sqlite")
    assert opened == []
    assert geocoder.geocode("Paris").raw["geonameid"] == 2988507
    geocoder.geocode("Aleppo")
    assert opened == [tmp_path / "g.sqlite"]


def test_gazetteer_reverse_says_it_is_not_supported(offline):
    with pytest.raises(NotImplementedError, match="reverse"):
        offline.reverse((36.2, 37.16))


# ---------------------------------------------------------------------------- chain


def test_chain_asks_the_online_geocoder_only_when_the_gazetteer_has_no_answer(offline):
    fake = FakeUniform()
    chain = ChainedGeocoder([offline, fake])
    assert chain.geocode("Paris, Texas").raw["geonameid"] == 4717560
    assert chain.geocode("Aleppo").raw["source"] == "gazetteer"
    assert fake.calls == []
    assert chain.geocode("Atlantis").address == "Atlantis"
    assert [q for q, _ in fake.calls] == ["Atlantis"]
    assert chain.geocode("Nowhere at all") is None
    assert len(fake.calls) == 2


def test_chain_passes_country_codes_and_exactly_one(offline):
    fake = FakeUniform()
    chain = ChainedGeocoder([offline, fake])
    assert len(chain.geocode("Old City", exactly_one=False, country_codes=["SY"])) == 2
    assert fake.calls == [("Old City", {"exactly_one": False, "country_codes": ["SY"]})]


@pytest.mark.parametrize(
    "error",
    [GeocoderTimedOut("timed out"), GeocoderServiceError("HTTP 500"), GeocoderUnavailable("x")],
)
def test_a_service_error_is_no_answer_not_a_crash(offline, error, caplog):
    fake = FakeUniform(fail_with=error)
    chain = ChainedGeocoder([offline, fake])
    assert chain.geocode("Atlantis") is None
    assert len(fake.calls) == 1
    assert "treated as no answer" in caplog.text
    # The gazetteer still answers what it knows.
    assert chain.geocode("Paris").raw["geonameid"] == 2988507


def test_chain_tries_the_next_geocoder_after_an_error():
    failing = FakeUniform(fail_with=GeocoderTimedOut("slow"))
    working = FakeUniform()
    chain = ChainedGeocoder([failing, working])
    assert chain.geocode("Atlantis").address == "Atlantis"
    assert len(failing.calls) == len(working.calls) == 1


def test_chain_does_not_hide_bugs():
    chain = ChainedGeocoder([FakeUniform(fail_with=KeyError("bug"))])
    with pytest.raises(KeyError):
        chain.geocode("Atlantis")


def test_chain_needs_geocoders():
    with pytest.raises(ValueError, match="at least one"):
        ChainedGeocoder([])


# ---------------------------------------------------------------------------- cache


def test_cache_answers_from_disk_across_instances(tmp_path):
    path = tmp_path / "cache.sqlite"
    fake = FakeUniform()
    cached = CachedGeocoder(fake, path, name="fake")
    first = cached.geocode("Atlantis")
    second = cached.geocode("  ATLANTIS ")  # the same query, normalised
    assert len(fake.calls) == 1
    assert isinstance(second, Location)
    assert (second.address, second.point, second.raw) == (first.address, first.point, first.raw)

    must_not_be_called = FakeUniform(fail_with=AssertionError("must not be called"))
    again = CachedGeocoder(must_not_be_called, path, name="fake")
    rebuilt = again.geocode("Atlantis")
    assert rebuilt.raw == {"lat": 10.0, "lon": 20.0, "name": "Atlantis", "addresstype": "city"}
    assert (rebuilt.latitude, rebuilt.longitude) == (10.0, 20.0)


def test_cache_keeps_negative_answers(tmp_path):
    fake = FakeUniform()
    cached = CachedGeocoder(fake, tmp_path / "cache.sqlite", name="fake")
    assert cached.geocode("Nowhere") is None
    assert cached.geocode("Nowhere") is None
    assert len(fake.calls) == 1
    other = FakeUniform()
    assert CachedGeocoder(other, tmp_path / "cache.sqlite", name="fake").geocode("Nowhere") is None
    assert other.calls == []


def test_cache_key_includes_backend_country_codes_and_exactly_one(tmp_path):
    path = tmp_path / "cache.sqlite"
    fake = FakeUniform()
    cached = CachedGeocoder(fake, path, name="fake")
    cached.geocode("Old City", country_codes=["SY"])
    cached.geocode("Old City", country_codes=["sy"])
    cached.geocode("Old City", country_codes=["IL"])
    cached.geocode("Old City")
    many = cached.geocode("Old City", exactly_one=False)
    assert len(many) == 2
    assert len(fake.calls) == 4
    other = FakeUniform()
    CachedGeocoder(other, path, name="other").geocode("Old City")
    assert len(other.calls) == 1


def test_cache_does_not_store_errors(tmp_path):
    path = tmp_path / "cache.sqlite"
    failing = FakeUniform(fail_with=GeocoderTimedOut("slow"))
    chain = ChainedGeocoder([CachedGeocoder(failing, path, name="fake")])
    assert chain.geocode("Atlantis") is None
    working = FakeUniform()
    assert CachedGeocoder(working, path, name="fake").geocode("Atlantis").address == "Atlantis"
    assert len(working.calls) == 1


def test_cache_entries_expire_after_max_age(tmp_path):
    now = [1000.0]
    fake = FakeUniform()
    cached = CachedGeocoder(
        fake, tmp_path / "c.sqlite", name="fake", max_age_seconds=60, clock=lambda: now[0]
    )
    cached.geocode("Atlantis")
    now[0] += 59
    cached.geocode("Atlantis")
    assert len(fake.calls) == 1
    now[0] += 2
    cached.geocode("Atlantis")
    assert len(fake.calls) == 2


def test_cache_defaults_to_the_data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("GEO_DATA_DIR", str(tmp_path / "data"))
    cached = CachedGeocoder(FakeUniform())
    assert cached.path == tmp_path / "data" / "geocoder-cache.sqlite"
    assert not cached.path.exists()  # nothing written until the first query
    cached.geocode("Atlantis")
    assert cached.path.is_file()


# ---------------------------------------------------------------------------- online + rate


@pytest.fixture
def fake_backend(monkeypatch):
    """Register FakeOnline as the online service "fake"; the instance made is recorded."""
    made: list[FakeOnline] = []

    def factory(**kwargs):
        made.append(FakeOnline(**kwargs))
        return made[-1]

    monkeypatch.setitem(geocoders.ONLINE_BACKENDS, "fake", factory)
    return made


@pytest.fixture
def fake_clock(monkeypatch):
    """Drive geopy's RateLimiter: its clock reads `now`, its sleep advances it."""
    state = {"now": 100.0, "sleeps": []}

    def sleep(self, seconds):
        state["sleeps"].append(seconds)
        state["now"] += seconds

    monkeypatch.setattr(rate_limiter, "default_timer", lambda: state["now"])
    monkeypatch.setattr(rate_limiter.RateLimiter, "_sleep", sleep)
    return state


def test_rate_limiter_keeps_the_minimum_delay_between_calls(fake_backend, fake_clock):
    online = make_online_geocoder("fake", "test-agent/1.0", timeout=5, min_delay_seconds=2.0)
    assert isinstance(online, OnlineGeocoder)
    assert online.rate_limiter.min_delay_seconds == 2.0
    called_at = []
    backend = fake_backend[0]
    original = backend.geocode

    def timed(query, **kwargs):
        called_at.append(fake_clock["now"])
        return original(query, **kwargs)

    online.rate_limiter.func = timed
    online("Atlantis")
    fake_clock["now"] += 0.5  # the caller did something else for half a second
    online.geocode("Atlantis")
    online.geocode("Nowhere")
    gaps = [b - a for a, b in itertools.pairwise(called_at)]
    assert len(called_at) == 3
    assert all(gap >= 2.0 for gap in gaps), gaps
    assert fake_clock["sleeps"] == pytest.approx([1.5, 2.0])


def test_rate_limiter_retries_then_lets_the_error_reach_the_chain(fake_backend, fake_clock):
    online = make_online_geocoder("fake", "ua", min_delay_seconds=1.0, max_retries=2)
    fake_backend[0].fail_with = GeocoderServiceError("HTTP 503")
    assert ChainedGeocoder([online]).geocode("Atlantis") is None
    assert len(fake_backend[0].calls) == 3  # one try and two retries
    assert fake_clock["sleeps"].count(5.0) == 2  # geopy's error wait between tries


def test_online_geocoder_passes_timeout_and_user_agent(fake_backend, fake_clock):
    online = make_online_geocoder("fake", "test-agent/1.0", timeout=3, domain="example.org")
    backend = fake_backend[0]
    assert backend.headers["User-Agent"] == "test-agent/1.0"
    assert backend.timeout == 3
    assert backend.options == {"domain": "example.org"}
    online.geocode("Atlantis")
    assert backend.calls == [("Atlantis", {"exactly_one": True})]


def test_online_geocoder_filters_countries_when_the_service_cannot(fake_backend, fake_clock):
    online = make_online_geocoder("fake", "ua")
    assert online.geocode("Old City", country_codes=["IL"]).raw["address"]["country_code"] == "il"
    assert online.geocode("Old City", country_codes=["EG"]) is None
    assert fake_backend[0].calls[0] == ("Old City", {"exactly_one": False})


def test_unknown_backend_lists_the_valid_names():
    with pytest.raises(ValueError, match="unknown online geocoder 'google'") as info:
        make_online_geocoder("google", "ua")
    for name in ("arcgis", "nominatim", "photon"):
        assert name in str(info.value)


@pytest.mark.parametrize("user_agent", [None, "", "   "])
def test_nominatim_needs_a_user_agent(user_agent):
    with pytest.raises(ValueError, match=r"Nominatim's usage policy.*user agent"):
        make_online_geocoder("nominatim", user_agent)


def test_nominatim_needs_one_second_between_requests():
    with pytest.raises(ValueError, match=r"at least 1\.0"):
        make_online_geocoder("nominatim", "test-agent/1.0", min_delay_seconds=0.5)


def test_nominatim_is_built_with_user_agent_and_timeout_but_not_called():
    online = make_online_geocoder("nominatim", "geo-news-map-tests/1.0", timeout=7)
    assert isinstance(online.backend, Nominatim)
    assert online.backend.headers["User-Agent"] == "geo-news-map-tests/1.0"
    assert online.backend.timeout == 7
    assert online.rate_limiter.min_delay_seconds == 1.0
    assert online.rate_limiter.swallow_exceptions is False


# ---------------------------------------------------------------------------- settings


def test_no_settings_means_offline_only(gazetteer, monkeypatch):
    assert isinstance(geocoder_from_settings({}, gazetteer=gazetteer), GazetteerGeocoder)
    assert isinstance(
        geocoder_from_settings({"geocoding": {"online": False}}, gazetteer=gazetteer),
        GazetteerGeocoder,
    )
    monkeypatch.setattr(geocoders, "load_settings", lambda: {})
    offline = geocoder_from_settings(None, gazetteer=gazetteer)
    assert isinstance(offline, GazetteerGeocoder)
    assert offline.geocode("Paris").raw["geonameid"] == 2988507
    assert online_geocoder({}) is None
    assert online_geocoder(None) is None


def test_online_nominatim_settings_build_the_chain(gazetteer, tmp_path):
    settings = {
        "geocoding": {
            "online": "nominatim",
            "user_agent": "geo-news-map-tests/1.0 (tests@example.org)",
            "timeout": 7,
            "min_delay_seconds": 1.5,
            "cache": str(tmp_path / "cache.sqlite"),
        }
    }
    chain = geocoder_from_settings(settings, gazetteer=gazetteer)
    assert isinstance(chain, ChainedGeocoder)
    offline, cached = chain.geocoders
    assert isinstance(offline, GazetteerGeocoder)
    assert isinstance(cached, CachedGeocoder)
    assert cached.path == tmp_path / "cache.sqlite"
    assert isinstance(cached.backend, OnlineGeocoder)
    nominatim = cached.backend.backend
    assert isinstance(nominatim, Nominatim)
    assert nominatim.headers["User-Agent"] == "geo-news-map-tests/1.0 (tests@example.org)"
    assert nominatim.timeout == 7
    assert cached.backend.rate_limiter.min_delay_seconds == 1.5
    # The gazetteer answers without the service being asked (it would hit the socket guard).
    assert chain.geocode("Alexandria, Virginia").raw["geonameid"] == 4744091
    behind = online_geocoder(settings)  # what the resolver asks: the chain after the gazetteer
    assert isinstance(behind, ChainedGeocoder) and len(behind.geocoders) == 1
    assert isinstance(behind.geocoders[0], CachedGeocoder)


def test_online_settings_without_user_agent_are_refused(gazetteer):
    with pytest.raises(ValueError, match="user agent"):
        geocoder_from_settings({"geocoding": {"online": "nominatim"}}, gazetteer=gazetteer)


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"online": "gogle", "user_agent": "ua"}, "valid names: arcgis, nominatim, photon"),
        ({"online": True}, "name the service"),
        ({"online": 3}, "false or a service name"),
        ({"online": "nominatim", "user-agent": "ua"}, "unknown setting.*user-agent"),
        ({"online": "nominatim", "user_agent": "ua", "timeout": 0}, "timeout must be a positive"),
    ],
)
def test_bad_settings_are_errors_that_say_why(gazetteer, section, message):
    with pytest.raises(ValueError, match=message):
        geocoder_from_settings({"geocoding": section}, gazetteer=gazetteer)


def test_relative_cache_path_is_under_the_project(fake_backend, monkeypatch):
    made = []
    monkeypatch.setattr(geocoders, "CachedGeocoder", lambda g, path, **kw: made.append(path) or g)
    geocoder_from_settings({"geocoding": {"online": "fake", "cache": "data/x.sqlite"}})
    assert made == [geocoders.PROJECT_DIR / "data" / "x.sqlite"]


# ---------------------------------------------------------------------------- resolver hook


def test_the_online_geocoder_gives_the_resolver_a_place(fake_backend, fake_clock, tmp_path):
    online = online_geocoder(
        {"geocoding": {"online": "fake", "user_agent": "ua", "cache": str(tmp_path / "c.db")}}
    )

    def fallback(name, countries):
        return geocode_place(online, name, countries)

    place = fallback("Old City", ["IL"])
    assert place == Place(
        geonameid=None,
        name="Old City",
        latitude=31.78,
        longitude=35.23,
        country_code="IL",
        feature="neighbourhood",
        source="fake",
    )
    assert fallback("Old City", ["IL"]) == place
    assert len(fake_backend[0].calls) == 1  # the second answer came from the cache
    assert fallback("Nowhere", []) is None


def test_online_errors_are_unresolved_for_the_resolver(fake_backend, fake_clock, tmp_path):
    online = online_geocoder(
        {"geocoding": {"online": "fake", "max_retries": 0, "cache": str(tmp_path / "c.db")}}
    )
    fake_backend[0].fail_with = GeocoderTimedOut("slow")
    assert geocode_place(online, "Atlantis", ["SY"]) is None


@pytest.mark.parametrize(
    ("raw", "feature"),
    [
        ({"addresstype": "country", "type": "administrative"}, "country"),
        ({"addresstype": "state", "type": "administrative"}, "admin1"),
        ({"addresstype": "county", "type": "administrative"}, "admin2"),
        ({"addresstype": "city", "type": "city"}, "city"),
        ({"addresstype": "town", "type": "town"}, "city"),
        ({"addresstype": "village", "type": "village"}, "city"),
        ({"addresstype": "suburb", "type": "suburb"}, "neighbourhood"),
        ({"addresstype": "neighbourhood"}, "neighbourhood"),
        ({"type": "village"}, "city"),
        ({"addresstype": "road", "type": "primary"}, "landmark"),
        ({"class": "amenity", "type": "hospital"}, "landmark"),
        ({"properties": {"type": "city"}}, "city"),  # Photon
        ({}, "landmark"),
    ],
)
def test_feature_from_raw(raw, feature):
    assert feature_from_raw(raw) == feature
    assert feature in FEATURE_LEVELS


def test_place_from_a_nominatim_answer():
    location = Location("Aleppo, Syria", (36.19924, 37.1637253), NOMINATIM_ALEPPO_RAW)
    place = place_from_location(location, "nominatim")
    assert (place.name, place.country_code, place.admin1) == ("Aleppo", "SY", "Aleppo Governorate")
    assert (place.feature, place.source, place.geonameid) == ("city", "nominatim", None)
    assert (place.latitude, place.longitude) == (36.19924, 37.1637253)


class _OffTheGlobe(Location):
    """An answer whose latitude no place has (a service bug, or a hostile proxy)."""

    @property
    def latitude(self):
        return 91.5


class FakeBroken(FakeOnline):
    """A service whose answers are unusable in the ways a real one's can be."""

    def geocode(self, query, *, exactly_one=True, timeout=DEFAULT_SENTINEL, **kwargs):
        self.calls.append((query, {"exactly_one": exactly_one, **kwargs}))
        if query.lower() == "north pole plus":  # geopy itself refuses to build this point
            return Location(query, (91.5, 10.0), {"lat": "91.5", "lon": "10"})
        if query.lower() == "off the globe":
            return _OffTheGlobe(query, (10.0, 10.0), {"name": query})
        if query.lower() == "no mapping":
            return {}["lat"]  # a wrapper's KeyError on a malformed answer
        if query.lower() == "wrong type":
            raise TypeError("float() argument must be a string or a real number")
        return super().geocode(query, exactly_one=exactly_one, timeout=timeout, **kwargs)


@pytest.mark.parametrize("query", ["North Pole plus", "Off the globe", "No mapping", "Wrong type"])
def test_an_unusable_online_answer_is_unresolved_not_a_crash(
    monkeypatch, fake_clock, tmp_path, caplog, query
):
    made: list[FakeBroken] = []
    monkeypatch.setitem(
        geocoders.ONLINE_BACKENDS, "broken", lambda **kw: made.append(FakeBroken(**kw)) or made[-1]
    )
    online = online_geocoder(
        {"geocoding": {"online": "broken", "max_retries": 0, "cache": str(tmp_path / "c.db")}}
    )
    assert geocode_place(online, query, ["SY"]) is None
    assert query in caplog.text  # the reason is logged with the name asked
    assert geocode_place(online, "Atlantis", []).latitude == 10.0  # it still answers the rest
