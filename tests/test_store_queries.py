"""The dashboard's questions answered in SQL (geo/store/queries.py) give what pandas gives
over the whole events frame (geo/view/filters.apply_filters and the views), on both
backends, over one synthetic database with unsure, undated, approximate and area events."""

from __future__ import annotations

import logging
import random
from dataclasses import replace
from datetime import date

import pandas as pd
import pytest

from geo.ingest.synth import synth_places, synthetic_batches
from geo.place.gazetteer import default_gazetteer
from geo.store import AnalyzedArticle, EventQuery, open_store, queries
from geo.store.base import QUERY_INDEXES, SCHEMA_VERSION
from geo.view import evidence, mapview, overview, timeline
from geo.view.filters import (
    FilterState,
    actors,
    apply_filters,
    choices_from,
    cited_sources,
    countries,
    date_bounds,
    event_query,
    event_types,
    hidden_count,
    precisions,
    publishers,
)
from tests.conftest import STORE_BACKENDS, Databases

CONFIDENCES = (None, 0.1, 0.3, 0.55, 0.7, 0.9, 1.0)


def _varied(item: AnalyzedArticle, rng: random.Random) -> AnalyzedArticle:
    """A synthetic article made less uniform: unsure and unknown confidences, undated
    events, places known only to their region or country, approximate ones, no admin1."""
    places = {}
    for p in item.places:
        roll = rng.random()
        place = p.place
        if roll < 0.08:
            place = replace(place, feature="country")
        elif roll < 0.15:
            place = replace(place, feature="admin1", admin1=None)
        approximate = rng.random() < 0.1
        places[(p.mention.start, p.mention.end)] = replace(p, place=place, approximate=approximate)
    events = []
    for e in item.events:
        location = places[(e.location.mention.start, e.location.mention.end)]
        day = None if rng.random() < 0.05 else e.event_date
        roll = rng.random()
        # no one named, or two actors (the cell "A; B")
        who = () if roll < 0.1 else (*e.actors, "Invented Brigade") if roll < 0.2 else e.actors
        events.append(
            replace(
                e,
                location=location,
                event_date=day,
                confidence=rng.choice(CONFIDENCES),
                actors=who,
            )
        )
    return AnalyzedArticle(item.article, list(places.values()), events)


@pytest.fixture(scope="module")
def batches():
    rng = random.Random(12)
    places = synth_places(default_gazetteer())
    return [
        [_varied(item, rng) for item in batch]
        for batch in synthetic_batches(1500, places, seed=12, batch_events=500)
    ]


@pytest.fixture(scope="module", params=STORE_BACKENDS)
def filled(request, batches, tmp_path_factory):
    """One store of each backend holding the varied synthetic events, and its frame."""
    made = Databases(request.param, tmp_path_factory.mktemp("queries"))
    with open_store(made.new()) as store:
        for batch in batches:
            store.write_bulk(batch)
        yield store, store.load_events()
    made.close()


def _states(frame: pd.DataFrame) -> list[FilterState]:
    source = frame["source"].dropna().iloc[0]
    other = frame["source"].dropna().iloc[-1]
    cited = cited_sources(frame)[:2]
    code = frame["country_code"].dropna().iloc[0]
    region = next(
        f"{c}/{a}"
        for c, a in zip(frame["country_code"], frame["admin1"], strict=True)
        if isinstance(a, str) and c != code
    )
    word = frame["place"].dropna().iloc[3][:4].upper()  # a search differing in case
    # a name beginning with a non-ASCII capital ("Ālbū Kamāl"), searched in lower case
    accented = next(n for n in frame["place"].dropna() if not n[0].isascii() and n[0].isupper())
    named = actors(frame)
    assert "Invented Brigade" in named and len(named) > 2
    return [
        FilterState(),
        FilterState(show_all=True),
        FilterState(date_from=date(2016, 3, 1), date_to=date(2017, 6, 30)),
        FilterState(date_from=date(2018, 1, 1), show_all=True),
        FilterState(date_to=date(2015, 5, 1)),
        FilterState(sources=(source, other)),
        FilterState(cited=tuple(cited)),
        FilterState(actors=("Invented Brigade",)),
        FilterState(actors=(named[0], named[-1]), show_all=True),
        FilterState(actors=("Invented",)),  # a part of a name is no actor
        FilterState(types=("airstrike", "shelling"), show_all=True),
        FilterState(countries=(code,)),
        FilterState(countries=(region,)),
        FilterState(countries=(code, region), precisions=("city",)),
        FilterState(precisions=("country", "admin1"), show_all=True),
        FilterState(query=word),
        FilterState(query=accented[:4].lower()),
        FilterState(query="  killed "),
        FilterState(query="no such words anywhere"),
        FilterState(query="ki"),  # shorter than a trigram: read without the text index
        FilterState(query='d"'),  # the quote of a phrase of SQLite's index
        FilterState(query="%"),  # LIKE's wildcards, matched as themselves
        FilterState(query="l_d"),
        FilterState(sources=(source,), types=("clash",), date_from=date(2015, 6, 1)),
    ]


