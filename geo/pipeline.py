"""The whole path for a batch of articles: read -> find -> resolve -> events -> store.

`analyze` is pure (an article in, an AnalyzedArticle out); `ingest_paths` adds reading,
batching, progress and the store.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from geo.articles import ColumnMap, read_paths
from geo.config import SEEDS_DIR
from geo.dates import find_publication_date
from geo.events import extract_events
from geo.gazetteer import Gazetteer
from geo.models import Article, Mention, ReadError, ResolvedMention
from geo.overrides import Overrides, load_overrides
from geo.resolve import resolve_mentions
from geo.store import AnalyzedArticle, connect, write_batch
from geo.toponyms import find_mentions, load_nlp

BATCH_SIZE = 64
# spaCy's pipeline dominates ingest time: large inputs are parsed by this many processes
# ($GEO_NLP_PROCESSES, else two wherever there are two cores). On an idle two-core machine
# two processes ingest FA-KES at 22.8 articles/s against 14.2 with one (bench/events.py);
# on a machine busy with other work one can be faster: GEO_NLP_PROCESSES=1.
N_PROCESS = int(os.environ.get("GEO_NLP_PROCESSES", 0)) or max(1, min(2, os.cpu_count() or 1))
MIN_ARTICLES_PER_PROCESS = 48  # below this, starting a second process costs more than it saves


@cache
def default_gazetteer() -> Gazetteer:
    """The offline gazetteer, built on first use into the data folder."""
    import sys

    return Gazetteer.open(progress=lambda msg: print(f"gazetteer: {msg}", file=sys.stderr))


@cache
def default_fallback():
    """The online geocoder the user opted in to in geo.toml, or None (offline)."""
    from geo.geocoders import online_fallback

    return online_fallback()


@dataclass
class IngestSummary:
    read: int = 0
    stored: int = 0
    unchanged: int = 0
    replaced: int = 0
    skipped: list[ReadError] = field(default_factory=list)
    events: int = 0
    places: int = 0
    unresolved: list[tuple[str, str]] = field(default_factory=list)  # (article_id, name)
    approximate: list[tuple[str, str, str]] = field(default_factory=list)  # (id, name, placed at)

    def lines(self) -> list[str]:
        out = [
            f"articles read: {self.read}",
            f"stored: {self.stored} new or changed, {self.unchanged} unchanged"
            + (f", {self.replaced} replaced" if self.replaced else ""),
            f"skipped: {len(self.skipped)}",
            *(f"  {e.origin}: {e.reason}" for e in self.skipped),
            f"events: {self.events}",
            f"places found: {self.places}, unresolved: {len(self.unresolved)}",
        ]
        names = sorted({name for _, name in self.unresolved})
        if names:
            shown = ", ".join(names[:20]) + (" …" if len(names) > 20 else "")
            out.append(f"  unresolved names: {shown}")
        if self.approximate:
            placed = sorted({f"{name} (at {town})" for _, name, town in self.approximate})
            shown = ", ".join(placed[:20]) + (" …" if len(placed) > 20 else "")
            out.append(
                f"placed approximately (not in the gazetteer, placed at the town around them): "
                f"{len(self.approximate)}"
            )
            out.append(f"  {shown}")
        return out


def with_publication_date(article: Article) -> Article:
    """Fill a missing publication date from a date the text states at its head."""
    if article.published is not None:
        return article
    stated = find_publication_date(article.text)
    if stated is None:
        return article
    return replace(article, published=stated.value, published_flag="inferred-from-text")


def analyze(
    article: Article, gazetteer: Gazetteer, doc=None, overrides: Overrides | None = None
) -> AnalyzedArticle:
    """Find, resolve and extract the events of one article."""
    article = with_publication_date(article)
    doc = doc if doc is not None else load_nlp()(article.text)
    mentions = find_mentions(article.text, gazetteer, doc)
    places = resolve_mentions(
        article.text,
        mentions,
        gazetteer,
        fallback=default_fallback(),
        overrides=overrides,
        article_id=article.article_id,  # corrections can be scoped to one article
    )
    sentences = [(s.start_char, s.end_char) for s in doc.sents]
    events = extract_events(
        article.article_id, article.text, sentences, places, article.published, article.title
    )
    return AnalyzedArticle(article, places, events)


def analyze_many(
    articles: Sequence[Article], gazetteer: Gazetteer, overrides: Overrides | None = None
) -> Iterable[AnalyzedArticle]:
    nlp = load_nlp()
    texts = (a.text for a in articles)
    n_process = N_PROCESS if len(articles) >= MIN_ARTICLES_PER_PROCESS * N_PROCESS else 1
    docs = nlp.pipe(texts, batch_size=16, n_process=n_process)
    for article, doc in zip(articles, docs, strict=True):
        yield analyze(article, gazetteer, doc, overrides)


def ingest_paths(
    paths: Iterable[str | os.PathLike[str]],
    db_path: str | os.PathLike[str],
    columns: ColumnMap | None = None,
    progress: Callable[[int, int], None] | None = None,
    gazetteer: Gazetteer | None = None,
) -> IngestSummary:
    """Read, analyse and store articles; `progress(done, total)` is called as it goes.

    Bad files and rows are reported in the summary and skipped; every batch is one
    transaction.
    """
    summary = IngestSummary()
    articles: list[Article] = []
    for item in read_paths(paths, columns):
        if isinstance(item, ReadError):
            summary.skipped.append(item)
        else:
            articles.append(item)
    return ingest_articles(articles, db_path, progress, gazetteer, summary)


def ingest_articles(
    articles: Sequence[Article],
    db_path: str | os.PathLike[str],
    progress: Callable[[int, int], None] | None = None,
    gazetteer: Gazetteer | None = None,
    summary: IngestSummary | None = None,
) -> IngestSummary:
    summary = summary or IngestSummary()
    summary.read += len(articles)
    gazetteer = gazetteer or default_gazetteer()
    db = connect(db_path)
    try:
        known = dict(db.execute("SELECT article_id, content_hash FROM articles"))
        fresh = [a for a in articles if known.get(a.article_id) != a.content_hash]
        summary.unchanged += len(articles) - len(fresh)
        done = len(articles) - len(fresh)
        if progress:
            progress(done, len(articles))
        batch: list[AnalyzedArticle] = []
        for analyzed in analyze_many(fresh, gazetteer, load_overrides(db_path)):
            batch.append(analyzed)
            if len(batch) >= BATCH_SIZE:
                done += _flush(db, batch, summary)
                if progress:
                    progress(done, len(articles))
        done += _flush(db, batch, summary)
        if progress:
            progress(done, len(articles))
    finally:
        db.close()
    return summary


def _flush(db, batch: list[AnalyzedArticle], summary: IngestSummary) -> int:
    if not batch:
        return 0
    result = write_batch(db, batch)
    written = set(result.written)
    summary.stored += len(result.written)
    summary.unchanged += len(result.unchanged)
    summary.replaced += len(result.replaced)
    for item in batch:
        if item.article.article_id in written:
            summary.events += len(item.events)
            summary.places += len(item.places)
            summary.unresolved.extend(
                (item.article.article_id, p.mention.text) for p in item.places if not p.resolved
            )
            summary.approximate.extend(
                (item.article.article_id, p.mention.text, p.place.name)
                for p in item.places
                if p.approximate
            )
    size = len(batch)
    batch.clear()
    return size


def ensure_seeded(db_path: str | os.PathLike[str], seeds: Path = SEEDS_DIR) -> IngestSummary | None:
    """Ingest the project's seed articles when the database holds no article yet."""
    db = connect(db_path)
    try:
        empty = db.execute("SELECT count(*) FROM articles").fetchone()[0] == 0
    finally:
        db.close()
    return ingest_paths([seeds], db_path) if empty else None


