"""The preview's shape: a run's current catalog as weeks × days × exercises × sets, each with
the errors and warnings that concern it."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from generation.checker import CheckReport, check_draft
from generation.models import GenerationRun
from generation.runs import edits
from generation.runs.review import group_notes, quoted_notes, without_note_quotes
from generation.runs.selectors import run_packet
from programs.loads import set_label


@dataclass
class SetView:
    id: int
    set_number: int
    reps: int | None
    rep_type: str
    percentage: Any
    absolute_weight: Any
    target_rpe: Any
    notes: str
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    summary: str = ""
    edited: bool = False

    @property
    def is_amrap(self) -> bool:
        return self.reps is None


@dataclass
class SetGroup:
    """Consecutive identical sets as a coach writes them: "3×5 @ 75 % · 115 lb"."""

    sets: list[SetView]

    @property
    def label(self) -> str:
        count = len(self.sets)
        return f"{count}×{self.sets[0].summary}" if count > 1 else self.sets[0].summary

    @property
    def edited(self) -> bool:
        return any(s.edited for s in self.sets)

    @property
    def flagged(self) -> bool:
        return any(s.errors or s.warnings for s in self.sets)


@dataclass
class ExerciseView:
    name: str
    sort_order: int
    sets: list[SetView] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    reasoning: list[str] = field(default_factory=list)

    @property
    def first_set_id(self) -> int:
        return self.sets[0].id

    @property
    def groups(self) -> list[SetGroup]:
        groups: list[SetGroup] = []
        for item in self.sets:
            last = groups[-1].sets[-1] if groups else None
            if last is not None and (last.summary, last.notes) == (item.summary, item.notes):
                groups[-1].sets.append(item)
            else:
                groups.append(SetGroup(sets=[item]))
        return groups


@dataclass
class DayView:
    day: int
    exercises: list[ExerciseView] = field(default_factory=list)


@dataclass
class WeekView:
    week: int
    week_type: str = ""
    coach_notes: str = ""
    days: list[DayView] = field(default_factory=list)


@dataclass
class Preview:
    name: str
    description: str
    num_weeks: int
    num_days: int
    is_loop: bool
    weeks: list[WeekView]
    general_errors: list[str]
    general_warnings: list[str]
    progression_rules: list[dict[str, Any]]
    # The draft checker on the current sets: the reasoning's stated changes, every flag answered.
    check: CheckReport | None = None
    # Exercises left out whole: (index in run.warnings, {week, day, exercise, reason, sets}).
    dropped: list[tuple[int, dict[str, Any]]] = field(default_factory=list)

    @property
    def set_count(self) -> int:
        return sum(len(e.sets) for w in self.weeks for d in w.days for e in d.exercises)


def _int(value: object, default: int = 0) -> int:
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return default


def _num(value: object) -> float | None:
    return edits.number(value) if value is not None else None


def set_summary(
    row: dict[str, Any],
    unit: str,
    *,
    training_max: Decimal | None = None,
    increment: Decimal = Decimal("0"),
) -> str:
    """A draft's set as a coach writes it (programs.loads.set_label); the draft's JSON values
    are read leniently: a value that is not a number shows the reps alone."""
    reps = row.get("reps")
    try:
        pct, absolute, rpe = (
            _num(row.get("percentage")),
            _num(row.get("absolute_weight")),
            _num(row.get("target_rpe")),
        )
    except edits.EditError:
        pct = absolute = rpe = None
    return set_label(
        reps=reps,
        rep_type=str(row.get("rep_type") or "reps"),
        percentage=pct,
        absolute_weight=absolute,
        target_rpe=rpe,
        unit=unit,
        training_max=training_max,
        increment=increment,
    )


# A line naming this many of the draft's exercises speaks of the program: the sidebar only.
PROGRAM_WIDE_NAMES = 3


def _named(line: str, patterns: list[tuple[str, re.Pattern[str]]]) -> set[str]:
    """The draft's exercises a line names as whole names: "Romanian Deadlift" inside
    "Single-Leg Romanian Deadlift" names only the longer one (`patterns`: longest first)."""
    spans: list[tuple[int, int, str]] = []
    for name, pattern in patterns:
        for match in pattern.finditer(line):
            start, end = match.span()
            if not any(s <= start and end <= e for s, e, _ in spans):
                spans.append((start, end, name.casefold()))
    return {key for _, _, key in spans}


def reasoning_by_exercise(names: list[str], reasoning: list[Any]) -> dict[str, list[str]]:
    """Each exercise's own lines (by casefolded name): those that name it, and at most
    PROGRAM_WIDE_NAMES - 1 of the draft's exercises in all."""
    out: dict[str, list[str]] = defaultdict(list)
    patterns = [
        (name, re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])", re.IGNORECASE))
        for name in sorted(names, key=len, reverse=True)
    ]
    for raw in reasoning:
        line = without_note_quotes(raw)
        named = _named(line, patterns)
        if len(named) < PROGRAM_WIDE_NAMES:
            for key in named:
                out[key].append(line)
    return out


def _left_out(entry: dict[str, Any], in_warnings: set[str]) -> dict[str, Any]:
    reason = str(entry.get("reason", ""))
    if any(note in reason for note in in_warnings):
        reason = without_note_quotes(reason)
    return {**entry, "reason": reason, "where": edits.dropped_where(entry)}


