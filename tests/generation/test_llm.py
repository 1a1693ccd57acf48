"""generation/llm.py through the real LiteLLM client against the local fake provider."""

from __future__ import annotations

import json
import logging
import pathlib
import re
from dataclasses import replace

import pytest
from pydantic import BaseModel

from generation import llm
from generation.llm import LLMConfig
from generation.llm_types import ErrorKind, LLMError
from tests.fakes.openai_server import FakeLLMServer, FakeReply

# The fake provider's fixtures (also registered suite-wide through tests/conftest.py).

KEY = "sk-test-KEYVALUE-0123456789abcdef-zz99"
MESSAGES = [
    {"role": "system", "content": "You write training programs."},
    {"role": "user", "content": "Next block for Tommy."},
]


def openai_config(server: FakeLLMServer, **changes: object) -> LLMConfig:
    config = LLMConfig(
        provider="openai",
        model="gpt-4o-mini",
        api_key=KEY,
        base_url=server.openai_base_url,
        timeout_seconds=10,
        max_retries=2,
        retry_base_delay=0.01,
    )
    return replace(config, **changes)  # type: ignore[arg-type]


class Plan(BaseModel):
    reasoning: str
    weeks: int


# -- routing --------------------------------------------------------------------------------


def test_openai_route_sends_model_key_and_parameters(fake_llm: FakeLLMServer) -> None:
    fake_llm.queue(FakeReply.text("Hello coach", prompt_tokens=30, completion_tokens=4))
    result = llm.complete(openai_config(fake_llm, temperature=0.2, max_tokens=500), MESSAGES)
    assert result.text == "Hello coach"
    assert (result.tokens_in, result.tokens_out) == (30, 4)
    assert result.finish_reason == "stop"
    assert result.model == "gpt-4o-mini"
    assert result.attempts == 1
    assert result.cost_usd > 0  # gpt-4o-mini is in LiteLLM's bundled price map
    sent = fake_llm.last
    assert sent.path == "/v1/chat/completions"
    assert sent.header("authorization") == f"Bearer {KEY}"
    assert sent.model == "gpt-4o-mini"
    assert sent.body["temperature"] == 0.2
    assert sent.body["max_tokens"] == 500
    assert sent.messages == MESSAGES


def test_anthropic_route_uses_the_messages_api(fake_llm: FakeLLMServer) -> None:
    config = LLMConfig(
        provider="anthropic", model="claude-sonnet-4-5", api_key=KEY, base_url=fake_llm.base_url
    )
    fake_llm.queue(FakeReply.text("Hi from Claude", finish_reason="stop"))
    result = llm.complete(config, MESSAGES)
    assert result.text == "Hi from Claude"
    sent = fake_llm.last
    assert sent.path == "/v1/messages"
    assert sent.header("x-api-key") == KEY
    assert sent.model == "claude-sonnet-4-5"
    assert "You write training programs." in json.dumps(sent.system)
    assert config.supports_cache_control


def test_anthropic_cache_control_mark_reaches_the_provider(fake_llm: FakeLLMServer) -> None:
    config = LLMConfig(
        provider="anthropic", model="claude-sonnet-4-5", api_key=KEY, base_url=fake_llm.base_url
    )
    system = {"role": "system", "content": llm.cache_marked(config, "Long stable catalog")}
    llm.complete(config, [system, MESSAGES[1]])
    assert fake_llm.last.system[0]["cache_control"] == {"type": "ephemeral"}


def test_cache_mark_is_plain_text_for_other_providers(fake_llm: FakeLLMServer) -> None:
    assert llm.cache_marked(openai_config(fake_llm), "text") == "text"


def test_ollama_route_is_ollama_chat_with_num_ctx(fake_llm: FakeLLMServer) -> None:
    config = LLMConfig(
        provider="ollama", model="llama3.1", base_url=fake_llm.base_url, num_ctx=8192
    )
    assert config.litellm_model == "ollama_chat/llama3.1"
    fake_llm.queue(FakeReply.text("local answer"))
    result = llm.complete(config, MESSAGES)
    assert result.text == "local answer"
    assert result.model == "llama3.1"
    sent = fake_llm.last
    assert sent.path == "/api/chat"
    assert sent.model == "llama3.1"
    assert sent.body["options"]["num_ctx"] == 8192
    assert sent.body["stream"] is False


