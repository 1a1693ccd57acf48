"""The hard constraints every draft passes, whichever engine wrote it: each rule on a draft that
breaks it, and a draft that breaks none passes unchanged."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generation.constraints import (
    INJURY_MAP,
    LIMITS,
    enforce,
    guess_pattern,
    high_risk_for,
    loads_part,
)
from generation.packet import Packet, build_packet
from tests.factories import AthleteNoteFactory, TrainingMaxFactory
from tests.generation.data.world import (
    KNEE_NOTE,
    World,
    all_rows,
    build_world,
    catalog,
    request,
    sets,
    tommy_answer,
)


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.fixture
def tommy(world: World) -> Packet:
    return build_packet(world.tommy)


@pytest.fixture
def sarah(world: World) -> Packet:
    return build_packet(world.sarah)


@pytest.fixture
def alex(world: World) -> Packet:
    return build_packet(world.alex)


@pytest.fixture
def fran(world: World) -> Packet:
    return build_packet(world.fran)


def tommy_catalog() -> dict[str, Any]:
    return {"type": "catalog", "version": "1.1", "programs": [tommy_answer()["program"]]}


def names(result_catalog: dict[str, Any]) -> set[str]:
    return {r["exercise"] for r in all_rows(result_catalog)}


def rows_of(result_catalog: dict[str, Any], exercise: str) -> list[dict[str, Any]]:
    return [r for r in all_rows(result_catalog) if r["exercise"] == exercise]


# A second movement pattern for drafts about one exercise: a block of one pattern breaks the
# variety rule (generation.constraints.program), which is not what those tests are about.
CORE = sets("Plank", 2, reps=30, rep_type="seconds", absolute_weight=0, sort_order=9)


def two_week(rows_week1: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Week 1 repeated in week 2 — and day 1 repeated on day 2 when week 1 has no day 2 — so
    that every session of the requested 2 weeks × 2 days has sets."""
    week = list(rows_week1)
    if all(r["day"] == 1 for r in week):
        week += [{**r, "day": 2} for r in week]
    return week + [{**r, "week": 2} for r in week]


# --- a draft that breaks nothing ------------------------------------------------------------


def test_a_valid_draft_passes_unchanged_except_for_injury_warnings(tommy: Packet) -> None:
    draft = tommy_catalog()
    result = enforce(draft, tommy, request())
    assert result.errors == []
    assert result.catalog["programs"][0]["prescribed_sets"] == sorted(
        draft["programs"][0]["prescribed_sets"],
        key=lambda r: (r["week"], r["day"], r["sort_order"], r["exercise"], r["set_number"]),
    )
    # Tommy's knee note: squats and cleans load the knee; nothing in the draft is swapped.
    assert result.replaced == {}
    assert any(w.startswith("Back Squat loads the knee") for w in result.warnings)
    assert any(w.startswith("Power Clean loads the knee") for w in result.warnings)
    assert not any("Bench Press" in w for w in result.warnings)


def test_enforce_is_idempotent(sarah: Packet) -> None:
    rows = two_week(
        sets("Back Squat", 3, percentage=0.7)
        + sets("Bench Press", 3, percentage=0.7, sort_order=2)
        + sets("Walking Lunges", 2, reps=8, rep_type="each_side", day=2)
    )
    first = enforce(catalog(rows), sarah, request())
    second = enforce(first.catalog, sarah, request())
    assert first.errors == second.errors == []
    assert second.catalog == first.catalog
    assert set(second.warnings) <= set(first.warnings)
    assert second.replaced == {}


def test_the_input_catalog_is_not_modified(sarah: Packet) -> None:
    draft = catalog(two_week(sets("Back Squat", 3, percentage=75)))
    before = repr(draft)
    enforce(draft, sarah, request())
    assert repr(draft) == before


# --- catalog membership: names the catalog does not know ------------------------------------


