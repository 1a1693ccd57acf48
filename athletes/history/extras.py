"""What a RepLog athlete export holds besides sets: reviews, week/day of a workout, training
maxes and body weights. Existing rows win: a value already logged for that day is kept and the
difference is a warning."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from athletes.history.names import name_key
from athletes.history.rows import ParsedHistory, Unit, convert, identity
from athletes.models import (
    Athlete,
    BodyWeight,
    ReviewStatus,
    TrainingMax,
    Workout,
    WorkoutReview,
)
from settings_app.resolution import get_setting

if TYPE_CHECKING:
    from athletes.history.service import HistoryResult


def installation_unit() -> Unit:
    return "kg" if str(get_setting("defaults.weight_unit")) == "kg" else "lbs"


def write_extras(
    athlete: Athlete,
    parsed: ParsedHistory,
    ids: dict[str, int],
    created: list[Workout],
    result: HistoryResult,
) -> None:
    if parsed.format != "replog":
        return
    _workout_meta(parsed.extra.get("workouts", {}), created, result)
    _training_maxes(athlete, parsed, ids, result)
    _body_weights(athlete, parsed, result)


def _workout_meta(meta: dict[str, Any], created: list[Workout], result: HistoryResult) -> None:
    by_identity = {
        identity(dt.date.fromisoformat(k.split("|", 1)[0]), "", k.split("|", 1)[1]): v
        for k, v in meta.items()
    }
    reviews, dated = [], []
    for workout in created:
        info = by_identity.get(workout.import_key)
        if info is None:
            continue
        workout.week, workout.day = info.get("week"), info.get("day")
        dated.append(workout)
        review = info.get("review")
        if review and review.get("status") in ReviewStatus.values:
            reviews.append(
                WorkoutReview(
                    workout=workout, status=review["status"], notes=review.get("notes", "")
                )
            )
        elif review:
            result.warnings.append(
                f"workout of {workout.date}: review status {review.get('status')!r} is not "
                "approved or needs_work; the review was not imported"
            )
    Workout.objects.bulk_update(dated, ["week", "day"])
    WorkoutReview.objects.bulk_create(reviews)
    result.reviews = len(reviews)


def _training_maxes(
    athlete: Athlete, parsed: ParsedHistory, ids: dict[str, int], result: HistoryResult
) -> None:
    items = parsed.extra.get("training_maxes", [])
    if not items:
        return
    unit, source = installation_unit(), parsed.extra.get("unit", "lbs")
    have = {
        (ex, day): weight
        for ex, day, weight in TrainingMax.objects.filter(athlete=athlete).values_list(
            "exercise_id", "effective_date", "weight"
        )
    }
    new = []
    for item in items:
        ex, day = ids[name_key(item["exercise"])], dt.date.fromisoformat(item["date"])
        weight = convert(Decimal(item["weight"]), source, unit) or Decimal(0)
        if (ex, day) in have:
            if have[(ex, day)] != weight:
                result.warnings.append(
                    f"training max of {item['exercise']} on {day}: kept {have[(ex, day)]}, "
                    f"the file says {weight}"
                )
            continue
        have[(ex, day)] = weight
        new.append(TrainingMax(athlete=athlete, exercise_id=ex, effective_date=day, weight=weight))
    TrainingMax.objects.bulk_create(new)
    result.training_maxes = len(new)


def _body_weights(athlete: Athlete, parsed: ParsedHistory, result: HistoryResult) -> None:
    items = parsed.extra.get("body_weights", [])
    if not items:
        return
    unit, source = installation_unit(), parsed.extra.get("unit", "lbs")
    have = dict(BodyWeight.objects.filter(athlete=athlete).values_list("date", "weight"))
    new = []
    for item in items:
        day = dt.date.fromisoformat(item["date"])
        weight = convert(Decimal(item["weight"]), source, unit) or Decimal(0)
        if day in have:
            if have[day] != weight:
                result.warnings.append(
                    f"body weight on {day}: kept {have[day]}, the file says {weight}"
                )
            continue
        have[day] = weight
        new.append(BodyWeight(athlete=athlete, date=day, weight=weight))
    BodyWeight.objects.bulk_create(new)
    result.body_weights = len(new)
