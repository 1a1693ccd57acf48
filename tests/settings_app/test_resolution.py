from __future__ import annotations

import logging

import pytest
from django.core.exceptions import ImproperlyConfigured

from settings_app.checks import env_values_valid
from settings_app.models import AppSetting
from settings_app.registry import BY_KEY, REGISTRY, Kind, SettingValueError, coerce, serialize
from settings_app.resolution import (
    Source,
    get_setting,
    setting_bool,
    setting_float,
    setting_int,
    setting_str,
    source_of,
)
from settings_app.services import settings_set

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("env", "db", "expected", "source"),
    [
        (None, None, 90, Source.DEFAULT),
        (None, "120", 120, Source.DB),
        ("45", None, 45, Source.ENV),
        ("45", "120", 45, Source.ENV),
        ("   ", "120", 120, Source.DB),  # blank env counts as unset
        ("", None, 90, Source.DEFAULT),
    ],
)
def test_resolution_order_env_then_database_then_default(
    monkeypatch: pytest.MonkeyPatch, env: str | None, db: str | None, expected: int, source: Source
) -> None:
    if env is not None:
        monkeypatch.setenv("REPLOG_REST_SECONDS", env)
    if db is not None:
        AppSetting.objects.create(key="defaults.rest_seconds", value=db)
    assert get_setting("defaults.rest_seconds") == expected
    assert source_of(BY_KEY["defaults.rest_seconds"]) is source


def test_textarea_setting_without_env_var_resolves_database_then_default() -> None:
    assert get_setting("llm.system_prompt_override") == ""
    AppSetting.objects.create(key="llm.system_prompt_override", value="Be brief.\n  Indented.")
    assert get_setting("llm.system_prompt_override") == "Be brief.\n  Indented."


def test_values_come_back_typed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPLOG_LLM_TEMPERATURE", "1.25")
    AppSetting.objects.create(key="llm.max_tokens", value="4096")
    AppSetting.objects.create(key="defaults.weight_unit", value="kg")
    assert setting_float("llm.temperature") == 1.25
    assert setting_int("llm.max_tokens") == 4096
    assert setting_str("defaults.weight_unit") == "kg"
    assert isinstance(get_setting("matching.high"), float)


def test_every_default_is_valid_for_its_own_setting() -> None:
    for setting in REGISTRY:
        assert coerce(setting, serialize(setting, setting.default)) == setting.default, setting.key


@pytest.mark.parametrize(
    ("key", "raw", "message"),
    [
        ("llm.temperature", "2.5", "above the maximum 2"),
        ("llm.temperature", "-0.1", "below the minimum 0"),
        ("llm.max_tokens", "12.5", "not a whole number"),
        ("llm.max_tokens", "lots", "not a whole number"),
        ("llm.temperature", "nan", "not a finite number"),
        ("defaults.weight_unit", "stone", "not one of 'lbs', 'kg'"),
        ("llm.provider", "openai ", None),  # stripped, valid
        ("llm.base_url", "ftp://example.com", "not an http(s) URL"),
        ("llm.base_url", "127.0.0.1:11434", "not an http(s) URL"),
        ("app.name", "x" * 501, "longer than 500 characters"),
    ],
)
def test_coerce_checks_type_and_bounds(key: str, raw: str, message: str | None) -> None:
    setting = BY_KEY[key]
    if message is None:
        assert coerce(setting, raw) == raw.strip()
        return
    with pytest.raises(SettingValueError) as exc:
        coerce(setting, raw)
    assert message in exc.value.message


def test_bool_coercion_accepts_the_usual_spellings() -> None:
    from settings_app.registry import Setting

    flag = Setting("x.flag", Kind.BOOL, False, "General", "Flag")
    assert [coerce(flag, v) for v in ("1", "true", "Yes", "on", True)] == [True] * 5
    assert [coerce(flag, v) for v in ("0", "false", "no", "off", "", False)] == [False] * 6
    with pytest.raises(SettingValueError):
        coerce(flag, "maybe")


