"""Writes to the logbook. Views, the admin and management commands all come through here.

Every function is keyword-only, validates its input and raises `ValidationError` with
field-specific messages (never an IntegrityError that would surface as a 500); multi-row writes
run in one transaction so a failure leaves nothing half-written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from athletes.models import (
    Athlete,
    AthleteEquipment,
    AthleteNote,
    AthleteProgram,
    AthleteTier,
    BodyWeight,
    EndReason,
    GoalHistory,
    ProgramRole,
    ReviewStatus,
    TierHistory,
    TrainingMax,
    User,
    Workout,
    WorkoutReview,
    WorkoutSet,
)
from athletes.position import assignment_position
from programs.models import Equipment, Exercise, ProgramTemplate, RepType, owned_by
from replog.text import TextError, clean_name, text_problem


class _Unset:
    """An argument the caller left out (None is a real value for some fields)."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = _Unset()

MAX_NAME = 120
MAX_TEXT = 10_000
MAX_SET_NOTES = 500
MAX_REPS = 100_000  # distance sets are in metres: a 10 km run is 10 000
MAX_WEIGHT = Decimal("99999.99")
MAX_BODY_WEIGHT = Decimal("2000")
MAX_SETS_PER_WORKOUT = 200
EARLIEST_DATE = dt.date(1900, 1, 1)
# A program may be scheduled ahead, but a start years away is a typo (9999-12-31), not a plan.
MAX_START_AHEAD = dt.timedelta(days=366)


@dataclass(frozen=True)
class SetInput:
    """One logged set as entered; set numbers are assigned by the service, per exercise."""

    exercise_id: int
    reps: int | None
    rep_type: str = RepType.REPS
    weight: Decimal | None = None
    rpe: Decimal | None = None
    is_amrap: bool = False
    notes: str = ""
    duration_seconds: int | None = None  # a run's (or timed set's) time
    avg_heart_rate: int | None = None


# --- helpers -----------------------------------------------------------------------------------


def _fmt_day(day: dt.date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def _check_past_date(field: str, day: dt.date, what: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: f"{what} cannot be in the future ({day.isoformat()})."})
    if day < EARLIEST_DATE:
        raise ValidationError({field: f"{what} {day.isoformat()} is before 1900."})


def _decimal_places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _clean_text(field: str, value: str, *, limit: int, label: str, required: bool = False) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationError({field: f"{label} is required."})
    if text_problem(text):
        raise ValidationError({field: f"{label} {text_problem(text)}."})
    if len(text) > limit:
        raise ValidationError(
            {field: f"{label} is too long ({len(text)} characters, max {limit})."}
        )
    return text


def _clean_name(value: str) -> str:
    try:
        name = clean_name(value or "")
    except TextError as exc:
        message = "is required" if not (value or "").strip() else str(exc)
        raise ValidationError({"name": f"Name {message}."}) from exc
    return _clean_text("name", name, limit=MAX_NAME, label="Name", required=True)


def _check_weight(field: str, weight: Decimal, *, label: str, maximum: Decimal) -> None:
    if not weight.is_finite() or weight <= 0:
        raise ValidationError({field: f"{label} must be more than 0."})
    if weight > maximum:
        raise ValidationError({field: f"{label} {weight} is above the maximum {maximum}."})
    if _decimal_places(weight) > 2:
        raise ValidationError({field: f"{label} {weight} has more than 2 decimal places."})


def active_primary(athlete: Athlete) -> AthleteProgram | None:
    return (
        AthleteProgram.objects.filter(athlete=athlete, is_active=True, role=ProgramRole.PRIMARY)
        .select_related("template")
        .first()
    )


# --- athletes ----------------------------------------------------------------------------------


def _check_coach(coach: User | None) -> None:
    if coach is not None and not (coach.is_coach or coach.is_admin):
        raise ValidationError({"coach": f"{coach.username} is not a coach."})


def _clean_profile(
    *, name: str, tier: str, goal: str, sport: str, notes: str, date_of_birth: dt.date | None
) -> dict[str, Any]:
    if tier not in AthleteTier.values:
        raise ValidationError({"tier": f"Unknown tier {tier!r}."})
    if date_of_birth is not None:
        _check_past_date("date_of_birth", date_of_birth, "Date of birth")
    return {
        "name": _clean_name(name),
        "tier": tier,
        "goal": _clean_text("goal", goal, limit=MAX_TEXT, label="Goal"),
        "sport": _clean_text("sport", sport, limit=80, label="Sport"),
        "notes": _clean_text("notes", notes, limit=MAX_TEXT, label="Notes"),
        "date_of_birth": date_of_birth,
    }


