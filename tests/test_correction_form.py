"""The correction form's decisions: its subject, the pin, and when it can be saved."""

from __future__ import annotations

import math

import pytest

from geo.view.correction_form import (
    ANOTHER_PLACE,
    DROPPED_PIN,
    NOT_A_PLACE,
    can_save,
    dropped_pin,
    pin_start,
    saved_message,
    subject_of,
    undone_message,
)
from tests.conftest import make_events


def test_the_subject_is_the_name_as_written_and_its_place():
    event = make_events([{"mention": "Halab", "place": "Aleppo"}]).iloc[0]
    subject = subject_of(event)
    assert (subject.mention, subject.place, subject.country_code) == ("Halab", "Aleppo", "SY")
    assert subject.point == (36.2021, 37.1343)
    assert pin_start(subject) == subject.point


def test_an_event_placed_nowhere_gets_a_valid_pin_to_move():
    event = make_events(
        [{"mention": None, "place": "Ar Raqqah", "latitude": None, "longitude": math.nan,
          "country_code": None, "precision": None}]
    ).iloc[0]  # fmt: skip
    subject = subject_of(event)
    assert subject.mention == "Ar Raqqah"  # no mention: the place's name
    assert (subject.country_code, subject.precision, subject.point) == ("", "", None)
    assert pin_start(subject) == (0.0, 0.0)  # never NaN in the coordinate inputs


def test_a_new_click_drops_the_pin_and_a_repeated_one_does_not():
    click = {"lat": 34.123456789, "lng": 36.987654321}
    assert dropped_pin(click, None) == (34.123457, 36.987654)
    assert dropped_pin(click, dict(click)) is None  # st_folium repeats its last click
    assert dropped_pin(None, None) is None
    assert dropped_pin({"lat": None, "lng": 1.0}, None) is None


@pytest.mark.parametrize(
    ("choice", "candidates", "ready"),
    [
        (ANOTHER_PLACE, [], False),
        (ANOTHER_PLACE, ["a place"], True),
        (DROPPED_PIN, [], True),
        (NOT_A_PLACE, [], True),
    ],
)
def test_only_a_complete_correction_can_be_saved(choice, candidates, ready):
    assert can_save(choice, candidates) is ready


def test_an_unknown_choice_is_an_error():
    with pytest.raises(ValueError, match="somewhere"):
        can_save("somewhere", [])


def test_the_reports_say_what_moved():
    assert saved_message(3, 2) == "Correction 3 saved: 2 place mention(s) changed."
    assert undone_message(3, None) == "Correction 3 removed: 0 place mention(s) changed back."


def test_the_sentence_beside_the_form_is_escaped_with_its_place_marked():
    from geo.view.correction_form import sentence_html

    page = sentence_html(
        {"sentence": "Shells hit <b>Homs</b> today.", "mention": "Homs", "source": "<i>X</i>"}
    )
    assert "&lt;b&gt;<mark>Homs</mark>&lt;/b&gt;" in page
    assert "<i>" not in page and "&lt;i&gt;X&lt;/i&gt;" in page
    assert "no sentence" in sentence_html({"sentence": None})


def test_town_labels_are_escaped_and_always_shown():
    from geo.models import Place
    from geo.view.correction_form import labels_layer

    group = labels_layer([Place(None, "<img src=x>", 36.2, 37.1, "SY")])
    import folium

    m = folium.Map()
    group.add_to(m)
    page = m.get_root().render()
    assert "<img src=x>" not in page and "&lt;img src=x&gt;" in page
    assert '"permanent": true' in page
