"""Forked processes for a batch: each runs a thread pool over a shared queue of runs; a child
that dies has the runs it held failed at once (fail_orphaned_runs)."""

from __future__ import annotations

import gc
import logging
import multiprocessing
import multiprocessing.connection
import signal
from collections.abc import Sequence
from multiprocessing.sharedctypes import Synchronized

from generation.batch.planning import BatchError
from generation.batch.pool import SharedQueue, execute_runs, other_connections_problem
from generation.engines.dispatch import llm_configured
from generation.models import GenerationRun
from generation.runs.execute import claimant, generation_fail_claimed
from settings_app.resolution import settings_scope

logger = logging.getLogger(__name__)


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
            queue=SharedQueue(run_ids, taken),
            pool_threads=pool_threads,
        )
    finally:
        connections.close_all()


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


def exit_reason(child: multiprocessing.process.BaseProcess) -> str:
    code = child.exitcode
    if code is not None and code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


def fail_orphaned_runs(
    child: multiprocessing.process.BaseProcess, *, run_ids: Sequence[int]
) -> list[int]:
    """Once `child` has ended: fail the runs it had claimed and left unfinished (a thread of it
    killed mid-run, and its other threads' runs with it). Runs it had only taken ahead were never
    claimed: they stay queued, and the batch executes them itself."""
    if child.pid is None:
        return []
    return generation_fail_claimed(
        claimed_by=claimant(child.pid),
        run_ids=run_ids,
        reason=f"the batch worker process died ({exit_reason(child)})",
    )
