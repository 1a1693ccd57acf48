"""Reading a model's answer as untrusted text: the JSON object in it, found in one pass, and
bounded excerpts of it for prompts, pages and storage.

Every step here is linear in the answer's length: an answer is attacker-controlled, and a scan
that restarts at every `{` took minutes on a megabyte of braces."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

_FENCE_MARK = "```"
_FENCE_LANGS = ("json", "JSON", "javascript")
_THINK_OPEN, _THINK_CLOSE = "<think>", "</think>"
# Only these characters change the scanner's state; the regex engine skips the rest in C.
_STRUCTURAL = re.compile(r'[{}"\\]')


@dataclass(frozen=True)
class JSONProblem:
    """Why the answer's JSON could not be read, at a place in the answer."""

    message: str
    position: int | None = None  # offset in the answer (after <think> blocks are dropped)

    def __str__(self) -> str:
        return self.message


def drop_think_blocks(text: str) -> str:
    """The answer without reasoning models' <think>…</think> blocks (an unclosed one runs to the
    end), by plain searching: a lazy regex rescans the rest of the text at every opening tag."""
    out: list[str] = []
    at = 0
    lowered = text.lower()
    while True:
        start = lowered.find(_THINK_OPEN, at)
        if start == -1:
            out.append(text[at:])
            return "".join(out)
        out.append(text[at:start])
        end = lowered.find(_THINK_CLOSE, start + len(_THINK_OPEN))
        if end == -1:
            return "".join(out)
        at = end + len(_THINK_CLOSE)


def fenced_blocks(text: str) -> list[str]:
    """The bodies of ``` fenced blocks, language tag dropped; an unclosed fence is not a block."""
    parts = text.split(_FENCE_MARK)
    blocks = []
    for body in parts[1:-1:2]:
        stripped = body.lstrip(" \t")
        for lang in _FENCE_LANGS:
            if stripped.startswith(lang):
                stripped = stripped[len(lang) :]
                break
        blocks.append(stripped.strip())
    return blocks


def top_level_objects(text: str) -> list[tuple[int, int]]:
    """The (start, end) spans of every outermost `{…}` in prose, in one pass: braces inside JSON
    strings do not count, and an object still open at the end runs to the end of the text."""
    spans: list[tuple[int, int]] = []
    depth, start, in_string, escaped_at = 0, 0, False, -1
    for match in _STRUCTURAL.finditer(text):
        char, at = match.group(), match.start()
        if at == escaped_at:  # the character right after a backslash in a string
            continue
        if depth == 0:
            if char == "{":
                depth, start = 1, at
            continue
        if in_string:
            if char == "\\":
                escaped_at = at + 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                spans.append((start, at + 1))
    if depth:
        spans.append((start, len(text)))
    return spans


def _where(text: str, position: int) -> str:
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    return f"line {line}, column {column} (character {position + 1:,})"


def _decode(text: str, offset: int, whole: str) -> tuple[Any, JSONProblem | None]:
    try:
        return json.loads(text), None
    except json.JSONDecodeError as exc:
        at = offset + exc.pos
        return None, JSONProblem(
            f"The answer is not valid JSON: {exc.msg} at {_where(whole, at)}.", at
        )
    except RecursionError:
        return None, JSONProblem("The answer is not valid JSON: it is nested too deeply.", offset)


def _not_an_object(value: Any) -> JSONProblem:
    return JSONProblem(f"The answer is JSON but not an object ({type(value).__name__}).")


def extract_json(text: str) -> tuple[dict[str, Any] | None, JSONProblem | None]:
    """The JSON object in a model's answer, or (None, what is wrong and where).

    Accepts plain JSON, a ```json fenced block, or objects with prose around them (the largest
    outermost one). An object that does not parse is reported with the parser's own error and
    its position — never replaced by an object nested inside it."""
    cleaned = drop_think_blocks(text or "").strip()
    if not cleaned:
        return None, JSONProblem("The answer was empty.")
    value, problem = _decode(cleaned, 0, cleaned)
    if problem is None:
        return (value, None) if isinstance(value, dict) else (None, _not_an_object(value))
    for block in fenced_blocks(cleaned):
        value, _ = _decode(block, 0, block)
        if isinstance(value, dict):
            return value, None
    # Only outermost objects are candidates: when the answer's object is malformed, an object
    # nested in it must not stand in for it (its errors would misdiagnose the answer).
    best: tuple[int, dict[str, Any]] | None = None
    failed: tuple[int, JSONProblem] | None = None
    for start, end in top_level_objects(cleaned):
        value, problem = _decode(cleaned[start:end], start, cleaned)
        if isinstance(value, dict):
            if best is None or end - start > best[0]:
                best = (end - start, value)
        elif problem is not None and (failed is None or end - start > failed[0]):
            failed = (end - start, problem)
    if best is not None:
        return best[1], None
    if failed is not None:
        return None, failed[1]
    return None, JSONProblem("The answer holds no JSON object.")


def clip(text: str, limit: int, *, what: str = "characters") -> str:
    """`text` cut to at most about `limit` characters, saying how much was left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}\n… [{len(text) - limit:,} more {what} not kept]"


def excerpt(text: str, limit: int, *, around: int | None = None) -> str:
    """At most `limit` characters of `text`: its start, and the stretch around `around` (a
    parse error's position) when that lies further in."""
    if len(text) <= limit:
        return text
    if around is None or around < limit // 2:
        return f"{text[:limit]} … [{len(text) - limit:,} more characters not shown]"
    half = limit // 2
    lo, hi = max(half, around - half // 2), min(len(text), around + half // 2)
    return f"{text[:half]} … [{lo - half:,} characters not shown] … {text[lo:hi]}" + (
        f" … [{len(text) - hi:,} more characters not shown]" if hi < len(text) else ""
    )