def _ids(frame: pd.DataFrame) -> list[str]:
    return frame["event_id"].astype(str).tolist()


def test_every_filter_state_gives_the_events_apply_filters_gives(filled) -> None:
    store, frame = filled
    assert frame["on_map"].nunique() == 2 and frame["event_date"].isna().any()  # varied data
    for state in _states(frame):
        expected = apply_filters(frame, state)
        query = event_query(state)
        assert store.count_events(query) == len(expected), state
        assert store.hidden_events(query) == hidden_count(frame, state), state
        got = store.query_events(query)
        assert sorted(_ids(got)) == sorted(_ids(expected)), state
        dated = expected.loc[expected["event_date"].notna()]
        assert _ids(got)[: len(dated)] == _ids(dated), state  # by date, undated last
        assert store.date_bounds(query) == date_bounds(expected), state
        assert store.event_days(query) == timeline.event_days(expected), state
    assert len(apply_filters(frame, _states(frame)[-1])) > 0  # the states are not all empty


def test_a_page_holds_the_rows_of_the_whole_frame(filled) -> None:
    store, frame = filled
    query = event_query(FilterState(show_all=True))
    page = store.query_events(query, limit=40, offset=100)
    assert len(page) == 40
    # the per-happening columns count every report of the happening, not the page's
    assert (page["report_count"] > 1).any()
    expected = frame.set_index("event_id").loc[page["event_id"]].reset_index()
    pd.testing.assert_frame_equal(page, expected[page.columns])
    newest = store.query_events(query, limit=5, newest_first=True)
    assert newest["event_date"].is_monotonic_decreasing
    assert newest["event_date"].iloc[0] == frame["event_date"].max()
    by_id = store.events_by_ids([page["event_id"].iloc[3], "no-such-event"])
    assert _ids(by_id) == [page["event_id"].iloc[3]]


def test_pages_read_down_the_dates_then_the_undated_events_in_the_frames_order(filled) -> None:
    """A page is read from the dated events, then the undated ones (Store.query_events):
    pages of any size, across the boundary between them and past it, are the whole
    frame's rows in its order, oldest or newest first."""
    store, _frame = filled
    query = event_query(FilterState(show_all=True))
    whole = store.query_events(query)
    undated = int(whole["event_date"].isna().sum())
    assert 0 < undated < len(whole)
    for size in (7, 40, len(whole) - undated + 1):
        pages = [
            store.query_events(query, limit=size, offset=at) for at in range(0, len(whole), size)
        ]
        assert _ids(pd.concat(pages)) == _ids(whole), size
    beyond = store.query_events(query, limit=10, offset=len(whole) - undated + 2)
    assert _ids(beyond) == _ids(whole)[len(whole) - undated + 2 :][:10]
    assert store.query_events(query, limit=10, offset=len(whole)).empty
    newest = store.query_events(query, limit=len(whole), newest_first=True)
    dated = newest["event_date"].dropna()
    assert dated.is_monotonic_decreasing and newest["event_date"].iloc[-undated:].isna().all()


