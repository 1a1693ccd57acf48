"""Health flags (knee, shoulder, …): exercises that load a flagged body part replaced, or
warned about."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from generation.constraints.common import _Exercise
from generation.constraints.injury_map import high_risk_for, loads_part
from generation.constraints.names import note_sessions, substitute_for
from generation.constraints.state import Enforcement

if TYPE_CHECKING:
    from generation.packet import HealthFlag


def _flag_source(flag: HealthFlag) -> str:
    text = flag.text if len(flag.text) <= 120 else flag.text[:119].rstrip() + "…"
    return f"{flag.source} of {flag.date:%Y-%m-%d}: “{text}”"


def safe_substitute_for(
    e: Enforcement, name: str, pattern: str, tier: str, *, origin: str
) -> _Exercise | None:
    """A substitute that spares every flagged body part and can carry the prescription (a
    training max for percentage sets): anything less is not worth taking the exercise
    the coach or the model chose away, and the rows keep a warning instead."""
    saved = {k: set(v) for k, v in e.neighbours.items()}, set(e.by_percentage)
    sub = substitute_for(e, name, pattern, tier, origin=origin)
    unsafe = sub is not None and any(high_risk_for(sub.name, p) for p in e.flags)
    untethered = (
        sub is not None
        and origin in e.by_percentage
        and origin in e.tms
        and sub.name.casefold() not in e.tms
    )
    if sub is None or unsafe or untethered:
        e.neighbours = defaultdict(set, saved[0])
        e.by_percentage = saved[1]
        return None
    return sub


def apply_injuries(e: Enforcement, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if not e.flags:
        return rows
    names = sorted({r["exercise"] for r in rows}, key=str.casefold)
    note_sessions(e, rows)
    swaps: dict[str, str] = {}
    for name in names:
        key = name.casefold()
        ex = e.meta(key)
        pattern = ex.pattern if ex else ""
        for part, flags in sorted(e.flags.items()):
            keyword = high_risk_for(name, part)
            if keyword is None:
                continue
            sub = safe_substitute_for(e, name, pattern, ex.tier if ex else "", origin=key)
            if sub is None:
                continue  # no safe like-for-like: the warning below stays on its rows
            swaps[name] = sub.name
            e._replace(name, sub.name)
            e.warnings.append(
                f"{name} replaced by {sub.name}: “{keyword}” loads the {part} "
                f"({_flag_source(flags[0])}); same movement pattern "
                f"({pattern.replace('_', ' ')})."
            )
            break
    for row in rows:
        row["exercise"] = swaps.get(row["exercise"], row["exercise"])
    for name in sorted({r["exercise"] for r in rows}, key=str.casefold):
        ex = e.meta(name.casefold())
        pattern = ex.pattern if ex else ""
        for part, flags in sorted(e.flags.items()):
            if loads_part(name, pattern, part):
                e.warnings.append(
                    f"{name} loads the {part} — {_flag_source(flags[0])}. "
                    "Check it before approving."
                )
    return rows
