"""The feed watcher: the sources file, polls, state, and nothing lost on failures."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

import pytest

from geo.read.fetch import Fetcher, FetchSettings
from geo.read.watch import (
    DEFAULT_INTERVAL,
    MemoryStateStore,
    Source,
    SourcesError,
    load_sources,
    parse_sources,
    poll_once,
    watch,
)
from tests.http_fixture import ARTICLES, FakeClock, serve_site


@pytest.fixture
def site():
    with serve_site() as served:
        yield served


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def fetcher(clock):
    settings = FetchSettings(allow_private=("127.0.0.0/8",), read_timeout=2.0, retries=1)
    return Fetcher(settings, clock=clock, sleep=clock.sleep, now=clock.now)


class Ingested(list):
    """The ingest callable: remembers each batch."""

    def __call__(self, articles):
        self.append(list(articles))

    @property
    def titles(self) -> list[str]:
        return [a.title for batch in self for a in batch]


# --- the sources file -------------------------------------------------------------------------


def test_a_sources_file(tmp_path):
    path = tmp_path / "sources.toml"
    path.write_text(
        """
[[source]]
url = "https://news.example.org/rss.xml"
name = "Example  News"
interval = 30
language = "EN"

[[source]]
url = "https://other.example.org/atom.xml"
interval = "2h"
""",
        encoding="utf-8",
    )
    first, second = load_sources(path)
    assert first == Source("https://news.example.org/rss.xml", "Example News", 1800.0, "en")
    assert second == Source("https://other.example.org/atom.xml", None, 7200.0, None)
    assert second.label == second.url
    [default] = parse_sources('[[source]]\nurl = "http://a.example/feed"\n', "s.toml")
    assert default.interval == DEFAULT_INTERVAL == 15 * 60


def test_bad_sources_are_named_by_file_and_entry():
    text = """
[[source]]
url = "https://ok.example/feed"

[[source]]
url = "javascript:alert(1)"

[[source]]
name = "No URL"

[[source]]
url = "https://b.example/feed"
interval = "5 seconds"

[[source]]
url = "https://c.example/feed"
intervall = 10

[[source]]
url = "https://ok.example/feed"

