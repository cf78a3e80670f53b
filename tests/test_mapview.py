from __future__ import annotations

import json
import re

import folium
import pandas as pd
import pytest

from geo.schema import empty_events_frame
from geo.view.assets import OWN_FILES
from geo.view.export import events_geojson as events_to_geojson
from geo.view.mapview import (
    APPROXIMATE_M,
    BASEMAPS,
    LABELS_PER_COUNTRY,
    MAX_DEATHS_RADIUS,
    MAX_EVENTS_PER_POPUP,
    NO_DEATHS_RADIUS,
    TYPE_COLORS,
    UNCERTAINTY_M,
    base_map,
    bounds,
    build_map,
    count_class,
    count_radius,
    deaths_radius,
    event_countries,
    event_layers,
    events_at,
    events_layer,
    format_event_date,
    gazetteer_admin1_centre,
    heat_points,
    label_min_zoom,
    map_features,
    markers,
    pin_layer,
    province_counts,
    safe_http_url,
    standalone_html,
    town_labels,
)
from tests.conftest import make_events

HOSTILE = {
    "place": '<img src=x onerror="alert(1)">',
    "mention": "<b>Aleppo</b>",
    "sentence": 'Shelling hit <b>Aleppo</b> <script>alert("x")</script></div> today.',
    "source": "<i>Evil</i> & Co",
    "title": "</a><script>alert(2)</script>",
    "event_type": "<svg onload=alert(3)>",
    "url": 'https://example.org/a?b="><script>alert(4)</script>',
}


# The map's own code, served by the app (geo/view/assets.py) and called by the page.
MAP_JS = (OWN_FILES / "geo-map.js").read_text(encoding="utf-8")
MAP_CSS = (OWN_FILES / "geo-map.css").read_text(encoding="utf-8")
MAP_JS_URL = '<script src="/app/static/vendor/geo/geo-map.js">'
MAP_CSS_URL = '<link rel="stylesheet" href="/app/static/vendor/geo/geo-map.css"/>'


def render(m: folium.Map) -> str:
    return m.get_root().render()


def popup_of(frame: pd.DataFrame, index: int = 0) -> str:
    return map_features(frame)["features"][index]["properties"]["popup"]


# --- GeoJSON -------------------------------------------------------------------------------


def test_geojson_is_longitude_first():
    frame = make_events(
        [{"latitude": 36.2, "longitude": 37.1}, {"latitude": -33.9, "longitude": 18.4}]
    )
    for collection in (events_to_geojson(frame), map_features(frame)):
        coords = [f["geometry"]["coordinates"] for f in collection["features"]]
        assert coords == [[37.1, 36.2], [18.4, -33.9]]


def test_export_geojson_keeps_raw_values_as_json():
    frame = make_events([{"url": None, "geonameid": None, "sentence": "a <b> & c"}])
    feature = events_to_geojson(frame)["features"][0]
    props = feature["properties"]
    assert "latitude" not in props and "longitude" not in props
    assert props["event_date"] == "2016-11-08"
    assert props["url"] is None and props["geonameid"] is None
    assert props["sentence"] == "a <b> & c"  # raw: escaping is the renderer's job
    assert props["is_primary"] is True
    json.dumps(events_to_geojson(frame), allow_nan=False)


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [(None, 37.0), (36.0, None), (91.0, 0.0), (0.0, 181.0), (float("nan"), 0.0)],
)
def test_events_without_valid_coordinates_are_left_out(latitude, longitude):
    frame = make_events([{"latitude": latitude, "longitude": longitude}, {}])
    assert len(events_to_geojson(frame)["features"]) == 1
    assert len(map_features(frame)["features"]) == 1


# --- escaping and links ----------------------------------------------------------------------


def test_article_text_is_escaped_in_popups_and_tooltips():
    frame = make_events([HOSTILE])
    props = map_features(frame)["features"][0]["properties"]
    for html_text in (props["popup"], props["tooltip"]):
        for raw in ("<script", "<img", "<svg", "<i>", "</div> today", "</a><script"):
            assert raw not in html_text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in props["popup"]
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in props["popup"]
    assert "&lt;i&gt;Evil&lt;/i&gt; &amp; Co" in props["popup"]
    assert "&lt;svg onload=alert(3)&gt;" in props["popup"]
    # the mention is highlighted, escaped
    assert "<mark>&lt;b&gt;Aleppo&lt;/b&gt;</mark>" in props["popup"]


