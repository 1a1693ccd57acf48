"""Reasoning lines about exercises the hard constraints replaced or left out are marked, whatever
the engine (generation.engines.reasoning, applied by the LLM engine and by dispatch)."""

from __future__ import annotations

from typing import Any

from generation.engines.reasoning import mark_reasoning


def doc(*names: str) -> dict[str, Any]:
    return {"programs": [{"prescribed_sets": [{"exercise": n} for n in names]}]}


def test_lines_about_replaced_or_dropped_exercises_are_marked_and_others_kept() -> None:
    lines = [
        "Depth jumps and heavy barbell work: the athlete loves them.",
        "Back Squat +5 %: avg RPE 6.8.",
        "Nordic-curls twice a week for the hamstrings.",
        "Jump rope is not a depth jump variant.",
    ]
    before = doc("Depth Jump", "Back Squat", "Nordic Curl")
    after = doc("Box Jump", "Back Squat")
    marked = mark_reasoning(lines, before, after, {"Depth Jump": "Box Jump"})
    assert marked[0] == (
        "Depth jumps and heavy barbell work: the athlete loves them. "
        "[RepLog's checks replaced Depth Jump with Box Jump.]"
    )
    assert marked[1] == lines[1]
    assert marked[2].endswith("[RepLog's checks left Nordic Curl out.]")
    assert marked[3].endswith("[RepLog's checks replaced Depth Jump with Box Jump.]")


def test_nothing_changed_nothing_marked() -> None:
    lines = ["Back Squat kept."]
    assert mark_reasoning(lines, doc("Back Squat"), doc("Back Squat"), {}) == lines
    assert mark_reasoning(lines, {"programs": []}, doc("Back Squat"), {}) == lines
