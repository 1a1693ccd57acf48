from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from athletes import selectors
from athletes.models import Athlete, User
from athletes.templatetags.logbook import format_reps, sets_summary
from tests.athletes.conftest import OnProgram, put_on_program
from tests.factories import (
    AthleteFactory,
    AthleteNoteFactory,
    BodyWeightFactory,
    TrainingMaxFactory,
    WorkoutFactory,
    WorkoutReviewFactory,
    WorkoutSetFactory,
)

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    return timezone.localdate()


def test_prescription_targets_come_from_the_latest_tm(on_program: OnProgram) -> None:
    TrainingMaxFactory(
        athlete=on_program.athlete,
        exercise=on_program.squat,
        weight=Decimal(220),
        effective_date=today() - dt.timedelta(days=3),
    )
    rx = selectors.prescription_for(on_program.athlete)
    assert rx is not None
    assert rx.position.label == "Week 1, Day 1"
    squat = rx.exercises[0]
    assert squat.exercise == on_program.squat
    # 220 × 65 % = 143 → 145; × 75 % = 165; × 85 % = 187 → 185 (increment 5, half-up)
    assert [r.target_weight for r in squat.rows] == [Decimal(145), Decimal(165), Decimal(185)]
    assert squat.rows[2].prescribed.is_amrap
    assert squat.notes == "AMRAP last set"
    bench = rx.exercises[1]
    assert [r.target_weight for r in bench.rows] == [Decimal(105)] * 3  # 150 × 70 %
    assert [c.count for c in bench.chunks] == [3]  # shown once as "3×5 105 lbs"
    assert [c.count for c in squat.chunks] == [1, 1, 1]
    plank = rx.exercises[2]
    assert [r.target_weight for r in plank.rows] == [Decimal(0)] * 3
    assert rx.missing_training_maxes == []


def test_a_future_tm_is_not_used_today(on_program: OnProgram) -> None:
    TrainingMaxFactory(
        athlete=on_program.athlete,
        exercise=on_program.squat,
        weight=Decimal(300),
        effective_date=today() + dt.timedelta(days=7),
    )
    rx = selectors.prescription_for(on_program.athlete)
    assert rx is not None
    assert rx.exercises[0].rows[1].target_weight == Decimal(150)  # 200 × 75 %