def test_hostile_link_is_escaped_inside_its_attribute():
    popup = popup_of(make_events([HOSTILE]))
    hrefs = re.findall(r'href="([^"]*)"', popup)
    assert hrefs == ["https://example.org/a?b=&quot;&gt;&lt;script&gt;alert(4)&lt;/script&gt;"]


def test_rendered_map_carries_no_live_markup_from_articles():
    page = render(build_map(make_events([HOSTILE])))
    for raw in ("<script>alert", "<img src=x", "<svg onload", "</a><script"):
        assert raw not in page


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://example.org/a", True),
        ("http://example.org/a?x=1#y", True),
        ("HTTPS://EXAMPLE.ORG/", True),
        ("javascript:alert(1)", False),
        ("JavaScript:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("vbscript:msgbox", False),
        ("file:///etc/passwd", False),
        ("//example.org/a", False),
        ("/relative/path", False),
        ("https://", False),
        ("https://exa mple.org", False),
        ("java\nscript:alert(1)", False),
        ("", False),
        (None, False),
    ],
)
def test_only_http_links(url, kept):
    assert (safe_http_url(url) is not None) == kept
    popup = popup_of(make_events([{"url": url, "title": "T"}]))
    assert ("<a " in popup) == kept
    assert "javascript:" not in popup.lower()


def test_popup_without_a_link_still_names_the_article():
    popup = popup_of(make_events([{"url": "javascript:alert(1)", "title": "The title"}]))
    assert "The title" in popup and "href" not in popup


# --- content -----------------------------------------------------------------------------------


def test_popup_shows_place_date_publisher_and_sentence():
    frame = make_events(
        [
            {
                "place": "Aleppo",
                "event_date": "2016-11-08",
                "source": "Reuters",
                "sentence": "Fighting in Aleppo.",
                "url": "https://example.org/x",
                "title": "Headline",
            }
        ]
    )
    props = map_features(frame)["features"][0]["properties"]
    text = re.sub(r"<[^>]+>", "", props["popup"])
    for part in ("Aleppo", "2016-11-08", "Reuters", "Fighting in Aleppo.", "Headline"):
        assert part in text
    assert "Aleppo" in props["tooltip"] and "2016-11-08" in props["tooltip"]


def test_events_at_one_point_share_one_marker():
    frame = make_events(
        [
            {"sentence": "First.", "source": "Alpha"},
            {"sentence": "Second.", "latitude": 33.5, "longitude": 36.3, "place": "Damascus"},
            {"sentence": "Third.", "source": "Omega"},
        ]
    )
    features = map_features(frame)["features"]
    assert [f["properties"]["count"] for f in features] == [2, 1]
    popup = features[0]["properties"]["popup"]
    assert popup.index("Alpha") < popup.index("Omega")
    assert "First." not in popup  # several events: a line each; sentences in the panel
    assert "2 events" in popup and "2 events" in features[0]["properties"]["tooltip"]
    assert (
        features[0]["properties"]["style"]["radius"] > features[1]["properties"]["style"]["radius"]
    )


def test_long_lists_are_cut_in_the_popup():
    frame = make_events([{"source": f"Paper {i}"} for i in range(MAX_EVENTS_PER_POPUP + 5)])
    popup = popup_of(frame)
    assert f"Paper {MAX_EVENTS_PER_POPUP - 1} ·" in popup
    assert f"Paper {MAX_EVENTS_PER_POPUP} ·" not in popup
    assert "and 5 more" in popup
    assert map_features(frame)["features"][0]["properties"]["count"] == MAX_EVENTS_PER_POPUP + 5


def test_approximate_places_are_marked():
    props = map_features(make_events([{"approximate": True}]))["features"][0]["properties"]
    assert "approximate location" in props["popup"]
    assert props["approximate"] is True
    assert props["uncertainty_m"] >= APPROXIMATE_M
    assert props["area"] is False


