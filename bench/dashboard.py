"""Benchmark the dashboard on synthetic databases: page load, filter change, memory.

Run from the project root:

    python bench/dashboard.py [--db-events 20000 200000] [--store sqlite|postgresql]

Each database is filled by `python -m geo synth` (kept in --work, made once; `--store
postgresql` uses the server of $GEO_TEST_POSTGRES_URL, databases geo_bench_N), and the real
dashboard.py runs on it in Streamlit's AppTest (server side, no browser); the app asks the
database (geo/app/data.py):

- cold: a new server's first run (every cache empty);
- load: a new session's first run on a warm server (the caches of an earlier session warm);
- change: the median and max rerun after a filter change (publisher, type, dates, search;
  each a new state, nothing cached for it);
- memory: the server's RSS growth per extra session (5 more sessions kept open);
- payload: the bytes the map component receives for the unfiltered view;
- old path, same database and run: loading the whole events frame into pandas (what each
  new stamp cost before), its size in memory, and a filter change over it (apply_filters +
  map_features); folium's usual recipe (a Marker with a popup per event in a
  MarkerCluster) rendered, up to 50,000 events.

Nothing is written into the repository; no network beyond the loopback database.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pandas as pd

PROJECT_DIR = Path(__file__).resolve().parent.parent


def payload_bytes(call: dict) -> int:
    parts = (call.get(k) or "" for k in ("script", "html", "header", "feature_group"))
    return sum(len(p.encode("utf-8")) for p in parts)


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
    import streamlit_folium

    captured: list[dict] = []
    streamlit_folium._component_func = lambda **kwargs: captured.append(kwargs)

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
    payload = payload_bytes(captured[-1])
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
        "payload_mb": payload / 1e6,
        "baseline_mb": baseline_bytes(frame) / 1e6 if len(frame) <= 50_000 else float("nan"),
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
    parser.add_argument("--db-events", type=int, nargs="+", default=[20000])
    parser.add_argument("--changes", type=int, default=7)
    parser.add_argument("--store", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--work", type=Path, default=Path("/tmp/geo-bench"))
    args = parser.parse_args()
    if args.db_events:
        args.work.mkdir(parents=True, exist_ok=True)
        print(f"python {platform.python_version()}, {platform.machine()}, {args.store}")
        print(
            f"{'events':>8} {'cold run':>9} {'warm load':>10} {'change med':>11} "
            f"{'change max':>11} {'MB/session':>11} {'old load':>9} {'old frame':>10} "
            f"{'old change':>11} {'payload':>8} {'folium recipe':>14}"
        )
        for n in args.db_events:
            r = measure_database(bench_location(args.store, n, args.work), args.changes)
            print(
                f"{r['events']:>8} {r['cold_s']:>8.2f}s {r['load_s']:>9.2f}s "
                f"{r['change_median_s']:>10.3f}s {r['change_max_s']:>10.3f}s "
                f"{r['session_mb']:>10.1f} {r['old_load_s']:>8.2f}s "
                f"{r['old_frame_mb']:>8.0f}MB {r['old_change_s']:>10.3f}s "
                f"{r['payload_mb']:>6.2f}MB {r['baseline_mb']:>12.2f}MB",
                flush=True,
            )


if __name__ == "__main__":
    main()
