"""Hostile files: each bad file is named with its reason and skipped, the good ones beside it
are read, and no file can stop, stall or exhaust the reading (issue 9, items 7 and 8).

Every file is made here in tmp_path from invented sentences and constructed bytes.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import geo.read.articles
from geo.models import Article, ReadError
from geo.read.articles import count_articles, decode_bytes, printable_name, read_paths
from tests.helpers import PROJECT_DIR

GOOD_TEXT = "Rain closed the coastal road near Latakia on Monday.\n"
POSIX = os.name == "posix"
needs_posix = pytest.mark.skipif(not POSIX, reason="FIFOs, devices and byte names are POSIX")


def read_all(*paths) -> tuple[list[Article], dict[str, str]]:
    """Articles and {origin: reason} of the errors."""
    results = list(read_paths(paths))
    articles = [r for r in results if isinstance(r, Article)]
    errors = {r.origin: r.reason for r in results if isinstance(r, ReadError)}
    assert len(articles) + len(errors) == len(results), "an origin was reported twice"
    return articles, errors


def read_within(seconds: float, *paths, unblock=None) -> list:
    """`read_paths` in a thread that must finish in time (a hang fails, not blocks, the test)."""
    results: list = []
    thread = threading.Thread(target=lambda: results.extend(read_paths(paths)), daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        if unblock:
            unblock()
        pytest.fail(f"reading did not finish within {seconds} s")
    return results


def errors_of(results) -> dict[str, str]:
    return {r.origin: r.reason for r in results if isinstance(r, ReadError)}


def texts_of(results) -> list[str]:
    return [r.text for r in results if isinstance(r, Article)]


# --- JSON lines -------------------------------------------------------------------------------


@pytest.mark.parametrize("opening,closing", [("[", "]"), ('{"a":', "}")])
def test_a_deeply_nested_jsonl_line_is_named_and_the_other_lines_read(tmp_path, opening, closing):
    depth = 100_000
    (tmp_path / "feed.jsonl").write_text(
        '{"text": "Flooding reached Hama."}\n'
        '{"text": "A bridge reopened in Deir ez-Zor."}\n'
        + opening * depth
        + "1"
        + closing * depth
        + "\n"
        + '{"text": "Markets reopened in Idlib."}\n',
        encoding="utf-8",
    )
    articles, errors = read_all(tmp_path)
    assert [a.text for a in articles] == [
        "Flooding reached Hama.",
        "A bridge reopened in Deir ez-Zor.",
        "Markets reopened in Idlib.",
    ]
    assert errors == {
        f"{tmp_path / 'feed.jsonl'}:line 3": "invalid JSON: arrays or objects nested too deeply"
    }


def test_a_jsonl_number_too_long_to_convert_is_named(tmp_path):
    (tmp_path / "feed.jsonl").write_text(
        '{"text": "Flooding reached Hama.", "n": ' + "7" * 5000 + "}\n"
        '{"text": "Markets reopened in Idlib."}\n',
        encoding="utf-8",
    )
    articles, errors = read_all(tmp_path)
    assert [a.text for a in articles] == ["Markets reopened in Idlib."]
    (reason,) = errors.values()
    assert list(errors) == [f"{tmp_path / 'feed.jsonl'}:line 1"]
    assert reason.startswith("invalid JSON: ") and "digits" in reason


# --- only regular files -----------------------------------------------------------------------


@needs_posix
def test_a_fifo_in_a_folder_is_named_and_skipped_without_waiting(tmp_path):
    (tmp_path / "a_good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)

    def unblock():  # lets a reader stuck opening the FIFO go on
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))

    results = read_within(10, tmp_path, unblock=unblock)
    assert texts_of(results) == [GOOD_TEXT.strip()]
    assert errors_of(results) == {
        str(fifo): "not a regular file (a named pipe (FIFO)): only regular files are read"
    }
    # Counting for the progress bar must not wait either.
    assert count_articles([tmp_path]) == 2


@needs_posix
@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_a_link_to_dev_zero_is_refused_in_a_folder_and_when_named(tmp_path):
    (tmp_path / "a_good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    zero = tmp_path / "zero.txt"
    zero.symlink_to("/dev/zero")
    results = read_within(10, tmp_path)
    assert texts_of(results) == [GOOD_TEXT.strip()]
    assert errors_of(results) == {
        str(zero): "a symbolic link to outside the folder given: not followed"
    }
    # Named on its own (the user chose it), it is still not a regular file.
    results = read_within(10, zero)
    assert errors_of(results) == {
        str(zero): "not a regular file (a character device): only regular files are read"
    }


@needs_posix
def test_a_link_out_of_the_folder_is_not_followed_but_one_inside_is(tmp_path):
    outside = tmp_path / "private"
    outside.mkdir()
    (outside / "secret.txt").write_text("A note that was never meant for the map.\n")
    folder = tmp_path / "news"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "real.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (folder / "leak.txt").symlink_to(outside / "secret.txt")
    (folder / "same.txt").symlink_to(folder / "sub" / "real.txt")
    (folder / "linked_dir").symlink_to(outside, target_is_directory=True)
    articles, errors = read_all(folder)
    assert sorted(a.origin for a in articles) == [
        str(folder / "same.txt"),
        str(folder / "sub" / "real.txt"),
    ]
    assert errors == {
        str(folder / "leak.txt"): "a symbolic link to outside the folder given: not followed"
    }
    assert "never meant" not in " ".join(a.text for a in articles)


def test_a_file_over_the_size_limit_is_refused_by_name(tmp_path, monkeypatch):
    monkeypatch.setattr(geo.read.articles, "MAX_ARTICLE_FILE_BYTES", 1000)
    monkeypatch.setattr(geo.read.articles, "MAX_COLLECTION_FILE_BYTES", 2000)
    (tmp_path / "big.txt").write_text("Shelling near Hama. " * 60, encoding="utf-8")
    (tmp_path / "fine.txt").write_text(GOOD_TEXT, encoding="utf-8")
    row = '{"text": "Markets reopened in Idlib."}\n'
    (tmp_path / "feed.jsonl").write_text(row * 40, encoding="utf-8")  # 1,240 bytes
    articles, errors = read_all(tmp_path)
    assert [a.origin for a in articles] == [
        *(f"{tmp_path / 'feed.jsonl'}:line {n}" for n in range(1, 41)),
        str(tmp_path / "fine.txt"),
    ]
    assert errors == {str(tmp_path / "big.txt"): "too large (1,200 bytes; at most 1,000 bytes)"}


# --- file names -------------------------------------------------------------------------------


@needs_posix
def test_a_file_name_that_is_not_utf8_is_read_under_a_printable_name(tmp_path):
    folder = os.fsencode(tmp_path)
    with open(os.path.join(folder, b"\xff\xfe.txt"), "wb") as file:
        file.write(GOOD_TEXT.encode())
    with open(os.path.join(folder, b"bad\xe9.bin.txt"), "wb") as file:
        file.write(b"\x00\x01\x02\x03" * 50)
    results = list(read_paths([tmp_path]))
    printable = os.path.join(str(tmp_path), "\\xff\\xfe.txt")
    articles = [r for r in results if isinstance(r, Article)]
    assert [(a.origin, a.article_id, a.text) for a in articles] == [
        (printable, "\\xff\\xfe", GOOD_TEXT.strip())
    ]
    assert errors_of(results) == {
        os.path.join(str(tmp_path), "bad\\xe9.bin.txt"): "not a text file (binary content)"
    }
    for item in results:  # storable and printable as UTF-8 anywhere
        item.origin.encode("utf-8")


def test_printable_name_escapes_controls_and_direction_marks():
    assert printable_name("report\n2020.txt") == "report\\n2020.txt"
    assert printable_name("\x1b[31mred.txt") == "\\x1b[31mred.txt"
    assert printable_name("invoice\u202etxt.exe.txt") == "invoice\\u202etxt.exe.txt"
    assert printable_name("Ḥalab — حلب.txt") == "Ḥalab — حلب.txt"  # letters stay as they are
    if POSIX:
        assert printable_name(os.fsdecode(b"caf\xe9.txt")) == "caf\\xe9.txt"


# --- CSV --------------------------------------------------------------------------------------


def test_a_header_only_csv_says_it_has_no_rows(tmp_path):
    (tmp_path / "news.csv").write_text("id,title,text\n", encoding="utf-8")
    _, errors = read_all(tmp_path / "news.csv")
    assert errors == {str(tmp_path / "news.csv"): "no rows (only a header)"}


def test_a_csv_truncated_inside_a_quoted_field_names_its_last_row(tmp_path):
    (tmp_path / "news.csv").write_text(
        'id,title,text\n1,Roads,"Rain closed the road near Latakia."\n'
        '2,Bridge,"A bridge reopened in Deir ez-Zor after the wat',
        encoding="utf-8",
    )
    articles, errors = read_all(tmp_path / "news.csv")
    assert [a.article_id for a in articles] == ["1"]
    assert errors == {
        f"{tmp_path / 'news.csv'}#row 2": "truncated row: the file ends inside a quoted field"
    }


def test_a_csv_row_with_fewer_columns_than_the_header_is_named(tmp_path):
    (tmp_path / "news.csv").write_text(
        "id,text,source,published\n"
        "1,Rain closed the road near Latakia.,Example Wire,2021-03-02\n"
        "2,A bridge reopened in Deir ez-Zor after the war\n",
        encoding="utf-8",
    )
    articles, errors = read_all(tmp_path / "news.csv")
    assert [a.article_id for a in articles] == ["1"]
    assert errors == {f"{tmp_path / 'news.csv'}#row 2": "truncated row (2 of 4 columns)"}


def test_a_csv_field_over_the_csv_modules_default_limit_is_read(tmp_path):
    long_text = "The convoy moved north from Homs. " * 8000  # 272,000 characters
    (tmp_path / "news.csv").write_text(f'id,text\n1,"{long_text}"\n', encoding="utf-8")
    (tmp_path / "feed.jsonl").write_text(f'{{"text": "{long_text}"}}\n', encoding="utf-8")
    articles, errors = read_all(tmp_path)
    assert errors == {}
    assert [a.text for a in articles] == [long_text.strip()] * 2


# --- encodings and content --------------------------------------------------------------------


def test_a_latin1_paragraph_after_a_utf8_one_reads_right(tmp_path):
    raw = (
        "Café owners in Zürich and Moscow’s “old town” reopened.\n\n".encode()
        + "Señor Núñez said the façade in Málaga was repaired.\n".encode("latin-1")
        + "The mayor’s office agreed.\n".encode()
    )
    assert decode_bytes(raw) == (
        "Café owners in Zürich and Moscow’s “old town” reopened.\n\n"
        "Señor Núñez said the façade in Málaga was repaired.\n"
        "The mayor’s office agreed.\n"
    )
    (tmp_path / "mixed.txt").write_bytes(raw)
    (article,) = read_all(tmp_path)[0]
    assert "Zürich" in article.text and "Señor Núñez" in article.text and "façade" in article.text


def test_cp1252_lines_keep_their_quotes_beside_utf8_lines():
    raw = "Ünal wrote from Köln.\n".encode() + "\x93Peace\x94 \x96 said Jos\xe9.\n".encode(
        "latin-1"
    )
    assert decode_bytes(raw) == "Ünal wrote from Köln.\n“Peace” – said José.\n"


def test_nul_bytes_in_text_are_dropped_not_taken_for_binary(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"Rain closed the road\x00 near Latakia.\n" * 20)
    (article,) = read_all(tmp_path)[0]
    assert article.text.startswith("Rain closed the road near Latakia.\n")
    assert "\x00" not in article.text


def test_byte_order_marks_are_not_part_of_the_text_or_the_header(tmp_path):
    (tmp_path / "bom8.csv").write_bytes(b"\xef\xbb\xbfid,text\n7,Rain near Latakia.\n")
    (tmp_path / "bom16.txt").write_bytes("Snow fell on Aleppo.\n".encode("utf-16"))
    articles, errors = read_all(tmp_path)
    assert errors == {}
    assert [(a.article_id, a.text) for a in articles] == [
        ("bom16", "Snow fell on Aleppo."),
        ("7", "Rain near Latakia."),
    ]


@pytest.mark.parametrize(
    "name,content", [("a.txt", b""), ("b.md", b"\n \n\t"), ("c.csv", b""), ("d.jsonl", b"\n\n")]
)
def test_empty_files_are_named(tmp_path, name, content):
    (tmp_path / name).write_bytes(content)
    assert read_all(tmp_path) == ([], {str(tmp_path / name): "empty file"})


def test_a_binary_file_renamed_txt_is_refused_as_not_text(tmp_path):
    (tmp_path / "photo.txt").write_bytes(
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 8
    )
    (tmp_path / "real.txt").write_text(GOOD_TEXT, encoding="utf-8")
    articles, errors = read_all(tmp_path)
    assert [a.text for a in articles] == [GOOD_TEXT.strip()]
    assert errors == {str(tmp_path / "photo.txt"): "not a text file (binary content)"}


# --- YAML -------------------------------------------------------------------------------------

# "Billion laughs": nine levels of nine aliases, 9^9 strings from about 600 bytes.
BOMB_ANCHORS = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{name}: &{name} [{','.join(['*' + prev] * 9)}]\n"
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True)
)


def test_a_yaml_alias_bomb_in_a_manifest_is_refused_and_the_files_still_read(tmp_path):
    manifest = "lols:\n" + "".join("  " + line + "\n" for line in BOMB_ANCHORS.splitlines())
    manifest += "news.txt:\n  title: *i\n"
    assert len(manifest) < 800
    (tmp_path / "manifest.yaml").write_text(manifest, encoding="utf-8")
    (tmp_path / "news.txt").write_text(GOOD_TEXT, encoding="utf-8")
    articles, errors = read_all(tmp_path)
    assert [(a.text, a.title) for a in articles] == [(GOOD_TEXT.strip(), None)]
    (reason,) = errors.values()
    assert list(errors) == [str(tmp_path / "manifest.yaml")]
    assert reason.startswith("bad manifest: invalid YAML: YAML aliases expand the document")


def test_a_yaml_alias_bomb_in_front_matter_refuses_that_file(tmp_path):
    (tmp_path / "bomb.md").write_text(
        "---\n" + BOMB_ANCHORS + "title: *i\n---\nRain near Latakia.\n", encoding="utf-8"
    )
    (tmp_path / "fine.md").write_text(GOOD_TEXT, encoding="utf-8")
    articles, errors = read_all(tmp_path)
    assert [a.text for a in articles] == [GOOD_TEXT.strip()]
    (reason,) = errors.values()
    assert list(errors) == [str(tmp_path / "bomb.md")]
    assert reason.startswith("front matter refused: YAML aliases expand the document")


def test_a_looping_yaml_alias_is_refused(tmp_path):
    (tmp_path / "manifest.yaml").write_text("loop: &x [*x]\n", encoding="utf-8")
    (tmp_path / "news.txt").write_text(GOOD_TEXT, encoding="utf-8")
    articles, errors = read_all(tmp_path)
    assert len(articles) == 1
    assert errors == {
        str(tmp_path / "manifest.yaml"): "bad manifest: invalid YAML: "
        "a YAML alias refers to the node holding it (a loop)"
    }


def test_deeply_nested_yaml_is_refused_by_name(tmp_path):
    (tmp_path / "manifest.yaml").write_text("news.txt: " + "[" * 5000 + "\n")
    (tmp_path / "deep.md").write_text("---\ntitle: " + "{a: " * 5000 + "\n---\nRain.\n")
    (tmp_path / "news.txt").write_text(GOOD_TEXT, encoding="utf-8")
    articles, errors = read_all(tmp_path)
    assert [a.text for a in articles] == [GOOD_TEXT.strip()]
    assert errors == {
        str(tmp_path / "manifest.yaml"): "bad manifest: invalid YAML: nested too deeply",
        str(tmp_path / "deep.md"): "front matter refused: YAML nested too deeply",
    }


def test_a_small_yaml_merge_alias_still_works(tmp_path):
    (tmp_path / "manifest.yaml").write_text(
        "defaults: &wire\n  source: Example Wire\n  published: 2021-03-02\n"
        "one.txt:\n  <<: *wire\n  title: Roads closed\n"
        "two.txt:\n  <<: *wire\n",
        encoding="utf-8",
    )
    (tmp_path / "one.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (tmp_path / "two.txt").write_text("Snow fell on Aleppo.\n", encoding="utf-8")
    articles, errors = read_all(tmp_path)
    assert errors == {}
    assert [(a.title, a.source, str(a.published)) for a in articles] == [
        ("Roads closed", "Example Wire", "2021-03-02"),
        (None, "Example Wire", "2021-03-02"),
    ]


# --- time -------------------------------------------------------------------------------------


def test_five_megabytes_of_angle_brackets_in_html_read_in_bounded_time(tmp_path):
    (tmp_path / "page.html").write_bytes(b"<" * (5 * 1024 * 1024))
    (tmp_path / "escaped.html").write_bytes(
        b"<html><body><article><p>Rain closed the road near Latakia. "
        + b"&lt;" * 200_000
        + b"</p></article></body></html>"
    )
    start = time.perf_counter()
    articles, errors = read_all(tmp_path)
    assert time.perf_counter() - start < 30
    assert errors == {str(tmp_path / "page.html"): "no article text found"}
    assert len(articles) == 1 and articles[0].text.startswith("Rain closed the road")


def test_a_long_emphasised_markdown_line_is_read_in_linear_time(tmp_path):
    # Two million characters: peeling the emphasis one copy at a time took about a minute.
    stars = "*" * 1_000_000
    (tmp_path / "a.md").write_text(f"Roads\n\n{stars} Latakia {stars}\n\nRain fell.\n")
    start = time.perf_counter()
    (article,) = read_all(tmp_path)[0]
    assert time.perf_counter() - start < 10
    assert article.text == "Latakia\n\nRain fell."


# --- the whole batch, through the command line ------------------------------------------------


@needs_posix
def test_an_ingest_names_every_bad_file_and_stores_the_good_ones(tmp_path):
    """All of the above in one folder: `python -m geo ingest` finishes, names each bad file
    with its reason on stderr (printable UTF-8) and stores the good articles."""
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (folder / "mixed.txt").write_bytes(
        "Café owners in Zürich reopened.\n\n".encode() + "Señor Núñez agreed.\n".encode("latin-1")
    )
    with open(os.path.join(os.fsencode(folder), b"\xff\xfe.txt"), "wb") as file:
        file.write(b"Snow fell on Aleppo overnight.\n")
    (folder / "deep.jsonl").write_text(
        '{"id": "j1", "text": "Flooding reached Hama."}\n' + "[" * 100_000 + "\n",
        encoding="utf-8",
    )
    os.mkfifo(folder / "pipe.txt")
    if Path("/dev/zero").exists():
        (folder / "zero.txt").symlink_to("/dev/zero")
    (folder / "header.csv").write_text("id,text\n", encoding="utf-8")
    (folder / "cut.csv").write_text('id,text\nc1,"Markets reopened in Idlib."\nc2,"The', "utf-8")
    (folder / "photo.txt").write_bytes(bytes(range(256)) * 4)
    (folder / "empty.md").write_bytes(b"")
    (folder / "manifest.yaml").write_text(
        BOMB_ANCHORS + "good.txt:\n  title: *i\n", encoding="utf-8"
    )
    db = tmp_path / "events.db"
    env = {**os.environ, "PYTHONIOENCODING": "utf-8:strict"}
    done = subprocess.run(
        [sys.executable, "-m", "geo", "ingest", str(folder), "--db", str(db), "--quiet"],
        cwd=PROJECT_DIR,
        capture_output=True,
        timeout=300,
        env=env,
    )
    err = done.stderr.decode("utf-8")  # strict: every name printable
    assert done.returncode == 0, err
    expected = {
        "deep.jsonl:line 2": "invalid JSON",
        "pipe.txt": "not a regular file",
        "header.csv": "no rows",
        "cut.csv#row 2": "truncated row",
        "photo.txt": "not a text file",
        "empty.md": "empty file",
        "manifest.yaml": "aliases expand",
    }
    if Path("/dev/zero").exists():
        expected["zero.txt"] = "outside the folder"
    for name, reason in expected.items():
        line = next((line for line in err.splitlines() if f"{folder}/{name}:" in line), "")
        assert reason in line, f"{name} not reported with {reason!r}:\n{err}"
    assert f"skipped: {len(expected)}" in err
    with sqlite3.connect(db) as con:
        stored = dict(con.execute("SELECT article_id, text FROM articles"))
    assert stored == {
        "good": GOOD_TEXT.strip(),
        "mixed": "Café owners in Zürich reopened.\n\nSeñor Núñez agreed.",
        "\\xff\\xfe": "Snow fell on Aleppo overnight.",
        "j1": "Flooding reached Hama.",
        "c1": "Markets reopened in Idlib.",
    }
