from __future__ import annotations

import io
import logging

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from pytest_django.fixtures import Settings as SettingsWrapper

from settings_app import crypto
from settings_app.models import AppSetting
from settings_app.resolution import DECRYPT_ERROR, Source, get_setting
from settings_app.selectors import SettingState, settings_describe
from settings_app.services import settings_rotate_key, settings_set
from tests.settings_app.conftest import SECRET, TEST_KEY

pytestmark = pytest.mark.django_db


def _raw_row(key: str) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT value, secret_value FROM settings_app_appsetting WHERE key = %s", [key]
        )
        row = cursor.fetchone()
    assert row is not None
    return str(row[0]), str(row[1])


def _state(key: str) -> SettingState:
    return next(s for c in settings_describe() for s in c.settings if s.key == key)


def test_secret_is_encrypted_at_rest_and_resolves_in_clear(secret_key: str) -> None:
    settings_set(key="llm.api_key", value=SECRET, by=None)
    value, token = _raw_row("llm.api_key")
    assert value == ""
    assert token
    assert SECRET not in token
    assert "SECRETVALUE" not in token
    assert get_setting("llm.api_key") == SECRET


def test_encryption_uses_replog_secret_key_not_django_secret_key(
    settings: SettingsWrapper, secret_key: str
) -> None:
    settings_set(key="llm.api_key", value=SECRET, by=None)
    _, token = _raw_row("llm.api_key")
    assert crypto.decrypt(token, key=TEST_KEY) == SECRET
    with pytest.raises(crypto.DecryptError):
        crypto.decrypt(token, key=settings.SECRET_KEY)


def test_two_encryptions_of_one_secret_differ(secret_key: str) -> None:
    assert crypto.encrypt(SECRET) != crypto.encrypt(SECRET)


def test_saving_a_secret_without_replog_secret_key_is_refused(no_secret_key: None) -> None:
    with pytest.raises(crypto.SecretKeyMissing) as exc:
        settings_set(key="llm.api_key", value=SECRET, by=None)
    assert "REPLOG_SECRET_KEY is not set" in str(exc.value)
    assert SECRET not in str(exc.value)
    assert not AppSetting.objects.exists()


def test_secret_from_env_works_without_replog_secret_key(
    no_secret_key: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REPLOG_LLM_API_KEY", SECRET)
    assert get_setting("llm.api_key") == SECRET
    state = _state("llm.api_key")
    assert state.locked
    assert state.display == "sk-…wxyz"


def test_undecryptable_secret_resolves_unset_and_logs_the_key_not_the_value(
    settings: SettingsWrapper, secret_key: str, caplog: pytest.LogCaptureFixture
) -> None:
    settings_set(key="llm.api_key", value=SECRET, by=None)
    settings.REPLOG_SECRET_KEY = "a-different-key-after-a-careless-redeploy"
    with caplog.at_level(logging.WARNING):
        assert get_setting("llm.api_key") == ""
    assert "llm.api_key" in caplog.text
    assert "cannot be decrypted" in caplog.text
    assert SECRET not in caplog.text
    state = _state("llm.api_key")
    assert state.error == DECRYPT_ERROR
    assert state.form_value == ""


def test_secret_row_without_any_key_is_shown_as_cannot_decrypt(
    settings: SettingsWrapper, secret_key: str
) -> None:
    settings_set(key="llm.api_key", value=SECRET, by=None)
    settings.REPLOG_SECRET_KEY = ""
    assert get_setting("llm.api_key") == ""
    assert _state("llm.api_key").error == DECRYPT_ERROR


def test_rotation_reencrypts_every_secret_under_the_new_key(settings: SettingsWrapper) -> None:
    settings.REPLOG_SECRET_KEY = "old-key-old-key-old-key"
    settings_set(key="llm.api_key", value=SECRET, by=None)
    settings_set(key="llm.model", value="gpt-4o-mini", by=None)
    _, old_token = _raw_row("llm.api_key")

    settings.REPLOG_SECRET_KEY = "new-key-new-key-new-key"
    assert get_setting("llm.api_key") == ""  # not readable until rotated
    out = io.StringIO()
    call_command("rotate_settings_key", "--old-key", "old-key-old-key-old-key", stdout=out)

    assert "Re-encrypted 1 secret setting(s)" in out.getvalue()
    _, new_token = _raw_row("llm.api_key")
    assert new_token != old_token
    assert crypto.decrypt(new_token, key="new-key-new-key-new-key") == SECRET
    assert get_setting("llm.api_key") == SECRET
    assert get_setting("llm.model") == "gpt-4o-mini"


def test_rotation_reads_the_old_key_from_the_environment(
    settings: SettingsWrapper, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.REPLOG_SECRET_KEY = "old-key-old-key-old-key"
    settings_set(key="llm.api_key", value=SECRET, by=None)
    settings.REPLOG_SECRET_KEY = "new-key-new-key-new-key"
    monkeypatch.setenv("REPLOG_OLD_SECRET_KEY", "old-key-old-key-old-key")
    call_command("rotate_settings_key", stdout=io.StringIO())
    assert get_setting("llm.api_key") == SECRET


def test_rotation_with_a_wrong_old_key_changes_nothing(settings: SettingsWrapper) -> None:
    settings.REPLOG_SECRET_KEY = "old-key-old-key-old-key"
    settings_set(key="llm.api_key", value=SECRET, by=None)
    _, before = _raw_row("llm.api_key")
    settings.REPLOG_SECRET_KEY = "new-key-new-key-new-key"
    with pytest.raises(CommandError) as exc:
        call_command("rotate_settings_key", "--old-key", "not-the-old-key", stdout=io.StringIO())
    assert "llm.api_key" in str(exc.value)
    assert "nothing was changed" in str(exc.value)
    assert _raw_row("llm.api_key")[1] == before


def test_rotation_counts_secrets_already_under_the_current_key(settings: SettingsWrapper) -> None:
    settings.REPLOG_SECRET_KEY = "new-key-new-key-new-key"
    settings_set(key="llm.api_key", value=SECRET, by=None)
    result = settings_rotate_key(old_key="old-key-old-key-old-key")
    assert (result.reencrypted, result.already_current) == (0, 1)


def test_rotation_needs_a_current_key_and_a_different_old_one(settings: SettingsWrapper) -> None:
    settings.REPLOG_SECRET_KEY = ""
    with pytest.raises(CommandError, match="REPLOG_SECRET_KEY is not set"):
        call_command("rotate_settings_key", "--old-key", "x", stdout=io.StringIO())
    settings.REPLOG_SECRET_KEY = "same-key-same-key"
    with pytest.raises(CommandError, match="nothing to rotate"):
        call_command("rotate_settings_key", "--old-key", "same-key-same-key", stdout=io.StringIO())
    with pytest.raises(CommandError, match="--old-key"):
        call_command("rotate_settings_key", stdout=io.StringIO())


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("sk-proj-abcdefghijklmnopqrstuvwxyzabcd", "sk-…abcd"),
        ("0123456789abcdef", "…cdef"),
        ("short-key", "••••••••"),
        ("", ""),
    ],
)
def test_mask_shows_only_the_ends_of_long_keys(value: str, masked: str) -> None:
    assert crypto.mask_secret(value) == masked


