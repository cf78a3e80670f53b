"""The dashboard through Streamlit's AppTest, on the real store and pipeline.

The database is a new store of each backend (GEO_DB: a temporary SQLite file, then a
PostgreSQL database when the tests have a server) that the dashboard seeds on its first run;
an extra article from a second publisher is then ingested beside the seeds, so that every
filter has something to separate.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.app import tabs
from geo.app.filters import PLAY_TICK
from geo.app.overview import TOTALS
from geo.ingest.pipeline import ingest_paths
from geo.store import load_events
from geo.view.filters import (
    FilterState,
    apply_filters,
    count_label,
    date_bounds,
    publishers,
)
from tests.conftest import (
    EXTRA_PUBLISHER,
    STORE_BACKENDS,
    Databases,
    open_tab,
    write_extra_article,
)

DASHBOARD = str(Path(__file__).resolve().parent.parent / "dashboard.py")
FIRST_RUN_TIMEOUT = 600  # the first run seeds the database (and may build the gazetteer)
TIMEOUT = 60


@pytest.fixture(autouse=True)
def _local(local_server):
    """Every test here runs the dashboard as on one's own machine (tests/conftest.py)."""


def shared_link(at: AppTest) -> str:
    """The share link shown as text beside its copy button."""
    return next(t.value for t in at.text if t.value.startswith(("http", "?")))


def table(at: AppTest):
    """The events table under the map."""
    [found] = [d for d in at.dataframe if d.key == "table"]
    return found


def count(at: AppTest) -> str:
    assert not at.exception, at.exception
    return at.subheader[0].value


@pytest.fixture(scope="module", params=STORE_BACKENDS)
def app_databases(request, tmp_path_factory):
    """New stores of each backend in turn, for this module's tests."""
    made = Databases(request.param, tmp_path_factory.mktemp("stores"))
    yield made
    made.close()


@pytest.fixture(scope="module")
def database(app_databases, tmp_path_factory):
    """A database seeded by the dashboard's first run, plus the extra article."""
    folder = tmp_path_factory.mktemp("app")
    db = app_databases.new()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GEO_DB", str(db))
        first = AppTest.from_file(DASHBOARD, default_timeout=FIRST_RUN_TIMEOUT).run()
        seeded = load_events(db)
        first_label = count(first)
    write_extra_article(folder / "extra")
    ingest_paths([folder / "extra"], db)
    return {"path": db, "seeded": seeded, "first_label": first_label, "stores": app_databases}


@pytest.fixture
def app(database, monkeypatch):
    """Run the dashboard on the test database; return (AppTest, all events)."""
    monkeypatch.setenv("GEO_DB", str(database["path"]))

    def run(**query_params) -> AppTest:
        at = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT)
        at.query_params.update(query_params)
        return at.run()

    return run, load_events(database["path"])


def test_first_start_ingests_the_seeds(database):
    seeded = database["seeded"]
    assert len(seeded) > 0, "the seed articles gave no event"
    assert database["first_label"] == count_label(len(seeded))


def test_shows_every_event_with_map_and_table(app):
    run, frame = app
    at = run()
    assert count(at) == count_label(len(frame))
    assert at.slider(key="dates").value == date_bounds(frame)
    assert set(at.multiselect(key="source").options) == set(publishers(frame))
    assert EXTRA_PUBLISHER in at.multiselect(key="source").options
    assert len(table(at).value) == len(frame)
    assert not at.info


def test_date_slider_changes_the_count(app):
    run, frame = app
    lo, hi = date_bounds(frame)
    candidates = [(lo, hi - timedelta(days=1)), (lo, lo), (hi, hi)]
    chosen = next(
        c
        for c in candidates
        if len(apply_filters(frame, FilterState(date_from=c[0], date_to=c[1]))) != len(frame)
    )
    expected = apply_filters(frame, FilterState(date_from=chosen[0], date_to=chosen[1]))

    at = run()
    before = count(at)
    at.slider(key="dates").set_value(chosen).run()
    assert count(at) == count_label(len(expected)) != before
    assert len(table(at).value) == len(expected)


