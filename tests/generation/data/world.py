"""A small exercise catalog and four athletes whose data differ where the LLM engine's and the
constraint layer's rules differ: equipment, age, tier, training maxes, a knee note.

    world = build_world()
    packet = build_packet(world.tommy)
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from athletes import models as am
from generation.engines.base import GenerationRequest
from programs import models as pm
from tests.factories import (
    AthleteEquipmentFactory,
    AthleteFactory,
    AthleteNoteFactory,
    EquipmentFactory,
    ExerciseEquipmentFactory,
    ExerciseFactory,
    TrainingMaxFactory,
)

DATA = Path(__file__).parent
KNEE_NOTE = "Left knee sore after the jumps on Friday — keep an eye on it."
TM_DATE = dt.date(2025, 1, 6)

# name, movement pattern, tier, required equipment, aliases
EXERCISES: tuple[tuple[str, str, str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("Back Squat", "squat", "", ("Barbell", "Squat Rack"), ("BB Back Squat",)),
    ("Front Squat", "squat", "", ("Barbell", "Squat Rack"), ()),
    ("Goblet Squat", "squat", "foundational", ("Dumbbells",), ("DB Goblet Squat",)),
    ("Bodyweight Squat", "squat", "foundational", (), ("Air Squat",)),
    ("Bench Press", "horizontal_push", "", ("Barbell", "Squat Rack"), ()),
    ("Dumbbell Bench Press", "horizontal_push", "", ("Dumbbells",), ("DB Bench",)),
    ("Push-Up", "horizontal_push", "foundational", (), ()),
    ("Deadlift", "hinge", "", ("Barbell",), ()),
    ("Dumbbell Romanian Deadlift", "hinge", "foundational", ("Dumbbells",), ("DB RDL",)),
    ("Kettlebell Swing", "hinge", "", ("Kettlebell",), ()),
    ("Glute Bridge", "hinge", "foundational", (), ()),
    ("Power Clean", "olympic", "sport_performance", ("Barbell",), ()),
    ("Dumbbell Power Clean", "olympic", "sport_performance", ("Dumbbells",), ()),
    ("Box Jump", "plyometric", "sport_performance", ("Plyo Box",), ()),
    ("Medicine Ball Chest Pass", "plyometric", "sport_performance", (), ()),
    ("Walking Lunge", "lunge", "", (), ()),
    ("Reverse Lunge", "lunge", "foundational", (), ()),
    ("Step-Up", "lunge", "foundational", ("Plyo Box",), ()),
    ("Plank", "core", "foundational", (), ()),
    ("One-Arm Dumbbell Row", "horizontal_pull", "foundational", ("Dumbbells",), ()),
    ("Barbell Row", "horizontal_pull", "", ("Barbell",), ()),
    ("Band Row", "horizontal_pull", "foundational", ("Resistance Bands",), ()),
    ("Trap Bar Carry", "carry", "", ("Trap Bar",), ()),
)
EQUIPMENT = (
    "Barbell",
    "Squat Rack",
    "Dumbbells",
    "Kettlebell",
    "Plyo Box",
    "Resistance Bands",
    "Trap Bar",
)


@dataclass
class World:
    tommy: am.Athlete  # youth, sport performance, barbell + rack + box + dumbbells, TMs, knee note
    sarah: am.Athlete  # youth, home gym: dumbbells, kettlebell, bands; no TMs
    alex: am.Athlete  # adult, everything but a trap bar, TMs
    fran: am.Athlete  # youth, foundational tier, dumbbells and bands
    exercises: dict[str, pm.Exercise]


def build_world() -> World:
    equipment = {name: EquipmentFactory(name=name) for name in EQUIPMENT}
    exercises: dict[str, pm.Exercise] = {}
    for name, pattern, tier, needs, aliases in EXERCISES:
        ex = ExerciseFactory(name=name, movement_pattern=pattern, tier=tier, aliases=list(aliases))
        for item in needs:
            ExerciseEquipmentFactory(exercise=ex, equipment=equipment[item])
        exercises[name] = ex

    # One coach with no usable password: hashing one (PBKDF2) costs a second per user.
    coach = am.User.objects.create(username="world-coach", role=am.Role.COACH)

    def athlete(name: str, born: dt.date, tier: str, owns: tuple[str, ...]) -> am.Athlete:
        a = AthleteFactory(name=name, date_of_birth=born, tier=tier, coach=coach)
        for item in owns:
            AthleteEquipmentFactory(athlete=a, equipment=equipment[item])
        return a

    tommy = athlete(
        "Tommy Test",
        dt.date(2010, 5, 1),
        "sport_performance",
        ("Barbell", "Squat Rack", "Plyo Box", "Dumbbells"),
    )
    sarah = athlete(
        "Sarah Test",
        dt.date(2012, 3, 1),
        "sport_performance",
        ("Dumbbells", "Kettlebell", "Resistance Bands"),
    )
    alex = athlete(
        "Alex Adult",
        dt.date(1990, 1, 1),
        "none",
        ("Barbell", "Squat Rack", "Plyo Box", "Dumbbells", "Kettlebell", "Resistance Bands"),
    )
    fran = athlete(
        "Fran First", dt.date(2014, 9, 1), "foundational", ("Dumbbells", "Resistance Bands")
    )
    for who, lifts in (
        (tommy, {"Back Squat": 200, "Bench Press": 135, "Power Clean": 135}),
        (alex, {"Back Squat": 315, "Bench Press": 225, "Deadlift": 405}),
    ):
        for lift, weight in lifts.items():
            TrainingMaxFactory(
                athlete=who,
                exercise=exercises[lift],
                weight=Decimal(weight),
                effective_date=TM_DATE,
            )
    AthleteNoteFactory(athlete=tommy, content=KNEE_NOTE, is_pinned=True)
    return World(tommy, sarah, alex, fran, exercises)


def request(**overrides: Any) -> GenerationRequest:
    fields: dict[str, Any] = {
        "program_name": "Block 2",
        "days_per_week": 2,
        "weeks": 2,
        "is_loop": False,
        "max_exercises_per_day": 4,
    }
    fields.update(overrides)
    return GenerationRequest(**fields)


def sets(
    exercise: str,
    count: int,
    *,
    reps: int | None = 5,
    week: int = 1,
    day: int = 1,
    percentage: float | None = None,
    absolute_weight: float | None = None,
    rep_type: str = "reps",
    sort_order: int = 1,
    target_rpe: float | None = None,
) -> list[dict[str, Any]]:
    return [
        {
            "exercise": exercise,
            "week": week,
            "day": day,
            "set_number": n,
            "reps": reps,
            "rep_type": rep_type,
            "percentage": percentage,
            "absolute_weight": absolute_weight,
            "sort_order": sort_order,
            "notes": None,
            "target_rpe": target_rpe,
        }
        for n in range(1, count + 1)
    ]


def program(rows: list[dict[str, Any]], **overrides: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": "Block 2",
        "description": "Two weeks of base strength.",
        "num_weeks": 2,
        "num_days": 2,
        "is_loop": False,
        "audience": "youth",
        "prescribed_sets": rows,
        "progression_rules": [],
        "weeks": [],
    }
    out.update(overrides)
    return out


def catalog(rows: list[dict[str, Any]], **overrides: Any) -> dict[str, Any]:
    return {"type": "catalog", "version": "1.1", "programs": [program(rows, **overrides)]}


def recorded(name: str) -> str:
    """A recorded model answer from tests/generation/data/."""
    return (DATA / name).read_text(encoding="utf-8")


def tommy_compact() -> dict[str, Any]:
    """A correct answer for Tommy (2 weeks × 2 days, 34 sets), as the model writes it: the
    compact answer format (generation.engines.draft_schema)."""
    return copy.deepcopy(json.loads(recorded("answer_tommy.json")))


def tommy_answer() -> dict[str, Any]:
    """The same answer with its program expanded to CatalogJSON — {"reasoning", "program"} —
    the draft the constraint tests start from."""
    from generation.engines.draft_schema import DraftAnswer, expand

    compact = tommy_compact()
    expansion = expand(DraftAnswer.model_validate(compact))
    assert not expansion.errors, expansion.errors
    return {"reasoning": compact["reasoning"], "program": expansion.catalog["programs"][0]}


def all_rows(catalog_or_answer: dict[str, Any]) -> list[dict[str, Any]]:
    if "program" in catalog_or_answer:
        return list(catalog_or_answer["program"]["prescribed_sets"])
    return list(catalog_or_answer["programs"][0]["prescribed_sets"])
