from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.test import Client

from athletes.models import Athlete, Role, User
from settings_app import resolution
from settings_app.registry import REGISTRY
from tests.factories import AthleteFactory, UserFactory

PASSWORD = "pw-for-tests-1"

# Test databases start empty: the seed catalog would otherwise be loaded by every migrate and
# every flush of a transactional test. The seed loader has tests of its own.
settings.REPLOG_SEED_ON_MIGRATE = False
# Personas are created per test; the production hasher costs ~1 s each on this hardware.
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Outside DEBUG the manifest storage needs collectstatic; pages under test do not.
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

pytest_plugins = ["tests.fakes.plugin"]


@pytest.fixture(autouse=True)
def _isolated_app_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Tests decide which REPLOG_* variables are set, not the developer's shell; and no
    resolved setting leaks from one test to the next through the per-process cache."""
    for entry in REGISTRY:
        if entry.env_var:
            monkeypatch.delenv(entry.env_var, raising=False)
    resolution.reset_process_cache()
    yield
    resolution.reset_process_cache()


@pytest.fixture
def admin_user(db: None) -> User:
    return UserFactory(username="admin", is_staff=True, is_superuser=True, role=Role.COACH)


@pytest.fixture
def coach(db: None) -> User:
    return UserFactory(username="coach", role=Role.COACH)


@pytest.fixture
def other_coach(db: None) -> User:
    return UserFactory(username="othercoach", role=Role.COACH)


@pytest.fixture
def athlete(db: None, coach: User) -> Athlete:
    login = UserFactory(username="athlete", role=Role.ATHLETE)
    return AthleteFactory(name="Alex", coach=coach, user=login)


@pytest.fixture
def athlete_user(athlete: Athlete) -> User:
    assert athlete.user is not None
    return athlete.user


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def coach_client(coach: User) -> Client:
    return client_for(coach)


@pytest.fixture
def admin_client_(admin_user: User) -> Client:
    return client_for(admin_user)