def test_the_list_of_every_happening_ends_with_the_undated_ones(filled) -> None:
    """newest_happenings reads the dated reports down the date index, then the undated:
    listed in full, the happenings are overview.newest_first's, undated last."""
    store, frame = filled
    shown = apply_filters(frame, FilterState())
    every = overview.grand_total(shown)[0]
    page, n = store.newest_happenings(event_query(FilterState()), every + 5)
    assert n == every == len(page)
    assert _ids(page) == _ids(overview.newest_first(shown, limit=every + 5))
    assert page["event_date"].iloc[-1] is pd.NaT or pd.isna(page["event_date"].iloc[-1])


def test_the_map_from_the_database_is_the_map_from_the_frame(filled) -> None:
    """The dashboard's markers as it asks for them (each point's first event alone, named
    by its types' first events, which also break a tie for the main type as map_features
    does: the type seen first) are map_features' without their popups; a
    clicked point's popup is the one map_features gives it."""
    store, frame = filled
    for state in (FilterState(), FilterState(types=("airstrike",), show_all=True)):
        shown = apply_filters(frame, state)
        query = event_query(state)
        expected = mapview.map_features(shown)["features"]
        types = store.point_types(query)
        firsts = store.point_firsts(types)
        assert len(firsts) == len(expected) > 100
        got = mapview.features_from_points(types, firsts)["features"]
        assert got == [
            {**f, "properties": {k: v for k, v in f["properties"].items() if k != "popup"}}
            for f in expected
        ]
        by_point = {tuple(f["geometry"]["coordinates"]): f for f in expected}
        lon, lat = got[0]["geometry"]["coordinates"]
        popup = by_point[(lon, lat)]["properties"]["popup"]
        assert mapview.point_popup(store.events_at(query, lat, lon)) == popup
        # the map modes' properties: deaths per point, its first event's country and region
        props = [f["properties"] for f in got]
        assert sum(p["killed"] for p in props) == int(shown["killed"].fillna(0).sum()) > 0
        assert any(p["killed"] == 0 for p in props) and any(p["killed"] > 1 for p in props)
        assert {p["style"]["deaths_radius"] for p in props} != {mapview.NO_DEATHS_RADIUS}
        assert len({p["country"] for p in props}) > 1
        assert any(p["admin1"] for p in props) and any(not p["admin1"] for p in props)
        assert mapview.province_counts({"features": got}) == mapview.province_counts(
            {"features": expected}
        )
        # the events of a clicked point
        assert _ids(store.events_at(query, lat, lon)) == _ids(mapview.events_at(shown, lat, lon))


def test_a_grid_adds_up_to_every_point(filled) -> None:
    store, frame = filled
    query = event_query(FilterState(show_all=True))
    grid = store.grid_counts(query, 2.0)
    shown = apply_filters(frame, FilterState(show_all=True))
    assert grid["events"].sum() == len(shown.dropna(subset=["latitude"]))
    assert len(grid.groupby(["cell_lat", "cell_lon"])) < len(mapview.markers(shown))
    assert grid["killed"].sum() == int(shown.dropna(subset=["latitude"])["killed"].sum())
    cells = mapview.features_from_grid(grid)["features"]
    assert sum(f["properties"]["killed"] for f in cells) == grid["killed"].sum()
    per_country = mapview.province_counts({"features": cells})["countries"]
    assert set(per_country) <= set(shown["country_code"].dropna())
    assert sum(n for n, _ in per_country.values()) == grid["events"].sum()
    inside = store.count_events(replace(query, bbox=(30.0, 35.0, 38.0, 43.0)))
    lat, lon = shown["latitude"], shown["longitude"]
    assert inside == int((lat.between(30, 38) & lon.between(35, 43)).sum()) > 0


def test_the_timeline_counts_are_the_frame_counts(filled) -> None:
    store, frame = filled
    for state in (FilterState(), FilterState(sources=(frame["source"].iloc[0],))):
        shown = apply_filters(frame, state)
        query = event_query(state)
        for by, column in timeline.STACK_BY.items():
            got = timeline.counts_by(store.day_counts(query, column), by)
            expected = timeline.daily_counts(shown, by)
            pd.testing.assert_frame_equal(got, expected, check_dtype=False)


