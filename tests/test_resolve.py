"""Golden disambiguation cases: sentence -> expected GeoNames ID, on the fixture gazetteer.

Mentions are given by hand here so that these tests judge resolution alone.
"""

from __future__ import annotations

import re

import pytest
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from geo.models import Mention, Method, ResolvedMention
from geo.place.gazetteer import Gazetteer
from geo.place.geocoders import ChainedGeocoder
from geo.place.ranking import Context, rank_candidates
from geo.place.resolve import resolve_mentions
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


class _AnsweringGeocoder(Geocoder):
    """A geopy-style service that answers every name, recording what it was asked."""

    def __init__(self, name: str):
        super().__init__()
        self.name = name
        self.asked: list[tuple[str, tuple[str, ...]]] = []

    def geocode(self, query, *, exactly_one=True, country_codes=None, timeout=None):
        self.asked.append((query, tuple(country_codes or ())))
        raw = {"name": query, "address": {"country_code": "sy"}, "addresstype": "suburb"}
        return Location(query, (36.17, 37.13), raw)


@pytest.mark.parametrize(("service", "method"), [("photon", "photon"), ("other", "online")])
def test_the_online_geocoder_is_asked_only_for_names_the_gazetteer_lacks(
    gazetteer, service, method
) -> None:
    online = ChainedGeocoder([_AnsweringGeocoder(service)])
    text = "Shelling hit Ramouseh and Aleppo in Syria."
    results = resolve_mentions(
        text, mentions_of(text, "Ramouseh", "Aleppo", "Syria"), gazetteer, geocoder=online
    )
    assert online.geocoders[0].asked == [("Ramouseh", ("SY",))]
    ramouseh = results[0]
    assert ramouseh.place.feature == "neighbourhood" and ramouseh.place.source == service
    assert ramouseh.method == method and ramouseh.method is Method(method)
    assert [r.method for r in results[1:]] == [Method.GAZETTEER, Method.GAZETTEER]


# Golden cases end to end (recognition and resolution) with the real gazetteer and model.


@pytest.fixture(scope="module")
def real_gazetteer():
    from geo.place.gazetteer import default_gazetteer

    return default_gazetteer()


def parsed(text: str, gazetteer) -> dict[str, ResolvedMention]:
    from geo.ingest.pipeline import parse_document

    return {r.mention.text: r for r in parse_document(text, gazetteer)}


STATES = "Cases were reported in Oregon, Utah, Washington, West Virginia and Wyoming."
COUNTRIES = "The agency asked Armenia, Azerbaijan, Georgia, Iraq, Iran, and Syria to act."
AUSTIN = (  # invented
    "A clinic opened on Monday in Austin, a small town of Scott County in Indiana. Nurses "
    "from Louisville, Kentucky, an hour's drive to the south, staff it."
)
LONDON = (
    "Villagers near Puno, Peru, fell ill. An expert at the Natural History Museum in London "
    "doubted it. A lab in Massachusetts tested samples."
)


@pytest.mark.parametrize(
    ("text", "target", "expected"),
    [
        ("Protesters gathered in Paris on Sunday.", "Paris", 2988507),
        ("The storm hit Paris, Texas, overnight.", "Paris", 4717560),
        ("Flooding in Alexandria closed the port; Egypt sent aid.", "Alexandria", 361058),
        ("A man was arrested in Alexandria, Virginia, on Monday.", "Alexandria", 4744091),
        ("Fighting raged in Aleppo on Thursday.", "Aleppo", 170063),
        ("Rebels advanced in the Aleppo province.", "Aleppo", 170062),
        ("Talks between Moscow and Washington stalled.", "Washington", 4140963),
        # a name means the town that bears it today, not one of the same state that bore it
        # once (GeoNames gives Saint Albans, West Virginia, "Philippi" as another name)
        ("A woman of Philippi, West Virginia, fell ill.", "Philippi", 4818074),
        ("Wildfires spread across Washington State.", "Washington State", 5815135),
        ("A court in London, Ontario, ruled on Monday.", "London", 6058560),
        ("Floods hit Suffolk and Norfolk in England.", "Suffolk", 2636561),
        ("Aid reached Syria on Friday.", "Syria", 163843),
        ("Cases rose in the Democratic Republic of the Congo.", "Democratic Republic of the Congo",
         203312),
        ("Horses were moved out of regional NSW.", "NSW", 2155400),
        ("The fire near Santa Rosa, Calif., spread.", "Calif.", 5332921),
        ("The outbreak spread across Africa.", "Africa", 6255146),
        ("Shelling hit Hasakeh and Deir Ezzor in Syria.", "Deir Ezzor", 170794),
        ("Shelling hit Hasakeh and Deir Ezzor in Syria.", "Hasakeh", 173811),
        ("Clashes were reported in Lattakia, Syria.", "Lattakia", 173576),
        # a list of states or countries: each name is one of its kind
        (STATES, "Washington", 5815135),
        (STATES, "Wyoming", 5843591),
        (COUNTRIES, "Georgia", 614540),
        (COUNTRIES, "Iraq", 99237),
        ("Health officials in Mexico, China, Japan and Brazil report cases.", "China", 1814991),
        ("The first case was found in the state of Washington.", "Washington", 5815135),
        # the other places of the article: Austin near Louisville, in Indiana
        (AUSTIN, "Austin", 4254010),
        # a region named (Massachusetts) does not outweigh the capital of a country
        (LONDON, "London", 2643743),
        # "X, Y" in a list of towns is still a town in a region
        ("Flooding hit Victoria, Texas, and Corpus Christi.", "Victoria", 4739157),
        # no country named: two towns of Maine near each other, not Portland, Oregon
        ("Police in Portland said the suspect was arrested near Lewiston.", "Portland", 4975802),
        ("Police in Portland said the suspect was arrested near Lewiston.", "Lewiston", 4969398),
    ],
)  # fmt: skip
def test_golden_places_end_to_end(real_gazetteer, text, target, expected) -> None:
    found = parsed(text, real_gazetteer)
    assert target in found, f"{target!r} not found in {text!r}: {sorted(found)}"
    place = found[target].place
    got = place.geonameid if place else None
    assert got == expected, f"{target!r} in {text!r}: expected {expected}, got {got}"


