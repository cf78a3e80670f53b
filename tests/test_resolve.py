"""Golden disambiguation cases: sentence -> expected GeoNames ID, on the fixture gazetteer.

Mentions are given by hand here so that these tests judge resolution alone.
"""

from __future__ import annotations

import re

import pytest

from geo.gazetteer import Gazetteer
from geo.models import Mention
from geo.resolve import Context, rank_candidates, resolve_mentions
from tests.helpers import build_fixture_gazetteer


@pytest.fixture(scope="module")
def gazetteer(tmp_path_factory) -> Gazetteer:
    return build_fixture_gazetteer(tmp_path_factory.mktemp("gaz"))


def mentions_of(text: str, *names: str) -> list[Mention]:
    """Mentions of each name at each of its occurrences, in text order."""
    found = []
    for name in names:
        for match in re.finditer(re.escape(name), text):
            found.append(Mention(match.start(), match.end(), name))
    return sorted(found, key=lambda m: m.start)


def resolved_id(gazetteer: Gazetteer, text: str, target: str, *others: str) -> int | None:
    results = resolve_mentions(text, mentions_of(text, target, *others), gazetteer)
    (result,) = [r for r in results if r.mention.text == target][:1]
    return result.place.geonameid if result.place else None


@pytest.mark.parametrize(
    ("text", "target", "others", "expected"),
    [
        ("Protesters gathered in Paris on Sunday.", "Paris", (), 2988507),
        ("The storm hit Paris, Texas, overnight.", "Paris", ("Texas",), 4717560),
        ("Crowds filled the streets of Paris, France.", "Paris", ("France",), 2988507),
        ("Flooding in Alexandria closed the port; Egypt sent aid.", "Alexandria", ("Egypt",),
         361058),
        ("A man was arrested in Alexandria, Virginia.", "Alexandria", ("Virginia",), 4744091),
        ("Springfield, Missouri, voted on Tuesday.", "Springfield", ("Missouri",), 4409896),
        ("Springfield, Massachusetts, closed its schools.", "Springfield", ("Massachusetts",),
         4951788),
        ("Springfield is the capital of Illinois.", "Springfield", ("Illinois",), 4250542),
        ("Fighting raged in Aleppo on Thursday.", "Aleppo", (), 170063),
        ("Rebels advanced in the Aleppo province.", "Aleppo", (), 170062),
        ("Talks between Moscow and Washington stalled.", "Washington", ("Moscow",), 4140963),
        ("Wildfires spread across Washington State.", "Washington State", (), 5815135),
        ("A court in London, Ontario, ruled on Monday.", "London", ("Ontario",), 6058560),
        ("Troops moved from Damascus towards the border of Syria.", "Damascus", ("Syria",),
         170654),
    ],
)  # fmt: skip
def test_golden_disambiguation(gazetteer, text, target, others, expected) -> None:
    got = resolved_id(gazetteer, text, target, *others)
    assert got == expected, f"{target!r} in {text!r}: expected {expected}, got {got}"


def test_country_names_resolve_to_the_country_not_a_town(gazetteer) -> None:
    assert resolved_id(gazetteer, "Aid reached Syria.", "Syria") == 163843
    assert resolved_id(gazetteer, "Canada and the U.S. agreed.", "U.S.", "Canada") == 6252001


def test_context_country_decides_between_homonyms(gazetteer) -> None:
    options = gazetteer.lookup("Damascus")
    in_us = rank_candidates(options, Context(countries=frozenset({"US"})))
    assert in_us[0][1].place.country_code == "US"
    anywhere = rank_candidates(options)
    assert anywhere[0][1].place.geonameid == 170654


def test_unknown_names_stay_unresolved(gazetteer) -> None:
    text = "Shelling hit Ramouseh."
    (result,) = resolve_mentions(text, mentions_of(text, "Ramouseh"), gazetteer)
    assert result.place is None and result.method == "unresolved" and not result.resolved


def test_neighbourhood_is_placed_approximately_in_the_town_the_text_names(gazetteer) -> None:
    text = "Troops captured the Ramouseh neighbourhood on the southern edge of Aleppo."
    start = text.index("Ramouseh")
    mentions = [
        Mention(start, start + 8, "Ramouseh", finder="cue:neighbourhood"),
        *mentions_of(text, "Aleppo"),
    ]
    ramouseh, aleppo = resolve_mentions(text, mentions, gazetteer)
    assert ramouseh.place.geonameid == 170063
    assert ramouseh.approximate and ramouseh.method == "enclosing"
    assert ramouseh.mention.text == "Ramouseh"  # the original name is kept
    assert not aleppo.approximate


def test_scores_are_probabilities(gazetteer) -> None:
    text = "Springfield and Paris."
    for result in resolve_mentions(text, mentions_of(text, "Springfield", "Paris"), gazetteer):
        assert 0.0 < result.score <= 1.0


def test_online_fallback_is_asked_only_for_names_the_gazetteer_lacks(gazetteer) -> None:
    from geo.models import Place

    asked = []

    def fallback(name, countries):
        asked.append((name, tuple(countries)))
        return Place(None, "Ramouseh", 36.17, 37.13, "SY", feature="neighbourhood", source="fake")

    text = "Shelling hit Ramouseh and Aleppo in Syria."
    results = resolve_mentions(
        text, mentions_of(text, "Ramouseh", "Aleppo", "Syria"), gazetteer, fallback=fallback
    )
    assert asked == [("Ramouseh", ("SY",))]
    ramouseh = results[0]
    assert ramouseh.place.feature == "neighbourhood" and ramouseh.method == "fake"
