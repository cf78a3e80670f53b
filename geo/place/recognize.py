"""Recognition as a list of recognisers, like spaCy's pipeline of components.

Each recogniser is one class with `find(text, context) -> list[Mention]`, registered by
name (`RECOGNIZERS`); `find_mentions` runs a list of them (by default
`DEFAULT_RECOGNIZERS`), each seeing in `context.found` what those before it proposed, then
merges: of overlapping mentions the longest is kept, and the guards of
geo/place/toponyms.py (`_not_a_place`: common words, dates, titles, diseases, people)
drop the rest. A recogniser that reads the merged mentions (`after_merge`, e.g.
"repeats") runs after a merge. Last, the merged mentions are refined: possessives
without their apostrophe split ("Aleppos Sukkari"), adjectival uses ("US-led") marked as
demonyms, the place of a dateline marked as such.

The recognisers read the model's analysis as plain data (`geo.place.tokens.Tokens`); only
`tokens_from_doc` reads spaCy's objects.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import ClassVar, Protocol

from geo.models import Finder, Mention
from geo.place import toponyms as rules
from geo.place.gazetteer import NAME_MAIN, Gazetteer
from geo.place.tokens import Tokens, tokens_from_doc


@dataclass
class RecognitionContext:
    """What a recogniser may read: the gazetteer, the model's tokens, entities and
    sentences, the countries the article is about (its metadata's, and those its place
    entities name, added by "entities"), and the mentions proposed before it."""

    gazetteer: Gazetteer
    tokens: Tokens = field(default_factory=Tokens)
    countries: set[str] = field(default_factory=set)
    found: list[Mention] = field(default_factory=list)


class Recognizer(Protocol):
    name: ClassVar[str]
    # True: runs on the merged mentions of the recognisers before it (see `find_mentions`).
    after_merge: ClassVar[bool]

    def find(self, text: str, context: RecognitionContext) -> list[Mention]: ...


RECOGNIZERS: dict[str, type[Recognizer]] = {}


def register(cls: type[Recognizer]) -> type[Recognizer]:
    """Register a recogniser class under its `name`."""
    if cls.name in RECOGNIZERS and RECOGNIZERS[cls.name] is not cls:
        raise ValueError(f"a recogniser named {cls.name!r} is registered already")
    RECOGNIZERS[cls.name] = cls
    return cls


@register
class Entities:
    """The model's place entities (GPE, LOC, FAC), trimmed of "the", possessives and
    descriptive words; its demonyms; and its NORP/ORG/PERSON entities the gazetteer knows
    as a place of the article's countries ("Aleppo" tagged NORP, "Jarablus" ORG). The
    countries the place entities name, those of the regions they name and those of the
    towns they name that only one country has join `context.countries`."""

    name = "entities"
    after_merge = False

    def find(self, text: str, context: RecognitionContext) -> list[Mention]:
        gazetteer, found, deferred = context.gazetteer, [], []
        for ent in context.tokens.entities:
            start, end = rules._entity_span(ent, text)
            if end <= start:
                continue
            surface = text[start:end]
            if rules._is_demonym(surface):
                found.append(Mention(start, end, surface, kind="demonym", finder=Finder.DEMONYM,
                                     label=ent.label))  # fmt: skip
                continue
            if ent.label in rules.PLACE_LABELS:
                start, end, organisation = rules._place_entity_span(ent, text, gazetteer)
                if organisation:
                    continue  # "embedded" looks inside it
                surface = text[start:end]
                found.append(Mention(start, end, surface, finder=Finder.NER, label=ent.label))
                for candidate in gazetteer.lookup(surface):
                    if candidate.place.feature == "country" and candidate.place.country_code:
                        context.countries.add(candidate.place.country_code)
                        break
            elif ent.label in rules.MISLABELS:
                deferred.append((start, end, surface, ent.label))
        # A state's country is a country the article is about ("Ohio": the US), and so is
        # the one country of the towns the model tags ("Brookings").
        context.countries |= _countries_of_regions(found, gazetteer)
        context.countries |= _countries_of_towns(found, gazetteer)
        by_char = {t.idx: t for t in context.tokens.tokens} if deferred else {}
        for start, end, surface, label in deferred:
            # People carry town names ("Austin", "Phoenix"); groups and nationalities that
            # are a large town's name are the town ("Aleppo" tagged NORP).
            anywhere = rules.TOWN_ANYWHERE if label != "PERSON" and not surface.isupper() else None
            first = by_char.get(start)
            if (
                first is not None
                and not rules.in_title_case(text, start)
                and rules._inside_longer_proper_name(context.tokens, first, end)
                and not rules._country_or_own_region(gazetteer, surface, context.countries)
            ):
                # the model cut a longer name short ("a Meadow Grove man" tagged "Meadow"
                # NORP): the town of its first word is not the place it names (in a
                # headline in title case every word runs on into a capitalised one)
                continue
            if (
                rules._known_place(gazetteer, surface, context.countries, anywhere)
                or rules._possessive_of_place(gazetteer, surface, context.countries)
                or rules._town_of_the_region_after(gazetteer, surface, text, end)
            ):
                found.append(
                    Mention(start, end, surface, finder=Finder.NER_RELABELLED, label=label)
                )
        return found


# A town the model tags whose every namesake lies in one country (every place of that own
# name, and of that other name from NAMESAKE_POPULATION people up), the largest of its own
# name a town of TOWN_OF_ITS_COUNTRY people or more, names that country
# (_countries_of_towns).
NAMESAKE_POPULATION = 1000
TOWN_OF_ITS_COUNTRY = 15_000


def _countries_of_towns(found: list[Mention], gazetteer: Gazetteer) -> set[str]:
    """The countries of the towns the model tags as places whose name no sizeable town
    abroad shares: a local paper names the towns of its area without their state or
    country ("second at the district contest in Brookings"), and a name only towns of one
    country bear says where the article is as surely as the country's name would."""
    out = set()
    for m in found:
        if m.kind != "toponym" or m.finder is not Finder.NER or m.text.isupper():
            continue
        # a place's own name counts at any size: GeoNames gives many towns no population
        # ("Ras al-Ayn" is a Syrian town's own name and an Israeli town's other name)
        candidates = [
            c
            for c in gazetteer.lookup(m.text)
            if c.name_kind == 0 or (c.name_kind < 2 and c.place.population >= NAMESAKE_POPULATION)
        ]
        if not candidates or any(c.place.feature in ("country", "admin1") for c in candidates):
            continue  # a country's or a region's name, or none: said elsewhere
        countries = {c.place.country_code for c in candidates}
        # the town's own name: another name is often a transliteration a name of people
        # shares ("Karima" is a Sudanese town's other name)
        own_towns = [c.place for c in candidates if c.name_kind == 0 and c.place.feature == "city"]
        largest = max((p.population for p in own_towns), default=0)
        if len(countries) == 1 and largest >= TOWN_OF_ITS_COUNTRY:
            out |= countries - {None}
    return out


