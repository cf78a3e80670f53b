"""The map loads every script and stylesheet from the app itself, never from a CDN."""

from __future__ import annotations

import json
import re
from pathlib import Path

import folium
import folium.plugins
import pytest
import streamlit_folium

from geo.view import assets, mapview
from geo.view.assets import (
    OUTLINE_FILE,
    AssetError,
    install_assets,
    localize,
    map_assets,
    static_url,
)
from geo.view.mapview import base_map, build_map, events_layer
from tests.conftest import make_events

TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
URL = re.compile(r"""(?:https?:)?//[^\s"'<>\\)]+""")


def remote_urls(text: str) -> set[str]:
    """http(s) and protocol-relative URLs, minus basemap tile templates (the basemaps a
    reader chooses from) and <a href> links in the attribution (links a reader may
    follow, not resources the page loads)."""
    anchors = set(re.findall(r"""href=\\?["']([^"'\\]+)""", text))
    return {u for u in URL.findall(text) if "{z}" not in u and u not in anchors}


@pytest.fixture
def captured(monkeypatch):
    """What st_folium hands to its frontend, captured instead of rendered."""
    calls: list[dict] = []
    monkeypatch.setattr(streamlit_folium, "_component_func", lambda **kw: calls.append(kw))
    return calls


def test_static_urls_respect_the_base_url_path():
    assert static_url("leaflet/leaflet.js") == "/app/static/vendor/leaflet/leaflet.js"
    assert static_url("a.js", "/news/") == "/news/app/static/vendor/a.js"
    urls = dict(map_assets("news").js)
    assert urls["leaflet"] == "/news/app/static/vendor/leaflet/leaflet.js"
    assert map_assets(outline=False).outline_url is None


def test_install_copies_leaflet_and_the_outline(tmp_path):
    installed = install_assets(tmp_path)
    vendor = tmp_path / "vendor"
    for _name, url in (*map_assets().js, *map_assets().css):
        path = vendor / url.split("/app/static/vendor/", 1)[1]
        assert path.is_file() and path.stat().st_size > 500, path
    assert (vendor / "leaflet/images/layers.png").is_file()  # leaflet.css refers to it
    assert "Leaflet 1.9" in (vendor / "leaflet/leaflet.js").read_text(encoding="utf-8")
    assert OUTLINE_FILE in installed
    outline = json.loads((vendor / OUTLINE_FILE).read_text(encoding="utf-8"))
    assert outline["type"] == "FeatureCollection"
    assert len(outline["features"]) > 150
    names = {f["properties"]["name"] for f in outline["features"]}
    assert {"France", "Syria", "Russia"} <= names
    for feature in outline["features"]:
        assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")


def test_install_is_idempotent(tmp_path):
    install_assets(tmp_path)
    leaflet = tmp_path / "vendor/leaflet/leaflet.js"
    before = leaflet.stat().st_mtime_ns
    install_assets(tmp_path)
    assert leaflet.stat().st_mtime_ns == before


def test_missing_package_is_an_error_naming_the_file(tmp_path, monkeypatch):
    item = assets.VendorFile("x/x.js", (("no_such_package_xyz", "x.js"), ("/nonexistent", "x")))
    monkeypatch.setitem(assets.VENDOR_FILES, "x", item)
    with pytest.raises(AssetError, match=r"x/x\.js"):
        install_assets(tmp_path)


def test_rendered_map_loads_nothing_remote(events):
    page = build_map(events).get_root().render()
    assert remote_urls(page) == set()
    assert TILE_URL in page
    for src in re.findall(r'<script src="([^"]+)"', page):
        assert src.startswith("/app/static/vendor/"), src
    for href in re.findall(r'<link rel="stylesheet" href="([^"]+)"', page):
        assert href.startswith("/app/static/vendor/"), href
    assert "bootstrap" not in page and "awesome" not in page.lower()


def test_st_folium_gets_only_local_links(events, captured, tmp_path):
    installed = install_assets(tmp_path)
    streamlit_folium.st_folium(
        base_map(events, assets=map_assets("")),
        key="map",
        feature_group_to_add=events_layer(events),
        returned_objects=[],
    )
    (call,) = captured
    assert call["js_links"] and call["css_links"]
    for link in (*call["js_links"], *call["css_links"]):
        assert link.startswith("/app/static/vendor/"), link
        relative = link.removeprefix("/app/static/vendor/")
        assert any(relative == p or relative.startswith(p + "/") for p in installed)
        assert (tmp_path / "vendor" / relative).is_file()
    for part in ("script", "header", "html", "feature_group"):
        assert remote_urls(call[part] or "") == set(), part
    assert TILE_URL in call["script"]


