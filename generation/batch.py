"""Batch generation: the next-program drafts of many athletes at once (generate_programs).

Every athlete gets an ordinary GenerationRun from `generation_request` — the service behind the
Generate page — so a batch's drafts wait in "Drafts awaiting review" and are previewed, edited,
approved or rejected one by one; nothing is approved here. The runs are enqueued as normal
tasks, so any worker may take them, and an operator who waits executes them here as well with a
pool of threads (optionally in forked processes). Either way a run is executed by
`generation_execute`, whose atomic queued → assembling claim lets exactly one of the pool threads,
the processes and the workers run it.
"""

from __future__ import annotations

import collections
import datetime as dt
import gc
import logging
import math
import multiprocessing
import multiprocessing.connection
import secrets
import statistics
import string
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from decimal import Decimal
from multiprocessing.sharedctypes import Synchronized
from typing import Any, Protocol

from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from athletes.models import Athlete, AthleteProgram, AthleteTier, ProgramRole, User
from generation.engines.base import EngineChoice, GenerationRequest
from generation.engines.dispatch import engine_for, llm_configured
from generation.models import FINISHED_STATUSES, WORKING_STATUSES, GenerationRun, RunStatus
from generation.ratelimit import retrying_locked
from generation.runs.execute import (
    PreparedPacket,
    generation_execute,
    generation_prepare,
    generation_recover_stuck,
)
from generation.runs.selectors import HEAVY_FIELDS, working_run_for
from generation.runs.services import (
    MAX_DAYS,
    MAX_WEEKS,
    athlete_program_names,
    default_requests_for,
    generation_request,
)
from generation.runs.states import GenerationError, RunInProgress
from settings_app.registry import BY_KEY
from settings_app.resolution import setting_int, settings_scope

logger = logging.getLogger(__name__)

NAME_FIELDS: tuple[str, ...] = ("current_next", "athlete", "date")
DEFAULT_NAME_TEMPLATE = "{current_next}"


class BatchError(Exception):
    """A batch that cannot start as asked; `message` tells the operator what to change."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# ---------------------------------------------------------------------------------------------
# Selection


def select_athletes(
    *,
    athlete_ids: Sequence[int] = (),
    coach: str | None = None,
    tier: str | None = None,
    all_active: bool = False,
) -> list[Athlete]:
    """The athletes matching every given filter, by name. At least one filter is required, so a
    forgotten flag never means "everyone"."""
    if not (athlete_ids or coach or tier or all_active):
        raise BatchError(
            "Choose the athletes: --athlete ID …, --coach USERNAME, --tier TIER or --all-active "
            "(they combine)."
        )
    athletes = Athlete.objects.select_related("coach")
    if athlete_ids:
        wanted = set(athlete_ids)
        found = set(Athlete.objects.filter(pk__in=wanted).values_list("pk", flat=True))
        missing = sorted(wanted - found)
        if missing:
            raise BatchError(f"No athlete with id {', '.join(str(m) for m in missing)}.")
        athletes = athletes.filter(pk__in=wanted)
    if coach:
        user = User.objects.filter(username=coach).first()
        if user is None:
            raise BatchError(f"No user named “{coach}” (--coach takes a username).")
        athletes = athletes.filter(coach=user)
    if tier:
        if tier not in AthleteTier.values:
            raise BatchError(f"Unknown tier “{tier}”; one of: {', '.join(AthleteTier.values)}.")
        athletes = athletes.filter(tier=tier)
    if all_active:
        active = AthleteProgram.objects.filter(
            athlete=OuterRef("pk"), is_active=True, role=ProgramRole.PRIMARY
        )
        athletes = athletes.filter(Exists(active))
    return list(athletes.order_by("name", "pk"))


# ---------------------------------------------------------------------------------------------
# Names and requests


def check_name_template(template: str) -> None:
    """Refuse a template that could not name a program, before anything is created."""
    if not template.strip():
        raise BatchError("--name-template is empty.")
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(template) if f is not None]
    except ValueError as exc:
        raise BatchError(
            f"--name-template {template!r} is not a valid template ({exc}); write a literal "
            "brace as {{ or }}."
        ) from None
    unknown = [f for f in fields if f not in NAME_FIELDS]
    if unknown:
        allowed = ", ".join("{" + f + "}" for f in NAME_FIELDS)
        raise BatchError(
            f"--name-template uses {', '.join('{' + u + '}' for u in unknown)}; "
            f"the placeholders are {allowed}."
        )


def render_name(template: str, *, athlete: Athlete, current_next: str, today: dt.date) -> str:
    """{current_next} = the auto-incremented name after the athlete's current program
    ("… Month 3" → "… Month 4"), {athlete} = the athlete's name, {date} = today (ISO)."""
    return template.format(
        current_next=current_next, athlete=athlete.name, date=today.isoformat()
    ).strip()


