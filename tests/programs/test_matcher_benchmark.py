"""The name matcher against the seed catalog: the labelled benchmark, and the cases of issue 18
(the Go RepLog's seed catalog imported into ours turned declared exercises into other ones)."""

from __future__ import annotations

from pathlib import Path

import pytest

from programs.catalog.matching import (
    NEW,
    Level,
    Thresholds,
    differing_words,
    match_names,
    normalise,
    propose_mapping,
)
from programs.catalog.matching.benchmark import Pair, read_pairs, run_benchmark
from programs.catalog.parse import parse_catalog
from programs.catalog.schema import Catalog
from programs.catalog.seed import seed_catalog_load
from programs.models import Equipment, Exercise
from tests.programs.factories_catalog import catalog, exercise, program, pset

pytestmark = pytest.mark.django_db

BENCHMARK = Path(__file__).with_name("matcher_benchmark.tsv")


@pytest.fixture
def seeded() -> None:
    assert seed_catalog_load() is not None


def parsed(doc: dict) -> Catalog:
    result = parse_catalog(doc)
    assert result.catalog is not None, result.errors
    return result.catalog


def db_id(name: str) -> str:
    return f"db:{Exercise.objects.get(name=name).pk}"


def test_the_benchmark_is_large_and_holds_many_names_the_catalog_lacks() -> None:
    pairs = read_pairs(BENCHMARK)
    assert len(pairs) >= 300
    assert sum(p.expected is None for p in pairs) >= 100
    assert len({p.name.casefold() for p in pairs}) == len(pairs)  # no pair counted twice


def test_the_benchmark_meets_precision_and_recall(seeded: None) -> None:
    result = run_benchmark(read_pairs(BENCHMARK), thresholds=Thresholds())
    misses = "\n".join(result.misses)
    assert result.precision >= 0.99, f"{result.summary()}\n{misses}"
    assert result.recall >= 0.95, f"{result.summary()}\n{misses}"


def test_the_benchmark_refuses_an_expected_exercise_the_catalog_lacks(
    seeded: None, tmp_path: Path
) -> None:
    path = tmp_path / "pairs.tsv"
    path.write_text("# comment\nBB Squat\tBack Squat\nZottman\tZottman Curl\n")
    with pytest.raises(ValueError, match="line 3: 'Zottman Curl'"):
        run_benchmark(read_pairs(path))


def test_a_malformed_benchmark_line_is_named(tmp_path: Path) -> None:
    path = tmp_path / "pairs.tsv"
    path.write_text("BB Squat Back Squat\n")
    with pytest.raises(ValueError, match=r"pairs\.tsv line 1"):
        read_pairs(path)


def test_a_wrong_automatic_mapping_is_a_miss_that_lowers_precision(seeded: None) -> None:
    result = run_benchmark([Pair(1, "BB Squat", "Front Squat")])
    assert (result.precision, result.recall) == (0.0, 0.0)
    assert result.misses == ["line 1: 'BB Squat' → mapped to 'Back Squat', expected 'Front Squat'"]


GO_SEED_NEAR_MISSES = [
    ("Kettlebell Windmill", [("Kettlebell", False)], "Kettlebell Swing"),
    ("YTI Raise", [], "Tibialis Raise"),
    ("Hand-Release Push-up", [], "Incline Push-Up"),
    ("Side Plank Row", [("Dumbbells", False)], "Side Plank"),
    ("Single-Arm Dumbbell Romanian Deadlift", [("Dumbbells", False)], None),
]


@pytest.mark.parametrize(("name", "equipment", "near"), GO_SEED_NEAR_MISSES)
def test_a_declared_exercise_is_never_turned_into_another(
    seeded: None, name: str, equipment: list[tuple[str, bool]], near: str | None
) -> None:
    doc = catalog(exercises=[exercise(name, equipment)], programs=[program(sets=[pset(name)])])
    proposal = propose_mapping(parsed(doc), thresholds=Thresholds()).exercises[0]
    assert proposal.declared
    assert proposal.default == NEW
    assert not proposal.mapped
    if near is not None:  # the near miss is still offered, for the coach to confirm
        assert near in [a.name for a in proposal.alternatives]


@pytest.mark.parametrize(("name", "_equipment", "_near"), GO_SEED_NEAR_MISSES)
def test_a_referenced_near_miss_blocks_until_the_coach_decides(
    seeded: None, name: str, _equipment: object, _near: object
) -> None:
    doc = catalog(exercises=[], programs=[program(sets=[pset(name)])])
    proposal = propose_mapping(parsed(doc), thresholds=Thresholds()).exercises[0]
    assert proposal.default is None
    assert proposal.level in (Level.LOW, Level.NONE)


def test_single_arm_is_not_single_leg_even_at_a_high_score(seeded: None) -> None:
    [proposal] = match_names(["Single-Arm Dumbbell Romanian Deadlift"], thresholds=Thresholds())
    assert proposal.best is not None
    assert proposal.best.name in ("Single-Leg Romanian Deadlift", "Dumbbell Romanian Deadlift")
    assert "arm" in proposal.best.differs or "single" in proposal.best.differs
    assert not proposal.mapped


