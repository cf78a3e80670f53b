"""Shared fixtures. Keep small: helpers used by several test files only."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from geo.schema import EVENT_COLUMNS, conform
from geo.store import Store, open_store

# Every backend the Store interface is tested on: a function of a temporary folder giving
# the location of a new, empty store. Issue 12 adds "postgresql".
STORE_BACKENDS = {"sqlite": lambda folder: folder / "events.db"}


@pytest.fixture(params=sorted(STORE_BACKENDS), ids=sorted(STORE_BACKENDS))
def store_location(request, tmp_path):
    """The location of a new, empty store of each backend."""
    return STORE_BACKENDS[request.param](tmp_path)


@pytest.fixture
def store(store_location) -> Store:
    """A new, empty store of each backend (tests of the Store interface take this)."""
    with open_store(store_location) as opened:
        yield opened


def make_events(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """An events frame (geo/schema.py) from partial rows; unnamed columns get defaults."""
    defaults: dict[str, Any] = {
        "event_id": None,
        "article_id": "a1",
        "title": "A title",
        "source": "Reuters",
        "url": "https://example.org/a1",
        "published": "2016-11-09",
        "event_date": "2016-11-08",
        "date_precision": "day",
        "date_from_text": True,
        "event_type": "clash",
        "place": "Aleppo",
        "mention": "Aleppo",
        "latitude": 36.2021,
        "longitude": 37.1343,
        "precision": "city",
        "approximate": False,
        "country_code": "SY",
        "admin1": "Aleppo",
        "geonameid": 170063,
        "resolution": "gazetteer",
        "cited_sources": "",
        "denied_by": "",
        "actors": "",
        "killed": None,
        "injured": None,
        "civilians_killed": None,
        "children_killed": None,
        "report_group": None,
        "reported_by": None,
        "report_count": 1,
        "is_primary": True,
        "sentence": "Fighting was reported in Aleppo on Tuesday.",
        "sentence_start": 0,
        "confidence": 0.9,
        "on_map": True,
    }
    records = []
    for i, row in enumerate(rows):
        unknown = set(row) - set(EVENT_COLUMNS)
        if unknown:
            raise KeyError(f"not event columns: {sorted(unknown)}")
        record = {**defaults, "event_id": f"e{i + 1}", **row}
        records.append(record)
    return conform(pd.DataFrame(records, columns=list(EVENT_COLUMNS)))


@pytest.fixture
def events() -> pd.DataFrame:
    """Five events: three publishers, four places, dates from 2016-09-05 to 2016-11-08."""
    return make_events(
        [
            {
                "source": "Reuters",
                "event_date": "2016-09-05",
                "place": "Aleppo",
                "mention": "Aleppo",
                "sentence": "Government forces recaptured areas in southwestern Aleppo.",
                "title": "Syrian army regains Aleppo district",
            },
            {
                "source": "Reuters",
                "event_date": "2016-10-01",
                "place": "Damascus",
                "mention": "Damascus",
                "latitude": 33.5138,
                "longitude": 36.2765,
                "sentence": "Talks were held in Damascus.",
                "event_type": "diplomacy",
            },
            {
                "source": "RHC",
                "event_date": "2016-11-08",
                "place": "Aleppo",
                "mention": "Aleppo",
                "sentence": "The army took the 1070 Apartments area of Aleppo.",
                "url": "https://example.org/rhc",
            },
            {
                "source": "CBC",
                "event_date": "2016-11-08",
                "place": "Ramouseh",
                "mention": "Ramouseh",
                "latitude": 36.17,
                "longitude": 37.13,
                "sentence": "Forces captured the Ramouseh neighbourhood.",
                "precision": "neighbourhood",
            },
            {
                "source": "CBC",
                "event_date": "2016-10-20",
                "place": "Moscow",
                "mention": "Russia",
                "latitude": 55.7558,
                "longitude": 37.6173,
                "sentence": "Russia and the United States discussed a cease-fire.",
                "event_type": "diplomacy",
                "approximate": True,
            },
        ]
    )


# An article from a second publisher, dated after the seeds, whose text and metadata carry
# markup: the dashboard tests ingest it beside the seeds (the seeds share one publisher).
EXTRA_PUBLISHER = "Example <i>Times</i>"
HOSTILE_SCRIPT = '<script>alert("xss")</script>'
HOSTILE_IMG = '<img src=x onerror="document.body.dataset.pwned=1">'
EXTRA_ARTICLE = f"""Shelling reported in Paris

Artillery shelled Paris on 3 March 2017 {HOSTILE_SCRIPT} {HOSTILE_IMG} and clashes followed.
"""
EXTRA_MANIFEST = f"""extra.txt:
  title: "<b>Hostile</b> <script>alert(1)</script> title"
  source: "{EXTRA_PUBLISHER}"
  url: "javascript:alert(1)"
  published: 2017-03-04
"""


def write_extra_article(folder) -> None:
    """Write the extra article (and its manifest) into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "extra.txt").write_text(EXTRA_ARTICLE, encoding="utf-8")
    (folder / "manifest.yaml").write_text(EXTRA_MANIFEST, encoding="utf-8")
