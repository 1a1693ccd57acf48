"""Deleting what was logged by mistake: a confirmation that says what changes, then the derived
figures (position, the TM in force) follow."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from athletes import selectors
from athletes.models import AthleteNote, BodyWeight, TrainingMax, User, Workout, WorkoutReview
from tests.athletes.conftest import OnProgram
from tests.conftest import client_for
from tests.factories import (
    AthleteFactory,
    AthleteNoteFactory,
    BodyWeightFactory,
    TrainingMaxFactory,
    WorkoutFactory,
    WorkoutReviewFactory,
    WorkoutSetFactory,
)

pytestmark = pytest.mark.django_db


def test_deleting_a_workout_asks_first_then_the_session_is_due_again(
    on_program: OnProgram, coach_client: Client
) -> None:
    workout = WorkoutFactory(
        athlete=on_program.athlete, assignment=on_program.assignment, week=1, day=1
    )
    WorkoutSetFactory(workout=workout, exercise=on_program.squat)
    assert selectors.prescription_for(on_program.athlete).position.day == 2  # type: ignore[union-attr]
    url = reverse("athletes:workout_delete", args=[on_program.athlete.pk, workout.pk])
    page = coach_client.get(url).content.decode()
    assert "with its 1 set(s)" in page
    assert "counts as not done again" in page
    assert Workout.objects.filter(pk=workout.pk).exists()  # nothing happens on GET
    coach_client.post(url)
    assert not Workout.objects.filter(pk=workout.pk).exists()
    assert selectors.prescription_for(on_program.athlete).position.day == 1  # type: ignore[union-attr]


def test_an_athlete_cannot_delete_a_workout_their_coach_reviewed(
    on_program: OnProgram, athlete_user: User
) -> None:
    workout = WorkoutFactory(athlete=on_program.athlete, assignment=on_program.assignment)
    WorkoutReviewFactory(workout=workout)
    url = reverse("athletes:workout_delete", args=[on_program.athlete.pk, workout.pk])
    response = client_for(athlete_user).post(url)
    assert response.status_code == 403
    assert Workout.objects.filter(pk=workout.pk).exists()


def test_deleting_a_training_max_puts_the_previous_one_back_in_force(
    on_program: OnProgram, coach_client: Client
) -> None:
    newer = TrainingMaxFactory(
        athlete=on_program.athlete,
        exercise=on_program.squat,
        weight=Decimal(250),
        effective_date=dt.date.today() - dt.timedelta(days=1),
    )
    url = reverse("athletes:training_max_delete", args=[on_program.athlete.pk, newer.pk])
    page = coach_client.get(url).content.decode()
    assert "200 from 1 Jan 2025 is in force again" in page
    coach_client.post(url)
    current = selectors.current_training_maxes(
        list(TrainingMax.objects.filter(athlete=on_program.athlete, exercise=on_program.squat))
    )
    assert current[on_program.squat.pk].weight == Decimal(200)


def test_deleting_a_body_weight_or_a_note(on_program: OnProgram, coach_client: Client) -> None:
    athlete = on_program.athlete
    entry = BodyWeightFactory(athlete=athlete, weight=Decimal("81.5"))
    note = AthleteNoteFactory(athlete=athlete, content="Typo note")
    coach_client.post(reverse("athletes:body_weight_delete", args=[athlete.pk, entry.pk]))
    coach_client.post(reverse("athletes:note_delete", args=[athlete.pk, note.pk]))
    assert not BodyWeight.objects.filter(pk=entry.pk).exists()
    assert not AthleteNote.objects.filter(pk=note.pk).exists()
    page = coach_client.get(athlete.get_absolute_url()).content.decode()
    assert "Deleted the note of" in page
    assert 'pre-line">Typo note' not in page


def test_bulk_review_marks_the_ticked_unreviewed_workouts_of_this_athlete_only(
    on_program: OnProgram, coach: User, coach_client: Client, other_coach: User
) -> None:
    athlete = on_program.athlete
    today = dt.date.today()
    pending = [
        WorkoutFactory(athlete=athlete, date=today - dt.timedelta(days=n)) for n in (1, 2, 3)
    ]
    reviewed = WorkoutFactory(athlete=athlete, date=today - dt.timedelta(days=4))
    WorkoutReviewFactory(workout=reviewed, status="needs_work")
    stranger = WorkoutFactory(athlete=AthleteFactory(coach=other_coach))
    listing = coach_client.get(reverse("athletes:workout_list", args=[athlete.pk])).content.decode()
    assert listing.count('form="bulk-review" checked') == 3  # the unreviewed ones, pre-ticked

    ticked = [pending[0].pk, pending[1].pk, reviewed.pk, stranger.pk]
    response = coach_client.post(
        reverse("athletes:workouts_review_bulk", args=[athlete.pk]),
        {"workout": [str(pk) for pk in ticked]},
        follow=True,
    )
    assert "2 workouts marked reviewed." in response.content.decode()
    assert WorkoutReview.objects.filter(workout__in=pending[:2], status="approved").count() == 2
    assert not WorkoutReview.objects.filter(workout=pending[2]).exists()
    assert WorkoutReview.objects.get(workout=reviewed).status == "needs_work"
    assert not WorkoutReview.objects.filter(workout=stranger).exists()
    assert WorkoutReview.objects.get(workout=pending[0]).coach == coach


def test_bulk_review_with_nothing_ticked_says_so(
    on_program: OnProgram, coach_client: Client
) -> None:
    response = coach_client.post(
        reverse("athletes:workouts_review_bulk", args=[on_program.athlete.pk]), follow=True
    )
    assert "Tick the workouts to mark reviewed first." in response.content.decode()
