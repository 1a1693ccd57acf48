"""Each invariant: a plan that breaks it is caught, and enforce() repairs it locally."""

from __future__ import annotations

import datetime as dt

import pytest

from generation.running import invariants as inv
from generation.running.build import build_plan
from generation.running.skeleton import Plan, Role, Session, Week
from tests.generation.running.helpers import START, profile, settings


def week(number: int, week_type: str, *runs: tuple[int, Role, int]) -> Week:
    sessions = [
        Session(weekday=d, role=r, metres=m, date=START + dt.timedelta(weeks=number - 1, days=d))
        for d, r, m in runs
    ]
    return Week(number, week_type, 0, sessions, total_m=sum(s.metres for s in sessions))


def usual(number: int, km: int = 6, week_type: str = "build") -> Week:
    m = km * 1000
    return week(
        number, week_type, (1, Role.EASY, m), (3, Role.QUALITY, m), (6, Role.LONG, m + 1000)
    )


def repaired(plan: Plan, check: inv.Invariant) -> Plan:
    assert check.check(plan), f"{check.name} did not catch the broken plan"
    inv.enforce(plan, step="test")
    assert inv.violations(plan) == {}
    assert plan.repairs
    return plan


def by_name(name: str) -> inv.Invariant:
    return next(i for i in inv.INVARIANTS if i.name == name)


def test_week_totals_equal_the_day_sums() -> None:
    plan = Plan([usual(1)])
    plan.weeks[0].total_m = 1
    repaired(plan, by_name("week_totals_match"))
    assert plan.weeks[0].total_m == 19_000


def test_the_long_run_is_the_longest() -> None:
    plan = Plan(
        [week(1, "base", (1, Role.EASY, 5000), (3, Role.QUALITY, 9000), (6, Role.LONG, 7000))]
    )
    repaired(plan, by_name("long_run_longest"))
    assert plan.weeks[0].long is not None
    assert plan.weeks[0].long.metres == 9000


def test_easy_runs_are_never_longer_than_quality_or_long() -> None:
    plan = Plan(
        [week(1, "base", (1, Role.EASY, 8000), (3, Role.QUALITY, 6000), (6, Role.LONG, 9000))]
    )
    repaired(plan, by_name("easy_not_longer"))
    assert plan.weeks[0].sessions[0].metres == 6000


def test_quality_count_within_the_limit() -> None:
    plan = Plan(
        [week(1, "base", (0, Role.QUALITY, 5000), (3, Role.QUALITY, 5000), (6, Role.LONG, 8000))]
    )
    repaired(plan, by_name("quality_within_limit"))
    assert len(plan.weeks[0].by_role(Role.QUALITY)) == 1


def test_no_hard_days_back_to_back_even_across_weeks() -> None:
    first = week(1, "base", (1, Role.EASY, 5000), (3, Role.QUALITY, 5000), (6, Role.LONG, 8000))
    second = week(2, "build", (0, Role.QUALITY, 5000), (3, Role.EASY, 5000), (6, Role.LONG, 8000))
    plan = repaired(Plan([first, second]), by_name("no_back_to_back_hard"))
    assert plan.weeks[1].sessions[0].role is Role.EASY


def test_cutback_weeks_are_at_least_15_percent_lighter() -> None:
    plan = repaired(Plan([usual(1, 8), usual(2, 8, "recovery")]), by_name("cutback_and_taper"))
    assert plan.weeks[1].total_m <= plan.weeks[0].total_m * 0.85


def test_taper_weeks_are_lighter_than_the_week_before() -> None:
    plan = repaired(Plan([usual(1, 8, "peak"), usual(2, 8, "taper")]), by_name("cutback_and_taper"))
    assert plan.weeks[1].total_m < plan.weeks[0].total_m


def test_weekly_growth_is_capped_at_15_percent_and_a_run_at_2_km() -> None:
    plan = repaired(Plan([usual(1, 6), usual(2, 9)]), by_name("progression_capped"))
    assert plan.weeks[1].total_m <= plan.weeks[0].total_m * 1.15
    assert all(
        b.metres <= a.metres + 2000
        for a, b in zip(plan.weeks[0].sessions, plan.weeks[1].sessions, strict=True)
    )


def test_the_growth_cap_compares_with_the_week_before_a_cutback() -> None:
    plan = Plan([usual(1, 8), usual(2, 6, "recovery"), usual(3, 8)])
    assert inv.progression_capped(plan) == []


@pytest.mark.parametrize("race", ["5k", "10k", "half", "marathon", "none"])
@pytest.mark.parametrize("days", [1, 2, 3, 4, 5, 6, 7])
def test_every_engine_plan_keeps_every_invariant(race: str, days: int) -> None:
    plan = build_plan(profile(25), settings(race=race, days_per_week=days, weeks=14))
    assert inv.violations(plan) == {}
