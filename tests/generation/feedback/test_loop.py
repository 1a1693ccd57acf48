"""The feedback loop end to end, through the real rules engine and dispatch: the same swap made
in two approved drafts arrives pre-made in the third, and its reasoning names the two edits."""

from __future__ import annotations

from typing import Any

import pytest

from athletes.models import User
from generation.feedback.models import LearnedPreference
from generation.feedback.services import preference_clear
from generation.models import GenerationRun, RunStatus
from generation.runs.edits import with_ids
from generation.runs.services import generation_approve, generation_swap_exercise
from tests.generation.factories_runs import World, build_world, request_for, run_to_ready

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(coach: User) -> World:
    return build_world(coach)


def _draft(world: World, coach: User, n: int) -> GenerationRun:
    # The coach starts every block from the same library program, so without the loop each
    # draft would have Push-up on day 1 again.
    request = request_for(f"Block {n}", engine="rules", reference_program_ids=(world.template.pk,))
    run = run_to_ready(world.athlete, coach, request)
    assert run.status == RunStatus.READY, run.error_message
    return run


def _day1(run: GenerationRun) -> set[str]:
    sets = run.current_catalog["programs"][0]["prescribed_sets"]  # type: ignore[index]
    return {r["exercise"] for r in sets if r["day"] == 1}


def _swap_pushup_for_bench(run: GenerationRun, world: World, coach: User) -> None:
    sets: list[dict[str, Any]] = with_ids(run.draft or {})["programs"][0]["prescribed_sets"]
    pushup = next(r for r in sets if r["exercise"] == "Push-up" and r["day"] == 1)
    generation_swap_exercise(
        run=run, set_id=pushup["_id"], exercise_id=world.bench.pk, every_week=True, by=coach
    )
    run.refresh_from_db()
    generation_approve(run=run, by=coach)


def test_a_swap_made_in_two_drafts_arrives_made_in_the_third(world: World, coach: User) -> None:
    first = _draft(world, coach, 1)
    assert "Push-up" in _day1(first)
    _swap_pushup_for_bench(first, world, coach)

    second = _draft(world, coach, 2)
    assert "Push-up" in _day1(second), "one swap is not yet a stable preference"
    _swap_pushup_for_bench(second, world, coach)

    third = _draft(world, coach, 3)
    assert "Push-up" not in _day1(third)
    assert "Bench Press" in _day1(third)
    line = next(r for r in third.reasoning if r.startswith("Coach preference"))
    assert "Push-up replaced with Bench Press" in line
    assert f"run #{first.pk}" in line
    assert f"run #{second.pk}" in line
    assert third.packet["coach_preferences"][0]["stable"] is True  # type: ignore[index]


def test_a_cleared_swap_is_not_applied_again(world: World, coach: User) -> None:
    for n in (1, 2):
        _swap_pushup_for_bench(_draft(world, coach, n), world, coach)
    pref = LearnedPreference.objects.get(athlete=world.athlete, kind="swap")
    assert (pref.subject, pref.detail, pref.count, pref.recent) == ("Push-up", "Bench Press", 2, 2)
    preference_clear(preference=pref, by=coach)

    third = _draft(world, coach, 3)
    assert "Push-up" in _day1(third)
    assert not any(r.startswith("Coach preference") for r in third.reasoning)