@pytest.mark.parametrize(
    ("precision", "approximate", "area", "radius"),
    [
        ("country", False, True, UNCERTAINTY_M["country"]),
        ("admin1", False, True, UNCERTAINTY_M["admin1"]),
        ("admin2", False, False, UNCERTAINTY_M["admin2"]),
        ("city", False, False, UNCERTAINTY_M["city"]),
        ("neighbourhood", False, False, 0),
        ("neighbourhood", True, False, APPROXIMATE_M),
        ("landmark", False, False, 0),
        (None, False, False, 0),
    ],
)
def test_precision_is_drawn_honestly(precision, approximate, area, radius):
    """Country- and region-level places are areas, never pinpoints; approximate and
    town-level places carry a circle of their uncertainty."""
    frame = make_events([{"precision": precision, "approximate": approximate}])
    props = map_features(frame)["features"][0]["properties"]
    assert (props["area"], props["uncertainty_m"]) == (area, radius)
    if area:
        assert "somewhere in this" in props["popup"]


def test_markers_are_coloured_by_their_main_type():
    frame = make_events(
        [
            {"event_type": "airstrike"},
            {"event_type": "airstrike"},
            {"event_type": "shelling"},
            {"event_type": "talks", "latitude": 33.5, "longitude": 36.3},
        ]
    )
    first, second = (f["properties"] for f in map_features(frame)["features"])
    assert (first["type"], first["color"]) == ("airstrike", TYPE_COLORS["airstrike"])
    assert (second["type"], second["color"]) == ("other", TYPE_COLORS["other"])


def test_a_click_finds_the_events_of_its_marker():
    frame = make_events(
        [{}, {"latitude": 33.5138, "longitude": 36.2765}, {"latitude": 36.20211}, {}]
    )
    (first, *_rest) = markers(frame)
    assert first.positions == (0, 3)
    here = events_at(frame, 36.2021, 37.1343)
    assert list(here["event_id"]) == ["e1", "e4"]
    assert events_at(frame, 0.0, 0.0).empty


def test_heat_points_weigh_each_place_by_its_events(events):
    points = heat_points(events)
    assert [36.2021, 37.1343, 2] in points
    assert sum(p[2] for p in points) == len(events)


@pytest.mark.parametrize(
    ("precision", "expected"),
    [
        ("day", "2016-11-08"),
        ("week", "week of 2016-11-08"),
        ("month", "2016-11"),
        ("year", "2016"),
        (None, "2016-11-08"),
    ],
)
def test_dates_are_shown_as_precisely_as_known(precision, expected):
    assert format_event_date(pd.Timestamp("2016-11-08"), precision) == expected
    # as the stores give it (ISO text, with a time or a zone), and text ISO does not read
    for text in ("2016-11-08", "2016-11-08 00:00:00", "2016-11-08T00:00:00+00:00", "8 Nov 2016"):
        assert format_event_date(text, precision) == expected, text


def test_missing_date_and_publication_date_flag():
    assert format_event_date(None) == "undated"
    popup = popup_of(make_events([{"date_from_text": False}]))
    assert "(publication date)" in popup


# --- the folium map ----------------------------------------------------------------------------


def test_events_are_one_layer_of_clustered_points(events):
    m = build_map(events)
    layers = list(event_layers(m))
    assert len(layers) == 1
    assert layers[0].data == map_features(events)
    page = render(m)
    assert "GeoMap.events(" in page and "GeoMap.legend(" in page
    assert MAP_JS_URL in page and MAP_CSS_URL in page  # the code the calls run
    assert "L.markerClusterGroup(" in MAP_JS and "L.circleMarker(" in MAP_JS
    assert "geo-legend" in MAP_JS and ".geo-legend" in MAP_CSS
    # No per-event Marker: the events are circle markers (L.marker draws only town names
    # and the counts per province).
    events_code = MAP_JS[MAP_JS.index("function events(") : MAP_JS.index("function provinces(")]
    assert not re.search(r"L\.marker\(", page + events_code)


def test_heat_mode_draws_one_density_layer(events):
    page = render(build_map(events, heat=True))
    assert "new L.GeoHeat(" in page and "GeoMap.events(" not in page
    assert "L.GeoHeat = " in MAP_JS
    assert "leaflet-heat" not in page + MAP_JS  # our own layer: no third-party plugin


def test_basemaps_can_be_chosen(events):
    page = render(base_map(events))
    assert "L.control.layers(" in page
    for name in BASEMAPS:
        assert json.dumps(name) in page


