"""Draw an events frame (geo/schema.py) on a folium map. Pure: no Streamlit, no I/O.

The events are one `folium.GeoJson` layer of circle markers: events at the same point
share one marker whose popup lists them (place, date, publisher, sentence, link). Every
string taken from an article is HTML-escaped here, before it reaches a property that a
popup or tooltip renders as HTML, and links are kept only when they are http(s).

Coordinates are latitude first everywhere in our code; GeoJSON is longitude first, and the
swap happens only in `_point` below.

The map is two parts so the dashboard can keep the base map while filters change:
`base_map` (tiles, the offline background, the assets) and `events_layer` (a FeatureGroup
holding the GeoJson layer and a fit to its bounds), passed to st_folium as
`feature_group_to_add`. `build_map` puts both together.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import folium
import pandas as pd
from branca.element import Element, MacroElement
from folium.template import Template
from folium.utilities import JsCode

from geo.assets import MapAssets, localize, map_assets
from geo.export import geojson_point, is_missing

DEFAULT_TILES = "OpenStreetMap"
BACKGROUND = "#eef1f4"  # shown where tiles are missing (offline): plain, light
OUTLINE_COLOR = "#7f8c99"
MARKER = {"color": "#7a1f0c", "weight": 1.5, "fill_color": "#e4572e", "fill_opacity": 0.85}
APPROXIMATE_STYLE = {"fillColor": "#f2a541", "dashArray": "3"}
MAX_EVENTS_PER_POPUP = 20
FIT_PADDING = 30
FIT_MAX_ZOOM = 5


# --- popups -------------------------------------------------------------------------------


def safe_http_url(value: Any) -> str | None:
    """`value` when it is an absolute http(s) URL with a host, else None."""
    if is_missing(value):
        return None
    text = str(value).strip()
    if not text or any(ch.isspace() or ord(ch) < 32 for ch in text):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return text


def _text(value: Any) -> str:
    return "" if is_missing(value) else str(value)


def _esc(value: Any) -> str:
    return html.escape(_text(value), quote=True)


def format_event_date(value: Any, precision: Any = "day") -> str:
    """The event date as precise as it is known: 2016-11-08, 2016-11, 2016 or 'week of …'."""
    if is_missing(value):
        return "undated"
    day = pd.Timestamp(value)
    precision = _text(precision) or "day"
    if precision == "year":
        return f"{day.year:04d}"
    if precision == "month":
        return f"{day.year:04d}-{day.month:02d}"
    if precision == "week":
        return f"week of {day.date().isoformat()}"
    return day.date().isoformat()


def _highlight(sentence: str, mention: str) -> str:
    """The escaped sentence with the first occurrence of the mention marked."""
    at = sentence.find(mention) if mention else -1
    if at < 0:
        return html.escape(sentence)
    end = at + len(mention)
    return (
        f"{html.escape(sentence[:at])}<mark>{html.escape(mention)}</mark>"
        f"{html.escape(sentence[end:])}"
    )


def _event_html(event: dict) -> str:
    meta = [html.escape(format_event_date(event["event_date"], event["date_precision"]))]
    if event["date_from_text"] is False:
        meta[0] += " (publication date)"
    if _text(event["source"]):
        meta.append(_esc(event["source"]))
    if _text(event["event_type"]):
        meta.append(_esc(event["event_type"]))
    parts = [f'<div class="geo-meta">{" · ".join(meta)}</div>']
    sentence = _text(event["sentence"])
    if sentence:
        parts.append(
            f'<div class="geo-sentence">{_highlight(sentence, _text(event["mention"]))}</div>'
        )
    url = safe_http_url(event["url"])
    title = _text(event["title"]) or "article"
    if url:
        parts.append(
            f'<a class="geo-link" href="{html.escape(url, quote=True)}" target="_blank" '
            f'rel="noopener noreferrer nofollow">{html.escape(title)}</a>'
        )
    elif _text(event["title"]):
        parts.append(f'<div class="geo-title">{html.escape(title)}</div>')
    return f'<div class="geo-event">{"".join(parts)}</div>'


def _place_name(event: dict) -> str:
    return _text(event["place"]) or _text(event["mention"]) or "unnamed place"


def popup_html(events: list[dict]) -> str:
    """The popup of one marker: its place, then each event at it (at most 20 listed)."""
    first = events[0]
    head = html.escape(_place_name(first))
    if first["approximate"] is True:
        head += ' <span class="geo-note">(approximate location)</span>'
    count = f'<div class="geo-count">{len(events)} events</div>' if len(events) > 1 else ""
    body = "".join(_event_html(e) for e in events[:MAX_EVENTS_PER_POPUP])
    more = len(events) - MAX_EVENTS_PER_POPUP
    tail = f'<div class="geo-more">and {more} more: see the table</div>' if more > 0 else ""
    return f'<div class="geo-popup"><div class="geo-place">{head}</div>{count}{body}{tail}</div>'


def tooltip_html(events: list[dict]) -> str:
    first = events[0]
    what = (
        format_event_date(first["event_date"], first["date_precision"])
        if len(events) == 1
        else f"{len(events)} events"
    )
    return f"<b>{html.escape(_place_name(first))}</b> · {html.escape(what)}"


# --- the map's GeoJSON ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Marker:
    latitude: float
    longitude: float
    events: tuple[dict, ...]


def _markers(frame: pd.DataFrame) -> list[_Marker]:
    """Events grouped by point, in the frame's order; events without valid coordinates
    are left out."""
    groups: dict[tuple[float, float], list[dict]] = {}
    for record in frame.to_dict("records"):
        point = geojson_point(record.get("latitude"), record.get("longitude"))
        if point is None:
            continue
        lon, lat = point["coordinates"]
        groups.setdefault((round(lat, 5), round(lon, 5)), []).append(
            {k: (None if is_missing(v) else v) for k, v in record.items()}
        )
    return [_Marker(lat, lon, tuple(events)) for (lat, lon), events in groups.items()]


def map_features(frame: pd.DataFrame) -> dict:
    """The FeatureCollection the map draws: one Point per distinct place.

    Its properties hold only HTML built from escaped text (`popup`, `tooltip`), a count
    and a marker style; no raw article text.
    """
    features = []
    for marker in _markers(frame):
        events = list(marker.events)
        radius = min(6 + 2.5 * math.sqrt(len(events) - 1), 18)
        style: dict[str, Any] = {"radius": round(radius, 1)}
        if all(e["approximate"] is True for e in events):
            style.update(APPROXIMATE_STYLE)
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [marker.longitude, marker.latitude]},
                "properties": {
                    "count": len(events),
                    "popup": popup_html(events),
                    "tooltip": tooltip_html(events),
                    "style": style,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def bounds(frame: pd.DataFrame) -> list[list[float]] | None:
    """[[south, west], [north, east]] of the events with valid coordinates, or None."""
    points = [(m.latitude, m.longitude) for m in _markers(frame)]
    if not points:
        return None
    lats, lons = zip(*points, strict=True)
    return [[min(lats), min(lons)], [max(lats), max(lons)]]


# --- folium elements --------------------------------------------------------------------------

_ON_EACH_FEATURE = JsCode(
    """
    function(feature, layer) {
        var p = feature.properties || {};
        if (p.popup) { layer.bindPopup(p.popup, {maxWidth: 360, minWidth: 220}); }
        if (p.tooltip) { layer.bindTooltip(p.tooltip, {direction: "top", sticky: true}); }
    }
    """
)


def _map_name(element: Any) -> str:
    parent = element._parent
    while parent is not None and not isinstance(parent, folium.Map):
        parent = parent._parent
    if parent is None:
        raise ValueError(f"{type(element).__name__} must be inside a folium.Map")
    return parent.get_name()


class _FitBoundsInGroup(MacroElement):
    """Fit the map to `bounds`, from inside a FeatureGroup (so it reruns when the
    group is replaced through st_folium's feature_group_to_add)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            {{ this.map_name() }}.fitBounds(
                {{ this.bounds|tojson }},
                {padding: [{{ this.padding }}, {{ this.padding }}], maxZoom: {{ this.max_zoom }}}
            );
        {% endmacro %}
        """
    )

    def __init__(self, bounds: list[list[float]], padding: int, max_zoom: int):
        super().__init__()
        self._name = "FitBoundsInGroup"
        self.bounds = bounds
        self.padding = int(padding)
        self.max_zoom = int(max_zoom)

    def map_name(self) -> str:
        return _map_name(self)


class _CountryOutline(MacroElement):
    """Country outlines fetched from the app, drawn under the tiles.

    The outline's pane sits below the tile pane, so loaded tiles hide it; when tiles
    cannot load (offline), it shows on the plain background and the events stay
    readable. A failed fetch only logs to the console.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function(map) {
            var pane = map.createPane("geoOutline");
            pane.style.zIndex = 150;
            pane.style.pointerEvents = "none";
            fetch({{ this.url|tojson }})
                .then(function(r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
                .then(function(data) {
                    L.geoJSON(data, {
                        pane: "geoOutline",
                        interactive: false,
                        attribution: "Outlines: Natural Earth",
                        style: {{ this.style|tojson }}
                    }).addTo(map);
                })
                .catch(function(e) { console.warn("country outline not loaded", e); });
        })({{ this.map_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, url: str):
        super().__init__()
        self._name = "CountryOutline"
        self.url = url
        # Lines only: the source lacks a few countries' polygons, and a filled land mass
        # would show their gaps as lakes; unfilled, a missing polygon loses only the
        # borders its neighbours do not draw.
        self.style = {"color": OUTLINE_COLOR, "weight": 0.8, "fill": False}

    def map_name(self) -> str:
        return _map_name(self)


_MAP_CSS = f"""
<style>
    .leaflet-container {{ background: {BACKGROUND}; }}
    .geo-popup {{ max-height: 260px; overflow-y: auto; font-size: 13px; line-height: 1.35; }}
    .geo-place {{ font-weight: 600; font-size: 14px; margin-bottom: 4px; }}
    .geo-note, .geo-count, .geo-more {{ color: #5b6670; font-weight: normal; }}
    .geo-event {{ border-top: 1px solid #e3e6e8; padding: 4px 0; }}
    .geo-meta {{ color: #5b6670; font-size: 12px; }}
    .geo-sentence mark {{ background: #ffe9a8; padding: 0 1px; }}
    .geo-link {{ font-size: 12px; }}
</style>
"""


def base_map(
    fit_to: pd.DataFrame | None = None,
    *,
    assets: MapAssets | None = None,
    tiles: str | None = DEFAULT_TILES,
) -> folium.Map:
    """The map without events: tiles, the offline background, local assets.

    `fit_to` (events) only sets the opening view; the events layer fits itself.
    `tiles=None` draws no tile layer (the offline background alone).
    """
    assets = assets or map_assets()
    box = bounds(fit_to) if fit_to is not None else None
    if box is None:
        location, zoom = [20.0, 0.0], 2
    else:
        location = [(box[0][0] + box[1][0]) / 2, (box[0][1] + box[1][1]) / 2]
        zoom = 4
    m = folium.Map(
        location=location,
        zoom_start=zoom,
        tiles=tiles,
        min_zoom=1,
        world_copy_jump=True,
        control_scale=True,
    )
    m.get_root().header.add_child(Element(_MAP_CSS), name="geo_map_css")
    if assets.outline_url:
        m.add_child(_CountryOutline(assets.outline_url), name="country_outline")
    return localize(m, assets)


def events_layer(frame: pd.DataFrame, *, name: str = "Events") -> folium.FeatureGroup:
    """One FeatureGroup holding the events as ONE GeoJson layer, fitting the map to them."""
    group = folium.FeatureGroup(name=name)
    folium.GeoJson(
        map_features(frame),
        name=name,
        marker=folium.CircleMarker(radius=6, fill=True, **MARKER),
        on_each_feature=_ON_EACH_FEATURE,
    ).add_to(group)
    box = bounds(frame)
    if box is not None:
        group.add_child(_FitBoundsInGroup(box, FIT_PADDING, FIT_MAX_ZOOM), name="fit")
    return group


def build_map(
    frame: pd.DataFrame,
    *,
    fit_to: pd.DataFrame | None = None,
    assets: MapAssets | None = None,
    tiles: str | None = DEFAULT_TILES,
) -> folium.Map:
    """The whole map of `frame`'s events (base map + events layer)."""
    m = base_map(frame if fit_to is None else fit_to, assets=assets, tiles=tiles)
    events_layer(frame).add_to(m)
    return localize(m, assets or map_assets())


def geojson_layers(m: folium.Map) -> Iterable[folium.GeoJson]:
    """The GeoJson layers of `m` (for tests and checks)."""
    stack: list[Any] = [m]
    while stack:
        element = stack.pop()
        if isinstance(element, folium.GeoJson):
            yield element
        stack.extend(getattr(element, "_children", {}).values())
