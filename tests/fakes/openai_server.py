"""A local fake LLM provider for tests: OpenAI chat completions, Anthropic messages, Ollama chat.

It listens on 127.0.0.1 on an ephemeral port, in a background thread, so tests drive the real
LiteLLM client end to end without touching the network. Tests script what it answers with a queue
of `FakeReply` items (one per request; the last default answer repeats when the queue is empty)
and read back what it received in `requests`.

    server.queue(FakeReply.text("hello"), FakeReply.rate_limited(retry_after=0))
    ...
    assert server.requests[0].messages[-1]["content"] == "..."
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

ROUTES = {
    "/v1/chat/completions": "openai",
    "/chat/completions": "openai",
    "/v1/messages": "anthropic",
    "/messages": "anthropic",
    "/api/chat": "ollama",
}

_ANTHROPIC_STOP = {"stop": "end_turn", "length": "max_tokens", "tool_calls": "tool_use"}
_ANTHROPIC_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    429: "rate_limit_error",
    500: "api_error",
    529: "overloaded_error",
}
_OPENAI_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "invalid_request_error",
    404: "invalid_request_error",
    429: "requests",
    500: "server_error",
}


@dataclass
class FakeReply:
    """One scripted answer. `content` is what the model says; `status` != 200 makes it an error."""

    content: str = "OK"
    finish_reason: str = "stop"
    status: int = 200
    error_message: str = ""
    error_code: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    prompt_tokens: int = 12
    completion_tokens: int = 7
    model: str | None = None  # the model the provider says answered; default: the one asked for
    raw_body: bytes | None = None  # sent verbatim (for malformed responses)
    # Seconds between the body's bytes: a provider that trickles its answer (0 = all at once).
    drip: float = 0.0
    tool_call: str | None = None  # answer as a call to this tool, `content` its arguments

    @classmethod
    def text(cls, content: str, **kwargs: Any) -> FakeReply:
        return cls(content=content, **kwargs)

    @classmethod
    def json(
        cls, payload: Any, *, fenced: bool = False, prose: bool = False, **kwargs: Any
    ) -> FakeReply:
        """A JSON answer, optionally in a ```json fence and/or with prose around it."""
        body = json.dumps(payload, indent=2)
        if fenced:
            body = f"```json\n{body}\n```"
        if prose:
            body = (
                f"Here is the program you asked for.\n\n{body}\n\nLet me know if you need changes."
            )
        return cls(content=body, **kwargs)

    @classmethod
    def truncated(cls, content: str = '{"reasoning": "The athlete', **kwargs: Any) -> FakeReply:
        return cls(content=content, finish_reason="length", **kwargs)

    @classmethod
    def error(
        cls,
        status: int,
        message: str,
        *,
        code: str | None = None,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> FakeReply:
        return cls(
            content="",
            status=status,
            error_message=message,
            error_code=code,
            headers=dict(headers or {}),
            **kwargs,
        )

    @classmethod
    def unauthorized(cls) -> FakeReply:
        return cls.error(401, "Incorrect API key provided.", code="invalid_api_key")

    @classmethod
    def model_not_found(cls, model: str = "no-such-model") -> FakeReply:
        return cls.error(
            404,
            f"The model `{model}` does not exist or you do not have access to it.",
            code="model_not_found",
        )

    @classmethod
    def rate_limited(cls, retry_after: float | None = 1) -> FakeReply:
        headers = {} if retry_after is None else {"Retry-After": f"{retry_after:g}"}
        return cls.error(
            429, "Rate limit reached for requests.", code="rate_limit_exceeded", headers=headers
        )

    @classmethod
    def out_of_credit(cls) -> FakeReply:
        return cls.error(
            429,
            "You exceeded your current quota, please check your plan and billing details.",
            code="insufficient_quota",
        )

    @classmethod
    def server_error(cls, status: int = 500) -> FakeReply:
        return cls.error(status, "The server had an error while processing your request.")

    @classmethod
    def dripping(cls, content: str = "OK", *, every: float = 0.05, **kwargs: Any) -> FakeReply:
        """The answer one byte at a time, `every` seconds apart (until the client hangs up)."""
        return cls(content=content, drip=every, **kwargs)

    @classmethod
    def tool(cls, arguments: str, *, name: str = "DraftAnswer", **kwargs: Any) -> FakeReply:
        """The model "calls a tool" instead of answering: no content, the answer as arguments."""
        return cls(content=arguments, tool_call=name, finish_reason="tool_calls", **kwargs)

    @classmethod
    def slow(cls, delay: float, content: str = "OK", **kwargs: Any) -> FakeReply:
        return cls(content=content, delay=delay, **kwargs)


@dataclass
class ReceivedRequest:
    route: str  # "openai" | "anthropic" | "ollama"
    path: str
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def model(self) -> str:
        return str(self.body.get("model", ""))

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list(self.body.get("messages", []))

    @property
    def system(self) -> Any:
        """Anthropic sends the system prompt outside the messages."""
        return self.body.get("system")

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


class FakeLLMServer:
    def __init__(self, default: FakeReply | None = None) -> None:
        self.default = default or FakeReply()
        self.requests: list[ReceivedRequest] = []
        self._queue: deque[FakeReply] = deque()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        # Set when a client hangs up while an answer is still dripping to it.
        self.hung_up = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> FakeLLMServer:
        handler = _make_handler(self)
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        # A short poll interval: shutdown() waits for the loop, and every test stops a server.
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-llm-server",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes handlers sleeping on an artificial delay
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeLLMServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- addresses -------------------------------------------------------------------------

    @property
    def port(self) -> int:
        assert self._httpd is not None, "server not started"
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        """The root: what Ollama and Anthropic clients take as their base URL."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def openai_base_url(self) -> str:
        """What OpenAI-compatible clients take: the root plus /v1."""
        return f"{self.base_url}/v1"

    # -- scripting -------------------------------------------------------------------------

    def queue(self, *replies: FakeReply) -> None:
        with self._lock:
            self._queue.extend(replies)

    def reset(self) -> None:
        with self._lock:
            self._queue.clear()
            self.requests.clear()
            self.default = FakeReply()
            self.hung_up.clear()

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._queue)

    @property
    def last(self) -> ReceivedRequest:
        return self.requests[-1]

    def _next(self, request: ReceivedRequest) -> FakeReply:
        with self._lock:
            self.requests.append(request)
            return self._queue.popleft() if self._queue else self.default

    def _sleep(self, seconds: float) -> None:
        if seconds > 0:
            self._stopping.wait(seconds)


def _make_handler(server: FakeLLMServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
            return

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0].rstrip("/")
            if path in ("/v1/models", "/models"):
                self._send_json(200, {"object": "list", "data": []})
            elif path in ("/api/tags", ""):
                self._send_json(200, {"models": []})
            else:
                self._send_json(404, {"error": {"message": f"no route {path}"}})

        def do_POST(self) -> None:
            path = self.path.split("?", 1)[0].rstrip("/")
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            route = ROUTES.get(path)
            if route is None:
                self._send_json(404, {"error": {"message": f"no route {path}"}})
                return
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                self._send_json(400, {"error": {"message": "request body is not JSON"}})
                return
            received = ReceivedRequest(
                route=route,
                path=path,
                headers={k.lower(): v for k, v in self.headers.items()},
                body=body,
            )
            reply = server._next(received)
            server._sleep(reply.delay)
            if server._stopping.is_set():
                return
            if reply.raw_body is not None:
                self._send_bytes(reply.status, reply.raw_body, "application/json", reply.headers)
            elif reply.status != 200:
                self._send_json(reply.status, _error_body(route, reply), reply.headers)
            elif body.get("stream"):
                self._send_json(400, _error_body(route, FakeReply.error(400, "no streaming")))
            elif reply.drip > 0:
                self._drip(json.dumps(_success_body(route, reply, received)).encode(), reply.drip)
            else:
                self._send_json(200, _success_body(route, reply, received), reply.headers)

        def _drip(self, data: bytes, every: float) -> None:
            try:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.flush()
                for i in range(len(data)):
                    if server._stopping.wait(every):
                        return
                    self.wfile.write(data[i : i + 1])
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                server.hung_up.set()

        def _send_json(
            self, status: int, payload: Any, headers: dict[str, str] | None = None
        ) -> None:
            self._send_bytes(status, json.dumps(payload).encode(), "application/json", headers)

        def _send_bytes(
            self, status: int, data: bytes, ctype: str, headers: dict[str, str] | None = None
        ) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                # The client gave up (its timeout); nothing to tell it.
                pass

    return Handler


def _error_body(route: str, reply: FakeReply) -> dict[str, Any]:
    if route == "anthropic":
        kind = _ANTHROPIC_ERROR_TYPES.get(reply.status, "api_error")
        return {"type": "error", "error": {"type": kind, "message": reply.error_message}}
    if route == "ollama":
        return {"error": reply.error_message}
    return {
        "error": {
            "message": reply.error_message,
            "type": _OPENAI_ERROR_TYPES.get(reply.status, "server_error"),
            "param": None,
            "code": reply.error_code,
        }
    }


def _success_body(route: str, reply: FakeReply, request: ReceivedRequest) -> dict[str, Any]:
    model = reply.model or request.model or "fake-model"
    created = int(time.time())
    if route == "anthropic":
        tools = request.body.get("tools") or []
        content: list[dict[str, Any]]
        if tools and _forces_tool(request.body):
            # LiteLLM asks for structured output through a forced tool call: answer in kind.
            try:
                tool_input = json.loads(reply.content)
            except ValueError:
                tool_input = {"text": reply.content}
            content = [
                {
                    "type": "tool_use",
                    "id": "toolu_fake_1",
                    "name": tools[0]["name"],
                    "input": tool_input,
                }
            ]
        else:
            content = [{"type": "text", "text": reply.content}]
        return {
            "id": "msg_fake_1",
            "type": "message",
            "role": "assistant",
            "model": model,
            "content": content,
            "stop_reason": _ANTHROPIC_STOP.get(reply.finish_reason, reply.finish_reason),
            "stop_sequence": None,
            "usage": {
                "input_tokens": reply.prompt_tokens,
                "output_tokens": reply.completion_tokens,
            },
        }
    if route == "ollama":
        return {
            "model": model,
            "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(created)),
            "message": {"role": "assistant", "content": reply.content},
            "done": True,
            "done_reason": reply.finish_reason,
            "total_duration": 1_000_000,
            "prompt_eval_count": reply.prompt_tokens,
            "eval_count": reply.completion_tokens,
        }
    message: dict[str, Any] = {"role": "assistant", "content": reply.content}
    if reply.tool_call is not None:
        call = {"name": reply.tool_call, "arguments": reply.content}
        message = {
            "role": "assistant",
            "content": None,
            "tool_calls": [{"id": "call_fake_1", "type": "function", "function": call}],
        }
    return {
        "id": "chatcmpl-fake-1",
        "object": "chat.completion",
        "created": created,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": message,
                "finish_reason": reply.finish_reason,
            }
        ],
        "usage": {
            "prompt_tokens": reply.prompt_tokens,
            "completion_tokens": reply.completion_tokens,
            "total_tokens": reply.prompt_tokens + reply.completion_tokens,
        },
    }


def _forces_tool(body: dict[str, Any]) -> bool:
    choice = body.get("tool_choice")
    return isinstance(choice, dict) and choice.get("type") in {"tool", "any"}
