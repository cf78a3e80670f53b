"""The events table's columns, and which event a chosen row is."""

from __future__ import annotations

from geo.schema import empty_events_frame
from geo.view.table import COLUMNS, event_of_row, table_frame
from tests.conftest import make_events


def test_one_row_per_event_in_the_frame_order_with_its_columns():
    frame = make_events(
        [
            {"event_id": "e1", "event_date": "2016-11-08", "source": "Reuters", "sentence": "A."},
            {"event_id": "e2", "event_date": "2016-11-09", "source": "CBC", "mention": "Halab"},
        ]
    )
    table = table_frame(frame)
    assert list(table.columns) == list(COLUMNS)
    assert list(table["date"]) == ["2016-11-08", "2016-11-09"]
    assert list(table["publisher"]) == ["Reuters", "CBC"]
    assert list(table["as written"]) == ["Aleppo", "Halab"]
    assert event_of_row(frame, [1]) == "e2"


def test_only_http_links_and_no_link_column_without_one():
    frame = make_events(
        [
            {"event_id": "e1", "url": "javascript:alert(1)"},
            {"event_id": "e2", "url": "https://example.org/a"},
        ]
    )
    links = table_frame(frame)["article"]
    assert links.isna().tolist() == [True, False] and links[1] == "https://example.org/a"
    bare = make_events([{"event_id": "e1", "url": "data:text/html,x"}, {"url": None}])
    assert "article" not in table_frame(bare).columns


def test_no_row_or_a_row_past_the_events_selects_nothing():
    frame = make_events([{"event_id": "e1"}])
    assert event_of_row(frame, []) is None
    assert event_of_row(frame, None) is None
    assert event_of_row(frame, [3]) is None  # the selection outlived a filter
    assert event_of_row(frame, [-1]) is None
    assert table_frame(empty_events_frame()).empty


def test_undated_events_come_last_as_undated_and_months_show_as_months():
    from geo.view.table import table_order

    frame = make_events(
        [
            {"event_id": "u", "event_date": None},
            {"event_id": "m", "event_date": "2016-10-01", "date_precision": "month"},
            {"event_id": "d", "event_date": "2016-11-08"},
        ]
    )
    ordered = table_order(frame)
    assert list(ordered["event_id"]) == ["m", "d", "u"]
    assert list(table_frame(ordered)["date"]) == ["2016-10", "2016-11-08", "undated"]
    assert event_of_row(ordered, [2]) == "u"


def test_date_labels_sort_as_text_in_date_order():
    """A reader sorts the table by clicking its date column: the labels sort as text."""
    from geo.view.table import UNDATED, date_label

    labels = [
        date_label("2015-06-01", "year"),
        date_label("2016-03-01", "month"),
        date_label("2016-03-07", "week"),
        date_label("2016-03-09", "day"),
        date_label("2016-12-01", "month"),
        date_label(None, "day"),
    ]
    assert labels == ["2015", "2016-03", "2016-03-07 (week)", "2016-03-09", "2016-12", UNDATED]
    assert sorted(labels) == labels


def test_countries_are_named_not_coded():
    frame = make_events([{"country_code": "SY"}, {"country_code": None}])
    assert list(table_frame(frame)["country"]) == ["Syria", ""]


def test_a_town_and_its_province_of_one_name_are_shown_in_one_spelling():
    from geo.view.table import place_name, region_label

    frame = make_events(
        [
            {"place": "Ḩamāh", "admin1": "Hama", "precision": "city"},
            {"place": "Hama", "admin1": "Hama", "precision": "admin1"},
            {"place": "Dar‘ā", "admin1": "Daraa"},
            {"place": "Damascus", "admin1": "Dimashq"},  # another word: kept
            {"place": "Aleppo", "admin1": None},
        ]
    )
    assert list(table_frame(frame)["place"]) == ["Hama", "Hama", "Daraa", "Damascus", "Aleppo"]
    assert place_name(None, "Hama") == ""
    assert region_label("SY/Aleppo") == "Syria · Aleppo"
    assert region_label("SY") == "Syria"
