"""One athlete's bounded history: every query of the statistics lives here, so the
constant-query tests guard them all."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, F, FloatField, Max, Min, Q
from django.db.models.functions import Cast
from django.utils import timezone

from athletes.models import (
    Athlete,
    AthleteNote,
    AthleteProgram,
    BodyWeight,
    GoalHistory,
    ProgramRole,
    SetKind,
    TierHistory,
    TrainingMax,
    Workout,
    WorkoutSet,
)
from athletes.stats.rows import (
    AssignmentRow,
    ChangeRow,
    DatedValue,
    ExerciseRef,
    History,
    NoteRow,
    PrescriptionRow,
    SetRow,
    TrainingMaxRow,
    WorkoutRow,
)
from athletes.stats.thresholds import HISTORY_DAYS, NOTES_LOADED_MAX
from programs.models import PrescribedSet


def _f(value: Any) -> float | None:
    return None if value is None else float(value)


def _float(field: str) -> Cast:
    """A decimal column read as a float by the database: thousands of sets are not worth a
    Decimal each only to become floats here."""
    return Cast(F(field), FloatField())


Counts = dict[int | None, tuple[int, dt.date, dt.date]]


def load_history(
    athlete: Athlete,
    *,
    today: dt.date | None = None,
    days: int = HISTORY_DAYS,
    with_notes: bool = True,
    with_prescriptions: bool = True,
) -> History:
    """One athlete's bounded history in a fixed number of queries (9 with everything; 5 for the
    charts), whatever the length of the history."""
    today = today or timezone.localdate()
    history = History(today=today, since=today - dt.timedelta(days=days))
    refs: dict[int, ExerciseRef] = {}
    history.workouts = _workouts(athlete, history.since, today)
    history.sets = _sets(athlete, history, refs)
    counts = _workout_counts(athlete)
    _set_totals(history, counts)
    history.assignments = _assignments(athlete, counts)
    if with_prescriptions:
        history.prescriptions = _prescriptions(_template_ids(history), refs)
    history.training_maxes = _training_maxes(athlete, today, refs)
    if athlete.track_body_weight:
        history.body_weights = _body_weights(athlete, history.since, today)
    if with_notes:
        _load_notes(athlete, history)
    history.exercises = refs
    return history


def _workouts(athlete: Athlete, since: dt.date, today: dt.date) -> list[WorkoutRow]:
    return [
        WorkoutRow(
            id=pk,
            date=date,
            assignment_id=assignment_id,
            week=week,
            day=day,
            notes=notes,
            review_status=review_status or "",
            review_notes=review_notes or "",
        )
        for pk, date, assignment_id, week, day, notes, review_status, review_notes in (
            Workout.objects.filter(athlete=athlete, date__gte=since, date__lte=today)
            .order_by("date", "pk")
            .values_list(
                "pk", "date", "assignment_id", "week", "day", "notes", "review__status",
                "review__notes",
            )
        )
    ]  # fmt: skip


def _sets(athlete: Athlete, history: History, refs: dict[int, ExerciseRef]) -> list[SetRow]:
    """The sets of the workouts already loaded, and only those: a workout logged (or moved into
    the window) between the two queries would otherwise leave sets of a workout the history does
    not know. Filtering by the window in SQL and by the loaded ids here keeps one query, with no
    parameter per workout."""
    loaded = {w.id for w in history.workouts}
    sets = []
    for row in (
        WorkoutSet.objects.filter(
            workout__athlete=athlete,
            workout__date__gte=history.since,
            workout__date__lte=history.today,
        )
        # Warm-ups (imported from Strong/Hevy) are logged, not training: no volume, RPE or TM.
        .exclude(kind=SetKind.WARMUP)
        .order_by("workout__date", "workout_id", "exercise_id", "set_number")
        .values_list(
            "workout_id", "exercise_id", "exercise__name", "exercise__movement_pattern",
            "set_number", "reps", _float("weight"), _float("rpe"), "rep_type", "is_amrap", "notes",
            "duration_seconds",
        )
    ):  # fmt: skip
        wid, ex_id, ex_name, pattern, number, reps, weight, rpe, rep_type, amrap, notes, secs = row
        if wid not in loaded:
            continue
        refs.setdefault(ex_id, ExerciseRef(ex_id, ex_name, pattern))
        sets.append(
            SetRow(wid, ex_id, number, reps, _f(weight), _f(rpe), rep_type, amrap, notes, secs)
        )
    return sets


def _workout_counts(athlete: Athlete) -> Counts:
    """All-time counts per assignment: position in a program and "training months" need more
    than the loaded window."""
    return {
        row["assignment_id"]: (row["n"], row["first"], row["last"])
        for row in Workout.objects.filter(athlete=athlete)
        .values("assignment_id")
        .annotate(n=Count("id"), first=Min("date"), last=Max("date"))
        .order_by()
    }


def _set_totals(history: History, counts: Counts) -> None:
    history.total_workouts = sum(n for n, _, _ in counts.values())
    if counts:
        history.first_workout = min(first for _, first, _ in counts.values())
        history.last_workout = max(last for _, _, last in counts.values())


def _assignments(athlete: Athlete, counts: Counts) -> list[AssignmentRow]:
    return [
        assignment_row(
            a,
            sessions_logged=counts.get(a.pk, (0, None, None))[0],
            last_logged=counts.get(a.pk, (0, None, None))[2],
        )
        for a in AthleteProgram.objects.filter(athlete=athlete)
        .select_related("template")
        .order_by("start_date", "pk")
    ]


def assignment_row(
    a: AthleteProgram, *, sessions_logged: int, last_logged: dt.date | None
) -> AssignmentRow:
    """An assignment (its template selected) as the statistics read it; the athlete list builds
    its rows here too, so its adherence has the athlete page's inputs."""
    return AssignmentRow(
        id=a.pk,
        template_id=a.template_id,
        name=a.template.name,
        num_weeks=a.template.num_weeks,
        num_days=a.template.num_days,
        start_date=a.start_date,
        is_loop=a.template.is_loop,
        is_active=a.is_active,
        role=a.role,
        audience=a.template.audience,
        cycle_goal=a.cycle_goal,
        ended_on=a.ended_on,
        end_reason=a.get_end_reason_display() if a.end_reason else "",
        sessions_logged=sessions_logged,
        last_logged=last_logged,
    )


