"""Benchmark the dashboard in a real browser: chromium through Playwright, per size and backend.

Run from the project root:

    python bench/browser.py [--sizes 20000,200000,1000000] [--backends sqlite,postgresql]
                            [--runs 3] [--sessions 20] [--timeout 120] [--quick] [--no-ingest]

For each size and backend, a synthetic database (`python -m geo synth --events N --db DB`,
made once and kept under /tmp/geo-bench/, so reruns are cheap; PostgreSQL: one database
`geo_bench_N` per size on the server of $GEO_TEST_POSTGRES_URL or --pg-url) is served by
`streamlit run dashboard.py` on a loopback port, warmed with one session, then measured:

- load: page load (navigation start) -> the first event marker visible in the map's frame,
  timed in the page itself (performance.now()), median over --runs fresh sessions;
- redraw, after a date-slider drag, a publisher chosen, a search typed (in that order, each
  narrowing the view of the run's session; each run other values, so nothing is cached
  for them): the time from the input event (pointerup, pointerdown on the option, the
  Enter keydown) until the map is *redrawn*: every marker element of the old events layer
  has left the map's frame, a new one is visible (or the app says no event matches), and
  Streamlit's status widget is gone (the rerun finished). Median over --runs. Each redraw
  is split: until the app's script run ended on the server (the server's own clock,
  bench/timed_server.py, against the input's wall-clock time in the page) and until the
  page handled that end (its last message: later when the page is busy drawing what the
  run sent before);
- memory: RSS of the streamlit process and its children (psutil) with the warm session
  open, then with --sessions more open (once all have drawn their markers): MB per extra
  session;
- concurrency: --sessions browser contexts opened together (their navigations started
  within a fraction of a second): sessions with an error (page error, an exception shown
  by the app, an HTTP error from the app, no markers within --timeout), median and worst
  time to markers.

Every wait is capped by --timeout (seconds); a figure that hit it prints as "timeout".
Same-run baseline: a one-line Streamlit script on the same machine and browser (page load
-> its text shown; a button click -> its rerun finished), the floor any Streamlit page pays.
The load average (`uptime`) is printed with every table: the machine is shared.

Unless --no-ingest, `bench/ingest.py --dask-workers 2` runs afterwards in the same run:
the ingest on a two-worker Dask cluster against the local two-process ingest, and whether
they stored the same thing.

Needs /usr/bin/chromium and the playwright package (as tests/test_browser.py).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psutil

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from geo.ingest.synth import ACTORS, CITED, PUBLISHERS  # noqa: E402
from geo.store.base import SCHEMA_VERSION  # noqa: E402
from tests.chromium import CHROMIUM, CHROMIUM_ARGS, DRAWN, MAP_FRAME  # noqa: E402

CACHE = Path("/tmp/geo-bench")
VIEWPORT = {"width": 1400, "height": 1000}
DEFAULT_TIMEOUT_MS = 120_000  # a click waits for its element this long (--timeout: the app)
SEARCHES = (*ACTORS, *CITED)  # words of the synthetic articles' sentences
CHANGES = ("slider", "publisher", "search")  # the filter changes timed, in order

# In the top page, from its first byte. Streamlit's status widget shows only for a run past
# 500 ms and fades out for 200 ms after: too coarse for a 0.3 s target. The harness reads
# the app's own messages instead: the websocket's ForwardMsg protobufs, whose top-level
# field 4 (new_session) starts every script run and field 6 (script_finished, an enum;
# 0 = a full run finished, 2 = cut short by a rerun, 3 = a fragment run) ends it.
# window.__geoMarkersAt: ms from navigation start to the map's frame first showing a
# marker; window.__geoArm(eventType): time the next redraw (see the module's docstring).
PAGE_SCRIPT = """
(() => {
  if (window.top !== window) { return; }
  const DRAWN = __DRAWN__;
  const state = {running: false, lastChange: performance.now(), fullRuns: [], runs: []};
  window.__geoState = state;
  const varint = (bytes, at) => {
    let value = 0, scale = 1;
    for (;;) {
      const b = bytes[at++];
      value += (b & 0x7f) * scale;
      if (b < 0x80) { return [value, at]; }
      scale *= 128;
    }
  };
  const onMessage = (buffer) => {
    const bytes = new Uint8Array(buffer);
    let at = 0;
    while (at < bytes.length) {
      let key, value;
      [key, at] = varint(bytes, at);
      const field = Math.floor(key / 8), wire = key & 7;
      if (wire === 0) { [value, at] = varint(bytes, at); }
      else if (wire === 2) { [value, at] = varint(bytes, at); at += value; }
      else if (wire === 1) { at += 8; } else if (wire === 5) { at += 4; } else { return; }
      if (field === 4) {
        state.running = true;
        state.lastChange = performance.now();
        state.runs.push([performance.now(), null]);
      }
      if (field === 6 && wire === 0) {
        state.running = false;
        state.lastChange = performance.now();
        if (state.runs.length) { state.runs[state.runs.length - 1][1] = value; }
        if (value === 0) { state.fullRuns.push(performance.now()); }
      }
    }
  };
  const Original = window.WebSocket;
  const Watched = function (...args) {
    const ws = new Original(...args);
    ws.addEventListener('message', (event) => {
      if (event.data instanceof ArrayBuffer) { onMessage(event.data); }
      else if (event.data instanceof Blob) { event.data.arrayBuffer().then(onMessage); }
    });
    return ws;
  };
  Watched.prototype = Original.prototype;
  for (const k of ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED']) { Watched[k] = Original[k]; }
  window.WebSocket = Watched;

  const mapDoc = () => {
    const frame = document.querySelector(__FRAME__);
    try { return frame && frame.contentDocument; } catch (e) { return null; }
  };
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  window.__geoIdleMs = () => state.running ? 0 : performance.now() - state.lastChange;
  window.__geoMarkersAt = null;
  const firstMarkers = setInterval(() => {
    const doc = mapDoc();
    if (doc && [...doc.querySelectorAll(DRAWN)].some(shown)) {
      window.__geoMarkersAt = performance.now();
      clearInterval(firstMarkers);
    } else if (document.querySelector('[data-testid="stException"]')) {
      window.__geoMarkersAt = -1;  // the app failed: no markers will come
      clearInterval(firstMarkers);
    }
  }, 20);
  window.__geoArm = (eventType) => {
    for (const el of mapDoc().querySelectorAll(DRAWN)) { el.__geoOld = true; }
    window.__geoInputAt = null;
    window.__geoRedrawnAt = null;
    window.__geoRunDoneAt = null;
    document.addEventListener(eventType, () => { window.__geoInputAt = performance.now(); },
                              {capture: true, once: true});
    const timer = setInterval(() => {
      const input = window.__geoInputAt;
      if (input === null || state.running || !state.fullRuns.some((t) => t > input)) { return; }
      if (window.__geoRunDoneAt === null) {
        window.__geoRunDoneAt = state.fullRuns.find((t) => t > input);
      }
      const d = mapDoc();
      if (!d) { return; }
      const drawn = [...d.querySelectorAll(DRAWN)];
      if (drawn.some((el) => el.__geoOld)) { return; }
      const fresh = drawn.some(shown);
      const none = document.body.innerText.includes('No events match these filters');
      if (fresh || none) {
        window.__geoRedrawnAt = performance.now();
        clearInterval(timer);
      }
    }, 10);
  };
})();
""".replace("__DRAWN__", json.dumps(DRAWN)).replace("__FRAME__", json.dumps(MAP_FRAME))

IDLE_FOR_A_SECOND = "() => window.__geoIdleMs() > 1000"

BASELINE_APP = """import streamlit as st
st.button("again")
st.write("baseline ready")
"""


class Timeout(Exception):
    pass


class AppError(Exception):
    """The app showed an exception instead of the map."""


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def commit() -> str:
    """The commit measured: HEAD, and the last commit that changed the app (geo/,
    dashboard.py), which is what the figures are of."""

    def git(*args: str) -> str:
        out = subprocess.run(["git", "-C", str(PROJECT_DIR), *args], capture_output=True, text=True)
        return out.stdout.strip()

    app = git("log", "-1", "--format=%h", "--", "geo", "dashboard.py")
    dirty = git("status", "--porcelain", "--", "geo", "dashboard.py")
    head = git("log", "-1", "--format=%h")
    return f"app at {app}{' (modified)' if dirty else ''}, HEAD {head}"


# --- databases -------------------------------------------------------------------------------


def _synth(n: int, db: str) -> None:
    started = time.perf_counter()
    print(f"  synth {n:,} events into {redact(db)} ...", flush=True)
    subprocess.run(
        [sys.executable, "-m", "geo", "synth", "--events", str(n), "--db", db, "--quiet"],
        cwd=PROJECT_DIR, check=True,
    )  # fmt: skip
    print(f"  synth done in {time.perf_counter() - started:.0f} s", flush=True)


def redact(location: str) -> str:
    parts = urlsplit(location)
    if parts.scheme.startswith("postgres") and parts.password:
        netloc = f"{parts.username}:***@{parts.hostname}:{parts.port}"
        return urlunsplit(parts._replace(netloc=netloc))
    return location


def database(backend: str, n: int, pg_url: str | None) -> str:
    """The cached synthetic database of `n` events on `backend`; made if absent."""
    CACHE.mkdir(parents=True, exist_ok=True)
    if backend == "sqlite":
        path = CACHE / f"sqlite-v{SCHEMA_VERSION}-{n}.db"
        done = path.with_name(path.name + ".done")
        if not done.exists():
            for stale in CACHE.glob(f"{path.name}*"):
                stale.unlink()
            _synth(n, str(path))
            done.touch()
        return str(path)
    if not pg_url:
        raise SystemExit("postgresql: give --pg-url or set GEO_TEST_POSTGRES_URL")
    import psycopg

    # named after this program's schema: a newer version upgrades a database in place,
    # and this one could not open it again
    name = f"geo_browser_bench_v{SCHEMA_VERSION}_{n}"
    url = urlunsplit(urlsplit(pg_url)._replace(path=f"/{name}"))
    done = CACHE / f"{name}.done"
    if done.exists() and done.read_text() == url:
        return url
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    _synth(n, url)
    done.write_text(url)
    return url


# --- the server ------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def streamlit(script: Path, db: str | None, log: Path, timeout: float):
    """`streamlit run script` (through bench/timed_server.py) on a free loopback port;
    yields its Server."""
    port = _free_port()
    runs_log = log.with_suffix(".runs")
    runs_log.unlink(missing_ok=True)
    # bench/timed_server.py: `streamlit run` with the server's clock on every script run
    command = [
        sys.executable, str(PROJECT_DIR / "bench" / "timed_server.py"), str(runs_log),
        "run", str(script),
        "--server.headless", "true", "--server.address", "127.0.0.1",
        "--server.port", str(port), "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if k != "GEO_EDITOR_PASSWORD"}
    if db is not None:
        env["GEO_DB"] = db
    with log.open("wb") as out:
        proc = subprocess.Popen(
            command, cwd=PROJECT_DIR, env=env, stdout=out, stderr=subprocess.STDOUT
        )
        try:
            url = f"http://127.0.0.1:{port}/"
            deadline = time.monotonic() + timeout
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"streamlit exited:\n{log.read_text()}")
                with (
                    contextlib.suppress(OSError),
                    urllib.request.urlopen(url + "_stcore/health", timeout=2) as response,
                ):
                    if response.status == 200:
                        break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"streamlit not healthy in {timeout} s")
                time.sleep(0.3)
            yield Server(url, proc, runs_log)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=15)


@dataclass
class Server:
    """A `streamlit run` of bench/timed_server.py: its address, its process, and the log of
    its script runs' ends (wall-clock seconds and how each ended)."""

    url: str
    proc: subprocess.Popen
    runs_log: Path

    def full_run_ended_after(self, wall_s: float) -> float | None:
        """When (wall-clock seconds) the first full script run that ended after `wall_s`
        ended on the server; None when none has (or the clock is missing)."""
        try:
            lines = self.runs_log.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return None
        for line in lines:
            ended, _, how = line.partition(" ")
            if how == "SCRIPT_STOPPED_WITH_SUCCESS" and float(ended) > wall_s:
                return float(ended)
        return None


def rss_mb(proc: subprocess.Popen) -> float:
    """Resident memory of the server process and its children, MB."""
    root = psutil.Process(proc.pid)
    total = 0
    for p in [root, *root.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            total += p.memory_info().rss
    return total / 2**20


# --- one session -----------------------------------------------------------------------------


@dataclass
class Session:
    context: object
    page: object
    origin: str
    errors: list[str] = field(default_factory=list)

    def watch(self) -> None:
        self.page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))

        def response(resp) -> None:
            if resp.status >= 400 and urlsplit(resp.url).netloc == self.origin:
                self.errors.append(f"HTTP {resp.status} {resp.url}")

        self.page.on("response", response)


