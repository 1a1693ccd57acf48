from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django.fixtures import Settings as SettingsWrapper

TEST_KEY = "replog-test-settings-key-0123456789"
# Shaped like a real key so masking shows its ends; unique enough to search for anywhere.
SECRET = "sk-test-SECRETVALUE-9f8e7d6c5b4a3210-wxyz"


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
