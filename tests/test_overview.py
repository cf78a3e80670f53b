"""The list beside the map, the totals and the reliability line (geo.view.overview), on
invented events."""

from __future__ import annotations

import pandas as pd
import pytest

from geo.schema import empty_events_frame
from geo.view.overview import (
    NO_ACTOR,
    Bounds,
    bounds_from_folium,
    grand_total,
    in_bounds,
    independent_sources,
    newest_first,
    reliability_text,
    totals,
)
from tests.conftest import make_events


def ids(frame: pd.DataFrame) -> list[str]:
    return list(frame["event_id"])


def _box(south, west, north, east) -> dict:
    return {"bounds": {"_southWest": {"lat": south, "lng": west},
                       "_northEast": {"lat": north, "lng": east}}}  # fmt: skip


def test_folium_bounds_are_read_wrapped_and_bad_ones_refused():
    assert bounds_from_folium(_box(30, 35, 40, 45)) == Bounds(30, 35, 40, 45)
    # panned once round the world eastwards: the same box
    assert bounds_from_folium(_box(30, 395, 40, 405)) == Bounds(30, 35, 40, 45)
    # across the antimeridian: west > east
    assert bounds_from_folium(_box(-50, 170, -30, 190)) == Bounds(-50, 170, -30, -170)
    assert bounds_from_folium(_box(-85, -400, 85, 400)).whole_world
    assert bounds_from_folium(None) is None
    assert bounds_from_folium({"bounds": {"_southWest": {"lat": 1}}}) is None
    assert bounds_from_folium(_box(40, 35, 30, 45)) is None  # south above north
    assert bounds_from_folium(_box(float("nan"), 35, 40, 45)) is None
    assert bounds_from_folium(_box(30, 35, 30, 35)) is None  # not laid out yet


def test_only_the_events_in_the_view_are_listed():
    frame = make_events(
        [
            {"latitude": 36.2, "longitude": 37.1},  # Aleppo
            {"latitude": 33.5, "longitude": 36.3},  # Damascus
            {"latitude": -41.3, "longitude": 174.8},  # Wellington
            {"latitude": -17.7, "longitude": -178.0},  # Fiji, east of the antimeridian
            {"latitude": None, "longitude": None},
        ]
    )
    assert ids(in_bounds(frame, Bounds(35, 36, 37, 38))) == ["e1"]
    assert ids(in_bounds(frame, Bounds(-50, 170, -10, -170))) == ["e3", "e4"]
    assert ids(in_bounds(frame, Bounds(-90, -180, 90, 180))) == ["e1", "e2", "e3", "e4"]
    assert ids(in_bounds(frame, None)) == ids(frame)  # no view reported yet: all


def test_the_list_is_newest_first_one_row_per_happening_undated_last():
    frame = make_events(
        [
            {"event_date": "2016-09-05", "report_group": "g1"},
            {"event_date": "2016-11-08", "report_group": "g2", "published": "2016-11-09"},
            {"event_date": None},
            {"event_date": "2016-11-08", "report_group": "g2", "published": "2016-11-10"},
            {"event_date": "2016-10-01"},
        ]
    )
    listed = newest_first(frame)
    assert ids(listed) == ["e4", "e5", "e1", "e3"]  # g2 once, by its latest report
    assert ids(newest_first(frame, limit=2)) == ["e4", "e5"]
    assert newest_first(empty_events_frame()).empty


def test_totals_count_a_happening_once_at_its_largest_toll():
    frame = make_events(
        [
            # one airstrike, two reports with different tolls
            {"event_type": "airstrike", "report_group": "g1", "killed": 12,
             "actors": "Syrian government forces; Russia", "source": "Reuters"},
            {"event_type": "airstrike", "report_group": "g1", "killed": 15,
             "actors": "Syrian government forces", "source": "CBC"},
            {"event_type": "clash", "killed": 3, "actors": "rebels", "source": "Reuters"},
            {"event_type": "airstrike", "killed": None, "actors": "", "source": "Reuters"},
        ]
    )  # fmt: skip
    by_type = totals(frame, "type").set_index("type")
    assert by_type.loc["airstrike"].to_dict() == {"events": 2, "deaths": 15}
    assert by_type.loc["clash"].to_dict() == {"events": 1, "deaths": 3}
    assert list(totals(frame, "type")["type"]) == ["airstrike", "clash"]  # most events first
    by_actor = totals(frame, "actor").set_index("actor")
    assert by_actor.loc["Syrian government forces"].to_dict() == {"events": 1, "deaths": 15}
    assert by_actor.loc["Russia"].to_dict() == {"events": 1, "deaths": 12}
    assert by_actor.loc[NO_ACTOR, "events"] == 1
    by_publisher = totals(frame, "publisher").set_index("publisher")
    assert by_publisher.loc["Reuters"].to_dict() == {"events": 3, "deaths": 15}
    assert by_publisher.loc["CBC"].to_dict() == {"events": 1, "deaths": 15}
    assert grand_total(frame) == (3, 18)
    assert totals(empty_events_frame(), "actor").empty
    assert grand_total(empty_events_frame()) == (0, 0)


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ({"confidence": 0.82, "report_count": 3, "reported_by": "Reuters; CBC; Reuters",
          "source": "Reuters"}, "confidence high (0.82) · 3 reports from 2 independent publishers"),
        ({"confidence": 0.4, "report_count": 1, "reported_by": "", "source": "RHC"},
         "confidence medium (0.40) · 1 report from 1 publisher"),
        ({"confidence": None, "report_count": None, "reported_by": None, "source": None},
         "1 report"),
        ({"confidence": 0.1, "report_count": 2, "reported_by": "AP; ap", "source": "AP"},
         "confidence low (0.10) · 2 reports from 1 publisher"),
    ],
)  # fmt: skip
def test_reliability_says_how_sure_and_how_many_independent_sources(row, expected):
    assert reliability_text(row) == expected


def test_independent_sources_fall_back_on_the_events_publisher():
    assert independent_sources({"reported_by": "", "source": "CBC"}) == 1
    assert independent_sources({"reported_by": "A; B; C", "source": "A"}) == 3
