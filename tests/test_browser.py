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
from urllib.parse import parse_qs, urlencode, urlsplit

import pandas as pd
import pytest

from geo.store.sqlite import load_events
from geo.view.filters import FilterState, apply_filters, count_label, state_from_query_params
from geo.view.plaintext import WORD_JOINER
from tests.chromium import CHROMIUM, CHROMIUM_ARGS, DRAWN, MAP_FRAME
from tests.conftest import HOSTILE_IMG, HOSTILE_SCRIPT, write_extra_article

pytestmark = pytest.mark.browser

PROJECT_DIR = Path(__file__).resolve().parent.parent
FIRST_LOAD_MS = 600_000  # the first page load seeds the database
LOAD_MS = 60_000
TILE_HOST = "tile.openstreetmap.org"
# Screenshots of the main views, for the README (GEO_SCREENSHOTS=docs/screenshots to
# refresh the committed ones); by default into the temporary folder.
SCREENSHOTS = Path(os.environ.get("GEO_SCREENSHOTS") or tempfile.gettempdir())


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


@contextlib.contextmanager
def _dashboard(db: Path, log: Path, **env_extra: str):
    """`streamlit run dashboard.py` on a free loopback port over `db`, until closed."""
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
    # The caller's own editor password would lock the dashboard the tests expect open.
    env = {k: v for k, v in os.environ.items() if k != "GEO_EDITOR_PASSWORD"}
    env |= {"GEO_DB": str(db), **env_extra}
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
def server(tmp_path_factory):
    """The dashboard on a free local port, on an empty database it seeds itself."""
    _require_chromium()
    folder = tmp_path_factory.mktemp("browser")
    with _dashboard(folder / "events.db", folder / "streamlit.log") as running:
        yield running


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


def _seed(browser, server) -> None:
    """Open the dashboard once: its first page load seeds the database."""
    page = browser.new_page()
    try:
        _open(page, server["url"], timeout=FIRST_LOAD_MS)
    finally:
        page.close()


def _map_frame(page):
    return next(f for f in page.frames if "streamlit_folium" in f.url)


def _shot(page, name: str, **kwargs) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), **kwargs)


def _open(page, url: str, timeout: int = LOAD_MS):
    """Open the dashboard and wait for the map to draw its events; the map's frame."""
    from playwright.sync_api import expect

    page.goto(url)
    frame = page.frame_locator(MAP_FRAME).first
    frame.locator(".leaflet-container").wait_for(timeout=timeout)
    expect(frame.locator(DRAWN).first).to_be_visible(timeout=timeout)
    _settled(page, timeout)
    return frame


# The map reports its view (centre, zoom) once it has fitted the events, which reruns the
# app; a click that lands in the middle of that rerun is lost, as it would be for a reader.
# Tests act once the app has been idle for a second.
_IDLE_FOR_A_SECOND = """() => {
    if (document.querySelector('[data-testid="stStatusWidget"]')) {
        window.__geoIdleSince = null;
        return false;
    }
    window.__geoIdleSince = window.__geoIdleSince || Date.now();
    return Date.now() - window.__geoIdleSince > 1000;
}"""


def _settled(page, timeout: int = LOAD_MS) -> None:
    page.evaluate("() => { window.__geoIdleSince = null; }")
    page.wait_for_function(_IDLE_FOR_A_SECOND, timeout=timeout, polling=100)


def _add_files(page, files: list) -> None:
    """Upload `files` in the Add articles tab and send them. The browser sends each file
    to the server on its own; a click on the form's button before every file is listed
    (or during a rerun) sends the form without them, as it would for a reader."""
    from playwright.sync_api import expect

    page.get_by_role("tab", name="Add articles").click()
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(files)
    # A file still on its way offers "Cancel upload of NAME"; an uploaded one "Remove NAME".
    uploaded = page.locator('[data-testid="stFileChipDeleteBtn"] button[aria-label^="Remove "]')
    expect(uploaded).to_have_count(len(files), timeout=LOAD_MS)
    _settled(page)
    page.get_by_role("button", name="Add the files").click()


def _address(page, pattern: str) -> str:
    """The address bar once it matches `pattern` (read from the page: Streamlit updates
    it with history.replaceState, which Playwright's page.url may not follow)."""
    page.wait_for_function(
        "(pattern) => new RegExp(pattern).test(window.location.href)",
        arg=pattern,
        timeout=LOAD_MS,
    )
    return page.evaluate("() => window.location.href")


def _count(page, n: int):
    """The 'N events' heading."""
    from playwright.sync_api import expect

    heading = page.get_by_role("heading", name=count_label(n), exact=True)
    expect(heading).to_be_visible(timeout=LOAD_MS)
    return heading


def _choose(page, label: str, option: str) -> None:
    """Pick `option` in the sidebar multiselect labelled `label`."""
    page.get_by_role("region", name="Sidebar").get_by_role("combobox", name=label).click()
    page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")


