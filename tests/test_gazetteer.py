"""The offline gazetteer: normalisation, look-ups on a fixture, and the real index."""

from __future__ import annotations

import pytest

from geo.place.gazetteer import (
    NAME_MAIN,
    NAME_VARIANT,
    Gazetteer,
    normalize_name,
    strip_arabic_article,
    write_index,
)
from tests.helpers import build_fixture_gazetteer, fixture_rows


@pytest.fixture(scope="module")
def gazetteer(tmp_path_factory) -> Gazetteer:
    return build_fixture_gazetteer(tmp_path_factory.mktemp("gaz"))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Aleppo", "aleppo"),
        ("Dar'ā", "dara"),
        ("Deir ez-Zor", "deir ez zor"),
        ("U.S.", "u s"),
        ("Ḩalab", "halab"),
        ("  São   Paulo ", "sao paulo"),
        ("Jarābulus", "jarabulus"),
        ("", ""),
        ("---", ""),
    ],
)
def test_normalize_name(raw: str, expected: str) -> None:
    assert normalize_name(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("al bab", "bab"), ("ar raqqah", "raqqah"), ("aleppo", "aleppo"), ("al", "al")],
)
def test_strip_arabic_article(raw: str, expected: str) -> None:
    assert strip_arabic_article(raw) == expected


def test_lookup_keeps_every_homonym_largest_first(gazetteer: Gazetteer) -> None:
    found = [c.place.geonameid for c in gazetteer.lookup("Springfield")]
    assert set(found) == {4250542, 4409896, 4951788}
    populations = [c.place.population for c in gazetteer.lookup("Springfield")]
    assert populations == sorted(populations, reverse=True)


def test_lookup_matches_alternate_names_and_reports_the_kind(gazetteer: Gazetteer) -> None:
    (candidate,) = gazetteer.lookup("Jarablus")
    assert candidate.place.geonameid == 169179
    assert candidate.matched_name == "Jarablus"
    assert candidate.name_kind != NAME_MAIN


def test_lookup_restricted_to_a_country(gazetteer: Gazetteer) -> None:
    found = gazetteer.lookup("Paris", country_code="US")
    assert [c.place.geonameid for c in found] == [4717560]


def test_lookup_of_unknown_and_empty_names(gazetteer: Gazetteer) -> None:
    assert gazetteer.lookup("Ramouseh") == []
    assert gazetteer.lookup("") == []
    assert gazetteer.lookup("...") == []


def test_get_country_and_admin1(gazetteer: Gazetteer) -> None:
    assert gazetteer.get(170063).name == "Aleppo"
    assert gazetteer.get(1) is None
    assert gazetteer.country("SY").geonameid == 163843
    assert gazetteer.admin1("SY", "09").geonameid == 170062


def test_missing_index_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(FileNotFoundError, match="no gazetteer index"):
        Gazetteer(tmp_path / "nothing.sqlite")


# The real index, compiled from the PyPI data packages (built once, about 15 s).


@pytest.fixture(scope="session")
def real_gazetteer() -> Gazetteer:
    from geo.place.gazetteer import default_gazetteer

    return default_gazetteer()


@pytest.mark.parametrize(
    ("name", "geonameid", "feature"),
    [
        ("Aleppo", 170063, "city"),
        ("Jarablus", 169179, "city"),
        ("Damascus", 170654, "city"),
        ("Syria", 163843, "country"),
        ("Aleppo Governorate", 170062, "admin1"),
        ("Deir ez-Zor", 170794, "city"),
        ("Raqqa", 172955, "city"),
        ("Lattakia", 173576, "city"),
        ("U.S.", 6252001, "country"),
        ("UK", 2635167, "country"),
        ("Democratic Republic of Congo", 203312, "country"),
    ],
)
def test_real_index_holds_the_places_news_names(
    real_gazetteer: Gazetteer, name: str, geonameid: int, feature: str
) -> None:
    found = {(c.place.geonameid, c.place.feature) for c in real_gazetteer.lookup(name)}
    assert (geonameid, feature) in found, f"{name}: {geonameid} not among {sorted(found)[:10]}"


def test_real_index_names_regions_in_english(real_gazetteer: Gazetteer) -> None:
    assert real_gazetteer.get(170062).name == "Aleppo"
    assert real_gazetteer.get(170063).admin1 == "Aleppo"


def test_country_points_are_not_capitals(real_gazetteer: Gazetteer) -> None:
    syria, damascus = real_gazetteer.get(163843), real_gazetteer.get(170654)
    assert abs(syria.latitude - damascus.latitude) + abs(syria.longitude - damascus.longitude) > 1


