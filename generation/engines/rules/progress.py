"""Stage 3c: progressing with no load to add, and plateaus."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from generation.checker.decisions import Change, Decision
from generation.engines.rules.loads import (
    choose_load,
    lower_for,
    lowered_load,
    room_for_a_set,
    variation_load,
)
from generation.engines.rules.model import (
    LOADED_REP_TYPES,
    Drafting,
    Ex,
    Load,
    Plan,
    Row,
    Stat,
    Verdict,
    fmt,
    listing,
    pattern_words,
)
from generation.engines.rules.pool import cite, loaded_part, next_variation, stat_of, substitute_for
from generation.engines.rules.statements import load_change

if TYPE_CHECKING:
    from generation.packet import HealthFlag


def progress_without_load(
    ctx: Drafting, plan: Plan, target: Ex, normal: list[Row], name: str, because: str
) -> None:
    """Easy and complete with no load to add: more load within the light limit or more reps
    (foundational), else the next variation of the same movement pattern, else a set — and
    no added volume while adherence is low."""
    t = ctx.t
    if ctx.adherence is not None and ctx.adherence < t.adherence_volume:
        ctx.exercise_lines.append(
            f"{name}: kept as written — easy and complete{because}, but adherence "
            f"{fmt(ctx.adherence)} % is below {fmt(t.adherence_volume)} %, so no set or "
            "harder variation is added."
        )
        return
    if ctx.foundational:
        low, high = t.foundational_reps
        light = t.light_load(ctx.unit)
        if (
            plan.load is Load.WORKING
            and plan.working is not None
            and plan.working + ctx.increment <= light
        ):
            before = plan.working
            plan.working = before + ctx.increment
            ctx.exercise_lines.append(
                f"{name}: {fmt(before)} → {fmt(plan.working)} {ctx.unit}, easy and "
                f"complete{because} (light dumbbells: at most {fmt(light)} {ctx.unit})."
            )
            return
        reps = [r.reps for r in normal if r.rep_type in LOADED_REP_TYPES and r.reps]
        if reps and min(reps) < high:
            plan.reps_to = high
            ctx.exercise_lines.append(
                f"{name}: reps up to {high}, the top of {low}–{high} — easy and complete{because}."
            )
            return
    variation = next_variation(ctx, target)
    if variation is not None:
        old = plan.name
        ctx.taken.add(variation.key)
        plan.name, plan.pattern = variation.name, variation.pattern
        plan.load = Load.BODYWEIGHT if variation.bodyweight else Load.OPEN
        plan.working, plan.note = None, ""
        renamed_swap(ctx, plan.source, old, variation.name)
        ctx.decisions.append(Decision(Change.SWAP, variation.name, replaced=old))
        ctx.exercise_lines.append(
            f"{name}: progressed to {variation.name}, the next variation of the same "
            f"movement pattern ({pattern_words(target.pattern)}) — easy and complete"
            f"{because}; there is no load to add to {old}."
        )
        return
    if room_for_a_set(ctx, normal, plan):
        plan.sets_delta = 1
        ctx.exercise_lines.append(
            f"{name}: one more set — easy and complete{because}; no load to add and no "
            f"harder {pattern_words(target.pattern)} variation {ctx.first} can do."
        )
        return
    ctx.exercise_lines.append(
        f"{name}: kept as written — easy and complete{because}, but with no load to add, no "
        "harder variation and no room for a set: the coach's call."
    )


def renamed_swap(ctx: Drafting, source: str, old: str, new: str) -> None:
    """An exercise swapped in and then progressed: the swap line names what the draft holds."""
    if source.casefold() == old.casefold():
        return
    head = f"{source} replaced by {old}:"
    ctx.exercise_lines[:] = [
        f"{source} replaced by {new} (via {old}):{line[len(head) :]}"
        if line.startswith(head)
        else line
        for line in ctx.exercise_lines
    ]
    ctx.decisions[:] = [
        replace(d, exercise=new) if d.change is Change.SWAP and d.exercise == old else d
        for d in ctx.decisions
    ]


def plateau_plan(
    ctx: Drafting,
    plan: Plan,
    target: Ex,
    rows: list[Row],
    normal: list[Row],
    stat: Stat,
    lowered: tuple[str, HealthFlag] | None,
) -> Plan:
    """Plateaued: the first session of the week keeps the lift at held loads (lowered instead
    when it loads a flagged body part: one line, one decision), the others take a like-for-like
    variation; an exercise trained once a week is swapped outright."""
    days = sorted({r.day for r in normal})
    datum = f"plateau — {stat.plateau} ({stat.data(ctx.t)})"
    variation = substitute_for(ctx, target, safe_only=True)
    plan.verdict = Verdict.HOLD
    if variation is None:
        what = first_day(ctx, plan, lowered)
        ctx.exercise_lines.append(
            f"{plan.name}: {what} — {datum}; no {pattern_words(target.pattern)} variation "
            f"{ctx.first} can do is in the catalog."
        )
        return plan
    ctx.taken.add(variation.key)
    alternate = Plan(source=plan.source, name=variation.name, pattern=variation.pattern)
    alternate.verdict = Verdict.HOLD
    if len(days) > 1:
        rows = [r for r in rows if r.day in days[1:]]
        normal = [r for r in normal if r.day in days[1:]]
    choose_load(ctx, alternate, variation, rows, normal, stat_of(ctx, variation.name))
    how = variation_load(ctx, alternate)
    if len(days) > 1:
        plan.alternate = alternate
        plan.alternate_days = frozenset(days[1:])
        plan.days, alternate.days = (days[0],), tuple(days[1:])
        others = listing([str(d) for d in days[1:]])
        what = first_day(ctx, plan, lowered)
        ctx.exercise_lines.append(
            f"{plan.name}: {datum}. Day {days[0]}: {what}; day"
            f"{'s' if len(days) > 2 else ''} {others} take"
            f"{'' if len(days) > 2 else 's'} {variation.name} instead, a variation of the same "
            f"movement pattern ({pattern_words(target.pattern)}), {how}."
        )
        ctx.decisions.append(
            Decision(Change.SWAP, variation.name, replaced=plan.name, days=alternate.days)
        )
        lower_for(ctx, alternate, loaded_part(ctx, variation))
        return plan
    ctx.exercise_lines.append(
        f"{plan.name} replaced by {variation.name}: {datum}; same movement pattern "
        f"({pattern_words(target.pattern)}), {how}."
    )
    ctx.decisions.append(Decision(Change.SWAP, variation.name, replaced=plan.name))
    lower_for(ctx, alternate, loaded_part(ctx, variation))
    return alternate


def first_day(ctx: Drafting, plan: Plan, lowered: tuple[str, HealthFlag] | None) -> str:
    """What the plateaued lift does where it stays: held, or lowered for a health note."""
    if lowered is not None:
        what, decisions = lowered_load(ctx, plan)
        ctx.decisions.extend(decisions)
        part, flag = lowered
        return f"{what} — it loads the {part}: {cite(ctx, flag)}"
    if plan.source_top is None or plan.load not in (Load.PERCENT, Load.SCALED, Load.WORKING):
        return "held at the same loads"
    top = plan.working if plan.load is Load.WORKING and plan.working else plan.source_top
    decision = load_change(ctx, plan, top, top)
    ctx.decisions.append(decision)
    return decision.text()
