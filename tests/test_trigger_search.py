"""`lexicon.TriggerSearch`: the event triggers' alternation searched word start by word
start gives exactly the matches of the plain alternation (invented sentences)."""

from __future__ import annotations

import re

from geo import lexicon
from geo.event import events

SENTENCES = [
    "Warplanes STRUCK the market of Northville at dawn; 12 civilians were killed.",
    "A general strike closed the port, and a hunger strike entered its tenth day.",
    "Police said the house fire in Eastbrook was set on purpose; two were arrested.",
    "The court ruled that the council had recaptured nothing; rebels regained control.",
    "Three new cases of the virus were confirmed, and the strain has been detected.",
    "ſhelling and Shelling: case folding beyond ASCII; İstanbul; ﬁre.",
    "",
    "no trigger word at all in this line",
]


def _spans(matches):
    return [(m.lastgroup, m.start(), m.end(), m.group()) for m in matches]


def test_the_event_triggers_match_as_the_whole_alternation_does() -> None:
    search = events._ANY_TRIGGER
    for sentence in SENTENCES:
        assert _spans(search.finditer(sentence)) == _spans(search.whole.finditer(sentence))
    assert _spans(search.finditer(SENTENCES[0]))  # the test can fail: there are matches


def test_patterns_of_other_shapes_are_still_found() -> None:
    patterns = {
        "word": r"\b(?:air ?strikes?|(?<!on )strikes?|\d+ dead)\b",
        "inside": r"(?:fire)",  # no word boundary: matches inside words
        "open": r"\b\w+quake\b",  # a start that cannot be told: tried everywhere
    }
    search = lexicon.TriggerSearch(patterns, re.IGNORECASE)
    text = "Airstrikes and a campfire; an earthquake, 4 dead; a strike, on strike."
    assert _spans(search.finditer(text)) == _spans(search.whole.finditer(text))
    assert {m.lastgroup for m in search.finditer(text)} == {"word", "inside", "open"}
