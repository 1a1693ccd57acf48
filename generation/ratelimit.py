"""One requests-per-minute limit for LLM calls, shared by every process on every machine.

The state is one database row (RateLimitSlot): the moment the next request may start. A caller
reserves the next free slot in a short transaction — the row is locked with SELECT … FOR UPDATE
on PostgreSQL, and SQLite's IMMEDIATE transactions (replog/settings.py) serialise writers — and
then sleeps until its slot *outside* the transaction, so no lock is held while waiting.
Requests are spaced at least 60 / rpm seconds apart across all workers: never more than
`generation.requests_per_minute` in any minute, granted in the order they were asked for.
A caller whose slot would come after its deadline reserves nothing and gets RateLimitTimeout.

Slots are wall-clock times (`time.time()`), so machines sharing a database need synchronised
clocks (NTP), as they do for everything else with timestamps.

A 429 from the provider is retried by generation/llm.py itself (backoff, Retry-After, within
the run's deadline); `back_off(seconds=…)` lets it push the shared slot forward so every other
worker waits too instead of running into the same 429.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from django.db import OperationalError, transaction

from generation.llm_types import ErrorKind, LLMError
from generation.ratelimit_models import RateLimitSlot

logger = logging.getLogger(__name__)

LLM_KEY = "llm"
# SQLite reports a write lock held longer than its busy timeout (or, in shared-cache mode, at
# once) as an error; the limiter's transactions are tiny, so trying again soon always works.
LOCKED_RETRY_S = 15.0
# A provider asking us to wait longer than this is treated as asking for this long: one odd
# Retry-After header must not stall every worker for an hour.
MAX_BACK_OFF_S = 300.0


class RateLimitTimeout(LLMError):
    """No request slot before the deadline; nothing was reserved."""

    def __init__(self, *, per_minute: int, wait_s: float) -> None:
        super().__init__(
            "Too many LLM requests are waiting: at the shared limit of "
            f"{per_minute} requests per minute (setting “LLM requests per minute”) the next free "
            f"slot is {wait_s:.0f} s away, past this run's deadline. Raise the limit, or generate "
            "fewer drafts at once.",
            ErrorKind.RATE_LIMITED,
        )
        self.per_minute = per_minute
        self.wait_s = wait_s


T = TypeVar("T")


def retrying_locked(step: Callable[[], T]) -> T:
    """Run `step` (a short transaction, or an idempotent claim) again while SQLite says locked."""
    give_up = time.monotonic() + LOCKED_RETRY_S
    while True:
        try:
            return step()
        except OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > give_up:
                raise
        time.sleep(0.005 + random.random() * 0.02)  # noqa: S311 - jitter, not security


def _setting_per_minute() -> int:
    from settings_app.resolution import setting_int

    return setting_int("generation.requests_per_minute")


@dataclass(frozen=True)
class Reservation:
    slot: float  # clock time at which the request may start
    granted: bool
    per_minute: int


@dataclass
class Limiter:
    """The shared limiter. The clock, the deadline's clock and sleep are injectable so tests can
    run it on a fake clock; production uses time.time / time.monotonic / time.sleep."""

    key: str = LLM_KEY
    per_minute: Callable[[], int] = field(default=_setting_per_minute)
    clock: Callable[[], float] = time.time
    monotonic: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep

    def reserve(self, *, latest: float) -> Reservation:
        """Take the next free slot if it is not after `latest` (clock time)."""
        rate = max(1, int(self.per_minute()))
        interval = 60.0 / rate

        def step() -> Reservation | None:
            with transaction.atomic():
                row = RateLimitSlot.objects.select_for_update().filter(key=self.key).first()
                if row is None:
                    return None
                now = self.clock()
                slot = max(now, row.next_at)
                if slot > latest:
                    return Reservation(slot=slot, granted=False, per_minute=rate)
                row.next_at = slot + interval
                row.save(update_fields=["next_at", "updated_at"])
                return Reservation(slot=slot, granted=True, per_minute=rate)

        reservation = retrying_locked(step)
        if reservation is None:
            self._create_row()
            reservation = retrying_locked(step)
        if reservation is None:
            raise RuntimeError(f"rate limiter row {self.key!r} vanished while in use")
        return reservation

    def _create_row(self) -> None:
        # get_or_create copes with a concurrent creator.
        retrying_locked(lambda: RateLimitSlot.objects.get_or_create(key=self.key))

    def acquire(self, *, deadline: float) -> float:
        """Block until this caller may send one request; returns the seconds waited.

        `deadline` is on the `monotonic` clock (as in generation/llm.py). Raises RateLimitTimeout
        without reserving anything when the next free slot comes after it."""
        remaining = max(0.0, deadline - self.monotonic())
        reservation = self.reserve(latest=self.clock() + remaining)
        if not reservation.granted:
            wait = reservation.slot - self.clock()
            logger.warning("LLM request refused by the shared limiter: next slot in %.1f s", wait)
            raise RateLimitTimeout(per_minute=reservation.per_minute, wait_s=wait)
        wait = reservation.slot - self.clock()
        if wait > 0:
            self.sleep(wait)
        return max(0.0, wait)

    def back_off(self, *, seconds: float) -> None:
        """Hold every caller back for `seconds` from now (the provider said 429)."""
        seconds = min(max(0.0, seconds), MAX_BACK_OFF_S)
        self._create_row()

        def step() -> None:
            with transaction.atomic():
                row = RateLimitSlot.objects.select_for_update().get(key=self.key)
                row.next_at = max(row.next_at, self.clock() + seconds)
                row.save(update_fields=["next_at", "updated_at"])

        retrying_locked(step)


def acquire(*, deadline: float, per_minute: int | None = None) -> float:
    """Wait for a request slot shared by all workers, at `per_minute` (default: the setting
    `generation.requests_per_minute`); `deadline` is a time.monotonic() value. Returns the
    seconds waited; raises RateLimitTimeout (an LLMError) when no slot comes before it."""
    if per_minute is None:
        return Limiter().acquire(deadline=deadline)
    rate = per_minute
    return Limiter(per_minute=lambda: rate).acquire(deadline=deadline)


def back_off(*, seconds: float) -> None:
    """Push the shared next slot at least `seconds` into the future (after a provider 429)."""
    Limiter().back_off(seconds=seconds)
