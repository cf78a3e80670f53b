"""Reading articles: seeds, text cleaning, encodings, collections, HTML, bad input."""

from __future__ import annotations

import csv
import json
import shutil
import time
from datetime import date
from pathlib import Path

import pytest

from geo.models import Article, ReadError
from geo.read.articles import (
    ColumnMap,
    count_articles,
    decode_bytes,
    parse_date,
    read_paths,
    read_text_article,
)

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"
FAKES = SHARED / "data" / "fakes_dev.csv"
SEED_000 = "000_d48874956cc4c8e6.txt"
SEED_003 = "003_82b491c720f0e559.txt"
RHC_URL = (
    "https://www.radiohc.cu/index.php/en/noticias/internacionales/"
    "111542-syrian-army-retakes-key-aleppo-district-from-terrorists"
)


def read_all(*paths, columns=None) -> tuple[list[Article], list[ReadError]]:
    results = list(read_paths(paths, columns))
    articles = [r for r in results if isinstance(r, Article)]
    errors = [r for r in results if isinstance(r, ReadError)]
    assert len(articles) + len(errors) == len(results)
    return articles, errors


def only_article(*paths, columns=None) -> Article:
    articles, errors = read_all(*paths, columns=columns)
    assert errors == []
    assert len(articles) == 1
    return articles[0]


# --- the committed seeds, with their manifest ---------------------------------------------------


def test_seed_000_with_manifest():
    article = only_article(SEEDS / SEED_000)
    assert article.article_id == "000_d48874956cc4c8e6"
    assert article.title == "Syrian Army Retakes Key Aleppo District from Terrorists"
    assert article.source == "Radio Habana Cuba"
    assert article.url == RHC_URL
    assert article.published == date(2016, 11, 9)
    assert article.published_flag is None
    assert article.text.startswith("Damascus, November 9 (RHC)-- Syrian army forces")
    assert article.text.endswith("the figures it receives from various sources.")
    for leftover in ("---", "<https", "**", "# ", article.title):
        assert leftover not in article.text


def test_seed_003_with_manifest_drops_boilerplate_lines_only():
    article = only_article(SEEDS / SEED_003)
    assert article.article_id == "003_82b491c720f0e559"
    assert article.title == "Syrian army and allies regain control over crucial Aleppo district"
    assert article.source == "Radio Habana Cuba"
    assert article.url is None
    assert article.published == date(2016, 9, 8)
    assert article.published_flag is None
    text = article.text
    assert text.startswith("Latest advance, if held, would nearly reverse all gains")
    for boilerplate in (
        "Image |",
        "Caption:",
        "Media Video |",
        "Open Full Embed",
        "Loading external",
    ):
        assert boilerplate not in text
    # The sentences on either side of the removed lines are all still there.
    for sentence in (
        "Syrian government forces and their allies captured new ground",
        "Amateur videos published online on Wednesday",
        "One man was carried out of a building that had collapsed",
        "Brennan said at a conference.",
    ):
        assert sentence in text
    assert "on stretchers.\n\nOne man was carried out" in text


def test_seed_folder_reads_in_name_order_without_reading_the_manifest():
    articles, errors = read_all(SEEDS)
    assert errors == []
    assert [a.article_id for a in articles] == ["000_d48874956cc4c8e6", "003_82b491c720f0e559"]


@pytest.mark.shared
@pytest.mark.skipif(not (SHARED / "seeds").is_dir(), reason="../shared/seeds is absent")
@pytest.mark.parametrize("name", [SEED_000, SEED_003])
def test_seeds_are_byte_identical_to_shared(name):
    assert (SEEDS / name).read_bytes() == (SHARED / "seeds" / name).read_bytes()


def test_seed_000_without_manifest_has_no_year(tmp_path):
    shutil.copy(SEEDS / SEED_000, tmp_path)
    article = only_article(tmp_path / SEED_000)
    # "Damascus, November 9 (RHC)--": a day and month but no year, and none is invented.
    assert article.published is None
    assert article.published_flag == "no-year"
    assert article.source == "Radio Habana Cuba"  # RHC in the dateline
    assert article.url == RHC_URL  # the bare URL line
    assert article.title == "Syrian Army Retakes Key Aleppo District from Terrorists"