def test_openai_compatible_route_needs_no_key(fake_llm: FakeLLMServer) -> None:
    config = LLMConfig(
        provider="openai_compatible",
        model="meta-llama/Llama-3-8B",
        base_url=fake_llm.openai_base_url,
    )
    assert config.litellm_model == "openai/meta-llama/Llama-3-8B"
    result = llm.complete(config, MESSAGES)
    assert result.text == "OK"
    assert fake_llm.last.model == "meta-llama/Llama-3-8B"
    assert fake_llm.last.path == "/v1/chat/completions"


def test_response_format_is_sent_as_a_json_schema(fake_llm: FakeLLMServer) -> None:
    fake_llm.queue(FakeReply.json({"reasoning": "RPE rising", "weeks": 4}))
    result = llm.complete(openai_config(fake_llm), MESSAGES, response_format=Plan)
    assert Plan.model_validate_json(result.text).weeks == 4
    schema = fake_llm.last.body["response_format"]
    assert schema["type"] == "json_schema"
    assert list(schema["json_schema"]["schema"]["properties"]) == ["reasoning", "weeks"]


def test_extra_parameters_are_passed_through(fake_llm: FakeLLMServer) -> None:
    llm.complete(openai_config(fake_llm), MESSAGES, extra={"seed": 7})
    assert fake_llm.last.body["seed"] == 7


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"provider": ""}, "No LLM provider is configured"),
        ({"model": " "}, "No model is set"),
        ({"api_key": ""}, "No API key is set for Openai"),
        ({"provider": "openai_compatible", "base_url": ""}, "needs a base URL"),
        ({"provider": "bedrock"}, "Unknown LLM provider"),
    ],
)
def test_incomplete_configuration_fails_before_any_request(
    fake_llm: FakeLLMServer, changes: dict[str, object], message: str
) -> None:
    with pytest.raises(LLMError) as exc:
        llm.complete(openai_config(fake_llm, **changes), MESSAGES)
    assert exc.value.kind is ErrorKind.NOT_CONFIGURED
    assert message in exc.value.user_message
    assert fake_llm.requests == []


# -- failures in plain words ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reply", "kind", "words"),
    [
        (FakeReply.unauthorized(), ErrorKind.AUTH, "bad key"),
        (FakeReply.model_not_found("gpt-9"), ErrorKind.NOT_FOUND, "unknown model"),
        (FakeReply.out_of_credit(), ErrorKind.OUT_OF_CREDIT, "out of credit"),
        (FakeReply.error(400, "max_tokens is too large"), ErrorKind.BAD_REQUEST, "HTTP 400"),
    ],
)
def test_provider_errors_map_to_kinds_and_are_not_retried(
    fake_llm: FakeLLMServer, reply: FakeReply, kind: ErrorKind, words: str
) -> None:
    fake_llm.queue(reply)
    with pytest.raises(LLMError) as exc:
        llm.complete(openai_config(fake_llm), MESSAGES)
    assert exc.value.kind is kind
    assert words in exc.value.user_message
    assert len(fake_llm.requests) == 1


@pytest.mark.parametrize("route", ["openai", "anthropic", "ollama"])
def test_bad_key_and_unknown_model_on_every_route(fake_llm: FakeLLMServer, route: str) -> None:
    config = {
        "openai": openai_config(fake_llm),
        "anthropic": LLMConfig("anthropic", "claude-x", KEY, fake_llm.base_url),
        "ollama": LLMConfig("ollama", "llama3.1", "", fake_llm.base_url),
    }[route]
    fake_llm.queue(FakeReply.unauthorized(), FakeReply.model_not_found())
    with pytest.raises(LLMError) as first:
        llm.complete(config, MESSAGES)
    with pytest.raises(LLMError) as second:
        llm.complete(config, MESSAGES)
    assert (first.value.kind, second.value.kind) == (ErrorKind.AUTH, ErrorKind.NOT_FOUND)


