"""The athlete briefing packet: what a generator is told about one athlete.

A typed structure (pydantic, `extra="forbid"`) the rules engine reads directly and the LLM gets
as compact JSON. Every derived number is computed here (from athletes.stats), every list is
bounded, and the JSON stays under a token budget by summarising older data, never by cutting
recent data. Assembly runs a constant number of queries whatever the length of the history.
"""

from __future__ import annotations

import datetime as dt
import importlib
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Annotated, Any

from django.utils import timezone
from pydantic import BaseModel, ConfigDict, PlainSerializer

from athletes import stats
from athletes.models import YOUTH_MAX_AGE, Athlete, AthleteEquipment
from athletes.position import position_after
from athletes.stats import AthleteStats, ExerciseStats, PrescriptionRow, fmt_num
from generation.session.summary import SessionAdjustments, adjustment_summary
from programs.models import Audience, Exercise, ExerciseEquipment
from settings_app.registry import setting_int, setting_str
from settings_app.resolution import settings_scope

NOTE_CHARS = 300


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _compact_number(value: float) -> float | int:
    return int(value) if value.is_integer() else value


# A float written without a trailing ".0" when whole: 135 rather than 135.0, on every weight.
Num = Annotated[float, PlainSerializer(_compact_number, return_type=float | int, when_used="json")]
Point = tuple[dt.date, Num]  # (date, value), serialised as ["2026-03-02", 150]


class Definitions(_Model):
    """The formulas and thresholds behind the numbers, stated for the reader of the JSON."""

    e1rm: str
    rpe_trend: str
    volume: str
    completion: str
    adherence: str
    plateau: str
    body_weight: str
    health_flags: str


DEFINITIONS = Definitions(
    e1rm=stats.EPLEY_FORMULA,
    rpe_trend=(
        f"least-squares slope of session avg RPE, last {stats.RPE_TREND_SESSIONS} sessions; "
        f"rising >= {stats.RPE_TREND_THRESHOLD}/session, falling <= -{stats.RPE_TREND_THRESHOLD}"
        f"; < {stats.MIN_TREND_POINTS} sessions: insufficient data; avg_rpe: same sessions"
    ),
    volume=(
        f"weekly from Monday; tonnage = reps x weight (each-side sets x2); seconds, distance_m "
        f"apart from reps; trend: least-squares slope, last {stats.VOLUME_TREND_WEEKS} full "
        f"weeks, % of mean week, rising >= {stats.VOLUME_TREND_THRESHOLD_PCT:g}, falling <= "
        f"-{stats.VOLUME_TREND_THRESHOLD_PCT:g}"
    ),
    completion=(
        f"sets logged (capped per session) / prescribed, in sessions logged against the program, "
        f"last {stats.ADHERENCE_WEEKS} weeks; a same-pattern swap counts"
    ),
    adherence=(
        f"workouts per week vs program days per week, last {stats.ADHERENCE_WEEKS} full weeks; "
        f"extra sessions do not offset a miss; streak = consecutive weeks met"
    ),
    plateau=(
        f"TM (else top weight) flat over the last K={stats.PLATEAU_SESSIONS} sessions while "
        f"their RPE is rising"
    ),
    body_weight=(
        f"least-squares slope, last {stats.BODY_WEIGHT_TREND_DAYS} days, per month; rapid above "
        f"{stats.BODY_WEIGHT_RAPID_PCT:g} % of body weight per month"
    ),
    health_flags="notes with an injury word or a sided body part; exercise names ignored",
)


class Meta(_Model):
    athlete_id: int
    generated_on: dt.date
    data_since: dt.date
    # The budget covers the athlete's data. The equipment-filtered catalog is the same for
    # every run of this athlete and is never summarised; it is counted apart.
    token_budget: int
    token_estimate: int = 0
    catalog_tokens: int = 0
    token_counter: str = ""
    trimmed: list[str] = []
    over_budget: bool = False
    definitions: Definitions


class TierChange(_Model):
    date: dt.date
    tier: str
    previous: str = ""


class GoalChange(_Model):
    date: dt.date
    goal: str = ""  # left out when it is the current goal
    previous: str = ""


class Profile(_Model):
    name: str
    age: int | None = None
    audience: str
    tier: str
    tier_history: list[TierChange] = []
    goal: str = ""
    goal_history: list[GoalChange] = []
    sport: str = ""
    cycle_goal: str = ""
    training_months: Num | None = None
    total_workouts: int = 0
    first_workout: dt.date | None = None
    last_workout: dt.date | None = None
    weight_unit: str
    notes: str = ""


class Catalog(_Model):
    # movement pattern → exercise tier ("general" when none) → exercise names
    available: dict[str, dict[str, list[str]]]
    available_count: int
    filtered_out_count: int = 0
    filtered_out_reason: str = ""
    # equipment the athlete lacks → how many exercises need it
    missing_equipment: dict[str, int] = {}


class ProgramDay(_Model):
    day: int
    exercises: str  # "Back Squat W1-3 3×5@75%, W4 3×5@60%; Plank 3×30s@BW"


class CurrentProgram(_Model):
    name: str
    template_id: int
    assignment_id: int
    num_weeks: int
    num_days: int
    is_loop: bool
    audience: str = ""
    start_date: dt.date
    cycle_goal: str = ""
    position: str
    cycle: int
    week: int
    day: int
    sessions_logged: int
    block_complete: bool
    days: list[ProgramDay] = []


class OtherProgram(_Model):
    name: str
    role: str
    start_date: dt.date
    end_date: dt.date | None = None
    ended: str = ""
    sessions_logged: int = 0


class SessionLine(_Model):
    date: dt.date
    sets: str
    rpe: Num | None = None


class MonthLine(_Model):
    month: str
    sessions: int
    sets: int
    top_weight: Num | None = None
    avg_rpe: Num | None = None