def test_map_renders_without_internet(offline_page, server):
    from playwright.sync_api import expect

    page, aborted, served, _dialogs = offline_page
    frame = _open(page, server["url"], FIRST_LOAD_MS)

    events = load_events(server["db"])
    assert len(events) > 0, "the dashboard did not seed the database"
    _count(page, len(events))
    assert frame.locator(DRAWN).count() > 0
    expect(frame.locator(".geo-legend")).to_be_visible()
    expect(frame.locator(".leaflet-control-layers")).to_be_attached()  # the basemap choice
    # The offline background: country outlines drawn from the app's own file.
    expect(frame.locator(".leaflet-geoOutline-pane path").first).to_be_attached(timeout=LOAD_MS)

    page.wait_for_timeout(1000)
    _shot(page, "map")
    # No tile loaded: nobody's map is credited.
    credit = frame.locator(".leaflet-control-attribution")
    assert "OpenStreetMap" not in credit.inner_text()
    # The map takes most of the page's width.
    map_box = page.locator(MAP_FRAME).first.bounding_box()
    main_box = page.locator('[data-testid="stMainBlockContainer"]').bounding_box()
    content = main_box["width"] - 2 * (map_box["x"] - main_box["x"])  # less the padding
    assert map_box["width"] > 0.65 * content, (map_box, main_box)

    assert any(u.endswith("/app/static/vendor/leaflet/leaflet.js") for u in served)
    assert any(u.endswith("/app/static/vendor/leaflet/leaflet.css") for u in served)
    assert any(u.endswith("leaflet.markercluster/leaflet.markercluster.js") for u in served)
    outside = {urlsplit(u).hostname for u in aborted}
    assert outside <= {TILE_HOST}, f"requests outside the app: {sorted(set(aborted))}"

    # The heat map: one density layer of our own, no plugin fetched from anywhere.
    page.goto(server["url"] + "?heat=true")
    expect(page.frame_locator(MAP_FRAME).locator("canvas.geo-heat")).to_be_attached(timeout=LOAD_MS)
    assert page.get_by_role("switch", name="Heat map").is_checked()


def _add_extra_article(server) -> None:
    """A second publisher beside the seeds (their publisher is one), with hostile text."""
    from geo.ingest.pipeline import ingest_paths

    folder = server["db"].parent / "extra"
    write_extra_article(folder)
    ingest_paths([folder], server["db"])


def test_dates_and_publisher_change_the_view_and_the_link_reopens_it(offline_page, browser, server):
    from playwright.sync_api import expect

    _add_extra_article(server)
    page, _aborted, _served, _dialogs = offline_page
    _open(page, server["url"])
    _map_frame(page).evaluate("() => { window.__sameMap = true; }")
    frame = load_events(server["db"])
    _count(page, len(frame))

    # The step control moves the date range to the first week of the period.
    page.get_by_role("button", name="▶").click()
    link = _address(page, r"[?&]dates=")
    state = state_from_query_params(parse_qs(urlsplit(link).query, keep_blank_values=True))
    assert state.date_from is not None and state.date_to is not None
    dated = apply_filters(frame, state)
    assert len(dated) < len(frame)
    _count(page, len(dated))
    # The filter swapped the events layer; the map itself was not reloaded.
    assert _map_frame(page).evaluate("() => window.__sameMap") is True

    # Back to every date, then one publisher, once the map's report of its view has run
    # (a choice made during that run is lost: see _settled).
    _open(page, server["url"])
    _count(page, len(frame))
    # The publisher whose events span the most days: the dates follow its period.
    spans = frame.assign(day=pd.to_datetime(frame["event_date"])).groupby("source")["day"]
    publisher = (spans.max() - spans.min()).idxmax()
    _choose(page, "Publisher", publisher)
    expected = apply_filters(frame, FilterState(sources=(publisher,)))
    assert 0 < len(expected) < len(frame)
    _count(page, len(expected))
    _address(page, r"[?&]source=")
    _settled(page)  # the map refits to the publisher's events and reports its view

    # Both at once, then the link in a fresh browser: the same view.
    page.get_by_role("button", name="▶").click()
    link = _address(page, r"[?&]dates=.*[?&]source=|[?&]source=.*[?&]dates=")
    state = state_from_query_params(parse_qs(urlsplit(link).query, keep_blank_values=True))
    assert state.sources == (publisher,) and state.date_from is not None
    both = apply_filters(frame, state)
    _count(page, len(both))

    other = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        again = other.new_page()
        again.goto(link)
        _count(again, len(both))
        sidebar = again.get_by_role("region", name="Sidebar")
        expect(sidebar.get_by_text(publisher, exact=True)).to_be_visible(timeout=LOAD_MS)
        expect(sidebar.get_by_text(state.date_from.isoformat()).first).to_be_visible()
        # The share link shown beside its copy button is the same view.
        shared = _shown_link(again)
        assert state_from_query_params(parse_qs(urlsplit(shared).query)) == state
    finally:
        other.close()


def test_brushing_the_timeline_sets_the_dates(offline_page, server):
    page, _aborted, _served, _dialogs = offline_page
    _open(page, server["url"])
    frame = load_events(server["db"])
    page.get_by_text("Drag across the timeline").scroll_into_view_if_needed()
    plot = page.locator('[data-testid="stVegaLiteChart"] .marks').first
    box = plot.bounding_box()
    y = box["y"] + box["height"] * 0.4
    page.mouse.move(box["x"] + box["width"] * 0.06, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.3, y, steps=12)
    page.mouse.up()
    link = _address(page, r"[?&]dates=")
    state = state_from_query_params(parse_qs(urlsplit(link).query, keep_blank_values=True))
    lo, hi = frame["event_date"].min().date(), frame["event_date"].max().date()
    assert lo <= state.date_from <= state.date_to < hi
    _count(page, len(apply_filters(frame, state)))


def test_search_is_written_to_the_url_and_the_map_is_kept(offline_page, server):

    page, _aborted, _served, _dialogs = offline_page
    _open(page, server["url"])
    _map_frame(page).evaluate("() => { window.__sameMap = true; }")

    search = page.get_by_role("textbox", name="Search")
    search.fill("Aleppo")
    search.press("Enter")
    expected = apply_filters(load_events(server["db"]), FilterState(query="Aleppo"))
    _count(page, len(expected))
    _address(page, r"[?&]q=Aleppo\b")
    # The filter swapped the events layer; the map itself was not reloaded.
    assert _map_frame(page).evaluate("() => window.__sameMap") is True


