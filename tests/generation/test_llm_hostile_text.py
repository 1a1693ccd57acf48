"""An LLM answer holding NUL or a lone surrogate takes the repair round (then the fallback), as
any other refused answer, and nothing unstorable reaches the run's record. Through the real
LiteLLM client and the local fake provider."""

from __future__ import annotations

import json

from generation.packet import Packet
from tests.fakes.openai_server import FakeLLMServer, FakeReply
from tests.generation import test_llm_engine as base
from tests.generation.data.world import tommy_compact
from tests.generation.test_llm_engine import feedback, generate

# The engine module's fixtures, shared rather than written twice.
world, tommy = base.world, base.tommy


def test_a_nul_in_the_reasoning_is_sent_back_for_repair(llm: FakeLLMServer, tommy: Packet) -> None:
    hostile = tommy_compact()
    hostile["reasoning"] = ["Back Squat +5 %\u0000"]
    llm.queue(FakeReply.json(hostile), FakeReply.json(tommy_compact()))
    draft = generate(tommy)

    assert draft.fallback_reason == ""
    assert len(llm.requests) == 2
    assert "reasoning[0]: contains a NUL character (U+0000)" in feedback(llm)
    assert all("\x00" not in line for line in draft.reasoning)


def test_a_lone_surrogate_twice_ends_in_the_rules_fallback(
    llm: FakeLLMServer, tommy: Packet
) -> None:
    hostile = tommy_compact()
    hostile["program"]["name"] = "Block \ud800"
    llm.queue(FakeReply.json(hostile), FakeReply.json(hostile))
    draft = generate(tommy)

    assert "lone UTF-16 surrogate" in draft.fallback_reason
    assert draft.catalog["programs"][0]["prescribed_sets"]


def test_a_raw_nul_in_the_answer_is_kept_storable_in_the_record(
    llm: FakeLLMServer, tommy: Packet
) -> None:
    raw = json.dumps(tommy_compact()).replace("Back Squat", "Back\x00Squat", 1)
    llm.queue(FakeReply.text(raw), FakeReply.json(tommy_compact()))
    draft = generate(tommy)

    assert len(llm.requests) == 2
    assert "\x00" not in draft.raw_response
    assert "Back\ufffdSquat" in draft.raw_response
    assert "\x00" not in json.dumps(draft.prompt, ensure_ascii=False)
