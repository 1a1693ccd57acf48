"""The built-in rules engine (the initial, simple version): the next block from the packet."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from athletes.models import User
from generation.engines.base import GenerationRequest
from generation.engines.rules import RulesEngine
from generation.packet import build_packet
from tests.factories import (
    ExerciseEquipmentFactory,
    ExerciseFactory,
    PrescribedSetFactory,
    WorkoutFactory,
    WorkoutSetFactory,
)
from tests.generation.factories_runs import (
    World,
    build_world,
    request_for,
)


@pytest.fixture
def world(coach: User) -> World:
    return build_world(coach)


def draft_for(world: World, request: GenerationRequest) -> Any:
    return RulesEngine().generate(build_packet(world.athlete), request)


def sets_of(draft: Any) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = draft.catalog["programs"][0]["prescribed_sets"]
    return rows


def test_the_draft_is_catalogjson_with_one_program_and_reasoning(world: World) -> None:
    draft = draft_for(world, request_for("Next", weeks=3))
    assert draft.catalog["type"] == "catalog"
    program = draft.catalog["programs"][0]
    assert (program["name"], program["num_weeks"], program["num_days"]) == ("Next", 3, 2)
    assert {s["week"] for s in program["prescribed_sets"]} == {1, 2, 3}
    assert draft.usage.engine == "rules"
    assert draft.reasoning[0].startswith("Started from Sport Performance — Month 3")


def test_exercises_needing_missing_equipment_are_replaced_like_for_like(
    world: World,
) -> None:
    swing = ExerciseFactory(name="Kettlebell Swing", movement_pattern="hinge")
    ExerciseEquipmentFactory(exercise=swing, equipment=world.kettlebell)
    PrescribedSetFactory(
        template=world.template, exercise=world.deadlift, week=1, day=1, set_number=1,
        reps=5, percentage=Decimal(70), sort_order=3,
    )  # fmt: skip
    draft = draft_for(world, request_for("Next"))
    names = {s["exercise"] for s in sets_of(draft)}
    assert "Trap Bar Deadlift" not in names
    assert "Kettlebell Swing" in names
    assert any(
        line.startswith("Trap Bar Deadlift replaced by Kettlebell Swing")
        for line in draft.reasoning
    )


def test_a_fixed_block_deloads_every_fourth_week(world: World) -> None:
    draft = draft_for(world, request_for("Next", weeks=4))
    weeks = draft.catalog["programs"][0]["weeks"]
    assert [w["week_type"] for w in weeks] == ["base", "build", "build", "recovery"]
    squat = {
        week: [s for s in sets_of(draft) if s["exercise"] == "Back Squat" and s["week"] == week]
        for week in (2, 4)
    }
    # Weeks 2 and 4 both follow week 2 of the 2-week source; week 4 is its deload.
    assert len(squat[4]) == len(squat[2]) - 1
    assert squat[4][0]["percentage"] == squat[2][0]["percentage"] - 10


def test_a_loop_has_no_deload(world: World) -> None:
    draft = draft_for(world, request_for("Next", weeks=4, is_loop=True))
    assert all(w["week_type"] != "recovery" for w in draft.catalog["programs"][0]["weeks"])


def test_fewer_days_and_fewer_exercises_are_respected(world: World) -> None:
    draft = draft_for(world, request_for("Next", days_per_week=1, max_exercises_per_day=1))
    rows = sets_of(draft)
    assert {s["day"] for s in rows} == {1}
    assert {s["exercise"] for s in rows} == {"Back Squat"}
    assert any("At most 1 exercises a day" in line for line in draft.reasoning)


def test_a_hard_exercise_is_held_and_says_why(world: World) -> None:
    today = timezone.localdate()
    for i in range(4):
        workout = WorkoutFactory(
            athlete=world.athlete, date=today - dt.timedelta(days=2 + 2 * i), week=1, day=1,
            assignment=world.athlete.assignments.get(),
        )  # fmt: skip
        for n in (1, 2, 3):
            WorkoutSetFactory(
                workout=workout, exercise=world.squat, set_number=n, reps=5,
                weight=Decimal(200), rpe=Decimal("9"),
            )  # fmt: skip
    draft = draft_for(world, request_for("Next"))
    line = next(line for line in draft.reasoning if line.startswith("Back Squat:"))
    assert "held at 80 % of the training max" in line
    assert "avg RPE 9" in line
    week1 = [s["percentage"] for s in sets_of(draft) if s["exercise"] == "Back Squat"][:3]
    assert week1 == [75, 75, 75]


def test_absolute_loads_round_half_up_to_the_plate_increment(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REPLOG_PLATE_INCREMENT", "2.5")
    draft = draft_for(world, request_for("Next"))
    rows = [s for s in sets_of(draft) if s["exercise"] == "Kettlebell Row" and s["week"] == 1]
    # 24 × 1.025 = 24.6 → 25 at 2.5 increments.
    assert {s["absolute_weight"] for s in rows} == {25}


def test_the_preview_shows_the_checker_and_a_line_an_edit_made_false(
    world: World, coach: User, client: Any
) -> None:
    from django.urls import reverse

    from tests.generation.factories_runs import run_to_ready

    run = run_to_ready(world.athlete, coach)
    client.force_login(coach)
    page = client.get(reverse("generation:run", args=[world.athlete.pk, run.pk])).content.decode()
    assert 'id="draft-check"' in page
    assert "match the sets, and every flag and note is answered" in page
    run.reasoning = [*run.reasoning, "Back Squat: top set 75 → 95 % of the training max."]
    run.save(update_fields=["reasoning"])
    page = client.get(reverse("generation:run", args=[world.athlete.pk, run.pk])).content.decode()
    assert "The reasoning disagrees with the sets: Back Squat" in page
