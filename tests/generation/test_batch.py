from __future__ import annotations

import datetime as dt
import io
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from athletes.models import Athlete, AthleteTier, User
from generation import batch
from generation.batch import processes as batch_processes
from generation.engines.base import EngineChoice
from generation.models import GenerationRun, RunStatus
from tests.factories import (
    AthleteFactory,
    AthleteProgramFactory,
    ExerciseFactory,
    PrescribedSetFactory,
    ProgramTemplateFactory,
    UserFactory,
)
from tests.fakes.openai_server import FakeLLMServer
from tests.fakes.plugin import configure_fake_llm


def with_program(athlete: Athlete, name: str, *, days: int = 3, weeks: int = 4) -> None:
    template = ProgramTemplateFactory(
        name=name, num_days=days, num_weeks=weeks, is_loop=True, owner=athlete
    )
    squat = ExerciseFactory(
        name=f"Goblet Squat {athlete.pk}", movement_pattern="squat", tier="foundational"
    )
    for day in range(1, days + 1):
        PrescribedSetFactory(
            template=template,
            exercise=squat,
            week=1,
            day=day,
            set_number=1,
            reps=10,
            percentage=None,
            absolute_weight=Decimal("20"),
        )
    AthleteProgramFactory(athlete=athlete, template=template, start_date=dt.date(2026, 1, 5))


@pytest.fixture
def roster(coach: User, other_coach: User) -> dict[str, Athlete]:
    alex = AthleteFactory(name="Alex", coach=coach, tier=AthleteTier.INTERMEDIATE)
    with_program(alex, "Alex Strength — Month 3")
    bea = AthleteFactory(name="Bea", coach=coach, tier=AthleteTier.FOUNDATIONAL)
    with_program(bea, "Bea Block 2", days=2, weeks=3)
    cal = AthleteFactory(name="Cal", coach=coach, tier=AthleteTier.INTERMEDIATE)  # no program
    dan = AthleteFactory(name="Dan", coach=other_coach, tier=AthleteTier.INTERMEDIATE)
    with_program(dan, "Dan Phase 1")
    return {"alex": alex, "bea": bea, "cal": cal, "dan": dan}


class TTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def run_command(*args: str, stdout: io.StringIO | None = None) -> str:
    out = stdout or io.StringIO()
    call_command("generate_programs", *args, "--poll-interval", "0.01", stdout=out)
    return out.getvalue()


def run_failing(*args: str) -> tuple[CommandError, str]:
    out = io.StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("generate_programs", *args, "--poll-interval", "0.01", stdout=out)
    return excinfo.value, out.getvalue()


# --- selection --------------------------------------------------------------------------------


def names(athletes: list[Athlete]) -> list[str]:
    return [a.name for a in athletes]


def test_selection_filters_combine(roster: dict[str, Athlete], coach: User) -> None:
    ids = [roster["alex"].pk, roster["dan"].pk]

    assert names(batch.select_athletes(athlete_ids=ids)) == ["Alex", "Dan"]
    assert names(batch.select_athletes(coach="coach")) == ["Alex", "Bea", "Cal"]
    assert names(batch.select_athletes(tier="intermediate")) == ["Alex", "Cal", "Dan"]
    assert names(batch.select_athletes(all_active=True)) == ["Alex", "Bea", "Dan"]
    assert names(batch.select_athletes(coach="coach", all_active=True, tier="intermediate")) == [
        "Alex"
    ]
    assert names(batch.select_athletes(athlete_ids=ids, coach="coach")) == ["Alex"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "Choose the athletes"),
        (("--athlete", "999999"), "No athlete with id 999999"),
        (("--coach", "nobody"), "No user named “nobody”"),
        (("--all-active", "--name-template", "{month}"), "uses {month}; the placeholders are"),
        (("--all-active", "--name-template", "Block {"), "is not a valid template"),
        (("--all-active", "--days", "9"), "--days must be between 1 and 7"),
        (("--all-active", "--weeks", "0"), "--weeks must be between 1 and 52"),
        (("--all-active", "--concurrency", "0"), "--concurrency must be at least 1"),
        (("--all-active", "--processes", "0"), "--processes must be at least 1"),
        (("--all-active", "--engine", "llm"), "no LLM is configured"),
        (("--all-active", "--by", "ghost"), "No user named “ghost”"),
        (("--retry-failed",), "--retry-failed needs --batch"),
        (("--batch", "nope"), "No runs belong to batch “nope”"),
        (("--batch", "x", "--coach", "coach"), "does not combine with filters"),
    ],
)
def test_bad_options_are_refused_with_a_clear_message_and_nothing_created(
    roster: dict[str, Athlete], args: tuple[str, ...], message: str
) -> None:
    error, _ = run_failing(*args)

    assert message in str(error)
    assert GenerationRun.objects.count() == 0