def test_map_fits_the_events(events):
    box = bounds(events)
    assert box == [[33.5138, 36.2765], [55.7558, 37.6173]]
    page = render(build_map(events))
    assert re.search(r"\.fitBounds\(\s*\[\[33\.5138, 36\.2765\], \[55\.7558, 37\.6173\]\]", page)


def test_empty_frame_draws_an_empty_layer():
    m = build_map(empty_events_frame())
    layers = list(event_layers(m))
    assert len(layers) == 1 and layers[0].data == {"type": "FeatureCollection", "features": []}
    page = render(m)
    assert ".fitBounds(" not in page
    assert "L.map(" in page


def test_same_frame_same_html_apart_from_ids(events):
    def normalised(frame: pd.DataFrame) -> str:
        return re.sub(r"_[0-9a-f]{32}", "_ID", render(build_map(frame)))

    assert normalised(events) == normalised(events.copy())


def test_base_map_has_the_offline_background_and_outline():
    page = render(base_map(None))
    assert ".leaflet-container { background:" in MAP_CSS and MAP_CSS_URL in page
    assert "/app/static/vendor/countries/countries.json" in page
    assert "GeoMap.outline(" in page and 'createPane("geoOutline")' in MAP_JS
    no_tiles = render(base_map(None, tiles=None))
    assert "tile.openstreetmap.org" not in no_tiles


def test_events_layer_alone_is_a_feature_group(events):
    group = events_layer(events)
    assert isinstance(group, folium.FeatureGroup)
    assert len(list(event_layers(group))) == 1
    cached = events_layer(features=map_features(events))
    assert next(iter(event_layers(cached))).data == next(iter(event_layers(group))).data


def test_standalone_html_map_needs_no_server(events):
    page = standalone_html(make_events([HOSTILE, {}]))
    assert "/app/static/" not in page
    assert "<script src=" not in page.replace('<script src="https://', "")
    assert "L.markerClusterGroup(" in page and "Leaflet 1.9" in page
    for raw in ("<script>alert", "<img src=x", "<svg onload"):
        assert raw not in page


def test_pin_layer_marks_one_point():
    page = render(build_map(make_events([{}])).add_child(pin_layer(34.75, 36.7)))
    assert "[34.75, 36.7]" in page
    with pytest.raises(ValueError):
        pin_layer(95.0, 0.0)


# --- article text is data, never template source ---------------------------------------------

TEMPLATES = ["{{ 7*7 }}", "{% if 1 %}x{% endif %}", "{{ 5% }}", "{# c #}", "100% {x} }}"]


def map_data(page: str) -> dict:
    """The events data as the page's script reads it (JSON after `var data = `)."""
    start = page.index("var data = ") + len("var data = ")
    return json.JSONDecoder().raw_decode(page, start)[0]


def templated_events() -> pd.DataFrame:
    rows = []
    for i, payload in enumerate(TEMPLATES):
        rows.append(
            {
                "title": f"Title {payload}",
                "source": f"Source {payload}",
                "place": f"Place {payload}",
                "mention": payload,
                "sentence": f"Shelling hit {payload} today.",
                "latitude": 30.0 + i,
            }
        )
    return make_events(rows)


def test_template_syntax_in_articles_reaches_the_page_as_text():
    frame = templated_events()
    for page in (render(build_map(frame)), standalone_html(frame)):
        assert map_data(page) == map_features(frame)  # exactly the data, nothing evaluated
        for payload in TEMPLATES:
            assert payload not in page  # written as \\u escapes: no template syntax left


def test_the_events_layer_as_streamlit_folium_renders_it():
    import streamlit_folium

    frame = templated_events()
    m = base_map(frame)
    m.get_root().render()  # what st_folium does first
    layer = streamlit_folium._get_feature_group_string(events_layer(frame), map=m)
    assert map_data(layer) == map_features(frame)


def test_what_an_element_renders_is_not_parsed_again():
    from geo.view.mapview import _DataElement, _Template

    class Raw(_DataElement):  # writes its text unescaped: only the second parse could bite
        _template = _Template("{% macro script(this, kwargs) %}// {{ this.text }}{% endmacro %}")

        def __init__(self, text):
            super().__init__()
            self.text = text

    m = base_map(None)
    m.add_child(Raw("{{ 7*7 }} {{ 5% }}"))
    assert "// {{ 7*7 }} {{ 5% }}" in render(m)


