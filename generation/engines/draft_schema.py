"""The LLM's answer: a strict pydantic model in a compact format, and its expansion to CatalogJSON.

CatalogJSON spends one object per set (75–90 output tokens), so a month of four sessions a week
(~320 sets) would not fit a model's usual 8,192-token answer. The model writes this instead:

    {"reasoning": ["…", …],
     "program": {"name", "description", "num_weeks", "num_days", "is_loop", "audience",
                 "weeks": [{"week": 1, "week_type": "build", "coach_notes": null}, …],
                 "exercises": [
                   {"day": 1, "exercise": "Back Squat", "rep_type": "reps", "notes": null,
                    "plan": [{"weeks": [1, 2], "sets": [[5, 75, null, null], …]},
                             {"weeks": [3], "sets": [[3, 85, null, 8], …]}]},
                   …],
                 "progression_rules": [{"exercise": "Back Squat", "increment": 10}]}}

- one `exercises` entry per exercise and training day, in the order of that day (its sort order);
  its name, rep type and notes are written once for every week;
- `plan` gives the sets week by week, and weeks with the same sets share one entry;
- a set is four values, always in this order: [reps, percentage, absolute_weight, target_rpe].

That costs ~7 tokens a set written tightly and ~14 pretty-printed (measured on the demo month;
see tests/generation/test_llm_engine.py). `reasoning` is the first field, and the week plan comes
before the exercises: a model writes fields in schema order, so it states why, then the block's
shape, then the sets.

`expand()` turns the answer into a CatalogJSON document (set numbers restart per exercise, day and
week; sort order = position in the day) and remembers where each row came from, so that every
problem found later — by the catalog parser or generation.constraints — is reported back at the
path the model wrote (`program.exercises[2].plan[0].sets[1][1]`), never at a row index of a
document the model has not seen.

The schema holds the shape and structural bounds only; the program rules (the percentage unit —
a fraction must reach the normaliser, so 0.75 passes here — 20–110 %, rep bounds, catalog, tier
and injury rules) are checked afterwards, and their messages are what a repair round sends back.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    WithJsonSchema,
)

RepType = Literal["reps", "each_side", "seconds", "distance"]
Audience = Literal["youth", "adult"]
WeekType = Literal["base", "build", "peak", "recovery", "taper", "race"]

SET_FIELDS = ("reps", "percentage", "absolute_weight", "target_rpe")
SET_SHAPE = "[reps, percentage, absolute_weight, target_rpe]"

MAX_REASONING = 40
MAX_ENTRIES = 200  # exercise-day entries: 7 days × ~28 exercises
MAX_SETS_PER_WEEK = 50  # per entry and week; generation.constraints trims past its own limit
MAX_SETS = 2_000  # the whole expanded program
# Text lengths that fit what each field is for: a reasoning line is a sentence or two, a set's
# note a cue, a week's note a line, the description a few sentences. An answer past them (a
# model copying its instructions into a field) is sent back, never shown.
MAX_REASONING_CHARS = 300
MAX_NOTE_CHARS = 120
MAX_WEEK_NOTE_CHARS = 200
MAX_DESCRIPTION_CHARS = 600


def _all_required(schema: dict[str, Any]) -> None:
    """In the JSON schema every key is required (optional ones are nullable): OpenAI's strict
    structured output demands it, and a model told a key is optional tends to drop it. Our own
    validation still fills defaults, for providers that only do JSON mode."""
    properties = schema.get("properties", {})
    schema["required"] = list(properties)
    for prop in properties.values():
        prop.pop("default", None)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=_all_required)


def _plain_number(value: Any) -> Any:
    # Lax pydantic would read true as 1 and "75" as 75; in a set they are mistakes to report.
    if isinstance(value, bool | str):
        raise ValueError("must be a number or null")
    return value


Reps = Annotated[int | None, Field(ge=1, le=100_000), BeforeValidator(_plain_number)]
# Percentage in whole percent: a fraction (0.75) passes, to be normalised by the catalog parser.
Percentage = Annotated[float | None, Field(ge=0, le=1000), BeforeValidator(_plain_number)]
AbsoluteWeight = Annotated[float | None, Field(ge=0, le=10_000), BeforeValidator(_plain_number)]
TargetRpe = Annotated[float | None, Field(ge=1, le=10), BeforeValidator(_plain_number)]
SetValues = Annotated[
    tuple[Reps, Percentage, AbsoluteWeight, TargetRpe],
    # As a plain array: strict structured-output modes (OpenAI) do not take `prefixItems`.
    WithJsonSchema(
        {
            "type": "array",
            "description": SET_SHAPE + "; null where unused (reps null = AMRAP)",
            "items": {"anyOf": [{"type": "number"}, {"type": "null"}]},
            "minItems": 4,
            "maxItems": 4,
        }
    ),
]


class PlanEntry(_Strict):
    """The sets of one or more weeks of one exercise on one day."""

    weeks: list[Annotated[int, Field(ge=1, le=52)]] = Field(min_length=1, max_length=52)
    sets: list[SetValues] = Field(min_length=1, max_length=MAX_SETS_PER_WEEK)


class DraftExercise(_Strict):
    """One exercise on one training day, with its sets week by week."""

    day: int = Field(ge=1, le=7)
    exercise: str = Field(min_length=1, max_length=120)
    rep_type: RepType = "reps"
    notes: str | None = Field(default=None, max_length=MAX_NOTE_CHARS)
    plan: list[PlanEntry] = Field(min_length=1, max_length=52)


class DraftRule(_Strict):
    exercise: str = Field(min_length=1, max_length=120)
    increment: float = Field(ge=0, le=1000)


class DraftWeek(_Strict):
    week: int = Field(ge=1, le=52)
    week_type: WeekType | None = None
    coach_notes: str | None = Field(default=None, max_length=MAX_WEEK_NOTE_CHARS)


class DraftProgram(_Strict):
    name: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=MAX_DESCRIPTION_CHARS)
    num_weeks: int = Field(ge=1, le=52)
    num_days: int = Field(ge=1, le=7)
    is_loop: bool
    audience: Audience | None = None
    weeks: list[DraftWeek] = Field(default_factory=list, max_length=52)
    exercises: list[DraftExercise] = Field(min_length=1, max_length=MAX_ENTRIES)
    progression_rules: list[DraftRule] = Field(default_factory=list, max_length=200)


class DraftAnswer(_Strict):
    """What the LLM must answer: {"reasoning": [...], "program": {...}}."""

    reasoning: list[Annotated[str, Field(max_length=MAX_REASONING_CHARS)]] = Field(
        min_length=1, max_length=MAX_REASONING
    )
    program: DraftProgram


# -- expansion -----------------------------------------------------------------------------------


def _weeks_text(weeks: tuple[int, ...]) -> str:
    return f"week {weeks[0]}" if len(weeks) == 1 else "weeks " + ", ".join(map(str, weeks))


@dataclass(frozen=True)
class SetOrigin:
    """Where one CatalogJSON row came from in the compact answer."""

    entry: int
    plan: int
    index: int  # the set's position in plan[].sets
    day: int
    exercise: str
    weeks: tuple[int, ...]  # every week its plan entry covers

    @property
    def path(self) -> str:
        return f"program.exercises[{self.entry}].plan[{self.plan}].sets[{self.index}]"

    def label(self, field_name: str = "") -> str:
        where = f"{self.exercise} day {self.day}, {_weeks_text(self.weeks)}, set {self.index + 1}"
        return f"{where}, {field_name}" if field_name else where


@dataclass
class Expansion:
    """The answer as a CatalogJSON document, with the origin of every row."""

    catalog: dict[str, Any]
    origins: list[SetOrigin] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # in the answer's own terms
    entries: list[tuple[str, int]] = field(default_factory=list)  # (exercise, day) per entry


def _name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def expand(answer: DraftAnswer) -> Expansion:
    """The compact answer as a CatalogJSON 1.1 document holding its one program.

    Deterministic: rows in week, day, exercise-order, set order; set_number restarts at 1 for each
    exercise on each day of each week; sort_order is the entry's position within its day. What
    cannot be placed (a week or day outside the program, a week given twice for one exercise, an
    exercise given twice for one day and week) is left out and reported at its path."""
    program = answer.program
    entries = [(e.exercise, e.day) for e in program.exercises]
    errors: list[str] = []
    total = sum(len(p.weeks) * len(p.sets) for e in program.exercises for p in e.plan)
    if total > MAX_SETS:
        errors.append(
            f"program.exercises: the plan expands to {total:,} sets; at most {MAX_SETS:,} — "
            "write fewer sets or weeks."
        )
        return Expansion(_document(program, []), [], errors, entries)

    position_in_day: dict[int, int] = defaultdict(int)
    taken: dict[tuple[int, int, str], int] = {}  # (day, week, exercise) → entry index
    placed: list[tuple[tuple[int, int, int, int], dict[str, Any], SetOrigin]] = []
    for e, entry in enumerate(program.exercises):
        path = f"program.exercises[{e}]"
        who = f"{entry.exercise} day {entry.day}"
        name = _name_key(entry.exercise)
        if entry.day > program.num_days:
            errors.append(
                f"{path}.day ({who}): day {entry.day} is more than num_days {program.num_days}."
            )
            continue
        position_in_day[entry.day] += 1
        order = position_in_day[entry.day]
        seen_weeks: dict[int, int] = {}
        for p, plan in enumerate(entry.plan):
            weeks: list[int] = []
            clashes: dict[int, list[int]] = defaultdict(list)  # other entry → weeks
            for w, week in enumerate(plan.weeks):
                where = f"{path}.plan[{p}].weeks[{w}] ({who})"
                if week > program.num_weeks:
                    errors.append(
                        f"{where}: week {week} is more than num_weeks {program.num_weeks}."
                    )
                elif week in seen_weeks:
                    errors.append(
                        f"{where}: week {week} is already in plan[{seen_weeks[week]}]; give each "
                        "week once per exercise."
                    )
                elif (entry.day, week, name) in taken:
                    clashes[taken[(entry.day, week, name)]].append(week)
                else:
                    seen_weeks[week] = p
                    weeks.append(week)
            for other, other_weeks in clashes.items():
                errors.append(
                    f"{path}.plan[{p}].weeks ({who}): {entry.exercise} is already on day "
                    f"{entry.day} in {_weeks_text(tuple(other_weeks))} (program.exercises[{other}]"
                    "); write one entry per exercise and day and put all its weeks in its plan."
                )
            for week in weeks:
                taken[(entry.day, week, name)] = e
            covered = tuple(plan.weeks)
            for week in weeks:
                for s, values in enumerate(plan.sets):
                    row = {
                        "exercise": entry.exercise,
                        "week": week,
                        "day": entry.day,
                        "set_number": s + 1,
                        "reps": values[0],
                        "rep_type": entry.rep_type,
                        "percentage": values[1],
                        "absolute_weight": values[2],
                        "sort_order": order,
                        "notes": entry.notes,
                        "target_rpe": values[3],
                    }
                    origin = SetOrigin(e, p, s, entry.day, entry.exercise, covered)
                    placed.append(((week, entry.day, order, s), row, origin))
    placed.sort(key=lambda item: item[0])
    rows = [row for _, row, _ in placed]
    return Expansion(_document(program, rows), [o for _, _, o in placed], errors, entries)


def _document(program: DraftProgram, rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "type": "catalog",
        "version": "1.1",
        "programs": [
            {
                "name": program.name,
                "description": program.description,
                "num_weeks": program.num_weeks,
                "num_days": program.num_days,
                "is_loop": program.is_loop,
                "audience": program.audience,
                "prescribed_sets": rows,
                "progression_rules": [r.model_dump(mode="json") for r in program.progression_rules],
                "weeks": [w.model_dump(mode="json") for w in program.weeks],
            }
        ],
    }


# -- problems, in the answer's own terms ----------------------------------------------------------

_ROW_PATH = re.compile(r"^programs\[0\]\.prescribed_sets\[(\d+)\](?:\.(\w+))?$")
# generation.constraints names a row as "Week 1 day 2, Back Squat set 3: …".
_ROW_WORDS = re.compile(r"^Week (\d+) day (\d+), (.+?) set (\d+): (.*)$", re.DOTALL)
# Which value of a set a constraint message is about, by its first words.
_FIELD_WORDS = (
    (re.compile(r"^reps\b"), "reps"),
    (re.compile(r"^percentage\b"), "percentage"),
    (re.compile(r"^target[ _]RPE\b", re.IGNORECASE), "target_rpe"),
    (re.compile(r"^absolute[ _]weight\b"), "absolute_weight"),
    (re.compile(r"^[\d.]+ (lbs|kg) is\b"), "absolute_weight"),  # "300 lbs is more than …"
)
_ENTRY_FIELDS = {"exercise", "rep_type", "notes", "day"}


def _value_path(origin: SetOrigin, field_name: str) -> str:
    if field_name in SET_FIELDS:
        return f"{origin.path}[{SET_FIELDS.index(field_name)}]"
    if field_name in _ENTRY_FIELDS:
        return f"program.exercises[{origin.entry}].{field_name}"
    if field_name == "week":
        return f"program.exercises[{origin.entry}].plan[{origin.plan}].weeks"
    return origin.path


def _head(message: str) -> str:
    return message.split(": ", 1)[0] if message.startswith("program.") else ""


class Locator:
    """Finds the compact-answer place of a CatalogJSON row, by index or by its description."""

    def __init__(self, expansion: Expansion, renamed: dict[str, str] | None = None) -> None:
        self.origins = expansion.origins
        self.entries = expansion.entries
        rows: list[dict[str, Any]] = expansion.catalog["programs"][0]["prescribed_sets"]
        self.rows = rows
        renamed = {_name_key(k): v for k, v in (renamed or {}).items()}
        self.by_row: dict[tuple[int, int, str, int], SetOrigin] = {}
        for row, origin in zip(rows, self.origins, strict=True):
            name = _name_key(row["exercise"])
            now = _name_key(renamed.get(name, name))
            for key in {name, now}:
                self.by_row.setdefault((row["week"], row["day"], key, row["set_number"]), origin)

    def problems(self, parser: list[tuple[str, str]], constraints: list[str]) -> list[str]:
        """Both checkers' problems, once each: where the parser and the constraints flag the
        same value (a percentage out of range), the constraint's fuller sentence is kept."""
        out = [self.constraint(m) for m in constraints]
        heads = {_head(m) for m in out} - {""}
        for path, message in parser:
            text = self.parser_issue(path, message)
            if _head(text) not in heads:
                out.append(text)
        return list(dict.fromkeys(out))

    def parser_issue(self, path: str, message: str) -> str:
        """A catalog-parser problem ("programs[0].prescribed_sets[12].percentage: …")."""
        match = _ROW_PATH.match(path)
        if match is None:
            if path == "programs[0]" or path.startswith("programs[0]."):
                path = "program" + path[len("programs[0]") :]
            return f"{path}: {message}" if path else message
        index, field_name = int(match.group(1)), match.group(2) or ""
        if index >= len(self.origins):
            return f"{path}: {message}"
        origin = self.origins[index]
        return f"{_value_path(origin, field_name)} ({origin.label(field_name)}): {message}"

    def constraint(self, message: str) -> str:
        """A generation.constraints problem, re-pointed at what the model wrote: a set's value,
        or the entries of an exercise the message starts with."""
        match = _ROW_WORDS.match(message)
        if match is None:
            return self._by_exercise(message)
        week, day, name, number, text = match.groups()
        origin = self.by_row.get((int(week), int(day), _name_key(name), int(number)))
        if origin is None:
            return message
        field_name = next((f for words, f in _FIELD_WORDS if words.match(text)), "")
        return f"{_value_path(origin, field_name)} ({origin.label(field_name)}): {text}"

    def _by_exercise(self, message: str) -> str:
        # "“Gizmo Lift” is not in the exercise catalog …", "Box Jump needs equipment …"
        lowered = message.lstrip('“"').casefold()
        found = [
            (e, name, day)
            for e, (name, day) in enumerate(self.entries)
            if name.strip()
            and lowered.startswith(_name_key(name))
            and not lowered[len(_name_key(name)) : len(_name_key(name)) + 1].isalnum()
        ]
        if not found:
            return message
        longest = max(len(name) for _, name, _ in found)  # "Front Squat" over "Front"
        paths = [f"program.exercises[{e}].exercise" for e, name, _ in found if len(name) == longest]
        days = sorted({day for _, name, day in found if len(name) == longest})
        shown = ", ".join(paths[:4]) + (" …" if len(paths) > 4 else "")
        return f"{shown} (day {', '.join(map(str, days))}): {message}"

    def for_the_coach(self, path: str, message: str) -> str:
        """A parser warning in the coach's terms: the rows of the preview, not a path."""
        match = _ROW_PATH.match(path)
        if match is None or int(match.group(1)) >= len(self.rows):
            if path == "programs[0]" or path.startswith("programs[0]."):
                return message[:1].upper() + message[1:]
            return f"{path}: {message}" if path else message
        row = self.rows[int(match.group(1))]
        field_name = match.group(2)
        what = f" ({field_name.replace('_', ' ')})" if field_name else ""
        return (
            f"Week {row['week']} day {row['day']}, {row['exercise']} set {row['set_number']}"
            f"{what}: {message}"
        )