@dataclass(frozen=True)
class Overrides:
    engine: EngineChoice = EngineChoice.AUTO
    days: int | None = None
    weeks: int | None = None
    is_loop: bool | None = None
    # A running plan for every athlete: {"settings": PlanSettings.as_dict()}.
    running: dict[str, Any] | None = None

    def check(self) -> None:
        if self.days is not None and not 1 <= self.days <= MAX_DAYS:
            raise BatchError(f"--days must be between 1 and {MAX_DAYS}.")
        if self.weeks is not None and not 1 <= self.weeks <= MAX_WEEKS:
            raise BatchError(f"--weeks must be between 1 and {MAX_WEEKS}.")
        if self.engine is EngineChoice.LLM and not llm_configured():
            raise BatchError(
                "--engine llm: no LLM is configured (Settings → LLM: provider and model). "
                "Configure one, or use --engine rules."
            )


@dataclass
class Item:
    """One athlete of a batch: what is asked, and what became of it."""

    athlete: Athlete
    request: GenerationRequest | None = None
    engine: str = ""
    problem: str = ""  # why no run was (or would be) created
    run_id: int | None = None
    blocking_run_id: int | None = None  # the athlete's run already in progress
    packet_tokens: int | None = None


def plan_batch(
    athletes: Iterable[Athlete],
    *,
    name_template: str = DEFAULT_NAME_TEMPLATE,
    overrides: Overrides | None = None,
    today: dt.date | None = None,
) -> list[Item]:
    """One request per athlete: the Generate form's defaults (days, weeks and loop of the
    current program), the templated name, then the operator's overrides."""
    overrides = overrides or Overrides()
    check_name_template(name_template)
    overrides.check()
    today = today or timezone.localdate()
    engine = str(engine_for(overrides.engine))
    athletes = list(athletes)
    defaults = default_requests_for(athletes)
    items: list[Item] = []
    for athlete in athletes:
        base = defaults[athlete.pk]
        request = replace(
            base,
            program_name=render_name(
                name_template, athlete=athlete, current_next=base.program_name, today=today
            ),
            days_per_week=overrides.days if overrides.days is not None else base.days_per_week,
            weeks=overrides.weeks if overrides.weeks is not None else base.weeks,
            is_loop=overrides.is_loop if overrides.is_loop is not None else base.is_loop,
            engine=overrides.engine,
            running=overrides.running,
        )
        items.append(Item(athlete=athlete, request=request, engine=engine))
    return items


def preview_problems(items: Iterable[Item]) -> None:
    """For a dry run: the refusals that creating the runs would meet, without creating them."""
    for item in items:
        assert item.request is not None
        name = item.request.program_name
        running = working_run_for(item.athlete)
        if running is not None:
            item.problem = "a draft is already being generated for this athlete"
            item.blocking_run_id = running.pk
        elif not name:
            item.problem = "the name template gives an empty name"
        elif len(name) > 200:
            item.problem = "the program name is longer than 200 characters"
        elif name.casefold() in {n.casefold() for n in athlete_program_names(item.athlete)}:
            item.problem = f"already has a program named “{name}”"


def measure_packets(items: Iterable[Item]) -> None:
    """Assemble each athlete's packet (read-only) to report its size in tokens."""
    from generation.packet import build_packet

    for item in items:
        item.packet_tokens = int(build_packet(item.athlete).meta.token_estimate)


# ---------------------------------------------------------------------------------------------
# Creating the runs


def new_batch_id() -> str:
    return f"{timezone.now():%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"


