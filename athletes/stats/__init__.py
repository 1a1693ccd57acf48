"""Training statistics for one athlete: the few queries that load a bounded history
(`history`), and pure functions that turn it into trends. The briefing packet and the charts both
read from here, so a number shown on a chart is the number the generator is told.

Modules, each depending only on those above it: `thresholds` (every threshold, quoted by the
packet's `definitions`), `rows` (plain values), `history` (every query), `maths`, `sessions`
(per-exercise figures), `completion`, `adherence`, `body_weight`, `health` (injury mentions in
notes), `summary` (everything at once).
"""

from __future__ import annotations

from athletes.stats.adherence import (
    Adherence,
    AdherenceWeek,
    adherence,
    assignment_end,
    prescribed_sessions,
)
from athletes.stats.body_weight import BodyWeightTrend, body_weight_trend, weekly_last
from athletes.stats.completion import Completion, CompletionReport, completion
from athletes.stats.health import (
    BODY_PARTS,
    HEALTH_TERMS,
    SPECIFIC_PARTS,
    HealthMention,
    exercise_name_mask,
    health_mention,
)
from athletes.stats.history import load_history
from athletes.stats.maths import (
    Trend,
    classify,
    epley_1rm,
    fmt_num,
    least_squares_slope,
    monday,
    rpe_trend,
    volume_trend,
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
from athletes.stats.sessions import (
    AmrapResult,
    Plateau,
    Session,
    Volume,
    amrap_results,
    format_sets,
    plateau,
    set_volume,
    tm_on,
    weekly_volume,
)
from athletes.stats.summary import (
    AthleteStats,
    ExerciseStats,
    athlete_stats,
    compute_stats,
    relevance,
)
from athletes.stats.thresholds import (
    ADHERENCE_WEEKS,
    BODY_WEIGHT_MIN_SPAN_DAYS,
    BODY_WEIGHT_RAPID_PCT,
    BODY_WEIGHT_SERIES_WEEKS,
    BODY_WEIGHT_STABLE_PCT,
    BODY_WEIGHT_TREND_DAYS,
    DAYS_PER_MONTH,
    EPLEY_FORMULA,
    HISTORY_DAYS,
    MIN_TREND_POINTS,
    NOTES_LOADED_MAX,
    PLATEAU_SESSIONS,
    RPE_TREND_SESSIONS,
    RPE_TREND_THRESHOLD,
    VOLUME_TREND_THRESHOLD_PCT,
    VOLUME_TREND_WEEKS,
    Direction,
)

__all__ = [
    "ADHERENCE_WEEKS",
    "BODY_PARTS",
    "BODY_WEIGHT_MIN_SPAN_DAYS",
    "BODY_WEIGHT_RAPID_PCT",
    "BODY_WEIGHT_SERIES_WEEKS",
    "BODY_WEIGHT_STABLE_PCT",
    "BODY_WEIGHT_TREND_DAYS",
    "DAYS_PER_MONTH",
    "EPLEY_FORMULA",
    "HEALTH_TERMS",
    "HISTORY_DAYS",
    "MIN_TREND_POINTS",
    "NOTES_LOADED_MAX",
    "PLATEAU_SESSIONS",
    "RPE_TREND_SESSIONS",
    "RPE_TREND_THRESHOLD",
    "SPECIFIC_PARTS",
    "VOLUME_TREND_THRESHOLD_PCT",
    "VOLUME_TREND_WEEKS",
    "Adherence",
    "AdherenceWeek",
    "AmrapResult",
    "AssignmentRow",
    "AthleteStats",
    "BodyWeightTrend",
    "ChangeRow",
    "Completion",
    "CompletionReport",
    "DatedValue",
    "Direction",
    "ExerciseRef",
    "ExerciseStats",
    "HealthMention",
    "History",
    "NoteRow",
    "Plateau",
    "PrescriptionRow",
    "Session",
    "SetRow",
    "TrainingMaxRow",
    "Trend",
    "Volume",
    "WorkoutRow",
    "adherence",
    "amrap_results",
    "assignment_end",
    "athlete_stats",
    "body_weight_trend",
    "classify",
    "completion",
    "compute_stats",
    "epley_1rm",
    "exercise_name_mask",
    "fmt_num",
    "format_sets",
    "health_mention",
    "least_squares_slope",
    "load_history",
    "monday",
    "plateau",
    "prescribed_sessions",
    "relevance",
    "rpe_trend",
    "set_volume",
    "tm_on",
    "volume_trend",
    "weekly_last",
    "weekly_volume",
]
