"""CatalogJSON in: bytes, text or an already-decoded dict → a validated catalog, or issues.

`parse_catalog` never raises: every problem becomes an `Issue` with a JSON path and a plain
message ("programs[0].prescribed_sets[12].week: 5 is more than num_weeks 4"). Errors block an
import; warnings are shown beside what they concern and do not.

On success `ParseResult.data` is the normalised catalog as plain JSON (percentages in whole
percent, defaults filled in, unknown keys and `exported_at` dropped): what an import draft
stores and what `catalog_import` consumes.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from programs.catalog.schema import (
    Catalog,
    ExerciseItem,
    ProgramItem,
    StrictCatalog,
    _describe,
)
from programs.catalog.wording import invalid_json, pydantic_message, too_big
from replog.text import json_path as join_path
from replog.text import text_problem

logger = logging.getLogger(__name__)

Level = Literal["error", "warning"]
ERROR: Level = "error"
WARNING: Level = "warning"

PERCENT_MIN = Decimal(20)
PERCENT_MAX = Decimal(110)
FRACTION_MAX = Decimal("1.5")
CENT = Decimal("0.01")
TENTH = Decimal("0.1")


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 10 * 1024 * 1024
    max_depth: int = 16
    max_string: int = 20_000
    max_equipment: int = 2_000
    max_exercises: int = 5_000
    max_programs: int = 200
    max_sets_per_program: int = 10_000
    max_sets_total: int = 50_000
    max_rules_per_program: int = 1_000
    max_issues: int = 200


LIMITS = Limits()


@dataclass(frozen=True)
class Issue:
    path: str
    message: str
    level: Level = ERROR

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message

    @property
    def is_error(self) -> bool:
        return self.level == ERROR

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "message": self.message, "level": self.level}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Issue:
        level: Level = WARNING if data.get("level") == WARNING else ERROR
        return cls(str(data.get("path", "")), str(data.get("message", "")), level)


@dataclass
class ParseResult:
    catalog: Catalog | None
    data: dict[str, Any] | None
    issues: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.catalog is not None and not self.errors

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.level == ERROR]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.level == WARNING]


class _Issues:
    """Collects issues, keeping at most `limit` of each level so hostile input stays cheap."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.items: list[Issue] = []
        self.dropped = {ERROR: 0, WARNING: 0}
        self.kept = {ERROR: 0, WARNING: 0}

    def add(self, path: str, message: str, level: Level = ERROR) -> None:
        if self.kept[level] >= self.limit:
            self.dropped[level] += 1
            return
        self.kept[level] += 1
        self.items.append(Issue(path, message, level))

    def error(self, path: str, message: str) -> None:
        self.add(path, message, ERROR)

    def warning(self, path: str, message: str) -> None:
        self.add(path, message, WARNING)

    @property
    def has_errors(self) -> bool:
        return self.kept[ERROR] > 0

    def finish(self) -> list[Issue]:
        out = list(self.items)
        for level, count in self.dropped.items():
            if count:
                noun = "errors" if level == ERROR else "warnings"
                out.append(Issue("", f"… and {count} more {noun} not shown", level))
        return out


def json_number(value: Decimal | int | float) -> int | float:
    """75 not 75.0: integral values are written as JSON integers (the Go app reads both, but
    integers keep exports byte-identical across a round trip)."""
    if isinstance(value, int):
        return value
    dec = value if isinstance(value, Decimal) else Decimal(str(value))
    if dec == dec.to_integral_value():
        return int(dec)
    return float(dec)


def _fmt(value: Decimal) -> str:
    return str(json_number(value))


# --- entry point ------------------------------------------------------------------------------


def parse_catalog(
    raw: bytes | str | dict[str, Any] | Any, *, strict: bool = False, limits: Limits = LIMITS
) -> ParseResult:
    try:
        return _parse(raw, strict=strict, limits=limits)
    except Exception:  # the contract is "never raises": a bug here must not become a 500
        logger.exception("CatalogJSON parser failed unexpectedly")
        return ParseResult(
            None,
            None,
            [
                Issue(
                    "", "The file could not be checked because of an internal error; it was logged."
                )
            ],
        )


