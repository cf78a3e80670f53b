"""Issue 15: demonyms (plurals, inside organisation names, in spans mode, as a setting) and
embedded toponyms (the town of a local institution). Invented sentences, the real gazetteer."""

from __future__ import annotations

import json

import pytest

from geo.cli import main
from geo.models import Finder, Mention
from geo.place.gazetteer import default_gazetteer, demonym_plural, demonyms
from geo.place.recognize import _countries_of_towns, find_mentions


@pytest.fixture(scope="module")
def gazetteer():
    return default_gazetteer()


def found(text: str, gazetteer) -> list[tuple[str, str]]:
    return [(m.text, m.kind) for m in find_mentions(text, gazetteer)]


def test_plural_demonyms_by_rule_with_exceptions() -> None:
    assert demonym_plural("Mexican") == "Mexicans" and demonym_plural("Iraqi") == "Iraqis"
    assert demonym_plural("Chinese") is None and demonym_plural("British") is None
    assert demonym_plural("Swiss") is None and demonym_plural("Frenchmen") is None
    table = demonyms()
    assert table["palestinians"] == "Palestinian Territory" and table["mexicans"] == "Mexico"
    assert table["britons"] == "United Kingdom" and table["ohioans"] == "Ohio"
    assert "chineses" not in table and "britishs" not in table


def test_plural_demonyms_are_found_as_demonyms(gazetteer) -> None:
    text = "Many Canadians and Ohioans crossed the border on Tuesday."
    kinds = dict(found(text, gazetteer))
    assert kinds.get("Canadians") == "demonym" and kinds.get("Ohioans") == "demonym"


def test_a_nationality_inside_an_organisation_name_is_no_demonym(gazetteer) -> None:
    text = "Volunteers of the American Legion joined the American Red Cross blood drive."
    assert not [t for t, kind in found(text, gazetteer) if kind == "demonym"]


@pytest.mark.parametrize(
    ("text", "town"),
    [
        ("Gainesville Police arrested a man on Friday, officers in Florida said.", "Gainesville"),
        ("The Dublin City Council voted on the budget in Ireland.", "Dublin"),
        ("He was booked into the Henderson County Jail in Texas on Monday.", "Henderson County"),
        # a county's name before any more of its institution's name, with "County"
        ("The Madison County Health Department in Illinois issued a warning.", "Madison County"),
    ],
)
def test_the_town_of_a_local_institution_is_an_embedded_place(gazetteer, text, town) -> None:
    assert (town, "embedded") in found(text, gazetteer)


@pytest.mark.parametrize(
    "text",
    [
        # a person's name before an institution's word is no town
        "Officers said Marcus Whitfield Memorial Hospital staff were praised by Whitfield.",
        # a word a name must not be, before an institution's word
        "The North High School band played in Ohio on Friday.",
    ],
)
def test_embedded_towns_are_guarded(gazetteer, text) -> None:
    assert not [t for t, kind in found(text, gazetteer) if kind == "embedded"]


def test_embedded_places_do_not_locate_events(gazetteer) -> None:
    from geo.ingest.pipeline import analyze
    from geo.models import Article

    text = "Gainesville Police said a man was shot dead in Ocala, Florida, on Monday."
    analyzed = analyze(Article("t1", text), gazetteer)
    assert any(p.mention.kind == "embedded" for p in analyzed.places)
    assert analyzed.events
    assert all(e.location.mention.kind == "toponym" for e in analyzed.events)
    assert any(e.location.mention.text == "Ocala" for e in analyzed.events)


def _parse(tmp_path, capsys, lines, *options) -> list[dict]:
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    assert main(["parse", str(source), *options]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_spans_mode_resolves_a_given_demonym_as_its_country(tmp_path, capsys) -> None:
    text = "Two Palestinians and a Mexican were hurt."
    start = text.index("Palestinians")
    (out,) = _parse(tmp_path, capsys, [{"id": 1, "text": text, "spans": [[start, start + 12]]}])
    (place,) = out["places"]
    assert place["kind"] == "demonym" and place["country_code"] == "PS"


def test_demonyms_in_parse_output_by_option_or_setting(tmp_path, capsys, monkeypatch) -> None:
    line = {"id": 1, "text": "Syrian troops shelled Aleppo on Monday."}
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GEO_CONFIG", raising=False)
    (plain,) = _parse(tmp_path, capsys, [line])
    assert [p["text"] for p in plain["places"]] == ["Aleppo"]
    (asked,) = _parse(tmp_path, capsys, [line], "--demonyms")
    assert (asked["places"][0]["text"], asked["places"][0]["kind"]) == ("Syrian", "demonym")
    (tmp_path / "geo.toml").write_text("[parse]\ndemonyms = true\n", encoding="utf-8")
    (configured,) = _parse(tmp_path, capsys, [line])
    assert configured == asked


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Barn lost to a blaze. TORRINGTON — A fire destroyed a barn on Friday.", "TORRINGTON"),
        ("CORSICANA — A woman was charged on Tuesday.", "CORSICANA"),
    ],
)
def test_a_dateline_in_capitals_is_a_place(gazetteer, text, place) -> None:
    assert place in [m.text for m in find_mentions(text, gazetteer)]


