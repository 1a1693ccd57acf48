from __future__ import annotations

import pytest
from django.test import Client

from athletes.models import Athlete, Role, User
from tests.factories import AthleteFactory, UserFactory

PASSWORD = "pw-for-tests-1"


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
