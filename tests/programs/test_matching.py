"""Name mapping: exact → alias → fuzzy, with the thresholds of the settings."""

from __future__ import annotations

import pytest

from programs.catalog.matching import NEW, Level, Thresholds, normalise, propose_mapping
from programs.catalog.parse import parse_catalog
from programs.catalog.schema import Catalog
from tests.factories import EquipmentFactory, ExerciseFactory
from tests.programs.factories_catalog import catalog, exercise, program, pset

pytestmark = pytest.mark.django_db

LIBRARY = [
    "Back Squat",
    "Front Squat",
    "Barbell Bench Press",
    "Incline Dumbbell Bench Press",
    "Decline Bench Press",
    "Romanian Deadlift",
    "Dumbbell Row",
    "Barbell Row",
    "Kettlebell Swing",
    "Goblet Squat",
    "Farmer Carry",
    "Pull-up",
    "Overhead Press",
    "Landmine Row",
]


@pytest.fixture
def library() -> dict[str, int]:
    rows = {name: ExerciseFactory(name=name).pk for name in LIBRARY}
    ExerciseFactory(name="Dumbbell Bench Press", aliases=["DB Bench", "Flat Dumbbell Press"])
    return rows


def parsed(doc: dict) -> Catalog:
    result = parse_catalog(doc)
    assert result.catalog is not None, result.errors
    return result.catalog


def referenced(*names: str) -> Catalog:
    """A file that only references the names (in sets), declaring none of them."""
    sets = [pset(name, set_number=1, day=1) for name in names]
    return parsed(catalog(exercises=[], programs=[program(sets=sets)]))


@pytest.mark.parametrize(
    ("name", "target", "level"),
    [
        ("back squat", "Back Squat", Level.EXACT),
        ("BACK SQUAT", "Back Squat", Level.EXACT),
        ("DB Bench", "Dumbbell Bench Press", Level.ALIAS),
        ("flat dumbbell press", "Dumbbell Bench Press", Level.ALIAS),
        ("Bench Press (Barbell)", "Barbell Bench Press", Level.HIGH),  # parenthesised equipment
        ("BB Bench Press", "Barbell Bench Press", Level.HIGH),  # abbreviation
        ("BB Row", "Barbell Row", Level.HIGH),
        ("KB Swings", "Kettlebell Swing", Level.HIGH),  # abbreviation + plural
        ("Squat, Front", "Front Squat", Level.HIGH),  # word order and punctuation
        ("Goblet Squats", "Goblet Squat", Level.HIGH),  # plural
        ("Pullups", "Pull-up", Level.HIGH),
        ("OHP", "Overhead Press", Level.HIGH),
        ("Romanian Deadlfit", "Romanian Deadlift", Level.HIGH),  # typo
        ("Dumbell Row", "Dumbbell Row", Level.HIGH),  # typo in a modifier word
    ],
)
def test_names_map_to_the_catalog_with_the_expected_level(
    library: dict[str, int], name: str, target: str, level: Level
) -> None:
    proposal = propose_mapping(referenced(name), thresholds=Thresholds()).exercises[0]
    assert proposal.level is level
    assert proposal.best is not None
    assert proposal.best.name == target
    assert proposal.default == proposal.best.ref
    assert proposal.mapped
    if level in (Level.EXACT, Level.ALIAS, Level.HIGH):
        assert proposal.score >= 0.9
    else:
        assert 0.8 <= proposal.score < 0.9


@pytest.mark.parametrize(
    ("name", "level"),
    [
        ("Zercher Carry", Level.NONE),  # like Farmer Carry as text only
        ("Landmine Press", Level.NONE),  # press/row: another movement
        ("Incline DB Press", Level.LOW),  # less said than Incline Dumbbell Bench Press
        ("Incline Bench Press", Level.LOW),  # Decline is a different exercise
        ("Sumo Deadlift", Level.NONE),
        ("Nordic Curl", Level.NONE),
    ],
)
def test_weak_matches_are_never_mapped_on_their_own(
    library: dict[str, int], name: str, level: Level
) -> None:
    proposal = propose_mapping(referenced(name), thresholds=Thresholds()).exercises[0]
    assert proposal.level is level
    assert not proposal.mapped
    assert proposal.default is None  # referenced only: blocks approval until someone decides
    if level is Level.LOW:
        assert proposal.alternatives
        assert 0.7 <= proposal.alternatives[0].score < 0.8


def test_contrasting_modifiers_do_not_map_front_squat_onto_back_squat(
    library: dict[str, int],
) -> None:
    front = propose_mapping(referenced("Front Squats")).exercises[0]
    assert front.best is not None
    assert front.best.name == "Front Squat"
    assert all(a.name != "Back Squat" or a.score < 0.7 for a in front.alternatives)


def test_alternatives_are_at_most_three_and_carry_scores(library: dict[str, int]) -> None:
    proposal = propose_mapping(referenced("Bench Press"), thresholds=Thresholds()).exercises[0]
    assert len(proposal.alternatives) <= 3
    assert all(0.5 <= a.score <= 1 for a in proposal.alternatives)
    assert [a.score for a in proposal.alternatives] == sorted(
        (a.score for a in proposal.alternatives), reverse=True
    )


def test_declared_names_without_a_match_default_to_create_new(library: dict[str, int]) -> None:
    doc = catalog(
        exercises=[exercise("Nordic Curl")], programs=[program(sets=[pset("Nordic Curl")])]
    )
    proposal = propose_mapping(parsed(doc)).exercises[0]
    assert proposal.declared
    assert proposal.default == NEW


