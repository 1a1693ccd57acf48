from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from athletes.models import (
    Athlete,
    AthleteNote,
    AthleteProgram,
    BodyWeight,
    GoalHistory,
    Role,
    TrainingMax,
    User,
    Workout,
    WorkoutReview,
)
from tests.athletes.conftest import OnProgram, put_on_program
from tests.conftest import client_for
from tests.factories import (
    AthleteFactory,
    AthleteNoteFactory,
    BodyWeightFactory,
    EquipmentFactory,
    ExerciseEquipmentFactory,
    ProgramTemplateFactory,
    UserFactory,
    WorkoutFactory,
    WorkoutReviewFactory,
    WorkoutSetFactory,
)

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}


def today() -> str:
    return timezone.localdate().isoformat()


def text(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined]


def log_data(*rows: dict[str, object], date: str | None = None, **extra: object) -> dict:
    data: dict[str, object] = {"date": date or today(), "notes": "", "row": []}
    for key, row in enumerate(rows):
        data["row"].append(str(key))  # type: ignore[union-attr]
        for name, value in row.items():
            data[f"set-{key}-{name}"] = value
    data.update(extra)
    return data


# --- list, create, edit ------------------------------------------------------------------------


def test_list_shows_the_coachs_athletes_with_program_and_position(
    on_program: OnProgram, coach_client: Client, other_coach: User
) -> None:
    AthleteFactory(name="Someone Else's", coach=other_coach)
    response = coach_client.get(reverse("athletes:list"))
    body = text(response)
    assert response.status_code == 200
    assert "Alex" in body
    assert "Strength Block" in body
    assert "Week 1, Day 1" in body
    assert "Someone Else" not in body


def test_list_search_answers_htmx_with_the_rows_only(
    on_program: OnProgram, coach_client: Client, coach: User
) -> None:
    AthleteFactory(name="Zed", coach=coach)
    response = coach_client.get(
        reverse("athletes:list"), {"q": "zed"}, headers={**HX, "HX-Target": "athlete-rows"}
    )
    body = text(response)
    assert "<html" not in body
    assert 'id="athlete-rows"' in body
    assert "Zed" in body
    assert "Alex" not in body


def test_athlete_login_lands_on_their_own_page(athlete: Athlete, athlete_user: User) -> None:
    response = client_for(athlete_user).get(reverse("athletes:list"))
    assert response.status_code == 302
    assert response["Location"] == athlete.get_absolute_url()


def test_create_athlete(coach: User, coach_client: Client) -> None:
    response = coach_client.post(
        reverse("athletes:create"),
        {"name": "Tommy", "sport": "Football", "tier": "sport_performance", "goal": "Start"},
    )
    tommy = Athlete.objects.get(name="Tommy")
    assert response.status_code == 302
    assert response["Location"] == tommy.get_absolute_url()
    assert tommy.coach == coach
    assert tommy.track_body_weight is False  # an unticked checkbox
    assert GoalHistory.objects.get(athlete=tommy).goal == "Start"


def test_create_athlete_errors_show_beside_the_field(coach_client: Client) -> None:
    response = coach_client.post(
        reverse("athletes:create"), {"name": "  ", "tier": "none", "date_of_birth": "2999-01-01"}
    )
    body = text(response)
    assert response.status_code == 422
    assert "This field is required." in body or "Name is required." in body
    assert not Athlete.objects.exists()


def test_admin_chooses_the_coach(admin_user: User, coach: User) -> None:
    response = client_for(admin_user).post(
        reverse("athletes:create"), {"name": "Kim", "tier": "none", "coach": coach.pk}
    )
    assert response.status_code == 302
    assert Athlete.objects.get(name="Kim").coach == coach


def test_edit_records_tier_history(athlete: Athlete, coach_client: Client) -> None:
    response = coach_client.post(
        reverse("athletes:edit", args=[athlete.pk]),
        {"name": "Alex", "tier": "intermediate", "goal": "", "track_body_weight": "on"},
    )
    assert response.status_code == 302
    athlete.refresh_from_db()
    assert athlete.tier == "intermediate"
    assert athlete.tier_history.get().previous_tier == "none"


# --- the athlete page --------------------------------------------------------------------------


def test_athlete_page_shows_todays_prescription_with_targets(
    on_program: OnProgram, coach_client: Client
) -> None:
    response = coach_client.get(reverse("athletes:detail", args=[on_program.athlete.pk]))
    body = text(response)
    assert response.status_code == 200
    assert "Week 1, Day 1" in body
    assert "130 lbs" in body  # 65 % of 200
    assert "170 lbs" in body  # 85 % of 200
    assert "AMRAP" in body
    assert "30 s" in body
    assert "10 each side" in body
    assert "bodyweight" in body


