"""The packet where it shows: the context.json download and the readable panel."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from athletes.models import Athlete, User
from generation.packet import Packet
from tests.conftest import client_for
from tests.factories import AthleteNoteFactory
from tests.generation.factories_context import build_story

pytestmark = pytest.mark.django_db


@pytest.fixture
def tommy(coach: User) -> Athlete:
    athlete = build_story(weeks=10, today=timezone.localdate()).athlete
    athlete.coach = coach
    athlete.save()
    AthleteNoteFactory(
        athlete=athlete,
        author=coach,
        content="Private: left knee sore after the game.",
        is_private=True,
        is_pinned=True,
        date=timezone.localdate(),
    )
    return athlete


def test_context_json_is_a_download_of_the_packet(tommy: Athlete, coach_client: Client) -> None:
    response = coach_client.get(reverse("context_json", args=[tommy.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="replog-context-tommy-test-')
    assert disposition.endswith('.json"')
    assert "no-store" in response["Cache-Control"]
    packet = Packet.model_validate_json(response.content)
    assert packet.profile.name == "Tommy Test"
    # Private notes are in: that is why only the coach may download it.
    assert packet.notes.pinned[0].private
    assert "left knee" in json.loads(response.content)["notes"]["pinned"][0]["text"]


def test_admin_may_download_any_packet(tommy: Athlete, admin_user: User) -> None:
    response = client_for(admin_user).get(reverse("context_json", args=[tommy.pk]))
    assert response.status_code == 200


def test_panel_fragment_for_htmx(tommy: Athlete, coach_client: Client) -> None:
    url = reverse("generation:context_panel", args=[tommy.pk])
    response = coach_client.get(url, headers={"HX-Request": "true"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "Generator data for Tommy Test" in html
    assert "Back Squat:" in html
    assert "RPE stable" in html
    assert "100 % over the last 12 weeks" in html
    assert "Health and injury mentions" in html
    assert "left knee sore after the game" in html
    assert reverse("context_json", args=[tommy.pk]) in html
    assert "<details>" in html  # the raw JSON, folded


def test_panel_without_htmx_is_a_page(tommy: Athlete, coach_client: Client) -> None:
    response = coach_client.get(reverse("generation:context_panel", args=[tommy.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html
    assert "What data will the generator see?" in html
    assert "Generator data for Tommy Test" in html
    assert tommy.get_absolute_url() in html
