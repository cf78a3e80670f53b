"""The evidence panel and the article reader: grouping reports, escaping, links."""

from __future__ import annotations

from datetime import date

import pandas as pd

from geo.models import Article
from geo.store import AnalyzedArticle, open_store
from geo.view.evidence import (
    article_html,
    casualties_text,
    evidence_html,
    happenings,
    place_label,
    read_article,
    reports_for,
)
from tests.conftest import make_events

HOSTILE = '<script>alert("x")</script><img src=x onerror="alert(1)">'


def reports() -> pd.DataFrame:
    return make_events(
        [
            {"report_group": "g1", "source": "Reuters", "event_date": "2016-11-08"},
            {"report_group": "g1", "source": "AFP", "event_date": "2016-11-07"},
            {"report_group": "g2", "source": "CBC"},
            {"report_group": None, "source": "BBC"},
        ]
    )


def test_a_selected_event_brings_every_report_of_its_happening():
    frame = reports()
    got = reports_for(frame, "e1")
    assert list(got["event_id"]) == ["e1", "e2"]  # the selected one first
    assert list(reports_for(frame, "e2")["event_id"]) == ["e2", "e1"]
    assert list(reports_for(frame, "e4")["event_id"]) == ["e4"]  # no group: itself
    assert reports_for(frame, "nope").empty and reports_for(frame, None).empty


def test_happenings_split_a_point_by_report_group():
    groups = happenings(reports())
    assert [list(g["event_id"]) for g in groups] == [["e1", "e2"], ["e3"], ["e4"]]


def test_panel_shows_claims_denials_actors_and_casualties():
    frame = make_events(
        [
            {
                "cited_sources": "SOHR; White Helmets",
                "denied_by": "Russian Defence Ministry",
                "actors": "Syrian army",
                "killed": 12,
                "civilians_killed": 5,
                "children_killed": 2,
                "injured": 30,
                "sentence": "Airstrikes on Aleppo killed 12 people.",
                "mention": "Aleppo",
            }
        ]
    )
    page = evidence_html(frame)
    for text in (
        "Claimed by",
        "SOHR, White Helmets",
        "Denied by",
        "Russian Defence Ministry",
        "Syrian army",
        "12 killed (5 civilians, 2 children), 30 injured",
        "<mark>Aleppo</mark>",
        "claimed by SOHR, White Helmets",
        "denied by Russian Defence Ministry",
    ):
        assert text in page, text


def test_casualties_only_when_stated():
    assert casualties_text({}) == ""
    assert casualties_text({"injured": 3}) == "3 injured"
    assert casualties_text({"killed": 1}) == "1 killed"
    assert casualties_text({"children_killed": 4}) == "killed (4 children)"


def test_article_text_is_escaped_and_only_http_links_are_kept():
    frame = make_events(
        [
            {
                "sentence": f"Shelling {HOSTILE} in Aleppo.",
                "source": "<i>Evil</i>",
                "cited_sources": "<b>x</b>",
                "url": "javascript:alert(1)",
                "title": "</div><script>alert(2)</script>",
            },
            {"url": 'https://example.org/a?b="><script>', "report_group": None},
        ]
    )
    page = evidence_html(frame)
    for raw in ("<script", "<img", "<i>", "<b>x", "</div><script"):
        assert raw not in page.replace("<style>", ""), raw
    assert "javascript:" not in page
    assert 'href="https://example.org/a?b=&quot;&gt;&lt;script&gt;"' in page
    assert 'rel="noopener noreferrer nofollow"' in page


def test_reader_marks_every_place_with_its_resolution():
    text = "Clashes in Aleppo <b>and</b> Idlib; Xyzzy was quiet."
    places = [
        {
            "start": 11,
            "end": 17,
            "resolved": 1,
            "name": "Aleppo",
            "admin1": "Aleppo",
            "country_code": "SY",
            "feature": "city",
            "method": "gazetteer",
            "approximate": 0,
            "latitude": 36.2,
            "longitude": 37.1,
        },
        {
            "start": 29,
            "end": 34,
            "resolved": 1,
            "name": "Idlib",
            "latitude": 35.9,
            "longitude": 36.6,
            "approximate": 1,
        },
        {"start": 36, "end": 41, "resolved": 0, "latitude": float("nan")},
        {"start": 12, "end": 15, "resolved": 1, "latitude": 1.0, "longitude": 1.0},  # overlap
        {"start": 500, "end": 510, "resolved": 1},  # out of the text
    ]
    page = article_html(text, places)
    assert page.count("<mark") == 3
    assert '<mark title="Aleppo (Aleppo, SY) · city-level · by gazetteer' in page
    assert "approximate: placed at the town around it" in page
    assert 'class="ev-unresolved" title="not resolved' in page
    assert "&lt;b&gt;and&lt;/b&gt;" in page and "<b>" not in page


