"""Messages a user can act on: no leftovers after an import, sizes and numbers in plain words,
visible errors for a bad workout post, the app's own 400 page, bounded start dates."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from athletes.services import program_assign
from programs.catalog.parse import parse_catalog
from programs.drafts import import_draft_approve
from programs.models import ImportDraft
from tests.athletes.test_views import log_data
from tests.conftest import client_for
from tests.factories import ExerciseFactory, ProgramTemplateFactory
from tests.programs.factories_catalog import catalog, program, pset
from tests.programs.test_views import make_draft, upload


@pytest.mark.django_db
def test_an_approved_import_has_nothing_left_to_resolve(admin_user: Any) -> None:
    draft = make_draft(admin_user)  # its program "Block A" is in the catalog once approved
    import_draft_approve(draft=draft, by=admin_user)
    draft.refresh_from_db()
    page = client_for(admin_user).get(draft.get_absolute_url()).content.decode()
    assert "Imported" in page
    assert "to resolve" not in page
    assert "already exists" not in page


@pytest.mark.django_db
def test_a_file_one_byte_over_the_limit_says_so_in_bytes(admin_user: Any) -> None:
    response = upload(client_for(admin_user), b" " * (10 * 1024 * 1024 + 1))
    assert "The file is 10,485,761 bytes; the limit is 10 MB (10,485,760 bytes)." in (
        response.content.decode()
    )
    assert ImportDraft.objects.count() == 0


def test_a_bound_is_a_number_not_a_python_repr() -> None:
    doc = catalog(programs=[program(sets=[pset(absolute_weight=20000)])])
    [error] = parse_catalog(json.dumps(doc)).errors
    assert error.message == "20000 is more than the maximum 10000"


def test_a_number_of_thousands_of_digits_is_explained_without_python() -> None:
    text = '{"type": "catalog", "version": "1.0", "x": ' + "1" * 5000 + "}"
    [error] = parse_catalog(text).errors
    assert error.message == (
        "Invalid JSON: a number is too long (5000 digits); numbers may have at most 4,300 digits."
    )
    assert "sys." not in error.message


@pytest.mark.django_db
def test_an_unknown_rep_type_shows_its_message_on_the_row(athlete: Any, coach: Any) -> None:
    squat = ExerciseFactory(name="Back Squat")
    response = client_for(coach).post(
        reverse("athletes:workout_log", args=[athlete.pk]),
        log_data({"exercise": squat.pk, "reps": 5, "rep_type": "furlongs"}),
    )
    assert response.status_code == 422
    assert "Unknown type furlongs: choose reps, each side, sec or metres." in (
        response.content.decode()
    )


@pytest.mark.django_db
def test_too_many_fields_answer_the_apps_page_saying_what_to_do(athlete: Any, coach: Any) -> None:
    fields = {f"f{i}": "x" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = client_for(coach).post(reverse("athletes:workout_log", args=[athlete.pk]), fields)
    assert response.status_code == 400
    page = response.content.decode()
    assert "<html" in page
    assert "more fields than the server accepts" in page
    assert "log fewer sets at once" in page


@pytest.mark.django_db
def test_a_start_date_far_ahead_is_refused(athlete: Any, coach: Any) -> None:
    template = ProgramTemplateFactory(name="Base")
    with pytest.raises(ValidationError, match="more than a year ahead"):
        program_assign(
            athlete=athlete, template=template, start_date=dt.date(9999, 12, 31), by=coach
        )
    next_month = timezone.localdate() + dt.timedelta(days=30)
    assigned = program_assign(athlete=athlete, template=template, start_date=next_month, by=coach)
    assert assigned.start_date == next_month
