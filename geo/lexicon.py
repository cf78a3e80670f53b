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
