"""Read news articles from files, folders and collections into `Article` records.

Supported files, chosen by extension:

- ``.txt``, ``.md``, ``.markdown``: one article. Optional YAML front matter between ``---``
  lines gives ``title``, ``source`` (or ``publisher``), ``url`` (or ``link``), ``published``
  (or ``date``) and ``id``. Scrape boilerplate lines ("Image | ...", "Caption: ...") and
  markdown decoration are removed; the title is its own field and is not repeated in the text.
- ``.html``, ``.htm``: one article, main text and metadata extracted by trafilatura.
- ``.csv``, ``.jsonl``, ``.ndjson``: one article per row, columns chosen by `ColumnMap`.

Bad input never raises: a file or row that cannot be read becomes a `ReadError` naming it
(``path``, ``path#row N`` for CSV, ``path:line N`` for JSONL) and reading goes on.
Only regular files are read (no pipes, devices or sockets), up to a size limit per kind;
in a folder, a symbolic link leading out of it is reported and not followed. File names
are shown and stored as `printable_name` gives them (bytes that are not UTF-8 as ``\xff``).
YAML (manifests, front matter) is read safely, and aliases may not expand it much.

Manifest: users give metadata for their files in a ``manifest.yaml`` (or ``manifest.yml``,
``manifest.csv``) in the folder holding them. It applies to the files of that folder, however
they are reached, and its values override what is found in the files themselves::

    # manifest.yaml: file name -> fields (all optional)
    000_d48874956cc4c8e6.txt:
      title: Syrian Army Retakes Key Aleppo District from Terrorists
      source: Radio Habana Cuba
      url: https://www.radiohc.cu/...
      published: 2016-11-09
      id: rhc-111542
      home: Havana, Cuba   # the publisher's home place (or a GeoNames id): local names near it
    reports.csv:           # for a collection: defaults for rows lacking these columns
      source: Reuters

``manifest.csv`` holds the same thing as a table: a ``file`` column, then any of the fields.
Other keys (e.g. ``credit``) are kept for people and ignored by the reader.

`Article.published_flag` says where `published` came from: None (metadata), "from-dateline"
(a dateline with a year), "no-year" (a date without a year: no year is ever invented),
"unparsed" (metadata we could not read as a date) or "missing".
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import os
import re
import stat
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from geo import lexicon
from geo.models import Article, ReadError

TEXT_EXTENSIONS = frozenset({".txt", ".md", ".markdown"})
HTML_EXTENSIONS = frozenset({".html", ".htm"})
CSV_EXTENSIONS = frozenset({".csv"})
JSONL_EXTENSIONS = frozenset({".jsonl", ".ndjson"})
SUPPORTED_EXTENSIONS = TEXT_EXTENSIONS | HTML_EXTENSIONS | CSV_EXTENSIONS | JSONL_EXTENSIONS
MANIFEST_NAMES = ("manifest.yaml", "manifest.yml", "manifest.csv")

# Publishers known by web domain (a subdomain matches its parent, "en.sana.sy" -> SANA) and
# agencies as abbreviated in datelines ("Damascus, November 9 (RHC)--"): geo/data/publishers.toml.
# Unknown domains are kept as the bare domain.
KNOWN_DOMAINS: dict[str, str] = lexicon.mapping("publishers.toml")["domains"]
KNOWN_AGENCIES: dict[str, str] = lexicon.mapping("publishers.toml")["agencies"]

_ID_COLUMNS = ("id", "article_id", "doc_id")
_TITLE_COLUMNS = ("title", "article_title", "headline")
_TEXT_COLUMNS = ("text", "content", "article_content", "body", "article_text")
_SOURCE_COLUMNS = ("source", "publisher")
# A publisher's home place ("Charlottesville, Virginia, US") is a few words at most.
MAX_HOME_CHARS = 200
_URL_COLUMNS = ("url", "link")
# A bare "date" column is not guessed: in collections such as FA-KES it is the date of the
# event, not of publication. Name it explicitly (ColumnMap(published="date")) when it is.
_PUBLISHED_COLUMNS = ("published", "publication_date", "date_published", "pubdate")


@dataclass(frozen=True)
class ColumnMap:
    """Column names of a CSV/JSONL collection; None: detect from the usual names."""

    id: str | None = None
    title: str | None = None
    text: str | None = None
    source: str | None = None
    url: str | None = None
    published: str | None = None


# --- decoding ---------------------------------------------------------------------------------

# cp1252 for the bytes 0x80-0x9f where it defines them; browsers read "latin-1" this way too.
_CP1252_HIGH = {
    byte: char
    for byte in range(0x80, 0xA0)
    if (char := bytes([byte]).decode("cp1252", errors="replace")) != "\ufffd"
}

# Control characters other than tab and newline, stray BOMs and U+FFFD carry no text.
_JUNK_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff\ufffd]")
_HIGH_BYTES = bytes(range(0x80, 0x100))
# Text files hold no control bytes but tab, newlines, form feed and escape (NUL apart).
_CONTROL_BYTES = bytes([*range(1, 9), *range(14, 27), *range(28, 32)])


def _mostly_utf8(raw: bytes) -> bool:
    """Valid UTF-8 with a few broken bytes is still UTF-8: Latin-1 text almost never forms
    valid multi-byte sequences, so many of them and few errors mean UTF-8."""
    text = raw.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    return not bad or len(text) - len(text.encode("ascii", errors="ignore")) > 2 * bad


_MIN_HIGH_BYTES_TO_DETECT = 32


def _legacy_decoder(raw: bytes):
    """How to decode bytes that are not UTF-8: cp1252 for Western text, else a guess."""
    # Western text has few high bytes and charset detection misreads it (it calls the FA-KES
    # file Baltic cp775, a line "Señor Núñez" Central European); many high bytes, and
    # enough of them to go by, mean a non-Latin script where detection is good.
    high = len(raw) - len(raw.translate(None, _HIGH_BYTES))
    if high > 0.3 * len(raw) and high >= _MIN_HIGH_BYTES_TO_DETECT:
        from charset_normalizer import from_bytes

        best = from_bytes(raw).best()
        if best is not None:
            encoding = best.encoding
            return lambda chunk: chunk.decode(encoding, errors="replace")
    return lambda chunk: chunk.decode("latin-1").translate(_CP1252_HIGH)


def decode_bytes(raw: bytes) -> str:
    """Decode file bytes: UTF-8 (BOM or not), UTF-16 with a BOM, else line by line; never fails.

    Files pasted together from several sources mix encodings (a UTF-8 paragraph, then one
    in Latin-1), so each line that is not UTF-8 is decoded on its own, with the encoding
    guessed from all such lines together, while the UTF-8 lines stay as they are.
    """
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[3:]
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16", errors="replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    lines = raw.split(b"\n")  # a newline byte never falls inside a UTF-8 character
    decoded: list[str | None] = []
    foreign: list[bytes] = []
    for line in lines:
        try:
            decoded.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            if _mostly_utf8(line):
                decoded.append(line.decode("utf-8", errors="replace"))
            else:
                decoded.append(None)
                foreign.append(line)
    if not foreign:
        return "\n".join(decoded)
    legacy = _legacy_decoder(b"\n".join(foreign))
    return "\n".join(
        text if text is not None else legacy(line)
        for text, line in zip(decoded, lines, strict=True)
    )


def _looks_binary(raw: bytes) -> bool:
    """Control bytes, or NULs in great number: a picture, archive or program, not text.

    NULs scattered through text (left by a broken export or a bad copy) do not make it
    binary: they are removed with the other control characters.
    """
    sample = raw[:65536]
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls > max(1, 0.01 * len(sample)) or sample.count(0) > 0.3 * len(sample)


def normalise_text(text: str) -> str:
    """One newline convention, NFC, no control characters: the text offsets refer to."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", _JUNK_CHARS.sub("", text))


