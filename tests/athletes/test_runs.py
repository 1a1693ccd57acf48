"""Logging runs (distance in the unit, time, heart rate) and the athlete page's running charts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from athletes.models import Athlete, User, WorkoutSet
from athletes.runs import RunPoint, running_charts, weekly_metres
from settings_app.services import settings_set
from tests.factories import ExerciseFactory, WorkoutFactory, WorkoutSetFactory

TODAY = dt.date(2026, 12, 9)


def _log(client: Client, athlete: Athlete, **row: Any) -> Any:
    run = ExerciseFactory(name="Easy Run", movement_pattern="run")
    day = timezone.localdate() - dt.timedelta(days=2)
    data = {"date": day.isoformat(), "notes": "", "row": ["0"], "set-0-exercise": run.pk}
    data.update({f"set-0-{k}": v for k, v in row.items()})
    return client.post(reverse("athletes:workout_log", args=[athlete.pk]), data)


def test_a_run_is_logged_with_distance_time_and_heart_rate(
    coach_client: Client, athlete: Athlete
) -> None:
    response = _log(coach_client, athlete, distance="8.5", duration="51:00", avg_heart_rate="148")
    assert response.status_code == 302
    logged = WorkoutSet.objects.get()
    assert (logged.reps, logged.rep_type) == (8500, "distance")
    assert logged.duration_seconds == 3060
    assert logged.avg_heart_rate == 148
    page = coach_client.get(logged.workout.get_absolute_url()).content.decode()
    assert "8.5 km in 51:00, 6:00 /km" in page
    assert "148 bpm" in page


def test_in_miles_a_run_is_entered_in_miles_and_stored_in_metres(
    coach_client: Client, athlete: Athlete, admin_user: User
) -> None:
    settings_set(key="defaults.distance_unit", value="mi", by=admin_user)
    _log(coach_client, athlete, distance="5", duration="45:00")
    assert WorkoutSet.objects.get().reps == 8047


def test_a_bad_time_is_refused_in_words_and_nothing_is_written(
    coach_client: Client, athlete: Athlete
) -> None:
    response = _log(coach_client, athlete, distance="5", duration="fast")
    assert "Enter the time like 38:20, 1:05:00 or 1h 5m." in response.content.decode()
    assert not WorkoutSet.objects.exists()


def test_the_edit_form_shows_a_run_in_the_unit(coach_client: Client, athlete: Athlete) -> None:
    _log(coach_client, athlete, distance="10", duration="1:00:00")
    logged = WorkoutSet.objects.get()
    url = reverse("athletes:workout_edit", args=[athlete.pk, logged.workout_id])
    form = coach_client.get(url).content.decode()
    assert 'name="set-0-distance" value="10.0"' in form
    assert 'name="set-0-duration" value="1:00:00"' in form


def test_weekly_metres_counts_empty_weeks_as_zero() -> None:
    runs = [RunPoint(dt.date(2026, 12, 1), 5000, None), RunPoint(dt.date(2026, 12, 3), 7000, None)]
    weeks = weekly_metres(runs, today=TODAY, weeks=3)
    assert weeks == [
        (dt.date(2026, 11, 23), 0),
        (dt.date(2026, 11, 30), 12_000),
        (dt.date(2026, 12, 7), 0),
    ]


def test_running_charts_in_one_query(athlete: Athlete, django_assert_num_queries: Any) -> None:
    run = ExerciseFactory(name="Tempo Run", movement_pattern="run")
    for days in range(0, 40, 3):
        workout = WorkoutFactory(athlete=athlete, date=TODAY - dt.timedelta(days=days))
        WorkoutSetFactory(
            workout=workout,
            exercise=run,
            reps=6000,
            rep_type="distance",
            weight=None,
            duration_seconds=1800 + days,
            rpe=None,
        )
    with django_assert_num_queries(1):
        charts = running_charts(athlete, today=TODAY, unit="km")
    assert [c.title for c in charts] == ["Weekly running distance (km)", "Pace (min/km)"]
    assert len(charts[0].bars) == 12  # a bar per week, empty weeks at zero
    assert len(charts[1].dots) == 14


def test_no_runs_no_running_charts(athlete: Athlete) -> None:
    assert running_charts(athlete, today=TODAY) == []


def test_the_athlete_page_shows_the_running_charts(coach_client: Client, athlete: Athlete) -> None:
    _log(coach_client, athlete, distance="8", duration="48:00")
    page = coach_client.get(athlete.get_absolute_url()).content.decode()
    assert 'id="run-charts"' in page
    assert "Weekly running distance (km)" in page
