from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from athletes import services
from athletes.models import (
    Athlete,
    AthleteEquipment,
    AthleteProgram,
    AthleteTier,
    BodyWeight,
    EndReason,
    GoalHistory,
    ProgramRole,
    ReviewStatus,
    Role,
    TierHistory,
    TrainingMax,
    User,
    Workout,
    WorkoutReview,
    WorkoutSet,
)
from athletes.position import assignment_position
from athletes.services import SetInput
from tests.athletes.conftest import OnProgram
from tests.factories import (
    AthleteFactory,
    AthleteNoteFactory,
    EquipmentFactory,
    ExerciseFactory,
    ProgramTemplateFactory,
    UserFactory,
    WorkoutFactory,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def sets_for(*exercises: object, reps: int = 5) -> list[SetInput]:
    return [SetInput(exercise_id=e.pk, reps=reps, weight=Decimal("100")) for e in exercises]  # type: ignore[attr-defined]


def errors_of(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


# --- athletes ------------------------------------------------------------------------------


def test_athlete_create_records_initial_goal_and_tier(coach: User) -> None:
    athlete = services.athlete_create(
        name="  Sam  ", coach=coach, by=coach, goal="Make varsity", tier=AthleteTier.FOUNDATIONAL
    )
    assert athlete.name == "Sam"
    assert athlete.coach == coach
    assert list(GoalHistory.objects.values_list("previous_goal", "goal")) == [("", "Make varsity")]
    assert list(TierHistory.objects.values_list("previous_tier", "tier")) == [("", "foundational")]


def test_athlete_create_without_goal_or_tier_writes_no_history(coach: User) -> None:
    services.athlete_create(name="Sam", coach=coach, by=coach)
    assert not GoalHistory.objects.exists()
    assert not TierHistory.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"name": "   "}, "name"),
        ({"name": "x" * 121}, "name"),
        ({"name": "Sam", "tier": "elite"}, "tier"),
        ({"name": "Sam", "date_of_birth": dt.date(2999, 1, 1)}, "date_of_birth"),
    ],
)
def test_athlete_create_rejects_bad_profile(coach: User, kwargs: dict, field: str) -> None:
    with pytest.raises(ValidationError) as exc:
        services.athlete_create(coach=coach, by=coach, **kwargs)
    assert field in errors_of(exc)
    assert not Athlete.objects.exists()


def test_athlete_create_refuses_an_athlete_login_as_coach(db: None) -> None:
    not_a_coach = UserFactory(role=Role.ATHLETE)
    with pytest.raises(ValidationError) as exc:
        services.athlete_create(name="Sam", coach=not_a_coach, by=None)
    assert "is not a coach" in errors_of(exc)["coach"][0]


def test_athlete_update_appends_goal_and_tier_history(athlete: Athlete, coach: User) -> None:
    services.athlete_update(athlete=athlete, by=coach, goal="Squat 2x bodyweight")
    services.athlete_update(athlete=athlete, by=coach, goal="Squat 2.5x", tier="intermediate")
    goals = list(GoalHistory.objects.order_by("pk").values_list("previous_goal", "goal"))
    assert goals == [("", "Squat 2x bodyweight"), ("Squat 2x bodyweight", "Squat 2.5x")]
    tiers = list(TierHistory.objects.values_list("previous_tier", "tier", "changed_by"))
    assert tiers == [("none", "intermediate", coach.pk)]
    athlete.refresh_from_db()
    assert athlete.goal == "Squat 2.5x"
    assert athlete.tier == "intermediate"


def test_athlete_update_without_goal_change_writes_no_history(
    athlete: Athlete, coach: User
) -> None:
    services.athlete_update(athlete=athlete, by=coach, name="Alexandra", sport="Rowing")
    assert not GoalHistory.objects.exists()
    assert not TierHistory.objects.exists()
    athlete.refresh_from_db()
    assert (athlete.name, athlete.sport) == ("Alexandra", "Rowing")


def test_athlete_update_compares_with_the_stored_row(athlete: Athlete, coach: User) -> None:
    athlete.goal = "Mutated in memory"  # e.g. by a ModelForm before the service runs
    services.athlete_update(athlete=athlete, by=coach, goal="Mutated in memory")
    assert GoalHistory.objects.get().previous_goal == ""


def test_athlete_set_equipment_replaces_the_set(athlete: Athlete, coach: User) -> None:
    barbell, rack, bands = EquipmentFactory.create_batch(3)
    services.athlete_set_equipment(athlete=athlete, equipment=[barbell, rack], by=coach)
    services.athlete_set_equipment(athlete=athlete, equipment=[rack.pk, bands.pk], by=coach)
    assert set(athlete.equipment.all()) == {rack, bands}


