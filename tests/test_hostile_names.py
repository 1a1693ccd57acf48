"""Names entered through forms and the admin: invisible characters refused, NFC and spaces
normalised, by the same rule as CatalogJSON (replog.text)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from athletes.models import Athlete
from athletes.services import athlete_create
from programs.models import Exercise
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_an_athlete_name_with_a_bidi_override_is_refused_on_the_page(coach: Any) -> None:
    response = client_for(coach).post(
        reverse("athletes:create"), {"name": "Tommy\u202eyrraC", "tier": "none"}
    )
    assert response.status_code in {200, 422}
    assert "U+202E RIGHT-TO-LEFT OVERRIDE" in response.content.decode()
    assert not Athlete.objects.exists()


def test_an_athlete_name_is_stored_normalised(coach: Any) -> None:
    athlete = athlete_create(name="  Zoe\u0301   Park ", coach=coach, by=coach)
    assert athlete.name == "Zoé Park"


def test_a_nul_in_athlete_notes_is_refused_by_the_service(coach: Any) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="NUL character"):
        athlete_create(name="Zoe", notes="a\x00b", coach=coach, by=coach)


def test_the_admin_refuses_a_zero_width_exercise_name(admin_user: Any) -> None:
    response = client_for(admin_user).post(
        reverse("admin:programs_exercise_add"),
        {
            "name": "Back\u200bSquat",
            "aliases": "[]",
            "rest_seconds": "90",
            "equipment_links-TOTAL_FORMS": "0",
            "equipment_links-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "U+200B ZERO WIDTH SPACE" in response.content.decode()
    assert not Exercise.objects.exists()