def test_seed_003_without_manifest_has_no_date_or_source(tmp_path):
    shutil.copy(SEEDS / SEED_003, tmp_path)
    article = only_article(tmp_path / SEED_003)
    assert article.published is None
    assert article.published_flag == "missing"
    assert article.source is None


def test_same_article_read_twice_has_the_same_hash(tmp_path):
    first = only_article(SEEDS / SEED_000)
    second = only_article(SEEDS / SEED_000)
    assert first.content_hash == second.content_hash
    assert len(first.content_hash) == 64
    changed = tmp_path / SEED_000
    changed.write_bytes((SEEDS / SEED_000).read_bytes().replace(b"dozens", b"scores"))
    assert only_article(changed).content_hash != first.content_hash


# --- text files: front matter, manifests, pasted text --------------------------------------------


def test_front_matter_gives_metadata_and_drops_a_javascript_url(tmp_path):
    path = tmp_path / "note.md"
    path.write_text(
        "---\n"
        "title: Clashes near Idlib\n"
        "publisher: Example Wire\n"
        "url: javascript:alert(1)\n"
        "date: Nov 9, 2016\n"
        "id: ex-1\n"
        "---\n"
        "# Clashes near Idlib\n\n"
        "Fighting broke out near Idlib on Tuesday.\n",
        encoding="utf-8",
    )
    article = only_article(path)
    assert article.article_id == "ex-1"
    assert article.title == "Clashes near Idlib"
    assert article.source == "Example Wire"
    assert article.url is None
    assert article.published == date(2016, 11, 9)
    assert article.published_flag is None
    assert article.text == "Fighting broke out near Idlib on Tuesday."


def test_manifest_overrides_what_the_file_says(tmp_path):
    (tmp_path / "a.txt").write_text(
        "---\nsource: Front Matter News\n---\nShort title\n\nBody text.\n", encoding="utf-8"
    )
    (tmp_path / "manifest.yaml").write_text(
        "a.txt:\n  source: Manifest News\n  published: 2017-04-05\n  url: https://example.org/a\n",
        encoding="utf-8",
    )
    article = only_article(tmp_path)
    assert article.source == "Manifest News"
    assert article.published == date(2017, 4, 5)
    assert article.url == "https://example.org/a"
    assert article.title == "Short title"
    assert article.text == "Body text."


def test_manifest_csv_and_a_bad_manifest_is_reported(tmp_path):
    good = tmp_path / "good"
    good.mkdir()
    (good / "a.txt").write_text("Aleppo was shelled on Monday.\n", encoding="utf-8")
    with (good / "manifest.csv").open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["file", "source", "published"], ["a.txt", "SANA", "4/5/17"]])
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "b.txt").write_text("Homs was quiet.\n", encoding="utf-8")
    (bad / "manifest.yaml").write_text("b.txt: [unclosed\n", encoding="utf-8")

    articles, errors = read_all(tmp_path)
    # "bad" sorts before "good"; the broken manifest is reported and its files still read.
    assert [(a.article_id, a.source, a.published) for a in articles] == [
        ("b", None, None),
        ("a", "SANA", date(2017, 4, 5)),
    ]
    assert len(errors) == 1
    assert errors[0].origin == str(bad / "manifest.yaml")
    assert "bad manifest" in errors[0].reason


def test_read_text_article_for_pasted_text():
    article = read_text_article(
        "Heavy fighting in Raqqa\n\nRAQQA, Syria, June 6, 2017 (AP) - Fighters advanced.",
        origin="pasted",
    )
    assert article.title == "Heavy fighting in Raqqa"
    assert article.text.startswith("RAQQA, Syria, June 6, 2017 (AP) - Fighters advanced.")
    assert article.source == "AP"
    assert article.published == date(2017, 6, 6)
    assert article.published_flag == "from-dateline"
    assert article.article_id.startswith("text-")
    assert article.origin == "pasted"

    given = read_text_article("Fighters advanced.", "pasted", {"id": "p1", "source": "Reuters"})
    assert (given.article_id, given.source, given.title) == ("p1", "Reuters", None)

    with pytest.raises(ValueError, match="no article text"):
        read_text_article("\n---\n\n", origin="pasted")


