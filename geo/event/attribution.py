"""Who says so: cited sources, denials, actors and casualty counts of a sentence.

Everything here reads one sentence (or clause) and returns canonical names or numbers; the
events module decides which event they belong to. Patterns are compiled once at import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from geo import lexicon

# --- cited sources ------------------------------------------------------------------------

# canonical name -> the ways a text cites it (case-sensitive: "AP" is not "ap"), and the
# words of generic sources: geo/data/cited_sources.toml.
_CITED = lexicon.mapping("cited_sources.toml")
CITED_SOURCES: dict[str, tuple[str, ...]] = {
    name: tuple(patterns) for name, patterns in _CITED["sources"].items()
}
_SOURCES = {
    name: re.compile(r"\b(?:" + "|".join(patterns) + r")\b")
    for name, patterns in CITED_SOURCES.items()
}
# Generic sources: "an unnamed military source", "Turkish security and hospital sources".
_GENERIC = re.compile(
    r"\b(?:(?:an?|the)\s+)?(?:unnamed\s+|local\s+)?"
    rf"(?P<adj>(?:{lexicon.alternation(_CITED['generic']['nationalities'])}\s+)?"
    rf"{lexicon.alternation(_CITED['generic']['bodies'])}"
    rf"(?:\s+and\s+{lexicon.alternation(_CITED['generic']['second_bodies'])}\s+)?)\s*"
    r"(?P<noun>sources?|officials?)\b"
)
# "a spokesman for the rebel group Nour el-Din el-Zinki", "a spokesman for Jaish al-Islam".
_SPOKESMAN = re.compile(
    r"\b(?:spokes(?:man|woman|person)|commander|official|leader)\s+(?:for|of|with)\s+(?:the\s+)?"
    r"(?:(?:[a-z]+\s+){0,2}(?:group|faction|brigade|movement|militia|alliance)\s+)?"
    rf"(?P<name>[A-Z][\w'-]*(?:\s+(?:[A-Z][\w'-]*|{lexicon.article_prefix_pattern('-')}[\w'-]+"
    r"|of|for|al|el))*)"
)
# A sentence cites someone when it says who says so.
_SPEECH = re.compile(
    r"\b(?:said|says|say|told|reported|reports|quoted|according to|claimed|claims|confirmed"
    r"|announced|stated|added|tweeted|cited|accused|blamed|warned|documented|denied|denies"
    r"|deny|rejected)\b",
    re.IGNORECASE,
)
_DENIAL = re.compile(
    r"\b(?:denied|denies|deny|denying|rejected|dismissed|refuted)\b(?!\s+(?:access|entry))"
)
_DENIAL_LEAD = re.compile(r"^(?:however|but|meanwhile|yet|and|in turn)\W+", re.IGNORECASE)
_SPAN_WORDS = 6


def cited_sources(sentence: str) -> tuple[str, ...]:
    """Canonical names of everyone the sentence cites, in order of appearance."""
    found: list[tuple[int, str]] = []
    for name, pattern in _SOURCES.items():
        m = pattern.search(sentence)
        if m:
            found.append((m.start(), name))
    if _SPEECH.search(sentence):
        for m in _GENERIC.finditer(sentence):
            found.append((m.start(), _generic_name(m)))
        for m in _SPOKESMAN.finditer(sentence):
            found.append((m.start("name"), m["name"].strip()))
    names: list[str] = []
    for _, name in sorted(found):
        if name not in names:
            names.append(name)
    # "state media" is how a text names SANA once it named it; keep the sharper name only.
    if "SANA" in names and "state media" in names:
        names.remove("state media")
    return tuple(names)


def _generic_name(m: re.Match) -> str:
    adj = " ".join(m["adj"].split())
    noun = m["noun"].lower().rstrip("s") if m["noun"].lower() != "sources" else "source"
    return f"{adj} {noun}"


def denial(sentence: str) -> tuple[str, ...] | None:
    """Who denies, when the sentence is a denial ("A Syrian military source denied ..."),
    else None. Someone unnamed ("militant groups") is named as written."""
    m = _DENIAL.search(sentence)
    if not m:
        return None
    subject = sentence[: m.start()]
    named = cited_sources(subject) or tuple(_generic_name(g) for g in _GENERIC.finditer(subject))
    if named:
        return named
    subject = _DENIAL_LEAD.sub("", subject.strip().rstrip(","))
    subject = re.sub(r"^(?:the|a|an)\s+", "", subject, flags=re.IGNORECASE)
    words = subject.split()
    if not words or len(words) > _SPAN_WORDS:
        return ()
    return (" ".join(words),)


# --- actors -------------------------------------------------------------------------------

# canonical actor -> the ways a text names it: geo/data/actors.toml.
_ACTOR_DATA = lexicon.mapping("actors.toml")
ACTORS: dict[str, tuple[str, ...]] = {
    name: tuple(patterns) for name, patterns in _ACTOR_DATA["actors"].items()
}
_ACTORS = {
    name: re.compile(
        r"\b(?:" + "|".join(patterns) + r")\b"
        rf"(?!\s+{lexicon.alternation(_ACTOR_DATA['not_before'])})"
    )
    for name, patterns in ACTORS.items()
}
_ANY_ACTOR = re.compile("|".join(f"(?:{p.pattern})" for p in _ACTORS.values()))
# An actor named as the target or the holder of ground is not who did it.
_TARGET_BEFORE = re.compile(
    r"\b(?:against|targeting|targeted|on|at|of|from|held by|positions of|fighting)\s+"
    r"(?:the\s+)?(?:\w+\s+){0,1}$",
    re.IGNORECASE,
)
_BY_BEFORE = re.compile(r"\bby\s+(?:the\s+)?(?:\w+\s+){0,1}$", re.IGNORECASE)


def actors(sentence: str) -> tuple[str, ...]:
    """Who did it, where the sentence says: "by X" first, else X named not as a target.
    Every occurrence of a name is judged: "strikes on IS positions, then IS fighters
    shelled the town" names IS as a target, then as the actor."""
    if not _ANY_ACTOR.search(sentence):
        return ()
    by: list[tuple[int, str]] = []
    others: list[tuple[int, str]] = []
    for name, pattern in _ACTORS.items():
        for m in pattern.finditer(sentence):
            lead = sentence[max(0, m.start() - 30) : m.start()]
            if _BY_BEFORE.search(lead):
                by.append((m.start(), name))
            elif not _TARGET_BEFORE.search(lead):
                others.append((m.start(), name))
    chosen = by or others
    out: list[str] = []
    for _, name in sorted(chosen):
        if name not in out:
            out.append(name)
    return tuple(out)


