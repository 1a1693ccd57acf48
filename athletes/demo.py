"""The demo data behind `manage.py seed_demo`: logins, two coaches and their athletes' stories.

Every date is relative to today, so the demo always looks current. Training weeks are calendar
weeks (Monday start) because weekly adherence is counted per calendar week; sessions fall on
Mon/Tue/Thu/Fri (or Mon/Wed/Fri for three-day programs) and only on days before today, so a coach
can log today's session without clashing with the one-workout-per-day rule.

Workouts are bulk-inserted with the fields `athletes.services.workout_log` would set: the active
assignment, and week/day from the session order (sessions in order, so a missed day shifts the
rest of the block rather than leaving a hole).

Idempotent: users are found or created by username, athletes by (name, coach); an athlete that
already exists keeps its history untouched, so re-running never duplicates anything.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from athletes.models import (
    Athlete,
    AthleteEquipment,
    AthleteNote,
    AthleteProgram,
    AthleteTier,
    BodyWeight,
    EndReason,
    GoalHistory,
    ReviewStatus,
    Role,
    TierHistory,
    TrainingMax,
    User,
    Workout,
    WorkoutReview,
    WorkoutSet,
)
from athletes.position import position_after
from programs.loads import target_load
from programs.models import (
    Equipment,
    Exercise,
    MovementPattern,
    PrescribedSet,
    ProgramTemplate,
    RepType,
)

DEMO_PASSWORD = "replog-demo"  # noqa: S105 — published in the README on purpose
PLATE = Decimal("5")  # the story is told in lb: loads round to 5 lb

SERIES = tuple(f"Sport Performance — Month {m}" for m in (1, 2, 3))
FIVE_THREE_ONE = "5/3/1 Strength — 4-Week Loop"
LINEAR = "Linear Progression 3×5 — 3 Day"
GZCL = "GZCL T1/T2/T3 — 4 Day"
YOUTH_20 = "Youth Foundations 1×20"
CONDITIONING = "Conditioning Circuit — 3 Day"

FOUR_DAYS = (0, 1, 3, 4)  # Mon, Tue, Thu, Fri
THREE_DAYS = (0, 2, 4)  # Mon, Wed, Fri

# Patterns where RPE is not a useful number (jumps, sprints, drills): logged without one.
NO_RPE_PATTERNS = {
    MovementPattern.PLYOMETRIC,
    MovementPattern.RUN,
    MovementPattern.MOBILITY,
}

# Sarah trains at home with dumbbells, a kettlebell and bands: each series lift she cannot do
# is swapped like for like (same movement pattern) for one she can.
SARAH_SUBSTITUTES = {
    "Power Clean": "Dumbbell Power Clean",
    "Back Squat": "Goblet Squat",
    "Bench Press": "Dumbbell Floor Press",
    "Trap Bar Deadlift": "Dumbbell Deadlift",
    "Romanian Deadlift": "Dumbbell Romanian Deadlift",
    "Box Jump": "Squat Jump",
    "Depth Jump": "Countermovement Jump",
    "Hurdle Hop": "Pogo Hops",
    "Medicine Ball Chest Pass": "Plyometric Push-Up",
    "Medicine Ball Rotational Throw": "Lateral Bound",
    "Pull-Up": "Band Lat Pulldown",
    "Incline Dumbbell Bench Press": "Push-Up",
    "Inverted Row": "Band Row",
    "Step-Up": "Reverse Lunge",
    "Three-Cone Drill": "Shuttle Run",
    "Push Press": "Dumbbell Push Press",
}

HOME_GYM = ("Dumbbells", "Kettlebell", "Resistance Bands")
SCHOOL_GYM = (
    "Barbell",
    "Squat Rack",
    "Bench",
    "Dumbbells",
    "Kettlebell",
    "Resistance Bands",
    "Pull-Up Bar",
    "Plyo Box",
    "Trap Bar",
    "Medicine Ball",
    "Cones",
    "Hurdles",
    "Agility Ladder",
    "Sled",
)
COMMERCIAL_GYM = (
    "Barbell",
    "Squat Rack",
    "Bench",
    "Dumbbells",
    "Kettlebell",
    "Resistance Bands",
    "Pull-Up Bar",
    "Cable Machine",
    "Trap Bar",
    "Landmine",
    "Ab Wheel",
    "Dip Station",
)


class DemoDataError(Exception):
    """The demo cannot be built (e.g. the catalog lacks something the story needs)."""


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    who: str


LOGINS = (
    DemoLogin("admin", "admin", "Django admin and every athlete"),
    DemoLogin("coach", "coach", "Coach Dana Reyes — Tommy, Sarah and five more"),
    DemoLogin("coach2", "coach", "Coach Sam Patel — one athlete, cannot see Dana's"),
    DemoLogin("tommy", "athlete", "Tommy Carter's own athlete view"),
)


@dataclass
class DemoSummary:
    created: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    catalog_loaded: bool = False
    counts: dict[str, int] = field(default_factory=dict)
    logins: tuple[DemoLogin, ...] = LOGINS
    password: str = DEMO_PASSWORD


# --- small helpers -----------------------------------------------------------------------------


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def at(day: dt.date, hour: int = 17) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def rpe(value: float) -> Decimal:
    clamped = min(10.0, max(1.0, round(value * 2) / 2))
    return Decimal(str(clamped))


def lb(value: float | int) -> Decimal:
    return Decimal(str(value))


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


class Catalog:
    """Name → row lookups for the demo, loaded once (two queries)."""

    def __init__(self) -> None:
        self.exercises = {
            e.name.lower(): e
            for e in Exercise.objects.prefetch_related("equipment_links__equipment")
        }
        self.equipment = {e.name.lower(): e for e in Equipment.objects.all()}
        self.templates = {
            t.name.lower(): t for t in ProgramTemplate.objects.filter(owner__isnull=True)
        }
        self._sets: dict[int, dict[tuple[int, int], list[PrescribedSet]]] = {}

    def exercise(self, name: str) -> Exercise:
        try:
            return self.exercises[name.lower()]
        except KeyError:
            raise DemoDataError(
                f"The catalog has no exercise “{name}”, which the demo story uses. "
                "Load the seed catalog into an empty database (manage.py migrate does it)."
            ) from None

    def equipment_item(self, name: str) -> Equipment:
        try:
            return self.equipment[name.lower()]
        except KeyError:
            raise DemoDataError(f"The catalog has no equipment “{name}”.") from None

    def template(self, name: str) -> ProgramTemplate:
        try:
            return self.templates[name.lower()]
        except KeyError:
            raise DemoDataError(
                f"The catalog has no global program “{name}”, which the demo story uses."
            ) from None

    def sessions(self, template: ProgramTemplate) -> dict[tuple[int, int], list[PrescribedSet]]:
        if template.pk not in self._sets:
            by_session: dict[tuple[int, int], list[PrescribedSet]] = defaultdict(list)
            for s in PrescribedSet.objects.filter(template=template).select_related("exercise"):
                by_session[(s.week, s.day)].append(s)
            for rows in by_session.values():
                rows.sort(key=lambda s: (s.sort_order, s.exercise.name, s.set_number))
            self._sets[template.pk] = dict(by_session)
        return self._sets[template.pk]

    def can_do(self, exercise: Exercise, owned: set[str]) -> bool:
        return all(
            link.optional or link.equipment.name.lower() in owned
            for link in exercise.equipment_links.all()
        )

    def is_bodyweight(self, exercise: Exercise) -> bool:
        return not any(not link.optional for link in exercise.equipment_links.all())


# --- the writer --------------------------------------------------------------------------------


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
        template = self.cat.template(block.template)
        assignment = AthleteProgram.objects.create(
            athlete=self.athlete,
            template=template,
            start_date=block.start,
            is_active=block.ended_on is None,
            ended_on=block.ended_on,
            end_reason=EndReason.COMPLETED if block.ended_on else "",
            cycle_goal=block.cycle_goal,
            notes=block.notes,
            created_at=at(block.start - dt.timedelta(days=2), 18),
        )
        sessions = self.cat.sessions(template)
        last = min(block.ended_on or self.today, self.today - dt.timedelta(days=1))
        day = block.start
        logged = 0
        while day <= last:
            if day.weekday() in block.weekdays and day not in block.missed:
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
                workout = Workout(
                    athlete=self.athlete,
                    date=day,
                    assignment=assignment,
                    week=pos.week,
                    day=pos.day,
                    notes=workout_notes.get(day, ""),
                    created_at=at(day, 19),
                )
                self.workouts.append((workout, sets))
                logged += 1
            day += dt.timedelta(days=1)
        if block.ended_on is not None and not block.notes:
            planned = template.sessions_per_cycle
            missed = planned - logged
            assignment.notes = (
                f"Ended after {template.num_weeks} weeks: {logged} of {planned} sessions"
                + (f" ({missed} missed)." if missed else ".")
            )
            assignment.save(update_fields=["notes"])
        return assignment

    def flush(self) -> list[Workout]:
        workouts = Workout.objects.bulk_create([w for w, _ in self.workouts])
        rows: list[WorkoutSet] = []
        for workout, (_, sets) in zip(workouts, self.workouts, strict=True):
            numbers: dict[int, int] = defaultdict(int)
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
        WorkoutSet.objects.bulk_create(rows)
        return workouts

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


# --- loads and effort --------------------------------------------------------------------------


class TMs:
    """Training maxes in effect on a day, per exercise name."""

    def __init__(self, rows: Iterable[tuple[str, dt.date, float]]) -> None:
        self.rows = sorted(rows, key=lambda r: r[1])

    def on(self, name: str, day: dt.date) -> Decimal | None:
        value: float | None = None
        for n, start, weight in self.rows:
            if n == name and start <= day:
                value = weight
        return None if value is None else lb(value)


def ramp_rank(s: PrescribedSet, session: list[PrescribedSet]) -> int:
    """How many percentage steps below the session's top set of this exercise a set is."""
    pcts = sorted(
        {x.percentage for x in session if x.exercise_id == s.exercise_id and x.percentage},
        reverse=True,
    )
    return pcts.index(s.percentage) if s.percentage in pcts else 0


