"""Training statistics for one athlete: the few queries that load a bounded history, and pure
functions that turn it into trends. The briefing packet and the charts both read from here, so
a number shown on a chart is the number the generator is told.

Every threshold lives in this module (the packet quotes them in its `definitions`).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
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
    TierHistory,
    TrainingMax,
    Workout,
    WorkoutSet,
)
from programs.models import PrescribedSet, RepType

HISTORY_DAYS = 365  # how far back workouts, sets, notes and body weights are loaded
RPE_TREND_SESSIONS = 8
RPE_TREND_THRESHOLD = 0.1  # RPE per session, |slope| at or above it is a trend
MIN_TREND_POINTS = 3
VOLUME_TREND_WEEKS = 8
VOLUME_TREND_THRESHOLD_PCT = 5.0  # % of mean weekly volume per week
PLATEAU_SESSIONS = 6  # K: TM flat and RPE rising over the last K sessions
ADHERENCE_WEEKS = 12
BODY_WEIGHT_TREND_DAYS = 91
BODY_WEIGHT_MIN_SPAN_DAYS = 21
BODY_WEIGHT_STABLE_PCT = 0.5  # % of body weight per month below which the weight is stable
# A youth growth spurt or a cut shows as more than this % of body weight per month.
BODY_WEIGHT_RAPID_PCT = 1.5
BODY_WEIGHT_SERIES_WEEKS = 26
DAYS_PER_MONTH = 30.44
NOTES_LOADED_MAX = 200

EPLEY_FORMULA = "e1RM = weight × (1 + reps / 30) (Epley)"


class Direction(StrEnum):
    RISING = "rising"
    STABLE = "stable"
    FALLING = "falling"
    INSUFFICIENT = "insufficient data"


# ---------------------------------------------------------------------------------------------
# Rows: plain values, so the pure functions below are tested without a database.


@dataclass(frozen=True)
class ExerciseRef:
    id: int
    name: str
    pattern: str = ""


@dataclass(frozen=True)
class SetRow:
    workout_id: int
    exercise_id: int
    set_number: int
    reps: int | None
    weight: float | None = None
    rpe: float | None = None
    rep_type: str = RepType.REPS
    is_amrap: bool = False
    notes: str = ""


@dataclass(frozen=True)
class WorkoutRow:
    id: int
    date: dt.date
    assignment_id: int | None = None
    week: int | None = None
    day: int | None = None
    notes: str = ""
    review_status: str = ""
    review_notes: str = ""


@dataclass(frozen=True)
class AssignmentRow:
    id: int
    template_id: int
    name: str
    num_weeks: int
    num_days: int
    start_date: dt.date
    is_loop: bool = False
    is_active: bool = True
    role: str = ProgramRole.PRIMARY
    audience: str = ""
    cycle_goal: str = ""
    ended_on: dt.date | None = None
    end_reason: str = ""
    sessions_logged: int = 0
    last_logged: dt.date | None = None


@dataclass(frozen=True)
class PrescriptionRow:
    template_id: int
    week: int
    day: int
    exercise_id: int
    set_number: int
    reps: int | None
    rep_type: str = RepType.REPS
    percentage: float | None = None
    absolute_weight: float | None = None
    target_rpe: float | None = None
    sort_order: int = 0


@dataclass(frozen=True)
class TrainingMaxRow:
    exercise_id: int
    date: dt.date
    weight: float


@dataclass(frozen=True)
class DatedValue:
    date: dt.date
    value: float


@dataclass(frozen=True)
class NoteRow:
    date: dt.date
    content: str
    is_private: bool = False
    is_pinned: bool = False


@dataclass(frozen=True)
class ChangeRow:
    date: dt.date
    value: str
    previous: str = ""


@dataclass
class History:
    today: dt.date
    since: dt.date
    workouts: list[WorkoutRow] = field(default_factory=list)  # oldest first
    sets: list[SetRow] = field(default_factory=list)
    exercises: dict[int, ExerciseRef] = field(default_factory=dict)
    assignments: list[AssignmentRow] = field(default_factory=list)  # oldest start first
    prescriptions: list[PrescriptionRow] = field(default_factory=list)
    training_maxes: list[TrainingMaxRow] = field(default_factory=list)  # oldest first
    body_weights: list[DatedValue] = field(default_factory=list)  # oldest first
    notes: list[NoteRow] = field(default_factory=list)  # pinned first, then newest first
    goal_changes: list[ChangeRow] = field(default_factory=list)  # newest first
    tier_changes: list[ChangeRow] = field(default_factory=list)  # newest first
    total_workouts: int = 0
    first_workout: dt.date | None = None
    last_workout: dt.date | None = None

    @property
    def current_assignment(self) -> AssignmentRow | None:
        for a in reversed(self.assignments):
            if a.is_active and a.role == ProgramRole.PRIMARY:
                return a
        return None


def _f(value: Any) -> float | None:
    return None if value is None else float(value)


def _float(field: str) -> Cast:
    """A decimal column read as a float by the database: thousands of sets are not worth a
    Decimal each only to become floats here."""
    return Cast(F(field), FloatField())


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
    since = today - dt.timedelta(days=days)
    history = History(today=today, since=since)
    refs: dict[int, ExerciseRef] = {}

    history.workouts = [
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

    for row in (
        WorkoutSet.objects.filter(
            workout__athlete=athlete, workout__date__gte=since, workout__date__lte=today
        )
        .order_by("workout__date", "workout_id", "exercise_id", "set_number")
        .values_list(
            "workout_id", "exercise_id", "exercise__name", "exercise__movement_pattern",
            "set_number", "reps", _float("weight"), _float("rpe"), "rep_type", "is_amrap", "notes",
        )
    ):  # fmt: skip
        wid, ex_id, ex_name, pattern, number, reps, weight, rpe, rep_type, amrap, notes = row
        refs.setdefault(ex_id, ExerciseRef(ex_id, ex_name, pattern))
        history.sets.append(
            SetRow(wid, ex_id, number, reps, _f(weight), _f(rpe), rep_type, amrap, notes)
        )

    # All-time counts per assignment: position in a program and "training months" need more
    # than the loaded window.
    counts: dict[int | None, tuple[int, dt.date, dt.date]] = {
        row["assignment_id"]: (row["n"], row["first"], row["last"])
        for row in Workout.objects.filter(athlete=athlete)
        .values("assignment_id")
        .annotate(n=Count("id"), first=Min("date"), last=Max("date"))
        .order_by()
    }
    history.total_workouts = sum(n for n, _, _ in counts.values())
    if counts:
        history.first_workout = min(first for _, first, _ in counts.values())
        history.last_workout = max(last for _, _, last in counts.values())

    history.assignments = [
        AssignmentRow(
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
            sessions_logged=counts.get(a.pk, (0, None, None))[0],
            last_logged=counts.get(a.pk, (0, None, None))[2],
        )
        for a in AthleteProgram.objects.filter(athlete=athlete)
        .select_related("template")
        .order_by("start_date", "pk")
    ]

    if with_prescriptions:
        trained = {w.assignment_id for w in history.workouts}
        template_ids = {
            a.template_id
            for a in history.assignments
            if (a.is_active and a.role == ProgramRole.PRIMARY) or a.id in trained
        }
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
            tid, week, day, ex_id, name, pattern, number, reps, rep_type, pct, abs_w, rpe, order = (
                prow
            )
            refs.setdefault(ex_id, ExerciseRef(ex_id, name, pattern))
            history.prescriptions.append(
                PrescriptionRow(
                    tid, week, day, ex_id, number, reps, rep_type, _f(pct), _f(abs_w), _f(rpe),
                    order,
                )
            )  # fmt: skip

    for ex_id, name, pattern, date, weight in (
        TrainingMax.objects.filter(athlete=athlete, effective_date__lte=today)
        .order_by("effective_date", "pk")
        .values_list(
            "exercise_id", "exercise__name", "exercise__movement_pattern", "effective_date",
            "weight",
        )
    ):  # fmt: skip
        refs.setdefault(ex_id, ExerciseRef(ex_id, name, pattern))
        history.training_maxes.append(TrainingMaxRow(ex_id, date, float(weight)))

    if athlete.track_body_weight:
        history.body_weights = [
            DatedValue(date, float(weight))
            for date, weight in BodyWeight.objects.filter(
                athlete=athlete, date__gte=since, date__lte=today
            )
            .order_by("date")
            .values_list("date", "weight")
        ]

    if with_notes:
        history.notes = [
            NoteRow(date, content, private, pinned)
            for date, content, private, pinned in AthleteNote.objects.filter(athlete=athlete)
            .filter(Q(is_pinned=True) | Q(date__gte=since, date__lte=today))
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

    history.exercises = refs
    return history


# ---------------------------------------------------------------------------------------------
# Pure functions


def fmt_num(value: float) -> str:
    """135.0 → "135", 57.5 → "57.5", 56.25 → "56.25"."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def least_squares_slope(ys: Sequence[float], xs: Sequence[float] | None = None) -> float | None:
    n = len(ys)
    if n < 2:
        return None
    xv = list(xs) if xs is not None else [float(i) for i in range(n)]
    mx = sum(xv) / n
    my = sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xv)
    if sxx == 0:
        return None
    return sum((x - mx) * (y - my) for x, y in zip(xv, ys, strict=True)) / sxx


