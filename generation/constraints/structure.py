"""Volume and structure: weeks and days as asked, sets per exercise, empty sessions, set
numbering, and progression rules that still name an exercise of the program."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from generation.constraints.common import _row_order, _session, _sort_key
from generation.constraints.state import Enforcement

if TYPE_CHECKING:
    pass


def check_shape(e: Enforcement, program: dict[str, Any]) -> None:
    request = e.request
    if request is None:
        return
    for key, wanted, label in (
        ("num_weeks", request.weeks, "weeks"),
        ("num_days", request.days_per_week, "days a week"),
    ):
        got = program.get(key)
        if got != wanted:
            e.errors.append(
                f"The program has {got!r} {label}; the coach asked for {wanted}: "
                f"set {key} to {wanted} and give every week and day its sets."
            )
    if program.get("is_loop") is not request.is_loop:
        kind = "a loop" if request.is_loop else "a fixed block"
        e.warnings.append(f"The coach asked for {kind}: is_loop set to {request.is_loop}.")
        program["is_loop"] = request.is_loop
    if str(program.get("name", "")).strip() != request.program_name.strip():
        program["name"] = request.program_name.strip()
    audience = e.packet.profile.audience
    if audience and program.get("audience") != audience:
        program["audience"] = audience


def cap_set_counts(e: Enforcement, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    sessions: dict[tuple[Any, Any], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        sessions[_session(row)].append(row)
    keep: set[int] = set()
    max_sets = e.t.foundational_sets if e.foundational else e.t.max_sets_per_exercise
    cut_sets: dict[str, int] = defaultdict(int)
    for (week, day), session in sorted(sessions.items(), key=lambda kv: _sort_key(kv[0])):
        blocks: dict[str, list[dict[str, Any]]] = {}
        for row in sorted(session, key=_row_order):
            blocks.setdefault(row["exercise"].casefold(), []).append(row)
        limit = e.request.max_exercises_per_day if e.request else len(blocks)
        names = list(blocks)
        if len(names) > limit:
            # Said once, under "Left out" with the sets to add back (not also as a warning).
            e.dropped.extend(
                {
                    "week": week,
                    "day": day,
                    "exercise": blocks[k][0]["exercise"],
                    "reason": f"at most {limit} exercises a day (the request)",
                    "sets": [dict(r) for r in blocks[k]],
                }
                for k in names[limit:]
            )
            names = names[:limit]
        for k in names:
            block = blocks[k]
            if len(block) > max_sets:
                cut_sets[block[0]["exercise"]] += len(block) - max_sets
                block = block[:max_sets]
            keep.update(id(r) for r in block)
    for name, n in sorted(cut_sets.items()):
        rule = (
            f"foundational tier: {max_sets} set per exercise"
            if e.foundational
            else f"at most {max_sets} sets per exercise in a session"
        )
        e.warnings.append(f"{name}: {n} set{'s' if n != 1 else ''} left out — {rule}.")
    return [r for r in rows if id(r) in keep]


def check_empty_sessions(e: Enforcement, rows: list[dict[str, Any]]) -> None:
    if e.request is None:
        return
    filled = {_session(r) for r in rows}
    empty = [
        f"W{w}D{d}"
        for w in range(1, e.request.weeks + 1)
        for d in range(1, e.request.days_per_week + 1)
        if (w, d) not in filled
    ]
    if empty:
        shown = ", ".join(empty[:12]) + (" …" if len(empty) > 12 else "")
        e.errors.append(
            f"{len(empty)} session(s) of the requested {e.request.weeks} weeks × "
            f"{e.request.days_per_week} days have no sets: {shown}."
        )


def renumber_sets(e: Enforcement, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Set numbers restart at 1 per exercise and day; one sort order per exercise and day
    (a swap may have merged two exercises' sets)."""
    groups: dict[tuple[Any, Any, str], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[(*_session(row), row["exercise"].casefold())].append(row)
    for group in groups.values():
        orders = [o for o in (r.get("sort_order") for r in group) if isinstance(o, int)]
        order = min(orders) if orders else 0
        for number, row in enumerate(sorted(group, key=_row_order), start=1):
            row["set_number"] = number
            row["sort_order"] = order
    return sorted(
        rows,
        key=lambda r: (
            _sort_key(_session(r)),
            _row_order(r)[0],
            r["exercise"].casefold(),
            r["set_number"],
        ),
    )


def keep_progression_rules(e: Enforcement, program: dict[str, Any]) -> None:
    rules = program.get("progression_rules")
    if not isinstance(rules, list):
        program["progression_rules"] = []
        return
    in_sets = {r["exercise"].casefold(): r["exercise"] for r in program["prescribed_sets"]}
    kept: list[dict[str, Any]] = []
    seen: set[str] = set()
    for rule in rules:
        if not isinstance(rule, dict):
            continue
        name = " ".join(str(rule.get("exercise") or "").split())
        name = e.replaced.get(name, name)
        key = name.casefold()
        mapped = e.exact.get(key)
        if key not in in_sets and mapped is not None:
            key = mapped
        if key not in in_sets:
            e.warnings.append(
                f"Progression rule for {name or '(no name)'} dropped: no set of it is in "
                "the program."
            )
            continue
        if key in seen:
            continue  # two rules collapsed onto one exercise by a swap: keep the first
        seen.add(key)
        kept.append({**rule, "exercise": in_sets[key]})
    program["progression_rules"] = kept
