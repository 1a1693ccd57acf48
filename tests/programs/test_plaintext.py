"""The free-text grammar: one case per notation the issue lists, and the ugly mixes people
really paste. Pure: no database, no LLM."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from programs.catalog.parse import parse_catalog
from programs.catalog.plaintext import HEADING, IGNORED, PARSED, UNPARSED, read_plan, to_catalog


def catalog(text: str, *, unit: str = "kg", name: str = "Plan") -> dict[str, Any]:
    return to_catalog(read_plan(text), name=name, unit=unit)


def rows(text: str, *, unit: str = "kg") -> list[tuple[Any, ...]]:
    sets = catalog(text, unit=unit)["programs"][0]["prescribed_sets"]
    return [
        (
            s["exercise"],
            s["reps"],
            s["rep_type"],
            s["percentage"],
            s["absolute_weight"],
            s["target_rpe"],
        )
        for s in sets
    ]


NOTATIONS = [
    ("Bench Press 3x8", [("Bench Press", 8, "reps", None, None, None)] * 3),
    ("Overhead Press 3 x 8-12", [("Overhead Press", 8, "reps", None, None, None)] * 3),
    ("Squat 5x5 @ 75%", [("Squat", 5, "reps", 75, None, None)] * 5),
    ("Deadlift 3x5 @ RPE 8", [("Deadlift", 5, "reps", None, None, 8)] * 3),
    ("Squat 1x5+", [("Squat", None, "reps", None, None, None)]),
    ("Pull-ups AMRAP", [("Pull-ups", None, "reps", None, None, None)]),
    (
        "Squat 1x5 65%, 1x5 75%, 1x5+ 85%",
        [
            ("Squat", 5, "reps", 65, None, None),
            ("Squat", 5, "reps", 75, None, None),
            ("Squat", None, "reps", 85, None, None),
        ],
    ),
    ("Bench 4 sets of 3 at 95 pounds", [("Bench", 3, "reps", None, 43.09, None)] * 4),
    ("Squat 160x5@8", [("Squat", 5, "reps", None, 160, 8)]),
    (
        "Deadlift 225 x 5, 5, 4",
        [("Deadlift", 5, "reps", None, 225, None)] * 2 + [("Deadlift", 4, "reps", None, 225, None)],
    ),
    ("Front Squat 3x5 100kg", [("Front Squat", 5, "reps", None, 100, None)] * 3),
    ("Plank 3x30s", [("Plank", 30, "seconds", None, None, None)] * 3),
    ("Lunges 3x10 each side", [("Lunges", 10, "each_side", None, None, None)] * 3),
    ("Run 400m", [("Run", 400, "distance", None, None, None)]),
    ("Row 2km", [("Row", 2000, "distance", None, None, None)]),
    ("Bike 10 min", [("Bike", 600, "seconds", None, None, None)]),
    ("Dips 3 x AMRAP", [("Dips", None, "reps", None, None, None)] * 3),
    ("Chin-ups 3 sets x 10 reps", [("Chin-ups", 10, "reps", None, None, None)] * 3),
    ("Squat 3x5x100", [("Squat", 5, "reps", None, 100, None)] * 3),
    ("Push-ups 3x15 BW", [("Push-ups", 15, "reps", None, 0, None)] * 3),
    ("Squat: 5 x 5 @ 75 %", [("Squat", 5, "reps", 75, None, None)] * 5),
]


@pytest.mark.parametrize(("line", "expected"), NOTATIONS, ids=[n[0] for n in NOTATIONS])
def test_each_notation_reads_as_the_sets_it_means(
    line: str, expected: list[tuple[Any, ...]]
) -> None:
    assert rows(line) == expected


def test_amrap_with_a_minimum_says_so_in_the_notes() -> None:
    sets = catalog("Squat 1x5+ @ 85%")["programs"][0]["prescribed_sets"]
    assert sets[0]["reps"] is None
    assert "AMRAP, at least 5" in sets[0]["notes"]


def test_a_rep_range_keeps_the_range_in_the_notes() -> None:
    sets = catalog("Row 3 x 8-12")["programs"][0]["prescribed_sets"]
    assert sets[0]["notes"] == "8–12 reps"


@pytest.mark.parametrize(
    ("line", "note"),
    [
        ("Bench 3x8 rest 90s", "rest 90 s"),
        ("Bench 3x8, rest 2 min", "rest 120 s"),
        ("Bench 3x8 rest 1:30", "rest 90 s"),
        ("Bench 3x8 (rest 60s)", "rest 60 s"),
    ],
)
def test_rest_in_seconds_minutes_or_clock_time_becomes_a_set_note(line: str, note: str) -> None:
    assert catalog(line)["programs"][0]["prescribed_sets"][0]["notes"] == note


def test_pounds_are_converted_to_a_kilogram_installation_and_the_original_kept() -> None:
    sets = catalog("Bench 4 sets of 3 at 95 pounds", unit="kg")["programs"][0]["prescribed_sets"]
    assert sets[0]["absolute_weight"] == 43.09
    assert "written as 95 lb" in sets[0]["notes"]


def test_kilograms_are_converted_to_a_pound_installation() -> None:
    sets = catalog("Squat 3x5 100 kg", unit="lbs")["programs"][0]["prescribed_sets"]
    assert sets[0]["absolute_weight"] == 220.46


def test_a_weight_without_unit_is_in_the_installations_unit() -> None:
    assert rows("Squat 160x5", unit="lbs")[0][4] == 160


def test_rounds_repeat_each_exercise_of_the_circuit_and_end_at_a_blank_line() -> None:
    text = "3 rounds of:\n10 Push-ups\n15 Air Squats\nRun 400m\n\nPlank 60s"
    got = rows(text)
    assert got.count(("Push-ups", 10, "reps", None, None, None)) == 3
    assert got.count(("Run", 400, "distance", None, None, None)) == 3
    assert got.count(("Plank", 60, "seconds", None, None, None)) == 1


def test_week_and_day_headings_place_the_sets() -> None:
    text = "Week 1\nDay 1: Upper\nBench 3x8\nDay 2: Lower\nSquat 3x5\nWeek 2\nDay 1\nBench 3x6"
    program = catalog(text)["programs"][0]
    placed = {(s["exercise"], s["week"], s["day"]) for s in program["prescribed_sets"]}
    assert placed == {("Bench", 1, 1), ("Squat", 1, 2), ("Bench", 2, 1)}
    assert (program["num_weeks"], program["num_days"], program["is_loop"]) == (2, 2, False)


def test_weekday_names_become_training_days_in_order_and_repeat_into_the_next_week() -> None:
    text = "Mon\nSquat 3x5\nWed\nBench 3x5\nFri\nDeadlift 1x5\nMon\nSquat 3x5"
    placed = [(s["week"], s["day"]) for s in catalog(text)["programs"][0]["prescribed_sets"]]
    assert [placed[0], placed[3], placed[6]] == [(1, 1), (1, 2), (1, 3)]
    assert placed[-1] == (2, 1)


def test_w1d1_headings_and_short_weekday_labels_are_read() -> None:
    text = "W1D1\nSquat 3x5\nW1D2\nBench 3x5\nW2D1\nSquat 3x3\nTue/Upper\nRow 3x8"
    placed = {
        (s["exercise"], s["week"], s["day"])
        for s in catalog(text)["programs"][0]["prescribed_sets"]
    }
    assert placed == {("Squat", 1, 1), ("Bench", 1, 2), ("Squat", 2, 1), ("Row", 2, 2)}


def test_a_deload_week_heading_becomes_a_recovery_week_with_its_label() -> None:
    program = catalog("Week 1\nSquat 3x5\nWeek 2 - Deload\nSquat 2x5")["programs"][0]
    assert program["weeks"] == [{"week": 2, "week_type": "recovery", "coach_notes": "Deload"}]


def test_superset_labels_and_comments_go_to_the_notes() -> None:
    text = "A1) DB Row 3x10 (slow eccentric)\nA2. Face Pull 3x15 // light\nB1: Curl 3x12"
    sets = catalog(text)["programs"][0]["prescribed_sets"]
    assert sets[0]["exercise"] == "DB Row"
    assert sets[0]["notes"] == "superset A1; slow eccentric"
    assert sets[3]["notes"] == "superset A2; light"
    assert sets[6]["notes"] == "superset B1"
    assert [s["sort_order"] for s in sets[::3]] == [1, 2, 3]


def test_the_same_exercise_twice_in_a_day_continues_its_set_numbers() -> None:
    sets = catalog("Squat 1x3 @ 90%\nBench 3x5\nSquat 3x5 @ 75%")["programs"][0]["prescribed_sets"]
    squats = [s for s in sets if s["exercise"] == "Squat"]
    assert [s["set_number"] for s in squats] == [1, 2, 3, 4]
    assert {s["sort_order"] for s in squats} == {1}


UGLY_NOTES_APP = """\
# 💪 Summer Strength
## Week 1
**Mon – Upper** 🔥
• Bench Press 5x5 @ 75%
• Pendlay Row: 4 x 6-8
- [ ] Pull-ups 3xAMRAP
* OHP 3x8 (felt heavy last time)
→ Dips 3x10