def test_archipelagos_keep_the_reference_point_compact_countries_their_landmass(
    real_gazetteer: Gazetteer,
) -> None:
    from geo.place.gazetteer import _polygon_points

    outlines = _polygon_points()
    # The area centroid of Indonesia's or the Philippines' islands falls in a sea.
    assert "ID" not in outlines and "PH" not in outlines
    indonesia = real_gazetteer.country("ID")
    assert indonesia.source == "geonames+countrystatecity"
    # The contiguous United States, not a point pulled north-west by Alaska.
    us = real_gazetteer.country("US")
    assert us.source == "geonames+naturalearth"
    assert 35 < us.latitude < 42 and -105 < us.longitude < -92


def test_a_new_index_replaces_older_versions(tmp_path, monkeypatch) -> None:
    from geo.place import gazetteer as module

    stale = tmp_path / "gazetteer-v1.sqlite"
    stale.write_bytes(b"old")
    current = tmp_path / f"gazetteer-v{module.SCHEMA_VERSION}.sqlite"
    monkeypatch.setattr(module, "default_gazetteer_path", lambda: current)
    monkeypatch.setattr(
        module,
        "build_gazetteer",
        lambda path, progress=None: write_index(path, [("fixture", fixture_rows(), "fixture")]),
    )
    Gazetteer.open()
    assert current.is_file() and not stale.exists()


def test_arabic_article_variants_are_indexed(real_gazetteer: Gazetteer) -> None:
    kinds = {c.place.geonameid: c.name_kind for c in real_gazetteer.lookup("Hasakah")}
    assert kinds.get(173811) in (NAME_VARIANT, NAME_MAIN, 1)


def test_a_region_whose_reference_point_is_its_largest_towns_is_placed_among_its_towns() -> None:
    """countrystatecity puts New York state at New York City's point; with that city's
    point among the state's towns, the state goes to the plain centre of its towns."""
    from geo.place.gazetteer import _admin1_rows, great_circle_km

    town = {"countrycode": "US", "admin1code": "NY"}
    cities = [
        {**town, "latitude": 40.71278, "longitude": -74.00597, "population": 8_000_000},
        {**town, "latitude": 43.0, "longitude": -76.0, "population": 600},
        {**town, "latitude": 44.0, "longitude": -75.0, "population": 600},
        {"countrycode": "US", "admin1code": "TX", "latitude": 31.0, "longitude": -99.0,
         "population": 600},
    ]  # fmt: skip
    rows = {r["geonameid"]: r for r in _admin1_rows(cities)}
    new_york, texas = rows[5128638], rows[4736286]
    assert great_circle_km(new_york["latitude"], new_york["longitude"], 42.57, -75.0) < 1
    # Texas' reference point is no town's: kept
    assert great_circle_km(texas["latitude"], texas["longitude"], 31.0, -99.0) > 50


def test_an_abbreviated_first_word_finds_the_town_spelled_out(tmp_path) -> None:
    """ "Mt. Harmony" and "Ft. Benton" in a story find "Mount Harmony" and "Fort Benton"
    (invented towns; GeoNames spells the word out)."""
    town = {
        "country_code": "US",
        "admin1_code": "IA",
        "admin1": "Iowa",
        "feature": "city",
        "population": 900,
        "source": "test",
    }
    rows = [
        {**town, "geonameid": 1, "name": "Mount Harmony", "latitude": 41.0, "longitude": -91.0,
         "names": {"Mount Harmony"}},
        {**town, "geonameid": 2, "name": "Fort Benton", "latitude": 42.0, "longitude": -92.0,
         "names": {"Fort Benton"}},
    ]  # fmt: skip
    path = tmp_path / "g.sqlite"
    write_index(path, [("test", rows, "test")])
    gazetteer = Gazetteer(path)
    assert [c.place.geonameid for c in gazetteer.lookup("Mt. Harmony")] == [1]
    assert [c.place.geonameid for c in gazetteer.lookup("Ft Benton")] == [2]
    assert gazetteer.lookup("Mt.") == []  # the word alone is no town


def test_an_outlines_centroid_weighs_land_by_its_true_area() -> None:
    """A band from the equator to 80 degrees north holds as much land below 29.5 degrees
    as above (the sine of the latitude halves there): its centroid is there, not at 40."""
    import math

    from geo.place.gazetteer import _ring_centroid

    band = [(0.0, 0.0), (10.0, 0.0), (10.0, 80.0), (0.0, 80.0)]
    _, lon, lat = _ring_centroid(band)
    assert abs(lon - 5.0) < 1e-9
    assert abs(lat - math.degrees(math.asin(math.sin(math.radians(80)) / 2))) < 1e-9
    # areas compare as on the sphere: the same band near the pole is the smaller
    north, _, _ = _ring_centroid([(0.0, 70.0), (10.0, 70.0), (10.0, 80.0), (0.0, 80.0)])
    south, _, _ = _ring_centroid([(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)])
    assert north < south / 3  # (sin 80 - sin 70) / sin 10 = 0.26