def test_the_layer_control_comes_after_the_events_layer(events):
    page = render(build_map(events))
    group = re.search(r"var (feature_group_\w+) = L\.featureGroup\(", page).group(1)
    named = page.index(f'"Events" : {group}')  # where the layer control names it
    assert page.index(f"var {group} =") < named  # defined before


# --- what each place carries for the other modes (aggregates SQL can compute too) -------------


def test_each_place_carries_its_country_region_and_deaths():
    frame = make_events(
        [
            {"killed": 3, "latitude": 36.2, "longitude": 37.1},
            {"killed": None, "latitude": 36.2, "longitude": 37.1},
            {"killed": 12, "latitude": 36.2, "longitude": 37.1},
            {"killed": None, "latitude": 35.93, "longitude": 36.63, "admin1": "Idlib"},
        ]
    )
    aleppo, idlib = (f["properties"] for f in map_features(frame)["features"])
    assert (aleppo["country"], aleppo["admin1"], aleppo["killed"]) == ("SY", "Aleppo", 15)
    assert (idlib["admin1"], idlib["killed"]) == ("Idlib", 0)
    # Sized by deaths: no deaths is the small constant size, more deaths a larger point.
    assert idlib["style"]["deaths_radius"] == NO_DEATHS_RADIUS
    assert aleppo["style"]["deaths_radius"] > NO_DEATHS_RADIUS
    assert deaths_radius(100) > deaths_radius(15) > deaths_radius(1) > deaths_radius(0)
    assert deaths_radius(10**6) == MAX_DEATHS_RADIUS
    # Sized by events (the default): three events make a larger point than one.
    assert aleppo["style"]["radius"] > idlib["style"]["radius"] == count_radius(1)


def test_points_are_sized_by_what_was_asked(events):
    page = render(build_map(events, size_by="deaths"))
    assert '"sizeBy": "deaths"' in page
    assert '"sizeBy": "events"' in render(build_map(events))
    with pytest.raises(ValueError, match="size_by"):
        events_layer(events, size_by="casualties")


# --- town names ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_gazetteer():
    from geo.place.gazetteer import default_gazetteer

    return default_gazetteer()


def test_town_labels_name_the_largest_towns_first_and_smaller_ones_from_closer(real_gazetteer):
    labels = town_labels(["SY"], real_gazetteer)
    names = [label[2] for label in labels]
    assert names[0] == "Aleppo" and "Idlib" in names  # the clusters issue 14 could not tell
    zoom = {label[2]: label[3] for label in labels}
    assert zoom["Aleppo"] == label_min_zoom(1_500_000) < zoom["Idlib"]
    assert [label[3] for label in labels] == sorted(label[3] for label in labels)
    assert all(-90 <= lat <= 90 and -180 <= lon <= 180 for lat, lon, _n, _z in labels)
    assert len(labels) == LABELS_PER_COUNTRY
    # Several countries: the largest towns of all of them, at most `limit`.
    both = town_labels(["SY", "IQ", "SY"], real_gazetteer, limit=50)
    assert len(both) == 50 and {"Baghdad", "Aleppo"} <= {label[2] for label in both}


def test_town_labels_come_from_the_events_countries(events):
    assert event_countries(events) == ("SY",)
    assert event_countries(empty_events_frame()) == ()
    page = render(base_map(events, labels=[[36.2, 37.16, "Aleppo", 3]]))
    assert "GeoMap.labels(" in page and '"Aleppo"' in page
    assert "GeoMap.labels(" not in render(base_map(events))


def test_town_labels_are_data_in_the_page_never_markup():
    page = render(base_map(make_events([{}]), labels=[[36.2, 37.1, "<b>{{ 7*7 }}</b>", 3]]))
    assert "<b>" not in page and "{{ 7*7 }}" not in page
    assert "\\u003cb\\u003e\\u007b\\u007b 7*7 \\u007d\\u007d" in page
    labels_code = MAP_JS[MAP_JS.index("function labels(") : MAP_JS.index("function focusWithout")]
    assert "textContent = name" in labels_code and "innerHTML" not in labels_code


# --- counts per province ------------------------------------------------------------------------


