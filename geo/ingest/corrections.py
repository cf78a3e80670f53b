"""Correcting a place, from the dashboard or the command line, over geo.place.overrides.

A correction is an override: a place name (as written) -> another gazetteer place, a pin
dropped on the map, or "not a place", with a scope (this article, articles about one
country, everywhere), a note and the time it was made. Saving one re-applies the
overrides to the stored places (`reapply_overrides`), so the events move without
re-ingesting; removing one re-applies too, which gives the name back to the gazetteer.
Nothing here imports Streamlit; the overrides are kept by the store (geo.store).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from geo.models import FEATURE_LEVELS, Mention, Place, ResolvedMention, validate_location
from geo.place.gazetteer import Gazetteer, default_gazetteer, normalize_name
from geo.place.overrides import new_override, overrides_frame, place_candidates
from geo.place.resolve import resolve_mentions
from geo.place.reverse import Located, locate
from geo.store import Location, Store, opened
from geo.store.base import place_row

SCOPES = ("article", "country", "everywhere")
SCOPE_LABELS = {
    "article": "in this article only",
    "country": "in articles about this country",
    "everywhere": "everywhere",
}
PIN_SOURCE = "pin"


def available() -> bool:
    """Whether corrections can be stored: always, since the store keeps the overrides
    (kept for callers written when geo.place.overrides was optional)."""
    return True


def _text(value: Any) -> str:
    if value is None or value is pd.NA:
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)


def candidate_label(place: Place) -> str:
    """'Aleppo (Aleppo, SY) · city · pop. 1,602,264 · #170063'."""
    where = ", ".join(x for x in (place.admin1 or "", place.country_code or "") if x)
    parts = [f"{place.name} ({where})" if where else place.name, place.feature]
    if place.population:
        parts.append(f"pop. {place.population:,}")
    if place.geonameid:
        parts.append(f"#{place.geonameid}")
    return " · ".join(parts)


def candidates(name: str, country_code: str | None = None, limit: int = 10) -> list[Place]:
    """The gazetteer's places for `name`, best first ([] for a blank name)."""
    if not name.strip():
        return []
    return list(place_candidates(name, country_code or None, limit=limit))


def locate_pin(latitude: float, longitude: float, gazetteer: Gazetteer | None = None) -> Located:
    """The country and region where a pin is (geo.place.reverse): a pin takes them from
    where it is dropped, not from the place it replaces."""
    lat, lon = validate_location(latitude, longitude)
    return locate(lat, lon, gazetteer if gazetteer is not None else default_gazetteer())


def towns_near(
    latitude: float, longitude: float, km: float = 40.0, gazetteer: Gazetteer | None = None
) -> list[Place]:
    """The largest towns around a point: the pin map's labels."""
    lat, lon = validate_location(latitude, longitude)
    return (gazetteer if gazetteer is not None else default_gazetteer()).largest_near(lat, lon, km)


def pin_place(
    name: str,
    latitude: float,
    longitude: float,
    country_code: str | None = None,
    feature: str = "landmark",
    *,
    admin1: str | None = None,
    admin1_code: str | None = None,
) -> Place:
    """A place where the reader dropped a pin (validated coordinates; no GeoNames ID), in
    the country and region given (see `locate_pin`)."""
    lat, lon = validate_location(latitude, longitude)
    if feature not in FEATURE_LEVELS:
        raise ValueError(f"feature must be one of {FEATURE_LEVELS}, got {feature!r}")
    return Place(
        geonameid=None,
        name=name.strip() or "pinned place",
        latitude=round(lat, 6),
        longitude=round(lon, 6),
        country_code=(country_code or None),
        admin1=admin1 or None,
        admin1_code=admin1_code or None,
        feature=feature,
        source=PIN_SOURCE,
    )


@dataclass(frozen=True)
class Correction:
    """What the reader asked: `name` (as written) is `place` (None: not a place)."""

    name: str
    place: Place | None
    scope: str  # one of SCOPES
    article_id: str | None = None
    country_code: str | None = None
    note: str = ""
    made_by: str = ""  # who asked (the dashboard's editor)

    def scope_arguments(self) -> dict[str, str | None]:
        if self.scope not in SCOPES:
            raise ValueError(f"scope must be one of {SCOPES}, got {self.scope!r}")
        if self.scope == "article":
            if not self.article_id:
                raise ValueError("a correction for one article needs the article")
            return {"article_id": self.article_id, "country_code": None}
        if self.scope == "country":
            if not self.country_code:
                raise ValueError("a correction for one country needs the country")
            return {"article_id": None, "country_code": self.country_code}
        return {"article_id": None, "country_code": None}


