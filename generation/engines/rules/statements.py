"""Stage 5 for one exercise: a change is stated as a `Decision` (absolute, with its percent, or
in points of the training max) and the line is written from it, so the checker can hold the
draft to every word."""

from __future__ import annotations

from decimal import Decimal

from generation.checker.decisions import TM_UNIT, Change, Decision
from generation.engines.rules.model import Drafting, Load, Plan, Verdict, fmt

REASONS: dict[Verdict, str] = {
    Verdict.PROGRESS: "easy and complete",
    Verdict.STEADY: "the standard step",
    Verdict.NO_DATA: "the standard step",
    Verdict.HOLD: "held",
    Verdict.REDUCE: "reduced: hard and incomplete",
    Verdict.LOWER: "lowered",
}


def say(ctx: Drafting, line: str, *decisions: Decision) -> None:
    ctx.exercise_lines.append(line)
    ctx.decisions.extend(decisions)


def load_change(ctx: Drafting, plan: Plan, before: Decimal, after: Decimal) -> Decision:
    points = plan.load is Load.PERCENT
    unit = TM_UNIT if points else ctx.unit
    if after == before:
        return Decision(Change.HELD, plan.name, before=before, unit=unit, days=plan.days)
    change = Change.POINTS if points else Change.LOAD
    return Decision(change, plan.name, before=before, after=after, unit=unit, days=plan.days)


def youth_words(ctx: Drafting, plan: Plan, before: Decimal, after: Decimal) -> str:
    if not ctx.youth or plan.load is Load.PERCENT or not ctx.increment:
        return ""
    if abs(after - before) != ctx.increment:
        return ""
    return (
        f" (one {fmt(ctx.increment)} {ctx.unit} increment: a youth athlete's load moves by at "
        "most one a week)"
    )


def state_change(
    ctx: Drafting, plan: Plan, name: str, before: Decimal, after: Decimal, why: str
) -> Decision:
    """ "Back Squat: top set 75 → 77.5 % of the training max (+2.5 points), the standard step
    — avg RPE …"; `why` carries the reason and the data."""
    decision = load_change(ctx, plan, before, after)
    reason = f", {REASONS[plan.verdict]}" if decision.change is not Change.HELD else ""
    youth = youth_words(ctx, plan, before, after)
    say(ctx, f"{name}: {decision.text()}{reason}{youth}{why}.", decision)
    return decision


def tm_suggestion(ctx: Drafting, plan: Plan, name: str, top: Decimal, why: str) -> None:
    """A program with a progression rule progresses through the training max: the percentages
    stay as written and the coach gets a suggested new TM."""
    assert plan.tm_rule is not None
    held = Decision(Change.HELD, plan.name, before=top, unit=TM_UNIT, days=plan.days)
    tm = ctx.tms.get(plan.name.casefold())
    if ctx.growth:
        say(ctx, f"{name}: {held.text()} — growth flag: training max not raised{why}.", held)
        ctx.growth_held.append(plan.name)
        return
    if tm is None:
        say(ctx, f"{name}: {held.text()} — no training max yet to progress{why}.", held)
        return
    suggested = Decision(
        Change.TM, plan.name, before=tm, after=tm + plan.tm_rule, unit=ctx.unit, days=plan.days
    )
    say(
        ctx,
        f"{name}: {held.text()}; the program progresses through the training max, so "
        f"{suggested.text()} (+{fmt(plan.tm_rule)} {ctx.unit}, its progression rule) for the "
        f"coach to set{why}.",
        held,
        suggested,
    )
