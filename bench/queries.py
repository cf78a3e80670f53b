"""Time the dashboard's questions to the database (geo/store/queries.py), one by one.

    python bench/queries.py DB [--old]

DB is a database made by `python -m geo synth` (a file or a postgresql:// URL). For five
views (every event; the last nine tenths of the period, as a date-slider drag; one week;
one publisher since 2016; a search) it prints each Store call the dashboard makes on a
filter change, its CPU time in this process (what SQLite does runs here; PostgreSQL's work
is in its server, so compare wall times there) and its wall time.
`--old` adds the old path: the whole events frame loaded into pandas, then apply_filters
and map_features over it.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.store import EventQuery, open_store
from geo.view import filters, mapview


def timed(label: str, call, *args, **kwargs):
    cpu, wall = time.process_time(), time.perf_counter()
    result = call(*args, **kwargs)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(f"{label:24s} cpu {cpu:7.3f} s   wall {wall:7.3f} s", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db")
    parser.add_argument("--old", action="store_true", help="also the old pandas path")
    args = parser.parse_args()
    with open_store(args.db) as store:
        values = timed("filter choices", store.filter_values)
        publisher = sorted(values["source"])[0]
        since = date(2016, 1, 1)
        first, last = store.date_bounds(EventQuery(show_all=True)) or (since, since)
        # a date-slider drag: the first thumb a tenth of the period to the right; the app
        # then asks both ends (SQLite's planner had read such a range down the date index)
        dragged = first + (last - first) / 10
        week = last - (last - first) / 2
        views = {
            "every event": EventQuery(),
            "the last nine tenths of the period": EventQuery(date_from=dragged, date_to=last),
            "one week": EventQuery(date_from=week, date_to=week + timedelta(days=6)),
            "a publisher since 2016": EventQuery(sources=(publisher,), date_from=since),
            "search 'the army'": EventQuery(text="the army"),
        }
        for name, query in views.items():
            print(f"-- {name}")
            timed("count", store.count_events, query)
            timed("hidden", store.hidden_events, query)
            types = timed("map: per point and type", store.point_types, query)
            firsts = timed("map: markers' first events", store.point_firsts, types)
            timed("map: features", mapview.features_from_points, types, firsts)
            timed("timeline: per day", store.day_counts, query, "event_type")
            timed("days with events", store.event_days, query)
            timed("table: a page of 500", store.query_events, query, limit=500)
            timed("list: newest 50", store.newest_happenings, query, 50)
            box = replace(query, bbox=(30.0, 30.0, 40.0, 45.0))
            timed("list: newest 50 in a box", store.newest_happenings, box, 50)
        if args.old:
            print("-- old path")
            frame = timed("load every event", store.load_events)
            state = filters.FilterState(sources=(publisher,), date_from=since)
            shown = timed("apply_filters", filters.apply_filters, frame, state)
            timed("map_features", mapview.map_features, shown)


if __name__ == "__main__":
    main()
