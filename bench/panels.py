"""Where a dashboard script run's time goes, server-side: each panel of dashboard.py and
each question it asks the database (geo/app/data.py `Data`), timed in Streamlit's AppTest.

    python bench/panels.py --db /tmp/geo-bench/sqlite-v10-20000.db [--runs 5] [--profile 40]
    python bench/panels.py --db ... --change dates      # or publisher; default search
    python -m geo synth --events 20000 --db /tmp/geo-bench/sqlite-v10-20000.db  # first

`--db` takes a SQLite path or a postgresql:// URL (GEO_DB). Each run sets a new search
word first, so every answer of the new filter state is computed (cold) while those of the
database stamp stay cached, as in the app after a filter change; then one more run with
nothing changed (warm: a pan, a click). `--change dates` drags the slider's start instead
(run k: the last 1 - (0.08 + 0.05 k) of the period, as bench/browser.py drags it), and
`--change publisher` chooses one publisher per run (the choices in turn). Prints the
median seconds per panel of the cold runs, the warm run's, and the bytes the map component
and the timeline's chart received. The machine's other work shows in the seconds: compare
ratios measured in one run.
`--profile N` adds a cProfile of the script thread over the filter-changed runs.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import os
import pstats
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

PANELS = (
    ("data", "load"), ("filters", "sidebar"), ("maps", "events_map"), ("export", "share"),
    ("evidence", "panel"), ("overview", "event_list"), ("timeline", "panel"),
    ("table", "panel"), ("overview", "totals_panel"), ("add_articles", "panel"),
    ("sources", "panel"), ("corrections", "panel"), ("export", "panel"),
)  # fmt: skip
QUESTIONS = (
    "features", "count", "day_counts", "page", "in_view", "happening_totals", "event_days",
    "extent", "countries",
)  # fmt: skip
SEARCHES = ("a", "e", "o", "i", "an", "er", "on", "in", "at", "re")


def _timed(function, label: str, spent: dict):
    @functools.wraps(function)
    def timed(*args, **kwargs):
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            spent[label] = spent.get(label, 0.0) + time.perf_counter() - started

    return timed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="a SQLite path or a postgresql:// URL")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--profile", type=int, default=0, metavar="N",
        help="also print the N functions of most cumulative time in the filter-changed runs",
    )  # fmt: skip
    parser.add_argument(
        "--change", choices=("search", "dates", "publisher"), default="search",
        help="what each filter-changed run changes (default: a new search word)",
    )  # fmt: skip
    args = parser.parse_args()
    os.environ["GEO_DB"] = args.db

    import importlib

    import streamlit as st
    import streamlit_folium
    from streamlit.testing.v1 import AppTest

    from geo.app import data, maps
    from geo.view.filters import DATES_PARAM, QUERY_PARAM, SOURCE_PARAM

    spent: dict[str, float] = {}
    for module_name, name in PANELS:
        module = importlib.import_module(f"geo.app.{module_name}")
        setattr(module, name, _timed(getattr(module, name), f"{module_name}.{name}", spent))
    for name in QUESTIONS:
        setattr(data.Data, name, _timed(getattr(data.Data, name), f"Data.{name}", spent))
    sent: dict[str, int] = {}
    component = streamlit_folium._component_func

    def counted(**kwargs):
        sent["layer"] = len((kwargs.get("feature_group") or "").encode())
        sent["script"] = len((kwargs.get("script") or "").encode())
        return component(**kwargs)

    streamlit_folium._component_func = counted
    charts: list = []  # the timeline's chart of the last run (measured after it)
    altair_chart = st.altair_chart

    def kept(chart, *args, **kwargs):
        charts[:] = [chart]
        return altair_chart(chart, *args, **kwargs)

    st.altair_chart = kept
    maps.st_folium = _timed(maps.st_folium, "st_folium", spent)

    app = AppTest.from_file(str(PROJECT_DIR / "dashboard.py"), default_timeout=600)
    app.run()
    if app.exception:
        print(app.exception, file=sys.stderr)
        return 1
    cold: dict[str, list[float]] = defaultdict(list)
    profiler = cProfile.Profile() if args.profile else None
    if profiler is not None:
        # AppTest runs the script in a thread of its own: profiled from inside it
        from streamlit.testing.v1.local_script_runner import LocalScriptRunner

        script_thread = LocalScriptRunner._run_script_thread

        def profiled(self) -> None:
            profiler.enable()
            try:
                script_thread(self)
            finally:
                profiler.disable()

        LocalScriptRunner._run_script_thread = profiled

    period = app.slider(key=DATES_PARAM).value if args.change == "dates" else None

    def change(run: int) -> None:
        if args.change == "search":
            app.text_input(key=QUERY_PARAM).set_value(SEARCHES[run % len(SEARCHES)])
        elif args.change == "dates":
            first, last = period  # the whole period, as the first run showed it
            start = first + (last - first) * (0.08 + 0.05 * run)
            app.slider(key=DATES_PARAM).set_value((start, last))
        else:
            publishers = app.multiselect(key=SOURCE_PARAM)
            publishers.set_value([publishers.options[run % len(publishers.options)]])

    for run in range(args.runs):
        spent.clear()
        change(run)
        started = time.perf_counter()
        app.run()
        spent["whole run"] = time.perf_counter() - started
        if app.exception:
            print(app.exception, file=sys.stderr)
            return 1
        for label, seconds in spent.items():
            cold[label].append(seconds)
    spent.clear()
    started = time.perf_counter()
    app.run()
    spent["whole run"] = time.perf_counter() - started
    warm = dict(spent)
    print(
        f"database: {args.db.split('@')[-1]}; change: {args.change}; runs: {args.runs}; "
        f"load {os.getloadavg()[0]:.1f}"
    )
    print(
        f"{'panel or question':28s} {'filter changed (median s)':>26s} {'nothing changed (s)':>20s}"
    )
    for label in sorted(cold, key=lambda k: -statistics.median(cold[k])):
        print(f"{label:28s} {statistics.median(cold[label]):26.3f} {warm.get(label, 0.0):20.3f}")
    print(f"bytes to the map component (last run): layer {sent.get('layer', 0):,}, "
          f"script {sent.get('script', 0):,}")  # fmt: skip
    if charts:
        import altair as alt

        with alt.data_transformers.disable_max_rows():
            size = len(charts[0].to_json().encode())
        print(f"the timeline's chart (last run): {len(charts[0].data):,} rows, {size:,} bytes")
    if profiler is not None:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.profile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
