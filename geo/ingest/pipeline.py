"""The whole path for a batch of articles: read -> find -> resolve -> events -> store.

`analyze` is pure (an article in, an AnalyzedArticle out); `ingest_paths` adds reading,
batching, progress and the store.

Article text comes from strangers, so one article never costs the others: an article
that fails to analyse (any exception) is skipped and named in the summary with its
reason, and the rest is stored. spaCy runs in our own worker processes (`parse_texts`),
not spaCy's `n_process`, so that they die with the ingest: a parent-death signal on
Linux and a watchdog elsewhere end a worker whose parent is gone (kill -9), and the pool
is terminated whenever the ingest stops (an error, Ctrl-C, SIGTERM).
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from geo.config import SEEDS_DIR, publisher_homes
from geo.event.dates import find_publication_date
from geo.event.events import extract_events
from geo.ingest.corrections import reapply_overrides
from geo.models import Article, Finder, Mention, Place, ReadError, ResolvedMention
from geo.place.gazetteer import Gazetteer, default_gazetteer
from geo.place.geocoders import default_online_geocoder
from geo.place.overrides import Overrides
from geo.place.recognize import find_mentions
from geo.place.resolve import drop_common_words, home_place, infer_home, resolve_mentions
from geo.place.sentences import DocSentences
from geo.place.tokens import tokens_from_doc
from geo.place.toponyms import is_demonym, load_nlp, text_for_model
from geo.read.articles import ColumnMap, read_paths
from geo.store import AnalyzedArticle, Location, Store, opened

BATCH_SIZE = 64
# spaCy's pipeline dominates ingest time: large inputs are parsed by this many processes
# ($GEO_NLP_PROCESSES, else two wherever there are two cores). On an idle two-core machine
# two processes ingest FA-KES at 22.8 articles/s against 14.2 with one (bench/events.py);
# on a machine busy with other work one can be faster: GEO_NLP_PROCESSES=1.
N_PROCESS = int(os.environ.get("GEO_NLP_PROCESSES", 0)) or max(1, min(2, os.cpu_count() or 1))
MIN_ARTICLES_PER_PROCESS = 48  # below this, starting a second process costs more than it saves
NLP_BATCH = 16  # texts per spaCy batch (and per task sent to a worker process)
# spaCy refuses texts over `nlp.max_length` (1,000,000 characters, error E088); longer
# ones are parsed in pieces of at most PIECE_CHARS, cut at paragraph or sentence ends.
PIECE_CHARS = 100_000
# Texts longer than this, or of more tokens, are refused by name: a book is no news
# article, and parsing it would hold the ingest for minutes (the model takes about
# 5,000 tokens a second; a 1.2 MB article of prose is about 250,000 tokens).
MAX_TEXT_CHARS = 2_000_000
MAX_TOKENS = 300_000
MAX_MENTIONS = 1_500  # news articles name tens of places; resolution time grows as its square

log = logging.getLogger(__name__)


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
    article: Article,
    gazetteer: Gazetteer,
    doc=None,
    overrides: Overrides | None = None,
    home: Place | None = None,
) -> AnalyzedArticle:
    """Find, resolve and extract the events of one article. `home`: its publisher's home
    place (`PublisherHomes`), evidence for same-name places near it."""
    article = with_publication_date(article)
    doc = doc if doc is not None else parse_text(article.text)
    tokens = tokens_from_doc(doc)
    mentions = find_mentions(article.text, gazetteer, tokens=tokens)
    if len(mentions) > MAX_MENTIONS:
        raise TextRefused(
            f"{len(mentions):,} place names found, more than the {MAX_MENTIONS:,} an "
            "article may have (resolution weighs every name against the others)"
        )
    places = resolve_mentions(
        article.text,
        mentions,
        gazetteer,
        geocoder=default_online_geocoder(),
        overrides=overrides,
        article_id=article.article_id,  # corrections can be scoped to one article
        home=home,
    )
    places = drop_common_words(article.text, places, home)
    sentences = DocSentences(tokens).split(article.text)
    events = extract_events(
        article.article_id, article.text, sentences, places, article.published, article.title
    )
    return AnalyzedArticle(article, places, events)


# How a batch's articles are analysed: `analyze_many` in this process (spaCy in worker
# processes), or a cluster's workers (geo/ingest/distributed.py). Either way the results
# come in input order and the writing, de-duplication and linking are the same.
Analyzer = Callable[..., Iterator["AnalyzedArticle | ReadError"]]


def analyze_many(
    articles: Sequence[Article],
    gazetteer: Gazetteer,
    overrides: Overrides | Callable[[], Overrides | None] | None = None,
    home_of: Callable[[Article], Place | None] | None = None,
    n_process: int | None = None,
) -> Iterator[AnalyzedArticle | ReadError]:
    """Analyse articles in order; one that fails gives a ReadError naming it and why.

    `home_of(article)`: its publisher's home place (`PublisherHomes.home_of`), if known.

    `overrides` may be a function, asked before each article, so that a correction made
    while a long ingest runs applies to the articles analysed after it. `n_process`: spaCy
    processes (default: N_PROCESS for large inputs, else one).
    """
    current = overrides if callable(overrides) else lambda: overrides
    if n_process is None:
        n_process = N_PROCESS if len(articles) >= MIN_ARTICLES_PER_PROCESS * N_PROCESS else 1
    docs = parse_texts((a.text for a in articles), n_process)
    with contextlib.closing(docs):
        for article, doc in zip(articles, docs, strict=True):
            if isinstance(doc, BaseException):
                yield _failed(article, doc)
                continue
            try:
                home = home_of(article) if home_of is not None else None
                yield analyze(article, gazetteer, doc, current(), home)
            except Exception as exc:  # a bug meeting a stranger's text: skip that article
                log.exception("analysing %s failed", _origin(article))
                yield _failed(article, exc)


class TextRefused(ValueError):
    """A text too long (or otherwise unfit) to be parsed at all."""


def _origin(article: Article) -> str:
    return article.origin or article.article_id


def _failed(article: Article, exc: BaseException) -> ReadError:
    reason = str(exc) if isinstance(exc, TextRefused) else f"{type(exc).__name__}: {exc}"
    return ReadError(_origin(article), f"not analysed: {reason}")


def text_pieces(text: str, limit: int = PIECE_CHARS) -> list[str]:
    """`text` cut into consecutive pieces of at most `limit` characters, each ending at a
    paragraph break where one is in the second half of the piece, else a line break, a
    sentence end or a space; "".join(pieces) == text."""
    pieces: list[str] = []
    start = 0
    while len(text) - start > limit:
        window = text[start : start + limit]
        cut = limit
        for boundary in ("\n\n", "\n", ". ", " "):
            found = window.rfind(boundary, limit // 2)
            if found != -1:
                cut = found + len(boundary)
                break
        pieces.append(window[:cut])
        start += cut
    pieces.append(text[start:])
    return pieces


def _tokens(nlp, text: str):
    """The text tokenized for the model (long junk runs tamed: `text_for_model`), or
    TextRefused when it is too long to parse in bounded time."""
    if len(text) > MAX_TEXT_CHARS:
        raise TextRefused(
            f"text of {len(text):,} characters is longer than the {MAX_TEXT_CHARS:,} "
            "an article may have"
        )
    return nlp.make_doc(text_for_model(text))


def _check_tokens(count: int) -> None:
    if count > MAX_TOKENS:
        raise TextRefused(
            f"text of {count:,} tokens is more than the {MAX_TOKENS:,} an article may have"
        )


def _parse_one(nlp, text: str):
    """One text through spaCy; a text over the model's limit in pieces joined back into
    one Doc (its character offsets, entities and sentences those of the whole text)."""
    if len(text) <= nlp.max_length:
        tokens = _tokens(nlp, text)
        _check_tokens(len(tokens))
        return nlp(tokens)
    from spacy.tokens import Doc

    if len(text) > MAX_TEXT_CHARS:
        _tokens(nlp, text)  # raises TextRefused, naming the length
    pieces = [_tokens(nlp, p) for p in text_pieces(text, min(PIECE_CHARS, nlp.max_length))]
    _check_tokens(sum(len(p) for p in pieces))
    return Doc.from_docs(list(nlp.pipe(pieces)), ensure_whitespace=False)


def _parse_batch(nlp, texts: Sequence[str]) -> list:
    """Docs (or the exception each text raised) for a batch of texts, in order."""
    if all(len(t) <= min(nlp.max_length, MAX_TEXT_CHARS) for t in texts):
        try:
            tokenized = [_tokens(nlp, t) for t in texts]
            for doc in tokenized:
                _check_tokens(len(doc))
            return list(nlp.pipe(tokenized, batch_size=NLP_BATCH))
        except Exception:
            pass  # find the text at fault: the others are parsed one by one below
    out: list = []
    for text in texts:
        try:
            out.append(_parse_one(nlp, text))
        except Exception as exc:
            out.append(exc)
    return out


def parse_text(text: str):
    """One text through spaCy as the ingest parses it (bounded; long texts in pieces)."""
    return _parse_one(load_nlp(), text)


def parse_texts(texts: Iterable[str], n_process: int = 1) -> Iterator:
    """Each text through spaCy (`load_nlp`), in order: a Doc, or the exception that text
    raised. With `n_process` > 1, in that many worker processes that end with this one.

    Close the iterator (or exhaust it) to stop the workers; `analyze_many` does.
    """
    nlp = load_nlp()
    batches = _batched(texts, NLP_BATCH)
    if n_process <= 1:
        for batch in batches:
            yield from _parse_batch(nlp, batch)
        return
    # Workers are forked with the model already loaded (as spaCy's own n_process does);
    # elsewhere than Linux the default start method, the model loaded in each worker.
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else None)
    pool = context.Pool(n_process, initializer=_worker_start, initargs=(os.getpid(),))
    try:
        # A few batches ahead of the reader, no more: the input is read here, in order,
        # and parsed documents do not pile up in memory when analysis is the slower part.
        pending: deque = deque()
        for batch in batches:
            pending.append(pool.apply_async(_worker_parse, (batch,)))
            if len(pending) > 2 * n_process:
                yield from _unpack(nlp, pending.popleft().get())
        while pending:
            yield from _unpack(nlp, pending.popleft().get())
        pool.close()
    finally:
        pool.terminate()
        pool.join()


def _unpack(nlp, results: list[tuple[bool, object]]) -> Iterator:
    from spacy.tokens import Doc

    for ok, payload in results:
        yield Doc(nlp.vocab).from_bytes(payload) if ok else payload


def _batched(items: Iterable[str], size: int) -> Iterator[list[str]]:
    batch: list[str] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def _worker_start(parent_pid: int) -> None:
    """A worker ends when its parent does, however the parent ended (kill -9 included)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the parent's handler is not ours
    if sys.platform == "linux":
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass  # the watchdog below still notices
    if os.getppid() != parent_pid:  # the parent died before the signal was asked for
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True).start()


