"""Every validation rule of CatalogJSON, each with the message the coach reads."""

from __future__ import annotations

import json
from typing import Any

import pytest

from programs.catalog.parse import parse_catalog
from programs.catalog.schema import StrictCatalog
from tests.programs.factories_catalog import catalog, exercise, program, pset, with_change


def messages(doc: Any, **kwargs: Any) -> list[str]:
    return [str(i) for i in parse_catalog(doc, **kwargs).errors]


def warnings(doc: Any) -> list[str]:
    return [str(i) for i in parse_catalog(doc).warnings]


def test_the_format_example_parses_without_issues() -> None:
    doc = catalog(
        equipment=[{"name": "Kettlebell", "description": None}],
        exercises=[
            exercise(
                "Goblet Squat",
                [("Kettlebell", False)],
                form_notes="Elbows inside knees",
                rest_seconds=60,
                aliases=["KB Goblet Squat"],
                movement_pattern="squat",
            )
        ],
        programs=[
            program(
                "Two-Day Base",
                num_days=2,
                is_loop=True,
                sets=[
                    pset("Back Squat", 1, 1, 1, 5, percentage=75),
                    pset("Back Squat", 1, 1, 2, None, percentage=85, notes="AMRAP"),
                    pset("Goblet Squat", 1, 2, 1, 10, absolute_weight=16),
                    pset("Plank", 1, 2, 1, 30, rep_type="seconds", absolute_weight=0, sort_order=2),
                ],
                rules=[{"exercise": "Back Squat", "increment": 5}],
            )
        ],
    )
    result = parse_catalog(json.dumps(doc))
    assert result.ok
    assert result.issues == []
    assert result.data is not None
    sets = result.data["programs"][0]["prescribed_sets"]
    assert [s["percentage"] for s in sets] == [75, 85, None, None]
    assert sets[1]["reps"] is None  # AMRAP kept as null
    assert result.data["exercises"][0]["aliases"] == ["KB Goblet Squat"]


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        ("type", "program", "type: must be \"catalog\", got the text 'program'"),
        (
            "version",
            "2.0",
            "version: version '2.0' is not supported: this app reads CatalogJSON 1.x",
        ),
        ("version", 1.1, "version: must be a string, got 1.1"),
        ("programs.0.num_weeks", 0, "programs[0].num_weeks: 0 is less than the minimum 1"),
        (
            "programs.0.num_weeks",
            "4",
            "programs[0].num_weeks: must be a whole number, got the text '4'",
        ),
        ("programs.0.num_days", 8, "programs[0].num_days: 8 is more than the maximum 7"),
        (
            "programs.0.is_loop",
            "yes",
            "programs[0].is_loop: must be true or false, got the text 'yes'",
        ),
        (
            "programs.0.audience",
            "kids",
            "programs[0].audience: must be one of 'youth' or 'adult', got the text 'kids'",
        ),
        (
            "programs.0.prescribed_sets.0.set_number",
            0,
            "programs[0].prescribed_sets[0].set_number: 0 is less than the minimum 1",
        ),
        (
            "programs.0.prescribed_sets.0.reps",
            0,
            "programs[0].prescribed_sets[0].reps: 0 is less than the minimum 1",
        ),
        (
            "programs.0.prescribed_sets.0.reps",
            5.5,
            "programs[0].prescribed_sets[0].reps: must be a whole number, got 5.5",
        ),
        (
            "programs.0.prescribed_sets.0.reps",
            True,
            "programs[0].prescribed_sets[0].reps: must be a whole number, got true",
        ),
        (
            "programs.0.prescribed_sets.0.rep_type",
            "minutes",
            "programs[0].prescribed_sets[0].rep_type: must be one of 'reps', 'each_side', "
            "'seconds' or 'distance', got the text 'minutes'",
        ),
        (
            "programs.0.prescribed_sets.0.target_rpe",
            11,
            "programs[0].prescribed_sets[0].target_rpe: 11 is more than the maximum 10",
        ),
        (
            "programs.0.prescribed_sets.0.target_rpe",
            0.5,
            "programs[0].prescribed_sets[0].target_rpe: 0.5 is less than the minimum 1",
        ),
        (
            "programs.0.prescribed_sets.0.absolute_weight",
            -5,
            "programs[0].prescribed_sets[0].absolute_weight: -5 is less than the minimum 0",
        ),
        (
            "programs.0.prescribed_sets.0.percentage",
            "75%",
            "programs[0].prescribed_sets[0].percentage: must be a number, got the text '75%'",
        ),
        (
            "programs.0.prescribed_sets.0.exercise",
            "  ",
            "programs[0].prescribed_sets[0].exercise: must not be empty",
        ),
        (
            "programs.0.prescribed_sets",
            {"a": 1},
            "programs[0].prescribed_sets: must be a list, got an object",
        ),
        (
            "programs.0.progression_rules",
            [{"exercise": "Back Squat", "increment": -1}],
            "programs[0].progression_rules[0].increment: -1 is less than the minimum 0",
        ),
        (
            "exercises.0.tier",
            "elite",
            "exercises[0].tier: must be one of 'foundational', 'intermediate' or "
            "'sport_performance', got the text 'elite'",
        ),
        ("exercises.0.movement_pattern", "push", "exercises[0].movement_pattern: must be one of"),
        (
            "exercises.0.demo_url",
            "javascript:alert(1)",
            "exercises[0].demo_url: must be an http:// or https:// address, got the text "
            "'javascript:alert(1)'",
        ),
        (
            "exercises.0.demo_url",
            "ftp://x.org/a.mp4",
            "exercises[0].demo_url: must be an http:// or https:// address",
        ),
        (
            "exercises.0.rest_seconds",
            -1,
            "exercises[0].rest_seconds: -1 is less than the minimum 0",
        ),
        (
            "exercises.0.name",
            "x" * 121,
            "exercises[0].name: is 121 characters long; at most 120 are allowed",
        ),
        (
            "programs.0.name",
            "p" * 201,
            "programs[0].name: is 201 characters long; at most 200 are allowed",
        ),
        (
            "programs.0.prescribed_sets.0.notes",
            "n" * 501,
            "programs[0].prescribed_sets[0].notes: is 501 characters long; at most 500 are allowed",
        ),
        (
            "exercises.0.equipment",
            [{"name": "Bar", "optional": "no"}],
            "exercises[0].equipment[0].optional: must be true or false, got the text 'no'",
        ),
        ("equipment", [{"description": "no name"}], "equipment[0].name: is required"),
        ("exercises.0.aliases", ["ok", 7], "exercises[0].aliases[1]: must be a string, got 7"),
        (
            "programs.0.weeks",
            [{"week": 1, "week_type": "sprint"}],
            "programs[0].weeks[0].week_type: must be one of 'base', 'build', 'peak', "
            "'recovery', 'taper' or 'race', got the text 'sprint'",
        ),
    ],
)
def test_field_rules_report_path_and_plain_message(path: str, value: Any, expected: str) -> None:
    errors = messages(with_change(catalog(), path, value))
    assert any(e.startswith(expected) for e in errors), errors


