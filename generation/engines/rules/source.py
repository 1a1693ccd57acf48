"""Stage 1: choose the source program the next block starts from."""

from __future__ import annotations

from collections import defaultdict

from generation.engines.rules.model import (
    Drafting,
    Row,
    Source,
    fmt,
    listing,
    pattern_words,
    plural,
    themes_of,
)
from generation.engines.rules.pool import ex_of, plainest
from generation.engines.rules.thresholds import GENERIC_PATTERNS, TIER_SUITS
from programs.models import (
    PrescribedSet,
    ProgramTemplate,
    ProgressionRule,
    global_programs,
    programs_for_athlete,
)


def choose_source(ctx: Drafting) -> Source:
    packet, request = ctx.packet, ctx.request
    athlete_id = packet.meta.athlete_id
    skipped: list[str] = []
    for template_id in request.reference_program_ids:
        template = ProgramTemplate.objects.filter(
            programs_for_athlete(athlete_id), pk=template_id
        ).first()
        if template is None:
            skipped.append(f"#{template_id} (not found, or another athlete's program)")
            continue
        source = load_template(ctx, template, "")
        if not source.rows:
            skipped.append(f"{template.name} (it has no sets)")
            continue
        source.why = f"Started from {template.name}, the reference program the coach chose."
        if len(request.reference_program_ids) > len(skipped) + 1:
            source.why += (
                " The rules engine starts from one program: the other references were not "
                "combined with it."
            )
        note_skipped(ctx, skipped)
        return source
    note_skipped(ctx, skipped)
    current = packet.current_program
    if current is not None:
        template = ProgramTemplate.objects.filter(pk=current.template_id).first()
        if template is not None:
            done = "complete" if current.block_complete else f"at {current.position}"
            source = load_template(
                ctx,
                template,
                f"Started from {template.name}, the current program "
                f"({plural(current.num_weeks, 'week')} × {plural(current.num_days, 'day')}, "
                f"{done}, {plural(current.sessions_logged, 'session')} logged).",
            )
            if source.rows:
                return source
    from athletes.models import AthleteProgram, ProgramRole

    last = (
        AthleteProgram.objects.filter(athlete_id=athlete_id, role=ProgramRole.PRIMARY)
        .select_related("template")
        .order_by("-start_date", "-pk")
        .first()
    )
    if last is not None:
        ended = f", ended {last.ended_on:%Y-%m-%d}" if last.ended_on else ""
        source = load_template(
            ctx,
            last.template,
            f"No current program: started from {last.template.name}, the most recent one "
            f"(started {last.start_date:%Y-%m-%d}{ended}).",
        )
        if source.rows:
            return source
    best = best_template(ctx)
    if best is not None:
        return best
    return generic_source(ctx)


def note_skipped(ctx: Drafting, skipped: list[str]) -> None:
    if skipped:
        message = f"Reference program {listing(skipped)} ignored."
        ctx.warnings.append(message)
        ctx.structure_lines.append(message)


def load_template(ctx: Drafting, template: ProgramTemplate, why: str) -> Source:
    rows = [
        Row(
            exercise=s.exercise.name,
            week=s.week,
            day=s.day,
            set_number=s.set_number,
            reps=s.reps,
            rep_type=s.rep_type or "reps",
            percentage=s.percentage,
            absolute_weight=s.absolute_weight,
            sort_order=s.sort_order,
            notes=s.notes,
            target_rpe=s.target_rpe,
        )
        for s in PrescribedSet.objects.filter(template=template)
        .select_related("exercise")
        .order_by("week", "day", "sort_order", "exercise__name", "set_number")
        if 1 <= s.week <= template.num_weeks and 1 <= s.day <= template.num_days
    ]
    rules = {
        r.exercise.name: r.increment
        for r in ProgressionRule.objects.filter(template=template).select_related("exercise")
    }
    weeks: dict[int, tuple[str, str]] = {}
    for item in template.weeks or []:
        if isinstance(item, dict) and isinstance(item.get("week"), int):
            weeks[item["week"]] = (
                str(item.get("week_type") or ""),
                str(item.get("coach_notes") or ""),
            )
    return Source(template.name, why, template.num_weeks, template.num_days, rows, rules, weeks)


