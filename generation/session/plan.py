"""Plain data shared by every stage: the snapshot going in, the session coming out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from generation.session import rules


@dataclass(frozen=True)
class SetPlan:
    reps: int | None  # None = AMRAP
    weight: Decimal | None  # None = no load known (no TM) or bodyweight
    rpe: Decimal | None = None
    rep_type: str = "reps"

    def as_json(self) -> dict[str, Any]:
        return {
            "reps": self.reps,
            "weight": None if self.weight is None else float(self.weight),
            "rpe": None if self.rpe is None else float(self.rpe),
            "rep_type": self.rep_type,
        }


@dataclass(frozen=True)
class Lift:
    exercise_id: int
    name: str
    is_main: bool
    primary: tuple[str, ...]
    secondary: tuple[str, ...]
    sets: tuple[SetPlan, ...]
    rest_seconds: int = rules.DEFAULT_REST_SECONDS


@dataclass(frozen=True)
class Readiness:
    sleep: int | None = None
    energy: int | None = None
    soreness: dict[str, int] = field(default_factory=dict)
    minutes: int | None = None
    pain: str = ""  # "" | minor | moderate | major
    pain_note: str = ""
    illness: str = ""
    illness_note: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "sleep": self.sleep,
            "energy": self.energy,
            "soreness": dict(self.soreness),
            "minutes": self.minutes,
            "pain": self.pain,
            "pain_note": self.pain_note,
            "illness": self.illness,
            "illness_note": self.illness_note,
        }


@dataclass(frozen=True)
class Snapshot:
    """Everything a strategy may look at, read once from the database."""

    date: dt.date
    athlete_id: int
    position: str  # "Week 2, Day 1" or "" without a program
    deload: bool
    lifts: tuple[Lift, ...]
    readiness: Readiness
    rpe_deviation: dict[int, float]  # exercise id → mean(actual − target), two sessions
    weekly_sets: dict[str, float]  # muscle group → effective sets so far this week
    landmarks: dict[str, tuple[int, int]]  # muscle group → (MEV, MRV)
    increment: Decimal
    days_since_last: int | None = None
    rehab_caps: dict[int, Decimal] = field(default_factory=dict)
    health_notes: tuple[str, ...] = ()
    missing_tms: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "position": self.position,
            "deload": self.deload,
            "readiness": self.readiness.as_json(),
            "lifts": [
                {
                    "exercise_id": lift.exercise_id,
                    "name": lift.name,
                    "main": lift.is_main,
                    "primary": list(lift.primary),
                    "sets": [s.as_json() for s in lift.sets],
                }
                for lift in self.lifts
            ],
            "rpe_deviation": {str(k): round(v, 2) for k, v in self.rpe_deviation.items()},
            "weekly_sets": {k: round(v, 2) for k, v in self.weekly_sets.items()},
            "landmarks": {k: list(v) for k, v in self.landmarks.items()},
            "days_since_last": self.days_since_last,
            "rehab_caps": {str(k): float(v) for k, v in self.rehab_caps.items()},
            "health_notes": list(self.health_notes),
            "missing_tms": list(self.missing_tms),
        }


@dataclass(frozen=True)
class AdjustedLift:
    lift: Lift
    sets: tuple[SetPlan, ...]
    skipped: bool = False
    strong_signal: bool = False  # a disruption or soreness ≥ 7 justified a deep cut

    def with_sets(self, sets: tuple[SetPlan, ...], *, skip_if_empty: bool = False) -> AdjustedLift:
        return replace(self, sets=sets, skipped=self.skipped or (skip_if_empty and not sets))

    def as_json(self) -> dict[str, Any]:
        return {
            "exercise_id": self.lift.exercise_id,
            "name": self.lift.name,
            "main": self.lift.is_main,
            "prescribed": [s.as_json() for s in self.lift.sets],
            "adjusted": [] if self.skipped else [s.as_json() for s in self.sets],
            "skipped": self.skipped,
        }


@dataclass(frozen=True)
class Session:
    lifts: tuple[AdjustedLift, ...]
    rationale: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "exercises": [lift.as_json() for lift in self.lifts],
            "rationale": list(self.rationale),
            "warnings": list(self.warnings),
        }

    def lift(self, exercise_id: int) -> AdjustedLift | None:
        return next((a for a in self.lifts if a.lift.exercise_id == exercise_id), None)