def test_bool_setting_resolves_from_env_and_database(monkeypatch: pytest.MonkeyPatch) -> None:
    from settings_app.registry import Setting

    flag = Setting("x.flag", Kind.BOOL, False, "General", "Flag", env_var="REPLOG_X_FLAG")
    monkeypatch.setitem(BY_KEY, "x.flag", flag)
    assert setting_bool("x.flag") is False
    AppSetting.objects.create(key="x.flag", value="true")
    assert setting_bool("x.flag") is True
    monkeypatch.setenv("REPLOG_X_FLAG", "off")
    assert setting_bool("x.flag") is False


def test_secret_value_errors_never_quote_the_value() -> None:
    with pytest.raises(SettingValueError) as exc:
        coerce(BY_KEY["llm.api_key"], "sk-abc def-ghijkl")
    assert "sk-abc" not in str(exc.value)


def test_invalid_env_value_is_reported_naming_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPLOG_LLM_TEMPERATURE", "hot")
    AppSetting.objects.create(key="llm.temperature", value="0.3")
    with pytest.raises(ImproperlyConfigured) as exc:
        get_setting("llm.temperature")
    assert "REPLOG_LLM_TEMPERATURE" in str(exc.value)
    assert "'hot' is not a number" in str(exc.value)


def test_system_check_fails_on_an_invalid_env_value(monkeypatch: pytest.MonkeyPatch) -> None:
    assert env_values_valid() == []
    monkeypatch.setenv("REPLOG_LLM_MAX_RETRIES", "11")
    errors = env_values_valid()
    assert [e.id for e in errors] == ["settings_app.E001"]
    assert "REPLOG_LLM_MAX_RETRIES" in errors[0].msg


def test_invalid_stored_value_is_logged_and_falls_back_to_default(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # e.g. a bound tightened in the registry after the value was saved
    AppSetting.objects.create(key="llm.max_retries", value="50")
    with caplog.at_level(logging.WARNING, logger="settings_app"):
        assert get_setting("llm.max_retries") == 2
    assert "llm.max_retries" in caplog.text
    assert "above the maximum" in caplog.text
    assert source_of(BY_KEY["llm.max_retries"]) is Source.DEFAULT


def test_rows_of_settings_no_longer_in_the_registry_are_ignored() -> None:
    AppSetting.objects.create(key="old.removed_setting", value="1")
    assert get_setting("app.name") == "RepLog"


def test_unknown_key_is_a_clear_error() -> None:
    with pytest.raises(KeyError, match="registry"):
        get_setting("llm.nope")


def test_settings_set_then_get_round_trips_typed_values() -> None:
    settings_set(key="llm.temperature", value="0.2", by=None)
    settings_set(key="defaults.weight_unit", value="kg", by=None)
    assert get_setting("llm.temperature") == 0.2
    assert AppSetting.objects.get(key="llm.temperature").value == "0.2"
    settings_set(key="llm.temperature", value=None, by=None)
    assert get_setting("llm.temperature") == 0.7
    assert not AppSetting.objects.filter(key="llm.temperature").exists()


def test_settings_set_refuses_an_env_locked_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPLOG_LLM_MODEL", "gpt-4o-mini")
    with pytest.raises(SettingValueError, match="REPLOG_LLM_MODEL"):
        settings_set(key="llm.model", value="other", by=None)
    assert not AppSetting.objects.exists()


def test_bulk_update_accepts_the_category_name_or_slug_and_rejects_strangers() -> None:
    from settings_app.services import settings_bulk_update

    assert settings_bulk_update(category="Name matching", data={"matching.low": "0.6"}, by=None)
    assert (
        settings_bulk_update(category="name-matching", data={"matching.low": "0.6"}, by=None) == []
    )
    assert get_setting("matching.low") == 0.6
    with pytest.raises(ValueError, match="Not in category"):
        settings_bulk_update(category="General", data={"llm.model": "x"}, by=None)
    with pytest.raises(ValueError, match="Unknown settings category"):
        settings_bulk_update(category="Nope", data={}, by=None)


def test_bulk_update_logs_who_changed_which_keys(caplog: pytest.LogCaptureFixture) -> None:
    from settings_app.services import settings_bulk_update

    with caplog.at_level(logging.INFO, logger="settings_app"):
        settings_bulk_update(
            category="llm", data={"llm.model": "m", "llm.max_tokens": "900"}, by=None
        )
    assert "Settings changed by system: llm.model, llm.max_tokens" in caplog.text