[[source]]
url = "https://d.example/feed"
language = "not a language"
"""
    with pytest.raises(SourcesError) as caught:
        parse_sources(text, "watch.toml")
    assert caught.value.problems == [
        "watch.toml: [[source]] #2 (javascript:alert(1)): url must be an http(s) URL",
        "watch.toml: [[source]] #3: no url",
        "watch.toml: [[source]] #4 (https://b.example/feed): interval must be at least a "
        "minute, got '5 seconds'",
        "watch.toml: [[source]] #5 (https://c.example/feed): unknown key 'intervall' "
        "(known: url, name, interval, language)",
        "watch.toml: [[source]] #6 (https://ok.example/feed): the same url as [[source]] #1",
        "watch.toml: [[source]] #7 (https://d.example/feed): language must be a language "
        "code like 'en', got 'not a language'",
    ]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[[source]\n", "not valid TOML"),
        ("", "no [[source]] tables"),
        ('[[sources]]\nurl = "https://a.example/"\n', "unknown key 'sources'"),
    ],
)
def test_unusable_sources_files(text, problem):
    with pytest.raises(SourcesError, match=problem.replace("[", r"\[")) as caught:
        parse_sources(text, "s.toml")
    assert str(caught.value).startswith("s.toml: ")


def test_a_missing_sources_file(tmp_path):
    with pytest.raises(SourcesError, match="cannot read"):
        load_sources(tmp_path / "none.toml")


# --- polling ----------------------------------------------------------------------------------


def sources_of(site, *paths, **kwargs) -> list[Source]:
    return [Source(site.url(path), **kwargs) for path in paths]


def test_a_second_poll_fetches_nothing_new(site, fetcher, clock, caplog):
    sources = sources_of(site, "/feeds/rss2.xml", "/feeds/atom.xml", name="Gazette")
    state, ingest, seen = MemoryStateStore(), Ingested(), set()
    caplog.set_level(logging.INFO, logger="geo.watch")
    first = poll_once(sources, state, fetcher, ingest, seen=seen, now=clock.now)
    assert [r.line for r in first] == ["Gazette: 3 new, 0 unchanged", "Gazette: 1 new, 1 unchanged"]
    assert ingest.titles == [a[1] for a in ARTICLES]
    assert all(a.source == "Gazette" for batch in ingest for a in batch)
    hits = dict(site.hits)

    clock.t += DEFAULT_INTERVAL
    second = poll_once(sources, state, fetcher, ingest, seen=seen, now=clock.now)
    assert [r.line for r in second] == ["Gazette: unchanged (304)"] * 2
    assert len(ingest) == 2  # nothing more ingested
    new_hits = {path: n - hits.get(path, 0) for path, n in site.hits.items()}
    assert {path: n for path, n in new_hits.items() if n} == {
        "/feeds/rss2.xml": 1,
        "/feeds/atom.xml": 1,
    }
    assert [m for m in caplog.messages if m.startswith("Gazette")] == [
        r.line for r in first + second
    ]


def test_a_changed_feed_fetches_only_its_new_entries(site, fetcher, clock):
    sources = sources_of(site, "/feeds/rss2.xml")
    state, ingest, seen = MemoryStateStore(), Ingested(), set()
    poll_once(sources, state, fetcher, ingest, seen=seen, now=clock.now)
    feed = site.resources["/feeds/rss2.xml"]
    four = ARTICLES[3]
    item = f"<item><title>{four[1]}</title><link>{site.url('/news/four.html')}</link></item>"
    feed.body = feed.body.replace(b"</channel>", item.encode() + b"</channel>")
    feed.etag = '"rss2-v2"'
    feed.last_modified = None
    clock.t += DEFAULT_INTERVAL
    [result] = poll_once(sources, state, fetcher, ingest, seen=seen, now=clock.now)
    assert result.line == f"{site.url('/feeds/rss2.xml')}: 1 new, 3 unchanged"
    assert ingest.titles[-1] == four[1]
    assert site.hits["/news/one.html"] == 1 and site.hits["/news/four.html"] == 1
    assert state.get(sources[0].url).etag == '"rss2-v2"'


def test_state_of_a_source(site, fetcher, clock):
    sources = sources_of(site, "/feeds/rss2.xml", interval=600)
    state = MemoryStateStore()
    poll_once(sources, state, fetcher, Ingested(), now=clock.now)
    st = state.get(sources[0].url)
    assert st.etag == '"rss2-v1"' and st.last_modified
    assert st.last_error is None and st.last_success is not None
    assert st.next_poll == clock.now() + timedelta(seconds=600)
    # Not due yet: not polled.
    assert poll_once(sources, state, fetcher, Ingested(), now=clock.now) == []
    clock.t += 600
    assert len(poll_once(sources, state, fetcher, Ingested(), now=clock.now)) == 1


def test_a_failing_feed_is_recorded_and_retried(site, fetcher, clock):
    sources = sources_of(site, "/gone", name="Broken")
    state = MemoryStateStore()
    [result] = poll_once(sources, state, fetcher, Ingested(), now=clock.now)
    assert result.status == "failed" and result.line == "Broken: failed: HTTP 404"
    st = state.get(sources[0].url)
    assert st.last_error == "HTTP 404" and st.last_success is None and st.next_poll


def test_nothing_is_lost_when_the_server_fails_half_way(site, fetcher, clock):
    sources = sources_of(site, "/feeds/rss2.xml")
    state, ingest, seen = MemoryStateStore(), Ingested(), set()
    fetcher.allowed_by_robots(site.url("/"))  # robots.txt read before the count starts
    site.set_fail_after(2)  # the feed and one page, then 500s
    [result] = poll_once(sources, state, fetcher, ingest, seen=seen, now=clock.now)
    assert ingest.titles == [ARTICLES[0][1]]  # what was read before the failure is kept
    assert result.new == 1 and result.failed == 2
    assert result.line.endswith(f"2 failed (first: {site.url('/news/two.html')}: HTTP 500)")
    st = state.get(sources[0].url)
    assert st.last_error and st.etag is None  # the next poll reads the feed again
    assert st.last_success is None

    site.set_fail_after(None)
    clock.t += DEFAULT_INTERVAL
    [again] = poll_once(sources, state, fetcher, ingest, seen=seen, now=clock.now)
    assert again.line == f"{site.url('/feeds/rss2.xml')}: 2 new, 1 unchanged"
    assert sorted(ingest.titles) == sorted(a[1] for a in ARTICLES[:3])  # each once
    assert site.hits["/news/one.html"] == 1
    assert state.get(sources[0].url).last_error is None


def test_a_failing_ingest_loses_nothing(site, fetcher, clock):
    sources = sources_of(site, "/feeds/rss2.xml")
    state, seen = MemoryStateStore(), set()

    def broken(articles):
        raise RuntimeError("database is locked")

    [result] = poll_once(sources, state, fetcher, broken, seen=seen, now=clock.now)
    assert result.status == "failed"
    assert result.line.endswith("failed: ingest failed: RuntimeError: database is locked")
    assert not seen and state.get(sources[0].url).etag is None
    ingest = Ingested()
    clock.t += DEFAULT_INTERVAL
    poll_once(sources, state, fetcher, ingest, seen=seen, now=clock.now)
    assert len(ingest.titles) == 3


# --- the loop ---------------------------------------------------------------------------------


def test_watch_sleeps_until_the_next_source_is_due_and_stops(site, fetcher, clock):
    sources = [
        Source(site.url("/feeds/rss2.xml"), interval=600),
        Source(site.url("/feeds/atom.xml"), interval=900),
    ]
    stop = threading.Event()
    waits = []

    def sleep(seconds):
        waits.append(seconds)
        clock.t += seconds
        if len(waits) == 3:
            stop.set()

    results = watch(
        sources, MemoryStateStore(), fetcher, Ingested(), stop=stop, now=clock.now, sleep=sleep
    )
    polled = [(r.source.url.rsplit("/", 1)[1], r.status) for r in results]
    assert polled == [
        ("rss2.xml", "new"),
        ("atom.xml", "new"),
        ("rss2.xml", "unchanged"),
        ("atom.xml", "unchanged"),
    ]  # the stop, asked during the third wait, ends the loop before rss2's third turn
    # The first wait runs until rss2 is due (600 s after it was polled, less the polite
    # seconds spent on the pages since), then to atom's 900 s, then to rss2's second turn.
    assert 590 < waits[0] <= 600 and waits[1] > 0 and waits[2] > 0
    assert sum(waits) == pytest.approx(1200, abs=30)


def test_watch_once_polls_each_source_once(site, fetcher, clock):
    sources = sources_of(site, "/feeds/rss2.xml", "/feeds/rss1.rdf")
    state = MemoryStateStore()
    ingest = Ingested()
    results = watch(sources, state, fetcher, ingest, once=True, now=clock.now)
    assert [r.status for r in results] == ["new", "new"]
    assert len(ingest.titles) == 4
    # --once polls again even when not due (a cron job decides when).
    again = watch(sources, state, fetcher, ingest, once=True, now=clock.now)
    assert [r.status for r in again] == ["unchanged", "unchanged"]


def test_watch_stops_on_keyboard_interrupt(site, fetcher, clock):
    def interrupted(seconds):
        raise KeyboardInterrupt

    sources = sources_of(site, "/feeds/atom.xml")
    results = watch(
        sources, MemoryStateStore(), fetcher, Ingested(), now=clock.now, sleep=interrupted
    )
    assert [r.status for r in results] == ["new"]


def test_a_page_as_a_source_is_read_as_one_article(site, fetcher, clock):
    ingest = Ingested()
    site.resources["/news/one.html"].etag = None
    [result] = poll_once(
        sources_of(site, "/news/one.html"), MemoryStateStore(), fetcher, ingest, now=clock.now
    )
    assert result.new == 1 and ingest.titles == [ARTICLES[0][1]]


def test_a_source_on_a_refused_address(fetcher, clock):
    [result] = poll_once(
        [Source("http://169.254.169.254/feed", name="Metadata")],
        MemoryStateStore(),
        fetcher,
        Ingested(),
        now=clock.now,
    )
    assert result.line == "Metadata: failed: refused: 169.254.169.254 is a link-local address"