def test_country_names_are_placed_inside_the_country_not_at_the_capital(real_gazetteer) -> None:
    us = parsed("Officials in the United States said so.", real_gazetteer)["United States"]
    washington = real_gazetteer.get(4140963)
    assert us.place.feature == "country" and us.place.geonameid == 6252001
    assert abs(us.place.longitude - washington.longitude) > 10


def test_macro_regions_resolve_to_a_region_not_a_town(real_gazetteer) -> None:
    middle_east = parsed("Tension rose across the Middle East.", real_gazetteer)["Middle East"]
    assert middle_east.place.feature == "country" and middle_east.place.country_code is None


def test_demonyms_are_places_of_their_country_marked_as_such(real_gazetteer) -> None:
    found = parsed("Syrian troops and US-led forces advanced.", real_gazetteer)
    assert found["Syrian"].mention.kind == "demonym"
    assert found["Syrian"].place.geonameid == 163843
    assert found["US"].mention.kind == "demonym" and found["US"].place.geonameid == 6252001


def test_a_place_the_gazetteer_lacks_is_placed_at_the_town_the_text_names(real_gazetteer):
    text = "Troops captured the Ramouseh neighbourhood on the southern edge of Aleppo."
    ramouseh = parsed(text, real_gazetteer)["Ramouseh"]
    assert ramouseh.place.geonameid == 170063 and ramouseh.approximate
    assert ramouseh.method == "enclosing" and ramouseh.place.feature == "city"


def test_possessives_without_apostrophes(real_gazetteer) -> None:
    found = parsed("Government forces shelled Aleppos Sukkari district in Syria.", real_gazetteer)
    assert found["Aleppos"].place.geonameid == 170063
    assert found["Sukkari"].place.geonameid == 170063 and found["Sukkari"].approximate


def test_a_town_missing_from_its_region_is_placed_at_the_region(real_gazetteer) -> None:
    stroud = parsed("He was stopped in Stroud, Ontario, Canada.", real_gazetteer)["Stroud"]
    assert stroud.place.geonameid == 6093943  # Ontario, not Stroud in England
    assert stroud.approximate and stroud.method == "enclosing"
    assert stroud.mention.text == "Stroud"


def test_towns_in_a_row_are_not_a_town_in_a_region(real_gazetteer) -> None:
    found = parsed("Cases rose in Nairobi, Kisumu and Mombasa.", real_gazetteer)
    assert found["Nairobi"].place.geonameid == 184745 and not found["Nairobi"].approximate


def test_a_hamlet_far_from_every_other_place_is_left_unresolved(real_gazetteer) -> None:
    text = "Tourists filled a cafe in Piccadilly in London, Britain, on a wet Saturday."
    found = parsed(text, real_gazetteer)
    assert found["Piccadilly"].place is None  # not the Australian hamlet
    assert found["London"].place.geonameid == 2643743


def test_a_province_is_not_a_town_of_that_name_abroad(real_gazetteer) -> None:
    found = parsed("Cases were reported in Nyanza province, Kenya.", real_gazetteer)
    assert found["Nyanza"].place is None  # only Nyanza, Rwanda is in the gazetteer


