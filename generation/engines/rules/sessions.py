"""Stage 4b: the sessions of every week — slots, focus areas, the exercises-a-day cap."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from generation.checker.decisions import Change, Decision
from generation.engines.rules.model import (
    LOADED_REP_TYPES,
    Drafting,
    Load,
    Plan,
    Row,
    Slot,
    Source,
    Week,
    fmt,
    listing,
    pattern_words,
    subject,
)
from generation.engines.rules.pool import plainest
from generation.engines.rules.prescribe import slot_sets
from generation.engines.rules.structure import source_days_of
from generation.engines.rules.thresholds import FOCUS_RULES, FocusRule


def build_sets(
    ctx: Drafting, source: Source, plans: dict[str, Plan], weeks: list[Week]
) -> list[dict[str, Any]]:
    t, request = ctx.t, ctx.request
    sessions: dict[tuple[int, int], list[list[Row]]] = defaultdict(list)
    blocks: dict[tuple[int, int, str], list[Row]] = {}
    for row in source.rows:
        key = (row.week, row.day, row.exercise.casefold())
        if key not in blocks:
            blocks[key] = []
            sessions[(row.week, row.day)].append(blocks[key])
        blocks[key].append(row)
    day_sources = source_days_of(ctx, source)
    ctx.day_sources = day_sources
    focus = focus_rules(ctx)
    patterns: frozenset[str] = frozenset().union(*(f.patterns for f in focus))
    volume_ok = ctx.adherence is None or ctx.adherence >= t.adherence_volume
    additions = focus_additions(ctx, plans, weeks[0], sessions, day_sources) if weeks else {}
    trimmed: dict[str, set[int]] = defaultdict(set)
    merged_twice: set[str] = set()
    focus_sets: dict[str, str] = {}
    out: list[dict[str, Any]] = []
    for week in weeks:
        recovery = week.derived_deload or week.week_type == "recovery"
        for day in range(1, request.days_per_week + 1):
            left: list[Slot] = []
            slots = session_slots(ctx, sessions, week, day_sources[day], plans, merged_twice, left)
            names = {s.plan.name.casefold() for s in slots}
            slots += [s for s in additions.get(day, []) if s.plan.name.casefold() not in names]
            for slot in slots:
                slot.focus = slot.added or slot.plan.pattern in patterns
            limit = request.max_exercises_per_day
            if len(slots) > limit:
                ranked = sorted(range(len(slots)), key=lambda i: (not slots[i].focus, i))
                keep = set(ranked[:limit])
                for i, slot in enumerate(slots):
                    if i not in keep:
                        trimmed[slot.plan.name].add(day)
                        why = f"at most {limit} exercises a day (the request)"
                        extra = extra_set(ctx, slot, volume_ok, recovery)
                        sets = slot_sets(ctx, slot, week, day, i + 1, extra)
                        keep_dropped(ctx, slot.plan.name, week, day, why, sets)
                slots = [s for i, s in enumerate(slots) if i in keep]
            for slot in left:
                sets = slot_sets(ctx, slot, week, day, len(slots) + 1, 0)
                keep_dropped(ctx, slot.plan.name, week, day, slot.plan.left_out_why, sets)
            for order, slot in enumerate(slots, start=1):
                extra = extra_set(ctx, slot, volume_ok, recovery)
                if extra:
                    focus_sets[slot.plan.name] = slot.plan.pattern
                out.extend(slot_sets(ctx, slot, week, day, order, extra))
    structure_after_sets(ctx, trimmed, merged_twice, focus, focus_sets, volume_ok)
    present = {r["exercise"] for r in out}
    capped_out(ctx, {name for name in trimmed if name not in present})
    return out


def extra_set(ctx: Drafting, slot: Slot, volume_ok: bool, recovery: bool) -> int:
    """One more set for a focus exercise in a normal week, within the per-exercise maximum."""
    return int(
        slot.focus
        and not slot.added
        and volume_ok
        and not ctx.foundational
        and not recovery
        and len(slot.rows) + max(0, slot.plan.sets_delta) < ctx.t.max_sets
    )


def keep_dropped(
    ctx: Drafting, name: str, week: Week, day: int, why: str, sets: list[dict[str, Any]]
) -> None:
    """An exercise left out of a day, with the sets it would have had there: one entry per
    exercise and day over every week, so the coach adds it back with one click."""
    for entry in ctx.dropped:
        if entry["day"] == day and entry["exercise"].casefold() == name.casefold():
            entry["sets"].extend(sets)
            entry["weeks"].append(week.number)
            return
    ctx.dropped.append(
        {
            "week": week.number,
            "weeks": [week.number],
            "day": day,
            "exercise": name,
            "reason": why,
            "sets": list(sets),
        }
    )


def session_slots(
    ctx: Drafting,
    sessions: dict[tuple[int, int], list[list[Row]]],
    week: Week,
    source_days: list[int],
    plans: dict[str, Plan],
    merged_twice: set[str],
    left: list[Slot] | None = None,
) -> list[Slot]:
    """The draft day's exercises; those left out whole go to `left` (as they would be
    prescribed had they stayed, by name)."""
    per_day = [sessions.get((week.source, d), []) for d in source_days]
    interleaved: list[list[Row]] = []
    for i in range(max((len(b) for b in per_day), default=0)):
        interleaved.extend(blocks[i] for blocks in per_day if i < len(blocks))
    slots: list[Slot] = []
    names: set[str] = set()
    for rows in interleaved:
        plan = plans.get(rows[0].exercise.casefold())
        if plan is None:
            continue
        if plan.alternate is not None and rows[0].day in plan.alternate_days:
            plan = plan.alternate
        if not plan.name:
            if left is not None and plan.left_out and plan.left_out.casefold() not in names:
                names.add(plan.left_out.casefold())
                restored = Plan(
                    source=plan.source,
                    name=plan.left_out,
                    pattern=plan.pattern,
                    load=Load.PERCENT,  # as written: percentages and loads unchanged
                    left_out_why=plan.left_out_why,
                )
                left.append(Slot(restored, sorted(rows, key=lambda r: r.set_number)))
            continue
        if plan.name.casefold() in names:
            merged_twice.add(plan.name)
            continue
        names.add(plan.name.casefold())
        slots.append(Slot(plan, sorted(rows, key=lambda r: r.set_number)))
    return slots


def focus_rules(ctx: Drafting) -> list[FocusRule]:
    return [FOCUS_RULES[a] for a in ctx.request.focus_areas if a in FOCUS_RULES]


def focus_additions(
    ctx: Drafting,
    plans: dict[str, Plan],
    first: Week,
    sessions: dict[tuple[int, int], list[list[Row]]],
    day_sources: dict[int, list[int]],
) -> dict[int, list[Slot]]:
    """For a focus area with no exercise in the program: one exercise of its patterns on the
    day with the fewest exercises, every week."""
    t = ctx.t
    present = {p.pattern for plan in plans.values() for p in (plan, plan.alternate) if p and p.name}
    counts = {
        day: len(session_slots(ctx, sessions, first, srcs, plans, set()))
        for day, srcs in day_sources.items()
    }
    out: dict[int, list[Slot]] = defaultdict(list)
    for rule in focus_rules(ctx):
        if rule.patterns & present:
            continue
        ctx.focus_added.add(rule.label)
        ex = plainest(ctx, rule.patterns, spare_taken=True)
        if ex is None:
            ctx.structure_lines.append(
                f"Focus on {rule.label}: no {rule.label} exercise {ctx.first} can do is in "
                "the catalog, so none was added."
            )
            continue
        day = min(counts, key=lambda d: (counts[d] + len(out[d]), d))
        if counts[day] + len(out[day]) >= ctx.request.max_exercises_per_day:
            ctx.structure_lines.append(
                f"Focus on {rule.label}: every day already has "
                f"{ctx.request.max_exercises_per_day} exercises, so {ex.name} was not added."
            )
            continue
        ctx.taken.add(ex.key)
        sets, reps, rep_type = rule.added
        if ctx.foundational:
            sets = t.foundational_sets
            if rep_type in LOADED_REP_TYPES:
                reps = t.foundational_reps[0]
        plan = Plan(source=ex.name, name=ex.name, pattern=ex.pattern)
        if ex.bodyweight:
            plan.load = Load.BODYWEIGHT
        elif rep_type in LOADED_REP_TYPES:
            plan.load = Load.FEEL
            plan.rpe = t.light_rpe if ctx.foundational else t.default_rpe
            plan.note = "load by feel (no training max or logged weight)"
        rows = [
            Row(ex.name, 0, day, n, reps, rep_type, None, None, 0, "", None)
            for n in range(1, sets + 1)
        ]
        out[day].append(Slot(plan, rows, focus=True, added=True))
        unit = {"seconds": " s", "distance": " m"}.get(rep_type, "")
        kinds = " or ".join(sorted(pattern_words(p) for p in rule.patterns if p))
        ctx.structure_lines.append(
            f"Focus on {rule.label}: the program had no {kinds} exercise, so {ex.name} "
            f"({sets}×{reps}{unit}) is added to day {day}, the day with the fewest exercises."
        )
    return dict(out)


def structure_after_sets(
    ctx: Drafting,
    trimmed: dict[str, set[int]],
    merged_twice: set[str],
    focus: list[FocusRule],
    focus_sets: dict[str, str],
    volume_ok: bool,
) -> None:
    t, request = ctx.t, ctx.request
    if merged_twice:
        names = sorted(merged_twice, key=str.casefold)
        ctx.structure_lines.append(
            f"{listing(names)} appear{'s' if len(names) == 1 else ''} once per session "
            "where merged or substituted sessions would have had it twice."
        )
    if trimmed:
        parts = [
            f"{name} (day {listing([str(d) for d in sorted(days)])})"
            for name, days in sorted(trimmed.items(), key=lambda kv: kv[0].casefold())
        ]
        first = ", focus exercises kept first" if focus else ""
        ctx.structure_lines.append(
            f"At most {request.max_exercises_per_day} exercises a day (the request{first}): "
            f"left out {listing(parts)}."
        )
    for rule in focus:
        got = sorted((n for n, p in focus_sets.items() if p in rule.patterns), key=str.casefold)
        kinds = ", ".join(sorted(pattern_words(p) for p in rule.patterns if p))
        if rule.label in ctx.focus_added:
            continue  # said where the exercise was (or could not be) added
        if got:
            ctx.structure_lines.append(
                f"Focus on {rule.label} ({kinds}): one more set in normal weeks for {listing(got)}."
            )
        elif ctx.foundational:
            ctx.structure_lines.append(
                f"Focus on {rule.label}: no set added — the foundational tier trains "
                f"{t.foundational_sets} set per exercise."
            )
        elif not volume_ok:
            ctx.structure_lines.append(
                f"Focus on {rule.label}: no set added — adherence {fmt(ctx.adherence or 0)} % "
                f"is below {fmt(t.adherence_volume)} %."
            )
    for area in request.focus_areas:
        if area not in FOCUS_RULES:
            sport = ctx.packet.profile.sport or "the athlete's sport"
            ctx.structure_lines.append(
                f"Focus “{area.replace('_', '-')}” needs a coach's judgement: the rules "
                f"engine cannot tell which exercises are specific to {sport}, so it changed "
                "nothing for it."
            )


def capped_out(ctx: Drafting, names: set[str]) -> None:
    """An exercise the cap removed from every day: its own lines would speak of sets the draft
    does not have, so the cap's line (which names it) replaces them."""
    if not names:
        return
    ctx.exercise_lines[:] = [x for x in ctx.exercise_lines if subject(x) not in names]
    for entries in (ctx.kept_loads, ctx.as_written):
        entries[:] = [x for x in entries if x.split(" at ")[0].split(" (")[0] not in names]
    ctx.decisions[:] = [d for d in ctx.decisions if d.exercise not in names]
    ctx.decisions.extend(Decision(Change.LEFT_OUT, name) for name in sorted(names))
