from __future__ import annotations

import logging
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from athletes.models import User
from settings_app.models import AppSetting
from settings_app.resolution import get_setting
from settings_app.services import settings_set
from tests.conftest import client_for
from tests.settings_app.conftest import SECRET

pytestmark = pytest.mark.django_db

PAGE = reverse("settings_app:page")
HX = {"HTTP_HX_REQUEST": "true"}


def save_url(slug: str) -> str:
    return reverse("settings_app:save", args=[slug])


def llm_post(**overrides: str) -> dict[str, str]:
    data = {
        "llm.provider": "openai",
        "llm.model": "gpt-4o-mini",
        "llm.api_key": "",
        "llm.base_url": "",
        "llm.temperature": "",
        "llm.max_tokens": "",
        "llm.timeout_seconds": "",
        "llm.max_retries": "",
        "llm.ollama_num_ctx": "",
        "llm.system_prompt_override": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def admin_client(admin_user: User) -> Client:
    return client_for(admin_user)


def _input(html: str, name: str) -> str:
    match = re.search(rf'<(input|select|textarea)[^>]*name="{re.escape(name)}"[^>]*>', html)
    assert match, f"no input named {name}"
    return match.group(0)


def test_anonymous_is_sent_to_login() -> None:
    response = Client().get(PAGE)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize("persona", ["coach", "athlete_user"])
def test_non_staff_get_403_on_the_page_and_on_save(
    persona: str, request: pytest.FixtureRequest
) -> None:
    client = client_for(request.getfixturevalue(persona))
    assert client.get(PAGE).status_code == 403
    assert client.post(save_url("llm"), llm_post()).status_code == 403
    assert not AppSetting.objects.exists()


def test_page_shows_every_category_with_typed_inputs(admin_client: Client) -> None:
    html = admin_client.get(PAGE).content.decode()
    for slug in ("general", "llm", "generation", "name-matching"):
        assert f'id="settings-{slug}"' in html
        assert f'action="{save_url(slug)}"' in html
    temperature = _input(html, "llm.temperature")
    assert 'type="number"' in temperature
    assert 'min="0"' in temperature
    assert 'max="2"' in temperature
    assert 'step="any"' in temperature
    assert 'placeholder="0.7"' in temperature
    assert 'step="1"' in _input(html, "llm.max_tokens")
    assert _input(html, "llm.provider").startswith("<select")
    assert 'type="password"' in _input(html, "llm.api_key")
    assert 'autocomplete="new-password"' in _input(html, "llm.api_key")
    assert _input(html, "llm.system_prompt_override").startswith("<textarea")
    assert "Test connection" in html
    assert reverse("generation:test_connection") in html


def test_htmx_save_returns_the_section_fragment_and_applies_at_once(admin_client: Client) -> None:
    response = admin_client.post(save_url("llm"), llm_post(**{"llm.temperature": "0.3"}), **HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith('<section class="card" id="settings-llm"')
    assert "Saved: Provider, Model, Temperature" in html
    assert get_setting("llm.provider") == "openai"
    assert get_setting("llm.temperature") == 0.3
    assert AppSetting.objects.get(key="llm.model").updated_by_id is not None


def test_plain_post_without_javascript_redirects_with_a_message(admin_client: Client) -> None:
    response = admin_client.post(
        save_url("general"),
        {
            "app.name": "Iron Log",
            "defaults.weight_unit": "kg",
            "defaults.rest_seconds": "120",
            "defaults.plate_increment": "",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0].endswith(f"{PAGE}#settings-general")
    html = response.content.decode()
    assert "Saved General settings." in html
    assert get_setting("defaults.weight_unit") == "kg"
    assert get_setting("defaults.rest_seconds") == 120


def test_invalid_values_are_shown_beside_their_fields_and_nothing_is_saved(
    admin_client: Client,
) -> None:
    response = admin_client.post(
        save_url("llm"),
        llm_post(**{"llm.temperature": "3", "llm.max_tokens": "many", "llm.model": "new-model"}),
        **HX,
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "3.0 is above the maximum 2" in html
    assert "&#x27;many&#x27; is not a whole number" in html
    # the bad values come back for correction
    assert 'value="3"' in _input(html, "llm.temperature")
    # all or nothing: the valid model was not saved either
    assert not AppSetting.objects.exists()


def test_invalid_plain_post_renders_the_whole_page_with_errors(admin_client: Client) -> None:
    response = admin_client.post(save_url("llm"), llm_post(**{"llm.temperature": "-1"}))
    assert response.status_code == 422
    html = response.content.decode()
    assert "<html" in html
    assert "is below the minimum 0" in html


def test_cross_setting_rule_is_checked(admin_client: Client) -> None:
    response = admin_client.post(
        save_url("name-matching"),
        {"matching.high": "0.8", "matching.accept": "0.85", "matching.low": ""},
        **HX,
    )
    assert response.status_code == 422
    assert "Must not be above the auto-map threshold (0.8)." in response.content.decode()
    assert not AppSetting.objects.exists()


def test_empty_field_reverts_to_the_default_and_deletes_the_row(admin_client: Client) -> None:
    settings_set(key="llm.temperature", value="0.2", by=None)
    admin_client.post(save_url("llm"), llm_post(**{"llm.temperature": ""}), **HX)
    assert not AppSetting.objects.filter(key="llm.temperature").exists()
    assert get_setting("llm.temperature") == 0.7


def test_a_value_equal_to_the_default_is_not_stored(admin_client: Client) -> None:
    admin_client.post(save_url("llm"), llm_post(**{"llm.max_tokens": "8192"}), **HX)
    assert not AppSetting.objects.filter(key="llm.max_tokens").exists()


def test_env_set_value_is_shown_locked_and_a_posted_value_is_ignored(
    admin_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REPLOG_LLM_MODEL", "env-model-7b")
    html = admin_client.get(PAGE).content.decode()
    model_input = _input(html, "llm.model")
    assert "disabled" in model_input
    assert 'value="env-model-7b"' in model_input
    assert "(set via environment)" in html
    assert "REPLOG_LLM_MODEL" in html

    admin_client.post(save_url("llm"), llm_post(**{"llm.model": "sneaky"}), **HX)
    assert not AppSetting.objects.filter(key="llm.model").exists()
    assert get_setting("llm.model") == "env-model-7b"


def test_invalid_env_value_is_shown_on_the_page_not_a_500(
    admin_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REPLOG_LLM_TIMEOUT_SECONDS", "soon")
    response = admin_client.get(PAGE)
    assert response.status_code == 200
    assert "REPLOG_LLM_TIMEOUT_SECONDS has an invalid value" in response.content.decode()


def test_secret_round_trip_keeps_the_stored_value_behind_its_mask(
    admin_client: Client, secret_key: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    response = admin_client.post(save_url("llm"), llm_post(**{"llm.api_key": SECRET}), **HX)
    assert response.status_code == 200
    assert get_setting("llm.api_key") == SECRET
    html = admin_client.get(PAGE).content.decode()
    assert 'value="sk-…wxyz"' in _input(html, "llm.api_key")
    assert "Saved encrypted: sk-…wxyz" in html
    token_before = AppSetting.objects.get(key="llm.api_key").secret_value

    # The form posts the mask back unchanged while another field changes.
    response = admin_client.post(
        save_url("llm"), llm_post(**{"llm.api_key": "sk-…wxyz", "llm.max_retries": "4"}), **HX
    )
    assert "Saved: Max retries" in response.content.decode()
    assert AppSetting.objects.get(key="llm.api_key").secret_value == token_before
    assert get_setting("llm.api_key") == SECRET

    # Emptying it removes it.
    admin_client.post(save_url("llm"), llm_post(**{"llm.api_key": ""}), **HX)
    assert not AppSetting.objects.filter(key="llm.api_key").exists()
    assert SECRET not in caplog.text
    assert SECRET not in response.content.decode()


def test_a_typed_secret_is_not_sent_back_when_another_field_fails(
    admin_client: Client, secret_key: str
) -> None:
    response = admin_client.post(
        save_url("llm"), llm_post(**{"llm.api_key": SECRET, "llm.temperature": "9"}), **HX
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert SECRET not in html
    assert "SECRETVALUE" not in html
    assert "enter it again" in html
    assert not AppSetting.objects.exists()


def test_without_replog_secret_key_the_page_warns_and_refuses_secrets(
    admin_client: Client, no_secret_key: None, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    html = admin_client.get(PAGE).content.decode()
    assert "Secrets cannot be saved on this page yet" in html
    assert "REPLOG_SECRET_KEY" in html
    response = admin_client.post(save_url("llm"), llm_post(**{"llm.api_key": SECRET}), **HX)
    assert response.status_code == 422
    html = response.content.decode()
    assert "Secrets cannot be stored: REPLOG_SECRET_KEY is not set." in html
    assert SECRET not in html
    assert SECRET not in caplog.text
    assert not AppSetting.objects.exists()


def test_with_replog_secret_key_there_is_no_warning(admin_client: Client, secret_key: str) -> None:
    assert "Secrets cannot be saved" not in admin_client.get(PAGE).content.decode()


def test_undecryptable_secret_asks_to_be_entered_again(
    admin_client: Client, secret_key: str, settings: object
) -> None:
    settings_set(key="llm.api_key", value=SECRET, by=None)
    settings.REPLOG_SECRET_KEY = "some-other-key-entirely"  # type: ignore[attr-defined]
    html = admin_client.get(PAGE).content.decode()
    assert "cannot decrypt — re-enter" in html
    assert SECRET not in html


def test_unknown_category_is_404(admin_client: Client) -> None:
    assert admin_client.post(save_url("nope"), {}).status_code == 404


def test_the_page_is_get_only_and_save_is_post_only(admin_client: Client) -> None:
    assert admin_client.post(PAGE).status_code == 405
    assert admin_client.get(save_url("llm")).status_code == 405


def test_page_query_count_does_not_grow_with_saved_settings(admin_client: Client) -> None:
    admin_client.get(PAGE)
    with CaptureQueriesContext(connection) as few:
        admin_client.get(PAGE)
    for key, value in [("app.name", "X"), ("llm.model", "m"), ("llm.max_tokens", "1000")]:
        settings_set(key=key, value=value, by=None)
    with CaptureQueriesContext(connection) as many:
        admin_client.get(PAGE)
    assert len(many.captured_queries) == len(few.captured_queries)


def test_admin_index_links_to_the_settings_page(admin_client: Client) -> None:
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert f'href="{PAGE}"' in html


def test_admin_list_of_rows_is_read_only_and_never_shows_the_secret(
    admin_client: Client, secret_key: str
) -> None:
    settings_set(key="llm.api_key", value=SECRET, by=None)
    token = AppSetting.objects.get(key="llm.api_key").secret_value
    changelist = reverse("admin:settings_app_appsetting_changelist")
    html = admin_client.get(changelist).content.decode()
    assert "llm.api_key" in html
    assert "(encrypted)" in html
    assert SECRET not in html
    assert token not in html
    detail = reverse("admin:settings_app_appsetting_change", args=["llm.api_key"])
    html = admin_client.get(detail).content.decode()
    assert SECRET not in html
    assert token not in html
    assert admin_client.post(detail, {"value": "x"}).status_code == 403
    assert (
        reverse("admin:settings_app_appsetting_add")
        not in admin_client.get(changelist).content.decode()
    )
