"""Collects one athlete's rows and writes them with a handful of bulk inserts.

Workouts are bulk-inserted with the fields `athletes.services.workout_log` would set: the active
assignment, and week/day from the session order (sessions in order, so a missed day shifts the
rest of the block rather than leaving a hole).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from athletes.demo.catalog import Catalog, DemoDataError, at, lb
from athletes.models import (
    Athlete,
    AthleteEquipment,
    AthleteNote,
    AthleteProgram,
    BodyWeight,
    EndReason,
    GoalHistory,
    TierHistory,
    TrainingMax,
    User,
    Workout,
    WorkoutReview,
    WorkoutSet,
)
from athletes.position import position_after
from programs.models import PrescribedSet


@dataclass(frozen=True)
class SessionCtx:
    date: dt.date
    week: int
    day: int
    block: int  # 1-based index of the assignment within the athlete's story
    index: int  # 0-based session index within the assignment


@dataclass(frozen=True)
class LoggedSet:
    exercise: str
    reps: int | None
    rep_type: str
    weight: Decimal | None
    rpe: Decimal | None
    is_amrap: bool = False
    notes: str = ""


@dataclass
class Block:
    """One assignment of a story: its template, dates and the calendar days trained."""

    template: str
    start: dt.date
    weekdays: tuple[int, ...]
    ended_on: dt.date | None = None  # None: still active
    cycle_goal: str = ""
    notes: str = ""
    missed: dict[dt.date, str] = field(default_factory=dict)  # date → reason


# A story decides what an athlete logged for one prescribed set.
SetStory = Callable[[PrescribedSet, SessionCtx, list[PrescribedSet]], LoggedSet | None]


@dataclass
class Profile:
    name: str
    sport: str
    tier: str
    goal: str
    notes: str
    date_of_birth: dt.date
    equipment: tuple[str, ...]
    created: dt.date


class StoryWriter:
    """Collects one athlete's rows and writes them with a handful of bulk inserts."""

    def __init__(self, cat: Catalog, athlete: Athlete, coach: User, today: dt.date) -> None:
        self.cat = cat
        self.athlete = athlete
        self.coach = coach
        self.today = today
        self.owned: set[str] = set()
        self.workouts: list[tuple[Workout, list[LoggedSet]]] = []

    def equipment(self, names: Iterable[str]) -> None:
        AthleteEquipment.objects.bulk_create(
            AthleteEquipment(athlete=self.athlete, equipment=self.cat.equipment_item(n))
            for n in names
        )
        self.owned = {n.lower() for n in names}

    def history(self, profile: Profile) -> None:
        GoalHistory.objects.create(
            athlete=self.athlete,
            previous_goal="",
            goal=profile.goal,
            changed_by=self.coach,
            changed_at=at(profile.created, 9),
        )
        TierHistory.objects.create(
            athlete=self.athlete,
            previous_tier="",
            tier=profile.tier,
            changed_by=self.coach,
            changed_at=at(profile.created, 9),
        )

    def block(
        self, block: Block, story: SetStory, number: int, workout_notes: dict[dt.date, str]
    ) -> AthleteProgram:
        assignment = self._assign(block)
        template = assignment.template
        sessions = self.cat.sessions(template)
        last = min(block.ended_on or self.today, self.today - dt.timedelta(days=1))
        logged = 0
        for day in _days(block.start, last):
            if day.weekday() not in block.weekdays or day in block.missed:
                continue
            pos = position_after(
                logged_sessions=logged,
                num_weeks=template.num_weeks,
                num_days=template.num_days,
                is_loop=template.is_loop,
            )
            if pos.block_complete:
                break
            ctx = SessionCtx(day, pos.week, pos.day, number, logged)
            prescribed = sessions.get((pos.week, pos.day), [])
            sets = [out for s in prescribed if (out := story(s, ctx, prescribed)) is not None]
            self.workouts.append((self._workout(assignment, ctx, workout_notes), sets))
            logged += 1
        if block.ended_on is not None and not block.notes:
            _note_how_it_ended(assignment, logged)
        return assignment

    def _assign(self, block: Block) -> AthleteProgram:
        return AthleteProgram.objects.create(
            athlete=self.athlete,
            template=self.cat.template(block.template),
            start_date=block.start,
            is_active=block.ended_on is None,
            ended_on=block.ended_on,
            end_reason=EndReason.COMPLETED if block.ended_on else "",
            cycle_goal=block.cycle_goal,
            notes=block.notes,
            created_at=at(block.start - dt.timedelta(days=2), 18),
        )

    def _workout(
        self, assignment: AthleteProgram, ctx: SessionCtx, notes: dict[dt.date, str]
    ) -> Workout:
        return Workout(
            athlete=self.athlete,
            date=ctx.date,
            assignment=assignment,
            week=ctx.week,
            day=ctx.day,
            notes=notes.get(ctx.date, ""),
            created_at=at(ctx.date, 19),
        )

    def flush(self) -> list[Workout]:
        workouts = Workout.objects.bulk_create([w for w, _ in self.workouts])
        rows: list[WorkoutSet] = []
        for workout, (_, sets) in zip(workouts, self.workouts, strict=True):
            rows += self._set_rows(workout, sets)
        WorkoutSet.objects.bulk_create(rows)
        return workouts

    def _set_rows(self, workout: Workout, sets: list[LoggedSet]) -> list[WorkoutSet]:
        numbers: dict[int, int] = defaultdict(int)
        rows = []
        for s in sets:
            exercise = self.cat.exercise(s.exercise)
            if not self.cat.can_do(exercise, self.owned):
                raise DemoDataError(
                    f"{self.athlete.name} cannot do {exercise.name} with their equipment."
                )
            numbers[exercise.pk] += 1
            rows.append(
                WorkoutSet(
                    workout=workout,
                    exercise=exercise,
                    set_number=numbers[exercise.pk],
                    reps=s.reps,
                    rep_type=s.rep_type,
                    weight=s.weight,
                    rpe=s.rpe,
                    is_amrap=s.is_amrap,
                    notes=s.notes,
                )
            )
        return rows

    def training_maxes(self, rows: Iterable[tuple[str, dt.date, float]]) -> None:
        TrainingMax.objects.bulk_create(
            TrainingMax(
                athlete=self.athlete,
                exercise=self.cat.exercise(name),
                weight=lb(weight),
                effective_date=day,
            )
            for name, day, weight in rows
        )

    def body_weights(self, rows: Iterable[tuple[dt.date, float]]) -> None:
        BodyWeight.objects.bulk_create(
            BodyWeight(athlete=self.athlete, date=day, weight=lb(weight)) for day, weight in rows
        )

    def notes(self, rows: Iterable[tuple[dt.date, str, bool, bool]]) -> None:
        AthleteNote.objects.bulk_create(
            AthleteNote(
                athlete=self.athlete,
                author=self.coach,
                date=day,
                content=content,
                is_private=private,
                is_pinned=pinned,
                created_at=at(day, 20),
            )
            for day, content, private, pinned in rows
        )

    def reviews(
        self, workouts: list[Workout], pick: Callable[[Workout], tuple[str, str] | None]
    ) -> None:
        rows = []
        for w in workouts:
            verdict = pick(w)
            if verdict is None:
                continue
            status, notes = verdict
            rows.append(
                WorkoutReview(
                    workout=w,
                    status=status,
                    notes=notes,
                    coach=self.coach,
                    reviewed_at=at(w.date + dt.timedelta(days=1), 8),
                )
            )
        WorkoutReview.objects.bulk_create(rows)


def _days(first: dt.date, last: dt.date) -> Iterable[dt.date]:
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


def _note_how_it_ended(assignment: AthleteProgram, logged: int) -> None:
    template = assignment.template
    planned = template.sessions_per_cycle
    missed = planned - logged
    assignment.notes = f"Ended after {template.num_weeks} weeks: {logged} of {planned} sessions" + (
        f" ({missed} missed)." if missed else "."
    )
    assignment.save(update_fields=["notes"])