def _countries_of_regions(found: list[Mention], gazetteer: Gazetteer) -> set[str]:
    """The countries of the first-level regions named: a local paper names its state
    ("Ohio"), seldom its country, and the towns it names are mostly of that country."""
    out = set()
    for m in found:
        if m.kind == "toponym" and rules._place_level(gazetteer, m.text) == "admin1":
            candidates = gazetteer.lookup(m.text)
            # A region smaller than a town of its own name is not what the name brings to
            # mind: "Hamilton" is a parish of Bermuda of 6,000 people and a city of
            # 500,000 in Ontario, and says nothing of Bermuda.
            largest_town = max(
                (
                    c.place.population
                    for c in candidates
                    if c.place.feature == "city" and c.name_kind == NAME_MAIN
                ),
                default=0,
            )
            out.update(
                c.place.country_code
                for c in candidates
                if c.place.feature == "admin1"
                and c.place.country_code
                and c.place.population >= largest_town
            )
    return out


@register
class Embedded:
    """Countries and regions inside an organisation's or facility's name ("Michigan
    Department of Health"), towns that name their airport, and (kind "embedded") the town
    or county a local institution serves ("Gainesville Police", "Dublin City Council",
    "University of Kentucky" is a region's); the home town of a person or body named in lower
    case ("an Alexandria woman", "Dublin police")."""

    name = "embedded"
    after_merge = False

    def find(self, text: str, context: RecognitionContext) -> list[Mention]:
        taken = rules._Spans((m.start, m.end) for m in context.found)
        out = []
        whole, parts = rules._person_names(context.tokens)
        countries = context.countries | _countries_of_regions(context.found, context.gazetteer)
        for ent in rules._organisations(context.tokens, text, context.gazetteer):
            for mention in rules._embedded(
                ent, context.tokens, text, context.gazetteer, countries, whole | parts
            ):
                if not taken.overlaps(mention.start, mention.end):
                    out.append(mention)
        for mention in rules._hometown_mentions(
            context.tokens, text, context.gazetteer, countries, whole | parts
        ):
            if not taken.overlaps(mention.start, mention.end):
                taken.add(mention.start, mention.end)
                out.append(mention)
        return out


@register
class ProperNouns:
    """Runs of proper nouns outside any entity that the gazetteer knows as a place."""

    name = "proper-nouns"
    after_merge = False

    def find(self, text: str, context: RecognitionContext) -> list[Mention]:
        return list(
            rules._proper_noun_places(
                context.tokens, text, context.gazetteer, context.countries, context.found
            )
        )


