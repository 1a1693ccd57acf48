"""Stage 3b: how an exercise is loaded and how a load moves."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING

from generation.checker.decisions import Decision
from generation.engines.rules.model import Drafting, Ex, Load, Plan, Row, Stat, Verdict, fmt
from generation.engines.rules.pool import cite
from generation.engines.rules.statements import load_change
from programs.loads import round_load

if TYPE_CHECKING:
    from generation.packet import HealthFlag


def choose_load(
    ctx: Drafting, plan: Plan, target: Ex, rows: list[Row], normal: list[Row], stat: Stat | None
) -> None:
    """How the sets are loaded: percentages only where a training max gives them a meaning
    (an adult keeps the source's), else the athlete's working weight, bodyweight, or by
    feel; the foundational tier never by percentage."""
    t = ctx.t
    same = not plan.swapped
    tm = ctx.tms.get(target.key)
    logged = stat.top_weight if stat is not None else None
    has_pct = any(r.percentage is not None for r in rows)
    has_abs = any(r.absolute_weight for r in rows)
    all_bw = all(r.absolute_weight == 0 for r in rows)
    written = max((r.absolute_weight for r in normal if r.absolute_weight), default=None)
    working, working_from = logged, "recent sessions"
    if ctx.foundational:
        if logged is not None:
            load = Load.WORKING
        elif target.bodyweight:
            load = Load.BODYWEIGHT
        elif has_abs and same:
            load, working, working_from = Load.WORKING, written, "the source program"
        elif has_pct or has_abs:
            load = Load.FEEL
        else:
            load = Load.OPEN
    elif has_pct and (tm is not None or (same and not ctx.youth)):
        load = Load.PERCENT
    elif has_abs and same:
        load = Load.SCALED
    elif logged is not None:
        load = Load.WORKING
    elif target.bodyweight and (has_pct or has_abs or all_bw):
        load = Load.BODYWEIGHT
    elif has_pct or has_abs:
        load = Load.FEEL
    else:
        load = Load.BODYWEIGHT if all_bw and same else Load.OPEN
    plan.load = load
    values = [r.percentage if load is Load.PERCENT else r.absolute_weight for r in normal]
    plan.source_top = max((v for v in values if v), default=None)
    if load is Load.WORKING and working is not None:
        values = [r.percentage or r.absolute_weight for r in normal]
        plan.reference = max((v for v in values if v), default=None)
        plan.working, plan.working_from = working, working_from
        light = t.light_load(ctx.unit)
        if ctx.foundational and working > light:
            plan.working = light
            ctx.exercise_lines.append(
                f"{plan_label(ctx, plan)}: {fmt(light)} {ctx.unit}, not {fmt(working)} from "
                f"{working_from} — the foundational tier uses light dumbbells."
            )
    if load is Load.FEEL:
        rpes = [r.target_rpe for r in normal if r.target_rpe is not None]
        top = max(rpes) if rpes else t.default_rpe
        plan.rpe = min(top, t.light_rpe) if ctx.foundational else top
        plan.note = "load by feel (no training max" + (
            ")" if logged is not None else " or logged weight)"
        )


def change_words(ctx: Drafting, verdict: Verdict, step: Decimal, share: str, gate: str) -> str:
    if verdict is Verdict.HOLD or not step:
        return "held at the same loads"
    if verdict is Verdict.PROGRESS:
        return f"+{fmt(step)} {share}, easy and complete"
    if verdict in (Verdict.STEADY, Verdict.NO_DATA):
        return f"+{fmt(step)} {share}, the standard step" + (f" ({gate})" if gate else "")
    if verdict is Verdict.REDUCE:
        return f"reduced {fmt(-step)} {share}, hard and incomplete"
    return f"lowered {fmt(-step)} {share}"


def plan_label(ctx: Drafting, plan: Plan) -> str:
    return f"{plan.name} (in place of {plan.source})" if plan.swapped else plan.name


def load_tail(ctx: Drafting, plan: Plan, stat: Stat | None) -> str:
    last = f" (last: {stat.last})" if stat is not None and stat.last else ""
    if plan.load is Load.WORKING:
        return f"; no training max for it, so absolute loads from {plan.working_from}{last}"
    if plan.load is Load.FEEL:
        return "; no training max or logged weight for it"
    if plan.load is Load.PERCENT and plan.name.casefold() not in ctx.tms:
        return f"; {ctx.first} has no training max for it yet"
    return ""


def room_for_a_set(ctx: Drafting, normal: list[Row], plan: Plan) -> bool:
    per_session: dict[tuple[int, int], int] = defaultdict(int)
    for r in normal:
        per_session[(r.week, r.day)] += 1
    most = max(per_session.values(), default=0)
    return not ctx.foundational and most + max(0, plan.sets_delta) < ctx.t.max_sets


def variation_load(ctx: Drafting, plan: Plan) -> str:
    if plan.load is Load.PERCENT:
        return "by percentage of its training max"
    if plan.load is Load.WORKING and plan.working is not None:
        return (
            f"at {fmt(plan.working)} {ctx.unit} from {plan.working_from} (no training max for it)"
        )
    if plan.load is Load.FEEL:
        return f"{feel_words(ctx, plan)} (no training max or logged weight for it)"
    return "as the source prescribes it"


def feel_words(ctx: Drafting, plan: Plan) -> str:
    top = (plan.rpe or ctx.t.default_rpe) + plan.rpe_shift
    return f"by feel (target RPE up to {fmt(top)})"


def lower_for(ctx: Drafting, plan: Plan, lowered: tuple[str, HealthFlag] | None) -> None:
    if lowered is None:
        return
    part, flag = lowered
    what, decisions = lowered_load(ctx, plan)
    because = f"it loads the {part}: {cite(ctx, flag)}"
    ctx.exercise_lines.append(f"{plan_label(ctx, plan)}: {what} — {because}.")
    ctx.decisions.extend(decisions)


def lowered_load(ctx: Drafting, plan: Plan) -> tuple[str, list[Decision]]:
    """Lower an exercise that loads a body part named in a recent note; what was done."""
    t = ctx.t
    plan.verdict = Verdict.LOWER
    top = plan.source_top
    if plan.load in (Load.BODYWEIGHT, Load.OPEN):
        plan.sets_delta = -1
        return "one set fewer", []
    if plan.load is Load.FEEL:
        plan.rpe_shift = -t.rpe_cut
        return f"{feel_words(ctx, plan)}, {fmt(t.rpe_cut)} lower than the source", []
    if plan.load is Load.WORKING and plan.working is not None:
        before, after = plan.working, move_load(ctx, plan.working, -t.injury_points, True)
        plan.working = after
    elif top is not None:
        plan.step, plan.force_move = -t.injury_points, True
        before = top
        after = (
            max(t.percentage_min, top - t.injury_points)
            if plan.load is Load.PERCENT
            else move_load(ctx, top, plan.step, True)
        )
    else:
        plan.step, plan.force_move = -t.injury_points, True
        return "lowered", []
    decision = load_change(ctx, plan, before, after)
    return f"{decision.text()}, lowered", [decision]


def move_load(ctx: Drafting, value: Decimal, step: Decimal, force: bool) -> Decimal:
    """An absolute load moved by `step` % (half-up to the plate increment); with `force`, by
    at least one increment; never below zero."""
    if not step or not value:
        return value
    moved = round_load(value * (Decimal(100) + step) / Decimal(100), ctx.increment)
    if force and moved == value and ctx.increment > 0:
        moved = value + ctx.increment if step > 0 else value - ctx.increment
    if ctx.youth and ctx.increment > 0:
        # A youth athlete's load moves by at most one increment a week.
        moved = min(value + ctx.increment, max(value - ctx.increment, moved))
    return max(Decimal(0), moved)
