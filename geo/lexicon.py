"""The project's word lists and rules as data: files under geo/data/, one copy of each,
each with its source written at its head. Loaded once, on first use."""

from __future__ import annotations

from pathlib import Path

DATA_DIR = Path(__file__).with_name("data")


def data_path(name: str) -> Path:
    """The path of a data file shipped in geo/data/."""
    return DATA_DIR / name
