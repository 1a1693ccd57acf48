"""The queue for real: the database task backend and the db_worker command, run in-process."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from athletes.models import User
from generation.engines import dispatch
from generation.models import GenerationRun, RunStatus
from generation.runs.services import generation_request
from generation.runs.tasks import execute_generation_run
from tests.factories import UserFactory
from tests.generation.factories_runs import (
    FixedEngine,
    build_world,
    request_for,
    small_catalog,
)

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def database_queue(settings: Any) -> Iterator[None]:
    settings.TASKS = DB_TASKS
    # db_worker installs its own SIGINT/SIGTERM handlers; give the test runner its own back.
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_a_requested_run_waits_in_the_queue_until_the_worker_runs_it(
    database_queue: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    coach: User = UserFactory(username="coach")
    world = build_world(coach)
    monkeypatch.setattr(dispatch, "generate_draft", FixedEngine(small_catalog("Month 4")))

    run = generation_request(athlete=world.athlete, request=request_for("Month 4"), by=coach)
    run.refresh_from_db()
    assert run.status == RunStatus.QUEUED
    task = DBTaskResult.objects.get()
    assert run.task_id == str(task.id)
    assert task.args_kwargs == {"args": [], "kwargs": {"run_id": run.pk}}

    run_worker()

    run.refresh_from_db()
    assert run.status == RunStatus.READY
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL"
    assert task.return_value == RunStatus.READY


@pytest.mark.django_db(transaction=True)
def test_a_duplicated_task_does_not_run_the_run_twice(
    database_queue: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    coach: User = UserFactory(username="coach")
    world = build_world(coach)
    engine = FixedEngine(small_catalog("Month 4"))
    monkeypatch.setattr(dispatch, "generate_draft", engine)

    run = generation_request(athlete=world.athlete, request=request_for("Month 4"), by=coach)
    execute_generation_run.enqueue(run_id=run.pk)  # e.g. an operator re-queued it
    assert DBTaskResult.objects.count() == 2

    run_worker()

    assert engine.calls == 1
    assert GenerationRun.objects.get().status == RunStatus.READY
    assert sorted(DBTaskResult.objects.values_list("status", flat=True)) == [
        "SUCCESSFUL",
        "SUCCESSFUL",
    ]


@pytest.mark.django_db(transaction=True)
def test_a_crashing_engine_fails_the_run_not_the_task(
    database_queue: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    coach: User = UserFactory(username="coach")
    world = build_world(coach)

    def crash(packet: Any, request: Any) -> Any:
        raise MemoryError("out of memory")

    monkeypatch.setattr(dispatch, "generate_draft", crash)
    run = generation_request(athlete=world.athlete, request=request_for("Month 4"), by=coach)
    run_worker()
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert "MemoryError" in run.error_message