def test_clicking_a_point_opens_its_evidence(offline_page, server):
    from playwright.sync_api import expect

    page, _aborted, _served, _dialogs = offline_page
    frame = _open(page, server["url"] + "?q=Aleppo")
    points = frame.locator("path.geo-point")
    if points.count() == 0:  # everything clustered: open a cluster first
        frame.locator(".geo-cluster").first.click()
    expect(points.first).to_be_visible(timeout=LOAD_MS)
    _map_frame(page).evaluate("() => { window.__sameMap = true; }")
    points.first.click()
    expect(frame.locator(".leaflet-popup-content")).to_be_visible(timeout=LOAD_MS)

    panel = page.locator(".ev-panel")
    expect(panel).to_be_visible(timeout=LOAD_MS)
    expect(panel.locator(".ev-report").first).to_be_visible()
    # The click reran the app without reloading the map: its popup is still open.
    assert _map_frame(page).evaluate("() => window.__sameMap") is True
    expect(frame.locator(".leaflet-popup-content")).to_be_visible()
    link = _address(page, r"[?&]event=[0-9a-f]+")
    event_id = parse_qs(urlsplit(link).query)["event"][0]
    assert event_id in set(load_events(server["db"])["event_id"])
    page.wait_for_timeout(500)
    _shot(page, "evidence")

    # The link with event=<id> opens the same evidence.
    again = page.context.new_page()
    again.goto(server["url"] + f"?event={event_id}")
    expect(again.locator(".ev-panel .ev-report").first).to_be_visible(timeout=LOAD_MS)


def test_choosing_a_table_row_focuses_the_map_and_opens_the_evidence(offline_page, server):
    from playwright.sync_api import expect

    page, _aborted, _served, _dialogs = offline_page
    _open(page, server["url"])
    _map_frame(page).evaluate("() => { window.__sameMap = true; }")
    # the events table, in its tab (the list beside the map is a grid too)
    grid = page.get_by_role("tabpanel", name="Table").locator('[data-testid="stDataFrame"]')
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    row_height = 35  # Streamlit's default; the header row is as high
    page.mouse.click(box["x"] + 15, box["y"] + row_height * 2.5)  # the 2nd row's checkbox
    link = _address(page, r"[?&]event=[0-9a-f]+")
    event_id = parse_qs(urlsplit(link).query)["event"][0]
    event = load_events(server["db"]).set_index("event_id").loc[event_id]
    expect(page.locator(".ev-panel .ev-report").first).to_be_visible(timeout=LOAD_MS)
    page.wait_for_function(
        """([lat, lon]) => {
            const frame = [...document.querySelectorAll('iframe')].find(
                f => f.title === 'streamlit_folium.st_folium');
            const map = frame && frame.contentWindow.map;
            if (!map) { return false; }
            const c = map.getCenter();
            return Math.abs(c.lat - lat) < 0.01 && Math.abs(c.lng - lon) < 0.01
                && map.getZoom() >= 9;
        }""",
        arg=[float(event["latitude"]), float(event["longitude"])],
        timeout=LOAD_MS,
    )
    assert _map_frame(page).evaluate("() => window.__sameMap") is True  # moved, not reloaded


def test_hostile_article_shows_as_text_and_runs_nothing(offline_page, server):
    from playwright.sync_api import expect

    _add_extra_article(server)
    expected = apply_filters(load_events(server["db"]), FilterState(query="Paris"))
    assert len(expected) > 0

    page, _aborted, _served, dialogs = offline_page
    frame = _open(page, server["url"] + "?q=Paris")
    _count(page, len(expected))
    marker = frame.locator("path.geo-point")
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

    panel = page.locator(".ev-panel")
    expect(panel).to_be_visible(timeout=LOAD_MS)
    assert HOSTILE_SCRIPT in panel.inner_text()
    assert panel.locator("script, img, i, b").count() == 0
    assert panel.locator('a[href^="javascript"]').count() == 0
    # The article reader: the whole text, place names marked, markup as text.
    page.get_by_text("Read the article, every place name highlighted").click()
    reader = page.locator(".ev-article")
    expect(reader).to_be_visible(timeout=LOAD_MS)
    assert HOSTILE_IMG in reader.inner_text()
    assert reader.locator("script, img").count() == 0
    assert reader.locator("mark").count() >= 1
    assert reader.locator("mark").first.get_attribute("title")

    page.wait_for_timeout(500)
    assert _map_frame(page).evaluate("() => document.body.dataset.pwned") is None
    assert page.evaluate("() => document.body.dataset.pwned") is None
    assert dialogs == []


def test_uploaded_article_adds_its_events(offline_page, server, tmp_path):
    from playwright.sync_api import expect

    page, _aborted, _served, dialogs = offline_page
    _open(page, server["url"])
    before = len(load_events(server["db"]))
    _count(page, before)

    article = tmp_path / "homs.md"
    article.write_text(
        "---\ntitle: Shelling in Homs\nsource: Upload Test News\npublished: 2016-10-02\n---\n"
        "Artillery shelled Homs on 1 October 2016, witnesses said.\n",
        encoding="utf-8",
    )
    bad = tmp_path / "notes.pdf"
    bad.write_bytes(b"%PDF-1.4 not an article")
    _add_files(page, [str(article), str(bad)])

    expect(page.get_by_text(re.compile(r"1 article read, 1 stored"))).to_be_visible(timeout=LOAD_MS)
    after = load_events(server["db"])
    assert len(after) > before
    assert "Upload Test News" in set(after["source"])
    _count(page, len(after))
    expect(page.get_by_text(re.compile(r"notes\.pdf: not a supported file type"))).to_be_visible()
    assert dialogs == []
    page.get_by_text(re.compile(r"1 article read, 1 stored")).scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    _shot(page, "upload")


# --- hostile templates and names (tests/test_adversarial.py has the rest) ----------------------

