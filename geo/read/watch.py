"""Polling feeds: the logic behind ``geo watch SOURCES.toml [--once]``.

The sources file has one ``[[source]]`` table per feed::

    [[source]]
    url = "https://news.example.org/world/rss.xml"
    name = "Example News"     # optional: the publisher of its articles
    interval = 15             # optional: minutes between polls (default 15), or "90s", "2h"
    language = "en"           # optional: for pages that declare none

Wiring (the CLI and the store plug in here)::

    sources = load_sources(path)                      # SourcesError naming file and entry
    fetcher = Fetcher(FetchSettings.from_settings(load_settings()))
    results = poll_once(sources, state, fetcher, ingest, seen=seen, force=True)  # --once
    watch(sources, state, fetcher, ingest, seen=seen, stop=threading.Event())    # until stopped
    watch(lambda: merge_sources(sources, stored()), state, ...)   # re-read before each round

- The dashboard's form checks a source with `check_source` (the rules of the file), and
  stores it; `geo watch` merges the stored sources with its file's (`merge_sources`).

- `state` is a `StateStore` (get(url) / put(SourceState)); `MemoryStateStore` keeps it in
  memory, the SQL store provides the persistent one. A source's state holds its ETag and
  Last-Modified (for conditional requests), last success, last error and next poll.
- `ingest` takes a list of `Article` (the pipeline); it is called once per source polled,
  with the articles read before anything failed, so nothing fetched is lost.
- `seen`: see `geo.read.urls` (a set, or a store-backed ``seen(key) -> bool``). After
  `ingest` returns, the articles are added to a set `seen`.
- When some entries failed (the server broke down half-way), the feed's new ETag is not
  kept: the next poll reads the whole feed again and fetches just the entries not stored.
- Each poll logs one line per source on the "geo.watch" logger, and returns them in
  `PollResult.line`: "<name>: 3 new, 5 unchanged", "<name>: unchanged (304)",
  "<name>: failed: <reason>".
"""

from __future__ import annotations

import logging
import os
import re
import threading
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from geo.models import Article, ReadError
from geo.read.articles import http_url
from geo.read.fetch import Fetcher, FetchError
from geo.read.urls import ReadStats, Seen, read_response, remember

logger = logging.getLogger("geo.watch")

DEFAULT_INTERVAL = 15 * 60.0  # seconds
MIN_INTERVAL = 60.0  # a feed polled more than once a minute burdens its site for nothing
# How often a watcher re-reads a changing list of sources (the store's): a feed added in
# the dashboard is first polled within this time, without restarting the watcher.
RELOAD_INTERVAL = 60.0
SOURCE_KEYS = ("url", "name", "interval", "language")
_DURATION = re.compile(
    r"\s*(\d+(?:\.\d+)?)\s*(s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?)?\s*"
)
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600}
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")


class SourcesError(ValueError):
    """A sources file that cannot be used; `problems` lists each, naming file and entry."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Source:
    url: str
    name: str | None = None  # the publisher
    interval: float = DEFAULT_INTERVAL  # seconds
    language: str | None = None

    @property
    def label(self) -> str:
        return self.name or self.url


@dataclass
class SourceState:
    url: str
    etag: str | None = None
    last_modified: str | None = None
    last_success: datetime | None = None
    last_error: str | None = None
    next_poll: datetime | None = None  # None: due now


class StateStore(Protocol):
    def get(self, url: str) -> SourceState | None: ...

    def put(self, state: SourceState) -> None: ...


class MemoryStateStore:
    """Source states in a dict: for tests and single runs."""

    def __init__(self) -> None:
        self.states: dict[str, SourceState] = {}

    def get(self, url: str) -> SourceState | None:
        return self.states.get(url)

    def put(self, state: SourceState) -> None:
        self.states[state.url] = state


@dataclass(frozen=True)
class PollResult:
    source: Source
    status: str  # "new" (read, maybe nothing new), "unchanged" (304) or "failed"
    new: int = 0
    unchanged: int = 0
    failed: int = 0
    error: str | None = None
    errors: tuple[ReadError, ...] = ()
    line: str = ""


# --- the sources file -------------------------------------------------------------------------


def _interval(value: Any) -> float:
    """Seconds from minutes (a number) or a duration ("90s", "15m", "2h")."""
    if isinstance(value, bool):
        raise ValueError(f"interval must be minutes or a duration like '30m', got {value!r}")
    if isinstance(value, int | float):
        seconds = float(value) * 60
    elif isinstance(value, str) and (match := _DURATION.fullmatch(value.lower())):
        unit = (match.group(2) or "m")[0]
        seconds = float(match.group(1)) * _UNIT_SECONDS[unit]
    else:
        raise ValueError(f"interval must be minutes or a duration like '30m', got {value!r}")
    if seconds < MIN_INTERVAL:
        raise ValueError(f"interval must be at least a minute, got {value!r}")
    return seconds


def parse_sources(text: str, origin: str) -> list[Source]:
    """Sources from the TOML `text` of the file `origin`; SourcesError lists every problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SourcesError([f"{origin}: not valid TOML: {exc}"]) from exc
    problems = [
        f"{origin}: unknown key {key!r} (expected [[source]] tables)"
        for key in data
        if key != "source"
    ]
    tables = data.get("source", [])
    if not isinstance(tables, list):
        raise SourcesError([f"{origin}: 'source' must be [[source]] tables"])
    if not tables and not problems:
        problems.append(f"{origin}: no [[source]] tables")
    sources: list[Source] = []
    urls: dict[str, int] = {}
    for number, table in enumerate(tables, start=1):
        where = f"{origin}: [[source]] #{number}"
        if not isinstance(table, dict):
            problems.append(f"{where}: not a table")
            continue
        if isinstance(table.get("url"), str):
            where += f" ({table['url']})"
        source, found = check_source(table, where)
        problems += found
        if source is None:
            continue
        if source.url in urls:
            problems.append(f"{where}: the same url as [[source]] #{urls[source.url]}")
            continue
        urls[source.url] = number
        sources.append(source)
    if problems:
        raise SourcesError(problems)
    return sources


