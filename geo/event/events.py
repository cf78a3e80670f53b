"""Events from sentences: what happened, where, when, and who says so.

The event model (documented in the README):

- A sentence reports an event when it has a trigger of one of EVENT_TYPES and is not
  background ("Since March 2011, Syria has been hit by militancy ..."). Strong triggers
  (a chemical attack, an explosion, an execution) win over the others; among the rest the
  first trigger in the sentence wins; weak ones ("attack", "killed") only when nothing else
  is there.
- Its place is the most specific resolved place the sentence names (of two places apart,
  the one next to the event word), preferring places consistent with the rest of the
  article; demonyms ("Syrian troops") and places of the source ("the Britain-based
  Observatory", "told Reuters in Beirut") do not count. A
  sentence naming no place continues the event before it in its paragraph (its sources,
  actors, casualties and denials are added to that event), or takes the place of the
  nearest sentences ("the same neighbourhood").
- Reports of one event in one article are merged: same type family, the same place or one
  inside the other, dates compatible. The merged event keeps the most specific place.
- Its date is the sentence's own date expression resolved against the publication date
  (statement dates such as "said on Tuesday" only when nothing else dates it), else the
  date of a merged report or of the sentence just before it in the paragraph, else the
  publication date, flagged `date_from_text=False`.
- `cited_sources` are who claims it, `denied_by` who denies it (a denial sentence gives no
  event; it attaches to the event just before it).
- The primary event is the one the headline and lead are about.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from geo import lexicon
from geo.event import attribution
from geo.event.confidence import confidence, focus_share, on_map
from geo.event.dates import (
    MONTH_PATTERN,
    YEAR_PATTERN,
    DateMention,
    find_dates,
    find_publication_date,
    sentence_date,
)
from geo.models import FEATURE_LEVELS, Event, ResolvedMention
from geo.place.ranking import is_capital_place

# The type vocabulary: geo/data/event_types.toml gives each type its definition (the README
# repeats it), its colour on the map, its family and its triggers.
_VOCABULARY: dict[str, dict] = lexicon.mapping("event_types.toml")
EVENT_TYPE_DEFINITIONS: dict[str, str] = {
    name: entry["definition"] for name, entry in _VOCABULARY.items()
}
# Triggers per type, as (strong, normal, weak) tuples of patterns.
EVENT_TYPES: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    name: tuple(tuple(entry.get(tier, ())) for tier in ("strong", "normal", "weak"))
    for name, entry in _VOCABULARY.items()
}
STRONG, NORMAL, WEAK = 2, 1, 0
# Triggers of a word with another sense ("cases" of a court, of goods), which count only in
# an article that speaks of their type's subject: a normal trigger there (the type's
# `needs_context`, its subject's words `context`).
_NEEDS_CONTEXT: dict[str, tuple[str, ...]] = {
    name: tuple(entry["needs_context"])
    for name, entry in _VOCABULARY.items()
    if entry.get("needs_context")
}
_TRIGGERS: list[tuple[str, int, re.Pattern[str], bool]] = [
    (
        event_type,
        # a toll alone yields to any other trigger
        strength - (event_type == "other" and strength == WEAK),
        re.compile(r"\b(?:" + "|".join(patterns) + r")\b", re.IGNORECASE),
        in_context,
    )
    for event_type, tiers in EVENT_TYPES.items()
    for strength, patterns, in_context in (
        *zip((STRONG, NORMAL, WEAK), tiers, (False,) * 3, strict=True),
        (NORMAL, _NEEDS_CONTEXT.get(event_type, ()), True),
    )
    if patterns
]
# All triggers in one pattern, one named group per (type, strength): one pass a sentence.
_GROUPS = {f"g{n}": (event_type, strength) for n, (event_type, strength, _, _) in
           enumerate(_TRIGGERS)}  # fmt: skip
_IN_CONTEXT_GROUPS = frozenset(f"g{n}" for n, trigger in enumerate(_TRIGGERS) if trigger[3])


# The words by which an article speaks of a type's subject ("virus", "illness").
def _subject_pattern(entry: dict) -> re.Pattern[str]:
    words = [*entry["context"]]
    if "context_file" in entry:
        words += lexicon.words(entry["context_file"])
    return re.compile(rf"\b{lexicon.alternation(words)}\b", re.IGNORECASE)


_SUBJECT_WORDS = {
    name: _subject_pattern(entry)
    for name, entry in _VOCABULARY.items()
    if entry.get("needs_context")
}
_ANY_TRIGGER = lexicon.TriggerSearch(
    {f"g{n}": trigger.pattern for n, (_, _, trigger, _) in enumerate(_TRIGGERS)}, re.IGNORECASE
)
# Types that are not violence yield to violence in the same sentence.
_CALM = {name for name, entry in _VOCABULARY.items() if entry.get("calm")}
# Gatherings ("peaceful"): they yield even to a bare "attack" or "killed" in the sentence
# (an attack "ahead of the festival" is the news), and no toll is theirs.
_PEACEFUL = {name for name, entry in _VOCABULARY.items() if entry.get("peaceful")}
# Happenings with no doer (accidents, disasters, outbreaks): a state named bare is where
# they befell, never a state acting (`_state_acting`).
_BEFALLS = frozenset(name for name, entry in _VOCABULARY.items() if entry.get("befalls"))
# Types counted as one kind of happening when reports of one article are merged.
FAMILY = {name: entry["family"] for name, entry in _VOCABULARY.items() if "family" in entry}
# The weapon system of a type of attack: one family by two means is two happenings.
MEANS = {name: entry["means"] for name, entry in _VOCABULARY.items() if "means" in entry}

# Background and context: a war's span and toll, an ongoing campaign, a photo caption,
# what may happen. The cue words are in geo/data/background.toml.
_CUES = lexicon.mapping("background.toml")
_ANY = lexicon.alternation
# a gathering to come (for the peaceful types only: see background.toml)
_TO_COME = re.compile(_ANY(_CUES["gatherings_to_come"]), re.IGNORECASE)
_BACKGROUND = re.compile(
    # a clause opening on a period: "Since March 2011, ...", "..., since 2012,"
    rf"(?:^|[,;:(—–-]\s*)(?-i:[Ss])ince\s+(?:{_ANY(_CUES['since_qualifiers'])}[-\s])?"
    rf"(?:{MONTH_PATTERN}\s+)?{YEAR_PATTERN}\b"
    # a sentence opening on the span from an event told before: "Since then, ..."
    r"|^\W*(?-i:S)ince\s+then\b"
    # a war's span: "locked in a civil war since early 2011"
    rf"|\b{_ANY(_CUES['conflicts'])}\s+since\s+(?:{_ANY(_CUES['since_qualifiers'])}[-\s])?"
    rf"(?:{MONTH_PATTERN}\s+)?{YEAR_PATTERN}\b"
    rf"|\b(?:since\s+(?:{_ANY(_CUES['since_qualifiers'])}[-\s])?"
    rf"the\s+{_ANY(_CUES['onsets'])}\s+of"
    rf"|{_ANY(_CUES['conflicts'])}\s+(?:that|which)\s+{_ANY(_CUES['conflict_began'])}"
    # a toll counted from a war's onset: "killed since the conflict began", "since Syria's
    # conflict erupted"
    rf"|since\s+(?:the\s+|its\s+|\w+s?\s+)?{_ANY(_CUES['conflicts'])}\s+"
    rf"{_ANY(_CUES['conflict_began'])}"
    # (of a country: "the ongoing war in Syria has left an estimated 220000 dead")
    rf"|{_ANY(_CUES['conflicts'])}\s+(?:in\s+(?-i:[A-Z])\w+\s+)?(?:has\s+|have\s+)?(?:also\s+)?"
    rf"{_ANY(_CUES['conflict_toll'])}"
    rf"|death\s+toll\s+(?:from|of|in)\s+(?:the\s+)?(?:\w+\s+){{0,2}}{_ANY(_CUES['conflicts'])}"
    rf"|{_ANY(_CUES['conflicts'])}\s+(?:\w+\s+){{0,3}}(?:killed|left)\s+more\s+than"
    rf"|{_ANY(_CUES['war_years'])}-year(?:-old)?\s+(?:{_ANY(_CUES['conflicts'])}|civil\s+war)"
    r"|(?:has|have)\s+been\s+\w+ing\b[^.]*\bsince\b"  # an ongoing campaign
    r"|^\(?Photo\b|\b(?:is|are)\s+seen\b"  # a photo caption
    rf"|{_ANY(_CUES['clearing_verbs'])}\w*\s+(?:the\s+)?{_ANY(_CUES['explosives'])}"
    rf"|{_ANY(_CUES['possibility'])}\s+(?:\w+\s+){{0,2}}?{_ANY(_CUES['possible_acts'])})\b",
    re.IGNORECASE,
)
# The war's span as a phrase ("the country's six-year war"), which may be an aside.
_WAR_YEARS = re.compile(
    rf"\b{_ANY(_CUES['war_years'])}-year(?:-old)?\s+(?:{_ANY(_CUES['conflicts'])}|civil\s+war)\b",
    re.IGNORECASE,
)
# Intentions, forecasts, trends, habits and denials that anything happened.
_NOT_HAPPENED = re.compile(
    rf"\b(?:{_ANY(_CUES['intentions'])}|{_ANY(_CUES['nothing_happened'])}"
    rf"|{_ANY(_CUES['earlier_times'])}|{_ANY(_CUES['contact'])})\b",
    re.IGNORECASE,
)
# A related-news block: from the cue before a capitalised headline to the end of its line.
_RELATED = re.compile(
    rf"(?:^|(?<=\s))(?:{'|'.join(_CUES['related_cues'])})(?:\s+(?:[Nn]ews|[Ss]tories|"
    rf"[Aa]rticles|[Cc]ontent|[Pp]osts))?\s*:?\s+(?=[A-Z0-9])[^\n]*",
)
# "under siege since 2014": an ongoing happening with its start, judged by _BACKGROUND.
_SINCE_YEAR = re.compile(
    rf"\bsince\s+(?:(?:{MONTH_PATTERN}|early|late|mid)[-\s]+)?$", re.IGNORECASE
)
# "..., site of a suspected chemical attack": up to the happening's word (_place_history)
_PLACE_HISTORY = re.compile(
    rf"(?:,\s*|\s+)(?:the\s+)?{_ANY(_CUES['place_history'])}\s+of\s+[^,.;:]*?"
    r"\b(?:attacks?|massacres?|bombings?|strikes?|raids?|blasts?|explosions?|battles?)\b",
    re.IGNORECASE,
)
# the headline's compound: "raid on Syria chemical attack town" (the town of the attack);
# "the attack town officials described" is the town's officials, no compound
_HISTORY_MODIFIER = re.compile(
    r"\b(?:(?:chemical|gas|suicide|sarin)\s+)?(?:attack|massacre|bombing|blast)\s+"
    r"(?=(?:town|city|village)\b(?!\s+(?:officials?|council|hall|residents|leaders?|police)\b))",
    re.IGNORECASE,
)
# ends right before a truce word the sentence sets its happening against (_trigger)
_TRUCE = re.compile(_ANY(_CUES["truces"]), re.IGNORECASE)
_TRUCE_FRAME = re.compile(
    rf"\b{_ANY(_CUES['truce_frames'])}\s+(?:[\w-]+\s+){{0,3}}$", re.IGNORECASE
)
_A_YEAR = re.compile(r"(?<![\d,.])(?:19|20)\d\d(?![\d,])")
# How long before its publication a date inherited from another sentence may date an event
# (a scene continues days, not seasons: an older date has to be stated in its own sentence).
_INHERITED_DATE_DAYS = 31
_SINCE = re.compile(r"\b(?:since|until|till)\s+(?:the\s+)?$", re.IGNORECASE)
# A date attached to a statement ("said on Tuesday") dates the statement.
_STATEMENT_BEFORE = re.compile(
    r"\b(?:said|says|told\s+\w+(?:\s+\w+)?|reported|announced|stated|added|tweeted|"
    r"confirmed|denied|published(?:\s+online)?)\s+(?:late\s+|early\s+)?(?:on\s+)?$",
    re.IGNORECASE,
)
_SPECIFICITY = {level: rank for rank, level in enumerate(FEATURE_LEVELS)}
# A neighbourhood placed at a town the sentence does not name may be placed wrongly: it
# ranks above a country (it is still in it) and below any admin1, town or place named.
_MISPLACED_NEIGHBOURHOOD_RANK = _SPECIFICITY["country"] + 0.5
# The place of a source, not of the event.
_SOURCE_PLACE_AFTER = re.compile(
    r"^\W?\s*-?\s*based\b|^-based\b"
    # a country's broadcaster or press names the source: "Iran's Press TV reported"
    r"|^\W?s?\s+(?:state\s+)?(?:TV|television|radio|press\s+TV)\b",
    re.IGNORECASE,
)
_SOURCE_PLACE_BEFORE = re.compile(
    # (what "was reported in" a place happened there: "cases were reported in Idlib")
    r"\b(?:said|told\s+\w+|(?<!was\s)(?<!were\s)(?<!been\s)(?<!is\s)(?<!are\s)reported|spoke|speaking|statement|conference|talks|news\s+agency"
    r"|quot(?:ed|ing))"
    r"\s+(?:\w+\s+){0,2}?(?:in|from)\s+$"
    # an outlet named after a place, after its kind: "Lebanese TV channel Al-Mayadin
    # reported", "the daily Al-Watan"
    r"|\b(?:channel|broadcaster|newspaper|daily|station|website|agency)\s+$",
    re.IGNORECASE,
)
_ACTOR_AFTER = re.compile(
    r"^(?:-|\s)?(?:led|backed|based|born|made|brokered|sponsored|allied)\b"
    r"|^\s+(?:forces|troops|warplanes|jets|aircraft|air ?strikes?|military|army|navy|destroyers"
    r"|officials?|government|ministry|president|foreign|defen[cs]e|says|said|seeks|sought|has"
    r"|have|had|accused|warned|condemned|denied|is|was|will|would|wants|believes|blamed"
    r"|coalition|strikes|airstrikes|missiles|cruise|planes|drones|special|regime"
    # a state or its capital as the subject of an act done elsewhere ("Moscow launched")
    r"|launched|carried\s+out|conducted|deployed|sent|dispatched"
    # a news agency's or paper's staff: "SANA's correspondent", "the Times reporter"
    r"|correspondents?|reporters?"
    # a media office named after its town speaks, it is no place: "the Idlib Media Center
    # said dozens had been killed"
    r"|media\s+(?:cent(?:er|re)|office)s?)\b",
    re.IGNORECASE,
)
_ACTOR_BEFORE = re.compile(
    r"\b(?:by|told|urged|accused|between|with|and|blam(?:e|es|ed|ing))\s+(?:the\s+)?$"
    # a government named by its seat: "no comment from the regime in Damascus"
    r"|\b(?:regime|government|authorities|leadership)\s+in\s+$"
    # who asks for an act, not where it happens: "following calls from France"
    r"|\b(?:calls?|requests?|demands?|pressure|appeals?)\s+(?:from|by)\s+(?:the\s+)?$"
    # where attackers came from, not where they struck: "aircraft from Saudi Arabia"
    r"|\b(?:aircraft|warplanes|jets|planes|drones|missiles|troops|forces|fighters|militants"
    r"|ships|bombers)\s+(?:\w+\s+)?(?:from|based\s+in|stationed\s+in)\s+(?:the\s+)?$"
    # a place inside an organisation's name: "the Islamic State of Iraq and the Levant"
    r"|\b(?-i:State|Front|Army|Council|Coalition|Forces|Observatory|Committee|Ministry)\s+"
    r"(?:of|in|for)\s+(?:[A-Z]\w+\s+and\s+)?(?:the\s+)?$",
    re.IGNORECASE,
)
_LINE_START = re.compile(r"(?:^|\n)\s*$")
_DATELINE_AFTER = re.compile(rf"^,?\s*(?:\(|[-–—\x97]+\s|{MONTH_PATTERN}\.?\s+\d)", re.IGNORECASE)
# US news writes a legislator's party and home after the name ("Rep. Clay Cox (R-Lilburn)",
# "Westrom, R-Elbow Lake, went before a Senate committee", "(D-Calif.)"): the district
# they represent, not where the news happened.
_AFFILIATION_BEFORE = re.compile(r"(?:\(|,\s?)[RDI]\s?-\s?$")
# Where a person comes from is not where the happening was: "killed, including a native
# of Kazakhstan", "two citizens of France were among the dead".
# So is where a group came from to a gathering: "students from the Nebraska Centennial
# Conference were at Scotus", "delegates from Iran and Russia met in Astana" (not
# "officials from Mexico have confirmed": officials speak for their own place).
_ORIGIN_BEFORE = re.compile(
    r"\b(?:(?:native|citizen|national)s?\s+of"
    r"|(?:students|pupils|players|athletes|teams?|delegates|delegations?|visitors|fans"
    r"|volunteers|musicians)\s+from)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
# The home a person's age introduces, in the style of court and police reports: "Charles
# Williams, 39, of Racine, is charged", "John Delaney (18) of Upper Abbey Street, Cahir, is
# charged with assault ... at Main Street, Tipperary". A sentence's other place is the
# happening's; a home it names alone is its place too ("John Smith, 39, of Racine, died in
# the crash"): a local paper's people mostly come to harm near home.
_AGE_HOME_BEFORE = re.compile(
    r"(?:,\s*\d{1,3},?|\(\d{1,3}\),?)\s+of\s+(?:\d{1,6}\s+)?(?:[A-Z][\w.'’-]*,?\s+){0,4}$"
)
# After a preposition of place, or as the name of a kind of place, a name is no subject:
# "officials in Liaoning have finished vaccinating", "an attack in the city of Homs has
# claimed 18 lives" (the actor test below reads "Liaoning have" as a state acting).
_LOCATIVE_BEFORE = re.compile(
    r"\b(?:in|at|near|inside|(?:city|town|village|province|region|district|county)\s+of)"
    r"\s+(?:the\s+)?$",
    re.IGNORECASE,
)
# A foreign state's name (its country or capital) locates a happening only after a
# preposition of place (place_evidence.toml `happening_in`), with at most an article and a
# few lower-case words between ("in neighbouring Iraq", "across the southern Turkish
# border"): bare, it is the state acting ("Russia carried out strikes", "Moscow vetoed").
_PLACE_EVIDENCE = lexicon.mapping("place_evidence.toml")
_HAPPENING_IN_BEFORE = re.compile(
    r"\b(?:"
    + _ANY(_PLACE_EVIDENCE["happening_in"])
    + r"|"
    + _ANY(_PLACE_EVIDENCE["journeys"])
    + r"\s+to)\s+(?:the\s+)?(?:(?-i:[a-z])[\w-]*\s+){0,2}$",
    re.IGNORECASE,
)
# A place name between an article and a person noun names the person's home, not the
# happening's place: "a Woodbridge man charged with ...", "the Elgin residents" (nouns in
# geo/data/residents.txt, lower case only: a capitalised noun is part of the name). The
# article is required: in text stripped of commas "in Aleppo women were killed" is a place.
_RESIDENT_BEFORE = re.compile(r"\b(?:an?|the|two|three|four|five|\d+)\s+$", re.IGNORECASE)
_RESIDENT_AFTER = re.compile(r"^\s+" + _ANY(lexicon.words("residents.txt")) + r"\b")
# Where the hurt were taken is not where they were hurt: "was flown to Dallas", "died in a
# Dallas hospital", "taken to hospitals in Turkey". News follows the injured to hospital in
# the sentence that tells their fate; the happening's place is told beside it or before.
_TAKEN_TO_BEFORE = re.compile(
    r"\b(?:taken|transported|flown|airlifted|rushed|driven|carried|transferred|evacuated)\s+"
    r"(?:\w+\s+){0,3}?to\s+(?:(?:the|a|an)\s+)?(?:hospitals?\s+in\s+)?$",
    re.IGNORECASE,
)
_A_BEFORE = re.compile(r"\b(?:in|at|to)\s+(?:a|an|the)\s+$", re.IGNORECASE)
_HOSPITAL_AFTER = re.compile(
    r"^(?:'s)?\s+(?:area\s+|regional\s+|general\s+|memorial\s+|community\s+)?"
    r"(?:hospitals?|medical\s+cent(?:er|re)s?|clinics?)\b",
    re.IGNORECASE,
)
# A town's name before a street word names the street ("on Elizabeth Road", "at 12 Dallas
# Avenue"): streets are named after towns everywhere, and the street is not the town.
_STREET_AFTER = re.compile(
    r"^\s+(?:Road|Rd|Street|Avenue|Ave|Drive|Lane|Ln|Boulevard|Blvd|Court|Pike"
    r"|Parkway|Pkwy|Terrace|Circle|Highway|Hwy|Turnpike)\b\.?"
)
# Month and weekday names (geo/data/calendar.toml): "August" is a month before a place.
_CALENDAR_WORDS = frozenset([*lexicon.months(), *lexicon.weekdays()])
# "in northern Syria": the part of the country the event is in.
_DIRECTION_BEFORE = re.compile(
    r"\b(?P<d>north|south|east|west|north-?east|north-?west|south-?east|south-?west)(?:ern)?"
    r"\s+$",
    re.IGNORECASE,
)
# A sentence that reports another happening of its kind ("Another hospital was hit ...",
# "Five more civilians were killed in ...", "Elsewhere, ..."): its own event, not more about
# the one before it (cues in geo/data/another_happening.toml).
_ANOTHER_CUES = lexicon.mapping("another_happening.toml")
_NUMBER = _ANY(["\\d", *lexicon.number_words(), *lexicon.multitude_words()])
_ANOTHER = re.compile(
    rf"^\W*{_ANY(_ANOTHER_CUES['openers'])}\b"
    rf"|\b{_ANY(_ANOTHER_CUES['targets'])}\s+(?!{_NUMBER})[a-z]",
    re.IGNORECASE,
)
# What someone says of a happening told elsewhere: an accusation, a blame, a condemnation
# (cues in geo/data/statements.toml).
_STATEMENT_CUES = lexicon.mapping("statements.toml")
_ACCUSES = re.compile(rf"\b{_ANY(_STATEMENT_CUES['accusations'])}\b", re.IGNORECASE)
_CONFIRMS = re.compile(r"\bconfirm(?:s|ed|ing)\b", re.IGNORECASE)
# Who helped answer a call ("mutual aid from A and B"): the helpers' towns are no place of
# the happening (cues in geo/data/responders.toml).
_RESPONDER_CUES = lexicon.mapping("responders.toml")
_RESPONDERS = re.compile(rf"\b{_ANY(_RESPONDER_CUES['cues'])}\b", re.IGNORECASE)
_RESPONDER_TYPES = frozenset(_RESPONDER_CUES["types"])
# A sports report borrows the words of war for its plays (cues in geo/data/sports.toml).
_SPORTS = lexicon.mapping("sports.toml")
_SPORTS_CUES = re.compile(rf"\b{_ANY(_SPORTS['cues'])}\b", re.IGNORECASE)
_SCORE = re.compile(r"(?<![\d-])\d{1,3}-\d{1,3}(?![\d-])")
_SPORTS_TYPES = frozenset(_SPORTS["types"])
_LOOKBACK = 40
_CONTEXT_SENTENCES = 6
_QUOTES = "\"'“‘«"
_ANAPHOR = re.compile(
    r"\bthe\s+same\s+(?:[\w-]+\s+){0,2}?(?P<noun>neighbou?rhood|district|town|city|village)\b",
    re.IGNORECASE,
)
_HEADING_WORDS = 6  # a line this short without a full stop is a heading, not a report
_LEAD_SENTENCES = 3
_HEAD_CHARS = 300
_RECENT_DAYS = 7
_NEAR_SENTENCES = 4  # a place inside another merges reports only this close together


def classify_sentence(sentence: str) -> str | None:
    """The event type a sentence reports, or None when it has no trigger."""
    found = _classify(sentence)
    return found[0] if found else None


def _classify(sentence: str) -> tuple[str, int] | None:
    return _type_and_strength(_trigger(sentence))


def _type_and_strength(trigger: tuple[int, int, int, str] | None) -> tuple[str, int] | None:
    return (trigger[3], -trigger[0]) if trigger else None


def _place_history(sentence: str) -> list[tuple[int, int]]:
    """Spans of appositives that name a place by its past ("Khan Sheikhun, site of a
    chemical attack"): right after a capitalised name, not "at the site of the blast"."""
    spans = [m.span() for m in _HISTORY_MODIFIER.finditer(sentence)]
    for m in _PLACE_HISTORY.finditer(sentence):
        before = re.search(r"(\w+)\W*$", sentence[: m.start()])
        if before is not None and before[1][:1].isupper():
            spans.append((m.start(), m.end()))
    return spans


def _trigger(
    sentence: str, without: frozenset[str] = frozenset()
) -> tuple[int, int, int, str] | None:
    """(-strength, calm, position, type) of the word that reports the sentence's event;
    `without`: types whose context-needing triggers do not count (the article does not
    speak of their subject)."""
    best: tuple[int, int, int, str] | None = None
    violence: tuple[int, int, int, str] | None = None  # the surest word of violence or a toll
    history = _place_history(sentence)
    for m in _ANY_TRIGGER.finditer(sentence):
        if history and any(start <= m.start() < end for start, end in history):
            continue
        event_type, strength = _GROUPS[m.lastgroup]
        if without and event_type in without and m.lastgroup in _IN_CONTEXT_GROUPS:
            continue
        if (
            event_type in _CALM
            and _TRUCE.fullmatch(m.group())
            and _TRUCE_FRAME.search(sentence, 0, m.start())
        ):
            continue  # "killed despite the ceasefire": the truce frames what happened
        # of two calm words, a gathering's yields ("ahead of the Eid festival, the envoy met")
        calm = (event_type in _CALM) + (event_type in _PEACEFUL)
        key = (-strength, calm, m.start(), event_type)
        if best is None or key < best:
            best = key
        hurt = event_type not in _CALM or _toll(event_type, strength)
        if hurt and (violence is None or key < violence):
            violence = key
    if best is not None and best[3] in _PEACEFUL and violence is not None:
        return violence
    return best


def _rank(p: ResolvedMention) -> int:
    return _SPECIFICITY["neighbourhood"] if p.approximate else _SPECIFICITY[p.place.feature]


def _usable(text: str, p: ResolvedMention, listed: bool = False) -> bool:
    """Whether a place name can locate an event: a resolved toponym that names neither the
    source's place ("the Britain-based Observatory", "told Reuters in Beirut") nor an actor
    ("US-led coalition", "Russia says", "brokered by the US"), nor a region of several
    countries ("Asia", "Northern Europe": news names one for the extent of a happening
    reported country by country; its centroid is no place where anything happened).

    `listed`: a member of a list, judged as an actor by the list's first member (the words
    before the list) and by the list as a whole (the verb after it: "countries such as
    Ethiopia and Sudan have had cases" is no state acting)."""
    if p.place is None or p.mention.kind != "toponym" or not p.place.country_code:
        return False
    after = text[p.mention.end : p.mention.end + 24]
    before = text[max(0, p.mention.start - _LOOKBACK) : p.mention.start]
    if _SOURCE_PLACE_AFTER.search(after) or _SOURCE_PLACE_BEFORE.search(before):
        return False
    if not listed and (
        (_ACTOR_AFTER.search(after) and not _LOCATIVE_BEFORE.search(before))
        or _ACTOR_BEFORE.search(before)
    ):
        return False
    if _ORIGIN_BEFORE.search(before) or _AFFILIATION_BEFORE.search(before):
        return False  # a person's home, not the happening's place
    if p.mention.text.lower() in _CALENDAR_WORDS:
        return False
    if _RESIDENT_AFTER.search(after) and _RESIDENT_BEFORE.search(before):
        return False
    if _STREET_AFTER.search(after):
        return False
    if _TAKEN_TO_BEFORE.search(before) or (
        _A_BEFORE.search(before) and _HOSPITAL_AFTER.search(after)
    ):
        return False  # where the hurt were taken
    # an upper-case dateline opening a line ("MOSCOW Some 120 ...") places the reporter
    return not (_upper_case_name(p) and _LINE_START.search(before))


def _state_acting(
    text: str, p: ResolvedMention, focus_country: str | None, befalls: bool = False
) -> bool:
    """Whether `p` names a foreign state as an actor: a country, or a national capital,
    outside the country the article is about (`focus_country`), with no preposition of
    place before it. A government is named by its country or its seat when it acts, is
    asked or is blamed ("Russia's air force targeted the convoy", "Moscow vetoed a draft",
    "calling on Washington"); a happening abroad is told with a preposition ("rockets
    fell in southern Turkey"). The article's own country is never judged so: its places
    are where its news happens, and a happening with no doer (`_BEFALLS`: "China's
    eleventh case") befalls the state it names."""
    if focus_country is None or befalls or p.place is None or p.place.country_code == focus_country:
        return False
    if p.place.feature != "country" and not (
        p.place.feature == "city" and is_capital_place(p.place)
    ):
        return False
    return _HAPPENING_IN_BEFORE.search(_before(text, p)) is None


def _before(text: str, p: ResolvedMention) -> str:
    return text[max(0, p.mention.start - _LOOKBACK) : p.mention.start]


def _befalls(found: tuple[int, int, int, str] | None) -> bool:
    """Whether a sentence's happening (its trigger, `_trigger`) has no doer (`_BEFALLS`),
    or is a bare toll, which counts the dead of a place: either befalls the state it names
    ("China's eleventh case", "Bangladesh's death toll rose to four")."""
    return found is not None and (found[3] in _BEFALLS or _toll(found[3], -found[0]))


def _upper_case_name(p: ResolvedMention) -> bool:
    return p.mention.text.isupper() and len(p.mention.text) > 3


def _foreign_dateline(text: str, p: ResolvedMention, focus_country: str | None) -> bool:
    """Whether `p` is a dateline ("MOSCOW October 1 (RIA Novosti) -", "CAIRO (AP) --")
    outside the country the article is about: a wire report names where its reporter
    files from, which is no place of the news abroad; a local paper's dateline
    ("SPRINGFIELD - The city is seeking bids") is the town its news is from."""
    return (
        _upper_case_name(p)
        and p.place is not None
        and focus_country is not None
        and p.place.country_code != focus_country
        and _DATELINE_AFTER.search(text[p.mention.end : p.mention.end + 24]) is not None
    )


def event_place(
    places: Sequence[ResolvedMention],
    text: str = "",
    dominant: tuple[str | None, str | None] = (None, None),
    trigger_at: int | None = None,
    befalls: bool = False,
) -> ResolvedMention | None:
    """The most specific resolved place of a sentence; demonyms do not locate events.

    `trigger_at`: where in `text` the event word is; of two places of which neither lies
    in the other, the one nearer to it wins.

    `dominant` is the (country code, admin1) most places of the article lie in: places
    there win over places elsewhere (a foreign name is more often a misreading or an
    actor), and among places of one level the one in the dominant admin1 wins.

    `befalls`: the happening has no doer (`_befalls`), so a foreign state named bare is
    where it befell, not a state acting (`_state_acting`).
    """
    country, admin1 = dominant
    usable = [
        p
        for p in places
        if (
            _usable(text, p) and not _state_acting(text, p, country, befalls)
            if text
            else p.place is not None and p.mention.kind == "toponym"
        )
    ]
    if not usable:
        return None
    elsewhere = [p for p in usable if not _AGE_HOME_BEFORE.search(_before(text, p))]
    usable = elsewhere or usable  # a home is the place of last resort
    named = {p.place.geonameid for p in usable if not p.approximate}

    def rank(p: ResolvedMention) -> float:
        # A neighbourhood placed at a town the sentence does not name, next to a town it
        # does name ("the Salihiah neighbourhood of Hasakah city"), may be placed wrongly:
        # the named town wins.
        if p.approximate and named and p.place.geonameid not in named:
            return _MISPLACED_NEIGHBOURHOOD_RANK
        return _rank(p)

    best = max(
        usable,
        key=lambda p: (
            country is None or p.place.country_code == country,
            rank(p),
            admin1 is not None and p.place.admin1 == admin1,
            -p.mention.start,
        ),
    )
    if trigger_at is None:
        return best
    # Places apart ("strikes in the province of Deir Ezzor and raids in Hasakeh"): the one
    # the event word is next to, not the smaller one.
    apart = [
        p
        for p in usable
        if p.place.country_code == best.place.country_code
        and p.place.feature != "country"
        and not p.approximate
        and not _contains(p, best)
        and not _contains(best, p)
    ]
    nearest = min(apart, key=lambda p: _gap(p, trigger_at), default=None)
    if nearest is not None and _gap(nearest, trigger_at) < _gap(best, trigger_at):
        return nearest
    return best


# Places in a coordinated list ("strikes on A, B and C", "cases in A, B, and C"): news
# names several places of one happening type in one sentence when it happened at each of
# them; each is one event. The words allowed between two members are in
# geo/data/event_lists.toml.
_LIST_DATA = lexicon.mapping("event_lists.toml")
_LIST_GAP = re.compile(
    r"^\s*(?:,|;|,?\s+(?:" + "|".join(_LIST_DATA["conjunctions"]) + r"))\s*"
    r"(?:(?:" + "|".join(_LIST_DATA["fillers"]) + r")\s+)*$",
    re.IGNORECASE,
)


def listed_places(
    text: str,
    location: ResolvedMention,
    places: Sequence[ResolvedMention],
    focus_country: str | None = None,
) -> list[ResolvedMention]:
    """The places of the coordinated list `location` stands in (itself first), or just
    `location`. Members are places of one level that neither contain the other. A list of
    countries that holds the article's own country (`focus_country`: "the group holds
    territory in Syria and Iraq") sets the article's subject beside its context; it is not
    split (the event goes where the article places events in its country)."""
    ordered = sorted(
        (
            p
            for p in places
            if (not p.approximate and _usable(text, p, listed=True))
            # a name the gazetteer lacks is still a member between others ("in
            # Seychelles, in Mauritious and especially in Mayotte"), placed nowhere
            or (p.place is None and p.mention.kind == "toponym")
        ),
        key=lambda p: p.mention.start,
    )
    if location not in ordered:
        return [location]
    runs: list[list[ResolvedMention]] = []
    for p in ordered:
        if runs and _LIST_GAP.match(text[runs[-1][-1].mention.end : p.mention.start]):
            runs[-1].append(p)
        else:
            runs.append([p])
    run = [p for p in next(r for r in runs if location in r) if p.place is not None]
    level = location.place.feature == "country"
    members = [location]
    for p in run:
        if p is location or (p.place.feature == "country") != level:
            continue
        if any(_contains(p, q) or _contains(q, p) for q in members):
            continue
        members.append(p)
    if (
        level
        and focus_country is not None
        and len(members) > 1
        and any(p.place.country_code == focus_country for p in members)
    ):
        return [location]
    return members


def _gap(p: ResolvedMention, position: int) -> int:
    if position < p.mention.start:
        return p.mention.start - position
    return max(0, position - p.mention.end)


def _dominant(text: str, places: Sequence[ResolvedMention]) -> tuple[str | None, str | None]:
    """The country and the admin1 most usable places (and demonyms) of the article lie in."""
    usable = [p for p in places if _usable(text, p)]
    countries = Counter(
        p.place.country_code
        for p in places
        if p.place is not None
        and p.place.country_code
        and (p.mention.kind == "demonym" or _usable(text, p))
    )
    country = countries.most_common(1)[0][0] if countries else None
    admin1s = Counter(
        p.place.admin1
        for p in usable
        if p.place.feature != "country" and p.place.admin1 and p.place.country_code == country
    )
    return country, (admin1s.most_common(1)[0][0] if admin1s else None)


def _direction(text: str, country: ResolvedMention) -> str | None:
    before = text[max(0, country.mention.start - 20) : country.mention.start]
    found = _DIRECTION_BEFORE.search(before)
    return found["d"].lower() if found else None


def _lies_towards(p: ResolvedMention, country: ResolvedMention, direction: str | None) -> bool:
    """Whether `p` lies in the part of `country` the direction names (any: no direction)."""
    if direction is None:
        return True
    dlat = p.place.latitude - country.place.latitude
    dlon = p.place.longitude - country.place.longitude
    return not (
        ("north" in direction and dlat <= 0)
        or ("south" in direction and dlat >= 0)
        or ("east" in direction and dlon <= 0)
        or ("west" in direction and dlon >= 0)
    )


def _main_place(
    text: str,
    places: Sequence[ResolvedMention],
    country: ResolvedMention | None,
    country_code: str | None = None,
) -> ResolvedMention | None:
    """The place below country level the article names most often in `country` (or in
    `country_code`), in the part of it the text names ("in eastern Syria") if it does."""
    direction = _direction(text, country) if country is not None else None
    code = country.place.country_code if country is not None else country_code
    usable = [
        p
        for p in places
        if _usable(text, p)
        and p.place.feature != "country"
        and p.place.country_code == code
        and (country is None or _lies_towards(p, country, direction))
    ]
    if not usable:
        return None
    counts = Counter(p.place.geonameid for p in usable)
    return max(usable, key=lambda p: (counts[p.place.geonameid], -p.mention.start))


@dataclass
class _Draft:
    """An event being built: mutable until it is frozen into an Event."""

    index: int  # sentence index where the event is reported first
    place_index: int  # sentence index where its place is named
    start: int
    end: int
    event_type: str
    strength: int
    location: ResolvedMention
    own_place: bool
    found_date: DateMention | None
    statement_date: bool
    paragraph: int
    sources: list[str] = field(default_factory=list)
    denied: list[str] = field(default_factory=list)
    actors: list[str] = field(default_factory=list)
    casualties: attribution.Casualties = field(default_factory=attribution.Casualties)
    members: list[int] = field(default_factory=list)
    listed: bool = False  # one place of a coordinated list of where it happened
    another: bool = False  # its sentence reports another happening ("Another strike hit")

    def absorb(self, sentence: str) -> None:
        _extend(self.sources, attribution.cited_sources(sentence))
        _extend(self.actors, attribution.actors(sentence))
        self.casualties = _more(self.casualties, attribution.casualties(sentence))


def _extend(into: list[str], names: Sequence[str]) -> None:
    for name in names:
        if name not in into:
            into.append(name)


def _more(a: attribution.Casualties, b: attribution.Casualties) -> attribution.Casualties:
    return attribution.Casualties(
        *(x if x is not None else y for x, y in zip(_values(a), _values(b), strict=True))
    )


def _values(c: attribution.Casualties) -> tuple[int | None, ...]:
    return (c.killed, c.injured, c.civilians_killed, c.children_killed)


def _event_id(article_id: str, sentence_start: int, place: ResolvedMention) -> str:
    key = f"{article_id}|{sentence_start}|{place.mention.start}"
    return hashlib.sha1(key.encode()).hexdigest()[:16]


def _date_of(
    sentence: str, published: date | None, trigger_at: int | None = None
) -> tuple[DateMention | None, bool]:
    """The date of what the sentence reports, and whether it is only a statement's date.
    `trigger_at`: where the word reporting the happening starts in `sentence`."""
    found = sentence_date(sentence, published)
    if found is not None and _SINCE.search(sentence[: found.start]):
        return None, False  # "the biggest advance since September" dates the past
    while (
        found is not None
        and trigger_at is not None
        and _in_relative_clause(sentence, trigger_at, found.start)
    ):
        sentence = sentence[: found.start] + " " * (found.end - found.start) + sentence[found.end :]
        found = sentence_date(sentence, published)
    if found is None or not _STATEMENT_BEFORE.search(sentence[: found.start]):
        return found, False
    # a statement date: is there another mention that dates the event itself?
    rest = sentence[: found.start] + " " * (found.end - found.start) + sentence[found.end :]
    other = sentence_date(rest, published)
    if (
        other is not None
        and not _STATEMENT_BEFORE.search(rest[: other.start])
        and not _SINCE.search(rest[: other.start])
    ):
        return other, False
    return found, True


# A relative clause after the word of the happening that tells another actor's deed (it
# has a subject of its own: "the road which the army cut on Thursday", "the town which
# Kurdish forces took last week") or an earlier one ("militants who had surrendered last
# week") dates that deed, not the happening. One whose subject is the noun before it
# tells of the happening itself and keeps its date ("the blast which hit Aleppo on
# Tuesday", "people who were gathered at a market on Tuesday"). A comma or a semicolon
# closing the clause before the date gives the date back. Lower case only: "WHO said on
# Tuesday" is the health agency.
_RELATIVE_CLAUSE = re.compile(
    r"\b(?:which|who|whom|whose)\s+"
    r"(?:had\b|(?:the|a|an|its|their|his|her|our|this|that|these|those)\s|[A-Z])[^,;]*\Z"
)


def _in_relative_clause(sentence: str, trigger_at: int, date_at: int) -> bool:
    """Whether such a clause opens between the happening's word and the date and runs on
    to the date."""
    return date_at > trigger_at and bool(_RELATIVE_CLAUSE.search(sentence, trigger_at, date_at))


def _leading_space(text: str) -> int:
    return len(text) - len(text.lstrip())


def _mask_head_date(text: str, published: date | None) -> str:
    """The text with the date stated at its head ("Wed 05 Apr 2017", "Damascus, November
    9 (RHC)--") blanked: it dates the report, not the event."""
    if published is None:
        return text
    head = find_publication_date(text)
    if head is None or head.value != published:
        head = next(
            (
                m
                for m in find_dates(text[:_HEAD_CHARS], published)
                if m.precision == "day"
                and m.value == published
                and any(c.isdigit() for c in m.text)
            ),
            None,
        )
    if head is None or head.start >= _HEAD_CHARS:
        return text
    return text[: head.start] + " " * (head.end - head.start) + text[head.end :]


def _contains(outer: ResolvedMention, inner: ResolvedMention) -> bool:
    """Whether `inner` lies in `outer` (the same place counts)."""
    a, b = outer.place, inner.place
    if a.geonameid is not None and a.geonameid == b.geonameid:
        if outer.approximate == inner.approximate:
            return not outer.approximate or _same_name(outer, inner)
        return inner.approximate  # "1070 Apartments (at Aleppo)" lies in Aleppo
    if a.country_code != b.country_code or _rank(outer) >= _rank(inner):
        return False
    if a.feature == "country":
        return True
    return a.feature == "admin1" and a.admin1 is not None and a.admin1 == b.admin1


def _one_town(a: ResolvedMention, b: ResolvedMention) -> bool:
    """Whether two places the gazetteer lacks lie in one town: a local report names the
    street of a fire, a crash or a crime, then the house number, the cross street or the
    side roads ("a Main Street home ... at 775 Main St., near Dawes Street"). Each is placed
    at the town around it; reports of one kind close together there tell one happening
    (for the happenings responders are called to, geo/data/responders.toml: quarters of a
    city struck in a war are judged by their names)."""
    return (
        a.approximate
        and b.approximate
        and a.place.geonameid is not None
        and a.place.geonameid == b.place.geonameid
    )


_ENGLISH_ARTICLE = re.compile(r"^the[- ]")


_FINAL_H = re.compile(r"(?<=[aeiou])h\b")  # "Tibbaneh", "Tabbana": one Arabic ending
_VOWELS_AND_MARKS = re.compile(r"[aeiouy\W_\d]+")
_DOUBLED = re.compile(r"(.)\1+")


def _same_name(a: ResolvedMention, b: ResolvedMention) -> bool:
    """Whether two mentions name one place: the same words but for an article ("the
    Waer", "al-Waer") or for vowels, doubled letters and a final "h", where
    transliterations of one name differ ("Tariq al-Bab", "Tareeq al-Bab")."""

    def norm(m: ResolvedMention) -> str:
        name = _ENGLISH_ARTICLE.sub("", m.mention.text.lower())
        return lexicon.strip_article_prefix(name)

    def consonants(name: str) -> str:
        return _DOUBLED.sub(r"\1", _VOWELS_AND_MARKS.sub("", _FINAL_H.sub("", name)))

    x, y = norm(a), norm(b)
    return x == y or (len(consonants(x)) >= 3 and consonants(x) == consonants(y))


def _compatible_dates(a: _Draft, b: _Draft, published: date | None = None) -> bool:
    """Dates a day apart at most; an undated report stands for the days just before the
    publication (a week), so it does not join a report of months ago."""
    if a.found_date is None and b.found_date is None:
        return True
    if a.found_date is None or b.found_date is None:
        found = (a.found_date or b.found_date).value
        return published is None or -1 <= (published - found).days <= _RECENT_DAYS
    return abs((a.found_date.value - b.found_date.value).days) <= 1


def _sharp(found: DateMention | None) -> bool:
    """A date another sentence can lend: a day or a week, not a month or a year."""
    return found is not None and found.precision in ("day", "week")


def _toll(event_type: str, strength: int) -> bool:
    """A death or injury of no named kind ("killed", "died"): part of whatever the report
    around it says happened. ("other" named by a word of its own, a recall or a ban, is a
    happening of its own kind.)"""
    return event_type == "other" and strength < WEAK


def _same_kind(a: _Draft, b: _Draft) -> bool:
    if (
        a.event_type == b.event_type
        or _toll(a.event_type, a.strength)
        or _toll(b.event_type, b.strength)
    ):
        return True
    if WEAK in (a.strength, b.strength):  # "an attack" is whatever the report says it was
        return True
    means = {MEANS.get(a.event_type), MEANS.get(b.event_type)}
    if None not in means and len(means) > 1:
        return False  # an air raid and shelling of one town are two attacks
    return _one_family(a.event_type, b.event_type)


def _one_family(a: str, b: str) -> bool:
    """Whether two event types are one kind of happening: the same type, or two types of
    one family (FAMILY)."""
    return a == b or (FAMILY.get(a) is not None and FAMILY.get(a) == FAMILY.get(b))


def _other_kind(previous: _Draft, event_type: str, strength: int) -> bool:
    """Whether a sentence naming no place tells a happening of another kind than the event
    before it (a fire, then an arrest): both named by a word of their own, neither a toll
    nor a bare "attack", of types of different families. Violence named less surely than
    the event before says how that was done (after "a chlorine attack", "helicopters
    dropped the gas"); an aid delivery or talks after it are happenings of their own."""
    if min(strength, previous.strength) < NORMAL:  # a toll or a bare "attack"
        return False
    if strength < previous.strength and event_type not in _CALM:
        return False
    return not _one_family(event_type, previous.event_type)


def _merge(drafts: list[_Draft], published: date | None = None) -> list[_Draft]:
    """Reports of one event in one article become one event with the sharpest place."""
    out: list[_Draft] = []
    for draft in drafts:
        target = None
        for kept in out if not draft.another else ():  # another happening stays apart
            if not (_same_kind(kept, draft) and _compatible_dates(kept, draft, published)):
                continue
            same = _contains(kept.location, draft.location) and _contains(
                draft.location, kept.location
            )
            near = (
                abs(draft.index - max([kept.index, *kept.members])) <= _NEAR_SENTENCES
                and kept.own_place
                and draft.own_place
            )
            if same or (
                near
                and (
                    _contains(kept.location, draft.location)
                    or _contains(draft.location, kept.location)
                    or (
                        kept.event_type in _RESPONDER_TYPES
                        and _one_town(kept.location, draft.location)
                    )
                )
            ):
                target = kept
                break
        if target is None:
            out.append(draft)
            continue
        _join(target, draft)
    return out


def _join(kept: _Draft, other: _Draft) -> None:
    if _rank(other.location) > _rank(kept.location) or (not kept.own_place and other.own_place):
        kept.location, kept.place_index, kept.own_place = (
            other.location,
            other.place_index,
            other.own_place,
        )
        kept.start, kept.end = other.start, other.end
        if _sharp(other.found_date) and not other.statement_date:
            # the report that now stands for the event dates it: its sentence, the one the
            # event shows, says the day ("in Idlib on Monday ... in the town of X on
            # Tuesday"), and the two dates are a day apart at most (_compatible_dates)
            kept.found_date, kept.statement_date = other.found_date, False
    if kept.strength < other.strength or _toll(kept.event_type, kept.strength):
        kept.event_type, kept.strength = other.event_type, other.strength
    if kept.found_date is None or (kept.statement_date and not other.statement_date and
                                   other.found_date is not None):  # fmt: skip
        kept.found_date, kept.statement_date = other.found_date, other.statement_date
    _extend(kept.sources, other.sources)
    _extend(kept.denied, other.denied)
    _extend(kept.actors, other.actors)
    kept.casualties = _more(kept.casualties, other.casualties)
    kept.members.extend([other.index, *other.members])


def extract_events(
    article_id: str,
    text: str,
    sentences: Sequence[tuple[int, int]],
    places: Sequence[ResolvedMention],
    published: date | None,
    title: str | None = None,
) -> list[Event]:
    """Events of one article; `sentences` are (start, end) character offsets in `text`."""
    # the related-news headlines still say what the article is about (its country), but
    # none of their places is an event of the article
    dominant = _dominant(text, places)
    text = _mask_related(text)
    places = [
        p
        for p in places
        if text[p.mention.start : p.mention.end].strip()
        and not _foreign_dateline(text, p, dominant[0])
    ]
    dated_text = _mask_head_date(text, published)
    # An article is at least as recent as the latest full date it states: with no date
    # line, that date is what a year in a sentence is compared with (see _background).
    reference = published or _latest_full_date(dated_text)
    by_sentence: list[list[ResolvedMention]] = [[] for _ in sentences]
    starts = [s for s, _ in sentences]
    for p in places:
        for i, (start, end) in enumerate(sentences):
            if start <= p.mention.start < end:
                by_sentence[i].append(p)
                break
    paragraphs = [text.count("\n", 0, start) for start, _ in sentences]
    # Paragraph numbers follow lines; blank lines do not start more than one paragraph.
    named = _mask_place_names(text, places)
    triggers = [_trigger(named[start:end]) for start, end in sentences]
    triggers = _in_context(triggers, named, sentences, title)
    if _sports_report(text):
        # "a royal battle", "the Panthers' attack": plays, not violence
        triggers = [None if t is not None and t[3] in _SPORTS_TYPES else t for t in triggers]
    befalls = [_befalls(found) for found in triggers]
    own = [
        event_place(ps, text, dominant, start + found[2] if found else None, befell)
        for ps, (start, _), found, befell in zip(
            by_sentence, sentences, triggers, befalls, strict=True
        )
    ]
    usable_places = [[p for p in ps if _usable(text, p)] for ps in by_sentence]
    # the places a sentence lends to the sentences after it (a state acting lends none)
    mentioned = [
        [p for p in ps if not _state_acting(text, p, dominant[0], befell)]
        for ps, befell in zip(usable_places, befalls, strict=True)
    ]
    # sentences whose only usable places are states acting
    acting_only = [bool(u) and not m for u, m in zip(usable_places, mentioned, strict=True)]
    for i, ((start, end), found) in enumerate(zip(sentences, triggers, strict=True)):
        if found and found[3] in _RESPONDER_TYPES and _RESPONDERS.search(text[start:end]):
            own[i], mentioned[i] = None, []  # the helpers' towns, not the happening's
    named_countries = {
        p.place.country_code for p in places if p.place is not None and p.place.feature == "country"
    }
    dates = [
        _date_of(
            dated_text[start:end].strip(),
            published,
            None if found is None else found[2] - _leading_space(dated_text[start:end]),
        )
        if end > start
        else (None, False)
        for (start, end), found in zip(sentences, triggers, strict=True)
    ]
    drafts: list[_Draft] = []
    for i, (start, end) in enumerate(sentences):
        sentence = text[start:end].strip()
        if not sentence:
            continue
        if len(sentence.split()) <= _HEADING_WORDS and sentence[-1] not in '.!?"':
            continue
        denied = attribution.denial(sentence)
        previous = _previous_event(drafts, i, paragraphs)
        if denied is not None:
            # a denial answers the event reported just before it, even across paragraphs
            answered = _previous_event(drafts, i, None)
            if answered is not None:
                _extend(answered.denied, denied)
            continue
        found = _type_and_strength(triggers[i])  # the sentence's trigger, found above
        if found is None or _background(sentence, dates[i][0], reference):
            if previous is not None and found is None and previous.index >= i - 1:
                _extend(previous.sources, attribution.cited_sources(sentence))
            continue
        event_type, strength = found
        if event_type in _PEACEFUL and _TO_COME.search(sentence):
            continue  # a gathering to come
        location = own[i]
        if location is None and acting_only[i] and event_type in _CALM:
            # a calm sentence whose only places are states acting ("the US involvement
            # has been protested by Damascus"): what governments do and say, neither more
            # of the happening before nor one at a neighbour's place
            continue
        if (
            drafts
            and (location is None or location.place.feature == "country")
            and _ACCUSES.search(sentence[: triggers[i][2]])
        ):
            # a statement about a happening names the speaker's country or no place: the
            # happening is told where it happened (unless the statement is the first and
            # only account of it: "the Coalition condemned the massacre by warplanes ...")
            if previous is not None:
                _extend(previous.sources, attribution.cited_sources(sentence))
            continue
        # not more about the event before (but a source confirming it tells the same one)
        another = bool(_ANOTHER.search(sentence)) and not _CONFIRMS.search(sentence)
        if (
            location is None
            and previous is not None
            and not another
            and _same_time(previous, dates[i][0])
            and not _other_kind(previous, event_type, strength)
        ):
            previous.absorb(sentence)  # an elaboration of the event before it
            if previous.strength < strength or _toll(previous.event_type, previous.strength):
                previous.event_type, previous.strength = event_type, strength
            if previous.found_date is None and _sharp(dates[i][0]):
                previous.found_date, previous.statement_date = dates[i]
            continue
        place_index = i
        if location is None:
            if strength < NORMAL or sentence[0] in _QUOTES:
                continue  # a toll or a quote naming no place starts no event of its own
            told = _told_before(drafts, event_type, text[start : start + triggers[i][2]])
            if told is not None and not another and _same_time(told, dates[i][0]):
                told.absorb(sentence)
                continue
            if _ELSEWHERE.search(sentence):
                continue  # not at the places told before, and it names its own none
            place_index, location = _context_place(i, own, paragraphs, sentence, mentioned)
            if location is None:
                continue
        if location.place.feature == "country":
            # "in northern Syria": the sentences after it, else the article, say where
            near = _place_after(text, i, own, paragraphs, location)
            location = near or _main_place(text, places, location) or location
        elif (
            location.place.country_code not in named_countries
            and location.place.country_code != dominant[0]
        ):
            # a place in a country the article never names (nor its people) is more likely
            # a misread name ("Castello" in Spain) than an event abroad
            location = _main_place(text, places, None, dominant[0]) or location
        members = (
            listed_places(text, own[i], by_sentence[i], dominant[0]) if own[i] is not None else []
        )
        # each listed place as named: "in France, Spain and Italy"
        locations = members if len(members) > 1 else [location]
        for place in locations:
            draft = _Draft(
                index=i,
                place_index=place_index,
                start=starts[i],
                end=end,
                event_type=event_type,
                strength=strength,
                location=place,
                own_place=place_index == i,
                found_date=dates[i][0],
                statement_date=dates[i][1],
                paragraph=paragraphs[i],
            )
            draft.absorb(sentence)
            draft.listed = len(locations) > 1
            draft.another = another
            if len(locations) > 1:
                # a toll of a list is the total of all its places, no one place's
                draft.casualties = attribution.Casualties()
            drafts.append(draft)
    drafts = _merge(drafts, published)
    _type_tolls(drafts, triggers, title)
    # the places that can locate events (a list's members too, whatever follows the list)
    # (a state acting among them: the article's focus counts every place it names)
    located = [p for ps in usable_places for p in ps]
    located += [d.location for d in drafts if d.listed and d.location not in located]
    events = [
        _freeze(article_id, text, d, dates, paragraphs, sentences, published, located)
        for d in drafts
    ]
    return _mark_primary(events, drafts, title, text)


def _in_context(
    triggers: list[tuple[int, int, int, str] | None],
    text: str,
    sentences: Sequence[tuple[int, int]],
    title: str | None,
) -> list[tuple[int, int, int, str] | None]:
    """`triggers` again without the context-needing triggers (geo/data/event_types.toml,
    `needs_context`) of a type whose subject the article does not speak of: neither its
    headline nor its text has a word of the type's `context` nor another trigger of it."""
    for event_type, subject in _SUBJECT_WORDS.items():
        found = [i for i, t in enumerate(triggers) if t is not None and t[3] == event_type]
        if not found or subject.search(text) or (title and subject.search(title)):
            continue
        without = frozenset({event_type})
        plain = {i: _trigger(text[sentences[i][0] : sentences[i][1]], without) for i in found}
        if any(t is not None and t[3] == event_type for t in plain.values()):
            continue  # another trigger of the type: the article speaks of it
        if title and (t := _trigger(title, without)) is not None and t[3] == event_type:
            continue
        triggers = [plain.get(i, t) for i, t in enumerate(triggers)]
    return triggers


def _mask_place_names(text: str, places: Sequence[ResolvedMention]) -> str:
    """`text` with the names of the places found in it masked, offsets kept: a word of a
    place's name reports nothing that happened ("HURRICANE, W.Va.", "Battle Creek",
    "Fire Island"). Each letter becomes an X of its case, so the rules that read a name's
    capitals still see one ("Atareb, site of an attack"); demonyms stay ("displaced
    Syrians")."""
    chars = list(text)
    for p in places:
        if p.place is None or p.mention.kind == "demonym":
            continue
        for i in range(p.mention.start, p.mention.end):
            if chars[i].isalpha():
                chars[i] = "X" if chars[i].isupper() else "x"
    return "".join(chars)


def _sports_report(text: str) -> bool:
    """Whether an article reports games: a score and several words of game reports."""
    if not _SCORE.search(text):
        return False
    found = {m.group().lower() for m in _SPORTS_CUES.finditer(text)}
    return len(found) >= _SPORTS["min_cues"]


def _type_tolls(
    drafts: list[_Draft], triggers: Sequence[tuple[int, int, int, str] | None], title: str | None
) -> None:
    """A bare toll ("More than 300 were killed in A, B and C") takes the type of the
    happening the article is about: news gives the toll of the disaster, the attack or the
    outbreak it reports, not a death of no kind. That type is the one the headline and the
    sentences of the article name most often (the first named on a tie)."""
    untyped = {"other", *_PEACEFUL}  # a death of no kind, a gathering: no toll's type
    named = [t[3] for t in triggers if t is not None and t[3] not in untyped]
    title_type = classify_sentence(title) if title else None
    if title_type is not None and title_type not in untyped:
        named = [title_type, title_type, *named]  # the headline says what the article is
    if not named:
        return
    counts = Counter(named)
    main = max(counts, key=lambda t: (counts[t], -named.index(t)))
    for d in drafts:
        if d.event_type == "other" and d.strength < NORMAL:
            d.event_type = main


def _mask_related(text: str) -> str:
    """The text with related-news blocks blanked (offsets kept)."""
    if not _RELATED.search(text):
        return text
    return _RELATED.sub(lambda m: " " * len(m.group()), text)


def _background(sentence: str, found: DateMention | None, reference: date | None) -> bool:
    """Whether a sentence with a trigger gives background or context, not a happening:
    the cues of geo/data/background.toml, or a year before the publication's year not
    part of a full date ("joined the convention in 2013", "the 2008 war", "last year"):
    news dates what it reports by day; an earlier happening given only by its year is
    history. `reference`: the publication date, else the latest full date the article
    states (it is at least that recent)."""
    if _NOT_HAPPENED.search(sentence):
        return True
    if _BACKGROUND.search(sentence):
        # The war's span as an aside of a report dated by its day is no background: "killed
        # on Tuesday in a chemical attack, among the worst of the country's six-year war"
        aside = _WAR_YEARS.sub(lambda m: " " * len(m.group()), sentence)
        dated = found is not None and found.precision in ("day", "week")
        return not dated or aside == sentence or _BACKGROUND.search(aside) is not None
    if reference is None:
        # An article without a date line, nor a full date to be at least as recent as:
        # a sentence dated by a year alone ("a battle that arose in 2005") is history all
        # the same (news dates what it reports by the day; local news often says only
        # "Tuesday", which gives no date here).
        return found is not None and found.precision == "year"
    if found is not None and found.precision in ("day", "week"):
        return False
    if found is not None and found.precision == "year" and found.value.year < reference.year:
        return True
    return any(
        int(m.group()) < reference.year and not _SINCE_YEAR.search(sentence[: m.start()])
        for m in _A_YEAR.finditer(sentence)
    )


def _latest_full_date(text: str) -> date | None:
    """The latest date with day, month and year that `text` states, or None."""
    days = [m.value for m in find_dates(text, None) if m.precision == "day" and not m.relative]
    return max(days, default=None)


def _same_time(draft: _Draft, found: DateMention | None) -> bool:
    """Whether a sentence dated `found` can be about the event of `draft` (a sentence
    dated days away reports another event: "... after troops recaptured the academies
    over the weekend")."""
    if found is None or draft.found_date is None:
        return True
    return abs((found.value - draft.found_date.value).days) <= 1


def _previous_event(drafts: list[_Draft], i: int, paragraphs: list[int] | None) -> _Draft | None:
    """The event reported in the sentence just before sentence i, or two sentences back in
    its paragraph (any paragraph when `paragraphs` is None)."""
    if not drafts:
        return None
    last = max(drafts, key=lambda d: max([d.index, *d.members]))
    latest = max([last.index, *last.members])
    if i - latest == 1 or (
        (paragraphs is None or paragraphs[latest] == paragraphs[i]) and i - latest <= 2
    ):
        return last
    return None


# "the" before the event word, with at most two lower-case words between ("finished
# second at the district competition"; "the ISIS executed" is a name's article), none of
# them a word that makes it another ("the second protest", "the next vote").
_DEFINITE_BEFORE = re.compile(
    r"\b[Tt]he\s+(?!(?:second|third|fourth|next|new|other|latest|last|later|another|"
    r"further|following)\b)(?:[a-z][\w-]*\s+){0,2}$"
)


def _told_before(drafts: list[_Draft], event_type: str, before_trigger: str) -> _Draft | None:
    """The happening a placeless sentence refers back to: news names a happening it has
    already told with the definite article ("the district competition", "the vote"), and
    a sentence that does so without a place of its own tells more of that one, not of a
    new happening at whatever town the sentences nearby name. Only the calm types: "the
    shelling" or "the blast" in a war report often opens the account of another attack
    (measured: applied to violence too, it cost precision on events_gold_dev's half B)."""
    if event_type not in _CALM or not _DEFINITE_BEFORE.search(before_trigger):
        return None
    return next((d for d in reversed(drafts) if _one_family(d.event_type, event_type)), None)


# "Elsewhere in the country" says a happening was not at the places told before ("bombs
# dropped three times elsewhere in the country"): a sentence that says so and names no
# place of its own borrows none from its neighbours. ("Elsewhere in the city" may be the
# same town, and a sentence opening "Elsewhere" is another happening: another_happening.toml.)
_ELSEWHERE = re.compile(
    r"\belsewhere\s+in\s+(?:the|that|this)\s+(?:country|region|province|state)\b", re.IGNORECASE
)


def _context_place(
    i: int,
    own: list[ResolvedMention | None],
    paragraphs: list[int],
    sentence: str = "",
    mentioned: Sequence[Sequence[ResolvedMention]] = (),
) -> tuple[int, ResolvedMention | None]:
    """The place of the nearest sentences: before (any paragraph), else after (same one).

    "the same neighbourhood" refers back to the last neighbourhood named, however far.
    """
    anaphor = _ANAPHOR.search(sentence)
    if anaphor:
        small = anaphor["noun"].lower() in ("neighbourhood", "neighborhood", "district")
        for j in range(i - 1, -1, -1):
            for p in reversed(mentioned[j] if mentioned else []):
                if (_rank(p) >= _SPECIFICITY["neighbourhood"]) == small and (
                    p.place.feature != "country"
                ):
                    return j, p
    for j in range(i - 1, max(-1, i - 1 - _CONTEXT_SENTENCES), -1):
        p = own[j]
        if p is not None and p.place.feature != "country":
            return j, p
    for j in range(i + 1, min(len(own), i + 3)):
        p = own[j]
        if paragraphs[j] == paragraphs[i] and p is not None and p.place.feature != "country":
            return j, p
    return i, None


def _place_after(
    text: str,
    i: int,
    own: list[ResolvedMention | None],
    paragraphs: list[int],
    country: ResolvedMention,
) -> ResolvedMention | None:
    """A place in `country` (in the part the text names) named in the next sentences."""
    direction = _direction(text, country)
    for j in range(i + 1, min(len(own), i + 1 + _NEAR_SENTENCES)):
        p = own[j]
        if (
            paragraphs[j] == paragraphs[i]
            and p is not None
            and p.place.feature != "country"
            and p.place.country_code == country.place.country_code
            and _lies_towards(p, country, direction)
        ):
            return p
    return None


def _freeze(
    article_id: str,
    text: str,
    d: _Draft,
    dates: list[tuple[DateMention | None, bool]],
    paragraphs: list[int],
    sentences: Sequence[tuple[int, int]],
    published: date | None,
    places: Sequence[ResolvedMention] = (),
) -> Event:
    found = d.found_date
    if found is None:
        # the sentence just before, in the same paragraph, dates the scene it continues
        j = d.index - 1
        if (
            j >= 0
            and paragraphs[j] == paragraphs[d.index]
            and _sharp(dates[j][0])
            and (published is None or (published - dates[j][0].value).days <= _INHERITED_DATE_DAYS)
        ):
            found = dates[j][0]
    start, end = (d.start, d.end) if d.own_place else sentences[d.index]
    sentence = text[start:end].strip()
    start += _leading_space(text[start:end])
    if (
        found is not None
        and published is not None
        and (published - found.value).days > _INHERITED_DATE_DAYS
        and found.text not in sentence
    ):
        # a date more than a month old lent by a merged report or an elaboration: an old
        # date has to be stated in the event's own sentence (a scene continues days)
        found = None
    c = d.casualties
    return Event(
        event_id=_event_id(article_id, start, d.location),
        article_id=article_id,
        sentence=sentence,
        sentence_start=start,
        event_type=d.event_type,
        location=d.location,
        event_date=found.value if found else published,
        date_precision=found.precision if found else "day",
        date_from_text=found is not None,
        cited_sources=tuple(
            s
            for s in d.sources
            if s not in d.denied and not (s == "state media" and "SANA" in d.sources)
        ),
        denied_by=tuple(d.denied),
        actors=tuple(d.actors),
        killed=c.killed,
        injured=c.injured,
        civilians_killed=c.civilians_killed,
        children_killed=c.children_killed,
        confidence=confidence(
            d.location,
            d.own_place,
            d.strength,
            found is not None,
            focus_share(d.location, places),
            listed=d.listed,
        ),
    )


def _mark_primary(
    events: list[Event], drafts: list[_Draft], title: str | None, text: str
) -> list[Event]:
    """The article's main event: the one its headline and lead are about."""
    if not events:
        return events
    title_type = classify_sentence(title) if title else None
    title_words = (title or "").lower()

    def key(pair: tuple[Event, _Draft]):
        event, d = pair
        first = min([d.index, *d.members])
        same = title_type is not None and _one_family(title_type, event.event_type)
        named = bool(title_words) and any(
            name and name.lower() in title_words
            for name in (event.location.mention.text, event.location.place.name)
        )
        # a lead that names several happenings ("attacks in Hasaka and Aleppo") is then told
        # in order of importance: of two reports both in the lead, the main one is the one
        # whose account follows first
        told = tuple(-s for s in sorted({d.index, *d.members}))
        return (
            first < _LEAD_SENTENCES,
            on_map(event.confidence),  # after the lead, the main event is one the map shows
            same,
            named,
            event.location.place.feature != "country",
            event.event_type != "other",
            -first,
            told,
        )

    primary = max(zip(events, drafts, strict=True), key=key)[0]
    return [replace(e, is_primary=e is primary) for e in events]