def test_a_misspelt_exercise_is_mapped_by_the_catalog_name_matching(alex: Packet) -> None:
    rows = two_week(
        sets("Bak Squat", 3, percentage=75) + sets("Dead lifts", 1, percentage=80, sort_order=2)
    )
    result = enforce(catalog(rows, audience="adult"), alex, request())
    assert result.errors == []
    assert names(result.catalog) == {"Back Squat", "Deadlift"}
    assert "“Bak Squat” is not a catalog name; mapped to Back Squat (name match 95 %)." in (
        result.warnings
    )
    assert any("“Dead lifts”" in w and "mapped to Deadlift" in w for w in result.warnings)


def test_a_name_below_the_high_threshold_is_replaced_like_for_like_not_mapped(
    alex: Packet,
) -> None:
    # "Deadlfit" scores 0.875 against Deadlift: below matching.high (0.90), so it is not mapped
    # by name; its closest candidate still tells its movement pattern (hinge).
    rows = two_week(sets("Deadlfit", 1, percentage=80) + CORE)
    result = enforce(catalog(rows, audience="adult"), alex, request())
    assert result.errors == []
    assert names(result.catalog) == {"Deadlift", "Plank"}
    assert (
        "“Deadlfit” is not in the exercise catalog; replaced by Deadlift (same movement "
        "pattern: hinge)." in result.warnings
    )


def test_an_alias_is_written_as_its_catalog_name(alex: Packet) -> None:
    rows = two_week(sets("BB Back Squat", 3, percentage=75) + CORE)
    result = enforce(catalog(rows, audience="adult"), alex, request())
    assert result.errors == []
    assert names(result.catalog) == {"Back Squat", "Plank"}


def test_a_hallucinated_exercise_is_replaced_like_for_like_with_a_warning_naming_both(
    alex: Packet,
) -> None:
    rows = two_week(
        sets("Zercher Hatfield Safety-Bar Squat", 3, reps=8, absolute_weight=135) + CORE
    )
    result = enforce(catalog(rows, audience="adult"), alex, request())
    assert result.errors == []
    (name,) = names(result.catalog) - {"Plank"}
    assert name in {"Back Squat", "Front Squat", "Goblet Squat", "Bodyweight Squat"}
    assert any(
        "“Zercher Hatfield Safety-Bar Squat” is not in the exercise catalog; replaced by "
        f"{name}" in w
        for w in result.warnings
    )


def test_a_hallucinated_exercise_without_a_like_for_like_is_an_error(alex: Packet) -> None:
    rows = two_week(
        sets("Quantum Flux Drill", 3) + sets("Bench Press", 3, percentage=70, sort_order=2)
    )
    result = enforce(catalog(rows, audience="adult"), alex, request())
    assert any("“Quantum Flux Drill” is not in the exercise catalog" in e for e in result.errors)
    assert names(result.catalog) == {"Bench Press"}


# --- equipment ------------------------------------------------------------------------------


def test_an_exercise_needing_equipment_the_athlete_lacks_is_replaced_like_for_like(
    sarah: Packet,
) -> None:
    rows = two_week(
        sets("Back Squat", 3, reps=8, absolute_weight=40)
        + sets("Bench Press", 3, reps=8, absolute_weight=30, sort_order=2)
    )
    result = enforce(catalog(rows), sarah, request())
    assert result.errors == []
    assert result.replaced == {"Back Squat": "Goblet Squat", "Bench Press": "Dumbbell Bench Press"}
    assert names(result.catalog) == {"Goblet Squat", "Dumbbell Bench Press"}
    warning = next(w for w in result.warnings if w.startswith("Back Squat needs equipment"))
    assert "Sarah does not have (Barbell, Squat Rack)" in warning
    assert "replaced by Goblet Squat (same movement pattern: squat)" in warning


