"""Events on FA-KES (../shared/data/fakes_dev.csv): accuracy and ingest throughput.

Ingests the file into a fresh database feeding only `unit_id, article_title,
article_content, source` (the gold columns stay out), exports the events, scores them with
`../shared/eval/score.py events` (needs `pip install reverse_geocoder`) and prints the
figures with the ingest throughput (gazetteer and spaCy model warm, median of the runs),
then the same figures on halves A and B of the file by `unit_id` (bench/halves.py).

    python bench/events.py [--runs 1] [--csv PATH] [--keep DB]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from halves import HALVES, half_of, shared_dir  # noqa: E402

from geo.ingest.pipeline import ingest_articles  # noqa: E402
from geo.models import Article  # noqa: E402
from geo.place.gazetteer import default_gazetteer  # noqa: E402
from geo.place.toponyms import load_nlp  # noqa: E402
from geo.read.articles import ColumnMap, read_paths  # noqa: E402
from geo.store import load_events  # noqa: E402
from geo.view.export import to_csv  # noqa: E402

SHARED = shared_dir()
FAKES = SHARED / "data" / "fakes_dev.csv"
SCORER = SHARED / "eval" / "score.py"
FED = ("unit_id", "article_title", "article_content", "source")
COLUMNS = ColumnMap(id="unit_id", title="article_title", text="article_content", source="source")


def inputs_only(path: Path, out: Path) -> None:
    """A copy of the collection with only the columns an ingest may see."""
    with path.open(encoding="latin-1", newline="") as f:
        rows = list(csv.DictReader(f))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=FED, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    out.write_text(buffer.getvalue(), encoding="utf-8")


def gold_half(path: Path, half: str, out: Path) -> None:
    """The gold rows of one half, in the file's own encoding (the scorer reads latin-1)."""
    with path.open(encoding="latin-1", newline="") as f:
        reader = csv.DictReader(f)
        fields, rows = reader.fieldnames, [r for r in reader if half_of(r["unit_id"]) == half]
    with out.open("w", encoding="latin-1", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def score(gold: Path, events_csv: Path) -> dict:
    scored = subprocess.run(
        [sys.executable, str(SCORER), "events", str(gold), str(events_csv)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(scored.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--csv", type=Path, default=FAKES)
    parser.add_argument("--keep", type=Path, help="keep the last run's database here")
    args = parser.parse_args()
    if not args.csv.exists() or not SCORER.exists():
        print(f"skipped: {args.csv} or {SCORER} is absent")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        fed = Path(tmp) / "articles.csv"
        inputs_only(args.csv, fed)
        articles = [a for a in read_paths([fed], COLUMNS) if isinstance(a, Article)]
        default_gazetteer(), load_nlp()  # warm
        seconds = []
        for run in range(args.runs):
            db = args.keep if (args.keep and run == args.runs - 1) else Path(tmp) / f"{run}.db"
            if db.exists():
                db.unlink()
            started = time.perf_counter()
            summary = ingest_articles(articles, db)
            seconds.append(time.perf_counter() - started)
        events_csv = Path(tmp) / "events.csv"
        events = load_events(db)
        events_csv.write_text(to_csv(events), encoding="utf-8")
        figures = score(args.csv, events_csv)
        halves = {}
        for half in HALVES:
            gold = Path(tmp) / f"gold.half{half}.csv"
            gold_half(args.csv, half, gold)
            halves[half] = score(gold, events_csv)
    n = len(articles)
    median = statistics.median(seconds)
    print(f"corpus: {args.csv.name}, {n} articles (fed: {', '.join(FED)})")
    for name in ("governorate_accuracy", "date_accuracy_1day", "type_accuracy"):
        print(f"{name}: {figures[name]:.3f}")
    print(f"articles with a located event: {figures['with_located_event']} of {n}")
    print(f"typed articles: {figures['typed_articles']}")
    print(f"events: {summary.events}, linked reports: {int((events['report_count'] > 1).sum())}")
    print(f"ingest: {median:.2f} s, {n / median:.1f} articles/s (median of {args.runs})")
    for half, f in halves.items():
        print(
            f"half {half} ({f['articles']} articles): governorate_accuracy "
            f"{f['governorate_accuracy']:.3f}, date_accuracy_1day {f['date_accuracy_1day']:.3f}, "
            f"type_accuracy {f['type_accuracy']:.3f} of {f['typed_articles']} typed, "
            f"located {f['with_located_event']}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
