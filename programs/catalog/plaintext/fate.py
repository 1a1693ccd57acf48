"""Every pasted line's fate beside the live name mapping, for the import preview.

The draft stores what became of each line when it was parsed; the confidence of its exercise
name comes from the preview's name rows at render time, so it follows the coach's choices.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# The matcher's levels in the coach's words: how sure we are that the name means that exercise.
CONFIDENCE = {
    "exact": "high",
    "alias": "high",
    "high": "high",
    "review": "medium",
    "medium": "medium",
    "low": "low",
    "none": "unmatched",
}


def confidence(level: str) -> str:
    return CONFIDENCE.get(level, "unmatched")


@dataclass
class LineRow:
    line: dict[str, Any]
    name_row: Any = None  # programs.catalog.preview.NameRow, when the line names an exercise
    alternatives: list[str] = field(default_factory=list)

    @property
    def confidence(self) -> str:
        if self.name_row is None:
            return ""
        if self.name_row.chosen:
            return "chosen"
        return confidence(str(self.name_row.level.value))

    @property
    def mapped_to(self) -> str:
        return "" if self.name_row is None else str(self.name_row.decision_label)


def line_rows(lines: list[dict[str, Any]], preview: Any) -> list[LineRow]:
    out = []
    for line in lines:
        name = str(line.get("exercise") or "")
        row = preview.row("exercise", name.casefold()) if name else None
        alternatives = [c.name for c in row.proposal.alternatives] if row is not None else []
        out.append(LineRow(line, row, alternatives))
    return out
