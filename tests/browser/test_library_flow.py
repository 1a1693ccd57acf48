"""A coach brings a multi-program catalog into their library and assigns one of its programs to
an athlete, in a real browser: the file sent to one athlete is refused but kept, sent again to the
library without choosing it again, approved, its loads read on the program page, assigned."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect

from athletes.models import Athlete, AthleteProgram
from programs.models import ProgramTemplate
from tests.conftest import PASSWORD
from tests.factories import ExerciseFactory, TrainingMaxFactory
from tests.programs.factories_catalog import catalog, exercise, program, pset

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coach_imports_a_catalog_into_their_library_and_assigns_a_program(
    live_server: Any, page: Any, athlete: Athlete, tmp_path: Any
) -> None:
    squat = ExerciseFactory(name="Back Squat")
    ExerciseFactory(name="Bench Press")
    TrainingMaxFactory(
        athlete=athlete, exercise=squat, weight=Decimal(200), effective_date=dt.date(2025, 1, 1)
    )
    doc = catalog(
        exercises=[exercise("Back Squat"), exercise("Bench Press")],
        programs=[
            program(
                "Squat Focus",
                sets=[pset(set_number=n, percentage=75) for n in (1, 2, 3)],
            ),
            program("Press Focus", sets=[pset("Bench Press", reps=8)]),
        ],
    )
    path = tmp_path / "coach-library.json"
    path.write_text(json.dumps(doc), encoding="utf-8")

    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "coach")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/programs/import/")

    # Sent to one athlete, a two-program file is refused, in words, and kept.
    page.set_input_files("#id_file", str(path))
    page.select_option("#id_athlete", label=athlete.name)
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("#import-errors")).to_contain_text("import it into your library instead")
    expect(page.locator("#kept-file")).to_contain_text("coach-library.json")

    # Into the library, without choosing the file again.
    page.select_option("#id_athlete", label="Nobody — add to my library")
    page.get_by_role("button", name="Check the file").click()
    page.get_by_role("button", name="Approve and import").click()
    expect(page.locator(".message-success")).to_contain_text("2 program(s)")

    page.goto(f"{live_server.url}/programs/")
    library = page.locator("#library")
    expect(library).to_contain_text("Your library")
    library.get_by_role("link", name="Squat Focus").click()
    page.select_option("#loads-athlete", label=athlete.name)
    page.get_by_role("button", name="Show").click()
    expect(page.locator(".week-grid")).to_contain_text("3×5 @ 75 % · 150 lbs")

    page.get_by_role("link", name=f"Assign to {athlete.name}…").click()
    page.get_by_role("button", name="Assign program").click()
    expect(page.locator(".message-success")).to_contain_text("Squat Focus")
    assignment = AthleteProgram.objects.get(athlete=athlete, is_active=True)
    template = ProgramTemplate.objects.get(pk=assignment.template_id)
    assert (template.name, template.coach_id, template.owner_id) == (
        "Squat Focus",
        athlete.coach_id,
        None,
    )
