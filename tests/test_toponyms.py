"""Recognition: what the small spaCy model misses or mislabels, with the real gazetteer."""

from __future__ import annotations

import re

import pytest

from geo.models import Mention
from geo.place.gazetteer import default_gazetteer
from geo.place.recognize import find_mentions
from geo.place.toponyms import load_nlp


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


# Each text also names a real place, which must be found: a recogniser that finds nothing
# at all fails these tests instead of passing them.
@pytest.mark.parametrize(
    ("text", "not_places", "places"),
    [
        ("An unnamed source in Homs told Syria's SANA news agency of the advance.", {"SANA"},
         {"Homs"}),
        ("Jaish al-Fatah and Jabhat Fateh al-Sham fought on near Idlib.", {"Sham", "al-Sham"},
         {"Idlib"}),
        ("Syrian and Western officials met in Geneva.", {"Syrian", "Western"}, {"Geneva"}),
        ("The area around Hama covers 1200 square kilometres.", {"1200 square", "1200"},
         {"Hama"}),
        ("Reading the report in Cairo, John Paris smiled.", {"Reading", "Paris"}, {"Cairo"}),
    ],
)  # fmt: skip
def test_names_that_are_not_places_are_not_found(gazetteer, text, not_places, places) -> None:
    found = set(names(text, gazetteer))
    assert not found & not_places
    assert places <= found


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
        # a capitalised kind word the gazetteer does not hold with the name is the
        # writer's label ("Raqqah Province"), but one it does hold is the name's own
        ("Troops entered the neighbouring Raqqah Province.", ["Raqqah"]),
        ("Deputies searched a house in Orange County.", ["Orange County"]),
        # possessives written without the apostrophe (scraped text)
        ("Government forces shelled Aleppos Sukkari district in Syria.",
         ["Aleppos", "Sukkari", "Syria"]),
    ],
)  # fmt: skip
def test_recognition_beyond_the_model(gazetteer, text, expected) -> None:
    assert names(text, gazetteer) == expected


@pytest.mark.parametrize(
    ("text", "not_places", "places"),
    [
        # pathogens named after places
        ("The Ebola outbreak in Guinea and West Nile virus worried officials.",
         {"Ebola", "West Nile"}, {"Guinea"}),
        ("Reston ebolavirus was found in pigs in the Philippines.", {"Reston"},
         {"Philippines"}),
        ("A new strain of H5N1 was reported in Vietnam.", {"H5N1"}, {"Vietnam"}),
        # months, weekdays and titles
        ("In May, Dr Smith said the August figures from Kenya were wrong.",
         {"May", "August", "Dr"}, {"Kenya"}),
        # a town's name that is part of a person's name elsewhere in the text
        ("Heinz Bruschke led the team in Berlin. Bruschke said the tests were clear.",
         {"Bruschke"}, {"Berlin"}),
        # a newspaper reports from anywhere
        ("Mr. Kemp told the New York Times in Baghdad on Monday.", {"New York"}, {"Baghdad"}),
        # a company named after a town
        ("A truck from Newmont Mining Company dumped mercury in Peru.", {"Newmont"}, {"Peru"}),
        # an acronym that spells a region's name in lower case (Sana'a): the news agency
        ("Troops advanced in Aleppo, SANA reported. SANA said two soldiers died.", {"SANA"},
         {"Aleppo"}),
    ],
)  # fmt: skip
def test_guards_against_false_places(gazetteer, text, not_places, places) -> None:
    found = set(names(text, gazetteer))
    assert not found & not_places
    assert places <= found


def test_demonyms_are_kept_and_marked(gazetteer) -> None:
    found = find_mentions("Syrian troops and US-led forces met Canadian officials.", gazetteer)
    kinds = {m.text: m.kind for m in found}
    assert kinds == {"Syrian": "demonym", "US": "demonym", "Canadian": "demonym"}


def test_adjectival_form_at_the_head_of_a_text_is_a_demonym_not_a_dateline(gazetteer) -> None:
    text = "The Britain-based Syrian Observatory for Human Rights said forces captured it."
    (britain, *_) = find_mentions(text, gazetteer)
    assert (britain.text, britain.kind) == ("Britain", "demonym")


# ---------------------------------------------------------------------------- bounded work


def test_the_letters_and_digits_guard_looks_at_two_characters() -> None:
    from geo.place.toponyms import _LETTERS_AND_DIGITS

    for name, mixed in [("H5N1", True), ("1070 Apartments", False), ("A1", True),
                        ("Aleppo", False), ("3a", True), ("x" * 20_000, False)]:  # fmt: skip
        assert bool(_LETTERS_AND_DIGITS.search(name)) is mixed, name
    # No repetition in the pattern: a search is one pass, however long the name.
    assert "+" not in _LETTERS_AND_DIGITS.pattern and "*" not in _LETTERS_AND_DIGITS.pattern