def _parse(raw: Any, *, strict: bool, limits: Limits) -> ParseResult:
    issues = _Issues(limits.max_issues)
    document = _load(raw, issues, limits)
    if document is None or issues.has_errors:
        return ParseResult(None, None, issues.finish())

    _check_shape(document, issues, limits)
    if issues.has_errors:
        return ParseResult(None, None, issues.finish())

    model = StrictCatalog if strict else Catalog
    try:
        catalog = model.model_validate(document)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            issues.error(join_path(err["loc"]), pydantic_message(err))
        return ParseResult(None, None, issues.finish())

    if not strict:
        _report_unknown_keys(catalog, issues)
    _check_catalog(catalog, issues)
    if issues.has_errors:
        return ParseResult(None, None, issues.finish())
    return ParseResult(catalog, catalog_to_data(catalog), issues.finish())


# --- stage 1: bytes → JSON value --------------------------------------------------------------


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON (numbers must be finite)")


def _load(raw: Any, issues: _Issues, limits: Limits) -> Any:
    if isinstance(raw, dict):
        document: Any = raw
    else:
        if isinstance(raw, bytes | bytearray | memoryview):
            data = bytes(raw)
            if len(data) > limits.max_bytes:
                issues.error("", too_big(len(data), limits.max_bytes))
                return None
            if data.startswith(b"\xef\xbb\xbf"):
                data = data[3:]
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as exc:
                issues.error(
                    "", f"The file is not UTF-8 text (byte {exc.start}: {data[exc.start]:#04x})."
                )
                return None
        elif isinstance(raw, str):
            if len(raw) > limits.max_bytes or len(raw.encode("utf-8")) > limits.max_bytes:
                issues.error("", too_big(len(raw.encode("utf-8")), limits.max_bytes))
                return None
            text = raw.removeprefix("\ufeff")
        else:
            issues.error("", f"Expected a CatalogJSON document, got {type(raw).__name__}.")
            return None
        if not text.strip():
            issues.error("", "The file is empty.")
            return None
        try:
            document = json.loads(text, parse_constant=_reject_constant)
        except json.JSONDecodeError as exc:
            issues.error("", f"Invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}.")
            return None
        except ValueError as exc:  # NaN / Infinity, or an integer of thousands of digits
            issues.error("", invalid_json(exc))
            return None
        except RecursionError:
            issues.error("", f"The JSON is nested too deeply (the limit is {limits.max_depth}).")
            return None
    _check_depth_and_strings(document, issues, limits)
    if issues.has_errors:
        return None
    if not isinstance(document, dict):
        issues.error(
            "", f"The top level must be a JSON object ({{...}}), got {_describe(document)}."
        )
        return None
    return document


def _check_depth_and_strings(document: Any, issues: _Issues, limits: Limits) -> None:
    # Iterative walk: a recursive one is exactly what a deeply nested file would break. Only
    # containers go on the stack (with their path); scalars are checked where they are met.
    problem = _scalar_problem(document, limits)
    if problem:
        issues.error("", problem)
    if not isinstance(document, dict | list):
        return
    stack: list[tuple[dict[str, Any] | list[Any], tuple[str | int, ...]]] = [(document, ())]
    while stack:
        value, path = stack.pop()
        if len(path) >= limits.max_depth:
            issues.error(
                join_path(path),
                f"nested more than {limits.max_depth} levels deep; CatalogJSON needs 5",
            )
            return
        items: Any = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            if isinstance(key, str) and len(key) > 200:
                issues.error(join_path(path), f"has a key {len(key)} characters long")
                continue
            if isinstance(key, str) and text_problem(key):
                issues.error(join_path(path), f"has a key that {text_problem(key)}")
                continue
            if isinstance(item, dict | list):
                stack.append((item, (*path, key)))
                continue
            problem = _scalar_problem(item, limits)
            if problem:
                issues.error(join_path((*path, key)), problem)


def _scalar_problem(value: Any, limits: Limits) -> str:
    if isinstance(value, str) and len(value) > limits.max_string:
        return f"is {len(value):,} characters long; the limit is {limits.max_string:,}"
    if isinstance(value, str):
        return text_problem(value)
    if isinstance(value, float) and not math.isfinite(value):
        return "must be a finite number"
    return ""


# --- stage 2: shape and size before pydantic --------------------------------------------------


