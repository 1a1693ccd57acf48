from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from athletes.models import Athlete, GoalHistory, TierHistory, User
from tests.conftest import client_for
from tests.factories import (
    AthleteNoteFactory,
    AthleteProgramFactory,
    BodyWeightFactory,
    GoalHistoryFactory,
    TierHistoryFactory,
    TrainingMaxFactory,
    WorkoutReviewFactory,
    WorkoutSetFactory,
)

pytestmark = pytest.mark.django_db


def test_every_athletes_model_is_in_the_admin() -> None:
    models = set(apps.get_app_config("athletes").get_models())
    assert models <= set(admin.site._registry)


def test_every_changelist_and_change_page_renders(admin_user: User, athlete: Athlete) -> None:
    workout_set = WorkoutSetFactory(workout__athlete=athlete)
    objects = [
        athlete,
        athlete.user,
        workout_set,
        workout_set.workout,
        WorkoutReviewFactory(workout=workout_set.workout),
        AthleteNoteFactory(athlete=athlete),
        TrainingMaxFactory(athlete=athlete),
        BodyWeightFactory(athlete=athlete),
        AthleteProgramFactory(athlete=athlete),
        GoalHistoryFactory(athlete=athlete),
        TierHistoryFactory(athlete=athlete),
    ]
    client = client_for(admin_user)
    for obj in objects:
        meta = obj._meta
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        assert client.get(changelist, {"q": "a"}).status_code == 200, changelist
        change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
        assert client.get(change).status_code == 200, change


def test_history_is_read_only_in_the_admin(admin_user: User, athlete: Athlete) -> None:
    row = GoalHistoryFactory(athlete=athlete)
    client = client_for(admin_user)
    assert client.get(reverse("admin:athletes_goalhistory_add")).status_code == 403
    response = client.post(
        reverse("admin:athletes_goalhistory_change", args=[row.pk]), {"goal": "rewritten"}
    )
    assert response.status_code == 403
    row.refresh_from_db()
    assert row.goal == "Get stronger"


def test_changing_tier_and_goal_in_the_admin_records_history(
    admin_user: User, athlete: Athlete, coach: User
) -> None:
    response = client_for(admin_user).post(
        reverse("admin:athletes_athlete_change", args=[athlete.pk]),
        {
            "name": "Alex",
            "tier": "intermediate",
            "goal": "Deadlift 400",
            "sport": "",
            "notes": "",
            "date_of_birth": "2000-01-01",
            "track_body_weight": "on",
            "coach": coach.pk,
            "user": athlete.user_id,
            **_empty_inlines(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert TierHistory.objects.get(athlete=athlete).tier == "intermediate"
    assert GoalHistory.objects.get(athlete=athlete).changed_by == admin_user


def test_admin_refuses_a_service_rule_beside_the_field(
    admin_user: User, athlete: Athlete, athlete_user: User
) -> None:
    response = client_for(admin_user).post(
        reverse("admin:athletes_athlete_change", args=[athlete.pk]),
        {
            "name": "Alex",
            "tier": "none",
            "date_of_birth": "2000-01-01",
            "coach": athlete_user.pk,  # an athlete login cannot coach
            **_empty_inlines(),
        },
    )
    assert response.status_code == 200
    assert "is not a coach" in response.content.decode()
    athlete.refresh_from_db()
    assert athlete.coach is not None
    assert athlete.coach.username == "coach"


def test_creating_an_athlete_in_the_admin_goes_through_the_service(
    admin_user: User, coach: User
) -> None:
    response = client_for(admin_user).post(
        reverse("admin:athletes_athlete_add"),
        {"name": "Nia", "tier": "foundational", "coach": coach.pk, **_empty_inlines()},
    )
    assert response.status_code == 302
    nia = Athlete.objects.get(name="Nia")
    assert TierHistory.objects.get(athlete=nia).previous_tier == ""


def _empty_inlines() -> dict[str, str]:
    data = {}
    for prefix in ("equipment_links", "assignments", "tier_history", "goal_history"):
        data[f"{prefix}-TOTAL_FORMS"] = "0"
        data[f"{prefix}-INITIAL_FORMS"] = "0"
        data[f"{prefix}-MIN_NUM_FORMS"] = "0"
        data[f"{prefix}-MAX_NUM_FORMS"] = "1000"
    return data


def test_the_athlete_list_names_the_coach_not_their_username(
    admin_user: User, athlete: Athlete
) -> None:
    coach = athlete.coach
    assert coach is not None
    coach.first_name, coach.last_name = "Dana", "Reyes"
    coach.save(update_fields=["first_name", "last_name"])
    html = client_for(admin_user).get(reverse("admin:athletes_athlete_changelist")).content.decode()
    assert "Dana Reyes" in html
