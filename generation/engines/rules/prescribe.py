"""Stage 4c: the prescribed sets of one exercise in one session."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from generation.engines.rules.loads import move_load
from generation.engines.rules.model import LOADED_REP_TYPES, Drafting, Load, Slot, Week, to_num
from programs.loads import round_load


def slot_sets(
    ctx: Drafting, slot: Slot, week: Week, day: int, order: int, extra: int
) -> list[dict[str, Any]]:
    t = ctx.t
    plan, rows = slot.plan, slot.rows
    recovery = week.derived_deload or week.week_type == "recovery"
    delta = plan.sets_delta if plan.sets_delta < 0 or not recovery else 0
    count = len(rows) + delta + extra - (1 if week.derived_deload else 0)
    if ctx.foundational:
        # One set of each exercise: its working (last) set.
        used = rows[-t.foundational_sets :]
    else:
        count = max(1, count)
        used = rows[:count] if count <= len(rows) else rows + [rows[-1]] * (count - len(rows))
    top_pct = max((r.percentage for r in rows if r.percentage is not None), default=None)
    slot_rpes = [r.target_rpe for r in rows if r.target_rpe is not None]
    low, high = t.foundational_reps
    light = t.light_load(ctx.unit)
    out = []
    for number, r in enumerate(used, start=1):
        pct: Decimal | None = None
        absolute: Decimal | None = None
        rpe = r.target_rpe
        if plan.load is Load.PERCENT:
            pct, absolute = r.percentage, r.absolute_weight
            if pct is not None:
                pct += plan.step - (t.deload_points if week.derived_deload else 0)
                pct = min(t.percentage_max, max(t.percentage_min, pct))
            elif absolute:
                absolute = deloaded(ctx, move_load(ctx, absolute, plan.step, plan.force_move), week)
        elif plan.load is Load.SCALED:
            absolute = r.absolute_weight
            if absolute:
                absolute = deloaded(ctx, move_load(ctx, absolute, plan.step, plan.force_move), week)
        elif plan.load is Load.WORKING and plan.working is not None:
            value = r.percentage or r.absolute_weight
            ratio = value / plan.reference if value and plan.reference else Decimal(1)
            absolute = deloaded(ctx, round_load(plan.working * ratio, ctx.increment), week)
            absolute = absolute or ctx.increment or plan.working
        elif plan.load is Load.FEEL:
            top = (max(slot_rpes) if slot_rpes else plan.rpe or t.default_rpe) + plan.rpe_shift
            rpe = top
            if r.percentage is not None and top_pct is not None:
                rpe = top - (top_pct - r.percentage) * t.rpe_step
            if week.derived_deload:
                rpe -= t.rpe_cut
            rpe = max(t.min_rpe, (rpe * 2).quantize(Decimal(1), rounding=ROUND_HALF_UP) / 2)
        elif plan.load is Load.BODYWEIGHT:
            absolute = Decimal(0)
        elif not plan.swapped:
            absolute = r.absolute_weight
        if rpe is not None and week.derived_deload and plan.load is not Load.FEEL:
            rpe = max(t.min_rpe, rpe - t.rpe_cut)
        reps = r.reps
        if ctx.foundational:
            absolute = min(absolute, light) if absolute is not None else None
            rpe = min(rpe, t.light_rpe) if rpe is not None else None
            if r.rep_type in LOADED_REP_TYPES:
                reps = (
                    low
                    if week.derived_deload
                    else (plan.reps_to or min(high, max(low, reps or high)))
                )
        notes = [] if plan.swapped or not r.notes else [r.notes]
        if plan.note:
            notes.append(plan.note)
        out.append(
            {
                "exercise": plan.name,
                "week": week.number,
                "day": day,
                "set_number": number,
                "reps": reps,
                "rep_type": r.rep_type or "reps",
                "percentage": to_num(pct),
                "absolute_weight": to_num(absolute),
                "sort_order": order,
                "notes": "; ".join(notes)[:500] or None,
                "target_rpe": to_num(rpe),
            }
        )
    return out


def deloaded(ctx: Drafting, value: Decimal, week: Week) -> Decimal:
    if not week.derived_deload or not value:
        return value
    factor = (Decimal(100) - ctx.t.deload_points) / Decimal(100)
    return round_load(value * factor, ctx.increment)
