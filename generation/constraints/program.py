"""Program-level rules, whichever engine wrote the draft: a fixed block has its deload weeks,
no movement pattern gets more than a week's volume or near-maximal work (less for youth), and
the program trains more than one pattern. A missing deload is added (with a warning); the caps
and the variety are errors — the draft is not a program a coach should get."""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from generation.constraints.common import _row_order, _safe_dec, _session, _whole
from generation.constraints.state import Enforcement
from programs.catalog.parse import json_number

_INTENSITY = ("percentage", "absolute_weight", "target_rpe")
_LIGHTER = Decimal("0.9")  # an absolute load in a deload week, like the rules engine's −10 %


def _week(row: dict[str, Any]) -> int:
    return _whole(row.get("week")) or 0


def _load(rows: list[dict[str, Any]]) -> tuple[int, Decimal]:
    """A week's sets, and the mean intensity (percentage + absolute load + RPE, as written) of
    those that carry any: bodyweight sets do not dilute it."""
    values = [
        sum((_safe_dec(row.get(n)) or Decimal(0) for n in _INTENSITY), Decimal(0)) for row in rows
    ]
    loaded = [v for v in values if v > 0]
    return len(rows), (sum(loaded, Decimal(0)) / len(loaded)) if loaded else Decimal(0)


def deload_weeks(e: Enforcement, weeks: int) -> list[int]:
    every = e.t.deload_every_foundational if e.foundational else e.t.deload_every
    return list(range(every, weeks + 1, every))


def _is_lighter(this: list[dict[str, Any]], before: list[dict[str, Any]]) -> bool:
    """Fewer sets and no heavier on average, or as many sets and lighter on average: a week of
    fewer but heavier sets is a peak, not a deload."""
    sets, mean = _load(this)
    sets_before, mean_before = _load(before)
    if not sets or not sets_before:
        return False
    return (sets < sets_before and mean <= mean_before) or (
        sets <= sets_before and mean < mean_before
    )


def keep_deloads(
    e: Enforcement, program: dict[str, Any], rows: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """A fixed block needs as many deload weeks (lighter than the week before) as its length
    calls for; when it has fewer, the weeks where the rules engine would deload are lightened."""
    weeks = _whole(program.get("num_weeks"))
    if program.get("is_loop") is not False or weeks is None:
        return rows
    wanted = deload_weeks(e, weeks)
    by_week: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_week[_week(row)].append(row)
    lighter = [w for w in range(2, weeks + 1) if _is_lighter(by_week[w], by_week[w - 1])]
    if len(lighter) >= len(wanted):
        return rows
    missing = [w for w in wanted if w not in lighter and by_week[w]]
    dropped: set[int] = set()
    for week in missing:
        dropped |= _deload(e, by_week[week])
        _mark_recovery(program, week)
    if missing:
        every = e.t.deload_every_foundational if e.foundational else e.t.deload_every
        e.warnings.append(
            f"Deload added in week {', '.join(map(str, missing))}: a fixed block deloads every "
            f"{every}th week and the draft did not — loads −{e.t.deload_points} points (absolute "
            "loads −10 %, RPE −1) and one set fewer per exercise."
        )
    return [r for r in rows if id(r) not in dropped]


def _deload(e: Enforcement, rows: list[dict[str, Any]]) -> set[int]:
    blocks: dict[tuple[Any, Any, str], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        blocks[(*_session(row), row["exercise"].casefold())].append(row)
        pct, absolute = _safe_dec(row.get("percentage")), _safe_dec(row.get("absolute_weight"))
        rpe = _safe_dec(row.get("target_rpe"))
        if pct is not None:
            row["percentage"] = json_number(max(e.t.percent_min, pct - e.t.deload_points))
        if absolute:
            row["absolute_weight"] = json_number(
                (absolute * _LIGHTER).quantize(Decimal("0.5"), rounding=ROUND_HALF_UP)
            )
        if rpe is not None:
            row["target_rpe"] = json_number(max(e.t.rpe_min, rpe - 1))
    return {id(sorted(b, key=_row_order)[-1]) for b in blocks.values() if len(b) > 1}


def _mark_recovery(program: dict[str, Any], week: int) -> None:
    plan = program.get("weeks")
    if not isinstance(plan, list):
        return
    for item in plan:
        if isinstance(item, dict) and item.get("week") == week:
            item["week_type"] = "recovery"
            return
    plan.append({"week": week, "week_type": "recovery", "coach_notes": None})
    plan.sort(key=lambda w: (_whole(w.get("week")) or 0) if isinstance(w, dict) else 0)


def _near_max(e: Enforcement, row: dict[str, Any]) -> bool:
    reps = _whole(row.get("reps"))
    if reps is None or reps > e.t.near_max_reps or (row.get("rep_type") or "reps") != "reps":
        return False
    pct, rpe = _safe_dec(row.get("percentage")), _safe_dec(row.get("target_rpe"))
    return (pct is not None and pct >= e.t.near_max_percent) or (
        rpe is not None and rpe >= e.t.near_max_rpe
    )


def _pattern(e: Enforcement, key: str) -> str:
    ex = e.meta(key)
    return (ex.pattern if ex else "") or "other"


def check_pattern_caps(e: Enforcement, rows: list[dict[str, Any]]) -> None:
    t = e.t
    sets_cap = t.youth_sets_per_pattern_week if e.youth else t.sets_per_pattern_week
    heavy_cap = t.youth_near_max_per_pattern_week if e.youth else t.near_max_per_pattern_week
    sets: dict[tuple[int, str], int] = defaultdict(int)
    heavy: dict[tuple[int, str], int] = defaultdict(int)
    for row in rows:
        pattern = _pattern(e, row["exercise"].casefold())
        sets[(_week(row), pattern)] += 1
        heavy[(_week(row), pattern)] += _near_max(e, row)
    who = "for a youth athlete " if e.youth else ""
    for (week, pattern), n in sorted(sets.items()):
        if n > sets_cap:
            e.errors.append(
                f"Week {week}: {n} sets of the {pattern.replace('_', ' ')} pattern; at most "
                f"{sets_cap} a week {who}— spread the work over other patterns or weeks."
            )
    for (week, pattern), n in sorted(heavy.items()):
        if n > heavy_cap:
            e.errors.append(
                f"Week {week}: {n} near-maximal {pattern.replace('_', ' ')} sets (≤ "
                f"{t.near_max_reps} reps at ≥ {t.near_max_percent} % or RPE ≥ {t.near_max_rpe}); "
                f"at most {heavy_cap} a week {who}— use more reps or lighter loads."
            )


def check_variety(e: Enforcement, rows: list[dict[str, Any]]) -> None:
    """A program of full sessions trains several exercises of more than one pattern, as far as
    the athlete's equipment allows."""
    sessions = {_session(r) for r in rows}
    if not sessions or len(rows) < e.t.variety_from_sets * len(sessions):
        return
    names = {r["exercise"].casefold() for r in rows}
    patterns = {_pattern(e, n) for n in names}
    available = {ex.pattern or "other" for ex in e.available.values()}
    need_patterns = min(e.t.min_patterns, len(available))
    need_exercises = min(e.t.min_exercises, len(e.available))
    if len(patterns) < need_patterns or len(names) < need_exercises:
        shown = ", ".join(sorted(p.replace("_", " ") for p in patterns))
        e.errors.append(
            f"The program trains {len(names)} exercise{'s' if len(names) != 1 else ''} of "
            f"{len(patterns)} movement pattern{'s' if len(patterns) != 1 else ''} ({shown}); a "
            f"program needs at least {need_exercises} exercises of {need_patterns} patterns."
        )
