"""The LLM coach layer through the real LiteLLM client against the local fake server: it may
write words only; structural values in its answer are overwritten; failures fall back to the
engine's own text, labelled."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from athletes.models import User
from generation.engines.base import EngineChoice
from generation.models import GenerationRun, RunStatus
from generation.packet import build_packet
from generation.running.build import build_plan
from generation.running.coach_layer import CoachAnswer, skeleton
from generation.running.engine import packet_profile
from generation.running.plan import PlanSettings
from generation.running.services import running_plan_request
from generation.runs.execute import generation_execute
from tests.fakes.openai_server import FakeLLMServer, FakeReply
from tests.generation.factories_runs import World, build_world
from tests.generation.running.helpers import log_runs, settings


@pytest.fixture
def world(coach: User) -> World:
    built = build_world(coach)
    log_runs(built.athlete, today=timezone.localdate())
    return built


@pytest.fixture
def plan_settings() -> PlanSettings:
    return settings(start_date=timezone.localdate(), weeks=4)


def _draft(world: World, coach: User, plan_settings: PlanSettings) -> GenerationRun:
    run = running_plan_request(
        athlete=world.athlete, settings=plan_settings, by=coach, engine=EngineChoice.LLM
    )
    generation_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.READY, run.error_message
    return run


def _answer(world: World, plan_settings: PlanSettings, **tamper: Any) -> dict[str, Any]:
    """What a model would answer: the engine's skeleton echoed with text, `tamper` applied."""
    plan = build_plan(packet_profile(build_packet(world.athlete)), plan_settings)
    shape = skeleton(plan)
    text = {
        "description": "<b>Run</b> tall",
        "intensity": "easy",
        "target": "zone 2",
        "warm_up": "10 min",
        "main_set": "steady",
        "cool_down": "5 min",
    }
    sessions = [
        {**s, "title": f"Session W{s['week']}D{s['day']}", **text, **tamper}
        for s in shape["sessions"]
    ]
    weeks = [{**w, "coach_notes": f"Notes for week {w['week']}"} for w in shape["weeks"]]
    return {"weeks": weeks, "sessions": sessions}


def _structure(run: GenerationRun) -> list[tuple[int, int, str, int]]:
    rows = run.draft["programs"][0]["prescribed_sets"]
    return [(s["week"], s["day"], s["exercise"], s["reps"]) for s in rows]


def test_llm_text_is_used_and_its_structural_changes_are_overwritten(
    world: World, coach: User, llm: FakeLLMServer, plan_settings: PlanSettings
) -> None:
    honest = _answer(world, plan_settings)
    tampered = _answer(
        world, plan_settings, distance_km=99.0, date="2030-01-01", workout_type="race"
    )
    for week in tampered["weeks"]:
        week.update(total_km=500, week_type="peak")
    llm.queue(FakeReply.json(honest), FakeReply.json(tampered))
    first = _draft(world, coach, plan_settings)
    GenerationRun.objects.filter(pk=first.pk).update(status=RunStatus.REJECTED)
    second = running_plan_request(
        athlete=world.athlete,
        settings=plan_settings,
        by=coach,
        engine=EngineChoice.LLM,
        name="Second",
    )
    generation_execute(run_id=second.pk)
    second.refresh_from_db()

    assert _structure(second) == _structure(first)
    weeks = second.draft["programs"][0]["weeks"]
    assert [w["week_type"] for w in weeks] == [
        w["week_type"] for w in first.draft["programs"][0]["weeks"]
    ]
    assert "Session W1D1" in second.draft["programs"][0]["prescribed_sets"][0]["notes"]
    assert weeks[0]["coach_notes"] == "Notes for week 1"
    assert any("structural values" in w["message"] for w in second.warnings)
    assert not any("structural values" in w["message"] for w in first.warnings)


def test_the_run_records_prompt_response_tokens_and_the_llm_label(
    world: World, coach: User, llm: FakeLLMServer, plan_settings: PlanSettings
) -> None:
    llm.queue(FakeReply.json(_answer(world, plan_settings)))
    run = _draft(world, coach, plan_settings)
    assert run.engine_used == "llm"
    assert (run.tokens_in, run.tokens_out) == (12, 7)
    assert run.prompt[0]["role"] == "system"
    assert "Session W1D1" in run.raw_response
    assert "written by the LLM" in run.draft["programs"][0]["description"]
    assert llm.last.messages[0]["role"] == "system"
    assert not run.fallback_reason


def test_a_failed_llm_leaves_the_engines_text_labelled(
    world: World, coach: User, llm: FakeLLMServer, plan_settings: PlanSettings
) -> None:
    llm.queue(FakeReply.server_error())
    run = _draft(world, coach, plan_settings)
    assert run.fallback_reason.startswith("LLM failed:")
    assert "plan engine's own coaching text" in run.fallback_reason
    assert "built-in plan engine" in run.draft["programs"][0]["description"]
    assert run.engine_used == "rules"


def test_an_answer_with_unknown_fields_is_refused_by_the_strict_schema(
    world: World, coach: User, llm: FakeLLMServer, plan_settings: PlanSettings
) -> None:
    llm.queue(FakeReply.json({"weeks": [], "sessions": [], "total_weeks": 20}))
    run = _draft(world, coach, plan_settings)
    assert "did not fit the plan format" in run.fallback_reason
    assert "total_weeks" in run.fallback_reason


def test_long_text_is_cut_to_its_limit() -> None:
    answer = CoachAnswer.model_validate(
        {"sessions": [{"week": 1, "day": 1, "title": "x" * 500}], "weeks": []}
    )
    assert len(answer.sessions[0].title) == 80


def test_llm_text_is_rendered_escaped_in_the_calendar(
    world: World,
    coach: User,
    llm: FakeLLMServer,
    plan_settings: PlanSettings,
    coach_client: Any,
) -> None:
    llm.queue(FakeReply.json(_answer(world, plan_settings)))
    run = _draft(world, coach, plan_settings)
    page = coach_client.get(run.get_absolute_url()).content.decode()
    assert "&lt;b&gt;Run&lt;/b&gt; tall" in page
    assert "<b>Run</b>" not in page
