"""Where things live on disk, and the user's settings.

The database path comes from `--db`, else the GEO_DB environment variable, else
`data/events.db` in the project folder. Compiled caches (the gazetteer index, the online
geocoder's cache) go in the data folder too; GEO_DATA_DIR moves it.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parent.parent
SEEDS_DIR = PROJECT_DIR / "seeds"
SETTINGS_FILE_NAME = "geo.toml"


def data_dir() -> Path:
    path = Path(os.environ.get("GEO_DATA_DIR") or PROJECT_DIR / "data")
    path.mkdir(parents=True, exist_ok=True)
    return path


def resolve_db_path(cli_value: str | os.PathLike[str] | None = None) -> Path:
    """The events database: `--db`, else $GEO_DB, else data/events.db."""
    if cli_value:
        return Path(cli_value)
    if os.environ.get("GEO_DB"):
        return Path(os.environ["GEO_DB"])
    return data_dir() / "events.db"


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