def test_words_in_capitals_that_are_no_place_are_no_dateline(gazetteer) -> None:
    assert not find_mentions("UPDATE — The meeting was moved to Friday.", gazetteer)


def test_a_state_named_makes_its_country_the_articles(gazetteer) -> None:
    from geo.place.recognize import Entities, RecognitionContext
    from geo.place.tokens import tokens_from_doc
    from geo.place.toponyms import load_nlp

    text = "Flooding closed roads across Ohio on Sunday."
    context = RecognitionContext(gazetteer, tokens_from_doc(load_nlp()(text)))
    Entities().find(text, context)
    assert "US" in context.countries


def test_the_model_is_a_setting(tmp_path, monkeypatch) -> None:
    from geo.place.toponyms import SPACY_MODEL, nlp_model

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GEO_CONFIG", raising=False)
    assert nlp_model() == SPACY_MODEL
    (tmp_path / "geo.toml").write_text('[nlp]\nmodel = "en_core_web_md"\n', encoding="utf-8")
    assert nlp_model() == "en_core_web_md"
    (tmp_path / "geo.toml").write_text("[nlp]\nmodel = 3\n", encoding="utf-8")
    with pytest.raises(ValueError, match="model"):
        nlp_model()


@pytest.mark.parametrize(
    ("text", "streets"),
    [
        (
            "On Main Street in Ocala, Florida, a car hit a pole near E. Broad St. on Monday.",
            ["Main Street", "E. Broad St."],
        ),
        (
            "Crews closed Highway 19 and Illinois Route 159 after a crash near I-95.",
            ["Highway 19", "Illinois Route 159", "I-95"],
        ),
        (
            "The fire spread along Old Mill Road toward Millbrook's Lakeview Drive.",
            ["Old Mill Road", "Lakeview Drive"],
        ),
    ],
)
def test_streets_and_roads_are_places(gazetteer, text, streets) -> None:
    found_streets = [m.text for m in find_mentions(text, gazetteer) if m.cue is not None]
    assert found_streets == streets


def test_no_street_without_a_name_nor_in_a_saints_town(gazetteer) -> None:
    text = (
        "The Road ahead is long, a St. Cloud Hospital nurse said; The Drive was closed. "
        "Florida Highway Patrol troopers came."
    )
    assert not [m.text for m in find_mentions(text, gazetteer) if m.cue is not None]


def test_a_street_is_placed_at_the_town_of_the_article(gazetteer) -> None:
    from geo.place.resolve import resolve_mentions

    text = "Ocala police said the crash on Pine Street closed the road. Ocala, Florida, is quiet."
    resolved = resolve_mentions(text, find_mentions(text, gazetteer), gazetteer)
    street = next(r for r in resolved if r.mention.text == "Pine Street")
    assert street.place is not None and street.place.name == "Ocala" and street.approximate


@pytest.mark.parametrize(
    ("text", "town", "kind"),
    [
        (
            "A Gainesville woman was charged on Friday, Florida troopers said.",
            "Gainesville",
            "toponym",
        ),
        ("Ocala police in Florida said the road reopened.", "Ocala", "embedded"),
    ],
)
def test_the_home_town_of_a_person_or_a_body_in_lower_case(gazetteer, text, town, kind) -> None:
    from geo.place.recognize import Embedded, RecognitionContext
    from geo.place.tokens import tokens_from_doc
    from geo.place.toponyms import load_nlp

    # the recogniser alone (the model may tag the town a place itself)
    context = RecognitionContext(gazetteer, tokens_from_doc(load_nlp()(text)), {"US"})
    assert (town, kind) in [(m.text, m.kind) for m in Embedded().find(text, context)]


def test_a_home_town_is_the_whole_run_of_proper_nouns(gazetteer) -> None:
    # "Grove" is a town, "Quillby Grove" none: no part of the name is taken for it
    text = "A Quillby Grove man was hurt in Oklahoma on Monday."
    assert "Grove" not in [t for t, _ in found(text, gazetteer)]


# One sense per discourse: a name the article uses mostly for a person, a body or a product.


