"""Reading a CatalogJSON draft the way the decisions speak of it."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal, InvalidOperation
from typing import Any

RECOVERY = frozenset({"recovery", "taper", "deload"})


def program_of(catalog: dict[str, Any]) -> dict[str, Any]:
    programs = catalog.get("programs") or [{}]
    return programs[0] if isinstance(programs[0], dict) else {}


def rows_of(catalog: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in program_of(catalog).get("prescribed_sets") or [] if isinstance(r, dict)]


def recovery_weeks(catalog: dict[str, Any]) -> set[Any]:
    weeks = program_of(catalog).get("weeks") or []
    return {
        w.get("week")
        for w in weeks
        if isinstance(w, dict) and str(w.get("week_type") or "") in RECOVERY
    }


def dec(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def exercise_rows(
    catalog: dict[str, Any], exercise: str, days: tuple[int, ...] = (), *, normal: bool = True
) -> list[dict[str, Any]]:
    skip = recovery_weeks(catalog) if normal else set()
    key = exercise.casefold()
    return [
        r
        for r in rows_of(catalog)
        if str(r.get("exercise", "")).casefold() == key
        and r.get("week") not in skip
        and (not days or r.get("day") in days)
    ]


def top(rows: list[dict[str, Any]], field: str) -> Decimal | None:
    values = [v for v in (dec(r.get(field)) for r in rows) if v is not None]
    return max(values) if values else None


def sets_per_session(rows: list[dict[str, Any]]) -> int:
    counts: dict[tuple[Any, Any], int] = defaultdict(int)
    for r in rows:
        counts[(r.get("week"), r.get("day"))] += 1
    return max(counts.values(), default=0)
