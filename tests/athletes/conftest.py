from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from athletes.models import Athlete, AthleteProgram
from programs.models import Exercise, ProgramTemplate, RepType
from tests.factories import (
    AthleteProgramFactory,
    ExerciseFactory,
    PrescribedSetFactory,
    ProgramTemplateFactory,
    TrainingMaxFactory,
)


@dataclass
class OnProgram:
    athlete: Athlete
    template: ProgramTemplate
    assignment: AthleteProgram
    squat: Exercise
    bench: Exercise
    plank: Exercise
    lunge: Exercise
    deadlift: Exercise


def _exercise(name: str) -> Exercise:
    found = Exercise.objects.filter(name=name).first()
    return found or ExerciseFactory(name=name)


def strength_block() -> ProgramTemplate:
    """A 2-week × 3-day block (created once per test). W1D1: squat 65/75/85 % (last AMRAP),
    bench 3×5 @ 70 %, plank 3×30 s at bodyweight, lunge 10 each side at 25. W1D2: deadlift
    5 @ 80 %, a 400 m run."""
    existing = ProgramTemplate.objects.filter(name="Strength Block").first()
    if existing:
        return existing
    template = ProgramTemplateFactory(name="Strength Block", num_weeks=2, num_days=3)
    squat, bench, plank = _exercise("Back Squat"), _exercise("Bench Press"), _exercise("Plank")
    lunge, deadlift, run = _exercise("Walking Lunge"), _exercise("Deadlift"), _exercise("Run")

    def add(exercise: Exercise, n: int, **fields: Any) -> None:
        PrescribedSetFactory(template=template, exercise=exercise, set_number=n, **fields)

    for n, (pct, reps) in enumerate([(65, 5), (75, 5), (85, None)], start=1):
        note = "AMRAP last set" if reps is None else ""
        add(squat, n, week=1, day=1, reps=reps, percentage=Decimal(pct), sort_order=1, notes=note)
    for n in (1, 2, 3):
        add(
            bench,
            n,
            week=1,
            day=1,
            reps=5,
            percentage=Decimal(70),
            sort_order=2,
            target_rpe=Decimal("7.5"),
        )
        add(
            plank,
            n,
            week=1,
            day=1,
            reps=30,
            rep_type=RepType.SECONDS,
            percentage=None,
            absolute_weight=Decimal(0),
            sort_order=3,
        )
    add(
        lunge,
        1,
        week=1,
        day=1,
        reps=10,
        rep_type=RepType.EACH_SIDE,
        percentage=None,
        absolute_weight=Decimal(25),
        sort_order=4,
    )
    add(deadlift, 1, week=1, day=2, reps=5, percentage=Decimal(80), sort_order=1)
    add(run, 1, week=1, day=2, reps=400, rep_type=RepType.DISTANCE, percentage=None, sort_order=2)
    return template


def put_on_program(athlete: Athlete, *, start: dt.date | None = None) -> OnProgram:
    """The athlete on the strength block since a week ago, with squat and bench TMs."""
    template = strength_block()
    squat, bench = _exercise("Back Squat"), _exercise("Bench Press")
    TrainingMaxFactory(
        athlete=athlete, exercise=squat, weight=Decimal(200), effective_date=dt.date(2025, 1, 1)
    )
    TrainingMaxFactory(
        athlete=athlete, exercise=bench, weight=Decimal(150), effective_date=dt.date(2025, 1, 1)
    )
    assignment = AthleteProgramFactory(
        athlete=athlete,
        template=template,
        start_date=start or timezone.localdate() - dt.timedelta(days=7),
    )
    return OnProgram(
        athlete=athlete,
        template=template,
        assignment=assignment,
        squat=squat,
        bench=bench,
        plank=_exercise("Plank"),
        lunge=_exercise("Walking Lunge"),
        deadlift=_exercise("Deadlift"),
    )


@pytest.fixture
def on_program(athlete: Athlete) -> OnProgram:
    return put_on_program(athlete)
