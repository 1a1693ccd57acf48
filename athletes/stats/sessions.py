"""Per-exercise figures: volume, sessions as a coach writes them, AMRAPs, plateaus."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

from athletes.stats.maths import epley_1rm, fmt_num, monday, rpe_trend
from athletes.stats.rows import SetRow, TrainingMaxRow
from athletes.stats.thresholds import (
    PLATEAU_SESSIONS,
    RPE_TREND_THRESHOLD,
    VOLUME_TREND_WEEKS,
    Direction,
)
from programs.models import RepType


@dataclass(frozen=True)
class Volume:
    sets: int = 0
    reps: int = 0
    tonnage: float = 0.0
    seconds: int = 0
    distance_m: int = 0

    def __add__(self, other: Volume) -> Volume:
        return Volume(
            self.sets + other.sets,
            self.reps + other.reps,
            self.tonnage + other.tonnage,
            self.seconds + other.seconds,
            self.distance_m + other.distance_m,
        )

    @property
    def main_measure(self) -> float:
        """The one number a trend follows: tonnage when loaded, else reps, time or distance."""
        return self.tonnage or self.reps or self.seconds or self.distance_m or 0.0


def set_volume(s: SetRow) -> Volume:
    n = s.reps or 0
    if s.rep_type == RepType.SECONDS:
        return Volume(sets=1, seconds=n)
    if s.rep_type == RepType.DISTANCE:
        return Volume(sets=1, distance_m=n)
    reps = n * (2 if s.rep_type == RepType.EACH_SIDE else 1)
    return Volume(sets=1, reps=reps, tonnage=reps * (s.weight or 0.0))


_UNIT_SUFFIX = {RepType.SECONDS: "s", RepType.DISTANCE: "m", RepType.EACH_SIDE: "/side"}


def _unit_suffix(rep_type: str) -> str:
    return _UNIT_SUFFIX.get(rep_type, "")  # type: ignore[call-overload]


def format_sets(sets: Iterable[SetRow]) -> str:
    """Sets as a coach writes them: "3×5@135, 1×8@155 AMRAP", a ramp as "3×2@80/90/95",
    "2×30s"."""
    runs: list[list[SetRow]] = []
    for s in sets:
        last = runs[-1][-1] if runs else None
        if (
            last is not None
            and (s.reps, s.rep_type, s.is_amrap) == (last.reps, last.rep_type, last.is_amrap)
            and bool(s.weight) == bool(last.weight)
        ):
            runs[-1].append(s)
        else:
            runs.append([s])
    parts = []
    for run in runs:
        first = run[0]
        text = f"{len(run)}×{first.reps if first.reps is not None else '?'}"
        text += _unit_suffix(first.rep_type)
        weights = [fmt_num(s.weight) for s in run if s.weight]
        if weights:
            text += "@" + (weights[0] if len(set(weights)) == 1 else "/".join(weights))
        if first.is_amrap:
            text += " AMRAP"
        parts.append(text)
    return ", ".join(parts)


@dataclass(frozen=True)
class Session:
    """One exercise in one workout. Its figures are computed once (cached_property): a packet
    reads them for every step of its budget ladder."""

    date: dt.date
    workout_id: int
    sets: tuple[SetRow, ...]

    @cached_property
    def avg_rpe(self) -> float | None:
        values = [s.rpe for s in self.sets if s.rpe is not None]
        return sum(values) / len(values) if values else None

    @cached_property
    def top_weight(self) -> float | None:
        values = [s.weight for s in self.sets if s.weight is not None]
        return max(values) if values else None

    @cached_property
    def best_set(self) -> SetRow:
        return max(self.sets, key=lambda s: (s.weight or 0.0, s.reps or 0))

    @cached_property
    def volume(self) -> Volume:
        # The sum of set_volume over the sets, in the same order (so the same floats), without
        # a Volume object per set: every session of months of history is summed.
        sets = reps = seconds = distance_m = 0
        tonnage = 0.0
        for s in self.sets:
            n = s.reps or 0
            sets += 1
            if s.rep_type == RepType.SECONDS:
                seconds += n
            elif s.rep_type == RepType.DISTANCE:
                distance_m += n
            else:
                counted = n * (2 if s.rep_type == RepType.EACH_SIDE else 1)
                reps += counted
                tonnage += counted * (s.weight or 0.0)
        return Volume(sets, reps, tonnage, seconds, distance_m)

    @cached_property
    def summary(self) -> str:
        return format_sets(self.sets)


@dataclass(frozen=True)
class AmrapResult:
    date: dt.date
    weight: float
    reps: int
    e1rm: float


def amrap_results(sessions: Sequence[Session]) -> tuple[AmrapResult | None, AmrapResult | None]:
    """(best by estimated 1RM, most recent) over loaded AMRAP sets with reps."""
    results = [
        AmrapResult(session.date, s.weight, s.reps, epley_1rm(s.weight, s.reps))
        for session in sessions
        for s in session.sets
        if s.is_amrap and s.reps and s.weight
    ]
    if not results:
        return None, None
    best = max(results, key=lambda r: (r.e1rm, r.date))
    return best, results[-1]


def tm_on(tms: Sequence[TrainingMaxRow], day: dt.date) -> float | None:
    """The training max in effect on `day` (tms oldest first)."""
    current = None
    for tm in tms:
        if tm.date > day:
            break
        current = tm.weight
    return current


@dataclass(frozen=True)
class Plateau:
    flagged: bool
    reason: str


def plateau(
    sessions: Sequence[Session],
    tms: Sequence[TrainingMaxRow],
    *,
    k: int = PLATEAU_SESSIONS,
    threshold: float = RPE_TREND_THRESHOLD,
) -> Plateau:
    """TM (or, without a TM, the top working weight) unchanged since the first of the last k
    sessions while their RPE rose. `tms` oldest first, none later than today."""
    rated = [s for s in sessions if s.avg_rpe is not None]
    if len(rated) < k:
        return Plateau(False, f"fewer than {k} sessions with RPE")
    window = rated[-k:]
    first = window[0]
    if tms:
        start, current = tm_on(tms, first.date), tms[-1].weight
        if start is None:
            return Plateau(False, "no training max for the whole window")
        # Any change since the window began (raised, or reset by the coach) is not flat.
        flat = current == start
        what, load = "TM", f"TM {fmt_num(current)}"
    else:
        tops = [s.top_weight or 0.0 for s in window]
        flat = max(tops) <= tops[0]
        what, load = "top weight", f"top weight {fmt_num(tops[0])}"
    trend = rpe_trend(
        [s.avg_rpe for s in window if s.avg_rpe is not None], sessions=k, threshold=threshold
    )
    if not flat:
        return Plateau(False, f"{what} changed within the last {k} sessions")
    if trend.direction is not Direction.RISING:
        return Plateau(False, f"RPE {trend.direction} over the last {k} sessions")
    return Plateau(
        True,
        f"{load} unchanged over the last {k} sessions (from {first.date.isoformat()}) while "
        f"RPE rose {trend.slope:+.2f}/session",
    )


def weekly_volume(
    sessions: Sequence[Session], *, today: dt.date, weeks: int = VOLUME_TREND_WEEKS
) -> list[tuple[dt.date, Volume]]:
    """Volume of the last `weeks` complete weeks, starting no earlier than the first session's
    week (zero weeks after it count: a skipped week is a real drop)."""
    if not sessions:
        return []
    first_week = max(monday(sessions[0].date), monday(today) - dt.timedelta(weeks=weeks))
    by_week: dict[dt.date, Volume] = defaultdict(Volume)
    for s in sessions:
        by_week[monday(s.date)] += s.volume
    out = []
    start = first_week
    while start < monday(today):
        out.append((start, by_week.get(start, Volume())))
        start += dt.timedelta(weeks=1)
    return out
