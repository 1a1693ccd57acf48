"""Strong's CSV export in its layouts.

Classic (comma): Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,
Notes,Workout Notes,RPE. Newer exports drop the notes columns and write reps as floats ("5.0").
The semicolon layout adds `Weight Unit` / `Distance Unit` columns. `Set Order` is a number, W
(warm-up), F (failure), D (drop set) or "Rest Timer" (a rest, not a set). Without a unit column
the weights are in the unit the coach says the app was set to (`unit`); distances then follow
Strong's pairing (kg → km, lbs → miles).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from athletes.history.csvfile import Layout, Record, collect, records, set_row
from athletes.history.rows import (
    CellError,
    HistoryRow,
    Kind,
    ParsedHistory,
    Problem,
    Unit,
    duration,
    metres,
    number,
    unit_of,
    whole,
)

REQUIRED = ("date", "exercise_name", "set_order")
SET_KINDS: dict[str, Kind] = {"w": "warmup", "f": "failure", "d": "drop"}


def _set_order(text: str) -> tuple[int | None, Kind] | None:
    """(number, kind), or None for a rest-timer row."""
    key = text.strip().casefold()
    if key.startswith("rest"):
        return None
    if key in SET_KINDS:
        return None, SET_KINDS[key]
    try:
        value = whole(key)
    except CellError:
        raise CellError(
            f"set order {text.strip()!r} is not a number, W, F, D or Rest Timer"
        ) from None
    if value is None:
        return None, "normal"
    return (value if value >= 1 else None), "normal"


def _weight(rec: Record, default: Unit) -> tuple[Decimal | None, Unit]:
    unit = default
    if "weight_kg" in rec.cells:
        return rec.read("Weight (kg)", number, "weight_kg"), "kg"
    if "weight_lbs" in rec.cells or "weight_lb" in rec.cells:
        return rec.read("Weight (lbs)", number, "weight_lbs", "weight_lb"), "lbs"
    if rec.get("weight_unit"):
        unit = rec.read("Weight Unit", unit_of) or default
    return rec.read("Weight", number), unit


def _distance(rec: Record, unit: Unit) -> int | None:
    value = rec.read("Distance", number, "distance", "distance_km", "distance_mi")
    if "distance_km" in rec.cells:
        where = "km"
    elif "distance_mi" in rec.cells:
        where = "mi"
    else:
        where = rec.get("distance_unit") or ("km" if unit == "kg" else "mi")
    try:
        return metres(value, where)
    except CellError as exc:
        rec.problems.append(Problem(rec.line, "Distance Unit", str(exc)))
        return None


LAYOUT = Layout(
    when="Date",
    exercise="Exercise Name",
    workout="Workout Name",
    reps="Reps",
    seconds="Seconds",
    rpe="RPE",
    notes="Notes",
    workout_notes="Workout Notes",
    seconds_reader=duration,
)


def row_from(rec: Record, default: Unit, kinds: tuple[int | None, Kind]) -> HistoryRow | None:
    weight = _weight(rec, default)
    return set_row(
        rec,
        LAYOUT,
        number=kinds[0],
        kind=kinds[1],
        weight=weight,
        distance=_distance(rec, weight[1]),
    )


def _build(rec: Record, unit: Unit) -> HistoryRow | Literal[False] | None:
    try:
        kinds = _set_order(rec.get("set_order"))
    except CellError as exc:
        rec.problems.append(Problem(rec.line, "Set Order", str(exc)))
        return None
    if kinds is None:
        return False
    return row_from(rec, unit, kinds)


def parse_strong(text: str, *, unit: Unit = "lbs") -> ParsedHistory:
    return collect(
        ParsedHistory(format="strong"),
        records(text, REQUIRED, "Strong"),
        lambda rec: _build(rec, unit),
    )
