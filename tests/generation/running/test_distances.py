"""Distances: the shares, the order long ≥ quality ≥ easy, the caps, race day."""

from __future__ import annotations

from generation.running.build import build_plan
from generation.running.distances import round_m, shares
from generation.running.skeleton import Role
from tests.generation.running.helpers import profile, settings


def test_regression_3_days_10k_from_20_km_easy_runs_never_outrun_the_long_run() -> None:
    # Kept forever: 30 % long + 20 % quality left 50 % for the one easy run (10 km easy, 6 km
    # long). Without speedwork a naive split gives two 7 km easy runs and a 6 km long run.
    for speedwork in (True, False):
        plan = build_plan(profile(20), settings(days_per_week=3, speedwork=speedwork))
        for week in plan.weeks:
            long = week.long
            assert long is not None
            assert all(s.metres <= long.metres for s in week.sessions), week
            hard = min(s.metres for s in week.sessions if s.hard)
            assert all(s.metres <= hard for s in week.by_role(Role.EASY)), week
        first = plan.weeks[0]
        assert abs(first.total_m - 20_000) <= 1000


def test_shares_hold_when_there_are_enough_days() -> None:
    each = shares(40_000, [Role.EASY, Role.QUALITY, Role.EASY, Role.QUALITY, Role.LONG])
    assert each[Role.LONG] == 12_000
    assert each[Role.QUALITY] == 8_000
    assert each[Role.EASY] == 6_000


def test_long_run_grows_by_at_most_2_km_a_week() -> None:
    plan = build_plan(profile(60), settings(race="marathon", weeks=16, days_per_week=5))
    reference = None
    for week in plan.weeks:
        if week.eases_off:
            continue
        assert week.long is not None
        if reference is not None and reference.long is not None:
            assert week.long.metres - reference.long.metres <= 2000
        reference = week
    assert plan.weeks[-2].long is not None


def test_race_day_carries_the_race_distance_and_nothing_follows_it() -> None:
    plan = build_plan(
        profile(30),
        settings(race="half", weeks=None, race_date="2027-02-20", days_per_week=4),
    )
    race_week = plan.weeks[-1]
    assert race_week.week_type == "race"
    race = race_week.by_role(Role.RACE)
    assert [s.metres for s in race] == [21_097]
    assert race[0].date is not None
    assert race[0].date.isoformat() == "2027-02-20"
    assert all(s.weekday <= race[0].weekday for s in race_week.sessions)


def test_distances_round_half_up_to_half_kilometres() -> None:
    assert round_m(2250) == 2500
    assert round_m(2249) == 2000
    assert round_m(100) == 1000
