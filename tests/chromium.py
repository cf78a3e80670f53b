"""How the browser tests and bench/browser.py run Debian's chromium through Playwright
(browsers cannot be downloaded here), and how they find what the map draws."""

from __future__ import annotations

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
# Headless (Playwright's default), as root in a container (no sandbox), no GPU, and no
# calls of its own to the network (updates, sync): the tests allow loopback only.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
DRAWN = "path.geo-point, path.geo-area, .geo-cluster"  # whatever the map draws events as
