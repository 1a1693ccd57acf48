"""Muscle groups on exercises: seed catalog, CatalogJSON parse, import and export."""

from __future__ import annotations

import json

from programs.catalog.parse import parse_catalog
from programs.catalog.seed import SEED_PATH
from programs.models import Exercise, MovementPattern
from programs.services import catalog_import

LOADED = {
    MovementPattern.SQUAT,
    MovementPattern.HINGE,
    MovementPattern.LUNGE,
    MovementPattern.HORIZONTAL_PUSH,
    MovementPattern.VERTICAL_PUSH,
    MovementPattern.HORIZONTAL_PULL,
    MovementPattern.VERTICAL_PULL,
}


def doc(**exercise: object) -> dict[str, object]:
    return {"type": "catalog", "version": "1.1", "exercises": [{"name": "Lift", **exercise}]}


def test_every_loaded_seed_exercise_has_a_primary_group() -> None:
    seed = json.loads(SEED_PATH.read_text())
    missing = [
        e["name"]
        for e in seed["exercises"]
        if e.get("movement_pattern") in LOADED and not e.get("primary_muscles")
    ]
    assert missing == []
    squat = next(e for e in seed["exercises"] if e["name"] == "Back Squat")
    assert squat["primary_muscles"] == ["quads"]


def test_an_unknown_muscle_group_is_an_error_naming_where() -> None:
    errors = [str(e) for e in parse_catalog(doc(primary_muscles=["quadz"])).errors]
    assert len(errors) == 1
    assert errors[0].startswith("exercises[0].primary_muscles[0]: must be one of 'quads'")
    assert "got the text 'quadz'" in errors[0]


def test_a_go_file_without_muscles_still_parses() -> None:
    result = parse_catalog(doc())
    assert result.ok
    assert result.catalog is not None
    assert list(result.catalog.exercises[0].primary_muscles) == []


def test_import_stores_the_groups(db: None) -> None:
    parsed = parse_catalog(doc(primary_muscles=["chest"], secondary_muscles=["triceps"]))
    assert parsed.catalog is not None
    from programs.catalog.matching import propose_mapping

    catalog_import(catalog=parsed.catalog, mapping=propose_mapping(parsed.catalog).decide())
    lift = Exercise.objects.get(name="Lift")
    assert (lift.primary_muscles, lift.secondary_muscles) == (["chest"], ["triceps"])