def test_weekly_and_monthly_counts_add_up_the_daily_ones(filled) -> None:
    """The timeline of a long period counts per week (from Monday) or month, in SQL: the
    same events as the days, each under the first day of its week or month."""
    store, _frame = filled
    query = event_query(FilterState())
    daily = store.day_counts(query, "event_type")
    starts = {
        "week": daily["day"] - pd.to_timedelta(daily["day"].dt.day_of_week, unit="D"),
        "month": daily["day"].dt.to_period("M").dt.start_time,
    }
    for period, start in starts.items():
        expected = daily.assign(day=start).groupby(["day", "group"])["events"].sum().reset_index()
        got = store.day_counts(query, "event_type", period).sort_values(["day", "group"])
        pd.testing.assert_frame_equal(
            got.reset_index(drop=True), expected, check_dtype=False, obj=period
        )
        assert len(got) < len(daily), period
    with pytest.raises(ValueError, match="per 'year'"):
        store.day_counts(query, "event_type", "year")


def test_totals_and_choices_come_from_sql(filled) -> None:
    store, frame = filled
    shown = apply_filters(frame, FilterState())
    totals = store.totals(event_query(FilterState()), "event_type")
    expected = shown.groupby("event_type")["event_id"].count()
    assert dict(zip(totals["value"], totals["events"], strict=True)) == expected.to_dict()
    assert totals["events"].is_monotonic_decreasing
    killed = store.totals(event_query(FilterState()), "source")
    assert killed["killed"].sum() == shown["killed"].sum()
    # the base map names the towns of every event's country, most events first
    assert store.event_countries() == mapview.event_countries(frame)
    choices = choices_from(store.filter_values())
    assert list(choices.values()) == [
        publishers(frame),
        cited_sources(frame),
        event_types(frame),
        actors(frame),
        countries(frame),
        precisions(frame),
    ]


def test_the_overview_from_sql_is_the_overview_of_the_frame(filled) -> None:
    store, frame = filled
    for state in (FilterState(), FilterState(actors=("Invented Brigade",), show_all=True)):
        shown = apply_filters(frame, state)
        query = event_query(state)
        for by, column in overview.TOTALS_BY.items():
            got = overview.totals_from(store.happening_totals(query, column), by)
            pd.testing.assert_frame_equal(got, overview.totals(shown, by), check_dtype=False)
        every = store.happening_totals(query, None)
        assert (int(every["events"].sum()), int(every["killed"].sum())) == (
            overview.grand_total(shown)
        )
        assert overview.grand_total(shown)[1] > 0
        counts = []
        for box in (
            None,
            overview.Bounds(30.0, 35.0, 38.0, 43.0),
            overview.Bounds(-80.0, -540.0, 80.0, 540.0),  # wider than the world
            overview.Bounds(-60.0, 170.0, 60.0, -100.0),  # across the antimeridian
        ):
            inside = overview.in_bounds(shown, box)
            page, n = store.newest_happenings(replace(query, bbox=overview.bbox(box)), 100)
            assert n == overview.grand_total(inside)[0], box
            assert _ids(page) == _ids(overview.newest_first(inside)), box
            counts.append(n)
        assert counts[0] > 100 and len(page) == 0  # the list cut at its limit; an empty view
    assert overview.totals_from(
        store.happening_totals(EventQuery(text="no such"), "actors"), "actor"
    ).empty


