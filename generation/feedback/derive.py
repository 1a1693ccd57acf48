"""Preferences from decided runs, as pure functions over their edit diffs (generation.runs.edits)
and rejection reasons. A pattern counts once per draft, however many sets it touched."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

# A swap made in at least STABLE_MIN of the athlete's last STABLE_WINDOW approved drafts is
# stable: the next draft arrives with it already made.
STABLE_WINDOW = 3
STABLE_MIN = 2
LOAD_FIELDS = ("percentage", "absolute_weight")
Key = tuple[str, str, str]  # (kind, subject, detail)


@dataclass(frozen=True)
class DecidedRun:
    run_id: int
    decided_at: dt.datetime
    approved: bool
    edits: Sequence[dict[str, Any]] = ()
    rejection_reason: str = ""


@dataclass
class Derived:
    kind: str
    subject: str
    detail: str
    runs: list[DecidedRun] = field(default_factory=list)  # newest first
    changes_pct: list[float] = field(default_factory=list)
    recent: int = 0
    out_of: int = 0

    @property
    def count(self) -> int:
        return len(self.runs)

    @property
    def typical_change_pct(self) -> float | None:
        if not self.changes_pct:
            return None
        return round(sum(self.changes_pct) / len(self.changes_pct), 1)

    @property
    def stable(self) -> bool:
        return self.kind == "swap" and self.recent >= STABLE_MIN


def _pct(old: object, new: object) -> float | None:
    if not isinstance(old, int | float) or not isinstance(new, int | float) or not old:
        return None
    return (float(new) - float(old)) / float(old) * 100


def _direction(pct: float) -> str:
    return "lower" if pct < 0 else "higher"


def patterns_of(edits: Iterable[dict[str, Any]]) -> dict[Key, list[float]]:
    """The patterns in one draft's edits, each with the percent changes behind it."""
    found: dict[Key, list[float]] = defaultdict(list)
    for change in edits:
        op = change.get("op")
        if op == "swap_exercise":
            found.setdefault(("swap", str(change.get("from")), str(change.get("to"))), [])
        elif op == "remove_set":
            found.setdefault(("remove", str(change.get("exercise")), ""), [])
        elif op == "add_set":
            found.setdefault(("volume", str(change.get("exercise")), "more sets"), [])
        elif op == "change" and change.get("field") in (*LOAD_FIELDS, "reps"):
            pct = _pct(change.get("old"), change.get("new"))
            if pct is None or pct == 0:
                continue
            if change.get("field") == "reps":
                detail = "fewer reps" if pct < 0 else "more reps"
                found[("volume", str(change.get("exercise")), detail)].append(pct)
            else:
                found[("load", str(change.get("exercise")), _direction(pct))].append(pct)
    return found


def derive(
    runs: Sequence[DecidedRun], *, cleared: dict[Key, dt.datetime] | None = None
) -> dict[Key, Derived]:
    """Every pattern in `runs` (newest first), counted per draft; `recent` counts the newest
    STABLE_WINDOW approved drafts. A pattern the coach cleared counts only drafts decided
    after the clearing."""
    cleared = cleared or {}
    result: dict[Key, Derived] = {}
    approved = [r for r in runs if r.approved]
    recent_ids = {r.run_id for r in approved[:STABLE_WINDOW]}
    for run in runs:
        found = patterns_of(run.edits) if run.approved else {}
        if not run.approved and run.rejection_reason.strip():
            found = {("reject", run.rejection_reason.strip()[:200], ""): []}
        for key, pcts in found.items():
            if key in cleared and run.decided_at <= cleared[key]:
                continue
            item = result.setdefault(key, Derived(*key))
            item.runs.append(run)
            item.changes_pct.extend(pcts)
            item.recent += run.run_id in recent_ids
    for item in result.values():
        item.out_of = len(approved) if item.kind != "reject" else len(runs)
    return result


def describe(kind: str, subject: str, detail: str, count: int, out_of: int) -> str:
    """One line a coach reads: "replaced Depth Jump with Box Jump in 3 of 4 drafts"."""
    times = f"in {count} of {out_of} drafts" if out_of else f"{count} times"
    if kind == "swap":
        return f"replaced {subject} with {detail} {times}"
    if kind == "remove":
        return f"removed sets of {subject} {times}"
    if kind == "load":
        return f"{'lowered' if detail == 'lower' else 'raised'} loads on {subject} {times}"
    if kind == "volume":
        return f"gave {subject} {detail} {times}"
    return f"rejected a draft: “{subject}” ({count}×)"
