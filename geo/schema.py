"""The one events table shape shared by the store, the export, the filters and the map.

The same columns and dtypes for zero events as for many: every frame of events is passed
through `conform` before it leaves the store.
"""

from __future__ import annotations

import pandas as pd

# column -> pandas dtype. Dates are datetime64 (midnight) so that slicing and sliders work;
# the export writes them as YYYY-MM-DD.
EVENT_COLUMNS: dict[str, str] = {
    "event_id": "string",
    "article_id": "string",
    "title": "string",
    "source": "string",  # the publisher
    "url": "string",
    "published": "datetime64[ns]",
    "event_date": "datetime64[ns]",
    "date_precision": "string",  # day, week, month, year
    "date_from_text": "boolean",  # False: the publication date stands in, flagged
    "event_type": "string",
    "place": "string",  # the place's gazetteer name
    "mention": "string",  # the place name as written in the text
    "latitude": "float64",
    "longitude": "float64",
    "precision": "string",  # feature level: country, admin1, admin2, city, neighbourhood, landmark
    "approximate": "boolean",  # placed at an enclosing place, not the named one
    "country_code": "string",
    "admin1": "string",
    "geonameid": "Int64",
    "resolution": "string",  # how the place was resolved
    "cited_sources": "string",  # "; "-joined canonical names of who claims it
    "denied_by": "string",  # "; "-joined canonical names of who denies it
    "actors": "string",  # "; "-joined: who did it, where the text says
    "killed": "Int64",
    "injured": "Int64",
    "civilians_killed": "Int64",
    "children_killed": "Int64",
    "report_group": "string",  # events of one happening (type, place, date ± 1 day) share it
    "reported_by": "string",  # "; "-joined publishers of every report of that happening
    "report_count": "Int64",  # how many articles report that happening
    "group_cited_sources": "string",  # "; "-joined cited sources of every report of it
    "is_primary": "boolean",
    "sentence": "string",
    "sentence_start": "Int64",
    "confidence": "float64",  # how sure, from the evidence, 0 to 1 (None: stored before it)
    "on_map": "boolean",  # shown by default: confidence >= geo/event/confidence.py's threshold
}

# What `python -m geo export` writes, in order (a stable contract for users' scripts).
EXPORT_COLUMNS = list(EVENT_COLUMNS)


def empty_events_frame() -> pd.DataFrame:
    return conform(pd.DataFrame({name: [] for name in EVENT_COLUMNS}))


def conform(frame: pd.DataFrame) -> pd.DataFrame:
    """Return `frame` with exactly EVENT_COLUMNS, in order, with their dtypes."""
    missing = [name for name in EVENT_COLUMNS if name not in frame.columns]
    if missing:
        raise ValueError(f"events frame lacks columns: {', '.join(missing)}")
    out = frame[list(EVENT_COLUMNS)].copy()
    for name, dtype in EVENT_COLUMNS.items():
        if dtype.startswith("datetime"):
            out[name] = pd.to_datetime(out[name], errors="coerce").astype(dtype)
        else:
            out[name] = out[name].astype(dtype)
    return out.reset_index(drop=True)
