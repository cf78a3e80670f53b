"""Correcting a place from the dashboard: over geo.place.overrides, visible and reversible."""

from __future__ import annotations

import pytest

from geo.ingest import corrections
from geo.ingest.pipeline import ingest_paths
from geo.models import Place
from geo.store import load_events

pytestmark = pytest.mark.skipif(not corrections.available(), reason="geo.place.overrides is absent")


@pytest.fixture
def database(tmp_path, store_location):
    """A store of each backend holding one article with one event."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "homs.md").write_text(
        "---\ntitle: Shelling in Homs\nsource: Test News\npublished: 2016-10-02\n---\n"
        "Artillery shelled Homs on 1 October 2016, witnesses said.\n",
        encoding="utf-8",
    )
    db = store_location
    ingest_paths([folder], db)
    assert len(load_events(db)) == 1
    return db


def test_pin_place_validates_coordinates():
    place = corrections.pin_place("Old Souk", 36.1991234567, 37.1612, "SY")
    assert (place.latitude, place.longitude, place.feature) == (36.199123, 37.1612, "landmark")
    assert place.geonameid is None and place.source == corrections.PIN_SOURCE
    with pytest.raises(ValueError):
        corrections.pin_place("x", 91.0, 0.0)
    with pytest.raises(ValueError):
        corrections.pin_place("x", 1.0, 1.0, feature="planet")


def test_scopes():
    event = {"mention": "Homs", "article_id": "a1", "country_code": "SY"}
    place = corrections.pin_place("Homs", 34.7, 36.7)
    assert corrections.correction_for(event, place, "article").scope_arguments() == {
        "article_id": "a1",
        "country_code": None,
    }
    assert corrections.correction_for(event, place, "country").scope_arguments() == {
        "article_id": None,
        "country_code": "SY",
    }
    assert corrections.correction_for(event, None, "everywhere").scope_arguments() == {
        "article_id": None,
        "country_code": None,
    }
    with pytest.raises(ValueError):
        corrections.correction_for(event, None, "galaxy").scope_arguments()


def test_candidate_label():
    place = Place(170063, "Aleppo", 36.2, 37.16, "SY", admin1="Aleppo", population=1602264)
    assert (
        corrections.candidate_label(place)
        == "Aleppo (Aleppo, SY) · city · pop. 1,602,264 · #170063"
    )


def test_a_pin_moves_the_event_and_undo_moves_it_back(database):
    event = load_events(database).iloc[0]
    before = (event["latitude"], event["longitude"])
    pin = corrections.pin_place("Homs", 34.75, 36.70, "SY", "neighbourhood")
    fix = corrections.correction_for(event, pin, "article", note="the old city")
    override_id, moved = corrections.apply(database, fix)
    assert moved >= 1
    after = load_events(database).iloc[0]
    assert (after["latitude"], after["longitude"]) == (34.75, 36.70)

    listed = corrections.listing(database)
    assert list(listed["id"]) == [override_id]
    row = listed.iloc[0]
    assert row["name"] == "Homs" and row["scope"].startswith("article ")
    assert row["note"] == "the old city" and row["made (UTC)"]

    assert corrections.undo(database, override_id) >= 1
    again = load_events(database).iloc[0]
    assert (again["latitude"], again["longitude"]) == pytest.approx(before)
    assert corrections.listing(database).empty
    assert corrections.undo(database, override_id) is None


def test_not_a_place_takes_the_event_off_the_map(database):
    event = load_events(database).iloc[0]
    corrections.apply(database, corrections.correction_for(event, None, "everywhere"))
    left = load_events(database)
    assert left.empty or left["latitude"].isna().all()  # dropped, or kept without a place
    assert corrections.listing(database).iloc[0]["now placed at"] == "not a place"


@pytest.mark.parametrize(
    ("point", "country", "region"),
    [
        ((36.20, 37.15), "SY", "Aleppo"),  # in the city
        ((40.71, -74.00), "US", "New York"),
        ((-41.29, 174.78), "NZ", "Greater Wellington"),
    ],
)
def test_a_pin_is_located_where_it_is_dropped(point, country, region):
    where = corrections.locate_pin(*point)
    assert (where.country_code, where.admin1) == (country, region)


def test_a_pin_at_sea_is_in_no_country():
    where = corrections.locate_pin(0.0, -30.0)  # the middle of the Atlantic
    assert where.country_code is None and where.admin1 is None


def test_the_pin_map_names_the_largest_towns_around_the_event():
    towns = corrections.towns_near(36.20, 37.15, 40.0)
    assert towns and towns[0].name == "Aleppo"
    assert all(t.country_code == "SY" for t in towns[:3])


def test_a_pin_dropped_in_another_country_takes_that_countrys_code(database):
    """The event is placed in Homs (Syria); the reader pins it in Beirut: the event is in
    Lebanon now, and a Syria filter no longer shows it."""
    from geo.view.filters import FilterState, apply_filters

    event = load_events(database).iloc[0]
    assert event["country_code"] == "SY"
    where = corrections.locate_pin(33.8938, 35.5018)
    pin = corrections.pin_place(
        "Homs", 33.8938, 35.5018, where.country_code, "city",
        admin1=where.admin1, admin1_code=where.admin1_code,
    )  # fmt: skip
    corrections.apply(database, corrections.correction_for(event, pin, "article"))
    after = load_events(database)
    assert after.iloc[0]["country_code"] == "LB"
    assert after.iloc[0]["admin1"] == where.admin1 and where.admin1
    assert apply_filters(after, FilterState(countries=("SY",))).empty
