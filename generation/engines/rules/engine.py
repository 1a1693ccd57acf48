"""The rules engine: the stages in order."""

from __future__ import annotations

import time
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from generation.checker.decisions import Decision
from generation.engines.base import Draft, EngineName, GenerationRequest, Usage
from generation.engines.rules.decide import plan_exercises
from generation.engines.rules.inputs import start
from generation.engines.rules.model import MODEL, Drafting, Load, fmt, listing, to_num
from generation.engines.rules.pool import risk_of, swap_options
from generation.engines.rules.reasoning import (
    adherence_lines,
    answer_lines,
    program_description,
    tier_lines,
)
from generation.engines.rules.sessions import build_sets
from generation.engines.rules.source import choose_source
from generation.engines.rules.structure import build_weeks
from generation.engines.rules.thresholds import THRESHOLDS, Thresholds
from generation.engines.rules.wishes import apply_volume, read_wishes, taper

if TYPE_CHECKING:
    from generation.packet import Packet


class RulesEngine:
    name = EngineName.RULES

    def __init__(self, thresholds: Thresholds = THRESHOLDS) -> None:
        self.t = thresholds

    def generate(self, packet: Packet, request: GenerationRequest) -> Draft:
        started = time.monotonic()
        drafting = start(packet, request, self.t)
        catalog = draft_catalog(drafting)
        return Draft(
            catalog=catalog,
            reasoning=drafting.reasoning,
            usage=Usage(
                engine=EngineName.RULES, model=MODEL, duration_s=time.monotonic() - started
            ),
            warnings=drafting.warnings,
            dropped=drafting.dropped,
            decisions=on_draft_days(drafting),
        )


def draft_catalog(ctx: Drafting) -> dict[str, Any]:
    request = ctx.request
    source = choose_source(ctx)
    ctx.reasoning.append(source.why)
    read_wishes(ctx)
    plans = plan_exercises(ctx, source)
    apply_volume(ctx, plans)
    weeks = taper(ctx, build_weeks(ctx, source))
    sets = build_sets(ctx, source, plans, weeks)

    ctx.reasoning.extend(adherence_lines(ctx))
    if ctx.read_from_log:
        names = sorted(ctx.read_from_log, key=str.casefold)
        ctx.reasoning.append(
            f"Numbers for {listing(names)} come from the full training log: the packet "
            "lists them without detail to stay within its token budget."
        )
    ctx.reasoning.extend(ctx.exercise_lines)
    if ctx.kept_loads:
        ctx.reasoning.append(
            f"Kept at their loads — the standard step (+{fmt(ctx.t.steady_points)} %) rounds "
            f"back to them at {fmt(ctx.increment)} {ctx.unit} increments: "
            + "; ".join(ctx.kept_loads)
            + "."
        )
    if ctx.as_written:
        ctx.reasoning.append(
            "Carried over as written, with no load to change and nothing in the data against "
            "it: " + "; ".join(ctx.as_written) + "."
        )
    ctx.reasoning.extend(tier_lines(ctx, plans))
    ctx.reasoning.extend(ctx.structure_lines)

    kept = {s["exercise"].casefold(): s["exercise"] for s in sets}
    rules: list[dict[str, Any]] = []
    not_pct: list[str] = []
    absent: list[str] = []
    for source_name, increment in sorted(source.rules.items(), key=lambda kv: kv[0].casefold()):
        plan = plans.get(source_name.casefold())
        if plan is None or plan.name.casefold() not in kept:
            absent.append(source_name)
        elif plan.load is not Load.PERCENT:
            not_pct.append(source_name)
        else:
            rules.append({"exercise": kept[plan.name.casefold()], "increment": to_num(increment)})
    for names, why in ((not_pct, "not loaded by percentage of a training max"),
                       (absent, "not in this draft")):  # fmt: skip
        if names:
            ctx.reasoning.append(
                f"Progression rules of {source.name} dropped for {listing(names)}: {why}."
            )
    ctx.reasoning.extend(answer_lines(ctx))
    program = {
        "name": request.program_name.strip(),
        "description": program_description(ctx, source),
        "num_weeks": request.weeks,
        "num_days": request.days_per_week,
        "is_loop": request.is_loop,
        "audience": ctx.packet.profile.audience or None,
        "prescribed_sets": sets,
        "progression_rules": rules,
        "weeks": [
            {"week": w.number, "week_type": w.week_type, "coach_notes": w.notes} for w in weeks
        ],
    }
    return {"type": "catalog", "version": "1.1", "programs": [program]}


def on_draft_days(ctx: Drafting) -> list[Decision]:
    """Decisions name source days; the draft's days differ when sessions were merged or
    repeated."""
    mapping = ctx.day_sources
    if all(sources == [day] for day, sources in mapping.items()):
        return ctx.decisions
    return [
        replace(d, days=tuple(k for k, srcs in mapping.items() if set(srcs) & set(d.days)))
        if d.days
        else d
        for d in ctx.decisions
    ]


def swap_order(packet: Packet, exercise: str) -> list[str]:
    """The substitutes the engine would choose from for `exercise`, best first — the same list
    the preview's swap menu leads with."""
    request = GenerationRequest(program_name="", days_per_week=1, weeks=1)
    ctx = start(packet, request, THRESHOLDS)
    read_wishes(ctx)
    ex = ctx.catalog.get(exercise.casefold())
    if ex is None:
        return []
    safe = bool(ctx.flags) and risk_of(ctx, ex.name) is not None
    return [e.name for e in swap_options(ctx, ex, safe_only=safe, own_for=ex.name, gentle=safe)]
