"""Stages 2–3: pick each exercise (equipment, tier, health notes) and decide its verdict."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING

from generation.checker.decisions import Change, Decision
from generation.constraints import loads_part
from generation.engines.rules.loads import (
    choose_load,
    feel_words,
    load_tail,
    move_load,
    plan_label,
    room_for_a_set,
)
from generation.engines.rules.model import (
    Drafting,
    Ex,
    Load,
    Plan,
    Row,
    Source,
    Stat,
    Verdict,
    fmt,
    listing,
    pattern_words,
    plural,
)
from generation.engines.rules.pool import (
    can_use,
    cite,
    ex_of,
    loaded_part,
    risk_of,
    stat_of,
    substitute_for,
    wished_away,
)
from generation.engines.rules.progress import plateau_plan, progress_without_load
from generation.engines.rules.statements import (
    REASONS,
    load_change,
    say,
    state_change,
    tm_suggestion,
)
from generation.engines.rules.verdict import verdict_for
from generation.engines.rules.wishes import kept

if TYPE_CHECKING:
    from generation.packet import HealthFlag


# Verdicts that would raise a load (a growth flag or a TM-driven program holds them instead).
_RISES = frozenset({Verdict.PROGRESS, Verdict.STEADY, Verdict.NO_DATA})


def plan_exercises(ctx: Drafting, source: Source) -> dict[str, Plan]:
    order: list[str] = []
    rows_of: dict[str, list[Row]] = defaultdict(list)
    for row in sorted(source.rows, key=lambda r: (r.week, r.day, r.sort_order, r.set_number)):
        key = row.exercise.casefold()
        if key not in rows_of:
            order.append(key)
        rows_of[key].append(row)
    # What stays as it is is not offered as a substitute for something else.
    for key in order:
        ex = ex_of(ctx, rows_of[key][0].exercise)
        if can_use(ctx, ex) and risk_of(ctx, ex.name) is None:
            ctx.taken.add(ex.key)
    ctx.rules = {name.casefold(): inc for name, inc in source.rules.items()}
    recovery = set(source.recovery_weeks)
    plans = {}
    for key in order:
        rows = rows_of[key]
        normal = [r for r in rows if r.week not in recovery] or rows
        plans[key] = plan_one(ctx, rows[0].exercise, rows, normal)
    return plans


def plan_one(ctx: Drafting, name: str, rows: list[Row], normal: list[Row]) -> Plan:
    """Stage 2 for one source exercise (the coach's wishes, equipment and tier, health notes),
    then stage 3 (verdict and load)."""
    src = ex_of(ctx, name)
    plan = Plan(source=src.name, name=src.name, pattern=src.pattern)
    away = wished_away(ctx, src)
    if away:
        return left_out(ctx, plan, f"{src.name} left out: {away} rules it out.", warn=False)
    target = src if can_use(ctx, src) else equipment_swap(ctx, src)
    if target is None:
        kind = ("foundational " if ctx.foundational else "") + pattern_words(src.pattern)
        why = f"{why_not(ctx, src)}, and no {kind} exercise {ctx.first} can do is in the catalog"
        return left_out(ctx, plan, f"{src.name} left out: {why}.", restore=src.name)
    checked, lowered = health_swap(ctx, target)
    if checked is None:
        return left_out(ctx, plan, ctx.exercise_lines[-1], said=True, restore=target.name)
    target = checked
    plan.tm_rule = ctx.rules.get(src.key) if target is src else None
    lowered = lowered or loaded_part(ctx, target)
    ctx.taken.add(target.key)
    plan.name, plan.pattern = target.name, target.pattern
    stat = stat_of(ctx, target.name)
    plan.verdict = verdict_for(ctx, stat)
    choose_load(ctx, plan, target, rows, normal, stat)
    if plan.verdict is Verdict.PLATEAU and kept(ctx, target.name):
        plan.verdict = Verdict.HOLD  # the coach keeps it: no variation, held
    if plan.verdict is Verdict.PLATEAU:
        assert stat is not None
        return plateau_plan(ctx, plan, target, rows, normal, stat, lowered)
    apply_verdict(ctx, plan, target, normal, stat, lowered)
    return plan


def left_out(
    ctx: Drafting,
    plan: Plan,
    message: str,
    *,
    warn: bool = True,
    said: bool = False,
    restore: str = "",
) -> Plan:
    """With `restore`, the preview offers that exercise back (the coach's own wish to drop
    one is not offered back)."""
    if not said:
        say(ctx, message, Decision(Change.LEFT_OUT, plan.source))
    if warn and not restore:
        ctx.warnings.append(message)  # a restorable one is listed under "Left out" instead
    plan.name = ""
    plan.left_out = restore
    plan.left_out_why = message.split(" left out: ", 1)[-1].rstrip(".")
    return plan


def equipment_swap(ctx: Drafting, src: Ex) -> Ex | None:
    sub = substitute_for(ctx, src, own_for=src.name)
    if sub is not None:
        say(
            ctx,
            f"{src.name} replaced by {sub.name}: {why_not(ctx, src)}; "
            f"{preference(ctx, sub, src)}same movement pattern ({pattern_words(src.pattern)}).",
            Decision(Change.SWAP, sub.name, replaced=src.name),
        )
    return sub


def health_swap(ctx: Drafting, target: Ex) -> tuple[Ex | None, tuple[str, HealthFlag] | None]:
    """A high-risk exercise for a flagged body part: a same-pattern, same-region one that spares
    it; none → left out (None); kept by the coach → kept with lowered loads."""
    risk = risk_of(ctx, target.name)
    if risk is None:
        return target, None
    part, keyword, flag = risk
    if kept(ctx, target.name):
        say(ctx, f"{target.name} kept, as the coach asks, although “{keyword}” loads the {part}"
            f" — {cite(ctx, flag)}: its loads are lowered instead.")  # fmt: skip
        return target, (part, flag)
    sub = substitute_for(ctx, target, safe_only=True, gentle=True)
    kind = pattern_words(target.pattern)
    if sub is None:
        message = (
            f"{target.name} left out: “{keyword}” loads the {part} — {cite(ctx, flag)}; no "
            f"{kind} exercise of the same body region that {ctx.first} can do spares it."
        )
        say(ctx, message, Decision(Change.LEFT_OUT, target.name))
        return None, None
    say(
        ctx,
        f"{target.name} replaced by {sub.name}: “{keyword}” loads the {part} — "
        f"{cite(ctx, flag)}; same movement pattern ({kind}){gentle(ctx, sub, part)}.",
        Decision(Change.SWAP, sub.name, replaced=target.name),
    )
    return sub, None


def gentle(ctx: Drafting, sub: Ex, part: str) -> str:
    """Said when every candidate still loads the part (a run for a knee): the gentlest is taken."""
    if loaded_part(ctx, sub) is None:
        return ""
    return (
        f"; every {pattern_words(sub.pattern)} exercise {ctx.first} can do loads the {part}, "
        f"{sub.name} the least"
    )


def why_not(ctx: Drafting, ex: Ex) -> str:
    if not ex.can_do:
        lacking = [n for n in ex.needs if n.casefold() not in ctx.owned]
        what = listing(lacking) if lacking else "equipment"
        return f"it needs {what}, which {ctx.first} does not have"
    return (
        f"it is not a foundational exercise and {ctx.first} is in the foundational tier "
        "(bodyweight, bands, light dumbbells)"
    )


def preference(ctx: Drafting, chosen: Ex, source: Ex) -> str:
    stat = ctx.stats.get(chosen.key)
    if stat is not None and source.name in stat.replaces:
        return f"{ctx.first}'s own swap for it ({plural(stat.sessions, 'session')}), "
    sessions = ctx.trained.get(chosen.key)
    if sessions:
        return f"{ctx.first} already trains it ({plural(sessions, 'session')}), "
    return ""


def apply_verdict(
    ctx: Drafting,
    plan: Plan,
    target: Ex,
    normal: list[Row],
    stat: Stat | None,
    lowered: tuple[str, HealthFlag] | None,
) -> None:
    """Turn the verdict into load, sets or a variation, and say why."""
    t = ctx.t
    verdict = plan.verdict
    data = stat.data(t, marks=True) if stat is not None else ""
    gate = ""
    if (
        verdict is Verdict.PROGRESS
        and ctx.adherence is not None
        and ctx.adherence < t.adherence_low
    ):
        verdict = Verdict.STEADY
        gate = (
            f"adherence {fmt(ctx.adherence)} % is below {fmt(t.adherence_low)} %, so only "
            "the standard step"
        )
    because = f" — {data}" if data else ""
    if lowered is not None:
        part, flag = lowered
        if verdict is Verdict.REDUCE:
            because += f"; it also loads the {part}: {cite(ctx, flag)}"
        else:
            otherwise = f" (otherwise: {data})" if data else ""
            because = f" — it loads the {part}: {cite(ctx, flag)}{otherwise}"
            verdict = Verdict.LOWER
    if verdict is Verdict.STEADY and stat is not None and stat.rising:
        verdict, gate = Verdict.HOLD, "RPE rising, so held rather than the standard step"
    if verdict in _RISES and ctx.growth and loads_part(target.name, target.pattern, "back"):
        verdict, gate = Verdict.HOLD, "growth flag: loads on spinal lifts held this block"
        ctx.growth_held.append(plan.name)
    plan.verdict = verdict
    name = plan_label(ctx, plan)
    tail = load_tail(ctx, plan, stat)
    if verdict is Verdict.PROGRESS and (
        plan.load in (Load.BODYWEIGHT, Load.OPEN)
        or (ctx.foundational and plan.load is not Load.PERCENT)
    ):
        progress_without_load(ctx, plan, target, normal, name, because)
        return
    if plan.load is Load.FEEL:
        if verdict in (Verdict.REDUCE, Verdict.LOWER):
            plan.rpe_shift = -t.rpe_cut
            action = f"{feel_words(ctx, plan)}, {fmt(t.rpe_cut)} lower than the source"
        elif verdict is Verdict.PROGRESS:
            action = f"{feel_words(ctx, plan)}, so the load rises with {ctx.first}'s strength"
        else:
            action = feel_words(ctx, plan)
        ctx.exercise_lines.append(f"{name}: {action}{because or ' — no sessions logged'}{tail}.")
        return
    if plan.load in (Load.BODYWEIGHT, Load.OPEN):
        if verdict in (Verdict.REDUCE, Verdict.LOWER):
            plan.sets_delta = -1
            ctx.exercise_lines.append(f"{name}: one set fewer{because}.")
        elif verdict is Verdict.HOLD:
            ctx.exercise_lines.append(f"{name}: held as written{because}.")
        else:
            note_as_written(ctx, plan, stat, gate)
        return
    step = {
        Verdict.PROGRESS: t.progress_points,
        Verdict.STEADY: t.steady_points,
        Verdict.NO_DATA: t.steady_points,
        Verdict.HOLD: Decimal(0),
        Verdict.REDUCE: -t.reduce_points,
        Verdict.LOWER: -t.injury_points,
    }[verdict]
    if verdict is Verdict.NO_DATA:
        because = " — no sessions logged yet" if stat is None else " — no RPE or completion logged"
    if plan.load is Load.PERCENT:
        apply_percent(ctx, plan, name, verdict, step, normal, because + tail, gate)
        return
    plan.force_move = verdict in (Verdict.PROGRESS, Verdict.REDUCE, Verdict.LOWER)
    gated = f" ({gate})" if gate else ""
    if plan.load is Load.WORKING and plan.working is not None:
        before = plan.working
        after = move_load(ctx, before, step, plan.force_move)
        if ctx.foundational:
            after = min(after, t.light_load(ctx.unit))
        plan.working = after  # the step is in the working weight
    else:
        plan.step = step
        before = max((r.absolute_weight for r in normal if r.absolute_weight), default=Decimal(0))
        after = move_load(ctx, before, step, plan.force_move)
    if step and after == before:
        data = stat.data(t) if stat is not None else "no sessions logged"
        ctx.kept_loads.append(f"{name} at {fmt(before)} {ctx.unit} ({data}{gated})")
        ctx.decisions.append(load_change(ctx, plan, before, after))
        return
    state_change(ctx, plan, name, before, after, f"{gated}{because}{tail}")


def apply_percent(
    ctx: Drafting,
    plan: Plan,
    name: str,
    verdict: Verdict,
    step: Decimal,
    normal: list[Row],
    because: str,
    gate: str,
) -> None:
    t = ctx.t
    top = max((r.percentage for r in normal if r.percentage is not None), default=None)
    if top is None:
        plan.step = step
        say(ctx, f"{name}: {REASONS[verdict]}{because}.")
        return
    if plan.tm_rule is not None and verdict in _RISES:
        tm_suggestion(ctx, plan, name, top, because)
        return
    if step > 0 and top + step > t.percentage_max:
        if verdict is Verdict.PROGRESS and room_for_a_set(ctx, normal, plan):
            plan.sets_delta = 1
            say(
                ctx,
                f"{name}: one more set instead of load — its top set is already at "
                f"{fmt(top)} % of the training max (ceiling {fmt(t.percentage_max)} %)"
                f"{because}.",
            )
            return
        step = max(Decimal(0), t.percentage_max - top)
    plan.step = step
    gated = f" ({gate})" if gate else ""
    state_change(ctx, plan, name, top, top + step, f"{gated}{because}")


def note_as_written(ctx: Drafting, plan: Plan, stat: Stat | None, gate: str) -> None:
    data = "no sessions logged" if stat is None else stat.data(ctx.t)
    if gate:
        data += f"; {gate}"
    ctx.as_written.append(f"{plan_label(ctx, plan)} ({data})")