def _where(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _entry_label(data: Any, loc: tuple[int | str, ...]) -> str:
    """The label of a path inside program.exercises[i] ("Back Squat day 1, week 2, set 3"), as
    far as the (invalid) answer says so."""
    if len(loc) < 3 or loc[:2] != ("program", "exercises") or not isinstance(loc[2], int):
        return ""
    try:
        entry = data["program"]["exercises"][loc[2]]
        name, day = entry.get("exercise"), entry.get("day")
    except (KeyError, IndexError, TypeError, AttributeError):
        return ""
    if not isinstance(name, str) or not name.strip():
        return ""
    label = " ".join(name.split())[:60] + (f" day {day}" if isinstance(day, int) else "")
    if len(loc) >= 7 and loc[3] == "plan" and loc[5] == "sets" and isinstance(loc[6], int):
        try:
            weeks = entry["plan"][loc[4]]["weeks"]
        except (KeyError, IndexError, TypeError):
            weeks = None
        if isinstance(weeks, list) and weeks and all(isinstance(w, int) for w in weeks):
            label += f", {_weeks_text(tuple(weeks))}"
        label += f", set {loc[6] + 1}"
    return label


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return repr(value[:40])
    return type(value).__name__


def _in_set(loc: tuple[int | str, ...]) -> bool:
    """The loc of one value of a set: (…, "sets", set index, position)."""
    return (
        len(loc) >= 3
        and loc[-3] == "sets"
        and isinstance(loc[-2], int)
        and isinstance(loc[-1], int)
    )


def _is_set(loc: tuple[int | str, ...]) -> bool:
    return len(loc) >= 2 and loc[-2] == "sets" and isinstance(loc[-1], int)


def _message(err: Any, loc: tuple[int | str, ...]) -> str:
    kind = err.get("type")
    ctx = err.get("ctx") or {}
    value = err.get("input")
    if kind == "extra_forbidden":
        if loc and loc[-1] == "prescribed_sets":
            return (
                "is not a key of the answer format: write the sets in the compact format, under "
                f"program.exercises (one entry per exercise and day, each set as {SET_SHAPE})"
            )
        return "is not a key of the answer format; remove it"
    if kind == "missing":
        if _in_set(loc):
            return f"is missing: every set has exactly four values, {SET_SHAPE} (null where unused)"
        return "is required"
    if kind == "string_too_long":
        size = len(value) if isinstance(value, str) else "too many"
        return (
            f"is {size} characters; at most {ctx.get('max_length')} — keep it to what the field "
            "is for (a reasoning line: a sentence or two; a note: a cue)"
        )
    if kind == "too_long" and _is_set(loc):
        return f"has more than four values: every set is exactly {SET_SHAPE}"
    if kind in {"tuple_type", "list_type"} and _is_set(loc):
        return f"must be a list of four values, {SET_SHAPE}, got {_scalar(value)}"
    if kind == "less_than_equal":
        return f"{_scalar(value)} is more than the maximum {_scalar(ctx.get('le'))}"
    if kind == "greater_than_equal":
        return f"{_scalar(value)} is less than the minimum {_scalar(ctx.get('ge'))}"
    if kind == "int_from_float":
        return f"{_scalar(value)} is not a whole number (reps are whole, or null for AMRAP)"
    if kind == "value_error":
        return str(ctx.get("error", err.get("msg", "is invalid")))
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected', '')}, got {_scalar(value)}"
    return str(err.get("msg", "is invalid"))


def validation_messages(exc: ValidationError, data: Any = None, *, limit: int = 30) -> list[str]:
    """pydantic's errors as "program.exercises[3].plan[0].sets[2][3] (Back Squat day 1,
    target_rpe): 12 is more than the maximum 10" lines — the repair round's feedback, at the
    paths the model wrote — without pydantic's documentation links."""
    out: list[str] = []
    errors = exc.errors(include_url=False)
    for err in errors[:limit]:
        loc = tuple(err.get("loc", ()))
        where = _where(loc)
        label = _entry_label(data, loc)
        if _in_set(loc) and 0 <= int(loc[-1]) < len(SET_FIELDS):
            value_name = SET_FIELDS[int(loc[-1])]
            label = f"{label}, {value_name}" if label else value_name
        head = f"{where} ({label})" if where and label else where
        message = _message(err, loc)
        out.append(f"{head}: {message}" if head else message)
    out = list(dict.fromkeys(out))
    if len(errors) > limit:
        out.append(f"… and {len(errors) - limit} more problems of the same kind")
    return out
