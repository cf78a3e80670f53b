"""End to end: `streamlit run dashboard.py` in Debian's chromium, with no internet access.

Every request that does not go to the app itself is aborted (and recorded), as on a
machine without internet: the map must still load Leaflet and draw the events, from
files the app serves. Skipped only where /usr/bin/chromium is absent outside CI; in CI
(env CI set) a missing chromium is a failure.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from geo.filters import FilterState, apply_filters, count_label, state_from_query_params
from geo.store import load_events
from tests.conftest import HOSTILE_IMG, HOSTILE_SCRIPT, write_extra_article

pytestmark = pytest.mark.browser

PROJECT_DIR = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
FIRST_LOAD_MS = 600_000  # the first page load seeds the database
LOAD_MS = 60_000
TILE_HOST = "tile.openstreetmap.org"
SCREENSHOT = Path(tempfile.gettempdir()) / "geo-dashboard.png"


def _require_chromium() -> None:
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"{CHROMIUM} (apt-get install chromium)")
    if importlib.util.find_spec("playwright") is None:
        missing.append("the playwright package")
    if not missing:
        return
    if os.environ.get("CI"):
        pytest.fail(f"missing in CI: {', '.join(missing)}")
    pytest.skip(f"missing: {', '.join(missing)}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited ({proc.returncode}):\n{log.read_text()}")
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2) as response:
            if response.status == 200:
                return
        time.sleep(0.3)
    raise RuntimeError(f"streamlit did not start in {timeout}s:\n{log.read_text()}")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The dashboard on a free local port, on an empty database it seeds itself."""
    _require_chromium()
    folder = tmp_path_factory.mktemp("browser")
    db = folder / "events.db"
    log = folder / "streamlit.log"
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "dashboard.py",
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
    ]
    env = {**os.environ, "GEO_DB": str(db)}
    with log.open("wb") as out:
        proc = subprocess.Popen(
            command, cwd=PROJECT_DIR, env=env, stdout=out, stderr=subprocess.STDOUT
        )
        try:
            _wait_healthy(f"http://127.0.0.1:{port}/_stcore/health", proc, log)
            yield {"origin": f"127.0.0.1:{port}", "url": f"http://127.0.0.1:{port}/", "db": db}
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=15)


@pytest.fixture(scope="module")
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def offline_page(browser, server):
    """A page whose requests reach only the app; returns (page, aborted, served, dialogs)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    aborted: list[str] = []
    served: list[str] = []
    dialogs: list[str] = []

    def route(route):
        url = route.request.url
        if urlsplit(url).netloc == server["origin"]:
            served.append(url)
            route.continue_()
        else:
            aborted.append(url)
            route.abort()

    page.route("**/*", route)

    def on_dialog(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    yield page, aborted, served, dialogs
    context.close()


def _map_frame(page):
    return next(f for f in page.frames if "streamlit_folium" in f.url)


def test_map_renders_without_internet(offline_page, server):
    from playwright.sync_api import expect

    page, aborted, served, _dialogs = offline_page
    page.goto(server["url"])
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(".leaflet-container").wait_for(timeout=FIRST_LOAD_MS)

    events = load_events(server["db"])
    assert len(events) > 0, "the dashboard did not seed the database"
    expect(page.get_by_text(count_label(len(events)), exact=True)).to_be_visible(timeout=LOAD_MS)

    markers = frame.locator("path.leaflet-interactive")
    expect(markers.first).to_be_visible(timeout=LOAD_MS)
    assert markers.count() > 0
    # The offline background: country outlines drawn from the app's own file.
    expect(frame.locator(".leaflet-geoOutline-pane path").first).to_be_attached(timeout=LOAD_MS)

    page.wait_for_timeout(1000)
    page.screenshot(path=str(SCREENSHOT), full_page=True)

    assert any(u.endswith("/app/static/vendor/leaflet/leaflet.js") for u in served)
    assert any(u.endswith("/app/static/vendor/leaflet/leaflet.css") for u in served)
    outside = {urlsplit(u).hostname for u in aborted}
    assert outside <= {TILE_HOST}, f"requests outside the app: {sorted(set(aborted))}"


def test_hostile_article_text_shows_as_text(offline_page, server):
    from playwright.sync_api import expect

    folder = server["db"].parent / "extra"
    write_extra_article(folder)
    from geo.pipeline import ingest_paths

    ingest_paths([folder], server["db"])
    expected = apply_filters(load_events(server["db"]), FilterState(query="Paris"))
    assert len(expected) > 0

    page, _aborted, _served, dialogs = offline_page
    page.goto(server["url"] + "?q=Paris")
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(".leaflet-container").wait_for(timeout=LOAD_MS)
    expect(page.get_by_text(count_label(len(expected)), exact=True)).to_be_visible(timeout=LOAD_MS)
    marker = frame.locator("path.leaflet-interactive")
    expect(marker).to_have_count(1, timeout=LOAD_MS)
    marker.first.click()

    popup = frame.locator(".leaflet-popup-content")
    expect(popup).to_be_visible(timeout=LOAD_MS)
    text = popup.inner_text()
    assert HOSTILE_SCRIPT in text
    assert HOSTILE_IMG in text
    assert "Example <i>Times</i>" in text
    assert popup.locator("script, img, i, b").count() == 0
    assert popup.locator("a").count() == 0  # the javascript: link was dropped
    page.wait_for_timeout(500)
    assert _map_frame(page).evaluate("() => document.body.dataset.pwned") is None
    assert dialogs == []
    page.screenshot(path=str(SCREENSHOT.with_name("geo-dashboard-popup.png")))


def test_search_is_written_to_the_url_and_the_link_reopens_it(offline_page, browser, server):
    from playwright.sync_api import expect

    page, _aborted, _served, _dialogs = offline_page
    page.goto(server["url"])
    page.frame_locator(MAP_FRAME).locator(".leaflet-container").wait_for(timeout=LOAD_MS)
    expect(page.frame_locator(MAP_FRAME).locator("path.leaflet-interactive").first).to_be_visible(
        timeout=LOAD_MS
    )
    _map_frame(page).evaluate("() => { window.__sameMap = true; }")

    search = page.get_by_role("textbox", name="Search")
    search.fill("Aleppo")
    search.press("Enter")
    expected = apply_filters(load_events(server["db"]), FilterState(query="Aleppo"))
    expect(page.get_by_text(count_label(len(expected)), exact=True)).to_be_visible(timeout=LOAD_MS)
    expect(page).to_have_url(re.compile(r"[?&]q=Aleppo\b"), timeout=LOAD_MS)
    # The filter swapped the events layer; the map itself was not reloaded.
    assert _map_frame(page).evaluate("() => window.__sameMap") is True
    link = page.url
    assert state_from_query_params(parse_qs(urlsplit(link).query)).query == "Aleppo"

    again = page.context.new_page()
    again.goto(link)
    expect(again.get_by_role("textbox", name="Search")).to_have_value("Aleppo", timeout=LOAD_MS)
    expect(again.get_by_text(count_label(len(expected)), exact=True)).to_be_visible(timeout=LOAD_MS)
