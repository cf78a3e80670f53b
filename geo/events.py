"""Events from sentences: what happened, where, when, and who says so (first version).

A sentence gives an event when it has a trigger word of an event type and a resolved
place. The place is the most specific one in the sentence; the date is the sentence's own
date expression resolved against the publication date, else the publication date (flagged).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from geo.dates import sentence_date
from geo.models import FEATURE_LEVELS, Event, ResolvedMention

# The event type vocabulary, in the order a sentence is tested: the first type with a
# trigger wins ("retook the town after heavy clashes" is a capture, not a clash).
EVENT_TYPES: dict[str, tuple[str, ...]] = {
    "chemical": (r"chlorine", r"sarin", r"chemical (?:attack|weapon|strike)s?", r"toxic gas",
                 r"poison(?:ous)? gas", r"mustard gas", r"suffocat\w*"),
    "execution": (r"execut(?:ed|ion|ions)", r"behead\w*"),
    "explosion": (r"car bomb\w*", r"suicide (?:bomb\w*|attack\w*)", r"explosions?", r"blasts?",
                  r"IEDs?", r"explosive devices? (?:went off|exploded|detonated)",
                  r"bomb (?:went off|exploded)", r"detonat\w*", r"landmines? (?:exploded|blast)"),
    "airstrike": (r"air ?strikes?", r"air raids?", r"warplanes?", r"barrel bombs?",
                  r"bombard\w* from the air", r"helicopters? dropped", r"jets? (?:struck|bombed)"),
    "shelling": (r"shell(?:ing|ed|s)", r"mortars?", r"rockets?", r"artillery", r"missiles?"),
    "capture": (r"(?:re)?captur(?:ed|e|es|ing)", r"retook", r"retak(?:en|es|ing)",
                r"(?:seized|took|regained|wrest(?:ed)?|taken) (?:full )?control",
                r"liberat(?:ed|ion)", r"advance[sd]? (?:into|on)", r"overran"),
    "siege": (r"besieg\w*", r"sieges?", r"blockade\w*", r"encircl\w*"),
    "shooting": (r"shot (?:dead|and killed)", r"snipers?", r"gunm[ae]n", r"opened fire",
                 r"gunfire", r"shootings?"),
    "clash": (r"clash(?:es|ed)?", r"fighting", r"battles?", r"fought", r"offensive",
              r"attack(?:s|ed)?", r"ambush\w*", r"combat"),
    "protest": (r"protest\w*", r"demonstrat(?:ion|ions|ors)", r"rall(?:y|ies)", r"march(?:ed)"),
    "humanitarian": (r"humanitarian", r"aid (?:convoy|deliver)\w*", r"evacuat\w*",
                     r"refugees?", r"displaced"),
    "diplomacy": (r"talks", r"negotiat\w*", r"cease-?fire", r"summit", r"agreement",
                  r"peace (?:plan|process)", r"met with"),
    "other": (r"killed", r"injured", r"wounded", r"dead", r"arrested", r"kidnapped"),
}  # fmt: skip
_TRIGGERS = {
    event_type: re.compile(r"\b(?:" + "|".join(patterns) + r")\b", re.IGNORECASE)
    for event_type, patterns in EVENT_TYPES.items()
}

# Who claims what: the canonical name for each way a text cites a source.
CITED_SOURCES: dict[str, tuple[str, ...]] = {
    "SANA": (r"SANA", r"Syrian Arab News Agency", r"Syria's state news agency",
             r"state news agency SANA"),
    "Syrian Observatory for Human Rights": (r"Syrian Observatory(?: for Human Rights)?",
                                            r"SOHR", r"the Observatory"),
    "Reuters": (r"Reuters",),
    "AFP": (r"AFP", r"Agence France-Presse"),
    "Associated Press": (r"Associated Press", r"AP"),
    "Syrian Civil Defence": (r"Syrian Civil Defen[cs]e", r"White Helmets", r"Civil Defen[cs]e"),
    "state media": (r"state media", r"state television", r"state TV"),
}  # fmt: skip
_SOURCES = {
    name: re.compile(r"\b(?:" + "|".join(patterns) + r")\b")
    for name, patterns in CITED_SOURCES.items()
}
_SINCE = re.compile(r"\b(?:since|until|till)\s+(?:the\s+)?$", re.IGNORECASE)
_SPECIFICITY = {level: rank for rank, level in enumerate(FEATURE_LEVELS)}


def classify_sentence(sentence: str) -> str | None:
    """The event type a sentence reports, or None when it has no trigger."""
    for event_type, trigger in _TRIGGERS.items():
        if trigger.search(sentence):
            return event_type
    return None


def cited_sources(sentence: str) -> tuple[str, ...]:
    return tuple(name for name, pattern in _SOURCES.items() if pattern.search(sentence))


def event_place(places: Sequence[ResolvedMention]) -> ResolvedMention | None:
    """The most specific resolved place of a sentence; demonyms do not locate events."""
    usable = [p for p in places if p.place is not None and p.mention.kind == "toponym"]
    if not usable:
        return None
    return max(usable, key=lambda p: (_SPECIFICITY[p.place.feature], -p.mention.start))


def _event_id(article_id: str, sentence_start: int, place: ResolvedMention) -> str:
    key = f"{article_id}|{sentence_start}|{place.mention.start}"
    return hashlib.sha1(key.encode()).hexdigest()[:16]


def extract_events(
    article_id: str,
    text: str,
    sentences: Sequence[tuple[int, int]],
    places: Sequence[ResolvedMention],
    published: date | None,
) -> list[Event]:
    """Events of one article; `sentences` are (start, end) character offsets in `text`."""
    events: list[Event] = []
    for start, end in sentences:
        sentence = text[start:end].strip()
        event_type = classify_sentence(sentence)
        if event_type is None:
            continue
        location = event_place([p for p in places if start <= p.mention.start < end])
        if location is None:
            continue
        found = sentence_date(sentence, published)
        if found is not None and _SINCE.search(sentence[: found.start]):
            found = None  # "the biggest advance since September" dates the past, not the event
        events.append(
            Event(
                event_id=_event_id(article_id, start, location),
                article_id=article_id,
                sentence=sentence,
                sentence_start=start,
                event_type=event_type,
                location=location,
                event_date=found.value if found else published,
                date_precision=found.precision if found else "day",
                date_from_text=found is not None,
                cited_sources=cited_sources(sentence),
            )
        )
    return _mark_primary(events)


def _mark_primary(events: list[Event]) -> list[Event]:
    """The article's main event: the first one located below country level, else the first."""
    if not events:
        return events
    below_country = [e for e in events if e.location.place.feature != "country"]
    primary = (below_country or events)[0]
    return [replace(e, is_primary=True) if e is primary else e for e in events]
