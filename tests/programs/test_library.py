"""A coach's own program library: a multi-program catalog imported for nobody in particular,
assignable to any of the coach's athletes later; the upload keeps the chosen file after an
error; program pages show the loads a percentage means for one athlete."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from athletes.models import AthleteProgram
from generation.runs.selectors import reference_program_choices
from programs.catalog.parse import parse_catalog
from programs.models import ImportDraft, ImportStatus, KeptUpload, ProgramTemplate
from programs.services import CatalogImportError, catalog_import
from tests.conftest import client_for
from tests.factories import (
    AthleteFactory,
    ExerciseFactory,
    PrescribedSetFactory,
    ProgramTemplateFactory,
    TrainingMaxFactory,
)
from tests.programs.factories_catalog import catalog, exercise, program, pset

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}

THREE = catalog(
    exercises=[exercise("Back Squat"), exercise("Bench Press")],
    programs=[
        program("Strength 1", sets=[pset(percentage=70), pset(set_number=2, percentage=75)]),
        program("Strength 2", sets=[pset("Bench Press", reps=8)]),
        program("Strength 3", num_weeks=2, sets=[pset(week=2, percentage=80)]),
    ],
)


def upload(client: Client, doc: Any = THREE, **data: Any) -> Any:
    if doc is not None:
        content = doc if isinstance(doc, bytes) else json.dumps(doc).encode()
        data["file"] = SimpleUploadedFile("library.json", content, content_type="application/json")
    return client.post(reverse("programs:import_create"), data)


def approve_with_new_names(client: Client, draft: ImportDraft) -> Any:
    for key in ("back squat", "bench press"):
        client.post(
            reverse("programs:import_mapping", args=[draft.pk]),
            {"kind": "exercise", "key": key, "value": "new"},
            headers=HX,
        )
    return client.post(reverse("programs:import_approve", args=[draft.pk]))


def import_library(coach: Any, doc: Any = THREE) -> list[ProgramTemplate]:
    client = client_for(coach)
    response = upload(client, doc)
    assert response.status_code == 302, response.content.decode()[:2000]
    draft = ImportDraft.objects.filter(library_coach=coach).latest("pk")
    assert approve_with_new_names(client, draft).status_code == 302
    draft.refresh_from_db()
    assert draft.status == ImportStatus.APPROVED, draft.status
    return list(ProgramTemplate.objects.filter(pk__in=draft.result["template_ids"]))


# --- import into the library ------------------------------------------------------------------


def test_a_coach_imports_a_multi_program_catalog_into_their_library(
    coach: Any, athlete: Any
) -> None:
    templates = import_library(coach)
    assert sorted(t.name for t in templates) == ["Strength 1", "Strength 2", "Strength 3"]
    for t in templates:
        assert (t.coach_id, t.owner_id, t.is_global) == (coach.pk, None, False)
    # Nobody was assigned anything, and the exercises it created are the coach's own.
    assert not AthleteProgram.objects.exists()
    assert {e.owner_id for t in templates for e in [s.exercise for s in t.sets.all()]} == {coach.pk}
    page = client_for(coach).get(reverse("programs:program_list")).content.decode()
    assert "Your library" in page
    assert "Strength 2" in page


def test_library_programs_stay_the_coachs_own(coach: Any, other_coach: Any, athlete: Any) -> None:
    templates = import_library(coach)
    other = client_for(other_coach)
    listing = other.get(reverse("programs:program_list")).content.decode()
    assert "Strength 1" not in listing
    for t in templates:
        assert other.get(t.get_absolute_url()).status_code == 404
        assert other.get(reverse("programs:program_export", args=[t.pk])).status_code == 404
    # The athlete sees none of the library until a program of it is assigned to them.
    athlete_client = client_for(_athlete_login(athlete))
    assert athlete_client.get(templates[0].get_absolute_url()).status_code == 404
    AthleteProgram.objects.create(athlete=athlete, template=templates[0], start_date=_today())
    assert athlete_client.get(templates[0].get_absolute_url()).status_code == 200
    assert athlete_client.get(templates[1].get_absolute_url()).status_code == 404
    # Another coach's library with the same names is no clash: names are unique per library.
    assert len(import_library(other_coach)) == 3


def test_a_library_program_is_assigned_to_any_of_the_coachs_athletes_later(
    coach: Any, athlete: Any, other_coach: Any
) -> None:
    templates = import_library(coach)
    second = AthleteFactory(coach=coach, name="Bea")
    client = client_for(coach)
    form = client.get(
        reverse("athletes:assign", args=[second.pk]) + f"?template={templates[1].pk}"
    ).content.decode()
    assert "Coach&#x27;s library" in form or "Coach's library" in form
    assert f'<option value="{templates[1].pk}" selected' in form
    for who in (athlete, second):
        response = client.post(
            reverse("athletes:assign", args=[who.pk]),
            {"template": templates[1].pk, "start_date": _today().isoformat(), "role": "primary"},
        )
        assert response.status_code == 302, response.content.decode()[:3000]
    assert AthleteProgram.objects.filter(template=templates[1], is_active=True).count() == 2
    # The generator may be pointed at it for the coach's athletes, not for another coach's.
    assert templates[1] in reference_program_choices(athlete)
    stranger = AthleteFactory(coach=other_coach)
    assert templates[1] not in reference_program_choices(stranger)
    from athletes.services import program_assign

    with pytest.raises(Exception, match="another coach's library"):
        program_assign(athlete=stranger, template=templates[1], by=other_coach)


def test_a_library_reimport_clashes_only_within_the_library(coach: Any, admin_user: Any) -> None:
    ProgramTemplateFactory(name="Strength 1")  # a global program of the same name: no clash
    import_library(coach)
    client = client_for(coach)
    upload(client)
    draft = ImportDraft.objects.filter(library_coach=coach).latest("pk")
    page = client.get(draft.get_absolute_url()).content.decode()
    assert "a program in your library" in page
    assert "Into your library" in page
    assert "global catalog" not in page
    assert "already exists in the library" in page
    # An unassigned library program may be replaced by the new version of the file.
    for index in range(3):
        response = client.post(
            reverse("programs:import_program", args=[draft.pk, index]),
            {"action": "replace"},
            headers=HX,
        )
        assert response.status_code == 200, response.content.decode()
    assert client.post(reverse("programs:import_approve", args=[draft.pk])).status_code == 302
    library = ProgramTemplate.objects.filter(coach=coach)
    assert sorted(library.values_list("name", flat=True)) == [
        "Strength 1",
        "Strength 2",
        "Strength 3",
    ]
    assert ProgramTemplate.objects.filter(coach__isnull=True, name="Strength 1").count() == 1


def test_an_athletes_program_and_a_library_program_are_exclusive(coach: Any, athlete: Any) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgramTemplate.objects.create(
            name="Both", num_weeks=1, num_days=1, owner=athlete, coach=coach
        )
    parsed = parse_catalog(THREE)
    assert parsed.catalog is not None
    with pytest.raises(CatalogImportError, match="not both"):
        catalog_import(
            catalog=parsed.catalog,
            mapping=None,  # type: ignore[arg-type]
            athlete=athlete,
            library_coach=coach,
        )


def test_the_library_export_holds_the_coachs_library_and_imports_back(
    coach: Any, other_coach: Any
) -> None:
    import_library(coach)
    response = client_for(coach).get(reverse("programs:library_export"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    document = json.loads(response.content)
    assert sorted(p["name"] for p in document["programs"]) == [
        "Strength 1",
        "Strength 2",
        "Strength 3",
    ]
    assert parse_catalog(document).ok
    # Another coach's export is their own (empty) library.
    other = json.loads(client_for(other_coach).get(reverse("programs:library_export")).content)
    assert other["programs"] == []


# --- for one athlete, and the kept file -------------------------------------------------------


def test_a_multi_program_file_for_one_athlete_says_where_to_put_it_and_keeps_the_file(
    coach: Any, athlete: Any
) -> None:
    client = client_for(coach)
    page = upload(client, athlete=athlete.pk).content.decode()
    assert "this file has 3: import it into your library instead" in page
    assert not ImportDraft.objects.exists()
    kept = KeptUpload.objects.get(created_by=coach)
    assert kept.filename == "library.json"
    assert f'name="kept" value="{kept.pk}"' in page
    assert "library.json</strong>" in page
    # The file input is no longer required: submitting again (to the library) uses the kept file.
    assert ' required id="id_file"' not in page
    response = upload(client, None, kept=kept.pk)
    assert response.status_code == 302
    draft = ImportDraft.objects.get()
    assert (draft.library_coach, draft.filename, len(draft.catalog["programs"])) == (
        coach,
        "library.json",
        3,
    )
    assert not KeptUpload.objects.exists()  # a draft was made: nothing left behind


def test_a_kept_file_is_only_its_uploaders(coach: Any, other_coach: Any, athlete: Any) -> None:
    upload(client_for(coach), athlete=athlete.pk)
    kept = KeptUpload.objects.get()
    page = upload(client_for(other_coach), None, kept=kept.pk).content.decode()
    assert "Choose a file." in page
    assert not ImportDraft.objects.exists()


def test_a_new_file_replaces_the_kept_one(coach: Any, athlete: Any) -> None:
    client = client_for(coach)
    upload(client, athlete=athlete.pk)
    kept = KeptUpload.objects.get()
    one = catalog(exercises=[exercise("Back Squat")], programs=[program("Solo")])
    assert upload(client, one, kept=kept.pk, athlete=athlete.pk).status_code == 302
    assert ImportDraft.objects.get().catalog["programs"][0]["name"] == "Solo"


def test_a_broken_file_is_kept_and_named_with_its_errors(coach: Any) -> None:
    client = client_for(coach)
    page = upload(client, b'{"type": "catalog", "version": "1.1", "programs": [}').content.decode()
    assert "library.json</strong>" in page
    assert "The file cannot be imported" in page
    assert KeptUpload.objects.filter(created_by=coach).exists()


# --- loads on program pages -------------------------------------------------------------------


def _today() -> dt.date:
    from django.utils import timezone

    return timezone.localdate()


def _athlete_login(athlete: Any) -> Any:
    from athletes.models import Role
    from tests.factories import UserFactory

    user = UserFactory(username=f"a{athlete.pk}", role=Role.ATHLETE)
    athlete.user = user
    athlete.save(update_fields=["user"])
    return user


def _percentage_program(**kwargs: Any) -> tuple[ProgramTemplate, Any, Any]:
    squat = ExerciseFactory(name="Back Squat")
    press = ExerciseFactory(name="Overhead Press")
    template = ProgramTemplateFactory(name="Five Three One", num_weeks=1, num_days=1, **kwargs)
    for n, pct in enumerate([Decimal(65), Decimal(75), Decimal(75), Decimal(75)], start=1):
        PrescribedSetFactory(
            template=template, exercise=squat, set_number=n, reps=5, percentage=pct
        )
    PrescribedSetFactory(
        template=template, exercise=press, set_number=1, reps=5, percentage=Decimal("74.5")
    )
    return template, squat, press


def test_a_program_page_shows_the_loads_for_the_chosen_athlete(coach: Any, athlete: Any) -> None:
    template, squat, _ = _percentage_program()
    TrainingMaxFactory(athlete=athlete, exercise=squat, weight=Decimal(200))
    TrainingMaxFactory(
        athlete=athlete,
        exercise=squat,
        weight=Decimal(300),
        effective_date=_today() + dt.timedelta(days=3),  # not in force yet
    )
    client = client_for(coach)
    bare = client.get(template.get_absolute_url()).content.decode()
    assert "5 @ 65 %" in bare
    assert "3×5 @ 75 %" in bare
    assert "Choose an athlete to see the loads" in bare
    page = client.get(template.get_absolute_url() + f"?athlete={athlete.pk}").content.decode()
    # 200 × 65 % = 130; 200 × 75 % = 150 (plate increment 5); identical sets grouped.
    assert "5 @ 65 % · 130 lbs" in page
    assert "3×5 @ 75 % · 150 lbs" in page
    # No training max for the press: said, and its percentage stays bare.
    assert "5 @ 74.5 %<" in page.replace("</span>", "<")
    assert "no TM</span> for Overhead Press" in page
    assert f"{reverse('athletes:assign', args=[athlete.pk])}?template={template.pk}" in page


def test_loads_round_half_up_to_the_plate_increment(
    coach: Any, athlete: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REPLOG_PLATE_INCREMENT", "2.5")
    template, squat, _ = _percentage_program()
    TrainingMaxFactory(athlete=athlete, exercise=squat, weight=Decimal(75))  # 75 % → 56.25
    page = client_for(coach).get(template.get_absolute_url() + f"?athlete={athlete.pk}")
    assert "3×5 @ 75 % · 57.5 lbs" in page.content.decode()


def test_an_athletes_own_program_shows_their_loads_without_asking(
    coach: Any, athlete: Any, other_coach: Any
) -> None:
    template, squat, _ = _percentage_program(owner=athlete)
    TrainingMaxFactory(athlete=athlete, exercise=squat, weight=Decimal(200))
    assert (
        "3×5 @ 75 % · 150 lbs"
        in client_for(coach).get(template.get_absolute_url()).content.decode()
    )
    user = _athlete_login(athlete)
    assert (
        "3×5 @ 75 % · 150 lbs" in client_for(user).get(template.get_absolute_url()).content.decode()
    )


def test_another_coachs_athlete_gives_no_loads(coach: Any, other_coach: Any) -> None:
    template, squat, _ = _percentage_program()
    stranger = AthleteFactory(coach=other_coach, name="Stranger")
    TrainingMaxFactory(athlete=stranger, exercise=squat, weight=Decimal(200))
    page = client_for(coach).get(template.get_absolute_url() + f"?athlete={stranger.pk}")
    html = page.content.decode()
    assert page.status_code == 200
    assert "150 lbs" not in html
    assert "Stranger" not in html


def test_the_program_page_reads_in_a_constant_number_of_queries(
    coach: Any, athlete: Any, django_assert_num_queries: Any
) -> None:
    template, squat, press = _percentage_program()
    TrainingMaxFactory(athlete=athlete, exercise=squat, weight=Decimal(200))
    client = client_for(coach)
    url = template.get_absolute_url() + f"?athlete={athlete.pk}"
    client.get(url)  # session and settings warm
    # session, user, program, its sets, its rules, athletes, settings (once a request), TMs
    with django_assert_num_queries(8):
        client.get(url)
    template.num_weeks = 8
    template.save()
    for week in range(2, 9):
        for exercise_ in (squat, press):
            PrescribedSetFactory(template=template, exercise=exercise_, week=week, percentage=70)
    with django_assert_num_queries(8):
        assert "5 @ 70 % · 140 lbs" in client.get(url).content.decode()


# --- operators' commands ----------------------------------------------------------------------


def test_import_and_export_catalog_commands_fill_and_read_a_coachs_library(
    coach: Any, tmp_path: Any
) -> None:
    from django.core.management import CommandError, call_command

    source = tmp_path / "three.json"
    source.write_text(json.dumps(THREE), encoding="utf-8")
    call_command("import_catalog", str(source), "--library", coach.username, "--create-missing")
    library = ProgramTemplate.objects.filter(coach=coach, owner__isnull=True)
    assert library.count() == 3
    assert not ProgramTemplate.objects.filter(coach__isnull=True).exists()
    out = tmp_path / "out.json"
    call_command("export_catalog", "--library", coach.username, "-o", str(out))
    assert len(json.loads(out.read_text())["programs"]) == 3
    with pytest.raises(CommandError, match="No active coach"):
        call_command("import_catalog", str(source), "--library", "nobody")


def test_the_program_search_fragment_lists_the_library(coach: Any) -> None:
    import_library(coach)
    response = client_for(coach).get(
        reverse("programs:program_list"), {"q": "Strength 2"}, headers=HX
    )
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="library"' in html
    assert "Strength 2" in html
    assert "Strength 1" not in html


def test_the_athlete_page_links_to_the_whole_program_with_their_loads(
    coach: Any, athlete: Any
) -> None:
    template, squat, _ = _percentage_program()
    TrainingMaxFactory(athlete=athlete, exercise=squat, weight=Decimal(200))
    AthleteProgram.objects.create(athlete=athlete, template=template, start_date=_today())
    user = _athlete_login(athlete)
    for who in (coach, user):
        client = client_for(who)
        page = client.get(athlete.get_absolute_url()).content.decode()
        link = f"{template.get_absolute_url()}?athlete={athlete.pk}"
        assert f'id="program-link" href="{link}"' in page
        assert "3×5 @ 75 % · 150 lbs" in client.get(link).content.decode()


def test_a_coachs_direct_import_for_nobody_lands_in_their_library_never_global(
    coach: Any, admin_user: Any
) -> None:
    from programs.catalog.matching import propose_mapping

    parsed = parse_catalog(THREE)
    assert parsed.catalog is not None
    decisions = propose_mapping(parsed.catalog, owner_id=coach.pk).decide({}, create_missing=True)
    result = catalog_import(catalog=parsed.catalog, mapping=decisions, by=coach)
    created = ProgramTemplate.objects.filter(pk__in=result.template_ids)
    assert {t.coach_id for t in created} == {coach.pk}
    assert not ProgramTemplate.objects.filter(coach__isnull=True, owner__isnull=True).exists()


def test_a_kept_file_is_for_the_next_try_not_for_later(
    coach: Any, other_coach: Any, athlete: Any
) -> None:
    upload(client_for(coach), athlete=athlete.pk)
    kept = KeptUpload.objects.get()
    KeptUpload.objects.filter(pk=kept.pk).update(created_at=kept.created_at - dt.timedelta(days=2))
    page = upload(client_for(coach), None, kept=kept.pk).content.decode()
    assert "Choose a file." in page
    # Keeping anyone's file removes the stale ones.
    upload(client_for(other_coach), b"{not json")
    assert list(KeptUpload.objects.values_list("created_by", flat=True)) == [other_coach.pk]


def test_exact_name_matches_are_collapsed_in_the_preview(coach: Any) -> None:
    ExerciseFactory(name="Back Squat")  # exact; Bench Press is new: to check
    client = client_for(coach)
    upload(client)
    draft = ImportDraft.objects.get()
    page = client.get(draft.get_absolute_url()).content.decode()
    settled = page.split('id="exercises-settled"', 1)[1].split("</details>", 1)[0]
    assert "1 exact match:" in settled
    assert "Back Squat" in settled
    before = page.split('id="exercises-settled"', 1)[0]
    assert "Bench Press" in before.split('id="exercise-names"', 1)[1]