def test_athlete_page_hides_private_notes_from_the_athlete(
    athlete: Athlete, athlete_user: User, coach_client: Client
) -> None:
    AthleteNoteFactory(athlete=athlete, content="Coach-only worry", is_private=True)
    AthleteNoteFactory(athlete=athlete, content="Great session", is_pinned=True)
    url = reverse("athletes:detail", args=[athlete.pk])
    own = text(client_for(athlete_user).get(url))
    assert "Great session" in own
    assert "Coach-only worry" not in own
    assert "Add note" not in own
    assert "Coach-only worry" in text(coach_client.get(url))


def test_athlete_page_without_program_or_history(athlete: Athlete, coach_client: Client) -> None:
    body = text(coach_client.get(reverse("athletes:detail", args=[athlete.pk])))
    assert "No program assigned" in body
    assert "No workouts logged yet." in body


def test_athlete_page_query_count_is_constant(
    coach: User, coach_client: Client, django_assert_num_queries: object
) -> None:
    small = AthleteFactory(coach=coach, name="Small")
    put_on_program(small)
    WorkoutSetFactory(workout=WorkoutFactory(athlete=small, date=dt.date(2025, 1, 2)))
    url = reverse("athletes:detail", args=[small.pk])
    coach_client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as ctx:
        coach_client.get(url)
    big = AthleteFactory(coach=coach, name="Big")
    put_on_program(big)
    for i in range(40):
        workout = WorkoutFactory(athlete=big, date=dt.date(2024, 1, 1) + dt.timedelta(days=i))
        WorkoutSetFactory.create_batch(4, workout=workout)
        WorkoutReviewFactory(workout=workout)
        AthleteNoteFactory(athlete=big)
        BodyWeightFactory(athlete=big, date=dt.date(2024, 1, 1) + dt.timedelta(days=i))
    with django_assert_num_queries(len(ctx.captured_queries)):  # type: ignore[operator]
        response = coach_client.get(reverse("athletes:detail", args=[big.pk]))
    assert response.status_code == 200


def test_athlete_list_query_count_is_constant(
    coach: User, coach_client: Client, django_assert_num_queries: object
) -> None:
    put_on_program(AthleteFactory(coach=coach))
    url = reverse("athletes:list")
    coach_client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        coach_client.get(url)
    for _ in range(8):
        athlete = AthleteFactory(coach=coach)
        put_on_program(athlete)
        WorkoutFactory(athlete=athlete)
    with django_assert_num_queries(len(ctx.captured_queries)):  # type: ignore[operator]
        coach_client.get(url)


# --- logging a workout -------------------------------------------------------------------------


def test_log_form_is_prefilled_with_the_prescription(
    on_program: OnProgram, coach_client: Client
) -> None:
    response = coach_client.get(reverse("athletes:workout_log", args=[on_program.athlete.pk]))
    body = text(response)
    assert response.status_code == 200
    assert body.count('name="row"') == 10  # 3 squat + 3 bench + 3 plank + 1 lunge
    assert 'name="set-0-weight" value="130"' in body
    assert f'<option value="{on_program.squat.pk}" selected>' in body
    assert "Target: AMRAP × 170 lbs" in body
    assert "Target: 30 s × bodyweight" in body


def test_logging_the_prescription_advances_to_the_next_day(
    on_program: OnProgram, coach_client: Client
) -> None:
    athlete = on_program.athlete
    response = coach_client.post(
        reverse("athletes:workout_log", args=[athlete.pk]),
        log_data(
            {"exercise": on_program.squat.pk, "reps": 5, "weight": "130", "rpe": "7"},
            {"exercise": on_program.squat.pk, "reps": 9, "weight": "170", "is_amrap": "on"},
            {"exercise": "", "reps": "", "weight": "", "rpe": ""},  # left empty: skipped
        ),
    )
    assert response.status_code == 302
    workout = Workout.objects.get(athlete=athlete)
    assert (workout.week, workout.day) == (1, 1)
    sets = list(workout.sets.order_by("set_number"))
    assert [(s.reps, s.weight, s.is_amrap) for s in sets] == [
        (5, Decimal(130), False),
        (9, Decimal(170), True),
    ]
    page = text(coach_client.get(response["Location"]))
    assert "Week 1, Day 2" in page
    assert "Workout logged for Alex (Week 1, Day 1)." in page


