"""The shared limiter on the real LLM path: every HTTP request to the provider takes a slot
(retries included), a provider 429 holds every worker back, and a run that cannot get a slot
before its deadline ends with a labelled rules-engine draft, having sent nothing."""

from __future__ import annotations

import time
from typing import Any

import pytest

from generation import ratelimit
from generation.engines.base import EngineChoice, GenerationRequest
from generation.llm import LLMConfig, complete
from generation.models import GenerationRun, RunStatus
from generation.ratelimit import Limiter, Reservation
from generation.ratelimit_models import RateLimitSlot
from generation.runs.execute import generation_execute
from generation.runs.services import generation_request
from tests.factories import AthleteFactory, ExerciseFactory
from tests.fakes.openai_server import FakeLLMServer, FakeReply
from tests.fakes.plugin import configure_fake_llm

MESSAGES = [{"role": "user", "content": "Say OK"}]


@pytest.fixture
def llm(db: None, monkeypatch: pytest.MonkeyPatch, fake_llm: FakeLLMServer) -> FakeLLMServer:
    return configure_fake_llm(monkeypatch, fake_llm, LLM_MAX_RETRIES="2")


@pytest.fixture
def granted(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Slots the shared limiter granted, in order."""
    slots: list[float] = []
    real = Limiter.reserve

    def counting(self: Limiter, *, latest: float) -> Reservation:
        reservation = real(self, latest=latest)
        if reservation.granted:
            slots.append(reservation.slot)
        return reservation

    monkeypatch.setattr(Limiter, "reserve", counting)
    return slots


def test_the_configured_llm_carries_the_shared_rate(llm: FakeLLMServer) -> None:
    assert LLMConfig.from_settings().requests_per_minute == 100_000


def test_every_request_to_the_provider_takes_a_slot_retries_included(
    llm: FakeLLMServer, granted: list[float]
) -> None:
    llm.queue(FakeReply.server_error(503), FakeReply.text("OK"), FakeReply.text("OK again"))
    config = LLMConfig.from_settings()

    first = complete(config, MESSAGES)
    second = complete(config, MESSAGES)

    assert (first.text, first.attempts, second.text) == ("OK", 2, "OK again")
    assert len(llm.requests) == 3
    assert len(granted) == 3
    assert granted == sorted(granted)


def test_a_provider_429_holds_every_worker_back(
    llm: FakeLLMServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    backed_off: list[float] = []
    real = Limiter.back_off

    def recording(self: Limiter, *, seconds: float) -> None:
        backed_off.append(seconds)
        real(self, seconds=seconds)

    monkeypatch.setattr(Limiter, "back_off", recording)
    llm.queue(FakeReply.rate_limited(retry_after=0.2), FakeReply.text("OK"))
    before = time.time()

    result = complete(LLMConfig.from_settings(), MESSAGES)

    assert result.attempts == 2
    assert len(backed_off) == 1
    assert backed_off[0] >= 0.2
    # The shared next slot was pushed at least that far, for every process.
    assert RateLimitSlot.objects.get(key="llm").next_at >= before + 0.2


def test_a_config_built_by_hand_is_not_limited(llm: FakeLLMServer, granted: list[float]) -> None:
    config = LLMConfig("openai_compatible", "fake-model", "", llm.openai_base_url)

    complete(config, MESSAGES)

    assert granted == []
    assert not RateLimitSlot.objects.exists()


def test_no_slot_before_the_deadline_means_a_labelled_fallback_and_nothing_sent(
    llm: FakeLLMServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REPLOG_LLM_TIMEOUT_SECONDS", "5")
    monkeypatch.setenv("REPLOG_GENERATION_REQUESTS_PER_MINUTE", "60")
    # Other workers have booked the next hour of requests.
    RateLimitSlot.objects.create(key="llm", next_at=time.time() + 3600)
    ExerciseFactory(name="Air Squat", movement_pattern="squat")
    athlete = AthleteFactory(name="Ana")
    request = GenerationRequest(
        program_name="Ana Block 1", days_per_week=2, weeks=1, engine=EngineChoice.LLM
    )
    run = generation_request(athlete=athlete, request=request, by=None)

    generation_execute(run_id=run.pk)

    run.refresh_from_db()
    assert llm.requests == []
    assert run.status == RunStatus.READY
    assert run.engine_used == "rules"
    assert run.fallback_reason.startswith("LLM failed: Too many LLM requests are waiting")
    assert "60 requests per minute" in run.fallback_reason


def test_module_acquire_takes_the_rate_it_is_given(db: None, granted: list[float]) -> None:
    waited: Any = ratelimit.acquire(deadline=time.monotonic() + 5, per_minute=100_000)

    assert waited < 1
    assert len(granted) == 1
    assert GenerationRun.objects.count() == 0
