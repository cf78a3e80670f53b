"""The HTTP client and page extraction, against the local site of tests/http_fixture.py.

Only 127.0.0.0/8 is allowed (as the settings' allow_private): every other address, the
ones the site redirects to included, must be refused; `record_connections` fails a test
that tries to connect anywhere but loopback.
"""

from __future__ import annotations

import gzip
import itertools
import socket
import time
from datetime import UTC, date, datetime

import pytest

from geo.models import Article, ReadError
from geo.read.articles import content_hash
from geo.read.fetch import Fetcher, FetchError, FetchSettings, Response, _retry_after
from geo.read.pages import extract_page, page_article, url_article_id
from tests.http_fixture import (
    ARTICLES,
    BOILERPLATE,
    SITE_NAME,
    FakeClock,
    Resource,
    record_connections,
    serve_site,
)

LOOPBACK_ONLY = ("127.0.0.0/8",)


@pytest.fixture
def site():
    with serve_site() as served:
        yield served


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture(autouse=True)
def no_env_override(monkeypatch):
    monkeypatch.delenv("GEO_ALLOW_PRIVATE_ADDRESSES", raising=False)


@pytest.fixture
def connections(monkeypatch):
    with record_connections(monkeypatch) as attempts:
        yield attempts


def make_fetcher(clock: FakeClock, resolver=None, **overrides) -> Fetcher:
    values = {
        "contact": "mailto:tests@example.org",
        "allow_private": LOOPBACK_ONLY,
        "read_timeout": 0.5,
        "connect_timeout": 1.0,
        "total_timeout": 5.0,
        "max_bytes": 1_000_000,
        **overrides,
    }
    return Fetcher(
        FetchSettings(**values), clock=clock, sleep=clock.sleep, now=clock.now, resolver=resolver
    )


def reason_of(fetcher: Fetcher, url: str) -> str:
    with pytest.raises(FetchError) as caught:
        fetcher.fetch(url)
    return caught.value.reason


# --- addresses --------------------------------------------------------------------------------


def test_a_page_is_fetched_with_the_projects_user_agent(site, clock, connections):
    response = make_fetcher(clock).fetch(site.url("/news/one.html"))
    assert response.status == 200 and response.content_type == "text/html"
    assert b"Port Lorvan" in response.body
    assert response.etag == '"one"'
    agents = {headers["user-agent"] for _, headers in site.requests}
    assert agents == {"geo-news-map/0.1 (+mailto:tests@example.org)"}


def test_loopback_is_refused_unless_allowed(site, clock, connections, monkeypatch):
    fetcher = make_fetcher(clock, allow_private=False)
    assert reason_of(fetcher, site.url("/news/one.html")) == (
        "refused: 127.0.0.1 is a loopback address"
    )
    assert site.total() == 0 and connections == []
    monkeypatch.setenv("GEO_ALLOW_PRIVATE_ADDRESSES", "1")
    assert fetcher.fetch(site.url("/news/one.html")).status == 200


def test_the_environment_can_allow_some_networks_only(site, clock, connections, monkeypatch):
    monkeypatch.setenv("GEO_ALLOW_PRIVATE_ADDRESSES", "127.0.0.0/8")
    fetcher = make_fetcher(clock, allow_private=False)
    assert fetcher.fetch(site.url("/news/one.html")).status == 200
    assert reason_of(fetcher, site.url("/redirect/ten")) == "refused: 10.0.0.1 is a private address"


@pytest.mark.parametrize(
    ("path", "reason", "forbidden"),
    [
        ("/redirect/metadata", "refused: 169.254.169.254 is a link-local address", "169.254."),
        ("/redirect/ten", "refused: 10.0.0.1 is a private address", "10."),
    ],
)
def test_a_redirect_to_a_private_address_is_refused_without_connecting(
    site, clock, connections, path, reason, forbidden
):
    assert reason_of(make_fetcher(clock), site.url(path)) == reason
    assert site.hits[path] == 1
    assert connections and all(host == "127.0.0.1" for host, _ in connections)
    assert not any(host.startswith(forbidden) for host, _ in connections)