def test_athlete_logs_their_own_workout(on_program: OnProgram, athlete_user: User) -> None:
    response = client_for(athlete_user).post(
        reverse("athletes:workout_log", args=[on_program.athlete.pk]),
        log_data({"exercise": on_program.bench.pk, "reps": 5, "weight": "105"}),
    )
    assert response.status_code == 302
    assert Workout.objects.filter(athlete=on_program.athlete).count() == 1


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"reps": 5, "rpe": "11"}, "less than or equal to 10"),
        ({"reps": 5, "weight": "-5"}, "greater than or equal to 0"),
        ({"reps": -1}, "greater than or equal to 0"),
        ({"reps": ""}, "Enter the reps done"),
        ({"reps": 5, "exercise": ""}, "Choose an exercise"),
        ({"reps": 5, "exercise": "99999"}, "Select a valid choice"),
    ],
)
def test_bad_sets_are_shown_beside_the_field(
    on_program: OnProgram, coach_client: Client, row: dict, message: str
) -> None:
    data = log_data({"exercise": on_program.squat.pk, **row})
    response = coach_client.post(
        reverse("athletes:workout_log", args=[on_program.athlete.pk]), data
    )
    body = text(response)
    assert response.status_code == 422
    assert message in body
    assert "set-row has-errors" in body
    assert not Workout.objects.exists()


def test_a_second_workout_on_the_same_day_shows_a_date_error(
    on_program: OnProgram, coach_client: Client
) -> None:
    WorkoutFactory(athlete=on_program.athlete, date=timezone.localdate())
    response = coach_client.post(
        reverse("athletes:workout_log", args=[on_program.athlete.pk]),
        log_data({"exercise": on_program.squat.pk, "reps": 5}),
    )
    assert response.status_code == 422
    assert "already has a workout" in text(response)
    assert Workout.objects.count() == 1


def test_an_empty_log_asks_for_a_set(on_program: OnProgram, coach_client: Client) -> None:
    response = coach_client.post(
        reverse("athletes:workout_log", args=[on_program.athlete.pk]),
        log_data({"exercise": "", "reps": ""}),
    )
    assert response.status_code == 422
    assert "Log at least one set" in text(response)


def test_add_set_row_htmx_returns_a_fragment_and_the_next_key(
    on_program: OnProgram, coach_client: Client
) -> None:
    response = coach_client.get(
        reverse("athletes:workout_set_row", args=[on_program.athlete.pk]),
        {"next_key": "12"},
        headers=HX,
    )
    body = text(response)
    assert response.status_code == 200
    assert "<html" not in body
    assert 'name="row" value="12"' in body
    assert 'name="set-12-exercise"' in body
    assert 'id="next-row-key" name="next_key" value="13" hx-swap-oob="true"' in body


def test_add_set_without_javascript_reposts_the_form_with_one_more_row(
    on_program: OnProgram, coach_client: Client
) -> None:
    data = log_data({"exercise": on_program.squat.pk, "reps": 5}, add_row="1")
    response = coach_client.post(
        reverse("athletes:workout_log", args=[on_program.athlete.pk]), data
    )
    body = text(response)
    assert response.status_code == 200
    assert body.count('name="row"') == 2
    assert not Workout.objects.exists()


