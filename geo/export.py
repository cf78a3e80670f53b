"""Writing events out: CSV (the stable column contract) and GeoJSON.

GeoJSON is the one place where coordinates are written longitude first.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pandas as pd

from geo.models import validate_location
from geo.schema import EVENT_COLUMNS, EXPORT_COLUMNS

DATE_COLUMNS = [name for name, dtype in EVENT_COLUMNS.items() if dtype.startswith("datetime")]


def is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def json_value(value: Any) -> Any:
    """A frame cell as plain JSON: dates as YYYY-MM-DD, missing and non-finite as null."""
    if is_missing(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def geojson_point(latitude: Any, longitude: Any) -> dict | None:
    """A GeoJSON Point (longitude first!) or None when the coordinates are not valid."""
    if is_missing(latitude) or is_missing(longitude):
        return None
    try:
        lat, lon = validate_location(latitude, longitude)
    except ValueError:
        return None
    return {"type": "Point", "coordinates": [lon, lat]}


def to_csv(frame: pd.DataFrame) -> str:
    """The export columns in order; dates as YYYY-MM-DD, booleans as true/false."""
    out = frame[EXPORT_COLUMNS].copy()
    for column in DATE_COLUMNS:
        out[column] = out[column].dt.strftime("%Y-%m-%d")
    for column, dtype in EVENT_COLUMNS.items():
        if dtype == "boolean":
            out[column] = out[column].map({True: "true", False: "false"})
    return out.to_csv(index=False, lineterminator="\n")


def events_geojson(frame: pd.DataFrame) -> dict:
    """A FeatureCollection with one Point per event; properties are the other columns.

    Values are raw (not HTML-escaped): whoever renders them must escape them. Events
    without valid coordinates are left out.
    """
    features = []
    columns = [c for c in frame.columns if c not in ("latitude", "longitude")]
    for row in frame.itertuples(index=False):
        record = row._asdict()
        geometry = geojson_point(record["latitude"], record["longitude"])
        if geometry is None:
            continue
        properties = {c: json_value(record[c]) for c in columns}
        feature = {"type": "Feature", "geometry": geometry, "properties": properties}
        if properties.get("event_id"):
            feature["id"] = properties["event_id"]
        features.append(feature)
    return {"type": "FeatureCollection", "features": features}


def to_geojson(frame: pd.DataFrame) -> str:
    return json.dumps(events_geojson(frame), ensure_ascii=False, indent=1)
