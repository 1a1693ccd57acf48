from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal

from athletes.history.detect import parse_history
from athletes.history.export import athlete_json, strong_csv
from athletes.history.service import history_import
from athletes.models import Athlete, AthleteProgram, User, WorkoutReview
from programs.models import Exercise
from tests.factories import (
    AthleteFactory,
    AthleteProgramFactory,
    BodyWeightFactory,
    PrescribedSetFactory,
    ProgramTemplateFactory,
    ProgressionRuleFactory,
    TrainingMaxFactory,
    WorkoutFactory,
    WorkoutSetFactory,
)


def _logbook(athlete: Athlete, catalog: dict[str, Exercise]) -> None:
    first = WorkoutFactory(athlete=athlete, date=dt.date(2025, 3, 1), notes="heavy", week=1, day=2)
    WorkoutReview.objects.create(workout=first, status="needs_work", notes="depth")
    squat, plank, run = catalog["Back Squat"], catalog["Plank"], catalog["Run"]
    WorkoutSetFactory(
        workout=first, exercise=squat, set_number=1, reps=8, weight=Decimal("60"), kind="warmup"
    )
    WorkoutSetFactory(
        workout=first, exercise=squat, set_number=2, reps=5, weight=Decimal("102.5"),
        rpe=Decimal("8.5"), notes="belt",
    )  # fmt: skip
    WorkoutSetFactory(
        workout=first, exercise=squat, set_number=4, reps=9, is_amrap=True, kind="failure", rpe=None
    )
    WorkoutSetFactory(
        workout=first, exercise=plank, set_number=1, reps=45, rep_type="seconds",
        weight=None, duration_seconds=45,
    )  # fmt: skip
    second = WorkoutFactory(athlete=athlete, date=dt.date(2025, 3, 4))
    WorkoutSetFactory(
        workout=second, exercise=run, set_number=1, reps=5000, rep_type="distance",
        weight=None, duration_seconds=1500,
    )  # fmt: skip
    WorkoutSetFactory(
        workout=second, exercise=catalog["Deadlift"], set_number=1, reps=6, rep_type="each_side"
    )
    TrainingMaxFactory(
        athlete=athlete, exercise=squat, weight=Decimal("120"), effective_date=dt.date(2025, 2, 1)
    )
    BodyWeightFactory(athlete=athlete, date=dt.date(2025, 3, 1), weight=Decimal("81.4"))


def _programs(athlete: Athlete, catalog: dict[str, Exercise]) -> None:
    """An ended primary, the active primary and a supplemental one beside it."""
    squat, bench = catalog["Back Squat"], catalog["Bench Press"]
    for name, start, active, role in [
        ("Base", dt.date(2024, 9, 2), False, "primary"),
        ("Peak", dt.date(2025, 1, 6), True, "primary"),
        ("Arms", dt.date(2025, 2, 3), True, "supplemental"),
    ]:
        template = ProgramTemplateFactory(name=name, owner=athlete, num_weeks=2, num_days=2)
        PrescribedSetFactory(template=template, exercise=squat, week=1, day=1, set_number=1)
        PrescribedSetFactory(
            template=template, exercise=bench, week=2, day=2, set_number=1, percentage=None,
            absolute_weight=Decimal("60"), target_rpe=Decimal("8"), notes="pause",
        )  # fmt: skip
        ProgressionRuleFactory(template=template, exercise=squat, increment=Decimal("2.5"))
        AthleteProgramFactory(
            athlete=athlete, template=template, start_date=start, is_active=active, role=role,
            notes=f"{name} notes", cycle_goal=f"{name} goal",
            ended_on=None if active else dt.date(2025, 1, 5),
            end_reason="" if active else "completed",
        )  # fmt: skip


def test_athlete_json_imports_back_identically(
    athlete: Athlete, coach: User, catalog: dict[str, Exercise]
) -> None:
    _logbook(athlete, catalog)
    _programs(athlete, catalog)
    first = athlete_json(athlete)
    twin = AthleteFactory(name="Twin", coach=coach)
    text = json.dumps(first)
    result = history_import(athlete=twin, parsed=parse_history(text), by=coach)
    assert (result.sets_created, result.reviews, result.training_maxes, result.body_weights) == (
        6, 1, 1, 1,
    )  # fmt: skip
    second = athlete_json(twin)
    keys = ("weight_unit", "exercises", "training_maxes", "body_weights", "workouts", "programs")
    for key in keys:
        assert second[key] == first[key], key
    assert len(first["programs"]) == 3
    assert result.programs_assigned == 3
    twin_programs = AthleteProgram.objects.filter(athlete=twin, template__owner=twin)
    assert twin_programs.filter(is_active=True, role="primary").count() == 1
    again = history_import(athlete=twin, parsed=parse_history(text), by=coach)
    assert (again.programs_assigned, again.programs_already_there, again.sets_created) == (0, 3, 0)
    assert athlete_json(twin)["programs"] == first["programs"]
    assert first["workouts"][0]["sets"][2] == {
        "exercise": "Back Squat", "set_number": 4, "reps": 9, "rep_type": "reps",
        "category": "main", "weight": 100, "rpe": None, "notes": "", "kind": "failure",
        "is_amrap": True, "duration_seconds": None,
    }  # fmt: skip


def test_athlete_json_follows_the_go_types(athlete: Athlete, catalog: dict[str, Exercise]) -> None:
    _logbook(athlete, catalog)
    doc = json.loads(json.dumps(athlete_json(athlete)))
    assert doc["version"] == "1.0"
    sets = [s for w in doc["workouts"] for s in w["sets"]]
    assert all(isinstance(s["set_number"], int) and isinstance(s["reps"], int) for s in sets)
    assert doc["workouts"][1]["review"] is None
    assert doc["athlete"]["track_body_weight"] is True


def test_strong_csv_export_reads_back_through_the_strong_importer(
    athlete: Athlete, catalog: dict[str, Exercise]
) -> None:
    _logbook(athlete, catalog)
    text = strong_csv(athlete)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["Date"] == "2025-03-01 00:00:00"
    assert rows[0]["Workout Name"] == "Alex 2025-03-01"
    assert [r["Set Order"] for r in rows[:3]] == ["W", "2", "F"]
    run_row = next(r for r in rows if r["Exercise Name"] == "Run")
    assert (run_row["Distance"], run_row["Seconds"], run_row["Reps"]) == ("3.107", "1500", "")
    parsed = parse_history(text)
    assert parsed.ok
    assert len(parsed.rows) == 6
    back = next(r for r in parsed.rows if r.exercise == "Run")
    assert (back.rep_type, back.reps, back.duration_seconds) == ("distance", 5000, 1500)