def wants_rpe(exercise: Exercise, rep_type: str) -> bool:
    return rep_type in (RepType.REPS, RepType.EACH_SIDE) and (
        exercise.movement_pattern not in NO_RPE_PATTERNS
    )


def load_for(
    s: PrescribedSet, day: dt.date, tms: TMs, accessory: Callable[[str], float | None]
) -> Decimal | None:
    name = s.exercise.name
    if s.percentage is not None:
        tm = tms.on(name, day)
        if tm is None:
            raise DemoDataError(f"No training max for {name} on {day}.")
        return target_load(training_max=tm, percentage=s.percentage, increment=PLATE)
    if s.absolute_weight is not None:
        return s.absolute_weight
    chosen = accessory(name)
    return None if chosen is None else lb(chosen)


# --- the stories -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Coaches:
    dana: User
    sam: User


def _series_blocks(start: dt.date, missed: dict[dt.date, str]) -> list[Block]:
    goals = (
        "Month 1 (base): clean and landing technique, work capacity.",
        "Month 2 (build): heavier 4–5-rep strength, more jumps and throws.",
        "Month 3 (peak): low-rep strength and power, then deload before testing.",
    )
    blocks = []
    for i, name in enumerate(SERIES):
        block_start = start + dt.timedelta(weeks=4 * i)
        last = i == len(SERIES) - 1
        blocks.append(
            Block(
                template=name,
                start=block_start,
                weekdays=FOUR_DAYS,
                ended_on=None if last else block_start + dt.timedelta(days=27),
                cycle_goal=goals[i],
                missed={d: r for d, r in missed.items() if 0 <= (d - block_start).days < 28},
            )
        )
    return blocks


