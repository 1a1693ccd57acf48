"""The one door to LLM providers. The only module that imports LiteLLM, and only when a call is
made (the import takes seconds and must not slow down every process start).

- `LLMConfig.from_settings()` reads provider, model, key, base URL, … from the settings registry.
- `complete(config, messages, ...)` returns an `LLMResult` or raises `LLMError`, whose
  `user_message` is plain words safe to show (the API key is scrubbed from everything).
- We own the retry policy (LiteLLM gets `max_retries=0`): rate limits, 5xx and dropped
  connections are retried with backoff, honouring Retry-After, all inside one overall deadline
  (LiteLLM's `timeout` is per read, so a slow trickle could otherwise run far past it).
- `test_connection(config)` sends a minimal request for the settings page.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from dataclasses import dataclass, field, replace
from enum import StrEnum
from types import ModuleType
from typing import Any

# map_error and scrub are part of the adapter's interface; they live beside it.
from generation.llm_errors import map_error as map_error
from generation.llm_errors import retry_wait, timeout_error
from generation.llm_errors import scrub as scrub
from generation.llm_transport import CallConnections
from generation.llm_types import ErrorKind, LLMError, LLMResult

# Before LiteLLM is imported anywhere: no network fetches of its price map or Anthropic beta
# header list at import time, and no .env loading of its own.
_LITELLM_ENV = {
    "LITELLM_LOCAL_MODEL_COST_MAP": "True",
    "LITELLM_LOCAL_ANTHROPIC_BETA_HEADERS": "True",
    "LITELLM_LOCAL_BLOG_POSTS": "True",
    "LITELLM_MODE": "PRODUCTION",
}
for _name, _value in _LITELLM_ENV.items():
    os.environ.setdefault(_name, _value)

logger = logging.getLogger("generation.llm")

TEST_CONNECTION_TIMEOUT_S = 15.0
# An answer's size bound: ~4 characters a token is typical of JSON and prose; the margin
# doubles it, so an honest answer at the token limit is never refused.
CHARS_PER_TOKEN = 4
ANSWER_MARGIN = 2
OLLAMA_DEFAULT_BASE_URL = "http://127.0.0.1:11434"
_NO_KEY_PLACEHOLDER = "not-needed"  # OpenAI-compatible servers often need no key; the SDK does


class Provider(StrEnum):
    OPENAI = "openai"
    ANTHROPIC = "anthropic"
    OLLAMA = "ollama"
    OPENAI_COMPATIBLE = "openai_compatible"


_ROUTE_PREFIX = {
    Provider.OPENAI: "openai",
    Provider.ANTHROPIC: "anthropic",
    Provider.OLLAMA: "ollama_chat",  # not "ollama/": that is the legacy /api/generate route
    Provider.OPENAI_COMPATIBLE: "openai",
}


@dataclass(frozen=True)
class LLMConfig:
    provider: str
    model: str
    api_key: str = field(default="", repr=False)
    base_url: str = ""
    temperature: float = 0.7
    max_tokens: int = 8192
    timeout_seconds: float = 120.0
    max_retries: int = 2
    num_ctx: int = 16384
    retry_base_delay: float = 1.0
    retry_max_delay: float = 30.0
    # The shared limit across every worker (generation/ratelimit.py); None = not limited, for a
    # config built by hand rather than from the settings.
    requests_per_minute: int | None = None

    @classmethod
    def from_settings(cls) -> LLMConfig:
        from settings_app.resolution import setting_float, setting_int, setting_str

        return cls(
            provider=setting_str("llm.provider"),
            model=setting_str("llm.model"),
            api_key=setting_str("llm.api_key"),
            base_url=setting_str("llm.base_url"),
            temperature=setting_float("llm.temperature"),
            max_tokens=setting_int("llm.max_tokens"),
            timeout_seconds=float(setting_int("llm.timeout_seconds")),
            max_retries=setting_int("llm.max_retries"),
            num_ctx=setting_int("llm.ollama_num_ctx"),
            requests_per_minute=setting_int("generation.requests_per_minute"),
        )

    @property
    def is_configured(self) -> bool:
        return self.configuration_problem() is None

    def configuration_problem(self) -> str | None:
        if not self.provider:
            return "No LLM provider is configured; the built-in rules engine is used."
        if self.provider not in set(Provider):
            return f"Unknown LLM provider {self.provider!r}."
        if not self.model.strip():
            return "No model is set: enter the model name in Settings."
        if self.provider in (Provider.OPENAI, Provider.ANTHROPIC) and not self.api_key:
            return f"No API key is set for {Provider(self.provider).name.title()}."
        if self.provider == Provider.OPENAI_COMPATIBLE and not self.base_url:
            return (
                "An OpenAI-compatible provider needs a base URL (for example http://host:8000/v1)."
            )
        return None

    @property
    def litellm_model(self) -> str:
        prefix = _ROUTE_PREFIX.get(Provider(self.provider), self.provider)
        model = self.model.strip()
        if model.startswith(prefix + "/"):
            return model
        return f"{prefix}/{model}"

    @property
    def supports_cache_control(self) -> bool:
        """Only Anthropic takes explicit cache_control marks; others cache prefixes on their own."""
        return self.provider == Provider.ANTHROPIC

    def route_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"model": self.litellm_model}
        if self.provider == Provider.OLLAMA:
            kwargs["api_base"] = self.base_url or OLLAMA_DEFAULT_BASE_URL
            kwargs["num_ctx"] = self.num_ctx
            if self.api_key:
                kwargs["api_key"] = self.api_key
        elif self.provider == Provider.OPENAI_COMPATIBLE:
            kwargs["api_base"] = self.base_url
            kwargs["api_key"] = self.api_key or _NO_KEY_PLACEHOLDER
        else:
            kwargs["api_key"] = self.api_key
            if self.base_url:
                kwargs["api_base"] = self.base_url
        return kwargs

    def where(self) -> str:
        if self.provider == Provider.OLLAMA:
            return self.base_url or OLLAMA_DEFAULT_BASE_URL
        return self.base_url or f"the {Provider(self.provider).name.title()} API"


@dataclass(frozen=True)
class ConnectionResult:
    ok: bool
    model: str
    latency_s: float
    message: str
    kind: str = ""


def cache_marked(config: LLMConfig, text: str) -> str | list[dict[str, Any]]:
    """Message content for a long, stable prefix (system prompt, catalog): Anthropic needs an
    explicit cache mark; every other provider gets the plain string."""
    if not config.supports_cache_control:
        return text
    return [{"type": "text", "text": text, "cache_control": {"type": "ephemeral"}}]


# -- LiteLLM -----------------------------------------------------------------------------------

_import_lock = threading.Lock()
_litellm: ModuleType | None = None


def _lib() -> ModuleType:
    global _litellm
    if _litellm is None:
        with _import_lock:
            if _litellm is None:
                for name, value in _LITELLM_ENV.items():
                    os.environ.setdefault(name, value)
                import litellm

                litellm.suppress_debug_info = True  # no "Give Feedback" banners on stdout
                litellm.drop_params = True  # a param a model rejects is dropped, not fatal
                litellm.turn_off_message_logging = True  # prompts stay out of its callbacks
                if hasattr(litellm, "telemetry"):
                    litellm.telemetry = False
                _litellm = litellm
    return _litellm


def preload_in_background() -> threading.Thread:
    """Import LiteLLM on a daemon thread, so that the first packet or LLM call of a freshly
    started web process or worker does not wait for it (the import costs seconds of CPU)."""
    thread = threading.Thread(target=_lib, name="litellm-preload", daemon=True)
    thread.start()
    return thread


def warm_up(config: LLMConfig, *, response_format: type | None = None) -> None:
    """Take LiteLLM's request path once without reaching any provider: what a first call
    imports and builds (the provider's module, an HTTP client, error mapping — about half a
    second of CPU) is then paid here, once, instead of by every process a batch forks. The
    request goes to a loopback port that is bound but not listening, so it is refused at once.
    Never raises."""
    import socket

    lib = _lib()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as closed:
        closed.bind(("127.0.0.1", 0))  # bound, never listening: connections are refused
        port = closed.getsockname()[1]
        kwargs: dict[str, Any] = {
            **config.route_kwargs(),
            "api_base": f"http://127.0.0.1:{port}",
            "api_key": config.api_key or _NO_KEY_PLACEHOLDER,
            "messages": [{"role": "user", "content": "warm-up"}],
            "max_tokens": 1,
            "timeout": 2,
            "max_retries": 0,
        }
        if response_format is not None:
            kwargs["response_format"] = response_format
        with contextlib.suppress(Exception):  # refused, as intended
            lib.completion(**kwargs)


def count_tokens(text: str, *, model: str = "gpt-4o-mini") -> int:
    """Tokens in `text` by LiteLLM's counter (tiktoken for OpenAI-style models). The first call
    in a process pays LiteLLM's import (seconds)."""
    return int(_lib().token_counter(model=model, text=text))