def test_name_words_of_the_cue_patterns_are_bounded() -> None:
    from geo.place.toponyms import _ADJECTIVAL, _CUE_AFTER, _CUE_BEFORE

    for pattern in (_CUE_AFTER, _CUE_BEFORE, _ADJECTIVAL):
        assert not re.search(r"\][+*]", pattern.pattern), pattern.pattern
    assert _CUE_AFTER.search("the Ramouseh neighbourhood").group("name") == "Ramouseh"
    assert _ADJECTIVAL.search("US-led forces").group("name") == "US"


def test_a_day_after_a_place_cue_is_no_place() -> None:
    # "the neighborhood of Saturday's gun battle": a day names no place, possessive or not
    from geo.place.toponyms import _cue_mentions

    text = "Two museums lie in the neighborhood of Saturday's gun battle and the town of Tiko."
    assert [m.text for m in _cue_mentions(text)] == ["Tiko"]
    # a weekday before a name is the date's; a month may begin a name
    text = "Shells hit on Sunday al-Hamadaniyeh area, the town of May Pen and Mar Elias camp."
    assert sorted(m.text for m in _cue_mentions(text)) == [
        "Mar Elias camp",
        "May Pen",
        "al-Hamadaniyeh",
    ]


def test_the_model_gets_junk_runs_tamed_with_offsets_kept() -> None:
    from geo.place.toponyms import MAX_RUN_CHARS, MAX_SYMBOL_REPEATS, text_for_model

    text = "Shelling hit Aleppo. " + "<" * 10_000 + " " + "a1" * 5_000 + " More in Homs.\n"
    tamed = text_for_model(text)
    assert len(tamed) == len(text)
    assert tamed.index("Aleppo") == text.index("Aleppo") and tamed.endswith(" More in Homs.\n")
    assert max(len(run) for run in tamed.split()) <= MAX_RUN_CHARS
    assert "<" * (MAX_SYMBOL_REPEATS + 1) not in tamed
    tokens = load_nlp().make_doc(tamed)
    assert len(tokens) < 200  # 10,000 "<" were 10,000 tokens
    ordinary = "Troops entered al-Sukkari on Tuesday (a U.S.-backed push), officials said.\n"
    assert text_for_model(ordinary) == ordinary


def test_a_name_found_thousands_of_times_is_found_in_near_linear_work() -> None:
    from geo.place.toponyms import _dedupe, _Spans

    mentions = [Mention(i * 7, i * 7 + 6, "Aleppo") for i in range(5_000)]
    assert _dedupe([*mentions, Mention(0, 13, "Aleppo Aleppo")])[:2] == [
        Mention(0, 13, "Aleppo Aleppo"), Mention(14, 20, "Aleppo")]  # fmt: skip
    spans = _Spans((m.start, m.end) for m in mentions)
    assert len(spans.near(7_000, 7_006)) <= 3  # an overlap test looks at the neighbours only


@pytest.mark.parametrize(
    ("text", "town"),
    [
        # after "in": people are not "in" anywhere
        (
            "Fighting spread across Idlib province in Syria. In Kafr Nabl a town in the "
            "south air strikes killed four people.",
            "Kafr Nabl",
        ),
        # an apposition of a settlement noun: nobody is "a town"
        (
            "Fighting spread across Idlib province in Syria. Kafr Zita, a town north of "
            "the city, was shelled.",
            "Kafr Zita",
        ),
    ],
)
def test_a_town_the_model_calls_a_person_is_kept_where_the_text_places_it(
    gazetteer, text, town
) -> None:
    entities = {e.text: e.label_ for e in load_nlp()(text).ents}
    assert entities.get(town) == "PERSON"  # what the small model does with these names
    assert town in names(text, gazetteer)


def test_a_person_stays_a_person_without_place_evidence(gazetteer) -> None:
    text = "Rebels in Syria met Kafr Nabl, who said the front was calm."
    assert "Kafr Nabl" not in names(text, gazetteer)


def test_a_person_entity_cut_into_the_text_does_not_hide_a_place(gazetteer) -> None:
    text = "Counts of the dead: Sri Lanka - approximately 9,000, India - about 700."
    entities = {e.text: e.label_ for e in load_nlp()(text).ents}
    assert entities.get("Sri Lanka - approximately") == "PERSON"  # the model's mis-cut
    assert "Sri Lanka" in names(text, gazetteer)