def _check_shape(document: dict[str, Any], issues: _Issues, limits: Limits) -> None:
    kind = document.get("type")
    if kind == "athlete" or (kind is None and "athlete" in document and "workouts" in document):
        issues.error(
            "type",
            "this is a RepLog athlete export, not a catalog; export the catalog "
            '(type "catalog") from the original app instead',
        )
        return
    counts = (
        ("equipment", limits.max_equipment),
        ("exercises", limits.max_exercises),
        ("programs", limits.max_programs),
    )
    for key, limit in counts:
        items = document.get(key)
        if isinstance(items, list) and len(items) > limit:
            issues.error(key, f"has {len(items):,} entries; the limit is {limit:,}")
    programs = document.get("programs")
    if not isinstance(programs, list):
        return
    total = 0
    for p, program in enumerate(programs[: limits.max_programs]):
        if not isinstance(program, dict):
            continue
        sets = program.get("prescribed_sets")
        if isinstance(sets, list):
            total += len(sets)
            if len(sets) > limits.max_sets_per_program:
                issues.error(
                    f"programs[{p}].prescribed_sets",
                    f"has {len(sets):,} sets; the limit is {limits.max_sets_per_program:,} "
                    "per program",
                )
        rules = program.get("progression_rules")
        if isinstance(rules, list) and len(rules) > limits.max_rules_per_program:
            issues.error(
                f"programs[{p}].progression_rules",
                f"has {len(rules):,} rules; the limit is {limits.max_rules_per_program:,}",
            )
    if total > limits.max_sets_total:
        issues.error(
            "programs",
            f"hold {total:,} sets in all; the limit is {limits.max_sets_total:,} per file",
        )


# --- stage 3: pydantic errors in plain words --------------------------------------------------


# --- stage 4: unknown keys (lenient mode) -----------------------------------------------------


def _report_unknown_keys(catalog: Catalog, issues: _Issues) -> None:
    # One warning per (pattern, key): a Go field we do not know appears on every set, and
    # 2,000 identical warnings would hide the ones that matter.
    found: dict[tuple[str, str], int] = {}

    def visit(model: BaseModel, pattern: str) -> None:
        for key in model.model_extra or {}:
            found[(pattern, key)] = found.get((pattern, key), 0) + 1

    visit(catalog, "")
    for i, eq in enumerate(catalog.equipment):
        visit(eq, f"equipment[{i}]")
    for i, ex in enumerate(catalog.exercises):
        visit(ex, f"exercises[{i}]")
        for link in ex.equipment:
            visit(link, f"exercises[{i}].equipment[*]")
    for p, program in enumerate(catalog.programs):
        visit(program, f"programs[{p}]")
        for st in program.prescribed_sets:
            visit(st, f"programs[{p}].prescribed_sets[*]")
        for rule in program.progression_rules:
            visit(rule, f"programs[{p}].progression_rules[*]")
        for week in program.weeks:
            visit(week, f"programs[{p}].weeks[*]")
    for (pattern, key), count in found.items():
        times = f" (in {count} entries)" if count > 1 else ""
        issues.warning(join_path([pattern, key]) if pattern else key, f"unknown key ignored{times}")


# --- stage 5: rules across fields -------------------------------------------------------------


def _key(name: str) -> str:
    return name.casefold()


def _check_catalog(catalog: Catalog, issues: _Issues) -> None:
    if not (catalog.equipment or catalog.exercises or catalog.programs):
        issues.error("", "Nothing to import: the file has no equipment, exercises or programs.")
        return
    _unique_names(catalog.equipment, "equipment", issues)
    _unique_names(catalog.exercises, "exercises", issues)
    _unique_names(catalog.programs, "programs", issues)
    _check_exercises(catalog.exercises, issues)
    for p, program in enumerate(catalog.programs):
        _check_program(p, program, issues)
    if catalog.programs and catalog.exercises:
        used = {
            _key(name)
            for program in catalog.programs
            for name in [s.exercise for s in program.prescribed_sets]
            + [r.exercise for r in program.progression_rules]
        }
        unused = [ex.name for ex in catalog.exercises if _key(ex.name) not in used]
        if unused:
            shown = ", ".join(unused[:10]) + (
                f" and {len(unused) - 10} more" if len(unused) > 10 else ""
            )
            issues.warning(
                "exercises",
                f"{len(unused)} declared exercise(s) are not used by any program in this file: "
                f"{shown}",
            )