def athlete_validate(
    *,
    name: str,
    tier: str,
    goal: str,
    sport: str,
    notes: str,
    date_of_birth: dt.date | None,
    coach: User | None,
) -> None:
    """The profile rules alone, for forms (the admin) that validate before they save."""
    _clean_profile(
        name=name, tier=tier, goal=goal, sport=sport, notes=notes, date_of_birth=date_of_birth
    )
    _check_coach(coach)


def athlete_create(
    *,
    name: str,
    coach: User | None,
    by: User | None,
    tier: str = AthleteTier.NONE,
    goal: str = "",
    sport: str = "",
    notes: str = "",
    date_of_birth: dt.date | None = None,
    track_body_weight: bool = True,
    user: User | None = None,
) -> Athlete:
    fields = _clean_profile(
        name=name, tier=tier, goal=goal, sport=sport, notes=notes, date_of_birth=date_of_birth
    )
    _check_coach(coach)
    if user is not None and Athlete.objects.filter(user=user).exists():
        raise ValidationError({"user": f"The login {user.username} is already linked to someone."})
    with transaction.atomic():
        athlete = Athlete.objects.create(
            coach=coach, user=user, track_body_weight=track_body_weight, **fields
        )
        # The first rows of the history: when the goal and tier were first set, and by whom.
        if athlete.goal:
            GoalHistory.objects.create(athlete=athlete, goal=athlete.goal, changed_by=by)
        if athlete.tier != AthleteTier.NONE:
            TierHistory.objects.create(athlete=athlete, tier=athlete.tier, changed_by=by)
    return athlete


def athlete_update(
    *,
    athlete: Athlete,
    by: User | None,
    name: str | _Unset = UNSET,
    tier: str | _Unset = UNSET,
    goal: str | _Unset = UNSET,
    sport: str | _Unset = UNSET,
    notes: str | _Unset = UNSET,
    date_of_birth: dt.date | _Unset | None = UNSET,
    track_body_weight: bool | _Unset = UNSET,
    may_adjust_session: bool | _Unset = UNSET,
    coach: User | _Unset | None = UNSET,
) -> Athlete:
    """Change the profile; a changed goal or tier appends a GoalHistory / TierHistory row."""
    fields = _clean_profile(
        name=athlete.name if isinstance(name, _Unset) else name,
        tier=athlete.tier if isinstance(tier, _Unset) else tier,
        goal=athlete.goal if isinstance(goal, _Unset) else goal,
        sport=athlete.sport if isinstance(sport, _Unset) else sport,
        notes=athlete.notes if isinstance(notes, _Unset) else notes,
        date_of_birth=athlete.date_of_birth if isinstance(date_of_birth, _Unset) else date_of_birth,
    )
    if not isinstance(track_body_weight, _Unset):
        fields["track_body_weight"] = track_body_weight
    if not isinstance(may_adjust_session, _Unset):
        fields["may_adjust_session"] = may_adjust_session
    if not isinstance(coach, _Unset):
        _check_coach(coach)
        fields["coach"] = coach
    with transaction.atomic():
        # Compare with the stored row, not the instance: a caller may have mutated it already.
        stored = Athlete.objects.select_for_update().get(pk=athlete.pk)
        if fields["goal"] != stored.goal:
            GoalHistory.objects.create(
                athlete=stored, previous_goal=stored.goal, goal=fields["goal"], changed_by=by
            )
        if fields["tier"] != stored.tier:
            TierHistory.objects.create(
                athlete=stored, previous_tier=stored.tier, tier=fields["tier"], changed_by=by
            )
        for key, value in fields.items():
            setattr(stored, key, value)
        stored.save()
    for key, value in fields.items():
        setattr(athlete, key, value)
    return athlete


