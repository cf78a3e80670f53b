"""The dashboard's URL form (Add articles) and Sources panel through Streamlit's AppTest,
against the local news site of tests/http_fixture.py, on the real store and pipeline."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.app import tabs
from geo.cli import main
from geo.store import open_store
from geo.store.sqlite import load_events
from geo.view.filters import count_label
from geo.view.plaintext import markdown_text
from tests.conftest import open_tab
from tests.http_fixture import serve_site
from tests.test_cli_fetch import build_wire

DASHBOARD = str(Path(__file__).resolve().parent.parent / "dashboard.py")
FIRST_RUN_TIMEOUT = 600  # the first run seeds the database (and may build the gazetteer)
TIMEOUT = 120


def count(at: AppTest) -> str:
    assert not at.exception, at.exception
    return at.subheader[0].value


def press(at: AppTest, label: str) -> AppTest:
    return next(b for b in at.button if b.label == label).click().run()


@pytest.fixture(autouse=True)
def _local(local_server):
    """The dashboard as on one's own machine: editable (tests/conftest.py)."""


@pytest.fixture(scope="module", autouse=True)
def main_module_kept():
    """AppTest installs the script it runs as sys.modules["__main__"] and leaves it there;
    processes started later by spawn (Dask's workers) would run that script: put it back."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(sys.modules, "__main__", sys.modules["__main__"])
        yield


@pytest.fixture(scope="module")
def site():
    with serve_site(build_wire) as served:
        yield served


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """A database seeded by the dashboard's first run (copied by each test)."""
    db = tmp_path_factory.mktemp("app-sources") / "events.db"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GEO_DB", str(db))
        count(AppTest.from_file(DASHBOARD, default_timeout=FIRST_RUN_TIMEOUT).run())
    return db


@pytest.fixture
def db(seeded, tmp_path, monkeypatch):
    """A copy of the seeded database; fetching allowed from the loopback network only (the
    local site), politeness and retries off to keep the tests fast."""
    path = tmp_path / "events.db"
    with sqlite3.connect(seeded) as source, sqlite3.connect(path) as copy:
        source.backup(copy)
    settings = tmp_path / "geo.toml"
    settings.write_text("[fetch]\nmin_interval = 0\nretries = 0\ntimeout = 5\n", encoding="utf-8")
    monkeypatch.setenv("GEO_DB", str(path))
    monkeypatch.setenv("GEO_CONFIG", str(settings))
    monkeypatch.setenv("GEO_ALLOW_PRIVATE_ADDRESSES", "127.0.0.0/8")
    return path


def dashboard(tab: str = tabs.ADD) -> AppTest:
    """The dashboard with the tab `tab` open (Add articles, else Sources)."""
    return open_tab(AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT).run(), tab)


# --- Add articles: URLs of pages and feeds ------------------------------------------------------


def test_a_page_and_a_feed_add_their_events_and_a_bad_url_is_named(site, db):
    before = load_events(db)
    at = dashboard()
    assert count(at) == count_label(len(before))
    page, feed = site.url("/story/homs.html"), site.url("/wire/atom")
    bad = {
        site.url("/gone"): "HTTP 404",
        site.url("/redirect/metadata"): "refused: 169.254.169.254 is a link-local address",
        "ftp://example.org/feed": "unsupported scheme 'ftp': only http and https",
    }
    at.text_area(key="url_text").input("\n".join([page, *bad, feed]))
    press(at, "Fetch the URLs")

    after = load_events(db)
    assert len(after) > len(before)
    assert count(at) == count_label(len(after))  # at once, without a restart
    new = set(after["article_id"]) - set(before["article_id"])
    assert {after.loc[after["article_id"] == a, "title"].iloc[0] for a in new} == {
        "Air strike on a market near Homs",
        "Protest in Idlib over bread prices",
    }
    [line] = [s.value for s in at.success]
    assert line.startswith(markdown_text("2 of 5 URLs read: 2 articles fetched, 2 stored"))
    # Homs is both the page and the feed's entry: fetched once.
    assert site.hits["/story/homs.html"] == 1
    errors = [e.value for e in at.error]
    for url, reason in bad.items():
        assert f"{markdown_text(url)}: {markdown_text(reason)}" in errors
    assert len(errors) == len(bad)


def test_no_url_is_refused_with_a_reason(db):
    at = dashboard()
    press(at, "Fetch the URLs")
    assert any("Give one or more URLs first" in w.value for w in at.warning)


# --- Sources ------------------------------------------------------------------------------------


def sources_table(at: AppTest):
    [frame] = [d.value for d in at.dataframe if "next poll" in d.value.columns]
    return frame


def test_a_feed_is_added_listed_with_its_state_and_removed(site, db, capsys):
    feed = site.url("/wire/rss.xml")
    at = dashboard(tabs.SOURCES)
    assert any("No feed is watched" in c.value for c in at.caption)
    # A bad feed first: refused by the rules of the sources file, named.
    at.text_input(key="source_url").input("file:///etc/passwd")
    press(at, "Watch this feed")
    assert [e.value for e in at.error] == [
        markdown_text("The new feed: url must be an http(s) URL")
    ]
    at.text_input(key="source_url").input(feed)
    at.text_input(key="source_name").input("Wire desk")
    at.text_input(key="source_interval").input("30")
    press(at, "Watch this feed")
    assert not at.exception and not at.error
    assert [s.value for s in at.success] == [markdown_text("Watching Wire desk every 30 min.")]
    row = sources_table(at).iloc[0]
    assert (row["name"], row["url"], row["interval (min)"]) == ("Wire desk", feed, "30")
    assert row["next poll"] == "not polled yet" and row["last success"] == ""
    with open_store(db) as store:
        assert [(s.url, s.added_by) for s in store.list_sources()] == [(feed, "dashboard")]

    # The same feed again: refused, listed once.
    at.text_input(key="source_url").input(feed)
    press(at, "Watch this feed")
    assert any("watched already" in w.value for w in at.warning)

    # The watcher polls it (no sources file); the panel shows its state.
    assert main(["watch", "--db", str(db), "--once"]) == 0
    assert " Wire desk: 2 new, 0 unchanged\n" in capsys.readouterr().err
    at = dashboard(tabs.SOURCES)
    row = sources_table(at).iloc[0]
    assert row["last success"].endswith(" UTC") and row["last error"] == ""
    assert row["next poll"].endswith(" UTC")
    assert count(at) == count_label(len(load_events(db)))

    at.selectbox(key="source_remove_url").select(feed)
    press(at, "Stop watching this feed")
    assert [s.value for s in at.success] == [markdown_text(f"Stopped watching {feed}.")]
    assert not [d for d in at.dataframe if "next poll" in d.value.columns]
    with open_store(db) as store:
        assert store.list_sources() == []


def _read_only_panel() -> None:
    import os

    from geo.app import sources

    sources.panel(os.environ["GEO_DB"], can_edit=False, reason="This copy is read-only.")


def test_a_visitor_who_cannot_edit_sees_the_list_and_the_reason_only(site, db):
    from geo.read.watch import Source

    with open_store(db) as store:
        store.add_source(Source(site.url("/wire/atom"), "Atom desk"))
    at = AppTest.from_function(_read_only_panel, default_timeout=TIMEOUT).run()
    assert not at.exception
    assert sources_table(at)["name"].tolist() == ["Atom desk"]
    assert [i.value for i in at.info] == [markdown_text("This copy is read-only.")]
    assert not at.text_input and not at.button and not at.selectbox
