"""The coach's edits to a draft, as pure functions on CatalogJSON, and the diff they leave.

A draft's sets carry no identity of their own (CatalogJSON rows are keyed by week/day/exercise/
set number, and all of those may change in an edit), so the edited copy gives every set a private
`_id`: a draft set keeps its index in the draft as its id, a set the coach adds gets a new one.
That is what lets the diff say exactly "set 2 of Back Squat changed reps 5 → 3" rather than
guessing from positions, and what keeps URLs to a set stable while sets are added and removed.
`_id` never leaves this module's callers: `strip_private` removes it before validation/import.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from replog.jsondata import copy_json

SET_ID = "_id"

# Fields of a prescribed set the coach may change in the preview, in display order.
EDITABLE_FIELDS: tuple[str, ...] = (
    "reps",
    "rep_type",
    "percentage",
    "absolute_weight",
    "target_rpe",
    "notes",
)
# Compared by the diff (exercise swaps are reported on their own).
DIFF_FIELDS: tuple[str, ...] = (*EDITABLE_FIELDS, "sort_order")

MAX_SETS_PER_EXERCISE = 20


class EditError(ValueError):
    """An edit that cannot be applied; the message is shown to the coach."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def program_of(catalog: dict[str, Any]) -> dict[str, Any]:
    programs = catalog.get("programs") or []
    if not programs or not isinstance(programs[0], dict):
        raise EditError("The draft holds no program.")
    program: dict[str, Any] = programs[0]
    return program


def sets_of(catalog: dict[str, Any]) -> list[dict[str, Any]]:
    program = program_of(catalog)
    sets = program.setdefault("prescribed_sets", [])
    if not isinstance(sets, list):
        raise EditError("The draft's sets are not a list.")
    return sets


