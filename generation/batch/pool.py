"""Executing a batch's runs with a pool of threads, each preparing its next run ahead while
the current one waits for the LLM."""

from __future__ import annotations

import collections
import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from multiprocessing.sharedctypes import Synchronized
from typing import Protocol

from django.db import connection

from generation.ratelimit import retrying_locked
from generation.runs.execute import PreparedPacket, generation_execute, generation_prepare
from settings_app.resolution import settings_scope

logger = logging.getLogger(__name__)


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


class SharedQueue:
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
