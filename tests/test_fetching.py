"""geo.ingest.fetching.fetch_and_ingest (behind `geo fetch` and the dashboard's URL form),
and the watcher over the sources stored in the database (added in the dashboard)."""

from __future__ import annotations

import threading

import pytest

from geo.cli import main
from geo.ingest import fetching
from geo.ingest.fetching import FetchStep, failed_urls, fetch_and_ingest
from geo.models import Article, ReadError
from geo.read.fetch import Fetcher, FetchSettings
from geo.read.pages import url_key
from geo.read.watch import MemoryStateStore, Source, check_source, merge_sources, watch
from geo.store import open_store
from tests.http_fixture import FakeClock, serve_site
from tests.test_cli_fetch import build_wire, story_id


@pytest.fixture
def site():
    with serve_site(build_wire) as served:
        yield served


@pytest.fixture
def fetcher():
    return Fetcher(
        FetchSettings(allow_private=("127.0.0.0/8",), min_interval=0, retries=0, read_timeout=5)
    )


def test_pages_and_feeds_are_stored_and_each_failure_is_named(site, fetcher, tmp_path):
    db = tmp_path / "events.db"
    page, feed, gone = (
        site.url("/story/homs.html"),
        site.url("/wire/rss.xml"),
        site.url("/gone"),
    )
    steps: list[FetchStep] = []
    summary, stats = fetch_and_ingest([page, gone, feed], db, fetcher, progress=steps.append)

    assert (summary.read, summary.stored, stats.new) == (3, 3, 3)
    assert [(e.origin, e.reason) for e in summary.skipped] == [(gone, "HTTP 404")]
    assert failed_urls([page, gone, feed], summary) == summary.skipped
    assert summary.events >= 3
    # One step when each URL starts, then one per article or failure read from it.
    shown = [
        (s.number, s.total, s.url, None if s.item is None else type(s.item).__name__) for s in steps
    ]
    assert shown == [
        (1, 3, page, None),
        (1, 3, page, "Article"),
        (2, 3, gone, None),
        (2, 3, gone, "ReadError"),
        (3, 3, feed, None),
        (3, 3, feed, "Article"),
        (3, 3, feed, "Article"),
    ]
    assert {s.item.title for s in steps if isinstance(s.item, Article)} == {
        "Air strike on a market near Homs",
        "Shelling hits eastern Aleppo",
        "Clashes in western Mosul",
    }
    with open_store(db) as store:
        assert store.counts().articles == 3
        for slug in ("homs", "aleppo", "mosul"):
            assert store.read_article(story_id(site, slug)).fetched_at


def test_a_story_reached_twice_is_fetched_once_and_a_second_fetch_reads_only_feeds(
    site, fetcher, tmp_path
):
    db = tmp_path / "events.db"
    feed = site.url("/wire/rss.xml")
    # The page first, then the feed that lists it: the feed's entry is known from the page.
    summary, stats = fetch_and_ingest([site.url("/story/aleppo.html"), feed], db, fetcher)
    assert site.hits["/story/aleppo.html"] == 1
    assert (summary.read, stats.new, stats.seen) == (2, 2, 1)

    hits = dict(site.hits)
    summary, stats = fetch_and_ingest([feed], db, fetcher)  # everything is in the store
    assert (summary.read, stats.seen) == (0, 2)
    assert {p for p, n in site.hits.items() if n != hits.get(p, 0)} == {"/wire/rss.xml"}


def test_articles_are_stored_as_they_come(site, fetcher, tmp_path, monkeypatch):
    """Stopped during a feed, the articles read before are in the store."""
    db = tmp_path / "events.db"
    monkeypatch.setattr(fetching, "BATCH_SIZE", 1)

    def stop_at_the_second_entry(step: FetchStep) -> None:
        if isinstance(step.item, Article) and step.item.title == "Clashes in western Mosul":
            raise KeyboardInterrupt

    summary = fetching.IngestSummary()
    with pytest.raises(KeyboardInterrupt):
        fetch_and_ingest(
            [site.url("/wire/rss.xml")],
            db,
            fetcher,
            progress=stop_at_the_second_entry,
            summary=summary,
        )
    assert summary.stored == 1
    with open_store(db) as store:
        assert store.counts().articles == 1
        assert store.read_article(story_id(site, "aleppo")) is not None
        assert store.seen(url_key(site.url("/story/aleppo.html")))


def test_urls_that_cannot_be_fetched_are_named(fetcher, tmp_path):
    urls = ["ftp://example.org/feed", "news.example.org/a"]
    summary, stats = fetch_and_ingest(urls, tmp_path / "events.db", fetcher)
    assert summary.read == 0 and stats.failed == 2
    assert [e.origin for e in failed_urls(urls, summary)] == urls
    assert all(isinstance(e, ReadError) and e.reason for e in summary.skipped)


# --- the watcher and the stored sources -----------------------------------------------------------


