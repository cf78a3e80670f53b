"""The development halves every bench reports: one rule, so that an article is in the same half
in every file that holds it.

An id's half is the parity of the digit sum of its trailing integer: `fakes:1924058176` and
FA-KES `unit_id` 1924058176 share it, as do `geovirus:17` and `geovirus:geovirus:17`, and the
LGL ids (`lgl:44026163`) likewise. The digit sum rather than the integer itself because it
splits the small event-gold files more evenly (29/31 and 8/12 articles rather than 40/20 and
7/13) and it needs no hash, so anyone can compute it by hand. An id without a trailing integer
falls back to the sum of its character codes. Half A is the tuning half, half B the check.

Also where the development data lies: `../shared` beside the checkout, or further up for a
worktree nested one level deeper (`/work/wt/NAME` -> `/work/shared`), or `GEO_SHARED_DIR`.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parent.parent
HALVES = ("A", "B")
_TRAILING_INTEGER = re.compile(r"(\d+)\s*$")


def half_of(article_id: Any) -> str:
    """'A' or 'B' for an id of any of the dev files (a string or an integer)."""
    text = str(article_id)
    trailing = _TRAILING_INTEGER.search(text)
    weight = sum(map(int, trailing.group(1))) if trailing else sum(map(ord, text))
    return HALVES[weight % 2]


def in_half(rows: Iterable[dict], half: str, key: str = "id") -> Iterator[dict]:
    return (row for row in rows if half_of(row[key]) == half)


def shared_dir() -> Path:
    """The directory holding data/ and eval/score.py (may not exist: benches then skip)."""
    if os.environ.get("GEO_SHARED_DIR"):
        return Path(os.environ["GEO_SHARED_DIR"])
    for parent in PROJECT_DIR.parents:
        if (parent / "shared" / "eval" / "score.py").is_file():
            return parent / "shared"
    return PROJECT_DIR.parent / "shared"


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def write_jsonl(path: Path, rows: Iterable[dict]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def write_jsonl_halves(path: Path, rows: list[dict], directory: Path) -> dict[str, Path]:
    """'all' -> path, 'A'/'B' -> a temporary JSONL of that half of `rows` in `directory`."""
    files = {"all": path}
    for half in HALVES:
        files[half] = directory / f"{path.stem}.half{half}.jsonl"
        write_jsonl(files[half], in_half(rows, half))
    return files
