"""The rules every plan keeps, each a named check with its local repair. `enforce` runs them
after every engine step and again after the coach layer; a violation is repaired in the week
that has it, never by rebuilding the plan."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

from generation.running.days import quality_limit
from generation.running.distances import MAX_CHANGE_M, MIN_RUN_M, STEP_M
from generation.running.skeleton import Plan, Role, Session, Week

MAX_GROWTH = 1.15
CUTBACK_MAX = 0.85  # a cutback week is at least 15 % below the week before
MAX_PASSES = 4


@dataclass(frozen=True)
class Invariant:
    name: str
    check: Callable[[Plan], list[str]]
    repair: Callable[[Plan], None]


def _floor_m(metres: float) -> int:
    return max(MIN_RUN_M, int(metres // STEP_M) * STEP_M)


def _retotal(week: Week) -> None:
    week.total_m = sum(s.metres for s in week.sessions)


def _references(plan: Plan) -> list[tuple[Week, Week]]:
    """(week, the last earlier week that was not a cutback, taper or race week) for every
    week that is not one itself."""
    pairs, last = [], None
    for week in plan.weeks:
        if week.eases_off:
            continue
        if last is not None:
            pairs.append((week, last))
        last = week
    return pairs


# --- week totals equal the day sums ----------------------------------------------------------
def week_totals_match(plan: Plan) -> list[str]:
    return [
        f"Week {w.number}: total {w.total_m} m is not the sum of its runs"
        for w in plan.weeks
        if w.total_m != sum(s.metres for s in w.sessions)
    ]


def _repair_totals(plan: Plan) -> None:
    for week in plan.weeks:
        _retotal(week)


# --- the long run is the longest, easy runs never longer than quality or long ----------------
def long_run_longest(plan: Plan) -> list[str]:
    found = []
    for w in plan.weeks:
        long = w.long
        if long is None:
            found.append(f"Week {w.number} has no long run")
        elif any(s.metres > long.metres for s in w.sessions):
            found.append(f"Week {w.number}: a run is longer than the long run")
    return found


def _repair_longest(plan: Plan) -> None:
    for week in plan.weeks:
        long = week.long
        if long is None or not week.sessions:
            continue
        longest = max(week.sessions, key=lambda s: s.metres)
        if longest.metres > long.metres:
            long.metres, longest.metres = longest.metres, long.metres


def easy_not_longer(plan: Plan) -> list[str]:
    found = []
    for w in plan.weeks:
        cap = min((s.metres for s in w.sessions if s.hard), default=0)
        if any(s.role is Role.EASY and s.metres > cap for s in w.sessions):
            found.append(f"Week {w.number}: an easy run is longer than a quality day or long run")
    return found


def _repair_easy(plan: Plan) -> None:
    for week in plan.weeks:
        cap = min((s.metres for s in week.sessions if s.hard), default=0)
        for session in week.by_role(Role.EASY):
            session.metres = min(session.metres, max(cap, MIN_RUN_M))


# --- quality days: how many, never back to back with another hard day -----------------------
def quality_within_limit(plan: Plan) -> list[str]:
    return [
        f"Week {w.number}: {len(w.by_role(Role.QUALITY))} quality days; at most "
        f"{quality_limit(len(w.sessions))}"
        for w in plan.weeks
        if len(w.by_role(Role.QUALITY)) > quality_limit(len(w.sessions))
    ]


def _repair_quality_count(plan: Plan) -> None:
    for week in plan.weeks:
        for extra in week.by_role(Role.QUALITY)[quality_limit(len(week.sessions)) :]:
            extra.role = Role.EASY


def _hard_pairs(plan: Plan) -> list[tuple[Session, Session]]:
    """Hard sessions on consecutive dates, across week boundaries too."""
    hard = [s for w in plan.weeks for s in w.sessions if s.hard and s.date is not None]
    return [
        (a, b)
        for a, b in itertools.pairwise(hard)
        if a.date is not None and b.date is not None and (b.date - a.date).days == 1
    ]


def no_back_to_back_hard(plan: Plan) -> list[str]:
    return [f"Hard days back to back on {a.date} and {b.date}" for a, b in _hard_pairs(plan)]


def _repair_back_to_back(plan: Plan) -> None:
    for a, b in _hard_pairs(plan):
        for session in (b, a):
            if session.role is Role.QUALITY:
                session.role = Role.EASY
                break


# --- cutbacks and taper ease off --------------------------------------------------------------
def cutback_and_taper(plan: Plan) -> list[str]:
    found = []
    for before, week in zip(plan.weeks, plan.weeks[1:], strict=False):
        if week.week_type == "recovery" and week.total_m > before.total_m * CUTBACK_MAX:
            found.append(f"Week {week.number}: a cutback week must be 15 % or more lighter")
        if week.week_type == "taper" and week.total_m >= before.total_m:
            found.append(f"Week {week.number}: a taper week must be lighter than the week before")
    return found


def _repair_cutback_and_taper(plan: Plan) -> None:
    for before, week in zip(plan.weeks, plan.weeks[1:], strict=False):
        limit = before.total_m * (CUTBACK_MAX if week.week_type == "recovery" else 0.95)
        if week.week_type in ("recovery", "taper") and week.total_m > limit:
            _shrink(week, limit)


# --- progression caps: +15 % a week, the long run +2 km, a weekday ±2 km -----------------------
def progression_capped(plan: Plan) -> list[str]:
    found = []
    for week, ref in _references(plan):
        if week.total_m > ref.total_m * MAX_GROWTH:
            found.append(f"Week {week.number}: more than 15 % above week {ref.number}")
        before = {s.weekday: s.metres for s in ref.sessions}
        if any(s.metres > before.get(s.weekday, s.metres) + MAX_CHANGE_M for s in week.sessions):
            found.append(f"Week {week.number}: a run grows by more than 2 km")
    return found


def _repair_progression(plan: Plan) -> None:
    for week, ref in _references(plan):
        before = {s.weekday: s.metres for s in ref.sessions}
        for session in week.sessions:
            session.metres = min(
                session.metres, before.get(session.weekday, session.metres) + MAX_CHANGE_M
            )
        _retotal(week)
        if week.total_m > ref.total_m * MAX_GROWTH:
            _shrink(week, ref.total_m * MAX_GROWTH)


def _shrink(week: Week, limit: float) -> None:
    """Take half kilometres off the longest easy runs first, then any run, until under limit."""
    order = sorted(week.sessions, key=lambda s: (s.role is not Role.EASY, -s.metres))
    while sum(s.metres for s in week.sessions) > limit:
        victim = next((s for s in order if s.metres > MIN_RUN_M and s.role is not Role.RACE), None)
        if victim is None:
            break
        victim.metres = _floor_m(victim.metres - STEP_M)
        order.sort(key=lambda s: (s.role is not Role.EASY, -s.metres))
    _retotal(week)


INVARIANTS: tuple[Invariant, ...] = (
    Invariant("quality_within_limit", quality_within_limit, _repair_quality_count),
    Invariant("no_back_to_back_hard", no_back_to_back_hard, _repair_back_to_back),
    Invariant("cutback_and_taper", cutback_and_taper, _repair_cutback_and_taper),
    Invariant("progression_capped", progression_capped, _repair_progression),
    Invariant("long_run_longest", long_run_longest, _repair_longest),
    Invariant("easy_not_longer", easy_not_longer, _repair_easy),
    Invariant("week_totals_match", week_totals_match, _repair_totals),
)


def violations(plan: Plan) -> dict[str, list[str]]:
    return {inv.name: found for inv in INVARIANTS if (found := inv.check(plan))}


def enforce(plan: Plan, *, step: str) -> Plan:
    """Repair every violation locally (recorded in plan.repairs); repairs can expose others,
    so the checks run again, a bounded number of times."""
    for _ in range(MAX_PASSES):
        broken = violations(plan)
        if not broken:
            return plan
        for inv in INVARIANTS:
            if inv.name in broken:
                inv.repair(plan)
                plan.repairs += [f"after {step}: {m} — repaired" for m in broken[inv.name]]
        _repair_totals(plan)
    return plan
