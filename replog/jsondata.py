"""Helpers for JSON-shaped data (dicts, lists and scalars), as stored in JSONFields."""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")


def copy_json(value: T) -> T:
    """A deep copy of JSON-shaped data: new dicts and lists, the (immutable) scalars shared.
    Several times faster than copy.deepcopy, which drafts of hundreds of sets are copied with
    at every step of a generation. Anything else that is mutable is shared, not copied."""
    if isinstance(value, dict):
        return {k: copy_json(v) for k, v in value.items()}  # type: ignore[return-value]
    if isinstance(value, list):
        return [copy_json(v) for v in value]  # type: ignore[return-value]
    return value
