"""The seed catalog file (programs/seed/catalog.json): valid CatalogJSON 1.1, rich enough for the
generator to substitute like for like, and loaded exactly as written."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from decimal import Decimal
from typing import Any

import pytest

from programs.catalog.parse import parse_catalog
from programs.catalog.seed import SEED_PATH, seed_catalog_load
from programs.models import (
    Equipment,
    Exercise,
    ExerciseEquipment,
    MovementPattern,
    PrescribedSet,
    ProgramTemplate,
    ProgressionRule,
)

SERIES = [f"Sport Performance — Month {m}" for m in (1, 2, 3)]
HOME_SETUPS = {
    "dumbbells only": {"dumbbells"},
    "kettlebell only": {"kettlebell"},
    "bands only": {"resistance bands"},
    "bodyweight": set(),
}


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SEED_PATH.read_text(encoding="utf-8"))
    return data


def _exercises(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["name"].lower(): e for e in doc["exercises"]}


def _program(doc: dict[str, Any], name: str) -> dict[str, Any]:
    return next(p for p in doc["programs"] if p["name"] == name)


def _can_do(exercise: dict[str, Any], owned: set[str]) -> bool:
    return all(q["optional"] or q["name"].lower() in owned for q in exercise["equipment"])


def test_seed_file_parses_with_the_catalog_pipeline_without_errors() -> None:
    result = parse_catalog(SEED_PATH.read_bytes())

    assert result.ok, [str(i) for i in result.errors]
    assert result.errors == []
    # The only acceptable warning: a catalog declares exercises no program uses.
    assert all("not used by any program" in str(w) for w in result.warnings)


def test_seed_file_is_catalogjson_1_1_with_the_required_breadth(doc: dict[str, Any]) -> None:
    assert doc["type"] == "catalog"
    assert doc["version"] == "1.1"
    assert len(doc["equipment"]) >= 20
    assert len(doc["exercises"]) >= 120
    assert len(doc["programs"]) >= 8
    featured = [e["name"] for e in doc["exercises"] if e["featured"]]
    assert 10 <= len(featured) <= 20


def test_names_are_unique_and_aliases_never_shadow_another_exercise(doc: dict[str, Any]) -> None:
    for section in ("equipment", "exercises", "programs"):
        names = Counter(item["name"].lower() for item in doc[section])
        assert [n for n, c in names.items() if c > 1] == [], section
    names = set(_exercises(doc))
    owner: dict[str, str] = {}
    for e in doc["exercises"]:
        for alias in e["aliases"]:
            key = alias.lower()
            assert key not in names, f"alias {alias!r} of {e['name']} is an exercise name"
            assert owner.setdefault(key, e["name"]) == e["name"], f"alias {alias!r} used twice"


def test_every_exercise_has_form_notes_a_valid_pattern_and_known_equipment(
    doc: dict[str, Any],
) -> None:
    equipment = {q["name"].lower() for q in doc["equipment"]}
    valid = set(MovementPattern.values)
    for e in doc["exercises"]:
        assert len(e["form_notes"] or "") >= 40, e["name"]
        assert e["movement_pattern"] is None or e["movement_pattern"] in valid, e["name"]
        assert e["tier"] in (None, "foundational", "intermediate", "sport_performance")
        assert e["demo_url"] is None
        for link in e["equipment"]:
            assert link["name"].lower() in equipment, f"{e['name']}: {link['name']}"
    used = {e["movement_pattern"] for e in doc["exercises"]}
    assert valid <= used, f"patterns without an exercise: {valid - used}"


def test_well_known_aliases_resolve_to_the_right_exercise(doc: dict[str, Any]) -> None:
    by_alias = {a.lower(): e["name"] for e in doc["exercises"] for a in e["aliases"]}

    assert by_alias["rdl"] == "Romanian Deadlift"
    assert by_alias["db bench"] == "Dumbbell Bench Press"
    assert by_alias["flat dumbbell press"] == "Dumbbell Bench Press"
    assert by_alias["bb back squat"] == "Back Squat"
    assert by_alias["ohp"] == "Overhead Press"


def test_every_barbell_pattern_has_home_alternatives(doc: dict[str, Any]) -> None:
    # The generator substitutes by movement pattern for athletes without a barbell.
    barbell_patterns = {
        e["movement_pattern"]
        for e in doc["exercises"]
        if e["movement_pattern"]
        and any(q["name"] == "Barbell" and not q["optional"] for q in e["equipment"])
    }
    assert {"squat", "hinge", "horizontal_push", "vertical_push", "olympic"} <= barbell_patterns
    for pattern in barbell_patterns:
        for setup, owned in HOME_SETUPS.items():
            options = [
                e["name"]
                for e in doc["exercises"]
                if e["movement_pattern"] == pattern and _can_do(e, owned)
            ]
            assert options, f"no {pattern} exercise for {setup}"


def test_every_prescribed_set_follows_the_format_rules(doc: dict[str, Any]) -> None:
    exercises = _exercises(doc)
    for program in doc["programs"]:
        weeks, days = program["num_weeks"], program["num_days"]
        assert 1 <= days <= 7
        seen: set[tuple[int, int, str, int]] = set()
        numbers: dict[tuple[int, int, str], list[int]] = defaultdict(list)
        orders: dict[tuple[int, int, str], set[int]] = defaultdict(set)
        sessions = set()
        for s in program["prescribed_sets"]:
            where = f"{program['name']} W{s['week']}D{s['day']} {s['exercise']}"
            assert s["exercise"].lower() in exercises, where
            assert 1 <= s["week"] <= weeks, where
            assert 1 <= s["day"] <= days, where
            key = (s["week"], s["day"], s["exercise"].lower(), s["set_number"])
            assert key not in seen, f"{where}: duplicate set {s['set_number']}"
            seen.add(key)
            numbers[key[:3]].append(s["set_number"])
            orders[key[:3]].add(s["sort_order"])
            sessions.add((s["week"], s["day"]))
            assert s["reps"] is None or s["reps"] >= 1, where
            if s["reps"] is None:
                assert "AMRAP" in (s["notes"] or ""), where
            assert s["rep_type"] in ("reps", "each_side", "seconds", "distance"), where
            if s["percentage"] is not None:
                assert isinstance(s["percentage"], int), f"{where}: whole percent"
                assert 20 <= s["percentage"] <= 110, where
                assert s["absolute_weight"] is None, where
            assert s["target_rpe"] is None or 1 <= s["target_rpe"] <= 10, where
        for key, nums in numbers.items():
            assert sorted(nums) == list(range(1, len(nums) + 1)), f"{program['name']} {key}"
        for key, order in orders.items():
            assert len(order) == 1, f"{program['name']} {key}: one sort order per exercise"
        assert sessions == {(w, d) for w in range(1, weeks + 1) for d in range(1, days + 1)}
        assert sorted(w["week"] for w in program["weeks"]) == list(range(1, weeks + 1))
        rules = [r["exercise"].lower() for r in program["progression_rules"]]
        assert len(rules) == len(set(rules)), program["name"]
        assert all(r in exercises for r in rules), program["name"]


def test_templates_span_adult_strength_youth_series_and_conditioning(doc: dict[str, Any]) -> None:
    names = {p["name"] for p in doc["programs"]}
    assert {
        "5/3/1 Strength — 4-Week Loop",
        "Linear Progression 3×5 — 3 Day",
        "GZCL T1/T2/T3 — 4 Day",
        "Youth Foundations 1×20",
        "Youth Foundations 1×15",
        "Conditioning Circuit — 3 Day",
        *SERIES,
    } <= names

    five = _program(doc, "5/3/1 Strength — 4-Week Loop")
    week1_press = [
        s
        for s in five["prescribed_sets"]
        if s["week"] == 1 and s["day"] == 1 and s["exercise"] == "Overhead Press"
    ]
    assert [s["percentage"] for s in week1_press[:3]] == [65, 75, 85]
    assert week1_press[2]["reps"] is None
    assert week1_press[2]["notes"] == "AMRAP"
    assert five["is_loop"] is True
    assert five["audience"] == "adult"

    circuit = _program(doc, "Conditioning Circuit — 3 Day")
    assert {"seconds", "distance"} <= {s["rep_type"] for s in circuit["prescribed_sets"]}


def test_youth_foundations_use_only_foundational_exercises_and_no_percentages(
    doc: dict[str, Any],
) -> None:
    exercises = _exercises(doc)
    for name, reps in (("Youth Foundations 1×20", 20), ("Youth Foundations 1×15", 15)):
        program = _program(doc, name)
        assert program["audience"] == "youth"
        assert program["progression_rules"] == []
        for s in program["prescribed_sets"]:
            assert s["percentage"] is None
            assert exercises[s["exercise"].lower()]["tier"] == "foundational", s["exercise"]
            assert s["absolute_weight"] is None or s["absolute_weight"] <= 20
        assert Counter(s["reps"] for s in program["prescribed_sets"]).most_common(1)[0][0] == reps


def test_sport_performance_series_is_three_fixed_four_day_months_with_deloads(
    doc: dict[str, Any],
) -> None:
    main_lifts = {"Back Squat", "Bench Press", "Power Clean", "Trap Bar Deadlift"}
    for name in SERIES:
        program = _program(doc, name)
        assert (program["num_weeks"], program["num_days"]) == (4, 4)
        assert program["is_loop"] is False
        assert program["audience"] == "youth"
        assert [w["week_type"] for w in program["weeks"]][-1] == "recovery"
        assert {r["exercise"] for r in program["progression_rules"]} == main_lifts
        loaded = {s["exercise"] for s in program["prescribed_sets"] if s["percentage"]}
        assert loaded == main_lifts
        assert any(
            s["target_rpe"] for s in program["prescribed_sets"] if s["exercise"] in main_lifts
        )
        top = defaultdict(int)
        for s in program["prescribed_sets"]:
            if s["exercise"] == "Back Squat":
                top[s["week"]] = max(top[s["week"]], s["percentage"])
        assert top[4] < min(top[1], top[2], top[3]), f"{name}: week 4 is a deload"


@pytest.mark.django_db
def test_loading_the_seed_creates_exactly_what_the_file_holds(doc: dict[str, Any]) -> None:
    result = seed_catalog_load()

    assert result is not None
    assert Equipment.objects.count() == len(doc["equipment"])
    assert Exercise.objects.count() == len(doc["exercises"])
    assert ProgramTemplate.objects.filter(owner__isnull=True).count() == len(doc["programs"])
    assert PrescribedSet.objects.count() == sum(len(p["prescribed_sets"]) for p in doc["programs"])
    assert ProgressionRule.objects.count() == sum(
        len(p["progression_rules"]) for p in doc["programs"]
    )
    assert ExerciseEquipment.objects.count() == sum(len(e["equipment"]) for e in doc["exercises"])

    goblet = Exercise.objects.get(name="Goblet Squat")
    assert goblet.movement_pattern == MovementPattern.SQUAT
    assert "DB Goblet Squat" in goblet.aliases
    month3 = ProgramTemplate.objects.get(name=SERIES[2])
    assert month3.audience == "youth"
    assert not month3.is_loop
    assert [w["week_type"] for w in month3.weeks] == ["build", "peak", "peak", "recovery"]
    ramp = PrescribedSet.objects.filter(
        template=month3, week=1, day=1, exercise__name="Back Squat"
    ).order_by("set_number")
    assert [s.percentage for s in ramp] == [Decimal(72), Decimal(78), Decimal(84)]


@pytest.mark.django_db
def test_loading_the_seed_again_changes_nothing() -> None:
    seed_catalog_load()
    before = (Exercise.objects.count(), PrescribedSet.objects.count())

    assert seed_catalog_load() is None
    assert (Exercise.objects.count(), PrescribedSet.objects.count()) == before