def test_athlete_set_equipment_with_unknown_id_changes_nothing(
    athlete: Athlete, coach: User
) -> None:
    barbell = EquipmentFactory()
    services.athlete_set_equipment(athlete=athlete, equipment=[barbell], by=coach)
    with pytest.raises(ValidationError) as exc:
        services.athlete_set_equipment(athlete=athlete, equipment=[999_999], by=coach)
    assert "999999" in errors_of(exc)["equipment"][0]
    assert list(AthleteEquipment.objects.values_list("equipment", flat=True)) == [barbell.pk]


# --- workouts ------------------------------------------------------------------------------


def test_workout_log_fulfils_the_next_session_and_position_advances(
    on_program: OnProgram, coach: User
) -> None:
    athlete = on_program.athlete
    first = services.workout_log(
        athlete=athlete,
        date=TODAY() - dt.timedelta(days=1),
        sets=sets_for(on_program.squat),
        by=coach,
    )
    assert (first.assignment, first.week, first.day) == (on_program.assignment, 1, 1)
    assert assignment_position(on_program.assignment).label == "Week 1, Day 2"
    second = services.workout_log(
        athlete=athlete, date=TODAY(), sets=sets_for(on_program.deadlift), by=coach
    )
    assert (second.week, second.day) == (1, 2)
    assert assignment_position(on_program.assignment).label == "Week 1, Day 3"


def test_workout_log_numbers_sets_per_exercise_in_order(on_program: OnProgram, coach: User) -> None:
    squat, bench = on_program.squat, on_program.bench
    workout = services.workout_log(
        athlete=on_program.athlete,
        date=TODAY(),
        sets=sets_for(squat, squat, bench, squat),
        by=coach,
    )
    numbers = list(workout.sets.order_by("pk").values_list("exercise", "set_number"))
    assert numbers == [(squat.pk, 1), (squat.pk, 2), (bench.pk, 1), (squat.pk, 3)]


def test_workout_before_the_program_started_is_not_one_of_its_sessions(
    on_program: OnProgram, coach: User
) -> None:
    before = on_program.assignment.start_date - dt.timedelta(days=1)
    workout = services.workout_log(
        athlete=on_program.athlete, date=before, sets=sets_for(on_program.squat), by=coach
    )
    assert workout.assignment is None
    assert workout.week is None
    assert assignment_position(on_program.assignment).session_index == 0


def test_workout_after_a_finished_block_keeps_the_assignment_but_no_session(
    on_program: OnProgram, coach: User
) -> None:
    days = [TODAY() - dt.timedelta(days=n) for n in range(6, -1, -1)]
    for day in days[:6]:  # the block's 2 weeks × 3 days
        services.workout_log(
            athlete=on_program.athlete, date=day, sets=sets_for(on_program.squat), by=coach
        )
    assert assignment_position(on_program.assignment).block_complete
    extra = services.workout_log(
        athlete=on_program.athlete, date=days[6], sets=sets_for(on_program.squat), by=coach
    )
    assert extra.assignment == on_program.assignment
    assert (extra.week, extra.day) == (None, None)


def test_workout_without_a_program_has_no_session(athlete: Athlete, coach: User) -> None:
    workout = services.workout_log(
        athlete=athlete, date=TODAY(), sets=sets_for(ExerciseFactory()), by=coach
    )
    assert (workout.assignment, workout.week, workout.day) == (None, None, None)


def test_second_workout_on_the_same_day_is_a_clear_error(
    on_program: OnProgram, coach: User
) -> None:
    services.workout_log(
        athlete=on_program.athlete, date=TODAY(), sets=sets_for(on_program.squat), by=coach
    )
    with pytest.raises(ValidationError) as exc:
        services.workout_log(
            athlete=on_program.athlete, date=TODAY(), sets=sets_for(on_program.bench), by=coach
        )
    assert "already has a workout" in errors_of(exc)["date"][0]
    assert Workout.objects.count() == 1
    assert WorkoutSet.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"rpe": Decimal("11")}, "RPE must be between 1 and 10"),
        ({"rpe": Decimal("0.5")}, "RPE must be between 1 and 10"),
        ({"rpe": Decimal("7.25")}, "more than 1 decimal place"),
        ({"weight": Decimal("-5")}, "weight cannot be negative"),
        ({"weight": Decimal("100.125")}, "more than 2 decimal places"),
        ({"reps": -1}, "reps cannot be negative"),
        ({"reps": None}, "reps are required"),
        ({"rep_type": "furlongs"}, "unknown rep type"),
        ({"exercise_id": 999_999}, "unknown exercise"),
        ({"notes": "x" * 501}, "notes are longer"),
    ],
)
def test_workout_log_validates_every_set_and_writes_nothing(
    on_program: OnProgram, coach: User, change: dict, message: str
) -> None:
    good = SetInput(exercise_id=on_program.squat.pk, reps=5, weight=Decimal(100))
    bad = SetInput(**{**good.__dict__, **change})
    with pytest.raises(ValidationError) as exc:
        services.workout_log(athlete=on_program.athlete, date=TODAY(), sets=[good, bad], by=coach)
    problems = errors_of(exc)["sets"]
    assert len(problems) == 1
    assert problems[0].startswith("Set 2")
    assert message in problems[0]
    assert not Workout.objects.exists()