def _tommy(w: StoryWriter, start: dt.date, rng: random.Random) -> None:
    today = w.today
    # Four missed sessions in Months 1–2 (≈ 92 % of the complete weeks); in the current week,
    # the Friday session is missed too when it is already past.
    week = lambda n, wd: start + dt.timedelta(weeks=n - 1, days=wd)  # noqa: E731
    missed = {
        week(2, 3): "team film session",
        week(4, 4): "sick (stomach bug)",
        week(6, 3): "team film session",
        week(7, 0): "family trip",
    }
    friday12 = week(12, 4)
    if friday12 < today:
        missed[friday12] = "team film session"
    blocks = _series_blocks(start, missed)

    tm_rows = [
        ("Back Squat", start, 185),
        ("Bench Press", start, 135),
        ("Power Clean", start, 125),
        ("Trap Bar Deadlift", start, 225),
        ("Back Squat", blocks[1].start, 200),
        ("Bench Press", blocks[1].start, 140),
        ("Power Clean", blocks[1].start, 135),
        ("Trap Bar Deadlift", blocks[1].start, 240),
        # Month 3: squat, bench and trap bar move up; the clean TM is held at 135.
        ("Back Squat", blocks[2].start, 215),
        ("Bench Press", blocks[2].start, 150),
        ("Power Clean", blocks[2].start, 135),
        ("Trap Bar Deadlift", blocks[2].start, 255),
    ]
    w.training_maxes(tm_rows)
    tms = TMs(tm_rows)
    accessories = {
        1: {
            "Romanian Deadlift": 95,
            "Walking Lunge": 20,
            "One-Arm Dumbbell Row": 40,
            "Dumbbell Shoulder Press": 25,
            "Step-Up": 20,
            "Incline Dumbbell Bench Press": 35,
            "Farmer's Carry": 50,
            "Medicine Ball Chest Pass": 8,
            "Medicine Ball Rotational Throw": 8,
        },
        2: {
            "Romanian Deadlift": 115,
            "Bulgarian Split Squat": 25,
            "One-Arm Dumbbell Row": 45,
            "Dumbbell Shoulder Press": 30,
            "Step-Up": 25,
            "Incline Dumbbell Bench Press": 40,
            "Farmer's Carry": 55,
            "Medicine Ball Chest Pass": 8,
            "Medicine Ball Rotational Throw": 8,
        },
        3: {
            "Romanian Deadlift": 125,
            "Bulgarian Split Squat": 30,
            "One-Arm Dumbbell Row": 50,
            "Dumbbell Shoulder Press": 30,
            "Single-Leg Romanian Deadlift": 30,
            "Push Press": 95,
            "Farmer's Carry": 60,
            "Medicine Ball Chest Pass": 10,
            "Medicine Ball Rotational Throw": 10,
        },
    }
    clean_sessions: dict[int, list[dt.date]] = defaultdict(list)
    # Month 3 power-clean top-set RPE, session by session: 7 → 8 with the TM held flat.
    m3_clean = [7.0, 7.0, 7.5, 7.5, 7.5, 8.0, 8.0, 8.0]
    noise: dict[tuple[dt.date, int], float] = {}

    def story(s: PrescribedSet, ctx: SessionCtx, session: list[PrescribedSet]) -> LoggedSet:
        ex = s.exercise
        weight = load_for(s, ctx.date, tms, lambda n: accessories[ctx.block].get(n))
        effort: Decimal | None = None
        if wants_rpe(ex, s.rep_type):
            rank = ramp_rank(s, session)
            if ex.name == "Power Clean":
                dates = clean_sessions[ctx.block]
                if ctx.date not in dates:
                    dates.append(ctx.date)
                n = dates.index(ctx.date)
                if ctx.block == 3:
                    top = m3_clean[min(n, len(m3_clean) - 1)]
                else:
                    top = 6.5 if ctx.block == 1 and n < 4 else 7.0
            elif s.percentage is not None:
                key = (ctx.date, ex.pk)
                if key not in noise:
                    noise[key] = rng.choice((-0.5, 0.0, 0.0, 0.5))
                target = max(
                    (
                        float(x.target_rpe)
                        for x in session
                        if x.exercise_id == ex.pk and x.target_rpe is not None
                    ),
                    default=7.0,
                )
                top = target + noise[key]
            else:
                top = 6.0 if ctx.week == 4 else (7.0 if ctx.block == 1 else 7.5)
                top += rng.choice((-0.5, 0.0, 0.0, 0.5))
            effort = rpe(top - 0.5 * min(rank, 2))
        return LoggedSet(ex.name, s.reps, s.rep_type, weight, effort)

    workout_notes = {
        week(2, 4): "Did Thursday's session today after missing it for film.",
        week(5, 0): "New TMs today. Squat moved fast.",
        week(9, 1): "Left knee a bit sore after Monday's depth jumps.",
        week(10, 0): "Cleans felt heavy; slept badly.",
        week(11, 0): "Power cleans grindy again at 85 %.",
    }
    for i, block in enumerate(blocks, start=1):
        w.block(block, story, i, workout_notes)
    workouts = w.flush()

    # Body weight: every Monday weigh-in, 142 → 150 lb over the three months.
    mondays = [week(n, 0) for n in range(1, 13) if week(n, 0) < today]
    span = max(1, len(mondays) - 1)
    weights = []
    for i, day in enumerate(mondays):
        value = 142 + 8 * i / span
        if 0 < i < len(mondays) - 1:
            value += rng.choice((-0.4, -0.2, 0.0, 0.2, 0.4))
        weights.append((day, round(value, 1)))
    w.body_weights(weights)

    notes: list[tuple[dt.date, str, bool, bool]] = [
        (
            start,
            "Off-season series starts today. Goal for fall camp: a stronger clean and a "
            "faster first step. School weight room Mon/Tue/Thu/Fri.",
            False,
            False,
        ),
        (
            blocks[1].start,
            "Month 1 complete. New TMs: squat 200, bench 140, clean 135, trap bar 240.",
            False,
            False,
        ),
        (week(6, 1), "Cleans looking crisp: bar close, fast elbows. Keep it up.", False, False),
        (
            blocks[2].start,
            "Holding the power clean TM at 135 for Month 3: the catch is still "
            "inconsistent above 80 %.",
            True,
            False,
        ),
        (
            week(9, 2),
            "Left knee soreness after jumps — keep an eye on landing mechanics, no deep "
            "knee-dominant plyos this block. Re-check after the deload.",
            True,
            True,
        ),
    ]
    for day, reason in sorted(missed.items()):
        notes.append((day, f"Missed {day:%a} — {reason}.", False, False))
    w.notes(notes)

    needs_work = {
        week(3, 0): "Catch on the cleans is soft: elbows slow through. Film next Monday.",
        week(10, 0): "Landings on the depth jumps: left knee drifting in. Regress to box jumps "
        "if it shows again.",
    }

    def pick(wk: Workout) -> tuple[str, str] | None:
        if wk.date in needs_work:
            return ReviewStatus.NEEDS_WORK, needs_work[wk.date]
        # The last two weeks are left unreviewed: the coach has something waiting.
        if wk.date.weekday() == 0 and wk.date < week(11, 0):
            return ReviewStatus.APPROVED, rng.choice(
                ("Good session.", "Solid — bar speed good.", "", "Nice work on the squats.")
            )
        return None

    w.reviews(workouts, pick)