def _watch_parent(parent_pid: int, every: float = 1.0) -> None:
    """Where there is no parent-death signal: an orphan is re-parented, so its parent
    process id changes; then it exits."""
    import time

    while os.getppid() == parent_pid:
        time.sleep(every)
    os._exit(1)


def _worker_parse(texts: list[str]) -> list[tuple[bool, object]]:
    """In a worker: (True, Doc bytes) or (False, the exception) for each text."""
    results: list[tuple[bool, object]] = []
    for item in _parse_batch(load_nlp(), texts):
        if isinstance(item, BaseException):
            results.append((False, _portable(item)))
        else:
            # not the tensor (the shared embedding's output, three quarters of the bytes):
            # nothing after the model reads it
            results.append((True, item.to_bytes(exclude=["tensor"])))
    return results


def _portable(exc: BaseException) -> BaseException:
    """The exception, or one naming it, if it cannot travel back to the parent."""
    import pickle

    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")


def ingest_paths(
    paths: Iterable[str | os.PathLike[str]],
    store: Store | Location,
    columns: ColumnMap | None = None,
    progress: Callable[[int, int], None] | None = None,
    gazetteer: Gazetteer | None = None,
    summary: IngestSummary | None = None,
    analyzer: Analyzer | None = None,
) -> IngestSummary:
    """Read, analyse and store articles; `progress(done, total)` is called as it goes.

    Bad files and rows, and articles that fail to analyse, are reported in the summary
    and skipped; every batch is one transaction. `summary`: filled as it goes, so that a
    caller stopped midway (Ctrl-C) can say what was stored.
    """
    summary = summary if summary is not None else IngestSummary()
    articles: list[Article] = []
    for item in read_paths(paths, columns):
        if isinstance(item, ReadError):
            summary.skipped.append(item)
        else:
            articles.append(item)
    return ingest_articles(articles, store, progress, gazetteer, summary, analyzer)


