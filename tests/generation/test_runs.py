"""GenerationRun lifecycle: request → execute → ready | failed, recovery, double Generate."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from athletes.models import User
from generation.engines import dispatch
from generation.engines.base import EngineChoice
from generation.models import GenerationRun, RunStatus
from generation.runs.execute import generation_execute, generation_recover_stuck
from generation.runs.services import default_request_for, generation_request, next_program_name
from generation.runs.states import (
    TRANSITIONS,
    GenerationError,
    InvalidTransition,
    RateLimited,
    RunInProgress,
)
from tests.generation.factories_runs import (
    FixedEngine,
    World,
    build_world,
    request_for,
    run_to_ready,
    small_catalog,
)


@pytest.fixture
def world(coach: User) -> World:
    return build_world(coach)


def test_request_creates_a_queued_run_with_the_request_and_a_deadline(
    world: World, coach: User
) -> None:
    run = generation_request(athlete=world.athlete, request=request_for(), by=coach)
    assert run.status == RunStatus.QUEUED
    assert run.request["program_name"] == "Sport Performance — Month 4"
    assert run.engine_requested == "auto"
    assert run.requested_by == coach
    assert run.deadline_at is not None
    assert run.deadline_at > timezone.now()


def test_request_enqueues_the_task_only_when_the_transaction_commits(
    world: World, coach: User, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = generation_request(athlete=world.athlete, request=request_for(), by=coach)
    assert len(callbacks) == 1
    assert run.task_id == ""
    callbacks[0]()
    run.refresh_from_db()
    assert run.task_id  # the dummy backend accepted the task and the run remembers its id


def test_execute_walks_every_working_state_to_ready(
    world: World, coach: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []
    engine = FixedEngine(small_catalog("Sport Performance — Month 4"))

    def spy(packet: Any, request: Any) -> Any:
        seen.append(GenerationRun.objects.get().status)
        return engine(packet, request)

    monkeypatch.setattr(dispatch, "generate_draft", spy)
    run = run_to_ready(world.athlete, coach)

    assert seen == [RunStatus.CALLING]
    assert run.status == RunStatus.READY
    assert run.packet["meta"]["athlete_id"] == world.athlete.pk  # the snapshot is kept
    assert run.engine_used == "llm"
    assert run.model == "fake-model"
    assert (run.tokens_in, run.tokens_out) == (1200, 800)
    assert str(run.cost_usd) == "0.012300"
    assert run.reasoning == ["Kept the squat: avg RPE 7.0."]
    assert run.prompt == [{"role": "user", "content": "packet"}]
    assert run.raw_response
    assert run.draft["programs"][0]["name"] == "Sport Performance — Month 4"
    assert run.errors == []
    assert run.name_mapping["exercise"]["back squat"] == f"db:{world.squat.pk}"
    assert run.started_at is not None
    assert run.finished_at is not None
    assert run.duration_s is not None
    assert run.duration_s >= 0
    assert run.progress == ""


def test_the_rules_engine_drafts_the_next_block_when_no_llm_is_configured(
    world: World, coach: User
) -> None:
    run = run_to_ready(world.athlete, coach)
    assert run.status == RunStatus.READY, run.error_message
    assert run.engine_used == "rules"
    program = run.draft["programs"][0]
    assert program["name"] == "Sport Performance — Month 4"
    assert (program["num_weeks"], program["num_days"]) == (2, 2)
    squats = [s for s in program["prescribed_sets"] if s["exercise"] == "Back Squat"]
    # Week 1 of the next block starts from week 1 of the current one. Back Squat has a
    # progression rule: it progresses through the training max, not the percentages.
    assert squats
    assert all(s["percentage"] == 75 for s in squats if s["week"] == 1)
    assert any(line.startswith("Back Squat: held at") for line in run.reasoning)
    assert any("Sport Performance — Month 3" in line for line in run.reasoning)
    assert program["progression_rules"] == [{"exercise": "Back Squat", "increment": 10}]


def test_a_failing_engine_ends_failed_with_a_message_never_spinning(
    world: World, coach: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(packet: Any, request: Any) -> Any:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(dispatch, "generate_draft", boom)
    run = run_to_ready(world.athlete, coach)
    assert run.status == RunStatus.FAILED
    assert "unexpected error (RuntimeError)" in run.error_message
    assert "secret internals" not in run.error_message
    assert run.finished_at is not None


def test_an_engine_error_with_a_user_message_is_shown_as_is(
    world: World, coach: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    class ProviderDown(Exception):
        user_message = "The LLM provider did not answer within 120 s."

    def down(packet: Any, request: Any) -> Any:
        raise ProviderDown

    monkeypatch.setattr(dispatch, "generate_draft", down)
    run = run_to_ready(world.athlete, coach)
    assert run.status == RunStatus.FAILED
    assert run.error_message == "The LLM provider did not answer within 120 s."


def test_a_draft_that_is_not_a_program_fails_with_the_reason(
    world: World, coach: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dispatch, "generate_draft", FixedEngine({"type": "catalog"}))
    run = run_to_ready(world.athlete, coach)
    assert run.status == RunStatus.FAILED
    assert run.error_message == "The generator returned no program."


def test_set_level_problems_leave_the_draft_ready_with_errors_on_their_rows(
    world: World, coach: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog = small_catalog()
    catalog["programs"][0]["prescribed_sets"][1]["percentage"] = 150
    catalog["programs"][0]["prescribed_sets"][2]["exercise"] = "Moon Walk"
    monkeypatch.setattr(dispatch, "generate_draft", FixedEngine(catalog))
    run = run_to_ready(world.athlete, coach, request_for("Month 4"))
    assert run.status == RunStatus.READY
    assert [e.get("set_id") for e in run.errors] == [1]
    assert "150 % is outside 20–110 %" in run.errors[0]["message"]


def test_unknown_exercises_are_errors_on_each_of_their_sets(
    world: World, coach: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog = small_catalog()
    catalog["programs"][0]["prescribed_sets"][2]["exercise"] = "Moon Walk"
    monkeypatch.setattr(dispatch, "generate_draft", FixedEngine(catalog))
    run = run_to_ready(world.athlete, coach, request_for("Month 4"))
    assert run.status == RunStatus.READY
    assert [(e["set_id"], e["exercise"]) for e in run.errors] == [(2, "Moon Walk")]
    assert "not in the exercise catalog" in run.errors[0]["message"]


def test_engine_warnings_are_attached_to_the_exercise_they_name(
    world: World, coach: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = FixedEngine(
        small_catalog(),
        warnings=["Back Squat loads the knee: note of 2026-01-01.", "General remark."],
    )
    monkeypatch.setattr(dispatch, "generate_draft", engine)
    run = run_to_ready(world.athlete, coach, request_for("Month 4"))
    engine_notes = [w for w in run.warnings if w["source"] == "engine"]
    assert engine_notes[0]["exercise"] == "Back Squat"
    assert "exercise" not in engine_notes[1]


def test_missing_equipment_is_a_warning_on_the_exercise(
    world: World, coach: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog = small_catalog(
        sets=[
            {
                **small_catalog()["programs"][0]["prescribed_sets"][0],
                "exercise": "Trap Bar Deadlift",
            }
        ]
    )
    monkeypatch.setattr(dispatch, "generate_draft", FixedEngine(catalog))
    run = run_to_ready(world.athlete, coach, request_for("Month 4"))
    assert any(
        w.get("exercise") == "Trap Bar Deadlift" and "Trap Bar" in w["message"]
        for w in run.warnings
    )


def test_a_run_is_never_executed_twice(
    world: World, coach: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = FixedEngine(small_catalog("Month 4"))
    monkeypatch.setattr(dispatch, "generate_draft", engine)
    run = generation_request(athlete=world.athlete, request=request_for("Month 4"), by=coach)
    assert generation_execute(run_id=run.pk) == RunStatus.READY
    assert generation_execute(run_id=run.pk) == RunStatus.READY
    assert engine.calls == 1


def test_a_failed_run_is_not_executed_by_a_late_task(
    world: World, coach: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = FixedEngine(small_catalog("Month 4"))
    monkeypatch.setattr(dispatch, "generate_draft", engine)
    run = generation_request(athlete=world.athlete, request=request_for("Month 4"), by=coach)
    GenerationRun.objects.filter(pk=run.pk).update(
        deadline_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert generation_execute(run_id=run.pk) == RunStatus.FAILED
    assert engine.calls == 0


def test_stuck_runs_past_their_deadline_are_failed_with_the_reason(
    world: World, coach: User
) -> None:
    run = generation_request(athlete=world.athlete, request=request_for(), by=coach)
    GenerationRun.objects.filter(pk=run.pk).update(status=RunStatus.CALLING)
    assert run.deadline_at is not None
    assert generation_recover_stuck(now=run.deadline_at - dt.timedelta(seconds=1)) == 0
    assert generation_recover_stuck(now=run.deadline_at + dt.timedelta(seconds=1)) == 1
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert "worker stopped or timed out" in run.error_message
    assert "Drafting the program" in run.error_message  # the stage it stopped in
    # The athlete's slot is free again.
    generation_request(athlete=world.athlete, request=request_for("Other"), by=coach)


def test_a_worker_finishing_after_recovery_does_not_revive_the_run(
    world: World, coach: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    def slow(packet: Any, request: Any) -> Any:
        # While the engine "works", the run is declared stuck (the web process polled it).
        generation_recover_stuck(now=timezone.now() + dt.timedelta(days=1))
        return FixedEngine(small_catalog("Month 4"))(packet, request)

    monkeypatch.setattr(dispatch, "generate_draft", slow)
    run = run_to_ready(world.athlete, coach, request_for("Month 4"))
    assert run.status == RunStatus.FAILED
    assert run.draft is None


def test_recovery_command_reports_what_it_did(world: World, coach: User) -> None:
    from io import StringIO

    from django.core.management import call_command

    run = generation_request(athlete=world.athlete, request=request_for(), by=coach)
    GenerationRun.objects.filter(pk=run.pk).update(
        deadline_at=timezone.now() - dt.timedelta(minutes=1)
    )
    out = StringIO()
    call_command("generation_recover", stdout=out)
    assert out.getvalue().strip() == "1 stuck run marked failed."


def test_a_second_generate_while_one_runs_is_refused_with_the_running_run(
    world: World, coach: User
) -> None:
    first = generation_request(athlete=world.athlete, request=request_for(), by=coach)
    with pytest.raises(RunInProgress) as refused:
        generation_request(athlete=world.athlete, request=request_for("Other"), by=coach)
    assert refused.value.run == first
    assert "already being generated" in refused.value.message


def test_the_database_refuses_two_working_runs_for_one_athlete(world: World, coach: User) -> None:
    GenerationRun.objects.create(athlete=world.athlete, status=RunStatus.QUEUED)
    with pytest.raises(IntegrityError), transaction.atomic():
        GenerationRun.objects.create(athlete=world.athlete, status=RunStatus.CALLING)
    # Finished runs do not hold the slot.
    GenerationRun.objects.create(athlete=world.athlete, status=RunStatus.READY)
    GenerationRun.objects.create(athlete=world.athlete, status=RunStatus.FAILED)


def test_a_race_past_the_check_is_still_refused(
    world: World, coach: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The other request commits between our check and our insert.
    import generation.runs.services as services

    real_filter = GenerationRun.objects.filter
    calls = {"n": 0}

    def racing_filter(*args: Any, **kwargs: Any) -> Any:
        qs = real_filter(*args, **kwargs)
        if kwargs.get("status__in") and calls["n"] == 0:
            calls["n"] += 1
            GenerationRun.objects.create(athlete=world.athlete, status=RunStatus.QUEUED)
            return qs.none()
        return qs

    monkeypatch.setattr(services.GenerationRun.objects, "filter", racing_filter)
    with pytest.raises(RunInProgress) as refused:
        generation_request(athlete=world.athlete, request=request_for(), by=coach)
    assert refused.value.run is not None
    assert real_filter(athlete=world.athlete).count() == 1


def test_rate_limit_per_coach_is_a_clear_message(
    world: World, coach: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REPLOG_GENERATION_COACH_RUNS_PER_HOUR", "2")
    for _ in range(2):
        GenerationRun.objects.create(
            athlete=world.athlete, requested_by=coach, status=RunStatus.FAILED
        )
    with pytest.raises(RateLimited) as refused:
        generation_request(athlete=world.athlete, request=request_for(), by=coach)
    assert "limit is 2 per hour" in refused.value.message
    # Runs older than an hour do not count.
    GenerationRun.objects.update(created_at=timezone.now() - dt.timedelta(hours=2))
    generation_request(athlete=world.athlete, request=request_for(), by=coach)


def test_operator_tools_may_skip_the_rate_limit(
    world: World, coach: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REPLOG_GENERATION_COACH_RUNS_PER_HOUR", "1")
    GenerationRun.objects.create(athlete=world.athlete, requested_by=coach, status="failed")
    run = generation_request(
        athlete=world.athlete,
        request=request_for(),
        by=coach,
        batch_id="b1",
        enforce_rate_limit=False,
    )
    assert run.batch_id == "b1"


@pytest.mark.parametrize(
    ("request_fields", "message"),
    [
        ({"program_name": "  "}, "Give the new program a name."),
        ({"days_per_week": 8}, "Days per week must be between 1 and 7."),
        ({"weeks": 0}, "Weeks must be between 1 and 52."),
        ({"max_exercises_per_day": 40}, "Max exercises per day must be between 1 and 15."),
        ({"focus_areas": ("juggling",)}, "Unknown focus area: juggling."),
    ],
)
def test_bad_requests_are_refused_with_a_message_and_nothing_written(
    world: World, coach: User, request_fields: dict[str, Any], message: str
) -> None:
    with pytest.raises(GenerationError) as refused:
        generation_request(athlete=world.athlete, request=request_for(**request_fields), by=coach)
    assert refused.value.message == message
    assert not GenerationRun.objects.exists()


def test_a_name_the_athlete_already_has_is_refused(world: World, coach: User) -> None:
    from tests.factories import ProgramTemplateFactory

    ProgramTemplateFactory(name="Month 4", owner=world.athlete)
    with pytest.raises(GenerationError, match="already has a program named “month 4”"):
        generation_request(athlete=world.athlete, request=request_for("month 4"), by=coach)


def test_transitions_only_move_forward() -> None:
    from generation.runs.states import advance

    assert TRANSITIONS[RunStatus.APPROVED] == frozenset()
    with pytest.raises(InvalidTransition):
        advance(1, RunStatus.READY, RunStatus.CALLING)


@pytest.mark.parametrize(
    ("current", "expected"),
    [
        ("Sport Performance — Month 3", "Sport Performance — Month 4"),
        ("Block 2", "Block 3"),
        ("Phase 2 (Summer)", "Phase 3 (Summer)"),
        ("Hypertrophy 9", "Hypertrophy 10"),
        ("5/3/1 BBB", "5/3/1 BBB (next)"),
        ("Base Strength", "Base Strength (next)"),
    ],
)
def test_next_program_name_increments_the_current_one(current: str, expected: str) -> None:
    assert next_program_name(current) == expected


def test_next_program_name_skips_names_already_taken() -> None:
    taken = {"block 3", "Block 4"}
    assert next_program_name("Block 2", taken=taken) == "Block 5"
    assert next_program_name("Base", taken={"Base (next)"}) == "Base (next 2)"
    assert next_program_name(None, athlete_name="Sam") == "Sam — Block 1"


def test_the_default_request_continues_the_current_program(world: World) -> None:
    request = default_request_for(world.athlete)
    assert request.program_name == "Sport Performance — Month 4"
    assert (request.days_per_week, request.weeks, request.is_loop) == (2, 2, False)


def test_asking_for_the_llm_without_one_configured_is_refused(world: World, coach: User) -> None:
    with pytest.raises(GenerationError, match="No LLM is configured"):
        generation_request(
            athlete=world.athlete, request=request_for(engine=EngineChoice.LLM), by=coach
        )
    assert not GenerationRun.objects.exists()
