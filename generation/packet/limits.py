"""The budget ladder: the first step fits the token budget for six months of typical data; each
next one summarises more of the older data. Recent sessions, trends, flags and pinned notes
always stay."""

from __future__ import annotations

from dataclasses import dataclass, replace


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
# For a prompt budget that leaves the packet little room (a long current program and a large
# catalog): the two most-trained exercises in detail, the rest named.
_LEAN = replace(
    _MINIMUM,
    summary="2 exercises in detail, 1 session each; 1 recent note, review and workout note",
    exercises=2,
    recent_sessions=1,
    notes_recent=1,
    reviews=1,
    workout_notes=1,
    prior_programs=2,
    other_exercises=6,
)
LADDER: tuple[Limits, ...] = (_FULL, _NOTES, _MONTHS, _SESSIONS, _EXERCISES, _MINIMUM, _LEAN)
