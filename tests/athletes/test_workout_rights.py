"""An athlete edits only the workouts they logged themselves, until a coach reviews them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from athletes.services import SetInput, workout_log
from tests.conftest import client_for
from tests.factories import ExerciseFactory

pytestmark = pytest.mark.django_db


def edit_link(user: Any, workout: Any) -> bool:
    url = reverse("athletes:workout_edit", args=[workout.athlete_id, workout.pk])
    page = client_for(user).get(workout.get_absolute_url()).content.decode()
    return url in page


def test_the_logger_is_recorded_and_decides_who_may_edit(athlete: Any, coach: Any) -> None:
    today = dt.date.today()
    sets = [SetInput(exercise_id=ExerciseFactory().pk, reps=5)]
    own = workout_log(
        athlete=athlete, date=today - dt.timedelta(days=1), sets=sets, by=athlete.user
    )
    coachs = workout_log(athlete=athlete, date=today - dt.timedelta(days=2), sets=sets, by=coach)
    assert (own.logged_by, coachs.logged_by) == (athlete.user, coach)

    assert edit_link(athlete.user, own)
    assert not edit_link(athlete.user, coachs)
    assert edit_link(coach, coachs)
    refused = client_for(athlete.user).get(
        reverse("athletes:workout_edit", args=[athlete.pk, coachs.pk])
    )
    assert refused.status_code == 403
    assert "Your coach logged this workout" in refused.content.decode()
