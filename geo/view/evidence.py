"""The evidence behind a point of the map: every report of a happening, and its article.

- `reports_for` picks the reports to show for a selected event (every event sharing its
  `report_group`, i.e. every article reporting that happening) or for a clicked point.
- `evidence_html` renders them: how well attested the happening is (confidence,
  independent publishers), then each report: publisher, date, type, who claims it (cited
  sources) and who denies it, actors, casualties, the sentence with the place
  highlighted, the sentence naming the place when that is another one
  (`place_sentence`), how the place was resolved, and the article's title as a link
  (http and https only). A sentence republished word for word by several publishers is
  shown once, with all of them.
- `read_article` and `article_html`: the whole article, every place name found in it
  highlighted with its resolution on hover.

All text from articles is untrusted: it is HTML-escaped here, in one place, and only
http(s) links are kept. Nothing here imports Streamlit.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from geo.store import Location, Store, StoredArticle, opened
from geo.view.export import is_missing
from geo.view.filters import split_list
from geo.view.mapview import (
    _highlight,
    _text,
    format_event_date,
    precision_note,
    safe_http_url,
    type_color,
)
from geo.view.overview import reliability_text
from geo.view.table import place_name

MAX_REPORTS = 50  # reports listed in the panel; the table has them all
MAX_ARTICLE_CHARS = 200_000
MAX_SENTENCE_CHARS = 600  # of the sentence naming the place, around the name


def _group_key(row: pd.Series) -> str:
    return _text(row.get("report_group")) or _text(row.get("event_id"))


def reports_for(frame: pd.DataFrame, event_id: str | None) -> pd.DataFrame:
    """Every report (event row) of the happening `event_id` belongs to, the selected one
    first, then by date and publisher; empty when the id is unknown."""
    if not event_id or frame.empty:
        return frame.iloc[0:0]
    hit = frame.loc[frame["event_id"] == event_id]
    if hit.empty:
        return frame.iloc[0:0]
    group = _group_key(hit.iloc[0])
    keys = frame["report_group"].fillna(frame["event_id"])
    out = frame.loc[(keys == group) | (frame["event_id"] == event_id)]
    first = (out["event_id"] != event_id).astype(int)
    return (
        out.assign(_first=first)
        .sort_values(["_first", "event_date", "source"], na_position="last", kind="stable")
        .drop(columns="_first")
        .reset_index(drop=True)
    )


def happenings(frame: pd.DataFrame) -> list[pd.DataFrame]:
    """`frame`'s events split by happening (report_group), in the frame's order."""
    if frame.empty:
        return []
    keys = frame["report_group"].fillna(frame["event_id"]).astype(str)
    return [frame.loc[keys == key].reset_index(drop=True) for key in dict.fromkeys(keys)]


def _count(value: Any) -> int | None:
    if value is None or value is pd.NA:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        return None
    return int(value)


def casualties_text(row: pd.Series | dict) -> str:
    """'12 killed (5 civilians, 2 children), 30 injured', or '' when none is stated."""
    killed = _count(row.get("killed"))
    injured = _count(row.get("injured"))
    civilians = _count(row.get("civilians_killed"))
    children = _count(row.get("children_killed"))
    parts = []
    if killed is not None or civilians is not None or children is not None:
        of = [
            f"{civilians} civilians" if civilians is not None else "",
            f"{children} children" if children is not None else "",
        ]
        of = [p for p in of if p]
        head = f"{killed} killed" if killed is not None else "killed"
        parts.append(head + (f" ({', '.join(of)})" if of else ""))
    if injured is not None:
        parts.append(f"{injured} injured")
    return ", ".join(parts)


def _row(label: str, value: str) -> str:
    return f'<div class="ev-row"><span class="ev-label">{html.escape(label)}</span> {value}</div>'


def _names(value: Any) -> str:
    return ", ".join(html.escape(name) for name in split_list(value))


def report_html(
    row: pd.Series | dict,
    *,
    publishers: list[str] | None = None,
    named_in: str | None = None,
) -> str:
    """One report: who published it (`publishers`: every publisher of this same sentence)
    and when, what it says, who claims and who denies; `named_in`: the sentence naming
    the place, when the event's own sentence does not."""
    row = dict(row)
    color = type_color(row.get("event_type"))
    kind = html.escape(_text(row.get("event_type")) or "event")
    when = html.escape(format_event_date(row.get("event_date"), row.get("date_precision")))
    if row.get("date_from_text") is False:
        when += " (publication date)"
    names = publishers or [_text(row.get("source")) or "unknown publisher"]
    publisher = ", ".join(html.escape(name) for name in names)
    shown_name = place_name(row.get("place"), row.get("admin1"))
    place = html.escape(shown_name or _text(row.get("mention")) or "unnamed place")
    head = (
        f'<div class="ev-head"><span class="ev-type" style="background:{color}">{kind}</span> '
        f"<strong>{publisher}</strong> · {when} · {place}</div>"
    )
    parts = [head]
    sentence = _text(row.get("sentence"))
    if sentence:
        parts.append(
            f'<blockquote class="ev-sentence">{_highlight(sentence, _text(row.get("mention")))}'
            "</blockquote>"
        )
    if named_in:
        parts.append(
            _row("Place named in", "")
            + f'<blockquote class="ev-sentence">{_highlight(named_in, _text(row.get("mention")))}'
            "</blockquote>"
        )
    if split_list(row.get("cited_sources")):
        parts.append(_row("Claimed by", _names(row.get("cited_sources"))))
    if split_list(row.get("denied_by")):
        parts.append(_row("Denied by", _names(row.get("denied_by"))))
    if split_list(row.get("actors")):
        parts.append(_row("Actors", _names(row.get("actors"))))
    casualties = casualties_text(row)
    if casualties:
        parts.append(_row("Casualties", html.escape(casualties)))
    where = html.escape(place)
    mention = _text(row.get("mention"))
    if mention and mention != shown_name:
        where += f" (written “{html.escape(mention)}”)"
    note = precision_note(row.get("precision"), row.get("approximate"))
    level = _text(row.get("precision"))
    details = ", ".join(
        x for x in (note or (level and f"{level}-level"), _text(row.get("resolution"))) if x
    )
    if details:
        where += f' <span class="ev-note">{html.escape(details)}</span>'
    parts.append(_row("Place", where))
    url = safe_http_url(row.get("url"))
    title = html.escape(_text(row.get("title")) or "the article")
    if url:
        parts.append(
            _row(
                "Article",
                f'<a href="{html.escape(url, quote=True)}" target="_blank" '
                f'rel="noopener noreferrer nofollow">{title}</a>',
            )
        )
    elif _text(row.get("title")):
        parts.append(_row("Article", title))
    return f'<div class="ev-report">{"".join(parts)}</div>'


