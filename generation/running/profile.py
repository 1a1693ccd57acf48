"""The athlete's running profile from their logged runs: read in one query, computed purely."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

MIN_WEEKS = 4
MAX_WEEKS = 8
# A week of running counts as consistent at this share of the counted weeks with a run.
CONSISTENT_SHARE = 0.75
EASY_WORDS = ("easy", "recovery", "jog")


@dataclass(frozen=True)
class LoggedRun:
    date: dt.date
    metres: int
    seconds: int | None = None
    easy: bool = False

    @property
    def pace_s_per_km(self) -> float | None:
        if not self.seconds or self.metres <= 0:
            return None
        return self.seconds / (self.metres / 1000)


@dataclass(frozen=True)
class RunProfile:
    weekly_km: float
    runs_per_week: float
    longest_km: float
    easy_pace_s_per_km: float | None
    consistency: float  # share of counted weeks with at least one run
    weeks_counted: int
    injury_flags: tuple[str, ...] = ()

    @property
    def consistent(self) -> bool:
        return self.consistency >= CONSISTENT_SHARE

    def as_dict(self) -> dict[str, Any]:
        return {
            "weekly_km": self.weekly_km,
            "runs_per_week": self.runs_per_week,
            "longest_km": self.longest_km,
            "easy_pace_s_per_km": self.easy_pace_s_per_km,
            "consistency": self.consistency,
            "weeks_counted": self.weeks_counted,
            "injury_flags": list(self.injury_flags),
        }


def logged_runs(athlete_id: int, *, today: dt.date, weeks: int = MAX_WEEKS) -> list[LoggedRun]:
    """The athlete's runs in the last `weeks` weeks, in one query."""
    from athletes.models import WorkoutSet
    from athletes.runs import run_filter

    since = _week_start(today) - dt.timedelta(weeks=weeks)
    rows = (
        WorkoutSet.objects.filter(run_filter(), workout__athlete_id=athlete_id, reps__gt=0)
        .filter(workout__date__gte=since, workout__date__lte=today)
        .exclude(kind="warmup")
        .values_list("workout__date", "reps", "duration_seconds", "exercise__name", "notes")
    )
    return [
        LoggedRun(date=d, metres=int(m or 0), seconds=s, easy=is_easy(f"{name} {notes}"))
        for d, m, s, name, notes in rows
    ]


def is_easy(text: str) -> bool:
    lowered = text.lower()
    return any(word in lowered for word in EASY_WORDS)


def _week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def build_profile(
    runs: Sequence[LoggedRun], *, today: dt.date, injury_flags: Iterable[str] = ()
) -> RunProfile:
    """Averages over the last 4–8 complete weeks (as many as the log reaches back), weeks
    without a run counted as zero."""
    this_week = _week_start(today)
    past = [r for r in runs if r.date < this_week]
    weeks = _weeks_counted(past, this_week)
    by_week: dict[int, list[LoggedRun]] = {}
    for run in past:
        index = (this_week - _week_start(run.date)).days // 7
        if 1 <= index <= weeks:
            by_week.setdefault(index, []).append(run)
    counted = [r for rs in by_week.values() for r in rs]
    total_km = sum(r.metres for r in counted) / 1000
    return RunProfile(
        weekly_km=round(total_km / weeks, 1),
        runs_per_week=round(len(counted) / weeks, 1),
        longest_km=round(max((r.metres for r in counted), default=0) / 1000, 1),
        easy_pace_s_per_km=easy_pace(counted),
        consistency=round(len(by_week) / weeks, 2),
        weeks_counted=weeks,
        injury_flags=tuple(injury_flags),
    )


def _weeks_counted(runs: Sequence[LoggedRun], this_week: dt.date) -> int:
    if not runs:
        return MIN_WEEKS
    oldest = min(r.date for r in runs)
    reach = (this_week - _week_start(oldest)).days // 7
    return max(MIN_WEEKS, min(MAX_WEEKS, reach))


def easy_pace(runs: Sequence[LoggedRun]) -> float | None:
    """Seconds per km of the runs logged as easy; without any, the slower half of all paces."""
    easy = [p for r in runs if r.easy and (p := r.pace_s_per_km)]
    if not easy:
        paces = sorted(p for r in runs if (p := r.pace_s_per_km))
        easy = paces[len(paces) // 2 :]
    if not easy:
        return None
    return round(sum(easy) / len(easy), 1)
