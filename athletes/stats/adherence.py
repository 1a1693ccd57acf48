"""Prescribed sessions per week vs workouts logged, and why a week was missed."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from athletes.models import (
    ProgramRole,
)
from athletes.stats.maths import monday
from athletes.stats.rows import AssignmentRow, NoteRow, WorkoutRow
from athletes.stats.thresholds import ADHERENCE_WEEKS


def assignment_end(
    a: AssignmentRow, assignments: Sequence[AssignmentRow], today: dt.date
) -> dt.date:
    if a.ended_on:
        return a.ended_on
    if a.is_active:
        return today
    later = [
        b.start_date
        for b in assignments
        if b.role == a.role and b.start_date > a.start_date and b.id != a.id
    ]
    if later:
        return min(later) - dt.timedelta(days=1)
    return a.last_logged or a.start_date


def prescribed_sessions(
    assignments: Sequence[AssignmentRow], week_start: dt.date, today: dt.date
) -> int:
    """Sessions the primary program(s) asked for in the week starting `week_start`; a program
    that starts or ends mid-week asks for its days pro rata (rounded half up)."""
    week_end = week_start + dt.timedelta(days=6)
    total = 0
    most = 0
    for a in assignments:
        if a.role != ProgramRole.PRIMARY:
            continue
        start = max(a.start_date, week_start)
        end = min(assignment_end(a, assignments, today), week_end)
        if a.is_active and not a.ended_on:
            end = week_end  # an open program asks for the whole week
        days = (end - start).days + 1
        if days <= 0:
            continue
        most = max(most, a.num_days)
        total += math.floor(a.num_days * days / 7 + 0.5)
    return min(total, most)


@dataclass(frozen=True)
class AdherenceWeek:
    start: dt.date  # Monday
    prescribed: int
    logged: int
    reasons: tuple[str, ...] = ()
    in_progress: bool = False

    @property
    def met(self) -> bool | None:
        return None if self.prescribed == 0 else self.logged >= self.prescribed

    @property
    def missed_sessions(self) -> int:
        return max(0, self.prescribed - self.logged)


@dataclass(frozen=True)
class Adherence:
    weeks: list[AdherenceWeek]  # the last complete weeks, oldest first
    current: AdherenceWeek  # this week, so far
    streak_weeks: int

    @property
    def prescribed(self) -> int:
        return sum(w.prescribed for w in self.weeks)

    @property
    def counted(self) -> int:
        # Extra sessions in one week never make up for another: the figure stays within 100 %.
        return sum(min(w.logged, w.prescribed) for w in self.weeks)

    @property
    def rate_pct(self) -> float | None:
        if not self.prescribed:
            return None
        return 100 * self.counted / self.prescribed

    @property
    def percent(self) -> int | None:
        """The one adherence figure every page shows (the packet's rate, rounded)."""
        rate = self.rate_pct
        return None if rate is None else round(rate)

    @property
    def missed(self) -> list[AdherenceWeek]:
        return [w for w in self.weeks if w.met is False]


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


_REASON_RE = re.compile(
    r"\b(?:miss(?:ed|ing)?|skip(?:ped)?|sick|ill(?:ness)?|flu|absent|away|trip|travel(?:l?ing)?|"
    r"holiday|vacation|exams?|tests?|tournament|games?|match|injur\w*|hurt|pain|sore\w*|"
    r"family|work|busy|tired|rest(?:ed)?|film)\b",
    re.IGNORECASE,
)


def adherence_since(today: dt.date, weeks: int = ADHERENCE_WEEKS) -> dt.date:
    """The first day whose workouts `adherence` reads: a list loading many athletes at once
    loads no more than this."""
    return monday(today) - dt.timedelta(weeks=weeks)


def adherence(
    workouts: Sequence[WorkoutRow],
    assignments: Sequence[AssignmentRow],
    notes: Sequence[NoteRow],
    *,
    today: dt.date,
    weeks: int = ADHERENCE_WEEKS,
) -> Adherence:
    """Prescribed sessions (the primary program's days per week) vs workouts logged, for the
    last `weeks` complete weeks. Extra sessions in a week never make up for a missed one."""
    this_week = monday(today)
    first = adherence_since(today, weeks)
    starts = [first + dt.timedelta(weeks=i) for i in range(weeks + 1)]
    by_week: dict[dt.date, list[WorkoutRow]] = defaultdict(list)
    # A session of a program beside the primary one (a run of a supplemental running plan) is
    # not one of the sessions the primary program asked for.
    beside = {a.id for a in assignments if a.role != ProgramRole.PRIMARY}
    for w in workouts:
        if w.assignment_id not in beside:
            by_week[monday(w.date)].append(w)
    notes_by_week: dict[dt.date, list[NoteRow]] = defaultdict(list)
    for n in notes:
        notes_by_week[monday(n.date)].append(n)

    rows = []
    for start in starts:
        prescribed = prescribed_sessions(assignments, start, today)
        done = by_week.get(start, [])
        reasons: tuple[str, ...] = ()
        if len(done) < prescribed:
            texts = [w.notes for w in done if w.notes.strip()]
            texts += [n.content for n in notes_by_week.get(start, [])]
            # Notes that give a reason ("missed", "sick", "exams") first; else the week's note.
            texts = list(dict.fromkeys(" ".join(t.split()) for t in texts))
            why = [t for t in texts if _REASON_RE.search(t)] or texts[:1]
            reasons = tuple(_clip(t, 160) for t in why[:2])
        rows.append(AdherenceWeek(start, prescribed, len(done), reasons, start == this_week))
    complete, current = rows[:-1], rows[-1]
    streak = 1 if current.met else 0
    for week in reversed(complete):
        if week.met is not True:
            break
        streak += 1
    return Adherence(complete, current, streak)
