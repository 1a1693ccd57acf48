from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from athletes.models import Athlete, ProgramRole
from tests.factories import (
    AthleteFactory,
    AthleteNoteFactory,
    AthleteProgramFactory,
    BodyWeightFactory,
    GoalHistoryFactory,
    TierHistoryFactory,
    TrainingMaxFactory,
    WorkoutFactory,
    WorkoutReviewFactory,
    WorkoutSetFactory,
)

pytestmark = pytest.mark.django_db


def refused(make: object) -> bool:
    try:
        with transaction.atomic():
            make()  # type: ignore[operator]
    except IntegrityError:
        return True
    return False


def test_at_most_one_active_primary_program_per_athlete(athlete: Athlete) -> None:
    AthleteProgramFactory(athlete=athlete)
    assert refused(lambda: AthleteProgramFactory(athlete=athlete))
    # An ended primary, and supplemental programs, do not count.
    assert not refused(lambda: AthleteProgramFactory(athlete=athlete, is_active=False))
    assert not refused(
        lambda: AthleteProgramFactory(athlete=athlete, role=ProgramRole.SUPPLEMENTAL)
    )
    assert not refused(
        lambda: AthleteProgramFactory(athlete=athlete, role=ProgramRole.SUPPLEMENTAL)
    )
    assert not refused(lambda: AthleteProgramFactory(athlete=AthleteFactory()))


def test_one_workout_per_athlete_per_day(athlete: Athlete) -> None:
    day = dt.date(2026, 2, 2)
    WorkoutFactory(athlete=athlete, date=day)
    assert refused(lambda: WorkoutFactory(athlete=athlete, date=day))
    assert not refused(lambda: WorkoutFactory(athlete=AthleteFactory(), date=day))


@pytest.mark.parametrize(
    ("fields", "ok"),
    [
        ({"rpe": Decimal("1")}, True),
        ({"rpe": Decimal("10")}, True),
        ({"rpe": None}, True),
        ({"rpe": Decimal("0.5")}, False),
        ({"rpe": Decimal("10.5")}, False),
        ({"weight": Decimal("0")}, True),
        ({"weight": Decimal("-1")}, False),
        ({"set_number": 0}, False),
    ],
)
def test_workout_set_bounds(fields: dict, ok: bool) -> None:
    assert refused(lambda: WorkoutSetFactory(**fields)) is not ok


def test_workout_set_unique_per_exercise_and_number() -> None:
    first = WorkoutSetFactory(set_number=1)
    assert refused(
        lambda: WorkoutSetFactory(workout=first.workout, exercise=first.exercise, set_number=1)
    )


def test_training_max_positive_and_unique_per_day(athlete: Athlete) -> None:
    tm = TrainingMaxFactory(athlete=athlete)
    assert refused(
        lambda: TrainingMaxFactory(
            athlete=athlete, exercise=tm.exercise, effective_date=tm.effective_date
        )
    )
    assert refused(lambda: TrainingMaxFactory(athlete=athlete, weight=Decimal(0)))


def test_body_weight_positive_and_unique_per_day(athlete: Athlete) -> None:
    bw = BodyWeightFactory(athlete=athlete)
    assert refused(lambda: BodyWeightFactory(athlete=athlete, date=bw.date))
    assert refused(lambda: BodyWeightFactory(athlete=athlete, weight=Decimal(-1)))


def test_one_review_per_workout() -> None:
    review = WorkoutReviewFactory()
    assert refused(lambda: WorkoutReviewFactory(workout=review.workout))


def test_str_and_urls_read_well(athlete: Athlete) -> None:
    workout = WorkoutFactory(athlete=athlete, date=dt.date(2026, 3, 1))
    assert str(workout) == "Alex 2026-03-01"
    assert workout.get_absolute_url() == f"/athletes/{athlete.pk}/workouts/{workout.pk}/"
    assert athlete.get_absolute_url() == f"/athletes/{athlete.pk}/"
    for obj in (
        WorkoutSetFactory(workout=workout),
        WorkoutReviewFactory(workout=workout),
        AthleteNoteFactory(athlete=athlete),
        TrainingMaxFactory(athlete=athlete),
        BodyWeightFactory(athlete=athlete),
        GoalHistoryFactory(athlete=athlete),
        TierHistoryFactory(athlete=athlete),
        AthleteProgramFactory(athlete=athlete),
    ):
        assert str(obj)
