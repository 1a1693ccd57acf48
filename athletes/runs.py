"""Logged runs (distance sets of a running exercise): the weekly distance and pace trend charts
of the athlete page, in one query, in the installation's distance unit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from athletes.charts import Bar, Chart, Dot, Path, Scale, Tick, _date_ticks, _frame, _points
from athletes.models import Athlete, WorkoutSet
from athletes.units import distance_unit, format_pace_per_km, to_unit

CHART_WEEKS = 12


def run_filter(prefix: str = "") -> Q:
    """Which logged sets are runs: distance sets of a running exercise."""
    return Q(**{f"{prefix}rep_type": "distance"}) & (
        Q(**{f"{prefix}exercise__movement_pattern": "run"})
        | Q(**{f"{prefix}exercise__name__icontains": "run"})
    )


def is_run(name: str, pattern: str, rep_type: str) -> bool:
    """run_filter() for a row already loaded."""
    return rep_type == "distance" and (pattern == "run" or "run" in name.casefold())


@dataclass(frozen=True)
class RunPoint:
    date: dt.date
    metres: int
    seconds: int | None


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def recent_runs(athlete: Athlete, *, today: dt.date, weeks: int = CHART_WEEKS) -> list[RunPoint]:
    since = week_start(today) - dt.timedelta(weeks=weeks - 1)
    rows = (
        WorkoutSet.objects.filter(run_filter(), workout__athlete=athlete, reps__gt=0)
        .filter(workout__date__gte=since, workout__date__lte=today)
        .exclude(kind="warmup")
        .order_by("workout__date")
        .values_list("workout__date", "reps", "duration_seconds")
    )
    return [RunPoint(d, int(m or 0), s) for d, m, s in rows]


def weekly_metres(
    runs: Sequence[RunPoint], *, today: dt.date, weeks: int = CHART_WEEKS
) -> list[tuple[dt.date, int]]:
    """(Monday, metres) for each of the last `weeks` weeks, this one included; empty weeks 0."""
    first = week_start(today) - dt.timedelta(weeks=weeks - 1)
    totals = {first + dt.timedelta(weeks=i): 0 for i in range(weeks)}
    for run in runs:
        totals[week_start(run.date)] = totals.get(week_start(run.date), 0) + run.metres
    return sorted(totals.items())


def weekly_distance_chart(weeks: list[tuple[dt.date, int]], *, unit: str, key: str) -> Chart | None:
    if not any(m for _, m in weeks):
        return None
    values = [to_unit(m, unit) for _, m in weeks]
    chart = Chart(
        id=f"{key}-run-distance",
        title=f"Weekly running distance ({unit})",
        description=f"Distance run each week for {len(weeks)} weeks from "
        f"{weeks[0][0].isoformat()}: " + ", ".join(f"{v:.1f}" for v in values) + f" {unit}.",
        legend=[("chart-bar-met", unit)],
    )
    y = _frame(chart, 0, max(values))
    slot = (chart.right - chart.left) / len(weeks)
    width = slot * 0.6
    for i, ((start, _), value) in enumerate(zip(weeks, values, strict=True)):
        x0 = round(chart.left + i * slot + (slot - width) / 2, 1)
        label = f"Week of {start.isoformat()}: {value:.1f} {unit}"
        chart.bars.append(
            Bar(x0, y(value), round(width, 1), round(y(0) - y(value), 1), "chart-bar-met", label)
        )
    chart.x_ticks = [
        Tick(round(chart.left + i * slot + slot / 2, 1), f"{start:%b} {start.day}")
        for i, (start, _) in enumerate(weeks)
        if i % 4 == 0 or i == len(weeks) - 1
    ]
    return chart


def pace_chart(runs: Sequence[RunPoint], *, unit: str, key: str) -> Chart | None:
    """Minutes per km (or mile) of each timed run; lower is faster."""
    timed = [(r.date, r.seconds / to_unit(r.metres, unit) / 60) for r in runs if r.seconds]
    if len(timed) < 2:
        return None
    chart = Chart(
        id=f"{key}-run-pace",
        title=f"Pace (min/{unit})",
        description=f"Pace of {len(timed)} timed runs from {timed[0][0].isoformat()} "
        f"({format_pace_per_km(timed[0][1] * 60 / to_unit(1000, unit), unit)}) to "
        f"{timed[-1][0].isoformat()} "
        f"({format_pace_per_km(timed[-1][1] * 60 / to_unit(1000, unit), unit)}).",
        legend=[("chart-line", "pace")],
    )
    paces = [p for _, p in timed]
    y = _frame(chart, min(paces) - 0.5, max(paces) + 0.5)
    first, last = timed[0][0], timed[-1][0]
    x = Scale(first.toordinal(), last.toordinal(), chart.left, chart.right)
    chart.paths = [
        Path(_points([(x(d.toordinal()), y(p)) for d, p in timed]), "chart-line", "Pace")
    ]
    chart.dots = [
        Dot(x(d.toordinal()), y(p), f"{d.isoformat()}: {p:.2f} min/{unit}") for d, p in timed
    ]
    chart.x_ticks = _date_ticks(x, first, last)
    return chart


def running_charts(
    athlete: Athlete, *, today: dt.date | None = None, unit: str | None = None
) -> list[Chart]:
    """The athlete page's running charts (none without logged runs): one query for the runs,
    and the unit setting's when `unit` is not given."""
    today = today or timezone.localdate()
    runs = recent_runs(athlete, today=today)
    unit = unit or distance_unit()
    key = f"athlete-{athlete.pk}"
    charts = [
        weekly_distance_chart(weekly_metres(runs, today=today), unit=unit, key=key),
        pace_chart(runs, unit=unit, key=key),
    ]
    return [c for c in charts if c is not None]
