"""Export (lossless, Go-readable) and the round trip, plus a real Go RepLog 1.0 file."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from programs.catalog.export import catalog_export, dumps
from programs.catalog.matching import propose_mapping
from programs.catalog.parse import parse_catalog
from programs.models import Exercise, PrescribedSet, ProgramTemplate, ProgressionRule
from programs.services import catalog_import
from tests.factories import ProgramTemplateFactory
from tests.programs.factories_catalog import catalog, exercise, program, pset

pytestmark = pytest.mark.django_db

GO_FILE = Path(__file__).parent / "data" / "go_replog_export.json"


def import_doc(doc: dict[str, Any], **kwargs: Any) -> Any:
    parsed = parse_catalog(doc)
    assert parsed.catalog is not None, parsed.errors
    decisions = propose_mapping(parsed.catalog).decide(**kwargs)
    assert decisions.complete, decisions.unresolved
    return catalog_import(catalog=parsed.catalog, mapping=decisions)


RICH = catalog(
    equipment=[{"name": "Barbell", "description": "20 kg"}, {"name": "Band", "description": None}],
    exercises=[
        exercise(
            "Back Squat",
            [("Barbell", False), ("Band", True)],
            tier="sport_performance",
            form_notes="Brace",
            demo_url="https://example.org/v",
            rest_seconds=150,
            featured=True,
            aliases=["Squat", "BB Squat"],
            movement_pattern="squat",
            primary_muscles=["quads"],
            secondary_muscles=["glutes", "lower_back"],
        ),
        exercise("Plank", movement_pattern="core"),
    ],
    programs=[
        program(
            "Block B",
            num_weeks=2,
            num_days=2,
            is_loop=True,
            audience="youth",
            description="Two weeks",
            weeks=[
                {"week": 1, "week_type": "build", "coach_notes": "go"},
                {"week": 2, "week_type": "taper"},
            ],
            sets=[
                pset("Back Squat", 1, 1, 1, 5, percentage=72.5, target_rpe=7.5),
                pset("Back Squat", 1, 1, 2, None, percentage=80, notes="AMRAP"),
                pset("Plank", 1, 2, 1, 30, rep_type="seconds", absolute_weight=0, sort_order=2),
                pset("Back Squat", 2, 1, 1, 3, percentage=85, absolute_weight=100),
                pset("Plank", 2, 2, 1, 400, rep_type="distance", sort_order=-1),
            ],
            rules=[{"exercise": "Back Squat", "increment": 2.5}],
        ),
        program("Adult Basics", audience=None, sets=[pset("Plank", reps=8, rep_type="each_side")]),
    ],
)


def test_export_writes_version_1_1_with_every_field() -> None:
    import_doc(RICH)
    out = catalog_export(now=dt.datetime(2026, 3, 1, 12, 30, 5, 123, tzinfo=dt.UTC))
    assert (out["type"], out["version"], out["exported_at"]) == (
        "catalog",
        "1.1",
        "2026-03-01T12:30:05Z",
    )
    squat = out["exercises"][0]
    assert squat == {
        "name": "Back Squat",
        "tier": "sport_performance",
        "form_notes": "Brace",
        "demo_url": "https://example.org/v",
        "rest_seconds": 150,
        "featured": True,
        "equipment": [{"name": "Band", "optional": True}, {"name": "Barbell", "optional": False}],
        "aliases": ["Squat", "BB Squat"],
        "movement_pattern": "squat",
        "primary_muscles": ["quads"],
        "secondary_muscles": ["glutes", "lower_back"],
    }
    block = next(p for p in out["programs"] if p["name"] == "Block B")
    assert block["audience"] == "youth"
    assert block["weeks"] == [
        {"week": 1, "week_type": "build", "coach_notes": "go"},
        {"week": 2, "week_type": "taper", "coach_notes": None},
    ]
    first = block["prescribed_sets"][0]
    assert first == {
        "exercise": "Back Squat",
        "week": 1,
        "day": 1,
        "set_number": 1,
        "reps": 5,
        "rep_type": "reps",
        "percentage": 72.5,
        "absolute_weight": None,
        "sort_order": 1,
        "notes": None,
        "target_rpe": 7.5,
    }
    assert block["progression_rules"] == [{"exercise": "Back Squat", "increment": 2.5}]


def test_integral_decimals_are_written_as_json_integers() -> None:
    import_doc(RICH)
    text = dumps(catalog_export())
    assert '"percentage": 80,' in text
    assert '"percentage": 80.0' not in text
    assert '"absolute_weight": 0,' in text
    assert '"increment": 2.5' in text


def test_export_import_export_gives_the_same_document() -> None:
    import_doc(RICH)
    first = catalog_export()
    for model in (PrescribedSet, ProgressionRule, ProgramTemplate, Exercise):
        model.objects.all().delete()
    from programs.models import Equipment

    Equipment.objects.all().delete()
    import_doc(json.loads(dumps(first)))
    second = catalog_export()
    first.pop("exported_at")
    second.pop("exported_at")
    assert second == first


def test_one_program_exports_with_only_what_it_uses_and_imports_into_an_empty_database() -> None:
    import_doc(RICH)
    basics = ProgramTemplate.objects.get(name="Adult Basics")
    out = catalog_export(programs=[basics])
    assert [p["name"] for p in out["programs"]] == ["Adult Basics"]
    assert [e["name"] for e in out["exercises"]] == ["Plank"]
    assert out["equipment"] == []
    assert out["programs"][0]["audience"] is None
    assert parse_catalog(dumps(out)).ok


def test_the_whole_catalog_export_leaves_athletes_programs_out(athlete: Any) -> None:
    import_doc(RICH)
    ProgramTemplateFactory(name="Alex private", owner=athlete)
    names = [p["name"] for p in catalog_export()["programs"]]
    assert names == ["Adult Basics", "Block B"]


def test_export_query_count_does_not_grow_with_the_catalog(
    django_assert_max_num_queries: Any,
) -> None:
    import_doc(RICH)
    with django_assert_max_num_queries(7):
        catalog_export()


# --- a file written by the original Go RepLog -------------------------------------------------


def go_file() -> dict[str, Any]:
    return json.loads(GO_FILE.read_text())


def test_a_go_replog_export_parses_with_its_quirks() -> None:
    raw = GO_FILE.read_bytes()
    result = parse_catalog(raw)
    assert result.ok, result.errors
    assert [str(w) for w in result.warnings] == []  # Go writes only keys of the format
    assert result.data is not None
    greyskull = result.data["programs"][2]
    assert greyskull["audience"] is None  # absent in older Go exports
    assert result.data["exercises"][8]["equipment"] == []  # Go wrote null


def test_a_go_replog_export_imports_every_set_of_every_program() -> None:
    doc = go_file()
    result = import_doc(doc)
    assert result.programs_created == len(doc["programs"]) == ProgramTemplate.objects.count()
    assert result.exercises_created == len(doc["exercises"]) == Exercise.objects.count()
    for program_doc in doc["programs"]:
        template = ProgramTemplate.objects.get(name=program_doc["name"])
        assert template.sets.count() == len(program_doc["prescribed_sets"])
        assert template.progression_rules.count() == len(program_doc["progression_rules"] or [])
    bbb = ProgramTemplate.objects.get(name="5/3/1 Boring But Big")
    amrap = bbb.sets.get(week=1, day=4, set_number=3, exercise__name="Squat")
    assert (amrap.reps, amrap.percentage, amrap.notes) == (None, 85, "AMRAP (5+/3+/1+)")
    youth = ProgramTemplate.objects.get(name="Youth Foundations")
    assert set(youth.sets.values_list("rep_type", flat=True)) == {
        "reps",
        "each_side",
        "seconds",
        "distance",
    }
    assert Exercise.objects.get(name="Goblet Squat").tier == "foundational"
    assert Exercise.objects.get(name="Squat").tier == ""


def test_our_export_of_a_go_import_keeps_the_go_programs_whole() -> None:
    doc = go_file()
    import_doc(doc)
    out = catalog_export()
    assert sorted(p["name"] for p in out["programs"]) == sorted(p["name"] for p in doc["programs"])
    for program_doc in doc["programs"]:
        ours = next(p for p in out["programs"] if p["name"] == program_doc["name"])
        assert len(ours["prescribed_sets"]) == len(program_doc["prescribed_sets"])
        key = lambda s: (s["week"], s["day"], s["exercise"], s["set_number"])  # noqa: E731
        theirs = {key(s): s for s in program_doc["prescribed_sets"]}
        for st in ours["prescribed_sets"]:
            original = theirs[key(st)]
            for field in (
                "reps",
                "rep_type",
                "percentage",
                "absolute_weight",
                "sort_order",
                "notes",
            ):
                assert st[field] == original[field], (program_doc["name"], key(st), field)