def new_session(browser, url: str) -> Session:
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    context.add_init_script(PAGE_SCRIPT)
    # As on a machine without internet (tests/test_browser.py): only the app is reached.
    origin = urlsplit(url).netloc

    def route(r):
        if urlsplit(r.request.url).netloc == origin:
            r.continue_()
        else:
            r.abort()

    context.route("**/*", route)
    session = Session(context, context.new_page(), origin)
    session.watch()
    return session


def wait_markers(session: Session, timeout_s: float) -> float:
    """Seconds from the page's navigation start to its first marker shown."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        session.page.wait_for_function(
            "() => window.__geoMarkersAt !== null && window.__geoMarkersAt !== undefined",
            timeout=timeout_s * 1000,
            polling=100,
        )
    except PlaywrightTimeout:
        raise Timeout from None
    at = session.page.evaluate("() => window.__geoMarkersAt")
    if at < 0:
        raise AppError(app_error(session) or "exception shown")
    return at / 1000


def settle(session: Session, timeout_s: float) -> None:
    """Wait until the app has been idle for a second (the map's first view report reruns
    it: an input during that rerun is lost)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        session.page.wait_for_function(IDLE_FOR_A_SECOND, timeout=timeout_s * 1000, polling=100)
    except PlaywrightTimeout:
        raise Timeout from None