def best_template(ctx: Drafting) -> Source | None:
    """The global template that fits the athlete best, scored and explained."""
    packet, request = ctx.packet, ctx.request
    profile = packet.profile
    names: dict[int, set[str]] = defaultdict(set)
    for template_id, name in (
        PrescribedSet.objects.filter(global_programs(prefix="template__"))
        .values_list("template_id", "exercise__name")
        .distinct()
    ):
        names[template_id].add(name)
    candidates = [
        t for t in ProgramTemplate.objects.filter(global_programs()).order_by("name") if names[t.pk]
    ]
    if not candidates:
        return None
    th = ctx.t
    goal = themes_of(" ".join((profile.goal, profile.sport, profile.cycle_goal)))
    suits = TIER_SUITS.get(profile.tier, TIER_SUITS["none"])
    tier = "general" if profile.tier == "none" else profile.tier.replace("_", " ")
    scored = []
    for t in candidates:
        exercises = [ex_of(ctx, n) for n in sorted(names[t.pk])]
        total = len(exercises)
        suited = sum(1 for e in exercises if e.tier in suits)
        doable = sum(1 for e in exercises if e.can_do)
        shared = sorted(goal & themes_of(f"{t.name} {t.description}"))
        same, unset, other = th.fit_audience
        if t.audience == profile.audience:
            audience, heard = same, f"made for {t.audience} athletes"
        elif not t.audience:
            audience, heard = unset, "no audience set"
        else:
            audience, heard = other, f"made for {t.audience} athletes, not {profile.audience}"
        score = (
            audience
            + th.fit_tier * suited / total
            + th.fit_goal_theme * len(shared)
            - th.fit_day * abs(t.num_days - request.days_per_week)
            + th.fit_equipment * doable / total
        )
        parts = [
            heard,
            f"{suited} of {total} exercises suit the {tier} tier",
            f"goal themes shared: {', '.join(shared)}" if shared else "no goal theme shared",
            f"{t.num_days} days a week (asked {request.days_per_week})",
            f"{doable} of {total} exercises possible with {ctx.first}'s equipment",
        ]
        scored.append((-round(score, 2), t.name.casefold(), t, parts))
    scored.sort(key=lambda s: s[:2])
    best_score, _, best, parts = scored[0]
    why = (
        f"No program history: started from {best.name}, the global template that fits "
        f"best of {len(scored)} (score {fmt(-best_score)}): {'; '.join(parts)}."
    )
    if len(scored) > 1:
        why += f" Next best: {scored[1][2].name} (score {fmt(-scored[1][0])})."
    return load_template(ctx, best, why)


def generic_source(ctx: Drafting) -> Source:
    """A full-body base from the catalog: one exercise per movement pattern a day."""
    request = ctx.request
    patterns = []
    for pattern in GENERIC_PATTERNS:
        ex = plainest(ctx, frozenset({pattern}))
        if ex is not None:
            patterns.append(ex.name)
    if not patterns:
        ctx.warnings.append(
            f"No program to start from and no exercise {ctx.first} can do in the basic "
            f"movement patterns ({', '.join(pattern_words(p) for p in GENERIC_PATTERNS)}): "
            f"the exercise catalog is empty or {ctx.first}'s equipment rules everything out."
        )
    per_day = max(1, min(request.max_exercises_per_day, 5))
    low, _ = ctx.t.foundational_reps
    count, reps = (1, low) if ctx.foundational else (3, 10)
    rows: list[Row] = []
    for day in range(1, request.days_per_week + 1):
        if not patterns:
            break
        chosen: list[str] = []
        for i in range(per_day):
            name = patterns[((day - 1) * per_day + i) % len(patterns)]
            if name not in chosen:
                chosen.append(name)
        for order, name in enumerate(chosen, start=1):
            rows.extend(
                Row(name, 1, day, n, reps, "reps", None, None, order, "", None)
                for n in range(1, count + 1)
            )
    return Source(
        name="the exercise catalog",
        why=(
            "No program history and no global template: built a full-body base of "
            f"{count}×{reps} from the exercises {ctx.first} can do, one per movement "
            "pattern."
        ),
        num_weeks=1,
        num_days=request.days_per_week,
        rows=rows,
    )
