"""A small logbook for session-adjustment tests: squat day with a bench, a row and a plank."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from athletes.models import Athlete, TrainingMax
from generation.session.inputs import week_start
from programs.models import Exercise, ProgramTemplate
from tests.factories import (
    AthleteProgramFactory,
    ExerciseFactory,
    PrescribedSetFactory,
    ProgramTemplateFactory,
    WorkoutFactory,
    WorkoutSetFactory,
)


@dataclass
class World:
    athlete: Athlete
    template: ProgramTemplate
    squat: Exercise
    bench: Exercise
    row: Exercise
    plank: Exercise


def exercises() -> tuple[Exercise, Exercise, Exercise, Exercise]:
    return (
        ExerciseFactory(
            name="Back Squat",
            primary_muscles=["quads"],
            secondary_muscles=["glutes", "hamstrings"],
            rest_seconds=180,
        ),
        ExerciseFactory(
            name="Bench Press",
            primary_muscles=["chest"],
            secondary_muscles=["triceps"],
            rest_seconds=150,
        ),
        ExerciseFactory(name="Dumbbell Row", primary_muscles=["upper_back"], rest_seconds=90),
        ExerciseFactory(name="Plank", primary_muscles=["core"], rest_seconds=60),
    )


def build_world(athlete: Athlete, *, tms: bool = True, weeks: list[dict] | None = None) -> World:
    squat, bench, row, plank = exercises()
    template = ProgramTemplateFactory(
        name="Squat day", num_weeks=2, num_days=1, is_loop=True, weeks=weeks or []
    )
    for week in (1, 2):
        for n in (1, 2, 3):
            PrescribedSetFactory(
                template=template,
                exercise=squat,
                week=week,
                set_number=n,
                reps=5,
                percentage=Decimal("75"),
                target_rpe=Decimal("8"),
                sort_order=1,
            )
            PrescribedSetFactory(
                template=template,
                exercise=bench,
                week=week,
                set_number=n,
                reps=5,
                percentage=Decimal("70"),
                sort_order=2,
            )
            PrescribedSetFactory(
                template=template,
                exercise=row,
                week=week,
                set_number=n,
                reps=10,
                percentage=None,
                absolute_weight=Decimal("50"),
                sort_order=3,
            )
            PrescribedSetFactory(
                template=template,
                exercise=plank,
                week=week,
                set_number=n,
                reps=30,
                rep_type="seconds",
                percentage=None,
                sort_order=4,
            )
    AthleteProgramFactory(
        athlete=athlete, template=template, start_date=timezone.localdate() - dt.timedelta(days=60)
    )
    if tms:
        since = timezone.localdate() - dt.timedelta(days=30)
        TrainingMax.objects.create(
            athlete=athlete, exercise=squat, weight=Decimal("300"), effective_date=since
        )
        TrainingMax.objects.create(
            athlete=athlete, exercise=bench, weight=Decimal("200"), effective_date=since
        )
    return World(athlete, template, squat, bench, row, plank)


def sunday() -> dt.date:
    """This week's Sunday: weekly volume counts the days before it, Monday on."""
    return week_start(timezone.localdate()) + dt.timedelta(days=6)


def log_sets(
    athlete: Athlete,
    exercise: Exercise,
    *,
    day: dt.date,
    sets: int,
    rpe: str | None = "9",
    week: int | None = None,
) -> None:
    workout = WorkoutFactory(
        athlete=athlete,
        date=day,
        week=week,
        day=1 if week else None,
        assignment=athlete.assignments.first() if week else None,
    )
    for n in range(1, sets + 1):
        WorkoutSetFactory(
            workout=workout,
            exercise=exercise,
            set_number=n,
            rpe=None if rpe is None else Decimal(rpe),
        )