def effective_concurrency(requested: int | None) -> tuple[int, str]:
    """(threads to use, a note when the request was capped by generation.max_concurrency)."""
    cap = setting_int("generation.max_concurrency")
    if requested is None:
        return cap, ""
    if requested < 1:
        raise BatchError("--concurrency must be at least 1.")
    if requested > cap:
        label = BY_KEY["generation.max_concurrency"].label
        return cap, (
            f"Concurrency {requested} capped at {cap} by the setting “{label}” "
            "(generation.max_concurrency)."
        )
    return requested, ""


def create_runs(
    items: Sequence[Item],
    *,
    batch_id: str,
    by: User | None = None,
    enforce_coach_limit: bool = False,
    concurrency: int = 1,
) -> None:
    """Create (and enqueue) one run per item; a refusal (a run already in progress, the coach's
    hourly limit, a taken name) is recorded on the item, never raised."""
    # One transaction: one commit for the batch's runs, not one each (their tasks are enqueued
    # as it commits, with their deadlines set); a refusal rolls back only its own run.
    with transaction.atomic():
        for item in items:
            _create_run(item, batch_id=batch_id, by=by, enforce_coach_limit=enforce_coach_limit)
        extend_queue_deadlines([i.run_id for i in items if i.run_id], concurrency=concurrency)


def _create_run(item: Item, *, batch_id: str, by: User | None, enforce_coach_limit: bool) -> None:
    assert item.request is not None
    try:
        run = generation_request(
            athlete=item.athlete,
            request=item.request,
            by=by if by is not None else item.athlete.coach,
            batch_id=batch_id,
            enforce_rate_limit=enforce_coach_limit,
        )
    except RunInProgress as exc:
        item.problem = exc.message
        item.blocking_run_id = exc.run.pk if exc.run is not None else None
    except GenerationError as exc:
        item.problem = exc.message
    else:
        item.run_id = run.pk


