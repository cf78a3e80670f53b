"""The map's focus and the picker of happenings at a clicked point."""

from __future__ import annotations

from geo.view.selection import focus_point, happening_label, happening_picker
from tests.conftest import make_events

HOMS = (34.7324, 36.7137)


def point_with_two_happenings():
    return make_events(
        [
            {"event_id": "a1", "report_group": "g1", "event_date": "2016-10-01",
             "event_type": "shelling", "source": "Reuters", "latitude": HOMS[0],
             "longitude": HOMS[1]},
            {"event_id": "a2", "report_group": "g1", "event_date": "2016-10-01",
             "event_type": "shelling", "source": "CBC", "latitude": HOMS[0],
             "longitude": HOMS[1]},
            {"event_id": "b1", "report_group": "g2", "event_date": "2016-10-05",
             "event_type": "airstrike", "source": "CBC", "latitude": HOMS[0],
             "longitude": HOMS[1]},
            {"event_id": "c1", "report_group": "g3"},  # elsewhere (Aleppo)
        ]
    )  # fmt: skip


def test_the_focus_is_the_events_point():
    frame = make_events([{"event_id": "e1"}, {"event_id": "e2", "latitude": None}])
    assert focus_point(frame, "e1") == (36.2021, 37.1343)
    assert focus_point(frame, "e2") is None  # placed nowhere: the map stays
    assert focus_point(frame, "unknown") is None
    assert focus_point(frame, None) is None


def test_the_picker_lists_each_happening_at_the_point_once():
    frame = point_with_two_happenings()
    picker = happening_picker(frame, HOMS, "a2")
    assert picker.labels == {
        "a1": "2016-10-01 · shelling · Reuters (+1)",
        "b1": "2016-10-05 · airstrike · CBC",
    }
    assert picker.current == "a1"  # a2 is a report of the first happening
    assert happening_picker(frame, HOMS, "b1").current == "b1"


def test_no_picker_without_a_choice():
    frame = point_with_two_happenings()
    assert happening_picker(frame, None, "a1") is None  # no click (a table row, a link)
    assert happening_picker(frame, HOMS, None) is None
    assert happening_picker(frame, HOMS, "c1") is None  # selected elsewhere since
    one = frame[frame["report_group"] != "g2"]
    assert happening_picker(one, HOMS, "a1") is None  # one happening only


def test_a_label_of_an_undated_report():
    frame = make_events([{"event_date": None, "event_type": "siege", "source": "AP"}])
    assert happening_label(frame) == "undated · siege · AP"
