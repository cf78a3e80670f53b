"""Hostile text in every field, through every surface that shows it: the map (as folium
renders it, as streamlit_folium turns it into strings, as a standalone HTML file), its
popups and tooltips, the evidence panel and the article reader, the upload report, the
CSV and GeoJSON exports. Everything must come out as its own characters: escaped in HTML,
data in the page's script, plain text in Markdown, text in a spreadsheet; nothing
evaluated on the server, nothing run in the browser (tests/test_browser.py has the part
in chromium).

The payloads are our own: HTML and attributes, javascript:/data: links, Jinja and
AngularJS templates, stray braces and percent signs, Markdown and Streamlit's Markdown
extensions, spreadsheet formulas, Unicode direction marks, a 100 KB title.
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
import re
from html.parser import HTMLParser

import pandas as pd
import pytest
from markdown_it import MarkdownIt

from geo.ingest.upload import UPLOAD_CAP_REASON, ingest_files, read_saved, result_lines
from geo.view.evidence import MAX_ARTICLE_CHARS, article_html, evidence_html
from geo.view.export import FORMULA_STARTS, to_csv, to_geojson
from geo.view.mapview import (
    MAX_POPUP_SENTENCE,
    base_map,
    build_map,
    events_layer,
    map_features,
    pin_layer,
    script_json,
    standalone_html,
)
from geo.view.plaintext import WORD_JOINER, markdown_text
from tests.conftest import make_events

PROBE = "GEO_ADVERSARIAL_PROBE"  # set in the environment only if a template ran

PAYLOADS: dict[str, str] = {
    # HTML and attributes
    "script": '<script>document.body.dataset.pwned="script"</script>',
    "img onerror": '<img src=x onerror="document.body.dataset.pwned=1">',
    "svg onload": "<svg/onload=alert(1)>",
    "attribute break": '" onmouseover="alert(1)" x="',
    "single-quote break": "' onfocus='alert(1)' autofocus '",
    "closing tags": "</textarea></style></script></div></a><b>bold</b>",
    "comment": "<!-- --><!--",
    "entity": "&lt;script&gt; &amp;amp; &#x3C;",
    "iframe": '<iframe src="http://198.51.100.7/frame"></iframe>',
    # links
    "javascript url": "javascript:alert(1)",
    "mixed-case javascript": " JaVaScRiPt:alert(document.domain)",
    "data url": "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "beacon url": "http://198.51.100.7/beacon.png",
    # templates
    "jinja arithmetic": "{{ 7*7 }}",
    "jinja block": "{% if 1 %}x{% endif %}",
    "jinja syntax error": "{{ 5% }}",
    "jinja comment": "{# hidden #}",
    "jinja os": f"{{{{ cycler.__init__.__globals__.os.environ.setdefault('{PROBE}', '1') }}}}",
    "jinja config": "{{ config.items() }}{{ self.__dict__ }}",
    "jinja raw": "{% raw %}{{ x }}{% endraw %}",
    "angular": "{{constructor.constructor('alert(1)')()}}",
    "template literal": "${7*7} #{7*7} <%= 7*7 %>",
    "braces and percent": "100% {x} }} {% %} {{ a",
    # Markdown and Streamlit's extensions
    "markdown": "**bold** _it_ [link](http://198.51.100.7/x) ![i](http://198.51.100.7/b.png)",
    "markdown block": "# Heading\n\n> quote\n\n1. list\n- item\n\n    code",
    "streamlit markdown": ":red[red] :material/home: :smile: $x^2$ $$y$$ ~~gone~~ `code`",
    "autolinks": "www.example.org http://198.51.100.7/a <http://198.51.100.7/b> a@b.org",
    "table": "| a | b |\n|---|---|\n| c | d |",
    # spreadsheet formulas
    "formula": '=IMPORTXML("http://198.51.100.7/x","//a")',
    "formula plus": "+1+1",
    "formula minus": "-2+3+cmd|' /C calc'!A0",
    "formula at": "@SUM(1+1)",
    "formula tab": "\t=1+1",
    "formula return": "\r=1+1",
    # Unicode
    "direction marks": "\u202egnp.exe\u202c \u200f\u200e \u2066x\u2069",
    "line separators": "a\u2028b\u2029c",
    "zero width": "Pa\u200bris\ufeff",
    # size
    "100 KB": "A" * 100_000,
}
JINJA_CHARS = set("{}%#")
HTML_CHARS = set("<>&'\"")


@pytest.fixture(autouse=True)
def no_probe(monkeypatch):
    monkeypatch.delenv(PROBE, raising=False)
    yield
    assert PROBE not in os.environ, "a template from the data ran on the server"


def hostile_events() -> pd.DataFrame:
    """One event per payload, the payload in every text field, each at its own point."""
    rows = []
    for i, payload in enumerate(PAYLOADS.values()):
        rows.append(
            {
                "title": payload,
                "source": payload,
                "url": payload,
                "place": payload,
                "mention": payload,
                "sentence": f"Shelling hit {payload} today.",
                "event_type": payload,
                "cited_sources": payload,
                "denied_by": payload,
                "actors": payload,
                "reported_by": payload,
                "latitude": -60.0 + i,
                "longitude": -170.0 + 4 * i,
            }
        )
    return make_events(rows)


def script_data(page: str) -> list:
    """Every `var data = …` the page's script holds, decoded as the browser would."""
    out, at = [], 0
    while (at := page.find("var data = ", at)) >= 0:
        value, at = json.JSONDecoder().raw_decode(page, at + len("var data = "))
        out.append(value)
    return out