def test_a_declared_name_that_exists_is_reused_not_duplicated(library: dict[str, int]) -> None:
    doc = catalog(exercises=[exercise("Back Squat")])
    mp = propose_mapping(parsed(doc))
    assert mp.exercises[0].default == f"db:{library['Back Squat']}"
    assert not mp.valid_choice("exercise", "back squat", NEW)  # the unique name is taken


def test_names_declared_in_the_same_file_resolve_references() -> None:
    doc = catalog(
        exercises=[exercise("Copenhagen Plank")],
        programs=[program(sets=[pset("Copenhagen Planks", reps=20, rep_type="seconds")])],
    )
    mp = propose_mapping(parsed(doc))
    reference = next(p for p in mp.exercises if not p.declared)
    assert reference.default == "file:copenhagen plank"
    decisions = mp.decide()
    assert decisions.complete
    assert decisions.exercise == {
        "copenhagen plank": NEW,
        "copenhagen planks": "file:copenhagen plank",
    }


def test_unresolved_references_are_listed_and_block(library: dict[str, int]) -> None:
    decisions = propose_mapping(referenced("Nordic Curl", "Back Squat")).decide()
    assert not decisions.complete
    assert decisions.unresolved == [
        "exercise 'Nordic Curl' (used 1×) is not in the catalog: map it to an existing one or "
        "create it"
    ]
    assert propose_mapping(referenced("Nordic Curl")).decide(create_missing=True).complete


def test_the_coach_choice_overrides_the_proposal_and_stale_choices_fall_back(
    library: dict[str, int],
) -> None:
    mp = propose_mapping(referenced("Nordic Curl"))
    chosen = mp.decide({"exercise": {"nordic curl": f"db:{library['Back Squat']}"}})
    assert chosen.exercise["nordic curl"] == f"db:{library['Back Squat']}"
    stale = mp.decide({"exercise": {"nordic curl": "db:999999"}})
    assert not stale.complete


def test_equipment_names_are_matched_too() -> None:
    barbell = EquipmentFactory(name="Barbell")
    EquipmentFactory(name="Dumbbells")
    doc = catalog(
        equipment=[{"name": "DBs"}],
        exercises=[exercise("Zottman Curl", [("DBs", False), ("barbell", True)])],
        programs=[],
    )
    mp = propose_mapping(parsed(doc))
    by_key = {p.key: p for p in mp.equipment}
    assert by_key["dbs"].best is not None
    assert by_key["dbs"].best.name == "Dumbbells"
    assert by_key["barbell"].default == f"db:{barbell.pk}"
    assert not by_key["barbell"].declared


def test_thresholds_come_from_settings(
    monkeypatch: pytest.MonkeyPatch, library: dict[str, int]
) -> None:
    monkeypatch.setenv("REPLOG_MATCHING_HIGH", "0.96")
    monkeypatch.setenv("REPLOG_MATCHING_ACCEPT", "0.93")
    monkeypatch.setenv("REPLOG_MATCHING_LOW", "0.5")
    thresholds = Thresholds.from_settings()
    assert thresholds == Thresholds(high=0.96, accept=0.93, low=0.5)
    proposal = propose_mapping(referenced("Romanian Deadlfit")).exercises[0]
    assert proposal.level is Level.REVIEW  # 0.94: between accept and high


def test_candidates_are_loaded_with_a_constant_number_of_queries(
    library: dict[str, int], django_assert_max_num_queries: object
) -> None:
    names = [f"Exercise {i}" for i in range(60)] + LIBRARY
    cat = referenced(*names[:40])
    with django_assert_max_num_queries(6):  # type: ignore[operator]
        propose_mapping(cat, thresholds=Thresholds())


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("DB Bench Presses (Flat)", "dumbbell bench press flat"),
        ("KB Swing", "kettlebell swing"),
        ("Pull-Ups", "pull up"),
        ("Farmer's Carries", "farmer carry"),
        ("Push-up & Hold", "push up and hold"),
    ],
)
def test_normalisation(raw: str, normal: str) -> None:
    assert normalise(raw) == normal


def test_the_name_index_is_built_once_while_the_catalog_is_unchanged(
    library: dict[str, int],
) -> None:
    from programs.catalog.matching import database_indexes

    first = database_indexes()["exercise"]
    assert database_indexes()["exercise"] is first  # reused: normalising is not repeated


def test_a_changed_catalog_is_seen_at_once_by_the_shared_index(library: dict[str, int]) -> None:
    from programs.models import Exercise

    before = propose_mapping(referenced("Zercher Squat", "Landmine Row")).exercises
    assert [p.level for p in before] == [Level.NONE, Level.EXACT]

    added = ExerciseFactory(name="Zercher Squat")
    Exercise.objects.filter(name="Landmine Row").update(name="Landmine T-Bar Row")
    after = {
        p.name: p for p in propose_mapping(referenced("Zercher Squat", "Landmine Row")).exercises
    }

    assert after["Zercher Squat"].level is Level.EXACT
    assert after["Zercher Squat"].default == f"db:{added.pk}"
    assert after["Landmine Row"].level is not Level.EXACT  # renamed: no longer an exact name
    Exercise.objects.filter(pk=added.pk).update(aliases=["ZS"])
    alias = propose_mapping(referenced("zs")).exercises[0]
    assert (alias.level, alias.default) == (Level.ALIAS, f"db:{added.pk}")
