"""catalog_import: the one service that writes catalogs — bulk, atomic, global or per athlete."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from athletes.models import AthleteProgram, EndReason
from programs.catalog.matching import Decisions, propose_mapping
from programs.catalog.parse import parse_catalog
from programs.models import (
    Equipment,
    Exercise,
    ExerciseEquipment,
    PrescribedSet,
    ProgramTemplate,
    ProgressionRule,
)
from programs.services import CatalogImportError, catalog_import
from tests.factories import (
    AthleteProgramFactory,
    EquipmentFactory,
    ExerciseFactory,
    ProgramTemplateFactory,
)
from tests.programs.factories_catalog import big_catalog, catalog, exercise, program, pset

pytestmark = pytest.mark.django_db


def decide(doc: dict[str, Any], athlete: Any = None, **kwargs: Any) -> Decisions:
    parsed = parse_catalog(doc)
    assert parsed.catalog is not None, parsed.errors
    return propose_mapping(parsed.catalog, athlete_id=getattr(athlete, "pk", None)).decide(**kwargs)


def counts() -> dict[str, int]:
    return {
        "equipment": Equipment.objects.count(),
        "exercises": Exercise.objects.count(),
        "links": ExerciseEquipment.objects.count(),
        "programs": ProgramTemplate.objects.count(),
        "sets": PrescribedSet.objects.count(),
        "rules": ProgressionRule.objects.count(),
        "assignments": AthleteProgram.objects.count(),
    }


FULL = catalog(
    equipment=[{"name": "Barbell", "description": "20 kg bar"}, {"name": "Kettlebell"}],
    exercises=[
        exercise(
            "Back Squat",
            [("Barbell", False)],
            tier="intermediate",
            form_notes="Brace",
            demo_url="https://example.org/squat",
            rest_seconds=180,
            featured=True,
            aliases=["Squat"],
            movement_pattern="squat",
        ),
        exercise(
            "Goblet Squat", [("Kettlebell", False), ("Barbell", True)], movement_pattern="squat"
        ),
        exercise("Plank", movement_pattern="core"),
    ],
    programs=[
        program(
            "Two-Day Base",
            num_weeks=2,
            num_days=2,
            is_loop=True,
            audience="youth",
            weeks=[{"week": 2, "week_type": "recovery", "coach_notes": "easy"}],
            sets=[
                pset("Back Squat", 1, 1, 1, 5, percentage=70, target_rpe=7),
                pset("Back Squat", 1, 1, 2, 5, percentage=75),
                pset("Back Squat", 1, 1, 3, None, percentage=80, notes="AMRAP"),
                pset("Goblet Squat", 1, 2, 1, 10, absolute_weight=16),
                pset("Plank", 1, 2, 1, 30, rep_type="seconds", absolute_weight=0, sort_order=2),
                pset("Back Squat", 2, 1, 1, 5, percentage=60),
                pset("Plank", 2, 2, 1, 8, rep_type="each_side", sort_order=2),
            ],
            rules=[{"exercise": "Back Squat", "increment": 2.5}],
        )
    ],
)


def test_a_global_import_creates_every_entity_with_every_field() -> None:
    result = catalog_import(catalog=FULL, mapping=decide(FULL))
    assert counts() == {
        "equipment": 2,
        "exercises": 3,
        "links": 3,
        "programs": 1,
        "sets": 7,
        "rules": 1,
        "assignments": 0,
    }
    assert (result.equipment_created, result.exercises_created, result.sets_created) == (2, 3, 7)
    squat = Exercise.objects.get(name="Back Squat")
    assert (
        squat.tier,
        squat.rest_seconds,
        squat.featured,
        squat.aliases,
        squat.movement_pattern,
    ) == (
        "intermediate",
        180,
        True,
        ["Squat"],
        "squat",
    )
    assert squat.demo_url == "https://example.org/squat"
    goblet = Exercise.objects.get(name="Goblet Squat")
    assert {(link.equipment.name, link.optional) for link in goblet.equipment_links.all()} == {
        ("Kettlebell", False),
        ("Barbell", True),
    }
    template = ProgramTemplate.objects.get()
    assert template.owner is None
    assert (template.num_weeks, template.num_days, template.is_loop, template.audience) == (
        2,
        2,
        True,
        "youth",
    )
    assert template.weeks == [{"week": 2, "week_type": "recovery", "coach_notes": "easy"}]
    ramp = list(
        template.sets.filter(week=1, day=1)
        .order_by("set_number")
        .values_list("reps", "percentage", "notes")
    )
    assert ramp == [(5, Decimal("70"), ""), (5, Decimal("75"), ""), (None, Decimal("80"), "AMRAP")]
    assert template.sets.get(exercise__name="Plank", week=2).rep_type == "each_side"
    assert template.progression_rules.get().increment == Decimal("2.5")
    assert result.template_ids == [template.pk]


def test_existing_entities_are_reused_as_they_are() -> None:
    barbell = EquipmentFactory(name="barbell")
    squat = ExerciseFactory(name="back squat", form_notes="ours", movement_pattern="squat")
    result = catalog_import(catalog=FULL, mapping=decide(FULL))
    assert (result.equipment_reused, result.equipment_created) == (1, 1)
    assert (result.exercises_reused, result.exercises_created) == (1, 2)
    squat.refresh_from_db()
    assert squat.form_notes == "ours"  # not overwritten by the file
    assert PrescribedSet.objects.filter(exercise=squat).count() == 4
    assert Equipment.objects.filter(name__iexact="barbell").get() == barbell


def test_referenced_names_can_be_mapped_or_created_bare() -> None:
    squat = ExerciseFactory(name="Back Squat")
    doc = catalog(
        exercises=[], programs=[program(sets=[pset("Back Squats"), pset("Nordic Curl", reps=5)])]
    )
    with pytest.raises(CatalogImportError) as error:
        catalog_import(catalog=doc, mapping=decide(doc))
    assert error.value.messages == [
        "exercise 'Nordic Curl' (used 1×) is not in the catalog: map it to an existing one or "
        "create it"
    ]
    assert counts()["sets"] == 0
    catalog_import(catalog=doc, mapping=decide(doc, create_missing=True))
    nordic = Exercise.objects.get(name="Nordic Curl")
    assert nordic.movement_pattern == ""
    assert nordic.form_notes == ""
    assert set(PrescribedSet.objects.values_list("exercise_id", flat=True)) == {squat.pk, nordic.pk}


def test_importing_a_1000_set_catalog_takes_a_bounded_number_of_queries(
    django_assert_max_num_queries: Any,
) -> None:
    doc = big_catalog(1000)
    decisions = decide(doc)
    parsed = parse_catalog(doc).catalog
    # ~8 queries whatever the size, plus the set INSERTs in batches of the backend's bind
    # parameter limit (SQLite: 999 ÷ 12 columns → 14 batches for 1,000 sets).
    with django_assert_max_num_queries(25):
        result = catalog_import(catalog=parsed, mapping=decisions)
    assert result.sets_created == 1000 == PrescribedSet.objects.count()


def test_a_failure_mid_import_leaves_the_database_unchanged(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ExerciseFactory(name="Back Squat")
    before = counts()
    decisions = decide(FULL)

    def explode(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(PrescribedSet.objects, "bulk_create", explode)
    with pytest.raises(RuntimeError):
        catalog_import(catalog=FULL, mapping=decisions)
    assert counts() == before


def test_a_name_taken_while_the_preview_was_open_fails_cleanly() -> None:
    decisions = decide(FULL)
    ExerciseFactory(name="Goblet Squat")  # someone else created it meanwhile
    before = counts()
    with pytest.raises(CatalogImportError) as error:
        catalog_import(catalog=FULL, mapping=decisions)
    assert "changed while importing" in error.value.messages[0]
    assert counts() == before


def test_a_mapping_to_a_deleted_row_fails_cleanly() -> None:
    squat = ExerciseFactory(name="Back Squat")
    decisions = decide(FULL)
    squat.delete()
    with pytest.raises(CatalogImportError) as error:
        catalog_import(catalog=FULL, mapping=decisions)
    assert error.value.messages == [
        "'back squat' was mapped to a catalog entry that no longer exists"
    ]


def test_an_invalid_catalog_is_refused_by_the_service_itself() -> None:
    bad = catalog(programs=[program(num_weeks=1, sets=[pset(week=3)])])
    with pytest.raises(CatalogImportError) as error:
        catalog_import(catalog=bad, mapping=Decisions())
    assert error.value.messages == [
        "programs[0].prescribed_sets[0].week: 3 is more than num_weeks 1"
    ]
    assert counts()["programs"] == 0


# --- program names ----------------------------------------------------------------------------


def test_a_global_name_clash_must_be_renamed_never_skipped() -> None:
    ProgramTemplateFactory(name="two-day base")
    decisions = decide(FULL)
    assert decisions.unresolved == [
        "program 'Two-Day Base' has the same name as an existing global program: rename it"
    ]
    parsed = parse_catalog(FULL).catalog
    assert parsed is not None
    mp = propose_mapping(parsed)
    assert not mp.programs[0].can_replace
    assert mp.programs[0].suggested_name == "Two-Day Base (2)"
    renamed = mp.decide({"programs": {"0": {"action": "rename", "name": "Two-Day Base v2"}}})
    refused = mp.decide({"programs": {"0": {"action": "replace"}}})
    assert not refused.complete
    catalog_import(catalog=FULL, mapping=renamed)
    assert ProgramTemplate.objects.filter(name="Two-Day Base v2").exists()


def test_rename_to_another_taken_name_is_refused() -> None:
    ProgramTemplateFactory(name="Two-Day Base")
    ProgramTemplateFactory(name="Taken")
    parsed = parse_catalog(FULL).catalog
    assert parsed is not None
    mp = propose_mapping(parsed)
    assert mp.rename_problem(0, "taken") == "'taken' is taken too"
    assert not mp.decide({"programs": {"0": {"action": "rename", "name": "Taken"}}}).complete


# --- for one athlete --------------------------------------------------------------------------


def single_program(name: str = "Alex Block") -> dict[str, Any]:
    return catalog(
        exercises=[exercise("Back Squat")], programs=[program(name, sets=[pset(percentage=75)])]
    )


def test_an_athlete_import_becomes_their_active_primary_program(athlete: Any) -> None:
    old = AthleteProgramFactory(athlete=athlete, start_date=dt.date(2026, 1, 5))
    doc = single_program()
    result = catalog_import(catalog=doc, mapping=decide(doc, athlete), athlete=athlete)
    template = ProgramTemplate.objects.get(pk=result.template_ids[0])
    assert template.owner == athlete
    new = AthleteProgram.objects.get(pk=result.assignment_id)
    assert (new.template, new.is_active, new.role, new.start_date) == (
        template,
        True,
        "primary",
        timezone.localdate(),
    )
    old.refresh_from_db()
    assert (old.is_active, old.end_reason, old.ended_on) == (
        False,
        EndReason.REPLACED,
        timezone.localdate(),
    )


def test_an_athlete_import_needs_exactly_one_program(athlete: Any) -> None:
    doc = catalog(programs=[program("A"), program("B")])
    with pytest.raises(CatalogImportError) as error:
        catalog_import(catalog=doc, mapping=decide(doc, athlete), athlete=athlete)
    assert error.value.messages == [
        "An import for one athlete must hold exactly one program; this one has 2."
    ]


def test_an_athletes_program_name_only_clashes_with_their_own(athlete: Any) -> None:
    ProgramTemplateFactory(name="Alex Block")  # global: no clash for an athlete import
    assert decide(single_program(), athlete).complete


def test_replace_deletes_an_unassigned_own_program(athlete: Any) -> None:
    old = ProgramTemplateFactory(name="Alex Block", owner=athlete)
    doc = single_program()
    parsed = parse_catalog(doc).catalog
    assert parsed is not None
    mp = propose_mapping(parsed, athlete_id=athlete.pk)
    assert mp.programs[0].can_replace
    decisions = mp.decide({"programs": {"0": {"action": "replace"}}})
    result = catalog_import(catalog=doc, mapping=decisions, athlete=athlete)
    assert result.programs_replaced == 1
    assert not ProgramTemplate.objects.filter(pk=old.pk).exists()
    assert ProgramTemplate.objects.get(owner=athlete).name == "Alex Block"


def test_replace_keeps_a_program_with_history_under_a_new_name(athlete: Any) -> None:
    old = ProgramTemplateFactory(name="Alex Block", owner=athlete)
    AthleteProgramFactory(athlete=athlete, template=old, is_active=False, end_reason="completed")
    doc = single_program()
    parsed = parse_catalog(doc).catalog
    assert parsed is not None
    decisions = propose_mapping(parsed, athlete_id=athlete.pk).decide(
        {"programs": {"0": {"action": "replace"}}}
    )
    catalog_import(catalog=doc, mapping=decisions, athlete=athlete)
    old.refresh_from_db()
    assert old.name == f"Alex Block (replaced {timezone.localdate().isoformat()})"
    assert ProgramTemplate.objects.filter(owner=athlete, name="Alex Block").count() == 1


def test_the_active_program_cannot_be_replaced(athlete: Any) -> None:
    old = ProgramTemplateFactory(name="Alex Block", owner=athlete)
    AthleteProgramFactory(athlete=athlete, template=old, is_active=True)
    parsed = parse_catalog(single_program()).catalog
    assert parsed is not None
    mp = propose_mapping(parsed, athlete_id=athlete.pk)
    assert mp.programs[0].clash is not None
    assert mp.programs[0].clash.is_active
    assert not mp.programs[0].can_replace
    decisions = mp.decide({"programs": {"0": {"action": "replace"}}})
    assert decisions.unresolved == [
        "program 'Alex Block' has the same name as one of the athlete's programs: rename it"
    ]
