"""Sentence splitters: `split(text) -> list[(start, end)]`, character offsets in `text`.

Events (geo/event/events.py) take their sentences as these offsets, whoever split them:
- `DocSentences`: the sentences of a document an NLP model already parsed (spaCy's
  `senter`, with a line break ending a sentence; see geo/place/toponyms.py `load_nlp`);
- `RuleSentenceSplitter`: no model, a full stop, "!" or "?" followed by a space, or a
  line break, ends a sentence.
"""

from __future__ import annotations

import re
from typing import Protocol

from geo.place.tokens import Tokens


class SentenceSplitter(Protocol):
    def split(self, text: str) -> list[tuple[int, int]]: ...


class DocSentences:
    """The sentences of a text the model already parsed (`Tokens.sentences`)."""

    def __init__(self, tokens: Tokens):
        self._sentences = list(tokens.sentences)

    def split(self, text: str) -> list[tuple[int, int]]:
        end = self._sentences[-1][1] if self._sentences else 0
        if end > len(text):
            raise ValueError(
                f"the parsed document ends at character {end}, the text at {len(text)}: "
                "the sentences are of another text"
            )
        return list(self._sentences)


# A sentence ends after ".", "!" or "?" (and any closing quote or bracket) before a space,
# or at a line break. Abbreviations ("U.S. troops") do split here: the rule is simple on
# purpose; the model's splitter knows better.
_SENTENCE_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s)|\n")


class RuleSentenceSplitter:
    """Sentences by punctuation and line breaks, without a model. Each sentence starts at
    its first non-space character and ends after its punctuation; empty ones are left
    out."""

    def split(self, text: str) -> list[tuple[int, int]]:
        spans = []
        start = 0
        for match in _SENTENCE_END.finditer(text):
            end = match.end() if match.group() != "\n" else match.start()
            spans.append((start, end))
            start = match.end()
        spans.append((start, len(text)))
        out = []
        for start, end in spans:
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if end > start:
                out.append((start, end))
        return out