def test_a_host_resolving_to_a_private_address_is_refused(site, clock, connections):
    def resolver(host, port, **kwargs):
        address = {"intranet.example": "10.0.0.5", "mixed.example": None}[host]
        if address is None:  # one public and one private answer: still refused
            return [
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("192.168.1.1", port)),
            ]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    fetcher = make_fetcher(clock, resolver=resolver)
    assert (
        reason_of(fetcher, "http://intranet.example/") == "refused: 10.0.0.5 is a private address"
    )
    assert reason_of(fetcher, "https://mixed.example/") == (
        "refused: 192.168.1.1 is a private address"
    )
    assert connections == []


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("0.0.0.0", "an unspecified"),
        ("224.0.0.1", "a multicast"),
        ("::1", "a loopback"),
        ("fe80::1", "a link-local"),
        ("::ffff:10.1.2.3", "a private"),
        ("100.64.0.1", "a non-public"),
        ("240.0.0.1", "a private"),  # reserved, which Python also counts as private
    ],
)
def test_every_non_public_address_class_is_refused(clock, address, kind):
    fetcher = make_fetcher(clock, allow_private=False)
    reason = fetcher._check_address(address)
    assert reason is not None and reason.endswith(f"is {kind} address")
    assert fetcher._check_address("93.184.216.34") is None


def test_the_checked_address_is_the_one_connected_to(site, clock, connections):
    port = int(site.base.rsplit(":", 1)[1])
    lookups = []

    def resolver(host, port, **kwargs):
        lookups.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    fetcher = make_fetcher(clock, resolver=resolver)
    response = fetcher.fetch(f"http://news.example:{port}/news/two.html")
    assert b"Brask" in response.body
    # Pinned: we connect to the address checked, the Host header names the host.
    assert connections == [("127.0.0.1", port), ("127.0.0.1", port)]  # robots.txt, the page
    assert {headers["host"] for _, headers in site.requests} == {f"news.example:{port}"}
    assert lookups == ["news.example", "news.example"]


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.org/a", "gopher://example.org/", "data:,x"]
)
def test_only_http_and_https(clock, connections, url):
    assert reason_of(make_fetcher(clock), url).startswith("unsupported scheme")
    assert connections == []


# --- redirects, limits, content types ---------------------------------------------------------


def test_redirects_are_followed_and_bounded(site, clock):
    fetcher = make_fetcher(clock)
    response = fetcher.fetch(site.url("/redirect/local"))
    assert response.url == site.url("/news/one.html")
    assert response.requested_url == site.url("/redirect/local")
    assert reason_of(fetcher, site.url("/redirect/loop")) == "too many redirects (more than 5)"
    assert site.hits["/redirect/loop"] == 6


def test_a_slow_page_times_out(site, clock):
    started = time.monotonic()
    assert reason_of(make_fetcher(clock), site.url("/slow")) == "timed out after 0.5 s"
    assert time.monotonic() - started < 2.5


@pytest.mark.parametrize("path", ["/huge", "/huge-length"])
def test_a_page_over_the_size_cap_is_refused(site, clock, path):
    fetcher = make_fetcher(clock, max_bytes=1024 * 1024)
    assert reason_of(fetcher, site.url(path)) == "too large: more than 1 MB"


def test_the_default_cap_is_five_megabytes(site, clock):
    site.resources["/big"] = Resource(b"x" * (5 * 2**20 + 1))
    settings = FetchSettings()
    assert settings.max_bytes == 5 * 2**20
    assert reason_of(make_fetcher(clock, max_bytes=settings.max_bytes), site.url("/big")) == (
        "too large: more than 5 MB"
    )


def test_a_gzip_bomb_is_capped_on_its_decompressed_size(site, clock):
    bomb = gzip.compress(b"<p>" + b" " * (20 * 2**20))
    assert len(bomb) < 100_000
    site.resources["/bomb"] = Resource(bomb, headers={"Content-Encoding": "gzip"})
    site.resources["/zipped"] = Resource(
        gzip.compress(b"<p>small page</p>"), headers={"Content-Encoding": "gzip"}
    )
    fetcher = make_fetcher(clock)
    assert fetcher.fetch(site.url("/zipped")).body == b"<p>small page</p>"
    assert reason_of(fetcher, site.url("/bomb")) == "too large: more than 977 KB"


@pytest.mark.parametrize(
    ("path", "reason"),
    [("/image.png", "not text: image/png"), ("/report.pdf", "not text: application/pdf")],
)
def test_binary_content_is_refused(site, clock, path, reason):
    assert reason_of(make_fetcher(clock), site.url(path)) == reason


def test_binary_bytes_under_a_text_type_are_refused(site, clock):
    site.resources["/fake.html"] = Resource(b"PK\x03\x04\x00\x00binary")
    assert reason_of(make_fetcher(clock), site.url("/fake.html")) == "not text: binary content"


def test_http_errors_are_reported(site, clock):
    assert reason_of(make_fetcher(clock), site.url("/gone")) == "HTTP 404"


# --- retries ----------------------------------------------------------------------------------


def test_429_is_retried_after_its_retry_after(site, clock):
    response = make_fetcher(clock).fetch(site.url("/busy"))
    assert response.status == 200
    assert site.hits["/busy"] == 2
    assert 7.0 in clock.sleeps  # Retry-After: 7, on the fake clock


