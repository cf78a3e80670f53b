"""`python -m geo`: ingest, fetch, watch, parse, export, places, gazetteer.

The command lines and output formats here are relied on by users' scripts and by the
evaluation: change them only by adding.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import threading
from pathlib import Path

from geo.config import redact_location, resolve_db_path


def _add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        help="events database: a file (SQLite) or postgresql://USER:PASSWORD@HOST:PORT/NAME "
        "(default: $GEO_DB, else data/events.db in the project)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m geo", description="Turn news articles into a map of events."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ingest = commands.add_parser(
        "ingest",
        help="read articles (txt, md, html, csv, jsonl, folders) into the database",
        description="Read articles, find and geocode their places, extract events, store them.",
    )
    ingest.add_argument("paths", nargs="+", metavar="PATH")
    _add_db(ingest)
    for field in ("id", "title", "text", "source", "url", "published"):
        ingest.add_argument(
            f"--{field}-column", metavar="C", help=f"collection column holding the {field}"
        )
    ingest.add_argument("--quiet", action="store_true", help="no progress bar")
    cluster = ingest.add_mutually_exclusive_group()
    cluster.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="analyse on a local Dask cluster of N worker processes",
    )
    cluster.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="analyse on the Dask cluster whose scheduler is at ADDRESS (tcp://HOST:PORT)",
    )

    fetch = commands.add_parser(
        "fetch",
        help="fetch article pages and RSS/Atom feeds by URL into the database",
        description="Fetch each URL (an article page, or a feed whose entries are fetched as "
        "pages; told apart by their content), extract the text, and ingest the articles as "
        "`ingest` does. Feed entries stored before are not fetched again.",
    )
    fetch.add_argument("urls", nargs="+", metavar="URL")
    _add_db(fetch)
    fetch.add_argument("--quiet", action="store_true", help="no progress bar")

    watch = commands.add_parser(
        "watch",
        help="poll the feeds of a sources file and of the database until stopped (or once)",
        description="Poll each [[source]] of SOURCES.toml (url, name, interval, language) "
        "and each feed added in the dashboard (stored in the database; re-read before each "
        "round, so one added is polled within a minute) when it is due, and ingest its new "
        "entries; one line per source per poll on stderr; each source's state (last "
        "success, last error, next poll) kept in the database. Ctrl-C or SIGTERM stops it.",
    )
    watch.add_argument(
        "sources", nargs="?", metavar="SOURCES.toml", help="a sources file (optional)"
    )
    _add_db(watch)
    watch.add_argument(
        "--once", action="store_true", help="poll each source once, then exit (for cron)"
    )

    parse = commands.add_parser(
        "parse",
        help="geoparse JSONL documents ({id, text[, spans]}) to JSONL places",
        description="Read JSONL lines with id and text (and optionally spans to resolve), "
        "write one JSONL line of places per input line.",
    )
    parse.add_argument("file", nargs="?", default="-", help="input JSONL (default: stdin)")
    parse.add_argument("-o", "--output", default="-", help="output JSONL (default: stdout)")
    parse.add_argument(
        "--demonyms",
        action="store_true",
        default=None,
        help='also list demonyms and adjectival forms ("Syrian", "US-led"), kind "demonym" '
        "(default: geo.toml's [parse] demonyms, else off)",
    )

    export = commands.add_parser(
        "export", help="write the stored events as CSV, GeoJSON or an HTML map"
    )
    _add_db(export)
    export.add_argument(
        "--format",
        choices=("csv", "geojson", "html"),
        required=True,
        help="html: a standalone map page (Leaflet inlined; opens from disk)",
    )
    export.add_argument("-o", "--output", default="-", help="output file (default: stdout)")

    places = commands.add_parser(
        "places",
        help="correct the resolution of place names (overrides)",
        description="Overrides: a name (optionally within a country or an article) -> a "
        "place, or -> not a place. Each change is applied to the stored places at once.",
    )
    actions = places.add_subparsers(dest="action", required=True, metavar="ACTION")
    override = actions.add_parser("override", help="add an override, then reapply them")
    override.add_argument("name", help="the place name as written in articles")
    target = override.add_mutually_exclusive_group(required=True)
    target.add_argument("--geonameid", type=int, help="the gazetteer entry it means")
    target.add_argument("--lat", type=float, help="latitude of the place it means (with --lon)")
    target.add_argument("--not-a-place", action="store_true", help="the name is not a place")
    override.add_argument("--lon", type=float, help="longitude (with --lat)")
    override.add_argument(
        "--feature", default="city", help="feature level with --lat/--lon (default: city)"
    )
    override.add_argument("--country", help="only in articles about this country (ISO code)")
    override.add_argument("--article", help="only in this article (its id)")
    override.add_argument("--note", default="", help="why")
    _add_db(override)
    listing = actions.add_parser("overrides", help="list the overrides")
    _add_db(listing)
    remove = actions.add_parser("remove", help="remove an override, then reapply them")
    remove.add_argument("id", type=int)
    _add_db(remove)
    candidates = actions.add_parser("candidates", help="the gazetteer's entries for a name")
    candidates.add_argument("name")
    candidates.add_argument("--country", help="rank as in an article about this country")
    candidates.add_argument("--limit", type=int, default=10)

    synth = commands.add_parser(
        "synth",
        help="fill a database with synthetic events (for benchmarks)",
        description="Write N synthetic events (real gazetteer places of a few countries, "
        "several years, publishers, cited sources and event types, articles with text) "
        "into a database of either backend, in large batches; prints the rate.",
    )
    synth.add_argument("--events", type=int, required=True, metavar="N")
    _add_db(synth)
    synth.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    synth.add_argument("--quiet", action="store_true", help="no progress line")

    gazetteer = commands.add_parser("gazetteer", help="build or describe the offline gazetteer")
    gazetteer.add_argument("action", choices=("build", "info", "add"))
    gazetteer.add_argument(
        "file",
        nargs="?",
        help="with add: a GeoNames dump (allCountries.txt, SY.txt, cities1000.txt), "
        "alternateNamesV2.txt, or a CSV of your places (name, alternate_names, lat, lon, "
        "country, feature); kept in the data folder and merged again on every build",
    )
    gazetteer.add_argument("--source", help="with add: the source recorded for its places")
    gazetteer.add_argument("--path", help="index file (default: data/gazetteer-v*.sqlite)")
    return parser


class Terminated(BaseException):
    """SIGTERM arrived: stop like Ctrl-C does (not an Exception, so no handler of errors
    swallows it)."""


@contextlib.contextmanager
def _stopped_by_sigterm():
    """While inside, SIGTERM raises Terminated in the main thread (then cleanup runs)."""
    import signal

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        raise Terminated()

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _open_output(path: str):
    if path == "-":
        return sys.stdout
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return open(path, "w", encoding="utf-8", newline="")


def cmd_ingest(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from geo.ingest.pipeline import IngestSummary, ingest_paths
    from geo.read.articles import ColumnMap
    from geo.store import open_store

    missing = [p for p in args.paths if not Path(p).exists()]
    for path in missing:
        print(f"error: {path}: no such file or folder", file=sys.stderr)
    paths = [p for p in args.paths if Path(p).exists()]
    columns = ColumnMap(
        id=args.id_column,
        title=args.title_column,
        text=args.text_column,
        source=args.source_column,
        url=args.url_column,
        published=args.published_column,
    )
    db_path = resolve_db_path(args.db)
    shown = redact_location(db_path)
    bar = tqdm(total=0, unit="article", disable=args.quiet, file=sys.stderr, desc="ingest")

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)

    if args.workers is not None and args.workers < 1:
        print("error: --workers needs at least 1", file=sys.stderr)
        return 2
    summary = IngestSummary()
    try:
        with _stopped_by_sigterm(), open_store(db_path) as store, _analyzer(args) as analyzer:
            ingest_paths(
                paths, store, columns, progress=progress, summary=summary, analyzer=analyzer
            )
    except (KeyboardInterrupt, Terminated) as stop:
        bar.close()
        # Each batch is one transaction: what was committed stays, the batch under way is
        # rolled back, and the worker processes have been stopped.
        print(
            f"interrupted: {summary.stored} articles stored, the rest not (database: {shown})",
            file=sys.stderr,
        )
        return 143 if isinstance(stop, Terminated) else 130
    bar.close()
    print(f"database: {shown}", file=sys.stderr)
    for line in summary.lines():
        print(line, file=sys.stderr)
    return 1 if missing or (not summary.read and summary.skipped) else 0


@contextlib.contextmanager
def _analyzer(args: argparse.Namespace):
    """Where `ingest` analyses: here (None), or on a Dask cluster (--workers, --scheduler)."""
    if args.workers is None and not args.scheduler:
        yield None
        return
    from geo.ingest.distributed import DaskAnalyzer, dask_client

    with dask_client(workers=args.workers, scheduler=args.scheduler) as client:
        yield DaskAnalyzer(client)


def _fetcher():
    """A Fetcher with the [fetch] settings of geo.toml (geo.ingest.fetching.default_fetcher)."""
    from geo.ingest.fetching import default_fetcher

    return default_fetcher()


def cmd_fetch(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from geo.ingest.fetching import failed_urls, fetch_and_ingest
    from geo.ingest.pipeline import IngestSummary
    from geo.read.urls import ReadStats
    from geo.store import open_store

    fetcher = _fetcher()
    db_path = resolve_db_path(args.db)
    summary, stats = IngestSummary(), ReadStats()
    bar = tqdm(total=None, unit="page", disable=args.quiet, file=sys.stderr, desc="fetch")

    def progress(step) -> None:
        if step.item is not None:
            bar.update(1)

    try:
        with _stopped_by_sigterm(), open_store(db_path) as store:
            fetch_and_ingest(
                args.urls, store, fetcher, progress=progress, summary=summary, stats=stats
            )
    except (KeyboardInterrupt, Terminated) as stop:
        bar.close()
        print(
            f"interrupted: {summary.stored} articles stored, the rest not (database: {db_path})",
            file=sys.stderr,
        )
        return 143 if isinstance(stop, Terminated) else 130
    bar.close()
    print(f"database: {db_path}", file=sys.stderr)
    for line in summary.lines():
        print(line, file=sys.stderr)
    if stats.seen:
        print(f"feed entries seen before, not fetched: {stats.seen}", file=sys.stderr)
    # A URL asked for that could not be read fails the command (as a missing file does for
    # `ingest`); a feed entry that could not be read does not, unless nothing else came.
    nothing = not summary.read and not stats.seen and summary.skipped
    return 1 if failed_urls(args.urls, summary) or nothing else 0


def cmd_watch(args: argparse.Namespace) -> int:
    import logging

    from geo.ingest.pipeline import IngestSummary, ingest_articles
    from geo.read.watch import SourcesError, load_sources, merge_sources, watch
    from geo.store import StoreStateStore, open_store

    try:
        listed = load_sources(args.sources) if args.sources else []
    except SourcesError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return 1
    fetcher = _fetcher()
    db_path = resolve_db_path(args.db)
    total = IngestSummary()
    logger = logging.getLogger("geo.watch")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%Y-%m-%d %H:%M:%S"))
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)

    def ingest(articles) -> None:  # called inside the `with` below, on its store
        skipped = len(total.skipped)
        ingest_articles(articles, store, summary=total)
        for error in total.skipped[skipped:]:
            logger.warning("  not stored: %s: %s", error.origin, error.reason)

    def sources():  # re-read before each round: the dashboard adds and removes feeds
        return merge_sources(listed, (stored.source for stored in store.list_sources()))

    results = []
    stopped = False
    try:
        with _stopped_by_sigterm(), open_store(db_path) as store:
            first = sources()
            origin = (
                f"{len(listed)} from {args.sources}, {len(first) - len(listed)} from the database"
                if args.sources
                else "from the database"
            )
            print(f"database: {db_path}; {len(first)} sources ({origin})", file=sys.stderr)
            if not first and args.once:
                print(
                    "nothing to poll: give a SOURCES.toml or add feeds in the dashboard (Sources)",
                    file=sys.stderr,
                )
            results = watch(
                sources,
                StoreStateStore(store),
                fetcher,
                ingest,
                seen=store.seen,
                once=args.once,
            )
    except (KeyboardInterrupt, Terminated):
        stopped = True
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    if stopped or not args.once:
        print("watch stopped", file=sys.stderr)
    print(
        f"stored: {total.stored} new or changed, {total.unchanged} unchanged; "
        f"events: {total.events}",
        file=sys.stderr,
    )
    # With --once (cron), a source that could not be polled makes the run fail.
    return 1 if args.once and any(r.status == "failed" for r in results) else 0


def _parse_inputs(source, errors: list[int]):
    """(id, text, spans) of each JSONL line; bad lines are reported and counted."""
    for number, line in enumerate(source, 1):
        if not line.strip():
            continue
        try:
            doc = json.loads(line)
            text = doc["text"]
            if not isinstance(text, str):
                raise TypeError("text is not a string")
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            print(f"error: line {number}: not a JSON object with text: {exc}", file=sys.stderr)
            errors.append(number)
            continue
        yield doc.get("id"), text, doc.get("spans")


def cmd_parse(args: argparse.Namespace) -> int:
    from geo.ingest.pipeline import parse_documents
    from geo.models import Finder
    from geo.place.gazetteer import default_gazetteer

    gazetteer = default_gazetteer()
    errors: list[int] = []
    demonyms = _parse_demonyms(args)
    with contextlib.ExitStack() as stack:
        source = (
            sys.stdin
            if args.file == "-"
            else stack.enter_context(open(args.file, encoding="utf-8"))
        )
        out = sys.stdout if args.output == "-" else stack.enter_context(_open_output(args.output))
        ids: list = []

        def texts():
            for doc_id, text, spans in _parse_inputs(source, errors):
                ids.append(doc_id)
                yield text, spans

        workers = max(1, min(2, os.cpu_count() or 1))
        for index, places in enumerate(parse_documents(texts(), gazetteer, n_process=workers)):
            # Demonyms ("Syrian", "US-led") are kept as kind "demonym" in the data model but
            # are not place names: `parse` lists them only on request. A span the caller
            # gave is always answered, a demonym too.
            shown = [
                p
                for p in places
                if demonyms or p.mention.kind != "demonym" or p.mention.finder is Finder.GIVEN
            ]
            record = {"id": ids[index], "places": [_place_json(p) for p in shown]}
            out.write(json.dumps(record) + "\n")
    return 1 if errors else 0


def _parse_demonyms(args: argparse.Namespace) -> bool:
    """`--demonyms`, else geo.toml's `[parse] demonyms` (corpora differ: LGL and
    GeoWebNews count "Russian troops" as a toponym, GeoVirus does not)."""
    if args.demonyms is not None:
        return args.demonyms
    from geo.config import load_settings

    value = load_settings().get("parse", {}).get("demonyms", False)
    if not isinstance(value, bool):
        raise ValueError(f"geo.toml: [parse] demonyms must be true or false, got {value!r}")
    return value


def _place_json(resolved) -> dict:
    m, p = resolved.mention, resolved.place
    return {
        "start": m.start,
        "end": m.end,
        "text": m.text,
        "name": p.name if p else None,
        "lat": p.latitude if p else None,
        "lon": p.longitude if p else None,
        "geonameid": p.geonameid if p else None,
        "country_code": p.country_code if p else None,
        "feature": p.feature if p else None,
        "score": resolved.score,
        "kind": m.kind,
        "method": resolved.method,
    }


def cmd_export(args: argparse.Namespace) -> int:
    from geo.store import open_store, store_exists
    from geo.view.export import to_csv, to_geojson

    db_path = resolve_db_path(args.db)
    if not store_exists(db_path):
        print(
            f"error: no database at {redact_location(db_path)} (run `python -m geo ingest` first)",
            file=sys.stderr,
        )
        return 1
    with open_store(db_path) as store:
        frame = store.load_events()
    if args.format == "html":
        from geo.view.mapview import standalone_html

        text = standalone_html(frame)
    else:
        text = to_csv(frame) if args.format == "csv" else to_geojson(frame)
    out = _open_output(args.output)
    try:
        out.write(text)
    finally:
        if out is not sys.stdout:
            out.close()
    if args.output != "-":
        print(f"{len(frame)} events written to {args.output}", file=sys.stderr)
    return 0


def _place_line(place) -> str:
    where = ", ".join(p for p in (place.admin1, place.country_code) if p)
    return (
        f"{place.geonameid or '-'}\t{place.name}\t{where}\t{place.feature}\t"
        f"{place.latitude:.4f}, {place.longitude:.4f}\tpopulation {place.population:,}"
    )


def cmd_places(args: argparse.Namespace) -> int:
    from geo.ingest.corrections import reapply_overrides
    from geo.place import overrides as ov
    from geo.store import open_store

    if args.action == "candidates":
        for place in ov.place_candidates(args.name, args.country, args.limit):
            print(_place_line(place))
        return 0
    with open_store(resolve_db_path(args.db)) as store:
        if args.action == "overrides":
            frame = store.list_overrides()
            if frame.empty:
                print("no overrides", file=sys.stderr)
            else:
                print(frame.to_string(index=False))
            return 0
        if args.action == "remove":
            if not store.remove_override(args.id):
                print(f"error: no override {args.id}", file=sys.stderr)
                return 1
            print(f"override {args.id} removed", file=sys.stderr)
        else:
            place = _override_place(args, ov)
            if place is False:
                return 1
            rule = ov.new_override(
                args.name, place, country_code=args.country, article_id=args.article,
                note=args.note,
            )  # fmt: skip
            override_id = store.add_override(rule)
            target = "not a place" if place is None else _place_line(place)
            print(f"override {override_id}: {args.name} -> {target}", file=sys.stderr)
        changed = reapply_overrides(store)
    print(f"stored places changed: {changed}", file=sys.stderr)
    return 0


def _override_place(args: argparse.Namespace, ov):
    """The place `places override` asks for: None for --not-a-place, False (after saying
    why) when the options do not make one."""
    from geo.models import Place
    from geo.place.gazetteer import default_gazetteer

    if args.not_a_place:
        return None
    if args.geonameid is not None:
        return ov.place_from_geonameid(default_gazetteer(), args.geonameid)
    if args.lon is None:
        print("error: --lat needs --lon", file=sys.stderr)
        return False
    country = args.country.upper() if args.country else None
    return Place(
        None, args.name, args.lat, args.lon, country, feature=args.feature, source="override"
    )


def cmd_synth(args: argparse.Namespace) -> int:
    from geo.ingest.synth import synthesize
    from geo.store import open_store

    if args.events < 0:
        print("error: --events must be 0 or more", file=sys.stderr)
        return 1
    db_path = resolve_db_path(args.db)

    def progress(done: int, total: int) -> None:
        print(f"\rsynth: {done:,}/{total:,} events", end="", file=sys.stderr, flush=True)

    with open_store(db_path) as store:
        report = synthesize(
            store, args.events, seed=args.seed, progress=None if args.quiet else progress
        )
    if not args.quiet:
        print(file=sys.stderr)
    print(f"database: {redact_location(db_path)}", file=sys.stderr)
    print(report.line())
    return 0


def cmd_gazetteer(args: argparse.Namespace) -> int:
    from geo.place.gazetteer import Gazetteer, build_gazetteer, default_gazetteer_path

    path = Path(args.path) if args.path else default_gazetteer_path()
    if args.action == "build":
        report = build_gazetteer(path, progress=lambda msg: print(msg, file=sys.stderr))
        print(
            f"{report.path}: {report.places:,} places, {report.names:,} names, "
            f"{report.size_bytes / 1e6:.1f} MB, built in {report.seconds:.1f} s"
        )
        return 0
    if args.action == "add":
        from geo.place.gazetteer import AdditionError, add_to_gazetteer

        if not args.file:
            print("gazetteer add: name the file to add", file=sys.stderr)
            return 2
        Gazetteer.open(path)  # built first if missing
        try:
            result = add_to_gazetteer(args.file, path, source=args.source)
        except (AdditionError, OSError, UnicodeDecodeError) as exc:
            print(f"gazetteer add: {exc}", file=sys.stderr)
            return 1
        print(
            f"{args.file}: {result['added']:,} places added, {result['extended']:,} given more "
            f"names (source {result['source']!r}; kept as {result['file']})"
        )
        return 0
    gazetteer = Gazetteer.open(path)
    for key, value in sorted(gazetteer.meta.items()):
        print(f"{key}: {value}")
    print(f"places: {gazetteer.count():,}")
    print(f"size: {path.stat().st_size / 1e6:.1f} MB")
    return 0


COMMANDS = {
    "ingest": cmd_ingest,
    "fetch": cmd_fetch,
    "watch": cmd_watch,
    "parse": cmd_parse,
    "export": cmd_export,
    "places": cmd_places,
    "synth": cmd_synth,
    "gazetteer": cmd_gazetteer,
}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
