"""Hybrid: the LLM's session beside the formula's, and how far apart they are."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from generation.session import rules
from generation.session.plan import Session


def divergence(llm: Session, formula: Session) -> dict[str, Any]:
    """Per main lift: the first working set's weight difference (share of the formula's) and
    the set-count difference. `shown` when the coach should look; `agrees` when they match."""
    rows: list[tuple[str, float | None, float | None, float | None, int]] = []
    for f in formula.lifts:
        other = llm.lift(f.lift.exercise_id)
        if not f.lift.is_main or other is None:
            continue
        fw = f.sets[0].weight if f.sets and not f.skipped else None
        lw = other.sets[0].weight if other.sets and not other.skipped else None
        share = round(float(abs(lw - fw) / fw), 3) if fw and lw is not None else None
        diff = (0 if other.skipped else len(other.sets)) - (0 if f.skipped else len(f.sets))
        rows.append((f.lift.name, _num(fw), _num(lw), share, diff))
    shown = any((share or 0) > rules.DIVERGENCE_SHOWN or diff for *_, share, diff in rows)
    agrees = all((share or 0) <= rules.DIVERGENCE_AGREES and not diff for *_, share, diff in rows)
    keys = ("name", "formula_weight", "llm_weight", "weight_share", "set_difference")
    return {
        "lifts": [dict(zip(keys, row, strict=True)) for row in rows],
        "shown": shown,
        "agrees": agrees,
    }


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)
