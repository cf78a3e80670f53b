"""What is an event, of which type, and where: the rules of issue 11 on invented sentences.

Hand-made texts with hand-resolved places (tests/test_events.py's helpers): each test
names the general fact about news it checks.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from geo.event.attribution import casualties
from geo.event.events import classify_sentence, extract_events, listed_places
from geo.models import Mention, Place, ResolvedMention
from tests.test_events import ALEPPO, THURSDAY, events_of, resolve, sentences_of


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Police arrested a man after the robbery at the bank.", "crime"),
        ("The driver was charged with reckless driving.", "crime"),
        ("A judge sentenced him to ten years.", "crime"),
        ("He appeared in court on Friday.", "crime"),
        ("Two cars collided on the bridge.", "accident"),
        ("Firefighters put out a house fire on Elm Street.", "accident"),
        ("The earthquake destroyed hundreds of homes.", "disaster"),
        ("Floods swept through the valley.", "disaster"),
        ("Health officials confirmed three new cases of measles.", "disease"),
        ("Two farmers tested positive for the virus.", "disease"),
        ("Two cases in the north were discovered on Monday.", "disease"),  # a count of cases
        ("The disease has also been found in three more herds.", "disease"),
        ("The council voted to raise the parking fee.", "politics"),
        ("The governor declared a state of emergency.", "politics"),
        # violence still wins over a calm type in the same sentence
        ("Gunmen opened fire on voters queuing for the elections.", "shooting"),
    ],
)
def test_event_types_for_all_news(sentence, expected) -> None:
    assert classify_sentence(sentence) == expected, sentence


def test_each_place_of_a_list_is_one_event() -> None:
    text = "Warplanes struck Aleppo, Idlib and Atareb on Monday, killing 30 people."
    events = events_of(text)
    assert sorted(e.location.place.name for e in events) == ["Al Atarib", "Aleppo", "Idlib"]
    # the toll is of all the places together, no one place's
    assert {e.killed for e in events} == {None}


def test_places_apart_are_no_list() -> None:
    text = "Warplanes struck Aleppo after talks in Idlib."
    places = resolve(text)
    aleppo = next(p for p in places if p.mention.text == "Aleppo")
    assert listed_places(text, aleppo, places) == [aleppo]


@pytest.mark.parametrize(
    "text",
    [
        "The country joined the treaty in 2003 after an attack in Aleppo.",  # a year only
        "The 1998 war in Aleppo killed thousands.",
        "Officials are looking to schedule talks in Aleppo next week.",  # an intention
        "More cases are expected in Aleppo.",  # a forecast
        "In the past six months warplanes have bombed Aleppo.",  # a trend
        "The market in Aleppo is regularly targeted by air strikes.",  # a habit
        "No one was hurt when a shell fell in Aleppo.",  # nothing happened
        # a war's toll of a country, a tally since a turn of events, what is set to take
        # place, a plan's capacity
        "The ongoing war in Syria has left an estimated 220000 dead in Aleppo.",
        "In Idlib hundreds were killed since the breakdown of a ceasefire.",
        "A protest in Aleppo is planned, set to take place on Friday.",
        "Officials in Aleppo are prepared to handle 48,000 deaths in a pandemic.",
    ],
)
def test_background_intentions_and_non_events_give_no_event(text) -> None:
    assert events_of(text, published=date(2016, 9, 8)) == []


def test_a_full_earlier_date_is_still_an_event() -> None:
    text = "Warplanes struck Aleppo on 3 March 2015."
    (event,) = events_of(text, published=date(2016, 9, 8))
    assert event.event_date == date(2015, 3, 3)


def test_a_related_news_block_gives_no_event() -> None:
    text = (
        "Warplanes struck Aleppo on Monday.\n"
        "Related Rebels Shell Idlib Market As Talks Stall Air Strikes Hit Atareb"
    )
    events = events_of(text)
    assert [e.location.place.name for e in events] == ["Aleppo"]


def test_an_old_date_is_not_lent_to_the_next_sentence() -> None:
    # a scene continues days, not months: the date of the sentence before is not lent
    text = "On 3 March the town was calm and rebels met. Warplanes struck Aleppo."
    (event,) = events_of(text, published=date(2016, 9, 8))
    assert event.event_date == date(2016, 9, 8) and not event.date_from_text


def test_the_base_of_the_attackers_is_not_the_place_of_the_strike() -> None:
    text = "Aircraft from Idlib struck Aleppo on Monday."
    (event,) = events_of(text)
    assert event.location.place.name == "Aleppo"


def test_a_capital_launching_strikes_is_the_actor() -> None:
    text = "Damascus launched air strikes on Atareb."
    places = resolve(text)
    assert [e.location.place.name for e in events_of(text)] == ["Al Atarib"]
    assert places  # Atareb is known to the helper


@pytest.mark.parametrize(
    ("sentence", "killed"),
    [
        ("Three suicide bombers killed at least two people.", 2),
        ("Two gunmen killed five villagers.", 5),
        ("Three people were killed.", 3),
    ],
)
def test_the_dead_are_the_victims_not_the_attackers(sentence, killed) -> None:
    assert casualties(sentence).killed == killed


IRAQ = Place(99237, "Iraq", 33.0, 44.0, "IQ", None, None, "country", 29000000)
LEBANON = Place(272103, "Lebanon", 33.8, 35.8, "LB", None, None, "country", 4000000)


def _with_countries(text: str) -> list[ResolvedMention]:
    out = resolve(text)
    for name, place in (("Iraq", IRAQ), ("Lebanon", LEBANON)):
        start = text.find(name)
        if start >= 0:
            out.append(ResolvedMention(Mention(start, start + len(name), name), place))
    return sorted(out, key=lambda p: p.mention.start)


def test_a_list_of_countries_with_the_articles_own_is_not_split() -> None:
    text = "Rebels fought in Aleppo and Idlib. Fighting raged in Syria and Iraq on Monday."
    events = extract_events("a", text, sentences_of(text), _with_countries(text), THURSDAY)
    assert {e.location.place.country_code for e in events} == {"SY"}
    # a list of other countries is split
    text = "Rebels fought in Aleppo and Idlib. Fighting raged in Iraq and Lebanon on Monday."
    events = extract_events("a", text, sentences_of(text), _with_countries(text), THURSDAY)
    assert {"IQ", "LB"} <= {e.location.place.country_code for e in events}


def test_a_report_of_a_campaign_stepped_up_is_still_a_report() -> None:
    text = "Five civilians were killed in Aleppo on Sunday as the army stepped up its campaign."
    assert len(events_of(text)) == 1


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # local papers report the gatherings of their towns
        ("The library's annual book sale runs through Saturday.", "community"),
        ("The awards were presented at the school on Thursday.", "community"),
        ("Students met for the honor band and vocal clinic.", "community"),
        ("The band placed first at the district competition.", "community"),
        ("Thousands came to the county fair.", "community"),
        # the same words as something else
        ("The arms sale to the kingdom was approved.", None),
        ("He did not get a fair trial.", None),
        ("The health clinic treated 40 patients.", None),
        ("Shelling hit the festival grounds.", "shelling"),  # violence still wins
        ("The attack came ahead of the Eid festival.", "clash"),  # even a bare "attack"
        ("Two were killed at the festival.", "other"),  # and a toll
        # a kind of gathering, the trade's words, a gathering to come
        ("Committees work on community events such as festivals and parades.", None),
        ("The theatre was sold to a concert promoter.", None),
        ("Turkey, in concert with Russia, brokered the truce.", "diplomacy"),
        ("E-book sales rose four percent.", None),
        ("The national competition authority fined the firm.", None),
        ("Ahead of the Eid festival, the two sides held talks.", "diplomacy"),
    ],
)
def test_community_gatherings_are_events(sentence, expected) -> None:
    assert classify_sentence(sentence) == expected, sentence


def test_a_gathering_to_come_is_no_event() -> None:
    assert events_of("The fundraiser in Aleppo is scheduled for 6:30 p.m.") == []


def test_a_bare_toll_never_takes_the_type_of_a_gathering() -> None:
    # an article about a festival where people died: the toll is a death, not a festival
    text = "A festival opened in Aleppo on Monday. In Idlib five people were killed."
    types = {e.location.place.name: e.event_type for e in events_of(text)}
    assert types == {"Aleppo": "community", "Idlib": "other"}


def test_where_a_group_came_from_is_not_where_it_gathered() -> None:
    # "students from X were at Y": X is their home; with no place of its own the
    # gathering takes the place the sentence before names
    text = "A school in Aleppo hosted guests. Students from Idlib were there for the band clinic."
    (event,) = events_of(text)
    assert event.event_type == "community"
    assert event.location.place.geonameid == ALEPPO.geonameid


def test_the_happening_named_again_with_the_is_the_one_told() -> None:
    # "at the festival" with no place of its own tells more of the festival told before,
    # not of a new one at the town the sentences before name
    text = (
        "A music festival opened in Aleppo on Monday. Rain fell on Atareb overnight. "
        "The roads of Atareb were wet. Buses ran late. Crowds stayed late at the festival."
    )
    events = events_of(text)
    assert [e.location.place.name for e in events] == ["Aleppo"]


def test_what_was_scheduled_and_happened_is_still_an_event() -> None:
    # "scheduled for" marks a gathering to come, not talks that were held or derailed
    (event,) = events_of("Clashes in Aleppo derailed talks scheduled for Monday.")
    assert event.event_type == "clash"


def test_officials_from_a_place_speak_for_it() -> None:
    # unlike students or delegates from a town, officials from a country are its own
    (event,) = events_of("Health officials from Syria confirmed fifteen new cases of cholera.")
    assert event.location.place.name == "Syria"


def test_the_second_happening_named_with_the_is_another() -> None:
    text = (
        "A festival opened in Aleppo on Monday. Rain fell on Atareb overnight. "
        "The roads of Atareb were wet. Buses ran late. Crowds came to the second festival."
    )
    assert [e.location.place.name for e in events_of(text)] == ["Aleppo", "Al Atarib"]


def test_contracted_is_a_disease_only_where_the_article_speaks_of_one() -> None:
    # the word of contracts: "20 percent of contracted amounts" in a report on water
    water = "Pumping in Aleppo was cut to 20 percent of contracted amounts."
    assert events_of(water) == []
    (event,) = events_of("Two nurses in Aleppo contracted the virus.")
    assert event.event_type == "disease"


def test_a_place_of_civilians_hit_is_a_harm_of_the_kind_reported() -> None:
    # "another hospital was hit": the means are the report's, as a toll's are
    text = "Air strikes hit Aleppo on Monday. Another hospital was hit on Tuesday in Idlib."
    types = {e.location.place.name: e.event_type for e in events_of(text)}
    assert types == {"Aleppo": "airstrike", "Idlib": "airstrike"}
    assert classify_sentence("The school was hit by lightning.") is None


# --- a foreign state named bare acts; a happening abroad takes a preposition of place ---

RUSSIA = Place(2017370, "Russia", 60.0, 100.0, "RU", None, None, "country", 140702000)
TURKEY = Place(298795, "Turkey", 39.0, 35.0, "TR", None, None, "country", 77804122)
WASHINGTON = Place(4140963, "Washington", 38.89511, -77.03637, "US", "Washington, D.C.", "DC",
                   "city", 601723)  # fmt: skip
ANKARA = Place(323786, "Ankara", 39.91987, 32.85427, "TR", "Ankara", "68", "city", 3517182)
FOREIGN_STATES = {"Russia": RUSSIA, "Turkey": TURKEY, "Washington": WASHINGTON, "Ankara": ANKARA}


def _with_foreign_states(text: str) -> list[ResolvedMention]:
    places = resolve(text)
    for name, place in FOREIGN_STATES.items():
        for m in re.finditer(rf"\b{name}\b", text):
            places.append(ResolvedMention(Mention(m.start(), m.end(), name), place, name, 0.9))
    return sorted(places, key=lambda p: p.mention.start)


def _foreign_events(text: str) -> list[str]:
    found = extract_events("a", text, sentences_of(text), _with_foreign_states(text), THURSDAY)
    return sorted(e.location.place.name for e in found if e.location.place.country_code != "SY")


@pytest.mark.parametrize(
    "text",
    [
        # a country as the doer of a strike told elsewhere
        "Shelling hit Aleppo on Monday. Warplanes of either Russia or the government "
        "carried out six strikes on a school complex.",
        # a country as the one blamed
        "A convoy was bombed near Aleppo on Monday. He said Russia should be investigated "
        "for the attack on the convoy.",
    ],
)
def test_a_foreign_state_named_bare_is_no_place_of_the_happening(text) -> None:
    assert _foreign_events(text) == []


def test_a_foreign_capital_named_bare_is_its_government() -> None:
    from geo.event.events import _state_acting

    text = "The ministry called on Washington to weigh in. Talks were held in Washington."
    asked, host = (p for p in _with_foreign_states(text) if p.mention.text == "Washington")
    assert _state_acting(text, asked, "SY")
    assert not _state_acting(text, host, "SY")
    # the article's own country is never judged so, nor a happening with no doer
    assert not _state_acting(text, asked, "US")
    assert not _state_acting(text, asked, "SY", befalls=True)


@pytest.mark.parametrize(
    "text",
    [
        "Shelling hit Aleppo on Monday. Rockets fired by the group also fell in southern "
        "Turkey, killing two people.",
        # the object of an attack is where it landed
        "Shelling hit Aleppo on Monday. Mortar shells also hit Turkey, killing two soldiers.",
        # a part of a place, and a capital after its country's adjective
        "Shelling hit Aleppo on Monday. Turkey's police said a car bomb exploded on the "
        "outskirts of Ankara.",
        "Shelling hit Aleppo on Monday. Turkey's police said a car bomb exploded in the "
        "Turkish capital, Ankara.",
        # a toll counts the dead of the place it names
        "Shelling hit Aleppo on Monday. Turkey's death toll rose to four.",
    ],
)
def test_a_happening_abroad_told_with_its_place_stays_abroad(text) -> None:
    assert set(_foreign_events(text)) in ({"Turkey"}, {"Ankara"})


def test_an_act_of_a_state_still_tells_more_of_the_happening_before() -> None:
    text = (
        "Clashes erupted in Aleppo on Monday. Warplanes of Russia later bombed the area, "
        "killing 12 people."
    )
    found = extract_events("a", text, sentences_of(text), _with_foreign_states(text), THURSDAY)
    assert {e.location.place.name for e in found} == {"Aleppo"}
    assert 12 in [e.killed for e in found]


def test_a_happening_with_no_doer_befalls_the_state_named_bare() -> None:
    # an outbreak is nobody's act: "Turkey's" is where the cases are
    text = "Shelling hit Aleppo on Monday. Turkey's ministry confirmed three new cases of cholera."
    assert _foreign_events(text) == ["Turkey"]


@pytest.mark.parametrize(
    "text",
    [
        "In Aleppo police said Omar Haddad, 41, of Idlib, was charged on Monday.",
        "In Aleppo police said Omar Haddad (41) of Idlib was charged on Monday.",
    ],
)
def test_the_home_an_age_introduces_is_no_place_of_the_happening(text) -> None:
    # court and police reports give a person's age and home: the deed is told apart
    assert "Idlib" not in [e.location.place.name for e in events_of(text)]


def test_a_happening_elsewhere_borrows_no_place_from_its_neighbours() -> None:
    text = (
        "Monitors said warplanes had dropped barrel bombs three times elsewhere in the "
        "country. A car bomb exploded in Aleppo on Monday."
    )
    assert [e.event_type for e in events_of(text)] == ["explosion"]


def test_a_home_named_alone_is_the_place_of_last_resort() -> None:
    text = "Omar Haddad, 41, of Idlib, died in the crash on Monday."
    assert [e.location.place.name for e in events_of(text)] == ["Idlib"]


@pytest.mark.parametrize(
    "sentence",
    [
        "The poodle posed for photos after capturing the Best in Show award in Aleppo.",
        "She captured 60 percent of the vote in Aleppo.",
        "The photographer captured the moment in Aleppo.",
    ],
)
def test_a_prize_a_vote_or_a_moment_captured_is_no_ground_taken(sentence) -> None:
    assert classify_sentence(sentence) != "capture"


@pytest.mark.parametrize(
    "sentence",
    [
        "Rebels captured about 20 percent of the territory near Aleppo.",
        "Troops captured the heart of the old city of Aleppo.",
        "Rebels captured Aleppo, images posted online showed.",
        "Rebels captured the gold-mining town near Aleppo.",
    ],
)
def test_ground_taken_is_still_a_capture(sentence) -> None:
    assert classify_sentence(sentence) == "capture"
