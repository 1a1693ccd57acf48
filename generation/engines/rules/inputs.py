"""Stage 0: what the engine reads — the catalog, training maxes and per-exercise numbers."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING

from generation.constraints import INJURY_MAP
from generation.engines.base import GenerationRequest
from generation.engines.rules.model import Drafting, Ex, Stat, to_dec, top_weight_of
from generation.engines.rules.thresholds import Thresholds
from generation.packet.training_maxes import training_maxes_of
from programs.models import (
    Exercise,
    ExerciseEquipment,
    usable_for_athlete,
)

if TYPE_CHECKING:
    from athletes.stats import ExerciseStats
    from generation.packet import ExerciseSummary, Packet


def stat_from_packet(e: ExerciseSummary, t: Thresholds) -> Stat:
    recent = e.recent_sessions  # newest first
    last = f"{recent[0].sets} on {recent[0].date:%Y-%m-%d}" if recent else ""
    return Stat(
        name=e.name,
        sessions=e.sessions,
        avg_rpe=e.avg_rpe,
        trend=e.rpe_trend.direction,
        completion=e.completion.rate_pct if e.completion is not None else None,
        plateau=e.plateau.reason if e.plateau.flagged else "",
        replaces=tuple(e.replaces),
        top_weight=top_weight_of(s.sets for s in recent[: t.recent_sessions]),
        last=last,
    )


def stat_from_log(e: ExerciseStats, t: Thresholds) -> Stat:
    recent = e.sessions[-t.recent_sessions :]
    tops = [s.top_weight for s in recent if s.top_weight]
    last = e.sessions[-1] if e.sessions else None
    rate = e.completion.rate_pct if e.completion is not None else None
    return Stat(
        name=e.exercise.name,
        sessions=len(e.sessions),
        avg_rpe=None if e.avg_rpe is None else round(e.avg_rpe, 1),
        trend=str(e.rpe.direction),
        completion=None if rate is None else round(rate, 1),
        plateau=e.plateau.reason if e.plateau.flagged else "",
        replaces=tuple(e.replaces),
        top_weight=to_dec(max(tops)) if tops else None,
        last=f"{last.summary} on {last.date:%Y-%m-%d}" if last is not None else "",
    )


def load_catalog(ctx: Drafting) -> dict[str, Ex]:
    """Every catalog exercise; what the athlete can do comes from the packet."""
    available: dict[str, tuple[str, str, str]] = {}
    for pattern, tiers in ctx.packet.catalog.available.items():
        for tier, names in tiers.items():
            for name in names:
                available[name.casefold()] = (
                    "" if pattern == "other" else pattern,
                    "" if tier == "general" else tier,
                    name,
                )
    # The global catalog and the athlete's coach's own, never another coach's.
    athlete_id = ctx.packet.meta.athlete_id
    links = ExerciseEquipment.objects.filter(
        usable_for_athlete(athlete_id, prefix="exercise__"), optional=False
    )
    needs: dict[int, list[str]] = defaultdict(list)
    for ex_id, equipment in links.values_list("exercise_id", "equipment__name"):
        needs[ex_id].append(equipment)
    out: dict[str, Ex] = {}
    visible = Exercise.objects.filter(usable_for_athlete(athlete_id))
    for ex_id, name, pattern, tier in visible.order_by("name").values_list(
        "id", "name", "movement_pattern", "tier"
    ):
        key = name.casefold()
        out[key] = Ex(name, pattern, tier, tuple(sorted(needs[ex_id])), key in available)
    for key, (pattern, tier, name) in sorted(available.items()):
        out.setdefault(key, Ex(name, pattern, tier, (), True))
    return out


def load_training_maxes(ctx: Drafting) -> dict[str, Decimal]:
    return training_maxes_of(ctx.packet)


def load_stats(ctx: Drafting) -> None:
    """The packet's numbers; for the exercises it lists without detail (its token budget),
    the same numbers from the full training log."""
    packet = ctx.packet
    for e in packet.exercises:
        ctx.stats[e.name.casefold()] = stat_from_packet(e, ctx.t)
        ctx.trained[e.name.casefold()] = e.sessions
    for o in packet.other_exercises:
        ctx.trained.setdefault(o.name.casefold(), o.sessions)
    if not packet.other_exercises_count:
        return
    from athletes import stats
    from athletes.models import Athlete

    athlete = Athlete.objects.filter(pk=packet.meta.athlete_id).first()
    if athlete is None:
        return
    history = stats.load_history(athlete, today=packet.meta.generated_on, with_notes=False)
    for full in stats.compute_stats(history).exercises:
        key = full.exercise.name.casefold()
        ctx.trained.setdefault(key, len(full.sessions))
        if key not in ctx.stats and full.sessions:
            ctx.stats[key] = stat_from_log(full, ctx.t)
            ctx.from_log.add(key)


def start(packet: Packet, request: GenerationRequest, t: Thresholds) -> Drafting:
    ctx = Drafting(packet, request, t)
    ctx.catalog = load_catalog(ctx)
    ctx.tms = load_training_maxes(ctx)
    for flag in packet.notes.health_flags:
        for part in flag.body_parts:
            if part in INJURY_MAP:
                ctx.flags[part].append(flag)
    load_stats(ctx)
    return ctx
