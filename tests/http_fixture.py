"""A local HTTP server for the fetch, feed and watch tests: a small invented news site.

`serve_site()` starts a ThreadingHTTPServer on 127.0.0.1 (port 0) in a thread and serves:

- /robots.txt: disallows /private/, Crawl-delay 2
- /feeds/rss2.xml (RSS 2.0), /feeds/rss1.rdf (RSS 1.0), /feeds/atom.xml (Atom), each with
  ETag and Last-Modified and 304 answers; their entries link to /news/*.html
- /news/*.html: article pages wrapped in boilerplate (nav, cookie banner, related links,
  footer); /private/secret.html (disallowed)
- /redirect/metadata -> http://169.254.169.254/latest/meta-data/, /redirect/ten -> 10.0.0.1,
  /redirect/local -> /news/one.html, /redirect/loop -> itself
- /slow (answers after 3 s), /huge (no Content-Length), /huge-length (Content-Length says),
  /image.png, /report.pdf, /busy (429 with Retry-After: 7, then 200), /flaky (503, then 200),
  /gone (404)

`site.hits[path]` counts requests per path; `site.fail_after = N` answers 500 to every
request after the N-th (counted from the moment it is set).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# Invented articles: (slug, title, published, paragraphs).
ARTICLES = [
    (
        "one",
        "Floods close the harbour road in Lorvania",
        "2024-03-04",
        [
            "Heavy rain flooded the harbour road of Port Lorvan on Monday, and the city council "
            "closed it to traffic until the water recedes, officials said in the afternoon.",
            "Residents of the lower town were asked to move their cars to higher streets, and "
            "volunteers filled sandbags near the old fish market through the night.",
            "The weather office expects the rain to ease by Wednesday, although the river that "
            "crosses the valley is still rising after three days of storms upstream.",
        ],
    ),
    (
        "two",
        "New ferry links the twin islands of Brask",
        "2024-03-05",
        [
            "A new ferry began sailing between the twin islands of Brask on Tuesday, cutting "
            "the crossing from two hours to forty minutes for the islanders who work ashore.",
            "The boat carries two hundred passengers and thirty cars, and the operator plans "
            "six crossings a day in summer and four in winter, weather permitting.",
            "Fishermen on the northern island welcomed the service but asked for a later "
            "evening crossing so that their catch can reach the mainland market fresh.",
        ],
    ),
    (
        "three",
        "Teachers in Vell vote to end the strike",
        "2024-03-06",
        [
            "Teachers in the province of Vell voted on Wednesday to end a strike that had "
            "closed most secondary schools for eleven days, their union announced.",
            "The agreement raises salaries over two years and hires more staff for the rural "
            "districts, where classes had grown to more than forty pupils.",
            "Schools will reopen on Monday, and the ministry said missed lessons would be made "
            "up during the first week of the summer holidays.",
        ],
    ),
    (
        "four",
        "Market fire destroys stalls in Old Quarry",
        "2024-03-07",
        [
            "A fire broke out before dawn on Thursday in the covered market of Old Quarry and "
            "destroyed about sixty stalls before firefighters brought it under control.",
            "No one was hurt, the fire brigade said, but traders lost their stock of cloth, "
            "spices and shoes, and many of them had no insurance at all.",
            "The mayor promised a temporary market on the square by the station while the "
            "cause of the fire is investigated and the roof is made safe.",
        ],
    ),
]
BOILERPLATE = {
    "nav": "Home World Business Sport Weather Subscribe",
    "cookie": "We use cookies to improve your experience. Accept all cookies",
    "related": "Related stories: Ten tips for a rainy holiday",
    "footer": "Copyright Example Gazette. All rights reserved. Privacy policy",
}
SITE_NAME = "Example Gazette"
SECRET_TEXT = "This private page must never be requested by the crawler."


def article_page(base: str, slug: str, title: str, published: str, paragraphs: list[str]) -> str:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{title} | {SITE_NAME}</title>
<link rel="canonical" href="{base}/news/{slug}.html">
<meta property="og:site_name" content="{SITE_NAME}">
<meta property="og:title" content="{title}">
<meta property="article:published_time" content="{published}T09:30:00Z">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>
<li><a href="/business">Business</a></li><li><a href="/sport">Sport</a></li>
<li><a href="/weather">Weather</a></li><li><a href="/subscribe">Subscribe</a></li></ul></nav>
<div id="cookie-banner" class="cookie-consent">{BOILERPLATE["cookie"]}
<button>Accept</button></div>
<main><article><h1>{title}</h1>
<p class="byline">By Staff Reporter</p>
{body}
</article>
<aside class="related"><h2>Related stories</h2><ul>
<li><a href="/news/tips.html">Ten tips for a rainy holiday</a></li></ul></aside></main>
<footer><p>{BOILERPLATE["footer"]}</p></footer>
</body></html>"""


