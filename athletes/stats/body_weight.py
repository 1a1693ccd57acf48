"""Body weight: its trend per month and the weekly series the chart draws."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from athletes.stats.maths import classify, least_squares_slope, monday
from athletes.stats.rows import DatedValue
from athletes.stats.thresholds import (
    BODY_WEIGHT_MIN_SPAN_DAYS,
    BODY_WEIGHT_RAPID_PCT,
    BODY_WEIGHT_STABLE_PCT,
    BODY_WEIGHT_TREND_DAYS,
    DAYS_PER_MONTH,
    MIN_TREND_POINTS,
    Direction,
)


@dataclass(frozen=True)
class BodyWeightTrend:
    direction: Direction
    per_month: float | None
    pct_per_month: float | None
    points: int
    rapid: bool = False
    fitted: tuple[DatedValue, DatedValue] | None = None  # ends of the fitted line, for charts


def body_weight_trend(
    points: Sequence[DatedValue],
    *,
    today: dt.date,
    days: int = BODY_WEIGHT_TREND_DAYS,
    rapid_pct: float = BODY_WEIGHT_RAPID_PCT,
) -> BodyWeightTrend:
    """Least-squares slope of the measurements of the last `days` days, per month and as % of
    the mean body weight per month; rapid when the % exceeds `rapid_pct`."""
    recent = [p for p in points if today - dt.timedelta(days=days) <= p.date <= today]
    span = (recent[-1].date - recent[0].date).days if recent else 0
    if len(recent) < MIN_TREND_POINTS or span < BODY_WEIGHT_MIN_SPAN_DAYS:
        return BodyWeightTrend(Direction.INSUFFICIENT, None, None, len(recent))
    per_day = least_squares_slope(
        [p.value for p in recent], [float(p.date.toordinal()) for p in recent]
    )
    assert per_day is not None
    per_month = per_day * DAYS_PER_MONTH
    mean = sum(p.value for p in recent) / len(recent)
    mean_day = sum(p.date.toordinal() for p in recent) / len(recent)

    def at(day: dt.date) -> DatedValue:
        return DatedValue(day, mean + per_day * (day.toordinal() - mean_day))

    pct = per_month / mean * 100
    return BodyWeightTrend(
        classify(pct, BODY_WEIGHT_STABLE_PCT),
        per_month,
        pct,
        len(recent),
        abs(pct) > rapid_pct,
        (at(recent[0].date), at(recent[-1].date)),
    )


def weekly_last(points: Sequence[DatedValue], *, weeks: int, today: dt.date) -> list[DatedValue]:
    """The last measurement of each week, for the last `weeks` weeks."""
    first = monday(today) - dt.timedelta(weeks=weeks - 1)
    last_of_week: dict[dt.date, DatedValue] = {}
    for p in points:
        if p.date >= first:
            last_of_week[monday(p.date)] = p
    return [last_of_week[k] for k in sorted(last_of_week)]
