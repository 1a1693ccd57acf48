"""The log form prefills the athlete's own usual swap and flags what their equipment rules out."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from athletes.models import TrainingMax, User
from athletes.substitutions import last_swaps
from programs.models import Exercise
from tests.athletes.conftest import OnProgram
from tests.conftest import client_for
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

    assert last_swaps(on_program.athlete, [on_program.squat]) == {on_program.squat.pk: goblet}
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


def _card(client: Client, on: OnProgram) -> str:
    html = client.get(on.athlete.get_absolute_url()).content.decode()
    start = html.index('id="today"')
    return html[start : html.index("</section>", start)]


def test_the_next_session_card_shows_the_usual_swap_without_the_barbell_load(
    on_program: OnProgram, coach_client: Client, athlete_user: User
) -> None:
    Exercise.objects.filter(pk=on_program.squat.pk).update(movement_pattern="squat")
    goblet = ExerciseFactory(name="Goblet Squat", movement_pattern="squat")
    _logged_goblet_for_squat(on_program, 10, goblet=goblet)
    ExerciseEquipmentFactory(exercise=on_program.squat, equipment=EquipmentFactory(name="Barbell"))
    card = _card(coach_client, on_program)
    assert "<strong>Goblet Squat</strong>" in card
    assert f"{on_program.athlete.name}’s usual swap for Back Squat" in card
    assert "<strong>Back Squat</strong>" not in card
    assert "needs Barbell" not in card  # she has her swap: nothing to flag
    assert "130" not in card  # 65 % of the squat TM is no load for a goblet squat
    assert "<strong>Bench Press</strong>" in card  # what she can do stays as prescribed
    assert "your usual swap for Back Squat" in _card(client_for(athlete_user), on_program)


def test_the_next_session_card_flags_a_lift_the_equipment_rules_out_with_no_swap(
    on_program: OnProgram, coach_client: Client
) -> None:
    ExerciseEquipmentFactory(exercise=on_program.squat, equipment=EquipmentFactory(name="Barbell"))
    TrainingMax.objects.filter(athlete=on_program.athlete, exercise=on_program.squat).delete()
    card = _card(coach_client, on_program)
    squat = card[card.index("<strong>Back Squat</strong>") :]
    squat = squat[: squat.index("</li>")]
    assert "needs Barbell" in squat
    assert "needs" not in card[card.index("<strong>Bench Press</strong>") :]
    assert "No training max for Back Squat" in card