def test_type_and_reps_are_required_with_explanations() -> None:
    doc = catalog()
    del doc["type"]
    del doc["programs"][0]["prescribed_sets"][0]["reps"]
    errors = messages(doc)
    assert 'type: is required and must be "catalog"' in errors
    assert "programs[0].prescribed_sets[0].reps: is required (use null for an AMRAP set)" in errors


def test_week_and_day_must_lie_inside_the_program() -> None:
    doc = catalog(programs=[program(num_weeks=4, num_days=3, sets=[pset(week=5, day=4)])])
    assert messages(doc) == [
        "programs[0].prescribed_sets[0].week: 5 is more than num_weeks 4",
        "programs[0].prescribed_sets[0].day: 4 is more than num_days 3",
    ]


def test_duplicate_sets_are_errors_ignoring_case_of_the_exercise() -> None:
    doc = catalog(programs=[program(sets=[pset("Back Squat"), pset("back squat")])])
    assert messages(doc) == [
        "programs[0].prescribed_sets[1].set_number: duplicate set: week 1, day 1, back squat "
        "set 1 is already at prescribed_sets[0]"
    ]


def test_one_progression_rule_per_exercise() -> None:
    rules = [
        {"exercise": "Back Squat", "increment": 5},
        {"exercise": "BACK SQUAT", "increment": 10},
    ]
    doc = catalog(programs=[program(sets=[pset(percentage=75)], rules=rules)])
    assert messages(doc) == [
        "programs[0].progression_rules[1].exercise: a second progression rule for BACK SQUAT "
        "(the first is progression_rules[0]); one rule per exercise"
    ]