def ingest_articles(
    articles: Sequence[Article],
    store: Store | Location,
    progress: Callable[[int, int], None] | None = None,
    gazetteer: Gazetteer | None = None,
    summary: IngestSummary | None = None,
    analyzer: Analyzer | None = None,
) -> IngestSummary:
    """Analyse and store articles (`analyzer`: where the analysis runs, by default
    `analyze_many` here); unchanged articles are skipped, each batch one transaction."""
    summary = summary if summary is not None else IngestSummary()
    summary.read += len(articles)
    analyzer = analyzer or analyze_many
    gazetteer = gazetteer or default_gazetteer()
    with opened(store) as db:
        overrides = _LiveOverrides(db)
        known = db.known_hashes()
        fresh = [a for a in articles if known.get(a.article_id) != a.content_hash]
        summary.unchanged += len(articles) - len(fresh)
        done = len(articles) - len(fresh)
        if progress:
            progress(done, len(articles))
        batch: list[AnalyzedArticle] = []
        homes = PublisherHomes(gazetteer, publisher_homes(), lambda: _stored_places_by_source(db))
        analyzed_articles = analyzer(fresh, gazetteer, overrides.current, homes.home_of)
        with contextlib.closing(analyzed_articles) as results:
            for analyzed in results:
                if isinstance(analyzed, ReadError):
                    summary.skipped.append(analyzed)
                    done += 1
                    continue
                batch.append(analyzed)
                if len(batch) >= BATCH_SIZE:
                    done += _flush(db, batch, summary)
                    overrides.catch_up(gazetteer)
                    if progress:
                        progress(done, len(articles))
        done += _flush(db, batch, summary)
        overrides.catch_up(gazetteer)
        if progress:
            progress(done, len(articles))
    return summary


