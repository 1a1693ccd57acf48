"""Plausible loads: an absolute load without a training max is bounded by what the athlete has
done, by body weight for youth, and by the implement and tier of the exercise; youth sets are
capped in RPE and intensity. A set past a bound is corrected to it, and a warning says so:
nothing implausible reaches an athlete silently, whichever engine wrote it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from generation.constraints.common import _FOUNDATIONAL, _fmt, _safe_dec
from generation.constraints.state import Enforcement
from programs.catalog.parse import json_number


@dataclass(frozen=True)
class Bound:
    value: Decimal
    why: str  # "heaviest logged Back Squat 30 lbs + 10 %"


def _down(value: Decimal, step: Decimal) -> Decimal:
    """Rounded down to half the plate step: a bound is never rounded up past itself."""
    half = step / 2
    return (value / half).to_integral_value(rounding=ROUND_FLOOR) * half


def _history_bound(e: Enforcement, key: str, pattern: str) -> Bound | None:
    t, unit = e.t, e.unit
    step = t.by_unit(t.logged_step, unit)
    heaviest, what = e.heaviest.get(key), e.meta(key)
    source = what.name if what else key
    if heaviest is None and pattern:
        heaviest = e.heaviest_pattern.get(pattern)
        source = f"{pattern.replace('_', ' ')} exercise"
    if heaviest is None:
        return None
    value = _down(max(heaviest * (1 + t.logged_margin), heaviest + step), step)
    return Bound(
        value,
        f"the heaviest {source} {e.first_name} has logged is {_fmt(heaviest)} {unit}; "
        f"RepLog allows {_fmt(t.logged_margin * 100)} % more",
    )


def bound_for(e: Enforcement, key: str) -> Bound | None:
    """The heaviest absolute load a set of this exercise may carry, with the reason; None when
    nothing but the training max (checked in loads.py) bounds it."""
    if key in e.tms:
        return None
    t, unit = e.t, e.unit
    ex = e.meta(key)
    history = _history_bound(e, key, ex.pattern if ex else "")
    bounds = [history] if history is not None else []
    if e.youth and e.body_weight is not None:
        bounds.append(
            Bound(
                _down(e.body_weight * t.youth_body_weight, t.by_unit(t.logged_step, unit)),
                f"{e.first_name} is a youth athlete weighing {_fmt(e.body_weight)} {unit}: at "
                f"most {_fmt(t.youth_body_weight)} × body weight",
            )
        )
    if ex is not None:
        implement = t.implement(ex.equipment, unit)
        if implement is not None:
            bounds.append(
                Bound(implement[1], f"one {implement[0].rstrip('s').lower()} tops out there")
            )
        if ex.tier == _FOUNDATIONAL and not history:  # what the athlete has done outranks it
            bounds.append(
                Bound(
                    t.by_unit(t.foundational_exercise_max, unit),
                    "a foundational-tier exercise is trained light",
                )
            )
    return min(bounds, key=lambda b: b.value) if bounds else None


def bound_loads(e: Enforcement, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    lowered: dict[str, list[Decimal]] = defaultdict(list)
    reasons: dict[str, Bound] = {}
    cache: dict[str, Bound | None] = {}
    for row in rows:
        absolute = _safe_dec(row.get("absolute_weight"))
        if absolute is None or absolute <= 0:
            continue
        key = row["exercise"].casefold()
        if key not in cache:
            cache[key] = bound_for(e, key)
        bound = cache[key]
        if bound is not None and absolute > bound.value:
            lowered[row["exercise"]].append(absolute)
            reasons[row["exercise"]] = bound
            row["absolute_weight"] = json_number(bound.value)
    for name, loads in sorted(lowered.items()):
        bound = reasons[name]
        e.warnings.append(
            f"{name}: {_sets(len(loads))} lowered from up to {_fmt(max(loads))} to "
            f"{_fmt(bound.value)} {e.unit} — {bound.why}. Record a training max to load it "
            "by percentage instead."
        )
    return rows


def cap_youth(e: Enforcement, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Youth athletes train below near-maximal effort: RPE and percentage capped."""
    if not e.youth:
        return rows
    t = e.t
    capped: dict[tuple[str, str], int] = defaultdict(int)
    for row in rows:
        for field_name, top, label in (
            ("target_rpe", t.youth_rpe_max, f"target RPE at most {_fmt(t.youth_rpe_max)}"),
            ("percentage", t.youth_percent_max, f"at most {_fmt(t.youth_percent_max)} %"),
        ):
            value = _safe_dec(row.get(field_name))
            if value is not None and value > top:
                row[field_name] = json_number(top)
                capped[(row["exercise"], label)] += 1
    for (name, label), n in sorted(capped.items()):
        e.warnings.append(
            f"{name}: {_sets(n)} capped to {label} — {e.first_name} is a youth athlete."
        )
    return rows


def _sets(n: int) -> str:
    return f"{n} set{'s' if n != 1 else ''}"