def test_duplicate_names_in_a_section_are_errors() -> None:
    doc = catalog(
        equipment=[{"name": "Barbell"}, {"name": "barbell"}],
        exercises=[exercise("Back Squat"), exercise("Back  squat ")],
        programs=[program("A"), program("a")],
    )
    errors = messages(doc)
    assert (
        "equipment[1].name: 'barbell' is already at equipment[0] (names are unique, ignoring case)"
        in errors
    )
    assert (
        "exercises[1].name: 'Back squat' is already at exercises[0] "
        "(names are unique, ignoring case)" in errors
    )
    assert (
        "programs[1].name: 'a' is already at programs[0] (names are unique, ignoring case)"
        in errors
    )


def test_equipment_listed_twice_for_one_exercise_is_an_error() -> None:
    doc = catalog(exercises=[exercise("Back Squat", [("Barbell", False), ("BARBELL", True)])])
    assert messages(doc) == [
        "exercises[0].equipment[1].name: 'BARBELL' is listed twice for this exercise"
    ]


def test_week_descriptions_must_be_inside_the_program_and_unique() -> None:
    weeks = [{"week": 3, "week_type": "peak"}, {"week": 1}, {"week": 1, "week_type": "base"}]
    doc = catalog(programs=[program(num_weeks=2, weeks=weeks)])
    assert messages(doc) == [
        "programs[0].weeks[0].week: 3 is more than num_weeks 2",
        "programs[0].weeks[2].week: week 1 is already described at weeks[1]",
    ]


def test_a_file_with_no_sections_has_nothing_to_import() -> None:
    doc = {"type": "catalog", "version": "1.0", "equipment": [], "exercises": None}
    assert messages(doc) == ["Nothing to import: the file has no equipment, exercises or programs."]


def test_any_1_x_version_is_accepted() -> None:
    assert parse_catalog(with_change(catalog(), "version", "1.7")).ok


# --- the percentage unit ----------------------------------------------------------------------


def test_fractions_are_read_as_percent_with_a_visible_warning() -> None:
    sets = [pset(set_number=1, percentage=0.65), pset(set_number=2, percentage=0.755)]
    result = parse_catalog(catalog(programs=[program("LLM Block", sets=sets)]))
    assert result.ok
    assert result.data is not None
    assert [s["percentage"] for s in result.data["programs"][0]["prescribed_sets"]] == [65, 75.5]
    assert [str(w) for w in result.warnings] == [
        "programs[0]: all 2 percentages of 'LLM Block' are 1.5 or less, so they were read as "
        "fractions of the training max and multiplied by 100 (0.65 → 65 %). Check the loads "
        "before approving."
    ]


def test_after_normalising_a_percentage_outside_20_to_110_is_an_error() -> None:
    sets = [pset(set_number=1, percentage=0.1), pset(set_number=2, percentage=0.8)]
    errors = messages(catalog(programs=[program(sets=sets)]))
    assert errors == [
        "programs[0].prescribed_sets[0].percentage: 0.1 (read as 10 %) is outside 20–110 % of "
        "the training max"
    ]


