"""Intake → first program: the snapshot (history kept), estimated maxes confirmed before they
count, the template choice, the first run (records snapshot and model), failure keeps the
athlete, and the one-time invite."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from athletes.intake import (
    IntakeData,
    InviteInvalid,
    intake_confirm_maxes,
    intake_record,
    invite_create,
    invite_for_token,
    invite_redeem,
    latest_intake,
)
from athletes.intake_models import IntakeInvite, IntakeSnapshot
from athletes.models import Athlete, TrainingMax, User
from generation.intake import templates as tpl
from generation.intake.services import intake_first_program, intake_new_athlete
from generation.models import GenerationRun, RunStatus
from generation.runs.execute import generation_execute
from tests.factories import AthleteFactory
from tests.generation.factories_runs import build_world

pytestmark = pytest.mark.django_db


def intake(**overrides: Any) -> IntakeData:
    fields: dict[str, Any] = {
        "experience_years": 2,
        "goals": ["strength"],
        "days_per_week": 2,
        "equipment": ["Barbell", "Kettlebell"],
        "date_of_birth": dt.date(1995, 5, 1),
        "unit": "kg",
    }
    fields.update(overrides)
    return IntakeData(**fields)


def test_a_redone_intake_keeps_the_earlier_snapshot(athlete: Athlete, coach: User) -> None:
    first = intake_record(athlete=athlete, data=intake(days_per_week=3), by=coach)
    second = intake_record(athlete=athlete, data=intake(days_per_week=4), by=coach)
    assert IntakeSnapshot.objects.filter(athlete=athlete).count() == 2
    assert latest_intake(athlete) == second
    first.refresh_from_db()
    assert first.data["days_per_week"] == 3


def test_bad_intake_names_the_field() -> None:
    with pytest.raises(ValueError, match="days_per_week"):
        intake(days_per_week=9)
    with pytest.raises(ValueError, match="season ends before it starts"):
        intake(season_start=dt.date(2026, 5, 1), season_end=dt.date(2026, 4, 1))


def test_estimated_maxes_become_training_maxes_only_when_confirmed(
    coach: User,
) -> None:
    world = build_world(coach)
    data = intake(estimated_maxes=[{"exercise": "back squat", "weight": "100"}])
    athlete, snapshot = intake_new_athlete(name="Sam Lee", coach=coach, data=data, by=coach)
    assert not TrainingMax.objects.filter(athlete=athlete).exists()
    [tm] = intake_confirm_maxes(snapshot=snapshot, by=coach)
    assert (tm.exercise, tm.weight) == (world.squat, Decimal(100))
    snapshot.refresh_from_db()
    assert snapshot.maxes_confirmed_by == coach


def test_an_unknown_estimated_max_is_refused_whole(athlete: Athlete, coach: User) -> None:
    build_world(coach, name="Other")
    data = intake(
        estimated_maxes=[
            {"exercise": "Back Squat", "weight": "100"},
            {"exercise": "Zercher Carry", "weight": "60"},
        ]
    )
    snapshot = intake_record(athlete=athlete, data=data, by=coach)
    with pytest.raises(ValidationError, match="Zercher Carry"):
        intake_confirm_maxes(snapshot=snapshot, by=coach)
    assert not TrainingMax.objects.filter(athlete=athlete).exists()


def test_the_first_program_starts_from_the_best_template_and_records_the_intake(
    coach: User,
) -> None:
    world = build_world(coach)
    athlete, snapshot = intake_new_athlete(name="Sam Lee", coach=coach, data=intake(), by=coach)
    assert {e.name for e in athlete.equipment.all()} == {"Barbell", "Kettlebell"}
    outcome = intake_first_program(athlete=athlete, by=coach)
    assert outcome.run is not None
    generation_execute(run_id=outcome.run.pk)
    run = GenerationRun.objects.get(pk=outcome.run.pk)
    assert run.status == RunStatus.READY, run.error_message
    assert run.intake_snapshot == snapshot
    assert run.model  # the engine and version it came from
    assert world.template.name in run.intake_template_reason
    assert run.request["reference_program_ids"] == [world.template.pk]


def test_a_refused_generation_keeps_the_athlete_and_says_why(coach: User) -> None:
    build_world(coach)
    athlete, snapshot = intake_new_athlete(name="Sam Lee", coach=coach, data=intake(), by=coach)
    assert intake_first_program(athlete=athlete, by=coach).run is not None
    again = intake_first_program(athlete=athlete, by=coach)  # the first is still queued
    assert again.run is None
    assert "already being generated" in again.error
    assert Athlete.objects.filter(pk=athlete.pk).exists()
    assert latest_intake(athlete) == snapshot


# --- the template choice (pure) ---------------------------------------------------------------


def _template(pk: int, name: str, days: int, *exercises: tuple[str, set[str]]) -> tpl.TemplateFacts:
    facts = tuple(tpl.ExerciseFacts(n, "developing", frozenset(eq)) for n, eq in exercises)
    return tpl.TemplateFacts(pk, name, "", "", days, facts)


def _athlete(**overrides: Any) -> tpl.Athlete:
    fields: dict[str, Any] = {
        "tier": "developing", "audience": "adult", "goals": ("strength",), "days_per_week": 3,
        "equipment": frozenset({"dumbbell"}), "body_parts": (), "dislikes": (),
    }  # fmt: skip
    fields.update(overrides)
    return tpl.Athlete(**fields)


GYM = _template(1, "Barbell Strength", 3, ("Back Squat", {"barbell"}), ("Bench Press", {"barbell"}))
HOME = _template(2, "Home Strength", 3, ("Goblet Squat", {"dumbbell"}), ("Push-up", set()))
JUMPS = _template(3, "Athletic Jumps", 3, ("Depth Jump", set()), ("Push-up", set()))
BODY = _template(6, "Bodyweight Basics", 3, ("Plank", set()), ("Push-up", set()))


def test_the_choice_follows_the_equipment() -> None:
    choice = tpl.choose([GYM, HOME], _athlete())
    assert choice is not None
    assert choice.template.name == "Home Strength"
    gym = tpl.choose([GYM, HOME], _athlete(equipment=frozenset({"barbell", "dumbbell"})))
    assert gym is not None
    assert gym.template.name == "Barbell Strength"


def test_the_choice_spares_a_limited_body_part_and_says_so() -> None:
    free = tpl.choose([BODY, JUMPS], _athlete())
    knee = tpl.choose([BODY, JUMPS], _athlete(body_parts=("knee",)))
    assert free is not None
    assert knee is not None
    assert free.template.name == "Athletic Jumps"  # an even score: the name decides
    assert knee.template.name == "Bodyweight Basics"
    jumps = tpl.score(JUMPS, _athlete(body_parts=("knee",)))
    assert "loads a limited body part: Depth Jump" in jumps.reasons
    assert tpl.body_parts_in("Left knee tendinitis") == ("knee",)


def test_the_choice_follows_the_days_per_week() -> None:
    two = _template(4, "Two Day Strength", 2, ("Push-up", set()))
    four = _template(5, "Four Day Strength", 4, ("Push-up", set()))
    choice = tpl.choose([two, four], _athlete(days_per_week=4))
    assert choice is not None
    assert choice.template.name == "Four Day Strength"
    assert tpl.choose([], _athlete()) is None


# --- the one-time invite ----------------------------------------------------------------------


@pytest.fixture
def newcomer(coach: User) -> Athlete:
    return AthleteFactory(name="Alex New", coach=coach)  # no login yet


def test_an_invite_creates_the_login_once(newcomer: Athlete, coach: User) -> None:
    _, token = invite_create(athlete=newcomer, by=coach)
    user, snapshot = invite_redeem(
        token=token, username="alex", password="x-Long-pass-9", data=intake()
    )
    newcomer.refresh_from_db()
    assert newcomer.user == user
    assert user.is_athlete
    assert snapshot.filled_by == user
    with pytest.raises(InviteInvalid, match="already been used"):
        invite_redeem(token=token, username="alex2", password="x-Long-pass-9", data=intake())


def test_an_expired_or_forged_invite_is_refused(newcomer: Athlete, coach: User) -> None:
    invite, token = invite_create(athlete=newcomer, by=coach)
    with pytest.raises(InviteInvalid, match="not valid"):
        invite_for_token(token + "x")
    IntakeInvite.objects.filter(pk=invite.pk).update(expires_at=timezone.now())
    with pytest.raises(InviteInvalid, match="expired"):
        invite_for_token(token)


def test_a_taken_username_leaves_the_invite_unused(newcomer: Athlete, coach: User) -> None:
    invite, token = invite_create(athlete=newcomer, by=coach)
    with pytest.raises(ValidationError, match="taken"):
        invite_redeem(token=token, username="coach", password="x-Long-pass-9", data=intake())
    invite.refresh_from_db()
    assert invite.used_at is None


def test_the_packet_reads_the_latest_intake(coach: User) -> None:
    from generation.packet import build_packet

    build_world(coach)
    data = intake(estimated_maxes=[{"exercise": "Back Squat", "weight": "100"}], dislikes=["Lunge"])
    athlete, snapshot = intake_new_athlete(name="Sam Lee", coach=coach, data=data, by=coach)
    section = build_packet(athlete).intake
    assert section is not None
    assert (section.days_per_week, section.dislikes) == (2, ["Lunge"])
    assert section.estimated_maxes == ["Back Squat 100 kg"]
    assert section.maxes_confirmed is False
    intake_confirm_maxes(snapshot=snapshot, by=coach)
    confirmed = build_packet(athlete).intake
    assert confirmed is not None
    assert confirmed.maxes_confirmed is True