def extend_queue_deadlines(run_ids: Sequence[int], *, concurrency: int) -> None:
    """A queued run past its deadline is presumed abandoned and failed. In a batch a run
    legitimately waits for the runs ahead of it, so its deadline grows with its place in the
    queue: one run deadline per wave of `concurrency` runs."""
    step = setting_int("generation.run_deadline_seconds")
    now = timezone.now()
    waves: dict[int, list[int]] = {}
    for position, run_id in enumerate(run_ids):
        waves.setdefault(position // max(1, concurrency), []).append(run_id)
    for wave, ids in waves.items():
        if wave == 0:
            continue  # the first wave starts at once: the ordinary deadline stands
        GenerationRun.objects.filter(pk__in=ids, status=RunStatus.QUEUED).update(
            deadline_at=now + dt.timedelta(seconds=step * (wave + 1))
        )


def batch_run_ids(batch_id: str) -> list[int]:
    return list(
        GenerationRun.objects.filter(batch_id=batch_id).order_by("pk").values_list("pk", flat=True)
    )


def failed_items(batch_id: str) -> list[Item]:
    """Athletes whose latest run in the batch failed, with that run's request, to try again."""
    latest: dict[int, GenerationRun] = {}
    for run in (
        GenerationRun.objects.filter(batch_id=batch_id)
        .select_related("athlete__coach")
        .defer(*HEAVY_FIELDS)
        .order_by("pk")
    ):
        latest[run.athlete_id] = run
    items = []
    for run in latest.values():
        if run.status == RunStatus.FAILED:
            request = GenerationRequest.from_dict(run.request)
            items.append(
                Item(athlete=run.athlete, request=request, engine=str(engine_for(request.engine)))
            )
    return sorted(items, key=lambda i: (i.athlete.name, i.athlete.pk))


# ---------------------------------------------------------------------------------------------
# Executing


def _execute_one(
    run_id: int,
    *,
    prepared: PreparedPacket | None = None,
    on_calling: Callable[[], None] | None = None,
) -> str:
    # Like a task: settings read once per run. A "database is locked" before the claim changed
    # nothing, and after it generation_execute finds the run claimed, so trying again is safe.
    with settings_scope():
        return retrying_locked(
            lambda: generation_execute(run_id=run_id, prepared=prepared, on_calling=on_calling)
        )


def _prepare_one(run_id: int) -> PreparedPacket | None:
    try:
        with settings_scope():
            return generation_prepare(run_id=run_id)
    except Exception:
        # The run assembles its own packet when it is executed, and fails there if it must.
        logger.exception("Batch could not prepare run %s ahead", run_id)
        return None


class RunQueue(Protocol):
    """The runs a pool takes from, one at a time, until there are none left."""

    def take(self) -> int | None: ...

    def left(self) -> int: ...


class _LocalQueue:
    """The runs of one process's pool, in order."""

    def __init__(self, run_ids: Sequence[int]) -> None:
        self._runs: collections.deque[int] = collections.deque(run_ids)
        self._lock = threading.Lock()

    def take(self) -> int | None:
        with self._lock:
            return self._runs.popleft() if self._runs else None

    def left(self) -> int:
        return len(self._runs)


class _SharedQueue:
    """The runs of a batch's forked processes: each takes the next as it finishes one, so a
    process given slow runs does not leave the others idle at the end (no fixed shares)."""

    def __init__(self, run_ids: Sequence[int], taken: Synchronized[int]) -> None:
        self._runs = list(run_ids)
        self._taken = taken

    def take(self) -> int | None:
        with self._taken.get_lock():
            index = self._taken.value
            if index >= len(self._runs):
                return None
            self._taken.value = index + 1
        return self._runs[index]

    def left(self) -> int:
        return max(0, len(self._runs) - self._taken.value)


class _Ahead:
    """One pool thread's next run, taken and prepared (generation_prepare) on a helper thread
    while its current run waits for the LLM — only while more runs are left than the whole
    pool's threads: near the end a run taken ahead would wait for this thread's current one
    while another thread sat idle."""

    def __init__(self, queue: RunQueue, *, pool_threads: int, enabled: bool = True) -> None:
        self._queue = queue
        self._pool_threads = pool_threads
        self._enabled = enabled
        self._helper: ThreadPoolExecutor | None = None
        self._next: tuple[int, Future[PreparedPacket | None]] | None = None

    def take_ahead(self) -> None:
        """Called as the current run starts its LLM call (generation_execute's on_calling)."""
        if not self._enabled or self._next is not None:
            return
        if self._queue.left() <= self._pool_threads:
            return
        run_id = self._queue.take()
        if run_id is None:
            return
        if self._helper is None:
            self._helper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="batch-prepare")
        self._next = (run_id, self._helper.submit(_prepare_one, run_id))

    def take(self) -> tuple[int, PreparedPacket | None] | None:
        """The next run: the one taken ahead with its packet, else the queue's next."""
        if self._next is not None:
            ahead_id, future = self._next
            self._next = None
            return ahead_id, future.result()
        run_id = self._queue.take()
        return None if run_id is None else (run_id, None)

    def close(self) -> None:
        if self._helper is not None:
            # The helper thread's own connection (`connection` is per thread: resolved there).
            self._helper.submit(lambda: connection.close()).result()
            self._helper.shutdown()


