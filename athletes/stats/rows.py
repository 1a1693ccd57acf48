"""Rows: plain values, so the trend functions are tested without a database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from athletes.models import (
    ProgramRole,
)
from programs.models import RepType


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
    seconds: int | None = None  # a run's (or timed set's) duration


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