def test_a_box_of_many_events_filters_the_walk_and_gives_the_same_list(filled, monkeypatch):
    """SQLiteStore.box_columns: a box (the map's view) holding many events filters a walk
    down the days' and happenings' indexes instead of leading by the point index; one
    holding few leads. Either way the list and the count are the frame's."""
    from geo.store import queries
    from geo.store.sqlite import SQLiteStore

    store, frame = filled
    shown = apply_filters(frame, FilterState())
    wide = overview.Bounds(-80.0, -179.0, 80.0, 179.0)
    empty = overview.Bounds(-40.0, -30.0, -39.0, -29.0)  # the South Atlantic
    if isinstance(store, SQLiteStore):
        monkeypatch.setattr(SQLiteStore, "BOX_LEADS_BELOW", 100)
        wide_query = replace(event_query(FilterState()), bbox=overview.bbox(wide))
        empty_query = replace(event_query(FilterState()), bbox=overview.bbox(empty))
        assert store.box_columns(wide_query) is queries.FACTS_BOX_UNINDEXED
        assert store.box_columns(empty_query) is queries.FACTS
        assert store.box_columns(replace(wide_query, text="brigade")) is queries.FACTS
        sql, params = queries.newest_reports_sql(
            wide_query, store.dialect, 400, columns=queries.FACTS_BOX_UNINDEXED
        )
        plan = " ".join(r[3] for r in store.db.execute("EXPLAIN QUERY PLAN " + sql, params))
        assert "facts_point" not in plan, plan
    else:
        assert store.box_columns(event_query(FilterState())) is queries.FACTS
    for box in (wide, empty):
        inside = overview.in_bounds(shown, box)
        query = replace(event_query(FilterState()), bbox=overview.bbox(box))
        page, n = store.newest_happenings(query, 100)
        assert n == overview.grand_total(inside)[0], box
        assert _ids(page) == _ids(overview.newest_first(inside)), box


def test_the_reports_of_a_happening(filled) -> None:
    store, frame = filled
    grouped = frame.loc[frame["report_count"] > 2, "event_id"].iloc[0]
    got = evidence.reports_for(store.reports_of(grouped), grouped)
    pd.testing.assert_frame_equal(got, evidence.reports_for(frame, grouped))
    assert store.reports_of("no-such-event").empty


def test_an_empty_store_answers_every_question(store) -> None:
    query = EventQuery()
    assert store.count_events(query) == 0 and store.hidden_events(query) == 0
    assert store.query_events(query, limit=10).empty
    types = store.point_types(query)
    assert types.empty
    assert store.point_firsts(types).empty
    assert store.event_countries() == ()
    assert store.newest_happenings(query, 10)[1] == 0
    assert store.happening_totals(query, "actors").empty
    assert int(store.happening_totals(query, None)["events"].sum()) == 0
    assert store.day_counts(query).empty and store.date_bounds(query) is None
    assert choices_from(store.filter_values()) == {
        key: [] for key in choices_from(store.filter_values())
    }


def test_a_database_of_version_7_gets_the_query_indexes(databases) -> None:
    location = databases.new()
    with open_store(location) as store:
        for statement in QUERY_INDEXES:
            name = statement.split(" ON ")[0].split()[-1]
            store._select("SELECT 1 AS one FROM events LIMIT 0")  # the store works
            if databases.backend == "sqlite":
                store.db.execute(f"DROP INDEX {name}")
            else:
                store.db.execute(f"DROP INDEX {name}")
        if databases.backend == "sqlite":
            store.db.execute("PRAGMA user_version = 7")
        else:
            store.db.execute("UPDATE store_meta SET value = 7 WHERE key = 'schema_version'")
    with open_store(location) as store:
        if databases.backend == "sqlite":
            names = set(
                store._select("SELECT name FROM sqlite_master WHERE type = 'index'")["name"]
            )
            version = store.db.execute("PRAGMA user_version").fetchone()[0]
        else:
            names = set(store._select("SELECT indexname AS name FROM pg_indexes")["name"])
            version = store._select(
                "SELECT value FROM store_meta WHERE key = 'schema_version'"
            ).iloc[0, 0]
    assert {s.split(" ON ")[0].split()[-1] for s in QUERY_INDEXES} <= names
    assert version == SCHEMA_VERSION