class _DeadlineExceeded(Exception):
    pass


def _route_client(config: LLMConfig, connections: CallConnections) -> Any:
    """The client LiteLLM takes for this provider, built on the call's own connections: the
    OpenAI SDK's for OpenAI routes, LiteLLM's HTTP handler for the others."""
    if _ROUTE_PREFIX.get(Provider(config.provider)) == "openai":
        import openai

        route = config.route_kwargs()
        return openai.OpenAI(
            api_key=route.get("api_key") or _NO_KEY_PLACEHOLDER,
            base_url=route.get("api_base") or None,
            # The SDK types httpx2 but takes a legacy httpx client too (it checks for either).
            http_client=connections.client,  # type: ignore[arg-type]
            max_retries=0,
        )
    from litellm.llms.custom_httpx.http_handler import HTTPHandler

    return HTTPHandler(client=connections.client)


def _call_before(deadline: float, kwargs: dict[str, Any], config: LLMConfig) -> Any:
    """Run one completion, abandoning it at the deadline — and closing its connections then, so
    that neither its thread nor its socket outlives the call (a provider dripping bytes would
    otherwise hold both for as long as it keeps dripping)."""
    box: dict[str, Any] = {}
    connections = CallConnections()

    def run() -> None:
        try:
            client = _route_client(config, connections)
            box["response"] = _lib().completion(**kwargs, client=client)
        except BaseException as exc:  # handed to the caller's thread
            box["error"] = exc
        finally:
            connections.close()

    thread = threading.Thread(target=run, name="llm-call", daemon=True)
    thread.start()
    thread.join(max(0.0, deadline - time.monotonic()))
    if thread.is_alive():
        connections.abort()
        raise _DeadlineExceeded
    if "error" in box:
        raise box["error"]
    return box["response"]