def test_503_then_200_is_retried_with_back_off(site, clock):
    fetcher = make_fetcher(clock, min_interval=0.0)
    site.resources["/robots.txt"] = Resource(b"User-agent: *\nDisallow:\n", "text/plain")
    assert fetcher.fetch(site.url("/flaky")).status == 200
    assert site.hits["/flaky"] == 2
    assert clock.sleeps == [1.0]


def test_back_off_doubles_then_gives_up(site, clock):
    site.resources["/robots.txt"] = Resource(b"", "text/plain")
    site.resources["/down"] = Resource(answers=[(503, {})] * 10)
    fetcher = make_fetcher(clock, min_interval=0.0, retries=3)
    assert reason_of(fetcher, site.url("/down")) == "HTTP 503"
    assert site.hits["/down"] == 4
    assert clock.sleeps == [1.0, 2.0, 4.0]


def test_a_retry_after_longer_than_the_cap_gives_up(site, clock):
    site.resources["/later"] = Resource(answers=[(503, {"Retry-After": "3600"})])
    reason = reason_of(make_fetcher(clock), site.url("/later"))
    assert reason == "HTTP 503, asked to retry after 3600 s"
    assert site.hits["/later"] == 1


def test_retry_after_as_an_http_date():
    now = datetime(2024, 3, 8, 12, 0, tzinfo=UTC)
    assert _retry_after("Fri, 08 Mar 2024 12:00:30 GMT", now) == 30.0
    assert _retry_after("120", now) == 120.0
    assert _retry_after("Fri, 08 Mar 2024 11:00:00 GMT", now) == 0.0
    assert _retry_after("soon", now) is None


# --- conditional requests ---------------------------------------------------------------------


def test_etag_and_last_modified_give_unchanged(site, clock):
    fetcher = make_fetcher(clock)
    first = fetcher.fetch(site.url("/feeds/rss2.xml"))
    assert first.etag and first.last_modified
    again = fetcher.fetch(site.url("/feeds/rss2.xml"), etag=first.etag)
    assert again.unchanged and again.body == b""
    by_date = fetcher.fetch(site.url("/feeds/rss2.xml"), last_modified=first.last_modified)
    assert by_date.unchanged
    sent = [h for path, h in site.requests if path == "/feeds/rss2.xml"]
    assert "if-none-match" not in sent[0]
    assert sent[1]["if-none-match"] == first.etag
    assert sent[2]["if-modified-since"] == first.last_modified


# --- robots.txt and politeness ----------------------------------------------------------------


def test_a_disallowed_page_is_never_requested(site, clock):
    fetcher = make_fetcher(clock)
    assert reason_of(fetcher, site.url("/private/secret.html")) == "disallowed by robots.txt"
    fetcher.fetch(site.url("/news/one.html"))
    assert site.hits["/private/secret.html"] == 0
    assert site.hits["/robots.txt"] == 1  # cached per host


def test_the_crawl_delay_spaces_requests_to_a_host(site, clock):
    fetcher = make_fetcher(clock)
    times = []
    for slug in ("one", "two", "three"):
        fetcher.fetch(site.url(f"/news/{slug}.html"))
        times.append(clock())
    assert [round(b - a, 6) for a, b in itertools.pairwise(times)] == [2.0, 2.0]


def test_one_request_a_second_per_host_by_default(site, clock):
    site.resources["/robots.txt"] = Resource(b"User-agent: *\nCrawl-delay: 0\n", "text/plain")
    fetcher = make_fetcher(clock)
    for slug in ("one", "two"):
        fetcher.fetch(site.url(f"/news/{slug}.html"))
    assert clock.sleeps == [1.0, 1.0]  # after robots.txt, then between the pages


def test_robots_that_cannot_be_read_disallow_for_a_while(site, clock):
    site.resources["/robots.txt"] = Resource(answers=[(500, {})] * 4)
    fetcher = make_fetcher(clock, retries=1)
    assert reason_of(fetcher, site.url("/news/one.html")) == "disallowed by robots.txt"
    assert site.hits["/news/one.html"] == 0
    clock.t += 601  # the failure is cached ten minutes; then robots.txt is read again
    site.resources["/robots.txt"].answers.clear()
    site.resources["/robots.txt"].body = b"User-agent: *\nDisallow:\n"
    assert fetcher.fetch(site.url("/news/one.html")).status == 200


def test_a_missing_robots_txt_allows_everything(site, clock):
    del site.resources["/robots.txt"]
    assert make_fetcher(clock).fetch(site.url("/private/secret.html")).status == 200


