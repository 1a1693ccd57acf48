"""Plain snapshots for the pure stages (no database)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from generation.session.plan import Lift, Readiness, SetPlan, Snapshot
from settings_app.registry import DEFAULT_VOLUME_LANDMARKS, parse_volume_landmarks

LANDMARKS = parse_volume_landmarks(DEFAULT_VOLUME_LANDMARKS)


def lift(
    name: str = "Back Squat",
    *,
    ex_id: int = 1,
    main: bool = True,
    primary: tuple[str, ...] = ("quads",),
    secondary: tuple[str, ...] = ("glutes",),
    sets: int = 3,
    reps: int | None = 5,
    weight: str | None = "200",
    rpe: str | None = None,
    rest: int = 120,
) -> Lift:
    plan = SetPlan(
        reps=reps,
        weight=None if weight is None else Decimal(weight),
        rpe=None if rpe is None else Decimal(rpe),
    )
    return Lift(ex_id, name, main, primary, secondary, (plan,) * sets, rest)


SQUAT = lift()
ROW = lift("Dumbbell Row", ex_id=2, main=False, primary=("upper_back",), secondary=(), weight="50")
PLANK = lift("Plank", ex_id=3, main=False, primary=("core",), secondary=(), weight=None, rest=60)


def snap(*lifts: Lift, **changes: Any) -> Snapshot:
    values: dict[str, Any] = {
        "date": dt.date(2026, 3, 5),
        "athlete_id": 1,
        "position": "Week 1, Day 1",
        "deload": False,
        "lifts": lifts or (SQUAT, ROW, PLANK),
        "readiness": Readiness(),
        "rpe_deviation": {},
        "weekly_sets": {},
        "landmarks": LANDMARKS,
        "increment": Decimal("5"),
    }
    values.update(changes)
    return Snapshot(**values)


def weights(session_lift: Any) -> list[Decimal | None]:
    return [s.weight for s in session_lift.sets]
