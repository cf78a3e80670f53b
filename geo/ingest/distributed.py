"""Ingest on a Dask cluster: `python -m geo ingest PATH... --workers N | --scheduler ADDRESS`.

The analysis (spaCy, recognition, resolution, events) is what costs; it runs on the
cluster's workers, in shards of articles. Everything else stays as in a local ingest and
runs where the command runs: reading the files, skipping unchanged articles, and writing
each batch in one transaction with the same de-duplication and report linking (the store
is opened only by the client, so SQLite works as well as PostgreSQL).

- Each worker loads spaCy and the gazetteer once, when it joins (`PipelineWorker`, a
  worker plugin registered with `client.register_plugin`), not once per shard.
- Shards are analysed in any order but their results are written in input order, so the
  store ends up exactly as after a local ingest of the same files (a test checks it).
- The corrections in force are sent with each shard as it is submitted; one made while the
  ingest runs is re-applied to what was stored after it, as locally.
- On a real cluster every worker needs the project installed and the gazetteer index:
  built on the worker's first use in its data folder (GEO_DATA_DIR), or built once with
  `python -m geo gazetteer build` on a shared folder that every worker's GEO_DATA_DIR
  points at.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from distributed import Client, LocalCluster
from distributed.diagnostics.plugin import WorkerPlugin

from geo.ingest.pipeline import analyze_many, parse_text
from geo.models import Article, Place, ReadError
from geo.place.gazetteer import Gazetteer, default_gazetteer
from geo.place.overrides import Overrides
from geo.store.base import AnalyzedArticle

# Articles per task: large enough that a task's overhead (scheduling, pickling the
# results) is small beside its spaCy time, small enough to keep every worker busy and
# the results flowing to the writer early.
SHARD_SIZE = 16
# Shards in flight per worker: the next one is queued while a worker finishes one, and
# results wait in memory only for the few shards ahead of the writer.
SHARDS_AHEAD_PER_WORKER = 4


class PipelineWorker(WorkerPlugin):
    """Loads the spaCy model and the offline gazetteer when a worker starts."""

    name = "geo-pipeline"

    def setup(self, worker) -> None:
        parse_text("Warm up.")  # loads the model
        default_gazetteer()  # opens (or, first time on this machine, builds) the index


def analyze_shard(
    articles: Sequence[Article],
    overrides: Overrides | None,
    homes: Sequence[Place | None] = (),
) -> list[AnalyzedArticle | ReadError]:
    """One task: a shard of articles analysed on a worker, in one process (the worker
    is the unit of parallelism here). `homes`: each article's publisher home, found by the
    client (it needs the store, which only the client opens)."""
    home_by_id = {a.article_id: h for a, h in zip(articles, homes, strict=False)}
    return list(
        analyze_many(
            articles,
            default_gazetteer(),
            overrides,
            home_of=lambda article: home_by_id.get(article.article_id),
            n_process=1,
        )
    )


class DaskAnalyzer:
    """An analyzer for `ingest_articles` that runs on a Dask client's workers."""

    def __init__(self, client: Client, shard_size: int = SHARD_SIZE):
        self.client = client
        self.shard_size = max(1, int(shard_size))

    def __call__(
        self,
        articles: Sequence[Article],
        gazetteer: Gazetteer,  # the workers use their own
        overrides: Callable[[], Overrides | None] | Overrides | None = None,
        home_of: Callable[[Article], Place | None] | None = None,
    ) -> Iterator[AnalyzedArticle | ReadError]:
        current = overrides if callable(overrides) else lambda: overrides
        home = home_of or (lambda article: None)
        shards = [
            list(articles[i : i + self.shard_size])
            for i in range(0, len(articles), self.shard_size)
        ]
        workers = max(1, len(self.client.scheduler_info().get("workers", {})))
        ahead = workers * SHARDS_AHEAD_PER_WORKER
        in_flight: deque = deque()
        try:
            for shard in shards:
                homes = [home(article) for article in shard]
                task = self.client.submit(analyze_shard, shard, current(), homes, pure=False)
                in_flight.append(task)
                if len(in_flight) >= ahead:  # results in input order, a few shards ahead
                    yield from in_flight.popleft().result()
            while in_flight:
                yield from in_flight.popleft().result()
        finally:
            for future in in_flight:  # stopped early (an error, Ctrl-C): drop the rest
                future.cancel()


@contextmanager
def dask_client(workers: int | None = None, scheduler: str | None = None) -> Iterator[Client]:
    """A client of the cluster at `scheduler` (tcp://HOST:PORT), or of a local cluster
    of `workers` processes (one thread each: spaCy holds the GIL), with the pipeline
    plugin registered on every worker."""
    if scheduler:
        client = Client(scheduler)
        cluster = None
    else:
        cluster = LocalCluster(
            n_workers=max(1, int(workers or os.cpu_count() or 1)),
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,  # no web server of its own
            host="127.0.0.1",
        )
        client = Client(cluster)
    try:
        client.register_plugin(PipelineWorker())
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
