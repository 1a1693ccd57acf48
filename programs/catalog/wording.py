"""The catalog parser's messages in the coach's words: JSON syntax, file size, pydantic's
errors (never Python reprs such as Decimal('10000'))."""

from __future__ import annotations

import re
from typing import Any

from programs.catalog.schema import _describe


def invalid_json(exc: ValueError) -> str:
    text = str(exc)
    if "integer string conversion" in text:
        digits = re.search(r"value has (\d+) digits", text)
        size = f" ({digits.group(1)} digits)" if digits else ""
        return f"Invalid JSON: a number is too long{size}; numbers may have at most 4,300 digits."
    return f"Invalid JSON: {text}."


def size_over_limit(size: int, limit: int) -> str:
    """ "is 11.0 MB; the limit is 10 MB" — in bytes when one decimal of MB would show a file just
    over the limit as the limit itself ("10.0 MB; the limit is 10 MB")."""
    megabytes = f"{size / 1_048_576:.1f} MB"
    if megabytes == f"{limit / 1_048_576:.1f} MB":
        return f"is {size:,} bytes; the limit is {limit / 1_048_576:.0f} MB ({limit:,} bytes)"
    return f"is {megabytes}; the limit is {limit / 1_048_576:.0f} MB"


def too_big(size: int, limit: int) -> str:
    return f"The file {size_over_limit(size, limit)}. Split the catalog into several files."


def pydantic_message(err: Any) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    value = err.get("input")
    loc = err.get("loc") or ()
    last = loc[-1] if loc else ""
    if kind == "missing":
        if last == "type":
            return 'is required and must be "catalog"'
        if last == "reps":
            return "is required (use null for an AMRAP set)"
        return "is required"
    if kind == "extra_forbidden":
        return "is not a CatalogJSON key"
    if kind == "value_error":
        return str(ctx.get("error", err.get("msg", "is invalid")))
    if kind in {"literal_error", "enum"}:
        if last == "type":
            return f'must be "catalog", got {_describe(value)}'
        return f"must be one of {ctx.get('expected', '')}, got {_describe(value)}"
    if kind == "greater_than_equal":
        return f"{_describe(value)} is less than the minimum {_bound(ctx.get('ge'))}"
    if kind == "less_than_equal":
        return f"{_describe(value)} is more than the maximum {_bound(ctx.get('le'))}"
    if kind == "string_too_long" or (kind == "too_long" and isinstance(value, str)):
        length = len(value) if isinstance(value, str) else "?"
        return f"is {length} characters long; at most {ctx.get('max_length')} are allowed"
    if kind == "too_long":
        return (
            f"has {ctx.get('actual_length')} entries; at most {ctx.get('max_length')} are allowed"
        )
    if kind in {"is_instance_of", "sequence_str", "list_type", "tuple_type"}:
        return f"must be a list, got {_describe(value)}"
    if kind in {"model_type", "model_attributes_type", "dict_type"}:
        return f"must be an object, got {_describe(value)}"
    return str(err.get("msg", "is invalid"))


_DECIMAL_REPR = re.compile(r"^Decimal\('([^']*)'\)$")


def _bound(value: Any) -> str:
    # pydantic hands Decimal bounds over as their repr, "Decimal('10000')": say 10000.
    match = _DECIMAL_REPR.match(str(value))
    return match.group(1) if match else str(value)
