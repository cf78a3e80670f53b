"""Geoparsing benchmark on GeoVirus: accuracy end to end and in spans mode, and throughput.

    python bench/geoparse.py [--gold ../shared/data/geovirus.jsonl] [--runs 3] [--demonyms]

1. End to end: `python -m geo parse GOLD` as a subprocess, scored by `../shared/eval/score.py`.
2. Resolution only: the same file with each line's gold spans given (`spans` mode), scored.
3. Baseline measured in the same run, the common recipe: spaCy `en_core_web_sm` entities
   (GPE, LOC, FAC) + the most populous gazetteer entry of that name; scored the same way.
4. Throughput in process, model and gazetteer warm: documents per second of
   `geo.ingest.pipeline.parse_documents` as `python -m geo parse` runs it (spaCy in two processes
   on two cores) and of the baseline (stock spaCy pipeline, one process), median of
   `--runs` interleaved runs; and the ceiling this machine sets: the model alone, loaded and
   run as the parse runs it (`parse_texts`, the same processes), with no recognition or
   resolution after it.

Items 1 and 2 are also scored on halves A and B of the file by id (bench/halves.py; tune on A,
check on B). `--demonyms` adds both again with `parse --demonyms` (LGL counts demonyms and
adjectival forms as toponyms; GeoVirus does not).

Prints a JSON summary (and a table); `--errors` also lists the commonest errors.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from halves import HALVES, shared_dir, write_jsonl_halves  # noqa: E402

SHARED = shared_dir()
DEFAULT_GOLD = SHARED / "data" / "geovirus.jsonl"
SCORER = SHARED / "eval" / "score.py"
FIGURES = ("f1_strict", "precision_strict", "recall_strict", "acc161", "e2e161", "median_km")


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def write_jsonl(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row) + "\n")


def score(gold: Path, pred: Path) -> dict:
    out = subprocess.run(
        [sys.executable, str(SCORER), "places", str(gold), str(pred)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout)


def run_cli(gold: Path, pred: Path, *options: str) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "geo", "parse", str(gold), "-o", str(pred), *options],
        check=True,
        cwd=PROJECT,
    )
    return time.perf_counter() - started


def baseline_predictions(docs: list[dict], nlp, gazetteer) -> list[dict]:
    """spaCy entities + the most populous gazetteer entry of the name."""
    rows = []
    for doc, parsed in zip(docs, nlp.pipe([d["text"] for d in docs], batch_size=32), strict=True):
        places = []
        for ent in parsed.ents:
            if ent.label_ not in ("GPE", "LOC", "FAC"):
                continue
            options = gazetteer.lookup(ent.text)
            best = max(options, key=lambda c: c.place.population).place if options else None
            places.append(
                {
                    "start": ent.start_char,
                    "end": ent.end_char,
                    "lat": best.latitude if best else None,
                    "lon": best.longitude if best else None,
                }
            )
        rows.append({"id": doc["id"], "places": places})
    return rows


def error_report(gold: Path, pred: Path, top: int = 15) -> dict:
    """The commonest false positives, false negatives, unresolved and far-off names."""
    sys.path.insert(0, str(SCORER.parent))
    import score as scorer  # the shared scorer's own matching and distance

    golds = {d["id"]: d for d in read_jsonl(gold)}
    preds = {d["id"]: d for d in read_jsonl(pred)}
    fp, fn, unresolved, far = Counter(), Counter(), Counter(), Counter()
    for doc_id, g in golds.items():
        text = g["text"]
        places = preds.get(doc_id, {}).get("places", [])
        _, pairs = scorer.match(g["toponyms"], places)
        paired_gold = {id(a) for a, _ in pairs}
        paired_pred = {id(b) for _, b in pairs}
        fp.update(text[p["start"] : p["end"]] for p in places if id(p) not in paired_pred)
        fn.update(t["name"] for t in g["toponyms"] if id(t) not in paired_gold)
        for t, p in pairs:
            if t.get("lat") is None:
                continue  # a gold toponym without coordinates (some of LGL's) is not scored
            if p.get("lat") is None:
                unresolved[t["name"]] += 1
            elif scorer.km(t["lat"], t["lon"], p["lat"], p["lon"]) > scorer.KM_161:
                far[f"{t['name']} -> {p.get('name')}"] += 1
    return {
        "false_positives": fp.most_common(top),
        "false_negatives": fn.most_common(top),
        "unresolved": unresolved.most_common(top),
        "far_off": far.most_common(top),
    }


def throughput(func, runs: int) -> float:
    """Median seconds of `runs` calls."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--runs", type=int, default=3, help="throughput runs (median)")
    parser.add_argument("--errors", action="store_true", help="list the commonest errors")
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--out", type=Path, help="keep the predictions (JSONL) here")
    parser.add_argument(
        "--demonyms", action="store_true", help="also run `parse --demonyms`, scored the same"
    )
    args = parser.parse_args(argv)
    if not args.gold.is_file() or not SCORER.is_file():
        print(f"skipped: {args.gold} or {SCORER} is missing", file=sys.stderr)
        return 0

    from geo.ingest.pipeline import parse_documents, parse_texts
    from geo.place.gazetteer import default_gazetteer
    from geo.place.toponyms import load_nlp

    docs = read_jsonl(args.gold)
    chars = statistics.mean(len(d["text"]) for d in docs)
    results: dict = {"documents": len(docs), "mean_characters": round(chars)}
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        pred = tmpdir / "pred.jsonl"
        results["cli_seconds_with_model_load"] = round(run_cli(args.gold, pred), 2)
        results["end_to_end"] = {k: score(args.gold, pred)[k] for k in FIGURES}
        if args.errors:
            results["errors_end_to_end"] = error_report(args.gold, pred)

        spans_gold = tmpdir / "spans.jsonl"
        write_jsonl(
            spans_gold,
            [{**d, "spans": [[t["start"], t["end"]] for t in d["toponyms"]]} for d in docs],
        )
        spans_pred = tmpdir / "spans_pred.jsonl"
        run_cli(spans_gold, spans_pred)
        results["spans"] = {k: score(spans_gold, spans_pred)[k] for k in FIGURES}
        if args.errors:
            results["errors_spans"] = error_report(spans_gold, spans_pred)

        # The halves, end to end and in spans mode (with --demonyms too when asked).
        halves = write_jsonl_halves(args.gold, docs, tmpdir)
        spans_halves = write_jsonl_halves(spans_gold, read_jsonl(spans_gold), tmpdir)
        runs = [("end_to_end", halves, pred), ("spans", spans_halves, spans_pred)]
        if args.demonyms:
            demonym_pred, demonym_spans_pred = tmpdir / "dem.jsonl", tmpdir / "dem_spans.jsonl"
            run_cli(args.gold, demonym_pred, "--demonyms")
            run_cli(spans_gold, demonym_spans_pred, "--demonyms")
            results["end_to_end_demonyms"] = {k: score(args.gold, demonym_pred)[k] for k in FIGURES}
            results["spans_demonyms"] = {
                k: score(spans_gold, demonym_spans_pred)[k] for k in FIGURES
            }
            runs += [
                ("end_to_end_demonyms", halves, demonym_pred),
                ("spans_demonyms", spans_halves, demonym_spans_pred),
            ]
        results["halves"] = {
            half: {name: {k: score(golds[half], p)[k] for k in FIGURES} for name, golds, p in runs}
            for half in HALVES
        }
        results["documents_per_half"] = {h: len(read_jsonl(halves[h])) for h in HALVES}
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            for name, _, p in runs:
                shutil.copy(p, args.out / f"{args.gold.stem}.{name}.jsonl")

        import spacy

        from geo.place.toponyms import SPACY_MODEL

        # The recipe as commonly run: the stock pipeline of the same model, one process.
        gazetteer, nlp = default_gazetteer(), spacy.load(SPACY_MODEL)
        base_pred = tmpdir / "baseline.jsonl"
        write_jsonl(base_pred, baseline_predictions(docs, nlp, gazetteer))
        results["baseline_end_to_end"] = {k: score(args.gold, base_pred)[k] for k in FIGURES}

    if not args.skip_throughput:
        items = [(d["text"], None) for d in docs]
        workers = max(1, min(2, os.cpu_count() or 1))  # as `python -m geo parse` runs
        load_nlp()
        list(parse_documents(items, gazetteer))  # warm: gazetteer caches, name automaton
        ours, base, model = [], [], []
        texts = [text for text, _ in items]

        def run_ours():
            return list(parse_documents(items, gazetteer, n_process=workers))

        def run_model_alone():
            return list(parse_texts(texts, n_process=workers))

        for _ in range(args.runs):  # interleaved, so that all see the same machine load
            ours.append(throughput(run_ours, 1))
            base.append(throughput(lambda: baseline_predictions(docs, nlp, gazetteer), 1))
            model.append(throughput(run_model_alone, 1))
        results["docs_per_second"] = round(len(docs) / statistics.median(ours), 1)
        results["baseline_docs_per_second"] = round(len(docs) / statistics.median(base), 1)
        results["model_alone_docs_per_second"] = round(len(docs) / statistics.median(model), 1)
        results["throughput_runs"] = args.runs
        results["processes"] = workers

    print(json.dumps(results, indent=1, ensure_ascii=False))
    rows = [("end to end", results["end_to_end"]), ("spans mode", results["spans"])]
    rows.append(("baseline end to end", results["baseline_end_to_end"]))
    labels = {
        "end_to_end": "end to end",
        "spans": "spans mode",
        "end_to_end_demonyms": "demonyms end to end",
        "spans_demonyms": "demonyms spans",
    }
    for name, label in labels.items():
        if name in results:
            if name.endswith("demonyms"):
                rows.append((label, results[name]))
            for half in HALVES:
                rows.append((f"{label}, half {half}", results["halves"][half][name]))
    width = max(24, 1 + max(len(label) for label, _ in rows))
    print(f"\n{'':{width}}{'f1_strict':>10}{'acc161':>8}{'e2e161':>8}{'median km':>11}")
    for label, r in rows:
        print(
            f"{label:{width}}{r['f1_strict']:>10.3f}{r['acc161']:>8.3f}{r['e2e161']:>8.3f}"
            f"{r['median_km']:>11.1f}"
        )
    if "docs_per_second" in results:
        print(
            f"throughput: {results['docs_per_second']} docs/s "
            f"(baseline {results['baseline_docs_per_second']} docs/s; the model alone, as run "
            f"here: {results['model_alone_docs_per_second']} docs/s), "
            f"median of {args.runs} runs, {results['processes']} spaCy processes, "
            f"{results['mean_characters']} characters a document"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