def test_a_substitute_already_in_the_session_is_avoided(sarah: Packet) -> None:
    rows = two_week(
        sets("Goblet Squat", 3, reps=10, absolute_weight=30)
        + sets("Back Squat", 3, reps=8, absolute_weight=40, sort_order=2)
    )
    result = enforce(catalog(rows), sarah, request())
    assert result.replaced == {"Back Squat": "Bodyweight Squat"}
    assert len(rows_of(result.catalog, "Goblet Squat")) == 12  # 3 sets × 4 sessions


def test_no_like_for_like_for_missing_equipment_is_an_error(sarah: Packet) -> None:
    rows = two_week(sets("Trap Bar Carry", 3, reps=40, rep_type="distance", absolute_weight=50))
    result = enforce(catalog(rows), sarah, request())
    assert any(
        "Trap Bar Carry needs equipment Sarah does not have (Trap Bar)" in e for e in result.errors
    )


# --- tier rules -----------------------------------------------------------------------------


def test_youth_percentage_loading_without_a_training_max_becomes_a_light_load(
    sarah: Packet, tommy: Packet
) -> None:
    rows = two_week(sets("Goblet Squat", 3, reps=8, percentage=70, target_rpe=8) + CORE)
    result = enforce(catalog(rows), sarah, request())
    assert result.errors == []
    for row in rows_of(result.catalog, "Goblet Squat"):
        assert row["percentage"] is None
        assert row["target_rpe"] == 6
        assert "light load" in row["notes"]
    assert any(
        w.startswith("Goblet Squat: 12 sets loaded by percentage changed to a light technique load")
        and "youth athlete with no training max for Goblet Squat" in w
        for w in result.warnings
    )
    # Tommy has a training max for Back Squat: his percentages stay.
    kept = enforce(catalog(two_week(sets("Back Squat", 3, percentage=75))), tommy, request())
    assert {r["percentage"] for r in all_rows(kept.catalog)} == {75}


def test_an_adult_without_a_training_max_keeps_percentages_with_a_warning(alex: Packet) -> None:
    rows = two_week(sets("Front Squat", 3, percentage=70))
    result = enforce(catalog(rows, audience="adult"), alex, request())
    assert {r["percentage"] for r in all_rows(result.catalog)} == {70}
    assert any(
        w.startswith("Front Squat is loaded by percentage but Alex has no training max")
        for w in result.warnings
    )


def test_foundational_tier_gets_foundational_exercises_one_light_set_of_15_to_20(
    fran: Packet,
) -> None:
    rows = two_week(
        sets("Back Squat", 3, reps=5, percentage=75)
        + sets("Dumbbell Romanian Deadlift", 2, reps=8, absolute_weight=60, sort_order=2)
        + sets("Plank", 1, reps=30, rep_type="seconds", absolute_weight=0, sort_order=3)
    )
    result = enforce(catalog(rows), fran, request())
    assert result.errors == []
    assert result.replaced == {"Back Squat": "Goblet Squat"}
    squat = rows_of(result.catalog, "Goblet Squat")
    hinge = rows_of(result.catalog, "Dumbbell Romanian Deadlift")
    assert len(squat) == len(hinge) == 4  # one set per exercise per session, 4 sessions
    assert all(r["percentage"] is None and r["reps"] == 15 for r in squat)
    assert all(r["absolute_weight"] == 25 and r["reps"] == 15 for r in hinge)
    assert [r["reps"] for r in rows_of(result.catalog, "Plank")] == [30] * 4  # seconds stay
    text = " ".join(result.warnings)
    assert "foundational tier" in text
    assert "reps set to 15–20" in text
    assert "load lowered to 25 lbs" in text


def test_foundational_tier_without_a_foundational_substitute_is_an_error(fran: Packet) -> None:
    rows = two_week(sets("Medicine Ball Chest Pass", 1, reps=15))
    result = enforce(catalog(rows), fran, request())
    assert any(
        "Medicine Ball Chest Pass is not a foundational exercise" in e for e in result.errors
    )


