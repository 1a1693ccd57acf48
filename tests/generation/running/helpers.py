"""Shared builders for the running-plan tests: profiles, settings and logged runs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from athletes import models as am
from generation.running.plan import PlanSettings, plan_settings
from generation.running.profile import RunProfile
from programs import models as pm
from tests.factories import ExerciseFactory, WorkoutFactory, WorkoutSetFactory

START = dt.date(2026, 12, 7)  # a Monday


def profile(weekly_km: float = 20, *, consistency: float = 1.0, **fields: Any) -> RunProfile:
    values: dict[str, Any] = {
        "weekly_km": weekly_km,
        "runs_per_week": 3,
        "longest_km": 8,
        "easy_pace_s_per_km": 360.0,
        "consistency": consistency,
        "weeks_counted": 8,
        **fields,
    }
    return RunProfile(**values)


def settings(**fields: Any) -> PlanSettings:
    return plan_settings({"start_date": START, "race": "10k", "weeks": 10, **fields})


def log_runs(
    athlete: am.Athlete, *, today: dt.date, weeks: int = 8, km: tuple[float, ...] = (5, 5, 8)
) -> pm.Exercise:
    """`km` runs a week for `weeks` weeks before this week, easy runs at 6:00 /km."""
    run = pm.Exercise.objects.filter(name="Easy Run").first() or ExerciseFactory(
        name="Easy Run", movement_pattern="run"
    )
    monday = today - dt.timedelta(days=today.weekday())
    for w in range(1, weeks + 1):
        for i, distance in enumerate(km):
            workout = WorkoutFactory(
                athlete=athlete, date=monday - dt.timedelta(weeks=w) + dt.timedelta(days=i * 2)
            )
            WorkoutSetFactory(
                workout=workout,
                exercise=run,
                set_number=1,
                reps=int(distance * 1000),
                rep_type="distance",
                weight=None,
                rpe=None,
                duration_seconds=int(distance * 360),
            )
    return run
