"""An answer's problems in the coach's words.

The checks write each problem at the path of the compact answer the model wrote
("program.exercises[2].plan[0].sets[1][3] (Back Squat day 1, week 2, set 2, target_rpe): 12 is
more than the maximum 10"): that is what the repair round needs, and what the run's stored
details keep. A coach reads the same problem as "Back Squat, day 1, week 2, set 2 (target RPE):
12 is more than the maximum 10"."""

from __future__ import annotations

import re
from typing import Any

from generation.engines.draft_schema import SET_FIELDS

# "program.exercises[2].plan[0].sets[1][3] (label): message" — the label is optional, and a
# problem about several entries names each path ("…exercise, program.exercises[7].exercise").
_LOCATED = re.compile(
    r"^(?P<path>(?:program|reasoning)[\w.\[\]]*(?:, program[\w.\[\]]*)*(?: …)?)"
    r"(?: \((?P<label>[^()]*)\))?: (?P<message>.*)$",
    re.DOTALL,
)
_ENTRY = re.compile(r"program\.exercises\[(\d+)\](?:\.plan\[(\d+)\])?")
_NAMED_DAY = re.compile(r"^(?P<name>.+?) day (?P<day>[\d, ]+)(?P<rest>.*)$")
_VALUE_NAMES = {
    "reps": "reps",
    "percentage": "percentage",
    "absolute_weight": "load",
    "target_rpe": "target RPE",
}
# pydantic's generic sentences, as a coach would say them ({what}: "sets", "weeks", …).
_PLAIN = (
    (
        re.compile(r"^List should have at most (\d+) items? after validation, not (\d+)"),
        "has {1} {what}, more than the {0} allowed",
    ),
    (re.compile(r"^List should have at most (\d+) items?"), "has more than {0} {what}"),
    (re.compile(r"^List should have at least 1 item"), "is empty"),
    (re.compile(r"^List should have at least (\d+) items"), "has fewer than {0} {what}"),
    (re.compile(r"^String should have at most (\d+) characters?"), "is longer than {0} characters"),
    (re.compile(r"^Input should be a valid (\w+)"), "is not a valid {0}"),
)


def _plain(message: str, what: str) -> str:
    for pattern, words in _PLAIN:
        found = pattern.match(message)
        if found:
            return " ".join(words.format(*found.groups(), what=what or "items").split())
    return message


def _weeks(data: Any, entry: int, plan: int) -> str:
    try:
        weeks = data["program"]["exercises"][entry]["plan"][plan]["weeks"]
    except (KeyError, IndexError, TypeError):
        return ""
    if not isinstance(weeks, list) or not weeks or not all(isinstance(w, int) for w in weeks):
        return ""
    return f"week {weeks[0]}" if len(weeks) == 1 else "weeks " + ", ".join(map(str, weeks))


def _entry_words(data: Any, entry: int) -> str:
    try:
        item = data["program"]["exercises"][entry]
        name, day = item.get("exercise"), item.get("day")
    except (KeyError, IndexError, TypeError, AttributeError):
        return f"exercise entry {entry + 1}"
    if not isinstance(name, str) or not name.strip():
        return f"exercise entry {entry + 1}"
    return " ".join(name.split())[:60] + (f", day {day}" if isinstance(day, int) else "")


def _from_label(label: str) -> tuple[str, str]:
    """("Back Squat day 1, week 2, set 2, target_rpe") → ("Back Squat, day 1, week 2, set 2",
    "target RPE")."""
    parts = [p.strip() for p in label.split(", ")]
    value = _VALUE_NAMES.get(parts[-1], "") if parts and parts[-1] in SET_FIELDS else ""
    if value:
        parts = parts[:-1]
    text = ", ".join(parts)
    named = _NAMED_DAY.match(text)
    if named:
        text = f"{named['name']}, day {named['day']}{named['rest']}"
    return text, value


def _place(path: str, label: str, data: Any) -> tuple[str, str]:
    """Where, in words, and which value — from the label when there is one, else the path."""
    entry = _ENTRY.search(path)
    where, value = _from_label(label) if label else ("", "")
    if entry is not None:
        e, p = int(entry[1]), entry[2]
        where = where or _entry_words(data, e)
        if p is not None and "week" not in where:
            weeks = _weeks(data, e, int(p))
            where = f"{where}, {weeks}" if weeks else where
    if not where:
        field = path.rsplit(".", 1)[-1].split("[", 1)[0].replace("_", " ")
        where = "the reasoning" if field == "reasoning" else f"the program's {field}"
    return where, value


def for_the_coach(problem: str, data: Any = None) -> str:
    """One problem of an answer as a sentence naming the exercise, day and week."""
    located = _LOCATED.match(problem)
    if located is None:
        return problem
    path, label, message = located["path"], located["label"] or "", located["message"].strip()
    if ", program" in path:  # several entries: "“Gizmo Lift” is not in the exercise catalog"
        return message[:1].upper() + message[1:] + (f" ({label})" if label else "")
    where, value = _place(path, label, data)
    what = path.rsplit(".", 1)[-1].split("[", 1)[0].replace("_", " ") if not value else ""
    said = _plain(message, what if what in {"sets", "plan", "exercises", "weeks"} else "")
    if value:
        return f"{where} ({value}): {said}"
    if where.startswith("the ") and said.startswith(("is ", "has ")):
        return f"{where[:1].upper()}{where[1:]} {said}"  # "The reasoning is required"
    return f"{where}: {said}"