class WeeklyVolume(_Model):
    """One value per week, oldest first, starting on the Monday `weeks_from`: sets, and the
    exercise's main measure (tonnage when loaded, else reps, seconds or distance)."""

    weeks_from: dt.date
    sets: list[int]
    reps: list[int] | None = None
    tonnage: list[Num] | None = None
    seconds: list[int] | None = None
    distance_m: list[int] | None = None


class Trend(_Model):
    direction: str
    slope: Num | None = None
    points: int


class Amrap(_Model):
    date: dt.date
    weight: Num
    reps: int
    e1rm: Num


class Completion(_Model):
    rate_pct: Num | None = None
    logged_sets: int
    prescribed_sets: int
    extra_sets: int = 0
    sessions: int
    sessions_skipped: int = 0


class Plateau(_Model):
    flagged: bool
    reason: str = ""  # only when flagged


class ExerciseSummary(_Model):
    name: str
    pattern: str = ""
    in_current_program: bool = False
    replaces: list[str] = []  # the prescribed exercises it stood in for (equipment swaps)
    current_tm: Num | None = None
    tm_history: list[Point] = []
    sessions: int = 0
    last_date: dt.date | None = None
    recent_sessions: list[SessionLine] = []
    older_months: list[MonthLine] = []
    older_sessions_not_shown: int = 0
    avg_rpe: Num | None = None
    rpe_trend: Trend
    volume: WeeklyVolume | None = None
    volume_trend: Trend
    completion: Completion | None = None
    best_amrap: Amrap | None = None
    last_amrap: Amrap | None = None
    plateau: Plateau


class OtherExercise(_Model):
    name: str
    sessions: int
    in_current_program: bool = False


class MissedWeek(_Model):
    week: dt.date
    prescribed: int
    logged: int
    reasons: list[str] = []


class Adherence(_Model):
    rate_pct: Num | None = None
    # One value per complete week, oldest first, starting on the Monday `weeks_from`.
    weeks_from: dt.date
    prescribed: list[int]
    logged: list[int]
    this_week_prescribed: int = 0
    this_week_logged: int = 0
    current_streak_weeks: int
    missed_weeks: list[MissedWeek] = []
    completion_pct: Num | None = None
    sessions_skipped: int = 0  # exercise-sessions skipped within trained sessions
    extra_sessions: int = 0  # workouts not logged against a program session


class BodyWeight(_Model):
    unit: str
    latest: Point | None = None
    series: list[Point] = []  # the last measurement of each week (or month, when summarised)
    series_step: str = "week"
    trend_per_month: Num | None = None
    pct_per_month: Num | None = None
    direction: str
    rapid_change: bool = False
    flag: str = ""


class Note(_Model):
    date: dt.date
    text: str
    pinned: bool = False
    private: bool = False


class ReviewNote(_Model):
    date: dt.date
    status: str
    text: str


class WorkoutNote(_Model):
    date: dt.date
    text: str


class HealthFlag(_Model):
    date: dt.date
    source: str
    body_parts: list[str] = []
    terms: list[str] = []
    text: str


class Notes(_Model):
    pinned: list[Note] = []
    recent: list[Note] = []
    older_notes_count: int = 0
    reviews: list[ReviewNote] = []
    workout_notes: list[WorkoutNote] = []
    health_flags: list[HealthFlag] = []


class Packet(_Model):
    meta: Meta
    profile: Profile
    equipment: list[str]
    catalog: Catalog
    current_program: CurrentProgram | None = None
    supplemental_programs: list[OtherProgram] = []
    prior_programs: list[OtherProgram] = []
    exercises: list[ExerciseSummary] = []
    other_exercises: list[OtherExercise] = []
    other_exercises_count: int = 0
    adherence: Adherence
    body_weight: BodyWeight | None = None
    notes: Notes
    session_adjustments: SessionAdjustments | None = None  # today's-session adjustments


# ---------------------------------------------------------------------------------------------
# Limits: the first fits the budget for six months of typical data; each next one summarises
# more of the older data. Recent sessions, trends, flags and pinned notes always stay.


@dataclass(frozen=True)
class Limits:
    summary: str
    exercises: int = 8
    other_exercises: int = 12
    recent_sessions: int = 4
    older_months: int = 6
    tm_points: int = 6
    volume_weeks: int = 6
    notes_recent: int = 6
    pinned: int = 5
    reviews: int = 4
    workout_notes: int = 4
    health_flags: int = 10
    prior_programs: int = 6
    body_weight_monthly: bool = False


_FULL = Limits("")
_NOTES = replace(_FULL, summary="older notes counted", notes_recent=3, reviews=2, workout_notes=2)
_MONTHS = replace(
    _NOTES,
    summary="3 months of monthly history, 4 weeks of volume, 4 TM changes",
    older_months=3,
    volume_weeks=4,
    tm_points=4,
)
_SESSIONS = replace(
    _MONTHS,
    summary="only the last 3 sessions per exercise, older ones counted",
    older_months=0,
    recent_sessions=3,
)
_EXERCISES = replace(
    _SESSIONS,
    summary="6 exercises in detail; body weight monthly",
    exercises=6,
    other_exercises=10,
    body_weight_monthly=True,
)
_MINIMUM = replace(
    _EXERCISES,
    summary="4 exercises in detail, 2 sessions each; 2 recent notes",
    exercises=4,
    recent_sessions=2,
    notes_recent=2,
    health_flags=6,
    prior_programs=3,
    pinned=3,
    other_exercises=6,
)
LADDER: tuple[Limits, ...] = (_FULL, _NOTES, _MONTHS, _SESSIONS, _EXERCISES, _MINIMUM)


# ---------------------------------------------------------------------------------------------
# Token counting


