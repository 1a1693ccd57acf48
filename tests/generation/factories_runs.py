"""A small world for generation-run tests: an athlete with equipment, a catalog, a current
program, and a way to get a run to "ready" through the real pipeline."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.test import override_settings

from athletes import models as am
from generation.engines.base import Draft, EngineName, GenerationRequest, Usage
from generation.models import GenerationRun
from generation.runs.execute import generation_execute
from generation.runs.services import generation_request
from programs import models as pm
from tests.factories import (
    AthleteEquipmentFactory,
    AthleteFactory,
    AthleteProgramFactory,
    EquipmentFactory,
    ExerciseEquipmentFactory,
    ExerciseFactory,
    PrescribedSetFactory,
    ProgramTemplateFactory,
    ProgressionRuleFactory,
)

IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@dataclass
class World:
    athlete: am.Athlete
    template: pm.ProgramTemplate
    squat: pm.Exercise
    goblet: pm.Exercise
    bench: pm.Exercise
    pushup: pm.Exercise
    row: pm.Exercise
    deadlift: pm.Exercise
    barbell: pm.Equipment
    kettlebell: pm.Equipment


def build_world(coach: am.User, *, name: str = "Tommy", athlete: am.Athlete | None = None) -> World:
    """Tommy: barbell and kettlebell, on "Sport Performance — Month 3" (2 weeks × 2 days)."""
    athlete = athlete or AthleteFactory(name=name, coach=coach)
    barbell = EquipmentFactory(name="Barbell")
    kettlebell = EquipmentFactory(name="Kettlebell")
    trap_bar = EquipmentFactory(name="Trap Bar")
    AthleteEquipmentFactory(athlete=athlete, equipment=barbell)
    AthleteEquipmentFactory(athlete=athlete, equipment=kettlebell)
    squat = ExerciseFactory(name="Back Squat", movement_pattern="squat")
    goblet = ExerciseFactory(name="Goblet Squat", movement_pattern="squat", aliases=["KB Goblet"])
    bench = ExerciseFactory(name="Bench Press", movement_pattern="horizontal_push")
    pushup = ExerciseFactory(name="Push-up", movement_pattern="horizontal_push")
    row = ExerciseFactory(name="Kettlebell Row", movement_pattern="horizontal_pull")
    deadlift = ExerciseFactory(name="Trap Bar Deadlift", movement_pattern="hinge")
    for exercise, equipment in (
        (squat, barbell),
        (bench, barbell),
        (goblet, kettlebell),
        (row, kettlebell),
        (deadlift, trap_bar),
    ):
        ExerciseEquipmentFactory(exercise=exercise, equipment=equipment)
    template = ProgramTemplateFactory(
        name="Sport Performance — Month 3", num_weeks=2, num_days=2, is_loop=False
    )
    plan = {
        1: [(squat, 5, Decimal(75), None, 3), (pushup, 10, None, Decimal(0), 2)],
        2: [(bench, 5, Decimal(70), None, 3), (row, 8, None, Decimal(24), 2)],
    }
    for week in (1, 2):
        for day, rows in plan.items():
            for order, (exercise, reps, pct, absolute, count) in enumerate(rows, start=1):
                for n in range(1, count + 1):
                    PrescribedSetFactory(
                        template=template,
                        exercise=exercise,
                        week=week,
                        day=day,
                        set_number=n,
                        reps=reps,
                        percentage=pct + 5 * (week - 1) if pct is not None else None,
                        absolute_weight=absolute,
                        sort_order=order,
                    )
    ProgressionRuleFactory(template=template, exercise=squat, increment=Decimal(10))
    AthleteProgramFactory(
        athlete=athlete, template=template, start_date=dt.date.today() - dt.timedelta(days=30)
    )
    return World(
        athlete, template, squat, goblet, bench, pushup, row, deadlift, barbell, kettlebell
    )


def request_for(name: str = "Sport Performance — Month 4", **overrides: Any) -> GenerationRequest:
    fields: dict[str, Any] = {"program_name": name, "days_per_week": 2, "weeks": 2}
    fields.update(overrides)
    return GenerationRequest(**fields)


def small_catalog(
    name: str = "Month 4", sets: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """A hand-made one-program draft: Back Squat 2 sets and Push-up 1 set on W1D1."""
    rows = sets or [
        _set("Back Squat", 1, reps=5, percentage=75),
        _set("Back Squat", 2, reps=5, percentage=80),
        _set("Push-up", 1, reps=10, absolute_weight=0, sort_order=2),
    ]
    return {
        "type": "catalog",
        "version": "1.1",
        "programs": [
            {
                "name": name,
                "description": "hand-made",
                "num_weeks": 1,
                "num_days": 1,
                "is_loop": False,
                "audience": "adult",
                "prescribed_sets": rows,
                "progression_rules": [{"exercise": "Back Squat", "increment": 5}],
            }
        ],
    }


def _set(exercise: str, number: int, **fields: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "exercise": exercise,
        "week": 1,
        "day": 1,
        "set_number": number,
        "reps": 5,
        "rep_type": "reps",
        "percentage": None,
        "absolute_weight": None,
        "sort_order": 1,
        "notes": None,
    }
    row.update(fields)
    return row


class FixedEngine:
    """Stands in for dispatch.generate_draft: returns a copy of a given draft."""

    def __init__(self, catalog: dict[str, Any], **draft: Any) -> None:
        self.catalog = catalog
        self.draft = draft
        self.calls = 0

    def __call__(self, packet: Any, request: GenerationRequest) -> Draft:
        self.calls += 1
        usage = self.draft.pop("usage", None) or Usage(
            engine=EngineName.LLM,
            model="fake-model",
            tokens_in=1200,
            tokens_out=800,
            cost_usd=0.0123,
            duration_s=1.5,
            calls=1,
        )
        return Draft(
            catalog=copy.deepcopy(self.catalog),
            reasoning=list(self.draft.get("reasoning", ["Kept the squat: avg RPE 7.0."])),
            usage=usage,
            warnings=list(self.draft.get("warnings", [])),
            dropped=copy.deepcopy(list(self.draft.get("dropped", []))),
            fallback_reason=self.draft.get("fallback_reason", ""),
            prompt=[{"role": "user", "content": "packet"}],
            raw_response='{"program": "…"}',
        )


@contextmanager
def immediate_tasks() -> Iterator[None]:
    with override_settings(TASKS=IMMEDIATE_TASKS):
        yield


def run_to_ready(
    athlete: am.Athlete, by: am.User, request: GenerationRequest | None = None
) -> GenerationRun:
    """Request and execute a run in the test's transaction (the task body called directly)."""
    run = generation_request(athlete=athlete, request=request or request_for(), by=by)
    generation_execute(run_id=run.pk)
    run.refresh_from_db()
    return run