EVIDENCE_CSS = """
<style>
.ev-panel { font-size: 14px; line-height: 1.4; }
.ev-summary { margin-bottom: 6px; color: #444; }
.ev-report { border-left: 3px solid #d0d4d8; padding: 4px 10px; margin: 8px 0; }
.ev-head { margin-bottom: 2px; }
.ev-type { color: #fff; border-radius: 3px; padding: 0 5px; font-size: 12px; }
.ev-sentence { margin: 4px 0; padding: 2px 8px; border-left: 2px solid #eee; color: #222; }
.ev-sentence mark, .ev-article mark { background: #ffe9a8; padding: 0 1px; }
.ev-article mark.ev-unresolved { background: #e4e4e4; }
.ev-label { color: #5b6670; font-size: 12px; }
.ev-note { color: #5b6670; font-size: 12px; }
.ev-article { white-space: pre-wrap; font-size: 14px; line-height: 1.5; max-height: 480px;
  overflow-y: auto; border: 1px solid #e3e6e8; padding: 8px 12px; border-radius: 4px; }
</style>
"""


def _sentence_key(row: pd.Series) -> str:
    """Reports of one sentence, word for word (spaces and case aside): a republished text."""
    return " ".join(_text(row.get("sentence")).split()).casefold() or _text(row.get("event_id"))


def evidence_html(reports: pd.DataFrame, named_in: dict[str, str] | None = None) -> str:
    """The panel for one happening (or one point): a summary line, how well attested it
    is, then every report, a sentence republished by several publishers once with all of
    them. `named_in`: event id -> the sentence naming its place (see `place_sentence`)."""
    if reports.empty:
        return ""
    named_in = named_in or {}
    publishers = sorted({_text(s) for s in reports["source"] if _text(s)}, key=str.casefold)
    claimed = sorted({n for v in reports["cited_sources"] for n in split_list(v)})
    denied = sorted({n for v in reports["denied_by"] for n in split_list(v)})
    summary = [f"{len(reports)} report{'s' if len(reports) != 1 else ''}"]
    if publishers:
        summary.append("published by " + ", ".join(html.escape(p) for p in publishers))
    if claimed:
        summary.append("claimed by " + ", ".join(html.escape(n) for n in claimed))
    if denied:
        summary.append("denied by " + ", ".join(html.escape(n) for n in denied))
    summary.append(html.escape(reliability_text(reports.iloc[0])))
    same: dict[str, list[pd.Series]] = {}
    for _, row in reports.iterrows():
        same.setdefault(_sentence_key(row), []).append(row)
    body = "".join(
        report_html(
            rows[0],
            publishers=list(
                dict.fromkeys(_text(r.get("source")) or "unknown publisher" for r in rows)
            ),
            named_in=named_in.get(_text(rows[0].get("event_id"))),
        )
        for rows in list(same.values())[:MAX_REPORTS]
    )
    more = len(same) - MAX_REPORTS
    tail = f'<div class="ev-note">and {more} more: see the table</div>' if more > 0 else ""
    return (
        f'{EVIDENCE_CSS}<div class="ev-panel"><div class="ev-summary">'
        f"{' · '.join(summary)}</div>{body}{tail}</div>"
    )


