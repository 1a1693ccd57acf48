"""A recorded adjustment as rows for the page: prescription beside the suggestion."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from athletes.templatetags.logbook import format_reps, format_weight
from generation.models import SessionAdjustment


@dataclass(frozen=True)
class Row:
    name: str
    prescribed: str
    adjusted: str
    skipped: bool
    changed: bool
    formula: str = ""  # hybrid: the formula's version beside the LLM's


def describe_sets(sets: list[dict[str, Any]]) -> str:
    """ "3×5 × 200 lbs, 1×AMRAP × 220 lbs" — consecutive identical sets as one chunk."""
    chunks: list[list[Any]] = []
    for s in sets:
        text = format_reps(s["reps"], s["rep_type"])
        if s["weight"] is not None:
            text += f" × {format_weight(Decimal(str(s['weight'])))}"
        if s.get("rpe") is not None:
            text += f" @ RPE {s['rpe']:g}"
        if chunks and chunks[-1][1] == text:
            chunks[-1][0] += 1
        else:
            chunks.append([1, text])
    return ", ".join(f"{n}×{text}" for n, text in chunks)


def adjustment_rows(record: SessionAdjustment) -> list[Row]:
    formula = {e["exercise_id"]: e for e in (record.formula_output or {}).get("exercises", [])}
    rows = []
    for e in record.output.get("exercises", []):
        prescribed = describe_sets(e["prescribed"])
        adjusted = "skipped" if e["skipped"] else describe_sets(e["adjusted"])
        other = formula.get(e["exercise_id"])
        beside = ""
        if record.divergence and other is not None:
            beside = "skipped" if other["skipped"] else describe_sets(other["adjusted"])
        rows.append(
            Row(e["name"], prescribed, adjusted, e["skipped"], adjusted != prescribed, beside)
        )
    return rows