def test_a_full_stop_the_model_runs_on_ends_a_sentence() -> None:
    # the small model's segmenter joins sentences after a token it does not know ("3A.");
    # abbreviations keep their stop
    from geo.place.sentences import DocSentences
    from geo.place.tokens import tokens_from_doc

    text = (
        "He won the award for Class 3A. MPCHS Jazz II finished second. "
        "Gov. Smith met U.S. troops in Mt. Pleasant at 5 p.m. Friday. "
        "It was built after World War II. The hall opened in 1950."
    )
    spans = DocSentences(tokens_from_doc(load_nlp()(text))).split(text)
    assert [text[start:end].strip() for start, end in spans] == [
        "He won the award for Class 3A.",
        "MPCHS Jazz II finished second.",
        "Gov. Smith met U.S. troops in Mt. Pleasant at 5 p.m. Friday.",
        "It was built after World War II.",
        "The hall opened in 1950.",
    ]


def test_a_title_or_a_place_word_abbreviated_before_a_name_ends_no_sentence() -> None:
    # the tokenizer splits the stop off "Lt." and "Ft.", and the model then ended a
    # sentence there (geo/data/title_abbreviations.txt)
    from geo.place.sentences import DocSentences
    from geo.place.tokens import tokens_from_doc

    text = "Lt. Gov. Rick Sheehy spoke. Sgt. John Smith said. Ft. Wayne police arrested a man."
    spans = DocSentences(tokens_from_doc(load_nlp()(text))).split(text)
    assert [text[start:end].strip() for start, end in spans] == [
        "Lt. Gov. Rick Sheehy spoke.",
        "Sgt. John Smith said.",
        "Ft. Wayne police arrested a man.",
    ]


@pytest.mark.parametrize(
    ("text", "not_places", "places"),
    [
        # a town's name as a first name or a surname, the other half of the name beside it
        (
            "In Columbus, Ga., voters returned incumbent Fife Whiteside to the school board.",
            {"Fife", "Whiteside"},
            {"Columbus"},
        ),
        ("They shop at John Paul Jeweler's in Macon, Ga.", {"Paul"}, {"Macon"}),
        # the words of the things a town names leave it a place
        (
            "Police said the men abducted her from Springfield Mall in Virginia.",
            set(),
            {"Springfield"},
        ),
    ],
)
def test_a_town_inside_a_persons_whole_name_is_no_place(
    gazetteer, text, not_places, places
) -> None:
    found = set(names(text, gazetteer))
    assert not (found & not_places)
    assert places <= found


def test_a_name_the_model_cut_short_is_not_the_town_of_its_first_word(gazetteer) -> None:
    # the model tags "Meadow" of "Meadow Grove" (a village the gazetteer lacks) as NORP;
    # Meadow, Texas is not the place
    text = "A jury acquitted a Meadow Grove man in Norfolk, Neb."
    assert ("Meadow", "NORP") in [(e.text, e.label_) for e in load_nlp()(text).ents]
    found = names(text, gazetteer)
    assert "Meadow" not in found
    assert "Norfolk" in found


def test_a_township_is_not_the_town_of_its_name(gazetteer) -> None:
    from geo.place.resolve import resolve_mentions

    text = "She was born in Jackson Township, Lebanon County, Pa., and lived in Jackson Township."
    results = resolve_mentions(text, find_mentions(text, gazetteer), gazetteer)
    townships = [r for r in results if r.mention.text == "Jackson Township"]
    assert len(townships) == 2  # the township's own name, not "Jackson"
    # placed in the county the text puts it in, flagged approximate; not at a Jackson
    assert townships[0].place.name == "Lebanon County" and townships[0].approximate
    assert all(r.place is None or r.place.feature == "admin2" for r in townships)


def test_a_township_abroad_is_its_town_or_quarter(gazetteer) -> None:
    # outside the US and Canada a township is a quarter or the town itself
    text = "Police in Alexandra Township near Johannesburg, South Africa, arrested 12."
    assert "Alexandra" in [m.text for m in find_mentions(text, gazetteer)]


def test_a_title_case_headline_keeps_its_places(gazetteer) -> None:
    # every word of a title-case headline runs on into a capitalised one
    text = "Aleppo Rebels Reject Russian Truce Offer\nRebels in Aleppo rejected the offer."
    assert names(text, gazetteer).count("Aleppo") == 2