def test_embed_notice_glued_to_text_keeps_the_text():
    notice = "Open Full Embed in New Tab (external link)Loading external pages may require"
    article = read_text_article(
        f"Title line\n\n{notice} significantly more data usage.The strike hit a school.\n",
        origin="x.txt",
    )
    assert article.text == "The strike hit a school."


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2016-11-09", (date(2016, 11, 9), None)),
        ("2016-11-09T10:00:00Z", (date(2016, 11, 9), None)),
        ("11/9/16", (date(2016, 11, 9), None)),
        ("Nov 9, 2016", (date(2016, 11, 9), None)),
        ("Wed, 09 Nov 2016 10:00:00 +0000", (date(2016, 11, 9), None)),
        (date(2016, 11, 9), (date(2016, 11, 9), None)),
        ("November 9", (None, "no-year")),
        ("2016", (None, "unparsed")),
        ("not a date", (None, "unparsed")),
        ("", (None, "missing")),
        (None, (None, "missing")),
    ],
)
def test_parse_date(value, expected):
    assert parse_date(value) == expected


# --- encodings and bad files ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Alep assiégée à l'aube", "latin-1"),
        ("“Quoted” – a dash", "cp1252"),
        ("Déjà vu", "utf-8"),
        ("Déjà vu", "utf-8-sig"),
        ("Сирийская армия вернула контроль над районом Алеппо. " * 3, "utf-16"),
        ("Сирийская армия вернула контроль над районом Алеппо. " * 3, "cp1251"),
        ("استعاد الجيش السوري السيطرة على حي في حلب. " * 3, "cp1256"),
    ],
)
def test_decode_bytes(text, encoding):
    assert decode_bytes(text.encode(encoding)) == text


def test_mostly_utf8_with_a_broken_byte_stays_utf8():
    raw = ("Alep – la ville “assiégée” " * 5).encode() + b"\xe9 end"
    decoded = decode_bytes(raw)
    assert decoded.startswith("Alep – la ville “assiégée”")
    assert decoded.endswith("\ufffd end")


