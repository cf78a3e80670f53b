"""`python -m geo fetch` and `python -m geo watch` against a local site, end to end: pages
and feeds fetched, extracted, geoparsed and stored; the watcher's state in the store."""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest

from geo.cli import main
from geo.read.pages import url_article_id, url_key
from geo.store import open_store
from tests.helpers import PROJECT_DIR
from tests.http_fixture import Resource, Site, article_page, build_site, serve_site

CONTACT = "mailto:newsdesk@example.org"
# Invented reports of events in real places: (slug, title, published, paragraphs).
STORIES = [
    (
        "aleppo",
        "Shelling hits eastern Aleppo",
        "2024-03-04",
        [
            "Artillery shelled the eastern districts of Aleppo on Monday, killing four "
            "people and wounding eleven, a local rescue group said.",
            "Residents said the shells fell near a bakery in the early morning, when queues "
            "for bread are longest, and that ambulances took an hour to arrive.",
        ],
    ),
    (
        "mosul",
        "Clashes in western Mosul",
        "2024-03-05",
        [
            "Fighters clashed with police in western Mosul on Tuesday, and two officers were "
            "killed in the fighting, the provincial council said.",
            "Shops in the old city stayed closed for the day while patrols searched the "
            "narrow streets near the river.",
        ],
    ),
    (
        "homs",
        "Air strike on a market near Homs",
        "2024-03-06",
        [
            "An air strike hit a crowded market near Homs on Wednesday, killing seven "
            "civilians, a monitoring group said.",
            "Witnesses said two warplanes circled the town for several minutes before the "
            "strike, which destroyed a row of vegetable stalls.",
        ],
    ),
    (
        "idlib",
        "Protest in Idlib over bread prices",
        "2024-03-07",
        [
            "Hundreds of people protested in Idlib on Thursday against the rising price of "
            "bread, organisers said.",
            "The demonstrators marched from the main mosque to the municipal building, "
            "where a delegation handed over a letter to the governor.",
        ],
    ),
]


def rss(site: Site, slugs: list[str]) -> str:
    items = "".join(
        f"<item><title>{title}</title><link>{site.url(f'/story/{slug}.html')}</link>"
        f"<guid>{slug}</guid><pubDate>{datetime.fromisoformat(day):%a, %d %b %Y} 08:00:00 GMT"
        "</pubDate></item>"
        for slug, title, day, _ in STORIES
        if slug in slugs
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Wire</title><link>{site.url('/')}</link>{items}</channel></rss>"
    )


def atom(site: Site, slugs: list[str]) -> str:
    entries = "".join(
        f'<entry><title>{title}</title><link href="{site.url(f"/story/{slug}.html")}"/>'
        f"<id>tag:wire.example,2024:{slug}</id><updated>{day}T08:00:00Z</updated></entry>"
        for slug, title, day, _ in STORIES
        if slug in slugs
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Wire</title><id>tag:wire.example,2024:feed</id>{entries}</feed>"
    )


def build_wire(site: Site) -> None:
    """The fixture's site (redirects, robots.txt's disallowed path, 404...) plus pages of
    events and feeds of them; robots.txt without its crawl delay, to keep the tests fast."""
    build_site(site)
    site.resources["/robots.txt"] = Resource(b"User-agent: *\nDisallow: /private/\n", "text/plain")
    for slug, title, published, paragraphs in STORIES:
        page = article_page(site.base, slug, title, published, paragraphs)
        page = page.replace(f"/news/{slug}.html", f"/story/{slug}.html")  # its canonical URL
        site.resources[f"/story/{slug}.html"] = Resource(page.encode(), etag=f'"{slug}"')
    modified = "Thu, 07 Mar 2024 09:30:00 GMT"
    site.resources["/wire/rss.xml"] = Resource(
        rss(site, ["aleppo", "mosul"]).encode(), "application/rss+xml", etag='"r1"',
        last_modified=modified,
    )  # fmt: skip
    # Served as text/xml under a name without an extension: told by its content.
    site.resources["/wire/atom"] = Resource(
        atom(site, ["homs", "idlib"]).encode(), "text/xml", etag='"a1"', last_modified=modified
    )
    site.resources["/wire/broken"] = Resource(b"server error", "text/plain", status=500)


@pytest.fixture
def site():
    with serve_site(build_wire) as served:
        yield served


