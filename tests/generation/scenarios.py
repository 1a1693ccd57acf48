"""A suite of athletes built to stress the rules engine, on the seed catalog and the demo story:
each scenario is an athlete, a source program, the numbers the packet states and a request.
`tests/generation/test_scenarios.py` holds every draft to the checker and the hard constraints;
`make bench` prints the same figures for both engines (bench/drafts.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from athletes.models import Athlete, AthleteEquipment, AthleteProgram, TrainingMax, User
from generation.engines.base import GenerationRequest
from generation.packet import ExerciseSummary, HealthFlag, Packet, build_packet
from generation.packet.models import (
    BodyWeight,
    Completion,
    MissedWeek,
    Note,
    Plateau,
    SessionLine,
    Trend,
)
from programs.models import Equipment, Exercise, PrescribedSet, ProgramTemplate, ProgressionRule

TODAY = dt.date(2026, 3, 25)
ADULT, YOUTH = dt.date(1990, 1, 1), dt.date(2012, 5, 1)
GYM = ("Barbell", "Squat Rack", "Bench", "Dumbbells", "Pull-Up Bar", "Plyo Box", "Trap Bar")

# One source session: (exercise, sets, reps, % of TM or None, absolute load or None, rep type)
Row = tuple[str, int, int, float | None, float | None, str]


@dataclass
class Scenario:
    name: str
    what: str  # the stress it puts on the rules
    build: Callable[[User], Packet]
    request: dict[str, Any] = field(default_factory=dict)

    def generation_request(self) -> GenerationRequest:
        fields: dict[str, Any] = {
            "program_name": f"{self.name} — next block",
            "days_per_week": 2,
            "weeks": 4,
        }
        return GenerationRequest(**(fields | self.request))


def lift(
    name: str,
    *,
    rpe: float | None = 6.5,
    completion: float = 100,
    trend: str = "stable",
    plateau: str = "",
    last: str = "",
    replaces: Iterable[str] = (),
) -> ExerciseSummary:
    """One exercise's numbers as the packet states them."""
    points = 8 if rpe is not None else 0
    return ExerciseSummary(
        name=name,
        sessions=8,
        avg_rpe=None if rpe is None else float(rpe),
        rpe_trend=Trend(direction=trend if points else "insufficient data", points=points),
        volume_trend=Trend(direction="stable", points=8),
        completion=Completion(
            rate_pct=float(completion), logged_sets=24, prescribed_sets=24, sessions=8
        ),
        plateau=Plateau(flagged=bool(plateau), reason=plateau),
        replaces=list(replaces),
        recent_sessions=[SessionLine(date=TODAY - dt.timedelta(days=2), sets=last)] if last else [],
    )


def flag(part: str, text: str, *, days_ago: int = 10, source: str = "coach note") -> HealthFlag:
    when = TODAY - dt.timedelta(days=days_ago)
    return HealthFlag(date=when, source=source, body_parts=[part], terms=["sore"], text=text)


def athlete(coach: User, name: str, *, born: dt.date = ADULT, tier: str = "none",
            owns: Iterable[str] = GYM) -> Athlete:  # fmt: skip
    a = Athlete.objects.create(name=name, date_of_birth=born, tier=tier, coach=coach)
    for item in owns:
        AthleteEquipment.objects.create(athlete=a, equipment=Equipment.objects.get(name=item))
    return a


def program(a: Athlete, days: dict[int, list[Row]], *, rules: dict[str, float] | None = None,
            tms: dict[str, float] | None = None) -> None:  # fmt: skip
    """A one-week source program, assigned as the current one, with its training maxes."""
    t = ProgramTemplate.objects.create(name=f"{a.name} — block", num_weeks=1,
                                       num_days=len(days), owner=a)  # fmt: skip
    ex = {e.name: e for e in Exercise.objects.all()}
    for day, rows in days.items():
        for order, (name, sets, reps, pct, weight, rep_type) in enumerate(rows, start=1):
            PrescribedSet.objects.bulk_create(
                PrescribedSet(template=t, exercise=ex[name], week=1, day=day, set_number=n,
                              reps=reps, rep_type=rep_type, sort_order=order,
                              percentage=None if pct is None else Decimal(str(pct)),
                              absolute_weight=None if weight is None else Decimal(str(weight)))
                for n in range(1, sets + 1)
            )  # fmt: skip
    for name, increment in (rules or {}).items():
        ProgressionRule.objects.create(template=t, exercise=ex[name], increment=Decimal(increment))
    for name, weight in (tms or {}).items():
        TrainingMax.objects.create(athlete=a, exercise=ex[name], weight=Decimal(str(weight)),
                                   effective_date=TODAY - dt.timedelta(days=30))  # fmt: skip
    AthleteProgram.objects.create(athlete=a, template=t, start_date=TODAY - dt.timedelta(28))


