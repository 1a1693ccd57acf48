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
import email.utils
import logging
import os
import random
import re
import threading
import time
from dataclasses import dataclass, field, replace
from enum import StrEnum
from types import ModuleType
from typing import Any

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


def _call_before(deadline: float, kwargs: dict[str, Any]) -> Any:
    """Run one completion, abandoning it at the deadline. The call keeps its own per-read
    timeout, so an abandoned thread ends on its own soon after."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["response"] = _lib().completion(**kwargs)
        except BaseException as exc:  # handed to the caller's thread
            box["error"] = exc

    thread = threading.Thread(target=run, name="llm-call", daemon=True)
    thread.start()
    thread.join(max(0.0, deadline - time.monotonic()))
    if thread.is_alive():
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
            raise _timeout_error(budget, attempts - 1)
        if config.requests_per_minute:
            # Every request to the provider, retries included, takes a slot shared by all
            # workers; no slot before the deadline raises RateLimitTimeout (an LLMError).
            from generation import ratelimit  # lazily: it loads a model; this module loads early

            ratelimit.acquire(deadline=deadline, per_minute=config.requests_per_minute)
            remaining = deadline - time.monotonic()
        kwargs = {**base, "timeout": remaining, "max_retries": 0}
        call_started = time.monotonic()
        try:
            response = _call_before(deadline, kwargs)
        except _DeadlineExceeded:
            raise _timeout_error(budget, attempts) from None
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
            wait = _retry_wait(exc, attempts, config)
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
        if result.finish_reason == "length":
            raise LLMError(
                f"The answer was cut off at the {config.max_tokens}-token limit (truncated). "
                "Raise “Max output tokens” in Settings or ask for less.",
                ErrorKind.TRUNCATED,
                result=result,
                attempts=attempts,
            )
        if not result.text.strip():
            raise LLMError(
                "The provider returned an empty answer.",
                ErrorKind.BAD_RESPONSE,
                result=result,
                attempts=attempts,
            )
        return result


def test_connection(config: LLMConfig) -> ConnectionResult:
    """A minimal request with a short timeout and no retries, for the settings page."""
    probe = replace(config, max_retries=0, max_tokens=16)
    timeout = min(float(config.timeout_seconds), TEST_CONNECTION_TIMEOUT_S)
    messages = [{"role": "user", "content": "Reply with the single word: OK"}]
    try:
        result = complete(probe, messages, timeout=timeout)
    except LLMError as exc:
        if exc.kind is ErrorKind.TRUNCATED and exc.result is not None:
            result = exc.result  # it answered; 16 tokens were just not enough for its preamble
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


def _result(response: Any, config: LLMConfig, latency: float, attempts: int) -> LLMResult:
    try:
        choice = response.choices[0]
        text = choice.message.content or ""
        finish_reason = str(choice.finish_reason or "")
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
        text=text if isinstance(text, str) else str(text),
        model=model,
        finish_reason=finish_reason,
        tokens_in=int(getattr(usage, "prompt_tokens", 0) or 0),
        tokens_out=int(getattr(usage, "completion_tokens", 0) or 0),
        cost_usd=_cost(response),
        latency_s=latency,
        raw=raw,
        attempts=attempts,
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


def _timeout_error(budget: float, attempts: int) -> LLMError:
    return LLMError(
        f"The provider did not answer within {budget:g} s (timeout).",
        ErrorKind.TIMEOUT,
        attempts=attempts,
    )


_KEYISH = re.compile(r"\b(sk-[A-Za-z0-9_\-]{6,}|Bearer\s+\S+)")


def scrub(text: str, config: LLMConfig) -> str:
    """Remove the API key (and anything shaped like one) from text bound for a page or a log."""
    if config.api_key:
        text = text.replace(config.api_key, "[key]")
    return _KEYISH.sub("[key]", text)


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and all(current is not s for s in seen):
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _is_timeout(exc: BaseException) -> bool:
    import httpx

    for item in _chain(exc):
        name = type(item).__name__
        if isinstance(item, httpx.TimeoutException | TimeoutError) or name in {
            "Timeout",
            "APITimeoutError",
        }:
            return True
    return False


def _is_connection_error(exc: BaseException) -> bool:
    import socket

    import httpx

    return any(
        isinstance(item, httpx.ConnectError | ConnectionError | socket.gaierror)
        for item in _chain(exc)
    )


def _provider_detail(exc: BaseException, config: LLMConfig) -> str:
    message = str(getattr(exc, "message", "") or exc)
    # LiteLLM prefixes its class names ("litellm.NotFoundError: OpenAIException - ..."): drop them.
    message = re.sub(r"^(litellm\.\w+:\s*)+", "", message)
    message = re.sub(r"^(\w+Error:\s*)?\w+Exception\s*-\s*", "", message)
    return scrub(message, config).strip()[:300]


def map_error(exc: BaseException, config: LLMConfig, *, timeout: float) -> LLMError:
    """A LiteLLM (or transport) exception as an LLMError in plain words."""
    status = getattr(exc, "status_code", None)
    status = status if isinstance(status, int) else None
    detail = _provider_detail(exc, config)
    lowered = detail.lower()
    name = type(exc).__name__

    def err(message: str, kind: ErrorKind) -> LLMError:
        shown = f"{message} Provider said: {detail}" if detail else message
        return LLMError(shown, kind, status=status, detail=detail)

    if _is_timeout(exc):
        return LLMError(
            f"The provider did not answer within {timeout:g} s (timeout).",
            ErrorKind.TIMEOUT,
            status=status,
            detail=detail,
        )
    if _is_connection_error(exc):
        return LLMError(
            f"Cannot reach {config.where()} (unreachable): the connection was refused or the host "
            "was not found. Check the base URL and that the server is running.",
            ErrorKind.UNREACHABLE,
            status=None,
            detail=detail,
        )
    if name in {"AuthenticationError", "PermissionDeniedError"} or status in (401, 403):
        return err(
            f"The provider rejected the API key (bad key, HTTP {status or 401}). "
            "Check the key in Settings.",
            ErrorKind.AUTH,
        )
    credit_words = ("quota", "credit", "billing", "insufficient_balance", "payment")
    if (
        status == 402
        or name == "PaymentRequiredError"
        or (status in (400, 429) and any(w in lowered for w in credit_words))
    ):
        return err(
            "The provider says the account is out of credit or over its quota. "
            "Add credit or raise the limit with the provider.",
            ErrorKind.OUT_OF_CREDIT,
        )
    if name == "NotFoundError" or status == 404:
        return err(
            f"The provider does not know the model “{config.model}” (unknown model, HTTP 404). "
            "Check the model name (and the base URL).",
            ErrorKind.NOT_FOUND,
        )
    if name == "RateLimitError" or status == 429:
        return err(
            "The provider is rate limiting requests (rate limited, HTTP 429). Try again in a "
            "minute, or lower “LLM requests per minute” in Settings.",
            ErrorKind.RATE_LIMITED,
        )
    if name == "ContextWindowExceededError":
        return err("The prompt is longer than this model's context window.", ErrorKind.BAD_REQUEST)
    if status is not None and 400 <= status < 500:
        return err(f"The provider refused the request (HTTP {status}).", ErrorKind.BAD_REQUEST)
    server_names = {"InternalServerError", "ServiceUnavailableError", "BadGatewayError"}
    if (status is not None and status >= 500) or name in server_names:
        return err(
            f"The provider had a server error (HTTP {status or 500}). Try again later.",
            ErrorKind.SERVER_ERROR,
        )
    return err("The provider's answer could not be understood.", ErrorKind.BAD_RESPONSE)


def _retry_after(exc: BaseException) -> float | None:
    for source in (
        getattr(exc, "litellm_response_headers", None),
        getattr(getattr(exc, "response", None), "headers", None),
        getattr(exc, "headers", None),
    ):
        if not source:
            continue
        try:
            ms = source.get("retry-after-ms")
            if ms is not None:
                return max(0.0, float(ms) / 1000)
            value = source.get("retry-after")
        except (AttributeError, TypeError, ValueError):
            continue
        if value is None:
            continue
        try:
            return max(0.0, float(value))
        except ValueError:
            try:
                parsed = email.utils.parsedate_to_datetime(str(value))
            except (TypeError, ValueError):
                continue
            return max(0.0, parsed.timestamp() - time.time())
    return None


def _retry_wait(exc: BaseException, attempt: int, config: LLMConfig) -> float:
    backoff = min(config.retry_max_delay, config.retry_base_delay * 2 ** (attempt - 1))
    backoff *= 0.5 + random.random() / 2  # noqa: S311 - jitter, not security
    asked = _retry_after(exc)
    return max(backoff, asked) if asked is not None else backoff