def test_politeness_off_skips_robots_and_waiting(site, clock):
    fetcher = make_fetcher(clock, polite=False)
    for slug in ("one", "two", "three"):
        fetcher.fetch(site.url(f"/news/{slug}.html"))
    assert site.hits["/robots.txt"] == 0 and clock.sleeps == []


# --- settings ---------------------------------------------------------------------------------


def test_settings_from_geo_toml():
    settings = FetchSettings.from_settings(
        {"fetch": {"contact": "https://example.org/about", "max_mb": 2, "timeout": 5}}
    )
    assert settings.user_agent == "geo-news-map/0.1 (+https://example.org/about)"
    assert settings.max_bytes == 2 * 2**20 and settings.read_timeout == 5.0
    assert FetchSettings.from_settings({}).user_agent == "geo-news-map/0.1"
    assert FetchSettings.from_settings({"fetch": {"allow_private": ["10.0.0.0/8"]}}).allow_private
    with pytest.raises(ValueError, match="allow_private"):
        FetchSettings.from_settings({"fetch": {"allow_private": ["not a network"]}})
    with pytest.raises(ValueError, match="max_mb"):
        FetchSettings.from_settings({"fetch": {"max_mb": -1}})


# --- pages ------------------------------------------------------------------------------------


def test_a_page_becomes_an_article_without_its_boilerplate(site, clock):
    response = make_fetcher(clock).fetch(site.url("/news/one.html"))
    article = page_article(response)
    assert isinstance(article, Article)
    slug, title, published, paragraphs = ARTICLES[0]
    for paragraph in paragraphs:
        assert paragraph in article.text
    for words in (*BOILERPLATE.values(), "By Staff Reporter"):
        assert words not in article.text
    assert "Accept all cookies" not in article.text and "<" not in article.text
    assert article.title == title and not article.text.startswith(title)
    assert article.published == date.fromisoformat(published) and article.published_flag is None
    assert article.source == SITE_NAME
    assert article.url == site.url(f"/news/{slug}.html")
    assert article.origin == site.url(f"/news/{slug}.html")
    assert article.language == "en"
    assert article.fetched_at == response.fetched_at and article.fetched_at.tzinfo is not None
    assert article.extraction.startswith("trafilatura ")
    assert article.content_hash == content_hash(article.text, article.title)
    assert article.article_id == url_article_id(article.url)


def test_a_canonical_url_on_another_site_is_not_believed():
    html = ARTICLE_HTML.replace("CANONICAL", "https://other.example/news/stolen")
    article = extract_page(html, "https://gazette.example/a?utm=1", datetime.now(UTC))
    assert article.url == "https://gazette.example/a?utm=1"
    same_site = extract_page(
        ARTICLE_HTML.replace("CANONICAL", "https://www.gazette.example/a"),
        "https://gazette.example/a?utm=1",
    )
    assert same_site.url == "https://www.gazette.example/a"
    assert same_site.article_id == url_article_id("https://www.gazette.example/a#top")


def test_a_page_without_text_is_a_read_error():
    item = extract_page(b"<html><body><div> </div></body></html>", "https://a.example/x")
    assert isinstance(item, ReadError) and item.origin == "https://a.example/x"
    assert item.reason == "no article text found"


def test_a_publisher_and_language_given_override_and_fill_in():
    html = ARTICLE_HTML.replace("CANONICAL", "https://gazette.example/a").replace(
        ' lang="fr-CA"', ""
    )
    article = extract_page(
        html, "https://gazette.example/a", publisher="The Gazette", language="de"
    )
    assert article.source == "The Gazette" and article.language == "de"
    declared = extract_page(ARTICLE_HTML, "https://gazette.example/a", language="de")
    assert declared.language == "fr-CA"


def test_the_declared_charset_decodes_the_page():
    body = ARTICLE_HTML.replace("Vell", "Véll").encode("latin-1")
    response = Response(
        url="https://gazette.example/a",
        status=200,
        headers={"content-type": "text/html; charset=ISO-8859-1"},
        body=body,
        fetched_at=datetime.now(UTC),
    )
    assert "Véll" in page_article(response).text


ARTICLE_HTML = """<html lang="fr-CA"><head><title>Bridge reopens in Vell</title>
<link rel="canonical" href="CANONICAL"></head><body><nav>Home News Sport</nav>
<article><h1>Bridge reopens in Vell</h1>
<p>The old stone bridge over the river in Vell reopened to cars on Friday after a year of
repairs that replaced its cracked arches and widened the footpaths on both sides.</p>
<p>Engineers said the bridge can now carry buses again, which will shorten the trip to the
market town by twenty minutes for the villages on the eastern bank of the river.</p>
</article><footer>Copyright</footer></body></html>"""