def test_folium_class_defaults_are_left_alone(events):
    before = (list(folium.Map.default_js), list(folium.Map.default_css))
    build_map(events)
    assert (folium.Map.default_js, folium.Map.default_css) == before
    assert any(url.startswith("https://") for _, url in folium.Map.default_js)


def test_a_plugin_we_do_not_serve_is_refused(events):
    m = build_map(events)
    folium.plugins.HeatMap([[36.2, 37.1]]).add_to(m)
    with pytest.raises(AssetError, match="HeatMap"):
        localize(m, map_assets())


def test_marker_clustering_is_served_locally(events, tmp_path):
    install_assets(tmp_path)
    page = build_map(events).get_root().render()
    for target in ("leaflet.markercluster.js", "MarkerCluster.css"):
        url = f"/app/static/vendor/leaflet.markercluster/{target}"
        assert url in page
        assert (tmp_path / "vendor" / "leaflet.markercluster" / target).stat().st_size > 500


def test_streamlit_folium_frontend_loads_nothing_remote():
    build = Path(streamlit_folium.__file__).parent / "frontend" / "build"
    index = (build / "index.html").read_text(encoding="utf-8")
    for ref in re.findall(r"""(?:src|href)=["']?([^"' >]+)""", index):
        assert not re.match(r"(https?:)?//", ref), ref
    cdn = re.compile(r"cdn\.|unpkg|jsdelivr|cdnjs|googleapis|bootstrapcdn|code\.jquery")
    for bundle in (build / "static" / "js").glob("*.js"):
        assert not cdn.search(bundle.read_text(encoding="utf-8", errors="replace")), bundle


def test_clustering_is_optional(tmp_path, monkeypatch):
    """Without XStatic-Leaflet-MarkerCluster the map still installs (points unclustered)."""
    for key in ("markercluster", "markercluster_css"):
        item = assets.VENDOR_FILES[key]
        monkeypatch.setitem(
            assets.VENDOR_FILES, key, assets.VendorFile(item.target, (("no.such.pkg", "x"),), True)
        )
    installed = install_assets(tmp_path)
    assert "leaflet/leaflet.js" in installed
    assert not any("markercluster" in path for path in installed)


# --- the map's own JavaScript and CSS ----------------------------------------------------------

OWN = {"geo/geo-map.js": "window.GeoMap = {", "geo/geo-map.css": ".geo-legend {"}


def test_the_maps_own_code_is_installed_and_loaded_like_a_vendor_file(tmp_path):
    installed = install_assets(tmp_path)
    for target, marker in OWN.items():
        assert target in installed
        assert marker in (tmp_path / "vendor" / target).read_text(encoding="utf-8")
    page = build_map(events_frame()).get_root().render()
    assert '<script src="/app/static/vendor/geo/geo-map.js">' in page
    assert '<link rel="stylesheet" href="/app/static/vendor/geo/geo-map.css"/>' in page
    # The page's own script only calls it: no layer code left in Python strings.
    assert "L.Layer.extend(" not in page and "getImageData" not in page


def test_the_standalone_page_inlines_the_maps_own_code():
    page = mapview.standalone_html(events_frame(), heat=True)
    for target, marker in OWN.items():
        assert marker in page and target not in page
    assert "L.GeoHeat = " in page  # defined before the page's script uses it
    assert page.index("L.GeoHeat = ") < page.rindex("new L.GeoHeat(")


def test_the_maps_own_code_holds_no_data_nor_template_syntax():
    """The page's data is found after `var data = ` (tests/test_adversarial.py) and is
    the only place a template value goes; the code file has neither."""
    for target in OWN:
        text = assets.find_source(assets.VENDOR_FILES[_key(target)]).read_text(encoding="utf-8")
        assert "var data = " not in text
        assert "{{" not in text and "{%" not in text and "</script" not in text


def _key(target: str) -> str:
    return next(k for k, item in assets.VENDOR_FILES.items() if item.target == target)


def events_frame():
    return make_events([{}, {"latitude": 34.7324, "longitude": 36.7137, "place": "Homs"}])
