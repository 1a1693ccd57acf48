"""The deterministic plan: targets → pattern → distances, the invariants after every step."""

from __future__ import annotations

from generation.running import days, distances, invariants, targets
from generation.running.plan import RACE_LABELS, PlanSettings
from generation.running.profile import RunProfile
from generation.running.skeleton import Plan, Week


def build_plan(profile: RunProfile, settings: PlanSettings) -> Plan:
    week_targets, warnings = targets.weekly_targets(profile, settings)
    pattern, pattern_warnings = days.role_pattern(settings)
    plan = Plan(weeks=[], warnings=warnings + pattern_warnings)
    reference: Week | None = None
    for target in week_targets:
        week = distances.build_week(target, pattern, settings, reference)
        plan.weeks.append(week)
        invariants.enforce(plan, step=f"week {week.number}")
        if not week.eases_off:
            reference = week
    invariants.enforce(plan, step="the whole plan")
    plan.warnings += _clamp_warnings(plan, week_targets, settings)
    return plan


def _clamp_warnings(
    plan: Plan, week_targets: list[targets.WeekTarget], settings: PlanSettings
) -> list[str]:
    warnings = []
    short = [
        w.number
        for w, t in zip(plan.weeks, week_targets, strict=True)
        if w.total_m < t.km * 1000 * 0.9 and not w.eases_off
    ]
    if short:
        warnings.append(
            f"Weeks {', '.join(map(str, short[:6]))} are below their targets: the caps on a "
            "run's growth (2 km a week) hold them back."
        )
    if settings.race in targets.RACE_NEEDS:
        need_long = targets.RACE_NEEDS[settings.race][1]
        longest = max(
            (w.long.km for w in plan.weeks if w.long and w.week_type != "race"), default=0
        )
        if longest < need_long * 0.8:
            warnings.append(
                f"The longest run before the {RACE_LABELS[settings.race]} is {longest:g} km; "
                f"about {need_long} km is usual."
            )
    return warnings
