"""Batch runs and the workers: claiming is exactly-once across threads and processes, and the
runs go through the task backend configured in settings (database, or a broker's)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection
from django_tasks import task_backends
from django_tasks_db.models import DBTaskResult

from athletes.models import User
from generation import batch
from generation.batch import planning
from generation.engines import dispatch
from generation.models import GenerationRun, RunStatus
from generation.runs.tasks import execute_generation_run
from tests.factories import AthleteFactory, ExerciseFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]
DUMMY = "django_tasks.backends.dummy.DummyBackend"
IMMEDIATE = "django_tasks.backends.immediate.ImmediateBackend"
DATABASE = "django_tasks_db.DatabaseBackend"


def use_backend(settings: Any, backend: str) -> None:
    settings.TASKS = {"default": {"BACKEND": backend, "QUEUES": ["default"]}}


def basic_catalog() -> None:
    """Bodyweight exercises in the basic patterns: enough for the rules engine to draft from."""
    for name, pattern in (
        ("Air Squat", "squat"),
        ("Glute Bridge", "hinge"),
        ("Push-Up", "horizontal_push"),
        ("Inverted Row", "horizontal_pull"),
        ("Plank", "core"),
    ):
        ExerciseFactory(name=name, movement_pattern=pattern)


@pytest.fixture
def squad(db: None) -> list[int]:
    basic_catalog()
    coach: User = UserFactory(username="coach")
    return [AthleteFactory(name=f"Squad {n}", coach=coach).pk for n in range(3)]


def queue_batch(capture: Any, *extra: str) -> str:
    out = io.StringIO()
    with capture(execute=True):
        call_command(
            "generate_programs", "--coach", "coach", "--engine", "rules", *extra, stdout=out
        )
    return out.getvalue()


# --- the task backend is a setting ------------------------------------------------------------


def test_runs_are_enqueued_on_the_database_backend_by_default(
    squad: list[int], settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    use_backend(settings, DATABASE)

    queue_batch(django_capture_on_commit_callbacks)

    runs = list(GenerationRun.objects.order_by("pk"))
    tasks = {str(t.id): t for t in DBTaskResult.objects.all()}
    assert len(tasks) == 3
    for run in runs:
        assert run.status == RunStatus.QUEUED
        assert tasks[run.task_id].args_kwargs == {"args": [], "kwargs": {"run_id": run.pk}}


def test_a_broker_backend_receives_the_same_tasks_and_the_database_queue_none(
    squad: list[int], settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # Celery or RQ backends are installed the same way; DummyBackend records what a broker
    # would have received, so the test can play the broker's worker.
    use_backend(settings, DUMMY)

    queue_batch(django_capture_on_commit_callbacks)

    backend = task_backends["default"]
    sent = {r.kwargs["run_id"]: r for r in backend.results}  # type: ignore[attr-defined]
    runs = list(GenerationRun.objects.order_by("pk"))
    assert set(sent) == {r.pk for r in runs}
    assert all(r.task.name == execute_generation_run.name for r in sent.values())
    assert all(run.task_id == sent[run.pk].id for run in runs)
    assert DBTaskResult.objects.count() == 0
    assert {r.status for r in runs} == {RunStatus.QUEUED}

    for result in sent.values():  # the broker's worker
        result.task.call(*result.args, **result.kwargs)

    assert set(GenerationRun.objects.values_list("status", flat=True)) == {RunStatus.READY}


@pytest.mark.django_db(transaction=True)
def test_a_batch_is_queued_in_one_transaction_and_an_error_midway_queues_nothing(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_backend(settings, DATABASE)
    basic_catalog()
    coach: User = UserFactory(username="coach")
    for n in range(3):
        AthleteFactory(name=f"Squad {n}", coach=coach)
    items = batch.plan_batch(batch.select_athletes(coach="coach"))
    real = planning.generation_request
    calls = Counter[str]()

    def failing_on_the_third(**kwargs: Any) -> Any:
        calls["request"] += 1
        if calls["request"] == 3:
            raise RuntimeError("the database went away")
        return real(**kwargs)

    monkeypatch.setattr(planning, "generation_request", failing_on_the_third)
    with pytest.raises(RuntimeError):
        batch.create_runs(items, batch_id="half")

    assert GenerationRun.objects.count() == 0
    assert DBTaskResult.objects.count() == 0

    monkeypatch.setattr(planning, "generation_request", real)
    batch.create_runs(items, batch_id="whole")

    runs = list(GenerationRun.objects.all())
    assert len(runs) == 3
    assert DBTaskResult.objects.count() == 3  # enqueued as the transaction committed
    assert all(run.task_id for run in runs)


def test_with_an_immediate_backend_the_runs_execute_as_they_are_enqueued(
    transactional_db: None, squad: list[int], settings: Any
) -> None:
    use_backend(settings, IMMEDIATE)
    out = io.StringIO()

    # Autocommit, as in production: each run's task is enqueued, and so executed, as soon as
    # the run is created — before the command prints its table.
    call_command("generate_programs", "--coach", "coach", "--engine", "rules", stdout=out)

    assert set(GenerationRun.objects.values_list("status", flat=True)) == {RunStatus.READY}
    assert DBTaskResult.objects.count() == 0
    assert "3 athletes: 3 ready" in out.getvalue()


def test_the_backend_comes_from_the_environment() -> None:
    code = (
        "import django; django.setup(); "
        "from django_tasks import task_backends; print(type(task_backends['default']).__name__)"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "replog.settings",
        "SECRET_KEY": "test-only-secret-key",
        "REPLOG_TASK_BACKEND": DUMMY,
    }
    shown = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )

    assert shown.stdout.strip() == "DummyBackend"


# --- exactly once -----------------------------------------------------------------------------


def _database_url_for_subprocess() -> list[str]:
    """The claim race builds its own throwaway database: a SQLite file, or a database of its
    own on the suite's PostgreSQL server."""
    db = django_settings.DATABASES["default"]
    if connection.vendor != "postgresql":
        return []
    user, password = db.get("USER", ""), db.get("PASSWORD", "")
    host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    return ["--database-url", f"postgres://{user}:{password}@{host}:{port}/{db['NAME']}"]


