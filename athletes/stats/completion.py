"""Logged vs prescribed sets, like-for-like swaps included."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from athletes.stats.rows import AssignmentRow, PrescriptionRow, SetRow, WorkoutRow


@dataclass(frozen=True)
class Completion:
    prescribed_sets: int = 0
    logged_sets: int = 0  # capped at the prescription, session by session
    extra_sets: int = 0  # logged beyond the prescription
    sessions: int = 0  # trained sessions in which the exercise was prescribed
    sessions_skipped: int = 0  # ... in which none of its sets was logged

    @property
    def rate_pct(self) -> float | None:
        if not self.prescribed_sets:
            return None
        return 100 * self.logged_sets / self.prescribed_sets

    def __add__(self, other: Completion) -> Completion:
        return Completion(
            self.prescribed_sets + other.prescribed_sets,
            self.logged_sets + other.logged_sets,
            self.extra_sets + other.extra_sets,
            self.sessions + other.sessions,
            self.sessions_skipped + other.sessions_skipped,
        )


@dataclass(frozen=True)
class CompletionReport:
    by_exercise: dict[int, Completion]
    overall: Completion
    sessions_matched: int  # workouts logged against a known prescribed session
    sessions_unmatched: int  # workouts without an assignment/session (extra sessions)
    unprescribed_sets: int  # sets of exercises the session did not prescribe, swaps excluded
    swaps: dict[int, set[int]] = field(default_factory=dict)  # substitute → exercises replaced


def completion(
    workouts: Sequence[WorkoutRow],
    sets: Sequence[SetRow],
    assignments: Sequence[AssignmentRow],
    prescriptions: Sequence[PrescriptionRow],
    *,
    since: dt.date,
    patterns: dict[int, str] | None = None,
) -> CompletionReport:
    """Logged vs prescribed sets, for the workouts logged against an assignment's session.

    An exercise the session did not prescribe, of the same movement pattern as a prescribed one
    that was not logged, is a like-for-like swap (a home-gym athlete's goblet squat for the back
    squat): its sets count for the prescription, and its own completion is tracked too.
    """
    patterns = patterns or {}
    template_of = {a.id: a.template_id for a in assignments}
    prescribed: dict[tuple[int, int, int], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for p in prescriptions:
        prescribed[(p.template_id, p.week, p.day)][p.exercise_id] += 1
    logged: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for s in sets:
        logged[s.workout_id][s.exercise_id] += 1

    by_exercise: dict[int, Completion] = defaultdict(Completion)
    overall = Completion()
    swaps: dict[int, set[int]] = {}
    matched = unmatched = unprescribed = 0
    for w in workouts:
        if w.date < since:
            continue
        key = (
            (template_of.get(w.assignment_id, -1), w.week or 0, w.day or 0)
            if w.assignment_id is not None
            else None
        )
        plan = prescribed.get(key) if key else None
        if not plan:
            unmatched += 1
            continue
        matched += 1
        done = logged.get(w.id, {})
        spare = {ex_id: n for ex_id, n in done.items() if ex_id not in plan}
        for ex_id, count in plan.items():
            n = done.get(ex_id, 0)
            swap = None
            if n == 0 and patterns.get(ex_id):
                swap = next((x for x in spare if patterns.get(x) == patterns[ex_id]), None)
            if swap is not None:
                n = spare.pop(swap)
                swaps.setdefault(swap, set()).add(ex_id)
                by_exercise[swap] += Completion(count, min(n, count), max(0, n - count), 1, 0)
            result = Completion(
                prescribed_sets=count,
                logged_sets=min(n, count),
                extra_sets=max(0, n - count),
                sessions=1,
                sessions_skipped=int(n == 0),
            )
            by_exercise[ex_id] += result
            overall += result
        unprescribed += sum(spare.values())
    return CompletionReport(dict(by_exercise), overall, matched, unmatched, unprescribed, swaps)