def test_a_dateline_dash_may_follow_the_agency_unspaced() -> None:
    text = "BEIRUT (Reuters)-Syrian warplanes struck Idlib on Monday."
    found = find_mentions(text, default_gazetteer())
    assert [m.kind for m in found if m.text == "BEIRUT"] == ["dateline"]


def test_a_surname_the_model_reads_as_a_person_throughout_is_no_county(gazetteer) -> None:
    # "Brown" is another name of Brown County (Indiana); the article writes it alone for a
    # man, and the model labels it a person each time
    text = (
        "Police in Indianapolis charged two men. Brown was caught in a stolen car, and Brown "
        "later confessed to a robbery in Evansville."
    )
    labels = [e.label_ for e in load_nlp()(text).ents if e.text == "Brown"]
    assert labels.count("PERSON") >= 2
    found = names(text, gazetteer)
    assert "Brown" not in found
    assert {"Indianapolis", "Evansville"} <= set(found)


@pytest.mark.parametrize(
    ("text", "place", "not_place"),
    [
        # the ranks are also places (Major County, Oklahoma; Trooper, Pennsylvania), and a
        # headline's capitals make "Major" look like a name
        (
            "Major Texas utilities want higher rates. Houston regulators asked Texas officials.",
            "Houston",
            "Major",
        ),
        # Airport (a town in California) and Gulf County (Florida) are named by the words
        # alone
        (
            "Flights will link New York with St. Petersburg's Pulkovo 2 Airport this summer. "
            "The Airport expects more travellers.",
            "New York",
            "Airport",
        ),
    ],
)
def test_a_rank_or_a_generic_word_alone_is_no_place(gazetteer, text, place, not_place) -> None:
    found = names(text, gazetteer)
    assert place in found
    assert not_place not in found


def test_a_name_after_a_title_is_a_persons(gazetteer) -> None:
    text = "Students in Tbilisi marched to demand President Saakashvili’s resignation."
    entities = {e.text: e.label_ for e in load_nlp()(text).ents}
    assert entities.get("Saakashvili") == "GPE"  # what the small model does with it
    found = names(text, gazetteer)
    assert "Tbilisi" in found and "Saakashvili" not in found


@pytest.mark.parametrize(
    ("text", "place"),
    [
        # "Miss." after a town is Mississippi, no title of the next sentence's name
        ("The storm hit Biloxi, Miss. Gulfport was spared.", "Gulfport"),
        # a region or a town whose name is a facility, an institution or a title word,
        # where the text places it
        ("Cholera spread in Bay and Gedo regions of Somalia.", "Bay"),
        ("The chemical plant in Police, Poland, closed.", "Police"),
        ("A fire in Justice, Ill., destroyed two homes.", "Justice"),
        # a town before its official's title is a place
        ("Dayton Councilman Jeff Mims voted no on the Ohio budget.", "Dayton"),
    ],
)
def test_titles_and_generic_words_leave_places_the_text_places(gazetteer, text, place) -> None:
    assert place in names(text, gazetteer)


@pytest.mark.parametrize(
    ("name", "after", "expected"),
    [
        # a village the gazetteer gives no population, inside the region the comma names
        ("Sukoharjo", ", Central Java, died", True),
        ("Malta", ", Ill., is", True),
        # not inside the region named, or no region after the comma
        ("Sukoharjo", ", Texas, died", False),
        ("Sukoharjo", ", died", False),
        # a person's name before an organisation or a possessive: no region follows
        ("Hope", ", Arkansas State Police said", False),
        ("Hope", ", Arkansas' state epidemiologist said", False),
    ],
)
def test_a_town_inside_the_region_after_its_comma(gazetteer, name, after, expected) -> None:
    from geo.place.toponyms import _town_of_the_region_after

    text = f"a trader from {name}{after}"
    end = text.index(name) + len(name)
    assert _town_of_the_region_after(gazetteer, name, text, end) is expected


def test_a_name_after_an_initial_is_a_surname(gazetteer) -> None:
    from geo.place.toponyms import _AFTER_AN_INITIAL

    # the guard both gazetteer finders ask: a person's initial before, not a compass one
    for before, initial in [("the Michael J. ", True), ("in N. ", False), ("St. ", False),
                            ("the U.S. ", False), ("after World War I. ", False),
                            ("on Highway A. ", False)]:  # fmt: skip
        assert bool(_AFTER_AN_INITIAL.search(before)) is initial, before
    text = "Officials evacuated the Michael J. Dillon courthouse in Buffalo, New York, on Monday."
    found = [m.text for m in find_mentions(text, gazetteer)]
    assert "Dillon" not in found and "Buffalo" in found
