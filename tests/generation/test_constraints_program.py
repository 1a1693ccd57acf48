"""The constraints that hold whatever an engine wrote: plausible absolute loads (what the athlete
has done, body weight for youth, the implement, the tier), youth caps, and the program-level
rules — the deload week of a fixed block, weekly caps per movement pattern, variety."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from generation.constraints import LIMITS, enforce
from generation.packet import build_packet
from tests.factories import BodyWeightFactory, WorkoutFactory, WorkoutSetFactory
from tests.generation.data.world import World, all_rows, build_world, catalog, request, sets

CORE = sets("Plank", 2, reps=30, rep_type="seconds", absolute_weight=0, sort_order=9)


@pytest.fixture
def world(db: None) -> World:
    return build_world()


def log(world: World, athlete: Any, exercise: str, weight: float, days_ago: int = 10) -> None:
    workout = WorkoutFactory(athlete=athlete, date=dt.date.today() - dt.timedelta(days=days_ago))
    WorkoutSetFactory(
        workout=workout, exercise=world.exercises[exercise], weight=Decimal(str(weight))
    )


def weeks(rows_week1: list[dict[str, Any]], n: int = 2, days: int = 2) -> list[dict[str, Any]]:
    """Week 1 (day 1) repeated on every day of every week."""
    out = []
    for week in range(1, n + 1):
        for day in range(1, days + 1):
            out += [{**r, "week": week, "day": day} for r in rows_week1]
    return out


def loads(result_catalog: dict[str, Any], exercise: str) -> set[float]:
    return {r["absolute_weight"] for r in all_rows(result_catalog) if r["exercise"] == exercise}


# --- plausible absolute loads ---------------------------------------------------------------


def test_an_absolute_load_past_the_heaviest_logged_set_is_lowered_with_a_warning(
    world: World,
) -> None:
    log(world, world.sarah, "Goblet Squat", 30)
    packet = build_packet(world.sarah)
    rows = weeks(sets("Goblet Squat", 3, reps=8, absolute_weight=900) + CORE)
    result = enforce(catalog(rows), packet, request())
    assert result.errors == []
    # 30 lb + 10 % is 33 lb; a plate step (5 lb) more is the smallest margin: 35 lb.
    assert loads(result.catalog, "Goblet Squat") == {35}
    assert (
        "Goblet Squat: 12 sets lowered from up to 900 to 35 lbs — the heaviest Goblet Squat "
        "Sarah has logged is 30 lbs; RepLog allows 10 % more." in " ".join(result.warnings)
    )


def test_an_exercise_never_logged_is_bounded_by_its_movement_patterns_heaviest_set(
    world: World,
) -> None:
    log(world, world.alex, "Deadlift", 300)
    packet = build_packet(world.alex)
    rows = weeks(sets("Kettlebell Swing", 3, reps=10, absolute_weight=400) + CORE)
    result = enforce(catalog(rows, audience="adult"), packet, request())
    # The pattern allows 330 lb, but one kettlebell tops out at 106 lb.
    assert loads(result.catalog, "Kettlebell Swing") == {106}
    assert any("one kettlebell tops out there" in w for w in result.warnings)
    rows = weeks(sets("Walking Lunge", 3, reps=10, absolute_weight=400) + CORE)
    result = enforce(catalog(rows, audience="adult"), packet, request())
    assert loads(result.catalog, "Walking Lunge") == {400}  # no lunge logged, no implement


def test_a_youth_athletes_load_is_bounded_by_body_weight(world: World) -> None:
    BodyWeightFactory(athlete=world.sarah, weight=Decimal(108), date=dt.date.today())
    packet = build_packet(world.sarah)
    rows = weeks(sets("Walking Lunge", 3, reps=8, absolute_weight=900) + CORE)
    result = enforce(catalog(rows), packet, request())
    assert loads(result.catalog, "Walking Lunge") == {
        160
    }  # 1.5 × 108 lb, down to the half plate step
    assert any("youth athlete weighing 108 lbs" in w for w in result.warnings)


def test_a_foundational_exercise_is_light_unless_the_athlete_has_lifted_more(
    world: World,
) -> None:
    packet = build_packet(world.alex)
    rows = weeks(sets("Goblet Squat", 3, reps=8, absolute_weight=100) + CORE)
    result = enforce(catalog(rows, audience="adult"), packet, request())
    assert loads(result.catalog, "Goblet Squat") == {60}
    log(world, world.alex, "Goblet Squat", 95)
    result = enforce(catalog(rows, audience="adult"), build_packet(world.alex), request())
    assert loads(result.catalog, "Goblet Squat") == {100}


def test_a_training_max_not_the_log_bounds_an_exercise_that_has_one(world: World) -> None:
    log(world, world.alex, "Back Squat", 100)
    packet = build_packet(world.alex)  # Back Squat TM 315
    rows = weeks(sets("Back Squat", 3, absolute_weight=300) + CORE)
    result = enforce(catalog(rows, audience="adult"), packet, request())
    assert result.errors == []
    assert loads(result.catalog, "Back Squat") == {300}


def test_youth_rpe_and_intensity_are_capped_with_a_warning(world: World) -> None:
    packet = build_packet(world.tommy)
    rows = weeks(sets("Back Squat", 2, reps=5, percentage=100, target_rpe=10) + CORE)
    result = enforce(catalog(rows), packet, request())
    squats = [r for r in all_rows(result.catalog) if r["exercise"] == "Back Squat"]
    assert {(r["percentage"], r["target_rpe"]) for r in squats} == {(95, 8.5)}
    assert "Back Squat: 8 sets capped to target RPE at most 8.5 — Tommy is a youth athlete." in (
        result.warnings
    )
    assert any("capped to at most 95 %" in w for w in result.warnings)
    adult = enforce(catalog(rows, audience="adult"), build_packet(world.alex), request())
    assert {r["target_rpe"] for r in all_rows(adult.catalog) if r["exercise"] == "Back Squat"} == {
        10
    }


def test_load_corrections_are_idempotent(world: World) -> None:
    log(world, world.sarah, "Goblet Squat", 30)
    packet = build_packet(world.sarah)
    rows = weeks(sets("Goblet Squat", 3, reps=8, absolute_weight=900, target_rpe=10) + CORE)
    first = enforce(catalog(rows), packet, request())
    again = enforce(first.catalog, packet, request())
    assert again.catalog == first.catalog
    assert not any("lowered" in w or "capped" in w for w in again.warnings)


# --- program-level rules --------------------------------------------------------------------


def test_a_fixed_block_without_a_deload_gets_one_with_a_warning(world: World) -> None:
    packet = build_packet(world.alex)
    rows = weeks(sets("Back Squat", 3, percentage=75, target_rpe=7) + CORE, n=4)
    result = enforce(catalog(rows, audience="adult", num_weeks=4), packet, request(weeks=4))
    assert result.errors == []
    week4 = [r for r in all_rows(result.catalog) if r["week"] == 4 and r["day"] == 1]
    squat4 = [r for r in week4 if r["exercise"] == "Back Squat"]
    assert [(r["percentage"], r["target_rpe"]) for r in squat4] == [(65, 6)] * 2
    assert any(w.startswith("Deload added in week 4") for w in result.warnings)
    weeks_plan = result.catalog["programs"][0]["weeks"]
    assert {"week": 4, "week_type": "recovery", "coach_notes": None} in weeks_plan
    # A loop repeats as written, and a block that deloads already keeps its own deload.
    loop = enforce(
        catalog(rows, audience="adult", num_weeks=4, is_loop=True),
        packet,
        request(weeks=4, is_loop=True),
    )
    assert not any(w.startswith("Deload added") for w in loop.warnings)
    again = enforce(result.catalog, packet, request(weeks=4))
    assert again.catalog == result.catalog
    assert not any(w.startswith("Deload added") for w in again.warnings)


def test_fewer_but_heavier_sets_are_a_peak_not_a_deload(world: World) -> None:
    packet = build_packet(world.alex)
    normal = sets("Back Squat", 3, percentage=75) + CORE
    peak = sets("Back Squat", 2, percentage=90) + CORE
    rows = weeks(normal, n=3) + [{**r, "week": 4} for r in weeks(peak, n=1)]
    result = enforce(catalog(rows, audience="adult", num_weeks=4), packet, request(weeks=4))
    assert any(w.startswith("Deload added in week 4") for w in result.warnings)


def test_near_maximal_work_is_capped_per_pattern_and_week_lower_for_youth(world: World) -> None:
    singles = sets("Back Squat", 4, reps=1, percentage=85) + CORE
    adult = enforce(catalog(weeks(singles), audience="adult"), build_packet(world.alex), request())
    assert adult.errors == []  # 8 a week, under the adult cap of 15
    youth = enforce(catalog(weeks(singles)), build_packet(world.tommy), request())
    assert (
        f"Week 1: 8 near-maximal squat sets (≤ 3 reps at ≥ 85 % or RPE ≥ 8.5); at most "
        f"{LIMITS.youth_near_max_per_pattern_week} a week for a youth athlete — use more reps "
        "or lighter loads." in youth.errors
    )


def test_weekly_sets_of_one_pattern_are_capped(world: World) -> None:
    packet = build_packet(world.alex)
    rows = weeks(
        sets("Back Squat", 12, percentage=70)
        + sets("Front Squat", 12, reps=8, absolute_weight=95, sort_order=2)
        + CORE
    )
    result = enforce(catalog(rows, audience="adult"), packet, request())
    assert "Week 1: 48 sets of the squat pattern" not in " ".join(result.errors)
    rows = weeks(
        sets("Back Squat", 12, percentage=70)
        + sets("Front Squat", 12, reps=8, absolute_weight=95, sort_order=2)
        + sets("Goblet Squat", 1, reps=8, absolute_weight=40, sort_order=3)
        + CORE
    )
    result = enforce(catalog(rows, audience="adult"), packet, request())
    assert any(
        e.startswith("Week 1: 50 sets of the squat pattern; at most 48") for e in result.errors
    )


def test_a_block_of_one_movement_pattern_is_not_a_program(world: World) -> None:
    packet = build_packet(world.alex)
    hinges = sets("Deadlift", 5, reps=5, absolute_weight=135) + sets(
        "Kettlebell Swing", 3, reps=10, absolute_weight=35, sort_order=2
    )
    result = enforce(catalog(weeks(hinges), audience="adult"), packet, request())
    assert (
        "The program trains 2 exercises of 1 movement pattern (hinge); a program needs at least "
        "2 exercises of 2 patterns." in result.errors
    )
    # A short session of one pattern (a top-up, a test day) is not held to it.
    short = enforce(catalog(weeks(hinges[:7]), audience="adult"), packet, request())
    assert short.errors == []