def test_whole_percentages_outside_the_range_are_errors() -> None:
    sets = [pset(set_number=1, percentage=115), pset(set_number=2, percentage=15)]
    assert messages(catalog(programs=[program(sets=sets)])) == [
        "programs[0].prescribed_sets[0].percentage: 115 % is outside 20–110 % of the training max",
        "programs[0].prescribed_sets[1].percentage: 15 % is outside 20–110 % of the training max",
    ]


def test_a_fraction_among_whole_percents_is_an_error_with_a_hint() -> None:
    sets = [pset(set_number=1, percentage=75), pset(set_number=2, percentage=0.8)]
    assert messages(catalog(programs=[program(sets=sets)])) == [
        "programs[0].prescribed_sets[1].percentage: 0.8 % is outside 20–110 % of the training "
        "max; it looks like a fraction, but other sets of this program use whole percents "
        "(write 75 for 75 %)"
    ]


def test_each_program_is_judged_on_its_own_percentages() -> None:
    doc = catalog(
        programs=[
            program("Fractions", sets=[pset(percentage=0.7)]),
            program("Percents", sets=[pset(percentage=70)]),
        ]
    )
    result = parse_catalog(doc)
    assert result.ok
    assert result.data is not None
    assert [p["prescribed_sets"][0]["percentage"] for p in result.data["programs"]] == [70, 70]
    assert len(result.warnings) == 1


def test_a_program_without_percentages_is_not_converted() -> None:
    result = parse_catalog(catalog(programs=[program(sets=[pset(absolute_weight=1)])]))
    assert result.ok
    assert result.warnings == []


# --- warnings ---------------------------------------------------------------------------------


def test_percentage_and_absolute_weight_both_set_warns_that_percentage_wins() -> None:
    doc = catalog(programs=[program(sets=[pset(percentage=75, absolute_weight=100)])])
    assert warnings(doc) == [
        "programs[0].prescribed_sets[0]: both percentage and absolute_weight are set; the "
        "percentage is used"
    ]


def test_declared_exercises_no_program_uses_are_listed_in_one_warning() -> None:
    doc = catalog(exercises=[exercise("Back Squat"), exercise("Face Pull"), exercise("Dip")])
    assert warnings(doc) == [
        "exercises: 2 declared exercise(s) are not used by any program in this file: Face Pull, Dip"
    ]


def test_a_catalog_without_programs_does_not_warn_about_unused_exercises() -> None:
    assert warnings(catalog(exercises=[exercise("Face Pull")], programs=[])) == []


def test_a_lift_with_a_progression_rule_but_a_set_without_load_warns() -> None:
    sets = [pset(set_number=1, percentage=75), pset(set_number=2)]
    doc = catalog(programs=[program(sets=sets, rules=[{"exercise": "Back Squat", "increment": 5}])])
    assert warnings(doc) == [
        "programs[0].prescribed_sets[1]: Back Squat has a progression rule, but this set has no "
        "percentage or absolute weight"
    ]


def test_a_rule_for_an_exercise_the_program_never_uses_warns() -> None:
    doc = catalog(
        exercises=[exercise("Back Squat"), exercise("Deadlift")],
        programs=[
            program(
                sets=[pset(absolute_weight=60)], rules=[{"exercise": "Deadlift", "increment": 10}]
            )
        ],
    )
    assert (
        "programs[0].progression_rules[0]: Deadlift has a progression rule but no set in this "
        "program" in warnings(doc)
    )


def test_sessions_without_sets_and_programs_without_sets_warn() -> None:
    doc = catalog(
        programs=[
            program("Gaps", num_weeks=2, num_days=2, sets=[pset(week=1, day=1)]),
            program("Empty", sets=[]),
        ]
    )
    assert warnings(doc) == [
        "programs[0]: 3 session(s) have no sets: W1D2, W2D1, W2D2",
        "programs[1]: program 'Empty' has no prescribed sets",
    ]