def test_publisher_filter_changes_the_count(app):
    run, frame = app
    expected = apply_filters(frame, FilterState(sources=(EXTRA_PUBLISHER,)))
    assert 0 < len(expected) < len(frame)

    at = run()
    before = count(at)
    at.multiselect(key="source").select(EXTRA_PUBLISHER).run()
    assert count(at) == count_label(len(expected)) != before
    assert set(table(at).value["publisher"]) == {EXTRA_PUBLISHER}


def test_search_changes_the_count(app):
    run, frame = app
    expected = apply_filters(frame, FilterState(query="paris"))
    assert 0 < len(expected) < len(frame)

    at = run()
    before = count(at)
    at.text_input(key="q").input("paris").run()
    assert count(at) == count_label(len(expected)) != before
    assert f"of {count_label(len(frame))} in the database" in [c.value for c in at.caption]


def test_the_slow_answers_are_asked_ahead_once_each(app, monkeypatch):
    """Data.ask_ahead starts the map's, the list's and the timeline's answers in threads;
    each panel then takes that answer (Streamlit computes one key once), so a filter change
    asks the database each question once, and the panels show the answers. Which thread
    takes a key's lock first is a race (a busy machine starts the pool late and the panel
    computes it): here each job is waited for as it is submitted, so the panels find the
    pool's answers only if ask_ahead asked the very keys they ask."""
    import threading

    from geo.app import data as app_data
    from geo.store.base import Store

    run, frame = app
    pool = app_data._AHEAD

    def submit_and_wait(fn, *args, **kwargs):
        future = type(pool).submit(pool, fn, *args, **kwargs)
        future.result()
        return future

    monkeypatch.setattr(pool, "submit", submit_and_wait)
    asked: dict[str, list[str]] = {}
    for name in ("point_types", "newest_happenings", "day_counts"):
        original = getattr(Store, name)

        def spy(self, *args, _name=name, _original=original, **kwargs):
            asked.setdefault(_name, []).append(threading.current_thread().name)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(Store, name, spy)
    at = run()
    asked.clear()
    word = "aleppo"  # a search of its own: none of its answers is cached yet
    expected = apply_filters(frame, FilterState(query=word))
    assert len(expected) > 0
    at.text_input(key="q").input(word).run()
    assert count(at) == count_label(len(expected))
    assert {name: len(threads) for name, threads in asked.items()} == {
        "point_types": 1, "newest_happenings": 1, "day_counts": 1,
    }  # fmt: skip
    assert all(t.startswith("geo-ahead") for threads in asked.values() for t in threads)


def test_the_objects_of_startup_are_frozen_out_of_the_collections(app):
    """Streamlit collects every generation after each run; what the first run imported
    and loaded is frozen (gc.freeze), so those collections walk only what runs made."""
    import gc

    run, _frame = app
    run()
    assert gc.get_freeze_count() > 10_000


def test_link_reopens_the_same_view(app):
    run, frame = app
    paris = apply_filters(frame, FilterState(sources=(EXTRA_PUBLISHER,), query="Paris"))
    day = paris["event_date"].min().date()
    state = FilterState(day - timedelta(days=1), day, (EXTRA_PUBLISHER,), "Paris")
    params = {
        "dates": [state.date_from.isoformat(), state.date_to.isoformat()],
        "source": [EXTRA_PUBLISHER],
        "q": "Paris",
    }
    expected = apply_filters(frame, state)
    assert 0 < len(expected) < len(frame)

    at = run(**params)
    # The slider spans the events the other filters let through.
    lo, hi = date_bounds(
        apply_filters(frame, FilterState(sources=(EXTRA_PUBLISHER,), query="Paris"))
    )
    if lo < hi:
        assert at.slider(key="dates").value == (max(lo, state.date_from), state.date_to)
    else:
        assert any(f"dated {lo.isoformat()}" in c.value for c in at.sidebar.caption)
    assert at.multiselect(key="source").value == [EXTRA_PUBLISHER]
    assert at.text_input(key="q").value == "Paris"
    assert count(at) == count_label(len(expected))


