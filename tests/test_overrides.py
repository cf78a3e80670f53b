"""Overrides: corrections by hand that the resolver honours and the store is rewritten by."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from geo.cli import main
from geo.ingest.corrections import reapply_overrides
from geo.models import Mention, Place
from geo.place.overrides import LIST_COLUMNS, Override, Overrides, new_override, place_candidates
from geo.place.resolve import resolve_mentions
from geo.store import load_events, load_places, open_store
from tests.helpers import PROJECT_DIR, build_fixture_gazetteer

PARIS_TX = Place(4717560, "Paris", 33.66094, -95.55551, "US", "Texas", "TX", population=24782)


@pytest.fixture(scope="module")
def gazetteer(tmp_path_factory):
    return build_fixture_gazetteer(tmp_path_factory.mktemp("gaz"))


def mentions_of(text: str, *names: str) -> list[Mention]:
    found = [Mention(m.start(), m.end(), name) for name in names for m in re.finditer(name, text)]
    return sorted(found, key=lambda m: m.start)


def add_override(location, name, place, **scope) -> int:
    with open_store(location) as store:
        return store.add_override(new_override(name, place, **scope))


def remove_override(location, override_id) -> bool:
    with open_store(location) as store:
        return store.remove_override(override_id)


def test_add_list_remove_round_trip(store_location) -> None:
    with open_store(store_location) as store:
        assert list(store.list_overrides().columns) == LIST_COLUMNS
        assert store.list_overrides().empty
        first = store.add_override(
            new_override("Paris", PARIS_TX, country_code="us", note="the Texas one")
        )
        second = store.add_override(new_override("Ebola", None, article_id="a1"))
        frame = store.list_overrides()
        assert list(frame["id"]) == [first, second]
        paris, ebola = frame.to_dict("records")
        assert (paris["name"], paris["country_code"], paris["geonameid"]) == (
            "Paris", "US", 4717560,
        )  # fmt: skip
        assert paris["latitude"] == pytest.approx(33.66094) and not paris["not_a_place"]
        assert paris["note"] == "the Texas one" and paris["created_at"]
        assert ebola["not_a_place"] and ebola["article_id"] == "a1"
        assert pd.isna(ebola["country_code"])
        assert store.remove_override(first) is True
        assert store.remove_override(first) is False
        assert list(store.list_overrides()["id"]) == [second]
        assert len(store.load_overrides()) == 1


@pytest.mark.parametrize("name", ["", "  ", "..."])
def test_an_override_needs_a_name(name) -> None:
    with pytest.raises(ValueError, match="needs a place name"):
        new_override(name, None)


def test_an_override_needs_a_place_or_none() -> None:
    with pytest.raises(TypeError, match=r"geo\.models\.Place"):
        new_override("Paris", "Paris, Texas")


def test_the_most_specific_override_wins() -> None:
    rules = Overrides(
        [
            Override(1, "Paris", None, created_at="1"),
            Override(2, "paris", PARIS_TX, country_code="US", created_at="2"),
            Override(3, "PARIS", None, article_id="a7", created_at="3"),
        ]
    )
    assert rules.match("Paris").id == 1
    assert rules.match("Paris", countries={"US"}).id == 2
    assert rules.match("Paris", countries={"FR"}).id == 1
    assert rules.match("Paris", article_id="a7", countries={"US"}).id == 3
    assert rules.match("Lyon") is None


def test_the_resolver_honours_overrides(gazetteer) -> None:
    text = "Protesters gathered in Paris and Aleppo on Sunday."
    mentions = mentions_of(text, "Paris", "Aleppo")
    plain = resolve_mentions(text, mentions, gazetteer)
    assert plain[0].place.geonameid == 2988507
    rules = Overrides([Override(1, "Paris", PARIS_TX), Override(2, "Aleppo", None)])
    paris, aleppo = resolve_mentions(text, mentions, gazetteer, overrides=rules)
    assert paris.place.geonameid == 4717560 and paris.method == "override"
    assert aleppo.place is None and aleppo.method == "override"


def test_an_article_scoped_override_applies_only_in_that_article(gazetteer) -> None:
    text = "Protesters gathered in Paris on Sunday."
    rules = Overrides([Override(1, "Paris", PARIS_TX, article_id="a1")])
    mentions = mentions_of(text, "Paris")
    (there,) = resolve_mentions(text, mentions, gazetteer, overrides=rules, article_id="a1")
    (elsewhere,) = resolve_mentions(text, mentions, gazetteer, overrides=rules, article_id="a2")
    assert there.place.geonameid == 4717560
    assert elsewhere.place.geonameid == 2988507


def test_not_a_place_is_not_placed_at_the_town_around_it(gazetteer) -> None:
    text = "Troops captured the Ramouseh neighbourhood on the southern edge of Aleppo."
    start = text.index("Ramouseh")
    mentions = [
        Mention(start, start + 8, "Ramouseh", finder="cue:neighbourhood"),
        *mentions_of(text, "Aleppo"),
    ]
    rules = Overrides([Override(1, "Ramouseh", None)])
    ramouseh, _ = resolve_mentions(text, mentions, gazetteer, overrides=rules)
    assert ramouseh.place is None and ramouseh.method == "override"


def test_place_candidates_are_ranked_with_the_country(gazetteer) -> None:
    anywhere = place_candidates("Paris", gazetteer=gazetteer)
    assert anywhere[0].geonameid == 2988507
    in_us = place_candidates("Paris", "US", gazetteer=gazetteer)
    assert in_us[0].country_code == "US"
    assert len(place_candidates("Paris", limit=1, gazetteer=gazetteer)) == 1
    assert place_candidates("Nowhere-at-all", gazetteer=gazetteer) == []


# Reapplying to a stored database: the seeds, real model and gazetteer.


@pytest.fixture
def seeded_db(store_location):
    """A store of each backend holding the seed articles (ingested by the command line)."""
    db = store_location
    assert main(["ingest", str(PROJECT_DIR / "seeds"), "--db", str(db), "--quiet"]) == 0
    return db


def test_reapply_moves_stored_places_and_removing_restores_them(seeded_db) -> None:
    before = load_places(seeded_db)
    jarablus = before[before["text"] == "Jarablus"]
    assert not jarablus.empty and set(jarablus["geonameid"]) == {169179}
    elsewhere = Place(None, "Jarablus (corrected)", 36.80, 38.00, "SY", source="override")
    override_id = add_override(seeded_db, "Jarablus", elsewhere, note="moved")
    assert reapply_overrides(seeded_db) == len(jarablus)
    moved = load_places(seeded_db)
    moved = moved[moved["text"] == "Jarablus"]
    assert set(moved["method"]) == {"override"} and set(moved["latitude"]) == {36.80}
    events = load_events(seeded_db)
    assert (events[events["mention"] == "Jarablus"]["latitude"] == 36.80).all()
    assert reapply_overrides(seeded_db) == 0  # nothing left to change
    assert remove_override(seeded_db, override_id)
    assert reapply_overrides(seeded_db) == len(jarablus)
    restored = load_places(seeded_db)
    assert restored.equals(before)


def test_not_a_place_takes_its_events_off_the_map(seeded_db) -> None:
    events_before = load_events(seeded_db)
    assert (events_before["mention"] == "Jarablus").any()
    add_override(seeded_db, "Jarablus", None, article_id="003_82b491c720f0e559")
    assert reapply_overrides(seeded_db) > 0
    places = load_places(seeded_db)
    rows = places[places["text"] == "Jarablus"]
    assert (rows["resolved"] == 0).all() and set(rows["method"]) == {"override"}
    events = load_events(seeded_db)
    assert not (events["latitude"].notna() & (events["mention"] == "Jarablus")).any()


def test_events_of_a_place_that_is_not_a_place_leave_load_events(seeded_db) -> None:
    add_override(seeded_db, "Jarablus", None)
    assert reapply_overrides(seeded_db) > 0
    assert not (load_events(seeded_db)["mention"] == "Jarablus").any()


def test_cli_adds_lists_and_removes_overrides(seeded_db, capsys) -> None:
    db = str(seeded_db)
    assert main(["places", "override", "Jarablus", "--not-a-place", "--db", db]) == 0
    assert "stored places changed:" in capsys.readouterr().err
    assert main(["places", "overrides", "--db", db]) == 0
    assert "Jarablus" in capsys.readouterr().out
    assert main(["places", "override", "Moscow", "--lat", "55.75", "--lon", "37.62",
                 "--country", "RU", "--db", db]) == 0  # fmt: skip
    assert main(["places", "override", "Damascus", "--geonameid", "170654", "--db", db]) == 0
    with open_store(seeded_db) as store:
        ids = list(store.list_overrides()["id"])
    assert len(ids) == 3
    assert main(["places", "remove", str(ids[0]), "--db", db]) == 0
    assert main(["places", "remove", "999", "--db", db]) == 1
    assert main(["places", "override", "X", "--lat", "1", "--db", db]) == 1  # no --lon