def test_unknown_keys_are_ignored_with_one_warning_per_key() -> None:
    doc = catalog(
        programs=[program(sets=[pset(set_number=n, rest_seconds=90) for n in (1, 2, 3)])],
        exporter="go-replog",
    )
    result = parse_catalog(doc)
    assert result.ok
    assert [str(w) for w in result.warnings] == [
        "exporter: unknown key ignored",
        "programs[0].prescribed_sets[*].rest_seconds: unknown key ignored (in 3 entries)",
    ]
    assert result.data is not None
    assert "exporter" not in result.data
    assert "rest_seconds" not in result.data["programs"][0]["prescribed_sets"][0]


def test_strict_mode_forbids_unknown_keys() -> None:
    doc = catalog(programs=[program(sets=[pset(rest_seconds=90)])], reasoning="…")
    assert messages(doc, strict=True) == [
        "programs[0].prescribed_sets[0].rest_seconds: is not a CatalogJSON key",
        "reasoning: is not a CatalogJSON key",
    ]


def test_strict_model_publishes_a_closed_json_schema_for_llm_output() -> None:
    schema = StrictCatalog.model_json_schema()
    assert schema["additionalProperties"] is False
    assert schema["$defs"]["StrictPrescribedSetItem"]["additionalProperties"] is False
    assert "reps" in schema["$defs"]["StrictPrescribedSetItem"]["required"]


# --- what the Go app writes -------------------------------------------------------------------


def test_go_style_nulls_and_blank_strings_are_accepted() -> None:
    doc = catalog(
        equipment=None,
        exercises=[exercise("Plank", equipment=[], tier="", demo_url="")],
        programs=[
            program(
                sets=[pset("Plank", reps=30, rep_type="", percentage=None, notes=None)],
                rules=None,
            )
        ],
    )
    doc["exercises"][0]["equipment"] = None
    doc["programs"][0]["progression_rules"] = None
    result = parse_catalog(doc)
    assert result.ok, result.errors
    assert result.data is not None
    assert result.data["programs"][0]["prescribed_sets"][0]["rep_type"] == "reps"
    assert result.data["exercises"][0]["tier"] is None


def test_integral_floats_are_whole_numbers_and_written_back_as_ints() -> None:
    doc = catalog(programs=[program(num_weeks=1.0, sets=[pset(week=1.0, percentage=50.0)])])
    result = parse_catalog(doc)
    assert result.ok
    assert result.data is not None
    out = result.data["programs"][0]
    assert out["num_weeks"] == 1
    assert isinstance(out["num_weeks"], int)
    assert json.dumps(out["prescribed_sets"][0]["percentage"]) == "50"


def test_a_go_athlete_export_is_refused_with_an_explanation() -> None:
    doc = {"version": "1.0", "type": "athlete", "athlete": {"name": "Tommy"}, "workouts": []}
    assert messages(doc) == [
        'type: this is a RepLog athlete export, not a catalog; export the catalog (type "catalog") '
        "from the original app instead"
    ]


def test_names_are_trimmed_and_inner_whitespace_collapsed() -> None:
    doc = catalog(
        exercises=[exercise("  Back   Squat ")], programs=[program(sets=[pset(" Back Squat")])]
    )
    result = parse_catalog(doc)
    assert result.ok
    assert result.data is not None
    assert result.data["exercises"][0]["name"] == "Back Squat"
    assert result.warnings == []


def test_values_with_too_many_decimals_are_rounded_with_a_warning() -> None:
    doc = catalog(programs=[program(sets=[pset(absolute_weight=22.675, target_rpe=7.25)])])
    result = parse_catalog(doc)
    assert result.ok
    assert result.data is not None
    st = result.data["programs"][0]["prescribed_sets"][0]
    assert (st["absolute_weight"], st["target_rpe"]) == (22.68, 7.3)
    assert [str(w) for w in result.warnings] == [
        "programs[0].prescribed_sets[0].absolute_weight: 22.675 rounded to 22.68",
        "programs[0].prescribed_sets[0].target_rpe: 7.25 rounded to 7.3",
    ]