def _sarah(w: StoryWriter, start: dt.date, rng: random.Random) -> None:
    blocks = _series_blocks(start, {})
    week = lambda n, wd: start + dt.timedelta(weeks=n - 1, days=wd)  # noqa: E731
    # Home loads by month (lb, per dumbbell / bell); barbell lifts are substituted.
    loads = {
        1: {
            "Goblet Squat": 25,
            "Dumbbell Floor Press": 15,
            "Dumbbell Power Clean": 10,
            "Dumbbell Deadlift": 20,
            "Dumbbell Romanian Deadlift": 15,
            "Walking Lunge": 10,
            "One-Arm Dumbbell Row": 15,
            "Dumbbell Shoulder Press": 10,
            "Reverse Lunge": 10,
            "Farmer's Carry": 20,
        },
        2: {
            "Goblet Squat": 30,
            "Dumbbell Floor Press": 15,
            "Dumbbell Power Clean": 15,
            "Dumbbell Deadlift": 25,
            "Dumbbell Romanian Deadlift": 20,
            "Bulgarian Split Squat": 10,
            "One-Arm Dumbbell Row": 20,
            "Dumbbell Shoulder Press": 10,
            "Reverse Lunge": 15,
            "Farmer's Carry": 25,
        },
        3: {
            "Goblet Squat": 30,
            "Dumbbell Floor Press": 20,
            "Dumbbell Power Clean": 15,
            "Dumbbell Deadlift": 30,
            "Dumbbell Romanian Deadlift": 20,
            "Bulgarian Split Squat": 15,
            "One-Arm Dumbbell Row": 20,
            "Dumbbell Shoulder Press": 15,
            "Single-Leg Romanian Deadlift": 15,
            "Dumbbell Push Press": 15,
            "Farmer's Carry": 25,
        },
    }

    def story(s: PrescribedSet, ctx: SessionCtx, session: list[PrescribedSet]) -> LoggedSet:
        name = SARAH_SUBSTITUTES.get(s.exercise.name, s.exercise.name)
        ex = w.cat.exercise(name)
        if (
            s.exercise.name in SARAH_SUBSTITUTES
            and ex.movement_pattern != s.exercise.movement_pattern
        ):
            raise DemoDataError(f"{name} is not a like-for-like swap for {s.exercise.name}.")
        chosen = loads[ctx.block].get(name)
        weight: Decimal | None
        if chosen is not None:
            weight = lb(chosen)
        elif s.absolute_weight is not None:
            weight = s.absolute_weight
        elif w.cat.is_bodyweight(ex) and s.rep_type in (RepType.REPS, RepType.EACH_SIDE):
            weight = Decimal(0)
        else:
            weight = None  # bands, sprints: no load to record
        effort = None
        if wants_rpe(ex, s.rep_type):
            effort = rpe(6.0 + rng.choice((-0.5, 0.0, 0.0, 0.0, 0.0, 0.5)))
        swapped = name != s.exercise.name
        note = f"Home swap for {s.exercise.name}" if swapped and s.set_number == 1 else ""
        return LoggedSet(name, s.reps, s.rep_type, weight, effort, notes=note)

    for i, block in enumerate(blocks, start=1):
        w.block(block, story, i, {week(4, 4): "Fun session, jumps felt bouncy."})
    workouts = w.flush()

    weigh_ins = [week(n, 0) for n in range(1, 13, 2) if week(n, 0) < w.today]
    w.body_weights((d, 108 + rng.choice((-0.4, -0.2, 0.0, 0.2, 0.4))) for d in weigh_ins)
    w.notes(
        [
            (
                start,
                "Starts the off-season series with her brother, training at home: dumbbells, "
                "one kettlebell and bands. Barbell lifts swapped for DB/KB/band versions.",
                False,
                False,
            ),
            (
                blocks[1].start,
                "Month 1: 16/16 sessions. Moving up a dumbbell size on goblet squats.",
                False,
                False,
            ),
            (
                week(9, 3),
                "Club volleyball tryouts in six weeks: keep jump volume moderate, "
                "landings are clean.",
                False,
                False,
            ),
        ]
    )

    def pick(wk: Workout) -> tuple[str, str] | None:
        if wk.date.weekday() == 0 and wk.date < week(11, 0):
            return ReviewStatus.APPROVED, rng.choice(
                (
                    "Great control.",
                    "Clean landings today.",
                    "",
                    "Good — ready for the next dumbbell.",
                )
            )
        return None

    w.reviews(workouts, pick)


