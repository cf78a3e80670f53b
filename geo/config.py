"""Where things live on disk, and the user's settings.

The events database comes from `--db`, else the GEO_DB environment variable, else
`data/events.db` in the project folder: a file path (SQLite) or a URL
(``postgresql://user:pass@host:5432/name``, ``sqlite:///PATH``), opened by
geo.store.open_store. URLs may hold a password: messages show `redact_location(...)`.
Compiled caches (the gazetteer index, the online geocoder's cache) go in the data folder
too; GEO_DATA_DIR moves it.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

PROJECT_DIR = Path(__file__).resolve().parent.parent
SEEDS_DIR = PROJECT_DIR / "seeds"
SETTINGS_FILE_NAME = "geo.toml"


def data_dir() -> Path:
    path = Path(os.environ.get("GEO_DATA_DIR") or PROJECT_DIR / "data")
    path.mkdir(parents=True, exist_ok=True)
    return path


# scheme://... : a URL (a Windows drive letter "C:\\" has no "//" after its colon)
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
# Query parameters of a database URL that carry a secret (libpq's names).
_SECRET_PARAMETERS = {"password", "sslpassword"}
HIDDEN = "***"


def is_url(location: str | os.PathLike[str]) -> bool:
    return not isinstance(location, os.PathLike) and bool(_URL.match(str(location)))


def resolve_db_path(cli_value: str | os.PathLike[str] | None = None) -> str | Path:
    """The events database: `--db`, else $GEO_DB, else data/events.db. A URL is returned
    as given (a str: ``postgresql://...`` must not be collapsed into a path), a file as a
    Path; either goes to geo.store.open_store."""
    value = cli_value or os.environ.get("GEO_DB")
    if not value:
        return data_dir() / "events.db"
    return str(value) if is_url(value) else Path(value)


def redact_location(location: str | os.PathLike[str]) -> str:
    """A database location fit to print: a URL's password (in its user part or a
    password= parameter) replaced by ***; a path as it is."""
    text = str(location)
    if not is_url(text):
        return text
    try:
        parts = urlsplit(text)
    except ValueError:  # not parseable: hide everything between the scheme and the host
        scheme, _, rest = text.partition("://")
        return f"{scheme}://{HIDDEN}@{rest.rpartition('@')[2]}" if "@" in rest else text
    netloc = parts.netloc
    user, at, host = netloc.rpartition("@")
    if at and ":" in user:
        netloc = f"{user.split(':', 1)[0]}:{HIDDEN}@{host}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        if any(key.lower() in _SECRET_PARAMETERS for key, _ in pairs):
            query = urlencode(
                [(k, HIDDEN if k.lower() in _SECRET_PARAMETERS else v) for k, v in pairs],
                safe="*",
            )
    if (netloc, query) == (parts.netloc, parts.query):
        return text  # nothing hidden: as given (urlunsplit would drop sqlite:////'s slashes)
    return urlunsplit(parts._replace(netloc=netloc, query=query))


def load_settings(path: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """User settings from geo.toml ($GEO_CONFIG, else ./geo.toml, else the project's).

    Missing file: no settings (everything offline, defaults). A malformed file is an error
    that names the file, not a silent fallback.
    """
    candidates = (
        [Path(path)]
        if path
        else [
            Path(p)
            for p in (
                os.environ.get("GEO_CONFIG"),
                Path.cwd() / SETTINGS_FILE_NAME,
                PROJECT_DIR / SETTINGS_FILE_NAME,
            )
            if p
        ]
    )
    for candidate in candidates:
        if candidate.is_file():
            try:
                return tomllib.loads(candidate.read_text(encoding="utf-8"))
            except tomllib.TOMLDecodeError as exc:
                raise ValueError(f"{candidate}: not valid TOML: {exc}") from exc
    return {}


def publisher_homes(settings: dict[str, Any] | None = None) -> dict[str, str]:
    """Publisher name -> its home place as written in the settings:

        [publishers."The Daily Progress"]
        home = "Charlottesville, Virginia, US"   # or a GeoNames id: 4752031

    A local paper's home region is the strongest evidence of which of several same-name
    places its stories mean (geo/place/resolve.py `home_place`). A malformed entry is an
    error naming the setting."""
    settings = load_settings() if settings is None else settings
    table = settings.get("publishers", {})
    if not isinstance(table, dict):
        raise ValueError(f"{SETTINGS_FILE_NAME}: [publishers] must be a table of publishers")
    homes = {}
    for name, entry in table.items():
        home = entry.get("home") if isinstance(entry, dict) else None
        if home is None:
            continue
        if isinstance(home, bool) or not isinstance(home, str | int) or not str(home).strip():
            raise ValueError(
                f'{SETTINGS_FILE_NAME}: [publishers."{name}"] home must be a place name '
                f'("Town, Region, Country") or a GeoNames id, got {home!r}'
            )
        homes[str(name)] = str(home).strip()
    return homes
