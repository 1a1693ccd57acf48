"""Stage 5: reasoning lines that are not about one exercise."""

from __future__ import annotations

from generation.engines.rules.model import (
    Drafting,
    Load,
    Plan,
    Source,
    clip,
    fmt,
    listing,
    plural,
    subject,
)


def program_description(ctx: Drafting, source: Source) -> str:
    text = f"Drafted by the built-in rules engine from {source.name}; the reasoning says why."
    if ctx.request.focus_areas:
        labels = [a.replace("_", "-") for a in ctx.request.focus_areas]
        text += f" Focus: {', '.join(labels)}."
    directions = ctx.request.coach_directions.strip()
    if directions:
        text += f"\n\nCoach directions (the reasoning says how each was read): {directions}"
    return text


def tier_lines(ctx: Drafting, plans: dict[str, Plan]) -> list[str]:
    t = ctx.t
    if ctx.foundational:
        low, high = t.foundational_reps
        return [
            f"Foundational tier: {t.foundational_sets} set of {low}–{high} per exercise with "
            f"bodyweight, bands or light dumbbells (at most {fmt(t.light_load(ctx.unit))} "
            f"{ctx.unit}), target RPE at most {fmt(t.light_rpe)}."
        ]
    if not ctx.youth:
        return []
    used = [p for plan in plans.values() for p in (plan, plan.alternate) if p and p.name]
    no_tm = sorted({p.name for p in used if p.load in (Load.WORKING, Load.FEEL)}, key=str.casefold)
    if not no_tm:
        return []
    with_tm = sorted({p.name for p in used if p.load is Load.PERCENT}, key=str.casefold)
    kept = f" (kept for {listing(with_tm)})" if with_tm else ""
    verb = "is" if len(no_tm) == 1 else "are"
    return [
        f"Youth athlete: no percentage loading without a training max{kept}; "
        f"{listing(no_tm)} {verb} loaded from recent sessions or by feel."
    ]


def adherence_lines(ctx: Drafting) -> list[str]:
    t = ctx.t
    a = ctx.packet.adherence
    if a.rate_pct is None:
        return ["Adherence not measured (no program in the last weeks): no gate applied."]
    detail = ""
    if a.missed_weeks:
        reasons = [r for w in a.missed_weeks for r in w.reasons][:3]
        detail = f"; {plural(len(a.missed_weeks), 'week')} short"
        if reasons:
            detail += " — " + " / ".join(f"“{clip(r, 60)}”" for r in reasons)
    rate = a.rate_pct
    if rate >= t.adherence_volume:
        effect = f"at least {fmt(t.adherence_volume)} %, so progression as the data allows"
    elif rate >= t.adherence_low:
        effect = (
            f"below {fmt(t.adherence_volume)} %, so loads may progress but no set or harder "
            "variation is added"
        )
    else:
        effect = (
            f"below {fmt(t.adherence_low)} %, so nothing goes beyond the standard step: "
            "with sessions missed, the data cannot say they are too easy"
        )
    return [
        f"Adherence {fmt(rate)} % over the last {plural(len(a.prescribed), 'week')} "
        f"(streak {plural(a.current_streak_weeks, 'week')}{detail}): {effect}."
    ]


def answer_lines(ctx: Drafting) -> list[str]:
    """A line for every health flag (by body part) and the growth flag: what the draft did."""
    out = []
    for part, flags in sorted(ctx.flags.items()):
        cited = ", ".join(f"{f.source} of {f.date:%Y-%m-%d}" for f in flags)
        touched = sorted(
            {subject(line) for line in ctx.exercise_lines if f"loads the {part}" in line},
            key=str.casefold,
        )
        what = f"{listing(touched)} swapped, left out or lowered" if touched else "nothing in "
        if not touched:
            what += f"the draft loads the {part}"
        out.append(f"Health notes on the {part} ({cited}): {what} — the lines above say how.")
    weight = ctx.packet.body_weight
    if ctx.youth and weight is not None and "growth" in weight.flag:
        held = listing(sorted(set(ctx.growth_held), key=str.casefold)) or "none in this draft"
        out.append(
            f"Growth flag ({weight.flag}): loads on spinal lifts held and no training max "
            f"raised this block — {held}."
        )
    return out