def packet(a: Athlete, *lifts: ExerciseSummary, flags: Iterable[HealthFlag] = (),
           adherence: float = 100, pinned: Iterable[Note] = (),
           growth: bool = False) -> Packet:  # fmt: skip
    p = build_packet(a, today=TODAY)
    missed = [] if adherence >= 90 else [MissedWeek(week=TODAY - dt.timedelta(days=14),
              prescribed=2, logged=1, reasons=["exam week"])]  # fmt: skip
    weight = None
    if growth:
        weight = BodyWeight(unit="lbs", direction="rising", rapid_change=True,
                            flag="rapid gain: +3.1 % of body weight per month (threshold 1.5 %)"
                                 " — possible growth spurt")  # fmt: skip
    return p.model_copy(update={
        "exercises": list(lifts), "other_exercises": [], "other_exercises_count": 0,
        "body_weight": weight,
        "notes": p.notes.model_copy(update={"health_flags": list(flags), "pinned": list(pinned)}),
        "adherence": p.adherence.model_copy(update={"rate_pct": float(adherence),
                                                  "missed_weeks": missed}),
    })  # fmt: skip


R = "reps"
STRENGTH: dict[int, list[Row]] = {
    1: [("Back Squat", 3, 5, 80, None, R), ("Bench Press", 3, 5, 80, None, R),
        ("Romanian Deadlift", 3, 8, None, 135, R), ("Plank", 3, 30, None, 0, "seconds")],
    2: [("Trap Bar Deadlift", 3, 5, 80, None, R), ("Overhead Press", 3, 5, 75, None, R),
        ("Pull-Up", 3, 8, None, 0, R), ("Box Jump", 3, 3, None, 0, R)],
}  # fmt: skip
TMS = {"Back Squat": 300, "Bench Press": 220, "Trap Bar Deadlift": 350, "Overhead Press": 135}
EASY = [lift("Back Squat"), lift("Bench Press"), lift("Trap Bar Deadlift"), lift("Overhead Press"),
        lift("Romanian Deadlift", last="3×8@135")]  # fmt: skip
KNEE = "Left knee sore after box jumps: no deep knee-dominant plyos for now."
SHOULDER = "Right shoulder pinches overhead — keep pressing light."


def youth_no_tm(coach: User) -> Packet:
    a = athlete(coach, "Yuki Young", born=YOUTH, tier="sport_performance")
    program(a, {1: [("Goblet Squat", 3, 8, None, 25, R), ("Box Jump", 3, 3, None, 0, R),
                    ("Dumbbell Bench Press", 3, 8, 70, None, R)],
                2: [("Dumbbell Romanian Deadlift", 3, 8, None, 20, R),
                    ("One-Arm Dumbbell Row", 3, 8, None, 20, R)]})  # fmt: skip
    return packet(a, lift("Goblet Squat", rpe=6, last="3×8@25"),
                  lift("Dumbbell Bench Press", rpe=6, last="3×8@15"),
                  lift("Dumbbell Romanian Deadlift", rpe=6, last="3×8@20"),
                  lift("One-Arm Dumbbell Row", rpe=6.2, last="3×8@20"))  # fmt: skip


def two_injuries(coach: User) -> Packet:
    a = athlete(coach, "Ivan Twice")
    program(a, STRENGTH, tms=TMS)
    return packet(a, *EASY, flags=[flag("knee", KNEE), flag("shoulder", SHOULDER, days_ago=5)])


def dumbbell_only(coach: User) -> Packet:
    a = athlete(coach, "Dana Dumbbell", owns=("Dumbbells",))
    program(a, STRENGTH, tms=TMS)
    return packet(a, *EASY, lift("Goblet Squat", last="3×8@50", replaces=["Back Squat"]))


def plateau_two(coach: User) -> Packet:
    a = athlete(coach, "Pat Plateau")
    days = {1: STRENGTH[1], 2: [*STRENGTH[2], ("Back Squat", 3, 5, 75, None, R)]}
    program(a, days, tms=TMS)
    stuck = "TM unchanged over the last 6 sessions"
    return packet(a, lift("Back Squat", rpe=7, plateau=stuck), lift("Bench Press", rpe=7,
                  plateau=stuck), lift("Trap Bar Deadlift"), lift("Overhead Press"))  # fmt: skip