def test_latin1_csv_reads_without_mojibake(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes(
        "id,title,text\n"
        "7,Alep assiégée,L'armée syrienne a repris un quartier d'Alep à l'aube.\n".encode("latin-1")
    )
    article = only_article(path)
    assert article.article_id == "7"
    assert article.title == "Alep assiégée"
    assert article.text == "L'armée syrienne a repris un quartier d'Alep à l'aube."
    assert article.origin == f"{path}#row 1"


def test_utf8_with_bom_reads_cleanly(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes("text,source\nDéjà vu in Homs.,SANA\n".encode("utf-8-sig"))
    article = only_article(path)
    assert (article.text, article.source) == ("Déjà vu in Homs.", "SANA")


def test_binary_file_is_reported_by_name_and_the_batch_goes_on(tmp_path):
    (tmp_path / "a_picture.txt").write_bytes(
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
    )
    (tmp_path / "b_good.txt").write_text("Daraa was shelled overnight.\n", encoding="utf-8")
    (tmp_path / "c_empty.md").write_bytes(b"")
    articles, errors = read_all(tmp_path)
    assert [a.article_id for a in articles] == ["b_good"]
    assert [(Path(e.origin).name, e.reason) for e in errors] == [
        ("a_picture.txt", "not a text file (binary content)"),
        ("c_empty.md", "empty file"),
    ]


def test_folders_skip_hidden_and_unknown_files_but_named_ones_are_errors(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text("Hama was calm.\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text("Idlib was calm.\n", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("Secret.\n", encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "c.txt").write_text("Git.\n", encoding="utf-8")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")

    articles, errors = read_all(tmp_path)
    assert [a.article_id for a in articles] == ["a", "b"]
    assert errors == []

    articles, errors = read_all(
        tmp_path / "notes.pdf", tmp_path / "missing.txt", tmp_path / "a.txt"
    )
    assert [a.article_id for a in articles] == ["a"]
    assert errors[0].origin == str(tmp_path / "notes.pdf")
    assert "unsupported file type '.pdf'" in errors[0].reason
    assert errors[1] == ReadError(str(tmp_path / "missing.txt"), "no such file or directory")


def test_count_articles(tmp_path):
    (tmp_path / "a.txt").write_text("Idlib was calm.\n", encoding="utf-8")
    (tmp_path / "b.jsonl").write_text('{"text": "x"}\n\n{"text": "y"}\n', encoding="utf-8")
    (tmp_path / "c.csv").write_text('text\n"multi\nline"\nsecond\n', encoding="utf-8")
    assert count_articles([tmp_path]) == 5
    assert len(list(read_paths([tmp_path]))) == 5


# --- collections ---------------------------------------------------------------------------------


def test_malformed_jsonl_line_is_reported_and_the_others_read(tmp_path):
    path = tmp_path / "batch.jsonl"
    path.write_text(
        json.dumps({"id": "a", "text": "Shelling in Aleppo."})
        + "\n{not json\n"
        + json.dumps(["a list"])
        + "\n"
        + json.dumps({"id": 4, "text": "Clashes in Homs.", "url": "javascript:void(0)"})
        + "\n"
        + json.dumps({"id": "e", "text": "   "})
        + "\n",
        encoding="utf-8",
    )
    articles, errors = read_all(path)
    assert [(a.article_id, a.text, a.url) for a in articles] == [
        ("a", "Shelling in Aleppo.", None),
        ("4", "Clashes in Homs.", None),
    ]
    assert articles[1].origin == f"{path}:line 4"
    assert [e.origin for e in errors] == [f"{path}:line 2", f"{path}:line 3", f"{path}:line 5"]
    assert errors[0].reason.startswith("invalid JSON")
    assert "expected a JSON object" in errors[1].reason
    assert "empty text" in errors[2].reason


def test_csv_column_mapping_like_id_column(tmp_path):
    path = tmp_path / "mine.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(
            [
                ["key", "headline_x", "story", "outlet", "when", "href"],
                ["k1", "First", "Text one.", "Outlet A", "2017-04-05", "https://a.example/1"],
                ["k2", "Second", "", "Outlet B", "", ""],
                ["k3", "Third", "Text three.", "", "April 5", "ftp://a.example/3"],
            ]
        )
    columns = ColumnMap(
        id="key", title="headline_x", text="story", source="outlet", published="when", url="href"
    )
    articles, errors = read_all(path, columns=columns)
    assert [(a.article_id, a.title, a.source, a.url) for a in articles] == [
        ("k1", "First", "Outlet A", "https://a.example/1"),
        ("k3", "Third", None, None),
    ]
    assert (articles[0].published, articles[0].published_flag) == (date(2017, 4, 5), None)
    assert (articles[1].published, articles[1].published_flag) == (None, "no-year")
    assert [e.origin for e in errors] == [f"{path}#row 2"]

    # Without an id column, ids are the file stem and the row number.
    articles, _ = read_all(path, columns=ColumnMap(text="story"))
    assert [a.article_id for a in articles] == ["mine-1", "mine-3"]


def test_csv_without_a_text_column_names_its_columns(tmp_path):
    path = tmp_path / "no_text.csv"
    path.write_text("id,headline\n1,Something\n", encoding="utf-8")
    articles, errors = read_all(path)
    assert articles == []
    assert errors[0].origin == str(path)
    assert "no text column" in errors[0].reason
    assert "id, headline" in errors[0].reason

    _, errors = read_all(path, columns=ColumnMap(text="headline", id="unit_id"))
    assert "no column 'unit_id'" in errors[0].reason


def test_malformed_csv_row_is_reported_and_the_others_read(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text(
        'id,text\n1,"Long article text."\n2,"quoted"oops\n3,Too,many,fields\n4,Fine.\n',
        encoding="utf-8",
    )
    articles, errors = read_all(path)
    assert [a.article_id for a in articles] == ["1", "4"]
    assert [e.origin for e in errors] == [f"{path}#row 2", f"{path}#row 3"]


def test_long_csv_fields_are_read(tmp_path):
    text = "Word " * 60_000  # longer than the csv module's default 128 KiB field limit
    path = tmp_path / "long.csv"
    path.write_text(f'text\n"{text}"\n', encoding="utf-8")
    assert only_article(path).text == text.strip()


# --- HTML ----------------------------------------------------------------------------------------

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Shelling hits Aleppo | Example News</title>
<meta property="og:site_name" content="Example News">
<meta property="og:title" content="Shelling hits Aleppo">
<link rel="canonical" href="{url}">
<meta property="article:published_time" content="2016-11-09T10:00:00Z">
</head><body><nav><a href="/">Home</a> | <a href="/world">World</a></nav>
<article><h1>Shelling hits Aleppo</h1>
<p>Heavy shelling hit the eastern districts of Aleppo on Tuesday, residents said, as
government forces pressed their advance into the old city.</p>
<p>At least ten people were killed in the Sukkari neighbourhood, according to a monitoring
group based in Britain.</p>
</article><footer>Copyright Example News</footer></body></html>
"""


def test_html_extraction(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(PAGE.format(url="https://example.com/news/aleppo"), encoding="utf-8")
    article = only_article(path)
    assert article.article_id == "page"
    assert article.title == "Shelling hits Aleppo"
    assert article.source == "Example News"
    assert article.url == "https://example.com/news/aleppo"
    assert article.published == date(2016, 11, 9)
    assert article.text.startswith("Heavy shelling hit the eastern districts of Aleppo")
    assert "Sukkari neighbourhood" in article.text
    assert "Home" not in article.text


def test_html_javascript_url_is_dropped(tmp_path):
    path = tmp_path / "page.htm"
    path.write_text(PAGE.format(url="javascript:alert(1)"), encoding="utf-8")
    article = only_article(path)
    assert article.url is None
    assert article.title == "Shelling hits Aleppo"


def test_html_without_article_text_is_an_error(tmp_path):
    path = tmp_path / "empty.html"
    path.write_text("<html><head><title>Nothing</title></head><body></body></html>", "utf-8")
    assert read_all(path) == ([], [ReadError(str(path), "no article text found")])


# --- the development data ------------------------------------------------------------------------


@pytest.mark.shared
@pytest.mark.skipif(not FAKES.is_file(), reason="../shared/data/fakes_dev.csv is absent")
def test_fakes_dev_csv_reads_every_row():
    with FAKES.open(encoding="latin-1", newline="") as handle:
        unit_ids = [row["unit_id"] for row in csv.DictReader(handle)]
    started = time.perf_counter()
    articles, errors = read_all(FAKES, columns=ColumnMap(id="unit_id"))
    elapsed = time.perf_counter() - started
    assert errors == []
    assert len(articles) == 343
    assert [a.article_id for a in articles] == unit_ids
    first = articles[0]
    assert first.title == "Syria attack symptoms consistent with nerve agent use WHO"
    assert first.text.startswith("Wed 05 Apr 2017 Syria attack symptoms")
    assert first.source == "nna"
    # The `date` column is the gold event date, not publication: it must not be used.
    assert all(a.published is None and a.published_flag == "missing" for a in articles)
    # Latin-1 bytes such as 0x95 come through as their characters, never as mojibake.
    assert any("humanitarian •pause" in a.text for a in articles)
    assert not any("\ufffd" in a.text or "Ã" in a.text for a in articles)
    assert elapsed < 3.0  # about 0.1 s; generous for slow machines
