"""Benchmark the dashboard with synthetic events: filter-change rerun time and map payload.

Run from the project root:

    python bench/dashboard.py [--sizes 1000 10000 20000] [--changes 7]

For each size, a deterministic synthetic events frame (geo/schema.py; places, types,
publishers, cited sources and dates drawn with a fixed seed) stands in for the database,
and the real dashboard.py runs in Streamlit's AppTest (server side, no browser):

- rerun: the median time of a full script rerun after a filter change (publisher, type,
  dates, search), each a new filter state (nothing cached for it yet);
- payload: the bytes the map component receives for the unfiltered view (base map,
  events layer, header), i.e. what the browser downloads for the map;
- baseline, measured in the same run: folium's usual recipe, one `folium.Marker` with a
  popup per event in a `MarkerCluster`, rendered to HTML.

With `--db-events N ...` it measures the dashboard on real databases instead, filled by
`python -m geo synth` (kept in --work, made once; `--store postgresql` uses the server of
$GEO_TEST_POSTGRES_URL, databases geo_bench_N): the app asks the database (geo/app/data.py).

- load: a new session's first run on a warm server (the caches of an earlier session warm);
- change: the median and max rerun after a filter change (each a new state, not cached);
- memory: the server's RSS growth per extra session (5 more sessions kept open);
- old path, same database: loading the whole events frame (what each new stamp cost
  before), its size in memory, and a filter change over it (apply_filters + map_features).

Nothing is written into the repository; no network beyond the loopback database.
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pandas as pd

from geo.schema import EVENT_COLUMNS, conform
from geo.view.mapview import TYPE_COLORS

PROJECT_DIR = Path(__file__).resolve().parent.parent
SEED = 20161108
TYPES = list(TYPE_COLORS)
PRECISIONS = ["city"] * 6 + ["neighbourhood"] * 2 + ["landmark", "admin2", "admin1", "country"]


def synthetic_events(n: int, seed: int = SEED) -> pd.DataFrame:
    """`n` events at about n/8 places (at most 4,000), over two years, 30 publishers."""
    rng = random.Random(seed)
    places = [
        (f"Place {i}", round(rng.uniform(29.0, 38.0), 5), round(rng.uniform(34.0, 44.0), 5))
        for i in range(max(20, min(4000, n // 8)))
    ]
    publishers = [f"Publisher {i}" for i in range(30)]
    cited = [f"Source {i}" for i in range(20)]
    start = date(2016, 1, 1)
    rows = []
    for i in range(n):
        name, lat, lon = rng.choice(places)
        day = start + timedelta(days=rng.randrange(730))
        precision = rng.choice(PRECISIONS)
        kind = rng.choice(TYPES)
        rows.append(
            {
                "event_id": f"{i:016x}",
                "article_id": f"a{i // 3}",
                "title": f"Report {i // 3} on {name}",
                "source": rng.choice(publishers),
                "url": f"https://news.example.org/{i // 3}",
                "published": day + timedelta(days=1),
                "event_date": day,
                "date_precision": "day",
                "date_from_text": True,
                "event_type": kind,
                "place": name,
                "mention": name,
                "latitude": lat,
                "longitude": lon,
                "precision": precision,
                "approximate": rng.random() < 0.1,
                "country_code": "SY",
                "admin1": f"Region {hash(name) % 14}",
                "geonameid": 100000 + places.index((name, lat, lon)),
                "resolution": "gazetteer",
                "cited_sources": "; ".join(rng.sample(cited, rng.randrange(3))),
                "denied_by": "",
                "actors": "",
                "killed": rng.randrange(20) if rng.random() < 0.3 else None,
                "injured": None,
                "civilians_killed": None,
                "children_killed": None,
                "report_group": f"g{i // 2}",
                "reported_by": "",
                "report_count": 2,
                "is_primary": i % 3 == 0,
                "sentence": f"A {kind} was reported in {name} on {day:%d %B %Y}, "
                "according to local sources quoted by the agency, with damage to buildings.",
                "sentence_start": 0,
            }
        )
    frame = pd.DataFrame(rows)
    for column in EVENT_COLUMNS:  # columns the schema gained since (kept empty)
        if column not in frame.columns:
            frame[column] = None
    return conform(frame)


def _patch(frame: pd.DataFrame, captured: list[dict]):
    """Serve `frame` as the database and capture what the map component receives."""
    import streamlit_folium

    import geo.app.data

    # The app reads the database in geo/app/data.py only.
    geo.app.data.load_events = lambda db_path: frame
    geo.app.data.ensure_seeded = lambda db_path: None

    def component(**kwargs):
        captured.append(kwargs)
        return None

    streamlit_folium._component_func = component


def payload_bytes(call: dict) -> int:
    parts = (call.get(k) or "" for k in ("script", "html", "header", "feature_group"))
    return sum(len(p.encode("utf-8")) for p in parts)


def measure(n: int, changes: int) -> dict:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    frame = synthetic_events(n)
    captured: list[dict] = []
    _patch(frame, captured)
    st.cache_data.clear()  # the dashboard caches frames per database: a new "database"
    at = AppTest.from_file(str(PROJECT_DIR / "dashboard.py"), default_timeout=600)
    t0 = time.perf_counter()
    at.run()
    first = time.perf_counter() - t0
    if at.exception:
        raise RuntimeError(at.exception)
    payload = payload_bytes(captured[-1])

    publishers = sorted(frame["source"].unique())
    lo, hi = frame["event_date"].min().date(), frame["event_date"].max().date()
    times = []
    for i in range(changes):
        at.multiselect(key="source").set_value([publishers[i % len(publishers)]])
        at.multiselect(key="type").set_value([TYPES[i % len(TYPES)]] if i % 2 else [])
        at.slider(key="dates").set_value((lo + timedelta(days=30 * i), hi))
        at.text_input(key="q").set_value("Place 1" if i % 3 == 0 else "")
        t0 = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - t0)
        if at.exception:
            raise RuntimeError(at.exception)
    markers = len({(a, b) for a, b in zip(frame["latitude"], frame["longitude"], strict=True)})
    return {
        "events": n,
        "places": markers,
        "first_run_s": first,
        "rerun_median_s": statistics.median(times),
        "rerun_max_s": max(times),
        "payload_mb": payload / 1e6,
        "baseline_mb": baseline_bytes(frame) / 1e6,
    }


def baseline_bytes(frame: pd.DataFrame) -> int:
    """folium's usual recipe: a Marker with an HTML popup per event, in a MarkerCluster."""
    import html

    import folium
    from folium.plugins import MarkerCluster

    m = folium.Map(location=[33.5, 39.0], zoom_start=6)
    cluster = MarkerCluster().add_to(m)
    for row in frame.itertuples(index=False):
        popup = (
            f"<b>{html.escape(str(row.place))}</b><br>{row.event_date:%Y-%m-%d} · "
            f"{html.escape(str(row.source))}<br>{html.escape(str(row.sentence))}"
        )
        folium.Marker([row.latitude, row.longitude], popup=popup).add_to(cluster)
    return len(m.get_root().render().encode("utf-8"))


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def bench_location(store: str, n: int, work: Path) -> str:
    """The database of `n` synthetic events for `store`, made with `geo synth` if new."""
    import os
    import subprocess

    if store == "sqlite":
        location = str(work / f"synth-{n}.db")
        exists = Path(location).exists()
    else:
        from urllib.parse import urlsplit, urlunsplit

        import psycopg

        admin = os.environ["GEO_TEST_POSTGRES_URL"]
        name = f"geo_bench_{n}"
        with psycopg.connect(admin, autocommit=True) as db:
            exists = bool(
                db.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
            )
            if not exists:
                db.execute(f'CREATE DATABASE "{name}"')
        location = urlunsplit(urlsplit(admin)._replace(path=f"/{name}"))
    if not exists:
        subprocess.run(
            [sys.executable, "-m", "geo", "synth", "--events", str(n), "--db", location, "--quiet"],
            check=True,
            cwd=PROJECT_DIR,
        )
    return location