def app_error(session: Session) -> str | None:
    shown = session.page.locator('[data-testid="stException"]')
    if shown.count():
        return "exception shown: " + shown.first.inner_text()[:200]
    return None


def redraw(
    session: Session, event_type: str, act, timeout_s: float, server: Server | None = None
) -> tuple[float, float, float | None]:
    """Seconds from the input (`event_type` on the page) to the map redrawn (see above),
    to the page handling the app's script run's end (its last message), and, with the
    `server`'s clock, to the run's end on the server (the server's part: the rest is the
    browser's, which handles the run's messages in turn with drawing what came before)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page = session.page
    page.evaluate("(t) => window.__geoArm(t)", event_type)
    act(page)
    try:
        page.wait_for_function(
            "() => window.__geoRedrawnAt !== null", timeout=timeout_s * 1000, polling=50
        )
    except PlaywrightTimeout:
        raise Timeout from None
    total, run, input_wall_ms = page.evaluate(
        "() => [window.__geoRedrawnAt - window.__geoInputAt,"
        " window.__geoRunDoneAt - window.__geoInputAt,"
        " performance.timeOrigin + window.__geoInputAt]"
    )
    ended = server.full_run_ended_after(input_wall_ms / 1000) if server else None
    on_server = None if ended is None else ended - input_wall_ms / 1000
    return total / 1000, run / 1000, on_server


def nothing(page) -> None:
    pass


def drag_date_slider(fraction: float):
    """Drag the slider's first thumb right by `fraction` of the track."""

    def act(page) -> None:
        slider = page.get_by_role("region", name="Sidebar").locator('[data-testid="stSlider"]')
        thumb = slider.get_by_role("slider").first
        track = slider.bounding_box()  # the widget: about the track's width
        box = thumb.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x + track["width"] * fraction, y, steps=8)
        page.mouse.up()

    return act


