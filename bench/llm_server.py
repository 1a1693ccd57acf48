"""The fake OpenAI-compatible server in a process of its own, for the benchmark.

A real provider answers from another machine: its work (reading a 10K-token prompt, writing the
answer) must not take CPU time or the interpreter lock from the batch being measured, as it
would as a thread of the benchmark's own process. The parent talks to the child over a pipe.
"""

from __future__ import annotations

import contextlib
import multiprocessing
from multiprocessing.connection import Connection
from typing import Any


def _serve(conn: Connection, reply: dict[str, Any]) -> None:
    from tests.fakes.openai_server import FakeLLMServer, FakeReply

    server = FakeLLMServer(default=FakeReply(**reply)).start()
    conn.send(server.openai_base_url)
    try:
        while True:
            command = conn.recv()
            if command == "reset":
                server.reset()
                # reset() empties the default answer too (tests start from nothing); the bench's
                # model answers every batch the same way.
                server.default = FakeReply(**reply)
                conn.send(None)
            elif command == "count":
                conn.send(len(server.requests))
            else:  # "stop"
                break
    finally:
        server.stop()
        conn.close()


class ServerProcess:
    """Start with a FakeReply's fields (content, delay, token counts …)."""

    def __init__(self, **reply: Any) -> None:
        self._reply = reply
        self._conn: Connection | None = None
        self._process: multiprocessing.process.BaseProcess | None = None
        self.openai_base_url = ""

    def start(self) -> ServerProcess:
        # Spawned, not forked: the child needs nothing of the parent's state.
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        self._process = context.Process(
            target=_serve, args=(child, self._reply), name="fake-llm-server", daemon=True
        )
        self._process.start()
        child.close()
        self._conn = parent
        if not parent.poll(60):
            raise RuntimeError("the fake LLM server process did not start within 60 s")
        self.openai_base_url = parent.recv()
        return self

    def _ask(self, command: str) -> Any:
        assert self._conn is not None, "start() first"
        self._conn.send(command)
        return self._conn.recv()

    def reset(self) -> None:
        self._ask("reset")

    def request_count(self) -> int:
        return int(self._ask("count"))

    def stop(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(OSError):  # the child is gone already
                self._conn.send("stop")
            self._conn.close()
            self._conn = None
        if self._process is not None:
            self._process.join(timeout=10)
            if self._process.is_alive():
                self._process.kill()
            self._process = None