@dataclass(frozen=True)
class Trend:
    direction: Direction
    slope: float | None  # per session (RPE), % per week (volume)
    points: int
    intercept: float | None = None  # of the fitted line at index 0, for charts


def classify(slope: float | None, threshold: float) -> Direction:
    if slope is None:
        return Direction.INSUFFICIENT
    if slope >= threshold:
        return Direction.RISING
    if slope <= -threshold:
        return Direction.FALLING
    return Direction.STABLE


def rpe_trend(
    rpes: Sequence[float],
    *,
    sessions: int = RPE_TREND_SESSIONS,
    threshold: float = RPE_TREND_THRESHOLD,
) -> Trend:
    """Least-squares slope of per-session average RPE over the last `sessions` sessions."""
    ys = list(rpes)[-sessions:]
    if len(ys) < MIN_TREND_POINTS:
        return Trend(Direction.INSUFFICIENT, None, len(ys))
    slope = least_squares_slope(ys)
    assert slope is not None
    intercept = sum(ys) / len(ys) - slope * (len(ys) - 1) / 2
    return Trend(classify(slope, threshold), slope, len(ys), intercept)


def volume_trend(
    weekly: Sequence[float], *, threshold_pct: float = VOLUME_TREND_THRESHOLD_PCT
) -> Trend:
    """Slope of weekly volume as % of the mean weekly volume per week."""
    ys = list(weekly)
    mean = sum(ys) / len(ys) if ys else 0.0
    if len(ys) < MIN_TREND_POINTS or mean <= 0:
        return Trend(Direction.INSUFFICIENT, None, len(ys))
    slope = least_squares_slope(ys)
    assert slope is not None
    pct = slope / mean * 100
    return Trend(classify(pct, threshold_pct), pct, len(ys))


