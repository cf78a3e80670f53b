"""An article page's text and metadata, from HTML we fetched ourselves.

    article = page_article(response)                  # Article, or ReadError naming the URL
    article = extract_page(html, url, fetched_at)     # the same from bytes already in hand

trafilatura only extracts here (it never fetches: `geo.read.fetch` does, with its address
checks, robots.txt and limits). Text, title, publication date, site name (the publisher)
and canonical URL come from trafilatura, the language from the page's own declaration
(``<html lang>``, Content-Language meta). The text keeps no markup and is as untrusted as
any article's.

The article's id is "url-" and the start of the sha256 of its URL, so fetching a page again
gives the same article (the store replaces it when its content hash changed). Its `url` is
the page's canonical URL when that is on the same site as the fetched one (a page may not
claim another site's article), else the URL it was fetched from; `origin` is the URL it was
fetched from; `fetched_at` and `extraction` ("trafilatura <version>") say when and how.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from datetime import datetime
from urllib.parse import urlsplit, urlunsplit

from geo.models import Article, ReadError
from geo.read.articles import (
    EXTRACTION_OPTIONS,
    content_hash,
    http_url,
    normalise_text,
    parse_date,
    publisher_from_url,
)
from geo.read.fetch import Response

_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*")


def url_article_id(url: str) -> str:
    """A stable id for the article at `url` (its fragment ignored)."""
    return "url-" + hashlib.sha256(url_key(url).encode("utf-8")).hexdigest()[:16]


def url_key(url: str) -> str:
    """The URL as compared for "seen before": scheme and host lower-case, no fragment."""
    parts = urlsplit(url.strip())
    return urlunsplit(
        (parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, "")
    )


def _site(url: str) -> str:
    return (urlsplit(url).hostname or "").lower().removeprefix("www.")


def _language(tree) -> str | None:
    candidates = [tree.get("lang"), tree.get("{http://www.w3.org/XML/1998/namespace}lang")]
    for meta in tree.iter("meta"):
        equiv = (meta.get("http-equiv") or "").lower()
        prop = (meta.get("property") or meta.get("name") or "").lower()
        if equiv == "content-language" or prop in ("og:locale", "language", "dc.language"):
            candidates.append(meta.get("content"))
    for value in candidates:
        value = (value or "").strip().split(",")[0].strip()
        if _LANGUAGE_TAG.fullmatch(value):
            primary, _, rest = value.replace("_", "-").partition("-")
            return primary.lower() + (f"-{rest}" if rest else "")
    return None


def _extraction_name() -> str:
    import trafilatura

    return f"trafilatura {trafilatura.__version__}"


def extract_page(
    html: bytes | str,
    url: str,
    fetched_at: datetime | None = None,
    *,
    publisher: str | None = None,
    language: str | None = None,
) -> Article | ReadError:
    """The article of one HTML page fetched from `url`; a ReadError when it has no text.

    `publisher` (e.g. a source's name in the sources file) overrides the page's site name;
    `language` is used when the page declares none.
    """
    import trafilatura  # slow to import; only pages need it

    try:
        tree = trafilatura.load_html(html)
        if tree is None:
            return ReadError(url, "could not parse HTML")
        declared = _language(tree)
        doc = trafilatura.bare_extraction(tree, url=url, **EXTRACTION_OPTIONS)
    except Exception as exc:  # trafilatura and lxml raise many kinds on broken markup
        return ReadError(url, f"could not parse HTML: {exc}")
    text = normalise_text(getattr(doc, "text", None) or "").strip() if doc else ""
    if not text:
        return ReadError(url, "no article text found")
    title = " ".join((doc.title or "").split()) or None
    lines = text.split("\n")
    # trafilatura often repeats the headline as the first line: it is the title, not text.
    if title and " ".join(lines[0].casefold().split()) == title.casefold():
        text = "\n".join(lines[1:]).strip()
        if not text:
            return ReadError(url, "no article text found")
    canonical = http_url(doc.url)
    article_url = canonical if canonical and _site(canonical) == _site(url) else url
    published, flag = parse_date(doc.date)
    source = publisher or (doc.sitename or "").strip() or publisher_from_url(article_url)
    return Article(
        article_id=url_article_id(article_url),
        text=text,
        title=title,
        source=source or None,
        url=article_url,
        published=published,
        published_flag=flag,
        origin=url,
        content_hash=content_hash(text, title),
        fetched_at=fetched_at,
        extraction=_extraction_name(),
        language=declared or language,
    )


def page_article(
    response: Response, *, publisher: str | None = None, language: str | None = None
) -> Article | ReadError:
    """The article of a fetched page (decoded with its declared charset when it has one)."""
    html: bytes | str = response.body
    if response.charset:
        # An unknown charset name: the parser reads the page's own declaration instead.
        with contextlib.suppress(LookupError):
            html = response.body.decode(response.charset, errors="replace")
    return extract_page(
        html, response.url, response.fetched_at, publisher=publisher, language=language
    )
