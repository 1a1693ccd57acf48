"""Every threshold of the statistics, in one place: the packet quotes them in its
`definitions`, so a number the generator is told is defined where it is computed."""

from __future__ import annotations

from enum import StrEnum

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