def epley_1rm(weight: float, reps: int) -> float:
    return weight * (1 + reps / 30)


@dataclass(frozen=True)
class Volume:
    sets: int = 0
    reps: int = 0
    tonnage: float = 0.0
    seconds: int = 0
    distance_m: int = 0

    def __add__(self, other: Volume) -> Volume:
        return Volume(
            self.sets + other.sets,
            self.reps + other.reps,
            self.tonnage + other.tonnage,
            self.seconds + other.seconds,
            self.distance_m + other.distance_m,
        )

    @property
    def main_measure(self) -> float:
        """The one number a trend follows: tonnage when loaded, else reps, time or distance."""
        return self.tonnage or self.reps or self.seconds or self.distance_m or 0.0


def set_volume(s: SetRow) -> Volume:
    n = s.reps or 0
    if s.rep_type == RepType.SECONDS:
        return Volume(sets=1, seconds=n)
    if s.rep_type == RepType.DISTANCE:
        return Volume(sets=1, distance_m=n)
    reps = n * (2 if s.rep_type == RepType.EACH_SIDE else 1)
    return Volume(sets=1, reps=reps, tonnage=reps * (s.weight or 0.0))


_UNIT_SUFFIX = {RepType.SECONDS: "s", RepType.DISTANCE: "m", RepType.EACH_SIDE: "/side"}


def _unit_suffix(rep_type: str) -> str:
    return _UNIT_SUFFIX.get(rep_type, "")  # type: ignore[call-overload]


def format_sets(sets: Iterable[SetRow]) -> str:
    """Sets as a coach writes them: "3×5@135, 1×8@155 AMRAP", a ramp as "3×2@80/90/95",
    "2×30s"."""
    runs: list[list[SetRow]] = []
    for s in sets:
        last = runs[-1][-1] if runs else None
        if (
            last is not None
            and (s.reps, s.rep_type, s.is_amrap) == (last.reps, last.rep_type, last.is_amrap)
            and bool(s.weight) == bool(last.weight)
        ):
            runs[-1].append(s)
        else:
            runs.append([s])
    parts = []
    for run in runs:
        first = run[0]
        text = f"{len(run)}×{first.reps if first.reps is not None else '?'}"
        text += _unit_suffix(first.rep_type)
        weights = [fmt_num(s.weight) for s in run if s.weight]
        if weights:
            text += "@" + (weights[0] if len(set(weights)) == 1 else "/".join(weights))
        if first.is_amrap:
            text += " AMRAP"
        parts.append(text)
    return ", ".join(parts)


@dataclass(frozen=True)
class Session:
    """One exercise in one workout. Its figures are computed once (cached_property): a packet
    reads them for every step of its budget ladder."""

    date: dt.date
    workout_id: int
    sets: tuple[SetRow, ...]

    @cached_property
    def avg_rpe(self) -> float | None:
        values = [s.rpe for s in self.sets if s.rpe is not None]
        return sum(values) / len(values) if values else None

    @cached_property
    def top_weight(self) -> float | None:
        values = [s.weight for s in self.sets if s.weight is not None]
        return max(values) if values else None

    @cached_property
    def best_set(self) -> SetRow:
        return max(self.sets, key=lambda s: (s.weight or 0.0, s.reps or 0))

    @cached_property
    def volume(self) -> Volume:
        # The sum of set_volume over the sets, in the same order (so the same floats), without
        # a Volume object per set: every session of months of history is summed.
        sets = reps = seconds = distance_m = 0
        tonnage = 0.0
        for s in self.sets:
            n = s.reps or 0
            sets += 1
            if s.rep_type == RepType.SECONDS:
                seconds += n
            elif s.rep_type == RepType.DISTANCE:
                distance_m += n
            else:
                counted = n * (2 if s.rep_type == RepType.EACH_SIDE else 1)
                reps += counted
                tonnage += counted * (s.weight or 0.0)
        return Volume(sets, reps, tonnage, seconds, distance_m)

    @cached_property
    def summary(self) -> str:
        return format_sets(self.sets)


