"""Feed detection and parsing, and the URL article source (pages and feed entries)."""

from __future__ import annotations

import codecs
from datetime import UTC, datetime

import pytest

from geo.models import Article, ReadError
from geo.read.feeds import feed_kind, parse_feed
from geo.read.fetch import Fetcher, FetchSettings
from geo.read.pages import url_key
from geo.read.urls import ReadStats, read_urls, remember
from tests.http_fixture import ARTICLES, FakeClock, Resource, atom, rss1, rss2, serve_site


@pytest.fixture
def site():
    with serve_site() as served:
        yield served


@pytest.fixture
def fetcher():
    clock = FakeClock()
    settings = FetchSettings(allow_private=("127.0.0.0/8",), read_timeout=2.0, max_bytes=10**6)
    return Fetcher(settings, clock=clock, sleep=clock.sleep, now=clock.now)


BASE = "https://gazette.example"


@pytest.mark.parametrize(
    ("document", "kind"),
    [
        (rss2(BASE), "rss"),
        (rss1(BASE), "rdf"),
        (atom(BASE), "atom"),
        (
            '<?xml version="1.0"?>\n<!DOCTYPE rss PUBLIC'
            ' "-//Netscape Communications//DTD RSS 0.91//EN"'
            ' "http://my.netscape.com/publish/formats/rss-0.91.dtd">\n'
            '<rss version="0.91"><channel>'
            "<title>Old</title></channel></rss>",
            "rss",
        ),
        (
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            'xmlns="http://my.netscape.com/rdf/simple/0.9/"><channel><title>t</title></channel>'
            "</rdf:RDF>",
            "rdf",
        ),
        ('<a:feed xmlns:a="http://www.w3.org/2005/Atom"><a:title>t</a:title></a:feed>', "atom"),
        (
            "<!DOCTYPE html><html><head><title>rss feed</title></head><body><rss/></body></html>",
            None,
        ),
        (
            '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>',
            None,
        ),
        ('<feed xmlns="http://example.org/not-atom"><title>t</title></feed>', None),
        ("<!-- <rss> in a comment --><html><p>A page about RSS</p></html>", None),
        ("plain text mentioning <rss> later", None),
        ("", None),
    ],
)
def test_feeds_are_detected_from_the_root_element(document, kind):
    assert feed_kind(document.encode("utf-8")) == kind


def test_detection_reads_byte_order_marks():
    assert feed_kind(codecs.BOM_UTF8 + rss2(BASE).encode()) == "rss"
    assert feed_kind(atom(BASE).replace("utf-8", "utf-16").encode("utf-16")) == "atom"


def test_rss2_entries():
    feed = parse_feed(rss2(BASE).encode(), f"{BASE}/feeds/rss2.xml")
    assert feed.kind == "rss" and feed.title == "Example Gazette"
    first = feed.entries[0]
    assert first.link == f"{BASE}/news/one.html"
    assert first.title == ARTICLES[0][1]
    assert first.id == "gazette-one"
    assert first.published == datetime(2024, 3, 4, 9, 30, tzinfo=UTC)
    assert first.summary == "Summary of one"  # markup gone


def test_rss1_and_atom_entries_with_relative_links():
    rdf = parse_feed(rss1(BASE).encode(), f"{BASE}/feeds/rss1.rdf")
    assert [e.link for e in rdf.entries] == [f"{BASE}/news/{a[0]}.html" for a in ARTICLES[1:]]
    assert rdf.entries[0].published == datetime(2024, 3, 5, 9, 30, tzinfo=UTC)
    feed = parse_feed(atom(BASE).encode(), f"{BASE}/feeds/atom.xml")
    assert feed.kind == "atom"
    assert [e.link for e in feed.entries] == [f"{BASE}/news/three.html", f"{BASE}/news/four.html"]
    assert feed.entries[0].id == "tag:gazette.example,2024:three"


def test_entry_links_that_are_not_http_are_dropped():
    document = rss2(BASE).replace(f"{BASE}/news/two.html", "javascript:alert(1)")
    entries = parse_feed(document.encode(), f"{BASE}/feed").entries
    assert entries[1].link is None and entries[0].link is not None


def test_a_page_is_not_parsed_as_a_feed():
    with pytest.raises(ValueError, match="not an RSS or Atom feed"):
        parse_feed(b"<html><body><p>hello</p></body></html>", BASE)


# --- the URL article source -------------------------------------------------------------------


