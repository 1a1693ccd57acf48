from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django.fixtures import Settings as SettingsWrapper

from tests.fakes import plugin

# The fake provider's fixtures (also registered suite-wide through tests/conftest.py).
fake_llm = plugin.fake_llm
unused_port = plugin.unused_port

TEST_KEY = "replog-test-settings-key-0123456789"
# Shaped like a real key so masking shows its ends; unique enough to search for anywhere.
SECRET = "sk-test-SECRETVALUE-9f8e7d6c5b4a3210-wxyz"


@pytest.fixture(autouse=True)
def _plain_static_storage(settings: SettingsWrapper) -> None:
    # Outside DEBUG the manifest storage needs collectstatic; pages under test do not.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # The personas' passwords are hashed per test; the production hasher takes ~1 s each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def secret_key(settings: SettingsWrapper) -> str:
    settings.REPLOG_SECRET_KEY = TEST_KEY
    return TEST_KEY


@pytest.fixture
def no_secret_key(settings: SettingsWrapper) -> None:
    settings.REPLOG_SECRET_KEY = ""


def settings_queries(captured: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if "settings_app_appsetting" in q["sql"]]


@pytest.fixture
def capture_queries() -> Iterator[CaptureQueriesContext]:
    with CaptureQueriesContext(connection) as captured:
        yield captured
