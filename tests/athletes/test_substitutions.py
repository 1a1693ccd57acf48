"""The log form prefills the athlete's own usual swap and flags what their equipment rules out."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from athletes.substitutions import last_swaps
from programs.models import Exercise
from tests.athletes.conftest import OnProgram
from tests.factories import (
    AthleteProgramFactory,
    EquipmentFactory,
    ExerciseEquipmentFactory,
    ExerciseFactory,
    WorkoutFactory,
    WorkoutSetFactory,
)

pytestmark = pytest.mark.django_db


def _logged_goblet_for_squat(on: OnProgram, days_ago: int, *, goblet: Exercise) -> None:
    earlier = AthleteProgramFactory(
        athlete=on.athlete,
        template=on.template,
        is_active=False,
        start_date=dt.date.today() - dt.timedelta(days=days_ago + 7),
    )
    workout = WorkoutFactory(
        athlete=on.athlete,
        assignment=earlier,
        week=1,
        day=1,
        date=dt.date.today() - dt.timedelta(days=days_ago),
    )
    WorkoutSetFactory(workout=workout, exercise=goblet, set_number=1)
    WorkoutSetFactory(workout=workout, exercise=on.bench, set_number=1)


def test_log_form_prefills_the_athletes_usual_swap_and_flags_the_barbell_lift(
    on_program: OnProgram, coach_client: Client
) -> None:
    Exercise.objects.filter(pk=on_program.squat.pk).update(movement_pattern="squat")
    goblet = ExerciseFactory(name="Goblet Squat", movement_pattern="squat")
    old = ExerciseFactory(name="Box Squat", movement_pattern="squat")
    _logged_goblet_for_squat(on_program, 40, goblet=old)
    _logged_goblet_for_squat(on_program, 10, goblet=goblet)  # the most recent swap wins
    ExerciseEquipmentFactory(exercise=on_program.squat, equipment=EquipmentFactory(name="Barbell"))

    assert last_swaps(on_program.athlete, [on_program.squat.pk]) == {on_program.squat.pk: goblet}
    body = coach_client.get(
        reverse("athletes:workout_log", args=[on_program.athlete.pk])
    ).content.decode()
    assert f'<option value="{goblet.pk}" selected>' in body
    assert f'<option value="{on_program.squat.pk}" selected>' not in body
    assert "(Back Squat; your usual swap)" in body
    assert 'id="not-allowed"' in body
    assert "does not allow Back Squat (prefilled with the usual swap, Goblet Squat)" in body


def test_without_swaps_or_missing_equipment_the_prescription_is_prefilled_as_is(
    on_program: OnProgram, coach_client: Client
) -> None:
    body = coach_client.get(
        reverse("athletes:workout_log", args=[on_program.athlete.pk])
    ).content.decode()
    assert f'<option value="{on_program.squat.pk}" selected>' in body
    assert 'id="not-allowed"' not in body