# Measured with LiteLLM's counter (tiktoken) on packets of the demo athletes and of synthetic
# histories: 2.7–2.9 characters per token (dates, numbers and "3×5@75%" split finely). The
# fallback divides by the low end so that it errs towards summarising, never overshooting.
CHARS_PER_TOKEN = 2.7
# A ladder step whose size, at the characters per token of the step before, is this far over
# the budget is not counted exactly: the packet of one athlete changes its character mix little
# from step to step (measured: under 3 %), so it cannot fit.
CLEARLY_OVER = 1.15


def count_tokens(text: str) -> tuple[int, str]:
    """(tokens, how they were counted). LiteLLM's counter lives behind generation.llm, the only
    module allowed to import litellm: it is used when that module offers `count_tokens(text)`;
    otherwise characters / CHARS_PER_TOKEN."""
    try:
        llm = importlib.import_module("generation.llm")
    except ImportError:
        llm = None
    counter: Callable[[str], int] | None = getattr(llm, "count_tokens", None)
    if counter is not None:
        return int(counter(text)), "LiteLLM token counter"
    return math.ceil(len(text) / CHARS_PER_TOKEN), f"estimate: characters / {CHARS_PER_TOKEN:g}"


# ---------------------------------------------------------------------------------------------
# Catalog


@dataclass(frozen=True)
class _CatalogData:
    owned: list[str]
    available: list[tuple[str, str, str]]  # name, pattern, tier
    missing: Counter[str]  # equipment name → exercises needing it
    filtered_out: int
    names: list[str]  # every exercise name and alias, to mask them in notes


def _load_catalog(athlete: Athlete) -> _CatalogData:
    owned = dict(
        AthleteEquipment.objects.filter(athlete=athlete)
        .order_by("equipment__name")
        .values_list("equipment_id", "equipment__name")
    )
    required: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for ex_id, eq_id, eq_name in ExerciseEquipment.objects.filter(optional=False).values_list(
        "exercise_id", "equipment_id", "equipment__name"
    ):
        required[ex_id].append((eq_id, eq_name))
    available: list[tuple[str, str, str]] = []
    missing: Counter[str] = Counter()
    filtered_out = 0
    names: list[str] = []
    for ex_id, name, pattern, tier, aliases in Exercise.objects.order_by("name").values_list(
        "id", "name", "movement_pattern", "tier", "aliases"
    ):
        names.append(name)
        names.extend(a for a in aliases or [] if isinstance(a, str))
        lacking = sorted(
            {eq_name for eq_id, eq_name in required.get(ex_id, []) if eq_id not in owned}
        )
        if lacking:
            filtered_out += 1
            missing.update(lacking)
        else:
            available.append((name, pattern, tier))
    return _CatalogData(list(owned.values()), available, missing, filtered_out, names)


def _catalog(data: _CatalogData, first_name: str) -> Catalog:
    grouped: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for name, pattern, tier in data.available:
        grouped[pattern or "other"][tier or "general"].append(name)
    reason = ""
    if data.filtered_out:
        top = ", ".join(f"{eq} ({n})" for eq, n in data.missing.most_common(6))
        more = " …" if len(data.missing) > 6 else ""
        reason = (
            f"{data.filtered_out} exercises need equipment {first_name} does not have: {top}{more}"
        )
    return Catalog(
        available={p: dict(t) for p, t in sorted(grouped.items())},
        available_count=len(data.available),
        filtered_out_count=data.filtered_out,
        filtered_out_reason=reason,
        missing_equipment=dict(data.missing.most_common()),
    )


# ---------------------------------------------------------------------------------------------
# Program


def _same_scheme(a: PrescriptionRow, b: PrescriptionRow) -> bool:
    if (a.reps, a.rep_type) != (b.reps, b.rep_type):
        return False
    if a.percentage is not None and b.percentage is not None:
        return True  # a ramp: 70/75/80 %
    return a.percentage is None and b.percentage is None and a.absolute_weight == b.absolute_weight


def format_prescription(rows: Sequence[PrescriptionRow]) -> str:
    """One exercise's sets in a session, compact: "3×5@75%, 1×AMRAP@85%", a ramp as
    "3×2@70/75/80% RPE7", "3×30s@BW", "2×10/side@25"."""
    runs: list[list[PrescriptionRow]] = []
    for p in rows:
        if runs and _same_scheme(runs[-1][-1], p):
            runs[-1].append(p)
        else:
            runs.append([p])
    parts = []
    for run in runs:
        first = run[0]
        suffix = {"seconds": "s", "distance": "m", "each_side": "/side"}.get(first.rep_type, "")
        text = f"{len(run)}×{first.reps}{suffix}" if first.reps is not None else f"{len(run)}×AMRAP"
        if first.percentage is not None:
            pcts = [fmt_num(p.percentage) for p in run if p.percentage is not None]
            text += "@" + (pcts[0] if len(set(pcts)) == 1 else "/".join(pcts)) + "%"
        elif first.absolute_weight:
            text += f"@{fmt_num(first.absolute_weight)}"
        elif first.absolute_weight == 0:
            text += "@BW"
        rpes = sorted({p.target_rpe for p in run if p.target_rpe is not None})
        if rpes:
            low, high = fmt_num(rpes[0]), fmt_num(rpes[-1])
            text += f" RPE{low}" if low == high else f" RPE{low}-{high}"
        parts.append(text)
    return ", ".join(parts)


def _week_label(weeks: Sequence[int]) -> str:
    return str(weeks[0]) if len(weeks) == 1 else f"{weeks[0]}-{weeks[-1]}"