def test_workout_log_needs_a_set_and_a_past_date(athlete: Athlete, coach: User) -> None:
    with pytest.raises(ValidationError) as exc:
        services.workout_log(athlete=athlete, date=TODAY(), sets=[], by=coach)
    assert "at least one set" in errors_of(exc)["sets"][0]
    with pytest.raises(ValidationError) as exc:
        services.workout_log(
            athlete=athlete,
            date=TODAY() + dt.timedelta(days=1),
            sets=sets_for(ExerciseFactory()),
            by=coach,
        )
    assert "future" in errors_of(exc)["date"][0]


def test_workout_update_replaces_sets_and_keeps_the_session(
    on_program: OnProgram, coach: User
) -> None:
    workout = services.workout_log(
        athlete=on_program.athlete,
        date=TODAY() - dt.timedelta(days=2),
        sets=sets_for(on_program.squat, on_program.squat),
        by=coach,
    )
    services.workout_log(
        athlete=on_program.athlete, date=TODAY(), sets=sets_for(on_program.bench), by=coach
    )
    services.workout_update(
        workout=workout,
        date=TODAY() - dt.timedelta(days=1),
        notes="Moved a day",
        sets=sets_for(on_program.bench),
        by=coach,
    )
    workout.refresh_from_db()
    assert (workout.week, workout.day, workout.notes) == (1, 1, "Moved a day")
    assert list(workout.sets.values_list("exercise", flat=True)) == [on_program.bench.pk]
    with pytest.raises(ValidationError) as exc:
        services.workout_update(
            workout=workout, date=TODAY(), sets=sets_for(on_program.squat), by=coach
        )
    assert "date" in errors_of(exc)
    assert list(workout.sets.values_list("exercise", flat=True)) == [on_program.bench.pk]


def test_workout_review_is_one_row_that_can_change(athlete: Athlete, coach: User) -> None:
    workout = WorkoutFactory(athlete=athlete)
    services.workout_review(
        workout=workout, status=ReviewStatus.NEEDS_WORK, notes="Depth", by=coach
    )
    services.workout_review(workout=workout, status=ReviewStatus.APPROVED, by=coach)
    review = WorkoutReview.objects.get()
    assert (review.status, review.coach) == ("approved", coach)
    with pytest.raises(ValidationError):
        services.workout_review(workout=workout, status="great", by=coach)


# --- notes, TMs, body weight ---------------------------------------------------------------


def test_note_add_and_pin(athlete: Athlete, coach: User) -> None:
    note = services.note_add(athlete=athlete, content=" Left knee sore ", is_private=True, by=coach)
    assert (note.content, note.is_private, note.author, note.is_pinned) == (
        "Left knee sore",
        True,
        coach,
        False,
    )
    services.note_update(note=note, is_pinned=True, by=coach)
    note.refresh_from_db()
    assert note.is_pinned
    services.note_update(note=note, is_pinned=False, by=coach)
    note.refresh_from_db()
    assert not note.is_pinned


def test_empty_note_is_refused(athlete: Athlete, coach: User) -> None:
    with pytest.raises(ValidationError) as exc:
        services.note_add(athlete=athlete, content="  ", by=coach)
    assert "content" in errors_of(exc)
    note = AthleteNoteFactory(athlete=athlete)
    with pytest.raises(ValidationError):
        services.note_update(note=note, content="", by=coach)