def athlete_set_equipment(
    *, athlete: Athlete, equipment: Iterable[Equipment | int], by: User | None
) -> list[Equipment]:
    """Replace the equipment the athlete owns with exactly `equipment`."""
    wanted = {item if isinstance(item, int) else item.pk for item in equipment}
    found = Equipment.objects.filter(owned_by(athlete.coach_id)).in_bulk(wanted)
    unknown = sorted(wanted - set(found))
    if unknown:
        raise ValidationError(
            {"equipment": f"Unknown equipment id(s): {', '.join(map(str, unknown))}."}
        )
    with transaction.atomic():
        current = set(
            AthleteEquipment.objects.filter(athlete=athlete).values_list("equipment_id", flat=True)
        )
        AthleteEquipment.objects.filter(athlete=athlete).exclude(equipment_id__in=wanted).delete()
        AthleteEquipment.objects.bulk_create(
            [AthleteEquipment(athlete=athlete, equipment_id=pk) for pk in sorted(wanted - current)]
        )
    return sorted(found.values(), key=lambda e: e.name.lower())


# --- workouts ----------------------------------------------------------------------------------


def _validate_sets(
    sets: Sequence[SetInput], *, coach_id: int | None
) -> list[tuple[SetInput, Exercise]]:
    if not sets:
        raise ValidationError({"sets": "Log at least one set."})
    if len(sets) > MAX_SETS_PER_WORKOUT:
        raise ValidationError(
            {"sets": f"{len(sets)} sets is more than {MAX_SETS_PER_WORKOUT} in one workout."}
        )
    # Another coach's own exercise is as unknown here as a deleted one.
    visible = Exercise.objects.filter(owned_by(coach_id))
    exercises = visible.in_bulk({s.exercise_id for s in sets})
    problems: list[str] = []
    for n, item in enumerate(sets, start=1):
        where = f"Set {n}"
        if item.exercise_id not in exercises:
            problems.append(f"{where}: unknown exercise (id {item.exercise_id}).")
            continue
        where = f"Set {n} ({exercises[item.exercise_id].name})"
        if item.reps is None:
            problems.append(f"{where}: reps are required (enter 0 for a missed set).")
        elif item.reps < 0:
            problems.append(f"{where}: reps cannot be negative ({item.reps}).")
        elif item.reps > MAX_REPS:
            problems.append(f"{where}: {item.reps} reps is more than {MAX_REPS}.")
        if item.rep_type not in RepType.values:
            problems.append(f"{where}: unknown rep type {item.rep_type!r}.")
        if item.weight is not None:
            if not item.weight.is_finite() or item.weight < 0:
                problems.append(f"{where}: weight cannot be negative ({item.weight}).")
            elif item.weight > MAX_WEIGHT:
                problems.append(f"{where}: weight {item.weight} is above {MAX_WEIGHT}.")
            elif _decimal_places(item.weight) > 2:
                problems.append(f"{where}: weight {item.weight} has more than 2 decimal places.")
        if item.rpe is not None:
            if not item.rpe.is_finite() or not (1 <= item.rpe <= 10):
                problems.append(f"{where}: RPE must be between 1 and 10 (got {item.rpe}).")
            elif _decimal_places(item.rpe) > 1:
                problems.append(f"{where}: RPE {item.rpe} has more than 1 decimal place.")
        if len(item.notes or "") > MAX_SET_NOTES:
            problems.append(f"{where}: notes are longer than {MAX_SET_NOTES} characters.")
    if problems:
        raise ValidationError({"sets": problems})
    return [(item, exercises[item.exercise_id]) for item in sets]


def _build_sets(workout: Workout, sets: list[tuple[SetInput, Exercise]]) -> list[WorkoutSet]:
    numbers: dict[int, int] = {}
    rows = []
    for item, exercise in sets:
        numbers[exercise.pk] = numbers.get(exercise.pk, 0) + 1
        rows.append(
            WorkoutSet(
                workout=workout,
                exercise=exercise,
                set_number=numbers[exercise.pk],
                reps=item.reps,
                rep_type=item.rep_type,
                weight=item.weight,
                rpe=item.rpe,
                is_amrap=item.is_amrap,
                notes=(item.notes or "").strip(),
                duration_seconds=item.duration_seconds,
                avg_heart_rate=item.avg_heart_rate,
            )
        )
    return rows


def _duplicate_day_error(athlete: Athlete, date: dt.date) -> ValidationError:
    return ValidationError(
        {
            "date": f"{athlete.name} already has a workout on {_fmt_day(date)}. "
            "Edit that workout instead, or pick another date."
        }
    )


