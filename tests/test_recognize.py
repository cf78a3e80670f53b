"""The seams of the place stage: recognisers composed in a list, sentence splitters, and
the typed finder, cue and method fields (with their stored strings unchanged)."""

from __future__ import annotations

from typing import ClassVar

import pytest

from geo.models import Cue, Finder, Mention, Method, ResolvedMention
from geo.place.gazetteer import default_gazetteer
from geo.place.geocoders import ONLINE_BACKENDS
from geo.place.recognize import (
    DEFAULT_RECOGNIZERS,
    RECOGNIZERS,
    RecognitionContext,
    find_mentions,
    recognizers,
)
from geo.place.sentences import DocSentences, RuleSentenceSplitter
from geo.place.tokens import Tokens, tokens_from_doc
from geo.place.toponyms import load_nlp, text_for_model


@pytest.fixture(scope="module")
def gazetteer():
    return default_gazetteer()


class Shouted:
    """A recogniser of words in capitals of at least four letters (an invented rule)."""

    name: ClassVar[str] = "shouted"
    after_merge: ClassVar[bool] = False

    def __init__(self) -> None:
        self.seen: list[list[Mention]] = []

    def find(self, text: str, context: RecognitionContext) -> list[Mention]:
        self.seen.append(list(context.found))
        out, start = [], 0
        for word in text.split():
            start = text.index(word, start)
            bare = word.strip(".,")
            if len(bare) >= 4 and bare.isupper():
                out.append(Mention(start, start + len(bare), bare, finder=Finder.GIVEN))
            start += len(word)
        return out


def test_a_recogniser_of_our_own_is_composed_in_the_list(gazetteer) -> None:
    text = "Shelling hit Aleppo. Later QWERTYVILLE was quiet."
    default = [m.text for m in find_mentions(text, gazetteer)]
    assert "QWERTYVILLE" not in default and "Aleppo" in default
    shouted = Shouted()
    found = find_mentions(text, gazetteer, pipeline=[*DEFAULT_RECOGNIZERS[:-1], shouted])
    assert [m.text for m in found] == [*default, "QWERTYVILLE"]
    # it sees what the recognisers before it proposed (not yet merged)
    assert {m.text for m in shouted.seen[0]} == {"Aleppo"}
    # alone, it finds only its own: the list is the recognition
    alone = find_mentions(text, gazetteer, pipeline=[Shouted()])
    assert [(m.text, m.finder) for m in alone] == [("QWERTYVILLE", Finder.GIVEN)]


def test_the_recogniser_list_reads_tokens_not_the_model(gazetteer) -> None:
    text = "Troops entered the Ramouseh neighbourhood; Ramouseh was shelled."
    # no model at all: an empty analysis, rule-based recognisers only
    found = find_mentions(text, gazetteer, tokens=Tokens(), pipeline=["cues", "repeats"])
    assert [(m.start, m.text, m.provenance) for m in found] == [
        (19, "Ramouseh", "cue:neighbourhood"),
        (43, "Ramouseh", "repeat"),
    ]
    assert found[0].cue is Cue.NEIGHBOURHOOD and found[1].cue is None


def test_an_unknown_recogniser_name_is_an_error_listing_the_valid_ones(gazetteer) -> None:
    with pytest.raises(ValueError, match=r"unknown recogniser.*'gazeteer'") as caught:
        recognizers(["entities", "gazeteer"])
    for name in DEFAULT_RECOGNIZERS:
        assert name in str(caught.value)
    with pytest.raises(ValueError, match=r"valid: .*cues"):
        find_mentions("Aleppo.", gazetteer, tokens=Tokens(), pipeline=["nope"])
    assert set(DEFAULT_RECOGNIZERS) <= set(RECOGNIZERS)


def test_the_rule_based_splitter_cuts_at_punctuation_and_line_breaks() -> None:
    text = "Shelling hit Aleppo. Was it heavy? Yes!\nHOMS\n\n  Residents fled (again.) Then"
    spans = RuleSentenceSplitter().split(text)
    assert [text[s:e] for s, e in spans] == [
        "Shelling hit Aleppo.",
        "Was it heavy?",
        "Yes!",
        "HOMS",
        "Residents fled (again.)",
        "Then",
    ]
    assert RuleSentenceSplitter().split("") == [] and RuleSentenceSplitter().split(" \n ") == []


def test_the_model_splitter_gives_the_parsed_sentences_as_offsets() -> None:
    text = "DAMASCUS\nShelling hit Aleppo on Monday. Residents fled to Idlib."
    tokens = tokens_from_doc(load_nlp()(text_for_model(text)))
    spans = DocSentences(tokens).split(text)
    assert [text[s:e].strip() for s, e in spans] == [
        "DAMASCUS",
        "Shelling hit Aleppo on Monday.",
        "Residents fled to Idlib.",
    ]
    with pytest.raises(ValueError, match="another text"):
        DocSentences(tokens).split(text[:10])


def test_finder_and_cue_are_typed_and_stored_as_before() -> None:
    stored = Mention(3, 11, "Ramouseh", finder="cue:neighbourhoods")
    assert stored.finder is Finder.CUE and stored.cue is Cue.NEIGHBOURHOODS
    assert stored.provenance == "cue:neighbourhoods"
    assert Mention(0, 5, "Homs", finder="gazetteer-match").provenance == "gazetteer-match"
    assert Mention(0, 5, "Homs").finder == "ner"  # a StrEnum equals its stored string
    with pytest.raises(ValueError):
        Mention(0, 5, "Homs", finder="cue:meadow")
    with pytest.raises(ValueError, match="cue word goes with finder 'cue' only"):
        Mention(0, 5, "Homs", finder=Finder.REPEAT, cue=Cue.ROAD)
    with pytest.raises(ValueError, match="cue word goes with finder 'cue' only"):
        Mention(0, 5, "Homs", finder=Finder.CUE)


def test_method_is_typed_and_every_online_service_is_stored_by_its_name() -> None:
    assert ResolvedMention(Mention(0, 4, "Homs"), None).method is Method.UNRESOLVED
    assert ResolvedMention(Mention(0, 4, "Homs"), None, method="override").method is Method.OVERRIDE
    with pytest.raises(ValueError):
        ResolvedMention(Mention(0, 4, "Homs"), None, method="guess")
    for service in ONLINE_BACKENDS:
        assert Method.of_service(service) == service  # the export's `resolution` column
    assert Method.of_service("gazetteer") is Method.ONLINE  # no service passes as offline