def test_new_articles_widen_a_whole_date_range(database, tmp_path, monkeypatch):
    """Articles ingested while the page is open: a whole range follows the data."""
    db = database["stores"].copy(database["path"])
    monkeypatch.setenv("GEO_DB", str(db))
    at = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT).run()
    lo, _hi = at.slider(key="dates").value

    later = tmp_path / "later"
    later.mkdir()
    (later / "later.txt").write_text(
        "Clashes in Homs\n\nFighters clashed in Homs on 5 May 2018.\n", encoding="utf-8"
    )
    (later / "manifest.yaml").write_text(
        "later.txt:\n  source: Later News\n  published: 2018-05-06\n", encoding="utf-8"
    )
    ingest_paths([later], db)
    frame = load_events(db)
    assert date_bounds(frame)[1] >= date(2018, 5, 5)

    at.run()
    assert at.slider(key="dates").value == date_bounds(frame) == (lo, date_bounds(frame)[1])
    assert count(at) == count_label(len(frame))


def test_bad_link_values_are_ignored(app):
    run, frame = app
    at = run(dates=["2016-13-40", "soon"], source=["Nobody"], q="")
    assert count(at) == count_label(len(frame))


def test_no_match_says_so(app):
    run, _frame = app
    at = run(q="no such place anywhere")
    assert count(at) == "0 events"
    assert "No events match" in at.info[0].value
    assert not at.dataframe


def test_empty_database(tmp_path, store_location, monkeypatch):
    """A database whose only article names no place: no seeding, no events, no crash."""
    folder = tmp_path / "quiet"
    folder.mkdir()
    (folder / "quiet.txt").write_text(
        "Nothing happened\n\nIt was a quiet day and nothing at all happened.\n", encoding="utf-8"
    )
    db = store_location
    ingest_paths([folder], db)
    assert load_events(db).empty
    monkeypatch.setenv("GEO_DB", str(db))

    at = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT).run()
    assert count(at) == "0 events"
    assert "holds no events yet" in at.info[0].value
    assert not at.slider


def html_bodies(at: AppTest) -> list[str]:
    return [h.proto.body for h in at.get("html")]


def test_every_filter_is_bound_to_the_url(app):
    run, frame = app
    kind = sorted(set(frame["event_type"].dropna()))[0]
    code = sorted(set(frame["country_code"].dropna()))[0]
    level = sorted(set(frame["precision"].dropna()))[0]
    state = FilterState(types=(kind,), countries=(code,), precisions=(level,))
    expected = apply_filters(frame, state)
    at = run(type=[kind], country=[code], precision=[level])
    assert at.multiselect(key="type").value == [kind]
    assert at.multiselect(key="country").value == [code]
    assert at.multiselect(key="precision").value == [level]
    assert count(at) == count_label(len(expected))
    # The share link carries the same view.
    link = shared_link(at)
    assert f"type={kind}" in link and f"country={code}" in link


def test_event_link_opens_its_evidence(app):
    run, frame = app
    event = frame.iloc[0]
    at = run(event=str(event["event_id"]))
    assert not at.exception
    panels = [b for b in html_bodies(at) if '<div class="ev-panel">' in b]
    assert len(panels) == 1
    assert str(event["source"]).split("<")[0] in panels[0]
    assert "event=" + str(event["event_id"]) in shared_link(at)


def test_unknown_event_link_is_ignored(app):
    run, frame = app
    at = run(event="no-such-event")
    assert count(at) == count_label(len(frame))
    assert not [b for b in html_bodies(at) if '<div class="ev-panel">' in b]


def test_heat_map_and_timeline_by_publisher(app):
    run, _frame = app
    at = run(heat="true")
    assert at.toggle(key="heat").value is True
    at.toggle(key="heat").set_value(False).run()
    assert not at.exception


def test_step_buttons_move_the_dates(app):
    run, frame = app
    lo, hi = date_bounds(frame)
    at = run()
    at.button(key="step_forward").click().run()
    first = at.slider(key="dates").value
    assert first == (lo, min(hi, lo + timedelta(days=6)))
    at.button(key="step_forward").click().run()
    second = at.slider(key="dates").value
    assert second[0] > first[1]  # the next week with events: the empty ones are skipped
    assert len(apply_filters(frame, FilterState(*second))) > 0
    at.button(key="step_back").click().run()
    assert at.slider(key="dates").value == first


