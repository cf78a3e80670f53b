"""Writing events out: CSV (the stable column contract) and GeoJSON.

GeoJSON is the one place where coordinates are written longitude first.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pandas as pd

from geo.schema import EVENT_COLUMNS, EXPORT_COLUMNS

DATE_COLUMNS = [name for name, dtype in EVENT_COLUMNS.items() if dtype.startswith("datetime")]


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Dates as YYYY-MM-DD, booleans as true/false, missing as empty."""
    out = frame[EXPORT_COLUMNS].copy()
    for column in DATE_COLUMNS:
        out[column] = out[column].dt.strftime("%Y-%m-%d")
    for column, dtype in EVENT_COLUMNS.items():
        if dtype == "boolean":
            out[column] = out[column].map({True: "true", False: "false"})
    return out


def to_csv(frame: pd.DataFrame) -> str:
    return _plain(frame).to_csv(index=False, lineterminator="\n")


def _json_value(value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def events_geojson(frame: pd.DataFrame) -> dict:
    """A FeatureCollection of the located events (events without coordinates are left out)."""
    plain = _plain(frame)
    features = []
    for (_, row), lat, lon in zip(
        plain.iterrows(), frame["latitude"], frame["longitude"], strict=True
    ):
        if pd.isna(lat) or pd.isna(lon):
            continue
        properties = {
            k: _json_value(v) for k, v in row.items() if k not in ("latitude", "longitude")
        }
        features.append(
            {
                "type": "Feature",
                "id": properties["event_id"],
                "geometry": {"type": "Point", "coordinates": [float(lon), float(lat)]},
                "properties": properties,
            }
        )
    return {"type": "FeatureCollection", "features": features}


def to_geojson(frame: pd.DataFrame) -> str:
    return json.dumps(events_geojson(frame), ensure_ascii=False, indent=1)