def test_a_bare_squat_used_108_times_is_offered_back_squat_first(seeded: None) -> None:
    sets = [
        pset("Squat", week=1 + i // 12, day=1 + i % 3, set_number=1 + i % 4) for i in range(108)
    ]
    doc = catalog(
        exercises=[exercise("Squat", [("Barbell", False)])],
        programs=[program(num_weeks=9, num_days=3, sets=sets)],
    )
    proposal = propose_mapping(parsed(doc), thresholds=Thresholds()).exercises[0]
    assert proposal.uses == 108
    assert proposal.default == NEW  # declared: the coach confirms, nothing is guessed
    assert proposal.alternatives[0].name == "Back Squat"
    chosen = propose_mapping(parsed(doc)).decide({"exercise": {"squat": db_id("Back Squat")}})
    assert chosen.exercise["squat"] == db_id("Back Squat")


def test_power_rack_and_flat_bench_are_the_squat_rack_and_the_bench(seeded: None) -> None:
    doc = catalog(
        equipment=[{"name": "Power Rack"}],
        exercises=[exercise("Pin Press", [("Power Rack", False), ("Flat Bench", False)])],
        programs=[],
    )
    by_key = {p.key: p for p in propose_mapping(parsed(doc)).equipment}
    rack = Equipment.objects.get(name="Squat Rack").pk
    bench = Equipment.objects.get(name="Bench").pk
    assert (by_key["power rack"].default, by_key["power rack"].level) == (f"db:{rack}", Level.ALIAS)
    assert by_key["flat bench"].default == f"db:{bench}"


def test_a_declared_exercise_with_other_equipment_is_only_suggested(seeded: None) -> None:
    dumbbells = catalog(exercises=[exercise("Hip Thrusts", [("Dumbbell", False)])], programs=[])
    barbell = catalog(exercises=[exercise("Hip Thrusts", [("Olympic Bar", False)])], programs=[])
    with_dumbbells = propose_mapping(parsed(dumbbells)).exercises[0]
    assert with_dumbbells.default == NEW
    assert with_dumbbells.alternatives[0].name == "Hip Thrust"
    assert propose_mapping(parsed(barbell)).exercises[0].default == db_id("Hip Thrust")


def test_names_are_matched_with_two_queries_whatever_their_number(
    seeded: None, django_assert_num_queries: object
) -> None:
    with django_assert_num_queries(2):  # type: ignore[operator]
        names = ["BB Squat", "Kniebeuge", "Kettlebell Windmill"] * 20
        proposals = match_names(names, thresholds=Thresholds())
    assert [p.default for p in proposals[:3]] == [db_id("Back Squat"), None, None]
    assert proposals[1].best is not None
    assert proposals[1].best.name == "Back Squat"


@pytest.mark.parametrize(
    ("name", "candidate"),
    [
        ("kettlebell windmill", "kettlebell swing"),
        ("yti raise", "tibialis raise"),
        ("hand release push up", "incline push up"),
        ("side plank row", "side plank"),
        ("single arm dumbbell romanian deadlift", "single leg romanian deadlift"),
        ("incline bench press", "decline bench press"),
        ("squat", "back squat"),  # less said is not the same exercise
        ("row", "band row"),  # the candidate's own implement is not implied the other way
        ("barbell bench press", "dumbbell bench press"),
    ],
)
def test_a_word_that_changes_the_exercise_is_a_difference(name: str, candidate: str) -> None:
    assert differing_words(name, candidate, implied=frozenset({"band", "resistance"}))


@pytest.mark.parametrize(
    ("name", "candidate", "implied"),
    [
        ("romanian deadlfit", "romanian deadlift", frozenset()),  # a typo
        ("dumbell row", "dumbbell row", frozenset()),  # a typo of an implement
        ("pullup", "pull up", frozenset()),  # one word written as two
        ("bench pre", "bench press", frozenset()),  # "Bench Pres", singularised
        ("rev lunge", "reverse lunge", frozenset()),  # cut short
        ("barbell hip thrust", "hip thrust", frozenset({"barbell"})),  # its own equipment
        ("pull up bodyweight", "pull up", frozenset({"bodyweight", "bar"})),
    ],
)
def test_spelling_and_the_candidates_own_equipment_are_no_difference(
    name: str, candidate: str, implied: frozenset[str]
) -> None:
    assert differing_words(name, candidate, implied=implied) == ()


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("Bankdrücken", "bench press"),
        ("Développé couché", "bench press"),
        ("Peso muerto rumano", "romanian deadlift"),
        ("Press de banca con mancuernas", "bench press dumbbell"),
        ("Walking Lunges each side", "walking lunge"),
        ("Bulgarian Split Squat e/s", "bulgarian split squat"),
        ("Reverse Lunge per leg", "reverse lunge"),
        ("HK DB Press", "half kneeling dumbbell press"),
        ("Dead Lift", "dead lift"),
    ],
)
def test_normalisation_of_other_languages_and_sidedness(raw: str, normal: str) -> None:
    assert normalise(raw) == normal


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Power Rack", "Squat Rack"),
        ("Rack", "Squat Rack"),
        ("Flat Bench", "Bench"),
        ("Adjustable Bench", "Bench"),
        ("Dumbbell", "Dumbbells"),
        ("Bands", "Resistance Bands"),
        ("Hex Bar", "Trap Bar"),
        ("Swiss Ball", "Stability Ball"),
        ("Dip Bars", "Dip Station"),
        ("Kettlebells", "Kettlebell"),
        ("Gymnastic Rings", None),
        ("Smith Machine", None),
        ("EZ Curl Bar", None),
    ],
)
def test_equipment_synonyms_map_and_other_equipment_stays_new(
    seeded: None, name: str, expected: str | None
) -> None:
    [proposal] = match_names([name], kind="equipment", thresholds=Thresholds())
    if expected is None:
        assert proposal.default is None
    else:
        assert proposal.default == f"db:{Equipment.objects.get(name=expected).pk}"


def test_one_word_written_as_two_is_no_contrast(seeded: None) -> None:
    # "deadlift" is a movement word; "dead lift" must not count as lacking it.
    [proposal] = match_names(["Dead lifts"], thresholds=Thresholds())
    assert proposal.default == db_id("Deadlift")
    assert proposal.score == 1.0
