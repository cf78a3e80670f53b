"""What recognition reads of an NLP model's analysis, as plain data.

The recognisers of geo/place/recognize.py read tokens, their fine-grained tags, entities
and sentences from a `Tokens`, never from spaCy objects: `tokens_from_doc` is the one
adapter that reads a spaCy `Doc`, so a second model needs only an adapter of its own.
Texts of tokens and entities are those the model saw (geo/place/toponyms.py
`text_for_model`), offsets are offsets of the article's text.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Token:
    i: int  # index in the document
    idx: int  # character offset
    text: str
    lower: str
    tag: str  # the tagger's fine-grained tag ("NNP"), "" when none
    is_alpha: bool
    ent_type: str  # the label of the entity it is part of, "" when none


@dataclass(frozen=True, slots=True)
class Entity:
    start: int  # first token's index
    end: int  # index after the last token
    start_char: int
    end_char: int
    label: str  # "GPE", "PERSON", ...
    text: str


@dataclass(frozen=True)
class Tokens:
    """A document's tokens, named entities and sentences ((start, end) character offsets)."""

    tokens: tuple[Token, ...] = ()
    entities: tuple[Entity, ...] = ()
    sentences: tuple[tuple[int, int], ...] = ()

    def of(self, entity: Entity) -> tuple[Token, ...]:
        """The tokens of an entity."""
        return self.tokens[entity.start : entity.end]


def tokens_from_doc(doc) -> Tokens:
    """The adapter for a spaCy `Doc` (the one place recognition reads spaCy's objects).

    The tokens' attributes are read as one array and their strings looked up once each,
    not through a spaCy `Token` object per token (a third faster; every article pays it).
    """
    from spacy.attrs import ENT_TYPE, IDX, IS_ALPHA, LOWER, ORTH, TAG

    strings = doc.vocab.strings
    seen: dict[int, str] = {0: ""}

    def string(key: int) -> str:
        found = seen.get(key)
        if found is None:
            found = seen[key] = strings[key]
        return found

    rows = doc.to_array([IDX, ORTH, LOWER, TAG, IS_ALPHA, ENT_TYPE]).tolist() if len(doc) else []
    tokens = tuple(
        Token(i, idx, string(orth), string(lower), string(tag), bool(alpha), string(ent))
        for i, (idx, orth, lower, tag, alpha, ent) in enumerate(rows)
    )
    entities = tuple(
        Entity(e.start, e.end, e.start_char, e.end_char, e.label_, e.text) for e in doc.ents
    )
    sentences = tuple((s.start_char, s.end_char) for s in doc.sents) if len(doc) else ()
    return Tokens(tokens, entities, sentences)