def claim_race(*args: str) -> dict[str, Any]:
    """Run bench/claim_race.py with these arguments on a throwaway database of the suite's kind;
    its result, once it has exited 0 (all its own checks passed)."""
    env = {**os.environ, "SECRET_KEY": "test-only-secret-key"}
    env.pop("DATABASE_URL", None)
    race = subprocess.run(  # noqa: S603 - our own script, fixed arguments
        [
            sys.executable,
            str(ROOT / "bench" / "claim_race.py"),
            *args,
            "--json",
            *_database_url_for_subprocess(),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert race.returncode == 0, race.stdout + race.stderr
    result: dict[str, Any] = json.loads(race.stdout.strip().splitlines()[-1])
    return result


def test_processes_and_a_worker_racing_for_the_same_runs_execute_each_exactly_once() -> None:
    # A db_worker, and generate_programs --wait forking two processes of its own.
    result = claim_race("--runs", "8", "--processes", "2", "--threads", "2")

    assert result["executions"] == result["runs"] == 8
    assert result["duplicates"] == result["missing"] == result["not_ready"] == []
    assert result["wrong_packet"] == []


@pytest.mark.parametrize("threads", [1, 2])
def test_killing_a_batch_process_mid_run_loses_nothing(threads: int) -> None:
    # More runs than threads in all; with two threads the dead process also held the run its
    # other thread was executing. claim_race no longer moves any deadline: the command must
    # fail the dead process's runs because it saw it die (before, it waited ten minutes).
    result = claim_race(
        "--runs", "12", "--threads", str(threads), "--hold", "0.3", "--kill-one", "--timeout", "120"
    )  # fmt: skip

    # Each run executed once; the killed one failed with the reason, and so did the run its
    # other thread held (if any); all others are ready, including the runs the killed process
    # had taken ahead (the command finished them itself).
    assert result["executions"] == result["runs"] == 12
    assert result["duplicates"] == result["missing"] == result["wrong_packet"] == []
    assert result["killed_run"] in result["not_ready"]
    # Its other thread is almost always mid-run too, but may (on a loaded machine) not have
    # claimed one yet. Had its run been left "working", the command would still be waiting for
    # the run's deadline and claim_race would fail on its --timeout.
    assert 1 <= len(result["not_ready"]) <= threads
    died = "the batch worker process died (killed by SIGKILL)"
    assert died in result["killed_run_error"]
    assert all("worker process died" in error for error in result["failed_errors"])
    assert result["exit_codes"] == [1]  # the command reports the failed runs
    # The surviving process drains the queue; the run the killed one had taken ahead was left
    # queued (taken, never claimed) and the command executed it itself: a third executor.
    assert result["processes_that_executed"] == 3


needs_concurrent_writers = pytest.mark.skipif(
    "sqlite" in django_settings.DATABASES["default"]["ENGINE"],
    reason="the in-memory SQLite test database takes no second connection alongside; "
    "bench/claim_race.py (test_processes_and_a_worker_racing…, test_killing…) covers SQLite "
    "with a file database",
)


@needs_concurrent_writers
@pytest.mark.django_db(transaction=True)
def test_two_thread_pools_on_the_same_runs_execute_each_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    basic_catalog()
    coach: User = UserFactory(username="coach")
    for n in range(6):
        AthleteFactory(name=f"Pool {n}", coach=coach)
    items = batch.plan_batch(batch.select_athletes(coach="coach"))
    batch.create_runs(items, batch_id="race")
    ids = [i.run_id for i in items if i.run_id is not None]
    executed: Counter[int] = Counter()
    lock = threading.Lock()
    real = dispatch.generate_draft

    def counting(packet: Any, request: Any) -> Any:
        with lock:
            executed[packet.meta.athlete_id] += 1
        return real(packet, request)

    monkeypatch.setattr(dispatch, "generate_draft", counting)
    pools = [
        threading.Thread(target=batch.execute_runs, args=(ids,), kwargs={"concurrency": 3})
        for _ in range(2)
    ]
    for pool in pools:
        pool.start()
    for pool in pools:
        pool.join()

    assert sorted(executed.values()) == [1] * 6
    assert set(GenerationRun.objects.values_list("status", flat=True)) == {RunStatus.READY}


@needs_concurrent_writers
@pytest.mark.django_db(transaction=True)
def test_wait_with_a_thread_pool_finishes_the_batch() -> None:
    basic_catalog()
    coach: User = UserFactory(username="coach")
    for n in range(5):
        AthleteFactory(name=f"Pool {n}", coach=coach)
    out = io.StringIO()

    call_command(
        "generate_programs",
        "--coach",
        "coach",
        "--engine",
        "rules",
        "--wait",
        "--concurrency",
        "3",
        "--poll-interval",
        "0.01",
        stdout=out,
    )

    assert "Executing with 3 threads" in out.getvalue()
    assert "5 athletes: 5 ready" in out.getvalue()
    assert set(GenerationRun.objects.values_list("status", flat=True)) == {RunStatus.READY}