TEMPLATE_PAYLOADS = [
    "{{ 7*7 }}",
    "{% if 1 %}x{% endif %}",
    "{{ 5% }}",
    "{# hidden #}",
    "{{constructor.constructor('document.body.dataset.pwned=1')()}}",
    "{{ cycler.__init__.__globals__.os.getpid() }}",
    "${7*7} <%= 7*7 %>",
]
TEMPLATE_TITLE = "Adversarial " + " ".join(TEMPLATE_PAYLOADS) + " " + HOSTILE_IMG
TEMPLATE_SOURCE = "{{ 7*7 }} News {% raw %}"
BEACON = "198.51.100.7"  # TEST-NET-2: never a real host; any request to it is a leak


def _add_template_article(server) -> None:
    """An article with template syntax in its title, publisher, link and text."""
    import json

    from geo.ingest.pipeline import ingest_paths

    folder = server["db"].parent / "templates"
    folder.mkdir(exist_ok=True)
    text = " ".join(TEMPLATE_PAYLOADS)
    (folder / "templates.txt").write_text(
        f"Shelling in Lyon\n\nArtillery shelled Lyon on 5 May 2017 {text}, witnesses said.\n",
        encoding="utf-8",
    )
    manifest = {
        "templates.txt": {
            "title": TEMPLATE_TITLE,
            "source": TEMPLATE_SOURCE,
            "url": "javascript:alert('{{ 7*7 }}')",
            "published": "2017-05-06",
        }
    }
    (folder / "manifest.yaml").write_text(json.dumps(manifest), encoding="utf-8")
    summary = ingest_paths([folder], server["db"])
    assert summary.events >= 1, summary.lines()


def _assert_nothing_ran(page, dialogs) -> None:
    page.wait_for_timeout(500)
    for frame in page.frames:
        assert frame.evaluate("() => document.body && document.body.dataset.pwned") is None
    assert dialogs == []


def test_template_syntax_in_an_article_shows_as_text_and_the_map_draws(offline_page, server):
    from playwright.sync_api import expect

    _add_template_article(server)
    page, aborted, _served, dialogs = offline_page
    frame = _open(page, server["url"] + "?q=Adversarial")  # the map drew its markers
    marker = frame.locator("path.geo-point")
    expect(marker.first).to_be_visible(timeout=LOAD_MS)
    marker.first.click()
    popup = frame.locator(".leaflet-popup-content")
    expect(popup).to_be_visible(timeout=LOAD_MS)
    shown = popup.inner_text()
    for payload in (*TEMPLATE_PAYLOADS, TEMPLATE_SOURCE, HOSTILE_IMG):
        assert payload in shown, payload
    assert "49" not in shown  # {{ 7*7 }}, ${7*7}, <%= 7*7 %> stayed as written

    panel = page.locator(".ev-panel")
    expect(panel).to_be_visible(timeout=LOAD_MS)
    evidence = panel.inner_text()
    for payload in (*TEMPLATE_PAYLOADS, TEMPLATE_SOURCE):
        assert payload in evidence, payload
    assert "49" not in evidence
    assert panel.locator("img, script, a[href^=javascript]").count() == 0
    _assert_nothing_ran(page, dialogs)
    outside = {urlsplit(u).hostname for u in aborted}
    assert outside <= {TILE_HOST}, f"requests outside the app: {sorted(set(aborted))}"


def test_hostile_file_names_show_as_text_in_the_upload_report(offline_page, server):
    from playwright.sync_api import expect

    page, aborted, _served, dialogs = offline_page
    _open(page, server["url"])
    names = [
        f"<img src=http://{BEACON}/beacon.png> {{{{ 7*7 }}}}.pdf",
        f"**bold** [link](http://{BEACON}/x) ![i](http://{BEACON}/i.png) $x^2$ :red[r].pdf",
        "www.example.org a@b.org :material/home: {{ 5% }}.exe",
    ]
    _add_files(
        page,
        [{"name": name, "mimeType": "application/octet-stream", "buffer": b"x"} for name in names],
    )
    alerts = page.locator('[data-testid="stAlert"]')
    expect(alerts.filter(has_text="not a supported file type")).to_have_count(
        len(names), timeout=LOAD_MS
    )
    # Each name as written (an invisible WORD JOINER keeps Markdown from linking a URL).
    shown = [a.inner_text().replace(WORD_JOINER, "") for a in alerts.all()]
    for name in names:
        assert any(text.startswith(f"{name}: not a supported") for text in shown), shown
    for alert in alerts.all():
        assert alert.locator("a, img, strong, em, code, .katex, [role=img]").count() == 0
    _assert_nothing_ran(page, dialogs)
    assert not [u for u in aborted if BEACON in u], aborted


def test_standalone_html_export_draws_hostile_text_as_text(browser, tmp_path):
    from playwright.sync_api import expect

    from geo.view.mapview import standalone_html
    from tests.conftest import make_events

    payloads = [*TEMPLATE_PAYLOADS, HOSTILE_SCRIPT, HOSTILE_IMG]
    rows = [
        {
            "title": payload,
            "source": payload,
            "place": payload,
            "sentence": f"Shelling hit {payload} today.",
            "url": "javascript:alert(1)",
            "latitude": -40.0 + 10 * i,
            "longitude": -120.0 + 30 * i,
        }
        for i, payload in enumerate(payloads)
    ]
    path = tmp_path / "events-map.html"
    path.write_text(standalone_html(make_events(rows)), encoding="utf-8")

    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    outside, dialogs, errors = [], [], []
    page.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith("file:")
            else (outside.append(route.request.url), route.abort())
        ),
    )
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(path.as_uri())
        points = page.locator("path.geo-point")
        expect(points).to_have_count(len(payloads), timeout=LOAD_MS)
        page.wait_for_function(  # drawn where they belong once the map has fitted them
            """() => [...document.querySelectorAll("path.geo-point")]
                .every(p => p.getAttribute("d") && p.getAttribute("d") !== "M0 0")""",
            timeout=LOAD_MS,
        )
        assert errors == []
        shown = []
        for i in range(len(payloads)):  # the points are drawn in their own order
            points.nth(i).click(force=True)
            popup = page.locator(".leaflet-popup-content")
            expect(popup).to_be_visible(timeout=LOAD_MS)
            shown.append(popup.inner_text())
            assert popup.locator("script, img, a").count() == 0
            page.locator(".leaflet-popup-close-button").click()
            expect(popup).to_have_count(0, timeout=LOAD_MS)
        for payload in payloads:
            assert any(f"Shelling hit {payload} today." in text for text in shown), payload
        assert not any("49" in text for text in shown)
        _assert_nothing_ran(page, dialogs)
        assert {urlsplit(u).hostname for u in outside} <= {TILE_HOST}, outside
    finally:
        context.close()


