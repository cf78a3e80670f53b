"""geo/lexicon.py: the loaders of geo/data/ and the rules built on them."""

from __future__ import annotations

import re

import pytest

from geo import lexicon
from geo.event import attribution, events
from geo.place import gazetteer, toponyms
from geo.view import mapview


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """A private geo/data/ for files written by a test (the caches are cleared around it)."""
    monkeypatch.setattr(lexicon, "DATA_DIR", tmp_path)
    for loader in (lexicon.words, lexicon.table, lexicon.mapping):
        loader.cache_clear()
    yield tmp_path
    for loader in (lexicon.words, lexicon.table, lexicon.mapping):
        loader.cache_clear()


def test_word_list_skips_comments_and_blank_lines(data_dir) -> None:
    (data_dir / "w.txt").write_text("# source: invented\n\nal\n  el  \n# more\nash\n")
    assert lexicon.words("w.txt") == ("al", "el", "ash")


def test_table_splits_tabs_and_names_the_file_and_line_of_a_bad_row(data_dir) -> None:
    (data_dir / "t.tsv").write_text("# a header\nUS-CA\tCalif.\nUS-TX\n")
    assert lexicon.table("t.tsv") == (("US-CA", "Calif."), ("US-TX",))
    with pytest.raises(lexicon.LexiconError, match=r"t\.tsv:3: 1 fields, expected 2"):
        lexicon.table("t.tsv", columns=2)


def test_mapping_reads_toml_and_names_the_file_of_a_syntax_error(data_dir) -> None:
    (data_dir / "m.toml").write_text('# header\n[a]\ncolour = "#fff"\n')
    assert lexicon.mapping("m.toml") == {"a": {"colour": "#fff"}}
    (data_dir / "bad.toml").write_text("[a\n")
    with pytest.raises(lexicon.LexiconError, match=r"bad\.toml"):
        lexicon.mapping("bad.toml")


def test_loaders_read_a_file_once(data_dir) -> None:
    path = data_dir / "w.txt"
    path.write_text("one\n")
    first = lexicon.words("w.txt")
    path.write_text("two\n")
    assert lexicon.words("w.txt") is first


def test_every_shipped_data_file_says_where_it_came_from() -> None:
    for path in sorted(lexicon.DATA_DIR.iterdir()):
        assert path.read_text(encoding="utf-8").startswith("#"), path.name


def test_calendar() -> None:
    assert lexicon.months()["september"] == 9 and len(lexicon.months()) == 12
    assert lexicon.month_abbreviations()["sept"] == 9 and "may" not in lexicon.month_abbreviations()
    assert lexicon.weekdays()[0] == "monday" and len(lexicon.weekdays()) == 7


@pytest.mark.parametrize(
    ("name", "separator", "bare"),
    [
        ("al-Bab", "-", "Bab"),
        ("ash-Shaddadi", "-", "Shaddadi"),  # "ash" is tried before "as"
        ("ath-Thawrah", "-", "Thawrah"),
        ("al bab", " ", "bab"),
        ("al", " ", "al"),  # an article alone is a name
        ("alep", " ", "alep"),  # no separator, no article
        ("Al-Bab", "-", "Al-Bab"),  # capitalised: part of the name as written
        ("the Hague", "[- ]", "the Hague"),  # the English article is not this rule
    ],
)
def test_strip_article_prefix(name, separator, bare) -> None:
    assert lexicon.strip_article_prefix(name, separator) == bare


def test_the_article_rule_is_one_list_at_every_site() -> None:
    # the gazetteer's variants, the cue names of recognition, the spokesman names of
    # attribution and the merge of events all strip the same articles
    for prefix in lexicon.article_prefixes():
        assert gazetteer.strip_arabic_article(f"{prefix} raqqa") == "raqqa"
        assert toponyms._ARTICLE_PREFIX.sub("", f"{prefix}-Raqqa") == "Raqqa"
        assert re.fullmatch(toponyms._NAME, f"{prefix}-Raqqa")
    found = attribution.cited_sources("A spokesman for Jaish ash-Sham said the town fell.")
    assert found == ("Jaish ash-Sham",)


def test_event_types_and_colours_come_from_one_file() -> None:
    vocabulary = lexicon.mapping("event_types.toml")
    assert list(mapview.TYPE_COLORS) == list(vocabulary) == list(events.EVENT_TYPE_DEFINITIONS)
    assert all(re.fullmatch(r"#[0-9a-f]{6}", c) for c in mapview.TYPE_COLORS.values())
    assert set(events.FAMILY) <= set(vocabulary)


def test_number_words_are_one_list_for_tolls_relative_dates_and_cues() -> None:
    """geo/data/numbers.toml's words count victims, days ago and another happening alike."""
    from datetime import date

    from geo.event import dates

    words = lexicon.number_words()
    assert words["three"] == 3 and words["a dozen"] == 12 and words["fifty"] == 50
    assert lexicon.count_words()["a"] == 1 and "dozens" in lexicon.multitude_words()
    assert attribution.casualties("Twenty civilians were killed.").killed == 20
    assert attribution.casualties("A dozen people were killed.").killed == 12
    published = date(2020, 5, 30)
    for phrase, day in (("twenty days ago", date(2020, 5, 10)), ("a week ago", date(2020, 5, 23))):
        found = dates.find_dates(f"The strike came {phrase}, residents said.", published)
        assert [d.value for d in found] == [day], phrase
