"""Recognition: what the small spaCy model misses or mislabels, with the real gazetteer."""

from __future__ import annotations

import pytest

from geo.pipeline import default_gazetteer
from geo.toponyms import find_mentions


@pytest.fixture(scope="module")
def gazetteer():
    return default_gazetteer()


def names(text: str, gazetteer) -> list[str]:
    return [m.text for m in find_mentions(text, gazetteer) if m.kind == "toponym"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the model finds no entity here; the gazetteer knows the proper noun
        ("Shelling hit Aleppo on Thursday.", ["Aleppo"]),
        # cue phrases for places no gazetteer of towns holds
        ("Troops captured the Ramouseh neighbourhood.", ["Ramouseh"]),
        ("Residents of the neighbourhood of al-Sukkari fled.", ["al-Sukkari"]),
        ("Rebels resumed shelling the Castello road.", ["Castello road"]),
        ("The army retook the 1070 Apartments area.", ["1070 Apartments"]),
        # the same name again is the same place
        ("Ramouseh neighbourhood fell. Ramouseh is now quiet.", ["Ramouseh", "Ramouseh"]),
        ("Talks with the U.S. stalled.", ["U.S."]),
    ],
)
def test_places_are_found(gazetteer, text, expected) -> None:
    assert names(text, gazetteer) == expected


@pytest.mark.parametrize(
    ("text", "not_places"),
    [
        ("An unnamed source told Syria's SANA news agency of the advance.", {"SANA"}),
        ("Jaish al-Fatah and Jabhat Fateh al-Sham fought on.", {"Sham", "al-Sham"}),
        ("Syrian and Western officials met.", {"Syrian", "Western"}),
        ("The area covers 1200 square kilometres.", {"1200 square", "1200"}),
        ("Reading the report, John Paris smiled.", {"Reading", "Paris"}),
    ],
)
def test_names_that_are_not_places_are_not_found(gazetteer, text, not_places) -> None:
    assert not set(names(text, gazetteer)) & not_places


def test_offsets_point_at_the_name(gazetteer) -> None:
    text = "Fighting raged in Aleppo and Homs while talks went on in Geneva."
    for mention in find_mentions(text, gazetteer):
        assert text[mention.start : mention.end] == mention.text


def test_a_dateline_is_marked_as_such(gazetteer) -> None:
    text = "Damascus, November 9 (RHC)-- Syrian forces advanced in Aleppo."
    first, *rest = find_mentions(text, gazetteer)
    assert (first.text, first.kind) == ("Damascus", "dateline")
    assert [m.text for m in rest] == ["Aleppo"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # multi-pattern matching over the gazetteer finds what the model splits or misses
        ("Cases rose in the Democratic Republic of the Congo.",
         ["Democratic Republic of the Congo"]),
        ("Horses were moved out of regional NSW.", ["NSW"]),
        # embedded place names (countries and regions) in organisations' names
        ("Samples went to the U.S. Centers for Disease Control.", ["U.S."]),
        # descriptive words are not part of the name
        ("The virus spread in east Africa.", ["Africa"]),
        ("Farms in Hebei province were closed.", ["Hebei"]),
        # possessives written without the apostrophe (scraped text)
        ("Government forces shelled Aleppos Sukkari district in Syria.",
         ["Aleppos", "Sukkari", "Syria"]),
    ],
)  # fmt: skip
def test_recognition_beyond_the_model(gazetteer, text, expected) -> None:
    assert names(text, gazetteer) == expected


@pytest.mark.parametrize(
    ("text", "not_places"),
    [
        # pathogens named after places
        ("The Ebola outbreak and West Nile virus worried officials.", {"Ebola", "West Nile"}),
        ("Reston ebolavirus was found in pigs.", {"Reston"}),
        ("A new strain of H5N1 was reported.", {"H5N1"}),
        # months, weekdays and titles
        ("In May, Dr Smith said the August figures were wrong.", {"May", "August", "Dr"}),
        # a town's name that is part of a person's name elsewhere in the text
        ("Heinz Bruschke led the team. Bruschke said the tests were clear.", {"Bruschke"}),
        # a newspaper reports from anywhere
        ("Mr. Kemp told the New York Times on Monday.", {"New York"}),
        # a company named after a town
        ("A truck from Newmont Mining Company dumped mercury.", {"Newmont"}),
        # an acronym that spells a region's name in lower case (Sana'a): the news agency
        ("Troops advanced in Aleppo, SANA reported. SANA said two soldiers died.", {"SANA"}),
    ],
)
def test_guards_against_false_places(gazetteer, text, not_places) -> None:
    assert not set(names(text, gazetteer)) & not_places


def test_demonyms_are_kept_and_marked(gazetteer) -> None:
    found = find_mentions("Syrian troops and US-led forces met Canadian officials.", gazetteer)
    kinds = {m.text: m.kind for m in found}
    assert kinds == {"Syrian": "demonym", "US": "demonym", "Canadian": "demonym"}


def test_adjectival_form_at_the_head_of_a_text_is_a_demonym_not_a_dateline(gazetteer) -> None:
    text = "The Britain-based Syrian Observatory for Human Rights said forces captured it."
    (britain, *_) = find_mentions(text, gazetteer)
    assert (britain.text, britain.kind) == ("Britain", "demonym")