def _amrap_reps(
    s: PrescribedSet, session: list[PrescribedSet], rng: random.Random, extra: tuple[int, int]
) -> int:
    if s.percentage is not None:
        # Reps a lifter has at this % of a TM that is 90 % of their 1RM (Epley, inverted),
        # minus what was left in the tank.
        fraction = float(s.percentage) * 0.9 / 100
        return max(1, int(30 * (1 / fraction - 1)) - rng.randint(0, 2))
    before = [x.reps for x in session if x.exercise_id == s.exercise_id and x.reps]
    return (before[-1] if before else 8) + rng.randint(*extra)


def _adult_story(
    w: StoryWriter,
    rng: random.Random,
    *,
    block: Block,
    tm_rows: Sequence[tuple[str, dt.date, float]],
    accessories: Mapping[str, float],
    amrap_extra: tuple[int, int] = (2, 4),
    base_rpe: float = 7.5,
) -> list[Workout]:
    w.training_maxes(tm_rows)
    tms = TMs(tm_rows)

    def story(s: PrescribedSet, ctx: SessionCtx, session: list[PrescribedSet]) -> LoggedSet:
        ex = s.exercise
        weight = load_for(s, ctx.date, tms, accessories.get)
        reps = s.reps
        amrap = reps is None
        if amrap:
            reps = _amrap_reps(s, session, rng, amrap_extra)
        effort: Decimal | None = None
        if wants_rpe(ex, s.rep_type):
            if amrap:
                effort = rpe(9.0)
            elif s.target_rpe is not None:
                effort = rpe(float(s.target_rpe) + rng.choice((-0.5, 0.0, 0.0, 0.5)))
            else:
                rank = min(ramp_rank(s, session), 2)
                effort = rpe(base_rpe - 0.5 * rank + rng.choice((-0.5, 0.0, 0.5)))
        return LoggedSet(ex.name, reps, s.rep_type, weight, effort, is_amrap=amrap)

    w.block(block, story, 1, {})
    return w.flush()


