"""Who may reach every URL of the catalog app."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from athletes.models import AthleteProgram
from programs.drafts import import_draft_create
from programs.models import ImportDraft, ProgramTemplate
from tests.access import (
    ADMIN_ONLY,
    ANY_COACH,
    COACH_PAGE,
    COACH_WRITE,
    Case,
    Personas,
    build_personas,
    case_id,
    run_case,
)
from tests.programs.factories_catalog import catalog, exercise, program, pset

EVERYONE = {"anon": 302, "athlete": 200, "other_coach": 200, "coach": 200, "admin": 200}
# An athlete-owned program: its athlete, their coach and admins see it; nobody else knows it exists.
OWN_PROGRAM = {"anon": 302, "athlete": 200, "other_coach": 404, "coach": 200, "admin": 200}
# Upload for the coach's athlete: another coach's form rejects the athlete (200 with an error).
UPLOAD_FOR_ATHLETE = {"anon": 302, "athlete": 403, "other_coach": 200, "coach": 302, "admin": 302}
# An upload for nobody: an admin's goes to the global catalog, a coach's into their library.
UPLOAD_NO_ATHLETE = {"anon": 302, "athlete": 403, "other_coach": 302, "coach": 302, "admin": 302}
# A program in the coach's library: theirs and admins'; an athlete sees it once assigned to them.
LIBRARY = {"anon": 302, "athlete": 404, "other_coach": 404, "coach": 200, "admin": 200}
LIBRARY_ASSIGNED = {**LIBRARY, "athlete": 200}
LIBRARY_DRAFT = {"anon": 302, "athlete": 403, "other_coach": 404, "coach": 200, "admin": 200}
# A coach's own library (the admin persona is a staff coach: theirs, empty, is theirs too).
COACH_ONLY = {"anon": 302, "athlete": 403, "other_coach": 200, "coach": 200, "admin": 200}
GLOBAL_DRAFT = {"anon": 302, "athlete": 403, "other_coach": 404, "coach": 404, "admin": 200}
HTMX_WRITE = {**COACH_PAGE}


class RewindingFile(SimpleUploadedFile):
    """The same upload sent once per persona: read from the start every time."""

    def read(self, *args: Any, **kwargs: Any) -> bytes:
        self.seek(0)
        return super().read(*args, **kwargs)


DOC = catalog(
    exercises=[exercise("Back Squat")],
    programs=[
        program("Alex Import", sets=[pset(percentage=70), pset("Nordic Curl", set_number=1)])
    ],
)


def athlete_draft(p: Personas) -> ImportDraft:
    if "draft" not in p.extra:
        draft, parsed = import_draft_create(raw=DOC, by=p.coach, athlete=p.athlete)
        assert draft is not None, parsed.errors
        p.extra["draft"] = draft
    return p.extra["draft"]


def global_draft(p: Personas) -> ImportDraft:
    if "global_draft" not in p.extra:
        draft, _ = import_draft_create(raw=DOC, by=p.admin)
        assert draft is not None
        p.extra["global_draft"] = draft
    return p.extra["global_draft"]


def library_draft(p: Personas) -> ImportDraft:
    if "library_draft" not in p.extra:
        draft, _ = import_draft_create(raw=DOC, by=p.coach, library_coach=p.coach)
        assert draft is not None
        p.extra["library_draft"] = draft
    return p.extra["library_draft"]


def library_program(p: Personas, *, assigned: bool = False) -> ProgramTemplate:
    key = f"library_{assigned}"
    if key not in p.extra:
        template = ProgramTemplate.objects.create(
            name=f"Library {assigned}", num_weeks=1, num_days=1, coach=p.coach
        )
        if assigned:
            AthleteProgram.objects.create(
                athlete=p.athlete,
                template=template,
                start_date=dt.date(2026, 1, 5),
                is_active=False,
                ended_on=dt.date(2026, 2, 1),
            )
        p.extra[key] = template
    return p.extra[key]


def upload_data(with_athlete: bool) -> Any:
    def build(p: Personas) -> dict[str, Any]:
        data: dict[str, Any] = {
            "file": RewindingFile("plan.json", json.dumps(DOC).encode(), "application/json")
        }
        if with_athlete:
            data["athlete"] = p.athlete.pk
        return data

    return build


def draft_args(p: Personas) -> list[int]:
    return [athlete_draft(p).pk]


def set_args(p: Personas) -> list[int]:
    return [athlete_draft(p).pk, 0, 0]


ACCESS_CASES = [
    Case("programs:exercise_list", expected=EVERYONE),
    Case("programs:exercise_detail", lambda p: [p.exercise.pk], expected=EVERYONE),
    Case("programs:program_list", expected=EVERYONE),
    Case("programs:program_detail", lambda p: [p.template.pk], expected=EVERYONE, label="global"),
    Case(
        "programs:program_detail", lambda p: [p.own_template.pk], expected=OWN_PROGRAM, label="own"
    ),
    Case(
        "programs:program_detail",
        lambda p: [library_program(p).pk],
        expected=LIBRARY,
        label="library",
    ),
    Case(
        "programs:program_detail",
        lambda p: [library_program(p, assigned=True).pk],
        expected=LIBRARY_ASSIGNED,
        label="library, assigned to the athlete",
    ),
    Case(
        "programs:program_export",
        lambda p: [library_program(p).pk],
        expected=LIBRARY,
        label="library",
    ),
    Case("programs:library_export", expected=COACH_ONLY),
    Case("programs:program_export", lambda p: [p.template.pk], expected=EVERYONE, label="global"),
    Case(
        "programs:program_export", lambda p: [p.own_template.pk], expected=OWN_PROGRAM, label="own"
    ),
    Case("programs:catalog_export", expected=ADMIN_ONLY),
    Case("programs:import_upload", expected=ANY_COACH),
    Case(
        "programs:import_create",
        method="post",
        expected=UPLOAD_FOR_ATHLETE,
        data=upload_data(with_athlete=True),
        label="for an athlete",
    ),
    Case(
        "programs:import_create",
        method="post",
        expected=UPLOAD_NO_ATHLETE,
        data=upload_data(with_athlete=False),
        label="global or library",
    ),
    Case("programs:import_preview", draft_args),
    Case(
        "programs:import_preview",
        lambda p: [library_draft(p).pk],
        expected=LIBRARY_DRAFT,
        label="library draft",
    ),
    Case(
        "programs:import_preview",
        lambda p: [global_draft(p).pk],
        expected=GLOBAL_DRAFT,
        label="global draft",
    ),
    Case(
        "programs:import_mapping",
        draft_args,
        "post",
        expected=COACH_WRITE,
        data={"kind": "exercise", "key": "nordic curl", "value": "new"},
    ),
    Case(
        "programs:import_mapping",
        draft_args,
        "post",
        expected=HTMX_WRITE,
        data={"kind": "exercise", "key": "nordic curl", "value": "new"},
        htmx=True,
    ),
    Case(
        "programs:import_program",
        lambda p: [athlete_draft(p).pk, 0],
        "post",
        expected=COACH_WRITE,
        data={"action": "rename", "name": "Renamed"},
    ),
    Case("programs:import_set_edit", set_args),
    Case("programs:import_set_edit", set_args, htmx=True),
    Case("programs:import_set_row", set_args, htmx=True),
    Case(
        "programs:import_set_save",
        set_args,
        "post",
        expected=COACH_WRITE,
        data={"reps": "3", "percentage": "72.5"},
    ),
    Case(
        "programs:import_set_save",
        set_args,
        "post",
        expected=HTMX_WRITE,
        data={"reps": "3"},
        htmx=True,
    ),
    Case("programs:import_approve", draft_args, "post", expected=COACH_WRITE),
    Case("programs:import_discard", draft_args, "post", expected=COACH_WRITE),
]


@pytest.fixture
def personas(db: None) -> Personas:
    return build_personas()


@pytest.mark.parametrize("case", ACCESS_CASES, ids=case_id)
def test_access(case: Case, personas: Personas) -> None:
    run_case(case, personas)


def test_athletes_cannot_import_even_for_themselves(personas: Personas) -> None:
    from django.urls import reverse

    from tests.conftest import client_for

    client = client_for(personas.athlete_user)
    response = client.post(
        reverse("programs:import_create"),
        {"file": RewindingFile("p.json", json.dumps(DOC).encode()), "athlete": personas.athlete.pk},
    )
    assert response.status_code == 403
    assert ImportDraft.objects.count() == 0