def measure_database(location: str, changes: int, sessions: int = 5) -> dict:
    """The dashboard on a real database (see the module's docstring)."""
    import os

    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from geo.store import EventQuery, load_events, open_store
    from geo.view import mapview
    from geo.view.filters import FilterState, apply_filters, choices_from

    os.environ["GEO_DB"] = location
    import geo.app.data

    geo.app.data.ensure_seeded = lambda db_path: None  # the synthetic database is the data
    st.cache_data.clear()

    def run_new() -> tuple[AppTest, float]:
        at = AppTest.from_file(str(PROJECT_DIR / "dashboard.py"), default_timeout=900)
        t0 = time.perf_counter()
        at.run()
        elapsed = time.perf_counter() - t0
        if at.exception:
            raise RuntimeError(at.exception)
        return at, elapsed

    _, cold = run_new()
    at, warm = run_new()
    with open_store(location) as store:
        choices = choices_from(store.filter_values())
        days = store.event_days(EventQuery())
    publishers, kinds = choices["source"], choices["type"]
    lo, hi = days[0], days[-1]
    times = []
    for i in range(changes):
        at.multiselect(key="source").set_value([publishers[i % len(publishers)]])
        at.multiselect(key="type").set_value([kinds[i % len(kinds)]] if i % 2 else [])
        at.slider(key="dates").set_value((lo + timedelta(days=30 * (i + 1)), hi))
        at.text_input(key="q").set_value("the army" if i % 3 == 0 else "")
        t0 = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - t0)
        if at.exception:
            raise RuntimeError(at.exception)
    before = _rss_mb()
    kept = [run_new()[0] for _ in range(sessions)]
    per_session = (_rss_mb() - before) / sessions
    del kept

    t0 = time.perf_counter()
    frame = load_events(location)
    load_s = time.perf_counter() - t0
    frame_mb = frame.memory_usage(deep=True).sum() / 1e6
    state = FilterState(sources=(publishers[0],), date_from=lo + timedelta(days=30))
    t0 = time.perf_counter()
    mapview.map_features(apply_filters(frame, state))
    old_change = time.perf_counter() - t0
    return {
        "events": len(frame),
        "cold_s": cold,
        "load_s": warm,
        "change_median_s": statistics.median(times),
        "change_max_s": max(times),
        "session_mb": per_session,
        "rss_mb": _rss_mb(),
        "old_load_s": load_s,
        "old_frame_mb": frame_mb,
        "old_change_s": old_change,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 20000])
    parser.add_argument("--changes", type=int, default=7)
    parser.add_argument("--db-events", type=int, nargs="+", help="measure on real databases")
    parser.add_argument("--store", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--work", type=Path, default=Path("/tmp/geo-bench"))
    args = parser.parse_args()
    if args.db_events:
        args.work.mkdir(parents=True, exist_ok=True)
        print(f"python {platform.python_version()}, {platform.machine()}, {args.store}")
        print(
            f"{'events':>8} {'cold run':>9} {'warm load':>10} {'change med':>11} "
            f"{'change max':>11} {'MB/session':>11} {'old load':>9} {'old frame':>10} "
            f"{'old change':>11}"
        )
        for n in args.db_events:
            r = measure_database(bench_location(args.store, n, args.work), args.changes)
            print(
                f"{r['events']:>8} {r['cold_s']:>8.2f}s {r['load_s']:>9.2f}s "
                f"{r['change_median_s']:>10.3f}s {r['change_max_s']:>10.3f}s "
                f"{r['session_mb']:>10.1f} {r['old_load_s']:>8.2f}s "
                f"{r['old_frame_mb']:>8.0f}MB {r['old_change_s']:>10.3f}s",
                flush=True,
            )
        return
    print(f"python {platform.python_version()}, {platform.machine()}, seed {SEED}")
    print(
        f"{'events':>7} {'places':>7} {'first run':>10} {'rerun median':>13} "
        f"{'rerun max':>10} {'payload':>9} {'baseline payload':>17}"
    )
    for n in args.sizes:
        r = measure(n, args.changes)
        print(
            f"{r['events']:>7} {r['places']:>7} {r['first_run_s']:>9.2f}s "
            f"{r['rerun_median_s']:>12.3f}s {r['rerun_max_s']:>9.3f}s "
            f"{r['payload_mb']:>7.2f}MB {r['baseline_mb']:>15.2f}MB"
        )


if __name__ == "__main__":
    main()
