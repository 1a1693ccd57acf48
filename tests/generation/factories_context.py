"""A realistic training history of any length, for packet and chart tests.

One loop program (4 weeks × 3 days), workouts Monday/Wednesday/Friday logged against it,
a training max raised every four weeks, weekly body weights, weekly coach notes and reviews.
Sets are bulk-created so a year of history stays quick to build.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from athletes import models as am
from programs import models as pm
from tests.factories import (
    AthleteEquipmentFactory,
    AthleteFactory,
    AthleteNoteFactory,
    AthleteProgramFactory,
    BodyWeightFactory,
    EquipmentFactory,
    ExerciseEquipmentFactory,
    ExerciseFactory,
    PrescribedSetFactory,
    ProgramTemplateFactory,
    TrainingMaxFactory,
)

TODAY = dt.date(2026, 6, 17)  # a Wednesday


@dataclass
class Story:
    athlete: am.Athlete
    template: pm.ProgramTemplate
    assignment: am.AthleteProgram
    squat: pm.Exercise
    bench: pm.Exercise
    clean: pm.Exercise
    plank: pm.Exercise
    barbell: pm.Equipment


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def build_story(
    *,
    weeks: int,
    today: dt.date = TODAY,
    athlete: am.Athlete | None = None,
    name_prefix: str = "",
) -> Story:
    athlete = athlete or AthleteFactory(name="Tommy Test", date_of_birth=dt.date(2010, 5, 1))
    barbell = EquipmentFactory(name=f"{name_prefix}Barbell")
    AthleteEquipmentFactory(athlete=athlete, equipment=barbell)
    squat = ExerciseFactory(name=f"{name_prefix}Back Squat", movement_pattern="squat")
    bench = ExerciseFactory(name=f"{name_prefix}Bench Press", movement_pattern="horizontal_push")
    clean = ExerciseFactory(name=f"{name_prefix}Power Clean", movement_pattern="olympic")
    plank = ExerciseFactory(name=f"{name_prefix}Plank", movement_pattern="core")
    for ex in (squat, bench, clean):
        ExerciseEquipmentFactory(exercise=ex, equipment=barbell)

    template = ProgramTemplateFactory(
        name=f"{name_prefix}Base Strength", num_weeks=4, num_days=3, is_loop=True
    )
    plan = {
        1: [(squat, 5, 75, 3), (squat, None, 85, 1), (plank, 30, None, 3)],
        2: [(bench, 5, 75, 3), (clean, 3, 70, 3)],
        3: [(squat, 5, 80, 3), (bench, 5, 80, 3)],
    }
    for week in range(1, 5):
        for day, rows in plan.items():
            numbers: dict[int, int] = {}
            for order, (ex, reps, pct, count) in enumerate(rows):
                for _ in range(count):
                    numbers[ex.pk] = numbers.get(ex.pk, 0) + 1
                    PrescribedSetFactory(
                        template=template,
                        exercise=ex,
                        week=week,
                        day=day,
                        set_number=numbers[ex.pk],
                        reps=reps,
                        percentage=Decimal(pct) if pct else None,
                        absolute_weight=None if pct else Decimal(0),
                        rep_type=pm.RepType.SECONDS if ex == plank else pm.RepType.REPS,
                        sort_order=order,
                    )

    start = monday(today) - dt.timedelta(weeks=weeks)
    assignment = AthleteProgramFactory(
        athlete=athlete, template=template, start_date=start, cycle_goal="Build a base"
    )
    tms = {squat.pk: 200.0, bench.pk: 135.0, clean.pk: 135.0}
    workouts: list[am.Workout] = []
    sets: list[am.WorkoutSet] = []
    session = 0
    for w in range(weeks + 1):
        week_start = start + dt.timedelta(weeks=w)
        if w % 4 == 0:
            for ex in (squat, bench, clean):
                tms[ex.pk] += 5 if w else 0
                TrainingMaxFactory(
                    athlete=athlete,
                    exercise=ex,
                    weight=Decimal(str(tms[ex.pk])),
                    effective_date=week_start,
                )
        if week_start <= today:
            BodyWeightFactory(athlete=athlete, date=week_start, weight=Decimal(str(140 + w * 0.25)))
            AthleteNoteFactory(
                athlete=athlete,
                date=week_start,
                content=f"Week {w}: moved well, bar speed good on the squats.",
                is_private=w % 2 == 0,
            )
        for offset in (0, 2, 4):
            day = week_start + dt.timedelta(days=offset)
            if day > today:
                break
            prog_week, prog_day = (session // 3) % 4 + 1, session % 3 + 1
            workout = am.Workout.objects.create(
                athlete=athlete,
                date=day,
                assignment=assignment,
                week=prog_week,
                day=prog_day,
                notes="Felt strong" if session % 5 == 0 else "",
            )
            workouts.append(workout)
            numbers = {}
            for ex, reps, pct, count in plan[prog_day]:
                for _ in range(count):
                    numbers[ex.pk] = numbers.get(ex.pk, 0) + 1
                    tm = tms.get(ex.pk)
                    sets.append(
                        am.WorkoutSet(
                            workout=workout,
                            exercise=ex,
                            set_number=numbers[ex.pk],
                            reps=reps if reps is not None else 8,
                            is_amrap=reps is None,
                            rep_type=pm.RepType.SECONDS if ex == plank else pm.RepType.REPS,
                            weight=Decimal(str(round(tm * (pct or 0) / 100))) if tm else None,
                            rpe=Decimal("7.5") if ex != plank else None,
                        )
                    )
            session += 1
    am.WorkoutSet.objects.bulk_create(sets)
    am.WorkoutReview.objects.bulk_create(
        am.WorkoutReview(
            workout=w,
            status=am.ReviewStatus.APPROVED,
            notes="Good depth.",
            coach=athlete.coach,
        )
        for w in workouts[::4]
    )
    return Story(athlete, template, assignment, squat, bench, clean, plank, barbell)
