"""Hold a draft to its decisions: a line may never say what the sets do not do."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from itertools import pairwise
from typing import Any

from generation.checker.decisions import Change, Decision, fmt
from generation.checker.draft_rows import dec, exercise_rows, rows_of, sets_per_session, top

_LOAD_CHANGES = frozenset({Change.LOAD, Change.POINTS, Change.HELD})


def check_decisions(catalog: dict[str, Any], decisions: Iterable[Decision]) -> list[str]:
    decisions = list(decisions)
    problems = [p for d in decisions for p in _check_one(catalog, d)]
    return problems + _conflicts(decisions)


def _check_one(catalog: dict[str, Any], d: Decision) -> list[str]:
    rows = exercise_rows(catalog, d.exercise, d.days)
    where = f" on day {'/'.join(str(x) for x in d.days)}" if d.days else ""
    if d.change is Change.LEFT_OUT:
        return [f"“{d.text()}”, but it is in the draft{where}."] if rows else []
    if not rows:
        return [f"“{d.text()}”, but {d.exercise} is not in the draft{where}."]
    if d.change is Change.SWAP:
        kept = exercise_rows(catalog, d.replaced, d.days)
        return [f"“{d.text()}”, but {d.replaced} is still in the draft{where}."] if kept else []
    if d.change in _LOAD_CHANGES:
        return _check_load(rows, d, where)
    if d.change is Change.SETS and d.after is not None:
        got = sets_per_session(rows)
        if got != d.after:
            return [f"{d.exercise}: “{d.text()}”, but the draft has {got} sets a session{where}."]
    return []


def _check_load(rows: list[dict[str, Any]], d: Decision, where: str) -> list[str]:
    in_points = d.change is Change.POINTS or d.unit.startswith("%")
    field = "percentage" if in_points else "absolute_weight"
    want = d.before if d.change is Change.HELD else d.after
    got = top(rows, field)
    if want is None or got == want:
        return []
    shown = "none" if got is None else fmt(got)
    return [f"{d.exercise}: “{d.text()}”, but the draft's top set{where} is {shown}."]


def _conflicts(decisions: list[Decision]) -> list[str]:
    """Two load lines about one exercise on the same days must agree."""
    seen: dict[tuple[str, tuple[int, ...]], list[Decision]] = defaultdict(list)
    for d in decisions:
        if d.change in _LOAD_CHANGES:
            seen[(d.exercise.casefold(), d.days)].append(d)
    out = []
    for group in seen.values():
        texts = {d.text() for d in group}
        if len(texts) > 1:
            out.append(f"{group[0].exercise}: two lines disagree — {' / '.join(sorted(texts))}.")
    return out


def youth_steps(catalog: dict[str, Any], increment: Decimal) -> list[str]:
    """A youth athlete's absolute loads rise by at most one increment from a week to the next
    (the same set of the same exercise on the same day)."""
    loads: dict[tuple[str, Any, Any], dict[int, Decimal]] = defaultdict(dict)
    for r in rows_of(catalog):
        value = dec(r.get("absolute_weight"))
        if value and isinstance(r.get("week"), int):
            loads[(str(r.get("exercise")), r.get("day"), r.get("set_number"))][r["week"]] = value
    out = []
    for (name, day, number), by_week in sorted(loads.items(), key=lambda kv: str(kv[0])):
        weeks = sorted(by_week)
        for a, b in pairwise(weeks):
            if b == a + 1 and by_week[b] - by_week[a] > increment:
                out.append(
                    f"{name} day {day} set {number}: {fmt(by_week[a])} → {fmt(by_week[b])} from "
                    f"week {a} to {b}, more than one {fmt(increment)} increment."
                )
    return out
