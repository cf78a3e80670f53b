"""Where a point is: its country and first-level region, from the offline data.

A pin dropped on the map takes the country and region of where it is, not those of the
place it replaces (a pin dropped in Aleppo for a name first placed in the United States is
in Syria). The country is the one whose outline holds the point (countryinfo's Natural
Earth 1:110m outlines, as the map draws them); near a coast or a border, where such a
coarse outline may miss, and for the region, the nearest gazetteer town decides
(`Gazetteer.nearest`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from geo.models import Place
from geo.place.gazetteer import Gazetteer, country_outline_records

NEAREST_KM = 50.0  # a town farther than this says nothing of where the point is


@dataclass(frozen=True)
class Located:
    """What is known of where a point is (None: nothing)."""

    country_code: str | None
    admin1: str | None
    admin1_code: str | None
    nearest: Place | None  # the nearest town within NEAREST_KM


Ring = list[tuple[float, float]]  # (lon, lat) points


@functools.cache
def _outlines() -> tuple[tuple[str, tuple[float, float, float, float], tuple[Ring, ...]], ...]:
    """(country code, (west, south, east, north), outer rings) of each country outline."""
    out = []
    for iso, collection in country_outline_records():
        if not isinstance(collection, dict):
            continue
        rings: list[Ring] = []
        for feature in collection.get("features") or []:
            geometry = feature.get("geometry") or {}
            if geometry.get("type") == "Polygon":
                rings.append([(p[0], p[1]) for p in geometry["coordinates"][0]])
            elif geometry.get("type") == "MultiPolygon":
                rings.extend([(p[0], p[1]) for p in poly[0]] for poly in geometry["coordinates"])
        rings = [ring for ring in rings if len(ring) >= 3]
        if not rings:
            continue
        lons = [x for ring in rings for x, _ in ring]
        lats = [y for ring in rings for _, y in ring]
        out.append((iso.upper(), (min(lons), min(lats), max(lons), max(lats)), tuple(rings)))
    return tuple(out)


def _inside(ring: Ring, lon: float, lat: float) -> bool:
    """Ray casting: whether (lon, lat) is inside the ring."""
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        (xi, yi), (xj, yj) = ring[i], ring[j]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def country_at(latitude: float, longitude: float) -> str | None:
    """The code of the country whose outline holds the point, or None (at sea, or where
    the coarse outline misses)."""
    for code, (west, south, east, north), rings in _outlines():
        if not (west <= longitude <= east and south <= latitude <= north):
            continue
        if any(_inside(ring, longitude, latitude) for ring in rings):
            return code
    return None


def locate(latitude: float, longitude: float, gazetteer: Gazetteer) -> Located:
    """The country and region of a point: the outline holding it, and the nearest town
    (in that country when one holds it) for the region, or for the country when no
    outline does."""
    country = country_at(latitude, longitude)
    near = gazetteer.nearest(latitude, longitude, NEAREST_KM, country_code=country)
    if country is None and near is not None:
        country = near.country_code
    if near is not None and near.country_code == country:
        return Located(country, near.admin1, near.admin1_code, near)
    return Located(country, None, None, near)
