"""One LLM call's own HTTP connections, so that the call can be cut off at its deadline.

A call abandoned at the deadline used to keep its thread and socket: LiteLLM's timeout is per
read, so a provider dripping a byte at a time kept a long-lived worker's connection open for
most of a minute after the run had fallen back. Each call now gets its own httpx client whose
sockets are recorded as they connect; `abort()` shuts them, which wakes the blocked read at once
and tells the provider we are gone."""

from __future__ import annotations

import contextlib
import socket
import threading
import urllib.request
from typing import Any

import httpcore
import httpx


class _RecordingBackend(httpcore.SyncBackend):
    def __init__(self, sockets: list[socket.socket], lock: threading.Lock) -> None:
        self._sockets = sockets
        self._lock = lock

    def connect_tcp(self, *args: Any, **kwargs: Any) -> httpcore.NetworkStream:
        stream = super().connect_tcp(*args, **kwargs)
        sock = stream.get_extra_info("socket")
        if isinstance(sock, socket.socket):
            with self._lock:
                self._sockets.append(sock)
        return stream


class CallConnections:
    """An httpx client for one call, and the means to cut its connections from another thread."""

    def __init__(self) -> None:
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        if urllib.request.getproxies():
            # httpx ignores the proxy environment once given a transport: behind a proxy the
            # client is httpx's own, and abort() can only close it (the read may linger).
            self.client = httpx.Client(follow_redirects=True)
            return
        transport = httpx.HTTPTransport(retries=0)
        pool = transport._pool  # httpx builds the pool; only its backend is ours
        if isinstance(pool, httpcore.ConnectionPool):
            pool._network_backend = _RecordingBackend(self._sockets, self._lock)
        self.client = httpx.Client(transport=transport, follow_redirects=True)

    @property
    def opened(self) -> int:
        with self._lock:
            return len(self._sockets)

    def abort(self) -> None:
        """Shut every connection of the call: a read blocked on one returns at once with an
        error (close() alone would not wake it), and the provider sees the connection end."""
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        if not sockets:
            self.close()

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.client.close()
