"""Fetching URLs into the store: the one implementation behind `python -m geo fetch` and
the dashboard's "Add articles" URL form.

    summary, stats = fetch_and_ingest(urls, store, default_fetcher(), progress=show)

Each URL is an article page or a feed (geo.read.urls tells them apart by content); a feed's
entries stored before (by URL or content hash) are not fetched again. Articles are
ingested as they come, BATCH_SIZE at a time, so a long feed's first articles are stored
even if the fetch is stopped half-way. Every URL or entry that could not be read is a
ReadError in `summary.skipped` naming it, with its reason; nothing is raised for them.

`progress(step)` is called with a `FetchStep` when a URL starts (item None) and after each
article or failure read from it (for a feed: one per entry fetched), so a caller can show
a bar per URL and a line per entry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from geo.ingest.pipeline import BATCH_SIZE, IngestSummary, ingest_articles
from geo.models import Article, ReadError
from geo.read.fetch import Fetcher
from geo.read.urls import ReadStats, article_keys, read_urls
from geo.store import Location, Store, opened


@dataclass(frozen=True)
class FetchStep:
    url: str  # the URL given
    number: int  # its place among the URLs given, from 1
    total: int  # how many URLs were given
    item: Article | ReadError | None = None  # None: the URL's fetch starts


Progress = Callable[[FetchStep], None]


def default_fetcher() -> Fetcher:
    """A Fetcher with the [fetch] settings of geo.toml (user agent contact, politeness, caps,
    allow_private; GEO_ALLOW_PRIVATE_ADDRESSES is read by the fetcher itself)."""
    from geo.config import load_settings
    from geo.read.fetch import FetchSettings

    return Fetcher(FetchSettings.from_settings(load_settings()))


def fetch_and_ingest(
    urls: Iterable[str],
    store: Store | Location,
    fetcher: Fetcher,
    *,
    progress: Progress | None = None,
    summary: IngestSummary | None = None,
    stats: ReadStats | None = None,
) -> tuple[IngestSummary, ReadStats]:
    """Fetch, read and ingest the pages and feeds at `urls`; (summary, read stats).

    Pass your own `summary` and `stats` to see how far it got when interrupted."""
    urls = list(urls)
    summary = summary if summary is not None else IngestSummary()
    stats = stats if stats is not None else ReadStats()
    with opened(store) as db:
        # Read one URL at a time (for the progress of each), sharing what this call has
        # read already: an article reached twice (two feeds, one story) is read once.
        here: set[str] = set()

        def seen(key: str) -> bool:
            return key in here or db.seen(key)

        articles: list[Article] = []
        for number, url in enumerate(urls, start=1):
            if progress:
                progress(FetchStep(url, number, len(urls)))
            for item in read_urls([url], fetcher, seen=seen, stats=stats):
                if isinstance(item, ReadError):
                    summary.skipped.append(item)
                else:
                    here.update(article_keys(item))
                    articles.append(item)
                if progress:
                    progress(FetchStep(url, number, len(urls), item))
                if len(articles) >= BATCH_SIZE:
                    ingest_articles(articles, db, summary=summary)
                    articles = []
        if articles:
            ingest_articles(articles, db, summary=summary)
    return summary, stats


def failed_urls(urls: Iterable[str], summary: IngestSummary) -> list[ReadError]:
    """The failures of URLs given (not of a feed's entries): each names its URL."""
    given = set(urls)
    return [error for error in summary.skipped if error.origin in given]
