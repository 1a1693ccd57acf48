"""Logging against a supplemental program (a running plan beside the strength program): the
athlete page shows its next run, the log form opens on it, and only its position advances."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from athletes import selectors, services
from athletes.models import AthleteProgram, ProgramRole, User, Workout
from athletes.services import SetInput
from programs.models import Exercise, ProgramTemplate, RepType
from settings_app.services import settings_set
from tests.athletes.conftest import OnProgram
from tests.athletes.test_selectors import count_queries
from tests.conftest import client_for
from tests.factories import (
    AthleteFactory,
    AthleteProgramFactory,
    ExerciseFactory,
    PrescribedSetFactory,
    ProgramTemplateFactory,
)

pytestmark = pytest.mark.django_db

SESSIONS = [  # (week, day, exercise, metres, notes) as a running plan writes them
    (1, 1, "Easy Run", 5000, "Wed · Easy Run — Conversational pace."),
    (1, 2, "Long Run", 12000, "Sat · Long Run — Steady, the longest run of the week."),
    (2, 1, "Easy Run", 6000, "Wed · Easy Run — Conversational pace."),
    (2, 2, "Long Run", 13000, "Sat · Long Run — Steady."),
]


def running_plan(name: str = "10k plan") -> ProgramTemplate:
    template = ProgramTemplateFactory(name=name, num_weeks=2, num_days=2)
    for week, day, name, metres, notes in SESSIONS:
        exercise = Exercise.objects.filter(name=name).first() or ExerciseFactory(
            name=name, movement_pattern="run"
        )
        PrescribedSetFactory(
            template=template,
            exercise=exercise,
            week=week,
            day=day,
            set_number=1,
            reps=metres,
            rep_type=RepType.DISTANCE,
            percentage=None,
            notes=notes,
        )
    return template


@pytest.fixture
def plan(on_program: OnProgram) -> AthleteProgram:
    return AthleteProgramFactory(
        athlete=on_program.athlete,
        template=running_plan(),
        role=ProgramRole.SUPPLEMENTAL,
        start_date=timezone.localdate() - dt.timedelta(days=3),
    )


def log_url(plan: AthleteProgram) -> str:
    url = reverse("athletes:workout_log", args=[plan.athlete_id])
    return f"{url}?assignment={plan.pk}"


def run_post(plan: AthleteProgram, *, days_ago: int, km: str) -> dict[str, object]:
    exercise = Exercise.objects.get(name="Easy Run")
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    return {
        "date": day.isoformat(),
        "notes": "",
        "row": ["0"],
        "set-0-exercise": exercise.pk,
        "set-0-distance": km,
        "set-0-duration": "30:00",
    }


def test_the_athlete_page_shows_the_next_run_and_a_link_to_log_it(
    coach_client: Client, plan: AthleteProgram
) -> None:
    page = coach_client.get(plan.athlete.get_absolute_url()).content.decode()
    assert "Next run:</strong> Week 1 · Wed · Easy Run · 5.0 km" in page
    assert f'href="{log_url(plan)}"' in page


def test_the_log_form_opens_on_the_runs_next_session_in_the_unit_with_time_empty(
    coach_client: Client, plan: AthleteProgram, admin_user: User
) -> None:
    settings_set(key="defaults.distance_unit", value="mi", by=admin_user)
    response = coach_client.get(log_url(plan))
    page = response.content.decode()
    assert response.status_code == 200
    assert "10k plan" in page
    assert "Week 1, Day 1" in page
    assert 'name="set-0-distance" value="3.11"' in page  # 5000 m in miles
    assert 'name="set-0-duration" maxlength="20" placeholder="mm:ss"' in page  # no value
    easy = Exercise.objects.get(name="Easy Run")
    assert f'<option value="{easy.pk}" selected>Easy Run</option>' in page
    assert 'name="row" value="1"' not in page  # the one run, not the strength session
    assert 'id="adjust-today"' not in page  # session adjustment is for the strength program


def test_a_run_logged_against_the_plan_advances_the_plan_only(
    coach_client: Client, plan: AthleteProgram, on_program: OnProgram
) -> None:
    response = coach_client.post(log_url(plan), run_post(plan, days_ago=1, km="5.2"))
    assert response.status_code == 302
    workout = Workout.objects.get()
    assert (workout.assignment_id, workout.week, workout.day) == (plan.pk, 1, 1)
    assert workout.sets.get().reps == 5200

    page = coach_client.get(plan.athlete.get_absolute_url()).content.decode()
    assert "Next run:</strong> Week 1 · Sat · Long Run · 12.0 km" in page
    primary = selectors.prescription_for(on_program.athlete)
    assert primary is not None
    assert primary.assignment == on_program.assignment
    assert (primary.position.week, primary.position.day, primary.position.session_index) == (
        1,
        1,
        0,
    )


def test_a_workout_logged_without_a_choice_still_counts_for_the_primary_program(
    coach_client: Client, plan: AthleteProgram, on_program: OnProgram
) -> None:
    url = reverse("athletes:workout_log", args=[plan.athlete_id])
    coach_client.post(url, run_post(plan, days_ago=1, km="5"))
    assert Workout.objects.get().assignment_id == on_program.assignment.pk
    rx = selectors.prescription_for(on_program.athlete, assignment_pk=plan.pk)
    assert rx is not None
    assert rx.label == "Week 1 · Wed · Easy Run · 5.0 km"


def test_the_athlete_logs_their_own_run_against_the_plan(
    athlete_user: User, plan: AthleteProgram
) -> None:
    client = client_for(athlete_user)
    response = client.post(log_url(plan), run_post(plan, days_ago=2, km="5"))
    assert response.status_code == 302
    assert Workout.objects.get().assignment_id == plan.pk


@pytest.mark.parametrize("value", ["abc", "999999", "-1", "1" * 30])
def test_an_unknown_assignment_is_a_404_in_words(
    coach_client: Client, plan: AthleteProgram, value: str
) -> None:
    url = reverse("athletes:workout_log", args=[plan.athlete_id]) + f"?assignment={value}"
    assert coach_client.get(url).status_code == 404
    assert coach_client.post(url, run_post(plan, days_ago=1, km="5")).status_code == 404
    assert not Workout.objects.exists()


def test_an_ended_plan_or_another_athletes_plan_cannot_be_logged_against(
    coach_client: Client, plan: AthleteProgram, coach: User
) -> None:
    other = AthleteProgramFactory(
        athlete=AthleteFactory(coach=coach), role=ProgramRole.SUPPLEMENTAL
    )
    foreign = reverse("athletes:workout_log", args=[plan.athlete_id]) + f"?assignment={other.pk}"
    assert coach_client.get(foreign).status_code == 404
    AthleteProgram.objects.filter(pk=plan.pk).update(is_active=False)
    assert coach_client.post(log_url(plan), run_post(plan, days_ago=1, km="5")).status_code == 404
    assert not Workout.objects.exists()


def test_another_coach_cannot_open_the_plans_log_form(
    other_coach: User, plan: AthleteProgram
) -> None:
    assert client_for(other_coach).get(log_url(plan)).status_code == 404


def test_the_service_refuses_another_athletes_assignment_in_words(
    plan: AthleteProgram, coach: User
) -> None:
    stranger = AthleteFactory(coach=coach, name="Kim")
    sets = [SetInput(exercise_id=ExerciseFactory().pk, reps=5)]
    with pytest.raises(ValidationError, match="10k plan is not an active program of Kim"):
        services.workout_log(
            athlete=stranger, date=timezone.localdate(), sets=sets, by=coach, assignment=plan
        )
    assert not Workout.objects.exists()


def test_the_athlete_page_query_count_does_not_grow_with_supplemental_programs(
    plan: AthleteProgram, coach: User, django_assert_num_queries: object
) -> None:
    athlete = plan.athlete
    one = count_queries(lambda: selectors.athlete_page(user=coach, athlete=athlete))
    AthleteProgramFactory(
        athlete=athlete, template=running_plan("Half plan"), role=ProgramRole.SUPPLEMENTAL
    )
    with django_assert_num_queries(one):  # type: ignore[operator]
        page = selectors.athlete_page(user=coach, athlete=athlete)
    assert [rx.label for rx in page.supplemental_sessions] == [
        "Week 1 · Wed · Easy Run · 5.0 km"
    ] * 2
