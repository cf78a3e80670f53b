"""The same input gives the same stored rows under any hash seed (PYTHONHASHSEED): no set
or dict order of strings may reach the output. Invented articles, run in subprocesses."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
SEEDS = ("0", "1", "2", "3", "4")

# Names that overlap (a name inside a longer one), names shared by many places, lists.
ARTICLES = {
    "overlap.txt": (
        "Fighting in Deir az-Zour\n\n"
        "Shelling hit Deir az-Zour on Monday, killing 12 people, activists said. Fighters "
        "moved from az-Zour towards Raqqa province on Tuesday. Later, an air strike on Deir "
        "az-Zour wounded 30 civilians, medics said, and troops entered az-Zour.\n"
    ),
    "ambiguous.txt": (
        "Talks in Springfield\n\n"
        "Officials met in Springfield on Wednesday, then in Richmond and Alexandria on "
        "Thursday. Protesters rallied in Paris, in Athens and in Jackson on Friday, police "
        "said. A storm hit Springfield and Columbia on Saturday.\n"
    ),
    "lists.txt": (
        "Clashes across the north\n\n"
        "Rebels captured villages near Aleppo, Idlib, Hama and Homs on Sunday, a monitoring "
        "group said. Government troops shelled Tal Rifaat, Marea and Azaz on Monday, and the "
        "Old City of Aleppo was hit on Tuesday, killing 4 people.\n"
    ),
}


def _run(args: list[str], seed: str, **kwargs) -> subprocess.Popen:
    env = {**os.environ, "PYTHONHASHSEED": seed, "GEO_NLP_PROCESSES": "1"}
    return subprocess.Popen(
        [sys.executable, *args], cwd=PROJECT, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, **kwargs,
    )  # fmt: skip


def test_repeats_claim_overlapping_names_the_same_way_under_any_hash_seed() -> None:
    code = (
        "from geo.models import Mention\n"
        "from geo.place.toponyms import _repeats\n"
        "text = 'Deir az-Zour was hit. Fighters left az-Zour. Deir az-Zour burned.'\n"
        "found = [Mention(0, 12, 'Deir az-Zour'), Mention(37, 44, 'az-Zour')]\n"
        "print([(m.start, m.end, m.text) for m in _repeats(text, found)])\n"
    )
    runs = [_run(["-c", code], seed) for seed in SEEDS]
    outputs = {seed: run.communicate(timeout=120) for seed, run in zip(SEEDS, runs, strict=True)}
    assert all(run.returncode == 0 for run in runs), outputs
    assert len({out for out, _ in outputs.values()}) == 1, outputs
    assert "(45, 57, 'Deir az-Zour')" in outputs["0"][0]  # the longer name, whole


def test_ingest_and_export_are_the_same_under_any_hash_seed(tmp_path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    ingests = {}
    for seed in SEEDS:
        db = str(tmp_path / f"{seed}.db")
        ingests[seed] = _run(["-m", "geo", "ingest", str(folder), "--db", db, "--quiet"], seed)
    for seed, run in ingests.items():
        _, err = run.communicate(timeout=300)
        assert run.returncode == 0, (seed, err)
    exports = {}
    for seed in SEEDS:
        out = tmp_path / f"{seed}.csv"
        db = str(tmp_path / f"{seed}.db")
        run = _run(["-m", "geo", "export", "--db", db, "--format", "csv", "-o", str(out)], seed)
        run.communicate(timeout=120)
        exports[seed] = out.read_bytes()
    assert exports["0"].count(b"\n") > 3
    assert all(exports[seed] == exports["0"] for seed in SEEDS), [
        seed for seed in SEEDS if exports[seed] != exports["0"]
    ]