# --- the cast ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cast:
    profile: Profile
    coach: str  # "dana" or "sam"
    build: Callable[[StoryWriter, random.Random], None]
    login: str | None = None


def _cast(today: dt.date) -> list[Cast]:
    series_start = monday(today) - dt.timedelta(weeks=11)
    recent = lambda weeks: monday(today) - dt.timedelta(weeks=weeks)  # noqa: E731

    def approve_some(w: StoryWriter, workouts: list[Workout], rng: random.Random) -> None:
        cutoff = monday(today) - dt.timedelta(weeks=1)
        w.reviews(
            workouts,
            lambda wk: (
                (ReviewStatus.APPROVED, rng.choice(("Good work.", "", "Strong session.")))
                if wk.date < cutoff and wk.date.weekday() == 0
                else None
            ),
        )

    def maria(w: StoryWriter, rng: random.Random) -> None:
        start = recent(3)
        workouts = _adult_story(
            w,
            rng,
            block=Block(
                FIVE_THREE_ONE, start, FOUR_DAYS, cycle_goal="Build toward a 800 lb total."
            ),
            tm_rows=[
                ("Back Squat", start, 255),
                ("Bench Press", start, 165),
                ("Deadlift", start, 300),
                ("Overhead Press", start, 105),
            ],
            accessories={
                "Chin-Up": 0,
                "Hanging Leg Raise": 0,
                "One-Arm Dumbbell Row": 55,
                "Ab Wheel Rollout": 0,
            },
        )
        approve_some(w, workouts, rng)
        w.notes([(start, "New 5/3/1 cycle; TMs set at 90 % of last meet's lifts.", False, False)])

    def james(w: StoryWriter, rng: random.Random) -> None:
        start = recent(4)
        raise_on = start + dt.timedelta(weeks=2)
        workouts = _adult_story(
            w,
            rng,
            block=Block(LINEAR, start, THREE_DAYS, cycle_goal="First three months of lifting."),
            tm_rows=[
                ("Back Squat", start, 205),
                ("Bench Press", start, 165),
                ("Overhead Press", start, 105),
                ("Deadlift", start, 255),
                ("Back Squat", raise_on, 215),
                ("Bench Press", raise_on, 170),
                ("Overhead Press", raise_on, 110),
                ("Deadlift", raise_on, 265),
            ],
            accessories={"Barbell Row": 115, "Plank": 0, "Chin-Up": 0},
        )
        approve_some(w, workouts, rng)
        w.notes(
            [
                (
                    raise_on,
                    "First loop done, every set clean: TMs raised by the suggested increments.",
                    False,
                    False,
                )
            ]
        )

    def priya(w: StoryWriter, rng: random.Random) -> None:
        start = recent(3)
        workouts = _adult_story(
            w,
            rng,
            block=Block(GZCL, start, FOUR_DAYS, cycle_goal="Strength base for her first meet."),
            tm_rows=[
                ("Back Squat", start, 185),
                ("Bench Press", start, 115),
                ("Deadlift", start, 225),
                ("Overhead Press", start, 80),
            ],
            accessories={
                "Lat Pulldown": 70,
                "Face Pull": 30,
                "One-Arm Dumbbell Row": 35,
                "Dumbbell Lateral Raise": 10,
                "Triceps Pushdown": 40,
            },
            amrap_extra=(1, 3),
        )
        approve_some(w, workouts, rng)

    def derek(w: StoryWriter, rng: random.Random) -> None:
        start = recent(2)
        workouts = _adult_story(
            w,
            rng,
            block=Block(CONDITIONING, start, THREE_DAYS, cycle_goal="Lose 15 lb, run a 5K."),
            tm_rows=[],
            accessories={
                "Kettlebell Swing": 35,
                "Goblet Squat": 40,
                "Dumbbell Thruster": 25,
                "Sled Push": 90,
                "Farmer's Carry": 50,
            },
            base_rpe=7.0,
        )
        approve_some(w, workouts, rng)
        w.body_weights(
            (start + dt.timedelta(days=7 * i), 212 - 1.5 * i)
            for i in range(3)
            if start + dt.timedelta(days=7 * i) < today
        )

    def lily(w: StoryWriter, rng: random.Random) -> None:
        start = recent(3)
        workouts = _adult_story(
            w,
            rng,
            block=Block(YOUTH_20, start, THREE_DAYS, cycle_goal="Learn the basic movements."),
            tm_rows=[],
            accessories={},
            base_rpe=5.0,
        )
        approve_some(w, workouts, rng)
        w.notes(
            [
                (
                    start,
                    "Parents asked for general strength before soccer season. Keep it "
                    "fun; bodyweight and bands.",
                    False,
                    False,
                )
            ]
        )

    def marcus(w: StoryWriter, rng: random.Random) -> None:
        start = recent(2)
        _adult_story(
            w,
            rng,
            block=Block(LINEAR, start, THREE_DAYS, cycle_goal="Back to lifting after a year off."),
            tm_rows=[
                ("Back Squat", start, 185),
                ("Bench Press", start, 155),
                ("Overhead Press", start, 95),
                ("Deadlift", start, 225),
            ],
            accessories={"Barbell Row": 105, "Plank": 0, "Chin-Up": 0},
        )

    def adult(
        name: str, age: int, goal: str, notes: str, gym: tuple[str, ...], weeks: int
    ) -> Profile:
        return Profile(
            name=name,
            sport="",
            tier=AthleteTier.NONE,
            goal=goal,
            notes=notes,
            date_of_birth=years_before(today, age) - dt.timedelta(days=45),
            equipment=gym,
            created=recent(weeks) - dt.timedelta(days=3),
        )

    return [
        Cast(
            Profile(
                name="Tommy Carter",
                sport="Football",
                tier=AthleteTier.SPORT_PERFORMANCE,
                goal="Stronger power clean and a faster first step for fall camp; play varsity "
                "linebacker.",
                notes="Linebacker, moving up to varsity. Trains in the school weight room "
                "Mon/Tue/Thu/Fri. Sister: Sarah Carter.",
                date_of_birth=years_before(today, 15) - dt.timedelta(days=120),
                equipment=SCHOOL_GYM,
                created=series_start - dt.timedelta(days=7),
            ),
            "dana",
            lambda w, rng: _tommy(w, series_start, rng),
            login="tommy",
        ),
        Cast(
            Profile(
                name="Sarah Carter",
                sport="Volleyball",
                tier=AthleteTier.SPORT_PERFORMANCE,
                goal="Higher vertical jump and stronger shoulders for club volleyball.",
                notes="Outside hitter, club volleyball. Trains at home (dumbbells, one "
                "kettlebell, bands). Brother: Tommy Carter.",
                date_of_birth=years_before(today, 13) - dt.timedelta(days=200),
                equipment=HOME_GYM,
                created=series_start - dt.timedelta(days=7),
            ),
            "dana",
            lambda w, rng: _sarah(w, series_start, rng),
        ),
        Cast(
            adult(
                "Maria Lopez",
                34,
                "Total 800 lb at a local powerlifting meet this year.",
                "Competitive powerlifter, 148 lb class.",
                COMMERCIAL_GYM,
                3,
            ),
            "dana",
            maria,
        ),
        Cast(
            adult(
                "James Whitaker",
                27,
                "Squat 315 lb by the end of the year.",
                "Started lifting this spring; garage gym.",
                ("Barbell", "Squat Rack", "Bench", "Pull-Up Bar", "Dumbbells"),
                4,
            ),
            "dana",
            james,
        ),
        Cast(
            adult(
                "Priya Natarajan",
                41,
                "Deadlift twice body weight.",
                "Masters lifter; left shoulder surgery in 2019, presses pain-free.",
                (*COMMERCIAL_GYM, "Rowing Machine"),
                3,
            ),
            "dana",
            priya,
        ),
        Cast(
            adult(
                "Derek Owens",
                38,
                "Lose 15 lb and run a 5K under 28 minutes.",
                "Office worker; trains before work.",
                ("Kettlebell", "Dumbbells", "Rowing Machine", "Air Bike", "Sled", "Jump Rope"),
                2,
            ),
            "dana",
            derek,
        ),
        Cast(
            Profile(
                name="Lily Nguyen",
                sport="Soccer",
                tier=AthleteTier.FOUNDATIONAL,
                goal="Get strong and confident for soccer; learn to lift safely.",
                notes="First year of strength training.",
                date_of_birth=years_before(today, 11) - dt.timedelta(days=90),
                equipment=("Dumbbells", "Resistance Bands", "Jump Rope"),
                created=recent(3) - dt.timedelta(days=3),
            ),
            "dana",
            lily,
        ),
        Cast(
            adult(
                "Marcus Hill",
                30,
                "Regain a 300 lb squat.",
                "Coached by Sam Patel.",
                ("Barbell", "Squat Rack", "Bench", "Pull-Up Bar"),
                2,
            ),
            "sam",
            marcus,
        ),
    ]


