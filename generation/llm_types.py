"""The LLM adapter's result and error types. They sit below generation/llm.py so that the modules
it calls (the shared rate limiter) can raise and read them without importing the adapter."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class ErrorKind(StrEnum):
    AUTH = "auth"
    NOT_FOUND = "not_found"
    UNREACHABLE = "unreachable"
    RATE_LIMITED = "rate_limited"
    OUT_OF_CREDIT = "out_of_credit"
    TIMEOUT = "timeout"
    TRUNCATED = "truncated"
    BAD_RESPONSE = "bad_response"
    BAD_REQUEST = "bad_request"
    SERVER_ERROR = "server_error"
    NOT_CONFIGURED = "not_configured"


_RETRYABLE = {ErrorKind.RATE_LIMITED, ErrorKind.SERVER_ERROR, ErrorKind.UNREACHABLE}


@dataclass(frozen=True)
class LLMResult:
    text: str
    model: str
    finish_reason: str
    tokens_in: int
    tokens_out: int
    cost_usd: float
    latency_s: float
    raw: dict[str, Any] = field(repr=False, default_factory=dict)
    attempts: int = 1
    # Set when the model answered with a tool call: its name (the arguments are `text`).
    tool_call: str = ""


class LLMError(Exception):
    """A failed call, with a message fit for a coach or an admin to read."""

    def __init__(
        self,
        user_message: str,
        kind: ErrorKind | str,
        *,
        status: int | None = None,
        detail: str = "",
        result: LLMResult | None = None,
        attempts: int = 0,
    ) -> None:
        super().__init__(user_message)
        self.user_message = user_message
        self.kind = ErrorKind(kind)
        self.status = status
        self.detail = detail  # the provider's own words, scrubbed of the key
        self.result = result  # what came back, when something did (cut, oversized, empty)
        self.attempts = attempts

    @property
    def retryable(self) -> bool:
        return self.kind in _RETRYABLE
