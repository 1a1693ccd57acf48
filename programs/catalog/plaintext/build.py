"""A pasted plan → one entry per input line (its week, day and fate) → a CatalogJSON program.

Two stages over plain data so that the LLM can fill in the lines the grammar could not read
between them: `read_plan` walks the lines with a small state machine (week, day, rounds), and
`to_catalog` turns the entries' sets into CatalogJSON for the usual pipeline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from programs.catalog.parse import json_number
from programs.catalog.plaintext.clean import clean, heading, is_rest_line, is_table_rule, rounds
from programs.catalog.plaintext.notation import KG_PER_LB, NotRead, SetSpec, read_line
from programs.catalog.schema import EXERCISE_NAME_MAX, MAX_DAYS, SET_NOTES_MAX

PARSED = "parsed"
LLM = "llm"
HEADING = "heading"
IGNORED = "ignored"
UNPARSED = "unparsed"
_NUMBER_WORDS = re.compile(
    r"\b(one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty)\b", re.I
)
_WEEK_TYPES = (
    ("deload", "recovery"),
    ("recovery", "recovery"),
    ("taper", "taper"),
    ("peak", "peak"),
    ("test", "peak"),
    ("build", "build"),
    ("base", "base"),
)


@dataclass
class Entry:
    number: int  # 1-based line number in the pasted text
    text: str
    week: int
    day: int
    status: str
    how: str = ""
    why: str = ""
    exercise: str = ""
    sets: list[SetSpec] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "line": self.number,
            "text": self.text[:300],
            "status": self.status,
            "how": self.how,
            "why": self.why,
            "exercise": self.exercise,
            "sets": len(self.sets),
            "week": self.week,
            "day": self.day,
        }


@dataclass
class PlanText:
    entries: list[Entry]
    title: str = ""
    week_labels: dict[int, str] = field(default_factory=dict)

    @property
    def unread(self) -> list[Entry]:
        return [e for e in self.entries if e.status == UNPARSED]

    def counts(self) -> dict[str, int]:
        out = {s: 0 for s in (PARSED, LLM, HEADING, IGNORED, UNPARSED)}
        for entry in self.entries:
            out[entry.status] += 1
        out["sets"] = sum(len(e.sets) for e in self.entries)
        out["lines"] = len(self.entries)
        return out


@dataclass
class _State:
    week: int = 1
    day: int = 0
    weekday: int = 0
    rounds: int = 1
    used: set[int] = field(default_factory=set)
    started: bool = False
    last: Entry | None = None


def read_plan(text: str) -> PlanText:
    plan = PlanText([])
    state = _State()
    for number, raw in enumerate(text.splitlines(), start=1):
        plan.entries.append(_read(plan, state, number, raw))
    return plan


def _read(plan: PlanText, state: _State, number: int, raw: str) -> Entry:
    entry = Entry(number, raw.rstrip(), state.week, max(state.day, 1), IGNORED)
    if not raw.strip() or is_table_rule(raw):
        state.rounds = 1
        entry.why = "blank line" if not raw.strip() else "table rule"
        return entry
    line = clean(raw)
    if not line.text:
        entry.why = "decoration only"
        return entry
    found = heading(line.text)
    if found is not None:
        return _heading(plan, state, entry, found)
    circuit = rounds(line.text)
    if circuit is not None:
        state.rounds = circuit[0]
        entry.status, entry.how = HEADING, f"{circuit[0]} rounds of what follows"
        if not re.search(r"\d", circuit[1]):
            return entry  # "3 rounds for time": nothing more to read on this line
        line.text = circuit[1]
    if is_rest_line(line.text):
        return _rest(state, entry, line.text)
    return _exercise(plan, state, entry, line.text, [*_label(line.label), *line.remarks])


def _label(label: str) -> list[str]:
    return [f"superset {label}"] if label else []


def _heading(plan: PlanText, state: _State, entry: Entry, found: Any) -> Entry:
    state.rounds, state.last, entry.status = 1, None, HEADING
    if found.week is not None:
        state.week, state.day, state.weekday, state.used = found.week, 0, 0, set()
        if found.label and found.day is None:
            plan.week_labels[found.week] = found.label
        entry.how = f"week {found.week}"
    if found.day is not None:
        _next_week_if(state, found.day in state.used and found.week is None)
        state.day = found.day
        entry.how = (entry.how + ", " if entry.how else "") + f"day {found.day}"
    elif found.weekday is not None:
        _next_week_if(state, 0 < found.weekday <= state.weekday)
        state.weekday, state.day = found.weekday, state.day + 1
        entry.how = f"weekday → day {state.day}"
    elif found.week is None:
        state.day += 1
        entry.how = f"session “{found.label}” → day {state.day}"
    state.used.add(state.day)
    entry.week, entry.day = state.week, max(state.day, 1)
    if state.day > MAX_DAYS:
        entry.status = UNPARSED
        entry.why = f"day {state.day}: a week holds at most {MAX_DAYS} days; add “Week N” headings"
    return entry


def _next_week_if(state: _State, repeated: bool) -> None:
    # "Day 1" or "Monday" again without a week heading in between starts the next week.
    if repeated:
        state.week, state.day, state.weekday, state.used = state.week + 1, 0, 0, set()


def _rest(state: _State, entry: Entry, text: str) -> Entry:
    target = state.last
    if target is None or not re.search(r"\d", text):
        entry.why = "rest day or rest note without a preceding exercise"
        return entry
    for spec in target.sets:
        spec.notes.append(text)
    entry.status, entry.how, entry.exercise = (
        PARSED,
        "rest note for the line above",
        target.exercise,
    )
    return entry


def _exercise(plan: PlanText, state: _State, entry: Entry, text: str, notes: list[str]) -> Entry:
    if state.day == 0:
        state.day = 1
    entry.week, entry.day = state.week, state.day
    try:
        read = read_line(text, rounds=state.rounds)
    except NotRead as exc:
        if re.search(r"\d", text) or _NUMBER_WORDS.search(text):
            entry.status, entry.why = UNPARSED, str(exc)
        elif not state.started and not plan.title:
            plan.title, entry.status, entry.how = text[:200], HEADING, "title"
        else:
            entry.why = "text without sets or reps"
        return entry
    if len(read.name) > EXERCISE_NAME_MAX:
        entry.status, entry.why = UNPARSED, "the exercise name is too long"
        return entry
    for spec in read.sets:
        spec.notes[:0] = notes
    entry.status, entry.exercise, entry.sets = PARSED, read.name, read.sets
    entry.how = ", ".join(read.how) + (f" × {state.rounds} rounds" if state.rounds > 1 else "")
    state.started, state.last = True, entry
    return entry


# --- CatalogJSON ------------------------------------------------------------------------------


def _convert(spec: SetSpec, unit: str) -> tuple[Any, list[str]]:
    if spec.weight is None:
        return None, []
    target = "lb" if unit.startswith("lb") else "kg"
    if spec.unit is None or spec.unit == target or spec.weight == 0:
        return json_number(spec.weight), []
    factor = KG_PER_LB if target == "kg" else 1 / KG_PER_LB
    value = (spec.weight * factor).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return json_number(value), [f"written as {json_number(spec.weight)} {spec.unit}"]


def _set_row(entry: Entry, spec: SetSpec, number: int, order: int, unit: str) -> dict[str, Any]:
    weight, more = _convert(spec, unit)
    notes = "; ".join(dict.fromkeys([*spec.notes, *more]))
    return {
        "exercise": entry.exercise,
        "week": entry.week,
        "day": entry.day,
        "set_number": number,
        "reps": spec.reps,
        "rep_type": spec.rep_type,
        "percentage": None if spec.percentage is None else json_number(spec.percentage),
        "absolute_weight": None if spec.percentage is not None else weight,
        "sort_order": order,
        "notes": notes[:SET_NOTES_MAX],
        "target_rpe": None if spec.rpe is None else json_number(spec.rpe),
    }


def _weeks(plan: PlanText) -> list[dict[str, Any]]:
    out = []
    for week, label in sorted(plan.week_labels.items()):
        kind = next((t for word, t in _WEEK_TYPES if word in label.lower()), None)
        out.append({"week": week, "week_type": kind, "coach_notes": label[:2000]})
    return out


def set_lines(plan: PlanText) -> list[int]:
    """The input line of each prescribed set, in `to_catalog`'s order: lets a pipeline error
    about `prescribed_sets[12]` name the line the coach wrote."""
    return [
        e.number for e in plan.entries if e.status in (PARSED, LLM) and e.exercise for _ in e.sets
    ]


def to_catalog(plan: PlanText, *, name: str, unit: str) -> dict[str, Any]:
    """The program as CatalogJSON (exercise names referenced, not declared: the matcher maps
    them to the catalog and the coach confirms or creates what matches nothing)."""
    rows: list[dict[str, Any]] = []
    numbers: dict[tuple[int, int, str], int] = {}
    orders: dict[tuple[int, int, str], int] = {}
    per_day: dict[tuple[int, int], int] = {}
    for entry in plan.entries:
        if entry.status not in (PARSED, LLM) or not entry.exercise:
            continue
        key = (entry.week, entry.day, entry.exercise.casefold())
        if key not in orders:
            per_day[key[:2]] = orders[key] = per_day.get(key[:2], 0) + 1
        order = orders[key]
        for spec in entry.sets:
            numbers[key] = numbers.get(key, 0) + 1
            rows.append(_set_row(entry, spec, numbers[key], order, unit))
    weeks = max((r["week"] for r in rows), default=1)
    program = {
        "name": name or plan.title or "Imported plan",
        "description": "Imported from text.",
        "num_weeks": weeks,
        "num_days": max((r["day"] for r in rows), default=1),
        "is_loop": weeks == 1,  # a one-week schedule is repeated until the coach changes it
        "audience": None,
        "prescribed_sets": rows,
        "progression_rules": [],
        "weeks": [w for w in _weeks(plan) if w["week"] <= weeks],
    }
    return {"type": "catalog", "version": "1.1", "programs": [program]}
