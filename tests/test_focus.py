"""An article's geographic focus, the publisher's home place and common words that are
also place names (geo/place/resolve.py), on invented sentences and a small gazetteer of
real GeoNames rows (tests/fixtures/focus_gazetteer.jsonl)."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest

from geo.models import Cue, Finder, Mention
from geo.place.gazetteer import Gazetteer, write_index
from geo.place.resolve import (
    drop_common_words,
    focus_of,
    focus_share,
    home_place,
    is_common_word,
    resolve_mentions,
)

ROWS = Path(__file__).with_name("fixtures") / "focus_gazetteer.jsonl"

# GeoNames IDs, as in the gazetteer
ALEXANDRIA_EG = 361058
ALEXANDRIA_VA = 4744091
PALESTINE_TX = 4717232
LEBANON_COUNTRY = 272103
LEBANON_PA = 5197517
LEBANON_TN = 4636045
GENEVA_CH = 2660646
PARIS_FR = 2988507
PARIS_TX = 4717560
KANSAS_STATE = 4273857
VIRGINIA = 6254928
WESTERN_UGANDA = 8260675
CAMP_COUNTY_TX = 4678446
BATTLE_GB = 2656161
COLUMBUS_OH = 4509177
COLUMBUS_NE = 5066001
BOSTON_MA = 4930956


@pytest.fixture(scope="module")
def gazetteer(tmp_path_factory) -> Gazetteer:
    path = tmp_path_factory.mktemp("focus") / "focus.sqlite"
    rows = [json.loads(line) for line in ROWS.read_text(encoding="utf-8").splitlines()]
    write_index(path, [("fixture", rows, "fixture")])
    return Gazetteer(path)


def mentions_of(text: str, *names: str) -> list[Mention]:
    found = []
    for name in names:
        for match in re.finditer(rf"\b{re.escape(name)}\b", text):
            if not any(m.start <= match.start() < m.end for m in found):
                found.append(Mention(match.start(), match.end(), name))
    return sorted(found, key=lambda m: m.start)


def place_of(results, name: str) -> int | None:
    first = next(r for r in results if r.mention.text == name)
    return first.place.geonameid if first.place else None


def resolve(gazetteer, text, *names, **kwargs):
    return resolve_mentions(text, mentions_of(text, *names), gazetteer, **kwargs)


# --- focus: local news ------------------------------------------------------------------


def test_local_story_places_same_name_town_in_its_state(gazetteer):
    text = (
        "An Alexandria man was charged on Friday. Virginia troopers said the chase began "
        "near Charlottesville, and Virginia prosecutors will review it."
    )
    results = resolve(gazetteer, text, "Alexandria", "Virginia", "Charlottesville")
    assert place_of(results, "Alexandria") == ALEXANDRIA_VA


def test_without_local_evidence_the_famous_place_stays(gazetteer):
    results = resolve(gazetteer, "An Alexandria man was charged on Friday.", "Alexandria")
    assert place_of(results, "Alexandria") == ALEXANDRIA_EG


def test_us_town_named_like_a_country_in_local_news(gazetteer):
    text = (
        "Palestine police arrested a Tyler woman on Monday. Tyler officers and Texas "
        "rangers helped."
    )
    results = resolve(gazetteer, text, "Palestine", "Tyler", "Texas")
    assert place_of(results, "Palestine") == PALESTINE_TX


def test_same_name_towns_the_one_in_the_story_state(gazetteer):
    text = "A Lebanon woman won the Harrisburg race, Pennsylvania officials said."
    results = resolve(gazetteer, text, "Lebanon", "Harrisburg", "Pennsylvania")
    assert place_of(results, "Lebanon") == LEBANON_PA
    text = "A Lebanon woman won the race, Tennessee officials said on Tuesday in Tennessee."
    assert place_of(resolve(gazetteer, text, "Lebanon", "Tennessee"), "Lebanon") == LEBANON_TN


def test_the_name_after_a_street_address_is_a_town(gazetteer):
    # a postal address ends with its town: in a story of the US, "508 Cumberland St.,
    # Lebanon" is no country
    text = "Services will be held in Harrisburg and at 508 Cumberland St., Lebanon."
    assert place_of(resolve(gazetteer, text, "Harrisburg", "Lebanon"), "Lebanon") == LEBANON_PA
    # and the street is placed in that town, not in the country of the town's name
    street = Mention(text.index("Cumberland"), text.index(", Lebanon"), "Cumberland St.",
                     finder=Finder.CUE, cue=Cue.STREET)  # fmt: skip
    mentions = sorted([*mentions_of(text, "Harrisburg", "Lebanon"), street], key=lambda m: m.start)
    results = resolve_mentions(text, mentions, gazetteer)
    assert place_of(results, "Cumberland St.") == LEBANON_PA
    # not an address: a street without a house number, "in" after the street, a
    # possessive
    for text in (
        "Protesters marched down Hamra Street, Lebanon, on Sunday.",
        "A blast at 20 Hamra Street in Lebanon killed two.",
        "Shops at 7 Hamra Street, Lebanon's busiest road, closed.",
    ):
        assert place_of(resolve(gazetteer, text, "Lebanon"), "Lebanon") == LEBANON_COUNTRY
    # a story whose other places lie where no town bears the name: the country stays
    text = "Refugees from Syria crowd 20 Hamra Street, Lebanon, a charity said."
    assert place_of(resolve(gazetteer, text, "Syria", "Lebanon"), "Lebanon") == LEBANON_COUNTRY


# --- the town of a bare dateline ---------------------------------------------------------


def test_bare_dateline_is_a_town_of_the_region_the_story_names(gazetteer):
    text = (
        "Choirs meet for a day. COLUMBUS -- Singers of the Nebraska schools league gathered "
        "on Saturday. The concert was held at the high school in Columbus."
    )
    results = resolve(gazetteer, text, "COLUMBUS", "Nebraska", "Columbus")
    assert [r.place.geonameid for r in results if r.mention.text.lower() == "columbus"] == [
        COLUMBUS_NE,
        COLUMBUS_NE,
    ]


def test_bare_dateline_without_a_named_region_keeps_the_larger_town(gazetteer):
    text = "Choirs meet for a day. COLUMBUS -- Singers of the schools gathered on Saturday."
    assert place_of(resolve(gazetteer, text, "COLUMBUS"), "COLUMBUS") == COLUMBUS_OH


def test_a_city_that_stands_alone_in_datelines_stays_itself(gazetteer):
    # AP style: "BOSTON --" needs no state, so it is Boston, Massachusetts, whatever the
    # story names; a town of another state would carry it ("BOSTON, N.Y. --")
    text = "BOSTON -- New York lawmakers met here on Monday, New York officials said."
    assert place_of(resolve(gazetteer, text, "BOSTON", "New York"), "BOSTON") == BOSTON_MA


def test_a_compound_is_no_dateline(gazetteer):
    # "Columbus-area": the hyphen of a compound, not a dateline's dash
    text = "Choirs meet for a day. Columbus-area singers of the Nebraska schools gathered."
    assert place_of(resolve(gazetteer, text, "Nebraska", "Columbus"), "Columbus") == COLUMBUS_OH


def test_a_named_region_does_not_move_a_town_that_is_no_dateline(gazetteer):
    text = "Singers of the Nebraska schools league gathered on Saturday, as in Columbus."
    assert place_of(resolve(gazetteer, text, "Nebraska", "Columbus"), "Columbus") == COLUMBUS_OH


# --- a municipal office after a name -------------------------------------------------


def test_a_municipal_office_after_a_name_makes_it_a_town(gazetteer):
    # a country's force is no "Police Department": the name is a town's
    text = "Lebanon Police Department officers arrested a man on Friday."
    assert place_of(resolve(gazetteer, text, "Lebanon"), "Lebanon") in {LEBANON_PA, LEBANON_TN}


BEREA_OH = 5147097


def test_a_municipal_office_is_named_after_its_town_s_own_name(gazetteer):
    # Aleppo was once called Berea (the fixture holds it as an alternate name, as
    # GeoNames does); a police department is named after its town's own name
    text = "Berea Police Department spokesman said a man was charged on Friday."
    assert place_of(resolve(gazetteer, text, "Berea"), "Berea") == BEREA_OH


def test_a_country_s_police_stay_the_country_s(gazetteer):
    text = "Lebanon police arrested a man on Friday, officials in Beirut said."
    assert place_of(resolve(gazetteer, text, "Lebanon"), "Lebanon") == LEBANON_COUNTRY


def test_a_country_in_a_list_of_countries_stays_a_country(gazetteer):
    text = "Egypt, Syria and Lebanon signed. Virginia and Pennsylvania officials watched."
    results = resolve(gazetteer, text, "Egypt", "Syria", "Lebanon", "Virginia", "Pennsylvania")
    assert place_of(results, "Lebanon") == LEBANON_COUNTRY


# --- focus: a place outside it ----------------------------------------------------------


def test_well_known_place_abroad_kept_in_a_national_story(gazetteer):
    text = "Shelling hit Aleppo and Idlib on Sunday; talks in Geneva stalled. Syria said no."
    results = resolve(gazetteer, text, "Aleppo", "Idlib", "Geneva", "Syria")
    assert place_of(results, "Geneva") == GENEVA_CH


def test_capital_abroad_kept_in_a_story_spread_over_one_country(gazetteer):
    text = "Flights from Tyler, Kansas City and Harrisburg to Paris were cancelled."
    results = resolve(gazetteer, text, "Tyler", "Kansas City", "Harrisburg", "Paris")
    assert place_of(results, "Paris") == PARIS_FR


def test_town_cue_is_lower_case_only(gazetteer):
    # "Kansas City Power" is a company's name, not the town of a place called Kansas
    text = "Kansas City Power crews worked across Kansas; Kansas roads were closed."
    results = resolve_mentions(
        text,
        [Mention(0, 6, "Kansas"), *mentions_of(text, "Kansas")[1:]],
        gazetteer,
    )
    assert {r.place.geonameid for r in results} == {KANSAS_STATE}


def test_focus_record_and_share(gazetteer):
    text = "Aleppo and Idlib were shelled; Syria blamed Geneva."
    results = resolve(gazetteer, text, "Aleppo", "Idlib", "Syria", "Geneva")
    focus = focus_of(results)
    assert focus.share("SY") == pytest.approx(0.75)
    assert focus_share(results, "CH") == pytest.approx(0.25)
    assert focus_share(results, "US") == 0.0
    assert focus_share([], "SY") == 0.0


# --- the publisher's home ---------------------------------------------------------------


def test_publisher_home_places_a_lone_same_name_town(gazetteer):
    home = home_place(gazetteer, "Charlottesville, Virginia, US")
    assert home is not None and home.admin1_code == "VA"
    text = "An Alexandria man was charged on Friday."
    assert place_of(resolve(gazetteer, text, "Alexandria", home=home), "Alexandria") == (
        ALEXANDRIA_VA
    )
    # a GeoNames id works as well
    assert home_place(gazetteer, str(VIRGINIA)).geonameid == VIRGINIA
    assert home_place(gazetteer, "Nowhere-on-the-map") is None


def test_publisher_home_outweighed_by_a_story_about_elsewhere(gazetteer):
    home = home_place(gazetteer, "Virginia")
    text = "In Egypt, Alexandria's port reopened; Egypt thanked donors. Egypt's ships sailed."
    results = resolve(gazetteer, text, "Egypt", "Alexandria", home=home)
    assert place_of(results, "Alexandria") == ALEXANDRIA_EG


# --- common words that are also place names ---------------------------------------------


def test_common_word_without_place_evidence_is_dropped(gazetteer):
    text = "He was sent to Western State Hospital in Alexandria, Virginia."
    mentions = mentions_of(text, "Western", "Alexandria", "Virginia")
    results = drop_common_words(text, resolve_mentions(text, mentions, gazetteer))
    assert [r.mention.text for r in results] == ["Alexandria", "Virginia"]


def test_common_word_with_a_preposition_stays(gazetteer):
    text = "Refugees from Battle reached Aleppo; the Camp residents in Idlib waited."
    mentions = mentions_of(text, "Battle", "Aleppo", "Camp", "Idlib")
    results = drop_common_words(text, resolve_mentions(text, mentions, gazetteer))
    kept = {r.mention.text: r.place.geonameid if r.place else None for r in results}
    assert kept.get("Battle") == BATTLE_GB  # "from Battle": a place
    assert "Camp" not in kept  # Camp County, Texas has nothing to do with a Syrian story


def test_common_word_in_the_article_country_stays(gazetteer):
    text = "Camp officials met in Tyler, Texas; Camp roads reopened."
    mentions = mentions_of(text, "Camp", "Tyler", "Texas")
    results = drop_common_words(text, resolve_mentions(text, mentions, gazetteer))
    assert CAMP_COUNTY_TX in {r.place.geonameid for r in results if r.place}


def test_common_word_of_another_state_in_local_news_is_the_word(gazetteer):
    # a Pennsylvania story: Camp County is in Texas, the same country but not its region
    text = "Lebanon, Pa., and Harrisburg officials met; Camp counselors in Pennsylvania waited."
    mentions = mentions_of(text, "Lebanon", "Harrisburg", "Camp", "Pennsylvania")
    results = drop_common_words(text, resolve_mentions(text, mentions, gazetteer))
    assert CAMP_COUNTY_TX not in {r.place.geonameid for r in results if r.place}
    assert LEBANON_PA in {r.place.geonameid for r in results if r.place}


def test_common_word_threshold():
    assert is_common_word("Western") and is_common_word("Battle") and is_common_word("Old City")
    assert not is_common_word("Alexandria") and not is_common_word("Aleppo")
    assert not is_common_word("L.A.")


# --- where a publisher's home comes from ------------------------------------------------


def test_manifest_home_field_reaches_the_article(tmp_path):
    from geo.read.articles import read_paths

    (tmp_path / "story.txt").write_text("A fire broke out on Main Street.\n", encoding="utf-8")
    (tmp_path / "manifest.yaml").write_text(
        "story.txt:\n  source: The Valley Courier\n  home: Charlottesville, Virginia, US\n",
        encoding="utf-8",
    )
    (article,) = list(read_paths([tmp_path]))
    assert article.home == "Charlottesville, Virginia, US"


def test_settings_publisher_homes():
    from geo.config import publisher_homes

    settings = {"publishers": {"The Valley Courier": {"home": "Virginia"}, "Wire": {}}}
    assert publisher_homes(settings) == {"The Valley Courier": "Virginia"}
    assert publisher_homes({"publishers": {"X": {"home": 4752031}}}) == {"X": "4752031"}
    with pytest.raises(ValueError, match=r'publishers\."X"\] home'):
        publisher_homes({"publishers": {"X": {"home": ["a"]}}})


def test_publisher_homes_order_of_evidence(gazetteer):
    from geo.ingest.pipeline import PublisherHomes
    from geo.models import Article

    virginia, tyler = gazetteer.get(VIRGINIA), gazetteer.get(4738214)
    stored = {"Texan Daily": [[tyler, tyler], [tyler, None], [tyler, tyler, tyler], [tyler] * 5]}
    homes = PublisherHomes(gazetteer, {"Courier": "Virginia"}, lambda: stored)
    own = Article("a", "text", source="Courier", home=str(ALEXANDRIA_VA))
    assert homes.home_of(own).geonameid == ALEXANDRIA_VA  # the article's own home first
    assert homes.home_of(Article("b", "text", source="Courier")) == virginia
    assert homes.home_of(Article("c", "text", source="Texan Daily")).admin1_code == "TX"
    assert homes.home_of(Article("d", "text", source="Unknown Wire")) is None
    assert homes.home_of(Article("e", "text")) is None


def test_inferred_home_needs_several_articles_in_one_region(gazetteer):
    from geo.place.resolve import infer_home

    tyler, paris_fr, geneva = (gazetteer.get(i) for i in (4738214, PARIS_FR, GENEVA_CH))
    assert infer_home([[tyler] * 12]) is None  # one article is no home
    assert infer_home([[tyler] * 4, [tyler] * 4, [tyler] * 4]).geonameid == 4738214
    # a publisher of world news: no region holds most of its names
    assert infer_home([[tyler, paris_fr, geneva] * 3] * 4) is None


def test_ingest_passes_the_settings_home_to_the_resolver(tmp_path, monkeypatch):
    from geo.ingest.pipeline import ingest_articles
    from geo.models import Article
    from geo.store import open_store
    from tests.helpers import build_fixture_gazetteer

    gazetteer = build_fixture_gazetteer(tmp_path)
    settings = tmp_path / "geo.toml"
    settings.write_text('[publishers."The Courier"]\nhome = "Virginia"\n', encoding="utf-8")
    monkeypatch.setenv("GEO_CONFIG", str(settings))
    text = "Police in Alexandria arrested a man on Friday after a fire destroyed a barn."
    articles = [
        Article("local", text, source="The Courier", content_hash="1"),
        Article("wire", text, source="World Wire", content_hash="2"),
    ]
    with open_store(tmp_path / "events.db") as store:
        ingest_articles(articles, store, gazetteer=gazetteer)
        places = store.stored_places()
    placed = {a: {p.place.geonameid for p in ps if p.place} for a, ps in places.items()}
    assert placed["local"] == {ALEXANDRIA_VA}
    assert placed["wire"] == {ALEXANDRIA_EG}


LAMAR_COUNTY_TX = 4705086
PARIS_TN = 4647963
HENRY_COUNTY_TN = 4628829


@pytest.mark.parametrize(
    ("text", "town", "county", "town_id", "county_id"),
    [
        (
            "Paris police and Lamar County deputies searched the lake on Sunday.",
            "Paris",
            "Lamar County",
            PARIS_TX,
            LAMAR_COUNTY_TX,
        ),
        (
            "Henry County deputies said the Paris man was released on bond.",
            "Paris",
            "Henry County",
            PARIS_TN,
            HENRY_COUNTY_TN,
        ),
    ],
)
def test_a_town_and_its_county_named_together_place_each_other(
    gazetteer, text, town, county, town_id, county_id
) -> None:
    """No state named: of the many same-name towns and counties, the pair that lie
    together is meant (over the capital of France and the most populous county)."""
    results = resolve_mentions(text, mentions_of(text, county, town), gazetteer)
    assert place_of(results, town) == town_id
    assert place_of(results, county) == county_id


ALEXANDRIA_LA = 4314550


def test_a_town_in_the_county_the_story_names_wins_over_a_famous_namesake(gazetteer):
    text = (
        "An Alexandria woman was charged with arson on Monday. Rapides Parish fire crews "
        "put out the blaze in Alexandria before dawn."
    )
    results = resolve(gazetteer, text, "Alexandria", "Rapides Parish")
    assert {r.place.geonameid for r in results if r.mention.text == "Alexandria"} == {ALEXANDRIA_LA}


def test_only_readings_within_a_countys_width_support_each_other() -> None:
    from geo.models import Place
    from geo.place.gazetteer import NAME_MAIN, Candidate
    from geo.place.resolve import COLOCATED_KM, _colocation

    def town(geonameid, lat, lon, feature="city"):
        place = Place(geonameid, f"T{geonameid}", lat, lon, "US", feature=feature)
        return Candidate(place, place.name, NAME_MAIN)

    degrees = COLOCATED_KM / 111.2  # of latitude
    near, far = town(1, 40.0, -90.0), town(2, 45.0, -90.0)
    county = town(3, 40.0 + 0.9 * degrees, -90.0, "admin2")
    state = town(4, 45.0, -90.0, "admin1")  # a state contains everything: no support
    beyond = town(5, 40.0 - 1.1 * degrees, -90.0)
    out = _colocation(["a", "b", "c", "a"], [[near, far], [county, state], [beyond], [near]])
    assert out[0].names_near == {1: 1} and out[3] is out[0]
    assert out[1].names_near == {3: 1} and out[2].names_near == {}


# --- a state written after a town ---------------------------------------------------------


def _context_of(gazetteer, text, *names):
    from geo.place.resolve import _containers_of_towns, _lookup, document_context

    mentions = mentions_of(text, *names)
    candidates = [_lookup(gazetteer, m) for m in mentions]
    return document_context(
        mentions, candidates, containers=_containers_of_towns(text, mentions, candidates)
    )


def test_state_after_a_town_is_that_towns_not_the_articles(gazetteer):
    """News writes the state after a town outside the paper's area ("of Tyler, Texas"): that
    state says where Tyler is, not where the article's other towns are; it still implies
    its country, and still reads as the state itself."""
    from geo.place.ranking import IN_CONTEXT_REGION, score
    from geo.place.resolve import _lookup

    context = _context_of(
        gazetteer,
        "Paris police charged a driver of Tyler, Texas, on Monday.",
        "Paris",
        "Tyler",
        "Texas",
    )
    assert context.regions == frozenset()
    assert context.contained == {("US", "TX")}
    assert "US" in context.implied
    texas = next(c for c in _lookup(gazetteer, Mention(0, 5, "Texas")) if c.place.geonameid)
    without = dataclasses.replace(context, contained=frozenset())
    assert score(texas, context) - score(texas, without) == IN_CONTEXT_REGION
    paris_tx = next(c for c in gazetteer.lookup("Paris") if c.place.geonameid == PARIS_TX)
    assert score(paris_tx, context) < score(
        paris_tx,
        _context_of(
            gazetteer, "Paris police said Texas troopers charged a driver.", "Paris", "Texas"
        ),
    )


@pytest.mark.parametrize(
    "text",
    [
        "Paris police said Texas troopers charged a driver.",  # the state named outright
        "Roads were closed in Virginia, Texas and Kansas.",  # a list of states
    ],
)
def test_state_named_outright_or_in_a_list_is_the_articles(gazetteer, text):
    context = _context_of(gazetteer, text, "Paris", "Texas", "Virginia", "Kansas")
    assert ("US", "TX") in context.regions


def test_a_region_word_inside_a_longer_word_is_no_region_cue(gazetteer):
    """ "Paris Regional Medical Center" says nothing of a region called Paris: the cue is a
    whole word ("Aleppo province", "Washington state", "Idlib provinces")."""
    from geo.place.resolve import _mention_has_region_cue

    def cued(text, name):
        start = text.index(name)
        return _mention_has_region_cue(Mention(start, start + len(name), name), text)

    assert not cued("taken to Paris Regional Medical Center", "Paris")
    assert not cued("a Washington statement said", "Washington")
    assert cued("Washington state voted", "Washington")
    assert cued("shelling in Aleppo and Idlib provinces", "Idlib")
    text = (
        "A Paris man died in a Tyler hospital on Friday. He was first taken to Paris "
        "Regional Medical Center, police in Tyler said."
    )
    results = resolve(gazetteer, text, "Paris", "Tyler")
    assert {r.place.geonameid for r in results if r.mention.text == "Paris"} == {PARIS_TX}


def test_a_name_after_the_with_an_s_is_a_plural_not_a_possessive(gazetteer):
    # scraped text loses apostrophes ("Lebanons army" is Lebanon's army), but a possessive
    # takes no article: "the Lebanons" is a team's or a family's name
    text = "Lebanons army moved north on Friday."
    assert place_of(resolve(gazetteer, text, "Lebanons"), "Lebanons") == LEBANON_COUNTRY
    text = "The fans cheered the Lebanons on Friday."
    assert place_of(resolve(gazetteer, text, "Lebanons"), "Lebanons") is None


def test_a_bare_dateline_in_a_country_the_article_names_stays_there(gazetteer):
    # a wire dateline of a story that names its country outright: an aside's American
    # state does not move it to a namesake there
    text = (
        "Talks resume. ALEXANDRIA (Reuters) - Egypt and its allies met on Monday; a group "
        "based in Virginia joined them."
    )
    results = resolve(gazetteer, text, "ALEXANDRIA", "Egypt", "Virginia")
    assert place_of(results, "ALEXANDRIA") == ALEXANDRIA_EG


def test_a_county_named_after_a_country_does_not_move_the_country(gazetteer):
    text = "Lamar County officials met a family who fled Lebanon last year."
    assert place_of(resolve(gazetteer, text, "Lamar County", "Lebanon"), "Lebanon") == (
        LEBANON_COUNTRY
    )


def test_a_municipal_office_at_the_end_of_a_sentence(gazetteer):
    text = "The plan was approved by the Lebanon City Council."
    assert place_of(resolve(gazetteer, text, "Lebanon"), "Lebanon") in {LEBANON_PA, LEBANON_TN}
