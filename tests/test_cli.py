"""`python -m geo`: the command-line contracts users' scripts and the evaluation rely on."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from geo.cli import main
from tests.helpers import PROJECT_DIR

REQUIRED_EXPORT_COLUMNS = [
    "event_id", "article_id", "title", "source", "url", "published", "event_date", "event_type",
    "place", "latitude", "longitude", "precision", "country_code", "admin1", "geonameid",
    "cited_sources", "is_primary", "sentence",
]  # fmt: skip


@pytest.fixture(scope="module")
def seeded_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("cli") / "events.db"
    assert main(["ingest", str(PROJECT_DIR / "seeds"), "--db", str(db), "--quiet"]) == 0
    return db


def export_rows(db: Path, capsys) -> list[dict]:
    capsys.readouterr()
    assert main(["export", "--db", str(db), "--format", "csv"]) == 0
    return list(csv.DictReader(io.StringIO(capsys.readouterr().out)))


def test_ingest_then_export_lists_events_of_both_seeds(seeded_db, capsys) -> None:
    rows = export_rows(seeded_db, capsys)
    assert set(REQUIRED_EXPORT_COLUMNS) <= set(rows[0])
    assert {r["article_id"] for r in rows} == {"000_d48874956cc4c8e6", "003_82b491c720f0e559"}
    assert {r["published"] for r in rows} == {"2016-11-09", "2016-09-08"}
    assert {"Aleppo", "Jarābulus"} <= {r["place"] for r in rows}
    for row in rows:
        assert len(row["event_date"]) == 10 and row["event_date"][4] == "-"
        assert row["is_primary"] in ("true", "false")
        assert -90 <= float(row["latitude"]) <= 90


def test_reingest_reports_everything_unchanged(seeded_db, capsys) -> None:
    before = export_rows(seeded_db, capsys)
    assert main(["ingest", str(PROJECT_DIR / "seeds"), "--db", str(seeded_db), "--quiet"]) == 0
    assert "0 new or changed, 2 unchanged" in capsys.readouterr().err
    assert export_rows(seeded_db, capsys) == before


def test_export_geojson_is_longitude_first(seeded_db, tmp_path) -> None:
    out = tmp_path / "events.geojson"
    assert main(["export", "--db", str(seeded_db), "--format", "geojson", "-o", str(out)]) == 0
    collection = json.loads(out.read_text(encoding="utf-8"))
    assert collection["type"] == "FeatureCollection" and collection["features"]
    aleppo = next(f for f in collection["features"] if f["properties"]["geonameid"] == 170063)
    lon, lat = aleppo["geometry"]["coordinates"]
    assert (round(lat, 2), round(lon, 2)) == (36.2, 37.16)


def test_a_bad_file_is_reported_by_name_and_the_rest_ingested(tmp_path, capsys) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "good.txt").write_text(
        "---\ntitle: Good\npublished: 2020-05-01\n---\nShelling hit Aleppo on Thursday.\n",
        encoding="utf-8",
    )
    (folder / "broken.jsonl").write_text('{"text": "Clashes in Homs."}\n{not json\n')
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02\xff" * 100)
    db = tmp_path / "events.db"
    assert main(["ingest", str(folder), "--db", str(db), "--quiet"]) == 0
    err = capsys.readouterr().err
    assert "binary.txt" in err and "broken.jsonl:line 2" in err
    assert "articles read: 2" in err
    rows = export_rows(db, capsys)
    assert {r["title"] for r in rows} >= {"Good"}


def test_ingest_of_a_missing_path_fails_clearly(tmp_path, capsys) -> None:
    assert main(["ingest", str(tmp_path / "nope"), "--db", str(tmp_path / "x.db")]) == 1
    assert "no such file or folder" in capsys.readouterr().err


def test_collection_columns_are_mapped(tmp_path, capsys) -> None:
    collection = tmp_path / "news.csv"
    collection.write_text(
        "uid,headline,body,outlet\n"
        "41,Strike,An airstrike hit Idlib on 3 March 2017 killing five.,Example News\n",
        encoding="utf-8",
    )
    db = tmp_path / "events.db"
    args = ["ingest", str(collection), "--db", str(db), "--quiet", "--id-column", "uid",
            "--title-column", "headline", "--text-column", "body",
            "--source-column", "outlet"]  # fmt: skip
    assert main(args) == 0
    (row,) = export_rows(db, capsys)
    assert row["article_id"] == "41" and row["source"] == "Example News"
    assert row["event_type"] == "airstrike" and row["event_date"] == "2017-03-03"


def test_parse_end_to_end_and_in_spans_mode(tmp_path, capsys) -> None:
    text = "Fighting in Aleppo and Jarablus, Syria, went on."
    lines = [
        {"id": "a", "text": text},
        {"id": "b", "text": text, "spans": [[text.index("Jarablus"), text.index("Jarablus") + 8]]},
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    assert main(["parse", str(source)]) == 0
    a, b = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert a["id"] == "a" and {p["geonameid"] for p in a["places"]} >= {170063, 169179, 163843}
    for place in a["places"]:
        assert set(place) >= {"start", "end", "text", "name", "lat", "lon", "geonameid",
                              "country_code", "feature", "score"}  # fmt: skip
        assert text[place["start"] : place["end"]] == place["text"]
    assert [p["geonameid"] for p in b["places"]] == [169179]


def test_parse_reports_malformed_lines_and_goes_on(tmp_path, capsys) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('not json\n{"id": 2, "text": "Paris."}\n', encoding="utf-8")
    code = main(["parse", str(source)])
    out, err = capsys.readouterr()
    assert code == 1 and "line 1" in err
    (line,) = out.splitlines()
    assert json.loads(line)["id"] == 2
