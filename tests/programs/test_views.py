"""Pages and htmx fragments of the catalog app."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from programs.drafts import import_draft_create
from programs.models import ImportDraft, ImportStatus, ProgramTemplate
from tests.conftest import client_for
from tests.factories import (
    EquipmentFactory,
    ExerciseEquipmentFactory,
    ExerciseFactory,
    PrescribedSetFactory,
    ProgramTemplateFactory,
)
from tests.programs.factories_catalog import catalog, exercise, program, pset
from tests.programs.test_export import GO_FILE

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


def upload(client: Client, content: bytes, athlete: Any = None, name: str = "plan.json") -> Any:
    data: dict[str, Any] = {
        "file": SimpleUploadedFile(name, content, content_type="application/json")
    }
    if athlete is not None:
        data["athlete"] = athlete.pk
    return client.post(reverse("programs:import_create"), data)


# --- exercises and programs -------------------------------------------------------------------


def test_exercise_list_searches_names_and_aliases_and_filters(coach: Any) -> None:
    rack = EquipmentFactory(name="Rack")
    squat = ExerciseFactory(name="Back Squat", aliases=["BB Squat"], movement_pattern="squat")
    ExerciseEquipmentFactory(exercise=squat, equipment=rack)
    ExerciseFactory(name="Plank", movement_pattern="core")
    client = client_for(coach)
    page = client.get(reverse("programs:exercise_list"), {"q": "bb squat"}).content.decode()
    assert "Back Squat" in page
    assert "Plank" not in page
    page = client.get(reverse("programs:exercise_list"), {"pattern": "core"}).content.decode()
    assert "Plank" in page
    assert "Back Squat" not in page
    page = client.get(reverse("programs:exercise_list"), {"equipment": rack.pk}).content.decode()
    assert "Back Squat" in page
    assert "Plank" not in page


def test_exercise_search_answers_htmx_with_the_results_fragment(coach: Any) -> None:
    ExerciseFactory(name="Back Squat")
    response = client_for(coach).get(reverse("programs:exercise_list"), {"q": "squat"}, headers=HX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert 'id="exercise-results"' in body
    assert "Back Squat" in body


def test_exercise_list_query_count_does_not_grow(
    coach: Any, django_assert_max_num_queries: Any
) -> None:
    bar = EquipmentFactory(name="Bar")
    for i in range(30):
        ExerciseEquipmentFactory(exercise=ExerciseFactory(name=f"Lift {i}"), equipment=bar)
    client = client_for(coach)
    client.get(reverse("programs:exercise_list"))
    with django_assert_max_num_queries(8):
        response = client.get(reverse("programs:exercise_list"))
    assert response.content.decode().count("Lift ") >= 30


def test_program_detail_shows_every_set_as_itself(
    coach: Any, django_assert_max_num_queries: Any
) -> None:
    template = ProgramTemplateFactory(name="Ramp Block", num_weeks=2, num_days=2)
    squat = ExerciseFactory(name="Back Squat")
    for n, (reps, pct) in enumerate([(5, 65), (3, 75), (None, 85)], start=1):
        PrescribedSetFactory(
            template=template,
            exercise=squat,
            week=1,
            day=1,
            set_number=n,
            reps=reps,
            percentage=pct,
        )
    client = client_for(coach)
    with django_assert_max_num_queries(8):
        page = client.get(template.get_absolute_url()).content.decode()
    assert "5 @ 65 %" in page
    assert "3 @ 75 %" in page
    assert "AMRAP @ 85 %" in page
    assert page.count('class="week-grid-cell') == 4


def test_program_export_downloads_catalogjson(coach: Any) -> None:
    template = ProgramTemplateFactory(name="Ramp Block")
    PrescribedSetFactory(
        template=template, exercise=ExerciseFactory(name="Back Squat"), percentage=75
    )
    response = client_for(coach).get(reverse("programs:program_export", args=[template.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="ramp-block.json"'
    doc = json.loads(response.content)
    assert doc["version"] == "1.1"
    assert doc["programs"][0]["prescribed_sets"][0]["percentage"] == 75


def test_athletes_programs_are_visible_only_to_those_who_see_the_athlete(
    athlete: Any, athlete_user: Any, coach: Any, other_coach: Any
) -> None:
    own = ProgramTemplateFactory(name="Alex Private", owner=athlete)
    url = own.get_absolute_url()
    assert client_for(coach).get(url).status_code == 200
    assert client_for(athlete_user).get(url).status_code == 200
    assert client_for(other_coach).get(url).status_code == 404
    listing = client_for(other_coach).get(reverse("programs:program_list")).content.decode()
    assert "Alex Private" not in listing


# --- the import flow --------------------------------------------------------------------------


def test_admin_uploads_a_go_file_maps_one_name_and_approves(admin_user: Any) -> None:
    squat = ExerciseFactory(name="Back Squat", aliases=["Squat"])
    ExerciseFactory(name="Barbell Bench Press")
    client = client_for(admin_user)
    response = upload(client, GO_FILE.read_bytes(), name="go.json")
    draft = ImportDraft.objects.get()
    assert response.status_code == 302
    assert response["Location"] == draft.get_absolute_url()

    page = client.get(draft.get_absolute_url()).content.decode()
    assert "Back Squat" in page  # "Squat" resolved through the alias
    assert "Bench Press" in page
    assert "%" in page
    assert "5/3/1 Boring But Big" in page
    assert "AMRAP (5+/3+/1+)" in page

    # Fix one mapping: the file's "Bench Press" should be the catalog's "Barbell Bench Press".
    bench = ExerciseFactory._meta.model.objects.get(name="Barbell Bench Press")
    row = client.post(
        reverse("programs:import_mapping", args=[draft.pk]),
        {"kind": "exercise", "key": "bench press", "value": f"db:{bench.pk}"},
        headers=HX,
    )
    body = row.content.decode()
    assert row.status_code == 200
    assert "<html" not in body
    assert "chosen by you" in body
    assert 'id="import-summary" class="stats"' in body
    assert 'hx-swap-oob="true"' in body

    approve = client.post(reverse("programs:import_approve", args=[draft.pk]), headers=HX)
    assert approve.status_code == 200
    assert approve["HX-Redirect"] == draft.get_absolute_url()
    doc = json.loads(GO_FILE.read_text())
    for program_doc in doc["programs"]:
        template = ProgramTemplate.objects.get(name=program_doc["name"])
        assert template.sets.count() == len(program_doc["prescribed_sets"])
    assert (
        ProgramTemplate.objects.get(name="5/3/1 Boring But Big").sets.filter(exercise=squat).count()
        == 27
    )
    assert (
        ProgramTemplate.objects.get(name="5/3/1 Boring But Big").sets.filter(exercise=bench).count()
        == 27
    )
    done = client.get(draft.get_absolute_url()).content.decode()
    assert "Imported" in done


def test_an_invalid_upload_lists_every_problem_and_keeps_nothing(admin_user: Any) -> None:
    bad = catalog(programs=[program(num_weeks=2, sets=[pset(week=3), pset(week=3, day=2)])])
    response = upload(client_for(admin_user), json.dumps(bad).encode())
    page = response.content.decode()
    assert response.status_code == 200
    # In words, not `programs[0].prescribed_sets[0].week`.
    assert "set 1, week: 3 is more than num_weeks 2" in page
    assert "set 2, day: 2 is more than num_days 1" in page
    assert "programs[0]" not in page
    assert ImportDraft.objects.count() == 0


def test_a_file_over_the_limit_is_refused_by_the_form(admin_user: Any) -> None:
    response = upload(client_for(admin_user), b" " * (10 * 1024 * 1024 + 1))
    assert "the limit is 10 MB" in response.content.decode()
    assert ImportDraft.objects.count() == 0


def test_a_coach_imports_for_one_of_their_athletes_or_into_their_library(
    coach: Any, athlete: Any, other_coach: Any
) -> None:
    content = json.dumps(catalog()).encode()
    assert upload(client_for(coach), content).status_code == 302
    library = ImportDraft.objects.get()
    assert (library.athlete, library.library_coach) == (None, coach)
    library.delete()
    from tests.factories import AthleteFactory

    stranger = AthleteFactory(coach=other_coach)
    page = upload(client_for(coach), content, athlete=stranger).content.decode()
    assert "Select a valid choice" in page
    assert ImportDraft.objects.count() == 0
    assert upload(client_for(coach), content, athlete=athlete).status_code == 302
    assert ImportDraft.objects.get().athlete == athlete


def make_draft(user: Any, doc: dict[str, Any] | None = None) -> ImportDraft:
    draft, parsed = import_draft_create(
        raw=doc
        or catalog(
            programs=[program(sets=[pset(percentage=70), pset(set_number=2, percentage=80)])]
        ),
        by=user,
    )
    assert draft is not None, parsed.errors
    return draft


def test_set_edit_round_trip_through_htmx(admin_user: Any) -> None:
    draft = make_draft(admin_user)
    client = client_for(admin_user)
    form = client.get(reverse("programs:import_set_edit", args=[draft.pk, 0, 1]), headers=HX)
    body = form.content.decode()
    assert "<html" not in body
    assert 'name="percentage"' in body
    assert 'value="80"' in body
    saved = client.post(
        reverse("programs:import_set_save", args=[draft.pk, 0, 1]),
        {
            "reps": "3",
            "percentage": "82.5",
            "absolute_weight": "",
            "target_rpe": "8",
            "notes": "top set",
        },
        headers=HX,
    )
    body = saved.content.decode()
    assert saved.status_code == 200
    assert "3 @ 82.5 %" in body
    assert "RPE 8" in body
    assert "edited" in body
    assert "top set" in body
    draft.refresh_from_db()
    assert draft.set_edits == {
        "0:1": {"reps": 3, "percentage": 82.5, "target_rpe": 8, "notes": "top set"}
    }
    cancel = client.get(reverse("programs:import_set_row", args=[draft.pk, 0, 0]), headers=HX)
    assert "5 @ 70 %" in cancel.content.decode()


def test_an_invalid_set_edit_returns_the_form_with_errors(admin_user: Any) -> None:
    draft = make_draft(admin_user)
    response = client_for(admin_user).post(
        reverse("programs:import_set_save", args=[draft.pk, 0, 0]),
        {"reps": "0", "percentage": "150"},
        headers=HX,
    )
    body = response.content.decode()
    assert response.status_code == 422
    assert "Ensure this value is greater than or equal to 1" in body
    assert "Ensure this value is less than or equal to 110" in body
    draft.refresh_from_db()
    assert draft.set_edits == {}


def test_the_set_edit_link_works_without_javascript(admin_user: Any) -> None:
    draft = make_draft(admin_user)
    client = client_for(admin_user)
    page = client.get(reverse("programs:import_set_edit", args=[draft.pk, 0, 0])).content.decode()
    assert "<html" in page
    assert 'name="reps"' in page
    response = client.post(
        reverse("programs:import_set_save", args=[draft.pk, 0, 0]),
        {"reps": "4", "percentage": "70"},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.set_edits == {"0:0": {"reps": 4}}


def test_approve_is_blocked_while_names_are_unresolved(admin_user: Any) -> None:
    draft = make_draft(
        admin_user, catalog(exercises=[], programs=[program(sets=[pset("Zzz Mystery Lift")])])
    )
    client = client_for(admin_user)
    page = client.get(draft.get_absolute_url()).content.decode()
    assert "Approval is blocked" in page
    assert "Zzz Mystery Lift" in page
    assert "disabled" in page
    response = client.post(reverse("programs:import_approve", args=[draft.pk]), headers=HX)
    assert response.status_code == 422
    assert "is not in the catalog" in response.content.decode()
    assert ProgramTemplate.objects.count() == 0
    client.post(
        reverse("programs:import_mapping", args=[draft.pk]),
        {"kind": "exercise", "key": "zzz mystery lift", "value": "new"},
        headers=HX,
    )
    response = client.post(reverse("programs:import_approve", args=[draft.pk]))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == ImportStatus.APPROVED


def test_program_clash_is_resolved_through_htmx(admin_user: Any) -> None:
    ProgramTemplateFactory(name="Block A")
    draft = make_draft(admin_user)
    client = client_for(admin_user)
    assert "Block A (2)" in client.get(draft.get_absolute_url()).content.decode()
    taken = client.post(
        reverse("programs:import_program", args=[draft.pk, 0]),
        {"action": "rename", "name": "block a"},
        headers=HX,
    )
    assert taken.status_code == 422
    assert "is taken too" in taken.content.decode()
    ok = client.post(
        reverse("programs:import_program", args=[draft.pk, 0]),
        {"action": "rename", "name": "Block A v2"},
        headers=HX,
    )
    body = ok.content.decode()
    assert ok.status_code == 200
    assert "Block A v2" in body
    assert 'id="approve-box"' in body


def test_discard_redirects_to_the_upload_page(admin_user: Any) -> None:
    draft = make_draft(admin_user)
    response = client_for(admin_user).post(
        reverse("programs:import_discard", args=[draft.pk]), headers=HX
    )
    assert response["HX-Redirect"] == reverse("programs:import_upload")
    draft.refresh_from_db()
    assert draft.status == ImportStatus.DISCARDED


def test_preview_query_count_does_not_grow_with_the_file(
    admin_user: Any, django_assert_max_num_queries: Any
) -> None:
    for i in range(20):
        ExerciseFactory(name=f"Lift {i}")
    small = make_draft(
        admin_user,
        catalog(exercises=[exercise("Lift 1")], programs=[program(sets=[pset("Lift 1")])]),
    )
    sets = [
        pset(f"Lift {i % 20}", week=w, day=d, set_number=n)
        for i in range(20)
        for w in (1, 2)
        for d in (1, 2)
        for n in (1, 2)
    ]
    big = make_draft(
        admin_user,
        catalog(exercises=[], programs=[program("Big", num_weeks=2, num_days=2, sets=sets)]),
    )
    client = client_for(admin_user)
    client.get(small.get_absolute_url())
    with django_assert_max_num_queries(14):
        client.get(small.get_absolute_url())
    with django_assert_max_num_queries(14):
        response = client.get(big.get_absolute_url())
    assert response.content.decode().count('class="set-item') == 160


def test_a_bare_name_offers_the_catalog_entries_that_contain_it(admin_user: Any) -> None:
    squats = ["Back Squat", "Front Squat", "Box Squat", "Overhead Squat", "Zercher Squat"]
    for name in [*squats, "Plank"]:
        ExerciseFactory(name=name)
    draft = make_draft(
        admin_user, catalog(exercises=[exercise("Squat")], programs=[program(sets=[pset("Squat")])])
    )
    page = client_for(admin_user).get(draft.get_absolute_url()).content.decode()
    select = page.split('aria-label="Map “Squat” to"', 1)[1].split("</select>", 1)[0]
    offered = select.split('<optgroup label="Catalog">', 1)[0]
    assert 'optgroup label="Containing “Squat”"' in offered
    assert all(name in offered for name in squats)
    assert "Plank" not in offered


def test_absolute_loads_show_the_weight_unit(admin_user: Any) -> None:
    draft = make_draft(admin_user, catalog(programs=[program(sets=[pset(absolute_weight=60)])]))
    page = client_for(admin_user).get(draft.get_absolute_url()).content.decode()
    assert "5 @ 60 lbs" in page


def test_a_multi_program_preview_shows_one_programs_weeks_at_a_time(
    admin_user: Any, django_assert_max_num_queries: Any
) -> None:
    ExerciseFactory(name="Lift 1")
    programs = [
        program(
            f"Block {p}", num_weeks=2, num_days=1, sets=[pset("Lift 1", week=w) for w in (1, 2)]
        )
        for p in range(1, 7)
    ]
    draft = make_draft(admin_user, catalog(exercises=[exercise("Lift 1")], programs=programs))
    client = client_for(admin_user)
    client.get(draft.get_absolute_url())
    with django_assert_max_num_queries(14):
        first = client.get(draft.get_absolute_url()).content.decode()
    assert first.count('class="set-item') == 2  # Block 1's two sets; the others collapsed
    assert first.count("Show its 2 weeks") == 5
    with django_assert_max_num_queries(14):
        third = client.get(draft.get_absolute_url() + "?program=2").content.decode()
    assert third.count('class="set-item') == 2
    assert 'id="program-title-2">Block 3<' in third
    assert third.index("Show its 2 weeks") < third.index('class="set-item')