# --- a feed added by URL (its own app: fetching from the local news site allowed) -------------


@pytest.fixture(scope="module")
def fetching_server(tmp_path_factory):
    """The dashboard allowed to fetch from the loopback network (the local news site of
    tests/http_fixture.py, served beside it), on an empty database it seeds itself."""
    from tests.http_fixture import serve_site
    from tests.test_cli_fetch import build_wire

    _require_chromium()
    folder = tmp_path_factory.mktemp("browser-fetch")
    db, log, settings = folder / "events.db", folder / "streamlit.log", folder / "geo.toml"
    settings.write_text("[fetch]\nmin_interval = 0\nretries = 0\ntimeout = 5\n", encoding="utf-8")
    port = _free_port()
    command = [
        sys.executable, "-m", "streamlit", "run", "dashboard.py",
        "--server.headless", "true", "--server.address", "127.0.0.1",
        "--server.port", str(port), "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    env = {
        **os.environ,
        "GEO_DB": str(db),
        "GEO_CONFIG": str(settings),
        "GEO_ALLOW_PRIVATE_ADDRESSES": "127.0.0.0/8",
    }
    with serve_site(build_wire) as site, log.open("wb") as out:
        proc = subprocess.Popen(
            command, cwd=PROJECT_DIR, env=env, stdout=out, stderr=subprocess.STDOUT
        )
        try:
            _wait_healthy(f"http://127.0.0.1:{port}/_stcore/health", proc, log)
            yield {"origin": f"127.0.0.1:{port}", "url": f"http://127.0.0.1:{port}/", "db": db,
                   "site": site}  # fmt: skip
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=15)


def test_a_feed_url_added_in_the_page_adds_its_events(browser, fetching_server):
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    # The browser reaches only the app: the feed is fetched by the server.
    page.route(
        "**/*",
        lambda route: (
            route.continue_()
            if urlsplit(route.request.url).netloc == fetching_server["origin"]
            else route.abort()
        ),
    )
    try:
        _open(page, fetching_server["url"], FIRST_LOAD_MS)
        before = len(load_events(fetching_server["db"]))
        _count(page, before)
        page.get_by_role("tab", name="Add articles").click()
        feed = fetching_server["site"].url("/wire/rss.xml")
        page.get_by_label("Or give URLs of articles or of RSS/Atom feeds, one a line").fill(feed)
        page.get_by_role("button", name="Fetch the URLs").click()

        expect(page.get_by_text(re.compile(r"2 articles fetched, 2 stored"))).to_be_visible(
            timeout=LOAD_MS
        )
        after = load_events(fetching_server["db"])
        assert len(after) > before
        assert {"Aleppo", "Mosul"} <= set(after["place"])
        _count(page, len(after))
    finally:
        context.close()


# --- editors and viewers -------------------------------------------------------------------

EDITOR_PASSWORD = "invented editor password"


def test_an_editor_password_locks_adding_and_correcting_until_given(browser, server, tmp_path):
    """A second server over the same (seeded) database, with an editor password set."""
    from playwright.sync_api import expect

    from geo.view import editing

    with _dashboard(
        server["db"], tmp_path / "locked.log", GEO_EDITOR_PASSWORD=EDITOR_PASSWORD
    ) as locked:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        try:
            _open(page, locked["url"])
            page.get_by_role("tab", name="Add articles").click()
            expect(page.get_by_text("Read-only: give the editor password").first).to_be_visible(
                timeout=LOAD_MS
            )
            assert page.locator('[data-testid="stFileUploaderDropzoneInput"]').count() == 0
            sidebar = page.get_by_role("region", name="Sidebar")
            for tried in range(1, editing.LOCKOUT_FAILURES):
                sidebar.get_by_label("Editor password").fill("a wrong guess")
                sidebar.get_by_role("button", name="Edit").click()
                left = editing.LOCKOUT_FAILURES - tried
                expect(sidebar.get_by_text(f"Wrong password ({left} tr")).to_be_visible(
                    timeout=LOAD_MS
                )
            sidebar.get_by_label("Editor password").fill("a wrong guess")
            sidebar.get_by_role("button", name="Edit").click()
            expect(sidebar.get_by_text("Too many wrong passwords")).to_be_visible(timeout=LOAD_MS)
            _shot(page, "editor-locked")

            second = context.browser.new_context(viewport={"width": 1400, "height": 1000})
            other = second.new_page()
            _open(other, locked["url"])
            bar = other.get_by_role("region", name="Sidebar")
            bar.get_by_label("Editor password").fill(EDITOR_PASSWORD)
            bar.get_by_label("Your name (recorded with corrections)").fill("Ana")
            bar.get_by_role("button", name="Edit").click()
            expect(bar.get_by_text("Editing as Ana")).to_be_visible(timeout=LOAD_MS)
            other.get_by_role("tab", name="Add articles").click()
            expect(other.locator('[data-testid="stFileUploaderDropzoneInput"]')).to_have_count(
                1, timeout=LOAD_MS
            )
            second.close()
        finally:
            context.close()