# --- the sentence naming the place -----------------------------------------------------

_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s+|\n\s*")


def sentence_around(text: str, start: int, end: int) -> str:
    """The sentence of `text` holding the span [start, end): from the end of the previous
    sentence (., !, ? and a space, or a line break) to the end of this one; at most
    MAX_SENTENCE_CHARS around the span."""
    lo = max(0, start - MAX_SENTENCE_CHARS // 2)
    before = [m.end() for m in _SENTENCE_END.finditer(text, lo, start)]
    begin = before[-1] if before else lo
    after = _SENTENCE_END.search(text, end, min(len(text), end + MAX_SENTENCE_CHARS // 2))
    stop = after.start() + 1 if after else min(len(text), end + MAX_SENTENCE_CHARS // 2)
    return " ".join(text[begin:stop].split())


def names_its_place(event: Mapping) -> bool:
    """Whether the event's sentence holds its place name as written (or it has no name)."""
    mention = _text(event.get("mention"))
    return not mention or mention.casefold() in _text(event.get("sentence")).casefold()


def place_sentence(text: str, places: pd.DataFrame | list[dict], event: Mapping) -> str | None:
    """The sentence naming the event's place, when its own sentence does not name it (the
    place came from an earlier sentence: "Jets struck the city's east." after "… in
    Aleppo."); None when the sentence names it, or the name is not found in `text`.

    `places`: the article's place names (start, end offsets); the one written as the
    event's mention nearest to the event's sentence is taken."""
    mention = _text(event.get("mention"))
    if not text or names_its_place(event):
        return None
    records = places.to_dict("records") if isinstance(places, pd.DataFrame) else list(places)
    at = event.get("sentence_start")
    at = 0 if is_missing(at) else int(at)
    spans = [
        (int(p["start"]), int(p["end"]))
        for p in records
        if 0 <= int(p["start"]) < int(p["end"]) <= len(text)
        and text[int(p["start"]) : int(p["end"])] == mention
    ]
    if not spans:
        return None
    start, end = min(spans, key=lambda span: (abs(span[0] - at), span[0]))
    return sentence_around(text, start, end) or None


# --- the article reader -----------------------------------------------------------------


# The stored article, as the reader shows it (the store's record).
ArticleText = StoredArticle


def read_article(store: Store | Location, article_id: str) -> ArticleText | None:
    """The stored article, or None when the store does not hold it."""
    with opened(store) as db:
        return db.read_article(article_id)


def place_label(place: dict) -> str:
    """The hover text of a place name: where it was placed and how."""
    if not place.get("resolved") or is_missing(place.get("latitude")):
        return "not resolved: no place found for this name"
    name = _text(place.get("name"))
    where = ", ".join(
        x for x in (_text(place.get("admin1")), _text(place.get("country_code"))) if x
    )
    parts = [f"{name} ({where})" if where else name]
    if _text(place.get("feature")):
        parts.append(f"{place['feature']}-level")
    if place.get("approximate") is True or place.get("approximate") == 1:
        parts.append("approximate: placed at the town around it")
    if _text(place.get("method")):
        parts.append(f"by {place['method']}")
    try:
        lat, lon = float(place["latitude"]), float(place["longitude"])
        parts.append(f"{lat:.4f}, {lon:.4f}")
    except (TypeError, ValueError, KeyError):
        pass
    return " · ".join(parts)


def article_html(text: str, places: pd.DataFrame | list[dict]) -> str:
    """The article's text, escaped, with each place name (start/end offsets) marked and
    its resolution in the mark's title (shown on hover)."""
    text = text[:MAX_ARTICLE_CHARS]
    records = places.to_dict("records") if isinstance(places, pd.DataFrame) else list(places)
    spans = sorted(
        (r for r in records if 0 <= int(r["start"]) < int(r["end"]) <= len(text)),
        key=lambda r: (int(r["start"]), -int(r["end"])),
    )
    out: list[str] = []
    at = 0
    for place in spans:
        start, end = int(place["start"]), int(place["end"])
        if start < at:  # overlapping names: keep the first
            continue
        out.append(html.escape(text[at:start]))
        css = "" if place.get("resolved") else ' class="ev-unresolved"'
        label = html.escape(place_label(place), quote=True)
        out.append(f'<mark{css} title="{label}">{html.escape(text[start:end])}</mark>')
        at = end
    out.append(html.escape(text[at:]))
    return f'{EVIDENCE_CSS}<div class="ev-article">{"".join(out)}</div>'
