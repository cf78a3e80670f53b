"""An article source over the web: article URLs and feed URLs in, `Article`s out.

    fetcher = Fetcher(FetchSettings.from_settings(load_settings()))
    for item in read_urls(["https://example.org/news/1", "https://example.org/feed.xml"],
                          fetcher, seen=known):
        ...  # Article, or ReadError(origin=the URL, reason=why) - never raised

Each URL is fetched once and told apart by its content (`geo.read.feeds.feed_kind`): a page
becomes one article (`geo.read.pages`), a feed's entries are each fetched as pages.

"Seen before": `seen` is a set of keys or a callable ``seen(key) -> bool``; keys are URLs
as `url_key` writes them and content hashes (`Article.content_hash`). A feed entry whose
link is seen is not fetched; a fetched entry whose canonical URL or content hash is seen is
not yielded. The URLs given are always fetched (a user asking again wants a fresh copy; the
store tells unchanged articles by their hash). Nothing here adds to `seen`: call
`remember(seen, articles)` once the articles are safely stored, so an article lost on the
way (a crash before ingest) is fetched again next time. Within one call, an article reached
twice (two feeds, one story) is yielded once.

`stats` (a `ReadStats`) counts new articles, entries skipped as seen and failures, for the
watcher's log line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace

from geo.models import Article, ReadError
from geo.read.feeds import Feed, FeedEntry, feed_kind, parse_feed
from geo.read.fetch import Fetcher, FetchError, Response
from geo.read.pages import page_article, url_key

Seen = Callable[[str], bool] | set[str] | frozenset[str] | None


@dataclass
class ReadStats:
    new: int = 0
    seen: int = 0
    failed: int = 0


class _Known:
    """`seen` plus what this call has already yielded."""

    def __init__(self, seen: Seen) -> None:
        self._seen = seen
        self._here: set[str] = set()

    def __call__(self, key: str | None) -> bool:
        if not key:
            return False
        if key in self._here:
            return True
        if self._seen is None:
            return False
        return self._seen(key) if callable(self._seen) else key in self._seen

    def add(self, article: Article) -> None:
        self._here.update(article_keys(article))


def article_keys(article: Article) -> set[str]:
    """The keys an article is known by: its URLs (canonical and fetched) and content hash."""
    keys = {article.content_hash} if article.content_hash else set()
    for url in (article.url, article.origin):
        if url and url.startswith(("http://", "https://")):
            keys.add(url_key(url))
    return keys


def remember(seen: set[str], articles: Iterable[Article]) -> None:
    """Add stored articles to a `seen` set (a store-backed `seen` knows them already)."""
    for article in articles:
        seen.update(article_keys(article))


def read_urls(
    urls: Iterable[str],
    fetcher: Fetcher,
    *,
    seen: Seen = None,
    publisher: str | None = None,
    language: str | None = None,
    stats: ReadStats | None = None,
) -> Iterator[Article | ReadError]:
    """Articles of pages and feeds at `urls`; failures as ReadError naming the URL."""
    known = _Known(seen)
    stats = stats if stats is not None else ReadStats()
    for url in urls:
        try:
            response = fetcher.fetch(url)
        except FetchError as exc:
            stats.failed += 1
            yield ReadError(url, exc.reason)
            continue
        yield from _read_response(response, fetcher, known, publisher, language, stats)


def read_response(
    response: Response,
    fetcher: Fetcher,
    *,
    seen: Seen = None,
    publisher: str | None = None,
    language: str | None = None,
    stats: ReadStats | None = None,
) -> Iterator[Article | ReadError]:
    """As `read_urls`, for a response already fetched (the watcher's conditional GET)."""
    stats = stats if stats is not None else ReadStats()
    yield from _read_response(response, fetcher, _Known(seen), publisher, language, stats)


def _read_response(
    response: Response,
    fetcher: Fetcher,
    known: _Known,
    publisher: str | None,
    language: str | None,
    stats: ReadStats,
) -> Iterator[Article | ReadError]:
    if feed_kind(response.body) is None:
        item = page_article(response, publisher=publisher, language=language)
        yield _count(item, stats, known)
        return
    try:
        feed = parse_feed(response.body, response.url, response.headers.get("content-type"))
    except ValueError as exc:
        stats.failed += 1
        yield ReadError(response.url, str(exc))
        return
    yield from read_entries(feed, response.url, fetcher, known, publisher, language, stats)


def read_entries(
    feed: Feed,
    feed_url: str,
    fetcher: Fetcher,
    known: Callable[[str | None], bool],
    publisher: str | None,
    language: str | None,
    stats: ReadStats,
) -> Iterator[Article | ReadError]:
    """Fetch each entry of `feed` not seen before as a page."""
    known = known if isinstance(known, _Known) else _Known(known)
    for number, entry in enumerate(feed.entries, start=1):
        if entry.link is None:
            stats.failed += 1
            name = entry.id or entry.title or f"entry {number}"
            yield ReadError(f"{feed_url}#{name}", "entry without an http(s) link")
            continue
        if known(url_key(entry.link)):
            stats.seen += 1
            continue
        try:
            response = fetcher.fetch(entry.link)
        except FetchError as exc:
            stats.failed += 1
            yield ReadError(entry.link, exc.reason)
            continue
        item = page_article(response, publisher=publisher, language=language)
        if isinstance(item, Article):
            item = _with_entry(item, entry)
            if known(url_key(item.url or "")) or known(item.content_hash):
                stats.seen += 1
                continue
        yield _count(item, stats, known)


def _with_entry(article: Article, entry: FeedEntry) -> Article:
    """What the page lacks, from its feed entry (the page's own metadata comes first)."""
    changes = {}
    if article.published is None and entry.published is not None:
        changes.update(published=entry.published.date(), published_flag=None)
    if not article.title and entry.title:
        from geo.read.articles import content_hash

        changes.update(title=entry.title, content_hash=content_hash(article.text, entry.title))
    return replace(article, **changes) if changes else article


def _count(item: Article | ReadError, stats: ReadStats, known: _Known) -> Article | ReadError:
    if isinstance(item, Article):
        stats.new += 1
        known.add(item)
    else:
        stats.failed += 1
    return item