def rss2(base: str) -> str:
    items = "\n".join(
        f"""<item><title>{title}</title><link>{base}/news/{slug}.html</link>
<guid isPermaLink="false">gazette-{slug}</guid>
<pubDate>{datetime.fromisoformat(day).strftime("%a, %d %b %Y")} 09:30:00 GMT</pubDate>
<description>&lt;p&gt;Summary of &lt;b&gt;{slug}&lt;/b&gt;&lt;/p&gt;</description></item>"""
        for slug, title, day, _ in ARTICLES[:3]
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<!-- an RSS 2.0 feed -->
<rss version="2.0"><channel><title>{SITE_NAME}</title><link>{base}/</link>
<description>News</description>
{items}
</channel></rss>"""


def rss1(base: str) -> str:
    slugs = [a[0] for a in ARTICLES[1:]]
    seq = "".join(f'<rdf:li resource="{base}/news/{s}.html"/>' for s in slugs)
    items = "\n".join(
        f"""<item rdf:about="{base}/news/{slug}.html"><title>{title}</title>
<link>{base}/news/{slug}.html</link><dc:date>{day}T09:30:00Z</dc:date></item>"""
        for slug, title, day, _ in ARTICLES[1:]
    )
    return f"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
 xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="{base}/feeds/rss1.rdf"><title>{SITE_NAME}</title><link>{base}/</link>
<description>News</description><items><rdf:Seq>{seq}</rdf:Seq></items></channel>
{items}
</rdf:RDF>"""


def atom(base: str) -> str:
    entries = "\n".join(
        f"""<entry><title>{title}</title><link rel="alternate" href="/news/{slug}.html"/>
<id>tag:gazette.example,2024:{slug}</id><updated>{day}T09:30:00Z</updated>
<summary>Summary of {slug}</summary></entry>"""
        for slug, title, day, _ in ARTICLES[2:]
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="{base}/"><title>{SITE_NAME}</title>
<id>tag:gazette.example,2024:feed</id><updated>2024-03-07T09:30:00Z</updated>
{entries}
</feed>"""


@dataclass
class Resource:
    """What a path answers; `answers` (status, headers) are used once each, in order, first."""

    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    delay: float = 0.0
    send_length: bool = True
    answers: list[tuple[int, dict[str, str]]] = field(default_factory=list)


class Site:
    def __init__(self) -> None:
        self.resources: dict[str, Resource] = {}
        self.hits: Counter[str] = Counter()
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.fail_after: int | None = None
        self._counted = 0
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.base = ""

    def url(self, path: str) -> str:
        return self.base + path

    def set_fail_after(self, n: int | None) -> None:
        with self.lock:
            self.fail_after, self._counted = n, 0

    def total(self) -> int:
        return sum(self.hits.values())


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:  # quiet tests
            pass

        def do_GET(self) -> None:
            path = self.path
            headers = {k.lower(): v for k, v in self.headers.items()}
            with site.lock:
                site.hits[path] += 1
                site.requests.append((path, headers))
                site._counted += 1
                failing = site.fail_after is not None and site._counted > site.fail_after
                resource = site.resources.get(path)
                answer = resource.answers.pop(0) if resource and resource.answers else None
            if failing:
                return self._send(500, {"Content-Type": "text/plain"}, b"server error")
            if resource is None:
                return self._send(404, {"Content-Type": "text/plain"}, b"not found")
            if resource.delay and site.stopping.wait(resource.delay):
                return
            if answer is not None:
                return self._send(answer[0], {"Content-Type": "text/plain", **answer[1]}, b"")
            validators = {}
            if resource.etag:
                validators["ETag"] = resource.etag
            if resource.last_modified:
                validators["Last-Modified"] = resource.last_modified
            if (resource.etag and headers.get("if-none-match") == resource.etag) or (
                resource.last_modified
                and headers.get("if-modified-since") == resource.last_modified
            ):
                return self._send(304, validators, b"")
            out = {"Content-Type": resource.content_type, **validators, **resource.headers}
            self._send(resource.status, out, resource.body, resource.send_length)

        def _send(self, status: int, headers: dict, body: bytes, length: bool = True) -> None:
            try:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                if length and "Content-Length" not in headers:
                    self.send_header("Content-Length", str(len(body)))
                self.send_header("Connection", "close")
                self.end_headers()
                for start in range(0, len(body), 65536):
                    self.wfile.write(body[start : start + 65536])
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client stopped reading (size cap): expected
            self.close_connection = True

    return Handler


def build_site(site: Site) -> None:
    base = site.base
    day = datetime(2024, 3, 7, 9, 30, tzinfo=UTC)
    modified = day.strftime("%a, %d %b %Y %H:%M:%S GMT")
    r = site.resources
    r["/robots.txt"] = Resource(
        b"User-agent: *\nDisallow: /private/\nCrawl-delay: 2\n", "text/plain"
    )
    for path, text, kind, tag in (
        ("/feeds/rss2.xml", rss2(base), "application/rss+xml", '"rss2-v1"'),
        ("/feeds/rss1.rdf", rss1(base), "application/rdf+xml", '"rss1-v1"'),
        # Served as text/plain: detection must come from the content, not the type or name.
        ("/feeds/atom.xml", atom(base), "text/plain; charset=utf-8", '"atom-v1"'),
    ):
        r[path] = Resource(text.encode(), kind, etag=tag, last_modified=modified)
    for slug, title, published, paragraphs in ARTICLES:
        page = article_page(base, slug, title, published, paragraphs)
        r[f"/news/{slug}.html"] = Resource(page.encode(), etag=f'"{slug}"')
    r["/private/secret.html"] = Resource(f"<html><p>{SECRET_TEXT}</p></html>".encode())
    r["/redirect/metadata"] = Resource(
        status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"}
    )
    r["/redirect/ten"] = Resource(status=301, headers={"Location": "http://10.0.0.1/admin"})
    r["/redirect/local"] = Resource(status=302, headers={"Location": "/news/one.html"})
    r["/redirect/loop"] = Resource(status=302, headers={"Location": "/redirect/loop"})
    r["/slow"] = Resource(b"<html><p>late</p></html>", delay=3.0)
    r["/huge"] = Resource(b"<html><p>" + b"words " * 400_000 + b"</p></html>", send_length=False)
    r["/huge-length"] = Resource(b"<p>" + b"x" * 3_000_000 + b"</p>")
    r["/image.png"] = Resource(b"\x89PNG\r\n\x1a\n" + bytes(200), "image/png")
    r["/report.pdf"] = Resource(b"%PDF-1.4 fake", "application/pdf")
    r["/busy"] = Resource(b"<html><p>ok</p></html>", answers=[(429, {"Retry-After": "7"})])
    r["/flaky"] = Resource(b"<html><p>ok</p></html>", answers=[(503, {})])
    r["/gone"] = Resource(status=404)


@contextmanager
def serve_site(build: Callable[[Site], None] = build_site) -> Iterator[Site]:
    site = Site()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    server.daemon_threads = True
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    build(site)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield site
    finally:
        site.stopping.set()
        server.shutdown()
        server.server_close()


class FakeClock:
    """Monotonic clock, sleep and wall clock in one: sleeping only moves the time on."""

    def __init__(self, start: datetime | None = None) -> None:
        self.t = 0.0
        self.start = start or datetime(2024, 3, 8, 12, 0, tzinfo=UTC)
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.t += max(0.0, seconds)

    def now(self) -> datetime:
        return self.start + timedelta(seconds=self.t)


@contextmanager
def record_connections(monkeypatch) -> Iterator[list[tuple[str, int]]]:
    """Record every socket connection; refuse any but loopback (no network in the tests)."""
    import socket

    real = socket.create_connection
    attempts: list[tuple[str, int]] = []

    def guarded(address, *args, **kwargs):
        attempts.append(address)
        if not str(address[0]).startswith("127."):
            raise AssertionError(f"tests must not connect to {address}")
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", guarded)
    yield attempts
