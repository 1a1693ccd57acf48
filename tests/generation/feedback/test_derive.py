"""Preferences from edit diffs, pure: each pattern once per draft, the stable-swap window, and
a cleared pattern counting only later drafts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from generation.feedback.derive import DecidedRun, derive, describe, patterns_of

DAY = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
SWAP = {"op": "swap_exercise", "week": 1, "day": 1, "from": "Depth Jump", "to": "Box Jump"}


def run(n: int, *edits: dict[str, Any], approved: bool = True, reason: str = "") -> DecidedRun:
    return DecidedRun(n, DAY + dt.timedelta(days=n), approved, list(edits), reason)


def load(old: float, new: float, exercise: str = "Back Squat") -> dict[str, Any]:
    return {"op": "change", "exercise": exercise, "field": "percentage", "old": old, "new": new}


def test_patterns_count_once_per_draft_with_their_changes() -> None:
    found = patterns_of(
        [{**SWAP, "sets": 3}, {**SWAP, "week": 2, "sets": 3}, load(80, 76), load(70, 66.5)]
    )
    assert found[("swap", "Depth Jump", "Box Jump")] == []
    assert found[("load", "Back Squat", "lower")] == [-5.0, -5.0]


def test_a_swap_in_two_of_the_last_three_approved_drafts_is_stable() -> None:
    newest_first = [run(4, SWAP), run(3), run(2, SWAP), run(1, SWAP)]
    item = derive(newest_first)[("swap", "Depth Jump", "Box Jump")]
    assert (item.count, item.recent, item.out_of, item.stable) == (3, 2, 4, True)
    older = derive([run(4), run(3), run(2, SWAP), run(1, SWAP)])
    assert older[("swap", "Depth Jump", "Box Jump")].stable is False  # only 1 of the last 3


def test_rejections_count_by_reason_and_loads_by_mean_change() -> None:
    found = derive(
        [run(3, load(80, 76)), run(2, approved=False, reason="Too long"), run(1, load(100, 90))]
    )
    assert found[("reject", "Too long", "")].count == 1
    lowered = found[("load", "Back Squat", "lower")]
    assert lowered.typical_change_pct == -7.5
    assert (
        describe("load", "Back Squat", "lower", 2, 2)
        == "lowered loads on Back Squat in 2 of 2 drafts"
    )


def test_a_cleared_pattern_counts_only_later_drafts() -> None:
    key = ("swap", "Depth Jump", "Box Jump")
    found = derive(
        [run(3, SWAP), run(2, SWAP), run(1, SWAP)], cleared={key: DAY + dt.timedelta(days=2)}
    )
    assert found[key].count == 1
    assert found[key].stable is False
