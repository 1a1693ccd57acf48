"""The one row model every history format is parsed into, and the lenient readers they share.

Parsers are pure (no database): text in, `ParsedHistory` out. A problem names its row (the line
of the file, 1 = the header of a CSV) and its column, in the coach's words.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

Format = Literal["strong", "hevy", "replog"]
FORMATS: tuple[Format, ...] = ("strong", "hevy", "replog")
Unit = Literal["kg", "lbs"]
Kind = Literal["normal", "warmup", "failure", "drop"]
MAX_FILE_BYTES = 10 * 1024 * 1024
KG_PER_LB = Decimal("0.45359237")
MAX_NUMBER = 100_000  # above any weight, rep count, second count or set number a log holds
METRES = {"m": 1, "km": 1000, "mi": 1609.344, "miles": 1609.344, "mile": 1609.344, "ft": 0.3048}


class HistoryFileError(Exception):
    """The file cannot be read at all (wrong format, too big, not text); nothing was parsed."""


@dataclass(frozen=True)
class Problem:
    row: int  # the file's line (CSV) or item number (JSON); 0 = the whole file
    column: str
    message: str

    def __str__(self) -> str:
        if not self.row:  # a JSON file names its place by path
            return f"{self.column}: {self.message}" if self.column else self.message
        col = f", column {self.column}" if self.column else ""
        return f"row {self.row}{col}: {self.message}"


@dataclass
class HistoryRow:
    """One logged set. Weights stay in the file's unit here; the import converts them."""

    row: int
    date: dt.date
    workout: str  # the source's name of the workout, or "" (identifies it with `time`)
    exercise: str
    time: str = ""  # the workout's start as written ("08:30"), part of its identity
    set_number: int | None = None
    kind: Kind = "normal"
    reps: int | None = None
    rep_type: str = "reps"
    weight: Decimal | None = None
    unit: Unit = "lbs"
    duration_seconds: int | None = None
    rpe: Decimal | None = None
    is_amrap: bool = False
    notes: str = ""
    workout_notes: str = ""

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["date"] = self.date.isoformat()
        for key in ("weight", "rpe"):
            data[key] = None if data[key] is None else str(data[key])
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> HistoryRow:
        values = dict(data)
        values["date"] = dt.date.fromisoformat(values["date"])
        for key in ("weight", "rpe"):
            values[key] = None if values.get(key) is None else Decimal(values[key])
        return cls(**values)


