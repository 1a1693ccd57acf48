"""The packet's shape: typed models (pydantic, `extra="forbid"`) and the definitions stated in it.

The rules engine reads these directly; the LLM gets them as compact JSON (`packet_json`).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, PlainSerializer

from athletes import stats
from generation.session.summary import SessionAdjustments


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


class Runs(_Model):
    """Logged runs (distance sets of a running exercise), in km whatever the display unit."""

    weeks_from: dt.date  # the Monday of the first counted week
    weekly_km: list[Num]  # complete weeks, oldest first, weeks without a run as 0
    avg_weekly_km: Num
    runs_per_week: Num
    longest_km: Num
    easy_pace_s_per_km: Num | None = None
    consistency_pct: Num


class Notes(_Model):
    pinned: list[Note] = []
    recent: list[Note] = []
    older_notes_count: int = 0
    reviews: list[ReviewNote] = []
    workout_notes: list[WorkoutNote] = []
    health_flags: list[HealthFlag] = []


class CoachPreference(_Model):
    """A pattern in the coach's edits to this athlete's earlier drafts (generation.feedback).
    `stable`: a swap made in >= 2 of the last 3 approved drafts, pre-applied to new drafts."""

    kind: str
    exercise: str
    detail: str = ""
    text: str
    count: int
    out_of: int = 0
    stable: bool = False
    typical_change_pct: float | None = None
    first_seen: dt.date
    last_seen: dt.date
    # The drafts (run ids) that had it, newest first; the stable ones name these.
    runs: list[int] = []
    run_dates: list[dt.date] = []
    recent: int = 0


class Intake(_Model):
    """The athlete's latest intake (athletes.intake): what they said before any history.
    Estimated maxes are the athlete's guesses until the coach confirms them as TMs."""

    date: dt.date
    experience_years: int = 0
    goals: list[str] = []
    sport: str = ""
    season_start: dt.date | None = None
    season_end: dt.date | None = None
    days_per_week: int
    session_minutes: int
    equipment_preset: str = ""
    limitations: str = ""
    likes: list[str] = []
    dislikes: list[str] = []
    estimated_maxes: list[str] = []  # "Back Squat 100 kg"
    maxes_confirmed: bool = False


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
    runs: Runs | None = None
    coach_preferences: list[CoachPreference] = []  # learned from the coach's edits
    intake: Intake | None = None  # the latest intake snapshot


def packet_json(packet: Packet, *, indent: int | None = None, exclude_catalog: bool = False) -> str:
    """Compact JSON: no nulls, no fields at their default (an empty list, a zero count);
    `Packet.model_validate_json` reads it back to an equal packet."""
    return packet.model_dump_json(
        exclude_none=True,
        exclude_defaults=True,
        indent=indent,
        exclude={"catalog"} if exclude_catalog else None,
    )