def test_the_date_period_follows_the_other_filters(app):
    run, frame = app
    at = run(source=[EXTRA_PUBLISHER])
    only = apply_filters(frame, FilterState(sources=(EXTRA_PUBLISHER,)))
    bounds = date_bounds(only)
    assert bounds != date_bounds(frame)
    if bounds[0] < bounds[1]:
        assert at.slider(key="dates").value == bounds
    else:
        assert any(f"dated {bounds[0].isoformat()}" in c.value for c in at.sidebar.caption)


def test_play_stops_at_the_last_period(app):
    run, frame = app
    at = run()
    _first, hi = date_bounds(frame)
    at.toggle(key="play").set_value(True).run()
    for _ in range(60):  # steps, as the play timer asks for them
        at.session_state[PLAY_TICK] = True
        at.run()
        if not at.toggle(key="play").value:
            break
    assert not at.toggle(key="play").value  # it stopped instead of going round
    assert at.slider(key="dates").value[1] == hi


def test_pasted_article_adds_its_events(database, tmp_path, monkeypatch):
    db = database["stores"].copy(database["path"])
    monkeypatch.setenv("GEO_DB", str(db))
    before = len(load_events(db))
    at = open_tab(AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT).run(), tabs.ADD)
    at.text_area(key="paste_text").input(
        "Artillery shelled Homs on 1 October 2016, witnesses said."
    )
    at.text_input(key="paste_source").input("Paste News")
    next(b for b in at.button if b.label == "Add the text").click().run()
    assert not at.exception
    after = load_events(db)
    assert len(after) > before and "Paste News" in set(after["source"])
    assert count(at) == count_label(len(after))
    assert any("1 article read, 1 stored" in s.value for s in at.success)


def test_empty_paste_is_refused_with_a_reason(app):
    run, frame = app
    at = open_tab(run(), tabs.ADD)
    next(b for b in at.button if b.label == "Add the text").click().run()
    assert any("the text is empty" in e.value for e in at.error)
    assert count(at) == count_label(len(frame))


def test_a_place_is_corrected_with_a_pin_and_the_correction_undone(database, tmp_path, monkeypatch):
    from geo.ingest import corrections

    if not corrections.available():
        pytest.skip("geo.place.overrides is absent")
    db = database["stores"].copy(database["path"])
    monkeypatch.setenv("GEO_DB", str(db))
    event = load_events(db).dropna(subset=["latitude"]).iloc[0]
    at = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT)
    at.query_params["event"] = str(event["event_id"])
    open_tab(at.run(), tabs.FIX)
    # the sentence is beside the form
    assert any("fix-sentence" in h.proto.body for h in at.get("html"))
    at.radio(key="fix_how").set_value("where I drop a pin").run()
    at.number_input(key="pin_lat").set_value(34.5).run()
    at.number_input(key="pin_lon").set_value(36.5).run()
    at.text_input(key="fix_note").input("checked on the ground").run()
    at.button(key="fix_save").click().run()
    assert not at.exception
    assert any(s.value.startswith("Correction ") for s in at.success)
    moved = load_events(db).set_index("event_id").loc[event["event_id"]]
    assert (moved["latitude"], moved["longitude"]) == (34.5, 36.5)
    # the pin takes the country of where it is, not the old place's
    assert moved["country_code"] == corrections.locate_pin(34.5, 36.5).country_code
    listed = corrections.listing(db)
    assert listed.iloc[0]["note"] == "checked on the ground"

    at.button(key="undo").click().run()
    assert any("removed" in s.value for s in at.success)
    back = load_events(db).set_index("event_id").loc[event["event_id"]]
    assert (back["latitude"], back["longitude"]) == pytest.approx(
        (event["latitude"], event["longitude"])
    )
    assert corrections.listing(db).empty


def _public(monkeypatch) -> None:
    from streamlit import config

    config.set_option("server.address", "0.0.0.0")


def test_a_public_deployment_without_password_is_read_only(app, monkeypatch):
    run, frame = app
    _public(monkeypatch)
    at = run(event=str(frame.iloc[0]["event_id"]))
    assert count(at) == count_label(len(frame))
    for tab, button in ((tabs.ADD, "Add the text"), (tabs.FIX, "Save the correction")):
        open_tab(at, tab)
        assert not at.exception
        assert not [b for b in at.button if b.label == button]
        assert any("Read-only" in i.value and "public deployment" in i.value for i in at.info)
        assert not [w for w in at.text_input if w.key == "paste_title"]