def content_hash(text: str, title: str | None = None) -> str:
    """sha256 of the title and text with whitespace collapsed: stable across re-reads."""
    key = " ".join((title or "").split()) + "\n" + " ".join(text.split())
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


# --- small value parsers ----------------------------------------------------------------------


def http_url(value: Any) -> str | None:
    """The value as an http(s) URL, else None (javascript:, mailto:, relative links...)."""
    if not isinstance(value, str):
        return None
    url = value.strip().strip("<>").strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() in ("http", "https") and parts.netloc and " " not in url:
        return url
    return None


def publisher_from_url(url: str | None) -> str | None:
    """A known publisher for the URL's domain, else the bare domain."""
    if not url:
        return None
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    if not host:
        return None
    labels = host.split(".")
    for i in range(len(labels) - 1):
        name = KNOWN_DOMAINS.get(".".join(labels[i:]))
        if name:
            return name
    return host


_NO_YEAR_DEFAULTS = (datetime(1, 1, 1), datetime(2, 2, 2))


def parse_date(value: Any) -> tuple[date | None, str | None]:
    """Parse a metadata date: (date, None), (None, "no-year"), (None, "unparsed") or missing.

    Month-first for slashed dates ("11/9/16" is 9 November 2016), as in US sources.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, "missing"
    if isinstance(value, datetime):
        return value.date(), None
    if isinstance(value, date):
        return value, None
    text = str(value).strip()
    try:
        return date.fromisoformat(text), None
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date(), None
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text).date(), None
    except (TypeError, ValueError, IndexError):
        pass
    from dateutil import parser as date_parser

    # Parse with two different defaults: a part that changes was not in the text, and a
    # year taken from a default would be invented.
    try:
        first, second = (date_parser.parse(text, default=d) for d in _NO_YEAR_DEFAULTS)
    except (ValueError, OverflowError):
        return None, "unparsed"
    if first.year != second.year:
        return None, "no-year"
    if first.month != second.month or first.day != second.day:
        return None, "unparsed"  # a month or a year alone is not a publication date
    return first.date(), None


# --- YAML -------------------------------------------------------------------------------------

# How much aliases may add to a YAML document, in nodes plus scalar characters. Metadata needs
# few aliases (a `<<: *defaults` merge or two); a "billion laughs" document of 600 bytes
# expands to gigabytes once its values are turned into strings.
MAX_YAML_ALIAS_EXPANSION = 100_000


class _AliasBomb(yaml.YAMLError):
    """Aliases expanding a YAML document too far, or looping."""


class _BoundedYamlLoader(yaml.SafeLoader):
    """yaml.SafeLoader refusing documents whose aliases expand beyond a small size."""

    def compose_document(self):
        node = super().compose_document()
        _check_alias_expansion(node)
        return node


def _check_alias_expansion(root: yaml.Node) -> None:
    """Raise _AliasBomb when aliases make `root` grow by MAX_YAML_ALIAS_EXPANSION or loop.

    A node reached through several aliases counts each time in the expanded size and once in
    the written size; their difference is what the aliases add.
    """
    expanded: dict[int, int] = {}
    written = 0
    active: set[int] = set()

    def size(node: yaml.Node) -> int:
        nonlocal written
        key = id(node)
        if key in expanded:
            return expanded[key]
        if key in active:
            raise _AliasBomb("a YAML alias refers to the node holding it (a loop)")
        active.add(key)
        if isinstance(node, yaml.SequenceNode):
            children = node.value
        elif isinstance(node, yaml.MappingNode):
            children = [child for pair in node.value for child in pair]
        else:
            children = []
        total = 1 + (len(node.value) if isinstance(node, yaml.ScalarNode) else 0)
        written += total
        for child in children:
            total += size(child)
            if total - written > MAX_YAML_ALIAS_EXPANSION:
                raise _AliasBomb(
                    f"YAML aliases expand the document beyond {MAX_YAML_ALIAS_EXPANSION:,} "
                    "nodes and characters (an alias bomb?)"
                )
        active.discard(key)
        expanded[key] = total
        return total

    if root is not None:
        size(root)


def load_yaml(text: str) -> Any:
    """YAML as Python data, safely: no tags that build objects, no alias bombs.

    Raises ValueError with the reason (invalid YAML, aliases expanding too far, nesting too
    deep for the parser).
    """
    try:
        return yaml.load(text, Loader=_BoundedYamlLoader)  # a SafeLoader: no object tags
    except yaml.YAMLError as exc:
        raise ValueError(f"invalid YAML: {exc}") from exc
    except RecursionError:
        raise ValueError("invalid YAML: nested too deeply") from None


# --- plain text and markdown ------------------------------------------------------------------

_MONTHS = {**lexicon.months(), **lexicon.month_abbreviations()}
_MONTH = "(?i:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
# "Damascus, November 9 (RHC)--", "BEIRUT, Sept. 8, 2016 (Reuters) -", "Aleppo, 9 Nov (AFP) —"
_DATELINE = re.compile(
    r"(?P<place>[A-Z][\w'’.-]*(?: [\w'’.-]+){0,3}(?:, [A-Z][\w'’.-]*(?: [\w'’.-]+){0,2})??)"
    rf"(?:,\s*(?:(?P<month>{_MONTH})\s+(?P<day>\d{{1,2}})|(?P<day2>\d{{1,2}})\s+(?P<month2>{_MONTH}))"
    r"(?:,?\s+(?P<year>\d{4}))?)?"
    r"\s*(?:\((?P<agency>[A-Za-z][\w .&-]{0,30})\))?"
    r"\s*(?:--?|–|—)"
)

# Whole lines left by scrapers around pictures and embeds.
_BOILERPLATE_LINES = (
    re.compile(r"Image \| .*"),
    re.compile(r"Caption: .*"),
    re.compile(r"Media (?:Video|Audio) \| .*"),
    re.compile(r"Advertisement"),
)
# The embed notice; text glued onto its end is kept.
_EMBED_NOTICE = re.compile(
    r"Open Full Embed in New Tab(?: \(external link\))?"
    r"(?:Loading external pages may require significantly more data usage\.)?\s*"
)
_RULE = re.compile(r"\s*([-*_])(?:\s*\1){2,}\s*")
_BARE_URL = re.compile(r"<?(https?://\S+?)>?")
_HEADING = re.compile(r"#{1,6}\s+(.*?)(?:\s+#+)?")
_BOLD_LINE = re.compile(r"(\*\*|__)([^*_]+)\1")
_FRONT_MATTER = re.compile(r"\A\s*---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", re.DOTALL)

_FIELD_ALIASES = {
    "title": "title",
    "headline": "title",
    "source": "source",
    "publisher": "source",
    "url": "url",
    "link": "url",
    "published": "published",
    "date": "published",
    "publication_date": "published",
    "id": "id",
    "article_id": "id",
    "home": "home",
}


def _metadata_fields(metadata: dict | None) -> dict[str, Any]:
    """Known fields of a metadata mapping, keys normalised ("publisher" -> "source")."""
    fields: dict[str, Any] = {}
    for key, value in (metadata or {}).items():
        name = _FIELD_ALIASES.get(str(key).strip().lower())
        if name and value not in (None, "") and name not in fields:
            fields[name] = value
    return fields


def strip_markdown(line: str) -> str:
    """A line without heading marks and whole-line emphasis: "# *Title*" -> "Title"."""
    line = line.strip()
    heading = _HEADING.fullmatch(line)
    if heading:
        line = heading.group(1)
    # Indices, not slices: a line of 100,000 asterisks would be copied 50,000 times.
    start, end = 0, len(line)
    while end - start > 2 and line[start] in "*_`" and line[end - 1] == line[start]:
        start, end = start + 1, end - 1
        while start < end and line[start].isspace():
            start += 1
        while end > start and line[end - 1].isspace():
            end -= 1
    return line[start:end]


def _split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    try:
        data = yaml.load(match.group(1), Loader=_BoundedYamlLoader)  # a SafeLoader
    except yaml.YAMLError as exc:
        if isinstance(exc, _AliasBomb):
            raise ValueError(f"front matter refused: {exc}") from None
        return {}, text  # a rule and a paragraph, not front matter: keep it as text
    except RecursionError:
        raise ValueError("front matter refused: YAML nested too deeply") from None
    fields = _metadata_fields(data) if isinstance(data, dict) else {}
    if not fields:
        return {}, text
    return fields, text[match.end() :]


def _same_words(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def _looks_like_title(line: str) -> bool:
    return len(line) <= 150 and not line.endswith((".", ",", ";", ":"))


def _clean_lines(body: str) -> tuple[list[str], str | None, str | None]:
    """Body lines without boilerplate, rules and bare URL lines; the URL and a banner found."""
    lines = [line.rstrip() for line in body.split("\n")]
    url = None
    kept: list[str] = []
    for line in lines:
        stripped = line.strip()
        if any(p.fullmatch(stripped) for p in _BOILERPLATE_LINES) or _RULE.fullmatch(stripped):
            continue
        bare = _BARE_URL.fullmatch(stripped)
        if bare:
            url = url or http_url(bare.group(1))
            continue
        notice = _EMBED_NOTICE.match(stripped)
        if notice:
            stripped = stripped[notice.end() :]
            if not stripped:
                continue
            line = stripped
        kept.append(line)

    # The publisher's banner ("**Radio Habana Cuba**"): a short bold line closing the text, or
    # opening it when it names a known publisher (a short bold first line may be the title).
    banner = None
    content = [i for i, line in enumerate(kept) if line.strip()]
    known = {*KNOWN_DOMAINS.values(), *KNOWN_AGENCIES.values()}
    for i, last in ((content[-1], True), (content[0], False)) if content else ():
        bold = _BOLD_LINE.fullmatch(kept[i].strip())
        name = bold.group(2).strip() if bold else ""
        if name and ((last and len(name.split()) <= 5) or name in known):
            banner = banner or name
            kept[i] = ""
    return kept, url, banner


def _join_paragraphs(lines: list[str]) -> str:
    """Lines joined with no leading/trailing blank lines and no runs of blank lines."""
    out: list[str] = []
    for line in lines:
        if line.strip() or (out and out[-1]):
            out.append(line if line.strip() else "")
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


def _dateline(text: str) -> tuple[str | None, date | None, str | None]:
    """(agency name, date, flag) from a dateline opening the text, if there is one."""
    match = _DATELINE.match(text[:200])
    if not match or not (match.group("month") or match.group("month2") or match.group("agency")):
        return None, None, None
    agency = match.group("agency")
    name = KNOWN_AGENCIES.get(agency.strip().upper()) if agency else None
    month = match.group("month") or match.group("month2")
    if not month:
        return name, None, None
    if not match.group("year"):
        return name, None, "no-year"
    try:
        found = date(
            int(match.group("year")),
            _MONTHS[month.rstrip(".").lower()],
            int(match.group("day") or match.group("day2")),
        )
    except ValueError:
        return name, None, None
    return name, found, "from-dateline"


def _finish(
    article_id: str,
    text: str,
    fields: dict[str, Any],
    origin: str,
    *,
    found_url: str | None = None,
    banner: str | None = None,
) -> Article:
    """Build the Article: metadata first, then what the text says (dateline, banner, URL)."""
    title = fields.get("title")
    title = " ".join(str(title).split()) if title not in (None, "") else None
    url = http_url(fields.get("url")) or found_url
    agency, dateline_date, dateline_flag = _dateline(text)
    source = fields.get("source")
    source = str(source).strip() if source not in (None, "") else None
    source = source or agency or banner or publisher_from_url(url)

    home = fields.get("home")
    # the publisher's home place: a short name or a GeoNames id, anything else is no home
    home = " ".join(str(home).split())[:MAX_HOME_CHARS] if home not in (None, "") else None

    published, flag = parse_date(fields.get("published"))
    if published is None:
        if dateline_date is not None:
            published, flag = dateline_date, dateline_flag
        elif dateline_flag == "no-year":
            flag = "no-year"
    return Article(
        article_id=article_id,
        text=text,
        title=title or None,
        source=source or None,
        url=url,
        published=published,
        published_flag=flag,
        origin=origin,
        content_hash=content_hash(text, title),
        home=home or None,
    )


def _parse_text(text: str, origin: str, metadata: dict | None, default_id: str) -> Article:
    """The .txt/.md reading: front matter, cleaning, title, then metadata resolution."""
    front, body = _split_front_matter(normalise_text(text))
    fields = {**front, **_metadata_fields(metadata)}  # given metadata beats front matter
    lines, found_url, banner = _clean_lines(body)

    content = [i for i, line in enumerate(lines) if line.strip()]
    if content:
        first = lines[content[0]].strip()
        plain = strip_markdown(first)
        is_heading = bool(_HEADING.fullmatch(first))
        # An opening heading is the title even when metadata names another: never text.
        if fields.get("title"):
            if is_heading or _same_words(plain, str(fields["title"])):
                lines[content[0]] = ""
        elif is_heading or (len(content) > 1 and _looks_like_title(plain)):
            fields["title"] = plain
            lines[content[0]] = ""
    # Remaining headings and emphasised lines lose their markup; other lines stay as written.
    lines = [
        strip_markdown(line) if line.lstrip().startswith(("#", "*", "_")) else line
        for line in lines
    ]
    body = _join_paragraphs(lines)
    if not body.strip():
        raise ValueError("no article text found")
    article_id = str(fields.get("id") or default_id)
    return _finish(article_id, body, fields, origin, found_url=found_url, banner=banner)


def read_text_article(text: str, origin: str, metadata: dict | None = None) -> Article:
    """One article from plain or markdown text (a file's content or pasted text).

    `metadata` (title, source, url, published, id) overrides what the text says. The id is
    metadata's, else front matter's, else the file stem of `origin` when it names a text file,
    else "text-" and the start of the content hash. Raises ValueError when there is no text.
    """
    stem = Path(origin).stem if Path(origin).suffix.lower() in TEXT_EXTENSIONS else ""
    default_id = stem or "text-" + content_hash(normalise_text(text))[:12]
    return _parse_text(text, origin, metadata, default_id)


# --- HTML -------------------------------------------------------------------------------------


# How trafilatura extracts an article from a page, for files and fetched pages alike: the
# main text and metadata, without comments or tables, and only the dates the page states as
# its own, not ones guessed from the text.
EXTRACTION_OPTIONS = {
    "with_metadata": True,
    "include_comments": False,
    "include_tables": False,
    "date_extraction_params": {"extensive_search": False, "original_date": True},
}


def _read_html(raw: bytes, origin: str, metadata: dict | None, stem: str) -> Article | ReadError:
    import trafilatura  # slow to import; only HTML needs it

    try:
        doc = trafilatura.bare_extraction(raw, **EXTRACTION_OPTIONS)
    except Exception as exc:  # trafilatura and lxml raise many kinds on broken markup
        return ReadError(origin, f"could not parse HTML: {exc}")
    text = normalise_text(getattr(doc, "text", None) or "").strip() if doc else ""
    if not text:
        return ReadError(origin, "no article text found")
    fields = {
        key: value
        for key, value in (
            ("title", doc.title),
            ("source", doc.sitename),
            ("url", http_url(doc.url)),
            ("published", doc.date),
        )
        if value
    }
    fields.update(_metadata_fields(metadata))
    lines = text.split("\n")
    if fields.get("title") and _same_words(lines[0], str(fields["title"])):
        text = "\n".join(lines[1:]).strip()
    if not text:
        return ReadError(origin, "no article text found")
    return _finish(str(fields.get("id") or stem), text, fields, origin)


# --- collections ------------------------------------------------------------------------------


def _pick_columns(columns: list[str], mapping: ColumnMap) -> dict[str, str] | str:
    """Field -> column name, or an error message naming the columns the file has."""
    by_lower = {}
    for name in columns:
        by_lower.setdefault(name.strip().lower(), name)
    defaults = {
        "id": _ID_COLUMNS,
        "title": _TITLE_COLUMNS,
        "text": _TEXT_COLUMNS,
        "source": _SOURCE_COLUMNS,
        "url": _URL_COLUMNS,
        "published": _PUBLISHED_COLUMNS,
    }
    have = ", ".join(columns) or "none"
    chosen: dict[str, str] = {}
    for field, candidates in defaults.items():
        wanted = getattr(mapping, field)
        if wanted is not None:
            if wanted.strip().lower() not in by_lower:
                return f"no column {wanted!r} (the {field} column); columns are: {have}"
            chosen[field] = by_lower[wanted.strip().lower()]
            continue
        for candidate in candidates:
            if candidate in by_lower:
                chosen[field] = by_lower[candidate]
                break
    if "text" not in chosen:
        return f"no text column found (tried {', '.join(_TEXT_COLUMNS)}); columns are: {have}"
    return chosen


def _row_article(
    row: dict[str, Any],
    chosen: dict[str, str],
    defaults: dict[str, Any],
    origin: str,
    default_id: str,
) -> Article | ReadError:
    text = row.get(chosen["text"])
    if text is not None and not isinstance(text, str):
        return ReadError(origin, f"the text field {chosen['text']!r} is not a string")
    text = normalise_text(text or "").strip()
    if not text:
        return ReadError(origin, f"empty text in column {chosen['text']!r}")
    fields = dict(defaults)  # the manifest's source/published for the whole collection
    for field, column in chosen.items():
        value = row.get(column)
        if field != "text" and value not in (None, "") and not isinstance(value, dict | list):
            fields[field] = value if field == "published" else normalise_text(str(value)).strip()
    article_id = str(fields.get("id") or default_id)
    return _finish(article_id, text, fields, origin)


def _csv_rows(text: str) -> Iterator[list[str] | csv.Error]:
    header_line = text.split("\n", 1)[0]
    delimiter = ","
    if "," not in header_line:
        delimiter = next((d for d in ";\t|" if d in header_line), ",")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    while True:
        line = reader.line_num
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield exc
            if reader.line_num == line:  # no progress: stop instead of looping
                return


def _read_csv(
    text: str, origin: str, columns: ColumnMap, defaults: dict, stem: str
) -> Iterator[Article | ReadError]:
    # Articles are longer than the csv module's 128 KiB default field limit.
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    rows = _csv_rows(text)
    header = next(rows, None)
    if header is None:
        yield ReadError(origin, "empty file")
        return
    if isinstance(header, csv.Error):
        yield ReadError(origin, f"unreadable CSV header: {header}")
        return
    header = [name.strip() for name in header]
    chosen = _pick_columns(header, columns)
    if isinstance(chosen, str):
        yield ReadError(origin, chosen)
        return
    number = 0
    for row in rows:
        if row == []:
            continue  # a blank line is not a record
        number += 1
        row_origin = f"{origin}#row {number}"
        if isinstance(row, csv.Error):
            if "unexpected end of data" in str(row):
                reason = "truncated row: the file ends inside a quoted field"
            else:
                reason = f"malformed CSV: {row}"
            yield ReadError(row_origin, reason)
        elif len(row) > len(header):
            yield ReadError(row_origin, f"{len(row)} fields but the header has {len(header)}")
        elif len(row) < len(header):
            # A row cut short (a file truncated in transfer) would store its article cut off
            # or without the fields it lost: refused, named.
            yield ReadError(row_origin, f"truncated row ({len(row)} of {len(header)} columns)")
        else:
            record = dict(zip(header, row, strict=True))
            yield _row_article(record, chosen, defaults, row_origin, f"{stem}-{number}")
    if number == 0:
        yield ReadError(origin, "no rows (only a header)")


def _read_jsonl(
    text: str, origin: str, columns: ColumnMap, defaults: dict, stem: str
) -> Iterator[Article | ReadError]:
    chosen: dict[str, str] | None = None
    seen_any = False
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        seen_any = True
        row_origin = f"{origin}:line {number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield ReadError(row_origin, f"invalid JSON: {exc.msg} (column {exc.colno})")
            continue
        except RecursionError:
            yield ReadError(row_origin, "invalid JSON: arrays or objects nested too deeply")
            continue
        except ValueError as exc:  # e.g. an integer of more digits than Python converts
            yield ReadError(row_origin, f"invalid JSON: {str(exc).split(';')[0]}")
            continue
        if not isinstance(record, dict):
            yield ReadError(row_origin, f"expected a JSON object, got {type(record).__name__}")
            continue
        if chosen is None:  # the first object decides the columns, as a CSV header does
            picked = _pick_columns(list(record), columns)
            if isinstance(picked, str):
                yield ReadError(origin, picked)
                return
            chosen = picked
        yield _row_article(record, chosen, defaults, row_origin, f"{stem}-{number}")
    if not seen_any:
        yield ReadError(origin, "empty file")


# --- manifests --------------------------------------------------------------------------------


def read_manifest(path: Path) -> dict[str, dict[str, Any]]:
    """File name -> metadata fields from a manifest.yaml/.yml/.csv; raises ValueError if bad."""
    try:
        raw = _read_regular(path, MAX_MANIFEST_BYTES)
    except _Refused as exc:
        raise ValueError(str(exc)) from None
    text = decode_bytes(raw)
    entries: dict[str, dict[str, Any]] = {}
    if path.suffix.lower() == ".csv":
        rows = list(csv.DictReader(io.StringIO(normalise_text(text), newline="")))
        for number, row in enumerate(rows, start=1):
            name = row.get("file") or row.get("filename") or row.get("name")
            if not name:
                raise ValueError(f"row {number} has no 'file' value")
            entries[name.strip()] = {k: v for k, v in row.items() if k and v}
        return entries
    data = load_yaml(text)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ValueError("expected a mapping of file names to fields")
    for name, fields in data.items():
        if not isinstance(fields, dict):
            raise ValueError(f"the entry for {name!r} is not a mapping of fields")
        entries[str(name)] = fields
    return entries


class _Manifests:
    """Manifests by folder, read once per `read_paths` call; errors reported once."""

    def __init__(self) -> None:
        self._by_folder: dict[Path, dict[str, dict[str, Any]]] = {}

    def lookup(self, path: Path) -> tuple[dict[str, Any] | None, list[ReadError]]:
        folder = path.parent
        errors: list[ReadError] = []
        if folder not in self._by_folder:
            merged: dict[str, dict[str, Any]] = {}
            for name in MANIFEST_NAMES:
                manifest = folder / name
                if not os.path.lexists(manifest):
                    continue
                try:
                    if manifest.is_symlink() and _outside(
                        os.path.realpath(manifest), os.path.realpath(folder)
                    ):
                        raise ValueError("a symbolic link to outside its folder: not followed")
                    merged.update(read_manifest(manifest))
                except ValueError as exc:
                    errors.append(ReadError(printable_name(manifest), f"bad manifest: {exc}"))
            self._by_folder[folder] = merged
        return self._by_folder[folder].get(path.name), errors


# --- files and folders ------------------------------------------------------------------------

# Largest file read: one article (text or a web page with its scripts), a collection of them,
# a manifest. Anything larger is refused by name instead of filling the memory.
MAX_ARTICLE_FILE_BYTES = 16 * 1024 * 1024
MAX_COLLECTION_FILE_BYTES = 512 * 1024 * 1024
MAX_MANIFEST_BYTES = 4 * 1024 * 1024

# Characters a file name may hold that would change how a terminal, log or page shows the
# line it is printed in: controls (newline, escape), line separators, bidirectional overrides.
_UNPRINTABLE_NAME_CHARS = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)


def printable_name(name: str | os.PathLike) -> str:
    """A file name as printable, storable text.

    Bytes that are not UTF-8 (on Linux a name is bytes; Python carries them as lone
    surrogates) become ``\\xff``; controls and direction marks become ``\\n``, ``\\u202e``.
    """
    try:
        raw = os.fsencode(name)
    except UnicodeEncodeError:  # a lone surrogate that no file name decoded to
        raw = os.fspath(name).encode("utf-8", errors="backslashreplace")
    text = raw.decode("utf-8", errors="backslashreplace")
    return _UNPRINTABLE_NAME_CHARS.sub(
        lambda m: m[0].encode("unicode_escape").decode("ascii"), text
    )


class _Refused(Exception):
    """A file that is not read, with the reason."""


_FILE_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def _size_text(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{size:,} bytes"


def _check_regular(mode: int, size: int, limit: int) -> None:
    if not stat.S_ISREG(mode):
        kind = next((name for test, name in _FILE_KINDS if test(mode)), "not a regular file")
        raise _Refused(f"not a regular file ({kind}): only regular files are read")
    if size > limit:
        raise _Refused(f"too large ({_size_text(size)}; at most {_size_text(limit)})")


def _read_regular(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; raises _Refused otherwise.

    Pipes and devices are refused before opening (a FIFO would block the read forever,
    /dev/zero never ends) and again on the open file, which may have been swapped since.
    """
    try:
        info = path.stat()
        _check_regular(info.st_mode, info.st_size, limit)
        # Non-blocking: opening a FIFO swapped in after the check must not wait for a writer.
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
        fd = os.open(path, flags | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise _Refused(f"cannot read file: {exc.strerror or exc}") from None
    with os.fdopen(fd, "rb") as file:
        info = os.fstat(file.fileno())
        _check_regular(info.st_mode, info.st_size, limit)
        try:
            raw = file.read(limit + 1)
        except OSError as exc:
            raise _Refused(f"cannot read file: {exc.strerror or exc}") from None
    if len(raw) > limit:  # it grew while being read
        raise _Refused(f"too large (over {_size_text(limit)})")
    return raw


def _file_limit(path: Path) -> int:
    if path.suffix.lower() in CSV_EXTENSIONS | JSONL_EXTENSIONS:
        return MAX_COLLECTION_FILE_BYTES
    return MAX_ARTICLE_FILE_BYTES


def _outside(path: str, root: str) -> bool:
    """Whether `path` (resolved) lies outside the folder `root` (resolved)."""
    try:
        return os.path.commonpath([path, root]) != root
    except ValueError:  # on another drive
        return True


def _walk(folder: Path, root: str | None = None) -> Iterator[Path | ReadError]:
    """Supported files under `folder`, depth first in name order, hidden ones skipped.

    `root` is the folder given by the user, resolved: a symbolic link leading out of it is
    reported and not followed, and linked folders are not entered (they can loop).
    """
    root = root or os.path.realpath(folder)
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError as exc:
        yield ReadError(printable_name(folder), f"cannot list folder: {exc.strerror or exc}")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=False):
            yield from _walk(Path(entry.path), root)
            continue
        if (
            Path(entry.name).suffix.lower() not in SUPPORTED_EXTENSIONS
            or entry.name.lower() in MANIFEST_NAMES
        ):
            continue
        if entry.is_symlink() and _outside(os.path.realpath(entry.path), root):
            yield ReadError(
                printable_name(entry.path),
                "a symbolic link to outside the folder given: not followed",
            )
            continue
        yield Path(entry.path)


def _files(paths: Iterable[str | Path]) -> Iterator[Path | ReadError]:
    if isinstance(paths, str | Path):
        paths = [paths]
    for given in paths:
        path = Path(given)
        name = printable_name(path)
        if path.is_dir():
            yield from _walk(path)
        elif not path.exists():
            yield ReadError(name, "no such file or directory")
        elif path.name.lower() in MANIFEST_NAMES:
            continue  # metadata, read with the files it describes
        elif path.suffix.lower() not in SUPPORTED_EXTENSIONS:
            supported = ", ".join(sorted(SUPPORTED_EXTENSIONS))
            suffix = printable_name(path.suffix)
            kind = f"'{suffix}'" if suffix else "without an extension"
            yield ReadError(name, f"unsupported file type {kind} (supported: {supported})")
        else:
            yield path


def read_file(
    path: Path, columns: ColumnMap | None = None, metadata: dict | None = None
) -> Iterator[Article | ReadError]:
    """Articles of one file (one, or one per row); problems as ReadError, never raised.

    Only regular files up to a size limit are read; the file is named with
    `printable_name` in the articles' `origin` and in errors, and its stem (the default id)
    likewise.
    """
    path = Path(path)
    origin = printable_name(path)
    stem = printable_name(path.stem)
    columns = columns or ColumnMap()
    try:
        raw = _read_regular(path, _file_limit(path))
    except _Refused as exc:
        yield ReadError(origin, str(exc))
        return
    if not raw.strip():
        yield ReadError(origin, "empty file")
        return
    if _looks_binary(raw):
        yield ReadError(origin, "not a text file (binary content)")
        return
    suffix = path.suffix.lower()
    if suffix in HTML_EXTENSIONS:
        yield _read_html(raw, origin, metadata, stem)
        return
    text = decode_bytes(raw)
    if suffix in TEXT_EXTENSIONS:
        try:
            yield _parse_text(text, origin, metadata, stem)
        except ValueError as exc:
            yield ReadError(origin, str(exc))
        return
    collection_fields = ("source", "published", "home")
    defaults = {k: v for k, v in _metadata_fields(metadata).items() if k in collection_fields}
    reader = _read_csv if suffix in CSV_EXTENSIONS else _read_jsonl
    yield from reader(normalise_text(text), origin, columns, defaults, stem)


def read_paths(
    paths: Iterable[str | Path], columns: ColumnMap | None = None
) -> Iterator[Article | ReadError]:
    """Read files and folders (recursively, in name order) into Articles and ReadErrors."""
    manifests = _Manifests()
    for item in _files(paths):
        if isinstance(item, ReadError):
            yield item
            continue
        metadata, errors = manifests.lookup(item)
        yield from errors
        yield from read_file(item, columns, metadata)


def count_articles(paths: Iterable[str | Path]) -> int:
    """About how many records `read_paths` will yield: a total for a progress bar."""
    total = 0
    for item in _files(paths):
        if isinstance(item, ReadError) or item.suffix.lower() not in (
            CSV_EXTENSIONS | JSONL_EXTENSIONS
        ):
            total += 1
            continue
        try:
            raw = _read_regular(item, _file_limit(item))
        except _Refused:
            total += 1
            continue
        if item.suffix.lower() in JSONL_EXTENSIONS:
            total += sum(1 for line in raw.splitlines() if line.strip())
        else:
            rows = sum(1 for row in _csv_rows(normalise_text(decode_bytes(raw))) if row != [])
            total += max(rows - 1, 1)
    return total
