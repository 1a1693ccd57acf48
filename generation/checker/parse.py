"""Decisions read back from reasoning text, for drafts whose engine gives only text (the LLM).

It reads the forms `Decision.text()` writes; a rules-engine draft parses to its own decisions,
which keeps the words and the data in step."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from decimal import Decimal

from generation.checker.decisions import TM_UNIT, Change, Decision

_NUM = r"(\d+(?:\.\d+)?)"
_HEAD = re.compile(r"^(?P<name>[^:]+?)(?: \(in place of [^)]*\))?: ")
_MOVE = re.compile(rf"top set {_NUM} → {_NUM} (?P<unit>{re.escape(TM_UNIT)}|%|[a-zA-Z]+)")
_HELD = re.compile(rf"held at {_NUM}(?: (?P<unit>{re.escape(TM_UNIT)}|%|[a-zA-Z]+))?")
_DAYS = r"(?P<days> on days? [\d, and]+)?"
_SWAP = re.compile(rf"^(?P<old>[^:]+?) replaced by (?P<new>[^:;,(]+?){_DAYS}[:;,.(]")
_LEFT = re.compile(rf"^(?P<name>[^:]+?) left out\b{_DAYS}")


def _days(text: str | None) -> tuple[int, ...]:
    return tuple(int(d) for d in re.findall(r"\d+", text or ""))


def decisions_from_text(lines: Iterable[str]) -> list[Decision]:
    return [d for line in lines for d in _from_line(line.strip())]


def _from_line(line: str) -> Iterator[Decision]:
    swap = _SWAP.match(line)
    if swap:
        new, days = swap.group("new").strip(), _days(swap.group("days"))
        yield Decision(Change.SWAP, new, replaced=swap.group("old"), days=days)
        return
    left = _LEFT.match(line)
    if left:
        yield Decision(Change.LEFT_OUT, left.group("name").strip(), days=_days(left.group("days")))
        return
    head = _HEAD.match(line)
    if head is None:
        return
    name = head.group("name").strip()
    move = _MOVE.search(line)
    if move:
        unit = move.group("unit")
        points = unit in (TM_UNIT, "%")
        yield Decision(
            Change.POINTS if points else Change.LOAD,
            name,
            before=Decimal(move.group(1)),
            after=Decimal(move.group(2)),
            unit=TM_UNIT if points else unit,
        )
        return
    held = _HELD.search(line)
    if held:
        unit = held.group("unit") or ""
        yield Decision(Change.HELD, name, before=Decimal(held.group(1)), unit=unit)