def streamlit_folium_strings(frame: pd.DataFrame, heat: bool = False) -> list[str]:
    """What st_folium sends to the browser for the dashboard's map (its own steps)."""
    import streamlit_folium as sf

    m = base_map(frame)
    m.get_root().render()
    m.render()
    strings = [sf._get_html(m), sf._get_header(m), sf._get_map_string(m)]
    strings.append(sf._get_feature_group_string(events_layer(frame, heat=heat), map=m))
    return strings


def assert_no_template_syntax_from_data(page: str) -> None:
    for name, payload in PAYLOADS.items():
        if JINJA_CHARS & set(payload) or HTML_CHARS & set(payload):
            assert payload not in page, f"{name} is in the page as written"


# --- the map -----------------------------------------------------------------------------


def test_map_pages_carry_every_payload_as_data():
    frame = hostile_events()
    features = map_features(frame)
    pages = {
        "build_map": build_map(frame).get_root().render(),
        "standalone_html": standalone_html(frame),
    }
    for name, page in pages.items():
        assert script_data(page) == [features], name  # exactly the data: nothing evaluated
        assert_no_template_syntax_from_data(page)


def test_map_as_streamlit_folium_sends_it():
    frame = hostile_events()
    strings = streamlit_folium_strings(frame)
    assert script_data(strings[-1]) == [map_features(frame)]
    for text in strings:
        assert_no_template_syntax_from_data(text)
    heat = streamlit_folium_strings(frame, heat=True)[-1]
    assert "L.GeoHeat" in heat
    assert_no_template_syntax_from_data(heat)


def test_the_pin_layer_and_an_empty_map_render_beside_hostile_data():
    import streamlit_folium as sf

    m = base_map(hostile_events())
    m.get_root().render()
    assert "L.circleMarker(" in sf._get_feature_group_string(pin_layer(10.0, 10.0), map=m)


