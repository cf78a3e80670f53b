"""RSS and Atom feeds: told apart from pages by their content, parsed with feedparser.

    kind = feed_kind(body)            # "rss", "rdf", "atom" or None (not a feed: a page)
    feed = parse_feed(body, url)      # Feed(kind, title, link, entries); ValueError if not one
    for entry in feed.entries: entry.link, entry.title, entry.published, entry.id, entry.summary

Detection sniffs the root element of the document, never the URL's extension or the
Content-Type (feeds are often served as text/html or text/plain, pages as application/xml):
``<rss>`` (RSS 0.9x and 2.0), ``<rdf:RDF>`` with the RSS 1.0 or 0.90 namespace (RSS 1.0,
RDF), ``<feed>`` in the Atom namespace (Atom 1.0, and 0.3). feedparser reads the bytes we
fetched (it has no timeout of its own, and is never given a URL or a file name, which it
would open). Entry links are resolved against the feed's URL and kept only when http(s);
summaries lose their markup.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from html import unescape
from urllib.parse import urljoin

from geo.read.articles import http_url

ATOM_NAMESPACES = ("http://www.w3.org/2005/Atom", "http://purl.org/atom/ns#")
RSS1_NAMESPACES = ("http://purl.org/rss/1.0/", "http://my.netscape.com/rdf/simple/0.9/")
_PROLOG = re.compile(
    rb"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>|\s+)*",
    re.DOTALL | re.IGNORECASE,
)
_ROOT = re.compile(rb"<(?:([A-Za-z_][\w.-]*):)?([A-Za-z_][\w.-]*)([^>]*)>", re.DOTALL)
_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class FeedEntry:
    link: str | None  # http(s), absolute
    title: str | None
    published: datetime | None  # UTC
    id: str | None  # guid / id, else the link
    summary: str | None  # plain text


@dataclass(frozen=True)
class Feed:
    kind: str  # "rss", "rdf" or "atom"
    title: str | None
    link: str | None
    entries: tuple[FeedEntry, ...]


def _head_bytes(body: bytes) -> bytes:
    """The start of the document as ASCII-compatible bytes (UTF-16 re-encoded, BOM off)."""
    head = body[:8192]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="ignore").encode("utf-8", errors="ignore")
    return head.removeprefix(b"\xef\xbb\xbf")


def feed_kind(body: bytes) -> str | None:
    """ "rss", "rdf" or "atom" when the document's root element is a feed's, else None."""
    head = _head_bytes(body)
    prolog = _PROLOG.match(head)
    match = _ROOT.match(head, prolog.end() if prolog else 0)
    if not match:
        return None
    prefix, name, attributes = match.group(1), match.group(2).decode().lower(), match.group(3)
    namespaces = _namespaces(attributes)
    own = namespaces.get(prefix.decode() if prefix else "")
    if name == "rss" and not prefix:
        return "rss"
    if name == "rdf" and any(ns in namespaces.values() for ns in RSS1_NAMESPACES):
        return "rdf"
    if name == "feed" and own in ATOM_NAMESPACES:
        return "atom"
    return None


def _namespaces(attributes: bytes) -> dict[str, str]:
    found = {}
    for match in re.finditer(rb"""xmlns(?::([\w.-]+))?\s*=\s*(["'])(.*?)\2""", attributes):
        found[(match.group(1) or b"").decode()] = match.group(3).decode("utf-8", "replace")
    return found


def _plain(value: str | None) -> str | None:
    if not value:
        return None
    text = " ".join(unescape(_TAG.sub(" ", value)).split())
    return text or None


def _when(entry) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            try:
                return datetime(*parsed[:6], tzinfo=UTC)
            except (TypeError, ValueError):
                continue
    return None


def parse_feed(body: bytes, url: str, content_type: str | None = None) -> Feed:
    """The feed in `body` (fetched from `url`); ValueError when it is not a feed."""
    import feedparser  # only feeds need it

    kind = feed_kind(body)
    if kind is None:
        raise ValueError("not an RSS or Atom feed")
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    # A stream, never a string: feedparser fetches strings that look like URLs and opens
    # ones that name files.
    parsed = feedparser.parse(io.BytesIO(body), response_headers=headers)
    if parsed.get("bozo") and not parsed.get("entries") and not parsed.get("feed"):
        raise ValueError(f"unreadable feed: {parsed.get('bozo_exception')}")
    entries = []
    for entry in parsed.get("entries", []):
        link = http_url(urljoin(url, entry.get("link") or "")) if entry.get("link") else None
        entries.append(
            FeedEntry(
                link=link,
                title=_plain(entry.get("title")),
                published=_when(entry),
                id=(entry.get("id") or "").strip() or link,
                summary=_plain(entry.get("summary")),
            )
        )
    meta = parsed.get("feed", {})
    return Feed(
        kind=kind,
        title=_plain(meta.get("title")),
        link=http_url(meta.get("link")),
        entries=tuple(entries),
    )