def execute_runs(
    run_ids: Sequence[int],
    *,
    concurrency: int,
    on_done: Callable[[int, str], None] | None = None,
    queue: RunQueue | None = None,
    pool_threads: int | None = None,
) -> None:
    """Execute the runs with `concurrency` threads (the calling thread when 1), each taking the
    next run as it finishes one (from `queue`: by default `run_ids` in order) and preparing
    the one after while the current waits for the LLM (see _Ahead). A run another thread,
    process or worker has claimed is skipped by generation_execute itself. `pool_threads`:
    the threads taking from `queue` in every process together (default `concurrency`). No
    run is prepared ahead where a second connection cannot work alongside this one (see
    other_connections_problem): each run then assembles its own packet, as a task does."""
    runs = queue or _LocalQueue(run_ids)
    together = pool_threads or concurrency
    # The helper thread that prepares ahead has a connection of its own.
    ahead_ok = not other_connections_problem()

    def work() -> None:
        ahead = _Ahead(runs, pool_threads=together, enabled=ahead_ok)
        try:
            while (item := ahead.take()) is not None:
                run_id, prepared = item
                try:
                    status = _execute_one(run_id, prepared=prepared, on_calling=ahead.take_ahead)
                except Exception:
                    # The run itself is failed by generation_execute or, if it never got
                    # that far, by the stuck-run recovery; the pool goes on with the others.
                    logger.exception("Batch thread could not execute run %s", run_id)
                    status = "error"
                if on_done is not None:
                    on_done(run_id, status)
        finally:
            ahead.close()

    if concurrency <= 1:
        work()
        return

    def worker() -> None:
        try:
            work()
        finally:
            connection.close()

    threads = [
        threading.Thread(target=worker, name=f"batch-{n}", daemon=True)
        for n in range(min(concurrency, len(run_ids)))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


@dataclass
class Counts:
    total: int = 0
    queued: int = 0
    working: int = 0
    ready: int = 0
    failed: int = 0
    decided: int = 0  # approved or rejected meanwhile

    @property
    def finished(self) -> int:
        return self.ready + self.failed + self.decided

    @property
    def unfinished(self) -> int:
        return self.queued + self.working


def run_statuses(run_ids: Sequence[int]) -> dict[int, str]:
    return dict(GenerationRun.objects.filter(pk__in=run_ids).values_list("pk", "status"))


def count(statuses: dict[int, str]) -> Counts:
    counts = Counts(total=len(statuses))
    for status in statuses.values():
        if status == RunStatus.QUEUED:
            counts.queued += 1
        elif status in WORKING_STATUSES:
            counts.working += 1
        elif status == RunStatus.READY:
            counts.ready += 1
        elif status == RunStatus.FAILED:
            counts.failed += 1
        elif status in FINISHED_STATUSES:
            counts.decided += 1
    return counts


# Database connections a forked child found open: the parent's, never to be used or closed here.
_INHERITED: list[object] = []


def _forget_inherited_connections() -> None:
    """In a forked child: drop any database connection that came across the fork. It is a
    socket shared with the parent (or its other children); querying on it would interleave two
    processes' messages, and closing it would end the parent's session. It stays referenced so
    that no finaliser closes it; Django opens a connection of the child's own on first use."""
    from django.db import connections

    for conn in connections.all(initialized_only=True):
        if conn.connection is not None:
            _INHERITED.append(conn.connection)
            conn.connection = None


def _process_main(
    run_ids: list[int], threads: int, taken: Synchronized[int], pool_threads: int
) -> None:
    from django.db import connections

    _forget_inherited_connections()
    try:
        execute_runs(
            run_ids,
            concurrency=threads,
            queue=_SharedQueue(run_ids, taken),
            pool_threads=pool_threads,
        )
    finally:
        connections.close_all()


def other_connections_problem() -> str:
    """Why other connections (a forked process's, a helper thread's) could not work on this
    batch's runs alongside ours, or "" when they can."""
    if connection.vendor == "sqlite" and getattr(connection, "is_in_memory_db", bool)():
        return "needs a database file or server, not in-memory SQLite"
    if connection.in_atomic_block:
        # They would not see runs this transaction has not committed (and closing ours
        # before a fork would break it).
        return "cannot be used inside a database transaction"
    return ""


def check_processes(processes: int) -> None:
    """Processes share the work through the database, so it must be one they can all open."""
    if processes <= 1:
        return
    if "fork" not in multiprocessing.get_all_start_methods():
        raise BatchError("--processes needs a platform that can fork (Linux, macOS).")
    if problem := other_connections_problem():
        raise BatchError(f"--processes {problem}.")


def warm_up(run_id: int) -> None:
    """Fill the caches every run fills on its first use — LiteLLM's import, tokenizer and first
    request path; the exercise-name mask of packets; the catalog's name indexes — once, here,
    before processes are forked: the children then share them instead of each paying for them
    (about a second of CPU each) at the same moment. Reads only; changes nothing."""
    from generation.constraints import enforce
    from generation.packet import build_packet
    from programs.catalog.matching import database_indexes

    if llm_configured():
        from django.core.exceptions import ImproperlyConfigured

        from generation.engines.draft_schema import DraftAnswer
        from generation.llm import LLMConfig
        from generation.llm import warm_up as warm_up_llm

        try:
            with settings_scope():
                config = LLMConfig.from_settings()
        except ImproperlyConfigured:
            pass  # an invalid REPLOG_LLM_* value: every run says so in its own fallback note
        else:
            warm_up_llm(config, response_format=DraftAnswer)
    run = GenerationRun.objects.select_related("athlete").filter(pk=run_id).first()
    if run is None:
        return
    packet = build_packet(run.athlete)
    enforce({}, packet)  # builds the hard constraints' catalog index; a draft of nothing
    database_indexes()


# The most processes a batch forks by itself; its --processes may ask for more.
AUTO_PROCESSES_MAX = 32


def auto_processes(concurrency: int) -> int:
    """The processes to fork when the operator does not say: one per run at once (up to
    AUTO_PROCESSES_MAX), so no two runs share an interpreter lock; 1 where forking cannot work
    (see check_processes). Threads of one process queue for its lock whenever two runs are in
    their CPU steps, and each database read gives the lock up and waits to get it back: on the
    benchmark (2 cores, 10 at once) ten processes of one thread beat two of five by about a
    tenth of the wall time. A forked child shares its parent's memory until it writes to it
    (measured: 55 MB of its own each), so ten cost about half a gigabyte."""
    if concurrency <= 1:
        return 1
    try:
        check_processes(2)
    except BatchError:
        return 1
    return min(concurrency, AUTO_PROCESSES_MAX)


def thread_shares(concurrency: int, processes: int) -> list[int]:
    """Threads per process, `concurrency` in all: 10 over 3 processes is 4 + 3 + 3."""
    return [concurrency // processes + (n < concurrency % processes) for n in range(processes)]


def start_processes(
    run_ids: Sequence[int], *, processes: int, concurrency: int
) -> Sequence[multiprocessing.process.BaseProcess]:
    """Fork `processes` children that execute the runs (each taking the next as it is free) with
    `concurrency` threads between them. Forked, not spawned: each child starts at once with
    everything imported (LiteLLM's import alone takes seconds). Threads in one process share
    one interpreter lock, so CPU-heavy steps (packet assembly, validation) of many runs only
    overlap across processes."""
    from django.db import connections

    check_processes(processes)
    warm_up(run_ids[0])
    processes = min(processes, concurrency, len(run_ids))
    threads = thread_shares(concurrency, processes)
    connections.close_all()  # a connection must never be shared across a fork
    context = multiprocessing.get_context("fork")
    taken = context.Value("i", 0)
    # Objects that exist now are shared with the children copy-on-write; gc.freeze keeps the
    # children's garbage collector from touching (and so copying) every one of them.
    gc.freeze()
    children = [
        context.Process(
            target=_process_main,
            args=(list(run_ids), threads[n], taken, concurrency),
            name=f"batch-process-{n}",
            daemon=True,
        )
        for n in range(processes)
    ]
    for child in children:
        child.start()
    gc.unfreeze()
    return children


def wait_for_children(
    children: Sequence[multiprocessing.process.BaseProcess],
    *,
    report: Callable[[], object],
    poll_s: float,
) -> None:
    """Report every `poll_s` until every child has ended, and at once when one ends. A child
    whose sentinel is ready is not waited on again: the sentinel stays ready (and is ready
    before the child can be reaped), so waiting on it again would turn the tail of a batch
    (children ending one by one) into a busy loop of status queries competing with the last
    runs for the CPU."""
    waiting = list(children)
    while waiting:
        report()
        ready = multiprocessing.connection.wait([c.sentinel for c in waiting], timeout=poll_s)
        waiting = [c for c in waiting if c.sentinel not in ready and c.is_alive()]
    for child in children:
        child.join()


def wait_for_runs(
    run_ids: Sequence[int],
    *,
    concurrency: int,
    processes: int = 1,
    execute: bool = True,
    progress: Progress | None = None,
    poll_s: float = 0.5,
) -> Counts:
    """Execute (unless `execute` is off) and wait until every run has finished, reporting
    progress. A run a dead worker left behind is failed by the stuck-run recovery once past its
    deadline, so this always ends."""
    ids = list(run_ids)
    seen: dict[int, str] = {}

    def report() -> Counts:
        statuses = run_statuses(ids)
        if progress is not None:
            progress.update(statuses, seen)
        seen.update(statuses)
        return count(statuses)

    def queued() -> list[int]:
        return sorted(pk for pk, s in run_statuses(ids).items() if s == RunStatus.QUEUED)

    def after_each(run_id: int, status: str) -> None:
        report()

    pending = queued() if execute else []
    if pending and processes > 1:
        children = start_processes(pending, processes=processes, concurrency=concurrency)
        wait_for_children(children, report=report, poll_s=poll_s)
        # A child that died left its share queued: finish it here.
        pending = queued()
    if pending and concurrency <= 1:
        execute_runs(pending, concurrency=1, on_done=after_each)
    elif pending:
        pool = threading.Thread(
            target=execute_runs,
            args=(pending,),
            kwargs={"concurrency": concurrency},
            name="batch-pool",
            daemon=True,
        )
        pool.start()
        while pool.is_alive():
            report()
            pool.join(poll_s)
    while True:
        counts = report()
        if counts.unfinished == 0:
            break
        # Runs taken by other workers: wait for them, failing any whose worker died.
        generation_recover_stuck()
        time.sleep(poll_s)
    if progress is not None:
        progress.close()
    return counts


# ---------------------------------------------------------------------------------------------
# Progress


def _clock(seconds: float) -> str:
    seconds = max(0, round(seconds))
    minutes, secs = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@dataclass
class Progress:
    """A progress bar with counts and an ETA on a terminal; one plain line per finished run
    otherwise (logs, CI, pipes)."""

    write: Callable[[str], None]
    names: dict[int, str]
    tty: bool
    width: int = 24
    clock: Callable[[], float] = time.monotonic
    started: float = field(default=0.0)
    _last_line: str = ""

    def __post_init__(self) -> None:
        self.started = self.clock()

    def eta(self, counts: Counts) -> float | None:
        done = counts.finished
        if done == 0 or counts.unfinished == 0:
            return None
        elapsed = self.clock() - self.started
        return elapsed / done * counts.unfinished

    def status_line(self, counts: Counts) -> str:
        elapsed = self.clock() - self.started
        eta = self.eta(counts)
        parts = [f"ready {counts.ready}", f"failed {counts.failed}"]
        if counts.decided:
            parts.append(f"decided {counts.decided}")
        parts += [f"working {counts.working}", f"queued {counts.queued}"]
        timing = f"{_clock(elapsed)} elapsed"
        if counts.unfinished:
            timing += f", ETA {_clock(eta)}" if eta is not None else ", ETA —"
        return f"{counts.finished}/{counts.total} · {' · '.join(parts)} · {timing}"

    def update(self, statuses: dict[int, str], seen: dict[int, str]) -> None:
        counts = count(statuses)
        if self.tty:
            filled = (
                self.width if not counts.total else self.width * counts.finished // counts.total
            )
            bar = "█" * filled + "░" * (self.width - filled)
            line = f"[{bar}] {self.status_line(counts)}"
            if line != self._last_line:
                pad = " " * max(0, len(self._last_line) - len(line))
                self.write(f"\r{line}{pad}")
                self._last_line = line
            return
        newly = [
            pk
            for pk, status in sorted(statuses.items())
            if status in FINISHED_STATUSES and seen.get(pk) not in FINISHED_STATUSES
        ]
        for pk in newly:
            self.write(f"{self.names.get(pk, f'run {pk}')}: {statuses[pk]}\n")
        if newly:
            self.write(f"  {self.status_line(counts)}\n")

    def close(self) -> None:
        if self.tty and self._last_line:
            self.write("\n")
            self._last_line = ""


# ---------------------------------------------------------------------------------------------
# The summary table


@dataclass(frozen=True)
class Row:
    athlete: str
    status: str
    engine: str
    tokens: str
    cost: str
    duration: str
    preview: str
    note: str
    failed: bool = False
    refused: bool = False


def _shorten(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# What a row shows: loading a run's other fields (its request, notes, mapping) would cost more
# than the whole table.
ROW_FIELDS: tuple[str, ...] = (
    "athlete__name",
    "status",
    "engine_used",
    "engine_requested",
    "fallback_reason",
    "error_message",
    "tokens_in",
    "tokens_out",
    "cost_usd",
    "duration_s",
)


def summary_rows(items: Sequence[Item], run_ids: Sequence[int] = ()) -> list[Row]:
    """One row per athlete: their run of this batch, or why none was created."""
    wanted = {i.run_id for i in items if i.run_id} | set(run_ids)
    runs = {
        r.pk: r
        for r in GenerationRun.objects.filter(pk__in=wanted)
        .select_related("athlete")
        .only(*ROW_FIELDS)
    }
    rows: list[Row] = []
    covered: set[int] = set()
    for item in items:
        if item.run_id is None:
            blocking = (
                GenerationRun(pk=item.blocking_run_id, athlete=item.athlete).get_absolute_url()
                if item.blocking_run_id
                else ""
            )
            rows.append(
                Row(
                    athlete=item.athlete.name,
                    status="not queued",
                    engine=item.engine,
                    tokens="",
                    cost="",
                    duration="",
                    preview=blocking,
                    note=_shorten(item.problem),
                    refused=True,
                )
            )
            continue
        run = runs.get(item.run_id)
        if run is not None:
            rows.append(_run_row(run))
            covered.add(run.pk)
    for pk in sorted(set(runs) - covered):
        rows.append(_run_row(runs[pk]))
    return rows


def _run_row(run: GenerationRun) -> Row:
    engine = run.engine_used or f"{run.engine_requested}?"
    if run.fallback_reason:
        engine = f"{engine} (LLM fallback)"
    note = run.error_message or (
        f"LLM failed: {run.fallback_reason}" if run.fallback_reason else ""
    )
    tokens = run.tokens_in + run.tokens_out
    return Row(
        athlete=run.athlete.name,
        status=run.status,
        engine=engine,
        tokens=f"{run.tokens_in:,}+{run.tokens_out:,}" if tokens else "0",
        cost=f"${run.cost_usd:.4f}",
        duration=f"{run.duration_s:.1f} s" if run.duration_s is not None else "",
        preview=run.get_absolute_url(),
        note=_shorten(note),
        failed=run.status == RunStatus.FAILED,
    )


HEADERS = ("Athlete", "Status", "Engine", "Tokens", "Cost", "Duration", "Preview", "Note")


def format_table(rows: Sequence[Row]) -> str:
    cells = [HEADERS] + [
        (r.athlete, r.status, r.engine, r.tokens, r.cost, r.duration, r.preview, r.note)
        for r in rows
    ]
    widths = [max(len(row[c]) for row in cells) for c in range(len(HEADERS))]
    right = {3, 4, 5}  # numbers
    lines = []
    for n, row in enumerate(cells):
        line = "  ".join(
            (cell.rjust(widths[c]) if c in right else cell.ljust(widths[c]))
            for c, cell in enumerate(row)
        )
        lines.append(line.rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def totals_line(rows: Sequence[Row], run_ids: Sequence[int]) -> str:
    tokens, cost = 0, Decimal("0")
    durations = []
    for tokens_in, tokens_out, cost_usd, duration_s in GenerationRun.objects.filter(
        pk__in=run_ids
    ).values_list("tokens_in", "tokens_out", "cost_usd", "duration_s"):
        tokens += tokens_in + tokens_out
        cost += cost_usd
        if duration_s is not None:
            durations.append(duration_s)
    by_status: dict[str, int] = {}
    for row in rows:
        by_status[row.status] = by_status.get(row.status, 0) + 1
    parts = ", ".join(f"{n} {status}" for status, n in sorted(by_status.items()))
    median = f", median {statistics.median(durations):.1f} s per run" if durations else ""
    return f"{len(rows)} athletes: {parts} · tokens {tokens:,} · cost ${cost:.4f}{median}"


def token_summary(items: Sequence[Item]) -> str:
    sizes = sorted(i.packet_tokens for i in items if i.packet_tokens is not None)
    if not sizes:
        return ""
    p95 = sizes[min(len(sizes) - 1, math.ceil(0.95 * len(sizes)) - 1)]
    return (
        f"Packet sizes: median {int(statistics.median(sizes)):,} tokens, p95 {p95:,}, "
        f"max {sizes[-1]:,} (budget {setting_int('generation.packet_token_budget'):,})."
    )
