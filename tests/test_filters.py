from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest

from geo.schema import EVENT_COLUMNS, empty_events_frame
from geo.view.filters import (
    MAX_QUERY_LENGTH,
    FilterState,
    apply_filters,
    cited_sources,
    count_label,
    countries,
    date_bounds,
    event_from_query_params,
    event_types,
    precisions,
    publishers,
    share_link,
    state_from_query_params,
    state_to_query_params,
)
from tests.conftest import make_events


def ids(frame: pd.DataFrame) -> list[str]:
    return list(frame["event_id"])


def test_default_state_keeps_every_event(events):
    assert FilterState().is_default
    out = apply_filters(events, FilterState())
    assert ids(out) == ids(events)


def test_date_range_is_inclusive_at_both_ends(events):
    state = FilterState(date_from=date(2016, 10, 1), date_to=date(2016, 11, 8))
    assert ids(apply_filters(events, state)) == ["e2", "e3", "e4", "e5"]


@pytest.mark.parametrize(
    ("date_from", "date_to", "expected"),
    [
        (date(2016, 11, 8), None, ["e3", "e4"]),
        (None, date(2016, 9, 5), ["e1"]),
        (date(2016, 9, 6), date(2016, 9, 30), []),
    ],
)
def test_open_ended_and_empty_date_ranges(events, date_from, date_to, expected):
    state = FilterState(date_from=date_from, date_to=date_to)
    assert ids(apply_filters(events, state)) == expected


def test_events_without_a_date_drop_out_only_when_dates_are_filtered():
    frame = make_events([{"event_date": None}, {"event_date": "2016-10-01"}])
    assert ids(apply_filters(frame, FilterState())) == ["e1", "e2"]
    state = FilterState(date_from=date(2016, 1, 1))
    assert ids(apply_filters(frame, state)) == ["e2"]


def test_time_of_day_does_not_push_an_event_out_of_its_day():
    frame = make_events([{"event_date": "2016-10-01 18:30"}])
    state = FilterState(date_from=date(2016, 10, 1), date_to=date(2016, 10, 1))
    assert ids(apply_filters(frame, state)) == ["e1"]


def test_sources_match_the_publisher_column(events):
    assert ids(apply_filters(events, FilterState(sources=("CBC",)))) == ["e4", "e5"]
    both = FilterState(sources=("CBC", "RHC"))
    assert ids(apply_filters(events, both)) == ["e3", "e4", "e5"]
    assert apply_filters(events, FilterState(sources=("Nobody",))).empty


@pytest.mark.parametrize(
    ("query", "expected", "why"),
    [
        ("aleppo", ["e1", "e3"], "place, any case"),
        ("RUSSIA", ["e5"], "mention"),
        ("cease-fire", ["e5"], "sentence"),
        ("regains", ["e1"], "title"),
        ("  damascus  ", ["e2"], "surrounding blanks ignored"),
        ("a.e", [], "a literal substring, not a regular expression"),
        ("", ["e1", "e2", "e3", "e4", "e5"], "empty search is no filter"),
    ],
)
def test_search_is_a_case_insensitive_substring(events, query, expected, why):
    assert ids(apply_filters(events, FilterState(query=query))) == expected, why


def test_search_survives_missing_text():
    frame = make_events([{"title": None, "sentence": None, "mention": None, "place": "Homs"}])
    assert ids(apply_filters(frame, FilterState(query="homs"))) == ["e1"]
    assert apply_filters(frame, FilterState(query="x")).empty


def test_filters_combine(events):
    state = FilterState(
        date_from=date(2016, 10, 1), date_to=date(2016, 11, 30), sources=("CBC",), query="ram"
    )
    assert ids(apply_filters(events, state)) == ["e4"]


def test_result_keeps_the_schema_and_a_fresh_index(events):
    out = apply_filters(events, FilterState(sources=("CBC",)))
    assert list(out.columns) == list(EVENT_COLUMNS)
    assert list(out.dtypes.astype(str)) == list(events.dtypes.astype(str))
    assert list(out.index) == [0, 1]


def test_empty_frame():
    frame = empty_events_frame()
    state = FilterState(date_from=date(2016, 1, 1), sources=("CBC",), query="x")
    out = apply_filters(frame, state)
    assert out.empty
    assert list(out.columns) == list(EVENT_COLUMNS)
    assert date_bounds(frame) is None
    assert publishers(frame) == []


def test_date_bounds_and_publishers(events):
    assert date_bounds(events) == (date(2016, 9, 5), date(2016, 11, 8))
    assert publishers(events) == ["CBC", "Reuters", "RHC"]


def test_count_label():
    assert [count_label(n) for n in (0, 1, 2, 12)] == [
        "0 events",
        "1 event",
        "2 events",
        "12 events",
    ]


# --- URL -----------------------------------------------------------------------------------