def correction_for(
    event: pd.Series | dict, place: Place | None, scope: str, note: str = "", made_by: str = ""
):
    """The correction of the place of `event` (a row of the events frame)."""
    event = dict(event)
    return Correction(
        name=_text(event.get("mention")) or _text(event.get("place")),
        place=place,
        scope=scope,
        article_id=_text(event.get("article_id")) or None,
        country_code=_text(event.get("country_code")) or None,
        note=note.strip(),
        made_by=made_by.strip(),
    )


def apply(store: Store | Location, correction: Correction) -> tuple[int, int]:
    """Store the correction and move the stored places; (override id, places changed)."""
    rule = new_override(
        correction.name,
        correction.place,
        note=correction.note,
        made_by=correction.made_by,
        **correction.scope_arguments(),
    )
    with opened(store) as db:
        override_id = db.add_override(rule)
        return override_id, reapply_overrides(db)


def undo(store: Store | Location, override_id: int) -> int | None:
    """Remove an override and re-apply the rest; places changed, or None when unknown."""
    with opened(store) as db:
        if not db.remove_override(int(override_id)):
            return None
        return reapply_overrides(db)


def listing(store: Store | Location) -> pd.DataFrame:
    """Every correction, newest first, as a table for the page."""
    with opened(store) as db:
        frame = overrides_frame(db.override_rules())
    if frame.empty:
        return frame
    scope = [
        f"article {a}" if _text(a) else (f"country {c}" if _text(c) else "everywhere")
        for a, c in zip(frame["article_id"], frame["country_code"], strict=True)
    ]
    placed = [
        "not a place"
        if bool(n)
        else f"{_text(p)} ({lat:.4f}, {lon:.4f})"
        if pd.notna(lat) and pd.notna(lon)
        else _text(p)
        for n, p, lat, lon in zip(
            frame["not_a_place"],
            frame["place_name"],
            frame["latitude"],
            frame["longitude"],
            strict=True,
        )
    ]
    out = pd.DataFrame(
        {
            "id": frame["id"],
            "name": frame["name"],
            "now placed at": placed,
            "scope": scope,
            "note": frame["note"],
            "made (UTC)": frame["created_at"].astype(str).str.slice(0, 19).str.replace("T", " "),
            "made by": frame["made_by"].fillna(""),
        }
    )
    return out.iloc[::-1].reset_index(drop=True)


# --- re-resolving the stored places an override is about -----------------------------------


def reapply_overrides(store: Store | Location, gazetteer: Gazetteer | None = None) -> int:
    """Re-resolve the stored places an override is about (or was about: their method is
    "override") and rewrite the rows that change; returns how many rows changed.

    Events join their place on (article_id, offsets), so they move with it; an event whose
    place becomes "not a place" (unresolved) drops out of `load_events`.
    """
    gazetteer = gazetteer if gazetteer is not None else default_gazetteer()
    with opened(store) as db:
        overrides = db.load_overrides()
        names = overrides.names()

        def relevant(place: ResolvedMention) -> bool:
            return place.method == "override" or normalize_name(place.mention.text) in names

        changed: dict[str, list[ResolvedMention]] = {}
        for article_id, stored in sorted(db.stored_places().items()):
            if not any(relevant(p) for p in stored):
                continue
            article = db.read_article(article_id)
            if article is None:
                continue
            fresh = resolve_mentions(
                article.text, _mentions(stored), gazetteer, overrides=overrides,
                article_id=article_id,
            )  # fmt: skip
            moved = [
                new
                for old, new in zip(stored, fresh, strict=True)
                if relevant(old) and place_row(article_id, old) != place_row(article_id, new)
            ]
            if moved:
                changed[article_id] = moved
        return db.update_places(changed)


def _mentions(stored: Sequence[ResolvedMention]) -> list[Mention]:
    """The mentions as they were found (what the store keeps of them)."""
    return [p.mention for p in stored]
