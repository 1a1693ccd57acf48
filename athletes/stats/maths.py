"""Slopes, trends and the small formatting helpers every other module shares."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from athletes.stats.thresholds import (
    MIN_TREND_POINTS,
    RPE_TREND_SESSIONS,
    RPE_TREND_THRESHOLD,
    VOLUME_TREND_THRESHOLD_PCT,
    Direction,
)


def fmt_num(value: float) -> str:
    """135.0 → "135", 57.5 → "57.5", 56.25 → "56.25"."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def least_squares_slope(ys: Sequence[float], xs: Sequence[float] | None = None) -> float | None:
    n = len(ys)
    if n < 2:
        return None
    xv = list(xs) if xs is not None else [float(i) for i in range(n)]
    mx = sum(xv) / n
    my = sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xv)
    if sxx == 0:
        return None
    return sum((x - mx) * (y - my) for x, y in zip(xv, ys, strict=True)) / sxx


@dataclass(frozen=True)
class Trend:
    direction: Direction
    slope: float | None  # per session (RPE), % per week (volume)
    points: int
    intercept: float | None = None  # of the fitted line at index 0, for charts


def classify(slope: float | None, threshold: float) -> Direction:
    if slope is None:
        return Direction.INSUFFICIENT
    if slope >= threshold:
        return Direction.RISING
    if slope <= -threshold:
        return Direction.FALLING
    return Direction.STABLE


def rpe_trend(
    rpes: Sequence[float],
    *,
    sessions: int = RPE_TREND_SESSIONS,
    threshold: float = RPE_TREND_THRESHOLD,
) -> Trend:
    """Least-squares slope of per-session average RPE over the last `sessions` sessions."""
    ys = list(rpes)[-sessions:]
    if len(ys) < MIN_TREND_POINTS:
        return Trend(Direction.INSUFFICIENT, None, len(ys))
    slope = least_squares_slope(ys)
    assert slope is not None
    intercept = sum(ys) / len(ys) - slope * (len(ys) - 1) / 2
    return Trend(classify(slope, threshold), slope, len(ys), intercept)


def volume_trend(
    weekly: Sequence[float], *, threshold_pct: float = VOLUME_TREND_THRESHOLD_PCT
) -> Trend:
    """Slope of weekly volume as % of the mean weekly volume per week."""
    ys = list(weekly)
    mean = sum(ys) / len(ys) if ys else 0.0
    if len(ys) < MIN_TREND_POINTS or mean <= 0:
        return Trend(Direction.INSUFFICIENT, None, len(ys))
    slope = least_squares_slope(ys)
    assert slope is not None
    pct = slope / mean * 100
    return Trend(classify(pct, threshold_pct), pct, len(ys))


def epley_1rm(weight: float, reps: int) -> float:
    return weight * (1 + reps / 30)
