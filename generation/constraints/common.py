"""The limits every draft is held to, the result of enforcing them, and helpers over a draft's
set rows shared by the rule modules."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from programs.catalog.parse import FRACTION_MAX, PERCENT_MAX, PERCENT_MIN, json_number
from programs.catalog.setshape import AMRAP_REP_TYPES, REP_BOUNDS

if TYPE_CHECKING:
    pass


class Limits:
    """Every bound a draft is held to."""

    # reps by rep type: (min, max), the importer's own table (programs.catalog.setshape).
    reps: tuple[tuple[str, int, int], ...] = tuple(
        (kind, low, high) for kind, (low, high) in REP_BOUNDS.items()
    )
    percent_min: Decimal = PERCENT_MIN
    percent_max: Decimal = PERCENT_MAX
    fraction_max: Decimal = FRACTION_MAX  # all percentages ≤ this → read as fractions
    rpe_min: Decimal = Decimal(1)
    rpe_max: Decimal = Decimal(10)
    max_sets_per_exercise: int = 12  # in one session (GZCL-style singles reach 12)
    max_vs_tm: Decimal = Decimal("1.10")  # an absolute load above 110 % of the TM
    max_absolute: tuple[tuple[str, Decimal], ...] = (("lbs", Decimal(1000)), ("kg", Decimal(455)))
    # Foundational tier: bodyweight, bands, light dumbbells; 1 set of 15–20 per exercise.
    foundational_sets: int = 1
    foundational_reps: tuple[int, int] = (15, 20)
    light_max: tuple[tuple[str, Decimal], ...] = (("lbs", Decimal(25)), ("kg", Decimal(12)))
    light_rpe: Decimal = Decimal(6)  # target RPE of a load converted to "light"
    # Absolute loads without a training max are bounded by what the athlete has done: the
    # heaviest logged set of the exercise (else of its movement pattern) plus this margin, and
    # at least one plate step more (a 30 lb best allows 35 lb, not 33).
    logged_margin: Decimal = Decimal("0.10")
    logged_step: tuple[tuple[str, Decimal], ...] = (("lbs", Decimal(5)), ("kg", Decimal("2.5")))
    youth_body_weight: Decimal = Decimal("1.5")  # youth: at most 1.5 × body weight on any set
    # One implement has a ceiling whatever the athlete lifts (per dumbbell / kettlebell / ball).
    implement_max: tuple[tuple[str, Decimal, Decimal], ...] = (
        ("Dumbbells", Decimal(150), Decimal(70)),
        ("Kettlebell", Decimal(106), Decimal(48)),
        ("Medicine Ball", Decimal(30), Decimal(14)),
    )
    # A foundational-tier exercise (bodyweight, bands, light dumbbells) is never loaded heavily.
    foundational_exercise_max: tuple[tuple[str, Decimal], ...] = (
        ("lbs", Decimal(60)),
        ("kg", Decimal(27)),
    )
    youth_rpe_max: Decimal = Decimal("8.5")
    # Of the training max, which is itself ~90 % of a true max: 95 % TM ≈ 85 % of a max.
    youth_percent_max: Decimal = Decimal(95)
    # Program-level rules, after any engine. A fixed block deloads every deload_every-th week.
    deload_every: int = 4
    deload_every_foundational: int = 3
    deload_points: Decimal = Decimal(10)
    # Near-maximal: a set of at most near_max_reps reps at ≥ near_max_percent or RPE ≥ near_max_rpe.
    near_max_reps: int = 3
    near_max_percent: Decimal = Decimal(85)
    near_max_rpe: Decimal = Decimal("8.5")
    near_max_per_pattern_week: int = 15  # adults: 5×3 heavy on three days
    youth_near_max_per_pattern_week: int = 6
    sets_per_pattern_week: int = 48
    youth_sets_per_pattern_week: int = 36
    min_patterns: int = 2  # a block of one movement pattern is not a program
    min_exercises: int = 2
    # … in a program whose sessions average this many sets or more: a short session (a top-up,
    # a test day, the coach's one-lift program the rules engine follows) may train one lift.
    variety_from_sets: int = 8

    def rep_bounds(self, rep_type: str) -> tuple[int, int]:
        for kind, low, high in self.reps:
            if kind == rep_type:
                return low, high
        return self.reps[0][1], self.reps[0][2]

    def absolute_max(self, unit: str) -> Decimal:
        return dict(self.max_absolute).get(unit, self.max_absolute[0][1])

    def light(self, unit: str) -> Decimal:
        return dict(self.light_max).get(unit, self.light_max[0][1])

    def by_unit(self, values: tuple[tuple[str, Decimal], ...], unit: str) -> Decimal:
        return dict(values).get(unit, values[0][1])

    def implement(self, equipment: tuple[str, ...], unit: str) -> tuple[str, Decimal] | None:
        """The lightest ceiling of the implements an exercise needs, with the implement's name."""
        found = [
            (name, kg if unit == "kg" else lbs)
            for name, lbs, kg in self.implement_max
            if name in equipment
        ]
        return min(found, key=lambda f: f[1]) if found else None


