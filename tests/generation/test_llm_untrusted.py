"""An LLM answer as untrusted input, on the wire: oversized, malformed, slow or odd answers, each
through the real LiteLLM client against the local fake provider (tests/fakes). Nothing of ours
is patched; the fake only scripts what the "model" sends."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

import pytest

from generation import llm
from generation.engines.answer_problems import for_the_coach
from generation.engines.base import Draft, EngineName
from generation.engines.llm_engine import REPAIR_EXCERPT_CHARS, STORED_CHARS, LLMEngine
from generation.llm import LLMConfig, answer_limit
from generation.llm_parse import extract_json, top_level_objects
from generation.llm_types import ErrorKind, LLMError
from generation.packet import Packet, build_packet
from tests.fakes.openai_server import FakeLLMServer, FakeReply
from tests.fakes.plugin import configure_fake_llm
from tests.generation.data.world import World, build_world, request, tommy_compact

MESSAGES = [{"role": "user", "content": "Next block for Tommy."}]
# Generous: a condition the fixed code meets within a fraction of a second, and the old code
# only after the whole drip (a minute), so the wait tells them apart without timing us.
WITHIN_S = 10.0


@pytest.fixture
def tommy(db: None) -> Packet:
    world: World = build_world()
    return build_packet(world.tommy)


def generate(packet: Packet) -> Draft:
    return LLMEngine().generate(packet, request())


def config(server: FakeLLMServer, **changes: Any) -> LLMConfig:
    values: dict[str, Any] = {
        "provider": "openai_compatible",
        "model": "fake-model",
        "base_url": server.openai_base_url,
        "timeout_seconds": 10,
        "max_retries": 0,
        **changes,
    }
    return LLMConfig(**values)


def eventually(condition: Callable[[], bool]) -> bool:
    done = threading.Event()
    for _ in range(int(WITHIN_S / 0.05)):
        if condition():
            return True
        done.wait(0.05)
    return condition()


def repair_request(server: FakeLLMServer) -> str:
    return json.dumps(server.requests[1].messages[-2:])


# --- finding the JSON, in one pass ------------------------------------------------------------


def test_a_malformed_object_is_reported_at_its_position_not_replaced_by_an_inner_one() -> None:
    text = '{"reasoning": ["ok"], "program": {"day": 1} "exercise": {"plan": []}}'
    data, problem = extract_json(text)
    assert data is None
    assert problem is not None
    assert str(problem).startswith("The answer is not valid JSON: Expecting ',' delimiter")
    assert "line 1, column 45 (character 45)" in str(problem)
    assert problem.position == 44


def test_a_megabyte_of_braces_is_one_unclosed_object_reported_at_its_second_character() -> None:
    flood = "{" * 1_000_000
    assert top_level_objects(flood) == [(0, 1_000_000)]
    data, problem = extract_json(flood)
    assert data is None
    assert "Expecting property name enclosed in double quotes at line 1, column 2" in str(problem)


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        ('a {"k": "}{"} b {"x": 1}', [(2, 13), (16, 24)]),  # braces in strings do not count
        ('{"k": "say \\"}\\" ok"}', [(0, 21)]),  # nor escaped quotes
        ("{} {", [(0, 2), (3, 4)]),  # an object still open runs to the end
        ("no braces", []),
    ],
)
def test_top_level_objects_tracks_strings_and_escapes(
    text: str, spans: list[tuple[int, int]]
) -> None:
    assert top_level_objects(text) == spans


def test_deep_nesting_is_a_parse_error_not_a_crash() -> None:
    data, problem = extract_json('{"a": ' * 200_000)
    assert data is None
    assert "not valid JSON" in str(problem)


# --- the size of what we accept, send and keep --------------------------------------------------


def test_a_provider_ignoring_max_tokens_gets_a_clear_failure(fake_llm: FakeLLMServer) -> None:
    cfg = config(fake_llm, max_tokens=100)
    fake_llm.queue(FakeReply.text("x" * (answer_limit(cfg) + 1), completion_tokens=150))
    with pytest.raises(LLMError) as exc:
        llm.complete(cfg, MESSAGES)
    assert exc.value.kind is ErrorKind.BAD_RESPONSE
    assert "ignored “Max output tokens”" in exc.value.user_message
    assert exc.value.result is not None
    assert len(exc.value.result.text) == answer_limit(cfg)  # what is kept is bounded


def test_a_token_count_far_past_max_tokens_is_refused_too(fake_llm: FakeLLMServer) -> None:
    fake_llm.queue(FakeReply.text('{"a": 1}', completion_tokens=501_524))
    with pytest.raises(LLMError, match="501,524 tokens"):
        llm.complete(config(fake_llm, max_tokens=8192), MESSAGES)


def test_an_honest_answer_at_the_token_limit_is_accepted(fake_llm: FakeLLMServer) -> None:
    cfg = config(fake_llm, max_tokens=100)
    fake_llm.queue(FakeReply.text("y" * 4 * 100, completion_tokens=100))
    assert llm.complete(cfg, MESSAGES).text == "y" * 400


def test_an_oversized_answer_falls_back_at_once_and_is_stored_bounded(
    llm: FakeLLMServer, tommy: Packet
) -> None:
    llm.queue(FakeReply.text("{" * 1_000_000, completion_tokens=501_524))
    draft = generate(tommy)
    assert draft.usage.engine is EngineName.RULES
    assert "ignored “Max output tokens”" in draft.fallback_reason
    assert len(llm.requests) == 1  # no repair round for an answer we refuse to read
    assert len(draft.raw_response) < STORED_CHARS + 200
    assert draft.usage.tokens_out == 501_524  # it was paid for


def test_the_repair_round_sends_the_errors_and_a_bounded_excerpt(
    monkeypatch: pytest.MonkeyPatch, fake_llm: FakeLLMServer, tommy: Packet
) -> None:
    configure_fake_llm(monkeypatch, fake_llm, LLM_MAX_TOKENS="200000")
    flood = "Here: " + "{" * 250_000
    fake_llm.queue(FakeReply.text(flood), FakeReply.text(flood))
    draft = generate(tommy)

    sent = fake_llm.requests[1].messages
    assert len(sent[-2]["content"]) < REPAIR_EXCERPT_CHARS + 200
    assert (
        "Expecting property name enclosed in double quotes at line 1, column 8"
        in (sent[-1]["content"])
    )
    assert draft.usage.engine is EngineName.RULES
    assert all(len(m["content"]) < STORED_CHARS + 200 for m in draft.prompt)
    assert len(draft.raw_response) < 2 * STORED_CHARS + 1_000
    assert "column 8" in draft.fallback_reason


# --- messages ---------------------------------------------------------------------------------


def test_malformed_json_is_reported_as_the_syntax_error_to_the_model_and_the_coach(
    llm: FakeLLMServer, tommy: Packet
) -> None:
    answer = json.dumps(tommy_compact(), indent=2)
    broken = answer.replace('"program": {', '"program": {\n    "name" "Block 2",', 1)
    llm.queue(FakeReply.text(broken), FakeReply.text(broken))
    draft = generate(tommy)

    told = repair_request(llm)
    assert "not valid JSON: Expecting ':' delimiter at line" in told
    assert "is not a key of the answer format" not in told
    assert "is required" not in told
    assert "Expecting ':' delimiter at line" in draft.fallback_reason


def test_a_tool_call_answer_is_read_as_the_answer_and_stored(
    llm: FakeLLMServer, tommy: Packet
) -> None:
    arguments = json.dumps(tommy_compact())
    llm.queue(FakeReply.tool(arguments, completion_tokens=1507))
    draft = generate(tommy)
    assert draft.fallback_reason == ""
    assert draft.usage.engine is EngineName.LLM
    assert draft.raw_response == arguments


def test_a_tool_call_without_arguments_says_what_came_back(
    llm: FakeLLMServer, tommy: Packet
) -> None:
    llm.queue(FakeReply.tool("", name="lookup_exercises", completion_tokens=1507))
    draft = generate(tommy)
    assert "a call to the tool “lookup_exercises” and no arguments" in draft.fallback_reason
    assert "lookup_exercises" in draft.raw_response
    assert draft.usage.tokens_out == 1507


@pytest.mark.parametrize(
    ("key", "said", "shown"),
    [
        ("x", "Please reduce the maximum length.", "Please reduce the maximum length."),
        ("abcdef123456", "Key abcdef123456 is invalid.", "Key [key] is invalid."),
        ("abcdef123456", "Id zabcdef123456z is unknown.", "Id zabcdef123456z is unknown."),
    ],
)
def test_only_a_secret_length_key_is_scrubbed_and_only_as_a_whole_token(
    fake_llm: FakeLLMServer, key: str, said: str, shown: str
) -> None:
    fake_llm.queue(FakeReply.error(400, said))
    with pytest.raises(LLMError) as exc:
        llm.complete(config(fake_llm, api_key=key), MESSAGES)
    assert exc.value.detail == shown


# --- the deadline closes the connection -------------------------------------------------------


def _llm_call_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "llm-call" and t.is_alive()]


def test_a_dripping_provider_is_hung_up_on_at_the_deadline(
    monkeypatch: pytest.MonkeyPatch, fake_llm: FakeLLMServer, tommy: Packet
) -> None:
    configure_fake_llm(monkeypatch, fake_llm, LLM_TIMEOUT_SECONDS="1")
    # ~300 bytes at 0.2 s each: a minute of dripping if nobody hangs up.
    fake_llm.queue(FakeReply.dripping('{"a": 1}', every=0.2))
    draft = generate(tommy)

    assert draft.usage.engine is EngineName.RULES
    assert "did not answer within 1 s (timeout)" in draft.fallback_reason
    assert fake_llm.hung_up.wait(WITHIN_S), "the abandoned call kept the connection open"
    assert eventually(lambda: not _llm_call_threads()), "the abandoned call's thread lives on"


def test_a_schema_problem_reads_as_exercise_day_and_week_for_the_coach(
    llm: FakeLLMServer, tommy: Packet
) -> None:
    bad = tommy_compact()
    entry = next(e for e in bad["program"]["exercises"] if e["exercise"] == "Back Squat")
    entry["plan"][0]["sets"] = [[5, 75, None, None]] * 51
    llm.queue(FakeReply.json(bad), FakeReply.json(bad))
    draft = generate(tommy)

    assert "Back Squat, day 1, week 1: has 51 sets, more than the 50 allowed" in (
        draft.fallback_reason
    )
    assert "program.exercises[" not in draft.fallback_reason
    assert "List should have" not in draft.fallback_reason
    assert "List should have at most 50 items" in draft.raw_response  # the stored details


@pytest.mark.parametrize(
    ("problem", "said"),
    [
        (
            "program.exercises[3].plan[0].sets[2][3] (Front Squat day 2, weeks 1, 2, set 3, "
            "target_rpe): 12 is more than the maximum 10",
            "Front Squat, day 2, weeks 1, 2, set 3 (target RPE): 12 is more than the maximum 10",
        ),
        (
            "program.exercises[4].exercise, program.exercises[7].exercise (day 1, 2): "
            "“Gizmo Lift” is not in the exercise catalog",
            "“Gizmo Lift” is not in the exercise catalog (day 1, 2)",
        ),
        ("reasoning: is required", "The reasoning is required"),
        (
            "program.description: String should have at most 600 characters",
            "The program's description is longer than 600 characters",
        ),
        (
            "The answer was empty. Answer with one JSON object only.",
            "The answer was empty. Answer with one JSON object only.",
        ),
    ],
)
def test_problems_are_told_to_the_coach_without_paths(problem: str, said: str) -> None:
    assert for_the_coach(problem) == said


def test_calls_still_go_through_a_proxy_set_in_the_environment(
    monkeypatch: pytest.MonkeyPatch, fake_llm: FakeLLMServer
) -> None:
    # The fake server stands in for the proxy: a host that does not resolve is reached through
    # it (its 404 for a path it does not serve), not refused as unreachable.
    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", fake_llm.base_url)
    with pytest.raises(LLMError) as exc:
        llm.complete(config(fake_llm, base_url="http://llm.invalid/v1"), MESSAGES)
    assert exc.value.kind is ErrorKind.NOT_FOUND