def test_the_cli_html_export_draws_every_mappable_event(browser, server, tmp_path):
    """`python -m geo export --format html` on the seeded database, opened from disk."""
    from playwright.sync_api import expect

    from geo.cli import main

    _seed(browser, server)
    path = tmp_path / "cli-map.html"
    assert main(["export", "--db", str(server["db"]), "--format", "html", "-o", str(path)]) == 0
    events = load_events(server["db"]).dropna(subset=["latitude", "longitude"])
    places = events.drop_duplicates(["latitude", "longitude"])
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort(),
    )
    try:
        page.goto(path.as_uri())
        expect(page.locator(".leaflet-container")).to_be_visible(timeout=LOAD_MS)
        page.wait_for_timeout(500)
        assert errors == []
        # Every place is drawn: as a point, an area, or inside a cluster that counts it.
        drawn = page.evaluate(
            """() => {
                let n = document.querySelectorAll("path.geo-point, path.geo-area").length;
                for (const c of document.querySelectorAll(".geo-cluster"))
                    n += parseInt(c.innerText.replace(/[^0-9]/g, "") || "0", 10);
                return n;
            }"""
        )
        assert drawn >= len(places) > 0, (drawn, len(places))
    finally:
        context.close()


# --- share links with the map's view -------------------------------------------------------

SHARE_BUTTON = 'iframe[srcdoc*="geoShareCopied"]'
LEAFLET_MAP = """() => {
    for (const key of Object.keys(window)) {
        const value = window[key];
        if (value && window.L && value instanceof window.L.Map) return key;
    }
    return null;
}"""


def _shown_link(page, pattern: str = "") -> str:
    """The share link shown as text under the copy button (once it matches `pattern`)."""
    from playwright.sync_api import expect

    shown = page.locator('[data-testid="stText"]').filter(has_text=re.compile(r"^https?://"))
    if pattern:
        shown = shown.filter(has_text=re.compile(pattern))
    expect(shown.first).to_be_visible(timeout=LOAD_MS)
    return shown.first.inner_text().strip()


def _map_view(page) -> tuple[float, float, int]:
    frame = _map_frame(page)
    name = frame.evaluate(LEAFLET_MAP)
    assert name, "no Leaflet map in the map's frame"
    return tuple(
        frame.evaluate(
            "(name) => { const c = window[name].getCenter();"
            " return [c.lat, c.lng, window[name].getZoom()]; }",
            name,
        )
    )


def test_copy_share_link_copies_the_view_and_a_second_browser_reopens_it(browser, server):
    from playwright.sync_api import expect

    _seed(browser, server)
    frame = load_events(server["db"])
    publisher = frame["source"].value_counts().index[0]
    expected = apply_filters(frame, FilterState(sources=(publisher,)))
    located = expected.dropna(subset=["latitude", "longitude"]).iloc[0]
    lat, lon, zoom = round(float(located["latitude"]), 3), round(float(located["longitude"]), 3), 9

    first = browser.new_context(
        viewport={"width": 1400, "height": 1000}, permissions=["clipboard-read", "clipboard-write"]
    )
    second = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = first.new_page()
        _open(page, server["url"] + "?" + urlencode({"source": publisher}))
        _count(page, len(expected))
        name = _map_frame(page).evaluate(LEAFLET_MAP)
        _map_frame(page).evaluate(
            "([name, lat, lon, zoom]) => window[name].setView([lat, lon], zoom)",
            [name, lat, lon, zoom],
        )
        shown = _shown_link(page, rf"zoom={zoom}")
        page.frame_locator(SHARE_BUTTON).get_by_role(
            "button", name=re.compile("Copy share link")
        ).click()
        expect(page.frame_locator(SHARE_BUTTON).get_by_text("Copied")).to_be_visible(
            timeout=LOAD_MS
        )
        copied = page.evaluate("() => navigator.clipboard.readText()")
        assert copied == shown
        params = parse_qs(urlsplit(copied).query)
        assert params["source"] == [publisher] and params["zoom"] == [str(zoom)]
        assert float(params["lat"][0]) == pytest.approx(lat, abs=5e-3)
        assert float(params["lon"][0]) == pytest.approx(lon, abs=5e-3)

        again = second.new_page()
        _open(again, copied)
        _count(again, len(expected))
        expect(
            again.get_by_role("region", name="Sidebar").get_by_text(publisher, exact=True)
        ).to_be_visible(timeout=LOAD_MS)
        again.wait_for_timeout(500)
        got_lat, got_lon, got_zoom = _map_view(again)
        assert got_zoom == zoom
        assert (got_lat, got_lon) == (pytest.approx(lat, abs=5e-3), pytest.approx(lon, abs=5e-3))
        _shot(again, "share-link")
    finally:
        first.close()
        second.close()


# A 1x1 PNG, served in place of every tile: the tile layer's 'tileload' fires.
TILE_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def test_the_basemap_is_credited_once_a_tile_loads(browser, server):
    from playwright.sync_api import expect

    _seed(browser, server)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()

    def route(route):
        host = urlsplit(route.request.url).hostname or ""
        if urlsplit(route.request.url).netloc == server["origin"]:
            route.continue_()
        elif host.endswith(TILE_HOST):
            route.fulfill(status=200, content_type="image/png", body=TILE_PNG)
        else:
            route.abort()

    page.route("**/*", route)
    try:
        frame = _open(page, server["url"])
        expect(frame.locator(".leaflet-control-attribution")).to_contain_text(
            "OpenStreetMap", timeout=LOAD_MS
        )
    finally:
        context.close()


