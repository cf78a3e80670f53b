"""Synthetic databases for benchmarks: `python -m geo synth --events N --db DB [--seed S]`.

N events over real places of the offline gazetteer (the most populous cities of a few
countries, several thousand in all), several years, publishers, cited sources, actors and
the event types of geo.event.events, in articles with text whose place names sit at the
offsets stored: what the dashboard and the exports read looks like an ingest of news.
Reports of one happening recur (the same type and place a day apart, from other publishers),
so report groups form as they do in real news.

Everything comes from one seeded random generator: the same seed and N give the same
database. It is written through the Store interface (`Store.write_bulk`) in batches of
BATCH_EVENTS; each batch's articles name only the places of its own share of the places, so
the report linking of a batch reads only its own events and the whole load stays linear in N.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from geo.event.events import EVENT_TYPES
from geo.models import Article, Event, Mention, Place, ResolvedMention
from geo.place.gazetteer import Gazetteer, default_gazetteer
from geo.store import AnalyzedArticle, Store

COUNTRIES = ("SY", "IQ", "UA", "NG")  # a few countries with many named towns in news
PLACES_PER_COUNTRY = 1500
FIRST_DAY, DAYS = date(2015, 1, 1), 6 * 365  # six years of news
BATCH_EVENTS = 20_000
EVENTS_PER_ARTICLE = (1, 4)  # an article reports one to four events
REPEAT_SHARE = 0.35  # the share of events that are another report of an earlier happening

# Invented names (no real outlet is quoted): publishers, who is cited, who acts.
PUBLISHERS = (
    "Daily Meridian", "The Northern Ledger", "Coastline Post", "Evening Dispatch",
    "Hill Country Herald", "The Valley Times", "Global Wire Service", "Frontline Report",
    "The Morning Courier", "Riverside Chronicle", "Capital Observer", "Open Road News",
)  # fmt: skip
CITED = (
    "the health ministry", "the civil defence", "a monitoring group", "local officials",
    "the army", "witnesses", "a hospital director", "the governor", "aid workers",
    "the interior ministry", "a rights group", "residents",
)  # fmt: skip
ACTORS = ("government forces", "rebels", "militants", "the coalition", "police", "militia")
VERBS = {  # a phrase per type, so the sentence reads as its type
    "chemical": "reported a gas attack",
    "execution": "carried out executions",
    "explosion": "reported a car bomb",
    "airstrike": "carried out air strikes",
    "shelling": "shelled positions",
    "capture": "captured districts",
    "siege": "besieged neighbourhoods",
    "shooting": "opened fire",
    "clash": "clashed with fighters",
    "protest": "dispersed a protest",
    "humanitarian": "escorted an aid convoy",
    "diplomacy": "held talks",
    "statement": "issued a statement",
}
# How often each type occurs, roughly as in conflict news (unlisted types: 1).
TYPE_WEIGHTS = {"clash": 8, "airstrike": 7, "shelling": 7, "explosion": 4, "capture": 4}


@dataclass
class SynthReport:
    events: int
    articles: int
    places: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.events / self.seconds if self.seconds > 0 else float("inf")

    def line(self) -> str:
        return (
            f"synth: {self.events:,} events in {self.articles:,} articles over "
            f"{self.places:,} places in {self.seconds:.1f} s ({self.rate:,.0f} events/s)"
        )


def synth_places(gazetteer: Gazetteer, countries=COUNTRIES, per_country=PLACES_PER_COUNTRY):
    """The places events happen at: each country's most populous cities."""
    places = [p for cc in countries for p in gazetteer.places_in(cc, "city", per_country)]
    if not places:
        raise ValueError(f"the gazetteer holds no city of {', '.join(countries)}")
    return places


