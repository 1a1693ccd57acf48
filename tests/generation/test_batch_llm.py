"""generate_programs with the LLM engine, through the real LiteLLM client, against the local
fake provider (tests/fakes)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from athletes.models import Athlete, User
from generation.models import GenerationRun, RunStatus
from tests.factories import AthleteFactory, ExerciseFactory
from tests.fakes.openai_server import FakeLLMServer, FakeReply


@pytest.fixture
def pair(coach: User) -> list[Athlete]:
    ExerciseFactory(name="Air Squat", movement_pattern="squat")
    ExerciseFactory(name="Push-Up", movement_pattern="horizontal_push")
    return [AthleteFactory(name=name, coach=coach) for name in ("Ana", "Ben")]


def answer() -> dict[str, Any]:
    """A valid answer (the compact answer format of generation/engines/draft_schema.py) for a
    1-week, 2-day fixed block, which is what the batch below asks for."""
    three_sets = [[10, None, 0, None]] * 3  # [reps, percentage, absolute_weight, target_rpe]
    return {
        "reasoning": ["Air Squat 3×10: no history yet, bodyweight only to start."],
        "program": {
            "name": "Whatever the model calls it",
            "description": None,
            "num_weeks": 1,
            "num_days": 2,
            "is_loop": False,
            "audience": "adult",
            "weeks": [],
            "exercises": [
                {
                    "day": day,
                    "exercise": name,
                    "rep_type": "reps",
                    "notes": None,
                    "plan": [{"weeks": [1], "sets": three_sets}],
                }
                for day in (1, 2)
                for name in ("Air Squat", "Push-Up")
            ],
            "progression_rules": [],
        },
    }


ARGS = ("--coach", "coach", "--engine", "llm", "--days", "2", "--weeks", "1", "--no-loop")


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("generate_programs", *args, "--poll-interval", "0.01", stdout=out)
    return out.getvalue()


def test_an_llm_batch_drafts_every_athlete_through_the_provider(
    llm: FakeLLMServer, pair: list[Athlete]
) -> None:
    llm.default = FakeReply.json(answer(), prompt_tokens=1500, completion_tokens=900)

    out = run(*ARGS, "--wait", "--concurrency", "1")

    runs = list(GenerationRun.objects.order_by("athlete__name"))
    assert [r.status for r in runs] == [RunStatus.READY, RunStatus.READY]
    assert [r.engine_used for r in runs] == ["llm", "llm"]
    assert [r.program_name for r in runs] == ["Ana — Block 1", "Ben — Block 1"]
    assert [r.draft["programs"][0]["name"] for r in runs if r.draft] == [
        "Ana — Block 1",
        "Ben — Block 1",
    ]
    assert len(llm.requests) == 2
    assert {r.model for r in llm.requests} == {"fake-model"}
    # Each athlete's own packet went to the provider.
    assert "Ana" in str(llm.requests[0].messages[-1]["content"])
    assert "Ben" in str(llm.requests[1].messages[-1]["content"])
    ana_row = next(line for line in out.splitlines() if line.startswith("Ana "))
    assert "ready" in ana_row
    assert "llm" in ana_row
    assert "1,500+900" in ana_row
    assert "tokens 4,800" in out


def test_a_provider_failure_leaves_a_labelled_rules_draft_not_a_failed_run(
    llm: FakeLLMServer, pair: list[Athlete]
) -> None:
    llm.default = FakeReply.unauthorized()

    out = run(*ARGS, "--wait", "--concurrency", "1")

    assert set(GenerationRun.objects.values_list("status", flat=True)) == {RunStatus.READY}
    assert set(GenerationRun.objects.values_list("engine_used", flat=True)) == {"rules"}
    ben_row = next(line for line in out.splitlines() if line.startswith("Ben "))
    assert "rules (LLM fallback)" in ben_row
    assert "LLM failed: The provider rejected the API key" in ben_row
    assert "LLM failed: LLM failed" not in out


def test_the_dry_run_sends_nothing_to_the_provider(llm: FakeLLMServer, pair: list[Athlete]) -> None:
    out = run(*ARGS, "--dry-run")

    assert llm.requests == []
    assert GenerationRun.objects.count() == 0
    assert "would queue 2 runs" in out


def test_a_failed_llm_run_makes_the_command_fail(
    llm: FakeLLMServer, pair: list[Athlete], monkeypatch: pytest.MonkeyPatch
) -> None:
    llm.default = FakeReply.json(answer())
    from generation.runs.services import catalog_check

    real = catalog_check.check

    def broken_catalog(catalog: dict[str, Any], *, athlete: Athlete) -> Any:
        if athlete.name == "Ana":
            raise RuntimeError("the catalog check crashed")
        return real(catalog, athlete=athlete)

    monkeypatch.setattr(catalog_check, "check", broken_catalog)

    with pytest.raises(CommandError) as excinfo:
        run(*ARGS, "--wait", "--concurrency", "1")

    assert excinfo.value.returncode == 1
    assert "1 run failed" in str(excinfo.value)
    assert GenerationRun.objects.get(athlete__name="Ana").status == RunStatus.FAILED
    assert GenerationRun.objects.get(athlete__name="Ben").status == RunStatus.READY
