"""Every event on the map against the gold list of all events (`score.py eventset`), per half.

For each gold file (../shared/data/events_gold_dev.jsonl, FA-KES + GeoVirus, and
events_gold_dev_lgl.jsonl, local news) the bench writes a copy holding only `id, title, source,
text` (never the gold events, nor the annotators' `published`), ingests it into a fresh
database in process as `python -m geo ingest` does, exports the events CSV and scores it with
`../shared/eval/score.py eventset` on the whole file and on halves A and B (bench/halves.py).

    python bench/eventset.py [--runs 1] [--out DIR] [--json]

`--out DIR` keeps each file's database and events CSV there (for error analysis).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from halves import HALVES, read_jsonl, shared_dir, write_jsonl, write_jsonl_halves  # noqa: E402

from geo.ingest.pipeline import ingest_articles  # noqa: E402
from geo.models import Article  # noqa: E402
from geo.place.gazetteer import default_gazetteer  # noqa: E402
from geo.place.toponyms import load_nlp  # noqa: E402
from geo.read.articles import ColumnMap, read_paths  # noqa: E402
from geo.store import load_events  # noqa: E402
from geo.view.export import to_csv  # noqa: E402

SHARED = shared_dir()
GOLD_FILES = (
    SHARED / "data" / "events_gold_dev.jsonl",
    SHARED / "data" / "events_gold_dev_lgl.jsonl",
)
SCORER = SHARED / "eval" / "score.py"
FED = ("id", "title", "source", "text")
COLUMNS = ColumnMap(id="id", title="title", text="text", source="source")
# Columns of the table: (label, key in the scorer's output, format)
TABLE = (
    ("map", "map_events", "d"),
    ("gold", "gold_events_with_place", "d"),
    ("P_place", "precision_place", ".3f"),
    ("R_place", "recall_place", ".3f"),
    ("P_type", "precision_place_type", ".3f"),
    ("R_type", "recall_place_type", ".3f"),
    ("date", "date_accuracy_1day_of_matched", ".3f"),
    ("outside", "map_events_outside_gold_countries", ".3f"),
)


def inputs_only(rows: list[dict], out: Path) -> None:
    """A copy of the articles with only the fields an ingest may see."""
    write_jsonl(out, ({k: row[k] for k in FED if k in row} for row in rows))


def score(gold: Path, events_csv: Path) -> dict:
    out = subprocess.run(
        [sys.executable, str(SCORER), "eventset", str(gold), str(events_csv)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def bench_file(gold: Path, tmp: Path, runs: int, keep: Path | None) -> dict:
    rows = read_jsonl(gold)
    fed = tmp / f"{gold.stem}.fed.jsonl"
    inputs_only(rows, fed)
    articles = [a for a in read_paths([fed], COLUMNS) if isinstance(a, Article)]
    seconds = []
    for _ in range(runs):
        db = tmp / f"{gold.stem}.db"
        if db.exists():
            db.unlink()
        started = time.perf_counter()
        ingest_articles(articles, db)
        seconds.append(time.perf_counter() - started)
    events_csv = tmp / f"{gold.stem}.events.csv"
    events_csv.write_text(to_csv(load_events(db)), encoding="utf-8")
    if keep:
        keep.mkdir(parents=True, exist_ok=True)
        shutil.copy(db, keep / db.name)
        shutil.copy(events_csv, keep / events_csv.name)
    golds = write_jsonl_halves(gold, rows, tmp)
    return {
        "file": gold.name,
        "articles": len(articles),
        "ingest_seconds": round(statistics.median(seconds), 2),
        "scores": {part: score(path, events_csv) for part, path in golds.items()},
        "articles_per_half": {h: sum(1 for p in read_jsonl(golds[h])) for h in HALVES},
    }


def cell(figures: dict, key: str, fmt: str) -> str:
    if key == "date_accuracy_1day_of_matched" and not figures["matched_with_gold_date"]:
        return f"{'-':>9}"  # no matched event has a gold date (the LGL texts give none)
    return f"{figures[key]:>9{fmt}}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="ingest runs (median seconds)")
    parser.add_argument("--out", type=Path, help="keep databases and events CSVs here")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    args = parser.parse_args(argv)
    missing = [p for p in (*GOLD_FILES, SCORER) if not p.is_file()]
    if missing:
        print(f"skipped: {', '.join(map(str, missing))} absent")
        return 0
    default_gazetteer(), load_nlp()  # warm
    with tempfile.TemporaryDirectory() as tmp:
        results = [bench_file(g, Path(tmp), args.runs, args.out) for g in GOLD_FILES]
    if args.json:
        print(json.dumps(results, indent=1))
    header = f"{'file':28}{'part':>5}" + "".join(f"{label:>9}" for label, _, _ in TABLE)
    print(header)
    for result in results:
        for part, figures in result["scores"].items():
            cells = "".join(cell(figures, key, fmt) for _, key, fmt in TABLE)
            print(f"{result['file']:28}{part:>5}{cells}")
    for result in results:
        per_half = ", ".join(f"{h} {n}" for h, n in result["articles_per_half"].items())
        print(
            f"{result['file']}: {result['articles']} articles (halves: {per_half}), "
            f"ingest {result['ingest_seconds']} s (median of {args.runs}; fed: {', '.join(FED)})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