def test_target_rounding_is_half_up_to_the_plate_increment(
    athlete: Athlete, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REPLOG_PLATE_INCREMENT", "2.5")
    on = put_on_program(athlete)
    athlete.training_maxes.filter(exercise=on.squat).update(weight=Decimal(75))
    rx = selectors.prescription_for(athlete)
    assert rx is not None
    # 75 × 75 % = 56.25 → 57.5 (banker's rounding would give 55 or 56.25)
    assert rx.exercises[0].rows[1].target_weight == Decimal("57.5")


def test_percentage_sets_without_a_tm_are_flagged(on_program: OnProgram) -> None:
    on_program.athlete.training_maxes.filter(exercise=on_program.bench).delete()
    rx = selectors.prescription_for(on_program.athlete)
    assert rx is not None
    assert rx.missing_training_maxes == [on_program.bench]
    assert all(r.needs_tm and r.target_weight is None for r in rx.exercises[1].rows)


def test_prescription_follows_the_position(on_program: OnProgram) -> None:
    WorkoutFactory(athlete=on_program.athlete, assignment=on_program.assignment, date=today())
    rx = selectors.prescription_for(on_program.athlete)
    assert rx is not None
    assert rx.position.label == "Week 1, Day 2"
    assert [g.exercise.name for g in rx.exercises] == ["Deadlift", "Run"]


@pytest.mark.parametrize(
    ("reps", "rep_type", "text"),
    [
        (5, "reps", "5"),
        (None, "reps", "AMRAP"),
        (None, "seconds", "AMRAP"),
        (30, "seconds", "30 s"),
        (10, "each_side", "10 each side"),
        (400, "distance", "400 m"),
    ],
)
def test_reps_read_by_type(reps: int | None, rep_type: str, text: str) -> None:
    assert format_reps(reps, rep_type) == text


def test_logged_sets_read_like_a_logbook(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPLOG_WEIGHT_UNIT", "kg")
    workout = WorkoutFactory()

    def logged(reps: int, weight: str, rpe: str | None = None, **kw: object) -> object:
        return WorkoutSetFactory(
            workout=workout,
            reps=reps,
            weight=Decimal(weight),
            rpe=Decimal(rpe) if rpe else None,
            **kw,
        )

    squats = [
        logged(5, "150", "7"),
        logged(5, "150.00", "7.5"),
        logged(5, "150", "8"),
        logged(3, "160", "8"),
        logged(9, "170.50", "9.0", is_amrap=True),
    ]
    assert sets_summary(squats) == "3×5 @ 150, 3 @ 160, AMRAP 9 @ 170.5 kg · RPE 7–9"
    planks = [logged(45, "0", rep_type="seconds"), logged(45, "0", rep_type="seconds")]
    assert sets_summary(planks) == "2×45 s"
    lunges = [logged(10, "25", "8", rep_type="each_side")]
    assert sets_summary(lunges) == "10 each side @ 25 kg · RPE 8"


def test_athlete_page_hides_private_notes_from_the_athlete(
    athlete: Athlete, coach: User, athlete_user: User
) -> None:
    AthleteNoteFactory(athlete=athlete, content="public, old", date=today() - dt.timedelta(days=9))
    AthleteNoteFactory(athlete=athlete, content="pinned", is_pinned=True, date=dt.date(2025, 1, 1))
    AthleteNoteFactory(athlete=athlete, content="private", is_private=True)
    coach_view = selectors.athlete_page(user=coach, athlete=athlete)
    assert [n.content for n in coach_view.notes] == ["pinned", "private", "public, old"]
    own_view = selectors.athlete_page(user=athlete_user, athlete=athlete)
    assert [n.content for n in own_view.notes] == ["pinned", "public, old"]
    assert (own_view.can_manage, own_view.can_log) == (False, True)
    assert (coach_view.can_manage, coach_view.can_log) == (True, True)


def test_training_max_summary_has_current_change_and_history(athlete: Athlete) -> None:
    tm = TrainingMaxFactory(
        athlete=athlete, weight=Decimal(200), effective_date=dt.date(2025, 1, 1)
    )
    TrainingMaxFactory(
        athlete=athlete,
        exercise=tm.exercise,
        weight=Decimal(215),
        effective_date=dt.date(2025, 3, 1),
    )
    (summary,) = selectors.training_max_history(athlete=athlete)
    assert summary.current is not None
    assert summary.current.weight == Decimal(215)
    assert summary.change == Decimal(15)
    assert [c for _, c in summary.rows] == [Decimal(15), None]


# --- query counts: constant whatever the size ----------------------------------------------


def add_history(athlete: Athlete, assignment_owner: OnProgram | None, n: int) -> None:
    for i in range(n):
        workout = WorkoutFactory(
            athlete=athlete,
            date=today() - dt.timedelta(days=i + 1),
            assignment=assignment_owner.assignment if assignment_owner else None,
        )
        WorkoutSetFactory.create_batch(3, workout=workout)
        if i % 2:
            WorkoutReviewFactory(workout=workout)
        AthleteNoteFactory(athlete=athlete, is_pinned=i == 0)
        BodyWeightFactory(athlete=athlete, date=today() - dt.timedelta(days=i))
        TrainingMaxFactory(athlete=athlete, effective_date=today() - dt.timedelta(days=i))


def add_history_before(athlete: Athlete, n: int) -> None:
    for i in range(n):
        workout = WorkoutFactory(athlete=athlete, date=today() - dt.timedelta(days=100 + i))
        WorkoutSetFactory.create_batch(3, workout=workout)
        AthleteNoteFactory(athlete=athlete)
        BodyWeightFactory(athlete=athlete, date=today() - dt.timedelta(days=100 + i))
        TrainingMaxFactory(athlete=athlete, effective_date=today() - dt.timedelta(days=100 + i))


def count_queries(fn: object) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()  # type: ignore[operator]
    return len(ctx.captured_queries)


def test_athlete_page_query_count_does_not_grow_with_history(
    on_program: OnProgram, coach: User, django_assert_num_queries: object
) -> None:
    athlete = on_program.athlete
    add_history(athlete, on_program, 1)
    small = count_queries(lambda: selectors.athlete_page(user=coach, athlete=athlete))
    other = AthleteFactory(coach=coach)
    big = put_on_program(other)
    add_history(other, big, 1)  # the same program position as the small one...
    add_history_before(other, 30)  # ...and a long history before the program
    with django_assert_num_queries(small):  # type: ignore[operator]
        page = selectors.athlete_page(user=coach, athlete=other)
        for workout in page.recent_workouts:
            list(workout.sets.all())
            getattr(workout, "review", None)
    assert small <= 17  # 14, plus the three of the athlete's usual swaps (substitutions.last_swaps)