def test_dumpdata_export_holds_only_the_ciphertext(secret_key: str) -> None:
    settings_set(key="llm.api_key", value=SECRET, by=None)
    out = io.StringIO()
    call_command("dumpdata", "settings_app", stdout=out)
    assert "llm.api_key" in out.getvalue()
    assert SECRET not in out.getvalue()


def test_llm_config_repr_never_shows_the_key(secret_key: str) -> None:
    from generation.llm import LLMConfig

    settings_set(key="llm.api_key", value=SECRET, by=None)
    config = LLMConfig.from_settings()
    assert config.api_key == SECRET
    assert SECRET not in repr(config)


def test_describe_reports_source_and_value_and_never_carries_a_secret(
    secret_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings_set(key="llm.api_key", value=SECRET, by=None)
    settings_set(key="llm.max_tokens", value="4000", by=None)
    monkeypatch.setenv("REPLOG_LLM_MODEL", "env-model")
    states = {s.key: s for c in settings_describe() for s in c.settings}
    assert (states["llm.api_key"].source, states["llm.api_key"].value) == (Source.DB, "sk-…wxyz")
    assert (states["llm.max_tokens"].source, states["llm.max_tokens"].value) == (Source.DB, 4000)
    assert states["llm.model"].source is Source.ENV
    assert states["llm.model"].locked
    assert states["llm.temperature"].source is Source.DEFAULT
    assert states["llm.temperature"].value == 0.7
    assert SECRET not in repr(settings_describe())
    monkeypatch.setenv("REPLOG_LLM_API_KEY", SECRET)
    assert SECRET not in repr(settings_describe())


def test_rotation_is_all_or_nothing(settings: SettingsWrapper) -> None:
    settings.REPLOG_SECRET_KEY = "new-key-new-key-new-key"
    old = "old-key-old-key-old-key"
    AppSetting.objects.create(key="llm.api_key", secret_value=crypto.encrypt(SECRET, key=old))
    AppSetting.objects.create(key="x.damaged", secret_value="gAAAAA-not-a-token")
    before = dict(AppSetting.objects.values_list("key", "secret_value"))
    with pytest.raises(CommandError) as exc:
        call_command("rotate_settings_key", "--old-key", old, stdout=io.StringIO())
    assert "x.damaged" in str(exc.value)
    assert "llm.api_key" not in str(exc.value)
    assert dict(AppSetting.objects.values_list("key", "secret_value")) == before