def test_names_labelled_mostly_as_other_things() -> None:
    from geo.place.tokens import Entity, Tokens
    from geo.place.toponyms import _names_of_other_things

    def entity(text: str, label: str) -> Entity:
        return Entity(0, 1, 0, len(text), label, text)

    tokens = Tokens(
        entities=(
            *(entity("Hartmann", "GPE") for _ in range(2)),
            entity("Hartmann", "ORG"),
            entity("Hartmann’s", "PERSON"),  # a possessive is the same name
            entity("Hartmann", "PERSON"),
            entity("Selby", "GPE"),
            entity("Selby", "ORG"),  # one label of another kind is no evidence
            entity("Selby", "ORG"),
            entity("Selby", "LOC"),  # as many place labels: no majority
        )
    )
    assert _names_of_other_things(tokens) == {"Hartmann": "PERSON"}


@pytest.mark.parametrize(
    ("name", "guarded"),
    [
        ("Hartmann", True),  # only another name of a small town somewhere
        ("Kristina", True),
        ("Gainesville", False),  # a town's own name: the model labels its council ORG
        ("Barrow", False),  # a county's short name (Barrow County)
        ("Calcutta", False),  # another name of a large city
    ],
)
def test_a_name_used_for_other_things_is_no_place_unless_a_place_owns_it(
    gazetteer, name, guarded
) -> None:
    from geo.place.toponyms import _not_a_place

    text = f"{name} was named in the appeal filed on Monday."
    mention = Mention(0, len(name), name)
    assert _not_a_place(mention, text, gazetteer, (set(), set()), set(), {name: "ORG"}) is guarded
    assert _not_a_place(mention, text, gazetteer, (set(), set()), set(), {}) is False


@pytest.mark.parametrize(("name", "country"), [("Saraqeb", "SY"), ("Kafr Nabl", "SY")])
def test_another_spelling_of_a_town_of_the_articles_country_stays_a_place(
    gazetteer, name, country
) -> None:
    """War news names its country's villages in many transliterations, which GeoNames may
    hold only as other names of the town; the model often labels them persons or armed
    groups. In an article about that country they stay places; elsewhere they are guarded
    like any other name of a small town."""
    from geo.place.toponyms import _not_a_place

    text = f"{name} was shelled again on Monday, {name} activists said."
    mention = Mention(0, len(name), name)
    people = (set(), set())
    for label in ("ORG", "PERSON"):  # the model labels such villages either way
        assert _not_a_place(mention, text, gazetteer, people, {country}, {name: label}) is False
        assert _not_a_place(mention, text, gazetteer, people, {"US"}, {name: label}) is True


def test_a_possessive_of_a_place_is_not_taken_for_another_thing(gazetteer) -> None:
    """ "Syrias army" with the apostrophe lost: the model's PERSON labels of "Syrias" do not
    make the country's possessive another thing's name."""
    from geo.place.toponyms import _not_a_place

    text = "Syrias army said Syrias allies had helped."
    mention = Mention(0, 6, "Syrias")
    people = (set(), set())
    assert _not_a_place(mention, text, gazetteer, people, {"SY"}, {"Syrias": "ORG"}) is False


@pytest.mark.parametrize(
    ("town", "found_too"),
    [
        # every Brookings of 1,000 people or more is American: the article is about the US
        ("Brookings", True),
        # Windsors are Canadian, English, American and Australian: it says no country
        ("Windsor", False),
    ],
)
def test_a_town_only_one_country_has_names_that_country(gazetteer, town, found_too) -> None:
    # "Sioux Falls", which the model does not tag here, is trusted as a proper noun only
    # in an article about its country; a local paper names its towns without their state
    text = (
        "The band earned a spot at the state finals in Sioux Falls, placing second at the "
        f"district contest in {town}."
    )
    names = [name for name, _ in found(text, gazetteer)]
    assert town in names
    assert ("Sioux Falls" in names) is found_too


@pytest.mark.parametrize(
    ("name", "countries"),
    [
        ("Brookings", {"US"}),
        ("Windsor", set()),  # towns of four countries
        # a Syrian town's own name (GeoNames gives it no population) and an Israeli town's
        # other name: two countries
        ("Ras Al-Ayn", set()),
        # only another name of a Sudanese town, and a woman's name: no town's own name
        ("Karima", set()),
    ],
)
def test_the_country_of_a_tagged_town_needs_its_own_name_in_one_country(
    gazetteer, name, countries
) -> None:
    mention = Mention(0, len(name), name, finder=Finder.NER, label="GPE")
    assert _countries_of_towns([mention], gazetteer) == countries
