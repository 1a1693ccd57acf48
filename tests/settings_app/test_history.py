"""Every change of the settings store is recorded (who, when, key, before/after with secrets
masked) and shown on the settings page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from athletes.models import User
from settings_app.models import SettingChange
from settings_app.services import settings_bulk_update, settings_set
from tests.conftest import client_for
from tests.settings_app.conftest import SECRET

pytestmark = pytest.mark.django_db


def test_a_change_records_who_which_key_and_both_values(admin_user: User) -> None:
    settings_set(key="defaults.rest_seconds", value="120", by=admin_user)
    settings_set(key="defaults.rest_seconds", value="", by=admin_user)
    later, first = SettingChange.objects.all()
    assert (first.key, first.changed_by, first.old_display, first.new_display) == (
        "defaults.rest_seconds",
        admin_user,
        "90",
        "120",
    )
    assert (later.old_display, later.new_display) == ("120", "90")


def test_saving_the_same_value_records_nothing(admin_user: User) -> None:
    settings_set(key="defaults.rest_seconds", value="120", by=admin_user)
    settings_set(key="defaults.rest_seconds", value="120", by=admin_user)
    assert SettingChange.objects.count() == 1


def test_a_secret_is_recorded_masked_only(admin_user: User, secret_key: str) -> None:
    settings_bulk_update(
        category="LLM",
        data={"llm.provider": "openai", "llm.model": "gpt-4o-mini", "llm.api_key": SECRET},
        by=admin_user,
    )
    change = SettingChange.objects.get(key="llm.api_key")
    assert change.new_display == "sk-…wxyz"
    assert not SettingChange.objects.filter(new_display__contains="SECRETVALUE").exists()


def test_the_page_shows_recent_changes(admin_user: User) -> None:
    settings_set(key="app.name", value="Barbell Club", by=admin_user)
    page = client_for(admin_user).get(reverse("settings_app:page")).content.decode()
    assert "Recent changes" in page
    assert "<code>app.name</code>" in page
    assert "Barbell Club" in page
    assert f"<td>{admin_user.username}</td>" in page
