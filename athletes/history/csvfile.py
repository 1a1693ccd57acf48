"""Reading an exported CSV liberally: BOM, CRLF, comma or semicolon, header case and spacing."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, TypeVar

from athletes.history.rows import (
    CellError,
    HistoryFileError,
    HistoryRow,
    Kind,
    ParsedHistory,
    Problem,
    Unit,
    header_key,
    measure,
    rpe,
    when,
    whole,
)

T = TypeVar("T")


@dataclass
class Record:
    line: int
    cells: dict[str, str]
    problems: list[Problem]

    def get(self, *keys: str) -> str:
        for key in keys:
            value = self.cells.get(key)
            if value is not None:
                return value.strip()
        return ""

    def read(self, column: str, reader: Callable[[str], T], *keys: str) -> T | None:
        """The cell read by `reader`; a bad cell becomes a problem naming row and column."""
        try:
            return reader(self.get(*(keys or (header_key(column),))))
        except CellError as exc:
            self.problems.append(Problem(self.line, column, str(exc)))
            return None


def delimiter(first_line: str) -> str:
    return ";" if first_line.count(";") > first_line.count(",") else ","


def header(text: str) -> list[str]:
    first = text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""
    row = next(csv.reader([first], delimiter=delimiter(first)), [])
    return [header_key(cell) for cell in row]


def records(text: str, required: tuple[str, ...], what: str) -> Iterator[Record]:
    """Each data row with its line number; raises HistoryFileError when a required column is
    missing (the file is not this format's export)."""
    stream = io.StringIO(text.lstrip("\ufeff"), newline="")
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    reader = csv.reader(stream, delimiter=delimiter(first))
    try:
        names = [header_key(cell) for cell in next(reader)]
    except StopIteration:
        raise HistoryFileError("The file is empty.") from None
    missing = [column for column in required if column not in names]
    if missing:
        raise HistoryFileError(
            f"This is not a {what} export: the header has no column "
            + ", ".join(repr(m) for m in missing)
        )
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            yield Record(reader.line_num, dict(zip(names, cells, strict=False)), [])
    except csv.Error as exc:
        raise HistoryFileError(f"Row {reader.line_num}: the CSV is malformed ({exc}).") from None


def collect(
    result: ParsedHistory,
    rows: Iterator[Record],
    build: Callable[[Record], HistoryRow | Literal[False] | None],
) -> ParsedHistory:
    """Run `build` on every record: its problems are errors; False is a row that is no set by
    design (a rest timer), counted; any other row that is no set is a warning, never dropped
    silently."""
    for rec in rows:
        row = build(rec)
        result.problems += rec.problems
        if row is False:
            result.skipped += 1
        elif row is not None:
            result.rows.append(row)
        elif not rec.problems:
            result.warnings.append(
                Problem(rec.line, "Reps", "no reps, time or distance: not imported as a set")
            )
    return result


@dataclass(frozen=True)
class Layout:
    """A format's column labels (as its header writes them) for what every set has."""

    when: str
    exercise: str
    workout: str
    reps: str
    seconds: str
    rpe: str
    notes: str
    workout_notes: str
    seconds_reader: Callable[[str], int | None] = whole


def set_row(
    rec: Record,
    layout: Layout,
    *,
    number: int | None,
    kind: Kind | None,
    weight: tuple[Decimal | None, Unit],
    distance: int | None,
) -> HistoryRow | None:
    """The row's set, or None: with problems recorded on `rec`, or none when nothing was
    logged (no reps, time or distance)."""
    moment = rec.read(layout.when, when)
    exercise = " ".join(rec.get(header_key(layout.exercise)).split())
    if not exercise:
        rec.problems.append(Problem(rec.line, layout.exercise, "is empty"))
    reps = rec.read(layout.reps, whole)
    seconds = rec.read(layout.seconds, layout.seconds_reader)
    rpe_value = rec.read(layout.rpe, rpe)
    if moment is None or kind is None or not exercise or rec.problems:
        return None
    rep_type, count = measure(reps, seconds, distance)
    if not count:
        return None
    return HistoryRow(
        row=rec.line,
        date=moment[0],
        time=moment[1],
        workout=rec.get(header_key(layout.workout)),
        exercise=exercise,
        set_number=number,
        kind=kind,
        reps=count,
        rep_type=rep_type,
        weight=weight[0],
        unit=weight[1],
        duration_seconds=seconds or None,
        rpe=rpe_value,
        notes=rec.get(header_key(layout.notes)),
        workout_notes=rec.get(header_key(layout.workout_notes)),
    )