LIMITS = Limits()


_YOUTH = "youth"
_FOUNDATIONAL = "foundational"
_LOADED_REP_TYPES = AMRAP_REP_TYPES


@dataclass
class ConstraintResult:
    catalog: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    # Draft name → the catalog exercise now in its place (mapped or substituted).
    replaced: dict[str, str] = field(default_factory=dict)
    # Exercises left out whole: {week, day, exercise, reason, sets} (see Draft.dropped).
    dropped: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class _Exercise:
    name: str
    pattern: str
    tier: str
    equipment: tuple[str, ...]  # required equipment


def _dec(value: Any) -> Decimal | None:
    """A JSON number as Decimal; None for null; raises ValueError for anything else."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ValueError  # "75" is not a number in CatalogJSON either
    try:
        result = Decimal(str(value))
    except InvalidOperation:
        raise ValueError from None
    if not result.is_finite():
        raise ValueError
    return result


def _fmt(value: Decimal | int | float) -> str:
    return str(json_number(value))


def _session(row: dict[str, Any]) -> tuple[Any, Any]:
    """(week, day) as a dict key, whatever the draft put there (the parser reports bad types)."""

    def key(value: Any) -> Any:
        return value if isinstance(value, int | float | str | None) else repr(value)

    return key(row.get("week")), key(row.get("day"))


def _neighbours(rows: list[dict[str, Any]]) -> defaultdict[str, set[str]]:
    """Exercise (casefold) → the other exercises in the sessions where it appears."""
    by_session: dict[tuple[Any, Any], set[str]] = defaultdict(set)
    for row in rows:
        by_session[_session(row)].add(row["exercise"].casefold())
    out: defaultdict[str, set[str]] = defaultdict(set)
    for names in by_session.values():
        for name in names:
            out[name] |= names
    for name, others in out.items():
        others.discard(name)
    return out


def _whole(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _safe_dec(value: Any) -> Decimal | None:
    try:
        return _dec(value)
    except ValueError:
        return None


def _add_note(notes: Any, text: str) -> str:
    current = str(notes or "").strip()
    if text in current:
        return current
    return f"{current}; {text}"[:500] if current else text


def _sort_key(session: tuple[Any, Any]) -> tuple[int, int]:
    week, day = session
    return (
        week if isinstance(week, int) and not isinstance(week, bool) else 0,
        day if isinstance(day, int) and not isinstance(day, bool) else 0,
    )


def _row_order(row: dict[str, Any]) -> tuple[int, int]:
    order = row.get("sort_order")
    number = row.get("set_number")
    return (
        order if isinstance(order, int) and not isinstance(order, bool) else 0,
        number if isinstance(number, int) and not isinstance(number, bool) else 0,
    )


def _where(row: dict[str, Any]) -> str:
    return (
        f"Week {row.get('week')} day {row.get('day')}, {row.get('exercise')} set "
        f"{row.get('set_number')}"
    )
