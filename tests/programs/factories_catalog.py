"""Small CatalogJSON documents built in code (no large fixture files)."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any


def pset(
    exercise: str = "Back Squat",
    week: int = 1,
    day: int = 1,
    set_number: int = 1,
    reps: int | None = 5,
    **extra: Any,
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "exercise": exercise,
        "week": week,
        "day": day,
        "set_number": set_number,
        "reps": reps,
        "rep_type": "reps",
        "percentage": None,
        "absolute_weight": None,
        "sort_order": 1,
        "notes": None,
    }
    row.update(extra)
    return row


def program(
    name: str = "Block A",
    num_weeks: int = 1,
    num_days: int = 1,
    sets: list[dict[str, Any]] | None = None,
    rules: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "name": name,
        "description": None,
        "num_weeks": num_weeks,
        "num_days": num_days,
        "is_loop": False,
        "audience": "adult",
        "prescribed_sets": sets if sets is not None else [pset()],
        "progression_rules": rules or [],
    }
    row.update(extra)
    return row


def exercise(name: str, equipment: Sequence[tuple[str, bool]] = (), **extra: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "name": name,
        "tier": None,
        "form_notes": None,
        "demo_url": None,
        "rest_seconds": None,
        "featured": False,
        "equipment": [{"name": n, "optional": o} for n, o in equipment],
        "aliases": [],
        "movement_pattern": None,
    }
    row.update(extra)
    return row


def catalog(
    equipment: list[dict[str, Any]] | None = None,
    exercises: list[dict[str, Any]] | None = None,
    programs: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "type": "catalog",
        "version": "1.1",
        "equipment": equipment if equipment is not None else [],
        "exercises": exercises if exercises is not None else [exercise("Back Squat")],
        "programs": programs if programs is not None else [program()],
    }
    row.update(extra)
    return row


def with_change(doc: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A deep copy of `doc` with the value at a dotted path ("programs.0.num_weeks") replaced."""
    out = copy.deepcopy(doc)
    target: Any = out
    parts = path.split(".")
    for part in parts[:-1]:
        target = target[int(part)] if isinstance(target, list) else target[part]
    last = parts[-1]
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return out


def big_catalog(n_sets: int = 1000, n_exercises: int = 10) -> dict[str, Any]:
    """One program of exactly `n_sets` sets over 4 weeks × 5 days."""
    names = [f"Lift {i:02d}" for i in range(n_exercises)]
    sets: list[dict[str, Any]] = []
    counters: dict[tuple[int, int, str], int] = {}
    i = 0
    while len(sets) < n_sets:
        week, day = i % 4 + 1, (i // 4) % 5 + 1
        name = names[(i // 20) % n_exercises]
        n = counters.get((week, day, name), 0) + 1
        counters[(week, day, name)] = n
        sets.append(pset(name, week, day, n, reps=5, percentage=60 + (n % 5) * 5))
        i += 1
    return catalog(
        equipment=[{"name": "Barbell", "description": "20 kg"}],
        exercises=[exercise(n, [("Barbell", False)], movement_pattern="squat") for n in names],
        programs=[
            program(
                "Big Block",
                num_weeks=4,
                num_days=5,
                sets=sets,
                rules=[{"exercise": n, "increment": 5} for n in names],
            )
        ],
    )