def parse_document(
    text: str,
    gazetteer: Gazetteer,
    spans: Sequence[Sequence[int]] | None = None,
    doc=None,
    overrides=None,
) -> list[ResolvedMention]:
    """Place names of one text, resolved; with `spans`, resolve exactly those spans.

    `doc`: the text already run through `load_nlp()` (see `parse_documents`).
    """
    if spans is None:
        mentions = find_mentions(text, gazetteer, doc)
    else:
        mentions = [
            Mention(int(s), int(e), text[int(s) : int(e)], finder="given") for s, e in spans
        ]
    return resolve_mentions(
        text, mentions, gazetteer, fallback=default_fallback(), overrides=overrides
    )


def parse_documents(
    items: Iterable[tuple[str, Sequence[Sequence[int]] | None]],
    gazetteer: Gazetteer,
    batch_size: int = 32,
    overrides=None,
    n_process: int = 1,
) -> Iterable[list[ResolvedMention]]:
    """`parse_document` over (text, spans) pairs, the texts streamed through spaCy in
    batches (`n_process` worker processes: 2 on two cores nearly doubles the model's
    throughput). Texts with spans skip the model. Results come in input order.
    """
    from itertools import tee

    for_model, for_results = tee(items)
    docs = None
    for text, spans in for_results:
        doc = None
        if spans is None:
            if docs is None:
                texts = (t for t, s in for_model if s is None)
                docs = load_nlp().pipe(texts, batch_size=batch_size, n_process=n_process)
            doc = next(docs)
        yield parse_document(text, gazetteer, spans, doc=doc, overrides=overrides)