def complete(
    config: LLMConfig,
    messages: list[dict[str, Any]],
    *,
    response_format: type | None = None,
    timeout: float | None = None,
    extra: dict[str, Any] | None = None,
) -> LLMResult:
    """One chat completion under our retry policy and overall deadline.

    `response_format` is a pydantic model class for structured output (LiteLLM turns it into the
    provider's JSON-schema mode); the caller still parses and validates `text`.
    Raises LLMError; a reply cut at the token limit raises kind TRUNCATED with `.result` set.
    """
    problem = config.configuration_problem()
    if problem:
        raise LLMError(problem, ErrorKind.NOT_CONFIGURED)
    _lib()  # the first import takes seconds: not on the clock of the call
    budget = float(timeout if timeout is not None else config.timeout_seconds)
    started = time.monotonic()
    deadline = started + budget
    base: dict[str, Any] = {
        "messages": messages,
        "temperature": config.temperature,
        "max_tokens": config.max_tokens,
        **config.route_kwargs(),
        **(extra or {}),
    }
    if response_format is not None:
        base["response_format"] = response_format
    attempts = 0
    while True:
        attempts += 1
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise timeout_error(budget, attempts - 1)
        if config.requests_per_minute:
            # Every request to the provider, retries included, takes a slot shared by all
            # workers; no slot before the deadline raises RateLimitTimeout (an LLMError).
            from generation import ratelimit  # lazily: it loads a model; this module loads early

            ratelimit.acquire(deadline=deadline, per_minute=config.requests_per_minute)
            remaining = deadline - time.monotonic()
        kwargs = {**base, "timeout": remaining, "max_retries": 0}
        call_started = time.monotonic()
        try:
            response = _call_before(deadline, kwargs, config)
        except _DeadlineExceeded:
            raise timeout_error(budget, attempts) from None
        except Exception as exc:
            error = map_error(exc, config, timeout=budget)
            error.attempts = attempts
            logger.warning(
                "LLM call to %s failed (attempt %d of %d): %s%s",
                config.litellm_model,
                attempts,
                config.max_retries + 1,
                error.kind,
                f" HTTP {error.status}" if error.status else "",
            )
            if not error.retryable or attempts > config.max_retries:
                raise error from None
            wait = retry_wait(exc, attempts, config)
            if time.monotonic() + wait >= deadline:
                error.user_message += f" Gave up: a retry would pass the {budget:g} s deadline."
                error.args = (error.user_message,)
                raise error from None
            if error.kind is ErrorKind.RATE_LIMITED and config.requests_per_minute:
                from generation import ratelimit

                # Hold every worker back, not only this one, before the provider says 429 again.
                ratelimit.back_off(seconds=wait)
            time.sleep(wait)
            continue
        result = _result(response, config, time.monotonic() - call_started, attempts)
        _refuse_oversized(result, config)
        if result.finish_reason == "length":
            raise LLMError(
                f"The answer was cut off at the {config.max_tokens}-token limit (truncated). "
                "Raise “Max output tokens” in Settings or ask for less.",
                ErrorKind.TRUNCATED,
                result=result,
                attempts=attempts,
            )
        if not result.text.strip():
            said = (
                f"The model answered with a call to the tool “{result.tool_call}” and no "
                "arguments, instead of the JSON answer."
                if result.tool_call
                else "The provider returned an empty answer."
            )
            raise LLMError(
                said,
                ErrorKind.BAD_RESPONSE,
                result=result,
                attempts=attempts,
            )
        return result