def test_query_params_round_trip():
    state = FilterState(
        date_from=date(2016, 9, 1),
        date_to=date(2016, 11, 30),
        sources=("Radio Habana Cuba", "B & C"),
        query="Aleppo",
    )
    params = state_to_query_params(state)
    assert params == {
        "dates": ["2016-09-01", "2016-11-30"],
        "source": ["Radio Habana Cuba", "B & C"],
        "q": ["Aleppo"],
    }
    assert state_from_query_params(params) == state


def test_default_state_writes_no_parameter():
    assert state_to_query_params(FilterState()) == {}
    assert state_from_query_params({}) == FilterState()


def test_single_string_values_are_accepted():
    params = {"dates": "2016-09-01", "source": "CBC", "q": "x"}
    state = state_from_query_params(params)
    assert state == FilterState(date(2016, 9, 1), date(2016, 9, 1), ("CBC",), "x")


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        (["2016-13-01", "2016-11-30"], (None, date(2016, 11, 30))),
        (["yesterday", "2016-02-30"], (None, None)),
        (["2016-11-30", "2016-09-01"], (date(2016, 9, 1), date(2016, 11, 30))),
        (["", "2016-11-30"], (None, date(2016, 11, 30))),
        (["2016-09-01", ""], (date(2016, 9, 1), None)),
        (["20160901", "2016-9-1"], (None, None)),
        (["2016-09-01", "2016-09-02", "2016-09-03"], (date(2016, 9, 1), date(2016, 9, 2))),
    ],
)
def test_bad_dates_are_ignored_not_an_error(dates, expected):
    state = state_from_query_params({"dates": dates})
    assert (state.date_from, state.date_to) == expected


def test_open_ended_dates_round_trip():
    state = FilterState(date_from=date(2016, 9, 1))
    assert state_to_query_params(state) == {"dates": ["2016-09-01", ""]}
    assert state_from_query_params(state_to_query_params(state)) == state


def test_untrusted_values_are_bounded():
    params = {
        "source": ["", "  ", "CBC", "CBC", *[f"s{i}" for i in range(500)]],
        "q": ["first", "x" * 10_000],
        "other": ["ignored"],
    }
    state = state_from_query_params(params)
    assert state.sources[0] == "CBC"
    assert len(state.sources) == 100
    assert len(state.query) == MAX_QUERY_LENGTH


# --- cited sources, types, countries and regions, precision --------------------------------


def frame_for_facets() -> pd.DataFrame:
    return make_events(
        [
            {
                "cited_sources": "SOHR; White Helmets",
                "event_type": "airstrike",
                "precision": "city",
            },
            {
                "cited_sources": "SANA",
                "event_type": "shelling",
                "country_code": "SY",
                "admin1": "Idlib",
                "precision": "country",
            },
            {
                "cited_sources": None,
                "event_type": "protest",
                "country_code": "FR",
                "admin1": "Île-de-France",
                "precision": "neighbourhood",
            },
            {
                "cited_sources": "",
                "event_type": "airstrike",
                "country_code": None,
                "admin1": None,
                "precision": None,
            },
        ]
    )


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        (FilterState(cited=("SOHR",)), ["e1"]),
        (FilterState(cited=("White Helmets", "SANA")), ["e1", "e2"]),
        (FilterState(cited=("SOHR; White Helmets",)), []),  # names, not the joined cell
        (FilterState(types=("airstrike",)), ["e1", "e4"]),
        (FilterState(countries=("SY",)), ["e1", "e2"]),
        (FilterState(countries=("SY/Idlib",)), ["e2"]),
        (FilterState(countries=("SY/Aleppo", "FR")), ["e1", "e3"]),
        (FilterState(precisions=("city", "neighbourhood")), ["e1", "e3"]),
        (FilterState(types=("airstrike",), countries=("SY",)), ["e1"]),
    ],
)
def test_facet_filters(state, expected):
    assert ids(apply_filters(frame_for_facets(), state)) == expected


def test_facet_choices():
    frame = frame_for_facets()
    assert cited_sources(frame) == ["SANA", "SOHR", "White Helmets"]
    assert event_types(frame) == ["airstrike", "protest", "shelling"]
    assert countries(frame) == ["FR", "FR/Île-de-France", "SY", "SY/Aleppo", "SY/Idlib"]
    assert precisions(frame) == ["country", "city", "neighbourhood"]
    empty = empty_events_frame()
    assert (cited_sources(empty), event_types(empty), countries(empty)) == ([], [], [])


def test_every_filter_round_trips_through_the_url():
    state = FilterState(
        date_from=date(2016, 9, 1),
        date_to=date(2016, 11, 30),
        sources=("Reuters",),
        query="aleppo",
        cited=("SOHR", "SANA"),
        types=("airstrike",),
        countries=("SY", "SY/Aleppo"),
        precisions=("city",),
    )
    params = state_to_query_params(state)
    assert params["cited"] == ["SOHR", "SANA"] and params["country"] == ["SY", "SY/Aleppo"]
    assert state_from_query_params(params) == state