def type_publisher(name: str):
    """Open the publisher list and type the name, as a reader does: the list is virtual,
    only the options in view are in the page."""

    def prepare(page) -> None:
        sidebar = page.get_by_role("region", name="Sidebar")
        sidebar.get_by_role("combobox", name="Publisher").click()
        page.keyboard.type(name)

    return prepare


def choose_publisher(name: str):
    def act(page) -> None:
        page.get_by_role("option", name=name, exact=True).click()

    return act


def type_search(word: str):
    def prepare(page) -> None:
        page.get_by_role("textbox", name="Search").fill(word)

    return prepare


def press_enter(page) -> None:
    page.get_by_role("textbox", name="Search").press("Enter")


def close_menu(page) -> None:
    page.keyboard.press("Escape")


# --- the measurements ------------------------------------------------------------------------


def fmt(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    return f"{value:.2f} s"


def median_or_timeout(values: list) -> str:
    done = [v for v in values if isinstance(v, float)]
    timeouts = sum(1 for v in values if v == "timeout")
    if len(done) + timeouts < len(values):
        return "error (see above)"
    if not done:
        return "timeout" if timeouts else "–"
    text = f"{statistics.median(done):.2f} s"
    if len(done) > 1:
        text += f" ({min(done):.2f}–{max(done):.2f})"
    if timeouts:
        text += f", {timeouts} timeout"
    return text


def measure_runs(browser, server: Server, args) -> dict[str, list]:
    """Fresh sessions: page load -> markers, then the three filter changes."""
    from playwright.sync_api import Error as PlaywrightError

    url = server.url
    results: dict[str, list] = {"load": [], "slider": [], "publisher": [], "search": []}
    for name in CHANGES:
        results[f"{name} run"] = []  # until the page handled the app's run's end
        results[f"{name} server"] = []  # until the run ended on the server
    for run in range(args.runs):
        session = new_session(browser, url)
        try:
            session.page.goto(url, wait_until="commit")
            try:
                results["load"].append(wait_markers(session, args.timeout))
                print(f"  run {run + 1}: markers after {results['load'][-1]:.2f} s", flush=True)
                settle(session, args.timeout)
            except Timeout:
                results["load"].append("timeout")
                continue
            except AppError as exc:
                print(f"  run {run + 1}: {exc}")
                results["load"].append("error")
                continue
            page = session.page
            publisher = PUBLISHERS[run % len(PUBLISHERS)]
            # name, before, the input event timed, the action, after, what the address holds
            steps = [
                ("slider", nothing, "pointerup", drag_date_slider(0.08 + 0.05 * run), nothing,
                 "dates="),
                ("publisher", type_publisher(publisher), "pointerdown",
                 choose_publisher(publisher), close_menu, "source="),
                ("search", type_search(SEARCHES[run % len(SEARCHES)]), "keydown", press_enter,
                 nothing, "q="),
            ]  # fmt: skip
            for name, before, event_type, act, after, param in steps:
                try:
                    before(page)
                    seconds, run_seconds, server_seconds = redraw(
                        session, event_type, act, args.timeout, server
                    )
                    after(page)
                    settle(session, args.timeout)
                except (Timeout, PlaywrightError) as exc:
                    results[name].append("timeout")
                    if not isinstance(exc, Timeout):
                        print(f"  run {run + 1}, {name}: {str(exc).splitlines()[0]}")
                    break
                # the change took: the filter is in the address (Streamlit binds it)
                if param not in page.evaluate("() => window.location.href"):
                    print(f"  run {run + 1}, {name}: no {param} in the address after it")
                    results[name].append("error")
                    break
                results[name].append(seconds)
                results[f"{name} run"].append(run_seconds)
                if server_seconds is not None:
                    results[f"{name} server"].append(server_seconds)
                print(f"  run {run + 1}: {name} redrawn after {seconds:.2f} s (the app's run "
                      f"ended on the server after {fmt(server_seconds)}, its end handled by "
                      f"the page after {run_seconds:.2f} s)", flush=True)  # fmt: skip
            if error := app_error(session):
                print(f"  run {run + 1}: {error}")
        finally:
            session.context.close()
    return results


def measure_sessions(browser, url: str, proc, warm: Session, args) -> dict:
    """RSS with the warm session open, then --sessions more opened together."""
    settle(warm, args.timeout)
    before = rss_mb(proc)
    peak = [before]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            with contextlib.suppress(psutil.Error):
                peak.append(rss_mb(proc))
            stop.wait(0.5)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    sessions = [new_session(browser, url) for _ in range(args.sessions)]
    try:
        for session in sessions:
            session.page.goto(url, wait_until="commit")
        deadline = time.monotonic() + args.timeout
        times: list = []
        for session in sessions:
            try:
                times.append(wait_markers(session, max(1.0, deadline - time.monotonic())))
            except Timeout:
                times.append("timeout")
            except AppError as exc:
                times.append("error")
                session.errors.append(str(exc))
        done = [t for t in times if isinstance(t, float)]
        print(f"  {len(done)} of {len(sessions)} sessions drew markers "
              f"(load {load()})", flush=True)  # fmt: skip
        for session, shown in zip(sessions, times, strict=True):
            if not isinstance(shown, float):  # counted as such; a starved page answers slowly
                continue
            with contextlib.suppress(Timeout):
                settle(session, max(1.0, deadline - time.monotonic()))
            if error := app_error(session):
                session.errors.append(error)
        after = rss_mb(proc)
    finally:
        stop.set()
        sampler.join()
        errors = [e for s in sessions for e in s.errors]
        for session in sessions:
            session.context.close()
    done = [t for t in times if isinstance(t, float)]
    return {
        "before": before,
        "after": after,
        "peak": max(peak),
        # only once every session holds its data is the difference what a session costs
        "per_session": (
            f"{(after - before) / len(sessions):.1f} MB"
            if len(done) == len(sessions)
            else f"– ({len(done)} of {len(sessions)} sessions drew markers)"
        ),
        "failed": sum(1 for s in sessions if s.errors),
        "timeouts": sum(1 for t in times if t == "timeout"),
        "errors": errors,
        "median": statistics.median(done) if done else "timeout",
        "worst": max(done) if len(done) == len(times) else "timeout",
    }


def baseline(browser, args, folder: Path) -> dict:
    """A one-line Streamlit script: page load -> its text; a click -> its rerun finished."""
    script = folder / "baseline_app.py"
    script.write_text(BASELINE_APP)
    loads, reruns = [], []
    with streamlit(script, None, folder / "baseline.log", args.timeout) as server:
        url = server.url
        for run in range(args.runs + 1):
            session = new_session(browser, url)
            try:
                page = session.page
                page.goto(url, wait_until="commit")
                page.get_by_text("baseline ready").wait_for(timeout=args.timeout * 1000)
                shown = page.evaluate("() => performance.now()") / 1000
                settle(session, args.timeout)
                page.evaluate(
                    """() => { window.__geoInputAt = null; document.addEventListener(
                        'pointerdown', () => { window.__geoInputAt = performance.now(); },
                        {capture: true, once: true}); }"""
                )
                page.get_by_role("button", name="again").click()
                page.wait_for_function(
                    """() => { const s = window.__geoState, t = window.__geoInputAt;
                               return t !== null && !s.running && s.fullRuns.some(r => r > t); }""",
                    polling=20,
                )
                rerun = (
                    page.evaluate(
                        """() => window.__geoState.fullRuns.find(r => r > window.__geoInputAt)
                             - window.__geoInputAt"""
                    )
                    / 1000
                )
                if run:  # the first is the server's own warm-up
                    loads.append(shown)
                    reruns.append(rerun)
            finally:
                session.context.close()
    return {"load": statistics.median(loads), "rerun": statistics.median(reruns)}


def bench_one(browser, backend: str, n: int, args, folder: Path, base: dict) -> None:
    db = database(backend, n, args.pg_url)
    log = folder / f"streamlit-{backend}-{n}.log"
    print(f"\n## {backend}, {n:,} events (load {load()})", flush=True)
    with streamlit(PROJECT_DIR / "dashboard.py", db, log, args.timeout) as server:
        url, proc = server.url, server.proc
        warm = new_session(browser, url)
        try:
            started = time.perf_counter()
            warm.page.goto(url, wait_until="commit")
            try:
                first = wait_markers(warm, args.timeout * 3)
                settle(warm, args.timeout)
            except Timeout:
                print(f"  the warm-up session drew no markers in {args.timeout * 3:.0f} s")
                return
            except AppError as exc:
                print(f"  the warm-up session: {exc}")
                return
            print(f"  warm-up session: markers after {first:.2f} s "
                  f"({time.perf_counter() - started:.0f} s to idle)", flush=True)  # fmt: skip
            runs = measure_runs(browser, server, args)
            print(f"  runs done (load {load()})", flush=True)
            many = measure_sessions(browser, url, proc, warm, args)
        finally:
            warm.context.close()
    target_redraw = "≤ 0.3 s" if n <= 20_000 else ("≤ 0.5 s" if n >= 1_000_000 else "")
    target_load = "≤ 3 s" if n >= 1_000_000 else ""
    rows = [
        ("page load → markers shown (warm server)", median_or_timeout(runs["load"]),
         target_load, fmt(base["load"])),
        ("date-slider drag → map redrawn", median_or_timeout(runs["slider"]), target_redraw,
         fmt(base["rerun"])),
        ("publisher chosen → map redrawn", median_or_timeout(runs["publisher"]), target_redraw,
         fmt(base["rerun"])),
        ("search entered → map redrawn", median_or_timeout(runs["search"]), target_redraw,
         fmt(base["rerun"])),
        ("of which until the app's run ended on the server: slider / publisher / search",
         " / ".join(median_or_timeout(runs[f"{k} server"]) for k in CHANGES), "", ""),
        ("until the page handled the run's end: slider / publisher / search",
         " / ".join(median_or_timeout(runs[f"{k} run"]) for k in CHANGES), "", ""),
        ("server RSS, 1 session open", f"{many['before']:.0f} MB", "", ""),
        (f"server RSS, {args.sessions + 1} sessions open (peak)",
         f"{many['after']:.0f} MB ({many['peak']:.0f} MB)", "", ""),
        ("server memory per extra session", many["per_session"],
         "≤ 60 MB" if n >= 1_000_000 else "", ""),
        (f"{args.sessions} concurrent sessions: with an error / timed out",
         f"{many['failed']} / {many['timeouts']}",
         "0" if n >= 1_000_000 else "", ""),
        (f"{args.sessions} concurrent sessions: median / worst to markers",
         f"{fmt(many['median'])} / {fmt(many['worst'])}", "", fmt(base["load"])),
    ]  # fmt: skip
    print(f"\n{backend}, {n:,} events; commit {commit()}; load average {load()}; "
          f"runs {args.runs}\n")  # fmt: skip
    print("| figure | measured | target | baseline: one-line Streamlit app |")
    print("|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    for error in many["errors"][:5]:
        print(f"  error: {error}")
    sys.stdout.flush()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20000,200000,1000000")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--timeout", type=float, default=120, help="seconds, per wait")
    parser.add_argument("--pg-url", default=os.environ.get("GEO_TEST_POSTGRES_URL"))
    parser.add_argument("--quick", action="store_true", help="20k events, 1 run, 5 sessions")
    parser.add_argument("--no-ingest", action="store_true", help="skip bench/ingest.py")
    args = parser.parse_args()
    if args.quick:
        args.sizes, args.runs, args.sessions = "20000", 1, 5
    sizes = [int(s) for s in args.sizes.split(",") if s]
    backends = [b for b in args.backends.split(",") if b]
    if not Path(CHROMIUM).exists():
        print(f"skipped: {CHROMIUM} is absent")
        return 0
    from playwright.sync_api import sync_playwright

    print(f"commit {commit()}; {psutil.cpu_count()} cores; load average {load()}")
    folder = Path(tempfile.mkdtemp(prefix="geo-browser-bench-"))
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                base = baseline(browser, args, folder)
                print(f"baseline, a one-line Streamlit app: page load → text shown "
                      f"{base['load']:.2f} s, click → rerun done {base['rerun']:.2f} s "
                      f"(load {load()})", flush=True)  # fmt: skip
                for n in sizes:
                    for backend in backends:
                        bench_one(browser, backend, n, args, folder, base)
            finally:
                browser.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if not args.no_ingest:
        print(f"\n## ingest: local two-process vs Dask, 2 workers (load {load()})", flush=True)
        subprocess.run(
            [sys.executable, str(PROJECT_DIR / "bench" / "ingest.py"), "--runs",
             str(args.runs), "--dask-workers", "2"],
            cwd=PROJECT_DIR, check=False,
        )  # fmt: skip
        print(f"(load after: {load()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
