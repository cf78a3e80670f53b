"""The project's word lists and rules as data: files under geo/data/, one copy of each,
each with its source written at its head. Loaded once, on first use.

Three formats, each read by one cached loader:
- a word list (`words`): one entry a line;
- a table (`table`): tab-separated rows, the first field the key;
- a mapping (`mapping`): TOML, for entries with several fields (event types, sources).
In all of them a line starting with "#" is a comment and blank lines are skipped.

On top of the loaders, the few rules several stages share: the calendar's names and the
article at the head of a transliterated Arabic name.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).with_name("data")


class LexiconError(ValueError):
    """A data file of geo/data is malformed; the message names the file and line."""


def data_path(name: str) -> Path:
    """The path of a data file shipped in geo/data/."""
    return DATA_DIR / name


def _lines(name: str) -> list[tuple[int, str]]:
    path = data_path(name)
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip() and not line.lstrip().startswith("#"):
            out.append((number, line))
    return out


@cache
def words(name: str) -> tuple[str, ...]:
    """The entries of a word list, in file order, surrounding spaces removed."""
    return tuple(line.strip() for _, line in _lines(name))


@cache
def table(name: str, columns: int | None = None) -> tuple[tuple[str, ...], ...]:
    """The rows of a tab-separated table, each a tuple of stripped fields. With `columns`,
    a row of another width is an error naming the file and line."""
    rows = []
    for number, line in _lines(name):
        fields = tuple(f.strip() for f in line.split("\t"))
        if columns is not None and len(fields) != columns:
            raise LexiconError(
                f"{data_path(name)}:{number}: {len(fields)} fields, expected {columns}"
            )
        rows.append(fields)
    return tuple(rows)


@cache
def mapping(name: str) -> dict[str, Any]:
    """A TOML file as a dict (callers must not change it: it is shared)."""
    path = data_path(name)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise LexiconError(f"{path}: {exc}") from exc


def alternation(patterns: tuple[str, ...] | list[str]) -> str:
    """One non-capturing group matching any of `patterns` (regular expressions)."""
    return "(?:" + "|".join(patterns) + ")"


# --- the calendar ---------------------------------------------------------------------------


@cache
def months() -> dict[str, int]:
    """Lower-case English month name -> its number (geo/data/calendar.toml)."""
    return {name: n for n, name in enumerate(mapping("calendar.toml")["months"], start=1)}


@cache
def month_abbreviations() -> dict[str, int]:
    """Lower-case abbreviation ("sept") -> month number."""
    table_ = mapping("calendar.toml")["month_abbreviations"]
    return {abbr: months()[month] for month, forms in table_.items() for abbr in forms}


@cache
def weekdays() -> tuple[str, ...]:
    """Lower-case weekday names, Monday first (the order of date.weekday())."""
    return tuple(mapping("calendar.toml")["weekdays"])


@cache
def weekday_abbreviations() -> tuple[str, ...]:
    return tuple(mapping("calendar.toml")["weekday_abbreviations"])


@cache
def holidays() -> tuple[str, ...]:
    """Feasts and seasons written capitalised like a name ("Easter", "Ramadan")."""
    return tuple(mapping("calendar.toml")["holidays"])


@cache
def calendar_words() -> frozenset[str]:
    """Every lower-case month and weekday name with their abbreviations."""
    return frozenset([*months(), *month_abbreviations(), *weekdays(), *weekday_abbreviations()])


# --- number words ------------------------------------------------------------------------------


@cache
def number_words() -> dict[str, int]:
    """Lower-case number words and phrases of counts -> their value ("three" -> 3, "a dozen"
    -> 12; geo/data/numbers.toml)."""
    return dict(mapping("numbers.toml")["cardinals"])


@cache
def count_words() -> dict[str, int]:
    """`number_words` and the indefinite article as one ("a week ago")."""
    return {**mapping("numbers.toml")["indefinite"], **number_words()}


@cache
def multitude_words() -> tuple[str, ...]:
    """Counts without a value ("dozens", "hundreds")."""
    return tuple(mapping("numbers.toml")["multitudes"]["words"])


# --- the article of transliterated Arabic names ----------------------------------------------


@cache
def article_prefixes() -> tuple[str, ...]:
    """Transliterations of the Arabic article (geo/data/article_prefixes.txt), longest
    first so that an alternation tries "ash" before "as"."""
    return tuple(sorted(words("article_prefixes.txt"), key=len, reverse=True))


def article_prefix_pattern(separator: str = "[- ]") -> str:
    """A regular expression (no anchor) for a lower-case article and the separator after it:
    "al-", "el ", "ash-"."""
    return alternation(article_prefixes()) + separator


@cache
def _article_at_start(separator: str) -> re.Pattern[str]:
    return re.compile("^" + article_prefix_pattern(separator) + r"(?=\S)")


def strip_article_prefix(name: str, separator: str = "[- ]") -> str:
    """`name` without the Arabic article at its head: "al-Bab" -> "Bab", "al bab" -> "bab",
    "ash-Shaddadi" -> "Shaddadi". The article is matched in lower case, as it is written
    before a capitalised name and as normalised names are; "Al-Bab" (capitalised, at the
    head of a sentence or a name) is returned unchanged, as is an article that is the
    whole name ("al-")."""
    return _article_at_start(separator).sub("", name, count=1)


class TriggerSearch:
    """Named word patterns searched as one alternation, `(?P<name>pattern)|...`, with
    `finditer`'s answers, much faster.

    Python's regular expressions try every alternative at every position: with a few
    hundred trigger words each sentence costs a third of a millisecond, most of it on words
    no trigger can start with. Here each pattern is split into its top-level alternatives,
    and every word start is tried only against the alternatives that can begin with its
    first character, in their order (an alternation takes the first alternative that matches
    at a position, so the others cannot change the answer). Patterns must begin at a word
    boundary (`\\b`), as word triggers do; one whose start cannot be told is always tried.
    """

    def __init__(self, patterns: dict[str, str], flags: int = 0):
        self.flags = flags
        self.whole = re.compile("|".join(f"(?P<{n}>{p})" for n, p in patterns.items()), flags)
        parts: list[tuple[str, str, str, str, frozenset[str] | None]] = []
        for name, pattern in patterns.items():
            head, alternatives, tail = _split_alternatives(pattern)
            for alternative in alternatives:
                starts = _first_characters(head + alternative, flags)
                parts.append((name, head, alternative, tail, starts))
        self._by_character: dict[str, re.Pattern[str]] = {}
        self._parts = parts
        self._characters = frozenset().union(*(p[4] for p in parts if p[4] is not None))
        at_word_start = all(head == r"\b" for _, head, _, _, _ in parts)
        if any(p[4] is None for p in parts) or not self._characters:
            self._starts = re.compile(r"\b" if at_word_start else r"(?s:.)")
        else:
            characters = "[" + re.escape("".join(sorted(self._characters))) + "]"
            self._starts = re.compile((r"\b" if at_word_start else "") + characters, flags)

    def _pattern_for(self, character: str) -> re.Pattern[str]:
        found = self._by_character.get(character)
        if found is None:
            groups: dict[str, list[tuple[str, str, str]]] = {}
            for name, head, alternative, tail, starts in self._parts:
                if starts is None or character in starts:
                    groups.setdefault(name, []).append((head, alternative, tail))
            found = re.compile(
                "|".join(
                    f"(?P<{name}>{items[0][0]}(?:{'|'.join(a for _, a, _ in items)}){items[0][2]})"
                    for name, items in groups.items()
                )
                or r"(?!)",
                self.flags,
            )
            self._by_character[character] = found
        return found

    def finditer(self, text: str):
        """The matches `self.whole.finditer(text)` gives (as match objects of sub-patterns:
        read `lastgroup`, `start()`, `end()`, `group()`)."""
        position = 0
        for candidate in self._starts.finditer(text):
            start = candidate.start()
            if start < position or start >= len(text):
                continue
            character = text[start]
            if self.flags & re.IGNORECASE:
                character = character.lower()
            if character in self._characters:
                match = self._pattern_for(character).match(text, start)
            else:  # a letter case-folding may match in ways not worked out here ("ſ" ~ "s")
                match = self.whole.match(text, start)
            if match is None:
                continue
            position = match.end() if match.end() > start else start + 1
            yield match


def _split_alternatives(pattern: str) -> tuple[str, list[str], str]:
    """`\\b(?:a|b|c)\\b` -> ("\\b", ["a", "b", "c"], "\\b"); any other shape ->
    ("", [pattern], "")."""
    found = re.fullmatch(r"(\\b)\(\?:(.*)\)(\\b)", pattern, re.DOTALL)
    if not found:
        return "", [pattern], ""
    inner, alternatives, current, depth, i = found.group(2), [], "", 0, 0
    while i < len(inner):
        character = inner[i]
        if character == "\\":
            current += inner[i : i + 2]
            i += 2
            continue
        if character == "[" and depth >= 0:  # a class: copied to its end
            end = i + 1
            if end < len(inner) and inner[end] == "^":
                end += 1
            if end < len(inner) and inner[end] == "]":
                end += 1
            while end < len(inner) and inner[end] != "]":
                end += 2 if inner[end] == "\\" else 1
            current += inner[i : end + 1]
            i = end + 1
            continue
        if character == "(":
            depth += 1
        elif character == ")":
            depth -= 1
            if depth < 0:  # not one group after all: "(?:a)|(?:b)"
                return "", [pattern], ""
        if character == "|" and depth == 0:
            alternatives.append(current)
            current = ""
        else:
            current += character
        i += 1
    alternatives.append(current)
    return found.group(1), alternatives, found.group(3)


def _first_characters(pattern: str, flags: int) -> frozenset[str] | None:
    """The characters a match of `pattern` can start with (lower case when the flags ignore
    case), or None when that cannot be told."""
    import re._constants as sre
    import re._parser as sre_parse

    def first(items) -> set[str] | None:
        out: set[str] = set()
        for op, av in items:
            if op is sre.AT:  # \b, ^: zero width
                continue
            if op in (sre.ASSERT, sre.ASSERT_NOT) and av[0] < 0:  # a look-behind
                continue
            if op is sre.LITERAL:
                return out | {chr(av)}
            if op is sre.IN:
                for kind, value in av:
                    if kind is sre.LITERAL:
                        out.add(chr(value))
                    elif kind is sre.RANGE:
                        out.update(chr(c) for c in range(value[0], value[1] + 1))
                    elif kind is sre.CATEGORY and value is sre.CATEGORY_DIGIT:
                        out.update("0123456789")
                    else:
                        return None
                return out
            if op is sre.BRANCH:
                for branch in av[1]:
                    found = first(branch)
                    if found is None or not found:
                        return None
                    out |= found
                return out
            if op is sre.SUBPATTERN:
                found = first(av[3])
                return None if not found else out | found
            if op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
                found = first(av[2])
                if not found:
                    return None
                out |= found
                if av[0] == 0:  # optional: what follows may start the match
                    continue
                return out
            return None
        return None  # could match the empty string

    try:
        found = first(sre_parse.parse(pattern, flags))
    except re.error:
        return None
    if not found:
        return None
    if flags & re.IGNORECASE:
        return frozenset({c.lower() for c in found} | {c.upper().lower() for c in found})
    return frozenset(found)


@cache
def is_common_word(name: str) -> bool:
    """Every word of the name is an ordinary English word (its Zipf frequency in
    wordfreq's English lists at least place_evidence.toml's `common_word_zipf`): "Western",
    "Battle", "Old City"."""
    from wordfreq import zipf_frequency

    if "." in name:
        return False  # an abbreviation ("L.A.", "S.E. Paris")
    threshold = float(mapping("place_evidence.toml")["common_word_zipf"])
    words = re.findall(r"[^\W\d_]+", name.lower())
    return bool(words) and all(zipf_frequency(w, "en") >= threshold for w in words)
