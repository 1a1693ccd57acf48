"""The preview's calendar of weeks, read from the run's current catalog (so the coach's edits
show): a row per week with its type, total and notes, a cell per weekday."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from generation.running.plan import WEEKDAY_LABELS, PlanError, plan_settings
from generation.running.to_catalog import weekday_of_notes


@dataclass
class Cell:
    weekday: str
    date: dt.date
    workout: str = ""  # the exercise: Easy Run, Long Run, …; empty on a rest day
    metres: int = 0
    text: str = ""


@dataclass
class CalendarWeek:
    number: int
    week_type: str
    coach_notes: str
    cells: list[Cell] = field(default_factory=list)

    @property
    def total_m(self) -> int:
        return sum(c.metres for c in self.cells)


def running_calendar(run: Any) -> list[CalendarWeek] | None:
    """None for a run that is not a running plan (or whose catalog is not readable)."""
    running = (run.request or {}).get("running")
    catalog = run.current_catalog
    if not running or not catalog or not catalog.get("programs"):
        return None
    try:
        settings = plan_settings(running["settings"])
    except PlanError:
        return None
    program = catalog["programs"][0]
    notes = {int(w.get("week", 0)): w for w in program.get("weeks") or []}
    weeks = []
    for number in range(1, int(program.get("num_weeks", 0)) + 1):
        info = notes.get(number, {})
        week = CalendarWeek(
            number, str(info.get("week_type") or ""), str(info.get("coach_notes") or "")
        )
        week.cells = [Cell(WEEKDAY_LABELS[d], settings.date_of(number, d)) for d in range(7)]
        for row in program.get("prescribed_sets", []):
            if row.get("week") == number:
                _place(week, row)
        weeks.append(week)
    return weeks


def _place(week: CalendarWeek, row: dict[str, Any]) -> None:
    text = str(row.get("notes") or "")
    weekday = weekday_of_notes(text)
    if weekday is None:
        return
    cell = week.cells[weekday]
    cell.workout = str(row.get("exercise", ""))
    cell.metres += int(row.get("reps") or 0) if row.get("rep_type") == "distance" else 0
    cell.text = text.split(" · ", 1)[-1]
