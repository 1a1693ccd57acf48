"""The running-plan pages: the form, its errors in the coach's words, the calendar preview."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from athletes.models import Athlete, User
from generation.models import GenerationRun, RunStatus
from generation.runs.execute import generation_execute
from settings_app.services import settings_set

FORM = {
    "race": "10k",
    "weeks": "6",
    "days_per_week": "3",
    "preferred": ["0", "2", "5"],
    "long_run_day": "5",
    "start_date": "2026-12-07",
    "speedwork": "on",
    "engine": "rules",
}


def _post(client: Client, athlete: Athlete, **changes: Any) -> Any:
    return client.post(reverse("generation:running_plan", args=[athlete.pk]), {**FORM, **changes})


def test_the_athlete_page_links_to_a_new_running_plan(
    coach_client: Client, athlete: Athlete
) -> None:
    page = coach_client.get(athlete.get_absolute_url()).content.decode()
    assert reverse("generation:running_plan", args=[athlete.pk]) in page


def test_posting_the_form_drafts_a_plan_and_shows_its_calendar(
    coach_client: Client, athlete: Athlete
) -> None:
    response = _post(coach_client, athlete)
    run = GenerationRun.objects.get(athlete=athlete)
    assert response["Location"] == run.get_absolute_url()
    generation_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.READY, run.error_message
    page = coach_client.get(run.get_absolute_url()).content.decode()
    assert 'id="running-calendar"' in page
    assert 'id="calendar-week-6"' in page
    assert "Long Run" in page
    assert "km" in page
    assert "supplemental program" in page


def test_the_calendar_reads_in_miles_when_the_unit_is_miles(
    coach_client: Client, athlete: Athlete, admin_user: User
) -> None:
    settings_set(key="defaults.distance_unit", value="mi", by=admin_user)
    _post(coach_client, athlete)
    run = GenerationRun.objects.get(athlete=athlete)
    generation_execute(run_id=run.pk)
    page = coach_client.get(run.get_absolute_url()).content.decode()
    assert "distances in mi" in page
    assert " mi</strong>" in page


def test_a_bad_plan_is_refused_in_the_coachs_words_and_nothing_is_written(
    coach_client: Client, athlete: Athlete
) -> None:
    response = _post(coach_client, athlete, preferred=["0", "2"])
    assert response.status_code == 422
    assert "Preferred days: 2 weekdays given for 3 days a week." in response.content.decode()
    assert not GenerationRun.objects.exists()


def test_race_date_and_weeks_together_are_refused(coach_client: Client, athlete: Athlete) -> None:
    response = _post(coach_client, athlete, race_date="2027-03-01")
    assert response.status_code == 422
    assert "Give either a race date or a number of weeks, not both." in response.content.decode()