def test_training_max_keeps_history_and_corrects_same_day(athlete: Athlete, coach: User) -> None:
    squat = ExerciseFactory()
    day1 = TODAY() - dt.timedelta(days=30)
    services.training_max_record(
        athlete=athlete, exercise=squat, weight=Decimal(200), effective_date=day1, by=coach
    )
    services.training_max_record(
        athlete=athlete, exercise=squat, weight=Decimal(210), effective_date=TODAY(), by=coach
    )
    services.training_max_record(
        athlete=athlete, exercise=squat, weight=Decimal(215), effective_date=TODAY(), by=coach
    )
    history = list(TrainingMax.objects.order_by("effective_date").values_list("weight", flat=True))
    assert history == [Decimal(200), Decimal(215)]


@pytest.mark.parametrize("weight", [Decimal(0), Decimal(-10), Decimal("100000"), Decimal("1.005")])
def test_training_max_rejects_bad_weights(athlete: Athlete, coach: User, weight: Decimal) -> None:
    with pytest.raises(ValidationError) as exc:
        services.training_max_record(
            athlete=athlete, exercise=ExerciseFactory(), weight=weight, by=coach
        )
    assert "weight" in errors_of(exc)
    assert not TrainingMax.objects.exists()


def test_body_weight_only_when_tracked(athlete: Athlete, coach: User) -> None:
    services.body_weight_record(athlete=athlete, weight=Decimal("150.5"), by=coach)
    assert BodyWeight.objects.get().weight == Decimal("150.5")
    athlete.track_body_weight = False
    athlete.save()
    with pytest.raises(ValidationError) as exc:
        services.body_weight_record(athlete=athlete, weight=Decimal(151), by=coach)
    assert "switched off" in errors_of(exc)["weight"][0]
    assert BodyWeight.objects.count() == 1


# --- programs ------------------------------------------------------------------------------


def test_program_assign_replaces_the_active_primary(on_program: OnProgram, coach: User) -> None:
    old = on_program.assignment
    nxt = ProgramTemplateFactory(name="Next block")
    start = TODAY()
    new = services.program_assign(
        athlete=on_program.athlete, template=nxt, start_date=start, by=coach
    )
    old.refresh_from_db()
    assert (old.is_active, old.end_reason, old.ended_on) == (False, EndReason.REPLACED, start)
    assert new.is_active
    assert services.active_primary(on_program.athlete) == new


def test_program_assign_supplemental_keeps_the_primary(on_program: OnProgram, coach: User) -> None:
    extra = services.program_assign(
        athlete=on_program.athlete,
        template=ProgramTemplateFactory(),
        role=ProgramRole.SUPPLEMENTAL,
        by=coach,
    )
    on_program.assignment.refresh_from_db()
    assert on_program.assignment.is_active
    assert extra.is_active
    assert extra.role == ProgramRole.SUPPLEMENTAL


def test_program_assign_is_atomic(
    on_program: OnProgram, coach: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(AthleteProgram.objects, "create", boom)
    with pytest.raises(RuntimeError):
        services.program_assign(
            athlete=on_program.athlete, template=ProgramTemplateFactory(), by=coach
        )
    on_program.assignment.refresh_from_db()
    assert on_program.assignment.is_active
    assert on_program.assignment.end_reason == ""


def test_program_assign_refuses_another_athletes_program(athlete: Athlete, coach: User) -> None:
    theirs = ProgramTemplateFactory(owner=AthleteFactory())
    with pytest.raises(ValidationError) as exc:
        services.program_assign(athlete=athlete, template=theirs, by=coach)
    assert "belongs to another athlete" in errors_of(exc)["template"][0]
    mine = ProgramTemplateFactory(owner=athlete)
    assert services.program_assign(athlete=athlete, template=mine, by=coach).template == mine


def test_assignment_end(on_program: OnProgram, coach: User) -> None:
    ended = services.assignment_end(
        assignment=on_program.assignment, reason=EndReason.COMPLETED, by=coach
    )
    assert (ended.is_active, ended.end_reason, ended.ended_on) == (False, "completed", TODAY())
    with pytest.raises(ValidationError):
        services.assignment_end(assignment=ended, reason=EndReason.STOPPED, by=coach)
    assert services.active_primary(on_program.athlete) is None


def test_new_program_starts_at_week_one_day_one(on_program: OnProgram, coach: User) -> None:
    services.workout_log(
        athlete=on_program.athlete, date=TODAY(), sets=sets_for(on_program.squat), by=coach
    )
    new = services.program_assign(
        athlete=on_program.athlete, template=on_program.template, by=coach
    )
    assert assignment_position(new).label == "Week 1, Day 1"
    assert AthleteProgram.objects.filter(athlete=on_program.athlete).count() == 2