def _template_ids(history: History) -> set[int]:
    """The current primary program's template and those of the loaded workouts."""
    trained = {w.assignment_id for w in history.workouts}
    return {
        a.template_id
        for a in history.assignments
        if (a.is_active and a.role == ProgramRole.PRIMARY) or a.id in trained
    }


def _prescriptions(template_ids: set[int], refs: dict[int, ExerciseRef]) -> list[PrescriptionRow]:
    rows = []
    for prow in (
        PrescribedSet.objects.filter(template_id__in=template_ids)
        .order_by("template_id", "week", "day", "sort_order", "exercise_id", "set_number")
        .values_list(
            "template_id", "week", "day", "exercise_id", "exercise__name",
            "exercise__movement_pattern", "set_number", "reps", "rep_type",
            _float("percentage"), _float("absolute_weight"), _float("target_rpe"),
            "sort_order",
        )
    ):  # fmt: skip
        tid, week, day, ex_id, name, pattern, number, reps, rep_type, pct, abs_w, rpe, order = prow
        refs.setdefault(ex_id, ExerciseRef(ex_id, name, pattern))
        rows.append(
            PrescriptionRow(
                tid, week, day, ex_id, number, reps, rep_type, _f(pct), _f(abs_w), _f(rpe), order
            )
        )
    return rows


def _training_maxes(
    athlete: Athlete, today: dt.date, refs: dict[int, ExerciseRef]
) -> list[TrainingMaxRow]:
    rows = []
    for ex_id, name, pattern, date, weight in (
        TrainingMax.objects.filter(athlete=athlete, effective_date__lte=today)
        .order_by("effective_date", "pk")
        .values_list(
            "exercise_id", "exercise__name", "exercise__movement_pattern", "effective_date",
            "weight",
        )
    ):  # fmt: skip
        refs.setdefault(ex_id, ExerciseRef(ex_id, name, pattern))
        rows.append(TrainingMaxRow(ex_id, date, float(weight)))
    return rows


def _body_weights(athlete: Athlete, since: dt.date, today: dt.date) -> list[DatedValue]:
    return [
        DatedValue(date, float(weight))
        for date, weight in BodyWeight.objects.filter(
            athlete=athlete, date__gte=since, date__lte=today
        )
        .order_by("date")
        .values_list("date", "weight")
    ]


def _load_notes(athlete: Athlete, history: History) -> None:
    history.notes = [
        NoteRow(date, content, private, pinned)
        for date, content, private, pinned in AthleteNote.objects.filter(athlete=athlete)
        .filter(Q(is_pinned=True) | Q(date__gte=history.since, date__lte=history.today))
        .order_by("-is_pinned", "-date", "-pk")
        .values_list("date", "content", "is_private", "is_pinned")[:NOTES_LOADED_MAX]
    ]
    history.goal_changes = [
        ChangeRow(timezone.localdate(at), goal, previous)
        for at, goal, previous in GoalHistory.objects.filter(athlete=athlete)
        .order_by("-changed_at", "-pk")
        .values_list("changed_at", "goal", "previous_goal")[:10]
    ]
    history.tier_changes = [
        ChangeRow(timezone.localdate(at), tier, previous)
        for at, tier, previous in TierHistory.objects.filter(athlete=athlete)
        .order_by("-changed_at", "-pk")
        .values_list("changed_at", "tier", "previous_tier")[:10]
    ]