def synthesize(
    store: Store,
    events: int,
    seed: int = 0,
    gazetteer: Gazetteer | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> SynthReport:
    """Write `events` synthetic events into `store`; how long it took."""
    started = time.perf_counter()
    places = synth_places(gazetteer or default_gazetteer())
    written = articles = 0
    for batch in synthetic_batches(events, places, seed):
        store.write_bulk(batch)
        written += sum(len(item.events) for item in batch)
        articles += len(batch)
        if progress:
            progress(written, events)
    return SynthReport(written, articles, len(places), time.perf_counter() - started)


def synthetic_batches(
    events: int, places: list[Place], seed: int = 0, batch_events: int = BATCH_EVENTS
) -> Iterator[list[AnalyzedArticle]]:
    """Batches of synthetic articles holding `events` events in all."""
    rng = random.Random(seed)
    types = sorted(EVENT_TYPES)
    type_weights = list(itertools.accumulate(TYPE_WEIGHTS.get(t, 1) for t in types))
    chunks = max(1, math.ceil(events / batch_events))
    shuffled = places[:]
    rng.shuffle(shuffled)
    made = 0
    for chunk in range(chunks):
        share = shuffled[chunk::chunks] or shuffled  # this batch's places
        # Bigger towns are in the news more often (by the square root of population).
        weights = list(itertools.accumulate(math.sqrt(max(p.population, 1)) for p in share))
        target = min(events, made + batch_events)
        happenings: list[tuple[str, Place, date]] = []
        batch: list[AnalyzedArticle] = []
        while made < target:
            count = min(rng.randint(*EVENTS_PER_ARTICLE), target - made)
            batch.append(
                _article(rng, seed, len(batch), chunk, count, share, weights, types,
                         type_weights, happenings)
            )  # fmt: skip
            made += count
        yield batch


def _article(rng, seed, number, chunk, count, share, weights, types, type_weights, happenings):
    """One article of `count` events, at places of `share` or repeating `happenings`."""
    article_id = f"synth-{seed}-{chunk}-{number}"
    sentences: list[str] = []
    offset = 0
    places: list[ResolvedMention] = []
    events: list[Event] = []
    for index in range(count):
        if happenings and rng.random() < REPEAT_SHARE:  # another report of a happening
            event_type, place, day = rng.choice(happenings)
            day += timedelta(days=rng.randint(0, 1))
        else:
            event_type = rng.choices(types, cum_weights=type_weights)[0]
            place = rng.choices(share, cum_weights=weights)[0]
            day = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
            happenings.append((event_type, place, day))
        actor = rng.choice(ACTORS)
        cited = tuple(rng.sample(CITED, rng.randint(0, 2)))
        killed = rng.randint(1, 40) if rng.random() < 0.3 else None
        lead = f"{actor.capitalize()} {VERBS.get(event_type, 'were reported')} in "
        sentence = (
            f"{lead}{place.name} on {day:%d %B %Y}"
            + (f", {' and '.join(cited)} said" if cited else "")
            + "."
            + (f" {killed} people were killed." if killed else "")
        )
        start = offset + len(lead)
        mention = Mention(start, start + len(place.name), place.name, kind="toponym")
        located = ResolvedMention(mention, place, place.name, 0.9, "gazetteer")
        places.append(located)
        events.append(
            Event(
                event_id=f"{article_id}-{index}",
                article_id=article_id,
                sentence=sentence,
                sentence_start=offset,
                event_type=event_type,
                location=located,
                event_date=day,
                is_primary=index == 0,
                cited_sources=cited,
                actors=(actor,),
                killed=killed,
            )
        )
        sentences.append(sentence)
        offset += len(sentence) + 1
    text = " ".join(sentences)
    first = events[0]
    article = Article(
        article_id=article_id,
        text=text,
        title=f"{first.event_type.capitalize()} in {first.location.place.name}",
        source=rng.choice(PUBLISHERS),
        url=f"https://news.example.org/{seed}/{chunk}/{number}",
        published=max(e.event_date for e in events) + timedelta(days=1),
        origin=f"synth:{seed}",
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
    )
    return AnalyzedArticle(article, places, events)