def _unique_names(items: Sequence[Any], section: str, issues: _Issues) -> None:
    first: dict[str, int] = {}
    for i, item in enumerate(items):
        key = _key(item.name)
        if key in first:
            issues.error(
                f"{section}[{i}].name",
                f"{item.name!r} is already at {section}[{first[key]}] "
                "(names are unique, ignoring case)",
            )
        else:
            first[key] = i


def _check_exercises(exercises: Sequence[ExerciseItem], issues: _Issues) -> None:
    names = {_key(ex.name): i for i, ex in enumerate(exercises)}
    for i, ex in enumerate(exercises):
        seen: dict[str, int] = {}
        for j, link in enumerate(ex.equipment):
            key = _key(link.name)
            if key in seen:
                issues.error(
                    f"exercises[{i}].equipment[{j}].name",
                    f"{link.name!r} is listed twice for this exercise",
                )
            seen[key] = j
        aliases: list[str] = []
        alias_keys: set[str] = {_key(ex.name)}
        for k, alias in enumerate(ex.aliases):
            key = _key(alias)
            if key in alias_keys:
                continue  # a repeated alias, or the exercise's own name: harmless, dropped
            other = names.get(key)
            if other is not None and other != i:
                issues.warning(
                    f"exercises[{i}].aliases[{k}]",
                    f"{alias!r} is the name of exercises[{other}]; it is not used as an alias",
                )
                continue
            alias_keys.add(key)
            aliases.append(alias)
        ex.aliases = aliases


def _check_program(p: int, program: ProgramItem, issues: _Issues) -> None:
    base = f"programs[{p}]"
    if not program.prescribed_sets:
        issues.warning(base, f"program {program.name!r} has no prescribed sets")

    seen_weeks: dict[int, int] = {}
    for w, week in enumerate(program.weeks):
        if week.week > program.num_weeks:
            issues.error(
                f"{base}.weeks[{w}].week",
                f"{week.week} is more than num_weeks {program.num_weeks}",
            )
        if week.week in seen_weeks:
            issues.error(
                f"{base}.weeks[{w}].week",
                f"week {week.week} is already described at weeks[{seen_weeks[week.week]}]",
            )
        seen_weeks.setdefault(week.week, w)

    seen_sets: dict[tuple[int, int, str, int], int] = {}
    sessions_with_sets: set[tuple[int, int]] = set()
    for s, st in enumerate(program.prescribed_sets):
        path = f"{base}.prescribed_sets[{s}]"
        if st.week > program.num_weeks:
            issues.error(f"{path}.week", f"{st.week} is more than num_weeks {program.num_weeks}")
        if st.day > program.num_days:
            issues.error(f"{path}.day", f"{st.day} is more than num_days {program.num_days}")
        sessions_with_sets.add((st.week, st.day))
        set_key = (st.week, st.day, _key(st.exercise), st.set_number)
        if set_key in seen_sets:
            issues.error(
                f"{path}.set_number",
                f"duplicate set: week {st.week}, day {st.day}, {st.exercise} set "
                f"{st.set_number} is already at prescribed_sets[{seen_sets[set_key]}]",
            )
        else:
            seen_sets[set_key] = s
        if st.absolute_weight is not None:
            rounded = st.absolute_weight.quantize(CENT, rounding=ROUND_HALF_UP)
            if rounded != st.absolute_weight:
                issues.warning(
                    f"{path}.absolute_weight",
                    f"{_fmt(st.absolute_weight)} rounded to {_fmt(rounded)}",
                )
                st.absolute_weight = rounded
        if st.target_rpe is not None:
            rounded = st.target_rpe.quantize(TENTH, rounding=ROUND_HALF_UP)
            if rounded != st.target_rpe:
                issues.warning(
                    f"{path}.target_rpe", f"{_fmt(st.target_rpe)} rounded to {_fmt(rounded)}"
                )
                st.target_rpe = rounded

    _normalise_percentages(p, program, issues)

    rule_first: dict[str, int] = {}
    set_exercises = {_key(st.exercise) for st in program.prescribed_sets}
    for r, rule in enumerate(program.progression_rules):
        key = _key(rule.exercise)
        if key in rule_first:
            issues.error(
                f"{base}.progression_rules[{r}].exercise",
                f"a second progression rule for {rule.exercise} (the first is "
                f"progression_rules[{rule_first[key]}]); one rule per exercise",
            )
            continue
        rule_first[key] = r
        if program.prescribed_sets and key not in set_exercises:
            issues.warning(
                f"{base}.progression_rules[{r}]",
                f"{rule.exercise} has a progression rule but no set in this program",
            )
    for s, st in enumerate(program.prescribed_sets):
        if _key(st.exercise) in rule_first and st.percentage is None and st.absolute_weight is None:
            issues.warning(
                f"{base}.prescribed_sets[{s}]",
                f"{st.exercise} has a progression rule, but this set has no percentage "
                "or absolute weight",
            )

    if program.prescribed_sets:
        empty = [
            f"W{w}D{d}"
            for w in range(1, program.num_weeks + 1)
            for d in range(1, program.num_days + 1)
            if (w, d) not in sessions_with_sets
        ]
        if empty:
            shown = ", ".join(empty[:12]) + (" …" if len(empty) > 12 else "")
            issues.warning(base, f"{len(empty)} session(s) have no sets: {shown}")