def _edit_button(at: AppTest):
    return next(b for b in at.sidebar.button if b.label == "Edit")


def test_the_editor_password_opens_editing_and_locks_out_after_failures(app, monkeypatch):
    from geo.view import editing

    run, _frame = app
    _public(monkeypatch)
    monkeypatch.setenv("GEO_EDITOR_PASSWORD", "correct horse")
    at = open_tab(run(), tabs.ADD)
    # the tab is open, and says why it cannot add
    assert any("not add articles" in i.value for i in at.info)
    assert not [b for b in at.button if b.label == "Add the text"]
    for _ in range(editing.LOCKOUT_FAILURES):
        at.text_input(key="editor_password").input("wrong")
        _edit_button(at).click().run()
    assert any("Too many wrong passwords" in e.value for e in at.sidebar.error)
    at.text_input(key="editor_password").input("correct horse")  # right, but too late
    _edit_button(at).click().run()
    assert any("Too many wrong passwords" in e.value for e in at.sidebar.error)
    assert not [b for b in at.button if b.label == "Add the text"]

    # another session, not locked (the process lock needs more failures)
    fresh = open_tab(run(), tabs.ADD)
    fresh.text_input(key="editor_password").input("correct horse")
    fresh.text_input(key="editor_name").input("Ana")
    _edit_button(fresh).click().run()
    assert not fresh.exception
    assert [b for b in fresh.button if b.label == "Add the text"]
    assert any("Editing as Ana" in c.value for c in fresh.sidebar.caption)


def test_a_correction_records_who_made_it(database, monkeypatch):
    from geo.ingest import corrections

    db = database["stores"].copy(database["path"])
    monkeypatch.setenv("GEO_DB", str(db))
    event = load_events(db).dropna(subset=["latitude"]).iloc[0]
    at = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT)
    at.query_params["event"] = str(event["event_id"])
    open_tab(at.run(), tabs.FIX)
    at.radio(key="fix_how").set_value("not a place").run()
    at.button(key="fix_save").click().run()
    assert not at.exception
    assert corrections.listing(db).iloc[0]["made by"] == "local user"


def test_the_upload_widget_limit_is_the_captions():
    import tomllib

    from geo.ingest import upload

    config = tomllib.loads((Path(DASHBOARD).parent / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] * 1024 * 1024 == upload.MAX_FILE_BYTES


def test_the_list_beside_the_map_is_newest_first_one_row_per_happening(app):
    from geo.view.overview import newest_first
    from geo.view.table import date_label

    run, frame = app
    at = run()
    [listed] = [d.value for d in at.dataframe if str(d.key).startswith("overview_list_")]
    # no map view is reported in AppTest: every shown event is in view
    newest = newest_first(apply_filters(frame, FilterState()))
    assert len(listed) == len(newest) and len(newest) > 1
    assert list(listed["date"]) == [
        date_label(v, p)
        for v, p in zip(newest["event_date"], newest["date_precision"], strict=True)
    ]
    assert list(listed["type"]) == list(newest["event_type"])


def test_the_actor_filter_narrows_the_view_and_is_in_the_link(app):
    from geo.view.filters import actors

    run, frame = app
    names = actors(apply_filters(frame, FilterState()))
    if not names:
        pytest.skip("the seeds name no actor")
    at = run(actor=names[0])
    expected = apply_filters(frame, FilterState(actors=(names[0],)))
    assert count(at).startswith(count_label(len(expected)))
    assert at.multiselect(key="actor").value == [names[0]]
    assert "actor=" in shared_link(at)


def test_the_totals_tab_counts_events_and_deaths_by_type_actor_and_publisher(app):
    from geo.view.overview import totals

    run, frame = app
    at = run()
    assert not [d for d in at.dataframe if d.key.startswith(TOTALS)]  # a closed tab: not run
    at.session_state[tabs.TABS] = tabs.TOTALS  # the totals tab opened
    at.run()
    assert not at.exception, at.exception
    shown = apply_filters(frame, FilterState())
    tables = {tuple(d.value.columns): d.value for d in at.dataframe}
    for by in ("type", "actor", "publisher"):
        got = tables[(by, "events", "deaths")]
        assert got.to_dict("records") == totals(shown, by).to_dict("records")