def test_a_wide_date_range_is_scanned_and_a_narrow_one_read_down_the_index(filled) -> None:
    """SQLite has no statistics of ranges: SQLiteStore asks a range holding much of the
    events' period without the date index (a scan) and a narrow one with it; both ways
    give the same answers."""
    from geo.store import queries
    from geo.store.sqlite import SQLiteStore

    store, frame = filled
    days = pd.to_datetime(frame["event_date"].dropna())
    first, last = days.min().date(), days.max().date()
    wide = event_query(FilterState(date_from=first.replace(day=1) if first.day > 1 else first))
    narrow = event_query(FilterState(date_from=last, date_to=last))
    assert queries.date_range_share(wide.date_from, wide.date_to, str(first), str(last)) == 1.0
    assert queries.date_range_share(None, None, "not a date", None) == 1.0
    assert queries.date_range_share(date(1990, 1, 1), date(1990, 2, 1), str(first), str(last)) == 0
    if not isinstance(store, SQLiteStore):
        assert store._dialect_for(wide) is store.dialect  # PostgreSQL plans by its statistics
        return
    assert store._dialect_for(wide) is queries.SQLITE_SCAN_DATES
    assert store._dialect_for(narrow) is queries.SQLITE
    for query in (wide, narrow):
        answers = []
        for dialect in (queries.SQLITE, queries.SQLITE_SCAN_DATES):
            sql, params = queries.place_types_sql(query, dialect)
            plan = " ".join(r[3] for r in store.db.execute("EXPLAIN QUERY PLAN " + sql, params))
            assert ("events_date" in plan) is (dialect is queries.SQLITE), plan
            answers.append(store._select(sql, params).sort_values(["latitude", "longitude"]))
        pd.testing.assert_frame_equal(*(a.reset_index(drop=True) for a in answers))


def _facts(store) -> pd.DataFrame:
    """The facts without SQLite's row numbers (`fact_id`, which a new fill renumbers)."""
    columns = ", ".join(queries.FACTS_COLUMNS)
    sql = f"SELECT {columns} FROM event_facts ORDER BY event_id"
    return store._select(sql).reset_index(drop=True)


def _facts_made_anew(store) -> pd.DataFrame:
    """The facts as a new fill from the events, articles and places makes them."""
    with store._writing() as db:  # SQLite's connection, PostgreSQL's cursor
        db.execute("DELETE FROM event_facts")
        db.execute(queries.facts_fill_sql(store.dialect, None))
    return _facts(store)


def test_the_facts_follow_every_write(databases, batches) -> None:
    """event_facts stays what a fill from the stored events makes, through new articles,
    an article replaced by a changed text, report groups relinked by a later article, a
    place corrected to another and one to "not a place"."""
    first, second = batches[0][:40], batches[1][:40]
    with open_store(databases.new()) as store:
        store.write_batch(first)
        store.write_bulk(second)
        changed = first[3]
        text = changed.article.text + " More."
        article = replace(changed.article, text=text, content_hash="changed")
        store.write_batch([AnalyzedArticle(article, changed.places, changed.events[:1])])
        stored = store.stored_places()
        aid = next(a for a, places in stored.items() if sum(p.resolved for p in places) >= 2)
        moved, dropped = [p for p in stored[aid] if p.resolved][:2]
        there = replace(moved.place, latitude=moved.place.latitude + 0.5)
        store.update_places({aid: [replace(moved, place=there), replace(dropped, place=None)]})
        facts = _facts(store)
        assert len(facts) == store.count_events(EventQuery(show_all=True))
        assert set(facts["article_id"]) >= {aid, article.article_id}
        # the text index follows: a search finds what pandas finds in the stored events
        frame = store.load_events()
        words = [frame["place"].iloc[0], frame["title"].iloc[-1][-6:], "killed", "zzq"]
        for word in words:
            state = FilterState(query=word, show_all=True)
            assert store.count_events(event_query(state)) == len(apply_filters(frame, state))
        if databases.backend == "sqlite":
            store.db.execute("INSERT INTO event_search (event_search) VALUES ('integrity-check')")
        pd.testing.assert_frame_equal(facts, _facts_made_anew(store))


def test_a_database_of_version_8_gets_its_facts(databases, batches) -> None:
    location = databases.new()
    with open_store(location) as store:
        store.write_bulk(batches[0][:30])
        expected = _facts(store)
        store.db.execute("DROP TABLE event_facts")
        if databases.backend == "sqlite":
            store.db.execute("PRAGMA user_version = 8")
        else:
            store.db.execute("UPDATE store_meta SET value = 8 WHERE key = 'schema_version'")
    with open_store(location) as store:
        assert len(expected) > 0
        pd.testing.assert_frame_equal(_facts(store), expected)