# --- entry point -------------------------------------------------------------------------------


class _PasswordHash:
    """The demo password, hashed once and only if a user is created (hashing is slow)."""

    def __init__(self) -> None:
        self._value: str | None = None

    def __str__(self) -> str:
        if self._value is None:
            self._value = make_password(DEMO_PASSWORD)
        return self._value


def _user(
    username: str, *, first: str, last: str, role: str, staff: bool, password: _PasswordHash
) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create(
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@replog.example",
            role=role,
            is_staff=staff,
            is_superuser=staff,
            password=str(password),
        )
    return user


def demo_seed(*, today: dt.date | None = None) -> DemoSummary:
    """Create (or complete) the demo: logins, coaches, athletes and their histories."""
    from programs.catalog.seed import seed_catalog_load

    today = today or timezone.localdate()
    summary = DemoSummary()
    summary.catalog_loaded = seed_catalog_load() is not None
    cat = Catalog()
    password = _PasswordHash()

    with transaction.atomic():
        _user(
            "admin",
            first="Ada",
            last="Admin",
            role=Role.COACH,
            staff=True,
            password=password,
        )
        dana = _user(
            "coach",
            first="Dana",
            last="Reyes",
            role=Role.COACH,
            staff=False,
            password=password,
        )
        sam = _user(
            "coach2",
            first="Sam",
            last="Patel",
            role=Role.COACH,
            staff=False,
            password=password,
        )
    for user in (dana, sam):
        if not (user.is_coach or user.is_admin):
            raise DemoDataError(
                f"User “{user.username}” already exists and is not an active coach; the demo "
                "athletes cannot be given to it. Rename that user or use a fresh database."
            )
    coaches = {"dana": dana, "sam": sam}

    for cast in _cast(today):
        coach = coaches[cast.coach]
        with transaction.atomic():
            athlete = Athlete.objects.filter(name=cast.profile.name, coach=coach).first()
            if athlete is None:
                athlete = _create_athlete(cat, cast, coach, today)
                summary.created.append(cast.profile.name)
            else:
                summary.kept.append(cast.profile.name)
            if cast.login:
                _link_login(athlete, cast.login, password)

    summary.counts = {
        "athletes": Athlete.objects.count(),
        "workouts": Workout.objects.count(),
        "sets": WorkoutSet.objects.count(),
        "reviews": WorkoutReview.objects.count(),
        "notes": AthleteNote.objects.count(),
        "training maxes": TrainingMax.objects.count(),
        "body weights": BodyWeight.objects.count(),
        "exercises": Exercise.objects.count(),
        "programs": ProgramTemplate.objects.filter(owner__isnull=True).count(),
    }
    return summary


def _create_athlete(cat: Catalog, cast: Cast, coach: User, today: dt.date) -> Athlete:
    p = cast.profile
    athlete = Athlete.objects.create(
        name=p.name,
        tier=p.tier,
        goal=p.goal,
        sport=p.sport,
        notes=p.notes,
        date_of_birth=p.date_of_birth,
        coach=coach,
        created_at=at(p.created, 10),
    )
    writer = StoryWriter(cat, athlete, coach, today)
    writer.equipment(p.equipment)
    writer.history(p)
    # Seeded per athlete: the same story on every run, whatever the order.
    cast.build(writer, random.Random(p.name))  # noqa: S311
    return athlete


def _link_login(athlete: Athlete, username: str, password: _PasswordHash) -> None:
    first, _, last = athlete.name.partition(" ")
    user = _user(
        username,
        first=first,
        last=last,
        role=Role.ATHLETE,
        staff=False,
        password=password,
    )
    if athlete.user_id is None and not Athlete.objects.filter(user=user).exists():
        athlete.user = user
        athlete.save(update_fields=["user"])
