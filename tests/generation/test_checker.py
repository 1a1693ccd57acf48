"""The draft checker on hand-written drafts: it catches the lines the issue quotes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from generation.checker import Change, Decision, check_draft
from generation.checker.answers import Topic, unanswered
from generation.checker.check import youth_steps
from generation.checker.parse import decisions_from_text


def catalog(*rows: tuple[str, int, int, float | None, float | None]) -> dict[str, Any]:
    sets = [
        {"exercise": name, "week": week, "day": day, "set_number": 1, "reps": 3,
         "percentage": pct, "absolute_weight": weight}
        for name, week, day, pct, weight in rows
    ]  # fmt: skip
    weeks = [{"week": 4, "week_type": "recovery"}]
    return {"programs": [{"prescribed_sets": sets, "weeks": weeks}]}


SARAH = catalog(
    ("Dumbbell Power Clean", 1, 1, None, 15),
    ("Dumbbell Power Clean", 3, 1, None, 20),
    ("Dumbbell Power Clean", 4, 1, None, 15),
)


def test_a_line_claiming_a_load_the_sets_do_not_have_is_a_mismatch() -> None:
    claimed = Decision(Change.LOAD, "Dumbbell Power Clean", Decimal(15), Decimal(25), "lbs")
    report = check_draft(catalog=SARAH, reasoning=[], decisions=[claimed])
    assert report.mismatches == [
        "Dumbbell Power Clean: “top set 15 → 25 lbs (+67 %)”, but the draft's top set is 20."
    ]
    right = Decision(Change.LOAD, "Dumbbell Power Clean", Decimal(15), Decimal(20), "lbs")
    assert right.text() == "top set 15 → 20 lbs (+33 %)"
    assert check_draft(catalog=SARAH, reasoning=[], decisions=[right]).ok


def test_text_is_read_back_and_held_to_the_sets() -> None:
    lines = [
        "Dumbbell Power Clean (in place of Power Clean): top set 15 → 20 lbs (+33 %), easy.",
        "Power Clean replaced by Dumbbell Power Clean: no barbell.",
        "Depth Jump left out: it loads the knee.",
    ]
    assert check_draft(catalog=SARAH, reasoning=lines).mismatches == []
    wrong = ["Dumbbell Power Clean: held at 15 lbs — the line the issue quotes."]
    assert check_draft(catalog=SARAH, reasoning=wrong).mismatches == [
        "Dumbbell Power Clean: “held at 15 lbs”, but the draft's top set is 20."
    ]
    parsed = decisions_from_text(lines)
    assert [d.change for d in parsed] == [Change.LOAD, Change.SWAP, Change.LEFT_OUT]


def test_two_lines_that_disagree_about_one_lift_are_flagged() -> None:
    program = catalog(("Power Clean", 1, 1, 80, None))
    held = Decision(Change.HELD, "Power Clean", Decimal(85), unit="% of the training max")
    lowered = Decision(Change.POINTS, "Power Clean", Decimal(85), Decimal(80), "%")
    report = check_draft(catalog=program, reasoning=[], decisions=[held, lowered])
    assert any("two lines disagree" in m for m in report.mismatches)


def test_a_youth_load_rising_two_increments_in_a_week_is_caught() -> None:
    jumpy = catalog(("Goblet Squat", 1, 1, None, 20), ("Goblet Squat", 2, 1, None, 30))
    assert youth_steps(jumpy, Decimal(5)) == [
        "Goblet Squat day 1 set 1: 20 → 30 from week 1 to 2, more than one 5 increment."
    ]
    assert youth_steps(SARAH, Decimal(5)) == []


def test_a_flag_no_line_names_is_unanswered() -> None:
    growth = Topic("growth flag", "possible growth spurt", "Growth flag")
    note = Topic("pinned note", f"pinned note of {dt.date(2026, 3, 4)}", "note of 2026-03-04")
    said = ["Pinned note of 2026-03-04: read as less plyometric volume."]
    assert unanswered([growth, note], said) == [growth]