def with_ids(catalog: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of a draft whose sets carry their draft index as `_id`."""
    edited = copy_json(catalog)
    for index, row in enumerate(sets_of(edited)):
        row.setdefault(SET_ID, index)
    return edited


def strip_private(catalog: dict[str, Any]) -> dict[str, Any]:
    clean = copy_json(catalog)
    for program in clean.get("programs") or []:
        for row in program.get("prescribed_sets") or []:
            if isinstance(row, dict):
                row.pop(SET_ID, None)
    return clean


def _key(name: object) -> str:
    return str(name or "").strip().casefold()


def number(value: object) -> int | float | None:
    """A JSON number for a load/percentage/RPE: int when whole, else float; None stays None."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise EditError(f"{value!r} is not a number.")
    try:
        dec = Decimal(str(value))
    except InvalidOperation:
        raise EditError(f"{value!r} is not a number.") from None
    if not dec.is_finite():
        raise EditError(f"{value!r} is not a number.")
    return int(dec) if dec == dec.to_integral_value() else float(dec)


def find_set(catalog: dict[str, Any], set_id: int) -> dict[str, Any]:
    for row in sets_of(catalog):
        if row.get(SET_ID) == set_id:
            return row
    raise EditError("That set is no longer in the draft; reload the preview.")


def _block(catalog: dict[str, Any], week: int, day: int, exercise: str) -> list[dict[str, Any]]:
    key = _key(exercise)
    return [
        r
        for r in sets_of(catalog)
        if r.get("week") == week and r.get("day") == day and _key(r.get("exercise")) == key
    ]


def _next_id(catalog: dict[str, Any]) -> int:
    ids = [r.get(SET_ID) for r in sets_of(catalog)]
    return max((i for i in ids if isinstance(i, int)), default=-1) + 1


@dataclass(frozen=True)
class SetValues:
    reps: int | None
    rep_type: str
    percentage: int | float | None
    absolute_weight: int | float | None
    target_rpe: int | float | None
    notes: str | None


def edit_set(catalog: dict[str, Any], *, set_id: int, values: SetValues) -> dict[str, Any]:
    row = find_set(catalog, set_id)
    row["reps"] = values.reps
    row["rep_type"] = values.rep_type
    row["percentage"] = number(values.percentage)
    row["absolute_weight"] = number(values.absolute_weight)
    row["target_rpe"] = number(values.target_rpe)
    row["notes"] = values.notes or None
    return row


def add_set(catalog: dict[str, Any], *, set_id: int) -> dict[str, Any]:
    """Append a set to the exercise of `set_id` in its session, copying that exercise's last set."""
    source = find_set(catalog, set_id)
    block = _block(catalog, int(source["week"]), int(source["day"]), str(source["exercise"]))
    if len(block) >= MAX_SETS_PER_EXERCISE:
        raise EditError(
            f"{source['exercise']} already has {len(block)} sets in week {source['week']}, "
            f"day {source['day']} (at most {MAX_SETS_PER_EXERCISE})."
        )
    last = max(block, key=lambda r: int(r.get("set_number") or 0))
    new = copy_json(last)
    new["set_number"] = int(last.get("set_number") or 0) + 1
    new[SET_ID] = _next_id(catalog)
    sets = sets_of(catalog)
    sets.insert(sets.index(last) + 1, new)
    return new


def remove_set(catalog: dict[str, Any], *, set_id: int) -> dict[str, Any]:
    """Remove one set; the exercise's later sets move up so set numbers stay 1..n."""
    row = find_set(catalog, set_id)
    sets = sets_of(catalog)
    sets.remove(row)
    removed_number = int(row.get("set_number") or 0)
    for other in _block(catalog, int(row["week"]), int(row["day"]), str(row["exercise"])):
        if int(other.get("set_number") or 0) > removed_number:
            other["set_number"] = int(other["set_number"]) - 1
    return row


def swap_exercise(
    catalog: dict[str, Any], *, set_id: int, new_exercise: str, every_week: bool
) -> int:
    """Replace the exercise of `set_id`'s session (or of that day in every week) by another.

    Returns how many sets changed. Refuses when the new exercise is already in a session it
    would be swapped into: two blocks of one exercise in a session would collide on set numbers.
    """
    source = find_set(catalog, set_id)
    old_key = _key(source.get("exercise"))
    new_name = new_exercise.strip()
    if not new_name:
        raise EditError("Choose the exercise to swap in.")
    if _key(new_name) == old_key:
        raise EditError(f"{new_name} is already the exercise of this set.")
    day = source.get("day")
    targets = [
        r
        for r in sets_of(catalog)
        if _key(r.get("exercise")) == old_key
        and r.get("day") == day
        and (every_week or r.get("week") == source.get("week"))
    ]
    sessions = {(r.get("week"), r.get("day")) for r in targets}
    for week, d in sorted(sessions, key=lambda s: (int(s[0] or 0), int(s[1] or 0))):
        if _block(catalog, int(week or 0), int(d or 0), new_name):
            raise EditError(
                f"{new_name} is already in week {week}, day {d}; "
                "edit or remove that exercise's sets instead."
            )
    for row in targets:
        row["exercise"] = new_name
    return len(targets)


def rename_program(catalog: dict[str, Any], *, name: str) -> None:
    name = name.strip()
    if not name:
        raise EditError("The program needs a name.")
    if len(name) > 200:
        raise EditError("The program name is longer than 200 characters.")
    program_of(catalog)["name"] = name


# ---------------------------------------------------------------------------------------------
# The diff between the draft and what was approved


def _comparable(field: str, value: object) -> object:
    if field in ("percentage", "absolute_weight", "target_rpe"):
        try:
            return number(value)
        except EditError:
            return value
    if field == "notes":
        return value or None
    return value


def edits_diff(draft: dict[str, Any], final: dict[str, Any]) -> list[dict[str, Any]]:
    """Structured changes from `draft` to `final` (an edited copy whose sets carry `_id`).

    Entries, in program order:
      {"op": "rename_program", "old", "new"}
      {"op": "swap_exercise", "week", "day", "from", "to", "sets"}
      {"op": "change", "week", "day", "exercise", "set_number", "field", "old", "new"}
      {"op": "add_set" | "remove_set", "week", "day", "exercise", "set_number", "set"}
    Set numbers in "change" entries are the draft's; in "add_set", the approved program's.
    """
    changes: list[dict[str, Any]] = []
    old_program = program_of(draft)
    new_program = program_of(final)
    if old_program.get("name") != new_program.get("name"):
        changes.append(
            {"op": "rename_program", "old": old_program.get("name"), "new": new_program.get("name")}
        )
    draft_sets = sets_of(draft)
    final_sets = sets_of(final)
    seen: set[int] = set()
    swaps: dict[tuple[int, int, str, str], int] = defaultdict(int)
    field_changes: list[dict[str, Any]] = []
    added: list[dict[str, Any]] = []
    for row in final_sets:
        set_id = row.get(SET_ID)
        if not isinstance(set_id, int) or not 0 <= set_id < len(draft_sets) or set_id in seen:
            added.append(_set_entry("add_set", row))
            continue
        seen.add(set_id)
        before = draft_sets[set_id]
        if _key(before.get("exercise")) != _key(row.get("exercise")):
            swap_key = (
                int(before.get("week") or 0),
                int(before.get("day") or 0),
                str(before.get("exercise")),
                str(row.get("exercise")),
            )
            swaps[swap_key] += 1
        for field in DIFF_FIELDS:
            old = _comparable(field, before.get(field))
            new = _comparable(field, row.get(field))
            if old != new:
                field_changes.append(
                    {
                        "op": "change",
                        "week": before.get("week"),
                        "day": before.get("day"),
                        "exercise": row.get("exercise"),
                        "set_number": before.get("set_number"),
                        "field": field,
                        "old": old,
                        "new": new,
                    }
                )
    removed = [
        _set_entry("remove_set", row) for index, row in enumerate(draft_sets) if index not in seen
    ]
    changes.extend(
        {"op": "swap_exercise", "week": w, "day": d, "from": old, "to": new, "sets": n}
        for (w, d, old, new), n in sorted(swaps.items())
    )
    changes.extend(field_changes)
    changes.extend(removed)
    changes.extend(added)
    return changes


def _set_entry(op: str, row: dict[str, Any]) -> dict[str, Any]:
    clean = {k: v for k, v in row.items() if k != SET_ID}
    return {
        "op": op,
        "week": row.get("week"),
        "day": row.get("day"),
        "exercise": row.get("exercise"),
        "set_number": row.get("set_number"),
        "set": clean,
    }


def describe_change(change: dict[str, Any]) -> str:
    """One line for the history page."""
    op = change.get("op")
    where = f"W{change.get('week')}D{change.get('day')}"
    if op == "rename_program":
        return f"Renamed “{change.get('old')}” → “{change.get('new')}”"
    if op == "swap_exercise":
        return (
            f"{where}: swapped {change.get('from')} → {change.get('to')} "
            f"({change.get('sets')} sets)"
        )
    if op == "change":
        return (
            f"{where} {change.get('exercise')} set {change.get('set_number')}: "
            f"{change.get('field')} {_show(change.get('old'))} → {_show(change.get('new'))}"
        )
    if op == "add_set":
        return f"{where} {change.get('exercise')}: added set {change.get('set_number')}"
    if op == "remove_set":
        return f"{where} {change.get('exercise')}: removed set {change.get('set_number')}"
    return str(change)


def _show(value: object) -> str:
    return "—" if value is None else str(value)


def dropped_where(dropped: dict[str, Any]) -> str:
    """ "week 2 day 3", or "weeks 1–4 day 3" for an entry that spans weeks."""
    weeks = sorted({int(w) for w in dropped.get("weeks") or [] if isinstance(w, int)})
    if len(weeks) > 1:
        run = weeks == list(range(weeks[0], weeks[-1] + 1))
        span = f"{weeks[0]}–{weeks[-1]}" if run else ", ".join(str(w) for w in weeks)
        return f"weeks {span} day {dropped.get('day')}"
    return f"week {dropped.get('week')} day {dropped.get('day')}"


def add_back(catalog: dict[str, Any], dropped: dict[str, Any]) -> list[dict[str, Any]]:
    """Put an exercise the engine left out back into its session, with the sets it had: in
    every week it was left out of (a rules-engine entry spans weeks), except where it is again."""
    day, name = int(dropped.get("day") or 0), str(dropped["exercise"])
    rows = [r for r in dropped.get("sets") or [] if isinstance(r, dict)]
    weeks = sorted({int(r.get("week") or 0) for r in rows} or {int(dropped.get("week") or 0)})
    free = {w for w in weeks if not _block(catalog, w, day, name)}
    if not free:
        where = f"week {weeks[0]}" if len(weeks) == 1 else "those weeks"
        raise EditError(f"{name} is already in {where}, day {day}.")
    sets = sets_of(catalog)
    added = []
    for row in rows:
        if int(row.get("week") or 0) not in free:
            continue
        new = copy_json(row)
        new[SET_ID] = _next_id(catalog)
        sets.append(new)
        added.append(new)
    if not added:
        raise EditError(f"No sets of {name} were kept to add back.")
    return added