# --- bounds and the percentage unit ---------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"reps": 500}, "reps 500 is outside 1–100 for rep type reps"),
        ({"reps": 0}, "reps 0 is outside 1–100"),
        ({"reps": "five"}, "reps must be a whole number or null"),
        ({"rep_type": "distance", "reps": None}, "reps is null (AMRAP) on a distance set"),
        ({"percentage": 150}, "percentage 150 % is outside 20–110 %"),
        ({"percentage": 12}, "percentage 12 % is outside 20–110 %"),
        ({"percentage": "lots"}, "percentage must be a number or null"),
        ({"target_rpe": 11}, "target RPE 11 is outside 1–10"),
        ({"rep_type": "minutes"}, "rep type 'minutes' is not one of distance, each_side"),
        ({"week": 3}, "week 3 is not within the program's weeks (1–2)"),
        ({"day": "two"}, "day 'two' is not within the program's days (1–2)"),
        ({"absolute_weight": -5, "percentage": None}, "absolute weight -5 is negative"),
        (
            {"absolute_weight": 300, "percentage": None},
            "300 lbs is more than 110 % of the training max (200 lbs)",
        ),
    ],
)
def test_out_of_range_numbers_are_errors_naming_the_set(
    tommy: Packet, change: dict[str, Any], message: str
) -> None:
    rows = two_week(sets("Back Squat", 3, percentage=75))
    rows[1].update(change)
    result = enforce(catalog(rows), tommy, request())
    assert any(", Back Squat set 2: " in e and message in e for e in result.errors), result.errors


def test_an_implausible_absolute_weight_without_a_training_max_is_an_error(alex: Packet) -> None:
    rows = two_week(sets("Front Squat", 3, absolute_weight=2500))
    result = enforce(catalog(rows, audience="adult"), alex, request())
    assert any("2500 lbs is not a plausible load" in e for e in result.errors)


def test_fraction_percentages_are_normalised_with_a_warning(tommy: Packet) -> None:
    rows = two_week(
        sets("Back Squat", 3, percentage=0.75)
        + sets("Bench Press", 3, percentage=0.7, sort_order=2)
    )
    result = enforce(catalog(rows), tommy, request())
    assert result.errors == []
    assert {r["percentage"] for r in rows_of(result.catalog, "Back Squat")} == {75}
    assert {r["percentage"] for r in rows_of(result.catalog, "Bench Press")} == {70}
    assert any("read as fractions" in w and "0.75 → 75 %" in w for w in result.warnings)


def test_whole_percentages_are_never_rescaled(tommy: Packet) -> None:
    rows = two_week(
        sets("Back Squat", 3, percentage=75) + sets("Bench Press", 1, percentage=1, sort_order=2)
    )
    result = enforce(catalog(rows), tommy, request())
    assert {r["percentage"] for r in rows_of(result.catalog, "Back Squat")} == {75}
    assert any("percentage 1 % is outside 20–110 %" in e for e in result.errors)


# --- set counts, days and weeks -------------------------------------------------------------


def test_too_many_sets_of_one_exercise_are_trimmed_to_the_limit(alex: Packet) -> None:
    # 80 %: 24 singles a week at 85 % would be near-maximal work past the weekly cap.
    rows = two_week(sets("Bench Press", 15, reps=1, percentage=80) + CORE)
    result = enforce(catalog(rows, audience="adult"), alex, request())
    assert result.errors == []
    kept = [r for r in rows_of(result.catalog, "Bench Press") if (r["week"], r["day"]) == (1, 1)]
    assert [r["set_number"] for r in kept] == list(range(1, LIMITS.max_sets_per_exercise + 1))
    assert any(
        w.startswith("Bench Press: 12 sets left out — at most 12 sets per exercise")
        for w in result.warnings
    )


