"""Taking back what was logged by mistake: a workout, a note, a training max, a body weight,
deleted or edited.

Everything the packet and the athlete page show (position in the program, adherence, the TM
in force, the body-weight trend) is derived from these rows when read, so deleting the row is
the whole correction: the previous training max is in force again, the next session moves back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from athletes.models import (
    AthleteNote,
    BodyWeight,
    ReviewStatus,
    TrainingMax,
    Workout,
    WorkoutReview,
)
from athletes.services import MAX_BODY_WEIGHT, MAX_WEIGHT, _check_past_date, _check_weight

if TYPE_CHECKING:
    from athletes.models import User


@dataclass(frozen=True)
class Deletion:
    """What the confirmation page says before anything is deleted."""

    what: str
    consequence: str


def check_workout_editable(*, workout: Workout, by: User, manages: bool) -> None:
    # The rule the workout edit page already applies: an athlete corrects their own log until
    # their coach has reviewed it; after that only the coach changes it.
    if not manages and hasattr(workout, "review"):
        raise PermissionDenied("Your coach has reviewed this workout; ask them to change it.")


def workout_deletion(workout: Workout) -> Deletion:
    sets = workout.sets.count()
    where = f" (week {workout.week} day {workout.day} of the program)" if workout.week else ""
    return Deletion(
        what=f"the workout of {workout.date:%-d %b %Y}{where} with its {sets} set(s)",
        consequence=(
            "Its session counts as not done again: the next session, adherence and the "
            "statistics the program generator reads are recomputed without it."
        ),
    )


def workout_delete(*, workout: Workout, by: User | None) -> None:
    with transaction.atomic():
        workout.sets.all().delete()
        Workout.objects.filter(pk=workout.pk).delete()


def note_delete(*, note: AthleteNote, by: User | None) -> None:
    AthleteNote.objects.filter(pk=note.pk).delete()


def training_max_deletion(tm: TrainingMax) -> Deletion:
    previous = (
        TrainingMax.objects.filter(
            athlete_id=tm.athlete_id,
            exercise_id=tm.exercise_id,
            effective_date__lt=tm.effective_date,
        )
        .order_by("-effective_date")
        .first()
    )
    then = (
        f"{previous.weight.normalize():f} from {previous.effective_date:%-d %b %Y} is in force "
        "again"
        if previous
        else "no training max is left for it, so its percentages show no load"
    )
    return Deletion(
        what=f"the {tm.exercise.name} training max {tm.weight.normalize():f} from "
        f"{tm.effective_date:%-d %b %Y}",
        consequence=f"The earlier history stays as it is; {then}.",
    )


def training_max_delete(*, tm: TrainingMax, by: User | None) -> None:
    TrainingMax.objects.filter(pk=tm.pk).delete()


def training_max_edit(
    *, tm: TrainingMax, weight: Decimal, effective_date: dt.date, by: User | None
) -> TrainingMax:
    """Correct one TM row in place. Moving it onto a day that already has a TM for the same
    exercise would silently merge two rows of the history, so that is refused instead."""
    _check_weight("weight", weight, label="Training max", maximum=MAX_WEIGHT)
    if effective_date != tm.effective_date:  # an upcoming TM (from a program) may keep its day
        _check_past_date("effective_date", effective_date, "The effective date")
    clash = TrainingMax.objects.filter(
        athlete_id=tm.athlete_id, exercise_id=tm.exercise_id, effective_date=effective_date
    ).exclude(pk=tm.pk)
    if clash.exists():
        raise ValidationError({"effective_date": _tm_clash(tm, effective_date)})
    tm.weight, tm.effective_date = weight, effective_date
    try:
        with transaction.atomic():
            tm.save(update_fields=["weight", "effective_date"])
    except IntegrityError:  # another request took that day between the check and the save
        raise ValidationError({"effective_date": _tm_clash(tm, effective_date)}) from None
    return tm


def _tm_clash(tm: TrainingMax, day: dt.date) -> str:
    return (
        f"There is already a {tm.exercise.name} training max from {day:%-d %b %Y}: "
        "edit or delete that one instead."
    )


def body_weight_edit(
    *, entry: BodyWeight, weight: Decimal, date: dt.date, by: User | None
) -> BodyWeight:
    _check_weight("weight", weight, label="Body weight", maximum=MAX_BODY_WEIGHT)
    _check_past_date("date", date, "The date")
    clash = BodyWeight.objects.filter(athlete_id=entry.athlete_id, date=date).exclude(pk=entry.pk)
    if clash.exists():
        raise ValidationError({"date": _body_weight_clash(date)})
    entry.weight, entry.date = weight, date
    try:
        with transaction.atomic():
            entry.save(update_fields=["weight", "date"])
    except IntegrityError:
        raise ValidationError({"date": _body_weight_clash(date)}) from None
    return entry


def _body_weight_clash(day: dt.date) -> str:
    return f"There is already a body weight on {day:%-d %b %Y}: edit or delete that one instead."


def body_weight_deletion(entry: BodyWeight) -> Deletion:
    return Deletion(
        what=f"the body weight {entry.weight.normalize():f} of {entry.date:%-d %b %Y}",
        consequence="The trend and the figure the program generator reads leave it out.",
    )


def body_weight_delete(*, entry: BodyWeight, by: User | None) -> None:
    BodyWeight.objects.filter(pk=entry.pk).delete()


def note_deletion(note: AthleteNote) -> Deletion:
    text = note.content if len(note.content) <= 80 else note.content[:79] + "…"
    return Deletion(
        what=f"the note of {note.date:%-d %b %Y}: “{text}”",
        consequence="The program generator no longer reads it.",
    )


def workouts_review_bulk(*, athlete_id: int, workout_ids: list[int], by: User | None) -> int:
    """Mark the chosen unreviewed workouts of one athlete approved, in one transaction; workouts
    already reviewed keep their review. Returns how many were marked."""
    with transaction.atomic():
        pending = list(
            Workout.objects.select_for_update(of=("self",))
            .filter(athlete_id=athlete_id, pk__in=workout_ids, review__isnull=True)
            .values_list("pk", flat=True)
        )
        now = timezone.now()
        WorkoutReview.objects.bulk_create(
            WorkoutReview(workout_id=pk, status=ReviewStatus.APPROVED, coach=by, reviewed_at=now)
            for pk in pending
        )
    return len(pending)