@dataclass(frozen=True)
class AmrapResult:
    date: dt.date
    weight: float
    reps: int
    e1rm: float


def amrap_results(sessions: Sequence[Session]) -> tuple[AmrapResult | None, AmrapResult | None]:
    """(best by estimated 1RM, most recent) over loaded AMRAP sets with reps."""
    results = [
        AmrapResult(session.date, s.weight, s.reps, epley_1rm(s.weight, s.reps))
        for session in sessions
        for s in session.sets
        if s.is_amrap and s.reps and s.weight
    ]
    if not results:
        return None, None
    best = max(results, key=lambda r: (r.e1rm, r.date))
    return best, results[-1]


def tm_on(tms: Sequence[TrainingMaxRow], day: dt.date) -> float | None:
    """The training max in effect on `day` (tms oldest first)."""
    current = None
    for tm in tms:
        if tm.date > day:
            break
        current = tm.weight
    return current


@dataclass(frozen=True)
class Plateau:
    flagged: bool
    reason: str


def plateau(
    sessions: Sequence[Session],
    tms: Sequence[TrainingMaxRow],
    *,
    k: int = PLATEAU_SESSIONS,
    threshold: float = RPE_TREND_THRESHOLD,
) -> Plateau:
    """TM (or, without a TM, the top working weight) unchanged since the first of the last k
    sessions while their RPE rose. `tms` oldest first, none later than today."""
    rated = [s for s in sessions if s.avg_rpe is not None]
    if len(rated) < k:
        return Plateau(False, f"fewer than {k} sessions with RPE")
    window = rated[-k:]
    first = window[0]
    if tms:
        start, current = tm_on(tms, first.date), tms[-1].weight
        if start is None:
            return Plateau(False, "no training max for the whole window")
        # Any change since the window began (raised, or reset by the coach) is not flat.
        flat = current == start
        what, load = "TM", f"TM {fmt_num(current)}"
    else:
        tops = [s.top_weight or 0.0 for s in window]
        flat = max(tops) <= tops[0]
        what, load = "top weight", f"top weight {fmt_num(tops[0])}"
    trend = rpe_trend(
        [s.avg_rpe for s in window if s.avg_rpe is not None], sessions=k, threshold=threshold
    )
    if not flat:
        return Plateau(False, f"{what} changed within the last {k} sessions")
    if trend.direction is not Direction.RISING:
        return Plateau(False, f"RPE {trend.direction} over the last {k} sessions")
    return Plateau(
        True,
        f"{load} unchanged over the last {k} sessions (from {first.date.isoformat()}) while "
        f"RPE rose {trend.slope:+.2f}/session",
    )


# ---------------------------------------------------------------------------------------------
# Completion and adherence


@dataclass(frozen=True)
class Completion:
    prescribed_sets: int = 0
    logged_sets: int = 0  # capped at the prescription, session by session
    extra_sets: int = 0  # logged beyond the prescription
    sessions: int = 0  # trained sessions in which the exercise was prescribed
    sessions_skipped: int = 0  # ... in which none of its sets was logged

    @property
    def rate_pct(self) -> float | None:
        if not self.prescribed_sets:
            return None
        return 100 * self.logged_sets / self.prescribed_sets

    def __add__(self, other: Completion) -> Completion:
        return Completion(
            self.prescribed_sets + other.prescribed_sets,
            self.logged_sets + other.logged_sets,
            self.extra_sets + other.extra_sets,
            self.sessions + other.sessions,
            self.sessions_skipped + other.sessions_skipped,
        )


@dataclass(frozen=True)
class CompletionReport:
    by_exercise: dict[int, Completion]
    overall: Completion
    sessions_matched: int  # workouts logged against a known prescribed session
    sessions_unmatched: int  # workouts without an assignment/session (extra sessions)
    unprescribed_sets: int  # sets of exercises the session did not prescribe, swaps excluded
    swaps: dict[int, set[int]] = field(default_factory=dict)  # substitute → exercises replaced


