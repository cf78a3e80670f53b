"""Invented news articles for the ingest tests: made-up sentences about real towns, never
text from ../shared. Deterministic for a given seed."""

from __future__ import annotations

import random
from pathlib import Path

TOWNS = (
    "Aleppo", "Homs", "Idlib", "Hama", "Daraa", "Raqqa", "Mosul", "Kirkuk", "Damascus",
    "Latakia", "Tartus", "Palmyra", "Jarablus", "Manbij", "Deir ez-Zor", "Qamishli",
)  # fmt: skip
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
ACTS = (
    "Shelling hit {town} on {day}, killing {n} people, residents said.",
    "Government troops entered {town} on {day} after days of fighting, the army said.",
    "An air strike on a market in {town} wounded {n} civilians on {day}, medics said.",
    "Rebels captured two villages near {town} on {day}, a monitoring group reported.",
    "Talks on a truce for {town} were held on {day}, officials said.",
)


def invented_text(rng: random.Random, paragraphs: int = 3) -> str:
    parts = []
    for _ in range(paragraphs):
        sentences = [
            rng.choice(ACTS).format(
                town=rng.choice(TOWNS), day=rng.choice(DAYS), n=rng.randint(2, 40)
            )
            for _ in range(rng.randint(1, 3))
        ]
        parts.append(" ".join(sentences))
    return "\n\n".join(parts) + "\n"


def write_articles(folder: Path, count: int, seed: int = 1, paragraphs: int = 3) -> list[Path]:
    """`count` small invented articles as .txt files, each with a title line."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        path = folder / f"article-{index:04d}.txt"
        path.write_text(
            f"Invented report number {index}\n\n{invented_text(rng, paragraphs)}", encoding="utf-8"
        )
        paths.append(path)
    return paths
