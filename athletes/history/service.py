"""The one import service for workout history, whatever the file's format.

parse (pure) → map names (matcher + the coach's choices) → one transaction of bulk writes. The
number of queries does not depend on the number of rows (only on Django's insert batch size).
Re-importing a file adds nothing: every imported set carries a fingerprint of its source row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Literal

from django.db import IntegrityError, transaction
from django.db.models import Max

from athletes.history.assignments import write_programs
from athletes.history.extras import installation_unit, write_extras
from athletes.history.names import (
    NameMapping,
    exercise_ids,
    map_names,
    name_key,
    name_problems,
    remember_choices,
)
from athletes.history.rows import HistoryRow, ParsedHistory, Unit, convert, identity
from athletes.models import Athlete, User, Workout, WorkoutSet
from programs.catalog.matching import NEW
from programs.services import CatalogImportError

MergePolicy = Literal["merge", "separate"]
NOTES_MAX = 500


class HistoryImportError(Exception):
    """Nothing was written; `messages` say why, each naming its row and column."""

    def __init__(self, messages: list[str]) -> None:
        self.messages = list(messages)
        super().__init__("; ".join(self.messages))


@dataclass
class HistoryResult:
    workouts_created: int = 0
    workouts_merged: int = 0
    sets_created: int = 0
    sets_already_there: int = 0
    names_mapped: int = 0
    names_new: int = 0
    names_unmatched: int = 0
    training_maxes: int = 0
    body_weights: int = 0
    reviews: int = 0
    programs_assigned: int = 0
    programs_already_there: int = 0
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False

    def summary(self) -> str:
        prefix = "Dry run — nothing written: " if self.dry_run else ""
        return (
            f"{prefix}workouts: {self.workouts_created} new, {self.workouts_merged} merged; "
            f"sets: {self.sets_created} imported, {self.sets_already_there} already there; "
            f"names: {self.names_mapped} mapped, {self.names_new} new, "
            f"{self.names_unmatched} unmatched; warnings: {len(self.warnings)}" + self._programs()
        )

    def _programs(self) -> str:
        if not (self.programs_assigned or self.programs_already_there):
            return ""
        return (
            f"; programs: {self.programs_assigned} assigned, "
            f"{self.programs_already_there} already there"
        )


def workout_identity(row: HistoryRow) -> str:
    return identity(row.date, row.time, row.workout)


def set_keys(rows: list[HistoryRow]) -> list[str]:
    """A fingerprint per row: its workout, exercise, place among that exercise's rows and its
    values. The same file gives the same keys; a corrected row gives a new one."""
    seen: dict[tuple[str, str], int] = defaultdict(int)
    keys = []
    for row in rows:
        group = (workout_identity(row), name_key(row.exercise))
        seen[group] += 1
        text = "|".join(
            map(str, (*group, seen[group], row.kind, row.reps, row.rep_type, row.weight, row.unit))
        )
        keys.append(hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest())
    return keys


def _count_names(mapping: NameMapping, result: HistoryResult) -> None:
    values = mapping.decisions.exercise.values()
    result.names_new = sum(1 for v in values if v == NEW)
    result.names_mapped = len(values) - result.names_new
    result.names_unmatched = len(mapping.unresolved)


def history_import(
    *,
    athlete: Athlete,
    parsed: ParsedHistory,
    choices: dict[str, str] | None = None,
    merge_policy: MergePolicy = "merge",
    by: User | None = None,
    create_missing: bool = False,
    dry_run: bool = False,
) -> HistoryResult:
    """Import every set of `parsed` for `athlete`, in one transaction, or nothing.

    `choices` are the coach's name decisions from the preview (key → "db:<id>" | "new");
    `merge_policy` says what happens to a workout on a date that already has one: "merge" adds
    its sets to that workout, "separate" keeps it as a workout of its own on the same date.
    """
    problems = [str(p) for p in parsed.problems + name_problems(parsed)]
    if problems:
        raise HistoryImportError(problems)
    owner_id = athlete.coach_id
    mapping = map_names(
        parsed, coach=by, owner_id=owner_id, choices=choices, create_missing=create_missing
    )
    result = HistoryResult(dry_run=dry_run, warnings=[str(w) for w in parsed.warnings])
    _count_names(mapping, result)
    if mapping.unresolved:
        raise HistoryImportError(mapping.unresolved)
    try:
        with transaction.atomic():
            ids = exercise_ids(mapping, by=by, owner_id=owner_id)
            created = _write(athlete, parsed, ids, merge_policy, result)
            write_extras(athlete, parsed, ids, created, result)
            write_programs(athlete, parsed.extra.get("programs", []), ids, by, result)
            remember_choices(mapping, coach=by, ids=ids)
            if dry_run:
                transaction.set_rollback(True)
    except CatalogImportError as exc:
        raise HistoryImportError(exc.messages) from exc
    except IntegrityError as exc:
        raise HistoryImportError(
            [f"The logbook changed while importing ({exc}); nothing was imported. Try again."]
        ) from exc
    return result


@dataclass
class _Plan:
    """Where each imported workout goes. `by_date`: the athlete's workouts before the import,
    date → [(pk, import_key)]. A workout the import creates carries its source identity, so a
    later import of the same file with new rows finds it again."""

    by_date: dict[dt.date, list[tuple[int, str]]]
    new: dict[tuple[dt.date, str], Workout] = field(default_factory=dict)
    merged: set[int] = field(default_factory=set)

    def target(self, row: HistoryRow, identity: str, policy: MergePolicy) -> Workout | int:
        existing = self.by_date.get(row.date, [])
        if policy == "merge":
            if existing:
                self.merged.add(existing[0][0])
                return existing[0][0]
            return self._new(row, (row.date, ""), identity)
        mine = next((pk for pk, key in existing if key == identity), None)
        return mine if mine is not None else self._new(row, (row.date, identity), identity)

    def _new(self, row: HistoryRow, slot: tuple[dt.date, str], identity: str) -> Workout:
        if slot not in self.new:
            self.new[slot] = Workout(date=row.date, notes=row.workout_notes, import_key=identity)
        return self.new[slot]


def _existing(athlete: Athlete, rows: list[HistoryRow]) -> _Plan:
    first, last = min(r.date for r in rows), max(r.date for r in rows)
    by_date: dict[dt.date, list[tuple[int, str]]] = defaultdict(list)
    day = Workout.objects.filter(athlete=athlete, date__gte=first, date__lte=last)
    for pk, date, key in day.order_by("import_key", "pk").values_list("pk", "date", "import_key"):
        by_date[date].append((pk, key))
    return _Plan(by_date)


def _write(
    athlete: Athlete,
    parsed: ParsedHistory,
    ids: dict[str, int],
    policy: MergePolicy,
    result: HistoryResult,
) -> list[Workout]:
    if not parsed.rows:
        return []
    keys = set_keys(parsed.rows)
    done = set(
        WorkoutSet.objects.filter(workout__athlete=athlete)
        .exclude(import_key="")
        .values_list("import_key", flat=True)
    )
    plan = _existing(athlete, parsed.rows)
    todo: list[tuple[HistoryRow, str, Workout | int]] = []
    for row, key in zip(parsed.rows, keys, strict=True):
        if key in done:
            result.sets_already_there += 1
            continue
        done.add(key)
        todo.append((row, key, plan.target(row, workout_identity(row), policy)))
    for workout in plan.new.values():
        workout.athlete = athlete
    Workout.objects.bulk_create(plan.new.values())
    result.workouts_created = len(plan.new)
    result.workouts_merged = len(plan.merged)
    sets = _sets(athlete, todo, ids, result)
    WorkoutSet.objects.bulk_create(sets)
    result.sets_created = len(sets)
    return list(plan.new.values())


def _numbers(
    athlete: Athlete, todo: list[tuple[HistoryRow, str, Workout | int]]
) -> dict[tuple[int, int], int]:
    merged = {t for _r, _k, t in todo if isinstance(t, int)}
    if not merged:
        return {}
    rows = (
        WorkoutSet.objects.filter(workout_id__in=merged)
        .values_list("workout_id", "exercise_id")
        .annotate(top=Max("set_number"))
        .order_by()
    )
    return {(w, e): top for w, e, top in rows}


def _sets(
    athlete: Athlete,
    todo: list[tuple[HistoryRow, str, Workout | int]],
    ids: dict[str, int],
    result: HistoryResult,
) -> list[WorkoutSet]:
    unit = installation_unit()
    top = _numbers(athlete, todo)
    groups: dict[tuple[int, int], list[tuple[HistoryRow, str]]] = defaultdict(list)
    for row, key, target in todo:
        workout_id = target if isinstance(target, int) else target.pk
        groups[(workout_id, ids[name_key(row.exercise)])].append((row, key))
    out = []
    for (workout_id, exercise_id), items in groups.items():
        numbers = _set_numbers(
            [row.set_number for row, _key in items], top.get((workout_id, exercise_id))
        )
        for number, (row, key) in zip(numbers, items, strict=True):
            out.append(_set(row, key, workout_id, exercise_id, number, unit, result))
    return out


def _set_numbers(source: list[int | None], top: int | None) -> list[int]:
    """The file's own set numbers when the workout has no sets of this exercise yet and they
    are complete and distinct (a lossless round trip); otherwise numbered on after `top`."""
    numbers = [n for n in source if n is not None]
    if top is None and len(numbers) == len(source) == len(set(numbers)) and max(numbers) <= 999:
        return numbers
    return list(range((top or 0) + 1, (top or 0) + 1 + len(source)))


def _set(
    row: HistoryRow,
    key: str,
    workout_id: int,
    exercise_id: int,
    number: int,
    unit: Unit,
    result: HistoryResult,
) -> WorkoutSet:
    notes = row.notes
    if len(notes) > NOTES_MAX:
        result.warnings.append(f"row {row.row}, column Notes: shortened to {NOTES_MAX} characters")
        notes = notes[:NOTES_MAX]
    return WorkoutSet(
        workout_id=workout_id,
        exercise_id=exercise_id,
        set_number=number,
        reps=row.reps,
        rep_type=row.rep_type,
        weight=convert(row.weight, row.unit, unit),
        rpe=row.rpe,
        is_amrap=row.is_amrap,
        kind=row.kind,
        duration_seconds=row.duration_seconds,
        notes=notes,
        import_key=key,
    )
