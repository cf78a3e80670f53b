"""One article never costs the batch, the worker processes never outlive the ingest, and a
correction made during an ingest reaches the articles stored after it. Invented texts."""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading

import pytest

import geo.ingest.pipeline as pipeline
from geo.ingest.pipeline import ingest_articles, ingest_paths, text_pieces
from geo.models import Article, Place
from geo.place.overrides import new_override
from geo.place.toponyms import load_nlp
from geo.store import SQLiteStore, open_store
from tests.invented import invented_text, write_articles


def _article(article_id: str, text: str) -> Article:
    return Article(article_id=article_id, text=text, origin=f"{article_id}.txt",
                   content_hash=f"h-{article_id}-{len(text)}")  # fmt: skip


def _stored(db_path) -> list[str]:
    db = sqlite3.connect(db_path)
    try:
        return [row[0] for row in db.execute("SELECT article_id FROM articles ORDER BY 1")]
    finally:
        db.close()


@pytest.fixture
def small_model_limit(monkeypatch):
    """spaCy's limit (1,000,000 characters) lowered, so a 'too long' text is a small one."""
    nlp = load_nlp()
    monkeypatch.setattr(nlp, "max_length", 3_000)
    monkeypatch.setattr(pipeline, "PIECE_CHARS", 1_000)
    return nlp


def test_pieces_join_back_and_end_at_boundaries() -> None:
    import random

    text = "".join(invented_text(random.Random(seed), 6) for seed in range(40))
    pieces = text_pieces(text, 1_000)
    assert "".join(pieces) == text
    assert all(len(p) <= 1_000 for p in pieces)
    assert all(p.endswith(("\n", ". ", " ")) for p in pieces[:-1])
    assert text_pieces("x" * 2_500, 1_000) == ["x" * 1_000, "x" * 1_000, "x" * 500]


def test_a_text_over_the_model_limit_is_parsed_in_pieces_with_offsets_kept(
    small_model_limit, tmp_path
) -> None:
    import random

    long_text = "".join(invented_text(random.Random(seed), 4) for seed in range(20))
    assert len(long_text) > 3 * small_model_limit.max_length
    good = _article("good", "Shelling hit Aleppo on Monday, residents said.\n")
    summary = ingest_articles([_article("long", long_text), good], tmp_path / "e.db")
    assert summary.skipped == []
    assert _stored(tmp_path / "e.db") == ["good", "long"]
    db = sqlite3.connect(tmp_path / "e.db")
    places = db.execute(
        "SELECT start_char, end_char, text FROM places WHERE article_id = 'long'"
    ).fetchall()
    events = db.execute(
        "SELECT sentence_start, sentence FROM events WHERE article_id = 'long'"
    ).fetchall()
    db.close()
    assert len(places) > 50 and len(events) > 20
    assert all(long_text[start:end] == text for start, end, text in places)
    assert all(long_text[start : start + len(s)] == s for start, s in events)
    # Every town named in the text is found wherever it is, in the last piece too.
    assert max(start for start, _, _ in places) > len(long_text) - 300


def test_an_article_that_fails_to_analyse_is_skipped_by_name(monkeypatch, tmp_path) -> None:
    real = pipeline.find_mentions

    def find_mentions(text, *args, **kwargs):
        if "Qamishli" in text:
            raise RecursionError("maximum recursion depth exceeded")
        return real(text, *args, **kwargs)

    monkeypatch.setattr(pipeline, "find_mentions", find_mentions)
    articles = [
        _article("a", "Shelling hit Aleppo on Monday.\n"),
        _article("b", "Troops entered Qamishli on Tuesday.\n"),
        _article("c", "Rebels captured a village near Homs on Friday.\n"),
    ]
    summary = ingest_articles(articles, tmp_path / "e.db")
    assert _stored(tmp_path / "e.db") == ["a", "c"]
    assert [(e.origin, e.reason) for e in summary.skipped] == [
        ("b.txt", "not analysed: RecursionError: maximum recursion depth exceeded")
    ]
    assert "  b.txt: not analysed: RecursionError" in "\n".join(summary.lines())


