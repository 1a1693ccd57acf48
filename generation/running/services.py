"""Requesting a running plan: a generation run like any other (history, preview, approval);
approving it goes through generation.runs.services.generation_approve, which makes a running
plan a supplemental assignment beside the athlete's strength program."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from generation.engines.base import EngineChoice, GenerationRequest
from generation.models import GenerationRun
from generation.running.plan import RACE_LABELS, PlanSettings
from generation.running.skeleton import EXERCISE_NAMES
from generation.runs.services import athlete_program_names, generation_request, next_program_name
from programs.models import Exercise, MovementPattern

if TYPE_CHECKING:
    from athletes.models import Athlete, User


def running_exercises_ensure() -> None:
    """The run exercises a plan prescribes are in the global catalog (a draft never creates
    any); a coach's own exercise of the same name is not theirs to replace for everyone."""
    with transaction.atomic():
        for name in EXERCISE_NAMES.values():
            if not Exercise.objects.filter(name__iexact=name, owner__isnull=True).exists():
                Exercise.objects.create(name=name, movement_pattern=MovementPattern.RUN)


def running_plan_name(athlete: Athlete, settings: PlanSettings) -> str:
    base = f"{RACE_LABELS[settings.race].capitalize()} plan"
    return next_program_name(base, athlete_name=athlete.name, taken=athlete_program_names(athlete))


def running_request(
    settings: PlanSettings, *, name: str, engine: EngineChoice = EngineChoice.AUTO
) -> GenerationRequest:
    return GenerationRequest(
        program_name=name,
        days_per_week=settings.days_per_week,
        weeks=settings.num_weeks,
        engine=engine,
        running={"settings": settings.as_dict()},
    )


def running_plan_request(
    *,
    athlete: Athlete,
    settings: PlanSettings,
    by: User | None,
    name: str = "",
    engine: EngineChoice = EngineChoice.AUTO,
    batch_id: str | None = None,
    enforce_rate_limit: bool = True,
) -> GenerationRun:
    running_exercises_ensure()
    request = running_request(
        settings, name=name.strip() or running_plan_name(athlete, settings), engine=engine
    )
    return generation_request(
        athlete=athlete,
        request=request,
        by=by,
        batch_id=batch_id,
        enforce_rate_limit=enforce_rate_limit,
    )