class PublisherHomes:
    """Where each publisher is at home, for the resolver: the article's own `home` (a
    manifest's), else the settings' (`[publishers."Name"] home`, geo/config.py), else
    inferred from the places its articles already in the store name most
    (`infer_home`; only stored articles, so that an ingest's result does not depend on
    the order of its articles). Each home is looked up once."""

    def __init__(
        self,
        gazetteer: Gazetteer,
        configured: dict[str, str] | None = None,
        stored: Callable[[], dict[str, list[list[Place | None]]]] | None = None,
    ):
        self.gazetteer = gazetteer
        self.configured = configured or {}
        self._stored = stored
        self._by_source: dict[str, list[list[Place | None]]] | None = None
        self._written: dict[str, Place | None] = {}
        self._inferred: dict[str, Place | None] = {}

    def _place(self, written: str) -> Place | None:
        if written not in self._written:
            self._written[written] = home_place(self.gazetteer, written)
        return self._written[written]

    def home_of(self, article: Article) -> Place | None:
        if article.home:
            return self._place(article.home)
        source = article.source
        if not source:
            return None
        if source in self.configured:
            return self._place(self.configured[source])
        if self._stored is None:
            return None
        if source not in self._inferred:
            if self._by_source is None:
                self._by_source = self._stored()
            self._inferred[source] = infer_home(self._by_source.get(source, ()))
        return self._inferred[source]


def _stored_places_by_source(store: Store) -> dict[str, list[list[Place | None]]]:
    """Publisher -> the places of each of its stored articles."""
    by_source: dict[str, list[list[Place | None]]] = {}
    for article_id, places in store.stored_places().items():
        stored = store.read_article(article_id)
        if stored is not None and stored.source:
            by_source.setdefault(stored.source, []).append([p.place for p in places])
    return by_source


class _LiveOverrides:
    """The overrides of the store as they are now: re-read when they change (a cheap
    check per article), so a correction made during an ingest reaches the articles
    analysed after it; `catch_up` re-applies them to the batch just stored when one came
    while that batch was being analysed."""

    def __init__(self, store: Store):
        self.store = store
        self.version = store.overrides_version()  # before the rules: a change between is seen
        self.rules = store.load_overrides()
        self.batch_start = self.version  # the version when this batch's analysis began

    def current(self) -> Overrides:
        version = self.store.overrides_version()
        if version != self.version:
            self.version, self.rules = version, self.store.load_overrides()
        return self.rules

    def catch_up(self, gazetteer: Gazetteer) -> None:
        now = self.store.overrides_version()
        if now != self.batch_start:
            reapply_overrides(self.store, gazetteer)
        self.batch_start = now


def _flush(store: Store, batch: list[AnalyzedArticle], summary: IngestSummary) -> int:
    if not batch:
        return 0
    result = store.write_batch(batch)
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


def ensure_seeded(store: Store | Location, seeds: Path = SEEDS_DIR) -> IngestSummary | None:
    """Ingest the project's seed articles when the store holds no article yet."""
    with opened(store) as db:
        return ingest_paths([seeds], db) if db.is_empty() else None


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
        # A given span that is a demonym ("Palestinians") is looked up as the place it
        # is of, as found ones are.
        mentions = [
            Mention(
                int(s),
                int(e),
                text[int(s) : int(e)],
                kind="demonym" if is_demonym(text[int(s) : int(e)]) else "toponym",
                finder=Finder.GIVEN,
            )
            for s, e in spans
        ]
    places = resolve_mentions(
        text, mentions, gazetteer, geocoder=default_online_geocoder(), overrides=overrides
    )
    # given spans are names by the caller's word; found ones are judged (common words)
    return places if spans is not None else drop_common_words(text, places)


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
    try:
        for text, spans in for_results:
            doc = None
            if spans is None:
                if docs is None:
                    texts = (t for t, s in for_model if s is None)
                    docs = parse_texts(texts, n_process)
                doc = next(docs)
                if isinstance(doc, BaseException):
                    raise doc
            yield parse_document(text, gazetteer, spans, doc=doc, overrides=overrides)
    finally:
        if docs is not None:
            docs.close()  # stops the worker processes