def test_coordination_lists() -> None:
    from geo.place.resolve import _coordination_lists

    def lists(text: str, *names: str) -> dict[int, list[int]]:
        return _coordination_lists(text, mentions_of(text, *names))

    assert lists("Iraq, Iran and Syria.", "Iraq", "Iran", "Syria") == {
        0: [1, 2], 1: [0, 2], 2: [0, 1]
    }  # fmt: skip
    assert lists("China, Japan, and the United Kingdom", "China", "Japan", "United Kingdom")
    assert lists("Moscow and Washington", "Moscow", "Washington") == {0: [1], 1: [0]}
    assert lists("Paris, Texas", "Paris", "Texas") == {}
    assert lists("Aleppo. Syria", "Aleppo", "Syria") == {}


def test_a_name_keeps_the_reading_its_explicit_mention_gives(real_gazetteer) -> None:
    text = (
        "The outbreak hit Scott County, Indiana, in March. By May, cases in Scott County "
        "had doubled."
    )
    results = resolve_mentions(text, mentions_of(text, "Scott County", "Indiana"), real_gazetteer)
    counties = [r for r in results if r.mention.text == "Scott County"]
    assert len(counties) == 2
    assert {r.place.geonameid for r in counties} == {4264540}  # Scott County, Indiana


def test_same_name_same_place() -> None:
    from geo.models import Place
    from geo.place.resolve import _same_name_same_place

    province = Mention(0, 6, "Nyanza")
    bare = Mention(40, 46, "Nyanza")
    rwanda = Place(7062967, "Nyanza", -2.35, 29.75, "RW", feature="city", population=32016)
    unresolved_province = ResolvedMention(province, None)
    town = ResolvedMention(bare, rwanda, "Nyanza", 0.7, "gazetteer")
    # "Nyanza province" could not be placed: the bare "Nyanza" is that province too
    names = ["nyanza", "nyanza"]
    out = _same_name_same_place([unresolved_province, town], [True, False], names)
    assert out[1].place is None and out[1].mention is bare
    # nothing explicit: each mention keeps its own reading
    assert _same_name_same_place([unresolved_province, town], [False, False], names)[1] is town


def test_province_of_and_city_cues_decide_between_region_and_town(real_gazetteer) -> None:
    from geo.ingest.pipeline import parse_document

    text = (
        "Strikes hit the eastern province of Deir Ezzor in Syria. The area is 30 kilometres "
        "southeast of the provincial capital Deir Ezzor city."
    )
    found = [r for r in parse_document(text, real_gazetteer) if r.mention.text == "Deir Ezzor"]
    assert [r.place.geonameid for r in found] == [170792, 170794]  # governorate, city


def test_towns_of_a_country_named_in_passing_anchor_nothing(real_gazetteer) -> None:
    text = (
        "Syria said its army held Aleppo. In Syria, Syrian troops and Syria's allies moved "
        "from Aleppo and Damascus. The US condemned it. Militants entered the Old City "
        "and the historic city of Palmyra."
    )
    results = resolve_mentions(
        text,
        mentions_of(text, "Syria", "Syrian", "Aleppo", "Damascus", "US", "Old City", "Palmyra"),
        real_gazetteer,
    )
    (palmyra,) = [r for r in results if r.mention.text == "Palmyra"]
    assert palmyra.place.geonameid == 163808  # Tadmur, Syria; not near "Old City" in the US


def test_a_short_name_in_capitals_is_an_abbreviation_not_a_town(tmp_path) -> None:
    """ "EU" in a story is no town called Eu (Normandy); "UK" is the country whose
    abbreviation it is. Rows as in GeoNames (3019329 Eu, 2635167 United Kingdom)."""
    from geo.place.gazetteer import write_index

    rows = [
        {"geonameid": 3019329, "name": "Eu", "latitude": 50.04785, "longitude": 1.42066,
         "country_code": "FR", "admin1_code": "28", "admin1": "Normandy", "feature": "city",
         "population": 7075, "source": "test", "names": {"Eu"}},
        {"geonameid": 2635167, "name": "United Kingdom", "latitude": 54.0, "longitude": -2.0,
         "country_code": "GB", "admin1_code": None, "admin1": None, "feature": "country",
         "population": 66488991, "source": "test", "names": {"United Kingdom", "UK"}},
    ]  # fmt: skip
    write_index(tmp_path / "g.sqlite", [("test", rows, "test")])
    gazetteer = Gazetteer(tmp_path / "g.sqlite")
    text = "The EU and the UK signed the deal on Monday."
    found = resolve_mentions(text, mentions_of(text, "EU", "UK"), gazetteer)
    places = {r.mention.text: r.place.geonameid if r.place else None for r in found}
    assert places == {"EU": None, "UK": 2635167}
    assert resolved_id(gazetteer, "The council of Eu met on Monday.", "Eu") == 3019329