def completion(
    workouts: Sequence[WorkoutRow],
    sets: Sequence[SetRow],
    assignments: Sequence[AssignmentRow],
    prescriptions: Sequence[PrescriptionRow],
    *,
    since: dt.date,
    patterns: dict[int, str] | None = None,
) -> CompletionReport:
    """Logged vs prescribed sets, for the workouts logged against an assignment's session.

    An exercise the session did not prescribe, of the same movement pattern as a prescribed one
    that was not logged, is a like-for-like swap (a home-gym athlete's goblet squat for the back
    squat): its sets count for the prescription, and its own completion is tracked too.
    """
    patterns = patterns or {}
    template_of = {a.id: a.template_id for a in assignments}
    prescribed: dict[tuple[int, int, int], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for p in prescriptions:
        prescribed[(p.template_id, p.week, p.day)][p.exercise_id] += 1
    logged: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for s in sets:
        logged[s.workout_id][s.exercise_id] += 1

    by_exercise: dict[int, Completion] = defaultdict(Completion)
    overall = Completion()
    swaps: dict[int, set[int]] = {}
    matched = unmatched = unprescribed = 0
    for w in workouts:
        if w.date < since:
            continue
        key = (
            (template_of.get(w.assignment_id, -1), w.week or 0, w.day or 0)
            if w.assignment_id is not None
            else None
        )
        plan = prescribed.get(key) if key else None
        if not plan:
            unmatched += 1
            continue
        matched += 1
        done = logged.get(w.id, {})
        spare = {ex_id: n for ex_id, n in done.items() if ex_id not in plan}
        for ex_id, count in plan.items():
            n = done.get(ex_id, 0)
            swap = None
            if n == 0 and patterns.get(ex_id):
                swap = next((x for x in spare if patterns.get(x) == patterns[ex_id]), None)
            if swap is not None:
                n = spare.pop(swap)
                swaps.setdefault(swap, set()).add(ex_id)
                by_exercise[swap] += Completion(count, min(n, count), max(0, n - count), 1, 0)
            result = Completion(
                prescribed_sets=count,
                logged_sets=min(n, count),
                extra_sets=max(0, n - count),
                sessions=1,
                sessions_skipped=int(n == 0),
            )
            by_exercise[ex_id] += result
            overall += result
        unprescribed += sum(spare.values())
    return CompletionReport(dict(by_exercise), overall, matched, unmatched, unprescribed, swaps)


def assignment_end(
    a: AssignmentRow, assignments: Sequence[AssignmentRow], today: dt.date
) -> dt.date:
    if a.ended_on:
        return a.ended_on
    if a.is_active:
        return today
    later = [
        b.start_date
        for b in assignments
        if b.role == a.role and b.start_date > a.start_date and b.id != a.id
    ]
    if later:
        return min(later) - dt.timedelta(days=1)
    return a.last_logged or a.start_date


def prescribed_sessions(
    assignments: Sequence[AssignmentRow], week_start: dt.date, today: dt.date
) -> int:
    """Sessions the primary program(s) asked for in the week starting `week_start`; a program
    that starts or ends mid-week asks for its days pro rata (rounded half up)."""
    week_end = week_start + dt.timedelta(days=6)
    total = 0
    most = 0
    for a in assignments:
        if a.role != ProgramRole.PRIMARY:
            continue
        start = max(a.start_date, week_start)
        end = min(assignment_end(a, assignments, today), week_end)
        if a.is_active and not a.ended_on:
            end = week_end  # an open program asks for the whole week
        days = (end - start).days + 1
        if days <= 0:
            continue
        most = max(most, a.num_days)
        total += math.floor(a.num_days * days / 7 + 0.5)
    return min(total, most)


@dataclass(frozen=True)
class AdherenceWeek:
    start: dt.date  # Monday
    prescribed: int
    logged: int
    reasons: tuple[str, ...] = ()
    in_progress: bool = False

    @property
    def met(self) -> bool | None:
        return None if self.prescribed == 0 else self.logged >= self.prescribed

    @property
    def missed_sessions(self) -> int:
        return max(0, self.prescribed - self.logged)


@dataclass(frozen=True)
class Adherence:
    weeks: list[AdherenceWeek]  # the last complete weeks, oldest first
    current: AdherenceWeek  # this week, so far
    streak_weeks: int

    @property
    def rate_pct(self) -> float | None:
        prescribed = sum(w.prescribed for w in self.weeks)
        if not prescribed:
            return None
        return 100 * sum(min(w.logged, w.prescribed) for w in self.weeks) / prescribed

    @property
    def missed(self) -> list[AdherenceWeek]:
        return [w for w in self.weeks if w.met is False]


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


_REASON_RE = re.compile(
    r"\b(?:miss(?:ed|ing)?|skip(?:ped)?|sick|ill(?:ness)?|flu|absent|away|trip|travel(?:l?ing)?|"
    r"holiday|vacation|exams?|tests?|tournament|games?|match|injur\w*|hurt|pain|sore\w*|"
    r"family|work|busy|tired|rest(?:ed)?|film)\b",
    re.IGNORECASE,
)


def adherence(
    workouts: Sequence[WorkoutRow],
    assignments: Sequence[AssignmentRow],
    notes: Sequence[NoteRow],
    *,
    today: dt.date,
    weeks: int = ADHERENCE_WEEKS,
) -> Adherence:
    """Prescribed sessions (the primary program's days per week) vs workouts logged, for the
    last `weeks` complete weeks. Extra sessions in a week never make up for a missed one."""
    this_week = monday(today)
    starts = [this_week - dt.timedelta(weeks=i) for i in range(weeks, -1, -1)]
    by_week: dict[dt.date, list[WorkoutRow]] = defaultdict(list)
    for w in workouts:
        by_week[monday(w.date)].append(w)
    notes_by_week: dict[dt.date, list[NoteRow]] = defaultdict(list)
    for n in notes:
        notes_by_week[monday(n.date)].append(n)

    rows = []
    for start in starts:
        prescribed = prescribed_sessions(assignments, start, today)
        done = by_week.get(start, [])
        reasons: tuple[str, ...] = ()
        if len(done) < prescribed:
            texts = [w.notes for w in done if w.notes.strip()]
            texts += [n.content for n in notes_by_week.get(start, [])]
            # Notes that give a reason ("missed", "sick", "exams") first; else the week's note.
            texts = list(dict.fromkeys(" ".join(t.split()) for t in texts))
            why = [t for t in texts if _REASON_RE.search(t)] or texts[:1]
            reasons = tuple(_clip(t, 160) for t in why[:2])
        rows.append(AdherenceWeek(start, prescribed, len(done), reasons, start == this_week))
    complete, current = rows[:-1], rows[-1]
    streak = 1 if current.met else 0
    for week in reversed(complete):
        if week.met is not True:
            break
        streak += 1
    return Adherence(complete, current, streak)


# ---------------------------------------------------------------------------------------------
# Body weight


@dataclass(frozen=True)
class BodyWeightTrend:
    direction: Direction
    per_month: float | None
    pct_per_month: float | None
    points: int
    rapid: bool = False
    fitted: tuple[DatedValue, DatedValue] | None = None  # ends of the fitted line, for charts


def body_weight_trend(
    points: Sequence[DatedValue],
    *,
    today: dt.date,
    days: int = BODY_WEIGHT_TREND_DAYS,
    rapid_pct: float = BODY_WEIGHT_RAPID_PCT,
) -> BodyWeightTrend:
    """Least-squares slope of the measurements of the last `days` days, per month and as % of
    the mean body weight per month; rapid when the % exceeds `rapid_pct`."""
    recent = [p for p in points if today - dt.timedelta(days=days) <= p.date <= today]
    span = (recent[-1].date - recent[0].date).days if recent else 0
    if len(recent) < MIN_TREND_POINTS or span < BODY_WEIGHT_MIN_SPAN_DAYS:
        return BodyWeightTrend(Direction.INSUFFICIENT, None, None, len(recent))
    per_day = least_squares_slope(
        [p.value for p in recent], [float(p.date.toordinal()) for p in recent]
    )
    assert per_day is not None
    per_month = per_day * DAYS_PER_MONTH
    mean = sum(p.value for p in recent) / len(recent)
    mean_day = sum(p.date.toordinal() for p in recent) / len(recent)

    def at(day: dt.date) -> DatedValue:
        return DatedValue(day, mean + per_day * (day.toordinal() - mean_day))

    pct = per_month / mean * 100
    return BodyWeightTrend(
        classify(pct, BODY_WEIGHT_STABLE_PCT),
        per_month,
        pct,
        len(recent),
        abs(pct) > rapid_pct,
        (at(recent[0].date), at(recent[-1].date)),
    )


def weekly_last(points: Sequence[DatedValue], *, weeks: int, today: dt.date) -> list[DatedValue]:
    """The last measurement of each week, for the last `weeks` weeks."""
    first = monday(today) - dt.timedelta(weeks=weeks - 1)
    last_of_week: dict[dt.date, DatedValue] = {}
    for p in points:
        if p.date >= first:
            last_of_week[monday(p.date)] = p
    return [last_of_week[k] for k in sorted(last_of_week)]


# ---------------------------------------------------------------------------------------------
# Health and injury mentions in free text

# Plain words for a body part: a health matter with a health word or a side ("left knee"); alone
# they are usually technique cues ("fast elbows", "knees out").
BODY_PARTS: dict[str, tuple[str, ...]] = {
    "knee": (r"knees?",),
    "shoulder": (r"shoulders?",),
    "hip": (r"hips?", r"hip flexors?"),
    "ankle": (r"ankles?",),
    "wrist": (r"wrists?",),
    "elbow": (r"elbows?",),
    "neck": (r"neck",),
    "hamstring": (r"hamstrings?", r"hammys?", r"hammies"),
    "groin": (r"groin", r"adductors?"),
    "calf": (r"calf", r"calves"),
    "foot": (r"foot", r"feet"),
    "shin": (r"shins?",),
}
# Words that name a body part only when something is wrong with it: they count on their own.
# "back" alone is mostly "back squat", "back off", "came back", so it needs a qualifier.
SPECIFIC_PARTS: dict[str, tuple[str, ...]] = {
    "knee": (r"acl", r"mcl", r"meniscus", r"patell(?:a|ar)"),
    "shoulder": (r"rotator cuff", r"labrum", r"ac joint"),
    "back": (
        r"(?:lower|upper|low|mid)[- ]back",
        r"back (?:pain|spasms?|tight(?:ness)?|stiff(?:ness)?|sore(?:ness)?|injur(?:y|ed)|strain"
        r"|tweak(?:ed)?|issues?|problems?)",
        r"(?:his|her|my|their) back",
        r"lumbar",
        r"spine",
        r"spinal",
    ),
    "ankle": (r"achilles",),
    "foot": (r"plantar",),
    "shin": (r"shin splints",),
    "head": (r"concussions?", r"concussed", r"head injury"),
}
HEALTH_TERMS = (
    r"pain(?:ful)?",
    r"hurts?",
    r"hurting",
    r"injur(?:y|ies|ed)",
    r"sore(?:ness)?",
    r"strain(?:ed)?",
    r"sprain(?:ed)?",
    r"tendons?",
    r"tendin(?:itis|opathy)",
    r"tendonitis",
    r"surgery",
    r"concussion",
    r"concussed",
    r"tweak(?:ed)?",
    r"aches?",
    r"aching",
    r"swelling",
    r"swollen",
    r"fractured?",
    r"torn",
    r"dislocat(?:ed|ion)",
    r"inflamed",
    r"inflammation",
    r"physio",
    r"rehab",
    r"limping",
)


def _words(alts: tuple[str, ...]) -> str:
    return r"\b(?:" + "|".join(alts) + r")\b"


_PART_RES = [(part, re.compile(_words(alts), re.IGNORECASE)) for part, alts in BODY_PARTS.items()]
_SIDED_RES = [
    (part, re.compile(r"\b(?:left|right|both)\s+" + _words(alts), re.IGNORECASE))
    for part, alts in BODY_PARTS.items()
]
_SPECIFIC_RES = [
    (part, re.compile(_words(alts), re.IGNORECASE)) for part, alts in SPECIFIC_PARTS.items()
]
_TERM_RE = re.compile(r"\b(" + "|".join(HEALTH_TERMS) + r")\b", re.IGNORECASE)


def exercise_name_mask(names: Iterable[str]) -> re.Pattern[str] | None:
    """A pattern matching exercise names (and their plurals), so that "Hip Thrust" or
    "Nordic Hamstring Curls" in a note do not read as a hip or hamstring complaint."""
    cleaned = sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True)
    if not cleaned:
        return None
    alts = "|".join(re.escape(n).replace(r"\ ", r"[\s-]+") for n in cleaned)
    return re.compile(r"\b(?:" + alts + r")(?:e?s)?\b", re.IGNORECASE)