def program_days(
    rows: Sequence[PrescriptionRow], names: dict[int, str], num_weeks: int
) -> list[ProgramDay]:
    """Each training day with each exercise's scheme, week by week only where weeks differ:
    "Power Clean W1 3×2@70/75/80% RPE7, W2 …; Romanian Deadlift 3×5"."""
    by_day: dict[int, dict[int, dict[int, list[PrescriptionRow]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(list))
    )
    for p in sorted(rows, key=lambda r: (r.day, r.sort_order, r.week, r.exercise_id, r.set_number)):
        by_day[p.day][p.exercise_id][p.week].append(p)
    days = []
    for day in sorted(by_day):
        parts = []
        for ex_id, weeks in by_day[day].items():
            runs: list[tuple[list[int], str]] = []
            for week in sorted(weeks):
                scheme = format_prescription(weeks[week])
                if runs and runs[-1][1] == scheme and runs[-1][0][-1] == week - 1:
                    runs[-1][0].append(week)
                else:
                    runs.append(([week], scheme))
            if len(runs) == 1 and runs[0][0] == list(range(1, num_weeks + 1)):
                parts.append(f"{names[ex_id]} {runs[0][1]}")
            else:
                parts.append(
                    f"{names[ex_id]} "
                    + ", ".join(f"W{_week_label(wks)} {scheme}" for wks, scheme in runs)
                )
        days.append(ProgramDay(day=day, exercises="; ".join(parts)))
    return days


def _programs(
    s: AthleteStats,
) -> tuple[CurrentProgram | None, list[OtherProgram], list[OtherProgram]]:
    h = s.history
    current = h.current_assignment
    names = {ex_id: ref.name for ex_id, ref in h.exercises.items()}
    current_out = None
    if current is not None:
        pos = position_after(
            logged_sessions=current.sessions_logged,
            num_weeks=current.num_weeks,
            num_days=current.num_days,
            is_loop=current.is_loop,
        )
        current_out = CurrentProgram(
            name=current.name,
            template_id=current.template_id,
            assignment_id=current.id,
            num_weeks=current.num_weeks,
            num_days=current.num_days,
            is_loop=current.is_loop,
            audience=current.audience,
            start_date=current.start_date,
            cycle_goal=current.cycle_goal,
            position=pos.label,
            cycle=pos.cycle,
            week=pos.week,
            day=pos.day,
            sessions_logged=current.sessions_logged,
            block_complete=pos.block_complete,
            days=program_days(
                [p for p in h.prescriptions if p.template_id == current.template_id],
                names,
                current.num_weeks,
            ),
        )

    def other(a: stats.AssignmentRow) -> OtherProgram:
        return OtherProgram(
            name=a.name,
            role=a.role,
            start_date=a.start_date,
            end_date=None if a.is_active else stats.assignment_end(a, h.assignments, h.today),
            ended=a.end_reason or ("" if a.is_active else "ended (reason not recorded)"),
            sessions_logged=a.sessions_logged,
        )

    supplemental = [other(a) for a in h.assignments if a.is_active and a is not current]
    prior = [other(a) for a in reversed(h.assignments) if not a.is_active]
    return current_out, supplemental, prior


# ---------------------------------------------------------------------------------------------
# Exercises


def _r(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def _trend(t: stats.Trend) -> Trend:
    return Trend(direction=str(t.direction), slope=_r(t.slope, 2), points=t.points)


def _amrap(a: stats.AmrapResult | None) -> Amrap | None:
    if a is None:
        return None
    return Amrap(date=a.date, weight=a.weight, reps=a.reps, e1rm=round(a.e1rm, 1))


def _weekly(weeks: Sequence[tuple[dt.date, stats.Volume]]) -> WeeklyVolume | None:
    if not weeks:
        return None
    volumes = [v for _, v in weeks]

    loaded = any(v.tonnage for v in volumes)

    def column(values: list[Any], wanted: bool = True) -> list[Any] | None:
        return values if wanted and any(values) else None

    return WeeklyVolume(
        weeks_from=weeks[0][0],
        sets=[v.sets for v in volumes],
        tonnage=column([float(round(v.tonnage)) for v in volumes]),
        reps=column([v.reps for v in volumes], not loaded),
        seconds=column([v.seconds for v in volumes]),
        distance_m=column([v.distance_m for v in volumes]),
    )


def _exercise(e: ExerciseStats, limits: Limits) -> ExerciseSummary:
    recent = e.sessions[-limits.recent_sessions :] if limits.recent_sessions else []
    older = e.sessions[: len(e.sessions) - len(recent)]
    months: dict[str, list[stats.Session]] = defaultdict(list)
    for session in older:
        months[f"{session.date.year:04d}-{session.date.month:02d}"].append(session)
    kept = sorted(months)[-limits.older_months :] if limits.older_months else []
    month_lines = []
    for month in kept:
        group = months[month]
        rpes = [x.avg_rpe for x in group if x.avg_rpe is not None]
        tops = [x.top_weight for x in group if x.top_weight is not None]
        month_lines.append(
            MonthLine(
                month=month,
                sessions=len(group),
                sets=sum(len(x.sets) for x in group),
                top_weight=max(tops) if tops else None,
                avg_rpe=_r(sum(rpes) / len(rpes)) if rpes else None,
            )
        )
    tms = e.training_maxes
    if len(tms) > limits.tm_points:
        # The first point keeps the starting value in view.
        tms = [tms[0], *tms[-(limits.tm_points - 1) :]]
    c = e.completion
    return ExerciseSummary(
        name=e.exercise.name,
        pattern=e.exercise.pattern,
        in_current_program=e.in_current_program,
        replaces=e.replaces,
        current_tm=e.current_tm,
        tm_history=[(t.date, t.weight) for t in tms],
        sessions=len(e.sessions),
        last_date=e.last_date,
        recent_sessions=[
            SessionLine(
                date=x.date,
                sets=x.summary,
                rpe=_r(x.avg_rpe),
            )
            for x in reversed(recent)
        ],
        older_months=month_lines,
        older_sessions_not_shown=sum(len(v) for k, v in months.items() if k not in kept),
        avg_rpe=_r(e.avg_rpe),
        rpe_trend=_trend(e.rpe),
        volume=_weekly(e.weekly[-limits.volume_weeks :]),
        volume_trend=_trend(e.volume),
        completion=None
        if c is None
        else Completion(
            rate_pct=_r(c.rate_pct),
            logged_sets=c.logged_sets,
            prescribed_sets=c.prescribed_sets,
            extra_sets=c.extra_sets,
            sessions=c.sessions,
            sessions_skipped=c.sessions_skipped,
        ),
        best_amrap=_amrap(e.best_amrap),
        last_amrap=_amrap(e.last_amrap),
        plateau=Plateau(
            flagged=e.plateau.flagged, reason=e.plateau.reason if e.plateau.flagged else ""
        ),
    )


# ---------------------------------------------------------------------------------------------
# Adherence, body weight, notes


def _adherence(s: AthleteStats, limits: Limits) -> Adherence:
    a = s.adherence

    return Adherence(
        rate_pct=_r(a.rate_pct),
        weeks_from=a.weeks[0].start if a.weeks else a.current.start,
        prescribed=[w.prescribed for w in a.weeks],
        logged=[w.logged for w in a.weeks],
        this_week_prescribed=a.current.prescribed,
        this_week_logged=a.current.logged,
        current_streak_weeks=a.streak_weeks,
        missed_weeks=[
            MissedWeek(
                week=w.start, prescribed=w.prescribed, logged=w.logged, reasons=list(w.reasons)
            )
            for w in a.missed
        ],
        completion_pct=_r(s.completion.overall.rate_pct),
        sessions_skipped=s.completion.overall.sessions_skipped,
        extra_sessions=s.completion.sessions_unmatched,
    )


def _body_weight(s: AthleteStats, profile: Profile, limits: Limits) -> BodyWeight | None:
    h = s.history
    if not h.body_weights:
        return None
    series = s.body_weight_series
    if limits.body_weight_monthly:
        by_month = {p.date.strftime("%Y-%m"): p for p in series}
        series = [by_month[k] for k in sorted(by_month)]
    t = s.body_weight
    flag = ""
    if t.rapid and t.pct_per_month is not None:
        kind = "gain" if t.pct_per_month > 0 else "loss"
        flag = (
            f"rapid {kind}: {t.pct_per_month:+.1f} % of body weight per month (threshold "
            f"{stats.BODY_WEIGHT_RAPID_PCT:g} %)"
        )
        if kind == "gain" and profile.audience == Audience.YOUTH:
            flag += " — possible growth spurt"
    latest = h.body_weights[-1]
    return BodyWeight(
        unit=profile.weight_unit,
        latest=(latest.date, latest.value),
        series=[(p.date, p.value) for p in series],
        series_step="month" if limits.body_weight_monthly else "week",
        trend_per_month=_r(t.per_month),
        pct_per_month=_r(t.pct_per_month),
        direction=str(t.direction),
        rapid_change=t.rapid,
        flag=flag,
    )


def _clip(text: str, limit: int = NOTE_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def health_flags(
    s: AthleteStats, *, exercise_names: Iterable[str], profile_notes: str = ""
) -> list[HealthFlag]:
    """Every note in the loaded window that names a body part or an injury word: pinned coach
    notes first, then newest first."""
    h = s.history
    mask = stats.exercise_name_mask([*exercise_names, *(r.name for r in h.exercises.values())])
    date_of = {w.id: w.date for w in h.workouts}
    sources: list[tuple[bool, dt.date, str, str]] = []
    for n in h.notes:
        label = "pinned coach note" if n.is_pinned else "coach note"
        sources.append((n.is_pinned, n.date, label, n.content))
    for w in h.workouts:
        sources.append((False, w.date, "workout note", w.notes))
        sources.append((False, w.date, "review note", w.review_notes))
    for x in h.sets:
        sources.append((False, date_of[x.workout_id], "set note", x.notes))
    if profile_notes:
        sources.append((False, h.today, "athlete profile", profile_notes))
    flags: list[tuple[bool, dt.date, HealthFlag]] = []
    seen: set[str] = set()
    for pinned, date, label, text in sources:
        mention = stats.health_mention(text, mask=mask)
        if mention is None or text in seen:
            continue
        seen.add(text)
        flags.append(
            (
                pinned,
                date,
                HealthFlag(
                    date=date,
                    source=label,
                    body_parts=list(mention.body_parts),
                    terms=list(mention.terms),
                    text=_clip(text),
                ),
            )
        )
    flags.sort(key=lambda f: (not f[0], -f[1].toordinal()))
    return [f for _, _, f in flags]


def _notes(s: AthleteStats, flags: list[HealthFlag], limits: Limits) -> Notes:
    h = s.history
    pinned = [n for n in h.notes if n.is_pinned]
    recent = [n for n in h.notes if not n.is_pinned]

    def note(n: stats.NoteRow) -> Note:
        return Note(date=n.date, text=_clip(n.content), pinned=n.is_pinned, private=n.is_private)

    reviews = [w for w in reversed(h.workouts) if w.review_notes.strip()]
    workout_notes = [w for w in reversed(h.workouts) if w.notes.strip()]
    kept_flags = [f for f in flags if f.source == "pinned coach note"][: limits.pinned]
    kept_flags += [f for f in flags if f.source != "pinned coach note"][
        : max(0, limits.health_flags - len(kept_flags))
    ]
    return Notes(
        pinned=[note(n) for n in pinned[: limits.pinned]],
        recent=[note(n) for n in recent[: limits.notes_recent]],
        older_notes_count=max(0, len(recent) - limits.notes_recent)
        + max(0, len(pinned) - limits.pinned),
        reviews=[
            ReviewNote(date=w.date, status=w.review_status, text=_clip(w.review_notes))
            for w in reviews[: limits.reviews]
        ],
        workout_notes=[
            WorkoutNote(date=w.date, text=_clip(w.notes))
            for w in workout_notes[: limits.workout_notes]
        ],
        health_flags=kept_flags,
    )


# ---------------------------------------------------------------------------------------------
# Assembly


def _profile(athlete: Athlete, s: AthleteStats) -> Profile:
    h = s.history
    age = athlete.age_on(h.today)
    current = h.current_assignment
    months = None
    if h.first_workout is not None:
        months = round((h.today - h.first_workout).days / stats.DAYS_PER_MONTH, 1)
    return Profile(
        name=athlete.name,
        age=age,
        audience=Audience.YOUTH if age is not None and age <= YOUTH_MAX_AGE else Audience.ADULT,
        tier=athlete.tier,
        tier_history=[
            TierChange(date=c.date, tier=c.value, previous=c.previous) for c in h.tier_changes[:5]
        ],
        goal=_clip(athlete.goal),
        goal_history=[
            GoalChange(
                date=c.date,
                goal="" if c.value == athlete.goal else _clip(c.value, 160),
                previous=_clip(c.previous, 160),
            )
            for c in h.goal_changes[:5]
        ],
        sport=athlete.sport,
        cycle_goal=_clip(current.cycle_goal) if current else "",
        training_months=months,
        total_workouts=h.total_workouts,
        first_workout=h.first_workout,
        last_workout=h.last_workout,
        weight_unit=setting_str("defaults.weight_unit"),
        notes=_clip(athlete.notes),
    )


@dataclass(frozen=True)
class _Fixed:
    """The parts of the packet no budget step changes, computed once."""

    profile: Profile
    equipment: list[str]
    catalog: Catalog
    current_program: CurrentProgram | None
    supplemental_programs: list[OtherProgram]
    prior_programs: list[OtherProgram]  # newest first, all of them
    health_flags: list[HealthFlag]
    session_adjustments: SessionAdjustments | None = None


_Memo = dict[tuple[int, int, int, int, int], ExerciseSummary]


def _exercise_once(e: ExerciseStats, limits: Limits, memo: _Memo) -> ExerciseSummary:
    """`_exercise`, computed once per build for the limits it depends on: most ladder steps
    summarise an exercise the same way as the step before."""
    key = (
        id(e),
        limits.recent_sessions,
        limits.older_months,
        limits.tm_points,
        limits.volume_weeks,
    )
    if key not in memo:
        memo[key] = _exercise(e, limits)
    return memo[key]


def _assemble(
    athlete: Athlete, s: AthleteStats, fixed: _Fixed, limits: Limits, budget: int, memo: _Memo
) -> Packet:
    detailed = s.exercises[: limits.exercises]
    rest = s.exercises[limits.exercises :]
    return Packet(
        meta=Meta(
            athlete_id=athlete.pk,
            generated_on=s.history.today,
            data_since=s.history.since,
            token_budget=budget,
            definitions=DEFINITIONS,
        ),
        profile=fixed.profile,
        equipment=fixed.equipment,
        catalog=fixed.catalog,
        current_program=fixed.current_program,
        supplemental_programs=fixed.supplemental_programs,
        prior_programs=fixed.prior_programs[: limits.prior_programs],
        exercises=[_exercise_once(e, limits, memo) for e in detailed],
        other_exercises=[
            OtherExercise(
                name=e.exercise.name,
                sessions=len(e.sessions),
                in_current_program=e.in_current_program,
            )
            for e in rest[: limits.other_exercises]
        ],
        other_exercises_count=len(rest),
        adherence=_adherence(s, limits),
        body_weight=_body_weight(s, fixed.profile, limits) if athlete.track_body_weight else None,
        notes=_notes(s, fixed.health_flags, limits),
        session_adjustments=fixed.session_adjustments,
    )


def build_packet(
    athlete: Athlete, *, today: dt.date | None = None, token_budget: int | None = None
) -> Packet:
    """The briefing packet for one athlete, within the token budget (setting
    `generation.packet_token_budget`). A constant number of queries: 14, plus one settings
    read when called outside a request or task."""
    with settings_scope():
        return _build_packet(athlete, today=today or timezone.localdate(), budget=token_budget)


def _build_packet(athlete: Athlete, *, today: dt.date, budget: int | None) -> Packet:
    budget = budget or setting_int("generation.packet_token_budget")
    s = stats.compute_stats(stats.load_history(athlete, today=today))
    data = _load_catalog(athlete)
    first_name = athlete.name.split()[0] if athlete.name.split() else athlete.name
    catalog = _catalog(data, first_name)
    current, supplemental, prior = _programs(s)
    fixed = _Fixed(
        profile=_profile(athlete, s),
        equipment=data.owned,
        catalog=catalog,
        current_program=current,
        supplemental_programs=supplemental,
        prior_programs=prior,
        health_flags=health_flags(s, exercise_names=data.names, profile_notes=athlete.notes),
        session_adjustments=adjustment_summary(athlete, today=today),
    )

    catalog_tokens, _ = count_tokens(catalog.model_dump_json(exclude_none=True))
    trimmed: list[str] = []
    packet = None
    memo: _Memo = {}
    chars_per_token: float | None = None  # of this packet, from its first exact count
    for step, limits in enumerate(LADDER):
        if step:
            trimmed.append(limits.summary)
        packet = _assemble(athlete, s, fixed, limits, budget, memo)
        text = packet_json(packet, exclude_catalog=True)
        if (
            chars_per_token is not None
            and step < len(LADDER) - 1
            and len(text) / chars_per_token > budget * CLEARLY_OVER
        ):
            continue  # far over the budget by the step before's measure: not worth counting
        tokens, counter = count_tokens(text)
        chars_per_token = len(text) / max(1, tokens)
        packet.meta.token_estimate = tokens
        packet.meta.catalog_tokens = catalog_tokens
        packet.meta.token_counter = counter
        packet.meta.trimmed = list(trimmed)
        if tokens <= budget:
            return packet
    assert packet is not None  # LADDER is not empty
    # Still over: the most recent data is never cut; say so instead.
    packet.meta.over_budget = True
    return packet


def packet_json(packet: Packet, *, indent: int | None = None, exclude_catalog: bool = False) -> str:
    """Compact JSON: no nulls, no fields at their default (an empty list, a zero count);
    `Packet.model_validate_json` reads it back to an equal packet."""
    return packet.model_dump_json(
        exclude_none=True,
        exclude_defaults=True,
        indent=indent,
        exclude={"catalog"} if exclude_catalog else None,
    )


# ---------------------------------------------------------------------------------------------
# The packet in words, for the coach ("What data will the generator see?")


@dataclass(frozen=True)
class Line:
    text: str
    label: str = ""
    flag: bool = False  # worth the coach's attention


@dataclass(frozen=True)
class Section:
    title: str
    lines: list[Line]
    collapsed: bool = False


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def describe_exercise(e: ExerciseSummary) -> Line:
    """ "Power Clean: RPE rising (+0.13/session over 8 sessions), completion 92 %, TM 135→155"."""
    parts: list[str] = []
    t = e.rpe_trend
    if t.slope is not None:
        parts.append(f"RPE {t.direction} ({t.slope:+.2f}/session over {t.points} sessions)")
    elif e.sessions:
        parts.append(f"RPE trend: insufficient data ({_plural(t.points, 'session')} with RPE)")
    if e.avg_rpe is not None:
        parts.append(f"avg RPE {fmt_num(e.avg_rpe)}")
    c = e.completion
    if c is not None and c.rate_pct is not None:
        text = f"completion {c.rate_pct:.0f} % ({c.logged_sets}/{c.prescribed_sets} sets"
        if c.sessions_skipped:
            text += f", skipped in {c.sessions_skipped} of {_plural(c.sessions, 'session')}"
        parts.append(text + ")")
    if e.tm_history:
        first, last = e.tm_history[0][1], e.tm_history[-1][1]
        parts.append(
            f"TM {fmt_num(first)}→{fmt_num(last)}" if first != last else f"TM {fmt_num(last)}"
        )
    v = e.volume_trend
    if v.slope is not None:
        parts.append(f"volume {v.direction} ({v.slope:+.0f} %/week)")
    if e.best_amrap is not None:
        b = e.best_amrap
        parts.append(f"best AMRAP {fmt_num(b.weight)}×{b.reps} (e1RM {fmt_num(b.e1rm)})")
    if e.last_amrap is not None and e.last_amrap != e.best_amrap:
        a = e.last_amrap
        parts.append(f"last AMRAP {fmt_num(a.weight)}×{a.reps} (e1RM {fmt_num(a.e1rm)})")
    if e.plateau.flagged:
        parts.append(f"plateau: {e.plateau.reason}")
    if e.replaces:
        parts.insert(0, f"in place of {', '.join(e.replaces)}")
    if not e.sessions:
        parts.insert(0, "in the current program, not trained yet")
    else:
        parts.append(f"{_plural(e.sessions, 'session')}, last {e.last_date}")
    return Line(
        label=e.name,
        text=", ".join(parts),
        flag=e.plateau.flagged or t.direction == stats.Direction.RISING,
    )


def _profile_lines(p: Profile) -> list[Line]:
    who = [p.name]
    if p.age is not None:
        who.append(f"{p.age} ({p.audience})")
    if p.sport:
        who.append(p.sport)
    who.append(f"tier {p.tier.replace('_', ' ')}")
    lines = [Line(" · ".join(who))]
    if p.goal:
        lines.append(Line(p.goal, label="Goal"))
    if p.cycle_goal:
        lines.append(Line(p.cycle_goal, label="Cycle goal"))
    if p.total_workouts:
        lines.append(
            Line(
                f"{_plural(p.total_workouts, 'workout')} over {fmt_num(p.training_months or 0)} "
                f"months (first {p.first_workout}, last {p.last_workout})",
                label="Training",
            )
        )
    else:
        lines.append(Line("no workouts logged yet", label="Training"))
    lines.append(Line(p.weight_unit, label="Weight unit"))
    if p.tier_history:
        lines.append(
            Line(
                "; ".join(f"{c.date}: {c.previous or '—'} → {c.tier}" for c in p.tier_history),
                label="Tier history",
            )
        )
    if p.goal_history:
        lines.append(
            Line(
                "; ".join(
                    f"{c.date}: {c.previous or '—'} → {c.goal or 'the current goal'}"
                    for c in p.goal_history
                ),
                label="Goal history",
            )
        )
    if p.notes:
        lines.append(Line(p.notes, label="Profile notes"))
    return lines


def _program_lines(packet: Packet) -> list[Line]:
    c = packet.current_program
    lines = []
    if c is None:
        lines.append(Line("no active program", label="Current"))
    else:
        shape = f"{c.num_weeks} weeks × {c.num_days} days, {'loop' if c.is_loop else 'fixed block'}"
        lines.append(
            Line(
                f"{c.name} — {shape}; started {c.start_date}; now {c.position} "
                f"({_plural(c.sessions_logged, 'session')} logged)",
                label="Current",
                flag=c.block_complete,
            )
        )
        lines += [Line(d.exercises, label=f"Day {d.day}") for d in c.days]
    for o in packet.supplemental_programs:
        lines.append(Line(f"{o.name}, since {o.start_date}", label="Supplemental"))
    for o in packet.prior_programs:
        lines.append(
            Line(
                f"{o.name}: {o.start_date} → {o.end_date or '?'}, {o.ended or 'ended'}, "
                f"{_plural(o.sessions_logged, 'session')}",
                label="Before",
            )
        )
    return lines


def _equipment_lines(packet: Packet) -> list[Line]:
    cat = packet.catalog
    owned = ", ".join(packet.equipment) if packet.equipment else "nothing recorded"
    lines = [
        Line(owned, label="Owns"),
        Line(
            f"{cat.available_count} exercises possible across "
            f"{_plural(len(cat.available), 'movement pattern')}",
            label="Catalog",
        ),
    ]
    if cat.filtered_out_reason:
        lines.append(Line(cat.filtered_out_reason, label="Filtered out"))
    return lines


def _adherence_lines(packet: Packet) -> list[Line]:
    a = packet.adherence
    lines = []
    if a.rate_pct is None:
        lines.append(Line("no program in the last 12 weeks: not measured", label="Adherence"))
    else:
        prescribed = sum(a.prescribed)
        logged = sum(min(done, asked) for done, asked in zip(a.logged, a.prescribed, strict=True))
        lines.append(
            Line(
                f"{a.rate_pct:.0f} % over the last {len(a.prescribed)} weeks ({logged} of "
                f"{prescribed} sessions); current streak {_plural(a.current_streak_weeks, 'week')}",
                label="Adherence",
                flag=a.rate_pct < 80,
            )
        )
    if a.completion_pct is not None:
        extra = f"; {_plural(a.sessions_skipped, 'exercise')} skipped within sessions"
        lines.append(
            Line(
                f"{a.completion_pct:.0f} % of prescribed sets logged{extra}",
                label="Completion",
                flag=a.completion_pct < 70,
            )
        )
    if a.extra_sessions:
        lines.append(
            Line(f"{_plural(a.extra_sessions, 'workout')} not logged against a program session",
                 label="Extra")
        )  # fmt: skip
    if a.this_week_prescribed:
        lines.append(
            Line(f"{a.this_week_logged} of {a.this_week_prescribed} so far", label="This week")
        )
    for w in a.missed_weeks:
        why = " — " + " / ".join(f"“{r}”" for r in w.reasons) if w.reasons else ""
        lines.append(
            Line(f"{w.logged} of {w.prescribed}{why}", label=f"Missed: week of {w.week}", flag=True)
        )
    return lines


def _body_weight_lines(packet: Packet) -> list[Line]:
    bw = packet.body_weight
    if bw is None:
        return [Line("not tracked, or no measurements in the window")]
    lines = []
    if bw.latest is not None:
        day, value = bw.latest
        lines.append(Line(f"{fmt_num(value)} {bw.unit} on {day}", "Latest"))
    if bw.trend_per_month is not None and bw.pct_per_month is not None:
        lines.append(
            Line(
                f"{bw.direction}: {bw.trend_per_month:+.1f} {bw.unit}/month "
                f"({bw.pct_per_month:+.1f} %/month)",
                label="Trend",
            )
        )
    else:
        lines.append(Line(bw.direction, label="Trend"))
    if bw.flag:
        lines.append(Line(bw.flag, label="Flag", flag=True))
    if len(bw.series) > 1:
        lines.append(
            Line(
                f"{len(bw.series)} {bw.series_step}ly points from "
                f"{fmt_num(bw.series[0][1])} to {fmt_num(bw.series[-1][1])}",
                label="Series",
            )
        )
    return lines


def _notes_lines(n: Notes) -> list[Line]:
    def who(note: Note) -> str:
        return f"{note.date}{' · private' if note.private else ''}"

    lines = [Line(x.text, label=f"Pinned · {who(x)}") for x in n.pinned]
    lines += [Line(x.text, label=who(x)) for x in n.recent]
    if n.older_notes_count:
        lines.append(Line(f"{_plural(n.older_notes_count, 'older note')} counted, not shown"))
    lines += [
        Line(r.text, label=f"Review {r.date} ({r.status.replace('_', ' ')})") for r in n.reviews
    ]
    lines += [Line(w.text, label=f"Workout {w.date}") for w in n.workout_notes]
    return lines or [Line("no notes")]


def describe_packet(packet: Packet) -> list[Section]:
    m = packet.meta
    flags = [
        Line(
            f.text,
            label=f"{', '.join(f.body_parts) or ', '.join(f.terms)} · {f.date} · {f.source}",
            flag=True,
        )
        for f in packet.notes.health_flags
    ]
    about = [
        Line(
            f"≈{m.token_estimate:,} tokens of athlete data, budget {m.token_budget:,}, plus "
            f"≈{m.catalog_tokens:,} for the exercise list ({m.token_counter}); data since "
            f"{m.data_since}",
            label="Size",
            flag=m.over_budget,
        )
    ]
    if m.trimmed:
        about.append(Line("; ".join(m.trimmed), label="Summarised to fit"))
    exercises = [describe_exercise(e) for e in packet.exercises]
    if packet.other_exercises_count:
        names = ", ".join(
            o.name if o.sessions else f"{o.name} (in the program, not trained)"
            for o in packet.other_exercises
        )
        more = packet.other_exercises_count - len(packet.other_exercises)
        exercises.append(
            Line(names + (f" and {more} more" if more > 0 else ""), label="Also in the log")
        )
    definitions = [
        Line(text, label=name.replace("_", " "))
        for name, text in m.definitions.model_dump().items()
    ]
    return [
        Section("Athlete", _profile_lines(packet.profile)),
        Section("Program", _program_lines(packet)),
        Section("Equipment and exercises", _equipment_lines(packet)),
        Section("Lifts", exercises or [Line("no exercises logged yet")]),
        Section("Adherence", _adherence_lines(packet)),
        Section("Body weight", _body_weight_lines(packet)),
        Section("Health and injury mentions", flags or [Line("none found in the notes")]),
        Section("Notes", _notes_lines(packet.notes)),
        Section("About this packet", about),
        Section("How the numbers are computed", definitions, collapsed=True),
    ]
