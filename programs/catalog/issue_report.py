"""Import problems as a coach reads them: what blocks the import first, in words; warnings
grouped by kind with a count, each place named ("program 4 “Month 3”, set 9"), not
`programs[3].prescribed_sets[8]`. Pure: no database."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from programs.catalog.parse import Issue
from replog.text import name_problem

_INDEX = re.compile(r"([a-z_]+)\[(\d+)\]")
_NOUNS = {
    "programs": "program",
    "prescribed_sets": "set",
    "progression_rules": "progression rule",
    "exercises": "exercise",
    "equipment": "equipment item",
    "weeks": "week entry",
}
_VARYING = re.compile(r"“[^”]*”|\"[^\"]*\"|'[^']*'|-?\d+(?:\.\d+)?")


def place(path: str, data: dict[str, Any] | None = None) -> str:
    """`programs[3].prescribed_sets[8].reps` → `program 4 “Month 3”, set 9, reps`."""
    parts: list[str] = []
    node: Any = data
    for piece in path.split("."):
        match = _INDEX.fullmatch(piece)
        if match is None:
            parts.append(piece.replace("_", " "))
            node = node.get(piece) if isinstance(node, dict) else None
            continue
        key, index = match.group(1), int(match.group(2))
        items = node.get(key) if isinstance(node, dict) else None
        node = items[index] if isinstance(items, list) and index < len(items) else None
        label = f"{_NOUNS.get(key, key.replace('_', ' '))} {index + 1}"
        name = node.get("name") if isinstance(node, dict) and key == "programs" else None
        # A name the parser refused (NUL, a lone surrogate, bidi controls) is not echoed back.
        shown = isinstance(name, str) and name and not name_problem(name)
        parts.append(f"{label} “{name}”" if shown else label)
    return ", ".join(parts)


_SET_FIELD = re.compile(r"^programs\[(\d+)\]\.prescribed_sets\[\d+\]\.(week|day)$")


def _program_hint(path: str, data: dict[str, Any] | None) -> str:
    """A set's week or day out of bounds, said against its program: "(the program has 3
    weeks)", which the bare bound (52, 7) does not tell."""
    match = _SET_FIELD.match(path)
    programs = data.get("programs") if isinstance(data, dict) else None
    if match is None or not isinstance(programs, list) or int(match.group(1)) >= len(programs):
        return ""
    program = programs[int(match.group(1))]
    key = "num_weeks" if match.group(2) == "week" else "num_days"
    count = program.get(key) if isinstance(program, dict) else None
    if not isinstance(count, int) or isinstance(count, bool):
        return ""
    unit = "week" if key == "num_weeks" else "training day"
    return f" (the program has {count} {unit}{'s' if count != 1 else ''})"


def _in_words(issue: Issue, data: dict[str, Any] | None) -> str:
    where = place(issue.path, data) if issue.path else ""
    message = issue.message[:1].upper() + issue.message[1:]
    said = "num_weeks" in issue.message or "num_days" in issue.message
    hint = _program_hint(issue.path, data) if issue.is_error and not said else ""
    return f"{where[:1].upper() + where[1:]}: {issue.message}{hint}" if where else message


def kind_of(issue: Issue) -> str:
    """The message with its names and numbers taken out: what warnings of one kind share."""
    return " ".join(_VARYING.sub("…", issue.message).split())


@dataclass
class WarningGroup:
    kind: str
    lines: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.lines)


@dataclass
class IssueReport:
    errors: list[str]
    warnings: list[WarningGroup]
    # The errors by kind, in the order first met: 30 fractions in one file read as one line
    # with its count, the places listed below it.
    error_groups: list[WarningGroup] = field(default_factory=list)

    @property
    def warning_count(self) -> int:
        return sum(g.count for g in self.warnings)


def _grouped(issues: Sequence[Issue], data: dict[str, Any] | None) -> list[WarningGroup]:
    groups: dict[str, WarningGroup] = {}
    for issue in issues:
        groups.setdefault(kind_of(issue), WarningGroup(kind_of(issue))).lines.append(
            _in_words(issue, data)
        )
    return list(groups.values())


def issue_report(issues: Sequence[Issue], data: dict[str, Any] | None = None) -> IssueReport:
    errors = [i for i in issues if i.is_error]
    warnings = _grouped([i for i in issues if not i.is_error], data)
    return IssueReport(
        errors=[_in_words(i, data) for i in errors],
        warnings=sorted(warnings, key=lambda g: (-g.count, g.kind)),
        error_groups=_grouped(errors, data),
    )


def names_from(raw: bytes | str) -> dict[str, Any] | None:
    """The file as plain JSON, only to name programs in the messages of a file that did not
    validate (the parser keeps no data then). Anything unreadable names nothing."""
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None