class _Markup(HTMLParser):
    """The elements and attributes an HTML fragment really holds."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def markup(fragment: str) -> _Markup:
    parser = _Markup()
    parser.feed(fragment)
    parser.close()
    return parser


SAFE_TAGS = {"div", "span", "b", "mark", "a", "strong", "blockquote", "style"}
SAFE_ATTRIBUTES = {"class", "style", "href", "target", "rel", "title"}


def assert_only_our_markup(fragment: str) -> _Markup:
    parsed = markup(fragment)
    for tag, attrs in parsed.tags:
        assert tag in SAFE_TAGS, tag
        assert set(attrs) <= SAFE_ATTRIBUTES, attrs
        if tag == "a":
            assert attrs["href"].startswith(("http://", "https://")), attrs["href"]
        if tag == "b":  # the tooltip's place name: ours, never from the data
            assert attrs == {}
    return parsed


@pytest.mark.parametrize("name", list(PAYLOADS))
def test_popups_and_tooltips_show_each_payload_as_text(name):
    payload = PAYLOADS[name]
    frame = make_events(
        [
            {
                "title": payload,
                "source": payload,
                "url": payload,
                "place": payload,
                "mention": payload,
                "sentence": payload,
                "event_type": payload,
            }
        ]
    )
    props = map_features(frame)["features"][0]["properties"]
    popup = assert_only_our_markup(props["popup"])
    text = "".join(popup.text)
    assert payload in text  # the place name, shown whole
    if len(payload) < MAX_POPUP_SENTENCE:
        assert text.count(payload) >= 4  # place, publisher, type, sentence, title
    tooltip = assert_only_our_markup(props["tooltip"])
    assert payload in "".join(tooltip.text)
    assert [t for t, _ in popup.tags].count("a") == 0 or payload.startswith("http")


# --- the evidence panel and the reader ------------------------------------------------------


@pytest.mark.parametrize("name", list(PAYLOADS))
def test_evidence_panel_shows_each_payload_as_text(name):
    payload = PAYLOADS[name]
    frame = make_events(
        [
            {
                "title": payload,
                "source": payload,
                "url": payload,
                "place": payload,
                "mention": "Aleppo",
                "sentence": f"In Aleppo: {payload}",
                "event_type": payload,
                "cited_sources": payload,
                "denied_by": payload,
                "actors": payload,
            }
        ]
    )
    parsed = assert_only_our_markup(evidence_html(frame))
    assert payload in "".join(parsed.text)

    text = f"{payload} Shelling hit Aleppo. {payload}"
    start = text.index("Aleppo")
    place = {
        "start": start,
        "end": start + 6,
        "resolved": 1,
        "name": payload,
        "admin1": payload,
        "country_code": "SY",
        "feature": payload,
        "method": payload,
        "latitude": 36.2,
        "longitude": 37.1,
    }
    reader = assert_only_our_markup(article_html(text, [place]))
    shown = 2 if len(text) <= MAX_ARTICLE_CHARS else 1  # the reader cuts a huge text
    assert "".join(reader.text).count(payload) >= shown
    assert any(payload in attrs.get("title", "") for tag, attrs in reader.tags if tag == "mark")


# --- Markdown: the upload report, messages, captions -----------------------------------------

COMMONMARK = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def rendered_text(markdown: str) -> str:
    """The HTML a CommonMark renderer makes of `markdown`, for one paragraph of text."""
    return COMMONMARK.render(markdown)


def as_rendered(text: str) -> str:
    """`text` escaped as the renderer escapes text (quotes: only the double one)."""
    return html.escape(text, quote=False).replace('"', "&quot;")


@pytest.mark.parametrize("name", list(PAYLOADS))
def test_markdown_text_renders_as_exactly_its_text(name):
    payload = PAYLOADS[name]
    escaped = markdown_text(payload)
    out = rendered_text(f"news {escaped} file")
    one_line = re.sub("\r\n|[\r\n\u2028\u2029]", " ", payload).strip()  # one line, trimmed
    got = out.removeprefix("<p>").removesuffix("</p>\n").replace(WORD_JOINER, "")
    assert got == as_rendered(f"news {one_line} file"), out
    for construct in ("<a ", "<img", "<em", "<strong", "<code", "<h1", "<ol", "<ul", "<table"):
        assert construct not in out


def test_markdown_text_leaves_plain_report_lines_readable():
    assert markdown_text("3 articles read, 2 stored; 50% done?") == (
        "3 articles read, 2 stored; 50% done?"
    )
    assert markdown_text(None) == ""


def test_upload_report_names_hostile_files_as_plain_text(tmp_path):
    names = [f"{payload[:200]}.pdf" for payload in PAYLOADS.values()]
    result = ingest_files([(name, b"%PDF-1.4") for name in names], tmp_path / "events.db")
    assert [e.origin for e in result.errors] == names  # the names as given, nothing else
    for error in result.errors:
        line = f"{markdown_text(error.origin)}: {markdown_text(error.reason)}"
        out = rendered_text(line)
        assert "<a " not in out and "<img" not in out and "<strong" not in out
        one_line = re.sub("\r\n|[\r\n\u2028\u2029]", " ", error.origin)
        assert as_rendered(one_line.strip()) in out.replace(WORD_JOINER, "")


def test_upload_cap_note_names_a_hostile_file_as_given(tmp_path):
    name = "{{ 7*7 }} <img src=x> **news**.csv"
    path = tmp_path / "news.csv"
    path.write_text("title,text\n" + "".join(f"t{i},Text {i}\n" for i in range(5)), "utf-8")
    _articles, _errors, notes = read_saved([(path, name)], limit=2)
    assert [(n.origin, n.reason) for n in notes] == [(name, UPLOAD_CAP_REASON)]
    assert "{{ 7*7 }} &lt;img src=x&gt; **news**.csv" in rendered_text(markdown_text(name))


def test_result_lines_hold_counts_only():
    from geo.ingest.upload import UploadResult

    assert result_lines(UploadResult()) == []


# --- exports -------------------------------------------------------------------------------


def test_csv_export_is_text_in_a_spreadsheet():
    frame = hostile_events()
    rows = list(csv.DictReader(io.StringIO(to_csv(frame), newline="")))
    assert len(rows) == len(PAYLOADS)
    text_columns = ["title", "source", "url", "place", "mention", "event_type", "reported_by"]
    for row, payload in zip(rows, PAYLOADS.values(), strict=True):
        expected = payload.replace("\r\n", "\n").replace("\r", "\n")
        if payload.startswith(FORMULA_STARTS):
            expected = "'" + expected
        for column in text_columns:
            assert row[column] == expected, (column, payload[:40])
            assert not row[column].startswith(FORMULA_STARTS)
        assert float(row["longitude"]) < 0  # numbers stay numbers (negative, unquoted)


def test_geojson_export_is_exact():
    frame = hostile_events()
    features = json.loads(to_geojson(frame))["features"]
    assert [f["properties"]["title"] for f in features] == list(PAYLOADS.values())
    assert [f["properties"]["sentence"] for f in features] == [
        f"Shelling hit {p} today." for p in PAYLOADS.values()
    ]


# --- the script encoding itself ----------------------------------------------------------------


def test_script_json_round_trips_and_leaves_no_markup():
    value = {"list": list(PAYLOADS.values()), "n": -3.7, "ok": True, "none": None}
    text = script_json(value)
    assert json.loads(text) == value
    inside = text[1:-1]  # the object's own braces are its only ones
    assert not (set(inside) & set("<>&'%#\u2028\u2029"))
    assert "{" not in inside and "}" not in inside


def test_script_json_writes_strings_holding_its_stand_ins_the_same():
    # script_json marks unsafe characters with private-use stand-ins while json.dumps
    # writes; a text that holds one of those characters itself is written the slow way,
    # and both ways give one text: the same characters back, no markup in it
    stand_in = "\uf8f0"
    for value in (
        {"k{<": ["it's 100% #1 {x}", "\u2028", 2.5, None, ("t<",)], "q": '"\\u003c\\'},
        {"popup": f"<b>{stand_in}</b> & {{y}}", "n": [1, "'"]},
    ):
        text = script_json(value)
        assert json.loads(text) == json.loads(json.dumps(value))
        inside = text[1:-1]
        assert not (set(inside) & set("<>&'%#\u2028\u2029{}"))
        assert stand_in in json.loads(text).get("popup", stand_in)


def test_script_json_writes_a_string_it_has_written_before_the_same_way():
    # short strings are remembered as written (mapview._WrittenStrings); the second time,
    # and after the memory starts afresh, a hostile one is escaped all the same
    from geo.view import mapview

    value = {"<b>": ["<b>", "{{x}}", "it's", "<b>" * 30]}
    first = script_json(value)
    assert "<b>" in mapview._WRITTEN_STRINGS  # remembered, the long one not
    assert "<b>" * 30 not in mapview._WRITTEN_STRINGS
    assert script_json(value) == first
    for i in range(mapview._WrittenStrings.MAX + 1):
        script_json([f"s{i}"])
    assert len(mapview._WRITTEN_STRINGS) <= mapview._WrittenStrings.MAX
    assert script_json(value) == first == script_json(value)
    assert json.loads(first) == value and "<" not in first and "{{" not in first
