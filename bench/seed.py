"""Many athletes with months of realistic history, fast (bulk inserts), for the benchmark.

Each athlete gets the equipment their program needs, an own copy of one of the seed catalog's
adult programs ("<name> Strength — Month N", the current primary program), training maxes
raised every four weeks, and one logged workout per prescribed session on Mon/Wed/Fri(/Sat)
with loads from the training max, RPEs that drift per athlete, a few skipped sessions and sets,
weekly body weights and coach notes. Deterministic for a given seed.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
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
    Role,
    TrainingMax,
    User,
    Workout,
    WorkoutSet,
)
from programs.models import (
    ExerciseEquipment,
    PrescribedSet,
    ProgramTemplate,
    RepType,
    global_programs,
)

SEED_PROGRAMS = (
    "5/3/1 Strength — 4-Week Loop",
    "Linear Progression 3×5 — 3 Day",
    "GZCL T1/T2/T3 — 4 Day",
)
DAY_OFFSETS = {2: (0, 3), 3: (0, 2, 4), 4: (0, 1, 3, 4), 5: (0, 1, 2, 3, 4)}
FIRST_NAMES = [
    "Avery",
    "Blake",
    "Casey",
    "Devon",
    "Emery",
    "Finley",
    "Gray",
    "Harper",
    "Indy",
    "Jordan",
    "Kai",
    "Logan",
    "Morgan",
    "Noel",
    "Oakley",
    "Parker",
    "Quinn",
    "Reese",
    "Sage",
    "Taylor",
]


@dataclass(frozen=True)
class Seeded:
    coach: User
    athletes: list[Athlete]
    workouts: int
    sets: int


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _round5(value: float) -> Decimal:
    return Decimal(int(value / 5 + 0.5) * 5)


def seed_athletes(
    count: int,
    *,
    weeks: int = 26,
    coach_username: str = "bench-coach",
    prefix: str = "",
    seed: int = 7,
    today: dt.date | None = None,
) -> Seeded:
    rng = random.Random(seed)
    today = today or timezone.localdate()
    coach, _ = User.objects.get_or_create(
        username=coach_username,
        defaults={"role": Role.COACH, "password": make_password(None)},
    )
    templates = list(
        ProgramTemplate.objects.filter(global_programs(), name__in=SEED_PROGRAMS).prefetch_related(
            "sets__exercise"
        )
    )
    if not templates:
        raise SystemExit("The seed catalog is not loaded (its programs are missing).")
    needs = {
        t.pk: set(
            ExerciseEquipment.objects.filter(
                exercise__prescribed_sets__template=t, optional=False
            ).values_list("equipment_id", flat=True)
        )
        for t in templates
    }
    with transaction.atomic():
        athletes = Athlete.objects.bulk_create(
            Athlete(
                name=f"{prefix}{FIRST_NAMES[n % len(FIRST_NAMES)]} {n + 1:03d}",
                tier=AthleteTier.INTERMEDIATE if n % 3 else AthleteTier.SPORT_PERFORMANCE,
                goal="Get stronger for the season",
                coach=coach,
                date_of_birth=dt.date(1995 + n % 10, 1 + n % 12, 1 + n % 28),
            )
            for n in range(count)
        )
        start = _monday(today) - dt.timedelta(weeks=weeks)
        months = max(1, weeks // 4)
        owned: list[ProgramTemplate] = []
        chosen: list[ProgramTemplate] = []
        for n, athlete in enumerate(athletes):
            base = templates[n % len(templates)]
            chosen.append(base)
            owned.append(
                ProgramTemplate(
                    name=f"{athlete.name.split()[0]} Strength — Month {months}",
                    num_weeks=base.num_weeks,
                    num_days=base.num_days,
                    is_loop=True,
                    audience=base.audience,
                    owner=athlete,
                )
            )
        ProgramTemplate.objects.bulk_create(owned)
        AthleteEquipment.objects.bulk_create(
            AthleteEquipment(athlete=a, equipment_id=e)
            for a, base in zip(athletes, chosen, strict=True)
            for e in sorted(needs[base.pk])
        )
        prescribed = [
            PrescribedSet(
                template=own,
                exercise=ps.exercise,
                week=ps.week,
                day=ps.day,
                set_number=ps.set_number,
                reps=ps.reps,
                rep_type=ps.rep_type,
                percentage=ps.percentage,
                absolute_weight=ps.absolute_weight,
                sort_order=ps.sort_order,
                notes=ps.notes,
                target_rpe=ps.target_rpe,
            )
            for own, base in zip(owned, chosen, strict=True)
            for ps in base.sets.all()
        ]
        PrescribedSet.objects.bulk_create(prescribed, batch_size=2000)
        assignments = AthleteProgram.objects.bulk_create(
            AthleteProgram(athlete=a, template=t, start_date=start, cycle_goal="Build strength")
            for a, t in zip(athletes, owned, strict=True)
        )

        maxes: list[TrainingMax] = []
        weights: list[BodyWeight] = []
        notes: list[AthleteNote] = []
        workouts: list[Workout] = []
        plans: list[tuple[Workout, list[PrescribedSet], dict[int, float], float]] = []
        for athlete, base, assignment in zip(athletes, chosen, assignments, strict=True):
            by_session: dict[tuple[int, int], list[PrescribedSet]] = {}
            for ps in base.sets.all():
                by_session.setdefault((ps.week, ps.day), []).append(ps)
            lifts = sorted({ps.exercise_id for ps in base.sets.all() if ps.percentage is not None})
            tm = {ex: float(rng.randrange(95, 300, 5)) for ex in lifts}
            drift = rng.uniform(-0.04, 0.04)  # per-athlete RPE trend
            session = 0
            for w in range(weeks + 1):
                week_start = start + dt.timedelta(weeks=w)
                if week_start > today:
                    break
                if w % 4 == 0:
                    for ex in lifts:
                        tm[ex] += 5 if w else 0
                        maxes.append(
                            TrainingMax(
                                athlete=athlete,
                                exercise_id=ex,
                                weight=Decimal(str(tm[ex])),
                                effective_date=week_start,
                            )
                        )
                weights.append(
                    BodyWeight(
                        athlete=athlete,
                        date=week_start,
                        weight=Decimal(str(round(160 + w * 0.2 + rng.uniform(-1, 1), 1))),
                    )
                )
                if w % 2 == 0:
                    notes.append(
                        AthleteNote(
                            athlete=athlete,
                            author=coach,
                            date=week_start,
                            content=rng.choice(
                                (
                                    "Moved well; bar speed good on the main lift.",
                                    "Tired after exams, kept the top sets honest.",
                                    "Left knee a bit sore on deep squats, no pain on pulls.",
                                    "Great session, asked for more upper-body volume.",
                                )
                            ),
                            is_private=w % 4 == 0,
                        )
                    )
                for offset in DAY_OFFSETS.get(base.num_days, DAY_OFFSETS[3]):
                    day = week_start + dt.timedelta(days=offset)
                    if day >= today:
                        break
                    if rng.random() < 0.08:  # a missed session
                        continue
                    prog_week = (session // base.num_days) % base.num_weeks + 1
                    prog_day = session % base.num_days + 1
                    session += 1
                    workout = Workout(
                        athlete=athlete,
                        date=day,
                        assignment=assignment,
                        week=prog_week,
                        day=prog_day,
                        notes="Felt strong" if rng.random() < 0.15 else "",
                    )
                    workouts.append(workout)
                    rpe_base = 7.2 + drift * w + rng.uniform(-0.4, 0.4)
                    plans.append(
                        (workout, by_session.get((prog_week, prog_day), []), dict(tm), rpe_base)
                    )
        TrainingMax.objects.bulk_create(maxes, batch_size=2000)
        BodyWeight.objects.bulk_create(weights, batch_size=2000)
        AthleteNote.objects.bulk_create(notes, batch_size=2000)
        Workout.objects.bulk_create(workouts, batch_size=2000)
        sets: list[WorkoutSet] = []
        for workout, rows, tm_now, rpe_base in plans:
            for ps in rows:
                if rng.random() < 0.05:  # a skipped set
                    continue
                amrap = ps.reps is None
                reps = ps.reps if ps.reps is not None else rng.randint(5, 12)
                if ps.percentage is not None and ps.exercise_id in tm_now:
                    weight: Decimal | None = _round5(
                        tm_now[ps.exercise_id] * float(ps.percentage) / 100
                    )
                else:
                    weight = ps.absolute_weight
                rpe = None
                if ps.rep_type == RepType.REPS:
                    rpe = Decimal(str(round(min(10.0, max(5.0, rpe_base + rng.uniform(-1, 1))), 1)))
                sets.append(
                    WorkoutSet(
                        workout=workout,
                        exercise_id=ps.exercise_id,
                        set_number=ps.set_number,
                        reps=reps,
                        rep_type=ps.rep_type,
                        weight=weight,
                        rpe=rpe,
                        is_amrap=amrap,
                    )
                )
        WorkoutSet.objects.bulk_create(sets, batch_size=5000)
    return Seeded(coach=coach, athletes=athletes, workouts=len(workouts), sets=len(sets))