def test_a_search_of_three_letters_or_more_is_found_by_the_text_index(filled) -> None:
    """SQLite's FTS5 trigram table answers a search of three letters or more; a shorter
    one reads the facts (a trigram index cannot find it). PostgreSQL has pg_trgm's index.
    Neither joins the events to their articles and places."""
    from geo.store.sqlite import SQLiteStore

    store, _frame = filled
    for needle, indexed in (("aleppo", True), ("al", False), ("çanak", False)):
        sql, params = queries.count_sql(EventQuery(text=needle), store.dialect, queries.FACTS)
        assert "JOIN" not in sql
        if isinstance(store, SQLiteStore):
            plan = " ".join(r[3] for r in store.db.execute("EXPLAIN QUERY PLAN " + sql, params))
            assert ("event_search" in plan) is indexed, plan
    if not isinstance(store, SQLiteStore):
        names = set(store._select("SELECT indexname AS name FROM pg_indexes")["name"])
        assert "facts_search" in names


def test_a_postgresql_without_the_trigram_extension_still_searches(
    databases, batches, monkeypatch, caplog
) -> None:
    """Where pg_trgm cannot be created (a hosted server without it), the store opens, says
    so, and a search reads every fact: the same events."""
    if databases.backend != "postgresql":
        pytest.skip("PostgreSQL's extension")
    from geo.store import postgres

    missing = ("CREATE EXTENSION IF NOT EXISTS geo_no_such_extension",)
    monkeypatch.setattr(postgres, "TRIGRAM_INDEX", missing)
    with caplog.at_level(logging.WARNING), open_store(databases.new()) as store:
        store.write_bulk(batches[0][:20])
        names = set(store._select("SELECT indexname AS name FROM pg_indexes")["name"])
        frame = store.load_events()
        for word in (frame["place"].iloc[0], "killed"):
            state = FilterState(query=word, show_all=True)
            assert store.count_events(event_query(state)) == len(apply_filters(frame, state))
    assert "facts_search" not in names
    assert "no trigram index" in caplog.text


def test_a_postgresql_connection_raises_its_sort_memory_but_never_lowers_it(databases) -> None:
    """The dashboard's grouped questions sort or hash every matching event: a connection
    of the store may use READ_WORK_MEM_KB per sort (PostgreSQL's 4 MB default spilled them
    to disk); a higher value set for the connection by its URL stays."""
    if databases.backend != "postgresql":
        pytest.skip("PostgreSQL's work_mem")
    from geo.store import postgres

    def work_mem_kb(store) -> int:
        query = "SELECT setting::bigint FROM pg_settings WHERE name = 'work_mem'"
        return int(store.db.execute(query).fetchone()[0])

    location = str(databases.new())
    with open_store(location) as store:
        assert work_mem_kb(store) == postgres.READ_WORK_MEM_KB
    joiner = "&" if "?" in location else "?"
    with open_store(f"{location}{joiner}options=-c%20work_mem%3D256MB") as store:
        assert work_mem_kb(store) == 256 * 1024


def test_sqlite_reads_a_wide_date_range_with_both_ends_by_a_scan(filled) -> None:
    """Without range statistics SQLite took a range given at both ends for a narrow one and
    walked the date index into a sort; a range over most of the period is read by a scan
    of the point index, in the map's order. A narrow range keeps the date index."""
    from geo.store.sqlite import SQLiteStore

    store, _frame = filled
    if not isinstance(store, SQLiteStore):
        pytest.skip("SQLite's planner")
    first, last = store.date_bounds(EventQuery(show_all=True))
    wide = EventQuery(date_from=first + (last - first) * 0.13, date_to=last)
    narrow = EventQuery(date_from=last - (last - first) * 0.02, date_to=last)
    for query, index in ((wide, "facts_point"), (narrow, "facts_day")):
        sql, params = queries.place_types_sql(query, *store._plan(query))
        plan = " ".join(r[3] for r in store.db.execute("EXPLAIN QUERY PLAN " + sql, params))
        assert index in plan, plan
    assert len(store.point_types(wide)) > 0
