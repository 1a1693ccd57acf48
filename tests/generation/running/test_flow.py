"""A running plan through the generation run life cycle: request → ready → approve as a
supplemental assignment beside the strength program."""

from __future__ import annotations

import pytest
from django.utils import timezone

from athletes.models import AthleteProgram, User
from generation.engines.base import EngineChoice
from generation.models import GenerationRun, RunStatus
from generation.running.services import running_plan_request
from generation.runs.execute import generation_execute
from generation.runs.services import generation_approve
from tests.generation.factories_runs import World, build_world
from tests.generation.running.helpers import log_runs, settings


@pytest.fixture
def world(coach: User) -> World:
    return build_world(coach)


def ready_plan(world: World, coach: User, **fields: object) -> GenerationRun:
    log_runs(world.athlete, today=timezone.localdate())
    run = running_plan_request(
        athlete=world.athlete,
        settings=settings(start_date=timezone.localdate(), **fields),
        by=coach,
        engine=EngineChoice.RULES,
    )
    generation_execute(run_id=run.pk)
    run.refresh_from_db()
    return run


def test_a_running_plan_is_drafted_as_a_generation_run(world: World, coach: User) -> None:
    run = ready_plan(world, coach)
    assert run.status == RunStatus.READY, run.error_message
    assert run.errors == []
    program = run.draft["programs"][0]
    assert program["num_days"] == 3
    assert {s["rep_type"] for s in program["prescribed_sets"]} == {"distance"}
    assert [w["week_type"] for w in program["weeks"]][-1] == "race"
    assert run.packet is not None
    assert "Profile: 18 km a week" in run.reasoning[0]


def test_approving_a_running_plan_keeps_the_strength_program_primary(
    world: World, coach: User
) -> None:
    primary = AthleteProgram.objects.get(athlete=world.athlete, is_active=True)
    run = ready_plan(world, coach)
    template = generation_approve(run=run, by=coach)
    running = AthleteProgram.objects.get(template=template)
    assert running.role == "supplemental"
    assert running.start_date.weekday() == 0
    primary.refresh_from_db()
    assert primary.is_active
    assert primary.role == "primary"
    assert template.weeks[0]["week_type"] == "base"
    assert template.sets.filter(rep_type="distance").count() == len(
        run.draft["programs"][0]["prescribed_sets"]
    )
