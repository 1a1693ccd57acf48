"""The intake pages end to end: the coach's form saves the athlete and drafts the first program;
a failed draft keeps the athlete and offers a retry; bad input is a 422 naming the field."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from athletes.intake_models import IntakeInvite
from athletes.models import Athlete, User
from generation.models import GenerationRun, RunStatus
from tests.factories import AthleteFactory
from tests.generation.factories_runs import build_world, immediate_tasks

pytestmark = pytest.mark.django_db

FORM: dict[str, Any] = {
    "name": "Sam Lee",
    "experience_years": 2,
    "goals": ["strength"],
    "days_per_week": 2,
    "session_minutes": 60,
    "equipment_preset": "full_gym",
    "equipment": "Barbell\nKettlebell",
    "estimated_maxes": "Back Squat: 100",
    "date_of_birth": "1995-05-01",
    "unit": "kg",
}


@pytest.mark.django_db(transaction=True)
def test_the_intake_saves_the_athlete_and_drafts_the_first_program(
    coach: User, coach_client: Client
) -> None:
    build_world(coach)
    with immediate_tasks():
        response = coach_client.post(reverse("generation:intake_new"), FORM)
    athlete = Athlete.objects.get(name="Sam Lee")
    assert response.status_code == 302
    assert response["Location"] == reverse("generation:intake_status", args=[athlete.pk])
    run = GenerationRun.objects.get(athlete=athlete)
    assert run.status == RunStatus.READY, run.error_message
    assert run.intake_snapshot is not None
    page = coach_client.get(response["Location"]).content.decode()
    assert "Confirm as training maxes" in page
    assert 'id="retry"' not in page


def test_bad_input_names_the_field_and_writes_nothing(coach_client: Client) -> None:
    response = coach_client.post(
        reverse("generation:intake_new"), {**FORM, "estimated_maxes": "Back Squat: heavy"}
    )
    assert response.status_code == 422
    assert "line 1" in response.content.decode()
    assert not Athlete.objects.filter(name="Sam Lee").exists()


def test_a_failed_generation_keeps_the_athlete_and_offers_a_retry(
    coach: User, coach_client: Client
) -> None:
    # No global template and no catalog: the draft cannot be made, the athlete is still saved.
    response = coach_client.post(reverse("generation:intake_new"), FORM, follow=True)
    athlete = Athlete.objects.get(name="Sam Lee")
    run = GenerationRun.objects.get(athlete=athlete)
    GenerationRun.objects.filter(pk=run.pk).update(
        status=RunStatus.FAILED, error_message="The draft could not be made."
    )
    page = coach_client.get(reverse("generation:intake_status", args=[athlete.pk])).content
    assert b"The draft could not be made." in page
    assert b'id="retry"' in page
    assert response.status_code == 200
    retry = coach_client.post(reverse("generation:intake_retry", args=[athlete.pk]))
    assert retry.status_code == 302
    assert GenerationRun.objects.filter(athlete=athlete).count() == 2


def test_the_invite_link_creates_the_login_and_is_single_use(
    coach: User, coach_client: Client, client: Client
) -> None:
    newcomer = AthleteFactory(name="Alex New", coach=coach)
    page = coach_client.post(reverse("generation:intake_invite", args=[newcomer.pk]))
    link = page.context["invite_link"]
    path = link[link.index("/", len("http://")) :]
    form = {**FORM, "username": "alexnew", "password": "long-enough-9"}
    del form["name"]
    response = client.post(path, form)
    assert response.status_code == 302
    newcomer.refresh_from_db()
    assert newcomer.user is not None
    assert newcomer.user.username == "alexnew"
    assert IntakeInvite.objects.get(athlete=newcomer).used_at is not None
    assert Client().get(path).status_code == 410