def test_streamlit_writes_slider_dates_as_microseconds():
    params = {"dates": ["1472860800000000", "1473379200000000"]}
    state = state_from_query_params(params)
    assert (state.date_from, state.date_to) == (date(2016, 9, 3), date(2016, 9, 9))
    assert state_from_query_params({"dates": ["9" * 18, ""]}).date_from is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1cc1c0b4d4a4f2a5", "1cc1c0b4d4a4f2a5"),
        (["a", "e-2"], "e-2"),
        ("", None),
        ("<script>", None),
        ("x" * 65, None),
    ],
)
def test_event_parameter(value, expected):
    assert event_from_query_params({"event": value}) == expected
    assert event_from_query_params({}) is None


# --- the share link ----------------------------------------------------------------------------


def test_the_share_link_carries_filters_map_mode_and_event():
    state = FilterState(
        date_from=date(2016, 9, 1),
        date_to=date(2016, 9, 7),
        sources=("Reuters", "A & B"),
        query="old city",
        countries=("SY/Aleppo",),
    )
    link = share_link(
        state, heat=True, event_id="1cc1c0b4", base_url="https://maps.example.org/app?q=x#top"
    )
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc, parts.path, parts.fragment) == (
        "https",
        "maps.example.org",
        "/app",
        "",
    )
    query = parse_qs(parts.query, keep_blank_values=True)
    assert query == {
        "dates": ["2016-09-01", "2016-09-07"],
        "source": ["Reuters", "A & B"],
        "country": ["SY/Aleppo"],
        "q": ["old city"],
        "heat": ["true"],
        "event": ["1cc1c0b4"],
    }
    assert state_from_query_params(query) == state
    assert event_from_query_params(query) == "1cc1c0b4"


def test_the_share_link_of_the_default_view_has_no_query():
    assert share_link(FilterState(), base_url="http://localhost:8501/") == "http://localhost:8501/"
    assert share_link(FilterState()) == ""
    assert share_link(FilterState(query="x"), heat=False, event_id=None) == "?q=x"


def test_the_map_view_goes_into_the_share_link_and_back():
    from geo.view.filters import MapView, map_view_from_query_params

    view = MapView(36.2021, 37.1343, 9)
    link = share_link(FilterState(sources=("A",)), base_url="http://h/", view=view)
    params = parse_qs(urlsplit(link).query)
    assert params["zoom"] == ["9"] and params["source"] == ["A"]
    assert map_view_from_query_params(params) == view


@pytest.mark.parametrize(
    "params",
    [
        {"lat": "36", "lon": "37"},  # no zoom: not guessed
        {"lat": "91", "lon": "37", "zoom": "5"},
        {"lat": "nan", "lon": "37", "zoom": "5"},
        {"lat": "36", "lon": "37", "zoom": "99"},
        {"lat": "x", "lon": "37", "zoom": "5"},
    ],
)
def test_a_malformed_map_view_is_ignored(params):
    from geo.view.filters import map_view_from_query_params

    assert map_view_from_query_params(params) is None


def test_the_view_st_folium_reports_is_read_with_the_longitude_wrapped():
    from geo.view.filters import MapView, map_view_from_folium

    assert map_view_from_folium({"center": {"lat": 10, "lng": 370}, "zoom": 4}) == MapView(
        10.0, 10.0, 4
    )
    assert map_view_from_folium({"last_object_clicked": None}) is None
    assert map_view_from_folium(None) is None


def test_the_copy_button_carries_the_link_as_a_string_that_cannot_end_its_script():
    from geo.view.share import copy_button_html

    link = "http://h/?q=%3C/script%3E&x=</script><img src=x onerror=alert(1)>"
    page = copy_button_html(link)
    assert "</script><img" not in page
    assert page.count("</script>") == 1
    assert "navigator.clipboard.writeText(link)" in page


def test_the_actor_filter_keeps_events_naming_any_chosen_actor_and_round_trips():
    from geo.view.filters import actors

    frame = make_events(
        [
            {"actors": "Islamic State"},
            {"actors": "rebels; Syrian government forces"},
            {"actors": ""},
            {"actors": "Syrian government forces"},
        ]
    )
    assert actors(frame) == ["Islamic State", "rebels", "Syrian government forces"]
    state = FilterState(actors=("Syrian government forces",))
    assert ids(apply_filters(frame, state)) == ["e2", "e4"]
    assert ids(apply_filters(frame, FilterState(actors=("rebels", "Islamic State")))) == [
        "e1",
        "e2",
    ]
    # "rebel" is not "rebels": whole names, not substrings
    assert ids(apply_filters(frame, FilterState(actors=("rebel",)))) == []
    params = state_to_query_params(state)
    assert params["actor"] == ["Syrian government forces"]
    assert state_from_query_params(params) == state
    assert not FilterState(actors=("rebels",)).is_default


def test_the_share_link_carries_the_counts_per_province_and_the_point_size():
    link = share_link(FilterState(), base_url="http://h/", provinces=True, size_by="deaths")
    assert parse_qs(urlsplit(link).query) == {"provinces": ["true"], "size": ["deaths"]}
    assert share_link(FilterState(), size_by="events") == ""  # the default is not written
