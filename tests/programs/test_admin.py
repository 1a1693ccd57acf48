"""The Django admin for the catalog: lists, search, inlines and the CatalogJSON export action."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse

from programs.drafts import import_draft_create
from programs.models import ProgramTemplate
from tests.conftest import client_for
from tests.factories import (
    ExerciseEquipmentFactory,
    ExerciseFactory,
    PrescribedSetFactory,
    ProgramTemplateFactory,
    ProgressionRuleFactory,
)
from tests.programs.factories_catalog import catalog

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model",
    ["equipment", "exercise", "programtemplate", "prescribedset", "progressionrule", "importdraft"],
)
def test_every_catalog_model_has_a_searchable_admin_list(admin_user: Any, model: str) -> None:
    ExerciseEquipmentFactory()
    PrescribedSetFactory()
    ProgressionRuleFactory()
    import_draft_create(raw=catalog(), by=admin_user)
    response = client_for(admin_user).get(reverse(f"admin:programs_{model}_changelist"), {"q": "a"})
    assert response.status_code == 200


def test_a_program_change_page_shows_its_sets_and_rules_inline(admin_user: Any) -> None:
    template = ProgramTemplateFactory(name="Inline Block")
    squat = ExerciseFactory(name="Back Squat")
    PrescribedSetFactory(template=template, exercise=squat, set_number=1)
    ProgressionRuleFactory(template=template, exercise=squat)
    page = client_for(admin_user).get(
        reverse("admin:programs_programtemplate_change", args=[template.pk])
    )
    body = page.content.decode()
    assert page.status_code == 200
    assert "sets-0-reps" in body
    assert "progression_rules-0-increment" in body


def test_the_export_action_downloads_the_selected_programs(admin_user: Any) -> None:
    chosen = ProgramTemplateFactory(name="Chosen")
    PrescribedSetFactory(template=chosen, exercise=ExerciseFactory(name="Back Squat"))
    ProgramTemplateFactory(name="Other")
    response = client_for(admin_user).post(
        reverse("admin:programs_programtemplate_changelist"),
        {"action": "export_programs", "_selected_action": [chosen.pk]},
    )
    assert response["Content-Disposition"] == 'attachment; filename="replog-programs.json"'
    doc = json.loads(response.content)
    assert [p["name"] for p in doc["programs"]] == ["Chosen"]
    assert ProgramTemplate.objects.count() == 2