@dataclass(frozen=True)
class HealthMention:
    body_parts: tuple[str, ...]
    terms: tuple[str, ...]


def health_mention(text: str, *, mask: re.Pattern[str] | None = None) -> HealthMention | None:
    """The body parts and health words of a note that reads as a health matter, or None.

    Whole words only ("backed off", "feedback" are not a back). A note counts when it has a
    health word (pain, sore, strain, …), names a side ("left knee") or a part only named when
    hurt ("lower back", "ACL", "concussion"); a plain body part alone is usually a technique cue
    ("fast elbows", "knees out") and does not.
    """
    if not text:
        return None
    scanned = mask.sub(" ", text) if mask else text
    terms = tuple(dict.fromkeys(m.group(1).lower() for m in _TERM_RE.finditer(scanned)))
    specific = {part for part, pattern in _SPECIFIC_RES if pattern.search(scanned)}
    sided = {part for part, pattern in _SIDED_RES if pattern.search(scanned)}
    plain = {part for part, pattern in _PART_RES if pattern.search(scanned)} if terms else set()
    found = specific | sided | plain
    if not terms and not found:
        return None
    parts = tuple(p for p in dict.fromkeys([*BODY_PARTS, *SPECIFIC_PARTS]) if p in found)
    return HealthMention(parts, terms)


