"""Loads and intensity: percentages read as fractions, absolute loads against the training
max, tier rules on load, and every number's bounds."""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from generation.constraints.common import (
    _LOADED_REP_TYPES,
    _add_note,
    _dec,
    _fmt,
    _safe_dec,
    _where,
    _whole,
)
from generation.constraints.state import Enforcement
from programs.catalog.parse import json_number
from programs.catalog.setshape import reps_problem

if TYPE_CHECKING:
    pass


def read_fractions(e: Enforcement, program: dict[str, Any], rows: list[dict[str, Any]]) -> None:
    values: list[tuple[dict[str, Any], Decimal]] = []
    for row in rows:
        try:
            pct = _dec(row.get("percentage"))
        except ValueError:
            continue  # reported by _bounds
        if pct is not None:
            values.append((row, pct))
    if not values or not all(0 <= p <= e.t.fraction_max for _, p in values):
        return
    for row, pct in values:
        row["percentage"] = json_number(
            (pct * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        )
    example = values[0][1]
    e.warnings.append(
        f"All {len(values)} percentages of {program.get('name', 'the program')!r} are "
        f"{_fmt(e.t.fraction_max)} or less, so they were read as fractions of the training "
        f"max and multiplied by 100 ({_fmt(example)} → {_fmt(example * 100)} %). "
        "Check the loads before approving."
    )


def apply_loads(e: Enforcement, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    converted: dict[str, int] = defaultdict(int)
    lightened: dict[str, int] = defaultdict(int)
    reps_set: dict[str, int] = defaultdict(int)
    no_tm: dict[str, int] = defaultdict(int)
    light = e.t.light(e.unit)
    low, high = e.t.foundational_reps
    for row in rows:
        name = row["exercise"]
        key = name.casefold()
        try:
            pct = _dec(row.get("percentage"))
            absolute = _dec(row.get("absolute_weight"))
        except ValueError:
            continue  # reported by _bounds
        has_tm = key in e.tms
        if pct is not None and (e.foundational or (e.youth and not has_tm)):
            converted[name] += 1
            ex = e.meta(key)
            row["percentage"] = None
            row["absolute_weight"] = 0 if ex is not None and not ex.equipment else None
            rpe = _safe_dec(row.get("target_rpe"))
            if rpe is None or rpe > e.t.light_rpe:
                row["target_rpe"] = json_number(e.t.light_rpe)
            row["notes"] = _add_note(row.get("notes"), "light load, technique first")
        elif pct is not None and not has_tm:
            no_tm[name] += 1
        if e.foundational and absolute is not None and absolute > light:
            lightened[name] += 1
            row["absolute_weight"] = json_number(light)
        rep_type = row.get("rep_type") or "reps"
        if e.foundational and rep_type in _LOADED_REP_TYPES:
            reps = row.get("reps")
            if reps is None or (isinstance(reps, int) and not low <= reps <= high):
                reps_set[name] += 1
                row["reps"] = high if reps is None or reps > high else low
    who = f"{e.first_name} is"
    for name, n in sorted(converted.items()):
        why = (
            "in the foundational tier (bodyweight, bands, light dumbbells)"
            if e.foundational
            else f"a youth athlete with no training max for {name}"
        )
        e.warnings.append(
            f"{name}: {n} set{'s' if n != 1 else ''} loaded by percentage changed to a light "
            f"technique load (target RPE ≤ {_fmt(e.t.light_rpe)}) — {who} {why}."
        )
    for name, n in sorted(lightened.items()):
        e.warnings.append(
            f"{name}: load lowered to {_fmt(light)} {e.unit} on {n} set"
            f"{'s' if n != 1 else ''} — foundational tier uses light dumbbells."
        )
    for name, n in sorted(reps_set.items()):
        e.warnings.append(
            f"{name}: reps set to {low}–{high} on {n} set{'s' if n != 1 else ''} — "
            f"foundational tier trains 1×{low}–{high}."
        )
    for name in sorted(no_tm):
        e.warnings.append(
            f"{name} is loaded by percentage but {e.first_name} has no training max for "
            f"it: record one before the first session, or the sets have no target weight."
        )
    return rows


def check_bounds(e: Enforcement, rows: list[dict[str, Any]], program: dict[str, Any]) -> None:
    t = e.t
    weeks = _whole(program.get("num_weeks"))
    days = _whole(program.get("num_days"))
    rep_types = {kind for kind, _, _ in t.reps}
    for row in rows:
        where = _where(row)
        key = row["exercise"].casefold()
        for field_name, top in (("week", weeks), ("day", days)):
            value = _whole(row.get(field_name))
            if value is None or value < 1 or (top is not None and value > top):
                e.errors.append(
                    f"{where}: {field_name} {row.get(field_name)!r} is not within the "
                    f"program's {field_name}s (1–{top if top is not None else '?'})."
                )
        rep_type = row.get("rep_type") or "reps"
        if not isinstance(rep_type, str) or rep_type not in rep_types:
            e.errors.append(
                f"{where}: rep type {rep_type!r} is not one of {', '.join(sorted(rep_types))}."
            )
            continue
        reps = row.get("reps")
        if reps is not None and (isinstance(reps, bool) or not isinstance(reps, int)):
            e.errors.append(f"{where}: reps must be a whole number or null (AMRAP).")
        elif (problem := reps_problem(reps, rep_type)) is not None:
            # The importer's own rule: a program it accepted is never refused here.
            e.errors.append(f"{where}: {problem}.")
        for field_name in ("percentage", "absolute_weight", "target_rpe"):
            try:
                _dec(row.get(field_name))
            except ValueError:
                e.errors.append(f"{where}: {field_name} must be a number or null.")
        pct = _safe_dec(row.get("percentage"))
        if pct is not None and not t.percent_min <= pct <= t.percent_max:
            e.errors.append(
                f"{where}: percentage {_fmt(pct)} % is outside "
                f"{_fmt(t.percent_min)}–{_fmt(t.percent_max)} % of the training max "
                "(whole percent: 75 means 75 %)."
            )
        rpe = _safe_dec(row.get("target_rpe"))
        if rpe is not None and not t.rpe_min <= rpe <= t.rpe_max:
            e.errors.append(f"{where}: target RPE {_fmt(rpe)} is outside 1–10.")
        absolute = _safe_dec(row.get("absolute_weight"))
        if absolute is not None:
            tm = e.tms.get(key)
            ceiling = t.absolute_max(e.unit)
            if absolute < 0:
                e.errors.append(f"{where}: absolute weight {_fmt(absolute)} is negative.")
            elif tm is not None and absolute > tm * t.max_vs_tm:
                e.errors.append(
                    f"{where}: {_fmt(absolute)} {e.unit} is more than "
                    f"{_fmt(t.max_vs_tm * 100)} % of the training max ({_fmt(tm)} "
                    f"{e.unit})."
                )
            elif absolute > ceiling:
                e.errors.append(
                    f"{where}: {_fmt(absolute)} {e.unit} is not a plausible load "
                    f"(more than {_fmt(ceiling)} {e.unit})."
                )