def low_adherence(coach: User) -> Packet:
    a = athlete(coach, "Lou Seldom")
    program(a, STRENGTH, tms=TMS)
    return packet(a, *EASY, adherence=55)


def five_three_one(coach: User) -> Packet:
    a = athlete(coach, "Maria Wendler")
    week = {1: [("Back Squat", 3, 5, 85, None, R), ("Bench Press", 3, 5, 85, None, R)],
            2: [("Deadlift", 3, 5, 85, None, R),
                ("Overhead Press", 3, 5, 85, None, R)]}  # fmt: skip
    program(a, week, rules={"Back Squat": 10, "Deadlift": 10, "Bench Press": 5,
                            "Overhead Press": 5},
            tms={"Back Squat": 285, "Deadlift": 355, "Bench Press": 195,
                 "Overhead Press": 120})  # fmt: skip
    return packet(a, lift("Back Squat"), lift("Deadlift"), lift("Bench Press", rpe=8.7),
                  lift("Overhead Press", trend="rising"))  # fmt: skip


def growth_spurt(coach: User) -> Packet:
    a = athlete(coach, "Gabe Growing", born=YOUTH, tier="sport_performance")
    program(a, STRENGTH, tms=TMS)
    return packet(a, *EASY, growth=True)


def event_note(coach: User) -> Packet:
    a = athlete(coach, "Tess Tryouts", born=YOUTH, tier="sport_performance")
    program(a, STRENGTH, tms=TMS)
    note = Note(date=TODAY - dt.timedelta(days=3), pinned=True,
                text="Tryouts in three weeks: keep jump volume moderate.")  # fmt: skip
    return packet(a, *EASY, pinned=[note])


def plain(name: str) -> Callable[[User], Packet]:
    def build(coach: User) -> Packet:
        a = athlete(coach, name)
        program(a, STRENGTH, tms=TMS)
        return packet(a, *EASY)

    return build


def crowded_day(coach: User) -> Packet:
    a = athlete(coach, "Cora Crowded")
    rows = [*STRENGTH[1], ("Side Plank", 2, 30, None, 0, "seconds"), ("Dead Bug", 2, 10, None,
            0, R), ("Farmer's Carry", 2, 40, None, 70, "distance")]  # fmt: skip
    program(a, {1: rows, 2: STRENGTH[2]}, tms=TMS)
    return packet(a, *EASY)


SCENARIOS: tuple[Scenario, ...] = (
    Scenario("Youth, no TMs", "absolute loads from logs, one increment a week", youth_no_tm),
    Scenario("Two injuries", "knee and shoulder: swaps keep pattern and region", two_injuries),
    Scenario("Dumbbell only", "equipment swaps, own swap preferred", dumbbell_only),
    Scenario("Plateau on two lifts", "variations on the second day", plateau_two),
    Scenario("Low adherence", "55 %: nothing past the standard step", low_adherence),
    Scenario("5/3/1 lifter", "progression through the TM, not the %", five_three_one),
    Scenario("Growth spurt", "youth: spinal loads held, TMs not raised", growth_spurt),
    Scenario("Event in a note", "tryouts → taper; jump volume down", event_note),
    Scenario("Direction: volume", "more pulling, less jumping", plain("Vic Volume"),
             {"coach_directions": "More pulling volume. Keep jump volume low."}),
    Scenario("Direction: avoid", "no overhead pressing", plain("Ava Avoid"),
             {"coach_directions": "No overhead pressing this block."}),
    Scenario("Direction: keep + event", "keep a lift; a meet date; one it cannot read",
             plain("Kim Keeper"),
             {"coach_directions": "Keep the box jump. Meet on 2026-04-12. Make it fun!"}),
    Scenario("Crowded day", "the exercises-a-day cap says what it removes", crowded_day,
             {"max_exercises_per_day": 5}),
)  # fmt: skip


def clear_everything() -> None:
    """Remove what a module-scoped seed committed (demo, catalog, scenarios), in an order the
    protected foreign keys allow."""
    from generation.models import GenerationRun
    from programs.models import ImportDraft

    GenerationRun.objects.all().delete()
    AthleteProgram.objects.all().delete()
    ProgramTemplate.objects.filter(owner__isnull=False).delete()
    Athlete.objects.all().delete()
    User.objects.all().delete()
    ImportDraft.objects.all().delete()
    ProgramTemplate.objects.all().delete()
    Exercise.objects.all().delete()
    Equipment.objects.all().delete()
