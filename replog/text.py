"""One policy for hostile text, for every entry point (forms, CatalogJSON, LLM answers, history
files, free-text plans). Pure Python, no Django and none of our apps: any app may import it.

The decision, made once (see docs/hardening.md):
- Any text: a NUL character or a lone UTF-16 surrogate is *refused* with a message naming the
  character. PostgreSQL cannot store NUL (text and jsonb refuse it) and a lone surrogate cannot
  be encoded as UTF-8, so either would fail later, on one database only or at render time.
- Names (exercise, equipment, program, athlete): also refused are control characters (tabs and
  line breaks included), bidi overrides and isolates (U+202E renders a name reversed), zero-width
  and other invisible format characters, private-use and unassigned code points. Accepted names
  are normalised: NFC, surrounding spaces stripped, runs of spaces collapsed to one, so two names
  that look the same are the same string.

Each check raises `TextError` (a ValueError: pydantic turns it into a field error) with a message
in the user's words, without the path: the caller knows where the text came from.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

# Cc control, Cf format (bidi, zero-width, soft hyphen…), Cs surrogate, Co private use,
# Cn unassigned, Zl/Zp line/paragraph separators.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


class TextError(ValueError):
    """Text that is refused; the message says which character and why."""


def _describe(char: str) -> str:
    name = unicodedata.name(char, "")
    code = f"U+{ord(char):04X}"
    return f"{code} {name}" if name else code


def text_problem(value: str) -> str:
    """Why `value` cannot be stored anywhere, or "" when it can."""
    for position, char in enumerate(value):
        if char == "\x00":
            return f"contains a NUL character (U+0000) at position {position + 1}"
        if "\ud800" <= char <= "\udfff":
            return (
                f"contains a lone UTF-16 surrogate (U+{ord(char):04X}) at position "
                f"{position + 1}, which is not a character"
            )
    return ""


def clean_text(value: str) -> str:
    """Free text (notes, descriptions, answers): refused if it cannot be stored, else unchanged
    (line breaks and tabs are part of a note)."""
    problem = text_problem(value)
    if problem:
        raise TextError(problem)
    return value


def name_problem(value: str) -> str:
    """Why `value` is not acceptable as a name (after surrounding spaces), or ""."""
    problem = text_problem(value)
    if problem:
        return problem
    for position, char in enumerate(value):
        if unicodedata.category(char) in _INVISIBLE_CATEGORIES:
            return (
                f"contains an invisible or control character ({_describe(char)}) at position "
                f"{position + 1}; names may hold only visible characters and spaces"
            )
    return ""


def clean_name(value: str) -> str:
    """A name as stored: NFC, spaces collapsed; refused if empty or holding invisible characters."""
    stripped = value.strip()
    if not stripped:
        raise TextError("must not be empty")
    # Checked before collapsing: split() would quietly turn a tab or U+2028 into a space.
    problem = name_problem(stripped)
    if problem:
        raise TextError(problem)
    return unicodedata.normalize("NFC", " ".join(stripped.split()))


def json_path(parts: Iterable[str | int]) -> str:
    """("programs", 0, "name") → "programs[0].name", as every message about a document says."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


def find_text_problem(value: object) -> tuple[str, str] | None:
    """The first string in JSON-shaped data (keys included) that cannot be stored: its path
    ("reasoning[0]") and the problem. For documents from outside (LLM answers, imported files)
    before any field is read."""
    stack: list[tuple[object, tuple[str | int, ...]]] = [(value, ())]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str):
            problem = text_problem(item)
            if problem:
                return json_path(path), problem
        elif isinstance(item, dict):
            for key, child in item.items():
                if isinstance(key, str) and text_problem(key):
                    return json_path(path), f"has a key that {text_problem(key)}"
                stack.append((child, (*path, key)))
        elif isinstance(item, list):
            stack.extend((child, (*path, i)) for i, child in enumerate(item))
    return None


def storable(value: str) -> str:
    """A copy of untrusted text kept for the record (an LLM's raw answer): NUL and lone
    surrogates become U+FFFD so it can be stored and shown. Never for data that is used."""
    if not text_problem(value):
        return value
    return "".join("\ufffd" if c == "\x00" or "\ud800" <= c <= "\udfff" else c for c in value)
