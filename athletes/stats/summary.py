"""Everything at once: one athlete's statistics, exercises ordered by relevance."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from athletes.models import (
    Athlete,
)
from athletes.stats.adherence import Adherence, adherence
from athletes.stats.body_weight import BodyWeightTrend, body_weight_trend, weekly_last
from athletes.stats.completion import Completion, CompletionReport, completion
from athletes.stats.history import load_history
from athletes.stats.maths import Trend, monday, rpe_trend, volume_trend
from athletes.stats.rows import DatedValue, ExerciseRef, History, SetRow, TrainingMaxRow
from athletes.stats.sessions import (
    AmrapResult,
    Plateau,
    Session,
    Volume,
    amrap_results,
    plateau,
    weekly_volume,
)
from athletes.stats.thresholds import ADHERENCE_WEEKS, BODY_WEIGHT_SERIES_WEEKS, RPE_TREND_SESSIONS


@dataclass
class ExerciseStats:
    exercise: ExerciseRef
    sessions: list[Session]  # oldest first, within the loaded window
    training_maxes: list[TrainingMaxRow]  # oldest first
    rpe: Trend
    avg_rpe: float | None  # over the same sessions as the RPE trend
    weekly: list[tuple[dt.date, Volume]]  # the last complete weeks, oldest first
    volume: Trend
    completion: Completion | None
    best_amrap: AmrapResult | None
    last_amrap: AmrapResult | None
    plateau: Plateau
    in_current_program: bool
    replaces: list[str] = field(default_factory=list)  # prescribed exercises it stood in for

    @property
    def rpe_series(self) -> list[tuple[dt.date, float]]:
        return [(s.date, s.avg_rpe) for s in self.sessions if s.avg_rpe is not None]

    @property
    def current_tm(self) -> float | None:
        return self.training_maxes[-1].weight if self.training_maxes else None

    @property
    def last_date(self) -> dt.date | None:
        return self.sessions[-1].date if self.sessions else None


@dataclass
class AthleteStats:
    history: History
    exercises: list[ExerciseStats]  # most relevant first
    completion: CompletionReport
    adherence: Adherence
    body_weight_series: list[DatedValue]
    body_weight: BodyWeightTrend


def relevance(e: ExerciseStats, today: dt.date) -> tuple[Any, ...]:
    """Higher is more relevant: trained, part of the current program (or standing in for a
    part of it), a main lift (has a TM), trained recently and often, RPE-rated. A program
    exercise never trained comes after every trained one."""
    recent = sum(1 for s in e.sessions if (today - s.date).days < 28)
    return (
        bool(e.sessions),
        e.in_current_program or bool(e.replaces),
        bool(e.training_maxes),
        recent,
        e.rpe.points,
        (e.last_date or dt.date.min).toordinal(),
        len(e.sessions),
        e.exercise.name,
    )


def compute_stats(history: History) -> AthleteStats:
    today = history.today
    sessions = _sessions_by_exercise(history)
    tms: dict[int, list[TrainingMaxRow]] = defaultdict(list)
    for tm in history.training_maxes:
        tms[tm.exercise_id].append(tm)
    in_program = _in_current_program(history)
    report = completion(
        history.workouts,
        history.sets,
        history.assignments,
        history.prescriptions,
        since=monday(today) - dt.timedelta(weeks=ADHERENCE_WEEKS),
        patterns={ex_id: ref.pattern for ex_id, ref in history.exercises.items()},
    )
    exercises = [
        _exercise_stats(
            history, ex_id, sessions.get(ex_id, []), tms.get(ex_id, []), report, in_program
        )
        for ex_id in set(sessions) | in_program | set(tms)
    ]
    exercises.sort(key=lambda e: relevance(e, today), reverse=True)
    return AthleteStats(
        history=history,
        exercises=exercises,
        completion=report,
        adherence=adherence(history.workouts, history.assignments, history.notes, today=today),
        body_weight_series=weekly_last(
            history.body_weights, weeks=BODY_WEIGHT_SERIES_WEEKS, today=today
        ),
        body_weight=body_weight_trend(history.body_weights, today=today),
    )


def _sessions_by_exercise(history: History) -> dict[int, list[Session]]:
    """Each exercise's sessions, oldest first (the history holds only sets of its workouts)."""
    date_of = {w.id: w.date for w in history.workouts}
    per_exercise: dict[int, dict[int, list[SetRow]]] = defaultdict(lambda: defaultdict(list))
    for s in history.sets:
        per_exercise[s.exercise_id][s.workout_id].append(s)
    return {
        ex_id: sorted(
            (Session(date_of[wid], wid, tuple(rows)) for wid, rows in by_workout.items()),
            key=lambda s: (s.date, s.workout_id),
        )
        for ex_id, by_workout in per_exercise.items()
    }


def _in_current_program(history: History) -> set[int]:
    current = history.current_assignment
    return {
        p.exercise_id
        for p in history.prescriptions
        if current is not None and p.template_id == current.template_id
    }


def _exercise_stats(
    history: History,
    ex_id: int,
    sessions: list[Session],
    tms: list[TrainingMaxRow],
    report: CompletionReport,
    in_program: set[int],
) -> ExerciseStats:
    rpes = [s.avg_rpe for s in sessions if s.avg_rpe is not None]
    recent_rpes = rpes[-RPE_TREND_SESSIONS:]
    weekly = weekly_volume(sessions, today=history.today)
    best, last = amrap_results(sessions)
    return ExerciseStats(
        exercise=history.exercises[ex_id],
        sessions=sessions,
        training_maxes=tms,
        rpe=rpe_trend(rpes),
        avg_rpe=sum(recent_rpes) / len(recent_rpes) if recent_rpes else None,
        weekly=weekly,
        volume=volume_trend([v.main_measure for _, v in weekly]),
        completion=report.by_exercise.get(ex_id),
        best_amrap=best,
        last_amrap=last,
        plateau=plateau(sessions, tms),
        in_current_program=ex_id in in_program,
        replaces=sorted(history.exercises[x].name for x in report.swaps.get(ex_id, ())),
    )


def athlete_stats(athlete: Athlete, *, today: dt.date | None = None) -> AthleteStats:
    return compute_stats(load_history(athlete, today=today))
