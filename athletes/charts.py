"""Server-rendered SVG charts for the athlete page: training-max trajectory and RPE trend per
main lift, weekly adherence, body weight.

Python computes the geometry (viewBox coordinates, ticks, labels); templates/athletes/_charts.html
only draws it. The numbers come from athletes.stats, the same ones the generator is told, in a
constant number of queries.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils import timezone

from athletes import stats
from athletes.models import Athlete
from athletes.stats import AthleteStats, DatedValue, ExerciseStats, fmt_num
from athletes.stats.adherence import Adherence as AdherenceFigures
from settings_app.resolution import setting_str

WIDTH = 320
HEIGHT = 160
PAD_LEFT = 36
PAD_RIGHT = 10
PAD_TOP = 12
PAD_BOTTOM = 24
MAIN_LIFTS = 4
RPE_SESSIONS_SHOWN = 12


@dataclass(frozen=True)
class Tick:
    pos: float
    label: str


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    label: str
    css: str = "chart-dot"


@dataclass(frozen=True)
class Path:
    points: str  # "x,y x,y …" for a <polyline>
    css: str
    label: str


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    css: str
    label: str


@dataclass
class Chart:
    id: str
    title: str
    description: str
    paths: list[Path] = field(default_factory=list)
    dots: list[Dot] = field(default_factory=list)
    bars: list[Bar] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)  # (css class, label)
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def left(self) -> int:
        return PAD_LEFT

    @property
    def right(self) -> int:
        return self.width - PAD_RIGHT

    @property
    def top(self) -> int:
        return PAD_TOP

    @property
    def bottom(self) -> int:
        return self.height - PAD_BOTTOM

    @property
    def label_y(self) -> int:
        return self.height - 6


@dataclass
class Charts:
    training_max: list[Chart] = field(default_factory=list)
    rpe: list[Chart] = field(default_factory=list)
    adherence: Chart | None = None
    body_weight: Chart | None = None
    # The figures behind the adherence chart, for the page header: one definition everywhere.
    adherence_figures: AdherenceFigures | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.training_max or self.rpe or self.adherence or self.body_weight)


class Scale:
    """A linear map from a data domain onto a pixel range (a zero-width domain maps to the
    middle of the range)."""

    def __init__(self, d0: float, d1: float, r0: float, r1: float) -> None:
        self.d0, self.d1, self.r0, self.r1 = d0, d1, r0, r1

    def __call__(self, value: float) -> float:
        if self.d1 == self.d0:
            return round((self.r0 + self.r1) / 2, 1)
        return round(self.r0 + (value - self.d0) * (self.r1 - self.r0) / (self.d1 - self.d0), 1)


def nice_ticks(lo: float, hi: float, count: int = 4) -> list[float]:
    """Round tick values (steps of 1, 2, 2.5 or 5 × 10^k) covering [lo, hi]."""
    if hi <= lo:
        hi = lo + 1
    raw = (hi - lo) / max(1, count - 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    start = math.floor(lo / step) * step
    ticks = []
    value = start
    while value < hi + step / 2:
        ticks.append(round(value, 6))
        value += step
    return ticks


def _short(day: dt.date) -> str:
    return f"{day:%b} {day.day}"


def _points(pairs: Sequence[tuple[float, float]]) -> str:
    return " ".join(f"{fmt_num(x)},{fmt_num(y)}" for x, y in pairs)


def _frame(chart: Chart, y_lo: float, y_hi: float, count: int = 4) -> Scale:
    ticks = nice_ticks(y_lo, y_hi, count)
    y = Scale(ticks[0], ticks[-1], chart.bottom, chart.top)
    chart.y_ticks = [Tick(y(t), fmt_num(t)) for t in ticks]
    return y


def _date_ticks(x: Scale, first: dt.date, last: dt.date) -> list[Tick]:
    if first == last:
        return [Tick(x(first.toordinal()), _short(first))]
    middle = first + (last - first) / 2
    return [Tick(x(d.toordinal()), _short(d)) for d in (first, middle, last)]


def training_max_chart(e: ExerciseStats, *, unit: str, today: dt.date, key: str) -> Chart:
    tms = e.training_maxes
    first, last = tms[0], tms[-1]
    chart = Chart(
        id=f"{key}-tm-{e.exercise.id}",
        title=f"{e.exercise.name}: training max",
        description=(
            f"Training max {fmt_num(first.weight)} {unit} on {first.date.isoformat()}"
            + (
                f", {fmt_num(last.weight)} {unit} since {last.date.isoformat()}"
                f" ({len(tms)} changes)"
                if len(tms) > 1
                else ", unchanged"
            )
            + "."
        ),
    )
    end = max(today, last.date)
    x = Scale(first.date.toordinal(), end.toordinal(), chart.left, chart.right)
    weights = [t.weight for t in tms]
    y = _frame(chart, min(weights) * 0.95, max(weights) * 1.03)
    steps: list[tuple[float, float]] = []
    for i, tm in enumerate(tms):
        if i:
            steps.append((x(tm.date.toordinal()), y(tms[i - 1].weight)))
        steps.append((x(tm.date.toordinal()), y(tm.weight)))
    steps.append((x(end.toordinal()), y(last.weight)))
    chart.paths = [Path(_points(steps), "chart-line", "Training max")]
    chart.dots = [
        Dot(x(t.date.toordinal()), y(t.weight), f"{t.date.isoformat()}: {fmt_num(t.weight)} {unit}")
        for t in tms
    ]
    chart.x_ticks = _date_ticks(x, first.date, end)
    return chart


def rpe_chart(e: ExerciseStats, *, key: str) -> Chart:
    series = e.rpe_series[-RPE_SESSIONS_SHOWN:]
    trend = e.rpe
    if trend.slope is not None:
        words = f"{trend.direction} ({trend.slope:+.2f}/session over {trend.points} sessions)"
    else:
        words = str(trend.direction)
    chart = Chart(
        id=f"{key}-rpe-{e.exercise.id}",
        title=f"{e.exercise.name}: RPE per session",
        description=(
            f"Average RPE of the last {len(series)} sessions, from "
            f"{fmt_num(round(series[0][1], 1))} to {fmt_num(round(series[-1][1], 1))}; "
            f"trend {words}."
        ),
        legend=[("chart-dot", "session average"), ("chart-fit", "fitted trend")],
    )
    values = [v for _, v in series]
    y = _frame(chart, min(5.0, math.floor(min(values))), 10.0, 6)
    x = Scale(0, max(1, len(series) - 1), chart.left + 6, chart.right - 6)
    chart.dots = [
        Dot(x(i), y(v), f"{d.isoformat()}: RPE {fmt_num(round(v, 1))}")
        for i, (d, v) in enumerate(series)
    ]
    if trend.slope is not None and trend.intercept is not None:
        # The fit covers the last `trend.points` sessions, the right end of the series shown.
        i0 = len(series) - trend.points
        ends = [
            (i0, trend.intercept),
            (len(series) - 1, trend.intercept + trend.slope * (trend.points - 1)),
        ]
        chart.paths = [
            Path(_points([(x(i), y(v)) for i, v in ends]), "chart-fit", f"RPE trend: {words}")
        ]
    chart.x_ticks = [
        Tick(x(0), _short(series[0][0])),
        Tick(x(len(series) - 1), _short(series[-1][0])),
    ]
    return chart


def adherence_chart(s: AthleteStats, *, key: str) -> Chart | None:
    weeks = s.adherence.weeks
    if not any(w.prescribed or w.logged for w in weeks):
        return None
    rate = s.adherence.rate_pct
    prescribed = sum(w.prescribed for w in weeks)
    done = sum(min(w.logged, w.prescribed) for w in weeks)
    chart = Chart(
        id=f"{key}-adherence",
        title="Weekly adherence",
        description=(
            f"Sessions logged vs prescribed in the {len(weeks)} weeks from "
            f"{weeks[0].start.isoformat()}: {done} of {prescribed}"
            + (f" ({rate:.0f} %)" if rate is not None else "")
            + f"; {len(s.adherence.missed)} weeks below the prescription; current streak "
            f"{s.adherence.streak_weeks} weeks."
        ),
        legend=[
            ("chart-bar-met", "met"),
            ("chart-bar-missed", "missed"),
            ("chart-target", "prescribed"),
        ],
    )
    top = max(max(w.prescribed, w.logged) for w in weeks)
    y = _frame(chart, 0, max(top, 1), min(top + 1, 5) if top else 2)
    slot = (chart.right - chart.left) / len(weeks)
    width = slot * 0.6
    for i, w in enumerate(weeks):
        x0 = chart.left + i * slot + (slot - width) / 2
        label = f"Week of {w.start.isoformat()}: {w.logged} of {w.prescribed} sessions"
        if w.prescribed:
            chart.bars.append(
                Bar(
                    round(x0, 1),
                    y(w.prescribed),
                    round(width, 1),
                    round(y(0) - y(w.prescribed), 1),
                    "chart-target",
                    label,
                )
            )
        if w.logged:
            css = "chart-bar-met" if w.met is not False else "chart-bar-missed"
            chart.bars.append(
                Bar(
                    round(x0, 1),
                    y(w.logged),
                    round(width, 1),
                    round(y(0) - y(w.logged), 1),
                    css,
                    label,
                )
            )
    chart.x_ticks = [
        Tick(round(chart.left + i * slot + slot / 2, 1), _short(w.start))
        for i, w in enumerate(weeks)
        if i % 4 == 0 or i == len(weeks) - 1
    ]
    return chart


def body_weight_chart(s: AthleteStats, *, unit: str, key: str) -> Chart | None:
    series: list[DatedValue] = s.body_weight_series
    if not series:
        return None
    trend = s.body_weight
    words = str(trend.direction)
    if trend.per_month is not None and trend.pct_per_month is not None:
        words = f"{trend.per_month:+.1f} {unit}/month ({trend.pct_per_month:+.1f} %/month)" + (
            " — rapid change" if trend.rapid else ""
        )
    chart = Chart(
        id=f"{key}-bw",
        title="Body weight",
        description=(
            f"Body weight from {fmt_num(series[0].value)} {unit} on {series[0].date.isoformat()} "
            f"to {fmt_num(series[-1].value)} {unit} on {series[-1].date.isoformat()}; "
            f"trend {words}."
        ),
        legend=[("chart-line", "weekly"), ("chart-fit", "trend")],
    )
    values = [p.value for p in series]
    y = _frame(chart, min(values) - 1, max(values) + 1)
    first, last = series[0].date, series[-1].date
    x = Scale(first.toordinal(), last.toordinal(), chart.left, chart.right)
    chart.paths = [
        Path(
            _points([(x(p.date.toordinal()), y(p.value)) for p in series]),
            "chart-line",
            "Body weight",
        )
    ]
    if trend.fitted is not None:
        a, b = trend.fitted
        a_x = max(a.date, first)
        chart.paths.append(
            Path(
                _points([(x(a_x.toordinal()), y(a.value)), (x(b.date.toordinal()), y(b.value))]),
                "chart-fit",
                f"Trend {words}",
            )
        )
    chart.dots = [
        Dot(x(p.date.toordinal()), y(p.value), f"{p.date.isoformat()}: {fmt_num(p.value)} {unit}")
        for p in series
    ]
    chart.x_ticks = _date_ticks(x, first, last)
    return chart


def main_lifts(s: AthleteStats) -> list[ExerciseStats]:
    """Lifts with a training max, most recently trained first; without any, the most trained."""
    with_tm = [e for e in s.exercises if e.training_maxes]
    if with_tm:
        return sorted(with_tm, key=lambda e: e.last_date or dt.date.min, reverse=True)[:MAIN_LIFTS]
    return sorted(
        (e for e in s.exercises if e.sessions), key=lambda e: len(e.sessions), reverse=True
    )[:MAIN_LIFTS]


def charts_from_stats(s: AthleteStats, *, unit: str, key: str) -> Charts:
    lifts = main_lifts(s)
    today = s.history.today
    return Charts(
        training_max=[
            training_max_chart(e, unit=unit, today=today, key=key)
            for e in lifts
            if e.training_maxes
        ],
        rpe=[rpe_chart(e, key=key) for e in lifts if len(e.rpe_series) >= 2],
        adherence=adherence_chart(s, key=key),
        body_weight=body_weight_chart(s, unit=unit, key=key),
        adherence_figures=s.adherence,
    )


def athlete_charts(athlete: Athlete, *, today: dt.date | None = None) -> Charts:
    """The athlete page's charts, in a constant number of queries (6)."""
    history = stats.load_history(
        athlete, today=today or timezone.localdate(), with_notes=False, with_prescriptions=False
    )
    return charts_from_stats(
        stats.compute_stats(history),
        unit=setting_str("defaults.weight_unit"),
        key=f"athlete-{athlete.pk}",
    )
