"""Writing events out: CSV (the stable column contract) and GeoJSON.

GeoJSON is the one place where coordinates are written longitude first.

The CSV is opened in spreadsheets, which run a cell starting with `=` (or `+`, `-`, `@`)
as a formula: `=IMPORTXML("http://…")` in a title would fetch an address, and worse.
Text cells starting so are written with a leading `'` (OWASP's advice on CSV
injection): a spreadsheet shows the text and runs nothing. Numbers (a longitude of
-3.7) stay numbers. GeoJSON is data for programs and stays exact.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pandas as pd

from geo.models import validate_location
from geo.schema import EVENT_COLUMNS, EXPORT_COLUMNS

DATE_COLUMNS = [name for name, dtype in EVENT_COLUMNS.items() if dtype.startswith("datetime")]
TEXT_COLUMNS = [name for name, dtype in EVENT_COLUMNS.items() if dtype == "string"]
# What makes a spreadsheet read a cell as a formula (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    # Most cells are text or whole numbers, never missing: answered without pd.isna (the
    # map's features of 20,000 events ask this 58,000 times: 0.09 -> 0.03 s).
    if isinstance(value, str | int):  # bool is an int
        return False
    if isinstance(value, float):  # numpy's float64 too
        return value != value
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


def spreadsheet_safe(value: Any) -> Any:
    """A text cell a spreadsheet shows as text: `'` before a formula's first character."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv_text(value: str) -> str:
    # The writer quotes a cell holding "\n" (the line end) but not a lone "\r", which
    # spreadsheets read as a line end too: the rest of the cell would start a new row
    # (and could be a formula). A carriage return becomes "\n", the store's newline.
    return spreadsheet_safe(value).replace("\r\n", "\n").replace("\r", "\n")


def to_csv(frame: pd.DataFrame) -> str:
    """The export columns in order; dates as YYYY-MM-DD, booleans as true/false; text
    cells that a spreadsheet would run as a formula prefixed with `'`."""
    out = frame[EXPORT_COLUMNS].copy()
    for column in TEXT_COLUMNS:
        out[column] = out[column].map(_csv_text, na_action="ignore")
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