def test_exercises_beyond_the_requested_maximum_per_day_are_left_out(alex: Packet) -> None:
    day = []
    for order, name in enumerate(
        ["Back Squat", "Bench Press", "Deadlift", "Barbell Row", "Plank", "Push-Up"], start=1
    ):
        day += sets(
            name,
            2,
            reps=5,
            absolute_weight=0 if name in ("Plank", "Push-Up") else 100,
            sort_order=order,
        )
    result = enforce(
        catalog(two_week(day), audience="adult"), alex, request(max_exercises_per_day=4)
    )
    assert names(result.catalog) == {"Back Squat", "Bench Press", "Deadlift", "Barbell Row"}
    # Said once: under "Left out" (below), not also as a warning.
    assert not any("left out" in w for w in result.warnings)
    # What was left out is kept, sets and all, so the preview can offer to add it back.
    left_out = [(d["week"], d["day"], d["exercise"], len(d["sets"])) for d in result.dropped]
    assert (1, 1, "Plank", 2) in left_out
    assert (1, 1, "Push-Up", 2) in left_out
    assert all(d["reason"] == "at most 4 exercises a day (the request)" for d in result.dropped)


def test_weeks_and_days_must_equal_the_request(tommy: Packet) -> None:
    rows = two_week(sets("Back Squat", 3, percentage=75))
    result = enforce(
        catalog(rows, num_weeks=3, num_days=2), tommy, request(weeks=2, days_per_week=3)
    )
    assert any("3 weeks; the coach asked for 2" in e for e in result.errors)
    assert any("2 days a week; the coach asked for 3" in e for e in result.errors)


def test_every_requested_session_needs_sets(tommy: Packet) -> None:
    rows = sets("Back Squat", 3, percentage=75) + sets("Bench Press", 3, percentage=70, day=2)
    result = enforce(catalog(rows), tommy, request())
    assert "2 session(s) of the requested 2 weeks × 2 days have no sets: W2D1, W2D2." in (
        result.errors
    )


def test_name_loop_and_audience_follow_the_request_and_the_athlete(tommy: Packet) -> None:
    rows = two_week(sets("Back Squat", 3, percentage=75))
    result = enforce(
        catalog(rows, name="Something else", is_loop=True, audience="adult"),
        tommy,
        request(program_name="Block 2"),
    )
    program = result.catalog["programs"][0]
    assert (program["name"], program["is_loop"], program["audience"]) == ("Block 2", False, "youth")


def test_set_numbers_restart_per_exercise_and_day(alex: Packet) -> None:
    rows = two_week(
        sets("Back Squat", 3, percentage=75) + sets("Bench Press", 3, percentage=70, sort_order=2)
    )
    for n, row in enumerate(rows, start=1):
        row["set_number"] = n  # numbered straight through, as models sometimes do
    result = enforce(catalog(rows, audience="adult"), alex, request())
    for name in ("Back Squat", "Bench Press"):
        week1 = [
            r["set_number"]
            for r in rows_of(result.catalog, name)
            if (r["week"], r["day"]) == (1, 1)
        ]
        assert week1 == [1, 2, 3]


def test_progression_rules_follow_swaps_and_lose_exercises_not_in_the_program(
    sarah: Packet,
) -> None:
    rows = two_week(sets("Back Squat", 3, reps=8, absolute_weight=40))
    draft = catalog(
        rows,
        progression_rules=[
            {"exercise": "Back Squat", "increment": 5},
            {"exercise": "Deadlift", "increment": 10},
        ],
    )
    result = enforce(draft, sarah, request())
    assert result.catalog["programs"][0]["progression_rules"] == [
        {"exercise": "Goblet Squat", "increment": 5}
    ]
    assert any("Progression rule for Deadlift dropped" in w for w in result.warnings)


# --- injury flags ---------------------------------------------------------------------------


