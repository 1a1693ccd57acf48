"""Every flag and note in the packet ends in a reasoning line: what the draft did about it, or
why nothing. A topic is answered by a line that names it the way `Topic.cue` says."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generation.packet import Packet

GROWTH = "Growth flag"
ADHERENCE = "Adherence"
DIRECTION = "Coach direction"


@dataclass(frozen=True)
class Topic:
    kind: str  # "health flag", "growth flag", "adherence", "pinned note", "coach direction"
    label: str  # what the coach reads in the checker's report
    cue: str  # a line answering it contains this (case-insensitive)


def direction_sentences(directions: str) -> list[str]:
    parts = re.split(r"(?<=[.!?;])\s+|\n+", directions.strip())
    return [p.strip(" .;") for p in parts if p.strip(" .;")]


def quote(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def topics(packet: Packet, directions: str = "") -> list[Topic]:
    out = [
        Topic("health flag", f"{f.source} of {f.date:%Y-%m-%d}", f"{f.source} of {f.date:%Y-%m-%d}")
        for f in packet.notes.health_flags
    ]
    out += [
        Topic("pinned note", f"pinned note of {n.date:%Y-%m-%d}", f"note of {n.date:%Y-%m-%d}")
        for n in packet.notes.pinned
    ]
    bw = packet.body_weight
    if bw is not None and "growth" in bw.flag:
        out.append(Topic("growth flag", bw.flag, GROWTH))
    if packet.adherence.missed_weeks:
        out.append(Topic("adherence", "weeks short of the program", ADHERENCE))
    out += [
        Topic("coach direction", s, f"{DIRECTION} “{quote(s)}”")
        for s in direction_sentences(directions)
    ]
    return out


def unanswered(found: Iterable[Topic], reasoning: Iterable[str]) -> list[Topic]:
    text = "\n".join(reasoning).casefold()
    return [t for t in found if t.cue.casefold() not in text]


def prompt_lines(packet: Packet, directions: str = "") -> str:
    """What the LLM is asked so that its reasoning passes the same checker as the rules engine's:
    the forms of a stated change, and one line per flag, note and direction, named as written."""
    rules = (
        "\n\n# Reasoning the checker can read\n"
        "State a load change as 'Back Squat: top set 15 → 20 lb (+33 %)' (absolute loads) or "
        "'Back Squat: top set 75 → 77.5 % of the training max (+2.5 points)', a held load as "
        "'Back Squat: held at 80 % of the training max', a swap as 'Depth Jump replaced by Box "
        "Jump: why', a removal as 'Depth Jump left out: why', each line starting with the "
        "exercise's name. Top set = the heaviest set of the "
        "exercise in the block's normal (not recovery) weeks; every such line must match the sets."
    )
    found = topics(packet, directions)
    if not found:
        return rules
    wanted = "\n".join(f"- {t.kind}: a line containing “{t.cue}”" for t in found)
    return (
        f"{rules}\nAnswer each of these in its own reasoning line — what the draft does about it, "
        "or why nothing; a direction you cannot follow, say so in the first lines:\n" + wanted
    )