def test_a_text_too_long_for_any_article_is_refused_by_name(monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(pipeline, "MAX_TEXT_CHARS", 500)
    articles = [_article("huge", "Aleppo. " * 100), _article("ok", "Fighting in Homs.\n")]
    summary = ingest_articles(articles, tmp_path / "e.db")
    assert _stored(tmp_path / "e.db") == ["ok"]
    (skipped,) = summary.skipped
    assert (
        skipped.origin == "huge.txt" and "800 characters is longer than the 500" in skipped.reason
    )


@pytest.fixture
def two_processes(monkeypatch):
    monkeypatch.setattr(pipeline, "N_PROCESS", 2)
    monkeypatch.setattr(pipeline, "MIN_ARTICLES_PER_PROCESS", 1)


def _in_thread(function, limit: float = 120.0):
    """Run `function` and return (its result or exception); a hang fails the test instead
    of stalling the suite."""
    outcome: list = []

    def run():
        try:
            outcome.append(function())
        except BaseException as exc:
            outcome.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(limit)
    assert outcome, f"still running after {limit} s"
    return outcome[0]


def test_an_error_midway_through_a_two_process_ingest_stops_the_workers(
    two_processes, monkeypatch, tmp_path
) -> None:
    write_articles(tmp_path / "in", 60)
    monkeypatch.setattr(pipeline, "BATCH_SIZE", 8)
    real, calls = SQLiteStore.write_batch, []

    def write_batch(store, batch):
        calls.append(len(batch))
        if len(calls) == 3:
            raise sqlite3.OperationalError("disk I/O error")
        return real(store, batch)

    monkeypatch.setattr(SQLiteStore, "write_batch", write_batch)
    outcome = _in_thread(lambda: ingest_paths([tmp_path / "in"], tmp_path / "e.db"))
    assert isinstance(outcome, sqlite3.OperationalError)
    assert multiprocessing.active_children() == []
    assert len(_stored(tmp_path / "e.db")) == 16  # the two batches committed before it


def test_a_two_process_ingest_gives_what_one_process_gives(two_processes, tmp_path) -> None:
    write_articles(tmp_path / "in", 40, seed=7)
    two = ingest_paths([tmp_path / "in"], tmp_path / "two.db")
    assert multiprocessing.active_children() == []
    pipeline.N_PROCESS = 1
    one = ingest_paths([tmp_path / "in"], tmp_path / "one.db")
    assert (two.stored, two.events, two.places) == (one.stored, one.events, one.places) == (
        40, one.events, one.places)  # fmt: skip
    query = "SELECT article_id, start_char, end_char, geonameid FROM places ORDER BY 1, 2"
    rows = [sqlite3.connect(tmp_path / n).execute(query).fetchall() for n in ("two.db", "one.db")]
    assert rows[0] == rows[1]


def test_a_correction_made_during_an_ingest_reaches_the_later_articles(
    monkeypatch, tmp_path
) -> None:
    monkeypatch.setattr(pipeline, "BATCH_SIZE", 2)
    db_path = tmp_path / "e.db"
    corrected = Place(None, "Homs (corrected)", 34.5, 36.5, "SY", source="override")
    real, calls = SQLiteStore.write_batch, []

    def write_batch(store, batch):
        result = real(store, batch)
        calls.append(len(batch))
        if len(calls) == 1:  # a user corrects "Homs" while the ingest goes on, elsewhere
            with open_store(db_path) as other:
                other.add_override(new_override("Homs", corrected))
        return result

    monkeypatch.setattr(SQLiteStore, "write_batch", write_batch)
    articles = [
        _article(f"a{i}", "Shelling hit Homs on Monday, residents said.\n") for i in range(6)
    ]
    ingest_articles(articles, db_path)
    db = sqlite3.connect(db_path)
    placed = db.execute(
        "SELECT article_id, name, method FROM places WHERE text = 'Homs' ORDER BY 1"
    ).fetchall()
    db.close()
    assert len(placed) == 6
    later = [row for row in placed if row[0] not in ("a0", "a1")]
    assert later and all(row[1:] == ("Homs (corrected)", "override") for row in later)