def _map_bounds(page, frame_index: int = 0) -> dict:
    return page.evaluate(
        """(i) => {
            const frames = [...document.querySelectorAll('iframe')].filter(
                f => f.title === 'streamlit_folium.st_folium');
            const b = frames[i].contentWindow.map.getBounds();
            return {bounds: {_southWest: b.getSouthWest(), _northEast: b.getNorthEast()}};
        }""",
        frame_index,
    )


def test_the_list_beside_the_map_follows_its_view(offline_page, server):
    """Only a browser has a map view: zooming in on one event leaves in the list the
    happenings inside the new view, the newest first."""
    from playwright.sync_api import expect

    from geo.view.overview import bounds_from_folium, grand_total, in_bounds

    page, _aborted, _served, _dialogs = offline_page
    _open(page, server["url"])
    shown = apply_filters(load_events(server["db"]), FilterState())
    caption = page.get_by_text(re.compile(r"^\d+ happenings?, newest first"))
    expect(caption).to_be_visible(timeout=LOAD_MS)
    everywhere = grand_total(in_bounds(shown, bounds_from_folium(_map_bounds(page))))[0]
    assert caption.inner_text().startswith(f"{everywhere} happening")

    target = shown.dropna(subset=["latitude"]).iloc[0]
    _map_frame(page).evaluate(
        "([lat, lon]) => window.map.setView([lat, lon], 13)",
        [float(target["latitude"]), float(target["longitude"])],
    )
    page.wait_for_timeout(500)  # the view report is debounced
    _settled(page)
    here = grand_total(in_bounds(shown, bounds_from_folium(_map_bounds(page))))[0]
    assert 1 <= here < everywhere
    expect(page.get_by_text(re.compile(rf"^{here} happenings?, newest first"))).to_be_visible(
        timeout=LOAD_MS
    )


def test_typing_a_name_and_enter_picks_that_one_option(offline_page, server):
    """Streamlit's default multiselect put 'Select all N matches' first: Enter picked
    every fuzzy match of what was typed."""
    from playwright.sync_api import expect

    page, _aborted, _served, _dialogs = offline_page
    _open(page, server["url"])
    types = sorted(set(apply_filters(load_events(server["db"]), FilterState())["event_type"]))
    typed = "a"
    matching = [t for t in types if typed in t]
    assert len(matching) >= 2, "the seeds should give several types containing 'a'"
    box = page.get_by_role("region", name="Sidebar").get_by_role("combobox", name="Event type")
    box.click()
    page.keyboard.type(typed)
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    link = _address(page, r"[?&]type=")
    assert len(parse_qs(urlsplit(link).query)["type"]) == 1
    picked = parse_qs(urlsplit(link).query)["type"][0]
    assert typed in picked
    expected = apply_filters(load_events(server["db"]), FilterState(types=(picked,)))
    expect(
        page.get_by_role("heading", name=re.compile(rf"^{count_label(len(expected))}"))
    ).to_be_visible(timeout=LOAD_MS)


def test_the_pin_map_opens_on_the_event_with_town_names(offline_page, server):
    from playwright.sync_api import expect

    page, _aborted, _served, _dialogs = offline_page
    events = apply_filters(load_events(server["db"]), FilterState()).dropna(subset=["latitude"])
    event = events.iloc[0]
    page.goto(server["url"] + f"?event={event['event_id']}")  # the map opens on the event
    page.frame_locator(MAP_FRAME).first.locator(".leaflet-container").wait_for(timeout=LOAD_MS)
    expect(page.locator(".ev-panel .ev-report").first).to_be_visible(timeout=LOAD_MS)
    _settled(page)
    page.get_by_role("tab", name="Correct a place").click()
    expect(page.locator(".fix-sentence")).to_be_visible(timeout=LOAD_MS)
    page.get_by_text("where I drop a pin").click()
    pin_frame = page.frame_locator(MAP_FRAME).nth(1)
    pin_frame.locator(".leaflet-container").wait_for(timeout=LOAD_MS)
    _settled(page)
    expect(pin_frame.locator(".pin-town").first).to_be_visible(timeout=LOAD_MS)
    view = page.evaluate(
        """() => {
            const frames = [...document.querySelectorAll('iframe')].filter(
                f => f.title === 'streamlit_folium.st_folium');
            const map = frames[1].contentWindow.map;
            const c = map.getCenter();
            return [c.lat, c.lng, map.getZoom()];
        }"""
    )
    assert abs(view[0] - float(event["latitude"])) < 0.05
    assert abs(view[1] - float(event["longitude"])) < 0.05
    assert view[2] >= 10
    _shot(page, "pin_map")


# --- readability without tiles (issue 14): the standalone map, opened from disk ---------------

_LEAFLET_MAP = "Object.values(window).find(v => v instanceof L.Map)"


def _open_file(browser, html: str, folder: Path, viewport=(1200, 900)):
    """A page showing `html` from disk, every request outside it aborted; (context, page)."""
    path = folder / "map.html"
    path.write_text(html, encoding="utf-8")
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    page = context.new_page()
    page.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort(),
    )
    page.goto(path.as_uri())
    page.wait_for_function(f"() => window.L && {_LEAFLET_MAP}", timeout=LOAD_MS)
    return context, page


def _view(page, lat: float, lon: float, zoom: int) -> None:
    page.evaluate(f"([a, b, z]) => {_LEAFLET_MAP}.setView([a, b], z, {{animate: false}})",
                  [lat, lon, zoom])  # fmt: skip
    page.wait_for_timeout(300)


_LABELS = """() => [...document.querySelectorAll('.geo-label span')].map(s => {
    const r = s.getBoundingClientRect();
    return {name: s.textContent, box: [r.left, r.top, r.right, r.bottom]};
})"""