def _normalise_percentages(p: int, program: ProgramItem, issues: _Issues) -> None:
    base = f"programs[{p}]"
    loaded = [st for st in program.prescribed_sets if st.percentage is not None]
    as_fractions = bool(loaded) and all(
        st.percentage is not None and st.percentage <= FRACTION_MAX for st in loaded
    )
    if as_fractions:
        example = loaded[0].percentage
        assert example is not None
        for st in loaded:
            assert st.percentage is not None
            st.percentage = (st.percentage * 100).quantize(CENT, rounding=ROUND_HALF_UP)
        issues.warning(
            base,
            f"all {len(loaded)} percentages of {program.name!r} are 1.5 or less, so they were "
            f"read as fractions of the training max and multiplied by 100 "
            f"({_fmt(example)} → {_fmt(example * 100)} %). Check the loads before approving.",
        )
    for s, st in enumerate(program.prescribed_sets):
        if st.percentage is None:
            continue
        path = f"{base}.prescribed_sets[{s}]"
        rounded = st.percentage.quantize(CENT, rounding=ROUND_HALF_UP)
        if rounded != st.percentage:
            issues.warning(
                f"{path}.percentage", f"{_fmt(st.percentage)} rounded to {_fmt(rounded)}"
            )
            st.percentage = rounded
        if not PERCENT_MIN <= st.percentage <= PERCENT_MAX:
            if as_fractions:
                message = (
                    f"{_fmt(st.percentage / 100)} (read as {_fmt(st.percentage)} %) is outside "
                    "20–110 % of the training max"
                )
            elif st.percentage <= FRACTION_MAX:
                message = (
                    f"{_fmt(st.percentage)} % is outside 20–110 % of the training max; it looks "
                    "like a fraction, but other sets of this program use whole percents "
                    "(write 75 for 75 %)"
                )
            else:
                message = f"{_fmt(st.percentage)} % is outside 20–110 % of the training max"
            issues.error(f"{path}.percentage", message)
        if st.absolute_weight is not None:
            issues.warning(
                path,
                "both percentage and absolute_weight are set; the percentage is used",
            )


# --- normalised JSON out ----------------------------------------------------------------------


def _dump(value: Any) -> Any:
    # The declared fields only: unknown keys a lenient parse kept aside are dropped.
    if isinstance(value, BaseModel):
        return {name: _dump(getattr(value, name)) for name in type(value).model_fields}
    if isinstance(value, list | tuple):
        return [_dump(v) for v in value]
    if isinstance(value, dict):
        return {k: _dump(v) for k, v in value.items()}
    if isinstance(value, Decimal):
        return json_number(value)
    return value


def catalog_to_data(catalog: Catalog) -> dict[str, Any]:
    """The normalised document: every declared field, numbers as JSON numbers, without
    `exported_at`. Walked by hand rather than with model_dump, whose per-model serializer hook
    (dropping unknown keys) took about a tenth of a generation run's CPU (py-spy, 100 runs)."""
    result: dict[str, Any] = _dump(catalog)
    result.pop("exported_at", None)
    return result