def test_htmx_submit_redirects_on_the_client(on_program: OnProgram, coach_client: Client) -> None:
    response = coach_client.post(
        reverse("athletes:workout_log", args=[on_program.athlete.pk]),
        log_data({"exercise": on_program.squat.pk, "reps": 5}),
        headers=HX,
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == on_program.athlete.get_absolute_url()


def test_edit_a_workout(on_program: OnProgram, coach_client: Client) -> None:
    workout = WorkoutFactory(athlete=on_program.athlete, date=dt.date(2025, 6, 1))
    WorkoutSetFactory(workout=workout, exercise=on_program.squat, reps=3)
    url = reverse("athletes:workout_edit", args=[on_program.athlete.pk, workout.pk])
    form = text(coach_client.get(url))
    assert 'name="set-0-reps" value="3"' in form
    response = coach_client.post(
        url, log_data({"exercise": on_program.bench.pk, "reps": 8}, date="2025-06-01")
    )
    assert response.status_code == 302
    assert list(workout.sets.values_list("exercise", "reps")) == [(on_program.bench.pk, 8)]


def test_workout_detail_and_review(on_program: OnProgram, coach_client: Client) -> None:
    workout = WorkoutFactory(athlete=on_program.athlete)
    WorkoutSetFactory(workout=workout, exercise=on_program.squat, reps=5, weight=Decimal(150))
    detail = reverse("athletes:workout_detail", args=[on_program.athlete.pk, workout.pk])
    assert "150 lbs" in text(coach_client.get(detail))
    review_url = reverse("athletes:workout_review", args=[on_program.athlete.pk, workout.pk])
    response = coach_client.post(
        review_url, {"status": "needs_work", "notes": "Hips rising"}, headers=HX
    )
    body = text(response)
    assert response.status_code == 200
    assert "<html" not in body
    assert "Hips rising" in body
    assert "workoutReviewed" in response["HX-Trigger"]
    assert WorkoutReview.objects.get(workout=workout).status == "needs_work"
    bad = coach_client.post(review_url, {"status": "meh"}, headers=HX)
    assert bad.status_code == 422
    assert "Select a valid choice" in text(bad)


def test_athlete_sees_the_review_but_cannot_review(
    on_program: OnProgram, athlete_user: User
) -> None:
    workout = WorkoutFactory(athlete=on_program.athlete)
    WorkoutReviewFactory(workout=workout, notes="Nice bar speed")
    body = text(
        client_for(athlete_user).get(
            reverse("athletes:workout_detail", args=[on_program.athlete.pk, workout.pk])
        )
    )
    assert "Nice bar speed" in body
    assert "Save review" not in body
    assert "Edit" not in body.split("<main", 1)[1].split("Coach review")[0]


def test_workout_history_pages(athlete: Athlete, coach_client: Client) -> None:
    for i in range(25):
        WorkoutFactory(athlete=athlete, date=dt.date(2025, 1, 1) + dt.timedelta(days=i))
    body = text(coach_client.get(reverse("athletes:workout_list", args=[athlete.pk])))
    assert "25 logged" in body
    assert "Page 1 of 2" in body


# --- notes, TMs, body weight, equipment, programs ---------------------------------------------


def test_add_a_note_with_htmx_returns_the_notes_fragment(
    athlete: Athlete, coach_client: Client
) -> None:
    response = coach_client.post(
        reverse("athletes:note_add", args=[athlete.pk]),
        {"content": "Ankle mobility homework", "is_private": "on"},
        headers=HX,
    )
    body = text(response)
    assert response.status_code == 200
    assert "<html" not in body
    assert 'id="notes"' in body
    assert "Ankle mobility homework" in body
    assert AthleteNote.objects.get().is_private


def test_an_empty_note_shows_the_error(athlete: Athlete, coach_client: Client) -> None:
    url = reverse("athletes:note_add", args=[athlete.pk])
    htmx = coach_client.post(url, {"content": ""}, headers=HX)
    assert htmx.status_code == 422
    assert "This field is required." in text(htmx)
    plain = coach_client.post(url, {"content": ""})
    assert plain.status_code == 422
    assert "<html" in text(plain)
    assert not AthleteNote.objects.exists()


def test_pin_and_unpin_a_note(athlete: Athlete, coach_client: Client) -> None:
    note = AthleteNoteFactory(athlete=athlete)
    url = reverse("athletes:note_pin", args=[athlete.pk, note.pk])
    response = coach_client.post(url, headers=HX)
    assert "Unpin" in text(response)
    note.refresh_from_db()
    assert note.is_pinned
    coach_client.post(url)
    note.refresh_from_db()
    assert not note.is_pinned


def test_record_a_training_max(on_program: OnProgram, coach_client: Client) -> None:
    url = reverse("athletes:training_max", args=[on_program.athlete.pk])
    assert "Back Squat" in text(coach_client.get(url))
    response = coach_client.post(
        url, {"exercise": on_program.squat.pk, "weight": "210", "effective_date": today()}
    )
    assert response.status_code == 302
    assert TrainingMax.objects.filter(exercise=on_program.squat).count() == 2
    page = text(coach_client.get(on_program.athlete.get_absolute_url()))
    assert "160 lbs" in page  # 75 % of the new 210 = 157.5 → 160, half-up to the 5 lb plate


def test_training_max_errors(on_program: OnProgram, coach_client: Client) -> None:
    response = coach_client.post(
        reverse("athletes:training_max", args=[on_program.athlete.pk]),
        {"exercise": on_program.squat.pk, "weight": "0", "effective_date": today()},
    )
    assert response.status_code == 422
    assert "greater than or equal to 0.01" in text(response)


def test_record_body_weight_only_when_tracked(athlete: Athlete, coach_client: Client) -> None:
    url = reverse("athletes:body_weight", args=[athlete.pk])
    response = coach_client.post(url, {"weight": "150.4", "date": today()})
    assert response.status_code == 302
    assert BodyWeight.objects.get().weight == Decimal("150.4")
    athlete.track_body_weight = False
    athlete.save()
    assert coach_client.get(url).status_code == 404


def test_set_equipment_groups_what_the_program_needs(
    on_program: OnProgram, coach_client: Client
) -> None:
    rack = EquipmentFactory(name="Squat Rack")
    bands = EquipmentFactory(name="Bands")
    ExerciseEquipmentFactory(exercise=on_program.squat, equipment=rack)
    url = reverse("athletes:equipment", args=[on_program.athlete.pk])
    body = text(coach_client.get(url))
    assert body.index("Needed by the current program") < body.index("Squat Rack")
    assert body.index("Squat Rack") < body.index("Other equipment") < body.index("Bands")
    page = text(coach_client.get(on_program.athlete.get_absolute_url()))
    assert "does not have: Squat Rack" in page
    response = coach_client.post(url, {"equipment": [rack.pk, bands.pk]})
    assert response.status_code == 302
    assert set(on_program.athlete.equipment.all()) == {rack, bands}


def test_assign_a_program_replaces_the_current_one(
    on_program: OnProgram, coach_client: Client
) -> None:
    nxt = ProgramTemplateFactory(name="Peaking")
    foreign = ProgramTemplateFactory(name="Not yours", owner=AthleteFactory())
    url = reverse("athletes:assign", args=[on_program.athlete.pk])
    form = text(coach_client.get(url))
    assert "Peaking" in form
    assert "Not yours" not in form
    response = coach_client.post(
        url, {"template": nxt.pk, "start_date": today(), "role": "primary"}
    )
    assert response.status_code == 302
    active = AthleteProgram.objects.get(athlete=on_program.athlete, is_active=True)
    assert active.template == nxt
    refused = coach_client.post(
        url, {"template": foreign.pk, "start_date": today(), "role": "primary"}
    )
    assert refused.status_code == 422
    assert AthleteProgram.objects.get(athlete=on_program.athlete, is_active=True) == active


# --- site pages --------------------------------------------------------------------------------


def test_login_page_and_logout_by_post(coach: User, coach_client: Client) -> None:
    login = Client().get(reverse("login"))
    assert login.status_code == 200
    assert 'name="username"' in text(login)
    page = text(coach_client.get(reverse("athletes:list")))
    assert f'action="{reverse("logout")}"' in page
    assert coach_client.post(reverse("logout")).status_code == 302
    assert coach_client.get(reverse("athletes:list")).status_code == 302


def test_error_pages_use_the_site_templates(
    athlete: Athlete, athlete_user: User, other_coach: User
) -> None:
    not_found = client_for(other_coach).get(reverse("athletes:detail", args=[athlete.pk]))
    assert not_found.status_code == 404
    assert "Nothing here" in text(not_found)
    forbidden = client_for(athlete_user).get(reverse("athletes:edit", args=[athlete.pk]))
    assert forbidden.status_code == 403
    assert "Coaches only." in text(forbidden)


@pytest.mark.parametrize("page", ["athletes:workout_list", "athletes:workout_detail"])
def test_workout_pages_query_count_is_constant(
    athlete: Athlete, coach_client: Client, django_assert_num_queries: object, page: str
) -> None:
    def make(n_workouts: int, n_sets: int) -> Workout:
        last = None
        for i in range(n_workouts):
            last = WorkoutFactory(athlete=athlete)
            WorkoutSetFactory.create_batch(n_sets, workout=last)
            if i % 2:
                WorkoutReviewFactory(workout=last)
        assert last is not None
        return last

    def url(workout: Workout) -> str:
        args = [athlete.pk] if page == "athletes:workout_list" else [athlete.pk, workout.pk]
        return reverse(page, args=args)

    small = make(2, 2)
    coach_client.get(url(small))
    with CaptureQueriesContext(connection) as ctx:
        coach_client.get(url(small))
    big = make(30, 6)
    with django_assert_num_queries(len(ctx.captured_queries)):  # type: ignore[operator]
        response = coach_client.get(url(big))
    assert response.status_code == 200


def test_admin_sees_each_athletes_coach_by_full_name_not_login(
    admin_user: User, athlete: Athlete
) -> None:
    coach = athlete.coach
    assert coach is not None
    coach.first_name, coach.last_name = "Maria", "Lopez"
    coach.save(update_fields=["first_name", "last_name"])
    nameless = UserFactory(username="coach2", role=Role.COACH)
    AthleteFactory(name="Nell", coach=nameless, sport="")
    admin = client_for(admin_user)
    listing = text(admin.get(reverse("athletes:list")))
    assert "coach Maria Lopez" in listing
    assert "coach coach2" in listing  # no name given: the login is all there is
    assert f"coach {coach.username}<" not in listing
    form = text(admin.get(reverse("athletes:create")))
    assert f'<option value="{coach.pk}">Maria Lopez</option>' in form
