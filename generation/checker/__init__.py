"""The draft checker, run on every engine's draft and shown in the preview.

Two questions: does every reasoning line that states a change match the sets (`check.py`,
against structured `Decision`s or, for text-only reasoning, the ones `parse.py` reads back), and
does every flag and note of the packet end in a line (`answers.py`)?
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from generation.checker.answers import Topic, topics, unanswered
from generation.checker.check import check_decisions, youth_steps
from generation.checker.decisions import Change, Decision
from generation.checker.parse import decisions_from_text

if TYPE_CHECKING:
    from generation.packet import Packet

__all__ = ["Change", "CheckReport", "Decision", "check_draft"]


@dataclass
class CheckReport:
    mismatches: list[str] = field(default_factory=list)
    unanswered: list[Topic] = field(default_factory=list)
    checked: int = 0  # decisions held against the draft

    @property
    def ok(self) -> bool:
        return not self.mismatches and not self.unanswered


def check_draft(
    *,
    catalog: dict[str, Any],
    reasoning: Sequence[str],
    packet: Packet | None = None,
    directions: str = "",
    decisions: Sequence[Decision] | None = None,
    youth_increment: Decimal | None = None,
) -> CheckReport:
    """Structured decisions when the engine gave them, else the ones its text states."""
    held = list(decisions) if decisions is not None else decisions_from_text(reasoning)
    mismatches = check_decisions(catalog, held)
    if youth_increment:
        mismatches += youth_steps(catalog, youth_increment)
    missing = unanswered(topics(packet, directions), reasoning) if packet is not None else []
    return CheckReport(mismatches, missing, len(held))