Wed / Lower
1. Back Squat\t5\t5\t100kg
2. RDL 3 x 10 @ RPE 7
3. Walking Lunges 3x12 per leg
4. Plank 3 x 45 sec

| Exercise | Sets | Reps |
|---|---|---|
| Leg Curl | 3 | 12 |

Fri
A1) Incline DB Press 3x10
A2) Cable Row 3x12
Farmer Carry 3 x 40m
Finisher: 3 rounds for time
Go light if tired!!
"""


def test_an_ugly_notes_app_paste_reads_every_exercise_and_says_what_it_skipped() -> None:
    plan = read_plan(UGLY_NOTES_APP)
    parsed = [e.exercise for e in plan.entries if e.status == PARSED]
    assert parsed == [
        "Bench Press",
        "Pendlay Row",
        "Pull-ups",
        "OHP",
        "Dips",
        "Back Squat",
        "RDL",
        "Walking Lunges",
        "Plank",
        "Leg Curl",
        "Incline DB Press",
        "Cable Row",
        "Farmer Carry",
    ]
    fates = {e.text: (e.status, e.why) for e in plan.entries}
    assert fates["Go light if tired!!"] == (IGNORED, "text without sets or reps")
    assert fates["|---|---|---|"] == (IGNORED, "table rule")
    assert fates["# 💪 Summer Strength"][0] == HEADING
    assert plan.title == "Summer Strength"
    data = to_catalog(plan, name="", unit="kg")
    program = data["programs"][0]
    assert program["name"] == "Summer Strength"
    assert program["num_days"] == 3
    assert parse_catalog(data).ok


def test_every_line_gets_a_fate_and_unreadable_numbers_are_never_dropped_silently() -> None:
    text = "Bench Press three sets of eight\nSquat 5/3/1 week\nSquat 3x5"
    plan = read_plan(text)
    assert [e.status for e in plan.entries] == [UNPARSED, UNPARSED, PARSED]
    assert plan.entries[0].why
    assert [e.number for e in plan.unread] == [1, 2]


def test_more_than_seven_days_in_a_week_is_an_unparsed_heading_with_a_hint() -> None:
    text = "\n".join(f"Day {n}\nSquat 3x5" for n in range(1, 9))
    plan = read_plan(text)
    bad = [e for e in plan.entries if e.status == UNPARSED]
    assert len(bad) == 1
    assert "Week N" in bad[0].why


def test_the_result_is_valid_catalog_json_for_the_pipeline() -> None:
    parsed = parse_catalog(catalog(UGLY_NOTES_APP + "\nSquat 1x5 65%, 1x5 75%, 1x5+ 85%"))
    assert parsed.ok, parsed.errors


def test_control_characters_pasted_from_a_terminal_do_not_reach_exercise_names() -> None:
    data = catalog("Squat\x07 3x5\nBench\x00 Press\x1b 3x8")
    assert parse_catalog(data).ok
    assert {s["exercise"] for s in data["programs"][0]["prescribed_sets"]} == {
        "Squat",
        "Bench Press",
    }


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(max_size=60),
            st.from_regex(
                r"[A-Za-z ]{0,12}\d{1,3}\s?[x×@%]?\s?\d{0,4}(kg|lb|s|m|%)?[,+]?", fullmatch=True
            ),
        ),
        max_size=12,
    )
)
def test_any_text_reads_without_raising_and_builds_a_program(lines: list[str]) -> None:
    plan = read_plan("\n".join(lines))
    data = to_catalog(plan, name="Fuzz", unit="kg")
    assert len(plan.entries) == len("\n".join(lines).splitlines())
    assert data["programs"][0]["num_days"] >= 1
