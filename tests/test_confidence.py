"""A confidence for every event, stored and exported with `on_map`; the map hides the
unsure events by default and says how many (invented sentences and rows)."""

from __future__ import annotations

import csv
import io
from datetime import date

from geo.event.confidence import ON_MAP_CONFIDENCE, confidence, focus_share, on_map
from geo.schema import EXPORT_COLUMNS
from geo.view.export import to_csv
from geo.view.filters import (
    FilterState,
    apply_filters,
    count_label,
    hidden_count,
    state_from_query_params,
    state_to_query_params,
)
from tests.conftest import make_events
from tests.test_events import events_of, resolve
from tests.test_store import analyzed


def test_evidence_raises_confidence() -> None:
    text = "Aleppo and Idlib."
    aleppo, idlib = resolve(text)
    sure = confidence(aleppo, own_place=True, strength=2, dated_from_text=True, focus=(1.0, 1.0))
    unsure = confidence(idlib, own_place=False, strength=0, dated_from_text=False, focus=(0.1, 0.9))
    assert 0.0 <= unsure < ON_MAP_CONFIDENCE <= sure <= 1.0


def test_a_place_inside_an_organisations_name_is_less_sure() -> None:
    # "the Aleppo Relief Council": the council belongs to Aleppo, its deeds are elsewhere
    import dataclasses

    from geo.models import Finder

    (aleppo,) = resolve("Aleppo")
    inside = dataclasses.replace(
        aleppo, mention=dataclasses.replace(aleppo.mention, finder=Finder.EMBEDDED, label="ORG")
    )
    kwargs = dict(own_place=True, strength=1, dated_from_text=False, focus=(1.0, 1.0))
    assert confidence(inside, **kwargs) < confidence(aleppo, **kwargs)


def test_focus_is_the_share_of_places_in_the_events_country() -> None:
    places = resolve("Aleppo, Idlib and Syria.")
    assert focus_share(places[0], places) == (1.0, 1.0)


def test_every_extracted_event_has_a_confidence() -> None:
    (dated,) = events_of("Warplanes struck Aleppo on Tuesday.")
    (lent,) = events_of("Rebels held Aleppo. Fighting raged for hours.")
    assert dated.confidence is not None and lent.confidence is not None
    assert dated.confidence > lent.confidence  # its own place and its own date


def test_confidence_is_stored_and_exported_last_with_on_map(store) -> None:
    store.write_batch([analyzed("a", confidence=0.9), analyzed("b", confidence=0.2)])
    frame = store.load_events().sort_values("article_id")
    assert list(frame["confidence"]) == [0.9, 0.2]
    assert list(frame["on_map"]) == [True, False]
    assert EXPORT_COLUMNS[-2:] == ["confidence", "on_map"]
    rows = list(csv.DictReader(io.StringIO(to_csv(frame))))
    assert [(r["confidence"], r["on_map"]) for r in rows] == [("0.9", "true"), ("0.2", "false")]


def test_an_event_stored_without_confidence_stays_on_the_map() -> None:
    assert on_map(None) and not on_map(ON_MAP_CONFIDENCE - 0.01)


def test_the_map_hides_unsure_events_by_default_and_says_how_many() -> None:
    frame = make_events([{"on_map": True}, {"on_map": False}, {"on_map": True}])
    state = FilterState()
    assert len(apply_filters(frame, state)) == 2
    assert hidden_count(frame, state) == 1
    assert count_label(2, 1) == "2 events (1 unsure one hidden)"
    every = state_from_query_params({"all": ["true"]})
    assert every.show_all and len(apply_filters(frame, every)) == 3
    assert hidden_count(frame, every) == 0
    assert state_to_query_params(every) == {"all": ["true"]}
    assert not state_from_query_params({}).show_all


def test_dates_stay_dates() -> None:
    # the two new columns leave the old ones as they were
    frame = make_events([{"event_date": date(2016, 9, 6)}])
    assert next(iter(csv.DictReader(io.StringIO(to_csv(frame)))))["event_date"] == "2016-09-06"