def test_pages_and_feeds_become_articles(site, fetcher):
    stats = ReadStats()
    items = list(
        read_urls(
            [site.url("/news/four.html"), site.url("/feeds/rss2.xml"), site.url("/gone")],
            fetcher,
            stats=stats,
        )
    )
    articles = [i for i in items if isinstance(i, Article)]
    assert [a.title for a in articles] == [ARTICLES[3][1]] + [a[1] for a in ARTICLES[:3]]
    assert all(a.fetched_at and a.extraction and a.language == "en" for a in articles)
    assert items[-1] == ReadError(site.url("/gone"), "HTTP 404")
    assert (stats.new, stats.seen, stats.failed) == (4, 0, 1)


def test_detection_does_not_trust_the_content_type(site, fetcher):
    # The Atom feed is served as text/plain; a page is served as application/rss+xml.
    site.resources["/page.rss"] = Resource(
        site.resources["/news/one.html"].body, "application/rss+xml"
    )
    titles = [a.title for a in read_urls([site.url("/feeds/atom.xml")], fetcher)]
    assert titles == [ARTICLES[2][1], ARTICLES[3][1]]
    [page] = read_urls([site.url("/page.rss")], fetcher)
    assert page.title == ARTICLES[0][1]


def test_entries_seen_before_are_not_fetched(site, fetcher):
    seen: set[str] = set()
    first = list(read_urls([site.url("/feeds/rss2.xml")], fetcher, seen=seen))
    assert len(first) == 3 and not seen  # reading does not remember: storing does
    remember(seen, first)
    stats = ReadStats()
    again = list(
        read_urls(
            [site.url("/feeds/rss2.xml"), site.url("/feeds/rss1.rdf")],
            fetcher,
            seen=seen,
            stats=stats,
        )
    )
    assert [a.title for a in again] == [ARTICLES[3][1]]  # only the entry not seen
    assert site.hits["/news/one.html"] == 1 and site.hits["/news/two.html"] == 1
    assert (stats.new, stats.seen) == (1, 5)


def test_a_seen_callback_and_content_hashes(site, fetcher):
    [one] = read_urls([site.url("/news/one.html")], fetcher)
    # The same story under another URL: fetched (its link is new) but not yielded.
    site.resources["/copy/one.html"] = Resource(
        site.resources["/news/one.html"].body.replace(b'rel="canonical"', b'rel="x"')
    )
    feed = rss2(site.base).replace(site.url("/news/one.html"), site.url("/copy/one.html"))
    site.resources["/feeds/copy.xml"] = Resource(feed.encode(), "application/rss+xml")
    asked = []

    def seen(key: str) -> bool:
        asked.append(key)
        return key == one.content_hash

    titles = [a.title for a in read_urls([site.url("/feeds/copy.xml")], fetcher, seen=seen)]
    assert titles == [ARTICLES[1][1], ARTICLES[2][1]]
    assert site.hits["/copy/one.html"] == 1
    assert url_key(site.url("/copy/one.html")) in asked and one.content_hash in asked


def test_one_story_in_two_feeds_is_read_once(site, fetcher):
    items = list(read_urls([site.url("/feeds/rss2.xml"), site.url("/feeds/atom.xml")], fetcher))
    assert [a.title for a in items] == [a[1] for a in ARTICLES]
    assert site.hits["/news/three.html"] == 1


def test_a_failing_entry_does_not_stop_the_others(site, fetcher):
    site.resources["/news/two.html"] = Resource(b"\x89PNG....", "image/png")
    items = list(read_urls([site.url("/feeds/rss2.xml")], fetcher))
    assert [type(i).__name__ for i in items] == ["Article", "ReadError", "Article"]
    assert items[1] == ReadError(site.url("/news/two.html"), "not text: image/png")


def test_an_entry_without_a_link_is_reported(site, fetcher):
    feed = rss2(site.base).replace(f"<link>{site.url('/news/two.html')}</link>", "")
    site.resources["/feeds/nolink.xml"] = Resource(feed.encode(), "application/rss+xml")
    items = list(read_urls([site.url("/feeds/nolink.xml")], fetcher))
    errors = [i for i in items if isinstance(i, ReadError)]
    assert errors == [
        ReadError(site.url("/feeds/nolink.xml") + "#gazette-two", "entry without an http(s) link")
    ]


def test_entry_metadata_fills_what_the_page_lacks(site, fetcher):
    site.resources["/news/bare.html"] = Resource(
        b"<html><body><article><p>"
        + b"A quiet week ended with the harbour reopened to the fishing boats of the bay. " * 4
        + b"</p></article></body></html>"
    )
    feed = rss2(site.base).replace(site.url("/news/one.html"), site.url("/news/bare.html"))
    site.resources["/feeds/bare.xml"] = Resource(feed.encode(), "application/rss+xml")
    first = next(iter(read_urls([site.url("/feeds/bare.xml")], fetcher)))
    assert first.url == site.url("/news/bare.html")
    assert first.title == ARTICLES[0][1]
    assert first.published.isoformat() == "2024-03-04"
    assert "<" not in first.text