def workout_log(
    *,
    athlete: Athlete,
    date: dt.date,
    sets: Sequence[SetInput],
    by: User | None,
    notes: str = "",
    assignment: AthleteProgram | None = None,
) -> Workout:
    """Log a workout. It fulfils the next session of `assignment` (a running plan beside the
    strength program), else of the active primary program: its week/day are fixed now, from the
    position at logging time, so later edits never renumber history."""
    _check_past_date("date", date, "The workout date")
    notes = _clean_text("notes", notes, limit=MAX_TEXT, label="Notes")
    validated = _validate_sets(sets, coach_id=athlete.coach_id)
    if assignment is not None and (assignment.athlete_id != athlete.pk or not assignment.is_active):
        name = assignment.template.name
        raise ValidationError({"assignment": f"{name} is not an active program of {athlete.name}."})
    with transaction.atomic():
        if Workout.objects.filter(athlete=athlete, date=date).exists():
            raise _duplicate_day_error(athlete, date)
        assignment = assignment or active_primary(athlete)
        week: int | None = None
        day: int | None = None
        if assignment is not None and date >= assignment.start_date:
            position = assignment_position(assignment)
            if not position.block_complete:
                week, day = position.week, position.day
        else:
            # Backfilled history from before the program started is not one of its sessions.
            assignment = None
        try:
            with transaction.atomic():
                workout = Workout.objects.create(
                    athlete=athlete,
                    date=date,
                    notes=notes,
                    assignment=assignment,
                    week=week,
                    day=day,
                    logged_by=by,
                )
        except IntegrityError:
            raise _duplicate_day_error(athlete, date) from None
        WorkoutSet.objects.bulk_create(_build_sets(workout, validated))
    return workout


def workout_update(
    *,
    workout: Workout,
    date: dt.date,
    sets: Sequence[SetInput],
    by: User | None,
    notes: str = "",
) -> Workout:
    """Replace a workout's date, notes and sets. Its program session (week/day) stays fixed."""
    _check_past_date("date", date, "The workout date")
    notes = _clean_text("notes", notes, limit=MAX_TEXT, label="Notes")
    validated = _validate_sets(sets, coach_id=workout.athlete.coach_id)
    with transaction.atomic():
        clash = Workout.objects.filter(athlete_id=workout.athlete_id, date=date).exclude(
            pk=workout.pk
        )
        if clash.exists():
            raise _duplicate_day_error(workout.athlete, date)
        workout.date = date
        workout.notes = notes
        try:
            with transaction.atomic():
                workout.save(update_fields=["date", "notes"])
        except IntegrityError:
            raise _duplicate_day_error(workout.athlete, date) from None
        workout.sets.all().delete()
        WorkoutSet.objects.bulk_create(_build_sets(workout, validated))
    return workout


def workout_review(
    *, workout: Workout, status: str, by: User | None, notes: str = ""
) -> WorkoutReview:
    if status not in ReviewStatus.values:
        raise ValidationError({"status": "Choose Approved or Needs work."})
    notes = _clean_text("notes", notes, limit=MAX_TEXT, label="Review notes")
    review, _ = WorkoutReview.objects.update_or_create(
        workout=workout,
        defaults={"status": status, "notes": notes, "coach": by, "reviewed_at": timezone.now()},
    )
    return review


# --- notes -------------------------------------------------------------------------------------


def note_add(
    *,
    athlete: Athlete,
    content: str,
    by: User | None,
    is_private: bool = False,
    is_pinned: bool = False,
    date: dt.date | None = None,
) -> AthleteNote:
    content = _clean_text("content", content, limit=MAX_TEXT, label="Note", required=True)
    day = date or timezone.localdate()
    _check_past_date("date", day, "The note date")
    return AthleteNote.objects.create(
        athlete=athlete,
        author=by,
        content=content,
        is_private=is_private,
        is_pinned=is_pinned,
        date=day,
    )


def note_update(
    *,
    note: AthleteNote,
    by: User | None,
    content: str | _Unset = UNSET,
    is_private: bool | _Unset = UNSET,
    is_pinned: bool | _Unset = UNSET,
) -> AthleteNote:
    changed: list[str] = []
    if not isinstance(content, _Unset):
        note.content = _clean_text("content", content, limit=MAX_TEXT, label="Note", required=True)
        changed.append("content")
    if not isinstance(is_private, _Unset):
        note.is_private = is_private
        changed.append("is_private")
    if not isinstance(is_pinned, _Unset):
        note.is_pinned = is_pinned
        changed.append("is_pinned")
    if changed:
        note.save(update_fields=changed)
    return note