def test_town_names_show_without_tiles_more_as_one_zooms_in_and_never_overlap(browser, tmp_path):
    from geo.view.mapview import standalone_html
    from tests.conftest import make_events

    frame = make_events(
        [
            {"latitude": 36.2, "longitude": 37.13},
            {"latitude": 35.93, "longitude": 36.63, "admin1": "Idlib", "place": "Idlib"},
        ]
    )
    context, page = _open_file(browser, standalone_html(frame), tmp_path)
    try:
        counts = {}
        for zoom in (5, 7, 9):
            _view(page, 36.0, 37.0, zoom)
            labels = page.evaluate(_LABELS)
            counts[zoom] = len(labels)
            boxes = [label["box"] for label in labels]
            for i, a in enumerate(boxes):  # no two names overlap
                for b in boxes[i + 1 :]:
                    assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
            names = {label["name"] for label in labels}
            assert "Aleppo" in names
            if zoom >= 7:
                assert "Idlib" in names  # the two clusters can be told apart
        assert 0 < counts[5] < counts[7] <= counts[9], counts
    finally:
        context.close()


def test_the_legend_folds_where_it_would_cover_a_small_map_and_the_reader_unfolds_it(
    browser, tmp_path
):
    from playwright.sync_api import expect

    from geo.view.mapview import standalone_html
    from tests.conftest import make_events

    html = standalone_html(make_events([{}]), labels=[])
    for viewport, folded in (((520, 400), True), ((1400, 1000), False)):
        context, page = _open_file(browser, html, tmp_path, viewport)
        try:
            details = page.locator(".geo-legend details")
            expect(details).to_be_attached(timeout=LOAD_MS)
            assert details.evaluate("d => d.open") is (not folded), viewport
            page.locator(".geo-legend summary").click()
            assert details.evaluate("d => d.open") is folded  # the reader's choice
            if not folded:
                continue
            legend = page.locator(".geo-legend").bounding_box()
            assert legend["width"] * legend["height"] > 0.1 * 520 * 400  # open, it was big
        finally:
            context.close()


def test_places_known_only_as_a_region_or_country_are_symbols_not_huge_circles(browser, tmp_path):
    from geo.view.mapview import standalone_html
    from tests.conftest import make_events

    frame = make_events(
        [
            {"latitude": 36.2, "longitude": 37.13, "precision": "admin1"},
            {"latitude": 35.0, "longitude": 38.5, "precision": "country", "admin1": None},
            {"latitude": 33.5, "longitude": 36.3, "place": "Damascus"},
        ]
    )
    # No outlines in the standalone file: the country falls back to the region symbol.
    context, page = _open_file(browser, standalone_html(frame, labels=[]), tmp_path)
    try:
        for zoom in (4, 7):
            _view(page, 35.0, 37.5, zoom)
            areas = page.locator("path.geo-area")
            assert areas.count() == 2
            for i in range(2):  # the same size at every zoom: 13 px, not 60 or 300 km
                box = areas.nth(i).bounding_box()
                assert box["width"] < 35 and box["height"] < 35, (zoom, box)
    finally:
        context.close()


def test_counts_per_province_replace_the_points_and_heat_shows_its_own_legend(browser, tmp_path):
    from geo.view.mapview import standalone_html
    from tests.conftest import make_events

    frame = make_events(
        [
            {"latitude": 36.2, "longitude": 37.13},
            {"latitude": 36.3, "longitude": 37.0},
            {"latitude": 35.93, "longitude": 36.63, "admin1": "Idlib"},
            {"latitude": 33.3, "longitude": 44.4, "country_code": "IQ", "admin1": "Baghdad"},
        ]
    )
    context, page = _open_file(browser, standalone_html(frame, provinces=True), tmp_path)
    try:
        page.wait_for_function(
            "() => document.querySelectorAll('path.geo-province').length === 3",
            timeout=LOAD_MS,
        )
        assert page.locator("path.geo-point, .geo-cluster").count() == 0
        assert page.locator(".geo-legend").get_attribute("data-mode") == "provinces"
        # the map fits its view with a zoom animation, which moves and resizes the circles
        # (a hover during it can leave the circle before its tooltip opens): hover once
        # the view has settled (and the circles are resized, on zoomend)
        page.wait_for_function(
            "() => !document.querySelector('.leaflet-zoom-anim, .leaflet-pan-anim')",
            timeout=LOAD_MS,
        )
        page.wait_for_timeout(300)
        page.locator("path.geo-province").first.hover(force=True)
        # the pointer crosses other provinces on its way, whose tooltips may linger: the
        # hovered one's is the one asked for
        tip = page.locator(".leaflet-tooltip", has_text="Aleppo (SY): 2 events")
        tip.wait_for(timeout=LOAD_MS)
    finally:
        context.close()
    context, page = _open_file(browser, standalone_html(frame, heat=True, labels=[]), tmp_path)
    try:
        page.locator("canvas.geo-heat").wait_for(state="attached", timeout=LOAD_MS)
        legend = page.locator(".geo-legend")
        assert legend.get_attribute("data-mode") == "heat"
        if not page.locator(".geo-legend details").evaluate("d => d.open"):
            page.locator(".geo-legend summary").click()
        assert legend.locator(".geo-legend-heat").is_visible()
        assert not legend.locator(".geo-legend-points").is_visible()  # no type colours
    finally:
        context.close()


def test_the_dashboard_shades_countries_by_their_events_in_the_provinces_mode(offline_page, server):
    from playwright.sync_api import expect

    page, _aborted, _served, _dialogs = offline_page
    page.goto(server["url"] + "?provinces=true")
    frame = page.frame_locator(MAP_FRAME).first
    expect(frame.locator("path.geo-choropleth").first).to_be_attached(timeout=FIRST_LOAD_MS)
    expect(frame.locator("path.geo-province").first).to_be_attached(timeout=LOAD_MS)
    assert frame.locator(".geo-legend").get_attribute("data-mode") == "provinces"
    assert page.get_by_role("switch", name="Counts per province").is_checked()
