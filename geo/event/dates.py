"""Date expressions in news sentences, resolved against the article's publication date.

News reports date events relative to the day they were written ("on Tuesday", "yesterday",
"over the weekend"), so most expressions only mean something with a publication date.
Without one, relative expressions and explicit dates lacking a year are dropped rather
than guessed: a wrong date on the map is worse than an undated event.

Every pattern is compiled once at import: this runs on every sentence of every article.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from geo import lexicon

PRECISIONS = ("day", "week", "month", "year")


@dataclass(frozen=True)
class DateMention:
    """A date expression found in a text. Offsets are characters of the text."""

    start: int
    end: int
    text: str
    value: date  # the day; for a week/month/year the value documented by its resolver
    precision: str  # one of PRECISIONS
    relative: bool  # True when the publication date was needed to resolve it


# --- vocabulary ---------------------------------------------------------------------------

# Month and weekday names and their abbreviations: geo/data/calendar.toml.
_MONTHS = lexicon.months()
_MONTH_ABBREVIATIONS = lexicon.month_abbreviations()
_MONTH_NUMBERS = {**_MONTHS, **_MONTH_ABBREVIATIONS}
_WEEKDAYS = lexicon.weekdays()
_WEEKDAY_ABBREVIATIONS = lexicon.weekday_abbreviations()
_COUNT_WORDS = lexicon.count_words()  # geo/data/numbers.toml


def _names(words, tail: str = "") -> str:
    # Title case and upper case only: lower-case "march" and "may" are a verb and a modal,
    # and the corpus capitalises month and weekday names.
    forms = sorted({f for w in words for f in (w.title(), w.upper())}, key=len, reverse=True)
    return "(?:" + "|".join(forms) + ")" + tail + r"\b"


_MONTH = _names(_MONTHS)
# Only an abbreviation takes a period: the full stop after "in September." ends the sentence.
_MONTH_ANY = rf"(?:{_MONTH}|{_names(_MONTH_ABBREVIATIONS)}\.?)"
# The corpus strips apostrophes: "Tuesdays attack" is "Tuesday's attack".
_WEEKDAY = _names(_WEEKDAYS, tail="s?")
_WEEKDAY_ANY = _names(_WEEKDAYS + _WEEKDAY_ABBREVIATIONS) + r"\.?"
_YEAR = r"(?:19\d\d|20\d\d|2100)"
# For other rules that read dates ("since March 2011" is background to a report).
MONTH_PATTERN, YEAR_PATTERN = _MONTH, _YEAR
_DAY = r"\d{1,2}(?:(?:st|nd|rd|th)\b)?"
# longest first: "a dozen" before "a"
_COUNT = (
    r"(?:\d{1,3}|" + "|".join(sorted(map(re.escape, _COUNT_WORDS), key=len, reverse=True)) + ")"
)
# Speed: the patterns below start on the word they cannot do without (a digit, a capitalised
# name), so the regex engine skips most positions; optional words in front ("Tuesday, 9
# November", "in May", "last Tuesday") are read back from the text by the resolvers.
_CAPITAL = "(?=[A-Z])"

_ISO_RE = re.compile(rf"(?<![\d.])(?P<y>{_YEAR})([-/.])(?P<m>\d{{1,2}})\2(?P<d>\d{{1,2}})(?!\d)")
_NUMERIC_RE = re.compile(
    rf"(?<![\d.])(?P<a>\d{{1,2}})([-/.])(?P<b>\d{{1,2}})\2(?P<y>{_YEAR})(?!\d)"
)
# "9 November", "9th of November 2016", "05 Apr 2017"; a "the" in front is read back.
_DAY_MONTH_RE = re.compile(
    rf"(?<![\d,.])\b(?P<d>{_DAY})\s+(?:of\s+)?(?P<m>{_MONTH_ANY})(?:,?\s+(?P<y>{_YEAR}))?(?!\d)"
)
# "November 9", "Nov. 9, 2016", "Mar 2 2016". The glued "Jul 152015" is how the corpus
# writes "Jul 15, 2015" once commas are stripped; only a two-digit day is read that way so
# that counts such as "March 52015" stay numbers.
_MONTH_DAY_RE = re.compile(
    rf"{_CAPITAL}(?P<m>{_MONTH_ANY})\s+(?P<d>{_DAY})"
    rf"(?:(?:,\s*|\s+)(?P<y>{_YEAR})|(?<=\d\d)(?P<y2>{_YEAR}))?(?!\d|,\d)"
)
_MONTH_YEAR_RE = re.compile(rf"{_CAPITAL}(?P<m>{_MONTH_ANY}),?\s+(?P<y>{_YEAR})(?!\d|,\d)")
# Abbreviations are not accepted bare: "Mar" is also a Syriac title ("Mar Elias").
_MONTH_ALONE_RE = re.compile(rf"{_CAPITAL}(?P<m>{_MONTH})")
# A bare month needs a word in front that makes it a time ("in May"): that keeps the modal
# ("May I") and the name out.
_MONTH_CUE_BEFORE_RE = re.compile(
    r"(?:\b(?i:in|since|during|until|till|through|throughout|from|by|before|after|of|early|late"
    r"|a|an|the"  # "a March ceasefire"
    r"|(?P<mod>last|this|next))\s+|\b(?i:mid)-)$"
)
_YEAR_ALONE_RE = re.compile(
    rf"\b(?i:in|since|during)\s+(?:(?i:early|late|mid)[-\s])?(?P<y>{_YEAR})(?!\d|,\d|s\b)"
)
_WEEKDAY_RE = re.compile(
    rf"{_CAPITAL}\b(?P<wd>{_WEEKDAY})(?:\s+(?i:night|morning|evening|afternoon))?"
)
_WEEKDAY_MOD_BEFORE_RE = re.compile(
    r"\b(?i:(?P<mod>last|next|this|early|late|earlier|later)(?:\s+on)?)\s+$"
)
# A weekday written in front of a full date belongs to that date, not to a second mention.
_WEEKDAY_BEFORE_RE = re.compile(rf"\b{_WEEKDAY_ANY},?\s+$")
_THE_BEFORE_RE = re.compile(r"\b(?i:the)\s+$")
_LOOKBACK = 16  # characters: enough for the longest word read back, "throughout "
_RELATIVE_DAY_RE = re.compile(
    r"(?i)\b(?:(?P<m2>the\s+day\s+before\s+yesterday)"
    r"|(?P<m1>yesterday(?:\s+(?:morning|afternoon|evening|night))?|last\s+night)"
    # The newspaper "USA Today" and the channel "Russia Today" are not dates.
    r"|(?P<p0>(?<!USA\s)(?<!Russia\s)today|tonight|this\s+(?:morning|afternoon|evening))"
    r"|(?P<p1>tomorrow))\b"
)
# "the last week of October" and "over the last year" are spans, not the week before.
_PERIOD_RE = re.compile(
    r"(?i)(?<!the\s)\b(?P<mod>last|this|next)\s+(?P<unit>week|month|year)\b(?!\s+of\b)"
)
_AGO_RE = re.compile(rf"(?i)\b(?P<n>{_COUNT})\s+(?P<unit>day|week|month|year)s?\s+ago\b")
_WEEKEND_RE = re.compile(
    r"(?i)\b(?:(?:(?:over|at|during|on|throughout)\s+)?the|this|last|past)\s+weekend\b"
)
# "in March 12 people died" once commas are stripped: "in" never introduces a day.
_IN_BEFORE_RE = re.compile(r"(?i)\bin\s+$")
# Dates that open or close a period date the period, not the event the sentence reports.
_BOUNDARY_BEFORE_RE = re.compile(r"(?i)\b(?:since|until|till)\s+(?:(?:early|late|mid)[-\s])?$")


# --- calendar helpers ---------------------------------------------------------------------


def _day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _latest_on_or_before(month: int, day: int, published: date) -> date | None:
    """The (month, day) nearest to, and not after, the publication date."""
    for year in range(published.year, published.year - 9, -1):  # 8 years covers any 29 Feb
        value = _day(year, month, day)
        if value is not None and value <= published:
            return value
    return None


def _shift_months(value: date, months: int) -> date:
    index = value.year * 12 + value.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _month_number(word: str) -> int:
    return _MONTH_NUMBERS[word.rstrip(".").lower()]


def _year_of(m: re.Match) -> int | None:
    year = m.group("y") or (m.groupdict().get("y2"))
    return int(year) if year else None


# --- resolvers: one per pattern; each returns a mention or None ---------------------------

_Resolver = Callable[[re.Match, str, date | None], DateMention | None]


def _mention(
    text: str, start: int, end: int, value: date, precision: str, relative: bool
) -> DateMention:
    return DateMention(start, end, text[start:end], value, precision, relative)


def _iso(m: re.Match, text: str, published: date | None) -> DateMention | None:
    value = _day(int(m["y"]), int(m["m"]), int(m["d"]))
    return None if value is None else _mention(text, m.start(), m.end(), value, "day", False)


def _numeric(m: re.Match, text: str, published: date | None) -> DateMention | None:
    a, b, year = int(m["a"]), int(m["b"]), int(m["y"])
    # Day first, then month first: without a publication date day-first wins, since the
    # sources are mostly Middle Eastern and European.
    candidates = [v for v in (_day(year, b, a), _day(year, a, b)) if v is not None]
    if not candidates:
        return None
    value = candidates[0]
    if published is not None and len(candidates) == 2:
        before = [v for v in candidates if v <= published]
        value = max(before) if before else min(candidates)
    return _mention(text, m.start(), m.end(), value, "day", False)


def _lead(pattern: re.Pattern[str], text: str, start: int) -> re.Match | None:
    """The words `pattern` finds right before `start`, if any."""
    return pattern.search(text, max(0, start - _LOOKBACK), start)


def _explicit_day(m: re.Match, text: str, published: date | None) -> DateMention | None:
    month, day, year = _month_number(m["m"]), int(m["d"].rstrip("stndrh")), _year_of(m)
    start = m.start()
    if m.re is _DAY_MONTH_RE and (the := _lead(_THE_BEFORE_RE, text, start)):
        start = the.start()
    weekday = _lead(_WEEKDAY_BEFORE_RE, text, start)
    if weekday:
        start = weekday.start()
    if year is not None:
        value = _day(year, month, day)
        return None if value is None else _mention(text, start, m.end(), value, "day", False)
    if m.re is _MONTH_DAY_RE and not weekday and _lead(_IN_BEFORE_RE, text, start):
        return _month_alone_value(text, m.start("m"), m.end("m"), month, None, published)
    if published is None:
        return None
    value = _latest_on_or_before(month, day, published)
    return None if value is None else _mention(text, start, m.end(), value, "day", True)


def _month_year(m: re.Match, text: str, published: date | None) -> DateMention | None:
    value = date(int(m["y"]), _month_number(m["m"]), 1)
    return _mention(text, m.start(), m.end(), value, "month", False)


def _month_alone_value(
    text: str, start: int, end: int, month: int, mod: str | None, published: date | None
) -> DateMention | None:
    if published is None:
        return None
    year = published.year
    if mod == "last":  # "last September" in September means a year ago
        year -= 1 if month >= published.month else 0
    elif mod == "next":
        year += 1 if month <= published.month else 0
    elif mod != "this" and month > published.month:
        year -= 1
    return _mention(text, start, end, date(year, month, 1), "month", True)


def _month_alone(m: re.Match, text: str, published: date | None) -> DateMention | None:
    cue = _lead(_MONTH_CUE_BEFORE_RE, text, m.start())
    if cue is None:
        return None
    mod = cue["mod"].lower() if cue["mod"] else None
    start = cue.start() if mod else m.start()
    return _month_alone_value(text, start, m.end(), _month_number(m["m"]), mod, published)


def _year_alone(m: re.Match, text: str, published: date | None) -> DateMention | None:
    return _mention(text, m.start("y"), m.end("y"), date(int(m["y"]), 1, 1), "year", False)


def _weekday(m: re.Match, text: str, published: date | None) -> DateMention | None:
    if published is None:
        return None
    weekday = _WEEKDAYS.index(m["wd"].lower().removesuffix("s"))
    lead = _lead(_WEEKDAY_MOD_BEFORE_RE, text, m.start())
    mod = lead["mod"].lower() if lead else ""
    if mod == "next":
        value = published + timedelta(days=(weekday - published.weekday()) % 7 or 7)
    else:
        back = (published.weekday() - weekday) % 7
        if mod == "last" and back == 0:  # "last Thursday" written on a Thursday
            back = 7
        value = published - timedelta(days=back)
    return _mention(text, lead.start() if lead else m.start(), m.end(), value, "day", True)


def _relative_day(m: re.Match, text: str, published: date | None) -> DateMention | None:
    if published is None:
        return None
    offset = {"m2": -2, "m1": -1, "p0": 0, "p1": 1}[m.lastgroup]
    return _mention(text, m.start(), m.end(), published + timedelta(days=offset), "day", True)


def _period(m: re.Match, text: str, published: date | None) -> DateMention | None:
    if published is None:
        return None
    step = {"last": -1, "this": 0, "next": 1}[m["mod"].lower()]
    unit = m["unit"].lower()
    if unit == "week":  # the spec dates "last week" a week back, not to its Monday
        value = published + timedelta(days=7 * step)
    elif unit == "month":
        value = _shift_months(published, step)
    else:
        value = date(published.year + step, 1, 1)
    return _mention(text, m.start(), m.end(), value, unit, True)


def _ago(m: re.Match, text: str, published: date | None) -> DateMention | None:
    if published is None:
        return None
    word = " ".join(m["n"].lower().split())
    n = int(word) if word.isdigit() else _COUNT_WORDS[word]
    unit = m["unit"].lower()
    if unit == "year":
        year = published.year - n
        value = _day(year, published.month, published.day) or date(year, published.month, 28)
    else:
        value = published - timedelta(days=n * {"day": 1, "week": 7, "month": 30}[unit])
    return _mention(text, m.start(), m.end(), value, unit, True)


def _weekend(m: re.Match, text: str, published: date | None) -> DateMention | None:
    # A weekend has precision "week" (there is no weekend precision); its value is the
    # Saturday of the latest Saturday-Sunday on or before publication.
    if published is None:
        return None
    saturday = published - timedelta(days=(published.weekday() - 5) % 7)
    return _mention(text, m.start(), m.end(), saturday, "week", True)


# Each pattern with the words (lower case) one of which a text must contain for the pattern
# to be worth running: a substring test is far cheaper than a case-insensitive scan.
_PATTERNS: tuple[tuple[re.Pattern[str], _Resolver, tuple[str, ...]], ...] = (
    (_ISO_RE, _iso, ()),
    (_NUMERIC_RE, _numeric, ()),
    (_DAY_MONTH_RE, _explicit_day, ()),
    (_MONTH_DAY_RE, _explicit_day, ()),
    (_MONTH_YEAR_RE, _month_year, ()),
    (_MONTH_ALONE_RE, _month_alone, ()),
    (_YEAR_ALONE_RE, _year_alone, ()),
    (_WEEKDAY_RE, _weekday, ()),
    (_RELATIVE_DAY_RE, _relative_day, ("today", "night", "yesterday", "tomorrow", "this")),
    (_PERIOD_RE, _period, ("last", "this", "next")),
    (_AGO_RE, _ago, ("ago",)),
    (_WEEKEND_RE, _weekend, ("weekend",)),
)


# --- public API ---------------------------------------------------------------------------


def find_dates(text: str, published: date | None) -> list[DateMention]:
    """All date expressions of `text` that can be resolved, in order of appearance.

    Relative expressions and dates without a year need `published`; without it they are
    left out. Where two expressions overlap, the one starting first wins, then the longer.
    """
    if isinstance(published, datetime):
        published = published.date()
    found: list[DateMention] = []
    lower = text.lower()
    for pattern, resolve, keys in _PATTERNS:
        if keys and not any(key in lower for key in keys):
            continue
        for m in pattern.finditer(text):
            mention = resolve(m, text, published)
            if mention is not None:
                found.append(mention)
    found.sort(key=lambda x: (x.start, x.start - x.end))
    chosen: list[DateMention] = []
    for mention in found:
        if not chosen or mention.start >= chosen[-1].end:
            chosen.append(mention)
    return chosen


_PRECISION_RANK = {p: i for i, p in enumerate(PRECISIONS)}
# A photo credit in brackets ("(AFP photo)", "(File Photo)", "(Photo AP)") closes a picture's
# caption, which scraped pages run into the text beside it: the caption dates the picture
# (a file photo may be years old), not what the article reports.
_PHOTO_CREDIT_RE = re.compile(r"\((?:[\w.-]+\s+){0,3}[Pp]hoto(?:\s+[\w.-]+){0,3}\)")


def sentence_date(sentence: str, published: date | None) -> DateMention | None:
    """The mention that dates what the sentence reports, or None.

    The sharpest wins (a weekday or explicit day before a weekend, month or year), then
    the first. A date opening or closing a period ("since March 2011") is background to
    the report, so it is taken only when there is nothing else. A date in a photo caption
    (the words up to a bracketed photo credit) dates the picture and is left out.
    """
    best: tuple[int, int, int] | None = None
    chosen = None
    credit = _PHOTO_CREDIT_RE.search(sentence)
    caption_end = credit.end() if credit else 0
    for mention in find_dates(sentence, published):
        if mention.start < caption_end:
            continue  # the picture's date
        boundary = 1 if _lead(_BOUNDARY_BEFORE_RE, sentence, mention.start) else 0
        key = (boundary, _PRECISION_RANK[mention.precision], mention.start)
        if best is None or key < best:
            best, chosen = key, mention
    return chosen


_HEAD_CHARS = 300


def find_publication_date(text: str) -> DateMention | None:
    """A full date (day, month and year) stated at the head of an article, or None.

    Only the first ~300 characters are read: a date further down dates something else.
    """
    # A little slack so that a date starting just before the limit is read whole.
    for mention in find_dates(text[: _HEAD_CHARS + 40], None):
        if mention.start >= _HEAD_CHARS:
            break
        if mention.precision == "day":
            return mention
    return None
