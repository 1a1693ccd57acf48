"""Hevy's CSV export: title,start_time,end_time,description,exercise_title,superset_id,
exercise_notes,set_index,set_type,weight_kg|weight_lbs,reps,distance_km|distance_miles,
duration_seconds,rpe. Dates like "15 Sep 2025, 07:48"; set_index counts from 0; set_type is
warmup, normal, failure or dropset."""

from __future__ import annotations

from decimal import Decimal

from athletes.history.csvfile import Layout, Record, collect, records, set_row
from athletes.history.rows import (
    CellError,
    HistoryRow,
    Kind,
    ParsedHistory,
    Unit,
    metres,
    number,
    whole,
)

REQUIRED = ("title", "start_time", "exercise_title")
SET_TYPES: dict[str, Kind] = {
    "": "normal",
    "normal": "normal",
    "warmup": "warmup",
    "warm_up": "warmup",
    "failure": "failure",
    "dropset": "drop",
    "drop_set": "drop",
}


def _kind(text: str) -> Kind:
    key = text.strip().casefold().replace("-", "_").replace(" ", "_")
    if key not in SET_TYPES:
        raise CellError(f"{text.strip()!r} is not warmup, normal, failure or dropset")
    return SET_TYPES[key]


def _weight(rec: Record, unit: Unit) -> tuple[Decimal | None, Unit]:
    if "weight_kg" in rec.cells:
        return rec.read("weight_kg", number), "kg"
    if "weight_lbs" in rec.cells:
        return rec.read("weight_lbs", number), "lbs"
    return rec.read("weight", number), unit


def _distance(rec: Record) -> int | None:
    if "distance_miles" in rec.cells:
        value, where = rec.read("distance_miles", number), "mi"
    elif "distance_meters" in rec.cells:
        value, where = rec.read("distance_meters", number), "m"
    else:
        value, where = rec.read("distance_km", number), "km"
    return metres(value, where)


def _set_number(rec: Record) -> int | None:
    index = rec.read("set_index", whole)
    return None if index is None else index + 1


LAYOUT = Layout(
    when="start_time",
    exercise="exercise_title",
    workout="title",
    reps="reps",
    seconds="duration_seconds",
    rpe="rpe",
    notes="exercise_notes",
    workout_notes="description",
)


def row_from(rec: Record, unit: Unit) -> HistoryRow | None:
    return set_row(
        rec,
        LAYOUT,
        number=_set_number(rec),
        kind=rec.read("set_type", _kind),
        weight=_weight(rec, unit),
        distance=_distance(rec),
    )


def parse_hevy(text: str, *, unit: Unit = "lbs") -> ParsedHistory:
    return collect(
        ParsedHistory(format="hevy"),
        records(text, REQUIRED, "Hevy"),
        lambda rec: row_from(rec, unit),
    )
