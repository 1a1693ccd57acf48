"""Each run's distance: the long run ~30 % of the week and always the longest, quality days
~20 % (warm-up and cool-down included), easy days share the rest and are never longer than a
quality day or the long run. From week to week a weekday changes by at most 2 km (and the long
run grows by at most 2 km) except in cutback, taper and race weeks; race day carries the race.

When the shares cannot hold (three days a week: 30 % + 20 % leaves 50 % for one easy run) the
order long ≥ quality ≥ easy wins over the shares — the regression case kept in
tests/generation/running/test_distances.py."""

from __future__ import annotations

from generation.running.days import Pattern
from generation.running.plan import PlanSettings
from generation.running.skeleton import Role, Session, Week
from generation.running.targets import WeekTarget

LONG_SHARE = 0.30
QUALITY_SHARE = 0.20
# When the shares cannot hold: long : quality : easy.
LONG_WEIGHT, QUALITY_WEIGHT, EASY_WEIGHT = 1.3, 1.05, 1.0
STEP_M = 500  # distances in half kilometres
MIN_RUN_M = 1_000
MAX_CHANGE_M = 2_000  # a weekday's change from the previous week, the long run's growth
SHAKEOUT_M = 3_000


def round_m(metres: float) -> int:
    """Half-up to the step (Python's round() would round 2250 m to 2000)."""
    return max(MIN_RUN_M, int((metres + STEP_M / 2) // STEP_M) * STEP_M)


def shares(target_m: float, roles: list[Role]) -> dict[Role, float]:
    """The distance of one run of each role for a week of these roles."""
    n_q, n_e = roles.count(Role.QUALITY), roles.count(Role.EASY)
    if len(roles) == 1:
        return {Role.LONG: target_m}
    long_m, quality_m = target_m * LONG_SHARE, target_m * QUALITY_SHARE
    if n_e:
        easy_m = (target_m - long_m - n_q * quality_m) / n_e
        if easy_m <= (quality_m if n_q else long_m):
            return {Role.LONG: long_m, Role.QUALITY: quality_m, Role.EASY: easy_m}
    unit = target_m / (LONG_WEIGHT + n_q * QUALITY_WEIGHT + n_e * EASY_WEIGHT)
    return {Role.LONG: unit * LONG_WEIGHT, Role.QUALITY: unit * QUALITY_WEIGHT, Role.EASY: unit}


def build_week(
    target: WeekTarget, pattern: Pattern, settings: PlanSettings, reference: Week | None
) -> Week:
    """One week's sessions; `reference` is the last week that was not a cutback, taper or
    race week (what the caps on change compare against)."""
    week = Week(number=target.number, week_type=target.week_type, target_m=int(target.km * 1000))
    week.rest_days = pattern.rest_days
    if target.week_type == "race":
        week.sessions = _race_week(week, pattern, settings)
    else:
        each = shares(week.target_m, [role for _, role in pattern.slots])
        week.sessions = [
            Session(weekday=day, role=role, metres=round_m(each[role]))
            for day, role in pattern.slots
        ]
        if reference is not None and not week.eases_off:
            cap_changes(week, reference)
    for session in week.sessions:
        session.date = settings.date_of(week.number, session.weekday)
    week.total_m = sum(s.metres for s in week.sessions)
    return week


def cap_changes(week: Week, reference: Week) -> None:
    before = {s.weekday: s.metres for s in reference.sessions}
    for session in week.sessions:
        if session.weekday in before:
            session.metres = min(session.metres, before[session.weekday] + MAX_CHANGE_M)
    if week.long is not None and reference.long is not None:
        week.long.metres = min(week.long.metres, reference.long.metres + MAX_CHANGE_M)


def _race_week(week: Week, pattern: Pattern, settings: PlanSettings) -> list[Session]:
    """The race on the race date (or the long-run day), easy shakeouts before it, and no run
    after it that week."""
    race_day = (
        settings.race_date.weekday()
        if settings.race_date is not None
        else next(d for d, r in pattern.slots if r is Role.LONG)
    )
    before = [d for d, _ in pattern.slots if d < race_day]
    race_m = settings.race_metres
    spare = max(0, week.target_m - race_m)
    easy_m = min(spare / len(before) if before else 0, race_m * 0.8)
    easy_m = max(easy_m, min(SHAKEOUT_M, race_m * 0.6))
    sessions = [Session(weekday=d, role=Role.EASY, metres=round_m(easy_m)) for d in before]
    return [*sessions, Session(weekday=race_day, role=Role.RACE, metres=race_m)]
