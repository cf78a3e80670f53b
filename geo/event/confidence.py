"""How sure an event is, from its evidence, and whether the map shows it by default.

The weights are data (geo/data/confidence.toml, each with the fact about news it encodes):
how the place was found (named in the event's own sentence or lent by another, placed
exactly or at the town around it, read inside an organisation's name, corrected by
hand), how strong the trigger is, whether the sentence dates it, and how far it agrees
with the article's focus (the share of the article's places that lie in the event's
country).
"""

from __future__ import annotations

from collections.abc import Sequence

from geo import lexicon
from geo.models import Finder, Method, ResolvedMention

WEIGHTS: dict[str, float] = lexicon.mapping("confidence.toml")
# The map shows an event by default when its confidence is at least this (chosen on half A).
ON_MAP_CONFIDENCE: float = WEIGHTS["on_map"]
_TRIGGER_WEIGHT = {2: "strong_trigger", 1: "normal_trigger", 0: "weak_trigger"}


def focus_share(
    location: ResolvedMention, places: Sequence[ResolvedMention]
) -> tuple[float, float]:
    """The share of the article's resolved places that lie in the event's country, and
    the share of its most-named country (how much the article has one focus)."""
    codes = [p.place.country_code for p in places if p.place is not None]
    if not codes or location.place is None:
        return 0.0, 0.0
    top = max(codes.count(code) for code in set(codes))
    return codes.count(location.place.country_code) / len(codes), top / len(codes)


def confidence(
    location: ResolvedMention,
    own_place: bool,
    strength: int,
    dated_from_text: bool,
    focus: tuple[float, float],
    listed: bool = False,
) -> float:
    """The confidence of an event, in [0, 1], rounded to 3 decimals."""
    w = WEIGHTS
    value = w["base"] + (w["own_place"] if own_place else w["lent_place"])
    if listed:
        value += w["listed_place"]
    share, top = focus
    if location.place is not None and location.place.feature == "country":
        value += w["country_level"]
    if top >= w["one_focus_from"] and share < w["outside_focus_below"]:
        value += w["outside_focus"]
    if location.approximate:
        value += w["approximate"]
    if location.mention.finder is Finder.EMBEDDED and location.mention.label == "ORG":
        value += w["inside_a_name"]
    if location.method == Method.OVERRIDE:
        value += w["override"]
    value += w.get(_TRIGGER_WEIGHT.get(strength, ""), 0.0)  # a toll alone (-1) adds nothing
    if dated_from_text:
        value += w["dated_from_text"]
    value += w["focus"] * share
    return round(min(1.0, max(0.0, value)), 3)


def on_map(value: float | None) -> bool:
    """Whether the map shows an event of this confidence by default (unknown: shown)."""
    return value is None or value >= ON_MAP_CONFIDENCE
