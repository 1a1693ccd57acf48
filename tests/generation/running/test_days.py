"""The role pattern: one long run, the quality limit, no hard days back to back."""

from __future__ import annotations

import pytest

from generation.running.days import adjacent, role_pattern
from generation.running.skeleton import Role
from tests.generation.running.helpers import settings


@pytest.mark.parametrize("days", [1, 2, 3, 4, 5, 6, 7])
def test_one_long_run_the_quality_limit_and_no_hard_days_back_to_back(days: int) -> None:
    pattern, _ = role_pattern(settings(days_per_week=days))
    roles = [r for _, r in pattern.slots]
    assert roles.count(Role.LONG) == 1
    assert roles.count(Role.QUALITY) <= (1 if days <= 4 else 2)
    hard = [d for d, r in pattern.slots if r is not Role.EASY]
    assert not any(adjacent(a, b) for a in hard for b in hard if a != b)
    assert len(pattern.rest_days) == 7 - days


def test_preferred_days_and_long_run_day_are_kept() -> None:
    pattern, _ = role_pattern(settings(preferred=(0, 2, 5), long_run_day=5))
    # Wednesday is the day farthest from Saturday's long run (Monday is two days after it).
    assert pattern.slots == ((0, Role.EASY), (2, Role.QUALITY), (5, Role.LONG))


def test_no_speedwork_means_no_quality_day() -> None:
    pattern, _ = role_pattern(settings(speedwork=False))
    assert Role.QUALITY not in [r for _, r in pattern.slots]


def test_a_quality_day_that_cannot_fit_is_dropped_with_a_warning() -> None:
    pattern, warnings = role_pattern(settings(days_per_week=2, preferred=(5, 6), long_run_day=6))
    assert [r for _, r in pattern.slots] == [Role.EASY, Role.LONG]
    assert "No quality day fits" in warnings[0]
