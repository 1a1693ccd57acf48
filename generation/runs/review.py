"""What the coach reads before deciding: the edits in coach words, which sets were edited, and
notes said once. Pure functions over CatalogJSON and the run's notes."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from generation.runs import edits

Summary = Callable[[dict[str, Any]], str]


def _where(row: dict[str, Any]) -> str:
    return f"week {row.get('week')} day {row.get('day')}"


def _changed(
    before: dict[str, Any], after: dict[str, Any], names: Sequence[str] = edits.DIFF_FIELDS
) -> bool:
    return any(
        edits._comparable(name, before.get(name)) != edits._comparable(name, after.get(name))
        for name in names
    )


def edited_set_ids(draft: dict[str, Any] | None, final: dict[str, Any]) -> set[int]:
    """Ids of the sets the coach changed or added (a swapped exercise counts as changed)."""
    if not draft:
        return set()
    try:
        before_rows = edits.sets_of(draft)
        after_rows = edits.sets_of(edits.with_ids(final))
    except edits.EditError:
        return set()
    ids = set()
    for row in after_rows:
        set_id = row.get(edits.SET_ID)
        if not isinstance(set_id, int) or not 0 <= set_id < len(before_rows):
            continue
        before = before_rows[set_id]
        swapped = edits._key(before.get("exercise")) != edits._key(row.get("exercise"))
        if swapped or _changed(before, row):
            ids.add(set_id)
    return ids | {
        r[edits.SET_ID]
        for r in after_rows
        if isinstance(r.get(edits.SET_ID), int) and r[edits.SET_ID] >= len(before_rows)
    }


def coach_diff(draft: dict[str, Any] | None, final: dict[str, Any], summary: Summary) -> list[str]:
    """The coach's edits as a coach writes them: "Back Squat week 2 day 1 set 1: 5 @ 75 % →
    5 @ 72.5 %", "Week 1 day 2: Depth Jump → Box Jump (3 sets)", never field names."""
    if not draft:
        return []
    try:
        final_ids = edits.with_ids(final)
        changes = edits.edits_diff(draft, final_ids)
        before_rows = edits.sets_of(draft)
        after_rows = edits.sets_of(final_ids)
    except edits.EditError:
        return []
    lines: list[str] = []
    for change in changes:
        op = change.get("op")
        if op == "rename_program":
            lines.append(f"Renamed “{change.get('old')}” → “{change.get('new')}”")
        elif op == "swap_exercise":
            count = int(change.get("sets") or 0)
            lines.append(
                f"Week {change.get('week')} day {change.get('day')}: {change.get('from')} → "
                f"{change.get('to')} ({count} set{'' if count == 1 else 's'})"
            )
        elif op in ("add_set", "remove_set"):
            verb = "added" if op == "add_set" else "removed"
            lines.append(
                f"{change.get('exercise')} {_where(change)}: {verb} a set "
                f"({summary(change.get('set') or {})})"
            )
    for row in after_rows:
        set_id = row.get(edits.SET_ID)
        if isinstance(set_id, int) and 0 <= set_id < len(before_rows):
            before = before_rows[set_id]
            if _changed(before, row, edits.EDITABLE_FIELDS):
                lines.append(
                    f"{row.get('exercise')} {_where(before)} set {before.get('set_number')}: "
                    f"{_with_note(before, summary)} → {_with_note(row, summary)}"
                )
    return lines


def _with_note(row: dict[str, Any], summary: Summary) -> str:
    return summary(row) + (f" ({row['notes']})" if row.get("notes") else "")


@dataclass
class GroupedNote:
    """One warning said once, with every exercise it concerns."""

    message: str
    exercises: list[str] = field(default_factory=list)
    count: int = 0
    # The message ends in a colon and names the exercises itself: "… — loads the knee: A, B".
    lists_exercises: bool = False
    after: str = ""  # said after the list of exercises


# "Back Squat loads the knee — pinned coach note of …: “…”. Check it before approving."
_LOADS_PART = re.compile(
    r"^(?P<exercise>.+?) loads the (?P<part>[\w -]+?) — (?P<source>.+?)\. "
    r"Check it before approving\.$",
    re.S,
)


def _note_message(note: object) -> str:
    return str(note.get("message", "")) if isinstance(note, dict) else str(note)


def _flag_group(message: str) -> tuple[str, str] | None:
    """A note that an exercise loads a flagged part, as (key, exercise): the note it quotes is
    said once for every exercise it concerns."""
    match = _LOADS_PART.match(message)
    if match is None:
        return None
    return f"{match['source']}\n{match['part']}", match["exercise"]


# "… pinned coach note of 2026-11-11 (“Left knee soreness…”)" or "…note of 2026-11-11: “…”".
_QUOTED_NOTE = re.compile(r"(note of \d{4}-\d{2}-\d{2})(?: \(“[^”]*”\)|: “[^”]*”)")


def without_note_quotes(line: object) -> str:
    """A line that names a note by its date without quoting it again: the page quotes each
    note once (under Warnings), and a reasoning line naming it six times read as six notes."""
    return _QUOTED_NOTE.sub(r"\1", str(line))


def quoted_notes(grouped: Sequence[GroupedNote]) -> set[str]:
    """The notes ("note of <date>") the Warnings card quotes in full."""
    return {m.group(1) for g in grouped for m in _QUOTED_NOTE.finditer(g.message)}


def group_notes(notes: Sequence[object]) -> list[GroupedNote]:
    grouped: dict[str, GroupedNote] = {}
    for note in notes:
        if isinstance(note, dict) and "dropped" in note:
            continue  # listed under "Left out", with "add back"
        message = _note_message(note)
        exercise = note.get("exercise") if isinstance(note, dict) else None
        flagged = _flag_group(message)
        if flagged is not None:
            key, exercise = flagged
            source, part = key.split("\n")
            entry = grouped.setdefault(
                key,
                GroupedNote(
                    message=f"{source[:1].upper()}{source[1:]} — loads the {part}:",
                    lists_exercises=True,
                    after="Check them before approving.",
                ),
            )
        else:
            entry = grouped.setdefault(message, GroupedNote(message=message))
        entry.count += 1
        if exercise and str(exercise) not in entry.exercises:
            entry.exercises.append(str(exercise))
    return list(grouped.values())