# --- casualties ---------------------------------------------------------------------------

_NUMBER_WORDS = lexicon.number_words()  # geo/data/numbers.toml
_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d{1,5}|" + "|".join(sorted(_NUMBER_WORDS, key=len)[::-1]) + ")"
_QUALIFIER = r"(?:(?:at\s+least|more\s+than|over|some|nearly|almost|about|around|up\s+to)\s+)?"
_WHO = (
    r"(?P<who>(?:(?:\w+-?\w*)\s+){0,2}?(?P<noun>people|persons|civilians|children|kids|minors"
    r"|women|soldiers|fighters|militants|rebels|members|troops|others|residents|men"
    r"|individuals|students|worker?s|policemen|family members)\b)?"
)
_KILL_VERB = r"(?:killed|dead|died|slain|lost\s+their\s+lives|perished|massacred)"
_HURT_VERB = r"(?:injured|wounded|hurt)"
# "five people were killed", "23 civilians killed", "61 dead"
_N_VERB = (
    r"(?<![\d,.])"
    + _QUALIFIER
    + r"(?P<n>"
    + _NUM
    + r")\s+"
    + _WHO
    + (r"\s*(?:(?:\w+\s+){0,3}?)(?:were\s+|was\s+|have\s+been\s+|had\s+been\s+|are\s+|being\s+)?")
)
_VERB_N = _QUALIFIER + r"(?P<n>" + _NUM + r")\b\s*" + _WHO
_KILLED_RE = (
    re.compile(_N_VERB + _KILL_VERB + r"\b", re.IGNORECASE),
    re.compile(
        r"\b(?:killing|killed|kill|kills|claimed\s+the\s+lives\s+of|death\s+toll\s+(?:\w+\s+)"
        r"{0,4}?(?:to|at|of|reached|rose\s+to)|left)\s+" + _VERB_N,
        re.IGNORECASE,
    ),
)
_INJURED_RE = (
    re.compile(
        _N_VERB
        + r"(?:(?:killed|dead)\s+(?:and|while)\s+(?:\w+\s+){0,2})?"
        + _HURT_VERB
        + r"\b",
        re.IGNORECASE,
    ),
    re.compile(r"\b(?:injuring|wounding|injured|wounded)\s+" + _VERB_N, re.IGNORECASE),
    re.compile(r"\band\s+" + _VERB_N + r"(?=\s*(?:\w+\s+){0,2}?" + _HURT_VERB + r"\b)",
               re.IGNORECASE),
)  # fmt: skip
_VICTIMS_AFTER = re.compile(r"\s+" + _QUALIFIER + _NUM + r"\b", re.IGNORECASE)
_AND_OTHERS = re.compile(r"^\s+and\s+(?P<n>" + _NUM + r")\s+others\b", re.IGNORECASE)
_INCLUDING = re.compile(
    r"\b(?:including|among\s+them|among\s+whom|of\s+whom|of\s+them)\s+" + _QUALIFIER
    + r"(?P<n>" + _NUM + r")\s+(?P<noun>civilians|children|kids|minors|women)\b",
    re.IGNORECASE,
)  # fmt: skip


