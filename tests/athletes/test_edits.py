"""Editing what was logged by mistake: a prefilled form, the derived figures follow the edit,
and a clash with another row of the same day is a form error, not a 500."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from athletes import selectors
from athletes.models import AthleteNote, BodyWeight, TrainingMax, User
from generation.packet.build import build_packet
from tests.athletes.conftest import OnProgram
from tests.conftest import client_for
from tests.factories import AthleteNoteFactory, BodyWeightFactory, TrainingMaxFactory

pytestmark = pytest.mark.django_db


def _squat_targets(on_program: OnProgram) -> list[Decimal | None]:
    rx = selectors.prescription_for(on_program.athlete)
    assert rx is not None
    return [row.target_weight for row in rx.rows if row.exercise == on_program.squat]


def _squat_tm(on_program: OnProgram) -> TrainingMax:
    return TrainingMax.objects.get(athlete=on_program.athlete, exercise=on_program.squat)


def test_the_tm_edit_form_is_prefilled_and_the_athlete_page_links_to_it(
    on_program: OnProgram, coach_client: Client
) -> None:
    tm = _squat_tm(on_program)
    url = reverse("athletes:training_max_edit", args=[on_program.athlete.pk, tm.pk])
    page = coach_client.get(url).content.decode()
    assert 'value="200"' in page
    assert 'value="2025-01-01"' in page
    assert url in coach_client.get(on_program.athlete.get_absolute_url()).content.decode()


def test_editing_a_training_max_changes_the_next_sessions_loads_and_the_packet(
    on_program: OnProgram, coach_client: Client
) -> None:
    assert _squat_targets(on_program) == [Decimal(130), Decimal(150), Decimal(170)]
    assert "240" not in build_packet(on_program.athlete).model_dump_json()
    tm = _squat_tm(on_program)
    url = reverse("athletes:training_max_edit", args=[on_program.athlete.pk, tm.pk])
    response = coach_client.post(url, {"weight": "240", "effective_date": "2025-01-01"})
    assert response.status_code == 302
    tm.refresh_from_db()
    assert tm.weight == Decimal(240)
    assert TrainingMax.objects.filter(athlete=on_program.athlete).count() == 2  # no new row
    assert _squat_targets(on_program) == [Decimal(155), Decimal(180), Decimal(205)]
    packet = build_packet(on_program.athlete).model_dump_json()
    assert "240" in packet


def test_moving_a_training_max_onto_a_day_that_has_one_is_a_form_error(
    on_program: OnProgram, coach_client: Client
) -> None:
    newer = TrainingMaxFactory(
        athlete=on_program.athlete,
        exercise=on_program.squat,
        weight=Decimal(210),
        effective_date=dt.date(2025, 2, 1),
    )
    url = reverse("athletes:training_max_edit", args=[on_program.athlete.pk, newer.pk])
    response = coach_client.post(url, {"weight": "215", "effective_date": "2025-01-01"})
    assert response.status_code == 422
    assert "already a Back Squat training max from 1 Jan 2025" in response.content.decode()
    newer.refresh_from_db()
    assert (newer.weight, newer.effective_date) == (Decimal(210), dt.date(2025, 2, 1))


@pytest.mark.parametrize(
    ("weight", "day", "error"),
    [
        ("0", "2025-01-01", "greater than or equal to 0.01"),
        ("1000000", "2025-01-01", "digits before the decimal point"),
        ("200", "2999-01-01", "cannot be in the future"),
        ("200", "1850-01-01", "before 1900"),
        ("heavy", "2025-01-01", "Enter a number"),
    ],
)
def test_a_bad_training_max_edit_is_shown_on_the_form(
    on_program: OnProgram, coach_client: Client, weight: str, day: str, error: str
) -> None:
    tm = _squat_tm(on_program)
    url = reverse("athletes:training_max_edit", args=[on_program.athlete.pk, tm.pk])
    response = coach_client.post(url, {"weight": weight, "effective_date": day})
    assert response.status_code == 422
    assert error in response.content.decode()
    tm.refresh_from_db()
    assert tm.weight == Decimal(200)


def test_an_htmx_edit_answers_with_the_form_fragment_or_a_client_redirect(
    on_program: OnProgram, coach_client: Client
) -> None:
    tm = _squat_tm(on_program)
    url = reverse("athletes:training_max_edit", args=[on_program.athlete.pk, tm.pk])
    bad = coach_client.post(
        url, {"weight": "0", "effective_date": "2025-01-01"}, HTTP_HX_REQUEST="true"
    )
    assert bad.status_code == 422
    assert "<html" not in bad.content.decode()
    assert 'id="edit-form"' in bad.content.decode()
    good = coach_client.post(
        url, {"weight": "205", "effective_date": "2025-01-01"}, HTTP_HX_REQUEST="true"
    )
    assert good["HX-Redirect"] == on_program.athlete.get_absolute_url()


def test_editing_a_body_weight_changes_the_latest_and_a_same_day_clash_is_a_form_error(
    on_program: OnProgram, coach_client: Client
) -> None:
    athlete = on_program.athlete
    today = timezone.localdate()
    yesterday = BodyWeightFactory(
        athlete=athlete, weight=Decimal("80"), date=today - dt.timedelta(1)
    )
    latest = BodyWeightFactory(athlete=athlete, weight=Decimal("18.1"), date=today)
    url = reverse("athletes:body_weight_edit", args=[athlete.pk, latest.pk])
    assert 'value="18.1"' in coach_client.get(url).content.decode()
    clash = coach_client.post(url, {"weight": "81.8", "date": yesterday.date.isoformat()})
    assert clash.status_code == 422
    assert "already a body weight on" in clash.content.decode()
    response = coach_client.post(url, {"weight": "81.8", "date": today.isoformat()})
    assert response.status_code == 302
    assert BodyWeight.objects.get(pk=latest.pk).weight == Decimal("81.8")
    page = coach_client.get(athlete.get_absolute_url()).content.decode()
    assert "81.8" in page
    assert reverse("athletes:body_weight_edit", args=[athlete.pk, latest.pk]) in page
    assert build_packet(athlete).model_dump_json().count("18.1") == 0


def test_a_private_note_edited_by_the_coach_stays_private(
    on_program: OnProgram, coach_client: Client, athlete_user: User
) -> None:
    athlete = on_program.athlete
    note = AthleteNoteFactory(athlete=athlete, content="Knee: watch depth", is_private=True)
    url = reverse("athletes:note_edit", args=[athlete.pk, note.pk])
    form = coach_client.get(url).content.decode()
    assert "Knee: watch depth" in form
    assert 'name="is_private" id="id_is_private" checked' in form
    coach_client.post(url, {"content": "Knee: watch depth on squats", "is_private": "on"})
    note = AthleteNote.objects.get(pk=note.pk)
    assert (note.content, note.is_private) == ("Knee: watch depth on squats", True)
    assert "watch depth" in coach_client.get(athlete.get_absolute_url()).content.decode()
    seen_by_athlete = client_for(athlete_user).get(athlete.get_absolute_url()).content.decode()
    assert "watch depth" not in seen_by_athlete


def test_an_empty_note_edit_is_a_form_error(on_program: OnProgram, coach_client: Client) -> None:
    note = AthleteNoteFactory(athlete=on_program.athlete, content="Keep")
    url = reverse("athletes:note_edit", args=[on_program.athlete.pk, note.pk])
    response = coach_client.post(url, {"content": "   "})
    assert response.status_code == 422
    assert AthleteNote.objects.get(pk=note.pk).content == "Keep"


def test_an_upcoming_training_max_can_be_corrected_on_its_own_day(
    on_program: OnProgram, coach_client: Client
) -> None:
    ahead = timezone.localdate() + dt.timedelta(days=14)
    upcoming = TrainingMaxFactory(
        athlete=on_program.athlete,
        exercise=on_program.squat,
        weight=Decimal(210),
        effective_date=ahead,
    )
    url = reverse("athletes:training_max_edit", args=[on_program.athlete.pk, upcoming.pk])
    response = coach_client.post(url, {"weight": "207.5", "effective_date": ahead.isoformat()})
    assert response.status_code == 302
    assert TrainingMax.objects.get(pk=upcoming.pk).weight == Decimal("207.5")
    later = (ahead + dt.timedelta(days=1)).isoformat()
    moved = coach_client.post(url, {"weight": "207.5", "effective_date": later})
    assert moved.status_code == 422
    assert "cannot be in the future" in moved.content.decode()
