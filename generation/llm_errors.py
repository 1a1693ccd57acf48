"""LiteLLM's (and the transport's) failures as LLMErrors in plain words, the retry timing, and
the API key scrubbed from every text bound for a page or a log. No LiteLLM import here: the
exceptions are read by their names and attributes."""

from __future__ import annotations

import email.utils
import random
import re
import time
from typing import TYPE_CHECKING

from generation.llm_types import ErrorKind, LLMError

if TYPE_CHECKING:
    from generation.llm import LLMConfig


def timeout_error(budget: float, attempts: int) -> LLMError:
    return LLMError(
        f"The provider did not answer within {budget:g} s (timeout).",
        ErrorKind.TIMEOUT,
        attempts=attempts,
    )


_KEYISH = re.compile(r"\b(sk-[A-Za-z0-9_\-]{6,}|Bearer\s+\S+)")


# A key shorter than this is no secret worth hiding (a local server's "x" or "test"), and hiding
# it as a substring mangled the provider's own words ("ma[key]imum").
MIN_SECRET_CHARS = 8
_WORD_CHARS = r"\w-"


def scrub(text: str, config: LLMConfig) -> str:
    """Remove the API key (and anything shaped like one) from text bound for a page or a log:
    the key only as a whole token, and only when it is long enough to be a secret."""
    key = config.api_key
    if len(key) >= MIN_SECRET_CHARS:
        whole = rf"(?<![{_WORD_CHARS}]){re.escape(key)}(?![{_WORD_CHARS}])"
        text = re.sub(whole, "[key]", text)
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


def retry_wait(exc: BaseException, attempt: int, config: LLMConfig) -> float:
    backoff = min(config.retry_max_delay, config.retry_base_delay * 2 ** (attempt - 1))
    backoff *= 0.5 + random.random() / 2  # noqa: S311 - jitter, not security
    asked = _retry_after(exc)
    return max(backoff, asked) if asked is not None else backoff
