"""NUL, lone surrogates and invisible characters in CatalogJSON: refused with the JSON path at
the parser, so upload, command and approve never reach the database with them (PostgreSQL
refuses NUL in text and jsonb; a lone surrogate cannot be rendered)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from programs.catalog.parse import parse_catalog
from programs.models import Exercise, ImportDraft, ProgramTemplate
from tests.conftest import client_for
from tests.programs.factories_catalog import catalog, exercise, program, pset
from tests.programs.test_views import upload

NUL_DOC = catalog(
    exercises=[exercise("Back Squat", form_notes="brace\u0000hard")],
    programs=[program(sets=[pset()])],
)
# json.dumps writes "\ud800" as an escape, exactly as a hostile file would.
SURROGATE_TEXT = json.dumps(catalog(programs=[program(name="Block \ud800", sets=[pset()])]))


def errors(raw: Any) -> list[str]:
    result = parse_catalog(raw)
    assert not result.ok
    return [str(issue) for issue in result.errors]


def test_a_nul_in_any_text_field_is_refused_with_its_path() -> None:
    assert errors(json.dumps(NUL_DOC)) == [
        "exercises[0].form_notes: contains a NUL character (U+0000) at position 6"
    ]


def test_a_lone_surrogate_is_refused_with_its_path() -> None:
    assert errors(SURROGATE_TEXT) == [
        "programs[0].name: contains a lone UTF-16 surrogate (U+D800) at position 7, "
        "which is not a character"
    ]


def test_a_nul_in_an_unknown_key_is_refused_too() -> None:
    doc = catalog(programs=[program(sets=[pset(**{"x\u0000": 1})])])
    assert errors(doc) == [
        "programs[0].prescribed_sets[0]: has a key that contains a NUL character (U+0000) "
        "at position 2"
    ]


@pytest.mark.parametrize(
    "name", ["Back\u202eSquat", "Back\u200bSquat", "Back\u2060Squat", "Back\tSquat"]
)
def test_invisible_characters_in_names_are_refused(name: str) -> None:
    [message] = errors(catalog(programs=[program(sets=[pset(exercise=name)])]))
    assert message.startswith("programs[0].prescribed_sets[0].exercise: contains an invisible")


def test_names_that_look_the_same_are_the_same() -> None:
    doc = catalog(
        exercises=[exercise("Cafe\u0301  Press"), exercise("Café Press")],
        programs=[program(sets=[pset(exercise="Café Press")])],
    )
    assert errors(doc) == [
        "exercises[1].name: 'Café Press' is already at exercises[0] "
        "(names are unique, ignoring case)"
    ]


@pytest.mark.django_db
def test_upload_with_nul_or_surrogate_shows_the_path_and_stores_nothing(admin_user: Any) -> None:
    client = client_for(admin_user)
    for content in (json.dumps(NUL_DOC).encode(), SURROGATE_TEXT.encode()):
        response = upload(client, content)
        assert response.status_code == 200
        page = response.content.decode()
        # The place in the coach's words; a refused name is not echoed into the page.
        assert "Exercise 1, form notes" in page or "Program 1, name" in page
        assert "\ud800" not in page
    assert ImportDraft.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("dry_run", [False, True])
def test_import_catalog_refuses_nul_and_surrogates_without_a_traceback(
    tmp_path: Path, dry_run: bool
) -> None:
    for text in (json.dumps(NUL_DOC), SURROGATE_TEXT):
        path = tmp_path / "hostile.json"
        path.write_text(text)
        out = io.StringIO()
        with pytest.raises(CommandError):
            call_command(
                "import_catalog", str(path), *(["--dry-run"] if dry_run else []), stdout=out
            )
        assert "contains a" in out.getvalue()
    assert Exercise.objects.count() == 0
    assert ProgramTemplate.objects.count() == 0