def test_rate_limit_is_retried_honouring_retry_after(fake_llm: FakeLLMServer) -> None:
    fake_llm.queue(FakeReply.rate_limited(retry_after=0.05), FakeReply.text("after the wait"))
    result = llm.complete(openai_config(fake_llm), MESSAGES)
    assert result.text == "after the wait"
    assert result.attempts == 2
    assert len(fake_llm.requests) == 2


def test_server_errors_are_retried_up_to_max_retries(fake_llm: FakeLLMServer) -> None:
    fake_llm.queue(*[FakeReply.server_error()] * 3, FakeReply.text("never reached"))
    with pytest.raises(LLMError) as exc:
        llm.complete(openai_config(fake_llm, max_retries=2), MESSAGES)
    assert exc.value.kind is ErrorKind.SERVER_ERROR
    assert "server error (HTTP 500)" in exc.value.user_message
    assert exc.value.attempts == 3
    assert len(fake_llm.requests) == 3


def test_no_retries_when_max_retries_is_zero(fake_llm: FakeLLMServer) -> None:
    fake_llm.queue(FakeReply.rate_limited(retry_after=0), FakeReply.text("x"))
    with pytest.raises(LLMError) as exc:
        llm.complete(openai_config(fake_llm, max_retries=0), MESSAGES)
    assert exc.value.kind is ErrorKind.RATE_LIMITED
    assert "rate limited" in exc.value.user_message
    assert len(fake_llm.requests) == 1


def test_a_retry_after_past_the_deadline_gives_up_at_once(fake_llm: FakeLLMServer) -> None:
    fake_llm.queue(FakeReply.rate_limited(retry_after=60), FakeReply.text("x"))
    with pytest.raises(LLMError) as exc:
        llm.complete(openai_config(fake_llm, timeout_seconds=5), MESSAGES)
    assert exc.value.kind is ErrorKind.RATE_LIMITED
    assert "Gave up: a retry would pass the 5 s deadline" in exc.value.user_message
    assert len(fake_llm.requests) == 1


def test_slow_server_past_the_deadline_is_a_timeout(fake_llm: FakeLLMServer) -> None:
    fake_llm.queue(FakeReply.slow(5))
    with pytest.raises(LLMError) as exc:
        llm.complete(openai_config(fake_llm, timeout_seconds=0.5), MESSAGES)
    assert exc.value.kind is ErrorKind.TIMEOUT
    assert "did not answer within 0.5 s (timeout)" in exc.value.user_message


def test_the_deadline_covers_all_retries_together(fake_llm: FakeLLMServer) -> None:
    # Each answer alone is within the per-call budget; together they are not.
    fake_llm.queue(
        FakeReply.error(500, "boom", delay=0.4),
        FakeReply.error(500, "boom", delay=0.4),
        FakeReply.slow(0.4, "too late"),
    )
    with pytest.raises(LLMError) as exc:
        llm.complete(openai_config(fake_llm, timeout_seconds=1, max_retries=5), MESSAGES)
    assert exc.value.kind in (ErrorKind.TIMEOUT, ErrorKind.SERVER_ERROR)
    assert len(fake_llm.requests) <= 3


def test_unreachable_base_url(unused_port: int) -> None:
    config = LLMConfig(
        "openai_compatible", "m", "", f"http://127.0.0.1:{unused_port}/v1", max_retries=0
    )
    with pytest.raises(LLMError) as exc:
        llm.complete(config, MESSAGES)
    assert exc.value.kind is ErrorKind.UNREACHABLE
    assert f"Cannot reach http://127.0.0.1:{unused_port}/v1" in exc.value.user_message


def test_truncated_answer_is_an_error_that_keeps_the_partial_result(
    fake_llm: FakeLLMServer,
) -> None:
    fake_llm.queue(FakeReply.truncated('{"reasoning": "The ath'))
    with pytest.raises(LLMError) as exc:
        llm.complete(openai_config(fake_llm, max_tokens=300), MESSAGES)
    assert exc.value.kind is ErrorKind.TRUNCATED
    assert "cut off at the 300-token limit" in exc.value.user_message
    assert exc.value.result is not None
    assert exc.value.result.text == '{"reasoning": "The ath'
    assert len(fake_llm.requests) == 1


