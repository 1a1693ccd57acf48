"""Exercises and equipment a coach creates are theirs (and their athletes'); only admins create
global ones; another coach never sees them — in pages, pickers, exports, matching, the packet."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from athletes.models import Athlete, HistoryNameChoice, TrainingMax, User, WorkoutSet
from athletes.services import SetInput, workout_log
from generation.packet import build_packet
from programs.catalog.export import catalog_export
from programs.catalog.matching import propose_mapping
from programs.catalog.parse import parse_catalog
from programs.models import Equipment, Exercise, ExerciseEquipment, PrescribedSet, RepType
from programs.promote import exercise_promote
from programs.services import CatalogImportError, catalog_import
from tests.conftest import client_for
from tests.factories import (
    AthleteEquipmentFactory,
    AthleteFactory,
    EquipmentFactory,
    ExerciseEquipmentFactory,
    ExerciseFactory,
    PrescribedSetFactory,
    TrainingMaxFactory,
    UserFactory,
    WorkoutFactory,
    WorkoutSetFactory,
)
from tests.programs.factories_catalog import catalog, exercise, program, pset

pytestmark = pytest.mark.django_db

BOX = catalog(
    equipment=[{"name": "Plyo Box"}],
    exercises=[exercise("Box Jump", [("Plyo Box", False)], form_notes="my cue")],
    programs=[program(sets=[pset("Box Jump")])],
)


def _import(doc: dict[str, Any], athlete: Athlete, by: User) -> None:
    parsed = parse_catalog(doc)
    assert parsed.catalog is not None, parsed.errors
    decisions = propose_mapping(parsed.catalog, athlete_id=athlete.pk).decide()
    catalog_import(catalog=doc, mapping=decisions, athlete=athlete, by=by)


@pytest.fixture
def other_athlete(other_coach: User) -> Athlete:
    login = UserFactory(username="other_athlete", role="athlete")
    return AthleteFactory(name="Olive", coach=other_coach, user=login)


def test_a_coachs_import_creates_rows_owned_by_that_coach(athlete: Athlete, coach: User) -> None:
    _import(BOX, athlete, coach)
    assert Exercise.objects.get(name="Box Jump").owner == coach
    assert Equipment.objects.get(name="Plyo Box").owner == coach


def test_an_admins_import_for_a_coachs_athlete_belongs_to_that_coach(
    athlete: Athlete, admin_user: User, coach: User
) -> None:
    _import(BOX, athlete, admin_user)
    assert Exercise.objects.get(name="Box Jump").owner == coach


def test_two_coaches_each_have_their_own_box_jump(
    athlete: Athlete, coach: User, other_athlete: Athlete, other_coach: User
) -> None:
    _import(BOX, athlete, coach)
    _import(BOX, other_athlete, other_coach)
    owners = set(Exercise.objects.filter(name="Box Jump").values_list("owner_id", flat=True))
    assert owners == {coach.pk, other_coach.pk}
    assert Exercise.objects.get(owner=other_coach).form_notes == "my cue"


def test_matching_for_another_coachs_athlete_never_proposes_this_coachs_rows(
    athlete: Athlete, coach: User, other_athlete: Athlete
) -> None:
    _import(BOX, athlete, coach)
    parsed = parse_catalog(BOX)
    assert parsed.catalog is not None
    mine = propose_mapping(parsed.catalog, athlete_id=athlete.pk).exercises[0]
    theirs = propose_mapping(parsed.catalog, athlete_id=other_athlete.pk).exercises[0]
    assert mine.default == f"db:{Exercise.objects.get().pk}"
    assert theirs.default == "new"


def test_a_choice_of_another_coachs_row_is_never_used(
    athlete: Athlete, coach: User, other_athlete: Athlete, other_coach: User
) -> None:
    _import(BOX, athlete, coach)
    foreign = Exercise.objects.get()
    parsed = parse_catalog(BOX)
    assert parsed.catalog is not None
    decisions = propose_mapping(parsed.catalog, athlete_id=other_athlete.pk).decide(
        {"exercise": {"box jump": f"db:{foreign.pk}"}}
    )
    catalog_import(catalog=BOX, mapping=decisions, athlete=other_athlete, by=other_coach)
    used = PrescribedSet.objects.filter(template__owner=other_athlete).get().exercise
    assert used != foreign
    assert used.owner == other_coach


def test_the_import_refuses_a_decision_naming_another_coachs_row(
    athlete: Athlete, coach: User, other_athlete: Athlete, other_coach: User
) -> None:
    _import(BOX, athlete, coach)
    parsed = parse_catalog(BOX)
    assert parsed.catalog is not None
    # A stale or forged decision (the preview never offers it) must not reach the database.
    decisions = propose_mapping(parsed.catalog, athlete_id=other_athlete.pk).decide()
    decisions.exercise["box jump"] = f"db:{Exercise.objects.get().pk}"
    with pytest.raises(CatalogImportError, match="no longer exists"):
        catalog_import(catalog=BOX, mapping=decisions, athlete=other_athlete, by=other_coach)


@pytest.fixture
def owned(coach: User) -> Exercise:
    box = EquipmentFactory(name="Plyo Box", owner=coach)
    jump = ExerciseFactory(name="Box Jump", owner=coach)
    ExerciseEquipmentFactory(exercise=jump, equipment=box)
    return jump


@pytest.mark.parametrize(
    ("who", "sees"),
    [("coach", True), ("athlete", True), ("other_coach", False), ("other_athlete", False)],
)
def test_the_exercise_pages_show_a_coachs_rows_to_them_and_their_athletes_only(
    request: pytest.FixtureRequest, owned: Exercise, athlete: Athlete, other_athlete: Athlete,
    who: str, sees: bool,
) -> None:  # fmt: skip
    user = {"athlete": athlete.user, "other_athlete": other_athlete.user}.get(who) or (
        request.getfixturevalue(who)
    )
    client = client_for(user)
    listing = client.get(reverse("programs:exercise_list")).content.decode()
    detail = client.get(reverse("programs:exercise_detail", args=[owned.pk]))
    assert ("Box Jump" in listing) is sees
    assert ("Plyo Box" in listing) is sees  # the equipment filter's picker
    assert detail.status_code == (200 if sees else 404)


def test_the_global_catalog_export_leaves_coaches_rows_out(owned: Exercise) -> None:
    ExerciseFactory(name="Back Squat")
    document = catalog_export()
    assert [e["name"] for e in document["exercises"]] == ["Back Squat"]
    assert document["equipment"] == []


def test_another_coachs_athlete_cannot_log_a_coachs_exercise(
    owned: Exercise, other_athlete: Athlete, other_coach: User
) -> None:
    row = SetInput(exercise_id=owned.pk, reps=5, rep_type=RepType.REPS)
    with pytest.raises(Exception, match="exercise"):
        workout_log(athlete=other_athlete, date=dt.date(2026, 1, 5), sets=[row], by=other_coach)
    assert not WorkoutSet.objects.exists()


def test_the_packet_holds_the_coachs_own_exercises_and_never_another_coachs(
    owned: Exercise, athlete: Athlete, other_athlete: Athlete
) -> None:
    AthleteEquipmentFactory(athlete=athlete, equipment=owned.equipment.get())
    AthleteEquipmentFactory(athlete=other_athlete, equipment=owned.equipment.get())
    assert "Box Jump" in build_packet(athlete).model_dump_json()
    assert "Box Jump" not in build_packet(other_athlete).model_dump_json()


def test_promoting_merges_every_row_of_the_name_and_moves_every_reference(
    owned: Exercise, coach: User, athlete: Athlete, other_coach: User, other_athlete: Athlete
) -> None:
    theirs = ExerciseFactory(name="box jump", owner=other_coach, aliases=["Box Hop"])
    their_box = EquipmentFactory(name="Plyo Box", owner=other_coach)
    ExerciseEquipmentFactory(exercise=theirs, equipment=their_box)
    AthleteEquipmentFactory(athlete=other_athlete, equipment=their_box)
    prescribed = PrescribedSetFactory(exercise=theirs)
    workout = WorkoutFactory(athlete=other_athlete)
    # The same workout logged set 1 of both rows: merged, neither set may be lost.
    logged = [
        WorkoutSetFactory(workout=workout, exercise=ex, set_number=1) for ex in (owned, theirs)
    ]
    tm = TrainingMaxFactory(athlete=other_athlete, exercise=theirs, weight=Decimal("50"))
    choice = HistoryNameChoice.objects.create(
        coach=other_coach, source_name="box jumps", exercise=theirs
    )

    kept = exercise_promote(exercise=owned, by=None)

    assert list(Exercise.objects.all()) == [kept]
    assert kept.pk == owned.pk
    assert kept.owner is None
    assert "box jump" not in [a.casefold() for a in kept.aliases]
    assert "Box Hop" in kept.aliases
    box = Equipment.objects.get()
    assert box.owner is None
    assert list(ExerciseEquipment.objects.values_list("exercise", "equipment")) == [
        (kept.pk, box.pk)
    ]
    assert set(other_athlete.equipment_links.values_list("equipment", flat=True)) == {box.pk}
    prescribed.refresh_from_db()
    tm.refresh_from_db()
    choice.refresh_from_db()
    assert (prescribed.exercise_id, tm.exercise_id, choice.exercise_id) == (kept.pk,) * 3
    numbers = sorted(WorkoutSet.objects.filter(pk__in=[s.pk for s in logged]).values_list(
        "exercise_id", "set_number"
    ))  # fmt: skip
    assert numbers == [(kept.pk, 1), (kept.pk, 2)]
    assert PrescribedSet.objects.count() == 1
    assert TrainingMax.objects.count() == 1


def test_promoting_onto_an_existing_global_row_keeps_the_global_one(owned: Exercise) -> None:
    glob = ExerciseFactory(name="BOX JUMP")
    kept = exercise_promote(exercise=owned, by=None)
    assert kept.pk == glob.pk
    assert list(Exercise.objects.all()) == [glob]


def test_the_admin_action_promotes(owned: Exercise, admin_user: User) -> None:
    response = client_for(admin_user).post(
        reverse("admin:programs_exercise_changelist"),
        {"action": "promote_to_global", "_selected_action": [owned.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert Exercise.objects.get().owner is None
    assert Equipment.objects.get().owner is None


def test_a_promotion_that_fails_half_way_writes_nothing(
    owned: Exercise, other_coach: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    theirs = ExerciseFactory(name="Box Jump", owner=other_coach)
    prescribed = PrescribedSetFactory(exercise=theirs)

    def broken(duplicate: Any) -> None:
        raise RuntimeError("disk full")

    # The references are moved, then deleting the merged row fails: all of it is undone.
    monkeypatch.setattr(Exercise, "delete", broken)
    with pytest.raises(RuntimeError):
        exercise_promote(exercise=owned, by=None)
    prescribed.refresh_from_db()
    assert prescribed.exercise_id == theirs.pk
    assert set(Exercise.objects.values_list("owner_id", flat=True)) == {
        owned.owner_id,
        other_coach.pk,
    }
