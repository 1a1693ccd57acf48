"""Scenarios end to end through the snapshot and the formula (the database, no LLM)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from athletes.models import Athlete, RehabCap
from generation.models import StrategyUsed
from generation.session.plan import Readiness
from generation.session.services import Adjustment, session_adjust
from tests.generation.session.world import World, build_world, log_sets, sunday


@pytest.fixture
def world(athlete: Athlete) -> World:
    return build_world(athlete)


def adjust(world: World, readiness: Readiness, today: dt.date | None = None) -> Adjustment:
    return session_adjust(
        athlete=world.athlete,
        readiness=readiness,
        today=today or timezone.localdate(),
        strategy="formula",
    )


def lift(adjustment: Adjustment, name: str) -> dict:
    return next(e for e in adjustment.as_json()["exercises"] if e["name"] == name)


def test_poor_sleep_sore_quads_on_squat_day(world: World) -> None:
    result = adjust(world, Readiness(sleep=2, energy=2, soreness={"quads": 7}))
    squat, bench = lift(result, "Back Squat"), lift(result, "Bench Press")
    assert result.used == StrategyUsed.FORMULA
    # 225 × 0.95 (sleep & energy) × 0.95 (soreness 7) = 203.06 → 205; 3 − 1 − 2 sets → 1 kept.
    assert [s["weight"] for s in squat["adjusted"]] == [205.0]
    assert [s["weight"] for s in bench["adjusted"]] == [135.0, 135.0]  # 140 × 0.95 = 133 → 135
    assert "Back Squat −2 sets, ×0.95: quads soreness 7/10" in result.session.rationale
    assert "Back Squat −1 set, ×0.95: sleep 2/5, energy 2/5" in result.session.rationale
    assert squat["prescribed"][0]["weight"] == 225.0


def test_major_illness_skips_everything(world: World) -> None:
    result = adjust(world, Readiness(illness="major", illness_note="flu"))
    assert all(e["skipped"] for e in result.as_json()["exercises"])
    assert "Back Squat skipped: major illness (flu)" in result.session.rationale


def test_a_week_at_mrv_skips_the_squat_and_keeps_the_rest(world: World) -> None:
    today = sunday()
    log_sets(world.athlete, world.squat, day=today - dt.timedelta(days=6), sets=20)
    result = adjust(world, Readiness(), today=today)
    assert lift(result, "Back Squat")["skipped"]
    assert not lift(result, "Bench Press")["skipped"]
    assert "Back Squat skipped: quads at 20 of 20 weekly sets (MRV)" in result.session.rationale


def test_easy_sets_count_less_toward_mrv(world: World) -> None:
    today = sunday()
    log_sets(world.athlete, world.squat, day=today - dt.timedelta(days=6), sets=20, rpe="5")
    assert not lift(adjust(world, Readiness(), today=today), "Back Squat")["skipped"]


def test_a_deload_week_ignores_a_bad_check_in(athlete: Athlete) -> None:
    world = build_world(athlete, weeks=[{"week": 1, "week_type": "recovery", "coach_notes": ""}])
    result = adjust(world, Readiness(sleep=1, energy=1, soreness={"quads": 8}))
    assert [s["weight"] for s in lift(result, "Back Squat")["adjusted"]] == [225.0] * 3
    assert any("Deload week" in w for w in result.session.warnings)


def test_an_athlete_without_training_maxes_gets_sets_not_weights(athlete: Athlete) -> None:
    world = build_world(athlete, tms=False)
    result = adjust(world, Readiness(soreness={"quads": 5}))
    squat = lift(result, "Back Squat")
    assert [s["weight"] for s in squat["adjusted"]] == [None, None]
    assert any("Back Squat has no training max" in w for w in result.session.warnings)


def test_rpe_above_target_in_the_last_two_sessions_lightens_the_load(world: World) -> None:
    today = timezone.localdate()
    for days in (3, 7):
        log_sets(
            world.athlete,
            world.squat,
            day=today - dt.timedelta(days=days),
            sets=3,
            rpe="9.5",
            week=1,
        )
    result = adjust(world, Readiness(), today=today)
    assert [s["weight"] for s in lift(result, "Back Squat")["adjusted"]] == [215.0] * 3
    assert "Back Squat ×0.95: recent RPE +1.50 vs target" in result.session.rationale


def test_one_session_of_rpe_is_not_enough(world: World) -> None:
    today = timezone.localdate()
    log_sets(world.athlete, world.squat, day=today - dt.timedelta(days=3), sets=3, rpe="10", week=1)
    assert adjust(world, Readiness(), today=today).session.rationale == ()


def test_the_rehab_cap_holds_whatever_the_check_in(world: World) -> None:
    RehabCap.objects.create(athlete=world.athlete, exercise=world.squat, max_weight=Decimal("150"))
    result = adjust(world, Readiness(sleep=5, energy=5))
    assert {s["weight"] for s in lift(result, "Back Squat")["adjusted"]} == {150.0}


def test_no_program_gives_an_empty_session(athlete: Athlete) -> None:
    result = adjust(World(athlete, None, None, None, None, None), Readiness())  # type: ignore[arg-type]
    assert result.as_json()["exercises"] == []


# Settings (1), assignment, prescribed sets, TMs (3), RPE sets and their targets (2), weekly
# volume (1), last workout (1), rehab caps (1), health notes (1).
FORMULA_QUERIES = 10


def test_formula_query_count_is_constant(world: World, django_assert_num_queries: object) -> None:
    today = sunday()
    log_sets(world.athlete, world.squat, day=today - dt.timedelta(days=8), sets=1, week=1)
    with django_assert_num_queries(FORMULA_QUERIES):  # type: ignore[operator]
        adjust(world, Readiness(soreness={"quads": 6}), today=today)
    for days in range(1, 6):
        log_sets(world.athlete, world.squat, day=today - dt.timedelta(days=days), sets=6, week=1)
        log_sets(
            world.athlete, world.bench, day=today - dt.timedelta(days=days + 9), sets=6, week=1
        )
    with django_assert_num_queries(FORMULA_QUERIES):  # type: ignore[operator]
        adjust(world, Readiness(soreness={"quads": 6}), today=today)