# --- training maxes, body weight ---------------------------------------------------------------


def training_max_record(
    *,
    athlete: Athlete,
    exercise: Exercise,
    weight: Decimal,
    by: User | None,
    effective_date: dt.date | None = None,
) -> TrainingMax:
    """A new TM from `effective_date`; older values stay as history. Recording twice on the same
    day corrects that day's value."""
    _check_weight("weight", weight, label="Training max", maximum=MAX_WEIGHT)
    day = effective_date or timezone.localdate()
    _check_past_date("effective_date", day, "The effective date")
    tm, _ = TrainingMax.objects.update_or_create(
        athlete=athlete, exercise=exercise, effective_date=day, defaults={"weight": weight}
    )
    return tm


def body_weight_record(
    *, athlete: Athlete, weight: Decimal, by: User | None, date: dt.date | None = None
) -> BodyWeight:
    if not athlete.track_body_weight:
        raise ValidationError(
            {"weight": f"Body weight tracking is switched off for {athlete.name}."}
        )
    _check_weight("weight", weight, label="Body weight", maximum=MAX_BODY_WEIGHT)
    day = date or timezone.localdate()
    _check_past_date("date", day, "The date")
    entry, _ = BodyWeight.objects.update_or_create(
        athlete=athlete, date=day, defaults={"weight": weight}
    )
    return entry


# --- programs ----------------------------------------------------------------------------------


def program_assign(
    *,
    athlete: Athlete,
    template: ProgramTemplate,
    by: User | None,
    start_date: dt.date | None = None,
    role: str = ProgramRole.PRIMARY,
    cycle_goal: str = "",
    notes: str = "",
) -> AthleteProgram:
    """Start a program. A new primary program replaces the active one (ended as `replaced`),
    in the same transaction, so an athlete never has two primaries or none in between."""
    if template.owner_id is not None and template.owner_id != athlete.pk:
        raise ValidationError({"template": f"“{template.name}” belongs to another athlete."})
    if template.coach_id is not None and template.coach_id != athlete.coach_id:
        raise ValidationError({"template": f"“{template.name}” is in another coach's library."})
    if role not in ProgramRole.values:
        raise ValidationError({"role": f"Unknown role {role!r}."})
    start = start_date or timezone.localdate()
    if start < EARLIEST_DATE:
        raise ValidationError({"start_date": "The start date is before 1900."})
    latest = timezone.localdate() + MAX_START_AHEAD
    if start > latest:
        raise ValidationError(
            {
                "start_date": f"The start date {start.isoformat()} is more than a year ahead; "
                f"choose a date up to {latest.isoformat()}."
            }
        )
    cycle_goal = _clean_text("cycle_goal", cycle_goal, limit=MAX_TEXT, label="Cycle goal")
    notes = _clean_text("notes", notes, limit=MAX_TEXT, label="Notes")
    with transaction.atomic():
        if role == ProgramRole.PRIMARY:
            for previous in AthleteProgram.objects.select_for_update().filter(
                athlete=athlete, is_active=True, role=ProgramRole.PRIMARY
            ):
                previous.is_active = False
                previous.ended_on = max(start, previous.start_date)
                previous.end_reason = EndReason.REPLACED
                previous.save(update_fields=["is_active", "ended_on", "end_reason"])
        return AthleteProgram.objects.create(
            athlete=athlete,
            template=template,
            start_date=start,
            role=role,
            cycle_goal=cycle_goal,
            notes=notes,
            is_active=True,
        )


def assignment_end(
    *,
    assignment: AthleteProgram,
    reason: str,
    by: User | None,
    ended_on: dt.date | None = None,
) -> AthleteProgram:
    if reason not in (EndReason.COMPLETED, EndReason.STOPPED):
        raise ValidationError({"reason": "Choose Completed or Stopped."})
    if not assignment.is_active:
        raise ValidationError({"reason": "This program has already ended."})
    day = ended_on or timezone.localdate()
    assignment.is_active = False
    assignment.ended_on = max(day, assignment.start_date)
    assignment.end_reason = reason
    assignment.save(update_fields=["is_active", "ended_on", "end_reason"])
    return assignment
