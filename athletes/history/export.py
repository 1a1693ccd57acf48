"""An athlete's logbook out: a Strong-compatible CSV, and the RepLog athlete JSON (the Go app's
"RepLog Native JSON" 1.0 plus keys it ignores) that our import reads back identically.

The JSON's extra keys: on a set `kind`, `is_amrap`, `duration_seconds`; on a workout `week`,
`day` and `key` (tells apart two workouts on one date; the Go app keeps one a date); on the
athlete `sport`; on a program `ended_on`, `end_reason`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.text import slugify

from athletes.history.extras import installation_unit
from athletes.history.rows import METRES
from athletes.models import Athlete, AthleteProgram, Workout, WorkoutSet
from programs.catalog.export import catalog_export, exercises_export
from programs.catalog.parse import json_number

STRONG_HEADER = [
    "Date", "Workout Name", "Duration", "Exercise Name", "Set Order", "Weight", "Reps",
    "Distance", "Seconds", "Notes", "Workout Notes", "RPE",
]  # fmt: skip
SET_ORDER = {"warmup": "W", "failure": "F", "drop": "D"}


def _num(value: Decimal | None) -> int | float | None:
    return None if value is None else json_number(value)


def _workouts(athlete: Athlete) -> list[Workout]:
    sets = WorkoutSet.objects.select_related("exercise").order_by("exercise__name", "set_number")
    return list(
        Workout.objects.filter(athlete=athlete)
        .select_related("review")
        .prefetch_related(Prefetch("sets", queryset=sets))
        .order_by("date", "pk")
    )


def _keys(workouts: list[Workout]) -> dict[int, str]:
    """ "" for the only workout of its date, "2", "3", … for the later ones."""
    seen: dict[dt.date, int] = defaultdict(int)
    keys = {}
    for workout in workouts:
        seen[workout.date] += 1
        keys[workout.pk] = "" if seen[workout.date] == 1 else str(seen[workout.date])
    return keys


# --- Strong CSV -------------------------------------------------------------------------------


def _strong_row(athlete: Athlete, w: Workout, s: WorkoutSet, miles: bool) -> list[Any]:
    distance: Any = ""
    seconds: Any = ""
    reps: Any = s.reps
    if s.rep_type == "distance":
        km = Decimal(s.reps or 0) / Decimal(METRES["mi"] if miles else 1000)
        distance, reps = f"{km.quantize(Decimal('0.001')).normalize():f}", ""
        seconds = s.duration_seconds or ""
    elif s.rep_type == "seconds":
        seconds, reps = s.duration_seconds or s.reps, ""
    order = SET_ORDER.get(s.kind, s.set_number)
    weight = "" if s.weight is None else f"{s.weight.normalize():f}"
    rpe = "" if s.rpe is None else f"{s.rpe.normalize():f}"
    name = f"{athlete.name} {w.date.isoformat()}"
    return [
        f"{w.date.isoformat()} 00:00:00", name, "", s.exercise.name, order, weight, reps,
        distance, seconds, s.notes, w.notes, rpe,
    ]  # fmt: skip


def strong_csv(athlete: Athlete) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(STRONG_HEADER)
    miles = installation_unit() == "lbs"
    for workout in _workouts(athlete):
        for st in workout.sets.all():
            writer.writerow(_strong_row(athlete, workout, st, miles))
    return out.getvalue()


# --- RepLog athlete JSON ----------------------------------------------------------------------


def _set(s: WorkoutSet) -> dict[str, Any]:
    return {
        "exercise": s.exercise.name,
        "set_number": s.set_number,
        "reps": s.reps if s.reps is not None else 0,
        "rep_type": s.rep_type,
        "category": "main",
        "weight": _num(s.weight),
        "rpe": _num(s.rpe),
        "notes": s.notes,
        "kind": s.kind,
        "is_amrap": s.is_amrap,
        "duration_seconds": s.duration_seconds,
    }


def _workout(w: Workout, key: str) -> dict[str, Any]:
    review = getattr(w, "review", None)
    return {
        "date": w.date.isoformat(),
        "notes": w.notes,
        "review": {"status": review.status, "notes": review.notes} if review else None,
        "sets": [_set(s) for s in w.sets.all()],
        "week": w.week,
        "day": w.day,
        "key": key,
    }


def _athlete(a: Athlete) -> dict[str, Any]:
    return {
        "name": a.name,
        "tier": None if a.tier == "none" else a.tier,
        "notes": a.notes,
        "goal": a.goal,
        "date_of_birth": a.date_of_birth.isoformat() if a.date_of_birth else None,
        "grade": None,
        "gender": None,
        "track_body_weight": a.track_body_weight,
        "sport": a.sport,
    }


def _programs(athlete: Athlete) -> tuple[list[Any], dict[str, Any]]:
    assignments = list(
        AthleteProgram.objects.filter(athlete=athlete)
        .select_related("template")
        .order_by("start_date", "pk")
    )
    catalog = catalog_export(programs=[a.template for a in assignments])
    by_name = {p["name"]: p for p in catalog["programs"]}
    return [
        {
            "template": by_name[a.template.name],
            "start_date": a.start_date.isoformat(),
            "active": a.is_active,
            "role": a.role,
            "notes": a.notes,
            "goal": a.cycle_goal,
            "ended_on": a.ended_on.isoformat() if a.ended_on else None,
            "end_reason": a.end_reason,
        }
        for a in assignments
    ], catalog


def athlete_json(athlete: Athlete, *, now: dt.datetime | None = None) -> dict[str, Any]:
    workouts = _workouts(athlete)
    keys = _keys(workouts)
    tms = list(
        athlete.training_maxes.select_related("exercise").order_by(
            "effective_date", "exercise__name"
        )
    )
    used = {s.exercise_id for w in workouts for s in w.sets.all()} | {t.exercise_id for t in tms}
    programs, catalog = _programs(athlete)
    equipment, exercises = exercises_export(used)
    exercises = _union(exercises, catalog["exercises"])
    owned = sorted(athlete.equipment.values_list("name", flat=True), key=str.casefold)
    stamp = (now or timezone.now()).astimezone(dt.UTC).replace(microsecond=0)
    return {
        "version": "1.0",
        "exported_at": stamp.isoformat().replace("+00:00", "Z"),
        "weight_unit": installation_unit(),
        "athlete": _athlete(athlete),
        "equipment": _union(
            equipment, catalog["equipment"], [{"name": n, "description": None} for n in owned]
        ),
        "athlete_equipment": owned,
        "exercises": exercises,
        "assignments": [],
        "training_maxes": [
            {
                "exercise": t.exercise.name,
                "weight": _num(t.weight),
                "effective_date": t.effective_date.isoformat(),
                "notes": "",
            }
            for t in tms
        ],
        "body_weights": [
            {"date": b.date.isoformat(), "weight": _num(b.weight), "notes": ""}
            for b in athlete.body_weights.order_by("date")
        ],
        "workouts": [_workout(w, keys[w.pk]) for w in workouts],
        "programs": programs,
    }


def _union(*lists: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Named items from several lists, each name once, ordered by name."""
    seen: dict[str, dict[str, Any]] = {}
    for items in lists:
        for item in items:
            seen.setdefault(item["name"].casefold(), item)
    return [seen[k] for k in sorted(seen)]


def export_filename(athlete: Athlete, extension: str) -> str:
    return f"{slugify(athlete.name) or f'athlete-{athlete.pk}'}-history.{extension}"
