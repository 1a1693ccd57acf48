"""Import drafts: choices kept server-side, per-set edits, approve once, discard."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from athletes.models import AthleteProgram
from programs.drafts import (
    DraftError,
    effective_catalog,
    import_draft_approve,
    import_draft_create,
    import_draft_discard,
    import_draft_edit_set,
    import_draft_set_mapping,
    import_draft_set_program,
)
from programs.models import ImportDraft, ImportStatus, PrescribedSet, ProgramTemplate
from programs.selectors import draft_preview
from programs.services import CatalogImportError
from tests.factories import ExerciseFactory, ProgramTemplateFactory
from tests.programs.factories_catalog import catalog, exercise, program, pset

pytestmark = pytest.mark.django_db

DOC = catalog(
    exercises=[exercise("Back Squat")],
    programs=[
        program(
            "Ramp",
            sets=[
                pset("Back Squat", set_number=1, reps=5, percentage=0.65),
                pset("Back Squat", set_number=2, reps=5, percentage=0.75),
                pset("Back Squat", set_number=3, reps=None, percentage=0.85, notes="AMRAP"),
                pset("Nordic Curl", set_number=1, reps=6),
            ],
        )
    ],
)


def make_draft(admin_user: Any, doc: dict[str, Any] = DOC, athlete: Any = None) -> ImportDraft:
    draft, parsed = import_draft_create(
        raw=json.dumps(doc).encode(), by=admin_user, athlete=athlete, filename="ramp.json"
    )
    assert draft is not None, parsed.errors
    return draft


def test_a_valid_file_becomes_a_draft_with_its_warnings(admin_user: Any) -> None:
    draft = make_draft(admin_user)
    assert draft.status == ImportStatus.DRAFT
    assert draft.catalog["programs"][0]["prescribed_sets"][0]["percentage"] == 65
    assert [w["path"] for w in draft.warnings] == ["programs[0]"]  # the fractions warning
    assert ProgramTemplate.objects.count() == 0  # nothing imported yet


def test_an_invalid_file_makes_no_draft_and_says_why(admin_user: Any) -> None:
    draft, parsed = import_draft_create(raw=b'{"type": "catalog"', by=admin_user)
    assert draft is None
    assert [str(e) for e in parsed.errors] == [
        "Invalid JSON at line 1, column 19: Expecting ',' delimiter."
    ]
    assert ImportDraft.objects.count() == 0


def test_an_athlete_draft_needs_exactly_one_program(admin_user: Any, athlete: Any) -> None:
    draft, parsed = import_draft_create(
        raw=catalog(programs=[program("A"), program("B")]), by=admin_user, athlete=athlete
    )
    assert draft is None
    assert [str(e) for e in parsed.errors] == [
        "programs: an import for one athlete must hold exactly one program; this file has 2: "
        "import it into the global catalog instead (no athlete), then assign one of them to "
        f"{athlete.name} from their page"
    ]


def test_unresolved_names_block_approval_with_a_message_listing_them(admin_user: Any) -> None:
    draft = make_draft(admin_user)
    preview = draft_preview(draft)
    assert not preview.can_approve
    with pytest.raises(CatalogImportError) as error:
        import_draft_approve(draft=draft, by=admin_user)
    assert error.value.messages == [
        "exercise 'Nordic Curl' (used 1×) is not in the catalog: map it to an existing one or "
        "create it"
    ]
    draft.refresh_from_db()
    assert draft.status == ImportStatus.DRAFT
    assert ProgramTemplate.objects.count() == 0


def test_mapping_choices_are_kept_on_the_draft(admin_user: Any) -> None:
    curl = ExerciseFactory(name="Nordic Hamstring Curl")
    draft = make_draft(admin_user)
    import_draft_set_mapping(draft=draft, kind="exercise", key="nordic curl", value=f"db:{curl.pk}")
    reloaded = ImportDraft.objects.get(pk=draft.pk)  # a reload, a second tab
    assert reloaded.mapping == {"exercise": {"nordic curl": f"db:{curl.pk}"}}
    row = draft_preview(reloaded).row("exercise", "nordic curl")
    assert row is not None
    assert row.chosen
    assert row.decision_label == "Nordic Hamstring Curl"
    with pytest.raises(DraftError):
        import_draft_set_mapping(draft=draft, kind="exercise", key="nordic curl", value="db:999999")
    with pytest.raises(DraftError):
        import_draft_set_mapping(draft=draft, kind="exercise", key="not in file", value="new")


def test_each_set_is_edited_as_itself(admin_user: Any) -> None:
    draft = make_draft(admin_user)
    import_draft_edit_set(
        draft=draft,
        program=0,
        index=1,
        changes={
            "reps": 3,
            "percentage": Decimal("77.5"),
            "absolute_weight": None,
            "target_rpe": Decimal("8"),
            "notes": "top",
        },
    )
    draft.refresh_from_db()
    assert draft.set_edits == {
        "0:1": {"reps": 3, "percentage": 77.5, "target_rpe": 8, "notes": "top"}
    }
    sets = effective_catalog(draft)["programs"][0]["prescribed_sets"]
    assert [(s["reps"], s["percentage"]) for s in sets[:3]] == [(5, 65), (3, 77.5), (None, 85)]
    assert draft.catalog["programs"][0]["prescribed_sets"][1]["reps"] == 5  # the original is kept
    # Editing back to the original value drops the edit.
    import_draft_edit_set(
        draft=draft,
        program=0,
        index=1,
        changes={"reps": 5, "percentage": 75, "target_rpe": None, "notes": ""},
    )
    draft.refresh_from_db()
    assert draft.set_edits == {}


def test_an_edit_that_breaks_a_rule_is_refused(admin_user: Any) -> None:
    draft = make_draft(admin_user)
    with pytest.raises(DraftError) as error:
        import_draft_edit_set(
            draft=draft, program=0, index=0, changes={"percentage": Decimal("150")}
        )
    assert str(error.value) == (
        "programs[0].prescribed_sets[0].percentage: 150 % is outside 20–110 % of the training max"
    )
    with pytest.raises(DraftError):
        import_draft_edit_set(draft=draft, program=0, index=99, changes={"reps": 5})


def test_approve_imports_the_edited_sets_once(
    admin_user: Any, django_assert_max_num_queries: Any
) -> None:
    draft = make_draft(admin_user)
    import_draft_set_mapping(draft=draft, kind="exercise", key="nordic curl", value="new")
    import_draft_edit_set(draft=draft, program=0, index=2, changes={"reps": 8})
    result = import_draft_approve(draft=draft, by=admin_user)
    assert draft.status == ImportStatus.APPROVED
    assert draft.approved_by == admin_user
    assert draft.approved_at is not None
    assert result.sets_created == 4
    template = ProgramTemplate.objects.get(pk=result.template_ids[0])
    ramp = list(
        template.sets.filter(exercise__name="Back Squat")
        .order_by("set_number")
        .values_list("reps", "percentage")
    )
    assert ramp == [(5, Decimal("65")), (5, Decimal("75")), (8, Decimal("85"))]

    before = PrescribedSet.objects.count()
    with django_assert_max_num_queries(3):  # the draft row, nothing else
        again = import_draft_approve(draft=draft, by=admin_user)
    assert again == result
    assert PrescribedSet.objects.count() == before
    with pytest.raises(DraftError):
        import_draft_edit_set(draft=draft, program=0, index=0, changes={"reps": 2})


def test_a_discarded_draft_cannot_be_approved(admin_user: Any) -> None:
    draft = make_draft(admin_user)
    import_draft_discard(draft=draft, by=admin_user)
    assert draft.status == ImportStatus.DISCARDED
    with pytest.raises(DraftError):
        import_draft_approve(draft=draft, by=admin_user)
    assert ProgramTemplate.objects.count() == 0


def test_program_name_clash_is_resolved_on_the_draft(admin_user: Any) -> None:
    ProgramTemplateFactory(name="Ramp")
    doc = catalog(
        exercises=[exercise("Back Squat")], programs=[program("Ramp", sets=[pset(percentage=70)])]
    )
    draft = make_draft(admin_user, doc)
    assert draft_preview(draft).unresolved == [
        "program 'Ramp' has the same name as an existing global program: rename it"
    ]
    with pytest.raises(DraftError) as error:
        import_draft_set_program(draft=draft, index=0, action="replace")
    assert str(error.value).startswith("Only an athlete's own program or one in your library")
    with pytest.raises(DraftError) as error:
        import_draft_set_program(draft=draft, index=0, action="rename", name="ramp")
    assert str(error.value) == "'ramp' is taken too."
    import_draft_set_program(draft=draft, index=0, action="rename", name="Ramp 2")
    assert draft_preview(draft).can_approve
    result = import_draft_approve(draft=draft, by=admin_user)
    assert ProgramTemplate.objects.get(pk=result.template_ids[0]).name == "Ramp 2"


def test_an_athlete_draft_assigns_the_program_on_approval(admin_user: Any, athlete: Any) -> None:
    doc = catalog(
        exercises=[exercise("Back Squat")],
        programs=[program("Alex Month 1", sets=[pset(percentage=70)])],
    )
    draft = make_draft(admin_user, doc, athlete=athlete)
    result = import_draft_approve(draft=draft, by=admin_user)
    assignment = AthleteProgram.objects.get(pk=result.assignment_id)
    assert assignment.athlete == athlete
    assert assignment.is_active
    assert assignment.template.owner == athlete