def test_romanisations_differing_in_vowels_are_one_place(real_gazetteer) -> None:
    # Arabic writes no short vowels: one name is romanised with different ones (invented)
    from geo.place.gazetteer import consonants, unvowelled_script_countries

    assert consonants("Efrin") == consonants("Afrin") == "frn"
    assert consonants("Deir el-Zour") == consonants("Dayr az Zawr")
    assert consonants("al-Qaryatain") == consonants("Al Qaryatayn")
    assert consonants("Salamyieh") == consonants("Salamiyah")
    assert consonants("Ghanyt") != consonants("Ghantou")  # a "y" between consonants stays
    assert "SY" in unvowelled_script_countries() and "US" not in unvowelled_script_countries()
    text = "Kurdish fighters repelled an attack on the town of Efrin in northern Syria."
    assert parsed(text, real_gazetteer)["Efrin"].place.geonameid == 174186  # Afrin
    # only in the countries of such scripts, and only between alike spellings
    assert real_gazetteer.fuzzy_lookup("Efrin", ["US"]) == []
    assert real_gazetteer.fuzzy_lookup("Midan", ["SY"]) == []  # not Mayadin


@pytest.mark.parametrize(
    ("span", "parts"),
    [
        # punctuation lost between two places of a list, or before the report's source
        ("Hama Damascus", ["Hama", "Damascus"]),
        ("Homs Idlib", ["Homs", "Idlib"]),
        ("Deir al-Zor Syrias SANA", ["Deir al-Zor", "Syrias"]),
        ("Idlib Monitor AFP", ["Idlib"]),
        ("Aleppo Saturday", ["Aleppo"]),
        # a name the gazetteer lacks, or with words of its own, stays whole
        ("Eastern Ghouta", ["Eastern Ghouta"]),
        ("Key Aleppo Road", ["Key Aleppo Road"]),
        ("Saudi Arabia", ["Saudi Arabia"]),
        # a feature's name with its head word, though "Lake" and "Valley" are towns too
        ("Lake Erie", ["Lake Erie"]),
        ("Swat Valley", ["Swat Valley"]),
        # a text that kept its apostrophes kept its commas too
        ("North Carolina's Sandhills", ["North Carolina's Sandhills"]),
    ],
)
def test_place_names_run_together_are_split(real_gazetteer, span, parts) -> None:
    from geo.models import Finder
    from geo.place.toponyms import _split_glued

    mention = Mention(10, 10 + len(span), span, finder=Finder.NER)
    split = _split_glued(mention, real_gazetteer, {"SY", "US", "PK"})
    assert [m.text for m in split] == parts
    assert all(span[m.start - 10 : m.end - 10] == m.text for m in split)


def test_a_cue_name_run_into_the_source_is_split(real_gazetteer) -> None:
    from geo.models import Cue, Finder
    from geo.place.toponyms import _split_glued

    span = "Deir al-Zor Syrias SANA"  # "near the city of Deir al-Zor, Syria's SANA said"
    mention = Mention(0, len(span), span, finder=Finder.CUE, cue=Cue.CITY)
    town, country = _split_glued(mention, real_gazetteer, {"SY"})
    assert (town.text, town.cue, country.text, country.cue) == (
        "Deir al-Zor",
        Cue.CITY,
        "Syrias",
        None,
    )


def test_names_are_split_only_in_texts_that_lost_their_commas() -> None:
    from geo.place.toponyms import commas_lost

    report = "Shelling killed five people in the old city on Friday the monitor said " * 6
    assert commas_lost(report)
    assert not commas_lost(report.replace(" on Friday", ", on Friday,"))
    assert not commas_lost("Shelling hit Homs.")  # too short to tell


def test_a_spelling_variant_is_looked_for_only_where_the_article_is(real_gazetteer) -> None:
    # Russia named once, as an actor, in a report on Syria: "Zaara" is no Russian Zarya
    text = (
        "Fighting spread across Hama and Homs in Syria on Monday, and Syrian troops shelled "
        "Idlib. Government forces retook the village of Zaara on Tuesday. Russia said its "
        "jets had helped."
    )
    zaara = parsed(text, real_gazetteer)["Zaara"]
    assert zaara.place is None or zaara.place.country_code != "RU"


def test_the_country_after_a_name_is_searched_for_its_spelling(real_gazetteer) -> None:
    # a report on Syria names Russia once, right after a Russian town spelt its own way
    text = (
        "Fighting spread across Hama and Homs in Syria on Monday, and Syrian troops shelled "
        "Idlib. The pilot was from Novoshakhtynsk, Russia."
    )
    town = parsed(text, real_gazetteer)["Novoshakhtynsk"]
    assert town.place is not None and town.place.country_code == "RU"
    assert town.place.feature == "city"