def test_a_high_risk_exercise_for_a_flagged_knee_is_swapped_for_a_safe_one(tommy: Packet) -> None:
    assert [f.body_parts for f in tommy.notes.health_flags] == [["knee"]]
    rows = two_week(
        sets("Box Jump", 3, reps=5, absolute_weight=0)
        + sets("Walking Lunge", 2, reps=8, rep_type="each_side", absolute_weight=0, sort_order=2)
        + sets("Back Squat", 3, percentage=75, sort_order=3)
    )
    result = enforce(catalog(rows), tommy, request())
    assert result.errors == []
    assert result.replaced["Box Jump"] == "Medicine Ball Chest Pass"
    assert result.replaced["Walking Lunge"] == "Step-Up"
    swap = next(w for w in result.warnings if w.startswith("Box Jump replaced by"))
    assert "“jump” loads the knee" in swap
    assert KNEE_NOTE[:40] in swap
    # A squat has no knee-sparing squat to swap to: it stays, with a warning on its rows.
    assert "Back Squat" in names(result.catalog)
    assert any(
        w.startswith("Back Squat loads the knee — pinned coach note") for w in result.warnings
    )


def test_a_lift_loaded_from_its_training_max_is_not_swapped_for_one_without(
    world: World,
) -> None:
    TrainingMaxFactory(
        athlete=world.alex, exercise=world.exercises["Walking Lunge"], weight=Decimal(100)
    )
    AthleteNoteFactory(athlete=world.alex, content="Right knee pain on the stairs.")
    packet = build_packet(world.alex)
    rows = two_week(
        sets("Walking Lunge", 3, reps=8, percentage=70)
        + sets("Box Jump", 3, reps=5, absolute_weight=0, sort_order=2)
    )
    result = enforce(catalog(rows, audience="adult"), packet, request())
    assert result.errors == []
    # Step-Up would spare the knee, but without a TM the 70 % sets would lose their load.
    assert result.replaced == {"Box Jump": "Medicine Ball Chest Pass"}
    assert any(w.startswith("Walking Lunge loads the knee") for w in result.warnings)
    assert {r["percentage"] for r in rows_of(result.catalog, "Walking Lunge")} == {70}


def test_a_rule_follows_a_name_that_was_mapped_and_then_swapped(tommy: Packet) -> None:
    rows = two_week(sets("Box Jumps", 3, reps=5, absolute_weight=0))
    draft = catalog(rows, progression_rules=[{"exercise": "Box Jumps", "increment": 0}])
    result = enforce(draft, tommy, request())
    assert result.replaced == {
        "Box Jumps": "Medicine Ball Chest Pass",
        "Box Jump": ("Medicine Ball Chest Pass"),
    }
    assert result.catalog["programs"][0]["progression_rules"] == [
        {"exercise": "Medicine Ball Chest Pass", "increment": 0}
    ]


def test_without_a_safe_substitute_the_exercise_stays_with_a_warning(world: World) -> None:
    AthleteNoteFactory(athlete=world.sarah, content="Her right knee hurts on stairs.")
    packet = build_packet(world.sarah)
    # Sarah has no plyo box; her only plyometric is the chest pass, and her lunges all lunge.
    rows = two_week(sets("Reverse Lunge", 2, reps=8, rep_type="each_side", absolute_weight=0))
    result = enforce(catalog(rows), packet, request())
    assert names(result.catalog) == {"Reverse Lunge"}
    assert any(w.startswith("Reverse Lunge loads the knee") for w in result.warnings)


def test_an_athlete_without_health_flags_gets_no_injury_warnings(alex: Packet) -> None:
    rows = two_week(sets("Box Jump", 3, reps=5, absolute_weight=0))
    result = enforce(catalog(rows, audience="adult"), alex, request())
    assert result.replaced == {}
    assert not any("loads the" in w for w in result.warnings)


