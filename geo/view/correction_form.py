"""The decisions of the "Correct a place" form, apart from its widgets.

The form corrects where the selected event's place name (as written) is placed: another
gazetteer place, a pin dropped on the map (or typed coordinates), or not a place at all.
geo.ingest.corrections stores the correction; this module decides what the form shows
and when it can be saved. Nothing here imports Streamlit.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import folium

from geo.models import Place
from geo.view.export import is_missing

ANOTHER_PLACE = "another gazetteer place"
DROPPED_PIN = "where I drop a pin"
NOT_A_PLACE = "not a place"
CHOICES: tuple[str, ...] = (ANOTHER_PLACE, DROPPED_PIN, NOT_A_PLACE)
# What a pinned place may be: a pin is finer than a town, or it is the town itself.
PIN_FEATURES: tuple[str, ...] = ("landmark", "neighbourhood", "city")
PIN_DECIMALS = 6  # ~0.1 m: finer than any click on the map
PIN_ZOOM = 11  # a town and its surroundings: where in it the pin goes
LABEL_KM = 40.0  # towns labelled on the pin map, around the event
NOTE_MAX_CHARS = 300


def _text(value: Any) -> str:
    return "" if is_missing(value) else str(value)


def _coordinate(value: Any) -> float | None:
    if is_missing(value):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


@dataclass(frozen=True)
class Subject:
    """The place of the selected event, as the form corrects it."""

    mention: str  # the name as written (the place's name when the mention is missing)
    place: str
    country_code: str  # "" when unknown
    precision: str  # "" when unknown
    latitude: float | None
    longitude: float | None

    @property
    def point(self) -> tuple[float, float] | None:
        if self.latitude is None or self.longitude is None:
            return None
        return self.latitude, self.longitude


def subject_of(event: Mapping[str, Any]) -> Subject:
    """The form's subject from a row of the events frame (geo/schema.py)."""
    place = _text(event.get("place"))
    return Subject(
        mention=_text(event.get("mention")) or place,
        place=place,
        country_code=_text(event.get("country_code")),
        precision=_text(event.get("precision")),
        latitude=_coordinate(event.get("latitude")),
        longitude=_coordinate(event.get("longitude")),
    )


def pin_start(subject: Subject) -> tuple[float, float]:
    """Where the typed coordinates start: the event's point, else 0, 0 (an event placed
    nowhere still gets a valid pin to move)."""
    return subject.point or (0.0, 0.0)


def dropped_pin(clicked: Mapping[str, Any] | None, seen: Any) -> tuple[float, float] | None:
    """The (latitude, longitude) of a new click on the pin map, rounded; None when the
    map reports no click, or the click already seen (st_folium repeats its last one)."""
    if not clicked or clicked == seen:
        return None
    lat, lon = _coordinate(clicked.get("lat")), _coordinate(clicked.get("lng"))
    if lat is None or lon is None:
        return None
    return round(lat, PIN_DECIMALS), round(lon, PIN_DECIMALS)


def sentence_html(event: Mapping[str, Any]) -> str:
    """The event's sentence, escaped, its place name as written marked: beside the form,
    so the reader corrects the place with what the text says in view."""
    sentence = _text(event.get("sentence"))
    if not sentence:
        return '<p class="fix-sentence">(no sentence stored)</p>'
    mention = _text(event.get("mention"))
    at = sentence.find(mention) if mention else -1
    if at < 0:
        body = html.escape(sentence)
    else:
        end = at + len(mention)
        body = (
            f"{html.escape(sentence[:at])}<mark>{html.escape(mention)}</mark>"
            f"{html.escape(sentence[end:])}"
        )
    title = _text(event.get("title"))
    source = _text(event.get("source"))
    by = " · ".join(html.escape(x) for x in (source, title) if x)
    tail = f'<div class="fix-source">{by}</div>' if by else ""
    return (
        '<blockquote class="fix-sentence" style="margin:0;padding:4px 10px;'
        f'border-left:3px solid #d0d4d8">{body}{tail}</blockquote>'
    )


def labels_layer(places: Iterable[Place]) -> folium.FeatureGroup:
    """Town names on the pin map (its offline background has none): a dot and the name,
    always shown. Names are escaped (Leaflet renders tooltips as HTML)."""
    group = folium.FeatureGroup(name="Towns")
    for place in places:
        folium.CircleMarker(
            [place.latitude, place.longitude],
            radius=2,
            color="#444444",
            weight=1,
            fill=True,
            fill_opacity=1,
            interactive=False,
            tooltip=folium.Tooltip(
                html.escape(place.name), permanent=True, direction="right", class_name="pin-town"
            ),
        ).add_to(group)
    return group


def located_label(country: str, region: str) -> str:
    """'in Syria · Aleppo' (the pin's country and region), or '' when nowhere known."""
    return f"in {country} · {region}" if country and region else f"in {country}" if country else ""


def can_save(choice: str, candidates: list) -> bool:
    """Whether the correction is complete: another gazetteer place needs one to choose."""
    if choice not in CHOICES:
        raise ValueError(f"the choice must be one of {CHOICES}, got {choice!r}")
    return choice != ANOTHER_PLACE or bool(candidates)


def saved_message(override_id: int, moved: int) -> str:
    return f"Correction {override_id} saved: {moved} place mention(s) changed."


def undone_message(override_id: int, changed: int | None) -> str:
    return f"Correction {override_id} removed: {changed or 0} place mention(s) changed back."
