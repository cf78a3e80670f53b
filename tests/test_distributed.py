"""Ingest on a Dask cluster: a real two-worker LocalCluster stores exactly what a local
ingest of the same files stores (articles, places, events, report links)."""

from __future__ import annotations

import pandas as pd
import pytest

from geo.cli import main
from geo.store import open_store
from tests.invented import write_articles

ARTICLES = 40  # several shards of geo.ingest.distributed.SHARD_SIZE, for both workers


def _contents(db_path) -> tuple[dict, pd.DataFrame, pd.DataFrame]:
    """What a store holds, without the times of ingest."""
    with open_store(db_path) as store:
        hashes = store.known_hashes()
        events = store.load_events().sort_values("event_id").reset_index(drop=True)
        places = store.load_places().sort_values(["article_id", "start"]).reset_index(drop=True)
    return hashes, events, places


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    folder = tmp_path_factory.mktemp("articles")
    write_articles(folder, ARTICLES, seed=5)
    out = tmp_path_factory.mktemp("dbs")
    local, dask = out / "local.db", out / "dask.db"
    assert main(["ingest", str(folder), "--db", str(local), "--quiet"]) == 0
    assert main(["ingest", str(folder), "--db", str(dask), "--quiet", "--workers", "2"]) == 0
    return folder, local, dask


def test_a_two_worker_cluster_stores_what_a_local_ingest_stores(ingested) -> None:
    _, local, dask = ingested
    local_hashes, local_events, local_places = _contents(local)
    dask_hashes, dask_events, dask_places = _contents(dask)
    assert len(local_hashes) == ARTICLES
    assert dask_hashes == local_hashes
    assert not local_events.empty
    pd.testing.assert_frame_equal(dask_events, local_events)
    pd.testing.assert_frame_equal(dask_places, local_places)


def test_a_cluster_ingest_again_changes_nothing(ingested, capsys) -> None:
    folder, _, dask = ingested
    before = _contents(dask)
    assert main(["ingest", str(folder), "--db", str(dask), "--quiet", "--workers", "2"]) == 0
    assert f"stored: 0 new or changed, {ARTICLES} unchanged" in capsys.readouterr().err
    after = _contents(dask)
    assert after[0] == before[0]
    pd.testing.assert_frame_equal(after[1], before[1])


def test_workers_must_be_at_least_one(tmp_path, capsys) -> None:
    assert main(["ingest", str(tmp_path), "--db", str(tmp_path / "x.db"), "--workers", "0"]) == 2
    assert "--workers needs at least 1" in capsys.readouterr().err