def test_the_injury_map_covers_every_body_part_the_packet_flags() -> None:
    from athletes import stats

    flaggable = set(stats.BODY_PARTS) | set(getattr(stats, "SPECIFIC_PARTS", {}))
    assert flaggable <= set(INJURY_MAP)
    assert high_risk_for("Depth Jumps", "knee") == "jump"
    assert high_risk_for("Back Squat", "knee") is None
    assert loads_part("Back Squat", "squat", "knee")
    assert not loads_part("Medicine Ball Chest Pass", "plyometric", "knee")
    assert guess_pattern("Safety Bar Split Squat") == "lunge"
    assert guess_pattern("Landmine Row") == "horizontal_pull"


# --- malformed drafts -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("draft", "message"),
    [
        ("not a dict", "The draft is not a CatalogJSON document."),
        ({"type": "catalog"}, "The draft holds no program."),
        ({"programs": [{"prescribed_sets": "x"}]}, "prescribed_sets must be a list of sets"),
        ({"programs": [{"prescribed_sets": []}]}, "The program has no sets."),
    ],
)
def test_a_malformed_draft_is_an_error_not_an_exception(
    tommy: Packet, draft: Any, message: str
) -> None:
    result = enforce(draft, tommy, request())
    assert any(message in e for e in result.errors)


def test_enforce_reads_the_catalog_and_training_maxes_in_a_bounded_number_of_queries(
    tommy: Packet, django_assert_max_num_queries: Any
) -> None:
    big = []
    for week in (1, 2):
        for day in (1, 2):
            big += sets("Back Squat", 5, week=week, day=day, percentage=75)
            big += sets("Bench Press", 5, week=week, day=day, percentage=70, sort_order=2)
    with django_assert_max_num_queries(5):
        enforce(catalog(big), tommy, request())


_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["Back Squat", "Box Jump", "reps", "seconds", "distance", "Unknown Lift"]),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
_ROW = st.dictionaries(
    st.sampled_from(
        ["exercise", "week", "day", "set_number", "reps", "rep_type", "percentage",
         "absolute_weight", "sort_order", "notes", "target_rpe"]
    ),
    _VALUES,
)  # fmt: skip


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=st.lists(_ROW, max_size=8), shape=_VALUES)
def test_garbage_never_raises_and_never_passes_silently(
    tommy: Packet, rows: list[dict[str, Any]], shape: Any
) -> None:
    result = enforce(catalog(rows, num_weeks=shape), tommy, request())
    if result.errors:
        return
    # Whatever passed holds only what the rules allow.
    for row in all_rows(result.catalog):
        assert row["exercise"] in {
            n for t in tommy.catalog.available.values() for ns in t.values() for n in ns
        }
        if row.get("percentage") is not None:
            assert 20 <= row["percentage"] <= 110


_FIELDS = st.sampled_from(
    ["exercise", "week", "day", "set_number", "reps", "rep_type", "percentage",
     "absolute_weight", "sort_order", "target_rpe"]
)  # fmt: skip


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(changes=st.lists(st.tuples(st.integers(0, 19), _FIELDS, _VALUES), max_size=4))
def test_near_valid_drafts_pass_only_within_the_rules(
    tommy: Packet, changes: list[tuple[int, str, Any]]
) -> None:
    rows = two_week(
        sets("Back Squat", 3, percentage=75) + sets("Box Jump", 2, absolute_weight=0, sort_order=2)
    )
    for index, field, value in changes:
        rows[index][field] = value
    result = enforce(catalog(rows), tommy, request())
    if result.errors:
        return
    available = {n for t in tommy.catalog.available.values() for ns in t.values() for n in ns}
    for row in all_rows(result.catalog):
        assert row["exercise"] in available
        assert row["exercise"] != "Box Jump"  # Tommy's knee: swapped for a safe plyometric
        if row.get("percentage") is not None:
            assert 20 <= row["percentage"] <= 110
        low, high = LIMITS.rep_bounds(row.get("rep_type") or "reps")
        assert row["reps"] is None or low <= row["reps"] <= high
        assert row["week"] in (1, 2)
        assert row["day"] in (1, 2)
