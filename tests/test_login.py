"""Login throttling (django-axes): an account is locked from one address after the limit of
failures, for the cool-off, with a clear page; each failure is one log line without the
password; admins see and clear lockouts; another account is unaffected."""

from __future__ import annotations

import datetime as dt
import io
import logging
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD, client_for

pytestmark = pytest.mark.django_db

WRONG = "not-the-password-42"


def login(client: Client, username: str, password: str, url: str = "") -> Any:
    return client.post(url or reverse("login"), {"username": username, "password": password})


def fail_to_the_limit(client: Client, username: str, url: str = "") -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, username, WRONG, url)


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_the_right_password_after_the_limit_is_refused_with_a_clear_page(coach: Any) -> None:
    client = Client()
    fail_to_the_limit(client, "coach")
    response = login(client, "coach", PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many failed logins" in page
    assert f"After {settings.AXES_FAILURE_LIMIT} wrong passwords for <strong>coach</strong>" in page
    assert "ask an admin to unlock" in page
    assert not logged_in(client)


def test_below_the_limit_the_right_password_still_logs_in(coach: Any) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "coach", WRONG)
    assert login(client, "coach", PASSWORD).status_code == 302
    assert logged_in(client)


def test_another_account_from_the_same_address_is_unaffected(coach: Any, other_coach: Any) -> None:
    fail_to_the_limit(Client(), "coach")
    client = Client()
    assert login(client, "othercoach", PASSWORD).status_code == 302
    assert logged_in(client)


def test_the_same_account_from_another_address_is_unaffected(coach: Any) -> None:
    fail_to_the_limit(Client(REMOTE_ADDR="10.0.0.9"), "coach")
    client = Client(REMOTE_ADDR="10.0.0.10")
    assert login(client, "coach", PASSWORD).status_code == 302


def test_the_admin_login_is_throttled_too(admin_user: Any) -> None:
    client = Client()
    url = reverse("admin:login")
    fail_to_the_limit(client, "admin", url)
    response = login(client, "admin", PASSWORD, url)
    assert response.status_code == 429
    assert not logged_in(client)


def test_each_failure_is_logged_with_the_username_and_never_the_password(
    coach: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        login(Client(), "coach", WRONG)
        login(Client(), "coach", WRONG)
    failures = [r for r in caplog.records if "login failure" in r.getMessage()]
    assert len(failures) == 2
    assert all("coach" in r.getMessage() for r in failures)
    assert WRONG not in caplog.text
    assert all(r.levelno == logging.WARNING for r in failures)


def test_the_lock_ends_after_the_cool_off(coach: Any) -> None:
    client = Client()
    fail_to_the_limit(client, "coach")
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time
        - settings.AXES_COOLOFF_TIME
        - dt.timedelta(seconds=1)
    )
    assert login(client, "coach", PASSWORD).status_code == 302


def test_admins_see_lockouts_and_a_command_clears_one(coach: Any, admin_user: Any) -> None:
    client = Client()
    fail_to_the_limit(client, "coach")
    listing = client_for(admin_user).get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200
    assert "coach" in listing.content.decode()

    call_command("axes_reset_username", "coach", stdout=io.StringIO())
    assert login(client, "coach", PASSWORD).status_code == 302