@dataclass(frozen=True)
class Casualties:
    killed: int | None = None
    injured: int | None = None
    civilians_killed: int | None = None
    children_killed: int | None = None


def _number(word: str) -> int:
    word = word.lower().replace(",", "")
    return int(word) if word.isdigit() else _NUMBER_WORDS[word]


def _plausible(value: int, m: re.Match, sentence: str) -> bool:
    # Years ("in 2015 killed") and counts glued to units ("40 days of fighting") are not tolls.
    tail = sentence[m.end("n") : m.end("n") + 12].lower()
    if re.match(r"\s*(?:days?|weeks?|months?|years?|km|kilometres|miles|percent|%)", tail):
        return False
    return not (1900 <= value <= 2100)


_TOLL_HINT = re.compile(
    r"kill|dead|died|slain|lives|perish|massacr|injur|wound|hurt|toll", re.IGNORECASE
)


def casualties(sentence: str) -> Casualties:
    """Killed and injured counts a sentence states, with civilians and children if stated."""
    killed = injured = civilians = children = None
    if not _TOLL_HINT.search(sentence):
        return Casualties()
    for pattern in _KILLED_RE:
        for m in pattern.finditer(sentence):
            value = _number(m["n"])
            if not _plausible(value, m, sentence):
                continue
            if pattern is _KILLED_RE[0] and _VICTIMS_AFTER.match(sentence, m.end()):
                # "Three gunmen killed at least two people": a count before an active
                # verb with its own count after it counts the attackers, not the dead
                continue
            noun = (m["noun"] or "").lower()
            if noun in ("children", "kids", "minors"):
                children = children or value
            elif noun == "civilians":
                civilians = civilians or value
            others = _AND_OTHERS.match(sentence[m.end() :]) or _AND_OTHERS.match(
                sentence[m.end("who") if m["who"] else m.end("n") :]
            )
            total = value + (_number(others["n"]) if others else 0)
            killed = max(killed or 0, total)
        if killed is not None:
            break
    for pattern in _INJURED_RE:
        for m in pattern.finditer(sentence):
            value = _number(m["n"])
            if _plausible(value, m, sentence) and value != killed:
                injured = injured or value
        if injured is not None:
            break
    if killed is not None:
        for m in _INCLUDING.finditer(sentence):
            noun = m["noun"].lower()
            if noun == "civilians":
                civilians = civilians or _number(m["n"])
            elif noun != "women":
                children = children or _number(m["n"])
    return Casualties(killed, injured, civilians, children)