def test_place_label_for_a_hostile_name_is_escaped_in_the_title():
    page = article_html(
        '"><script>x',
        [
            {
                "start": 0,
                "end": 2,
                "resolved": 1,
                "name": '"><svg>',
                "latitude": 1.0,
                "longitude": 2.0,
            }
        ],
    )
    assert "<svg" not in page and "<script" not in page
    assert place_label({"resolved": 0}).startswith("not resolved")


def test_read_article(tmp_path):
    db_path = tmp_path / "events.db"
    article = Article("a1", "Full text.", title="T", source="S", published=date(2016, 11, 8),
                      origin="o", content_hash="h")  # fmt: skip
    with open_store(db_path) as store:
        store.write_batch([AnalyzedArticle(article, [], [])])
    article = read_article(db_path, "a1")
    assert article is not None and article.text == "Full text." and article.title == "T"
    assert read_article(db_path, "missing") is None


def test_a_republished_sentence_is_shown_once_with_every_publisher():
    said = "Shelling hit the old market of Aleppo on Tuesday."
    frame = make_events(
        [
            {"report_group": "g1", "source": "Reuters", "sentence": said},
            {"report_group": "g1", "source": "Yahoo News", "sentence": "  " + said.upper()},
            {"report_group": "g1", "source": "CBC", "sentence": "Aleppo's market was shelled."},
        ]
    )
    page = evidence_html(frame)
    assert page.count('class="ev-report"') == 2
    assert "<strong>Reuters, Yahoo News</strong>" in page
    assert "3 reports" in page  # the summary still counts every report


def test_the_title_under_the_sentence_is_labelled():
    page = evidence_html(make_events([{"title": "Market shelled", "url": "https://e.org/1"}]))
    assert '<span class="ev-label">Article</span> <a href="https://e.org/1"' in page
    page = evidence_html(make_events([{"title": "Market shelled", "url": None}]))
    assert '<span class="ev-label">Article</span> Market shelled' in page


def test_the_panel_says_how_well_attested_the_happening_is():
    frame = make_events([{"confidence": 0.9, "report_count": 2, "reported_by": "Reuters; CBC"}])
    assert "confidence high (0.90) · 2 reports from 2 independent publishers" in evidence_html(
        frame
    )


def test_a_town_is_shown_in_its_regions_spelling():
    frame = make_events([{"place": "Ḩamāh", "admin1": "Hama", "mention": "Hama"}])
    page = evidence_html(frame)
    assert "Ḩamāh" not in page
    assert "(written" not in page  # written as it is shown


def test_the_sentence_naming_the_place_is_found_when_the_events_is_another():
    from geo.view.evidence import place_sentence

    text = (
        "Fighting raged around Aleppo on Monday. Residents fled. "
        "Later, jets struck the eastern districts, killing nine."
    )
    at = text.index("Later")
    event = {"mention": "Aleppo", "sentence": text[at:], "sentence_start": at}
    places = [{"start": text.index("Aleppo"), "end": text.index("Aleppo") + 6}]
    assert place_sentence(text, places, event) == "Fighting raged around Aleppo on Monday."
    page = evidence_html(
        make_events([{**event, "event_id": "e1"}]),
        {"e1": place_sentence(text, places, event)},
    )
    assert "Place named in" in page
    assert "Fighting raged around <mark>Aleppo</mark> on Monday." in page
    # its own sentence names it: nothing more to show
    own = {"mention": "Aleppo", "sentence": text[:39], "sentence_start": 0}
    assert place_sentence(text, places, own) is None
    # the name is nowhere in the places found
    assert place_sentence(text, [], event) is None


def test_at_a_busy_place_the_picker_starts_from_the_newest_happening():
    from geo.view.selection import happening_picker

    frame = make_events(
        [
            {"report_group": "old", "event_date": "2016-01-02"},
            {"report_group": "new", "event_date": "2016-11-08"},
            {"report_group": "mid", "event_date": "2016-06-01"},
            {"report_group": "none", "event_date": None},
        ]
    )
    picker = happening_picker(frame, (36.2021, 37.1343), "e1")
    assert list(picker.labels) == ["e2", "e3", "e1", "e4"]
