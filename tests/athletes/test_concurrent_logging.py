"""Workouts logged while the athlete page and the generation packet are read, from real
concurrent connections: no reader fails (the page once answered 500 when a workout landed between
the history's two queries) and every logged workout is kept.

In-memory SQLite gives each thread its own empty database, so the test needs a server database:
CI runs it on PostgreSQL (DATABASE_URL); on SQLite the same race is run against a file database
by `make bench` (bench/load.py: concurrent page readers and workout writers over HTTP)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from athletes.models import Athlete, Workout
from athletes.services import SetInput, workout_log
from generation.packet import build_packet
from tests.factories import (
    AthleteFactory,
    ExerciseFactory,
    UserFactory,
    WorkoutFactory,
    WorkoutSetFactory,
)

WRITES = 24
READS = 12

needs_server_database = pytest.mark.skipif(
    "sqlite" in django_settings.DATABASES["default"]["ENGINE"],
    reason="the in-memory SQLite test database is private to one connection, so no second "
    "thread can race it; CI runs this on PostgreSQL, and `make bench` (bench/load.py) runs the "
    "same readers and writers against a file SQLite database",
)


def _threaded(work: Callable[[], None], errors: list[BaseException]) -> threading.Thread:
    def run() -> None:
        try:
            work()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()  # each thread's own connection

    return threading.Thread(target=run)


@needs_server_database
@pytest.mark.django_db(transaction=True)
def test_logging_while_the_page_and_the_packet_are_read_fails_no_reader() -> None:
    coach = UserFactory(username="loadcoach", role="coach")
    athlete: Athlete = AthleteFactory(name="Tommy", coach=coach)
    squat = ExerciseFactory(name="Back Squat")
    first = dt.date(2025, 1, 1)
    for n in range(5):
        WorkoutSetFactory(
            workout=WorkoutFactory(athlete=athlete, date=first + dt.timedelta(days=n)),
            exercise=squat,
            set_number=1,
        )
    errors: list[BaseException] = []
    statuses: list[int] = []
    start = first + dt.timedelta(days=10)

    def write() -> None:
        for n in range(WRITES):
            row = SetInput(exercise_id=squat.pk, reps=5)
            day = start + dt.timedelta(days=n)
            workout_log(athlete=athlete, date=day, sets=[row, row], by=coach)

    def read_page() -> None:
        client = Client()
        client.force_login(coach)
        for _ in range(READS):
            statuses.append(client.get(reverse("athletes:detail", args=[athlete.pk])).status_code)

    def read_packet() -> None:
        for _ in range(READS):
            build_packet(Athlete.objects.get(pk=athlete.pk))

    threads = [_threaded(w, errors) for w in (write, read_page, read_page, read_packet)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not [t for t in threads if t.is_alive()]
    assert errors == []
    assert statuses == [200] * (2 * READS)
    assert Workout.objects.filter(athlete=athlete).count() == 5 + WRITES
    assert Workout.objects.filter(athlete=athlete, sets__isnull=True).count() == 0
