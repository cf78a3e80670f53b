"""The timeline's data, its brush read back, and stepping through the period."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from geo.view.timeline import (
    BRUSH,
    brushed_window,
    clamp_into,
    clamp_range,
    daily_counts,
    selected_range,
    step_window,
    timeline_chart,
    window_after_change,
    window_from_link,
)
from tests.conftest import make_events


def test_daily_counts_stack_by_type_or_publisher():
    frame = make_events(
        [
            {"event_date": "2016-11-08", "event_type": "airstrike", "source": "A"},
            {"event_date": "2016-11-08", "event_type": "airstrike", "source": "B"},
            {"event_date": "2016-11-08", "event_type": "talks", "source": "B"},
            {"event_date": "2016-11-09", "event_type": "shelling", "source": "A"},
            {"event_date": None, "event_type": "shelling", "source": "A"},
        ]
    )
    by_type = daily_counts(frame, "type")
    assert by_type.to_dict("records") == [
        {"day": pd.Timestamp("2016-11-08"), "group": "airstrike", "events": 2},
        {"day": pd.Timestamp("2016-11-08"), "group": "other", "events": 1},
        {"day": pd.Timestamp("2016-11-09"), "group": "shelling", "events": 1},
    ]
    by_source = daily_counts(frame, "publisher")
    assert by_source["events"].sum() == 4
    assert set(by_source["group"]) == {"A", "B"}
    assert daily_counts(frame.iloc[0:0]).empty


def test_chart_has_a_brush_over_the_days(events):
    spec = timeline_chart(daily_counts(events)).to_dict()
    assert spec["params"][0]["name"] == BRUSH
    assert spec["params"][0]["select"]["encodings"] == ["x"]
    assert spec["encoding"]["x"]["field"] == "day"
    # one canvas, not an element per bar (Streamlit's embed reads usermeta.embedOptions)
    assert spec["usermeta"]["embedOptions"]["renderer"] == "canvas"


@pytest.mark.parametrize(
    ("selection", "expected"),
    [
        (
            {"selection": {BRUSH: {"day": [1478563200000, 1478736000000]}}},
            (date(2016, 11, 8), date(2016, 11, 10)),
        ),
        (
            {"selection": {BRUSH: {"day": ["2016-11-10", "2016-11-08"]}}},
            (date(2016, 11, 8), date(2016, 11, 10)),
        ),
        ({"selection": {BRUSH: {}}}, None),
        ({"selection": {}}, None),
        ({"selection": {BRUSH: {"day": ["soon", 3]}}}, None),
        (None, None),
    ],
)
def test_selected_range_reads_the_brush(selection, expected):
    assert selected_range(selection) == expected


def test_clamp_range():
    bounds = (date(2016, 9, 1), date(2016, 12, 1))
    assert clamp_range((date(2016, 8, 1), date(2016, 9, 10)), bounds) == (
        date(2016, 9, 1),
        date(2016, 9, 10),
    )
    assert clamp_range((date(2017, 1, 1), date(2017, 2, 1)), bounds) is None


def test_stepping_through_the_period():
    bounds = (date(2016, 9, 1), date(2016, 9, 20))
    first = step_window(bounds, bounds, 7)
    assert first == (date(2016, 9, 1), date(2016, 9, 7))
    second = step_window(first, bounds, 7)
    assert second == (date(2016, 9, 8), date(2016, 9, 14))
    third = step_window(second, bounds, 7)
    assert third == (date(2016, 9, 15), date(2016, 9, 20))  # cut at the end
    assert step_window(third, bounds, 7) == third  # the end: no going round to the start
    assert step_window(second, bounds, 7, forward=False) == first
    assert step_window(first, bounds, 7, forward=False) == first
    assert step_window(bounds, bounds, 7, forward=False) == (date(2016, 9, 14), date(2016, 9, 20))
    assert step_window(first, bounds, 1) == (date(2016, 9, 1), date(2016, 9, 1))


# --- keeping the date window inside the data's period ------------------------------------------

PERIOD = (date(2016, 9, 1), date(2016, 11, 30))


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        ((date(2016, 10, 1), date(2016, 10, 7)), (date(2016, 10, 1), date(2016, 10, 7))),
        ((date(2016, 8, 1), date(2016, 9, 10)), (date(2016, 9, 1), date(2016, 9, 10))),
        ((date(2016, 11, 20), date(2017, 1, 1)), (date(2016, 11, 20), date(2016, 11, 30))),
        # wholly outside: the nearest day of the period, never an empty window
        ((date(2015, 1, 1), date(2015, 2, 1)), (date(2016, 9, 1), date(2016, 9, 1))),
        ((date(2017, 1, 1), date(2017, 2, 1)), (date(2016, 11, 30), date(2016, 11, 30))),
    ],
)
def test_clamp_into_keeps_a_window_inside_the_period(chosen, expected):
    assert clamp_into(chosen, PERIOD) == expected


def test_a_link_window_fills_open_ends_with_the_period():
    assert window_from_link(None, None, PERIOD) is None
    assert window_from_link(date(2016, 10, 1), None, PERIOD) == (date(2016, 10, 1), PERIOD[1])
    assert window_from_link(None, date(2016, 10, 1), PERIOD) == (PERIOD[0], date(2016, 10, 1))
    assert window_from_link(date(2014, 1, 1), date(2014, 2, 1), PERIOD) == (PERIOD[0], PERIOD[0])


def test_the_whole_period_follows_new_data_and_a_window_stays():
    wider = (PERIOD[0], date(2018, 5, 5))
    assert window_after_change(PERIOD, PERIOD, wider) == wider
    week = (date(2016, 10, 1), date(2016, 10, 7))
    assert window_after_change(week, PERIOD, wider) == week
    assert window_after_change(week, None, wider) == week  # the first run: nothing before
    narrower = (date(2016, 10, 3), date(2016, 11, 30))
    assert window_after_change(week, PERIOD, narrower) == (date(2016, 10, 3), date(2016, 10, 7))


def test_a_brush_sets_the_dates_only_over_the_data():
    brush = (date(2016, 8, 20), date(2016, 9, 5))
    assert brushed_window(brush, PERIOD) == (date(2016, 9, 1), date(2016, 9, 5))
    assert brushed_window((date(2015, 1, 1), date(2015, 2, 1)), PERIOD) is None
    assert brushed_window(None, PERIOD) is None
    assert brushed_window(brush, None) is None
    one_day = (date(2016, 9, 1), date(2016, 9, 1))
    assert brushed_window(one_day, one_day) is None  # no slider to set


def test_steps_skip_the_weeks_without_events_and_stop_at_the_last():
    bounds = (date(2014, 1, 1), date(2016, 12, 31))
    days = [date(2014, 1, 3), date(2015, 6, 10), date(2016, 12, 30)]
    first = step_window(bounds, bounds, 7, event_days=days)
    assert first == (date(2014, 1, 1), date(2014, 1, 7))
    second = step_window(first, bounds, 7, event_days=days)
    assert second[0] <= date(2015, 6, 10) <= second[1]  # 74 empty weeks skipped
    last = step_window(second, bounds, 7, event_days=days)
    assert last[0] <= date(2016, 12, 30) <= last[1]
    assert step_window(last, bounds, 7, event_days=days) == last  # ▶ at the end stays
    assert step_window(second, bounds, 7, forward=False, event_days=days) == first


def test_the_axis_shows_years_on_long_spans_and_never_hours():
    from geo.view.timeline import axis_format

    assert axis_format(date(2011, 3, 1), date(2018, 1, 1)) == "%Y"
    assert axis_format(date(2016, 4, 1), date(2017, 10, 1)) == "%b %Y"
    assert "%H" not in axis_format(date(2016, 9, 1), date(2016, 9, 7))
    assert "%I" not in axis_format(date(2016, 9, 1), date(2016, 9, 7))


def test_the_chart_axis_has_years_a_whole_day_step_and_a_legend_below():
    from geo.view.timeline import daily_counts, timeline_chart
    from tests.conftest import make_events

    rows = [{"event_date": f"{year}-06-01", "event_type": "shelling"} for year in (2012, 2016)]
    spec = timeline_chart(daily_counts(make_events(rows))).to_dict()
    axis = spec["encoding"]["x"]["axis"]
    assert axis["format"] == "%Y" and axis["tickMinStep"] == 24 * 3600 * 1000
    assert spec["encoding"]["color"]["legend"]["labelLimit"] >= 180


def test_publisher_colours_are_not_event_type_colours():
    from geo.view.mapview import TYPE_COLORS
    from geo.view.timeline import daily_counts, timeline_chart
    from tests.conftest import make_events

    rows = [{"source": f"Publisher {i}", "event_date": "2016-09-01"} for i in range(12)]
    spec = timeline_chart(daily_counts(make_events(rows), "publisher"), "publisher").to_dict()
    used = {c.lower() for c in spec["encoding"]["color"]["scale"]["range"]}
    assert used and not used & {c.lower() for c in TYPE_COLORS.values()}


def test_the_legend_fits_the_chart_height_and_years_are_labelled_once():
    """Issue 14: the legend of 18 event types was cut off below the chart's 150 px, and a
    span of years labelled each quarter's tick with its year ("2015 2015 2015")."""
    from geo.view.mapview import TYPE_COLORS
    from geo.view.timeline import (
        LEGEND_ROW_PX,
        LEGEND_TITLE_PX,
        daily_counts,
        legend_columns,
        timeline_chart,
    )
    from tests.conftest import make_events

    rows = [
        {"event_date": f"{2012 + i % 5}-06-01", "event_type": name}
        for i, name in enumerate(TYPE_COLORS)
    ]
    spec = timeline_chart(daily_counts(make_events(rows)), height=150).to_dict()
    columns = spec["encoding"]["color"]["legend"]["columns"]
    entries = len(spec["encoding"]["color"]["scale"]["domain"])
    assert entries == len(TYPE_COLORS) > (150 - LEGEND_TITLE_PX) // LEGEND_ROW_PX
    assert -(-entries // columns) * LEGEND_ROW_PX + LEGEND_TITLE_PX <= 150
    assert legend_columns(3, 150) == 1 and legend_columns(0, 150) == 1
    axis = spec["encoding"]["x"]["axis"]
    assert axis["format"] == "%Y" and axis["tickCount"] == {"interval": "year", "step": 1}


def test_a_long_period_is_counted_per_week_or_month_and_bars_span_them():
    from geo.view.timeline import period_for

    assert period_for(date(2016, 1, 1), date(2016, 12, 31)) == "day"
    assert period_for(date(2015, 1, 1), date(2017, 6, 1)) == "week"
    assert period_for(date(2011, 1, 1), date(2020, 1, 1)) == "month"
    counts = pd.DataFrame(
        {
            "day": pd.to_datetime(["2016-01-01", "2016-02-01"]),
            "group": ["shelling", "shelling"],
            "events": [3, 4],
        }
    )
    spec = timeline_chart(counts, period="month").to_dict()
    assert spec["encoding"]["x"]["field"] == "day" and spec["encoding"]["x2"]["field"] == "end"
    assert spec["encoding"]["y"]["title"] == "events per month"
    assert spec["params"][0]["name"] == BRUSH  # the brush still reads the days
    assert "x2" not in timeline_chart(counts).to_dict()["encoding"]