@pytest.fixture
def settings(tmp_path, monkeypatch):
    """geo.toml for the tests: a contact, no per-host interval, no retries; private
    addresses allowed for the loopback network only (the local server)."""
    path = tmp_path / "geo.toml"
    path.write_text(
        f'[fetch]\ncontact = "{CONTACT}"\nmin_interval = 0\nretries = 0\ntimeout = 5\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("GEO_CONFIG", str(path))
    monkeypatch.setenv("GEO_ALLOW_PRIVATE_ADDRESSES", "127.0.0.0/8")
    return path


def story_id(site: Site, slug: str) -> str:
    return url_article_id(site.url(f"/story/{slug}.html"))


def export_rows(db, capsys) -> list[dict]:
    capsys.readouterr()
    assert main(["export", "--db", str(db), "--format", "csv"]) == 0
    return list(csv.DictReader(io.StringIO(capsys.readouterr().out)))


# --- geo fetch --------------------------------------------------------------------------------


def test_fetch_a_page(site, settings, tmp_path, capsys):
    db = tmp_path / "events.db"
    url = site.url("/story/aleppo.html")
    before = datetime.now(UTC)
    assert main(["fetch", url, "--db", str(db), "--quiet"]) == 0
    err = capsys.readouterr().err
    assert "articles read: 1" in err and "stored: 1 new or changed, 0 unchanged" in err
    with open_store(db) as store:
        counts = store.counts()
        assert counts.articles == 1 and counts.events >= 1
        article = store.read_article(story_id(site, "aleppo"))
        assert article.url == url and article.title == "Shelling hits eastern Aleppo"
        assert article.source == "Example Gazette" and article.published == "2024-03-04"
        assert "shelled the eastern districts" in article.text
        assert "cookies" not in article.text  # the boilerplate is gone
        assert before <= datetime.fromisoformat(article.fetched_at) <= datetime.now(UTC)
        assert article.extraction.startswith("trafilatura ")
        assert article.language == "en"
        assert store.seen(url_key(url))
    [row, *_] = export_rows(db, capsys)
    assert (row["url"], row["place"], row["event_type"]) == (url, "Aleppo", "shelling")
    user_agents = {headers.get("user-agent") for _, headers in site.requests}
    assert user_agents == {f"geo-news-map/0.1 (+{CONTACT})"}  # from geo.toml's [fetch]


def test_fetch_rss_and_atom_feeds_and_name_bad_urls(site, settings, tmp_path, capsys):
    db = tmp_path / "events.db"
    bad = {
        site.url("/gone"): "HTTP 404",
        site.url("/redirect/metadata"): "refused: 169.254.169.254 is a link-local address",
        site.url("/private/secret.html"): "disallowed by robots.txt",
        site.url("/image.png"): "not text: image/png",
    }
    feeds = [site.url("/wire/rss.xml"), site.url("/wire/atom")]
    rc = main(["fetch", feeds[0], *bad, feeds[1], "--db", str(db), "--quiet"])
    assert rc == 1  # some URLs asked for could not be read; the others went in
    err = capsys.readouterr().err
    assert "articles read: 4" in err and f"skipped: {len(bad)}" in err
    for url, reason in bad.items():
        assert f"  {url}: {reason}" in err
    assert site.hits["/private/secret.html"] == 0
    rows = export_rows(db, capsys)
    assert {r["article_id"] for r in rows} == {story_id(site, s[0]) for s in STORIES}
    assert {r["place"] for r in rows} >= {"Aleppo", "Mosul", "Homs", "Idlib"}
    with open_store(db) as store:
        article = store.read_article(story_id(site, "homs"))
        assert article.url == site.url("/story/homs.html") and article.fetched_at

    # Again: the feeds are read, their entries are known by the store and not fetched.
    hits = dict(site.hits)
    assert main(["fetch", *feeds, "--db", str(db), "--quiet"]) == 0
    err = capsys.readouterr().err
    assert "articles read: 0" in err and "feed entries seen before, not fetched: 4" in err
    assert {p for p, n in site.hits.items() if n != hits.get(p, 0)} == {
        "/robots.txt",
        "/wire/rss.xml",
        "/wire/atom",
    }


def test_fetch_of_nothing_readable_fails(site, settings, tmp_path, capsys):
    db = tmp_path / "events.db"
    urls = ["ftp://example.org/feed", "news.example.org/a", site.url("/gone")]
    assert main(["fetch", *urls, "--db", str(db), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "  ftp://example.org/feed: unsupported scheme 'ftp': only http and https\n" in err
    assert "  news.example.org/a: invalid URL: no scheme (only http and https URLs)\n" in err
    assert f"  {site.url('/gone')}: HTTP 404\n" in err


# --- geo watch --------------------------------------------------------------------------------


def write_sources(folder, site: Site, *extra: str) -> str:
    path = folder / "sources.toml"
    path.write_text(
        f'[[source]]\nurl = "{site.url("/wire/rss.xml")}"\nname = "Wire"\n\n'
        f'[[source]]\nurl = "{site.url("/wire/atom")}"\ninterval = 30\n\n' + "".join(extra),
        encoding="utf-8",
    )
    return str(path)


def test_watch_once_twice(site, settings, tmp_path, capsys):
    db = tmp_path / "events.db"
    broken = f'[[source]]\nurl = "{site.url("/wire/broken")}"\nname = "Broken"\n'
    sources = write_sources(tmp_path, site, broken)
    started = datetime.now(UTC)
    assert main(["watch", sources, "--db", str(db), "--once"]) == 1  # a source failed
    err = capsys.readouterr().err
    assert " Wire: 2 new, 0 unchanged\n" in err
    assert f" {site.url('/wire/atom')}: 2 new, 0 unchanged\n" in err
    assert " Broken: failed: HTTP 500\n" in err
    with open_store(db) as store:
        assert store.counts().articles == 4 and store.counts().events >= 4
        wire = store.source_state(site.url("/wire/rss.xml"))
        assert wire.etag == '"r1"' and wire.last_error is None
        assert started <= wire.last_success <= datetime.now(UTC)
        assert wire.next_poll - wire.last_success == pytest.approx(
            timedelta(minutes=15), abs=timedelta(seconds=30)
        )
        atom_state = store.source_state(site.url("/wire/atom"))
        assert atom_state.next_poll - atom_state.last_success == pytest.approx(
            timedelta(minutes=30), abs=timedelta(seconds=30)
        )
        failed = store.source_state(site.url("/wire/broken"))
        assert failed.last_error == "HTTP 500" and failed.last_success is None
        assert failed.next_poll is not None

    # The second poll: the RSS feed answers 304; the Atom feed has lost its validators, so
    # it is read again, but its entries are known by the store: no page is fetched.
    site.resources["/wire/atom"].etag = site.resources["/wire/atom"].last_modified = None
    hits = dict(site.hits)
    assert main(["watch", sources, "--db", str(db), "--once"]) == 1
    err = capsys.readouterr().err
    assert " Wire: unchanged (304)\n" in err
    assert f" {site.url('/wire/atom')}: 0 new, 2 unchanged\n" in err
    new = {p: n - hits.get(p, 0) for p, n in site.hits.items() if n != hits.get(p, 0)}
    assert new == {"/robots.txt": 1, "/wire/rss.xml": 1, "/wire/atom": 1, "/wire/broken": 1}
    with open_store(db) as store:
        assert store.counts().articles == 4


def test_watch_refuses_a_bad_sources_file(tmp_path, capsys):
    path = tmp_path / "sources.toml"
    path.write_text('[[source]]\nurl = "file:///etc/passwd"\n', encoding="utf-8")
    assert main(["watch", str(path), "--db", str(tmp_path / "events.db"), "--once"]) == 1
    assert capsys.readouterr().err == (
        f"error: {path}: [[source]] #1 (file:///etc/passwd): url must be an http(s) URL\n"
    )
    assert not (tmp_path / "events.db").exists()


def test_sigterm_stops_a_running_watch_cleanly(site, settings, tmp_path):
    db = tmp_path / "events.db"
    sources = write_sources(tmp_path, site)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "geo", "watch", sources, "--db", str(db)],
        cwd=PROJECT_DIR,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[str] = []
    polled = threading.Event()

    def read() -> None:
        for line in process.stderr:
            lines.append(line)
            if "/wire/atom: " in line:  # the second source's line: the first poll is done
                polled.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert polled.wait(180), "".join(lines)
        time.sleep(0.5)  # now sleeping until a source is due (a minute at least)
        process.send_signal(signal.SIGTERM)
        assert process.wait(30) == 0, "".join(lines)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    reader.join(5)
    assert lines[-2] == "watch stopped\n" and lines[-1].startswith("stored: 4 new or changed")
    with open_store(db) as store:
        assert store.counts().articles == 4
        assert store.source_state(site.url("/wire/rss.xml")).last_success is not None
