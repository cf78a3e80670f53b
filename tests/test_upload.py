"""Adding articles from the dashboard: checks, safe names, per-file reasons, pasted text."""

from __future__ import annotations

import sqlite3
import time
from datetime import date

import pytest

from geo.ingest.upload import (
    MAX_FILE_BYTES,
    MAX_FILES,
    MAX_PASTE_CHARS,
    MAX_UPLOAD_ARTICLES,
    UPLOAD_CAP_REASON,
    PastedArticle,
    check_file,
    ingest_files,
    ingest_pasted,
    read_saved,
    result_lines,
    safe_name,
    save_files,
)
from geo.store.sqlite import load_events

ARTICLE = (
    "---\ntitle: Shelling in Homs\nsource: Upload Test News\npublished: 2016-10-02\n---\n"
    "Artillery shelled Homs on 1 October 2016, witnesses said.\n"
)


@pytest.mark.parametrize(
    ("name", "size", "reason"),
    [
        ("a.txt", 10, None),
        ("A.MD", 10, None),
        ("page.html", 10, None),
        ("rows.jsonl", 10, None),
        ("notes.pdf", 10, "not a supported file type (.pdf)"),
        ("README", 10, "not a supported file type (no extension)"),
        ("a.txt", 0, "empty file"),
        ("a.csv", MAX_FILE_BYTES + 1, "too large"),
    ],
)
def test_check_file(name, size, reason):
    got = check_file(name, size)
    assert (got is None) if reason is None else (got is not None and got.startswith(reason))


def test_safe_names_stay_in_the_folder_and_are_unique():
    taken: set[str] = set()
    assert safe_name("../../etc/passwd.txt", taken) == "passwd.txt"
    assert safe_name("C:\\evil\\a b<c>.MD", taken) == "a b_c.md"
    assert safe_name("passwd.txt", taken) == "passwd-2.txt"
    assert safe_name("....txt", taken) == "upload.txt"


def test_save_files_refuses_with_a_reason_each(tmp_path):
    files = [("ok.txt", b"text"), ("bad.exe", b"MZ"), ("empty.md", b"")]
    files += [(f"n{i}.txt", b"x") for i in range(MAX_FILES)]
    saved, rejected = save_files(files, tmp_path)
    assert [name for _, name in saved][:1] == ["ok.txt"]
    assert len(saved) == MAX_FILES - 2
    reasons = {e.origin: e.reason for e in rejected}
    assert reasons["bad.exe"].startswith("not a supported file type")
    assert reasons["empty.md"] == "empty file"
    assert any("more than" in r for r in reasons.values())
    assert all(path.parent == tmp_path for path, _ in saved)


def test_uploaded_files_are_ingested_and_broken_ones_named(tmp_path):
    db = tmp_path / "events.db"
    files = [
        ("homs.md", ARTICLE.encode()),
        ("broken.jsonl", b'{"text": "fine"}\n{not json\n'),
        ("slides.pptx", b"PK"),
    ]
    result = ingest_files(files, db)
    origins = [e.origin for e in result.errors]
    assert "slides.pptx" in origins
    assert any(o.startswith("broken.jsonl") for o in origins), origins
    assert not any("geo-upload-" in o for o in origins)  # temporary paths never shown
    assert result.events >= 1
    assert "Upload Test News" in set(load_events(db)["source"])
    assert result_lines(result)[0].startswith(f"{result.read} articles read")


def test_pasted_text_is_one_article(tmp_path):
    db = tmp_path / "events.db"
    pasted = PastedArticle(
        "Artillery shelled Homs on 1 October 2016, witnesses said.",
        title="Pasted",
        source="Paste News",
        url="javascript:alert(1)",
        published=date(2016, 10, 2),
    )
    result = ingest_pasted(pasted, db)
    assert result.errors == [] and result.stored == 1 and result.events >= 1
    events = load_events(db)
    assert set(events["source"]) == {"Paste News"}
    assert events["url"].isna().all()  # the javascript: link was dropped


@pytest.mark.parametrize(
    ("pasted", "reason"),
    [
        (PastedArticle("   "), "the text is empty"),
        (PastedArticle("x" * (MAX_PASTE_CHARS + 1)), "the text is too long"),
        (PastedArticle("text", title="t" * 301), "the title is too long"),
    ],
)
def test_bad_pasted_text_is_refused(tmp_path, pasted, reason):
    result = ingest_pasted(pasted, tmp_path / "events.db")
    assert [e.reason[: len(reason)] for e in result.errors] == [reason]
    assert result.summary is None


def generated_csv(rows: int, bad_after: int | None = None) -> bytes:
    """A CSV of `rows` short invented articles; with `bad_after`, the rows after that one
    have more fields than the header (each one an error if it were parsed)."""
    lines = ["title,text,published"]
    for n in range(1, rows + 1):
        extra = ",x,y" if bad_after is not None and n > bad_after else ""
        lines.append(f"Report {n},Shelling was reported in Homs on day {n}.,2016-10-02{extra}")
    return ("\n".join(lines) + "\n").encode()


def test_a_huge_csv_upload_is_read_only_up_to_the_cap(tmp_path):
    path = tmp_path / "news.csv"
    path.write_bytes(generated_csv(180_000, bad_after=MAX_UPLOAD_ARTICLES))
    other = tmp_path / "later.md"
    other.write_text(ARTICLE, encoding="utf-8")
    started = time.perf_counter()
    articles, errors, notes = read_saved([(path, "news.csv"), (other, "later.md")])
    elapsed = time.perf_counter() - started
    assert len(articles) == MAX_UPLOAD_ARTICLES
    assert articles[-1].title == f"Report {MAX_UPLOAD_ARTICLES}"
    assert errors == []  # the bad rows after the cap were never parsed
    assert [(n.origin, n.reason) for n in notes] == [
        ("news.csv", UPLOAD_CAP_REASON),
        ("later.md", f"not read: {UPLOAD_CAP_REASON}"),
    ]
    assert UPLOAD_CAP_REASON.startswith("only the first 2,000 articles of an upload are read")
    assert elapsed < 10, f"{elapsed:.1f} s to read the first {MAX_UPLOAD_ARTICLES} rows"


def test_a_csv_at_the_cap_is_read_whole_without_a_note(tmp_path):
    path = tmp_path / "news.csv"
    path.write_bytes(generated_csv(MAX_UPLOAD_ARTICLES))
    articles, errors, notes = read_saved([(path, "news.csv")])
    assert len(articles) == MAX_UPLOAD_ARTICLES and errors == [] and notes == []


def test_an_upload_over_its_cap_stores_the_first_articles_and_says_so(tmp_path):
    db = tmp_path / "events.db"
    files = [("news.csv", generated_csv(6)), ("homs.md", ARTICLE.encode())]
    result = ingest_files(files, db, limit=4)
    assert result.read == 4 and result.stored == 4
    assert [(n.origin, n.reason) for n in result.notes] == [
        ("news.csv", UPLOAD_CAP_REASON),
        ("homs.md", f"not read: {UPLOAD_CAP_REASON}"),
    ]
    assert result.errors == []
    with sqlite3.connect(db) as stored:
        titles = [t for (t,) in stored.execute("SELECT title FROM articles ORDER BY title")]
    assert titles == ["Report 1", "Report 2", "Report 3", "Report 4"]
