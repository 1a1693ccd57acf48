"""CatalogJSON programs written back in the LLM's compact answer format (the inverse of
generation.engines.draft_schema.expand), and in-place edits of compact answers for tests.

    answer = compact_answer(reasoning, catalog["programs"][0])
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

SET_KEYS = ("reps", "percentage", "absolute_weight", "target_rpe")


def to_compact(program: dict[str, Any]) -> dict[str, Any]:
    """A CatalogJSON program in the compact format: one entry per exercise and day (in the day's
    sort order), weeks with the same sets sharing one plan entry. Notes and rep type are taken
    from the exercise's first set that day (the compact format has one per entry)."""
    entries: dict[tuple[int, str], dict[str, Any]] = {}
    by_week: dict[tuple[int, str], dict[int, list[list[Any]]]] = {}
    rows = sorted(
        program["prescribed_sets"],
        key=lambda r: (r["day"], r["sort_order"], r["week"], r["set_number"]),
    )
    for row in rows:
        key = (row["day"], row["exercise"].casefold())
        entries.setdefault(
            key,
            {
                "day": row["day"],
                "exercise": row["exercise"],
                "rep_type": row.get("rep_type") or "reps",
                "notes": row.get("notes"),
                "plan": [],
            },
        )
        weeks = by_week.setdefault(key, {})
        weeks.setdefault(row["week"], []).append([row.get(k) for k in SET_KEYS])
    for key, entry in entries.items():
        for week, sets in sorted(by_week[key].items()):
            same = next((p for p in entry["plan"] if p["sets"] == sets), None)
            if same is not None:
                same["weeks"].append(week)
            else:
                entry["plan"].append({"weeks": [week], "sets": sets})
    return {
        "name": program["name"],
        "description": program.get("description"),
        "num_weeks": program["num_weeks"],
        "num_days": program["num_days"],
        "is_loop": program["is_loop"],
        "audience": program.get("audience"),
        "weeks": [
            {k: w.get(k) for k in ("week", "week_type", "coach_notes")}
            for w in program.get("weeks", [])
        ],
        "exercises": list(entries.values()),
        "progression_rules": [
            {"exercise": r["exercise"], "increment": r["increment"]}
            for r in program.get("progression_rules", [])
        ],
    }


def compact_answer(reasoning: list[str], program: dict[str, Any]) -> dict[str, Any]:
    return {"reasoning": list(reasoning), "program": to_compact(program)}


def all_sets(answer: dict[str, Any]) -> Iterator[tuple[dict[str, Any], list[Any]]]:
    """(exercise entry, set) for every set of a compact answer, in answer order; the sets are
    the answer's own lists, so tests can edit them in place."""
    for entry in answer["program"]["exercises"]:
        for plan in entry["plan"]:
            for values in plan["sets"]:
                yield entry, values


def entry_of(answer: dict[str, Any], exercise: str) -> list[dict[str, Any]]:
    return [e for e in answer["program"]["exercises"] if e["exercise"] == exercise]


_SET_LINE = re.compile(r"\[\s*([^\[\]{}]*?)\s*\]")


def pretty(value: Any) -> str:
    """JSON indented by two as a model pretty-prints it: every object and list on its own lines,
    but each set's four values on one line ("[5, 75, null, null]")."""
    text = json.dumps(value, indent=2, ensure_ascii=False)
    return _SET_LINE.sub(
        lambda m: (
            "[" + ", ".join(part.strip() for part in m.group(1).split(",")) + "]"
            if "\n" in m.group(0) and '"' not in m.group(1)
            else m.group(0)
        ),
        text,
    )
