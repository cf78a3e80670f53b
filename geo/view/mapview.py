"""Draw an events frame (geo/schema.py) on a folium map. Pure: no Streamlit, no I/O.

Events at the same point share one marker (`map_features`: one GeoJSON Point per place,
with the count, the main event type and how precisely the place is known). The layer
(`_EventsLayer`, calling our own JavaScript over Leaflet and Leaflet.markercluster in
geo/view/static/geo-map.js; its styles are geo-map.css, both served by geo/view/assets.py):

- colours each marker by event type (legend: `_Legend`), and groups overlapping markers
  into clusters labelled with the number of events under them;
- sizes each point by its events or by the deaths reported there (`size_by`);
- shows precision honestly: a place known only as a country shades that country's outline
  (from the app's country outlines), one known only as a region (admin1) is a dashed
  symbol of constant size, never a pinpoint nor a circle of 60 or 300 km over its
  neighbours; approximate and city-level places get a faint circle of their uncertainty
  around the point (from RING_MIN_ZOOM, while at most RING_LIMIT are in view);
- or, in heat mode, one density layer (`_HeatLayer`, a small canvas layer of ours: no
  third-party plugin needed);
- or counts per province (`_ProvinceLayer`, `province_counts`): countries shaded by their
  events, a circle with the count at each region's centre.

The base map names the largest towns of the events' countries (`town_labels`, from the
gazetteer), so the map reads without basemap tiles; the legend has a section per mode.

Every string taken from an article is HTML-escaped here, before it reaches a property that
a popup or tooltip renders as HTML, and links are kept only when they are http(s).
Article text reaches the page's script only as data, never as template source: branca
parses what an element renders as a new Jinja template (and streamlit_folium renders the
events layer on its own), so `{{ 7*7 }}` in a title would run on the server. Our
elements therefore write their data with `script_json` (no `{`, `}`, `%` or `#` left
in a string) and keep their rendered output as plain text (`_DataElement`).
Clicking a marker reports the marker's own point (not the mouse position), so the
dashboard finds its events with `events_at`.
The dashboard's points carry no popup (`features_from_points`: the
popups of thousands of points were most of the bytes of every rerun): the click's rerun
writes the clicked point's popup into the page beside the map (`popup_source`), and
geo-map.js opens it there. The standalone export keeps every popup in its data.

Coordinates are latitude first everywhere in our code; GeoJSON is longitude first, and the
swap happens only in `map_features`.

The map is two parts so the dashboard keeps the base map while filters change:
`base_map` (basemaps, the offline background, legend, assets: deterministic for the same
data) and `events_layer` (a FeatureGroup holding the events and a fit to their bounds),
passed to st_folium as `feature_group_to_add`. `build_map` puts both together;
`standalone_html` is the same map as one self-contained HTML file.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import folium
import numpy as np
import pandas as pd
from branca.element import Element, Figure, MacroElement
from folium.elements import JSCSSMixin
from folium.template import Environment, Template

from geo import lexicon
from geo.models import validate_location
from geo.view.assets import MapAssets, inline_page, localize, map_assets
from geo.view.export import is_missing

DEFAULT_TILES = "OpenStreetMap"
OUTLINE_COLOR = "#7f8c99"
MARKER = {"color": "#7a1f0c", "weight": 1.5, "fill_color": "#e4572e", "fill_opacity": 0.85}
APPROXIMATE_STYLE = {"fillColor": "#f2a541", "dashArray": "3"}
MAX_EVENTS_PER_POPUP = 5  # the popup is a summary; the evidence panel has them all
MAX_POPUP_SENTENCE = 240
FIT_PADDING = 30
FIT_MAX_ZOOM = 9
FOCUS_ZOOM = 10
RING_MIN_ZOOM = 8  # circles of uncertainty around points are drawn from this zoom on
RING_LIMIT = 300  # ... and only while at most this many points with one are in view
NO_DEATHS_RADIUS = 4.0  # pixels: a point without deaths when sized by deaths
MAX_DEATHS_RADIUS = 26.0
SIZE_BY = ("events", "deaths")  # what a point's size shows
HEAT_GRADIENT = ((0.2, "#2c7bb6"), (0.45, "#abd9e9"), (0.65, "#ffffbf"), (1.0, "#d7191c"))

# Event types and their colours (geo/data/event_types.toml, the vocabulary of
# geo/event/events.py); anything else is "other".
TYPE_COLORS: dict[str, str] = {
    name: entry["colour"] for name, entry in lexicon.mapping("event_types.toml").items()
}
OTHER_TYPE = "other"

# How far from its point a place of each precision may be, in metres (the radius drawn).
UNCERTAINTY_M: dict[str, int] = {
    "country": 300_000,
    "admin1": 60_000,
    "admin2": 20_000,
    "city": 5_000,
    "neighbourhood": 0,
    "landmark": 0,
}
APPROXIMATE_M = 5_000  # placed at the town around a place the gazetteer lacks
AREA_PRECISIONS = frozenset({"country", "admin1"})  # drawn as areas, never as pinpoints

BASEMAPS: dict[str, str] = {
    "OpenStreetMap": "OpenStreetMap",
    "Satellite (Esri)": "Esri.WorldImagery",
    "Topographic (OpenTopoMap)": "OpenTopoMap",
}


# --- data in the page's script ------------------------------------------------------------

# Inside a JSON string: what could close the <script> element or start an HTML comment
# (< > &), end a JavaScript string in old parsers (' and the two line separators), or
# start Jinja syntax ({ } % #) if anything parses the page as a template again.
_UNSAFE_CHARS = "<>&'{}%#\u2028\u2029"
_ESCAPED = {ord(c): f"\\u{ord(c):04x}" for c in _UNSAFE_CHARS}


@dataclass(frozen=True)
class ScriptData:
    """A value already written by `script_json` (`text`), which the templates put in the
    page as it is: the map's features of a view, written once and cached, not at every
    run of the page (and twice in each: st_folium renders the events layer twice)."""

    text: str


def script_data(value: Any) -> ScriptData:
    """`value` written by `script_json`, to be cached and given to `events_layer`."""
    return ScriptData(script_json(value))


def _script_string(text: str, _quoted=json.encoder.encode_basestring) -> str:
    """One JSON string (a key or a value) as script_json writes it."""
    return _quoted(text).translate(_ESCAPED)


def _not_serializable(value: Any) -> Any:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


class _WrittenStrings(dict):
    """The short strings script_json has written, looked up by the encoder itself (a
    dict's own lookup, called from C, costs a fraction of a call into Python): a map's
    keys and most of its values ("type", "Feature", a colour, a precision, a region) are
    the same few hundred strings thousands of times over (2,147 points: 46 -> 13 ms).
    Long strings (tooltips, popups) are mostly unique and written each time; the memo
    starts afresh past MAX, so it stays a few megabytes."""

    MAX = 20_000
    LONGEST = 64

    def __missing__(self, text: str) -> str:
        written = _script_string(text)
        if len(text) <= self.LONGEST:
            if len(self) >= self.MAX:
                self.clear()
            self[text] = written
        return written


# json's own C encoder, given the string writer above: the unsafe characters are escaped
# in every string as it is written (a walk over the value in Python cost as much as the
# rest of a map's run), and nowhere else (the braces of objects stay); the text is
# json.dumps's, character for character. None in a Python without json's C module.
_WRITTEN_STRINGS = _WrittenStrings()
_ENCODE = (
    json.encoder.c_make_encoder(
        None, _not_serializable, _WRITTEN_STRINGS.__getitem__, None, ": ", ", ", False, False, True
    )
    if json.encoder.c_make_encoder is not None
    else None
)


def script_json(value: Any) -> str:
    """`value` as JSON safe to put in a <script> element that a template engine may parse
    again: the characters above are written as \\uXXXX inside strings, so the browser
    reads the same text and neither HTML nor Jinja sees markup in it. A ScriptData is
    written already: its text."""
    if isinstance(value, ScriptData):
        return value.text
    if _ENCODE is not None:
        return "".join(_ENCODE(value, 0))
    # (a Python without json's C module) json.dumps puts `"` outside strings only as
    # their delimiters, so every string is one match, and nothing outside strings holds
    # these characters but the braces of objects
    text = json.dumps(value, ensure_ascii=False)
    return _JSON_STRING.sub(lambda m: m.group().translate(_ESCAPED), text)


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


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


def _day(value: Any) -> datetime | pd.Timestamp:
    """`value` as a point in time: the stores give ISO text, read without pandas' parser
    (pd.Timestamp of a string cost 77 µs, most of a map's tooltips of single events)."""
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            pass
    return pd.Timestamp(value)


def format_event_date(value: Any, precision: Any = "day") -> str:
    """The event date as precise as it is known: 2016-11-08, 2016-11, 2016 or 'week of …'."""
    if is_missing(value):
        return "undated"
    day = _day(value)
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


def type_color(event_type: Any) -> str:
    return TYPE_COLORS.get(_text(event_type), TYPE_COLORS[OTHER_TYPE])


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _event_html(event: dict, *, full: bool = True) -> str:
    meta = [html.escape(format_event_date(event["event_date"], event["date_precision"]))]
    if event["date_from_text"] is False:
        meta[0] += " (publication date)"
    if _text(event["source"]):
        meta.append(_esc(event["source"]))
    if _text(event["event_type"]):
        meta.append(_esc(event["event_type"]))
    parts = [f'<div class="geo-meta">{" · ".join(meta)}</div>']
    if not full:
        return f'<div class="geo-event">{"".join(parts)}</div>'
    sentence = _truncate(_text(event["sentence"]), MAX_POPUP_SENTENCE)
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


def precision_note(precision: Any, approximate: Any) -> str:
    """How precisely a place is known, in words ('' when exactly)."""
    if approximate is True:
        return "approximate location"
    level = _text(precision)
    if level in AREA_PRECISIONS:
        return f"somewhere in this {'country' if level == 'country' else 'region'}"
    if level in ("admin2", "city"):
        return f"{'district' if level == 'admin2' else 'town'}-level location"
    return ""


def popup_html(events: list[dict], total: int | None = None) -> str:
    """The popup of one marker: its place, then a summary of its events.

    One event: its date, publisher, type, sentence (place highlighted) and link. Several:
    a line each for the first MAX_EVENTS_PER_POPUP (the evidence panel shows them all).
    """
    total = len(events) if total is None else total
    first = events[0]
    head = html.escape(_place_name(first))
    note = precision_note(first["precision"], first["approximate"])
    if note:
        head += f' <span class="geo-note">({html.escape(note)})</span>'
    full = total == 1
    count = f'<div class="geo-count">{total} events</div>' if total > 1 else ""
    body = "".join(_event_html(e, full=full) for e in events[:MAX_EVENTS_PER_POPUP])
    more = total - min(len(events), MAX_EVENTS_PER_POPUP)
    tail = f'<div class="geo-more">and {more} more</div>' if more > 0 else ""
    hint = '<div class="geo-hint">Every report: in the Evidence panel</div>'
    return (
        f'<div class="geo-popup"><div class="geo-place">{head}</div>{count}{body}{tail}{hint}</div>'
    )


def tooltip_html(events: list[dict], total: int | None = None) -> str:
    total = len(events) if total is None else total
    first = events[0]
    what = (
        format_event_date(first["event_date"], first["date_precision"])
        if total == 1
        else f"{total} events"
    )
    return f"<b>{html.escape(_place_name(first))}</b> · {html.escape(what)}"


# --- the map's GeoJSON ------------------------------------------------------------------------


def _point_keys(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Rounded latitude and longitude of each row, and whether they are valid."""
    lat = pd.to_numeric(frame["latitude"], errors="coerce").astype("float64")
    lon = pd.to_numeric(frame["longitude"], errors="coerce").astype("float64")
    valid = lat.between(-90.0, 90.0) & lon.between(-180.0, 180.0)
    return lat.round(5), lon.round(5), valid.fillna(False).astype(bool)


@dataclass(frozen=True)
class Marker:
    """One point of the map: the rows of the frame (positions) whose events are there."""

    latitude: float
    longitude: float
    positions: tuple[int, ...]


def markers(frame: pd.DataFrame) -> list[Marker]:
    """Events grouped by point (5 decimals), in the frame's order; events without valid
    coordinates are left out."""
    if frame.empty:
        return []
    lat, lon, valid = _point_keys(frame)
    positions = np.flatnonzero(valid.to_numpy())
    if not len(positions):
        return []
    keys = pd.DataFrame({"lat": lat.to_numpy()[positions], "lon": lon.to_numpy()[positions]})
    groups = keys.groupby(["lat", "lon"], sort=False).indices
    out = [
        Marker(float(la), float(lo), tuple(int(positions[i]) for i in sorted(rows)))
        for (la, lo), rows in groups.items()
    ]
    return sorted(out, key=lambda m: m.positions[0])


def events_at(frame: pd.DataFrame, latitude: float, longitude: float) -> pd.DataFrame:
    """The rows of `frame` at the marker at (latitude, longitude) (what a click reports)."""
    lat, lon, valid = _point_keys(frame)
    mask = valid & (lat == round(float(latitude), 5)) & (lon == round(float(longitude), 5))
    return frame.loc[mask.to_numpy()].reset_index(drop=True)


def _records(frame: pd.DataFrame, positions: Iterable[int]) -> list[dict]:
    """The rows at `positions` as dicts, a missing value None. Column by column: a
    frame's to_dict boxes every cell of pandas' arrow strings one by one (2,147 points of
    the map: 0.28 -> 0.1 s)."""
    part = frame.iloc[list(positions)]
    columns = [
        [None if is_missing(v) else v for v in part[name].astype(object).tolist()]
        for name in part.columns
    ]
    names = list(part.columns)
    return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]


def uncertainty_m(precision: Any, approximate: Any) -> int:
    """The radius, in metres, within which a place of this precision lies."""
    radius = UNCERTAINTY_M.get(_text(precision), 0)
    if approximate is True:
        radius = max(radius, APPROXIMATE_M)
    return radius


def _main_type(types: list[Any]) -> str:
    """The most frequent known type (ties: the first seen); 'other' when none is known."""
    counts: dict[str, int] = {}
    for value in types:
        name = _text(value)
        name = name if name in TYPE_COLORS else OTHER_TYPE
        counts[name] = counts.get(name, 0) + 1
    known = {k: v for k, v in counts.items() if k != OTHER_TYPE} or counts
    return max(known, key=lambda k: known[k]) if known else OTHER_TYPE


def count_radius(events: int) -> float:
    """A point's radius in pixels when sized by its events (area grows with the count)."""
    return round(min(6 + 2.5 * math.sqrt(max(events, 1) - 1), 18), 1)


def deaths_radius(deaths: int) -> float:
    """A point's radius in pixels when sized by the deaths reported there: small and
    constant without deaths, then growing with the square root (area with the count)."""
    if deaths <= 0:
        return NO_DEATHS_RADIUS
    return round(min(NO_DEATHS_RADIUS + 1 + 2.2 * math.sqrt(deaths), MAX_DEATHS_RADIUS), 1)


def _point_feature(
    latitude: float,
    longitude: float,
    shown: list[dict],
    total: int,
    main_type: str,
    deaths: int,
    *,
    popup: bool = True,
) -> dict:
    """The Feature of one point of the map: `shown` its first events (records, frame
    order: the popup's, the first one's place), `total` events there, of `main_type`
    mostly, reporting `deaths`. Without `popup` the point carries what its marker and
    tooltip need only (the app asks for the popup when the point is clicked)."""
    first = shown[0]
    precision = _text(first["precision"])
    approximate = first["approximate"] is True
    properties = {
        "count": total,
        "type": main_type,
        "color": TYPE_COLORS[main_type],
        "precision": precision,
        "approximate": approximate,
        "uncertainty_m": uncertainty_m(precision, approximate),
        "area": precision in AREA_PRECISIONS,
        # Aggregates over the events at this place (first / sum), so that a query can
        # compute them too: the country and region the place is in, and the deaths
        # reported there.
        "country": _text(first.get("country_code")),
        "admin1": _text(first.get("admin1")),
        "killed": deaths,
    }
    if popup:
        properties["popup"] = popup_html(shown, total)
    properties["tooltip"] = tooltip_html(shown, total)
    properties["style"] = {"radius": count_radius(total), "deaths_radius": deaths_radius(deaths)}
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [longitude, latitude]},
        "properties": properties,
    }


def map_features(frame: pd.DataFrame) -> dict:
    """The FeatureCollection the map draws: one Point per distinct place (`_point_feature`).

    Properties: `count`, `type` (the most frequent), `color`, `precision`, `approximate`,
    `uncertainty_m`, `area` (True: drawn as an area, not a pinpoint), `country` and
    `admin1` (of the first event there), `killed` (the sum of deaths reported there),
    `popup` and `tooltip` (HTML built from escaped text only), `style` (the marker's radius
    in pixels, sized by events and by deaths).
    """
    found = markers(frame)
    if not found:
        return {"type": "FeatureCollection", "features": []}
    # One conversion to records for the few events each popup shows (fast at 20k events).
    needed = sorted({p for m in found for p in m.positions[:MAX_EVENTS_PER_POPUP]})
    records = dict(zip(needed, _records(frame, needed), strict=True))
    types = frame["event_type"].tolist()
    killed = pd.to_numeric(frame["killed"], errors="coerce").fillna(0).to_numpy()
    features = [
        _point_feature(
            marker.latitude,
            marker.longitude,
            [records[p] for p in marker.positions[:MAX_EVENTS_PER_POPUP]],
            len(marker.positions),
            _main_type([types[i] for i in marker.positions]),
            int(killed[list(marker.positions)].sum()),
        )
        for marker in found
    ]
    return {"type": "FeatureCollection", "features": features}


# What a popup, a tooltip and the order of the points read of an event.
_POPUP_COLUMNS = (
    "event_id", "article_id", "sentence_start", "event_date", "date_precision",
    "date_from_text", "source", "event_type", "sentence", "mention", "url", "title", "place",
    "precision", "approximate", "country_code", "admin1", "point_lat", "point_lon",
)  # fmt: skip


def features_from_points(types: pd.DataFrame, firsts: pd.DataFrame) -> dict:
    """`map_features` without popups, from what the database aggregated (Store.point_types:
    events and deaths per point and type, and each one's first event; Store.point_firsts:
    the first event of each point, in the frame's order, with its point_lat/point_lon),
    not from every event. The country and region are the first event's, the deaths the
    point's sum; a clicked point's popup is `point_popup`'s (the popups of thousands of
    points were most of the bytes of every rerun).

    The same features, in the order of each point's first event; a tie between two types
    for the most frequent goes to the one seen first where `types` has Store.point_types'
    first_key (as `map_features`), else to the one among the point's first events, then by
    name."""
    if types.empty or firsts.empty:
        return {"type": "FeatureCollection", "features": []}
    # One pass over the rows per point and type, on plain lists (iterating pandas' arrow
    # strings cell by cell, and a group-by for each sum, cost more than the features).
    totals: dict[tuple[float, float], int] = {}
    killed: dict[tuple[float, float], int] = {}
    per_type: dict[tuple[float, float], dict[str, int]] = {}
    # Where the types carry their first event (Store.point_types' first_key), a tie for
    # the most frequent goes to the type seen first, as in `map_features`.
    first_seen: dict[tuple[float, float], dict[str, str]] = {}
    n_rows = len(types)
    keys = types["first_key"].tolist() if "first_key" in types else [None] * n_rows
    deaths_in = types["killed"].tolist() if "killed" in types else [0] * n_rows
    names: dict[Any, str] = {}
    for lat, lon, event_type, n, dead, key in zip(
        types["latitude"].astype(float).tolist(),
        types["longitude"].astype(float).tolist(),
        types["event_type"].astype(object).tolist(),
        types["events"].tolist(),
        deaths_in,
        keys,
        strict=True,
    ):
        name = names.get(event_type)
        if name is None:
            name = _text(event_type)
            name = names[event_type] = name if name in TYPE_COLORS else OTHER_TYPE
        point = (lat, lon)
        totals[point] = totals.get(point, 0) + int(n)
        killed[point] = killed.get(point, 0) + int(dead)
        counts = per_type.setdefault(point, {})
        counts[name] = counts.get(name, 0) + int(n)
        if key is not None:
            seen_at = first_seen.setdefault(point, {})
            seen_at[name] = min(seen_at.get(name, key), key)
    firsts = firsts[[c for c in _POPUP_COLUMNS if c in firsts]].reset_index(drop=True)
    rows: dict[tuple[float, float], list[int]] = {}
    for i, key in enumerate(
        zip(firsts["point_lat"].astype(float), firsts["point_lon"].astype(float), strict=True)
    ):
        rows.setdefault(key, []).append(i)
    seen_types = [_text(t) for t in firsts["event_type"].astype(object)]
    # The record of the row a feature reads: its point's first event.
    wanted = [at[0] for at in rows.values()]
    records = dict(zip(wanted, _records(firsts, wanted), strict=True))
    features = []
    for (lat, lon), at in rows.items():
        events = [records[at[0]]]
        total = totals.get((lat, lon), len(at))
        counts = per_type.get((lat, lon), {})
        known = {k: v for k, v in counts.items() if k != OTHER_TYPE} or counts
        seen = [seen_types[i] for i in at]
        order = first_seen.get((lat, lon))
        if order:
            main_type = min(known, key=lambda k: (-known[k], order.get(k, ""), k))
        else:
            main_type = (
                min(known, key=lambda k: (-known[k], seen.index(k) if k in seen else len(seen), k))
                if known
                else OTHER_TYPE
            )
        deaths = killed.get((lat, lon), 0)
        feature = _point_feature(lat, lon, events, total, main_type, deaths, popup=False)
        features.append((_frame_key(events[0]), feature))
    features.sort(key=lambda pair: pair[0])
    return {"type": "FeatureCollection", "features": [f for _key, f in features]}


def point_popup(events: pd.DataFrame) -> str | None:
    """The popup of the point whose events (frame order) are `events` (Store.events_at),
    as `map_features` gives it; None when there are none."""
    if events.empty:
        return None
    shown = _records(events, range(min(len(events), MAX_EVENTS_PER_POPUP)))
    return popup_html(shown, len(events))


def popup_source(point: tuple[float, float], popup: str) -> str:
    """The element the dashboard writes beside its map for the point last clicked: its
    `popup` (point_popup's HTML) as the value of an attribute, so the page shows nothing
    of it and the map's script (geo-map.js) opens it as it was made."""
    lat, lon = (round(float(v), 5) for v in point)
    return (
        f'<div hidden class="geo-popup-source" data-lat="{lat!r}" data-lon="{lon!r}" '
        f'data-geo-popup="{html.escape(popup, quote=True)}"></div>'
    )


def features_from_grid(cells: pd.DataFrame) -> dict:
    """The map far out over very many places: one Point per cell of a grid (Store.
    grid_counts: events and deaths per cell, type and region, at their mean position),
    its count, main type, deaths and a popup that says to zoom in (or filter). A cell's
    `country` and `admin1` are those of most of its events (ties by name), so counts per
    province far out give each cell's events to its main region."""
    if cells.empty:
        return {"type": "FeatureCollection", "features": []}
    features = []
    for _key, cell in cells.groupby(["cell_lat", "cell_lon"], sort=True):
        total = int(cell["events"].sum())
        lat = float((cell["latitude"] * cell["events"]).sum() / total)
        lon = float((cell["longitude"] * cell["events"]).sum() / total)
        counts: dict[str, int] = {}
        for event_type, n in zip(cell["event_type"], cell["events"], strict=True):
            name = _text(event_type)
            name = name if name in TYPE_COLORS else OTHER_TYPE
            counts[name] = counts.get(name, 0) + int(n)
        known = {k: v for k, v in counts.items() if k != OTHER_TYPE} or counts
        main_type = min(known, key=lambda k: (-known[k], k))
        regions: dict[tuple[str, str], int] = {}
        for country, admin1, n in zip(
            cell.get("country_code", pd.Series([None] * len(cell), index=cell.index)),
            cell.get("admin1", pd.Series([None] * len(cell), index=cell.index)),
            cell["events"],
            strict=True,
        ):
            key = (_text(country), _text(admin1))
            regions[key] = regions.get(key, 0) + int(n)
        country, admin1 = min(regions, key=lambda k: (-regions[k], k))
        deaths = int(cell["killed"].sum()) if "killed" in cell else 0
        label = f"{total} events in this area"
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(lon, 5), round(lat, 5)]},
                "properties": {
                    "count": total,
                    "type": main_type,
                    "color": TYPE_COLORS[main_type],
                    "precision": "area",
                    "approximate": True,
                    "uncertainty_m": 0,
                    "area": True,
                    "country": country,
                    "admin1": admin1,
                    "killed": deaths,
                    "popup": (
                        f'<div class="geo-popup"><div class="geo-count">{html.escape(label)}'
                        '</div><div class="geo-hint">Filter or zoom in to see the places'
                        "</div></div>"
                    ),
                    "tooltip": html.escape(label),
                    "style": {
                        "radius": count_radius(total),
                        "deaths_radius": deaths_radius(deaths),
                    },
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _frame_key(event: dict) -> tuple:
    """Where an event comes in the frame's order (date, article, offset; undated last)."""
    day = event["event_date"]
    return (day is None, str(day), str(event["article_id"]), int(event["sentence_start"] or 0),
            str(event["event_id"]))  # fmt: skip


def heat_points_from(features: dict) -> list[list[float]]:
    """[latitude, longitude, events] per point of a `map_features` collection."""
    return [
        [f["geometry"]["coordinates"][1], f["geometry"]["coordinates"][0], f["properties"]["count"]]
        for f in features["features"]
    ]


def bounds_from(features: dict) -> list[list[float]] | None:
    """[[south, west], [north, east]] of a `map_features` collection, or None."""
    coords = [f["geometry"]["coordinates"] for f in features["features"]]
    if not coords:
        return None
    lons, lats = zip(*coords, strict=True)
    return [[min(lats), min(lons)], [max(lats), max(lons)]]


def heat_points(frame: pd.DataFrame) -> list[list[float]]:
    """[latitude, longitude, events] per point, for the heat layer."""
    return [[m.latitude, m.longitude, len(m.positions)] for m in markers(frame)]


def bounds(frame: pd.DataFrame) -> list[list[float]] | None:
    """[[south, west], [north, east]] of the events with valid coordinates, or None."""
    lat, lon, valid = _point_keys(frame) if not frame.empty else (None, None, None)
    if valid is None or not valid.any():
        return None
    lat, lon = lat[valid], lon[valid]
    return [[float(lat.min()), float(lon.min())], [float(lat.max()), float(lon.max())]]


# --- town labels and counts per province ------------------------------------------------------

# The zoom from which a town's label may show, by its population: the largest towns are
# named from the country view on, smaller ones as one zooms in (the map also skips a label
# that would overlap one already drawn).
LABEL_ZOOMS: tuple[tuple[int, int], ...] = (
    (1_000_000, 3),
    (300_000, 5),
    (100_000, 6),
    (40_000, 7),
    (15_000, 8),
    (0, 9),
)
LABELS_PER_COUNTRY = 150
MAX_LABELS = 600  # about 20 KB in the page


def label_min_zoom(population: int) -> int:
    return next(zoom for floor, zoom in LABEL_ZOOMS if population >= floor)


def event_countries(frame: pd.DataFrame | None) -> tuple[str, ...]:
    """The country codes of `frame`'s events, most events first (ties by code)."""
    if frame is None or frame.empty:
        return ()
    counts = frame["country_code"].dropna().astype(str).value_counts()
    return tuple(sorted(counts.index, key=lambda cc: (-counts[cc], cc)))


def town_labels(
    countries: Iterable[str],
    gazetteer: Any,
    *,
    per_country: int = LABELS_PER_COUNTRY,
    limit: int = MAX_LABELS,
) -> list[list]:
    """[latitude, longitude, name, min zoom] of the largest towns of `countries` (a
    gazetteer's `places_in`), most populous first, at most `limit`: the names the map
    shows where no basemap tiles load."""
    towns = []
    for code in dict.fromkeys(c for c in countries if c):
        towns.extend(gazetteer.places_in(code, "city", per_country))
    towns.sort(key=lambda t: (-t.population, t.name))
    return [
        [round(t.latitude, 3), round(t.longitude, 3), t.name, label_min_zoom(t.population)]
        for t in towns[:limit]
    ]


def default_town_labels(frame: pd.DataFrame | None) -> list[list]:
    """`town_labels` of `frame`'s countries from the offline gazetteer ([] without it)."""
    countries = event_countries(frame)
    if not countries:
        return []
    from geo.place.gazetteer import default_gazetteer

    try:
        gazetteer = default_gazetteer()
    except (OSError, ValueError):  # no index and it cannot be built: a map without names
        return []
    return town_labels(countries, gazetteer)


# Events per country, in classes (the choropleth's legend): 1, 2-9, 10-99, 100-999, 1000+.
COUNT_CLASSES: tuple[int, ...] = (1, 2, 10, 100, 1000)
CLASS_COLORS: tuple[str, ...] = ("#fee5d9", "#fcae91", "#fb6a4a", "#de2d26", "#a50f15")
PROVINCE_COLOR = "#3b5b92"


def count_class(count: int) -> int:
    """The index in COUNT_CLASSES of the class `count` falls in."""
    return max(i for i, floor in enumerate(COUNT_CLASSES) if count >= floor)


def province_counts(features: dict, centre: Any = None) -> dict:
    """Events per first-level region (admin1) and per country, from a `map_features`
    collection (so from its per-place counts, whichever way they were computed).

    `provinces`: [latitude, longitude, admin1, country, events] per region, most events
    first, at `centre(country, admin1)` (the region's point in the gazetteer) when given
    and known, else at the event-weighted mean of its places. Events known only to the
    country count for the country alone. `countries`: code -> [events, class index].
    """
    regions: dict[tuple[str, str], list[float]] = {}
    countries: dict[str, int] = {}
    for feature in features["features"]:
        p = feature["properties"]
        lon, lat = feature["geometry"]["coordinates"]
        count, country = int(p["count"]), p.get("country") or ""
        if country:
            countries[country] = countries.get(country, 0) + count
        if not p.get("admin1") or p.get("precision") == "country":
            continue
        acc = regions.setdefault((country, p["admin1"]), [0.0, 0.0, 0])
        acc[0] += lat * count
        acc[1] += lon * count
        acc[2] += count
    provinces = []
    for (country, name), (lat_sum, lon_sum, count) in regions.items():
        point = centre(country, name) if centre is not None else None
        lat, lon = point if point is not None else (lat_sum / count, lon_sum / count)
        provinces.append([round(lat, 4), round(lon, 4), name, country, int(count)])
    provinces.sort(key=lambda r: (-r[4], r[3], r[2]))
    return {
        "provinces": provinces,
        "countries": {cc: [n, count_class(n)] for cc, n in sorted(countries.items())},
    }


def gazetteer_admin1_centre(gazetteer: Any) -> Any:
    """centre(country, admin1) -> (latitude, longitude) of that region in `gazetteer`."""

    def centre(country: str, name: str) -> tuple[float, float] | None:
        for candidate in gazetteer.lookup(name, country or None):
            place = candidate.place
            if place.feature == "admin1":
                return place.latitude, place.longitude
        return None

    return centre


# --- folium elements --------------------------------------------------------------------------


def _map_name(element: Any) -> str:
    parent = element._parent
    while parent is not None and not isinstance(parent, folium.Map):
        parent = parent._parent
    if parent is None:
        raise ValueError(f"{type(element).__name__} must be inside a folium.Map")
    return parent.get_name()


class _Environment(Environment):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["script_json"] = script_json


class _Template(Template):
    """folium's templates, with the `script_json` filter: every value our elements write
    into the page's script goes through it."""

    environment_class = _Environment


class _RenderedText(Element):
    """What an element rendered, kept as it is: never parsed as a template again."""

    def __init__(self, text: str):
        super().__init__()
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


class _DataElement(MacroElement):
    """A MacroElement whose rendered header, html and script go into the page as text.

    branca's MacroElement.render wraps each rendered part in `Element(part)`, which
    compiles it as a Jinja template when the figure renders: data in it would be template
    source (evaluated, or a TemplateSyntaxError that stops the page). The same steps here,
    without that second parse."""

    def render(self, **kwargs) -> None:
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise TypeError(f"{type(self).__name__} can only be rendered inside a Figure")
        module = self._template.module.__dict__
        for part, section in (("header", figure.header), ("html", figure.html)):
            macro = module.get(part)
            if macro is not None:
                section.add_child(_RenderedText(macro(self, kwargs)), name=self.get_name())
        script = module.get("script")
        if script is not None:
            figure.script.add_child(_RenderedText(script(self, kwargs)), name=self.get_name())
        for element in self._children.values():
            element.render(**kwargs)


class _FitBoundsInGroup(_DataElement):
    """Fit the map to `bounds`, from inside a FeatureGroup (so it reruns when the
    group is replaced through st_folium's feature_group_to_add)."""

    _template = _Template(
        """
        {% macro script(this, kwargs) %}
            {{ this.map_name() }}.fitBounds(
                {{ this.bounds|script_json }},
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


class _CountryOutline(_DataElement):
    """Country outlines fetched from the app, drawn under the tiles.

    The outline's pane sits below the tile pane, so loaded tiles hide it; when tiles
    cannot load (offline), it shows on the plain background and the events stay
    readable. A failed fetch only logs to the console.
    """

    _template = _Template(
        """
        {% macro script(this, kwargs) %}
        GeoMap.outline(
            {{ this.map_name() }}, {{ this.url|script_json }}, {{ this.style|script_json }}
        );
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


class _ClusterAssets(JSCSSMixin, _DataElement):
    """Loads Leaflet.markercluster (served by the app: geo/view/assets.py)."""

    _template = _Template("")

    def __init__(self):
        super().__init__()
        self._name = "ClusterAssets"
        # folium's names for the plugin; geo.view.assets.localize points them at local files.
        self.default_js = [("markerclusterjs", "leaflet.markercluster.js")]
        self.default_css = [("markerclustercss", "MarkerCluster.css")]


class _MapCode(JSCSSMixin, _DataElement):
    """Loads the map's own JavaScript and CSS (geo/view/static/geo-map.js and .css,
    served by the app: geo/view/assets.py); the elements below call its `GeoMap`."""

    _template = _Template("")

    def __init__(self):
        super().__init__()
        self._name = "MapCode"
        # geo.view.assets.localize points these names at the served files.
        self.default_js = [("geo_map_js", "geo-map.js")]
        self.default_css = [("geo_map_css", "geo-map.css")]


class _Legend(_DataElement):
    """What the colours, shapes and sizes mean, for each map mode: event types, points,
    areas, uncertainty and size (points); the density scale (heat); the classes of events
    per country and the region symbols (provinces). The mode's layer shows its section
    (GeoMap.setMode). Folded by the reader, and folded at first where it would cover
    much of a small map (geo-map.js)."""

    _template = _Template(
        """
        {% macro script(this, kwargs) %}
        GeoMap.legend({{ this.map_name() }}, {{ this.html|script_json }});
        {% endmacro %}
        """
    )

    def __init__(self, types: Iterable[str] | None = None):
        super().__init__()
        self._name = "Legend"
        wanted = set(TYPE_COLORS)
        if types is not None:
            wanted = {t if t in TYPE_COLORS else OTHER_TYPE for t in types}
        rows = "".join(
            f'<span><i class="geo-swatch" style="background:{color}"></i>{html.escape(name)}</span>'
            for name, color in TYPE_COLORS.items()
            if name in wanted
        )
        shapes = (
            '<div><i class="geo-swatch geo-ring"></i>approximate or town-level</div>'
            '<div><i class="geo-swatch geo-area"></i>only the country or region known</div>'
            '<div><i class="geo-swatch geo-clus">n</i>n events grouped</div>'
            '<div class="geo-size-events">size: events at the place</div>'
            '<div class="geo-size-deaths">size: deaths reported there</div>'
        )
        stops = ", ".join(f"{color} {int(at * 100)}%" for at, color in HEAT_GRADIENT)
        heat = (
            f'<div class="geo-ramp" style="background:linear-gradient(to right, {stops})">'
            '</div><div class="geo-ramp-ends"><span>fewer events</span>'
            "<span>more</span></div>"
        )
        bins = [
            f"{floor}"
            if i == len(COUNT_CLASSES) - 1 or COUNT_CLASSES[i + 1] == floor + 1
            else f"{floor}–{COUNT_CLASSES[i + 1] - 1}"
            for i, floor in enumerate(COUNT_CLASSES)
        ]
        bins[-1] += "+"
        classes = "".join(
            f'<span><i class="geo-swatch geo-square" style="background:{color}"></i>{label}</span>'
            for color, label in zip(CLASS_COLORS, bins, strict=True)
        )
        provinces = (
            f'<div>events per country</div><div class="geo-legend-types">{classes}</div>'
            '<div><i class="geo-swatch geo-prov"></i>events per region (admin1), '
            "at its centre</div>"
        )
        self.html = (
            "<details open><summary>Legend</summary>"
            f'<div class="geo-legend-points"><div class="geo-legend-types">{rows}</div><hr>'
            f"{shapes}</div>"
            f'<div class="geo-legend-heat">{heat}</div>'
            f'<div class="geo-legend-provinces">{provinces}</div></details>'
        )

    def map_name(self) -> str:
        return _map_name(self)


class _TownLabels(_DataElement):
    """The names of the largest towns near the events (`town_labels`), each from its own
    zoom, skipping any that would overlap one drawn: readable without basemap tiles, and
    hidden while a labelled basemap shows (geo-map.js)."""

    _template = _Template(
        """
        {% macro script(this, kwargs) %}
        GeoMap.labels({{ this.map_name() }}, {{ this.labels|script_json }});
        {% endmacro %}
        """
    )

    def __init__(self, labels: list[list]):
        super().__init__()
        self._name = "TownLabels"
        self.labels = labels

    def map_name(self) -> str:
        return _map_name(self)


class _ProvinceLayer(_DataElement):
    """Counts per region and country (`province_counts`): countries shaded by their class
    of events (from the app's country outlines), a proportional symbol with the count at
    each region's centre (no region outlines are installed offline)."""

    _template = _Template(
        """
        {% macro script(this, kwargs) %}
        GeoMap.provinces(
            {{ this._parent.get_name() }}, {{ this.map_name() }}, {{ this.data|script_json }}
        );
        {% endmacro %}
        """
    )

    def __init__(self, data: dict):
        super().__init__()
        self._name = "ProvinceLayer"
        self.data = {
            **data,
            "colors": list(CLASS_COLORS),
            "provinceColor": PROVINCE_COLOR,
        }

    def map_name(self) -> str:
        return _map_name(self)


class _EventsLayer(_DataElement):
    """The events: clustered points coloured by type, areas for country/region-level
    places, faint circles of uncertainty (from RING_MIN_ZOOM). Clicking a point or an
    area reports its own centre, so the app can look its events up (`events_at`)."""

    _template = _Template(
        """
        {% macro script(this, kwargs) %}
        (function(group, map) {
            var data = {{ this.data|script_json }};
            GeoMap.events(group, map, data, {{ this.options|script_json }});
        })({{ this._parent.get_name() }}, {{ this.map_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, data: dict, size_by: str = "events"):
        super().__init__()
        self._name = "EventsLayer"
        self.data = data
        if size_by not in SIZE_BY:
            raise ValueError(f"size_by must be one of {SIZE_BY}, got {size_by!r}")
        self.options = {"ringMinZoom": RING_MIN_ZOOM, "ringLimit": RING_LIMIT, "sizeBy": size_by}

    def map_name(self) -> str:
        return _map_name(self)


class _HeatLayer(_DataElement):
    """A density layer: our own small canvas layer (L.GeoHeat of geo-map.js: a blurred
    stamp per point, weighted by its events, coloured through a gradient), so no
    third-party heat plugin is needed."""

    _template = _Template(
        """
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.addLayer(new L.GeoHeat({{ this.points|script_json }}, {
            radius: {{ this.radius }}, max: {{ this.max }},
            gradient: {{ this.gradient|script_json }}
        }));
        {% endmacro %}
        """
    )

    def __init__(self, points: list[list[float]], radius: int = 22):
        super().__init__()
        self._name = "HeatLayer"
        self.points = points
        self.radius = int(radius)
        weights = sorted(p[2] for p in points)
        # The 90th percentile of events per point saturates: a few hot spots do not wash
        # out the rest.
        self.max = max(1.0, float(weights[int(0.9 * (len(weights) - 1))])) if weights else 1.0
        self.gradient = [list(stop) for stop in HEAT_GRADIENT]

    def map_name(self) -> str:
        return _map_name(self)


class _FocusWithoutScrolling(_DataElement):
    """Leaflet focuses the map on the first mouse down (for its keyboard controls). Inside
    st_folium's iframe that focus scrolls the page when the map is partly out of view,
    between mouse down and up, so the first click on a point is lost. Focus it without
    scrolling instead; the keyboard controls stay."""

    _template = _Template(
        """
        {% macro script(this, kwargs) %}
        GeoMap.focusWithoutScrolling({{ this.map_name() }});
        {% endmacro %}
        """
    )

    def __init__(self):
        super().__init__()
        self._name = "FocusWithoutScrolling"

    def map_name(self) -> str:
        return _map_name(self)


class _HonestAttribution(_DataElement):
    """A basemap is credited only once one of its tiles has loaded: offline, or with the
    tile server unreachable, the map must not credit a map it does not show."""

    _template = _Template(
        """
        {% macro script(this, kwargs) %}
        GeoMap.honestAttribution({{ this.map_name() }});
        {% endmacro %}
        """
    )

    def __init__(self):
        super().__init__()
        self._name = "HonestAttribution"

    def map_name(self) -> str:
        return _map_name(self)


def base_map(
    fit_to: pd.DataFrame | None = None,
    *,
    assets: MapAssets | None = None,
    tiles: str | None = DEFAULT_TILES,
    labels: list[list] | None = None,
) -> folium.Map:
    """The map without events: basemaps (a choice of them, top right), the offline
    background (country outlines, and `labels`: town names from `town_labels`), the
    legend, local assets. The same data gives the same map.

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
        tiles=None,
        min_zoom=1,
        world_copy_jump=True,
        control_scale=True,
    )
    if tiles is not None:
        folium.TileLayer(tiles, name=_basemap_name(tiles)).add_to(m)
        for name, provider in BASEMAPS.items():
            if provider != tiles:
                folium.TileLayer(provider, name=name, show=False).add_to(m)
        folium.LayerControl(position="topright", collapsed=True).add_to(m)
    m.add_child(_ClusterAssets(), name="cluster_assets")
    m.add_child(_MapCode(), name="map_code")
    if assets.outline_url:
        m.add_child(_CountryOutline(assets.outline_url), name="country_outline")
    if labels:
        m.add_child(_TownLabels(labels), name="town_labels")
    types = None if fit_to is None or fit_to.empty else fit_to["event_type"].dropna().astype(str)
    m.add_child(_Legend(types), name="legend")
    m.add_child(_FocusWithoutScrolling(), name="focus_without_scrolling")
    if tiles is not None:
        m.add_child(_HonestAttribution(), name="honest_attribution")
    return localize(m, assets)


def _basemap_name(tiles: str) -> str:
    return next((name for name, provider in BASEMAPS.items() if provider == tiles), tiles)


def events_layer(
    frame: pd.DataFrame | None = None,
    *,
    heat: bool = False,
    name: str = "Events",
    features: dict | None = None,
    provinces: bool = False,
    size_by: str = "events",
    admin1_centre: Any = None,
    written: ScriptData | None = None,
) -> folium.FeatureGroup:
    """One FeatureGroup holding the events, fitting the map to them: points (sized by
    `size_by`: events or deaths), or a heat layer (`heat`), or counts per region and
    country (`provinces`, regions placed by `admin1_centre`: see `province_counts`).
    `features` (from `map_features`, e.g. cached) stands for `frame`; `written` is
    `script_data(features)` when the caller has it (cached), for the points."""
    if features is None:
        if frame is None:
            raise ValueError("events_layer needs a frame or its features")
        features = map_features(frame)
    group = folium.FeatureGroup(name=name)
    if heat:
        group.add_child(_HeatLayer(heat_points_from(features)), name="heat")
    elif provinces:
        counts = province_counts(features, admin1_centre)
        group.add_child(_ProvinceLayer(counts), name="provinces")
    else:
        group.add_child(_EventsLayer(written or features, size_by), name="events")
    box = bounds_from(features)
    if box is not None:
        group.add_child(_FitBoundsInGroup(box, FIT_PADDING, FIT_MAX_ZOOM), name="fit")
    return group


def build_map(
    frame: pd.DataFrame,
    *,
    fit_to: pd.DataFrame | None = None,
    assets: MapAssets | None = None,
    tiles: str | None = DEFAULT_TILES,
    heat: bool = False,
    provinces: bool = False,
    size_by: str = "events",
    labels: list[list] | None = None,
) -> folium.Map:
    """The whole map of `frame`'s events (base map + events layer)."""
    m = base_map(frame if fit_to is None else fit_to, assets=assets, tiles=tiles, labels=labels)
    events_layer(frame, heat=heat, provinces=provinces, size_by=size_by).add_to(m)
    _layer_control_last(m)
    return localize(m, assets or map_assets())


def _layer_control_last(m: folium.Map) -> None:
    """folium's layer control names, by their script variables, the layers before it in
    the map: after the events layer, it can name that one too (before, the name was not
    defined yet, and the page stopped drawing)."""
    for key, child in list(m._children.items()):
        if isinstance(child, folium.LayerControl):
            m._children.move_to_end(key)


def standalone_html(
    frame: pd.DataFrame,
    *,
    heat: bool = False,
    provinces: bool = False,
    size_by: str = "events",
    labels: list[list] | None = None,
) -> str:
    """The map of `frame` as one HTML file that works opened from disk: Leaflet and the
    clustering plugin inlined (from the installed packages), basemap tiles from the web,
    town names (`labels`, by default from the offline gazetteer)."""
    if labels is None:
        labels = default_town_labels(frame)
    m = build_map(
        frame,
        assets=map_assets(outline=False),
        heat=heat,
        provinces=provinces,
        size_by=size_by,
        labels=labels,
    )
    return inline_page(m.get_root().render())


def event_layers(m: Any) -> Iterable[MacroElement]:
    """The events and heat layers of `m` (a map or a group; for tests and checks)."""
    stack: list[Any] = [m]
    while stack:
        element = stack.pop()
        if isinstance(element, _EventsLayer | _HeatLayer | _ProvinceLayer):
            yield element
        stack.extend(getattr(element, "_children", {}).values())


def pin_layer(latitude: float, longitude: float) -> folium.FeatureGroup:
    """A FeatureGroup with one pin: where a correction will put a place."""
    lat, lon = validate_location(latitude, longitude)
    group = folium.FeatureGroup(name="Pin")
    folium.CircleMarker(
        [lat, lon],
        radius=9,
        color="#111111",
        weight=3,
        fill=True,
        fill_color="#ffffff",
        fill_opacity=0.9,
        tooltip="the place will be here",
    ).add_to(group)
    return group