def check_source(table: dict[str, Any], where: str) -> tuple[Source | None, list[str]]:
    """The rules of one source (a [[source]] table, or the dashboard's form): the Source
    (None when a value is bad) and every problem found, each starting with `where`; a
    source with any problem is refused. Values as TOML gives them (`interval`: minutes as
    a number, or a duration string like "90s", "15m", "2h")."""
    problems = []
    unknown = sorted(set(table) - set(SOURCE_KEYS))
    if unknown:
        problems.append(
            f"{where}: unknown key {', '.join(map(repr, unknown))}"
            f" (known: {', '.join(SOURCE_KEYS)})"
        )
    if "url" not in table:
        return None, [*problems, f"{where}: no url"]
    url = http_url(table.get("url"))
    if url is None or url != str(table["url"]).strip():
        return None, [*problems, f"{where}: url must be an http(s) URL"]
    name = table.get("name")
    if name is not None and (not isinstance(name, str) or not name.strip()):
        return None, [*problems, f"{where}: name must be a non-empty string"]
    try:
        interval = _interval(table["interval"]) if "interval" in table else DEFAULT_INTERVAL
    except ValueError as exc:
        return None, [*problems, f"{where}: {exc}"]
    language = table.get("language")
    if language is not None and (
        not isinstance(language, str) or not _LANGUAGE.fullmatch(language.strip())
    ):
        return None, [
            *problems,
            f"{where}: language must be a language code like 'en', got {language!r}",
        ]
    source = Source(
        url=url,
        name=" ".join(name.split()) if name else None,
        interval=interval,
        language=language.strip().lower() if language else None,
    )
    return source, problems


def merge_sources(listed: Iterable[Source], stored: Iterable[Source]) -> list[Source]:
    """The sources of a file, then the stored ones (added in the dashboard) whose URL the
    file does not list: the file, written by whoever runs the watcher, wins."""
    merged = {source.url: source for source in listed}
    for source in stored:
        merged.setdefault(source.url, source)
    return list(merged.values())


