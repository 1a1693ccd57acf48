"""Waiting for a batch: the run counts, the progress line or bar, and the loop that executes
and waits until every run has finished."""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from generation.batch.pool import execute_runs
from generation.batch.processes import fail_orphaned_runs, start_processes
from generation.models import FINISHED_STATUSES, WORKING_STATUSES, GenerationRun, RunStatus
from generation.runs.execute import generation_recover_stuck


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


def wait_for_children(
    children: Sequence[multiprocessing.process.BaseProcess],
    *,
    report: Callable[[], object],
    poll_s: float,
    on_exit: Callable[[multiprocessing.process.BaseProcess], object] | None = None,
) -> None:
    """Report every `poll_s` until every child has ended, and at once when one ends. A child
    whose sentinel is ready is not waited on again: the sentinel stays ready (and is ready
    before the child can be reaped), so waiting on it again would turn the tail of a batch
    (children ending one by one) into a busy loop of status queries competing with the last
    runs for the CPU. `on_exit` is called with each child as soon as it has ended."""
    waiting = list(children)
    while waiting:
        report()
        ready = multiprocessing.connection.wait([c.sentinel for c in waiting], timeout=poll_s)
        ended = [c for c in waiting if c.sentinel in ready or not c.is_alive()]
        for child in ended:
            child.join()  # it has ended: returns at once, with its exit code set
            if on_exit is not None:
                on_exit(child)
        waiting = [c for c in waiting if c not in ended]
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
    progress. A run one of our forked processes held when it died is failed as soon as it is
    seen dead; a run another worker left behind is failed by the stuck-run recovery once past
    its deadline; so this always ends."""
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
        wait_for_children(
            children,
            report=report,
            poll_s=poll_s,
            on_exit=lambda child: fail_orphaned_runs(child, run_ids=ids),
        )
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