def build_preview(
    run: GenerationRun,
    *,
    unit: str = "",
    training_maxes: dict[str, Decimal] | None = None,
    increment: Decimal = Decimal("0"),
    edited_ids: set[int] | None = None,
) -> Preview | None:
    """`training_maxes` maps casefolded exercise names to the athlete's current TM."""
    tms = training_maxes or {}
    changed = edited_ids or set()
    catalog = run.current_catalog
    if not catalog:
        return None
    try:
        catalog = edits.with_ids(catalog)
        program = edits.program_of(catalog)
        rows = edits.sets_of(catalog)
    except edits.EditError:
        return None

    by_set: dict[int, dict[str, list[str]]] = defaultdict(lambda: {"errors": [], "warnings": []})
    by_exercise: dict[str, dict[str, list[str]]] = defaultdict(
        lambda: {"errors": [], "warnings": []}
    )
    general: dict[str, list[str]] = {"errors": [], "warnings": []}
    # A coach note is quoted once on the page, under Warnings; elsewhere it is named by date.
    in_warnings = quoted_notes(group_notes(run.warnings or []))
    dropped = [
        (i, _left_out(n["dropped"], in_warnings))
        for i, n in enumerate(run.warnings or [])
        if isinstance(n, dict) and isinstance(n.get("dropped"), dict)
    ]
    for kind, notes in (("errors", run.errors or []), ("warnings", run.warnings or [])):
        for note in notes:
            if isinstance(note, dict) and "dropped" in note:
                continue  # listed on its own, with "add back"
            message = str(note.get("message", "")) if isinstance(note, dict) else str(note)
            if isinstance(note, dict) and isinstance(note.get("set_id"), int):
                by_set[note["set_id"]][kind].append(message)
            elif isinstance(note, dict) and note.get("exercise"):
                by_exercise[str(note["exercise"]).casefold()][kind].append(message)
            else:
                general[kind].append(message)

    num_weeks = max(1, _int(program.get("num_weeks"), 1))
    num_days = max(1, _int(program.get("num_days"), 1))
    week_info = {_int(w.get("week")): w for w in program.get("weeks") or [] if isinstance(w, dict)}
    max_week = max([num_weeks, *(_int(r.get("week"), 1) for r in rows)])
    max_day = max([num_days, *(_int(r.get("day"), 1) for r in rows)])
    weeks = [
        WeekView(
            week=w,
            week_type=str(week_info.get(w, {}).get("week_type") or ""),
            coach_notes=str(week_info.get(w, {}).get("coach_notes") or ""),
            days=[DayView(day=d) for d in range(1, max_day + 1)],
        )
        for w in range(1, max_week + 1)
    ]
    blocks: dict[tuple[int, int, str], ExerciseView] = {}
    names = list(
        {
            str(r.get("exercise") or "?").casefold(): str(r.get("exercise") or "?") for r in rows
        }.values()
    )
    why = reasoning_by_exercise(names, list(run.reasoning or []))
    for row in rows:
        week, day = _int(row.get("week"), 1), _int(row.get("day"), 1)
        if week < 1 or day < 1:
            continue
        name = str(row.get("exercise") or "?")
        key = (week, day, name.casefold())
        block = blocks.get(key)
        if block is None:
            block = ExerciseView(
                name=name,
                sort_order=_int(row.get("sort_order")),
                reasoning=list(why.get(name.casefold(), [])),
            )
            exercise_notes = by_exercise.get(name.casefold())
            if exercise_notes:
                block.errors = list(exercise_notes["errors"])
                block.warnings = list(exercise_notes["warnings"])
            blocks[key] = block
            weeks[week - 1].days[day - 1].exercises.append(block)
        set_id = _int(row.get(edits.SET_ID))
        notes = by_set.get(set_id, {"errors": [], "warnings": []})
        block.sets.append(
            SetView(
                id=set_id,
                set_number=_int(row.get("set_number"), 1),
                reps=row.get("reps"),
                rep_type=str(row.get("rep_type") or "reps"),
                percentage=row.get("percentage"),
                absolute_weight=row.get("absolute_weight"),
                target_rpe=row.get("target_rpe"),
                notes=str(row.get("notes") or ""),
                errors=list(notes["errors"]),
                warnings=list(notes["warnings"]),
                summary=set_summary(
                    row, unit, training_max=tms.get(name.casefold()), increment=increment
                ),
                edited=set_id in changed,
            )
        )
    for week_view in weeks:
        for day_view in week_view.days:
            day_view.exercises.sort(key=lambda e: (e.sort_order, e.name.casefold()))
            for block in day_view.exercises:
                block.sets.sort(key=lambda s: s.set_number)
    return Preview(
        name=str(program.get("name") or ""),
        description=str(program.get("description") or ""),
        num_weeks=num_weeks,
        num_days=num_days,
        is_loop=bool(program.get("is_loop")),
        weeks=weeks,
        general_errors=general["errors"],
        general_warnings=general["warnings"],
        progression_rules=[
            r for r in program.get("progression_rules") or [] if isinstance(r, dict)
        ],
        dropped=dropped,
        check=draft_check(run),
    )


def draft_check(run: GenerationRun) -> CheckReport | None:
    """The same checker every engine's draft passes, on the sets as they stand (coach's edits
    included) — so an edit that makes a reasoning line false shows here."""
    if not run.current_catalog or not run.reasoning:
        return None
    packet = run_packet(run)  # None when stored by an older version: the sets are still checked
    return check_draft(
        catalog=run.current_catalog,
        reasoning=[str(line) for line in run.reasoning],
        packet=packet,
        directions=str((run.request or {}).get("coach_directions", "")),
    )