def test_counts_per_province_add_up_the_places_of_each_region_and_country():
    frame = make_events(
        [
            {"latitude": 36.2, "longitude": 37.1},
            {"latitude": 36.2, "longitude": 37.1},
            {"latitude": 36.4, "longitude": 37.5},
            {"latitude": 35.93, "longitude": 36.63, "admin1": "Idlib"},
            {"latitude": 35.0, "longitude": 38.5, "precision": "country", "admin1": None},
            {"latitude": 33.3, "longitude": 44.4, "country_code": "IQ", "admin1": "Baghdad"},
        ]
    )
    counts = province_counts(map_features(frame))
    regions = {(r[3], r[2]): r for r in counts["provinces"]}
    assert set(regions) == {("SY", "Aleppo"), ("SY", "Idlib"), ("IQ", "Baghdad")}
    aleppo = regions["SY", "Aleppo"]
    assert aleppo[4] == 3 and counts["provinces"][0] is aleppo  # most events first
    # Without a centre: the event-weighted mean of the region's places.
    assert aleppo[:2] == [round((2 * 36.2 + 36.4) / 3, 4), round((2 * 37.1 + 37.5) / 3, 4)]
    # The country-level event counts for its country only.
    assert counts["countries"] == {"IQ": [1, 0], "SY": [5, 1]}
    placed = province_counts(map_features(frame), lambda cc, name: (1.0, 2.0))
    assert all(r[:2] == [1.0, 2.0] for r in placed["provinces"])


def test_count_classes_cover_every_count():
    assert [count_class(n) for n in (1, 2, 9, 10, 99, 100, 999, 1000, 50_000)] == [
        0, 1, 1, 2, 2, 3, 3, 4, 4,
    ]  # fmt: skip


def test_the_region_centre_comes_from_the_gazetteer(real_gazetteer):
    centre = gazetteer_admin1_centre(real_gazetteer)
    lat, lon = centre("SY", "Idlib")
    assert 35.0 < lat < 36.5 and 36.0 < lon < 37.5
    assert centre("SY", "Nowhere at all") is None


def test_the_provinces_mode_draws_counts_not_points(events):
    m = build_map(events, provinces=True)
    layers = list(event_layers(m))
    assert len(layers) == 1 and layers[0].data["provinces"][0][2] == "Aleppo"
    page = render(m)
    assert "GeoMap.provinces(" in page and "GeoMap.events(" not in page
    assert "new L.GeoHeat(" in render(build_map(events, provinces=True, heat=True))


# --- the legend ---------------------------------------------------------------------------------


def test_the_legend_has_a_section_per_mode_and_each_layer_names_its_mode(events):
    legend = build_map(events)._children["legend"].html
    for section in ("geo-legend-points", "geo-legend-heat", "geo-legend-provinces"):
        assert f'<div class="{section}">' in legend and f" .{section}" in MAP_CSS
    assert legend.startswith("<details open><summary>Legend</summary>")  # it folds
    assert "fewer events" in legend and "1000+" in legend
    # The heat layer, the points and the counts each set the legend's mode.
    heat_code = MAP_JS[MAP_JS.index("var HeatLayer") : MAP_JS.index("L.GeoHeat = ")]
    assert 'setMode(map, "heat")' in heat_code
    assert 'setMode(map, "points"' in MAP_JS and 'setMode(map, "provinces")' in MAP_JS
    assert '[data-mode="heat"] .geo-legend-points' in MAP_CSS  # the types are hidden there


def test_a_clicked_points_popup_is_written_as_data_for_the_map():
    """The dashboard's points carry no popup: the one of the point clicked is written in
    the page as an attribute's value, which a browser reads back exactly."""
    from html.parser import HTMLParser

    from geo.view.mapview import point_popup, popup_source

    frame = make_events([HOSTILE])
    popup = point_popup(frame)
    assert popup == map_features(frame)["features"][0]["properties"]["popup"]
    assert point_popup(frame.iloc[0:0]) is None
    attrs: list[dict] = []

    class Reader(HTMLParser):
        def handle_starttag(self, tag, found):
            attrs.append(dict(found))

    Reader().feed(popup_source((36.2021047, 37.1342603), popup))
    [element] = attrs  # one element: the popup's markup is only an attribute's text
    assert "hidden" in element
    assert element["data-geo-popup"] == popup
    assert (element["data-lat"], element["data-lon"]) == ("36.2021", "37.13426")