@register
class GazetteerMatches:
    """Gazetteer names anywhere in the text (Aho-Corasick), guarded like proper nouns."""

    name = "gazetteer"
    after_merge = False

    def find(self, text: str, context: RecognitionContext) -> list[Mention]:
        return list(
            rules._gazetteer_matches(
                context.tokens, text, context.gazetteer, context.countries, context.found
            )
        )


@register
class CuePhrases:
    """ "the Ramouseh neighbourhood", "the town of Jarablus", "the Castello road"."""

    name = "cues"
    after_merge = False

    def find(self, text: str, context: RecognitionContext) -> list[Mention]:
        return list(rules._cue_mentions(text))


@register
class Streets:
    """Streets and roads: "Main Street", "E. Broad St.", "Highway 19", "I-95"."""

    name = "streets"
    after_merge = False

    def find(self, text: str, context: RecognitionContext) -> list[Mention]:
        return list(rules._street_mentions(text, context.tokens))


@register
class Demonyms:
    """Demonyms the model left untagged, and adjectival forms ("US-led")."""

    name = "demonyms"
    after_merge = False

    def find(self, text: str, context: RecognitionContext) -> list[Mention]:
        return list(rules._demonym_mentions(context.tokens, text))


@register
class CapsDatelines:
    """Places of datelines in capitals ("TORRINGTON —", "COLUMBUS, Ohio —")."""

    name = "caps-datelines"
    after_merge = False

    def find(self, text: str, context: RecognitionContext) -> list[Mention]:
        return list(rules._caps_datelines(text, context.gazetteer, context.found))


@register
class Repeats:
    """The same names again elsewhere in the text (a name found once is a place
    everywhere), except inside a longer person's or organisation's name."""

    name = "repeats"
    after_merge = True

    def find(self, text: str, context: RecognitionContext) -> list[Mention]:
        return list(rules._repeats(text, context.found, context.tokens))


DEFAULT_RECOGNIZERS = (
    "entities", "embedded", "proper-nouns", "gazetteer", "cues", "streets", "demonyms",
    "caps-datelines", "repeats",
)  # fmt: skip


def recognizers(names: Iterable[str] = DEFAULT_RECOGNIZERS) -> list[Recognizer]:
    """The recognisers of these names, in this order; an unknown name is a ValueError
    listing the valid ones."""
    names = list(names)
    unknown = [n for n in names if n not in RECOGNIZERS]
    if unknown:
        raise ValueError(
            f"unknown recogniser(s) {', '.join(map(repr, unknown))}; "
            f"valid: {', '.join(sorted(RECOGNIZERS))}"
        )
    return [RECOGNIZERS[n]() for n in names]


def _merge(
    found: list[Mention],
    text: str,
    context: RecognitionContext,
    people: tuple[set[str], set[str]],
    other_things: Mapping[str, str] | None = None,
) -> list[Mention]:
    """The longest of overlapping mentions, without those the guards reject."""
    return [
        m
        for m in rules._dedupe(found)
        if not rules._not_a_place(
            m, text, context.gazetteer, people, context.countries, other_things
        )
    ]


def find_mentions(
    text: str,
    gazetteer: Gazetteer,
    doc=None,
    countries: Iterable[str] = (),
    *,
    tokens: Tokens | None = None,
    pipeline: Sequence[str | Recognizer] = DEFAULT_RECOGNIZERS,
) -> list[Mention]:
    """Place names in `text`, sorted by offset, without overlaps.

    `doc`: the text already run through the model (`toponyms.load_nlp`), or `tokens`: its
    analysis as data; neither: the text is run through the model here. `countries`: ISO
    codes the article is known to be about (from its metadata); the countries named in
    the text are added to them. `pipeline`: recognisers, by name or as objects. Demonyms
    and adjectival forms ("Syrian", "US" in "US-led") are returned with kind "demonym".
    """
    if tokens is None:
        doc = doc if doc is not None else rules.load_nlp()(rules.text_for_model(text))
        tokens = tokens_from_doc(doc)
    named = [p for p in pipeline if isinstance(p, str)]
    by_name = iter(recognizers(named))
    steps = [next(by_name) if isinstance(p, str) else p for p in pipeline]
    context = RecognitionContext(gazetteer, tokens, set(countries))
    people = rules._person_names(tokens)
    other_things = rules._names_of_other_things(tokens)
    found: list[Mention] = []
    for step in steps:
        if step.after_merge:
            found = _merge(found, text, context, people, other_things)
        context.found = found
        found = [*found, *step.find(text, context)]
    found = _merge(found, text, context, people, other_things)
    found = [
        part for m in found for part in rules._split_possessive(m, gazetteer, context.countries)
    ]
    if rules.commas_lost(text):
        found = [
            part for m in found for part in rules._split_glued(m, gazetteer, context.countries)
        ]
    found = [
        rules._mark_adjectival(text, rules._with_township(text, m, context.countries))
        for m in found
    ]
    return [rules._mark_dateline(text, m) for m in found]
