"""Shared test helpers: the committed fixture gazetteer and paths to optional data."""

from __future__ import annotations

import json
from pathlib import Path

from geo.place.gazetteer import Gazetteer, write_index

TESTS_DIR = Path(__file__).resolve().parent
PROJECT_DIR = TESTS_DIR.parent
SHARED_DIR = PROJECT_DIR.parent / "shared"
FIXTURE_ROWS = TESTS_DIR / "fixtures" / "gazetteer.jsonl"


def fixture_rows() -> list[dict]:
    return [json.loads(line) for line in FIXTURE_ROWS.read_text(encoding="utf-8").splitlines()]


def build_fixture_gazetteer(folder: Path) -> Gazetteer:
    """A tiny gazetteer of homonyms (Paris ×3, Springfield ×3, Aleppo city and region...)."""
    path = folder / "fixture-gazetteer.sqlite"
    if not path.exists():
        write_index(path, [("fixture", fixture_rows(), "fixture")])
    return Gazetteer(path)