# ---------------------------------------------------------------------------------------------
# Everything at once


@dataclass
class ExerciseStats:
    exercise: ExerciseRef
    sessions: list[Session]  # oldest first, within the loaded window
    training_maxes: list[TrainingMaxRow]  # oldest first
    rpe: Trend
    avg_rpe: float | None  # over the same sessions as the RPE trend
    weekly: list[tuple[dt.date, Volume]]  # the last complete weeks, oldest first
    volume: Trend
    completion: Completion | None
    best_amrap: AmrapResult | None
    last_amrap: AmrapResult | None
    plateau: Plateau
    in_current_program: bool
    replaces: list[str] = field(default_factory=list)  # prescribed exercises it stood in for

    @property
    def rpe_series(self) -> list[tuple[dt.date, float]]:
        return [(s.date, s.avg_rpe) for s in self.sessions if s.avg_rpe is not None]

    @property
    def current_tm(self) -> float | None:
        return self.training_maxes[-1].weight if self.training_maxes else None

    @property
    def last_date(self) -> dt.date | None:
        return self.sessions[-1].date if self.sessions else None


@dataclass
class AthleteStats:
    history: History
    exercises: list[ExerciseStats]  # most relevant first
    completion: CompletionReport
    adherence: Adherence
    body_weight_series: list[DatedValue]
    body_weight: BodyWeightTrend