def load_sources(path: str | os.PathLike[str]) -> list[Source]:
    """The sources of a sources file; SourcesError (naming the file and entry) when bad."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourcesError(
            [f"{path}: cannot read: {getattr(exc, 'strerror', None) or exc}"]
        ) from exc
    return parse_sources(text, str(path))


# --- polling ----------------------------------------------------------------------------------


def _utc_now() -> datetime:
    return datetime.now(UTC)


def poll_source(
    source: Source,
    state: StateStore,
    fetcher: Fetcher,
    ingest: Callable[[list[Article]], Any],
    *,
    seen: Seen = None,
    now: Callable[[], datetime] = _utc_now,
) -> PollResult:
    """Poll one source: fetch its feed (conditionally), read new entries, ingest them."""
    st = state.get(source.url) or SourceState(source.url)

    def finish(result: PollResult) -> PollResult:
        st.next_poll = now() + timedelta(seconds=source.interval)
        state.put(st)
        logger.info(result.line)
        return result

    try:
        response = fetcher.fetch(source.url, etag=st.etag, last_modified=st.last_modified)
    except FetchError as exc:
        st.last_error = exc.reason
        return finish(
            PollResult(source, "failed", error=exc.reason, line=f"{source.label}: failed: {exc}")
        )
    if response.unchanged:
        st.last_success, st.last_error = now(), None
        return finish(PollResult(source, "unchanged", line=f"{source.label}: unchanged (304)"))

    stats = ReadStats()
    articles: list[Article] = []
    errors: list[ReadError] = []
    crash: str | None = None
    try:
        for item in read_response(
            response,
            fetcher,
            seen=seen,
            publisher=source.name,
            language=source.language,
            stats=stats,
        ):
            (articles if isinstance(item, Article) else errors).append(item)
    except Exception as exc:  # a bug must not lose what was already read
        logger.exception("%s: reading stopped", source.label)
        crash = f"reading stopped: {type(exc).__name__}: {exc}"
    if articles:
        try:
            ingest(articles)
        except Exception as exc:
            logger.exception("%s: ingest failed", source.label)
            reason = f"ingest failed: {type(exc).__name__}: {exc}"
            st.last_error = reason
            return finish(
                PollResult(
                    source,
                    "failed",
                    unchanged=stats.seen,
                    failed=len(articles),
                    error=reason,
                    line=f"{source.label}: failed: {reason}",
                )
            )
        if isinstance(seen, set):
            remember(seen, articles)
    line = f"{source.label}: {stats.new} new, {stats.seen} unchanged"
    error = crash
    if errors:
        first = errors[0]
        error = error or f"{len(errors)} failed, first {first.origin}: {first.reason}"
        line += f", {len(errors)} failed (first: {first.origin}: {first.reason})"
    if crash:
        line += f", {crash}"
    if error:
        # The feed's validators are not kept: the next poll reads it whole again and
        # fetches the entries that failed (those stored are seen and skipped).
        st.last_error = error
    else:
        st.etag, st.last_modified = response.etag, response.last_modified
        st.last_success, st.last_error = now(), None
    return finish(
        PollResult(
            source,
            "new",
            new=stats.new,
            unchanged=stats.seen,
            failed=len(errors),
            error=error,
            errors=tuple(errors),
            line=line,
        )
    )


def is_due(source: Source, state: StateStore, when: datetime) -> bool:
    st = state.get(source.url)
    return st is None or st.next_poll is None or st.next_poll <= when


def poll_once(
    sources: Iterable[Source],
    state: StateStore,
    fetcher: Fetcher,
    ingest: Callable[[list[Article]], Any],
    *,
    seen: Seen = None,
    now: Callable[[], datetime] = _utc_now,
    force: bool = False,
) -> list[PollResult]:
    """Poll the sources that are due (all of them with `force`, as ``--once`` does)."""
    results = []
    for source in sources:
        if force or is_due(source, state, now()):
            results.append(poll_source(source, state, fetcher, ingest, seen=seen, now=now))
    return results


def watch(
    sources: list[Source] | Callable[[], list[Source]],
    state: StateStore,
    fetcher: Fetcher,
    ingest: Callable[[list[Article]], Any],
    *,
    seen: Seen = None,
    stop: threading.Event | None = None,
    once: bool = False,
    now: Callable[[], datetime] = _utc_now,
    sleep: Callable[[float], Any] | None = None,
) -> list[PollResult]:
    """Poll until `stop` is set (or Ctrl-C), sleeping until the next source is due.

    `sources`: a list, or a function giving the list, called before each round (the store's
    sources, added and removed in the dashboard while the watcher runs); then the watcher
    sleeps at most RELOAD_INTERVAL, so a source added is polled within it, and with no
    source yet it waits for one. `once`: poll each source once and return. Returns the
    results of every poll. Without a `seen`, one set is kept for the whole run so entries
    are fetched once.
    """
    listing = sources if callable(sources) else (lambda: sources)
    if not callable(sources) and not sources:
        return []
    seen = set() if seen is None else seen
    stop = stop or threading.Event()
    # Waiting on the stop event wakes up as soon as someone asks to stop.
    sleep = sleep or stop.wait
    results: list[PollResult] = []
    try:
        current: list[Source] = []
        while not stop.is_set():
            try:
                current = listing()
            except Exception:  # the database away for a moment: poll the last list known
                logger.exception("could not read the list of sources; polling the last one")
            results += poll_once(current, state, fetcher, ingest, seen=seen, now=now, force=once)
            if once:
                break
            upcoming = [
                st.next_poll
                for source in current
                if (st := state.get(source.url)) is not None and st.next_poll is not None
            ]
            wait = (min(upcoming) - now()).total_seconds() if upcoming else MIN_INTERVAL
            if callable(sources):
                wait = min(wait, RELOAD_INTERVAL)
            if wait > 0 and not stop.is_set():
                sleep(wait)
    except KeyboardInterrupt:
        logger.info("watch stopped")
    return results


__all__ = [
    "MemoryStateStore",
    "PollResult",
    "Source",
    "SourceState",
    "SourcesError",
    "StateStore",
    "check_source",
    "load_sources",
    "merge_sources",
    "parse_sources",
    "poll_once",
    "poll_source",
    "watch",
]
