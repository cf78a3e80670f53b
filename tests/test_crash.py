"""Crashes of an ingest lose nothing committed, leave nothing half-written and leave no
process behind: `python -m geo ingest` (two worker processes) is killed with SIGKILL at
random points, 20 times, resuming on the same database; stopped with SIGTERM and SIGINT
it keeps what was committed, says so and exits 143 / 130. Invented articles."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from geo.ingest.pipeline import BATCH_SIZE
from geo.models import Article
from geo.read.articles import read_paths
from tests.invented import write_articles

PROJECT = Path(__file__).resolve().parent.parent
ARTICLES = 150  # enough for two worker processes (pipeline.MIN_ARTICLES_PER_PROCESS)
KILLS = 20
# The signal test stops the ingest once it has committed its first batch; with this many
# articles several batches are still to come however fast the machine (with 150, a probe
# that first saw the database mid-way could signal during the last batch, and an ingest
# that had finished by then exited 0 with everything stored).
SIGNALLED_ARTICLES = 6 * BATCH_SIZE


def _start(folder: Path, db: Path, token: str) -> subprocess.Popen:
    # GEO_TEST_TOKEN marks every process of this ingest (workers inherit the environment),
    # so that orphans can be found after the parent is killed.
    env = {**os.environ, "GEO_NLP_PROCESSES": "2", "GEO_TEST_TOKEN": token}
    return subprocess.Popen(
        [sys.executable, "-m", "geo", "ingest", str(folder), "--db", str(db), "--quiet"],
        cwd=PROJECT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        # as from a terminal: a test suite started in the background by a shell without job
        # control (`cmd &`) ignores SIGINT, and a child inherits that, so Ctrl-C would not
        # reach the ingest at all (Python installs its handler only where SIGINT is default)
        preexec_fn=_interruptible,
    )  # fmt: skip


def _interruptible() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _processes_with(token: str) -> list[int]:
    marker = f"GEO_TEST_TOKEN={token}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue  # gone meanwhile, or not ours to read
        if marker in environ.split(b"\0") and state != "Z":
            found.append(int(entry.name))
    return found


def _left_over(token: str, wait: float = 5.0) -> list[int]:
    """Processes of the ingest still alive `wait` seconds after it ended (none expected)."""
    deadline = time.monotonic() + wait
    while (alive := _processes_with(token)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return alive


def _state(db_path: Path) -> dict[str, tuple[str, int, int]]:
    """article_id -> (content_hash, places, events), after the consistency checks."""
    if not db_path.exists():
        return {}
    db = sqlite3.connect(db_path)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        for table, key in (("articles", "article_id"), ("events", "event_id")):
            total, distinct = db.execute(
                f"SELECT count(*), count(DISTINCT {key}) FROM {table}"
            ).fetchone()
            assert total == distinct, f"duplicate rows in {table}"
        for table in ("places", "events"):  # no rows of an article that is not there
            orphans = db.execute(
                f"SELECT count(*) FROM {table} t LEFT JOIN articles a USING (article_id) "
                "WHERE a.article_id IS NULL"
            ).fetchone()[0]
            assert orphans == 0, f"{table} rows without their article"
        rows = db.execute(
            "SELECT a.article_id, a.content_hash, "
            "(SELECT count(*) FROM places p WHERE p.article_id = a.article_id), "
            "(SELECT count(*) FROM events e WHERE e.article_id = a.article_id) FROM articles a"
        ).fetchall()
        return {aid: (digest, places, events) for aid, digest, places, events in rows}
    except sqlite3.DatabaseError as exc:
        pytest.fail(f"{db_path} unreadable after a crash: {exc}")
    finally:
        db.close()


def _wait_for_more_articles(db_path: Path, count: int, run: subprocess.Popen) -> None:
    """Until the database holds more than `count` articles (a batch was committed), the
    ingest ends by itself, or 120 s pass. Read-only: the ingest writes meanwhile."""
    deadline = time.monotonic() + 120
    while run.poll() is None and time.monotonic() < deadline:
        if db_path.exists():
            db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5)
            try:
                stored = db.execute("SELECT count(*) FROM articles").fetchone()[0]
            except sqlite3.OperationalError:  # the schema is not written yet
                stored = 0
            finally:
                db.close()
            if stored > count:
                return
        time.sleep(0.05)


def _ingest_to_the_end(folder: Path, db: Path, token: str) -> tuple[float, str]:
    started = time.monotonic()
    run = _start(folder, db, token)
    _, err = run.communicate(timeout=180)
    assert run.returncode == 0, err
    return time.monotonic() - started, err


def test_kill_9_at_random_points_loses_and_leaves_nothing(tmp_path) -> None:
    folder = tmp_path / "articles"
    write_articles(folder, ARTICLES, seed=11, paragraphs=2)
    hashes = {a.article_id: a.content_hash for a in read_paths([folder]) if isinstance(a, Article)}
    assert len(hashes) == ARTICLES
    db = tmp_path / "crash.db"
    rng = random.Random(20240901)
    snapshots, orphans = [], {}
    for kill in range(KILLS):
        token = uuid.uuid4().hex
        stored_before = len(_state(db))
        run = _start(folder, db, token)
        if kill % 2:  # anywhere: starting up, loading the model, inside a batch
            time.sleep(rng.uniform(0.2, 3.0))
        else:  # just after a commit (whatever the machine's load), inside the next batch
            _wait_for_more_articles(db, stored_before, run)
            time.sleep(rng.uniform(0.0, 0.5))
        run.kill()
        run.communicate(timeout=30)
        left = _left_over(token)
        if left:
            orphans[kill] = left
            for pid in left:  # do not let one failure slow the rest of the suite
                os.kill(pid, signal.SIGKILL)
        snapshots.append(_state(db))
    assert orphans == {}, f"processes left after kill -9: {orphans}"

    # Resumed after all those kills, the ingest finishes normally and stores everything.
    token = uuid.uuid4().hex
    seconds, _ = _ingest_to_the_end(folder, db, token)
    assert _left_over(token, wait=2.0) == []
    final = _state(db)
    assert set(final) == set(hashes)
    # A reference: the same articles ingested once, uninterrupted.
    reference_seconds, _ = _ingest_to_the_end(folder, tmp_path / "ref.db", uuid.uuid4().hex)
    reference = _state(tmp_path / "ref.db")
    assert final == reference
    assert seconds < 3 * reference_seconds + 10, (seconds, reference_seconds)
    # Every article stored at any point was complete: its hash, all its places and events.
    assert any(snapshots), "no kill came after a commit: the test proves little"
    for state in snapshots:
        for article_id, stored in state.items():
            assert stored == reference[article_id], article_id
            assert stored[0] == hashes[article_id]


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_sigterm_and_ctrl_c_keep_what_was_committed_and_say_so(tmp_path, signum, code) -> None:
    folder = tmp_path / "articles"
    write_articles(folder, SIGNALLED_ARTICLES, seed=5, paragraphs=2)
    db, token = tmp_path / "e.db", uuid.uuid4().hex
    run = _start(folder, db, token)
    deadline = time.monotonic() + 120
    stored = 0
    while stored == 0 and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
        try:
            with sqlite3.connect(db, timeout=1) as probe:
                stored = probe.execute("SELECT count(*) FROM articles").fetchone()[0]
        except sqlite3.OperationalError:
            pass  # not created yet
    assert run.poll() is None, "the ingest ended before a batch was committed"
    assert stored < SIGNALLED_ARTICLES - BATCH_SIZE, "first seen with no batch left to stop"
    run.send_signal(signum)
    _, err = run.communicate(timeout=60)
    assert run.returncode == code, err
    kept = len(_state(db))
    assert 0 < kept < SIGNALLED_ARTICLES
    assert f"interrupted: {kept} articles stored, the rest not" in err
    assert _left_over(token) == []
