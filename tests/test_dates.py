"""Date expressions resolved against the publication date (geo.event.dates)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from geo.event.dates import DateMention, find_dates, find_publication_date, sentence_date

WED_2016_11_09 = date(2016, 11, 9)
THU_2016_09_08 = date(2016, 9, 8)


def _only(text: str, published: date | None) -> DateMention:
    found = find_dates(text, published)
    assert len(found) == 1, found
    return found[0]


def _summary(mentions: list[DateMention]) -> list[tuple[str, str, str]]:
    return [(m.text, m.value.isoformat(), m.precision) for m in mentions]


# --- golden cases (invented sentences) ---------------------------------------------------

GOLDEN = [
    (
        "An army officer who gave no name told the agency that troops regained full control "
        "of the 1070 Towers district and of the orchards around it on Tuesday.",
        WED_2016_11_09,
        "2016-11-08",
        "day",
        True,
    ),
    (
        "Syrian government forces captured new ground on the edge of Aleppo on Thursday, "
        "tightening the siege.",
        THU_2016_09_08,
        "2016-09-08",
        "day",
        True,
    ),
    (
        "The latest push came after pro-government troops recaptured several military "
        "academies over the weekend that they had lost in attacks by insurgents a month ago.",
        THU_2016_09_08,
        "2016-09-03",
        "week",
        True,
    ),
    (
        "A suspected chlorine gas attack hit the same rebel-held neighbourhood on Tuesday, "
        "causing dozens to suffocate.",
        THU_2016_09_08,
        "2016-09-06",
        "day",
        True,
    ),
    (
        "Amateur videos published online on Wednesday appeared to show the aftermath.",
        THU_2016_09_08,
        "2016-09-07",
        "day",
        True,
    ),
    (
        "Since March 2011, Syria has been hit by militancy it blames on some Western countries.",
        THU_2016_09_08,
        "2011-03-01",
        "month",
        False,
    ),
    (
        "Backed by Russian air cover, the Syrian army launched operations to reunite Aleppo "
        "in September.",
        WED_2016_11_09,
        "2016-09-01",
        "month",
        True,
    ),
]


@pytest.mark.parametrize(("sentence", "published", "value", "precision", "relative"), GOLDEN)
def test_golden_sentence_dates(sentence, published, value, precision, relative):
    got = sentence_date(sentence, published)
    assert got is not None
    assert (got.value.isoformat(), got.precision, got.relative) == (value, precision, relative)
    assert sentence[got.start : got.end] == got.text


def test_golden_month_ago_is_a_relative_month():
    found = find_dates(GOLDEN[2][0], THU_2016_09_08)
    assert [(m.text, m.precision, m.relative) for m in found] == [
        ("over the weekend", "week", True),
        ("a month ago", "month", True),
    ]
    assert found[1].value == date(2016, 8, 9)


# --- weekdays -----------------------------------------------------------------------------

WEEKDAYS = [
    # published Wednesday 2016-11-09
    ("on Tuesday", WED_2016_11_09, "Tuesday", "2016-11-08"),
    ("on Wednesday", WED_2016_11_09, "Wednesday", "2016-11-09"),
    ("on Thursday", WED_2016_11_09, "Thursday", "2016-11-03"),
    ("on Sunday", WED_2016_11_09, "Sunday", "2016-11-06"),
    ("last Tuesday", WED_2016_11_09, "last Tuesday", "2016-11-08"),
    ("last Wednesday", WED_2016_11_09, "last Wednesday", "2016-11-02"),
    ("Last Monday", WED_2016_11_09, "Last Monday", "2016-11-07"),
    ("next Wednesday", WED_2016_11_09, "next Wednesday", "2016-11-16"),
    ("next Friday", WED_2016_11_09, "next Friday", "2016-11-11"),
    ("Tuesday night", WED_2016_11_09, "Tuesday night", "2016-11-08"),
    ("on Monday morning", WED_2016_11_09, "Monday morning", "2016-11-07"),
    ("Sunday evening", WED_2016_11_09, "Sunday evening", "2016-11-06"),
    ("early Tuesday", WED_2016_11_09, "early Tuesday", "2016-11-08"),
    ("late on Tuesday", WED_2016_11_09, "late on Tuesday", "2016-11-08"),
    ("Late on Saturday", WED_2016_11_09, "Late on Saturday", "2016-11-05"),
    ("a monitor said Sunday", WED_2016_11_09, "Sunday", "2016-11-06"),
    ("Tuesday's attack", WED_2016_11_09, "Tuesday", "2016-11-08"),
    # the corpus strips apostrophes
    ("Tuesdays attack", WED_2016_11_09, "Tuesdays", "2016-11-08"),
    ("ON TUESDAY", WED_2016_11_09, "TUESDAY", "2016-11-08"),
    # published Thursday 2016-09-08
    ("on Thursday", THU_2016_09_08, "Thursday", "2016-09-08"),
    ("last Thursday", THU_2016_09_08, "last Thursday", "2016-09-01"),
    ("on Friday", THU_2016_09_08, "Friday", "2016-09-02"),
]


@pytest.mark.parametrize(("text", "published", "span", "value"), WEEKDAYS)
def test_weekdays(text, published, span, value):
    got = _only(text, published)
    assert (got.text, got.value.isoformat(), got.precision, got.relative) == (
        span,
        value,
        "day",
        True,
    )


# --- days relative to publication ---------------------------------------------------------

RELATIVE_DAYS = [
    ("today", "2016-11-09"),
    ("Today", "2016-11-09"),
    ("tonight", "2016-11-09"),
    ("this morning", "2016-11-09"),
    ("this evening", "2016-11-09"),
    ("yesterday", "2016-11-08"),
    ("Yesterday morning", "2016-11-08"),
    ("last night", "2016-11-08"),
    ("the day before yesterday", "2016-11-07"),
    ("tomorrow", "2016-11-10"),
]


@pytest.mark.parametrize(("text", "value"), RELATIVE_DAYS)
def test_relative_days(text, value):
    got = _only(f"Clashes were reported {text} in the city.", WED_2016_11_09)
    assert (got.text, got.value.isoformat(), got.precision, got.relative) == (
        text,
        value,
        "day",
        True,
    )


# --- weekends: precision "week", value the Saturday ---------------------------------------

WEEKENDS = [
    ("over the weekend", THU_2016_09_08, "2016-09-03"),
    ("at the weekend", THU_2016_09_08, "2016-09-03"),
    ("this weekend", THU_2016_09_08, "2016-09-03"),
    ("last weekend", THU_2016_09_08, "2016-09-03"),
    ("during the weekend", WED_2016_11_09, "2016-11-05"),
    ("over the weekend", date(2016, 9, 4), "2016-09-03"),  # a Sunday: its own weekend
    ("over the weekend", date(2016, 9, 3), "2016-09-03"),  # a Saturday: that Saturday
    ("over the weekend", date(2016, 9, 5), "2016-09-03"),  # a Monday
    ("over the weekend", date(2016, 9, 2), "2016-08-27"),  # a Friday: the one before
]


@pytest.mark.parametrize(("text", "published", "value"), WEEKENDS)
def test_weekends(text, published, value):
    got = _only(f"Troops advanced {text}.", published)
    assert (got.text, got.value.isoformat(), got.precision, got.relative) == (
        text,
        value,
        "week",
        True,
    )


# --- weeks, months, years back ------------------------------------------------------------

PERIODS = [
    ("last week", WED_2016_11_09, "2016-11-02", "week"),
    ("this week", WED_2016_11_09, "2016-11-09", "week"),
    ("last month", WED_2016_11_09, "2016-10-01", "month"),
    ("last month", date(2017, 1, 15), "2016-12-01", "month"),
    ("this month", WED_2016_11_09, "2016-11-01", "month"),
    ("next month", date(2016, 12, 9), "2017-01-01", "month"),
    ("last year", WED_2016_11_09, "2015-01-01", "year"),
    ("this year", WED_2016_11_09, "2016-01-01", "year"),
    ("a month ago", THU_2016_09_08, "2016-08-09", "month"),
    ("two months ago", THU_2016_09_08, "2016-07-10", "month"),
    ("3 days ago", WED_2016_11_09, "2016-11-06", "day"),
    ("three days ago", WED_2016_11_09, "2016-11-06", "day"),
    ("twelve days ago", WED_2016_11_09, "2016-10-28", "day"),
    ("a day ago", WED_2016_11_09, "2016-11-08", "day"),
    ("a week ago", WED_2016_11_09, "2016-11-02", "week"),
    ("two weeks ago", WED_2016_11_09, "2016-10-26", "week"),
    ("a year ago", WED_2016_11_09, "2015-11-09", "year"),
    ("a year ago", date(2016, 2, 29), "2015-02-28", "year"),
]


@pytest.mark.parametrize(("text", "published", "value", "precision"), PERIODS)
def test_periods(text, published, value, precision):
    got = _only(f"The town fell {text}.", published)
    assert (got.text, got.value.isoformat(), got.precision, got.relative) == (
        text,
        value,
        precision,
        True,
    )


# --- explicit dates -----------------------------------------------------------------------

EXPLICIT = [
    # (text, published, span, value, relative)
    ("on November 9 the army", WED_2016_11_09, "November 9", "2016-11-09", True),
    ("on 9 November the army", WED_2016_11_09, "9 November", "2016-11-09", True),
    ("on Nov. 9 the army", WED_2016_11_09, "Nov. 9", "2016-11-09", True),
    ("on Nov 8th", WED_2016_11_09, "Nov 8th", "2016-11-08", True),
    ("on the 9th of November", WED_2016_11_09, "the 9th of November", "2016-11-09", True),
    ("on November 10", WED_2016_11_09, "November 10", "2015-11-10", True),
    ("on December 30", date(2016, 1, 3), "December 30", "2015-12-30", True),
    ("on January 2", date(2016, 1, 3), "January 2", "2016-01-02", True),
    ("on February 29", date(2017, 3, 1), "February 29", "2016-02-29", True),
    ("on November 9, 2016", None, "November 9, 2016", "2016-11-09", False),
    ("on November 9 2016", None, "November 9 2016", "2016-11-09", False),
    ("on 9 Nov 2016", None, "9 Nov 2016", "2016-11-09", False),
    ("on 1st of May 2015", None, "1st of May 2015", "2015-05-01", False),
    ("on Sept. 5, 2016", None, "Sept. 5, 2016", "2016-09-05", False),
    ("on 2016-11-09", None, "2016-11-09", "2016-11-09", False),
    ("on 17-02-2016", None, "17-02-2016", "2016-02-17", False),
    ("on 02/17/2016", None, "02/17/2016", "2016-02-17", False),
    ("on 11.10.2017", None, "11.10.2017", "2017-10-11", False),  # day first when unsure
    # d/m or m/d: the reading on or before publication, nearest to it
    ("on 09/11/2016", date(2016, 11, 20), "09/11/2016", "2016-11-09", False),
    ("on 09/11/2016", date(2016, 10, 1), "09/11/2016", "2016-09-11", False),
    ("on 10/09/2016", date(2016, 10, 1), "10/09/2016", "2016-09-10", False),
    # a weekday written with a full date is part of it
    ("AFP Tuesday 3 Oct 2017", None, "Tuesday 3 Oct 2017", "2017-10-03", False),
    ("on Tuesday, November 8", WED_2016_11_09, "Tuesday, November 8", "2016-11-08", True),
    ("Wed Mar 2 2016", None, "Wed Mar 2 2016", "2016-03-02", False),
    (
        "on Tuesday the 8th of November",
        WED_2016_11_09,
        "Tuesday the 8th of November",
        "2016-11-08",
        True,
    ),
    # "Jul 15, 2015" once the corpus has stripped the comma
    ("Last updated at Jul 152015", None, "Jul 152015", "2015-07-15", False),
    ("Nov 022017", None, "Nov 022017", "2017-11-02", False),
]


@pytest.mark.parametrize(("text", "published", "span", "value", "relative"), EXPLICIT)
def test_explicit_days(text, published, span, value, relative):
    got = _only(text, published)
    assert (got.text, got.value.isoformat(), got.precision, got.relative) == (
        span,
        value,
        "day",
        relative,
    )


MONTHS_AND_YEARS = [
    # (text, published, span, value, precision)
    ("Since March 2011, Syria", None, "March 2011", "2011-03-01", "month"),
    ("in August 2013 in Ghouta", None, "August 2013", "2013-08-01", "month"),
    ("in May 2015", None, "May 2015", "2015-05-01", "month"),
    ("in Sept. 2015", None, "Sept. 2015", "2015-09-01", "month"),
    ("operations began in September.", WED_2016_11_09, "September", "2016-09-01", "month"),
    ("the biggest advance since September", WED_2016_11_09, "September", "2016-09-01", "month"),
    ("in November", WED_2016_11_09, "November", "2016-11-01", "month"),
    ("in December", WED_2016_11_09, "December", "2015-12-01", "month"),
    ("an offensive in May saw", WED_2016_11_09, "May", "2016-05-01", "month"),
    ("by mid-March", WED_2016_11_09, "March", "2016-03-01", "month"),
    ("the end of October", WED_2016_11_09, "October", "2016-10-01", "month"),
    ("a March ceasefire", WED_2016_11_09, "March", "2016-03-01", "month"),
    ("last September", WED_2016_11_09, "last September", "2016-09-01", "month"),
    ("last November", WED_2016_11_09, "last November", "2015-11-01", "month"),
    # "in" never introduces a day: this is "In March, 12 people" without its comma
    ("In March 12 people were killed", WED_2016_11_09, "March", "2016-03-01", "month"),
    ("in 2014", None, "2014", "2014-01-01", "year"),
    ("since 2011", None, "2011", "2011-01-01", "year"),
    ("during 1999", None, "1999", "1999-01-01", "year"),
    ("in early 2015", None, "2015", "2015-01-01", "year"),
]


@pytest.mark.parametrize(("text", "published", "span", "value", "precision"), MONTHS_AND_YEARS)
def test_months_and_years(text, published, span, value, precision):
    got = _only(text, published)
    assert (got.text, got.value.isoformat(), got.precision) == (span, value, precision)


# --- what is not a date -------------------------------------------------------------------

NOT_DATES = [
    "regained full control of the 1070 Apartments area",
    "put the death toll at more than 300,000 and 400,000",
    "including 160 children",
    "12 injured in the attack",
    "40 days of fighting in Aleppo has killed nearly 700 civilians",
    "the past 24 hours",
    "the six-year war",
    "Casualties may be higher",
    "May I ask a question?",
    "May God protect them",
    "thousands march through the city",
    "the Mar Elias church",
    "UN adviser Jan Egeland said",
    "he told USA Today",
    "the last week of fighting",
    "over the last year",
    "since the 1990s",
    "in 1500 homes",
    "in 2000s",
    "a score of 9/11",
    "version 1.2.3",
    "on 31/31/2016",
    "on February 30, 2016",
    "the war started 2011",
]


@pytest.mark.parametrize("text", NOT_DATES)
def test_not_dates(text):
    assert find_dates(text, WED_2016_11_09) == []


# --- without a publication date -----------------------------------------------------------

NEEDS_PUBLISHED = [
    "on Tuesday",
    "last Tuesday",
    "yesterday",
    "today",
    "over the weekend",
    "last week",
    "last month",
    "a month ago",
    "three days ago",
    "on November 9",
    "9 November",
    "in September",
    "last September",
]


@pytest.mark.parametrize("text", NEEDS_PUBLISHED)
def test_nothing_relative_without_publication_date(text):
    assert find_dates(text, None) == []


def test_absolute_dates_survive_without_publication_date():
    text = "On Tuesday, 9 November 2016, after fighting since March 2011 and in 2014, yesterday."
    assert _summary(find_dates(text, None)) == [
        ("Tuesday, 9 November 2016", "2016-11-09", "day"),
        ("March 2011", "2011-03-01", "month"),
        ("2014", "2014-01-01", "year"),
    ]


# --- several mentions, offsets ------------------------------------------------------------


def test_mentions_in_order_with_offsets():
    text = (
        "Rebels seized the hill on Tuesday, a day after 12 fighters died, and shelled it "
        "yesterday; the siege began in July and since March 2011 the war killed 300,000."
    )
    found = find_dates(text, WED_2016_11_09)
    assert _summary(found) == [
        ("Tuesday", "2016-11-08", "day"),
        ("yesterday", "2016-11-08", "day"),
        ("July", "2016-07-01", "month"),
        ("March 2011", "2011-03-01", "month"),
    ]
    for m in found:
        assert text[m.start : m.end] == m.text


def test_datetime_publication_is_accepted():
    got = _only("on Tuesday", datetime(2016, 11, 9, 23, 59))
    assert got.value == date(2016, 11, 8)
    assert type(got.value) is date


# --- which mention dates the sentence -----------------------------------------------------

SENTENCE_DATE = [
    # (sentence, expected span or None)
    ("The army, which lost the town last month, retook it on Tuesday.", "Tuesday"),
    ("Troops advanced over the weekend and took the hill on Monday.", "Monday"),
    ("Troops advanced over the weekend after losing it a month ago.", "over the weekend"),
    ("The hospital, shelled in 2014, was hit again in September.", "September"),
    ("It was the biggest advance since September, on Tuesday.", "Tuesday"),
    ("It was the biggest advance since September.", "September"),
    ("Since March 2011, Syria has been hit by militancy.", "March 2011"),
    ("A car bomb killed 12 people on November 7 and another on Tuesday.", "November 7"),
    ("The Observatory said 40 days of fighting killed 700 civilians.", None),
]


@pytest.mark.parametrize(("sentence", "span"), SENTENCE_DATE)
def test_sentence_date(sentence, span):
    got = sentence_date(sentence, WED_2016_11_09)
    assert (got.text if got else None) == span


def test_sentence_date_prefers_event_over_period_start():
    got = sentence_date("Since 2011 the town was hit, and on Tuesday it fell.", WED_2016_11_09)
    assert got is not None and got.text == "Tuesday"
    got = sentence_date("The town, besieged since July, fell in October.", WED_2016_11_09)
    assert got is not None and got.text == "October"


@pytest.mark.parametrize(
    ("sentence", "span"),
    [
        (
            "Children play in a flooded street on Monday (AFP photo) Rains hit the coast "
            "on Tuesday.",
            "Tuesday",
        ),
        ("A woman walks past a ruined bakery in May 2014 (File Photo)", None),
        ("Smoke rises over the port on Sunday (Photo Reuters) as ships leave.", None),
        # no credit: the caption-like words are the report's
        ("Crowds gathered in the square on Monday to mourn the victims.", "Monday"),
    ],
)
def test_a_photo_caption_dates_the_picture_not_the_report(sentence, span):
    got = sentence_date(sentence, WED_2016_11_09)
    assert (got.text if got else None) == span


def test_sentence_date_without_publication_date():
    assert sentence_date("The town fell on Tuesday.", None) is None
    got = sentence_date("The town fell on Tuesday, 8 November 2016.", None)
    assert got is not None and got.value == date(2016, 11, 8)


# --- publication date at the head of an article -------------------------------------------

HEADS = [
    ("Wed 05 Apr 2017 Floods cut the coast road near the port officials say.", "2017-04-05"),
    ("17-02-2016 Police Detain Four After Market Fire in River Town.", "2016-02-17"),
    ("Date of publication 14 March 2016 The ferry company says.", "2016-03-14"),
    ("Damascus, 9 November 2016 (SANA) - Army units restored security.", "2016-11-09"),
    ("November 9, 2016\n\nSyrian army retakes key district.", "2016-11-09"),
    ("Published July 2 2016 Three bridges were closed Friday.", "2016-07-02"),
    ("Last updated at Aug 032015 A farmer in the upper valley.", "2015-08-03"),
    ("06.04.2018(updated 0942 06.04.2018) Get short URL 57 Some twenty boats.", "2018-04-06"),
    (
        "Storm floods coastal towns 3 missing 40 homes lost AFP Thursday 16 Oct 2014 Two "
        "storms overnight.",
        "2014-10-16",
    ),
    ("x" * 280 + " 9 November 2016 later in the text", "2016-11-09"),
]


@pytest.mark.parametrize(("text", "value"), HEADS)
def test_publication_date_found(text, value):
    got = find_publication_date(text)
    assert got is not None
    assert got.value.isoformat() == value
    assert (got.precision, got.relative) == ("day", False)


NO_HEAD_DATE = [
    "Fire destroys 15 homes including 4 farms in the valley Monitor A fire destroyed 15.",
    "Damascus, November 9 (RHC) -- Syrian army forces took the district on Tuesday.",
    "Since March 2011, Syria has been hit by militancy.",
    "Clashes in 2014 killed hundreds.",
    "x" * 320 + " 9 November 2016",
    "",
]


@pytest.mark.parametrize("text", NO_HEAD_DATE)
def test_publication_date_absent(text):
    assert find_publication_date(text) is None