def test_no_matching_athletes_is_not_an_error(roster: dict[str, Athlete]) -> None:
    out = run_command("--tier", "sport_performance")

    assert "No athletes match" in out
    assert GenerationRun.objects.count() == 0


# --- names ------------------------------------------------------------------------------------


def test_current_next_increments_each_athletes_current_program_name(
    roster: dict[str, Athlete],
) -> None:
    items = batch.plan_batch(batch.select_athletes(coach="coach"))

    assert [i.request.program_name for i in items if i.request] == [
        "Alex Strength — Month 4",
        "Bea Block 3",
        "Cal — Block 1",
    ]


def test_a_literal_template_with_athlete_and_date(roster: dict[str, Athlete]) -> None:
    today = dt.date(2026, 6, 30)
    items = batch.plan_batch(
        batch.select_athletes(athlete_ids=[roster["alex"].pk, roster["bea"].pk]),
        name_template="{athlete} — July ({date})",
        today=today,
    )

    assert [i.request.program_name for i in items if i.request] == [
        "Alex — July (2026-06-30)",
        "Bea — July (2026-06-30)",
    ]


def test_requests_keep_the_current_shape_unless_overridden(roster: dict[str, Athlete]) -> None:
    athletes = batch.select_athletes(athlete_ids=[roster["bea"].pk])
    kept = batch.plan_batch(athletes)[0].request
    changed = batch.plan_batch(athletes, overrides=batch.Overrides(days=4, weeks=6, is_loop=False))[
        0
    ].request

    assert kept is not None
    assert changed is not None
    assert (kept.days_per_week, kept.weeks, kept.is_loop) == (2, 3, True)
    assert (changed.days_per_week, changed.weeks, changed.is_loop) == (4, 6, False)