def test_check_source_applies_the_rules_of_the_sources_file():
    source, problems = check_source(
        {"url": " https://news.example.org/rss ", "name": " Daily  News ", "interval": "2h"},
        "form",
    )
    assert problems == [] and source == Source(
        "https://news.example.org/rss", "Daily News", 7200.0, None
    )
    assert check_source({"url": "javascript:alert(1)"}, "form") == (
        None,
        ["form: url must be an http(s) URL"],
    )
    assert check_source({"url": "https://a.example/rss", "interval": "10s"}, "form")[1] == [
        "form: interval must be at least a minute, got '10s'"
    ]
    _, problems = check_source({"url": "https://a.example/rss", "language": "english!"}, "form")
    assert problems == ["form: language must be a language code like 'en', got 'english!'"]


def test_merge_sources_keeps_the_files_entry_for_a_url_listed_twice():
    listed = [Source("https://a.example/rss", "A from the file", 900.0)]
    stored = [Source("https://a.example/rss", "A stored", 60.0), Source("https://b.example/rss")]
    assert merge_sources(listed, stored) == [listed[0], stored[1]]


def test_watch_rereads_a_changing_list_of_sources(site):
    clock = FakeClock()
    fetcher = Fetcher(
        FetchSettings(allow_private=("127.0.0.0/8",), retries=0),
        clock=clock,
        sleep=clock.sleep,
        now=clock.now,
    )
    listed = [Source(site.url("/wire/rss.xml"), "Wire")]
    stop = threading.Event()
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        clock.t += seconds
        if len(waits) == 1:  # added in the dashboard while the watcher sleeps
            listed.append(Source(site.url("/wire/atom"), "Atom wire"))
        else:
            stop.set()

    ingested: list[str] = []
    results = watch(
        lambda: list(listed),
        MemoryStateStore(),
        fetcher,
        lambda articles: ingested.extend(a.title for a in articles),
        stop=stop,
        now=clock.now,
        sleep=sleep,
    )
    assert [(r.source.name, r.status, r.new) for r in results] == [
        ("Wire", "new", 2),
        ("Atom wire", "new", 2),  # polled at the next round, a minute later at most
    ]
    assert waits[0] <= 60  # not the 15 minutes until Wire is due again
    assert len(ingested) == 4


def write_feed_list(path, url: str) -> str:
    path.write_text(f'[[source]]\nurl = "{url}"\nname = "From the file"\n', encoding="utf-8")
    return str(path)


@pytest.fixture
def settings(tmp_path, monkeypatch):
    path = tmp_path / "geo.toml"
    path.write_text("[fetch]\nmin_interval = 0\nretries = 0\ntimeout = 5\n", encoding="utf-8")
    monkeypatch.setenv("GEO_CONFIG", str(path))
    monkeypatch.setenv("GEO_ALLOW_PRIVATE_ADDRESSES", "127.0.0.0/8")


def test_geo_watch_polls_the_stored_sources_with_or_without_a_file(
    site, settings, tmp_path, capsys
):
    db = tmp_path / "events.db"
    with open_store(db) as store:
        assert store.add_source(Source(site.url("/wire/atom"), "Stored wire", 1800.0))
    assert main(["watch", "--db", str(db), "--once"]) == 0
    err = capsys.readouterr().err
    assert "; 1 sources (from the database)\n" in err
    assert " Stored wire: 2 new, 0 unchanged\n" in err

    # A file beside them: both polled; the stored one's state kept in the store.
    sources = write_feed_list(tmp_path / "sources.toml", site.url("/wire/rss.xml"))
    assert main(["watch", sources, "--db", str(db), "--once"]) == 0
    err = capsys.readouterr().err
    assert f"; 2 sources (1 from {sources}, 1 from the database)\n" in err
    assert " From the file: 2 new, 0 unchanged\n" in err
    assert " Stored wire: unchanged (304)\n" in err
    with open_store(db) as store:
        assert store.counts().articles == 4
        assert store.source_state(site.url("/wire/atom")).last_success is not None


def test_geo_watch_with_nothing_to_poll_says_so(settings, tmp_path, capsys):
    assert main(["watch", "--db", str(tmp_path / "events.db"), "--once"]) == 0
    assert "nothing to poll: give a SOURCES.toml" in capsys.readouterr().err


def test_watch_keeps_the_last_list_when_it_cannot_be_read(site, caplog):
    clock = FakeClock()
    fetcher = Fetcher(
        FetchSettings(allow_private=("127.0.0.0/8",), retries=0),
        clock=clock,
        sleep=clock.sleep,
        now=clock.now,
    )
    calls = []

    def listing() -> list[Source]:
        calls.append(1)
        if len(calls) > 1:
            raise OSError("database unreachable")
        return [Source(site.url("/wire/rss.xml"), "Wire", 120.0)]

    stop = threading.Event()

    def sleep(seconds: float) -> None:
        clock.t += 300  # Wire is due again
        if len(calls) == 2:
            stop.set()

    results = watch(
        listing, MemoryStateStore(), fetcher, lambda a: None, stop=stop, now=clock.now, sleep=sleep
    )
    assert [(r.source.name, r.status) for r in results] == [("Wire", "new"), ("Wire", "unchanged")]
    assert "could not read the list of sources" in caplog.text
