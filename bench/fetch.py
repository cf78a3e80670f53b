"""Fetch-and-extract throughput from a local HTTP server: pages per second.

A local site (tests/http_fixture.py's server) serves generated article pages of a realistic
size (boilerplate, a long list of related links) and an RSS feed listing them. Measured:

- politeness off: every page fetched then extracted, the time split between fetching and
  extraction (trafilatura); then the feed read end to end (`read_urls`);
- politeness on: robots.txt with Crawl-delay 0, but the default per-host interval (1 s),
  in real time, on fewer pages: the interval, not the machine, sets the pace.

- fetched, extracted and ingested (geoparsing, events, a new SQLite store), as `geo fetch`
  does it (ingested in batches of the pipeline's BATCH_SIZE as the pages come), on pages of
  invented reports of events in real places: pages per second and the time per page spent
  fetching, extracting and in the pipeline; politeness off, then on (1 s per host).

Medians of a few runs. The spaCy model and the gazetteer are loaded before timing.

    python bench/fetch.py [--runs 3] [--pages 200] [--polite-pages 4] [--pipeline-pages 64]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from geo.models import Article  # noqa: E402
from geo.read.fetch import Fetcher, FetchSettings  # noqa: E402
from geo.read.pages import page_article  # noqa: E402
from geo.read.urls import read_urls  # noqa: E402
from tests.http_fixture import ARTICLES, Resource, Site, article_page, serve_site  # noqa: E402
from tests.test_cli_fetch import STORIES  # noqa: E402

RELATED = "".join(
    f'<li><a href="/news/r{i}.html">Related story number {i}</a></li>' for i in range(150)
)


def build(pages: int):
    def build_site(site: Site) -> None:
        site.resources["/robots.txt"] = Resource(b"User-agent: *\nCrawl-delay: 0\n", "text/plain")
        items = []
        for n in range(pages):
            _slug, title, published, paragraphs = STORIES[n % len(STORIES)]
            if n % 2:
                _slug, title, published, paragraphs = ARTICLES[n % len(ARTICLES)]
            paragraphs = [f"{p} (Report {n}.)" for p in paragraphs] * 3
            html = article_page(site.base, f"p{n}", f"{title} ({n})", published, paragraphs)
            html = html.replace("</main>", f"<ul class='more'>{RELATED}</ul></main>")
            site.resources[f"/news/p{n}.html"] = Resource(html.encode())
            items.append(
                f"<item><title>{title}</title><link>{site.url(f'/news/p{n}.html')}</link></item>"
            )
        feed = f"<rss version='2.0'><channel><title>Bench</title>{''.join(items)}</channel></rss>"
        site.resources["/feed.xml"] = Resource(feed.encode(), "application/rss+xml")

    return build_site


def fetch_and_extract(site: Site, fetcher: Fetcher, pages: int) -> tuple[float, float, int]:
    fetching = extracting = 0.0
    articles = 0
    for n in range(pages):
        started = time.perf_counter()
        response = fetcher.fetch(site.url(f"/news/p{n}.html"))
        fetched = time.perf_counter()
        item = page_article(response)
        extracting += time.perf_counter() - fetched
        fetching += fetched - started
        articles += isinstance(item, Article)
    return fetching, extracting, articles


def fetch_extract_ingest(site: Site, fetcher: Fetcher, pages: int) -> dict[str, float]:
    """Seconds spent fetching, extracting and in the pipeline for `pages` pages, ingested
    into a new store in batches as `geo fetch` does."""
    from geo.ingest.pipeline import BATCH_SIZE, IngestSummary, ingest_articles
    from geo.store import open_store

    spent = {"fetch": 0.0, "extraction": 0.0, "pipeline": 0.0}
    summary = IngestSummary()
    with tempfile.TemporaryDirectory() as folder, open_store(Path(folder) / "e.db") as store:
        batch: list[Article] = []

        def ingest() -> None:
            started = time.perf_counter()
            ingest_articles(batch, store, summary=summary)
            spent["pipeline"] += time.perf_counter() - started
            batch.clear()

        for n in range(pages):
            started = time.perf_counter()
            response = fetcher.fetch(site.url(f"/news/p{n}.html"))
            fetched = time.perf_counter()
            item = page_article(response)
            spent["extraction"] += time.perf_counter() - fetched
            spent["fetch"] += fetched - started
            batch.append(item)
            if len(batch) >= BATCH_SIZE:
                ingest()
        if batch:
            ingest()
        assert summary.stored == pages, f"only {summary.stored} of {pages} pages stored"
        spent["events"] = summary.events
    return spent


def warm_up_pipeline(site: Site) -> None:
    """Load the spaCy model and open the gazetteer: once per process, not measured."""
    fetch_extract_ingest(site, Fetcher(FetchSettings(polite=False)), 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--polite-pages", type=int, default=4)
    parser.add_argument("--pipeline-pages", type=int, default=64)
    args = parser.parse_args()
    os.environ["GEO_ALLOW_PRIVATE_ADDRESSES"] = "127.0.0.0/8"
    with serve_site(build(max(args.pages, args.pipeline_pages))) as site:
        size = len(site.resources["/news/p0.html"].body)
        page_article(Fetcher(FetchSettings(polite=False)).fetch(site.url("/news/p0.html")))  # warm
        off, fetch_share, extract_share, feed_rates, polite = [], [], [], [], []
        for _ in range(args.runs):
            fetcher = Fetcher(FetchSettings(polite=False))
            fetching, extracting, count = fetch_and_extract(site, fetcher, args.pages)
            assert count == args.pages, f"only {count} of {args.pages} pages gave an article"
            total = fetching + extracting
            off.append(args.pages / total)
            fetch_share.append(fetching / args.pages * 1000)
            extract_share.append(extracting / args.pages * 1000)

            started = time.perf_counter()
            articles = [
                a for a in read_urls([site.url("/feed.xml")], fetcher) if isinstance(a, Article)
            ]
            feed_rates.append(len(articles) / (time.perf_counter() - started))

            started = time.perf_counter()
            fetching, extracting, count = fetch_and_extract(
                site, Fetcher(FetchSettings()), args.polite_pages
            )
            polite.append(count / (time.perf_counter() - started))
        warm_up_pipeline(site)
        ingested, ingested_polite = [], []
        for _ in range(args.runs):
            impolite = Fetcher(FetchSettings(polite=False))
            ingested.append(fetch_extract_ingest(site, impolite, args.pipeline_pages))
            ingested_polite.append(
                fetch_extract_ingest(site, Fetcher(FetchSettings()), args.polite_pages)
            )
    median = statistics.median
    print(f"pages: {args.pages} of {size / 1024:.0f} KB, {args.runs} runs, medians")
    print(
        f"politeness off: {median(off):.1f} pages/s "
        f"(fetch {median(fetch_share):.2f} ms, extraction {median(extract_share):.2f} ms a page)"
    )
    print(f"feed end to end (politeness off): {median(feed_rates):.1f} pages/s")
    print(
        f"politeness on (1 s per host, crawl delay 0), {args.polite_pages} pages, robots.txt "
        f"included: {median(polite):.2f} pages/s"
    )
    for label, runs, pages in (
        ("politeness off", ingested, args.pipeline_pages),
        ("politeness on (1 s per host)", ingested_polite, args.polite_pages),
    ):
        rate = median(pages / (r["fetch"] + r["extraction"] + r["pipeline"]) for r in runs)
        split = ", ".join(
            f"{part} {median(r[part] for r in runs) / pages * 1000:.1f} ms"
            for part in ("fetch", "extraction", "pipeline")
        )
        print(
            f"fetched + extracted + ingested, {label}, {pages} pages "
            f"({median(r['events'] for r in runs):.0f} events): {rate:.2f} pages/s "
            f"({split} a page)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
