"""env var → database row → default, with a per-process cache that never goes stale.

Every process (web, worker, shell) keeps one snapshot of all AppSetting rows, decrypted and
typed. Inside a *scope* — one HTTP request, one background task, or an explicit
`settings_scope()` — the rows are read at most once, with a single query, on the first lookup;
every other lookup in that scope is served from memory. The snapshot is only rebuilt (decrypt,
coerce, log bad rows) when the rows read differ from the ones it was built from, so a change
made by any process, by any path, is seen by every process on its next request or task, and no
restart is needed. Outside a scope each lookup reads the rows again: correct, one small query.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from asgiref.local import Local
from django.core.exceptions import ImproperlyConfigured

from settings_app import crypto
from settings_app.registry import BY_KEY, Setting, SettingValueError, coerce

logger = logging.getLogger("settings_app")

DECRYPT_ERROR = "cannot decrypt — re-enter"


class Source(StrEnum):
    ENV = "env"
    DB = "db"
    DEFAULT = "default"


@dataclass(frozen=True)
class Stored:
    """One database row as the application sees it."""

    value: object | None  # the typed value; None when the row is unusable
    text: str  # canonical text of a plain value; "" for secrets
    error: str = ""

    @property
    def usable(self) -> bool:
        return not self.error


@dataclass(frozen=True)
class Snapshot:
    identity: tuple[Any, ...]
    stored: dict[str, Stored] = field(default_factory=dict)


_EMPTY = Snapshot(identity=())


# Per thread (and per asyncio context): how deep in request/task scopes we are, and the
# snapshot this scope has read.
_scope = Local()


def _depth() -> int:
    return int(getattr(_scope, "depth", 0))


def _scoped_snapshot() -> Snapshot | None:
    return getattr(_scope, "snapshot", None)


_lock = threading.Lock()
_process_snapshot: Snapshot = _EMPTY


def _read_rows() -> tuple[tuple[str, str, str], ...]:
    from settings_app.models import AppSetting

    rows = AppSetting.objects.order_by("key").values_list("key", "value", "secret_value")
    return tuple(rows)


def _build(rows: tuple[tuple[str, str, str], ...], identity: tuple[Any, ...]) -> Snapshot:
    stored: dict[str, Stored] = {}
    for key, value, token in rows:
        setting = BY_KEY.get(key)
        if setting is None:
            continue  # a setting removed from the registry; its row is inert
        if setting.is_secret:
            stored[key] = _open_secret(setting, token)
            continue
        try:
            stored[key] = Stored(value=coerce(setting, value), text=value)
        except SettingValueError as exc:
            logger.warning(
                "Stored value of setting %s is invalid (%s); using the default instead.",
                key,
                exc.message,
            )
            stored[key] = Stored(
                value=None, text=value, error=f"Stored value invalid: {exc.message}"
            )
    return Snapshot(identity=identity, stored=stored)


def _open_secret(setting: Setting, token: str) -> Stored:
    if not token:
        return Stored(value=None, text="", error=DECRYPT_ERROR)
    try:
        return Stored(value=crypto.decrypt(token), text="")
    except crypto.DecryptError:
        # Name the key, never the value (we do not have it anyway).
        logger.warning(
            "Stored secret setting %s cannot be decrypted with the current REPLOG_SECRET_KEY; "
            "it is treated as unset until it is entered again.",
            setting.key,
        )
        return Stored(value=None, text="", error=DECRYPT_ERROR)


def current_snapshot() -> Snapshot:
    """The rows as of this scope's first lookup (or as of now, outside any scope)."""
    global _process_snapshot
    scoped = _scoped_snapshot()
    if _depth() and scoped is not None:
        return scoped
    rows = _read_rows()
    # The key is part of the identity: a snapshot built under another key is not reused.
    identity = (rows, crypto.key_fingerprint())
    snap = _process_snapshot
    if snap.identity != identity:
        with _lock:
            if _process_snapshot.identity != identity:
                _process_snapshot = _build(rows, identity)
            snap = _process_snapshot
    if _depth():
        _scope.snapshot = snap
    return snap


def env_raw(setting: Setting) -> str | None:
    """The environment's value for a setting, when it is set and not blank."""
    if not setting.env_var:
        return None
    raw = os.environ.get(setting.env_var, "")
    return raw if raw.strip() else None


def env_value(setting: Setting) -> object:
    raw = env_raw(setting)
    assert raw is not None
    try:
        return coerce(setting, raw)
    except SettingValueError as exc:
        raise ImproperlyConfigured(
            f"Environment variable {setting.env_var} has an invalid value: {exc.message}"
        ) from None


def resolve(key: str) -> object:
    try:
        setting = BY_KEY[key]
    except KeyError:
        raise KeyError(f"Unknown setting {key!r}: add it to settings_app/registry.py") from None
    if env_raw(setting) is not None:
        return env_value(setting)
    stored = current_snapshot().stored.get(key)
    if stored is not None and stored.usable:
        return stored.value
    return setting.default


def source_of(setting: Setting) -> Source:
    if env_raw(setting) is not None:
        return Source.ENV
    stored = current_snapshot().stored.get(setting.key)
    if stored is not None and stored.usable:
        return Source.DB
    return Source.DEFAULT


def invalidate() -> None:
    """Forget this scope's rows so the next lookup reads them again (after a write)."""
    _scope.snapshot = None


def reset_process_cache() -> None:
    """Drop the whole process snapshot (tests; a key change inside a running process)."""
    global _process_snapshot
    with _lock:
        _process_snapshot = _EMPTY
    _scope.snapshot = None


@contextmanager
def settings_scope() -> Iterator[None]:
    """Read the settings once for the duration of the block (a batch job, a loop of lookups)."""
    _scope.depth = _depth() + 1
    if _scope.depth == 1:
        _scope.snapshot = None
    try:
        yield
    finally:
        _scope.depth = max(0, _depth() - 1)
        if _scope.depth == 0:
            _scope.snapshot = None


def begin_request(**kwargs: object) -> None:
    """request_started: requests do not nest, so this resets whatever a lost finish left."""
    _scope.depth = 1
    _scope.snapshot = None


def end_request(**kwargs: object) -> None:
    _scope.depth = 0
    _scope.snapshot = None


def begin_task(**kwargs: object) -> None:
    """task_started: a task reads fresh rows, even when run inline inside a request."""
    _scope.depth = _depth() + 1
    _scope.snapshot = None


def end_task(**kwargs: object) -> None:
    _scope.depth = max(0, _depth() - 1)
    if _scope.depth == 0:
        _scope.snapshot = None


def get_setting(key: str) -> object:
    """env var (set and not blank) → database row → default, typed and validated.

    An invalid env value raises ImproperlyConfigured naming the variable; an invalid or
    undecryptable stored value is logged and the default applies. Cached per process and
    re-read at most once per request or task (see settings_app.resolution).
    """
    return resolve(key)


def setting_str(key: str) -> str:
    value = get_setting(key)
    assert isinstance(value, str), key
    return value


def setting_int(key: str) -> int:
    value = get_setting(key)
    assert isinstance(value, int), key
    assert not isinstance(value, bool), key
    return value


def setting_float(key: str) -> float:
    value = get_setting(key)
    assert isinstance(value, int | float), key
    assert not isinstance(value, bool), key
    return float(value)


def setting_bool(key: str) -> bool:
    value = get_setting(key)
    assert isinstance(value, bool), key
    return value