def weekly_volume(
    sessions: Sequence[Session], *, today: dt.date, weeks: int = VOLUME_TREND_WEEKS
) -> list[tuple[dt.date, Volume]]:
    """Volume of the last `weeks` complete weeks, starting no earlier than the first session's
    week (zero weeks after it count: a skipped week is a real drop)."""
    if not sessions:
        return []
    first_week = max(monday(sessions[0].date), monday(today) - dt.timedelta(weeks=weeks))
    by_week: dict[dt.date, Volume] = defaultdict(Volume)
    for s in sessions:
        by_week[monday(s.date)] += s.volume
    out = []
    start = first_week
    while start < monday(today):
        out.append((start, by_week.get(start, Volume())))
        start += dt.timedelta(weeks=1)
    return out


def relevance(e: ExerciseStats, today: dt.date) -> tuple[Any, ...]:
    """Higher is more relevant: trained, part of the current program (or standing in for a
    part of it), a main lift (has a TM), trained recently and often, RPE-rated. A program
    exercise never trained comes after every trained one."""
    recent = sum(1 for s in e.sessions if (today - s.date).days < 28)
    return (
        bool(e.sessions),
        e.in_current_program or bool(e.replaces),
        bool(e.training_maxes),
        recent,
        e.rpe.points,
        (e.last_date or dt.date.min).toordinal(),
        len(e.sessions),
        e.exercise.name,
    )


def compute_stats(history: History) -> AthleteStats:
    today = history.today
    date_of = {w.id: w.date for w in history.workouts}
    per_exercise: dict[int, dict[int, list[SetRow]]] = defaultdict(lambda: defaultdict(list))
    for s in history.sets:
        per_exercise[s.exercise_id][s.workout_id].append(s)
    tms: dict[int, list[TrainingMaxRow]] = defaultdict(list)
    for tm in history.training_maxes:
        tms[tm.exercise_id].append(tm)

    current = history.current_assignment
    in_program = {
        p.exercise_id
        for p in history.prescriptions
        if current is not None and p.template_id == current.template_id
    }
    report = completion(
        history.workouts,
        history.sets,
        history.assignments,
        history.prescriptions,
        since=monday(today) - dt.timedelta(weeks=ADHERENCE_WEEKS),
        patterns={ex_id: ref.pattern for ex_id, ref in history.exercises.items()},
    )

    exercises = []
    for ex_id in set(per_exercise) | in_program | set(tms):
        sessions = sorted(
            (
                Session(date_of[wid], wid, tuple(rows))
                for wid, rows in per_exercise.get(ex_id, {}).items()
            ),
            key=lambda s: (s.date, s.workout_id),
        )
        rpes = [s.avg_rpe for s in sessions if s.avg_rpe is not None]
        trend = rpe_trend(rpes)
        recent_rpes = rpes[-RPE_TREND_SESSIONS:]
        weekly = weekly_volume(sessions, today=today)
        best, last = amrap_results(sessions)
        exercises.append(
            ExerciseStats(
                exercise=history.exercises[ex_id],
                sessions=sessions,
                training_maxes=tms.get(ex_id, []),
                rpe=trend,
                avg_rpe=sum(recent_rpes) / len(recent_rpes) if recent_rpes else None,
                weekly=weekly,
                volume=volume_trend([v.main_measure for _, v in weekly]),
                completion=report.by_exercise.get(ex_id),
                best_amrap=best,
                last_amrap=last,
                plateau=plateau(sessions, tms.get(ex_id, [])),
                in_current_program=ex_id in in_program,
                replaces=sorted(history.exercises[x].name for x in report.swaps.get(ex_id, ())),
            )
        )
    exercises.sort(key=lambda e: relevance(e, today), reverse=True)
    return AthleteStats(
        history=history,
        exercises=exercises,
        completion=report,
        adherence=adherence(history.workouts, history.assignments, history.notes, today=today),
        body_weight_series=weekly_last(
            history.body_weights, weeks=BODY_WEIGHT_SERIES_WEEKS, today=today
        ),
        body_weight=body_weight_trend(history.body_weights, today=today),
    )


def athlete_stats(athlete: Athlete, *, today: dt.date | None = None) -> AthleteStats:
    return compute_stats(load_history(athlete, today=today))