def test_planning_reads_the_same_defaults_as_the_form_in_queries_that_do_not_grow(
    roster: dict[str, Athlete],
    django_assert_num_queries: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from generation.runs import services

    everyone = batch.select_athletes(athlete_ids=[a.pk for a in roster.values()])
    # Dan already has his next block's usual name: the default must step over it.
    ProgramTemplateFactory(name="Dan Phase 2", owner=roster["dan"])
    # Chunks of two athletes: the splitting of long id lists is exercised too.
    monkeypatch.setattr(services, "_IN_CHUNK", 2)

    with django_assert_num_queries(1 + 2 * 2):  # the engine setting; 2 chunks × 2 queries
        items = batch.plan_batch(everyone)
    with django_assert_num_queries(1 + 2):
        batch.plan_batch(everyone[:1])

    assert {i.athlete.pk: i.request for i in items} == {
        a.pk: replace(services.default_request_for(a), engine=EngineChoice.AUTO) for a in everyone
    }
    assert {i.athlete.name: i.request.program_name for i in items if i.request} == {
        "Alex": "Alex Strength — Month 4",
        "Bea": "Bea Block 3",
        "Cal": "Cal — Block 1",
        "Dan": "Dan Phase 3",
    }


# --- dry run ----------------------------------------------------------------------------------


def test_dry_run_shows_the_plan_and_packet_sizes_and_writes_and_calls_nothing(
    roster: dict[str, Athlete], monkeypatch: pytest.MonkeyPatch, fake_llm: FakeLLMServer
) -> None:
    configure_fake_llm(monkeypatch, fake_llm)

    with CaptureQueriesContext(connection) as queries:
        out = run_command("--coach", "coach", "--engine", "llm", "--dry-run", "--days", "4")

    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
    assert fake_llm.requests == []
    assert GenerationRun.objects.count() == 0
    assert "Alex Strength — Month 4" in out
    assert "Packet tokens" in out
    assert "Packet sizes: median" in out
    assert "would queue 3 runs for 3 athletes" in out
    assert "Nothing was created and no generator was called." in out
    for line in out.splitlines():
        if line.startswith(("Alex ", "Bea ", "Cal ")):
            assert " llm " in line
            assert " 4 " in line


def test_dry_run_names_the_athletes_that_would_be_refused(roster: dict[str, Athlete]) -> None:
    GenerationRun.objects.create(athlete=roster["alex"], status=RunStatus.CALLING)
    with_program(roster["cal"], "Cal — Block 1")  # the name {current_next} would give Cal

    out = run_command("--coach", "coach", "--dry-run", "--name-template", "Cal — Block 1")

    assert "a draft is already being generated" in out
    assert "already has a program named “Cal — Block 1”" in out
    assert "would queue 1 run for 3 athletes; 2 would be refused" in out


# --- creating and executing (rules engine, in this thread) ------------------------------------


def test_wait_executes_a_batch_of_drafts_and_prints_the_table(
    roster: dict[str, Athlete], coach: User
) -> None:
    out = run_command("--coach", "coach", "--engine", "rules", "--wait", "--concurrency", "1")

    runs = list(GenerationRun.objects.order_by("athlete__name"))
    assert [r.athlete.name for r in runs] == ["Alex", "Bea", "Cal"]
    assert {r.status for r in runs} == {RunStatus.READY}
    assert len({r.batch_id for r in runs}) == 1
    assert runs[0].batch_id
    assert all(r.requested_by == coach for r in runs)
    assert all(r.approved_template_id is None for r in runs)  # drafts only
    assert runs[0].program_name == "Alex Strength — Month 4"
    header = next(line for line in out.splitlines() if line.startswith("Athlete"))
    for column in ("Status", "Engine", "Tokens", "Cost", "Duration", "Preview"):
        assert column in header
    for run in runs:
        row = next(line for line in out.splitlines() if line.startswith(run.athlete.name + " "))
        assert "ready" in row
        assert "rules" in row
        assert run.get_absolute_url() in row
    assert "3 athletes: 3 ready" in out
    assert "nothing was approved" in out


def test_the_closing_table_and_totals_take_one_query_each(
    roster: dict[str, Athlete], django_assert_num_queries: Any
) -> None:
    run_command("--coach", "coach", "--engine", "rules", "--wait", "--concurrency", "1")
    ids = list(GenerationRun.objects.order_by("pk").values_list("pk", flat=True))
    refused = batch.Item(athlete=roster["dan"], problem="a reason", blocking_run_id=ids[0])

    with django_assert_num_queries(1):
        rows = batch.summary_rows([refused], ids)
    with django_assert_num_queries(1):
        totals = batch.totals_line(rows, ids)

    assert [(r.athlete, r.status) for r in rows] == [
        ("Dan", "not queued"),
        ("Alex", "ready"),
        ("Bea", "ready"),
        ("Cal", "ready"),
    ]
    assert all(r.preview.startswith("/") and r.duration.endswith(" s") for r in rows[1:])
    assert totals.startswith("4 athletes: 1 not queued, 3 ready")


def test_without_a_terminal_progress_is_plain_lines(roster: dict[str, Athlete]) -> None:
    out = run_command("--coach", "coach", "--engine", "rules", "--wait", "--concurrency", "1")

    assert "\r" not in out
    assert "Alex: ready\n" in out
    assert "3/3 · ready 3 · failed 0" in out


def test_on_a_terminal_progress_is_a_bar_with_an_eta(roster: dict[str, Athlete]) -> None:
    out = run_command(
        "--coach", "coach", "--engine", "rules", "--wait", "--concurrency", "1", stdout=TTY()
    )

    assert "\r[" in out
    assert "█" in out
    assert "ETA" in out
    assert "1/3 · ready 1" in out
    assert "3/3 · ready 3" in out


def test_a_failed_run_is_in_the_table_and_the_exit_status_is_one(
    roster: dict[str, Athlete], monkeypatch: pytest.MonkeyPatch
) -> None:
    from generation.engines import dispatch

    real = dispatch.generate_draft
    bea_id = roster["bea"].pk

    def flaky(packet: Any, request: Any) -> Any:
        if packet.meta.athlete_id == bea_id:
            raise RuntimeError("engine exploded")
        return real(packet, request)

    monkeypatch.setattr(dispatch, "generate_draft", flaky)

    error, out = run_failing(
        "--coach", "coach", "--engine", "rules", "--wait", "--concurrency", "1"
    )

    assert error.returncode == 1
    assert "1 run failed" in str(error)
    bea_row = next(line for line in out.splitlines() if line.startswith("Bea "))
    assert "failed" in bea_row
    assert "unexpected error (RuntimeError)" in bea_row
    assert GenerationRun.objects.filter(status=RunStatus.READY).count() == 2


def test_concurrency_above_the_setting_is_capped_and_said(
    roster: dict[str, Athlete], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REPLOG_GENERATION_MAX_CONCURRENCY", "2")

    out = run_command("--coach", "coach", "--engine", "rules", "--concurrency", "8")

    assert "Concurrency 8 capped at 2" in out
    assert "generation.max_concurrency" in out


def test_an_athlete_already_generating_is_reported_not_crashed_on(
    roster: dict[str, Athlete],
) -> None:
    running = GenerationRun.objects.create(
        athlete=roster["bea"],
        status=RunStatus.CALLING,
        deadline_at=timezone.now() + dt.timedelta(hours=1),
    )

    error, out = run_failing(
        "--coach", "coach", "--engine", "rules", "--wait", "--concurrency", "1"
    )

    assert "1 athlete could not be queued" in str(error)
    bea_row = next(line for line in out.splitlines() if line.startswith("Bea "))
    assert "not queued" in bea_row
    assert running.get_absolute_url() in bea_row
    assert "already being generated" in bea_row
    assert GenerationRun.objects.filter(status=RunStatus.READY).count() == 2


def test_the_coach_hourly_limit_applies_only_when_asked(
    roster: dict[str, Athlete], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REPLOG_GENERATION_COACH_RUNS_PER_HOUR", "1")

    error, out = run_failing("--coach", "coach", "--engine", "rules", "--enforce-coach-limit")
    assert "2 athletes could not be queued" in str(error)
    assert out.count("limit is 1 per hour") == 2

    GenerationRun.objects.all().delete()
    out = run_command("--coach", "coach", "--engine", "rules")
    assert GenerationRun.objects.count() == 3


def test_by_names_the_requester(roster: dict[str, Athlete], admin_user: User) -> None:
    run_command("--athlete", str(roster["dan"].pk), "--engine", "rules", "--by", "admin")

    assert GenerationRun.objects.get().requested_by == admin_user


def test_without_wait_the_runs_are_queued_for_the_workers(roster: dict[str, Athlete]) -> None:
    out = run_command("--coach", "coach", "--engine", "rules")

    runs = GenerationRun.objects.all()
    assert {r.status for r in runs} == {RunStatus.QUEUED}
    batch_id = runs[0].batch_id
    assert f"generate_programs --batch {batch_id} --wait" in out


def test_later_waves_of_a_batch_get_later_deadlines(roster: dict[str, Athlete]) -> None:
    UserFactory(username="bulk")
    for n in range(5):
        AthleteFactory(name=f"Bulk {n}", coach=User.objects.get(username="bulk"))

    run_command("--coach", "bulk", "--engine", "rules", "--concurrency", "2")

    runs = list(GenerationRun.objects.order_by("pk"))
    created = runs[0].created_at
    waits = [round((r.deadline_at - created).total_seconds() / 600) for r in runs]
    assert waits == [1, 1, 2, 2, 3]
    # Waiting in the queue is not being stuck.
    from generation.runs.execute import generation_recover_stuck

    assert generation_recover_stuck(now=created + dt.timedelta(seconds=900)) == 2


def test_resuming_a_batch_finishes_it_and_a_dead_workers_run_fails_with_a_reason(
    roster: dict[str, Athlete],
) -> None:
    run_command("--coach", "coach", "--engine", "rules")
    batch_id = GenerationRun.objects.values_list("batch_id", flat=True).first()
    assert batch_id
    # A worker took Bea's run and died in the middle of the LLM call.
    past = timezone.now() - dt.timedelta(seconds=1)
    bea_run = GenerationRun.objects.get(athlete=roster["bea"])
    GenerationRun.objects.filter(pk=bea_run.pk).update(
        status=RunStatus.CALLING, started_at=past, deadline_at=past
    )

    error, out = run_failing("--batch", batch_id, "--wait", "--concurrency", "1")

    bea_run.refresh_from_db()
    assert bea_run.status == RunStatus.FAILED
    assert "worker stopped or timed out" in bea_run.error_message
    assert "1 run failed" in str(error)
    assert GenerationRun.objects.filter(status=RunStatus.READY).count() == 2

    out = run_command("--batch", batch_id, "--retry-failed", "--wait", "--concurrency", "1")

    assert "1 failed run retried" in out
    retried = GenerationRun.objects.filter(athlete=roster["bea"]).order_by("-pk").first()
    assert retried is not None
    assert retried.pk != bea_run.pk
    assert retried.status == RunStatus.READY
    assert retried.batch_id == batch_id
    assert "3 athletes: 3 ready" in out  # each athlete once, with their latest run


@pytest.mark.skipif(
    "sqlite" not in django_settings.DATABASES["default"]["ENGINE"], reason="SQLite only"
)
def test_processes_are_refused_on_an_in_memory_database(roster: dict[str, Athlete]) -> None:
    error, _ = run_failing(
        "--coach", "coach", "--engine", "rules", "--wait", "--processes", "2", "--concurrency", "2"
    )

    assert "--processes needs a database file or server" in str(error)
    assert GenerationRun.objects.count() == 0


def test_processes_default_to_one_per_run_at_once_where_they_can_work(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The suite's database is in memory (SQLite) or the test runs in a transaction
    # (PostgreSQL): forked processes could not see the runs, so the default is one process.
    assert batch.auto_processes(10) == 1
    monkeypatch.setattr(batch_processes, "check_processes", lambda processes: None)
    assert batch.auto_processes(10) == 10
    assert batch.auto_processes(1) == 1  # nothing to share
    assert batch.auto_processes(500) == batch.AUTO_PROCESSES_MAX


@pytest.mark.parametrize(
    ("concurrency", "processes", "shares"),
    [(10, 2, [5, 5]), (10, 3, [4, 3, 3]), (10, 10, [1] * 10), (5, 4, [2, 1, 1, 1])],
)
def test_the_concurrency_is_shared_out_exactly_among_the_processes(
    concurrency: int, processes: int, shares: list[int]
) -> None:
    assert batch.thread_shares(concurrency, processes) == shares
    assert sum(shares) == concurrency


def test_waiting_for_children_does_not_spin_once_one_has_ended() -> None:
    import multiprocessing
    import time

    context = multiprocessing.get_context("fork")
    quick = context.Process(target=time.sleep, args=(0,), daemon=True)
    slow = context.Process(target=time.sleep, args=(0.6,), daemon=True)
    quick.start()
    slow.start()
    quick.join()
    reports: list[int] = []

    batch.wait_for_children([quick, slow], report=lambda: reports.append(1), poll_s=0.1)

    assert not slow.is_alive()
    # About one report per poll interval while the slow child lives (0.6 s / 0.1 s). Waiting
    # again on a ready sentinel (the ended child's) made this a busy loop of hundreds.
    assert 1 <= len(reports) <= 20


def test_a_dead_processs_claimed_runs_fail_at_once_and_no_other_run(
    roster: dict[str, Athlete],
) -> None:
    import multiprocessing
    import time

    from generation.runs.execute import claimant

    child = multiprocessing.get_context("fork").Process(target=time.sleep, args=(30,))
    child.start()
    child.kill()
    child.join()
    assert child.pid is not None
    far = timezone.now() + dt.timedelta(minutes=10)  # nowhere near its deadline

    def run(athlete: str, status: str, pid: int) -> GenerationRun:
        return GenerationRun.objects.create(
            athlete=roster[athlete], status=status, claimed_by=claimant(pid), deadline_at=far
        )

    held = [run("alex", RunStatus.CALLING, child.pid), run("bea", RunStatus.ASSEMBLING, child.pid)]
    done = run("cal", RunStatus.READY, child.pid)
    other = run("dan", RunStatus.CALLING, child.pid + 1)  # another process's claim
    queued = GenerationRun.objects.create(athlete=AthleteFactory(), deadline_at=far)
    ids = [r.pk for r in (*held, done, other, queued)]

    failed = batch_processes.fail_orphaned_runs(child, run_ids=ids)

    assert sorted(failed) == sorted(r.pk for r in held)
    statuses = batch.run_statuses(ids)
    assert [statuses[r.pk] for r in (done, other, queued)] == ["ready", "calling", "queued"]
    message = GenerationRun.objects.get(pk=held[0].pk).error_message
    assert "“Drafting the program”: the batch worker process died (killed by SIGKILL)" in message
    assert batch_processes.fail_orphaned_runs(child, run_ids=ids) == []  # once only


def test_processes_are_refused_inside_a_transaction(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # pytest-django runs this test inside a transaction; as if on a database file or server:
    if connection.vendor == "sqlite":
        monkeypatch.setattr(connection, "is_in_memory_db", lambda: False)
    assert connection.in_atomic_block
    with pytest.raises(batch.BatchError) as raised:
        batch.check_processes(2)
    assert raised.value.message == "--processes cannot be used inside a database transaction."
    batch.check_processes(1)  # one process is this one: always fine


def test_a_forked_child_drops_inherited_connections_without_closing_them(db: None) -> None:
    # Found on PostgreSQL: children that queried on a connection they inherited read each
    # other's results ("the last operation didn't produce records"). The child forgets it;
    # closing it instead would end the parent's session on the same socket.
    list(GenerationRun.objects.all())  # opens the connection
    inherited = connection.connection
    assert inherited is not None
    try:
        batch_processes._forget_inherited_connections()
        assert connection.connection is None
        assert batch_processes._INHERITED[-1] is inherited
        inherited.cursor().execute("SELECT 1")  # still open: the parent's session lives on
    finally:
        connection.connection = inherited  # the test database (in memory on SQLite) is in it
        batch_processes._INHERITED.remove(inherited)


def test_the_warm_up_before_a_fork_survives_an_invalid_llm_setting(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The runs report an invalid REPLOG_LLM_* value themselves (a labelled rules draft); the
    # warm-up must not stop the batch before they start.
    monkeypatch.setenv("REPLOG_LLM_PROVIDER", "openai_compatible")
    monkeypatch.setenv("REPLOG_LLM_MODEL", "fake-model")
    monkeypatch.setenv("REPLOG_LLM_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("REPLOG_LLM_TEMPERATURE", "very hot")
    batch.warm_up(run_id=0)  # no such run: only the LLM part runs
