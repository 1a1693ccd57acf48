from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from athletes import models as am
from programs import models as pm


class UserFactory(DjangoModelFactory):
    class Meta:
        model = am.User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    role = am.Role.COACH
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests-1")

    @factory.post_generation
    def _save(obj, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            obj.save()


class EquipmentFactory(DjangoModelFactory):
    class Meta:
        model = pm.Equipment

    name = factory.Sequence(lambda n: f"Equipment {n}")


class ExerciseFactory(DjangoModelFactory):
    class Meta:
        model = pm.Exercise

    name = factory.Sequence(lambda n: f"Exercise {n}")
    movement_pattern = pm.MovementPattern.SQUAT


class ExerciseEquipmentFactory(DjangoModelFactory):
    class Meta:
        model = pm.ExerciseEquipment

    exercise = factory.SubFactory(ExerciseFactory)
    equipment = factory.SubFactory(EquipmentFactory)
    optional = False


class ProgramTemplateFactory(DjangoModelFactory):
    class Meta:
        model = pm.ProgramTemplate

    name = factory.Sequence(lambda n: f"Program {n}")
    num_weeks = 4
    num_days = 3
    is_loop = False
    audience = pm.Audience.ADULT


class PrescribedSetFactory(DjangoModelFactory):
    class Meta:
        model = pm.PrescribedSet

    template = factory.SubFactory(ProgramTemplateFactory)
    exercise = factory.SubFactory(ExerciseFactory)
    week = 1
    day = 1
    set_number = factory.Sequence(lambda n: n + 1)
    reps = 5
    percentage = Decimal("75")


class ProgressionRuleFactory(DjangoModelFactory):
    class Meta:
        model = pm.ProgressionRule

    template = factory.SubFactory(ProgramTemplateFactory)
    exercise = factory.SubFactory(ExerciseFactory)
    increment = Decimal("5")


class AthleteFactory(DjangoModelFactory):
    class Meta:
        model = am.Athlete

    name = factory.Sequence(lambda n: f"Athlete {n}")
    coach = factory.SubFactory(UserFactory)
    date_of_birth = dt.date(2000, 1, 1)


class AthleteEquipmentFactory(DjangoModelFactory):
    class Meta:
        model = am.AthleteEquipment

    athlete = factory.SubFactory(AthleteFactory)
    equipment = factory.SubFactory(EquipmentFactory)


class AthleteProgramFactory(DjangoModelFactory):
    class Meta:
        model = am.AthleteProgram

    athlete = factory.SubFactory(AthleteFactory)
    template = factory.SubFactory(ProgramTemplateFactory)
    start_date = dt.date(2026, 1, 5)


class WorkoutFactory(DjangoModelFactory):
    class Meta:
        model = am.Workout

    athlete = factory.SubFactory(AthleteFactory)
    date = factory.Sequence(lambda n: dt.date(2026, 1, 1) + dt.timedelta(days=n))


class WorkoutSetFactory(DjangoModelFactory):
    class Meta:
        model = am.WorkoutSet

    workout = factory.SubFactory(WorkoutFactory)
    exercise = factory.SubFactory(ExerciseFactory)
    set_number = factory.Sequence(lambda n: n + 1)
    reps = 5
    weight = Decimal("100")
    rpe = Decimal("7")


class WorkoutReviewFactory(DjangoModelFactory):
    class Meta:
        model = am.WorkoutReview

    workout = factory.SubFactory(WorkoutFactory)
    status = am.ReviewStatus.APPROVED
    coach = factory.LazyAttribute(lambda r: r.workout.athlete.coach)


class AthleteNoteFactory(DjangoModelFactory):
    class Meta:
        model = am.AthleteNote

    athlete = factory.SubFactory(AthleteFactory)
    author = factory.LazyAttribute(lambda n: n.athlete.coach)
    content = "Moved well today."


class TrainingMaxFactory(DjangoModelFactory):
    class Meta:
        model = am.TrainingMax

    athlete = factory.SubFactory(AthleteFactory)
    exercise = factory.SubFactory(ExerciseFactory)
    weight = Decimal("200")
    effective_date = dt.date(2026, 1, 1)


class BodyWeightFactory(DjangoModelFactory):
    class Meta:
        model = am.BodyWeight

    athlete = factory.SubFactory(AthleteFactory)
    date = factory.Sequence(lambda n: dt.date(2026, 1, 1) + dt.timedelta(days=7 * n))
    weight = Decimal("150")


class GoalHistoryFactory(DjangoModelFactory):
    class Meta:
        model = am.GoalHistory

    athlete = factory.SubFactory(AthleteFactory)
    goal = "Get stronger"


class TierHistoryFactory(DjangoModelFactory):
    class Meta:
        model = am.TierHistory

    athlete = factory.SubFactory(AthleteFactory)
    tier = am.AthleteTier.INTERMEDIATE
