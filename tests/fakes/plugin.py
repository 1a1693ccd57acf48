"""pytest fixtures for the fake LLM provider. Registered for the whole suite with
`pytest_plugins = ["tests.fakes.plugin"]` in tests/conftest.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.openai_server import FakeLLMServer


@pytest.fixture(scope="module")
def fake_llm_server() -> Iterator[FakeLLMServer]:
    # One server per test module: stopping one waits for its serve loop's half-second poll.
    with FakeLLMServer() as server:
        yield server


@pytest.fixture
def fake_llm(fake_llm_server: FakeLLMServer) -> FakeLLMServer:
    """The fake OpenAI / Anthropic / Ollama server on 127.0.0.1, emptied for this test."""
    fake_llm_server.reset()
    return fake_llm_server


@pytest.fixture
def unused_port() -> int:
    """A local port with nothing listening (for "unreachable base URL")."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def configure_fake_llm(
    monkeypatch: pytest.MonkeyPatch, server: FakeLLMServer, **env: str
) -> FakeLLMServer:
    """Make `server` the configured OpenAI-compatible provider through the environment (as an
    operator would), with no retries and no shared rate limit unless `env` says otherwise;
    `env` keys are REPLOG_LLM_* / REPLOG_GENERATION_* names without the prefix."""
    values = {
        "LLM_PROVIDER": "openai_compatible",
        "LLM_MODEL": "fake-model",
        "LLM_BASE_URL": server.openai_base_url,
        "LLM_API_KEY": "",
        "LLM_MAX_RETRIES": "0",
        "LLM_TIMEOUT_SECONDS": "20",
        "GENERATION_REQUESTS_PER_MINUTE": "100000",
        **env,
    }
    for name, value in values.items():
        monkeypatch.setenv(f"REPLOG_{name}", value)
    return server


@pytest.fixture
def llm(monkeypatch: pytest.MonkeyPatch, fake_llm: FakeLLMServer) -> FakeLLMServer:
    """The fake server as the configured provider, with nothing queued and nothing received."""
    return configure_fake_llm(monkeypatch, fake_llm)
