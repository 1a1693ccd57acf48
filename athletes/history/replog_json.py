"""The Go RepLog's athlete export ("RepLog Native JSON" 1.0), read liberally.

Everything but the sets (reviews, week/day of a workout, training maxes, body weights, the
exercises the file declares with their equipment) travels in `ParsedHistory.extra` as plain
JSON. Our own export adds keys the Go app ignores (`kind`, `is_amrap`, `duration_seconds` on a
set; `week`, `day`, `key` on a workout) so that our export → our import loses nothing.
A program assignment's template is checked here as the CatalogJSON program it is (so a bad one
is refused before anything is written) and travels normalised in `extra["programs"]`; the
import writes it through the catalog import (athletes/history/assignments.py).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from athletes.history.rows import HistoryFileError, HistoryRow, ParsedHistory, Problem, Unit
from programs.catalog.parse import catalog_to_data, parse_catalog
from programs.catalog.schema import ExerciseItem

Text = Annotated[str, BeforeValidator(lambda v: "" if v is None else v)]


class _Item(BaseModel):
    model_config = ConfigDict(extra="ignore")


class ReviewItem(_Item):
    status: str
    notes: Text = ""


class SetItem(_Item):
    exercise: Annotated[str, Field(min_length=1, max_length=120)]
    set_number: Annotated[int, Field(ge=1, le=999)]
    reps: Annotated[int, Field(ge=0, le=1_000_000)]  # metres for a distance set
    rep_type: Literal["reps", "each_side", "seconds", "distance"] = "reps"
    weight: Annotated[Decimal | None, Field(ge=0, le=100_000)] = None
    rpe: Annotated[Decimal | None, Field(ge=1, le=10)] = None
    notes: Annotated[Text, Field(max_length=500)] = ""
    kind: Literal["normal", "warmup", "failure", "drop"] = "normal"
    is_amrap: bool = False
    duration_seconds: Annotated[int | None, Field(ge=0, le=1_000_000)] = None


class WorkoutItem(_Item):
    date: str
    notes: Text = ""
    review: ReviewItem | None = None
    sets: Sequence[SetItem] = ()
    week: Annotated[int | None, Field(ge=1, le=999)] = None
    day: Annotated[int | None, Field(ge=1, le=999)] = None
    key: Text = ""


class TrainingMaxItem(_Item):
    exercise: Annotated[str, Field(min_length=1, max_length=120)]
    weight: Annotated[Decimal, Field(gt=0, le=100_000)]
    effective_date: str
    notes: Text = ""


class BodyWeightItem(_Item):
    date: str
    weight: Annotated[Decimal, Field(gt=0, le=10_000)]
    notes: Text = ""


class EquipmentItem(_Item):
    name: Annotated[str, Field(min_length=1, max_length=120)]
    description: Text = ""


class ProgramItem(_Item):
    template: dict[str, Any]
    start_date: str
    active: bool = True
    role: Annotated[
        Literal["primary", "supplemental"], BeforeValidator(lambda v: v or "primary")
    ] = "primary"
    notes: Text = ""
    goal: Text = ""
    ended_on: str | None = None
    end_reason: Literal["", "completed", "replaced", "stopped"] | None = ""


class AthleteExport(_Item):
    version: str
    weight_unit: Literal["lbs", "kg"] = "lbs"
    equipment: Sequence[EquipmentItem] = ()
    exercises: Sequence[ExerciseItem] = ()
    training_maxes: Sequence[TrainingMaxItem] = ()
    body_weights: Sequence[BodyWeightItem] = ()
    workouts: Sequence[WorkoutItem] = ()
    programs: Sequence[ProgramItem] = ()


def _path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _document(text: str) -> AthleteExport:
    try:
        raw = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise HistoryFileError(
            f"The file is not valid JSON (line {exc.lineno}: {exc.msg})."
        ) from None
    if not isinstance(raw, dict) or "version" not in raw:
        raise HistoryFileError(
            'This is not a RepLog athlete export: it has no "version" (the Go app refuses it too).'
        )
    if not str(raw["version"]).startswith("1."):
        raise HistoryFileError(
            f"RepLog athlete export version {raw['version']!r} is not supported."
        )
    return AthleteExport.model_validate(raw)


def _date(text: str, path: str, problems: list[Problem]) -> str:
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        problems.append(Problem(0, path, f"{text!r} is not a date (YYYY-MM-DD)"))
        return ""


def _rows(doc: AthleteExport, unit: Unit, result: ParsedHistory) -> None:
    meta: dict[str, Any] = {}
    for w, workout in enumerate(doc.workouts):
        day = _date(workout.date, f"workouts[{w}].date", result.problems)
        if not day:
            continue
        identity = workout.key
        meta[f"{day}|{identity}"] = {
            "review": workout.review.model_dump() if workout.review else None,
            "week": workout.week,
            "day": workout.day,
            "notes": workout.notes,
        }
        for st in workout.sets:
            result.rows.append(
                HistoryRow(
                    row=0,
                    date=date.fromisoformat(day),
                    workout=identity,
                    exercise=st.exercise,
                    set_number=st.set_number,
                    kind=st.kind,
                    reps=st.reps,
                    rep_type=st.rep_type,
                    weight=st.weight,
                    unit=unit,
                    duration_seconds=st.duration_seconds,
                    rpe=st.rpe,
                    is_amrap=st.is_amrap,
                    notes=st.notes,
                    workout_notes=workout.notes,
                )
            )
    result.extra["workouts"] = meta


def _template(template: dict[str, Any], where: str, problems: list[Problem]) -> dict[str, Any]:
    """The template as the one program of a catalog, normalised; {} with problems if it is bad."""
    checked = parse_catalog({"type": "catalog", "version": "1.0", "programs": [template]})
    if checked.ok and checked.catalog is not None:
        return dict(catalog_to_data(checked.catalog)["programs"][0])
    for issue in checked.errors:
        inside = issue.path.removeprefix("programs[0]")
        problems.append(Problem(0, f"{where}{inside}", issue.message))
    return {}


def _programs(doc: AthleteExport, problems: list[Problem]) -> list[dict[str, Any]]:
    out = []
    for i, item in enumerate(doc.programs):
        where = f"programs[{i}]"
        ended = item.ended_on and _date(item.ended_on, f"{where}.ended_on", problems)
        out.append(
            {
                "template": _template(item.template, f"{where}.template", problems),
                "start_date": _date(item.start_date, f"{where}.start_date", problems),
                "active": item.active,
                "role": item.role,
                "notes": item.notes,
                "goal": item.goal,
                "ended_on": ended or None,
                "end_reason": "" if item.active else (item.end_reason or ""),
            }
        )
    return out


def parse_replog(text: str) -> ParsedHistory:
    result = ParsedHistory(format="replog")
    try:
        doc = _document(text)
    except ValidationError as exc:
        for err in exc.errors()[:50]:
            result.problems.append(Problem(0, _path(err["loc"]), err["msg"]))
        return result
    unit: Unit = doc.weight_unit
    _rows(doc, unit, result)
    result.extra.update(
        unit=unit,
        equipment=[e.model_dump() for e in doc.equipment],
        exercises=[e.model_dump(mode="json") for e in doc.exercises],
        training_maxes=[
            {
                "exercise": tm.exercise,
                "weight": str(tm.weight),
                "date": _date(
                    tm.effective_date, f"training_maxes[{i}].effective_date", result.problems
                ),
            }
            for i, tm in enumerate(doc.training_maxes)
        ],
        body_weights=[
            {
                "weight": str(bw.weight),
                "date": _date(bw.date, f"body_weights[{i}].date", result.problems),
            }
            for i, bw in enumerate(doc.body_weights)
        ],
        programs=_programs(doc, result.problems),
    )
    return result
