"""Resolution is cached per process, read at most once per request or task, and never stale."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks import task
from pytest_django.fixtures import Settings as SettingsWrapper

from athletes.models import User
from settings_app import crypto, resolution
from settings_app.models import AppSetting
from settings_app.resolution import get_setting, setting_str, settings_scope
from settings_app.services import settings_set
from tests.conftest import client_for
from tests.settings_app.conftest import SECRET, settings_queries


@pytest.mark.django_db
def test_a_hundred_lookups_in_one_scope_cost_one_query() -> None:
    AppSetting.objects.create(key="llm.model", value="gpt-4o-mini")
    with settings_scope(), CaptureQueriesContext(connection) as captured:
        for _ in range(100):
            assert get_setting("llm.model") == "gpt-4o-mini"
            assert get_setting("defaults.rest_seconds") == 90
    assert len(captured.captured_queries) == 1


@pytest.mark.django_db
def test_a_request_reads_the_settings_once(admin_user: User) -> None:
    client = client_for(admin_user)
    client.get(reverse("settings_app:page"))  # warm the process cache
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("settings_app:page"))
    assert response.status_code == 200
    # The page resolves every setting, base.html's context processor resolves more: one read.
    assert len(settings_queries(captured)) == 1


@pytest.mark.django_db
def test_a_change_by_another_process_shows_on_the_next_request(admin_user: User) -> None:
    client = client_for(admin_user)
    AppSetting.objects.create(key="app.name", value="Iron Log")
    assert "Iron Log" in client.get(reverse("settings_app:page")).content.decode()
    # Another process writes the row: nothing in this process is told about it.
    AppSetting.objects.filter(key="app.name").update(value="Steel Log")
    assert "Steel Log" in client.get(reverse("settings_app:page")).content.decode()


@pytest.mark.django_db
def test_within_one_scope_values_stay_consistent_until_this_process_writes() -> None:
    AppSetting.objects.create(key="llm.model", value="one")
    with settings_scope():
        assert get_setting("llm.model") == "one"
        AppSetting.objects.filter(key="llm.model").update(value="two")  # someone else
        assert get_setting("llm.model") == "one"  # this request keeps its snapshot
        settings_set(key="llm.model", value="three", by=None)  # this process writes
        assert get_setting("llm.model") == "three"
    assert get_setting("llm.model") == "three"


@task()
def _read_model_twice() -> list[str]:
    """A background task that sees another process change a setting while it runs."""
    first = setting_str("llm.model")
    AppSetting.objects.filter(key="llm.model").update(value="changed-meanwhile")
    return [first, setting_str("llm.model")]


@pytest.mark.django_db
def test_each_background_task_reads_the_settings_once_and_fresh(
    settings: SettingsWrapper,
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    AppSetting.objects.create(key="llm.model", value="before")
    assert get_setting("llm.model") == "before"  # this process has cached "before"
    first_run = _read_model_twice.enqueue()
    assert first_run.return_value == ["before", "before"]  # stable within one task
    second_run = _read_model_twice.enqueue()
    assert second_run.return_value == ["changed-meanwhile", "changed-meanwhile"]


@pytest.mark.django_db
def test_outside_any_scope_every_lookup_is_current() -> None:
    assert get_setting("llm.model") == ""
    AppSetting.objects.create(key="llm.model", value="m1")
    assert get_setting("llm.model") == "m1"
    AppSetting.objects.filter(key="llm.model").delete()
    assert get_setting("llm.model") == ""


@pytest.mark.django_db
def test_secrets_are_decrypted_only_when_the_rows_change(
    secret_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings_set(key="llm.api_key", value=SECRET, by=None)
    calls: list[str] = []
    real_decrypt = crypto.decrypt

    def counting_decrypt(token: str, *, key: str | None = None) -> str:
        calls.append(token)
        return real_decrypt(token, key=key)

    monkeypatch.setattr(crypto, "decrypt", counting_decrypt)
    resolution.reset_process_cache()
    for _ in range(20):
        assert get_setting("llm.api_key") == SECRET
    assert len(calls) == 1
    settings_set(key="llm.model", value="changed", by=None)
    assert get_setting("llm.api_key") == SECRET
    assert len(calls) == 2


@pytest.mark.django_db(transaction=True)
def test_a_write_from_another_thread_and_connection_is_seen_by_the_next_request(
    admin_user: User,
) -> None:
    client = client_for(admin_user)
    assert "Iron Log" not in client.get(reverse("settings_app:page")).content.decode()

    def other_process() -> None:
        try:
            settings_set(key="app.name", value="Iron Log", by=None)
        finally:
            connection.close()

    worker = threading.Thread(target=other_process)
    worker.start()
    worker.join(timeout=30)
    assert "Iron Log" in client.get(reverse("settings_app:page")).content.decode()
