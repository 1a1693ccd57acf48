"""The llm and hybrid strategies through the real LiteLLM client against the local fake
provider. Nothing of ours is patched: the fake only scripts what the "model" says. Every
attacker's answer ends in a formula session labelled formula_fallback, with the reason."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from athletes.models import Athlete
from generation.models import StrategyUsed
from generation.session.plan import Readiness
from generation.session.services import Adjustment, session_adjust
from tests.fakes.openai_server import FakeLLMServer, FakeReply
from tests.generation.session.world import World, build_world, log_sets, sunday


@pytest.fixture(scope="module")
def server() -> Iterator[FakeLLMServer]:
    with FakeLLMServer() as fake:
        yield fake


@pytest.fixture
def llm(monkeypatch: pytest.MonkeyPatch, server: FakeLLMServer) -> FakeLLMServer:
    server.reset()
    for name, value in {
        "REPLOG_LLM_PROVIDER": "openai_compatible",
        "REPLOG_LLM_MODEL": "fake-model",
        "REPLOG_LLM_BASE_URL": server.openai_base_url,
        "REPLOG_LLM_MAX_RETRIES": "0",
    }.items():
        monkeypatch.setenv(name, value)
    return server


@pytest.fixture
def world(athlete: Athlete) -> World:
    return build_world(athlete)


def answer(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "intensity_multiplier": 0.95,
        "set_change": -1,
        "skip_main_lift": False,
        "accessories": [{"exercise": "Plank", "action": "reduce"}],
        "rationale": ["Sleep 2/5 and energy 2/5: one set fewer."],
        "confidence": "medium",
    }
    base.update(changes)
    return base


def adjust(
    world: World, strategy: str = "llm", readiness: Readiness | None = None, **kw: Any
) -> Adjustment:
    return session_adjust(
        athlete=world.athlete,
        readiness=readiness or Readiness(sleep=2, energy=3),
        today=kw.get("today") or timezone.localdate(),
        strategy=strategy,
    )


def weights(result: Adjustment, name: str, which: str = "adjusted") -> list[float | None]:
    lift = next(e for e in result.as_json()["exercises"] if e["name"] == name)
    return [s["weight"] for s in lift[which]]


def test_a_bounded_answer_is_applied_to_the_formula_base(world: World, llm: FakeLLMServer) -> None:
    llm.queue(FakeReply.json(answer(), prompt_tokens=900, completion_tokens=60))
    result = adjust(world)
    assert result.used == StrategyUsed.LLM
    # formula base: 225 × 0.975 (sleep 2) = 219.4 → 220; LLM ×0.95 → 209 → 210, 3 − 1 sets.
    assert weights(result, "Back Squat") == [210.0, 210.0]
    assert result.session.rationale == (
        "Back Squat ×0.975: sleep 2/5, energy 3/5",
        "Bench Press ×0.975: sleep 2/5, energy 3/5",
        "Dumbbell Row ×0.975: sleep 2/5, energy 3/5",
        "LLM: Sleep 2/5 and energy 2/5: one set fewer.",
    )
    assert (result.usage.tokens_in, result.usage.tokens_out) == (900, 60)
    sent = llm.last
    assert sent.body["response_format"]["type"] == "json_schema"
    assert '"Back Squat"' in sent.messages[-1]["content"]


ATTACKS = {
    "intensity 0.10": (answer(intensity_multiplier=0.10), "intensity_multiplier"),
    "intensity 3.0": (answer(intensity_multiplier=3.0), "intensity_multiplier"),
    "set change +10": (answer(set_change=10), "set_change"),
    "set change as text": (answer(set_change="-1"), "set_change"),
    "50 rationale lines": (answer(rationale=["fine"] * 50), "rationale"),
    "a 2,000-character line": (answer(rationale=["x" * 2000]), "rationale.0"),
    "an unknown key": (answer(sets=[{"reps": 20}]), "sets"),
    "every accessory skipped": (
        answer(
            accessories=[
                {"exercise": "Bench Press", "action": "skip"},
                {"exercise": "Dumbbell Row", "action": "skip"},
                {"exercise": "Plank", "action": "skip"},
            ]
        ),
        "not an accessory",  # the bench is a main lift: naming it is refused first
    ),
    "every real accessory skipped": (
        answer(
            accessories=[
                {"exercise": "Dumbbell Row", "action": "skip"},
                {"exercise": "Plank", "action": "skip"},
            ]
        ),
        "skipped every accessory",
    ),
    "main lift skipped": (answer(skip_main_lift=True), "skipped the main lift"),
    "sets cut to zero": (answer(set_change=-3), "would skip"),
    "an invented exercise": (
        answer(accessories=[{"exercise": "Leg Press", "action": "normal"}]),
        "not an accessory",
    ),
}


@pytest.mark.parametrize("case", ATTACKS, ids=list(ATTACKS))
def test_attacks_end_in_a_labelled_formula_session(
    world: World, llm: FakeLLMServer, case: str
) -> None:
    payload, reason = ATTACKS[case]
    llm.queue(FakeReply.json(payload))
    result = adjust(world)
    assert result.used == StrategyUsed.FORMULA_FALLBACK
    assert reason in result.fallback_reason, result.fallback_reason
    assert result.session == result.formula
    assert weights(result, "Back Squat") == [220.0] * 3  # the formula's: 225 × 0.975 → 220


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        (FakeReply.text("I think the athlete should rest."), "not JSON"),
        (FakeReply.server_error(500), "server error"),
        (FakeReply.json([1, 2, 3]), "not JSON"),
    ],
    ids=["prose", "provider error", "a list"],
)
def test_parse_failures_and_provider_errors_fall_back(
    world: World, llm: FakeLLMServer, reply: FakeReply, reason: str
) -> None:
    llm.queue(reply)
    result = adjust(world)
    assert result.used == StrategyUsed.FORMULA_FALLBACK
    assert reason in result.fallback_reason


def test_a_server_slower_than_the_5_s_deadline_falls_back(world: World, llm: FakeLLMServer) -> None:
    llm.queue(FakeReply.slow(6.0, content=json.dumps(answer())))
    result = adjust(world)
    assert result.used == StrategyUsed.FORMULA_FALLBACK
    assert "within 5 s (timeout)" in result.fallback_reason


def test_a_strong_signal_lets_the_llm_skip_accessories(world: World, llm: FakeLLMServer) -> None:
    skip_all = [{"exercise": n, "action": "skip"} for n in ("Dumbbell Row", "Plank")]
    llm.queue(FakeReply.json(answer(accessories=skip_all)))
    result = adjust(world, readiness=Readiness(illness="moderate", illness_note="fever"))
    assert result.used == StrategyUsed.LLM
    assert weights(result, "Dumbbell Row") == []


def test_mrv_cap_wins_over_the_llm(athlete: Athlete, llm: FakeLLMServer) -> None:
    world = build_world(athlete)
    today = sunday()
    log_sets(athlete, world.squat, day=today - dt.timedelta(days=6), sets=20)
    llm.queue(FakeReply.json(answer(intensity_multiplier=1.2, set_change=2)))
    result = adjust(world, today=today)
    assert result.used == StrategyUsed.LLM
    assert weights(result, "Back Squat") == []
    assert any("quads at 20 of 20" in line for line in result.session.rationale)


def test_the_over_reaction_guard_limits_a_deep_llm_cut(world: World, llm: FakeLLMServer) -> None:
    llm.queue(FakeReply.json(answer(intensity_multiplier=0.6, set_change=-2)))
    result = adjust(world)
    # 0.6 and −2 sets on a sleep-2 day: lifted back to one set fewer at 95 % of 225 → 215.
    assert weights(result, "Back Squat") == [215.0, 215.0]
    assert any("deeper than the check-in justifies" in w for w in result.session.warnings)


def test_hybrid_shows_both_and_flags_a_divergence(world: World, llm: FakeLLMServer) -> None:
    llm.queue(FakeReply.json(answer(intensity_multiplier=0.8, set_change=0)))
    result = adjust(world, strategy="hybrid")
    assert result.used == "hybrid"
    assert result.divergence["shown"] is True
    squat = result.divergence["lifts"][0]
    assert (squat["formula_weight"], squat["llm_weight"]) == (220.0, 175.0)
    assert weights(result, "Back Squat") == [175.0] * 3
    assert [s.weight for s in result.formula.lifts[0].sets] == [220] * 3


def test_hybrid_agreement_is_not_flagged(world: World, llm: FakeLLMServer) -> None:
    llm.queue(FakeReply.json(answer(intensity_multiplier=1.0, set_change=0)))
    result = adjust(world, strategy="hybrid")
    assert result.divergence["agrees"] is True
    assert result.divergence["shown"] is False


def test_auto_uses_the_llm_when_configured(world: World, llm: FakeLLMServer) -> None:
    llm.queue(FakeReply.json(answer()))
    assert adjust(world, strategy="auto").used == StrategyUsed.LLM


def test_auto_without_an_llm_is_the_formula(world: World) -> None:
    result = adjust(world, strategy="auto")
    assert result.used == StrategyUsed.FORMULA
    assert result.fallback_reason == ""
