"""Adding articles from the dashboard: checks, safe names, per-file reasons, pasted text."""

from __future__ import annotations

from datetime import date

import pytest

from geo.store import load_events
from geo.upload import (
    MAX_FILE_BYTES,
    MAX_FILES,
    MAX_PASTE_CHARS,
    PastedArticle,
    check_file,
    ingest_files,
    ingest_pasted,
    result_lines,
    safe_name,
    save_files,
)

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