@dataclass
class ParsedHistory:
    format: Format
    rows: list[HistoryRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # errors: nothing may be imported
    warnings: list[Problem] = field(default_factory=list)
    skipped: int = 0  # rows that are not sets (Strong's rest timers)
    # RepLog JSON only: what is not a set (reviews, training maxes, declared exercises, …).
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "rows": [r.as_dict() for r in self.rows],
            "problems": [asdict(p) for p in self.problems],
            "warnings": [asdict(p) for p in self.warnings],
            "skipped": self.skipped,
            "extra": self.extra,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ParsedHistory:
        return cls(
            format=data["format"],
            rows=[HistoryRow.from_dict(r) for r in data.get("rows", [])],
            problems=[Problem(**p) for p in data.get("problems", [])],
            warnings=[Problem(**p) for p in data.get("warnings", [])],
            skipped=int(data.get("skipped", 0)),
            extra=dict(data.get("extra", {})),
        )


class CellError(ValueError):
    """A cell that cannot be read; the parser adds the row and column."""


# --- lenient readers ---------------------------------------------------------------------------


def decode(raw: bytes | str) -> str:
    if isinstance(raw, str):
        text = raw
    else:
        if len(raw) > MAX_FILE_BYTES:
            raise HistoryFileError(
                f"The file is {len(raw) / 1_048_576:.1f} MB; the limit is "
                f"{MAX_FILE_BYTES // 1_048_576} MB. Export a shorter period."
            )
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise HistoryFileError(
                "The file is not UTF-8 text: upload the CSV or JSON file exactly as the app "
                "exported it."
            ) from None
    if len(text) > MAX_FILE_BYTES:
        raise HistoryFileError(f"The file is over {MAX_FILE_BYTES // 1_048_576} MB.")
    return text.lstrip("\ufeff")


def header_key(name: str) -> str:
    """'Weight (kg)' → 'weight_kg', ' Set Order ' → 'set_order'."""
    return "_".join(re.sub(r"[^a-z0-9]+", " ", name.casefold()).split())


def number(text: str) -> Decimal | None:
    text = text.strip().replace("\u202f", "").replace(" ", "")
    if not text:
        return None
    if "," in text and "." not in text:
        text = text.replace(",", ".")  # a decimal comma ("82,5") from a European export
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise CellError(f"{text!r} is not a number") from None
    if not value.is_finite():
        raise CellError(f"{text!r} is not a number")
    if value < 0:
        raise CellError(f"{text!r} is negative")
    if value > MAX_NUMBER:
        raise CellError(f"{text!r} is too large")
    return value


def whole(text: str) -> int | None:
    """Reps written as "5" or "5.0"; "5.5" is refused rather than rounded."""
    value = number(text)
    if value is None:
        return None
    if value != value.to_integral_value():
        raise CellError(f"{text.strip()!r} is not a whole number")
    return int(value)


def rpe(text: str) -> Decimal | None:
    value = number(text)
    if value is None or value == 0:
        return None  # Strong writes 0 / empty for "no RPE"
    if not Decimal(1) <= value <= Decimal(10):
        raise CellError(f"RPE {text.strip()} is outside 1–10")
    return value.quantize(Decimal("0.1"))


_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(h|hr|hrs|hours?|m|min|mins|minutes?|s|sec|secs)\b")


def duration(text: str) -> int | None:
    """Seconds from "1h 5m", "38min", "45s", "1:05:00", "90" (seconds)."""
    text = text.strip().casefold()
    if not text:
        return None
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return int(Decimal(text))
    if re.fullmatch(r"\d+(:\d{1,2}){1,2}", text):
        seconds = 0
        for part in text.split(":"):
            seconds = seconds * 60 + int(part)
        return seconds
    parts = _DURATION_PART.findall(text)
    if not parts or _DURATION_PART.sub("", text).strip():
        raise CellError(f"{text!r} is not a duration (like 1h 5m, 38min or 1:05:00)")
    scale = {"h": 3600, "m": 60, "s": 1}
    return int(sum(Decimal(n) * scale[u[0]] for n, u in parts))


def metres(value: Decimal | None, unit: str) -> int | None:
    if value is None or value == 0:
        return None
    factor = METRES.get(unit.strip().casefold())
    if factor is None:
        raise CellError(f"distance unit {unit!r} is not one of m, km, mi")
    distance = round(float(value) * factor)
    if distance > MAX_NUMBER * 10:
        raise CellError(f"{value} {unit} is too far for one set")
    return distance


def unit_of(text: str, *, column: str = "unit") -> Unit:
    key = text.strip().casefold()
    if key in ("kg", "kgs", "kilograms"):
        return "kg"
    if key in ("lb", "lbs", "pounds"):
        return "lbs"
    raise CellError(f"{column} {text!r} is neither kg nor lbs")


def convert(weight: Decimal | None, source: Unit, target: Unit) -> Decimal | None:
    """A weight in the installation's unit, to 2 decimals (the column's precision)."""
    if weight is None:
        return None
    if source != target:
        weight = weight * KG_PER_LB if target == "kg" else weight / KG_PER_LB
    return weight.quantize(Decimal("0.01"))


_WHEN_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %I:%M:%S %p",
    "%Y-%m-%d %I:%M %p",
    "%d %b %Y, %H:%M",
    "%d %b %Y, %I:%M %p",
    "%d %B %Y, %H:%M",
    "%b %d, %Y, %I:%M %p",
    "%b %d, %Y, %H:%M",
    "%b %d, %Y %I:%M %p",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y, %H:%M",
    "%Y-%m-%d",
)


def when(text: str) -> tuple[dt.date, str]:
    """The date and start time ("HH:MM") of a workout as the apps write it: ISO, 12-hour with
    a narrow no-break space before AM/PM (iOS), "15 Sep 2025, 07:48" (Hevy)."""
    clean = " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())
    clean = re.sub(r"(?i)\b([ap])\.?m\.?$", lambda m: m.group(1).upper() + "M", clean)
    for fmt in _WHEN_FORMATS:
        try:
            moment = dt.datetime.strptime(clean, fmt)
        except ValueError:
            continue
        return moment.date(), ("" if fmt == "%Y-%m-%d" else moment.strftime("%H:%M"))
    try:
        moment = dt.datetime.fromisoformat(clean)
    except ValueError:
        raise CellError(f"{text.strip()!r} is not a date and time this importer knows") from None
    return moment.date(), moment.strftime("%H:%M")


def measure(reps: int | None, seconds: int | None, distance: int | None) -> tuple[str, int | None]:
    """(rep_type, count) of a set: a distance set counts metres, a timed set without reps counts
    seconds (both keep their time in duration_seconds), anything else counts reps."""
    if distance:
        return "distance", distance
    if seconds and not reps:
        return "seconds", seconds
    return "reps", reps


def identity(date: dt.date, time: str, workout: str) -> str:
    """A source workout's fingerprint: its date, start time and name."""
    return hashlib.sha1(f"{date}|{time}|{workout}".encode(), usedforsecurity=False).hexdigest()