def test_empty_or_malformed_answers_are_bad_responses(fake_llm: FakeLLMServer) -> None:
    fake_llm.queue(FakeReply.text(""), FakeReply(raw_body=b"<html>proxy error</html>"))
    for _ in range(2):
        with pytest.raises(LLMError) as exc:
            llm.complete(openai_config(fake_llm, max_retries=0), MESSAGES)
        assert exc.value.kind in (ErrorKind.BAD_RESPONSE, ErrorKind.SERVER_ERROR)


def test_the_api_key_is_scrubbed_from_messages_and_logs(
    fake_llm: FakeLLMServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    fake_llm.queue(FakeReply.error(401, f"Incorrect API key provided: {KEY}."))
    with pytest.raises(LLMError) as exc:
        llm.complete(openai_config(fake_llm), MESSAGES)
    assert KEY not in exc.value.user_message
    assert KEY not in exc.value.detail
    assert KEY not in str(exc.value)
    assert "[key]" in exc.value.user_message
    assert KEY not in caplog.text


def test_from_settings_reads_the_registry(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from settings_app.services import settings_set

    monkeypatch.setenv("REPLOG_LLM_PROVIDER", "ollama")
    settings_set(key="llm.model", value="qwen2.5", by=None)
    settings_set(key="llm.ollama_num_ctx", value="32768", by=None)
    config = LLMConfig.from_settings()
    assert (config.provider, config.model, config.num_ctx) == ("ollama", "qwen2.5", 32768)
    assert config.timeout_seconds == 120
    assert config.max_retries == 2


# -- test_connection --------------------------------------------------------------------------


def test_test_connection_reports_the_model_that_answered(fake_llm: FakeLLMServer) -> None:
    fake_llm.queue(FakeReply.text("OK", model="gpt-4o-mini-2024-07-18"))
    result = llm.test_connection(openai_config(fake_llm))
    assert result.ok
    assert result.model == "gpt-4o-mini-2024-07-18"
    assert result.latency_s >= 0
    assert "gpt-4o-mini-2024-07-18 answered in" in result.message
    assert fake_llm.last.body["max_tokens"] == 16


def test_test_connection_accepts_a_truncated_answer(fake_llm: FakeLLMServer) -> None:
    fake_llm.queue(FakeReply.truncated("Sure! Here is"))
    assert llm.test_connection(openai_config(fake_llm)).ok


def test_test_connection_does_not_retry(fake_llm: FakeLLMServer) -> None:
    fake_llm.queue(FakeReply.rate_limited(retry_after=0), FakeReply.text("OK"))
    result = llm.test_connection(openai_config(fake_llm))
    assert not result.ok
    assert result.kind == "rate_limited"
    assert len(fake_llm.requests) == 1


def test_count_tokens_uses_litellms_counter() -> None:
    assert llm.count_tokens("hello world") == 2
    assert llm.count_tokens("") == 0


# -- the one door ---------------------------------------------------------------------------


def test_only_generation_llm_imports_litellm() -> None:
    root = pathlib.Path(__file__).resolve().parents[2]
    pattern = re.compile(r"^\s*(import litellm|from litellm)", re.MULTILINE)
    offenders = [
        str(path.relative_to(root))
        for top in ("replog", "athletes", "programs", "generation", "settings_app", "bench")
        if (root / top).is_dir()
        for path in (root / top).rglob("*.py")
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == ["generation/llm.py"]


@pytest.mark.parametrize("provider", ["openai", "anthropic", "ollama", "openai_compatible"])
def test_warm_up_reaches_no_provider_and_never_raises(
    fake_llm: FakeLLMServer, provider: str
) -> None:
    config = LLMConfig(
        provider=provider, model="some-model", api_key=KEY, base_url=fake_llm.base_url
    )
    llm.warm_up(config, response_format=Plan)
    llm.warm_up(LLMConfig(provider=provider, model=""))  # even unconfigured
    assert fake_llm.requests == []  # the configured server was never asked
    # … and a real request goes on to work as before.
    fake_llm.queue(FakeReply.text("after the warm-up"))
    assert llm.complete(openai_config(fake_llm), MESSAGES).text == "after the warm-up"
