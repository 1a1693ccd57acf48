"""The running profile from logged runs, in one query whatever the number of runs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from athletes.models import Athlete
from generation.running.profile import LoggedRun, build_profile, easy_pace, logged_runs
from tests.factories import AthleteFactory
from tests.generation.running.helpers import log_runs

TODAY = dt.date(2026, 12, 9)  # a Wednesday


def test_profile_averages_weeks_and_counts_empty_weeks_as_zero() -> None:
    monday = TODAY - dt.timedelta(days=2)
    runs = [LoggedRun(monday - dt.timedelta(weeks=w), 10_000, 3600) for w in (1, 2, 3, 4, 6, 8)]
    p = build_profile(runs, today=TODAY)
    assert p.weeks_counted == 8
    assert p.weekly_km == 7.5  # 60 km over 8 weeks, two of them empty
    assert p.consistency == 0.75
    assert p.longest_km == 10


def test_a_short_history_counts_four_weeks_at_least() -> None:
    monday = TODAY - dt.timedelta(days=2)
    p = build_profile([LoggedRun(monday - dt.timedelta(weeks=1), 8_000)], today=TODAY)
    assert p.weeks_counted == 4
    assert p.weekly_km == 2
    assert not p.consistent


def test_runs_this_week_do_not_count_yet() -> None:
    p = build_profile([LoggedRun(TODAY, 8_000)], today=TODAY)
    assert p.weekly_km == 0


def test_easy_pace_from_easy_runs_else_the_slower_half() -> None:
    day = TODAY
    assert easy_pace([LoggedRun(day, 10_000, 3000), LoggedRun(day, 5_000, 1800, easy=True)]) == 360
    assert easy_pace([LoggedRun(day, 10_000, 3000), LoggedRun(day, 10_000, 4000)]) == 400
    assert easy_pace([LoggedRun(day, 10_000)]) is None


def test_logged_runs_take_one_query_for_few_or_many(
    athlete: Athlete, django_assert_num_queries: Any
) -> None:
    log_runs(athlete, today=TODAY, weeks=1, km=(5,))
    with django_assert_num_queries(1):
        few = logged_runs(athlete.pk, today=TODAY)
    other = AthleteFactory(coach=athlete.coach)
    log_runs(other, today=TODAY, weeks=8, km=(5, 5, 8))
    with django_assert_num_queries(1):
        many = logged_runs(other.pk, today=TODAY)
    assert len(few) == 1
    assert len(many) == 24
    assert all(r.easy for r in many)