def answer_limit(config: LLMConfig) -> int:
    """The most characters we accept in one answer: what `max_tokens` allows at a generous
    characters-per-token rate, doubled. Past it the provider ignored the limit, and reading
    the answer (finding, parsing, validating its JSON) would cost CPU for nothing."""
    return config.max_tokens * CHARS_PER_TOKEN * ANSWER_MARGIN


def _refuse_oversized(result: LLMResult, config: LLMConfig) -> None:
    limit = answer_limit(config)
    too_many_tokens = result.tokens_out > config.max_tokens * ANSWER_MARGIN
    if len(result.text) <= limit and not too_many_tokens:
        return
    kept = replace(result, text=result.text[:limit], raw={})  # what is kept of it is bounded
    raise LLMError(
        f"The answer was {len(result.text):,} characters ({result.tokens_out:,} tokens), far "
        f"past the {config.max_tokens:,}-token limit in Settings: the provider ignored "
        "“Max output tokens”, and the answer was not used (oversized).",
        ErrorKind.BAD_RESPONSE,
        result=kept,
        attempts=result.attempts,
    )


def test_connection(config: LLMConfig) -> ConnectionResult:
    """A minimal request with a short timeout and no retries, for the settings page."""
    probe = replace(config, max_retries=0, max_tokens=16)
    timeout = min(float(config.timeout_seconds), TEST_CONNECTION_TIMEOUT_S)
    messages = [{"role": "user", "content": "Reply with the single word: OK"}]
    try:
        result = complete(probe, messages, timeout=timeout)
    except LLMError as exc:
        if exc.result is not None and exc.result.text.strip():
            # It answered: 16 tokens were not enough for its preamble, or it ignored the limit.
            result = exc.result
        else:
            return ConnectionResult(False, config.model, 0.0, exc.user_message, str(exc.kind))
    return ConnectionResult(
        True,
        result.model,
        result.latency_s,
        f"Connected: {result.model} answered in {result.latency_s:.2f} s.",
    )


test_connection.__test__ = False  # type: ignore[attr-defined]  # not a pytest test


# -- results and errors ------------------------------------------------------------------------


def _tool_call(message: Any) -> tuple[str, str]:
    """(name, arguments) of the tool call a model answered with instead of text, if any: a
    model told to answer in a JSON schema sometimes "calls" it, and the arguments are the
    answer."""
    calls = getattr(message, "tool_calls", None) or []
    if not calls:
        return "", ""
    function = getattr(calls[0], "function", None)
    name = str(getattr(function, "name", "") or "a tool")
    arguments = getattr(function, "arguments", "") or ""
    return name, arguments if isinstance(arguments, str) else str(arguments)


def _result(response: Any, config: LLMConfig, latency: float, attempts: int) -> LLMResult:
    try:
        choice = response.choices[0]
        text = choice.message.content or ""
        finish_reason = str(choice.finish_reason or "")
        tool, arguments = ("", "") if text else _tool_call(choice.message)
    except (AttributeError, IndexError, TypeError) as exc:
        raise LLMError(
            "The provider's answer had no message in it.", ErrorKind.BAD_RESPONSE, attempts=attempts
        ) from exc
    usage = getattr(response, "usage", None)
    model = str(getattr(response, "model", "") or config.model)
    prefix = _ROUTE_PREFIX.get(Provider(config.provider), "") + "/"
    if model.startswith(prefix):
        model = model[len(prefix) :]
    try:
        raw = response.model_dump()
    except Exception:
        raw = {}
    return LLMResult(
        text=arguments if tool else text if isinstance(text, str) else str(text),
        model=model,
        finish_reason=finish_reason,
        tokens_in=int(getattr(usage, "prompt_tokens", 0) or 0),
        tokens_out=int(getattr(usage, "completion_tokens", 0) or 0),
        cost_usd=_cost(response),
        latency_s=latency,
        raw=raw,
        attempts=attempts,
        tool_call=tool,
    )


def _cost(response: Any) -> float:
    hidden = getattr(response, "_hidden_params", None) or {}
    cost = hidden.get("response_cost") if isinstance(hidden, dict) else None
    if cost is None:
        try:
            cost = _lib().completion_cost(completion_response=response)
        except Exception:
            cost = 0.0  # a model missing from the price map (local models) costs nothing to us
    return float(cost or 0.0)
