"""Adjust for today in the browser's terms: check-in → suggestion → accept → logged workout."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from athletes.models import Athlete, ReadinessCheckIn, User, Workout
from generation.models import AdjustmentStatus, SessionAdjustment
from tests.conftest import client_for
from tests.generation.session.world import World, build_world

HTMX = {"HX-Request": "true"}


@pytest.fixture
def world(athlete: Athlete) -> World:
    return build_world(athlete)


def adjust_url(world: World) -> str:
    return reverse("generation:session_adjust", args=[world.athlete.pk])


def post_check_in(client: Client, world: World, **data: str) -> object:
    return client.post(adjust_url(world), {"strategy": "formula", **data}, headers=HTMX)


def test_the_check_in_asks_todays_groups_first(world: World, coach_client: Client) -> None:
    page = coach_client.get(adjust_url(world), headers=HTMX).content.decode()
    assert "<html" not in page
    first, _, others = page.partition("Other muscle groups")
    assert "Quads soreness" in first
    assert "Chest soreness" in first
    assert "Biceps soreness" in others


def test_a_check_in_shows_the_adjustment_beside_the_prescription(
    world: World, coach_client: Client, coach: User
) -> None:
    response = post_check_in(coach_client, world, sleep="2", energy="2", sore_quads="7")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Back Squat −2 sets, ×0.95: quads soreness 7/10" in page
    assert "<mark>1×5 × 205 lbs @ RPE 8</mark>" in page
    assert "3×5 × 225 lbs @ RPE 8" in page  # the prescription beside it
    record = SessionAdjustment.objects.get()
    assert (record.strategy_used, record.created_by) == ("formula", coach)
    assert record.inputs["readiness"]["soreness"] == {"quads": 7}
    assert ReadinessCheckIn.objects.get().sleep == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"sleep": "9"}, "Select a valid choice"),
        ({"sore_quads": "11"}, "less than or equal to 10"),
        ({"minutes": "-5"}, "greater than or equal to 5"),
        ({"pain": "moderate"}, "Say where it hurts"),
    ],
)
def test_bad_input_is_refused_in_words_and_writes_nothing(
    world: World, coach_client: Client, data: dict[str, str], message: str
) -> None:
    response = post_check_in(coach_client, world, **data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not ReadinessCheckIn.objects.exists()
    assert not SessionAdjustment.objects.exists()


def test_accept_prefills_the_log_form_and_logging_links_the_workout(
    world: World, coach_client: Client
) -> None:
    post_check_in(coach_client, world, sleep="2", energy="2", sore_quads="7")
    record = SessionAdjustment.objects.get()
    log_url = reverse("generation:session_log", args=[world.athlete.pk, record.pk])
    form = coach_client.get(log_url).content.decode()
    assert 'value="205"' in form
    assert "5 × 205 lbs (adjusted from 5 × 225 lbs)" in form
    response = coach_client.post(
        log_url,
        {
            "date": timezone.localdate().isoformat(),
            "row": ["0"],
            "set-0-exercise": world.squat.pk,
            "set-0-reps": "5",
            "set-0-weight": "205",
        },
    )
    assert response.status_code == 302
    workout = Workout.objects.get()
    record.refresh_from_db()
    assert (record.workout, record.status) == (workout, AdjustmentStatus.ACCEPTED)
    assert workout.sets.get().weight == Decimal("205")


def test_keep_the_plan_goes_to_the_ordinary_log_form(world: World, coach_client: Client) -> None:
    post_check_in(coach_client, world, sleep="4")
    record = SessionAdjustment.objects.get()
    response = coach_client.post(
        reverse("generation:session_keep", args=[world.athlete.pk, record.pk])
    )
    assert response["Location"] == reverse("athletes:workout_log", args=[world.athlete.pk])
    record.refresh_from_db()
    assert record.status == AdjustmentStatus.KEPT_PLAN


def test_the_athlete_may_adjust_only_when_the_coach_allowed_it(
    world: World, athlete_user: User
) -> None:
    client = client_for(athlete_user)
    assert client.get(adjust_url(world)).status_code == 403
    world.athlete.may_adjust_session = True
    world.athlete.save()
    assert client.get(adjust_url(world)).status_code == 200
    assert post_check_in(client, world, sleep="3").status_code == 200


def test_pages_link_to_adjust_for_today(world: World, coach_client: Client) -> None:
    url = adjust_url(world)
    detail = coach_client.get(world.athlete.get_absolute_url()).content.decode()
    assert f'href="{url}" hx-get="{url}"' in detail
    log = coach_client.get(reverse("athletes:workout_log", args=[world.athlete.pk]))
    assert f'href="{url}"' in log.content.decode()


def test_the_athlete_page_hides_the_link_when_not_allowed(world: World, athlete_user: User) -> None:
    page = client_for(athlete_user).get(world.athlete.get_absolute_url()).content.decode()
    assert adjust_url(world) not in page


def test_the_workout_page_shows_how_it_was_adjusted(world: World, coach_client: Client) -> None:
    post_check_in(coach_client, world, sore_quads="9")
    record = SessionAdjustment.objects.get()
    coach_client.post(
        reverse("generation:session_log", args=[world.athlete.pk, record.pk]),
        {
            "date": timezone.localdate().isoformat(),
            "row": ["0"],
            "set-0-exercise": world.squat.pk,
            "set-0-reps": "5",
        },
    )
    workout = Workout.objects.get()
    url = reverse("generation:workout_adjustment", args=[world.athlete.pk, workout.pk])
    fragment = coach_client.get(url, headers=HTMX).content.decode()
    assert "Back Squat recovery 3×5" in fragment
    assert "Formula" in fragment
    other = Workout.objects.create(
        athlete=world.athlete, date=timezone.localdate() - dt.timedelta(days=1)
    )
    url = reverse("generation:workout_adjustment", args=[world.athlete.pk, other.pk])
    assert "Not adjusted" in coach_client.get(url, headers=HTMX).content.decode()


def test_the_coach_turns_the_athlete_flag_on_in_the_profile(
    world: World, coach_client: Client
) -> None:
    url = reverse("athletes:edit", args=[world.athlete.pk])
    assert "Athlete may adjust today" in coach_client.get(url).content.decode()
    data = {"name": world.athlete.name, "tier": "none", "may_adjust_session": "on"}
    assert coach_client.post(url, data).status_code == 302
    world.athlete.refresh_from_db()
    assert world.athlete.may_adjust_session is True


def test_the_adjustment_record_page_works_without_javascript(
    world: World, coach_client: Client
) -> None:
    post_check_in(coach_client, world, sleep="5", energy="5")
    workout = Workout.objects.create(athlete=world.athlete, date=timezone.localdate())
    SessionAdjustment.objects.update(workout=workout)
    url = reverse("generation:workout_adjustment", args=[world.athlete.pk, workout.pk])
    page = coach_client.get(url).content.decode()
    assert "<html" in page
    assert "Adjusted for the day" in page
    assert "Accept and log" not in page
