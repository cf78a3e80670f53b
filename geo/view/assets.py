"""The map's JavaScript, CSS and background data, served by the app itself.

folium loads Leaflet, jQuery, Bootstrap and Font Awesome from CDNs by default, and a map
without them is a blank frame when the machine has no internet access. Instead:

1. `install_assets` copies the files the map needs from installed packages (XStatic-Leaflet,
   XStatic-jQuery; Debian's libjs-leaflet / libjs-jquery as a fallback), and the map's
   own JavaScript and CSS (geo/view/static/geo-map.js and .css), into `static/vendor/`,
   and writes an outline of the world's countries there (from the `countryinfo`
   package's Natural Earth-derived polygons) for when basemap tiles cannot load.
   Streamlit serves `static/` at `/app/static/` when `server.enableStaticServing` is on
   (see .streamlit/config.toml). `static/vendor/` is generated, never committed.
2. `map_assets` gives the URLs of those files, and `localize` points every folium element
   of a map at them; `inline_page` writes them into a page (the standalone HTML export).
   An element asking for a resource we do not serve is an error, so a new folium plugin
   cannot silently bring a CDN link back.

Nothing here imports Streamlit.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import folium
import folium.elements

from geo.config import PROJECT_DIR

# Streamlit serves the `static` folder beside the main script (dashboard.py).
STATIC_DIR = PROJECT_DIR / "static"
# The map's own JavaScript and CSS (geo/view/mapview.py calls them), kept beside the code.
OWN_FILES = Path(__file__).resolve().parent / "static"
VENDOR = "vendor"
STATIC_ROUTE = "app/static"

OUTLINE_FILE = "countries/countries.json"


class AssetError(RuntimeError):
    """A file the map needs is not installed, or a map element asks for one we do not serve."""


@dataclass(frozen=True)
class VendorFile:
    """One file (or folder) copied into static/vendor/ from the first source that has it."""

    target: str  # path under static/vendor/
    sources: tuple[tuple[str, str], ...]  # (python package or absolute folder, path under it)
    optional: bool = False  # the map works without it (less well): skipped when missing


def _xstatic(name: str) -> str:
    return f"xstatic.pkg.{name}"


# Everything the map loads. Keys are the names folium gives its default links.
VENDOR_FILES: dict[str, VendorFile] = {
    "leaflet": VendorFile(
        "leaflet/leaflet.js",
        ((_xstatic("leaflet"), "leaflet.js"), ("/usr/share/javascript/leaflet", "leaflet.js")),
    ),
    "leaflet_css": VendorFile(
        "leaflet/leaflet.css",
        ((_xstatic("leaflet"), "leaflet.css"), ("/usr/share/javascript/leaflet", "leaflet.css")),
    ),
    "leaflet_images": VendorFile(
        "leaflet/images",
        ((_xstatic("leaflet"), "images"), ("/usr/share/javascript/leaflet", "images")),
    ),
    "markercluster": VendorFile(
        "leaflet.markercluster/leaflet.markercluster.js",
        (
            (_xstatic("leaflet_markercluster"), "leaflet.markercluster.js"),
            ("/usr/share/javascript/leaflet.markercluster", "leaflet.markercluster.js"),
        ),
        optional=True,  # without it, points are drawn unclustered
    ),
    "markercluster_css": VendorFile(
        "leaflet.markercluster/MarkerCluster.css",
        (
            (_xstatic("leaflet_markercluster"), "MarkerCluster.css"),
            ("/usr/share/javascript/leaflet.markercluster", "MarkerCluster.css"),
        ),
        optional=True,
    ),
    "jquery": VendorFile(
        "jquery/jquery.min.js",
        (
            (_xstatic("jquery"), "jquery.min.js"),
            ("/usr/share/javascript/jquery", "jquery.min.js"),
        ),
    ),
    # Ours: served and inlined the same way as the packages' files.
    "geo_map": VendorFile("geo/geo-map.js", ((str(OWN_FILES), "geo-map.js"),)),
    "geo_map_css": VendorFile("geo/geo-map.css", ((str(OWN_FILES), "geo-map.css"),)),
}

# folium link name -> file above. jQuery is kept: folium's own Popup(Html) and a few
# plugins call `$`; it is small and local.
# The marker clustering plugin (XStatic-Leaflet-MarkerCluster) under folium's own link
# names for it. Its "Default" stylesheet is not loaded: geo/view/static/geo-map.css styles
# the clusters.
LOCAL_JS: dict[str, str] = {
    "leaflet": "leaflet",
    "jquery": "jquery",
    "markerclusterjs": "markercluster",
    "geo_map_js": "geo_map",
}
LOCAL_CSS: dict[str, str] = {
    "leaflet_css": "leaflet_css",
    "markerclustercss": "markercluster_css",
    "geo_map_css": "geo_map_css",
}
# Links folium adds that this map does not need: Bootstrap and the awesome-markers icons
# style folium's Marker icons only; popups and tooltips are Leaflet's own.
DROPPED: frozenset[str] = frozenset(
    {
        "bootstrap",
        "awesome_markers",
        "bootstrap_css",
        "glyphicons_css",
        "awesome_markers_font_css",
        "awesome_markers_css",
        "awesome_rotate_css",
        "markerclusterdefaultcss",
    }
)


@dataclass(frozen=True)
class MapAssets:
    """The URLs a map loads its code and background from."""

    js: tuple[tuple[str, str], ...]  # (folium link name, url)
    css: tuple[tuple[str, str], ...]
    outline_url: str | None = None  # GeoJSON of country outlines, or None to draw none


def static_url(relative: str, base_url_path: str = "") -> str:
    """The URL path Streamlit serves `static/vendor/<relative>` at."""
    base = base_url_path.strip("/")
    prefix = f"/{base}" if base else ""
    return f"{prefix}/{STATIC_ROUTE}/{VENDOR}/{relative.lstrip('/')}"


def map_assets(base_url_path: str = "", *, outline: bool = True) -> MapAssets:
    """The local URLs of everything the map loads (whether installed yet or not)."""
    return MapAssets(
        js=tuple(
            (name, static_url(VENDOR_FILES[key].target, base_url_path))
            for name, key in LOCAL_JS.items()
        ),
        css=tuple(
            (name, static_url(VENDOR_FILES[key].target, base_url_path))
            for name, key in LOCAL_CSS.items()
        ),
        outline_url=static_url(OUTLINE_FILE, base_url_path) if outline else None,
    )


def inline_page(page: str, static_dir: Path | None = None) -> str:
    """`page` (a rendered map) with every script and stylesheet the app serves inlined,
    so the HTML file works on its own, opened from disk. Reads the installed packages."""
    targets = {item.target: item for item in VENDOR_FILES.values()}

    def content(url: str) -> str | None:
        marker = f"/{STATIC_ROUTE}/{VENDOR}/"
        if marker not in url:
            return None
        item = targets.get(url.split(marker, 1)[1])
        if item is None:
            return None
        try:
            return find_source(item).read_text(encoding="utf-8")
        except AssetError:
            if item.optional:
                return ""
            raise

    def script(match: re.Match) -> str:
        text = content(match.group(1))
        if text is None:
            return match.group(0)
        return "<script>" + text.replace("</script", "<\\/script") + "</script>"

    def style(match: re.Match) -> str:
        text = content(match.group(1))
        if text is None:
            return match.group(0)
        return "<style>" + text.replace("</style", "<\\/style") + "</style>"

    page = re.sub(r'<script src="([^"]+)"></script>', script, page)
    return re.sub(r'<link rel="stylesheet" href="([^"]+)"\s*/?>', style, page)


def _elements(element: object) -> Iterator[object]:
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _elements(child)


def localize(m: folium.Map, assets: MapAssets) -> folium.Map:
    """Point every folium element of `m` at `assets` instead of CDNs; return `m`.

    Sets the links on each element (not on its class: folium's defaults are class-level
    lists shared by every map). Raises AssetError for a link we neither serve nor drop.
    """
    js = dict(assets.js)
    css = dict(assets.css)
    for element in _elements(m):
        if not isinstance(element, folium.elements.JSCSSMixin):
            continue
        element.default_js = _local_links(element, element.default_js, js)
        element.default_css = _local_links(element, element.default_css, css)
    return m


def _local_links(
    element: object, links: Iterable[tuple[str, str]], local: dict[str, str]
) -> list[tuple[str, str]]:
    out = []
    for name, _url in links:
        if name in local:
            out.append((name, local[name]))
        elif name not in DROPPED:
            raise AssetError(
                f"{type(element).__name__} loads {name!r}, which the app does not serve: "
                "add it to geo/view/assets.py (VENDOR_FILES and LOCAL_JS/LOCAL_CSS) or drop it"
            )
    return out


# --- installing the files -------------------------------------------------------------------


def _source_path(source: str, relative: str) -> Path | None:
    if source.startswith("/"):
        folder = Path(source)
    else:
        try:
            spec = importlib.util.find_spec(source)
        except ModuleNotFoundError:  # its parent package (xstatic) is missing
            return None
        if spec is None or not spec.submodule_search_locations:
            return None
        # XStatic packages keep their files in a `data` folder beside __init__.py.
        folder = Path(next(iter(spec.submodule_search_locations))) / "data"
    path = folder / relative
    return path if path.exists() else None


def find_source(item: VendorFile) -> Path:
    for source, relative in item.sources:
        path = _source_path(source, relative)
        if path is not None:
            return path
    tried = ", ".join(f"{s}/{r}" for s, r in item.sources)
    raise AssetError(f"{item.target}: not installed (looked in {tried})")


def _write_atomic(target: Path, data: bytes) -> bool:
    """Write `data` to `target` unless it already holds it; True when written."""
    if target.is_file() and target.read_bytes() == data:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return True


def _copy(source: Path, target: Path) -> None:
    if source.is_dir():
        for child in sorted(source.iterdir()):
            _copy(child, target / child.name)
    else:
        _write_atomic(target, source.read_bytes())


def outline_geojson() -> dict | None:
    """A FeatureCollection of country outlines from the `countryinfo` package, or None.

    countryinfo (MIT) ships each country's polygon, derived from Natural Earth's 1:110m
    countries (public domain). A few countries have no polygon there; an outline is a
    background only, so that is acceptable.
    """
    spec = importlib.util.find_spec("countryinfo")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "data"
    features: dict[str, dict] = {}
    for path in sorted(folder.glob("*.json")):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        collection = record.get("geoJSON") if isinstance(record, dict) else None
        if not isinstance(collection, dict):
            continue
        iso = record.get("ISO") if isinstance(record.get("ISO"), dict) else {}
        iso2 = str(iso.get("alpha2") or "")  # the events' country codes (geo/schema.py)
        for feature in collection.get("features") or []:
            geometry = feature.get("geometry") or {}
            if geometry.get("type") not in ("Polygon", "MultiPolygon"):
                continue
            key = str(feature.get("id") or path.stem)
            features.setdefault(
                key,
                {
                    "type": "Feature",
                    "id": key,
                    "properties": {
                        "name": str((feature.get("properties") or {}).get("name")),
                        "iso2": iso2,
                    },
                    "geometry": {
                        "type": geometry["type"],
                        "coordinates": _rounded(geometry["coordinates"]),
                    },
                },
            )
    if not features:
        return None
    return {"type": "FeatureCollection", "features": [features[k] for k in sorted(features)]}


def _rounded(value: object) -> object:
    # 0.001 degree (~100 m) is far finer than a 1:110m outline needs.
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    if isinstance(value, float):
        return round(value, 3)
    return value


def install_assets(static_dir: Path = STATIC_DIR) -> tuple[str, ...]:
    """Copy the map's files into `static_dir`/vendor; return the paths written there.

    Idempotent and safe to run from several processes at once (each file is replaced
    atomically, and only when its content changed). Raises AssetError when Leaflet
    itself is not installed; the clustering plugin and the country outline are optional.
    """
    vendor = static_dir / VENDOR
    installed = []
    for item in VENDOR_FILES.values():
        try:
            source = find_source(item)
        except AssetError:
            if item.optional:
                continue
            raise
        _copy(source, vendor / item.target)
        installed.append(item.target)
    outline = outline_geojson()
    if outline is not None:
        data = json.dumps(outline, separators=(",", ":"), sort_keys=True).encode()
        _write_atomic(vendor / OUTLINE_FILE, data)
        installed.append(OUTLINE_FILE)
    return tuple(installed)
