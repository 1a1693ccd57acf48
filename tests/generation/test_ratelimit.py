from __future__ import annotations

import threading

import pytest
from django.db import connection

from generation import ratelimit
from generation.ratelimit import MAX_BACK_OFF_S, Limiter, RateLimitTimeout
from generation.ratelimit_models import RateLimitSlot


class FakeClock:
    """A shared clock that only moves when told; `sleep` records and (optionally) advances."""

    def __init__(self, start: float = 1_000.0, *, advance_on_sleep: bool = True) -> None:
        self.now = start
        self.advance_on_sleep = advance_on_sleep
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def time(self) -> float:
        with self._lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            if self.advance_on_sleep:
                self.now += seconds

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.now += seconds


def limiter(clock: FakeClock, per_minute: int = 60, key: str = "llm") -> Limiter:
    return Limiter(
        key=key,
        per_minute=lambda: per_minute,
        clock=clock.time,
        monotonic=clock.time,
        sleep=clock.sleep,
    )


@pytest.mark.django_db
def test_requests_are_spaced_sixty_over_rate_seconds_apart() -> None:
    clock = FakeClock()
    lim = limiter(clock, per_minute=60)

    waits = [lim.acquire(deadline=clock.time() + 100) for _ in range(4)]

    assert waits == [0.0, 1.0, 1.0, 1.0]
    assert clock.now == 1_003.0
    assert RateLimitSlot.objects.get(key="llm").next_at == 1_004.0


@pytest.mark.django_db
def test_an_idle_limiter_grants_at_once_and_does_not_bank_slots() -> None:
    clock = FakeClock()
    lim = limiter(clock, per_minute=30)
    lim.acquire(deadline=clock.time() + 10)
    clock.advance(600)  # ten idle minutes do not allow a burst afterwards

    waits = [lim.acquire(deadline=clock.time() + 100) for _ in range(3)]

    assert waits == [0.0, 2.0, 2.0]


@pytest.mark.django_db
def test_two_limiter_instances_share_one_budget_like_two_processes() -> None:
    clock = FakeClock(advance_on_sleep=False)
    worker_a, worker_b = limiter(clock, per_minute=120), limiter(clock, per_minute=120)

    waits = [
        worker_a.acquire(deadline=clock.time() + 60),
        worker_b.acquire(deadline=clock.time() + 60),
        worker_a.acquire(deadline=clock.time() + 60),
        worker_b.acquire(deadline=clock.time() + 60),
    ]

    assert waits == [0.0, 0.5, 1.0, 1.5]


@pytest.mark.django_db
def test_separate_keys_are_separate_budgets() -> None:
    clock = FakeClock(advance_on_sleep=False)
    first, other = limiter(clock, key="llm"), limiter(clock, key="other")

    assert first.acquire(deadline=clock.time() + 5) == 0.0
    assert other.acquire(deadline=clock.time() + 5) == 0.0
    assert first.acquire(deadline=clock.time() + 5) == 1.0


@pytest.mark.django_db
def test_a_slot_past_the_deadline_raises_a_clear_error_and_reserves_nothing() -> None:
    clock = FakeClock(advance_on_sleep=False)
    lim = limiter(clock, per_minute=60)
    deadline = clock.time() + 2.5
    granted = [lim.acquire(deadline=deadline) for _ in range(3)]  # slots at +0, +1, +2

    with pytest.raises(RateLimitTimeout) as excinfo:
        lim.acquire(deadline=deadline)

    assert granted == [0.0, 1.0, 2.0]
    error = excinfo.value
    assert error.kind == "rate_limited"
    assert "60 requests per minute" in error.user_message
    assert "LLM requests per minute" in error.user_message
    assert error.wait_s == pytest.approx(3.0)
    # The refused caller took no slot: the next one still starts at +3.
    assert RateLimitSlot.objects.get(key="llm").next_at == 1_003.0
    assert clock.sleeps == [1.0, 2.0]


@pytest.mark.django_db
def test_back_off_holds_every_caller_and_is_capped() -> None:
    clock = FakeClock(advance_on_sleep=False)
    lim = limiter(clock, per_minute=60)

    lim.back_off(seconds=20)
    assert lim.acquire(deadline=clock.time() + 100) == 20.0

    lim.back_off(seconds=10_000)
    assert RateLimitSlot.objects.get(key="llm").next_at == clock.time() + MAX_BACK_OFF_S
    # A shorter back-off never pulls an existing one earlier.
    lim.back_off(seconds=1)
    assert RateLimitSlot.objects.get(key="llm").next_at == clock.time() + MAX_BACK_OFF_S


@pytest.mark.django_db
def test_the_rate_comes_from_the_requests_per_minute_setting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("REPLOG_GENERATION_REQUESTS_PER_MINUTE", "240")
    clock = FakeClock(advance_on_sleep=False)
    lim = Limiter(clock=clock.time, monotonic=clock.time, sleep=clock.sleep)

    waits = [lim.acquire(deadline=clock.time() + 10) for _ in range(3)]

    assert waits == [0.0, 0.25, 0.5]


@pytest.mark.django_db(transaction=True)
def test_concurrent_threads_each_get_a_distinct_slot_in_rate_order() -> None:
    clock = FakeClock(advance_on_sleep=False)
    threads_n = 8
    results: list[float] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(threads_n)

    def worker() -> None:
        lim = limiter(clock, per_minute=120)
        try:
            start.wait()
            waited = lim.acquire(deadline=clock.time() + 60)
            with lock:
                results.append(waited)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    # Eight requests at 120/min: exactly one slot every half second, none shared, none skipped.
    assert sorted(results) == [i * 0.5 for i in range(threads_n)]
    assert RateLimitSlot.objects.get(key="llm").next_at == 1_000.0 + threads_n * 0.5


@pytest.mark.django_db
def test_module_level_acquire_uses_the_shared_row(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPLOG_GENERATION_REQUESTS_PER_MINUTE", "100000")

    waited = ratelimit.acquire(deadline=float("inf"))

    assert waited < 1.0
    assert RateLimitSlot.objects.filter(key="llm").count() == 1
