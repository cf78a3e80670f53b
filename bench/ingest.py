"""Ingest throughput on FA-KES (../shared/data/fakes_dev.csv): articles per second.

Each run ingests the whole file into a fresh database, with the gazetteer and the spaCy
model already loaded (warm). The baseline, measured in the same run on the same texts, is
spaCy's pipeline alone (one process, and as many processes as the ingest uses): the floor
any spaCy-based ingest pays.

    python bench/ingest.py [--runs 3] [--csv PATH] [--dask-workers 2]

With `--dask-workers N`, each run also ingests on a local Dask cluster of N workers
(geo/ingest/distributed.py; the cluster started once, workers warm), interleaved with the
local ingest so both see the same machine, and prints the ratio of their medians; it
fails unless every run's two databases hold the same articles, events and places.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from halves import shared_dir  # noqa: E402

from geo.ingest.pipeline import N_PROCESS, ingest_articles  # noqa: E402
from geo.models import Article  # noqa: E402
from geo.place.gazetteer import default_gazetteer  # noqa: E402
from geo.place.toponyms import load_nlp  # noqa: E402
from geo.read.articles import ColumnMap, read_paths  # noqa: E402
from geo.store import open_store  # noqa: E402

FAKES = shared_dir() / "data" / "fakes_dev.csv"
COLUMNS = ColumnMap(id="unit_id", title="article_title", text="article_content", source="source")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--csv", type=Path, default=FAKES)
    parser.add_argument("--dask-workers", type=int, default=0, metavar="N")
    args = parser.parse_args()
    if not args.csv.exists():
        print(f"skipped: {args.csv} is absent")
        return 0
    started = time.perf_counter()
    articles = [a for a in read_paths([args.csv], COLUMNS) if isinstance(a, Article)]
    read_seconds = time.perf_counter() - started
    gazetteer, nlp = default_gazetteer(), load_nlp()
    texts = [a.text for a in articles]
    chars = sum(map(len, texts))

    cluster = contextlib.nullcontext(None)
    if args.dask_workers:
        from geo.ingest.distributed import dask_client

        cluster = dask_client(workers=args.dask_workers)
    with cluster as client:
        return _measure(args, articles, read_seconds, gazetteer, nlp, texts, chars, client)


def _contents(db_path: Path) -> tuple:
    """What a store holds, without the times of ingest (as tests/test_distributed.py)."""
    with open_store(db_path) as store:
        hashes = store.known_hashes()
        events = store.load_events().sort_values("event_id").reset_index(drop=True)
        places = store.load_places().sort_values(["article_id", "start"]).reset_index(drop=True)
    return hashes, events, places


def _same_contents(local: Path, dask: Path) -> None:
    """Raise unless the Dask ingest stored exactly what the local ingest stored."""
    import pandas as pd

    local_hashes, local_events, local_places = _contents(local)
    dask_hashes, dask_events, dask_places = _contents(dask)
    if dask_hashes != local_hashes:
        raise AssertionError("the Dask ingest stored other articles than the local one")
    pd.testing.assert_frame_equal(dask_events, local_events)
    pd.testing.assert_frame_equal(dask_places, local_places)


def _measure(args, articles, read_seconds, gazetteer, nlp, texts, chars, client) -> int:
    ours, baseline, parallel, on_dask = [], [], [], []
    kept = Path(tempfile.mkdtemp(prefix="geo-ingest-bench-"))  # each run's two databases
    for run in range(args.runs):
        if client is not None:
            from geo.ingest.distributed import DaskAnalyzer

            started = time.perf_counter()
            ingest_articles(
                articles, kept / f"dask-{run}.db", gazetteer=gazetteer,
                analyzer=DaskAnalyzer(client),
            )  # fmt: skip
            on_dask.append(time.perf_counter() - started)
        started = time.perf_counter()
        summary = ingest_articles(articles, kept / f"local-{run}.db", gazetteer=gazetteer)
        ours.append(time.perf_counter() - started)
        started = time.perf_counter()
        for _doc in nlp.pipe(texts, batch_size=16):
            pass
        baseline.append(time.perf_counter() - started)
        started = time.perf_counter()
        for _doc in nlp.pipe(texts, batch_size=16, n_process=N_PROCESS):
            pass
        parallel.append(time.perf_counter() - started)

    n = len(articles)
    ours_median, base_median = statistics.median(ours), statistics.median(baseline)
    print(f"corpus: {args.csv.name}, {n} articles, {chars / n:,.0f} characters on average")
    print(f"reading (CSV, Latin-1): {read_seconds * 1000:.0f} ms")
    print(f"runs: {args.runs} (medians below)")
    print(f"ingest (find, resolve, events, store): {ours_median:.2f} s, {n / ours_median:.1f}/s")
    print(f"baseline, spaCy pipeline alone:        {base_median:.2f} s, {n / base_median:.1f}/s")
    par_median = statistics.median(parallel)
    print(
        f"spaCy pipeline alone, {N_PROCESS} processes:  {par_median:.2f} s, {n / par_median:.1f}/s"
    )
    print(f"ratio ingest / spaCy alone: {ours_median / base_median:.2f}")
    if on_dask:
        dask_median = statistics.median(on_dask)
        print(
            f"ingest on Dask, {args.dask_workers} workers:      {dask_median:.2f} s, "
            f"{n / dask_median:.1f}/s; ratio to the local ingest "
            f"{ours_median / dask_median:.2f}"
        )
    unresolved = len(summary.unresolved)
    print(f"events: {summary.events}, places: {summary.places}, unresolved: {unresolved}")
    try:
        if on_dask:
            for run in range(args.runs):
                _same_contents(kept / f"local-{run}.db", kept / f"dask-{run}.db")
            print(f"Dask and local ingest stored identical articles, events and places "
                  f"({args.runs} of {args.runs} runs)")  # fmt: skip
    finally:
        shutil.rmtree(kept, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
