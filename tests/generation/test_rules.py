"""The built-in rules engine, rule by rule, on hand-made packets: a small catalog and program in
the database (factories), the athlete's numbers written into the packet by hand."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from athletes import models as am
from generation.constraints import enforce
from generation.engines.base import Draft, GenerationRequest
from generation.engines.rules import THRESHOLDS, RulesEngine
from generation.packet import ExerciseSummary, HealthFlag, Packet, build_packet, packet_json
from generation.packet.models import Completion, OtherExercise, Plateau, SessionLine, Trend
from programs import models as pm
from programs.catalog.parse import parse_catalog
from tests.factories import (
    AthleteEquipmentFactory,
    AthleteProgramFactory,
    ExerciseEquipmentFactory,
    PrescribedSetFactory,
    ProgressionRuleFactory,
    TrainingMaxFactory,
    WorkoutFactory,
    WorkoutSetFactory,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 25)
ADULT = dt.date(1990, 1, 1)
YOUTH = dt.date(2010, 5, 1)
KNEE = "Left knee sore after the box jumps — no deep knee-dominant plyos for now."

# name, movement pattern, tier, required equipment
CATALOG: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("Back Squat", "squat", "", ("Barbell",)),
    ("Front Squat", "squat", "", ("Barbell",)),
    ("Goblet Squat", "squat", "foundational", ("Dumbbells",)),
    ("Dumbbell Front Squat", "squat", "", ("Dumbbells",)),
    ("Bodyweight Squat", "squat", "foundational", ()),
    ("Bench Press", "horizontal_push", "", ("Barbell",)),
    ("Dumbbell Floor Press", "horizontal_push", "foundational", ("Dumbbells",)),
    ("Push-Up", "horizontal_push", "foundational", ()),
    ("Feet-Elevated Push-Up", "horizontal_push", "", ()),
    ("Power Clean", "olympic", "sport_performance", ("Barbell",)),
    ("Hang Power Clean", "olympic", "sport_performance", ("Barbell",)),
    ("Dumbbell Power Clean", "olympic", "sport_performance", ("Dumbbells",)),
    ("Depth Jump", "plyometric", "sport_performance", ("Plyo Box",)),
    ("Medicine Ball Chest Pass", "plyometric", "sport_performance", ()),
    ("Romanian Deadlift", "hinge", "", ("Barbell",)),
    ("Nordic Hamstring Curl", "hinge", "", ()),
    ("Glute Bridge", "hinge", "foundational", ()),
    ("Plank", "core", "foundational", ()),
    ("Band Row", "horizontal_pull", "foundational", ("Resistance Bands",)),
    ("Trap Bar Carry", "carry", "", ("Trap Bar",)),
    ("World's Greatest Stretch", "mobility", "foundational", ()),
)
EQUIPMENT = ("Barbell", "Dumbbells", "Plyo Box", "Resistance Bands", "Trap Bar")


@dataclass
class Gym:
    equipment: dict[str, pm.Equipment]
    exercises: dict[str, pm.Exercise]
    coach: am.User

    def athlete(
        self, name: str, *, born: dt.date = ADULT, tier: str = "none", owns: Iterable[str] = ()
    ) -> am.Athlete:
        athlete = am.Athlete.objects.create(
            name=name, date_of_birth=born, tier=tier, coach=self.coach
        )
        for item in owns:
            AthleteEquipmentFactory(athlete=athlete, equipment=self.equipment[item])
        return athlete

    def tm(self, athlete: am.Athlete, exercise: str, weight: int) -> None:
        TrainingMaxFactory(
            athlete=athlete,
            exercise=self.exercises[exercise],
            weight=Decimal(weight),
            effective_date=TODAY - dt.timedelta(days=30),
        )


@dataclass(frozen=True)
class S:
    """Sets of one exercise in one session of a source program."""

    exercise: str
    count: int = 3
    reps: int | None = 5
    week: int = 1
    day: int = 1
    pct: tuple[float, ...] | float | None = None
    weight: float | None = None
    rep_type: str = "reps"
    rpe: float | None = None
    order: int = 1
    notes: str = ""


@pytest.fixture
def gym(db: None) -> Gym:
    equipment = {name: pm.Equipment.objects.create(name=name) for name in EQUIPMENT}
    exercises: dict[str, pm.Exercise] = {}
    for name, pattern, tier, needs in CATALOG:
        exercise = pm.Exercise.objects.create(name=name, movement_pattern=pattern, tier=tier)
        for item in needs:
            ExerciseEquipmentFactory(exercise=exercise, equipment=equipment[item])
        exercises[name] = exercise
    # No usable password: hashing one costs time and no test logs in.
    coach = am.User.objects.create(username="rules-coach", role=am.Role.COACH)
    return Gym(equipment, exercises, coach)


def template(
    gym: Gym,
    sets: Iterable[S],
    *,
    name: str = "Block 1",
    weeks: int = 1,
    days: int = 1,
    owner: am.Athlete | None = None,
    week_types: dict[int, str] | None = None,
    audience: str = "",
    description: str = "",
) -> pm.ProgramTemplate:
    program = pm.ProgramTemplate.objects.create(
        name=name,
        num_weeks=weeks,
        num_days=days,
        owner=owner,
        audience=audience,
        description=description,
        weeks=[
            {"week": w, "week_type": kind, "coach_notes": f"{kind} week"}
            for w, kind in (week_types or {}).items()
        ],
    )
    for s in sets:
        pcts = s.pct if isinstance(s.pct, tuple) else (s.pct,) * s.count
        for n in range(1, s.count + 1):
            PrescribedSetFactory(
                template=program,
                exercise=gym.exercises[s.exercise],
                week=s.week,
                day=s.day,
                set_number=n,
                reps=s.reps,
                rep_type=s.rep_type,
                percentage=None if pcts[n - 1] is None else Decimal(str(pcts[n - 1])),
                absolute_weight=None if s.weight is None else Decimal(str(s.weight)),
                sort_order=s.order,
                notes=s.notes,
                target_rpe=None if s.rpe is None or n < s.count else Decimal(str(s.rpe)),
            )
    return program


def assign(athlete: am.Athlete, program: pm.ProgramTemplate) -> None:
    AthleteProgramFactory(athlete=athlete, template=program, start_date=TODAY - dt.timedelta(28))


def lift(
    name: str,
    *,
    rpe: float | None = None,
    completion: float | None = 100.0,
    trend: str = "stable",
    plateau: str = "",
    replaces: Iterable[str] = (),
    last: str = "",
    tm: float | None = None,
    sessions: int = 8,
) -> ExerciseSummary:
    """One exercise's numbers as the packet states them."""
    return ExerciseSummary(
        name=name,
        sessions=sessions,
        avg_rpe=rpe,
        rpe_trend=Trend(
            direction=trend if rpe is not None else "insufficient data",
            points=8 if rpe is not None else 0,
        ),
        volume_trend=Trend(direction="stable", points=8),
        completion=None
        if completion is None
        else Completion(
            rate_pct=completion,
            logged_sets=round(24 * completion / 100),
            prescribed_sets=24,
            sessions=sessions,
        ),
        plateau=Plateau(flagged=bool(plateau), reason=plateau),
        replaces=list(replaces),
        current_tm=tm,
        recent_sessions=[SessionLine(date=TODAY - dt.timedelta(days=2), sets=last)] if last else [],
    )


def knee_flag(*, days_ago: int = 10, source: str = "coach note") -> HealthFlag:
    return HealthFlag(
        date=TODAY - dt.timedelta(days=days_ago),
        source=source,
        body_parts=["knee"],
        terms=["sore"],
        text=KNEE,
    )


def packet_for(
    athlete: am.Athlete,
    *exercises: ExerciseSummary,
    flags: Iterable[HealthFlag] = (),
    adherence: float = 100.0,
    other: Iterable[OtherExercise] = (),
) -> Packet:
    packet = build_packet(athlete, today=TODAY)
    others = list(other)
    return packet.model_copy(
        update={
            "exercises": list(exercises),
            "other_exercises": others,
            "other_exercises_count": len(others),
            "notes": packet.notes.model_copy(update={"health_flags": list(flags)}),
            "adherence": packet.adherence.model_copy(
                update={"rate_pct": adherence, "missed_weeks": []}
            ),
        }
    )


def request(**overrides: Any) -> GenerationRequest:
    fields: dict[str, Any] = {
        "program_name": "Block 2",
        "days_per_week": 1,
        "weeks": 1,
        "max_exercises_per_day": 6,
    }
    fields.update(overrides)
    return GenerationRequest(**fields)


def draft(packet: Packet, **overrides: Any) -> Draft:
    return RulesEngine().generate(packet, request(**overrides))


def program_of(d: Draft) -> dict[str, Any]:
    programs: list[dict[str, Any]] = d.catalog["programs"]
    assert len(programs) == 1
    return programs[0]


def rows(d: Draft, exercise: str | None = None, **where: int) -> list[dict[str, Any]]:
    return [
        r
        for r in program_of(d)["prescribed_sets"]
        if (exercise is None or r["exercise"] == exercise)
        and all(r[k] == v for k, v in where.items())
    ]


def names(d: Draft) -> set[str]:
    return {r["exercise"] for r in program_of(d)["prescribed_sets"]}


def line(d: Draft, start: str) -> str:
    found = [text for text in d.reasoning if text.startswith(start)]
    assert found, f"no reasoning line starts with {start!r}: {d.reasoning}"
    return found[0]


def pcts(d: Draft, exercise: str, **where: int) -> list[float | int | None]:
    return [r["percentage"] for r in rows(d, exercise, week=1, **where)]


# --- progress, hold, reduce --------------------------------------------------------------------


@pytest.fixture
def alex(gym: Gym) -> am.Athlete:
    athlete = gym.athlete("Alex Adult", owns=("Barbell", "Dumbbells", "Plyo Box"))
    for exercise, weight in (("Back Squat", 300), ("Bench Press", 200), ("Front Squat", 250)):
        gym.tm(athlete, exercise, weight)
    gym.tm(athlete, "Romanian Deadlift", 250)
    gym.tm(athlete, "Power Clean", 185)
    return athlete


def test_easy_and_complete_progresses_hard_holds_hard_and_incomplete_reduces(
    gym: Gym, alex: am.Athlete
) -> None:
    ramp = (70, 75, 80)
    assign(
        alex,
        template(
            gym,
            [
                S("Back Squat", pct=ramp, rpe=8),
                S("Bench Press", pct=ramp, order=2),
                S("Romanian Deadlift", reps=8, pct=60, order=3),
                S("Front Squat", pct=70, order=4),
            ],
        ),
    )
    packet = packet_for(
        alex,
        lift("Back Squat", rpe=6.5, completion=100),
        lift("Bench Press", rpe=8.6, completion=95),
        lift("Romanian Deadlift", rpe=8.8, completion=60),
        lift("Front Squat", rpe=6.5, completion=100, trend="rising"),
    )

    d = draft(packet)

    assert pcts(d, "Back Squat") == [75, 80, 85]
    assert "top set 80 → 85 % of the training max (+5 points), easy and complete" in line(
        d, "Back Squat:"
    )
    assert "avg RPE 6.5 (≤ 7)" in line(d, "Back Squat:")
    assert "completion 100 % (≥ 90 %)" in line(d, "Back Squat:")
    assert pcts(d, "Bench Press") == [70, 75, 80]
    assert "held at 80 % of the training max — avg RPE 8.6 (≥ 8.5)" in line(d, "Bench Press:")
    assert pcts(d, "Romanian Deadlift") == [55, 55, 55]
    assert "60 → 55 % of the training max (−5 points), reduced: hard and incomplete" in line(
        d, "Romanian Deadlift:"
    )
    assert "completion 60 % (< 70 %)" in line(d, "Romanian Deadlift:")
    # Rising RPE is never progressed at the standard step, whatever the average: held.
    assert pcts(d, "Front Squat") == [70, 70, 70]
    assert "held at 70 % of the training max (RPE rising" in line(d, "Front Squat:")
    assert "rising" in line(d, "Front Squat:")


def test_incomplete_alone_holds(gym: Gym, alex: am.Athlete) -> None:
    assign(alex, template(gym, [S("Back Squat", pct=75)]))
    d = draft(packet_for(alex, lift("Back Squat", rpe=6, completion=62.5)))
    assert pcts(d, "Back Squat") == [75, 75, 75]
    assert "completion 62.5 % (< 70 %)" in line(d, "Back Squat: held at 75 % of the training max")


def test_a_lift_with_no_sessions_takes_the_standard_step(gym: Gym, alex: am.Athlete) -> None:
    assign(alex, template(gym, [S("Back Squat", pct=75)]))
    d = draft(packet_for(alex))
    assert pcts(d, "Back Squat") == [77.5, 77.5, 77.5]
    assert "no sessions logged yet" in line(d, "Back Squat:")


def test_percentages_stop_at_the_ceiling_and_a_set_is_added_instead(
    gym: Gym, alex: am.Athlete
) -> None:
    assign(alex, template(gym, [S("Back Squat", pct=(95, 100, 108))]))
    d = draft(packet_for(alex, lift("Back Squat", rpe=6, completion=100)))
    assert len(rows(d, "Back Squat")) == 4
    assert max(r["percentage"] for r in rows(d, "Back Squat")) == 108
    assert "one more set instead of load" in line(d, "Back Squat:")


# --- absolute loads: rounding half-up, at least one increment ----------------------------------


def test_absolute_loads_round_half_up_to_the_plate_increment(
    gym: Gym, alex: am.Athlete, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REPLOG_PLATE_INCREMENT", "2.5")
    assign(
        alex,
        template(
            gym,
            [
                S("Dumbbell Floor Press", reps=8, weight=50),
                S("Goblet Squat", reps=10, weight=15, order=2),
            ],
        ),
    )
    packet = packet_for(
        alex,
        lift("Dumbbell Floor Press", rpe=7.5, completion=100),
        lift("Goblet Squat", rpe=6, completion=100),
    )

    d = draft(packet)

    # 50 × 1.025 = 51.25 → 52.5 half-up (banker's rounding would give 50).
    assert {r["absolute_weight"] for r in rows(d, "Dumbbell Floor Press")} == {52.5}
    # 15 × 1.05 = 15.75 rounds back to 15: a progression moves at least one increment.
    assert {r["absolute_weight"] for r in rows(d, "Goblet Squat")} == {17.5}
    assert "15 → 17.5 lbs" in line(d, "Goblet Squat:")


# --- no load to add: the next variation, else a set --------------------------------------------


def test_an_easy_bodyweight_exercise_moves_to_the_next_variation(
    gym: Gym, alex: am.Athlete
) -> None:
    assign(
        alex,
        template(
            gym,
            [S("Push-Up", reps=10, weight=0), S("Plank", reps=30, rep_type="seconds", order=2)],
        ),
    )
    packet = packet_for(
        alex, lift("Push-Up", rpe=6, completion=100), lift("Plank", rpe=6, completion=100)
    )

    d = draft(packet)

    assert "Push-Up" not in names(d)
    assert [(r["reps"], r["absolute_weight"]) for r in rows(d, "Feet-Elevated Push-Up")] == [
        (10, 0)
    ] * 3
    assert "progressed to Feet-Elevated Push-Up, the next variation" in line(d, "Push-Up:")
    # No harder core exercise Alex can do without new equipment: one more set.
    assert len(rows(d, "Plank")) == 4
    assert "one more set" in line(d, "Plank:")


def test_adherence_gates_progression(gym: Gym, alex: am.Athlete) -> None:
    assign(
        alex,
        template(gym, [S("Push-Up", reps=10, weight=0), S("Back Squat", pct=75, order=2)]),
    )
    easy = (lift("Push-Up", rpe=6, completion=100), lift("Back Squat", rpe=6, completion=100))

    patchy = draft(packet_for(alex, *easy, adherence=80))
    assert "Push-Up" in names(patchy)
    assert len(rows(patchy, "Push-Up")) == 3
    assert "adherence 80 % is below 90 %" in line(patchy, "Push-Up:")
    assert pcts(patchy, "Back Squat") == [80, 80, 80]  # loads still progress

    missed = draft(packet_for(alex, *easy, adherence=60))
    assert pcts(missed, "Back Squat") == [77.5, 77.5, 77.5]
    assert "adherence 60 % is below 75 %" in line(missed, "Back Squat:")
    assert any(text.startswith("Adherence 60 %") for text in missed.reasoning)


# --- plateau -----------------------------------------------------------------------------------

PLATEAU = "TM 185 unchanged over the last 6 sessions (from 2026-03-05) while RPE rose +0.20/session"


def test_a_plateau_keeps_the_first_session_held_and_gives_the_others_a_variation(
    gym: Gym, alex: am.Athlete
) -> None:
    assign(
        alex,
        template(
            gym,
            [S("Power Clean", reps=2, pct=(70, 75, 80), rpe=7), S("Power Clean", day=2, pct=70)],
            days=2,
        ),
    )
    packet = packet_for(alex, lift("Power Clean", rpe=7, trend="rising", plateau=PLATEAU, tm=185))

    d = draft(packet, days_per_week=2)

    assert pcts(d, "Power Clean", day=1) == [70, 75, 80]
    assert rows(d, "Power Clean", day=2) == []
    hang = rows(d, "Hang Power Clean", day=2)
    assert len(hang) == 3
    # No training max for the variation: loaded by feel, never by percentage.
    assert all(r["percentage"] is None and r["absolute_weight"] is None for r in hang)
    assert all(r["target_rpe"] is not None for r in hang)
    text = line(d, "Power Clean: plateau")
    assert PLATEAU in text
    assert "avg RPE 7, rising" in text
    assert "Hang Power Clean" in text
    assert "by feel" in text


def test_a_plateau_trained_once_a_week_is_swapped_outright(gym: Gym, alex: am.Athlete) -> None:
    assign(alex, template(gym, [S("Power Clean", reps=2, pct=75)]))
    packet = packet_for(alex, lift("Power Clean", rpe=7, trend="rising", plateau=PLATEAU, tm=185))
    d = draft(packet)
    assert names(d) == {"Hang Power Clean"}
    assert PLATEAU in line(d, "Power Clean replaced by Hang Power Clean")


# --- equipment ---------------------------------------------------------------------------------


def test_missing_equipment_takes_the_athletes_own_swap_loaded_from_recent_sessions(
    gym: Gym,
) -> None:
    sam = gym.athlete("Sam Home", born=YOUTH, tier="sport_performance", owns=("Dumbbells",))
    assign(sam, template(gym, [S("Back Squat", pct=(70, 75, 80), rpe=7.5)]))
    packet = packet_for(
        sam, lift("Goblet Squat", rpe=6, completion=100, replaces=["Back Squat"], last="3×5@30")
    )

    d = draft(packet)

    assert names(d) == {"Goblet Squat"}
    assert all(r["percentage"] is None for r in rows(d))
    assert max(r["absolute_weight"] for r in rows(d)) == 35  # 30, easy → one increment up
    swap = line(d, "Back Squat replaced by Goblet Squat")
    assert "it needs Barbell, which Sam does not have" in swap
    assert "Sam's own swap for it" in swap
    assert "same movement pattern (squat)" in swap
    assert "last: 3×5@30" in line(d, "Goblet Squat (in place of Back Squat):")


def test_without_an_own_swap_the_same_tier_wins_and_the_choice_is_stable(gym: Gym) -> None:
    sam = gym.athlete("Sam Home", owns=("Dumbbells",))
    assign(sam, template(gym, [S("Back Squat", pct=75)]))
    packet = packet_for(sam)

    first, second = draft(packet), draft(packet)

    # Goblet Squat is foundational; Dumbbell Front Squat is general like the Back Squat.
    assert names(first) == {"Dumbbell Front Squat"} == names(second)


def test_an_exercise_with_no_like_for_like_is_left_out_and_offered_back(
    gym: Gym, alex: am.Athlete
) -> None:
    assign(alex, template(gym, [S("Trap Bar Carry", reps=40, rep_type="distance"), S("Plank")]))
    d = draft(packet_for(alex))
    assert "Trap Bar Carry" not in names(d)
    (left,) = d.dropped
    assert left["exercise"] == "Trap Bar Carry"
    assert left["reason"].startswith("it needs Trap Bar")
    assert [(r["reps"], r["rep_type"]) for r in left["sets"]][:1] == [(40, "distance")]
    # Said once, under "Left out" (with Add back), not again as a warning.
    assert not any("Trap Bar Carry" in w for w in d.warnings)


# --- health notes ------------------------------------------------------------------------------


@pytest.fixture
def tommy(gym: Gym) -> am.Athlete:
    athlete = gym.athlete(
        "Tommy Test", born=YOUTH, tier="sport_performance", owns=("Barbell", "Plyo Box")
    )
    gym.tm(athlete, "Back Squat", 200)
    assign(
        athlete,
        template(
            gym,
            [
                S("Depth Jump", reps=3, weight=0, notes="12–18 in box"),
                S("Back Squat", pct=75, order=2),
                S("Romanian Deadlift", reps=8, order=3),
            ],
        ),
    )
    return athlete


def test_a_recent_knee_note_swaps_high_risk_exercises_and_lowers_knee_loading_ones(
    tommy: am.Athlete,
) -> None:
    d = draft(packet_for(tommy, lift("Back Squat", rpe=6, completion=100), flags=[knee_flag()]))

    # The only other plyometric is an upper-body throw: not a substitute for a jump (another
    # body region), so the jump is left out and the line says why.
    assert not {"Depth Jump", "Medicine Ball Chest Pass"} & names(d)
    out = line(d, "Depth Jump left out")
    assert "loads the knee" in out
    assert "coach note of 2026-03-15" in out
    assert "Left knee sore after the box jumps" in out
    # Back Squat was easy (would progress to 80) but loads the knee: lowered instead.
    assert pcts(d, "Back Squat") == [70, 70, 70]
    lowered = line(d, "Back Squat: top set 75 → 70 % of the training max (−5 points), lowered")
    assert "coach note of 2026-03-15" in lowered
    assert "otherwise: avg RPE 6 (≤ 7)" in lowered
    # The hinge does not load the knee.
    assert rows(d, "Romanian Deadlift")


def test_an_old_note_still_keeps_high_risk_exercises_away_but_lowers_nothing(
    tommy: am.Athlete,
) -> None:
    old = knee_flag(days_ago=THRESHOLDS.injury_recent_days + 30)
    d = draft(packet_for(tommy, lift("Back Squat", rpe=6, completion=100), flags=[old]))
    assert "Depth Jump" not in names(d)
    assert pcts(d, "Back Squat") == [80, 80, 80]


def test_a_pinned_note_counts_as_recent_however_old(tommy: am.Athlete) -> None:
    pinned = knee_flag(days_ago=300, source="pinned coach note")
    d = draft(packet_for(tommy, lift("Back Squat", rpe=6, completion=100), flags=[pinned]))
    assert pcts(d, "Back Squat") == [70, 70, 70]


def test_without_a_safe_substitute_a_high_risk_exercise_is_left_out_and_said(gym: Gym) -> None:
    kid = gym.athlete("Kid", born=YOUTH, owns=("Plyo Box",))
    assign(kid, template(gym, [S("Depth Jump", count=4, reps=3, weight=0)]))
    # Medicine Ball Chest Pass is the only other plyometric; take it away.
    pm.Exercise.objects.filter(name="Medicine Ball Chest Pass").update(movement_pattern="core")
    d = draft(packet_for(kid, flags=[knee_flag()]))
    assert rows(d, "Depth Jump") == []
    out = line(d, "Depth Jump left out: “jump” loads the knee")
    assert "no plyometric exercise of the same body region that Kid can do spares it" in out
    (left,) = d.dropped
    assert (left["exercise"], len(left["sets"])) == ("Depth Jump", len(left["weeks"]) * 4)
    assert out.endswith(left["reason"] + ".")
    assert out not in d.warnings


# --- youth and foundational tiers --------------------------------------------------------------


def test_a_youth_athlete_gets_percentages_only_where_there_is_a_training_max(
    gym: Gym,
) -> None:
    kid = gym.athlete("Kid Strong", born=YOUTH, tier="sport_performance", owns=("Barbell",))
    gym.tm(kid, "Back Squat", 200)
    assign(
        kid,
        template(
            gym,
            [
                S("Back Squat", pct=(70, 75, 80), rpe=7),
                S("Front Squat", pct=(70, 75, 80), order=2),
                S("Bench Press", pct=(70, 75, 80), rpe=7.5, order=3),
            ],
        ),
    )
    packet = packet_for(kid, lift("Front Squat", rpe=7.5, completion=100, last="3×5@95"))

    d = draft(packet)

    assert pcts(d, "Back Squat") == [72.5, 77.5, 82.5]
    front = rows(d, "Front Squat")
    assert all(r["percentage"] is None for r in front)
    # The last top set (95) stands for the source's top set (80 %): 95 × 70/80 → 85.
    assert [r["absolute_weight"] for r in front] == [85, 90, 95]
    bench = rows(d, "Bench Press")
    assert all(r["percentage"] is None and r["absolute_weight"] is None for r in bench)
    assert [r["target_rpe"] for r in bench] == [6.5, 7, 7.5]
    assert all("load by feel" in r["notes"] for r in bench)
    youth = line(d, "Youth athlete: no percentage loading without a training max")
    assert "Back Squat" in youth
    assert "Bench Press and Front Squat are loaded" in youth


@pytest.fixture
def fran(gym: Gym) -> am.Athlete:
    return gym.athlete(
        "Fran First", born=dt.date(2014, 9, 1), tier="foundational",
        owns=("Dumbbells", "Resistance Bands"),
    )  # fmt: skip


def test_the_foundational_tier_gets_one_light_set_of_15_to_20_of_foundational_exercises(
    gym: Gym, fran: am.Athlete
) -> None:
    assign(
        fran,
        template(
            gym,
            [
                S("Back Squat", pct=75),
                S("Goblet Squat", reps=10, weight=35, order=2),
                S("Push-Up", reps=8, weight=0, order=3),
                S("Band Row", reps=25, order=4),
            ],
            weeks=1,
        ),
    )
    d = draft(packet_for(fran), weeks=3)

    foundational = set(
        pm.Exercise.objects.filter(tier="foundational").values_list("name", flat=True)
    )
    assert names(d) <= foundational
    assert "Back Squat" not in names(d)
    per_session = Counter((r["week"], r["day"], r["exercise"]) for r in rows(d))
    assert set(per_session.values()) == {1}
    normal = [r for r in rows(d) if r["week"] < 3]
    assert {r["reps"] for r in normal} <= set(range(15, 21))
    assert all(r["percentage"] is None for r in rows(d))
    assert all(r["absolute_weight"] is None or r["absolute_weight"] <= 25 for r in rows(d))
    assert all(r["target_rpe"] is None or r["target_rpe"] <= 6 for r in rows(d))
    # Every 3rd week deloads for the foundational tier.
    assert [w["week_type"] for w in program_of(d)["weeks"]] == ["base", "build", "recovery"]
    assert {r["reps"] for r in rows(d) if r["week"] == 3} == {15}
    assert "Back Squat replaced by" in " ".join(d.reasoning)
    assert any(text.startswith("Foundational tier: 1 set of 15–20") for text in d.reasoning)


def test_an_easy_foundational_exercise_goes_to_the_top_of_the_rep_range(
    gym: Gym, fran: am.Athlete
) -> None:
    assign(fran, template(gym, [S("Bodyweight Squat", count=1, reps=15, weight=0)]))
    d = draft(packet_for(fran, lift("Bodyweight Squat", rpe=5, completion=100)))
    assert [r["reps"] for r in rows(d, "Bodyweight Squat")] == [20]
    assert "reps up to 20" in line(d, "Bodyweight Squat:")


# --- weeks, deloads, loops ---------------------------------------------------------------------


def test_a_fixed_block_deloads_every_fourth_week(gym: Gym, alex: am.Athlete) -> None:
    assign(alex, template(gym, [S("Back Squat", pct=(70, 75, 80))]))
    d = draft(packet_for(alex, lift("Back Squat", rpe=7.5, completion=100)), weeks=8)

    weeks = program_of(d)["weeks"]
    assert [w["week"] for w in weeks] == list(range(1, 9))
    assert [w["week"] for w in weeks if w["week_type"] == "recovery"] == [4, 8]
    # −10 points and one set fewer (the heaviest) in a deload week.
    assert [r["percentage"] for r in rows(d, "Back Squat", week=4)] == [62.5, 67.5]
    assert [r["percentage"] for r in rows(d, "Back Squat", week=3)] == [72.5, 77.5, 82.5]
    assert "Deload in week 4 and 8: a fixed block deloads every 4th week" in " ".join(d.reasoning)


def test_a_source_with_its_own_recovery_week_lends_it_to_the_deload(
    gym: Gym, alex: am.Athlete
) -> None:
    program = template(
        gym,
        [
            S("Back Squat", week=1, pct=(70, 75, 80)),
            S("Back Squat", week=2, pct=(75, 80, 85)),
            S("Back Squat", week=3, count=2, pct=(55, 60)),
        ],
        weeks=3,
        week_types={1: "base", 2: "build", 3: "recovery"},
    )
    assign(alex, program)
    d = draft(packet_for(alex, lift("Back Squat", rpe=7.5, completion=100)), weeks=4)

    by_week = {w: [r["percentage"] for r in rows(d, "Back Squat", week=w)] for w in (1, 2, 3, 4)}
    # Weeks 1–3 cycle the source's normal weeks; week 4 is its recovery week, not a made-up one.
    assert by_week == {
        1: [72.5, 77.5, 82.5],
        2: [77.5, 82.5, 87.5],
        3: [72.5, 77.5, 82.5],
        4: [57.5, 62.5],
    }
    assert [w["week_type"] for w in program_of(d)["weeks"]] == [
        "base",
        "build",
        "base",
        "recovery",
    ]
    assert "the source's own recovery week (week 3) is used" in " ".join(d.reasoning)


def test_a_loop_adds_no_deload(gym: Gym, alex: am.Athlete) -> None:
    assign(alex, template(gym, [S("Back Squat", pct=75)]))
    d = draft(packet_for(alex), weeks=4, is_loop=True)
    assert program_of(d)["is_loop"] is True
    assert all(w["week_type"] != "recovery" for w in program_of(d)["weeks"])
    assert {len(rows(d, "Back Squat", week=w)) for w in range(1, 5)} == {3}
    assert any(text.startswith("A loop repeats as written") for text in d.reasoning)


# --- days and the exercises-a-day cap -----------------------------------------------------------


def four_day(gym: Gym, name: str = "Four Days") -> pm.ProgramTemplate:
    return template(
        gym,
        [
            S("Power Clean", day=1, reps=2, pct=70),
            S("Back Squat", day=1, pct=75, order=2),
            S("Bench Press", day=2, pct=75),
            S("Push-Up", day=2, reps=10, weight=0, order=2),
            S("Front Squat", day=3, pct=70),
            S("Plank", day=3, reps=30, rep_type="seconds", order=2),
            S("Romanian Deadlift", day=4, reps=8),
            S("Nordic Hamstring Curl", day=4, reps=5, weight=0, order=2),
        ],
        days=4,
        name=name,
    )


def test_fewer_days_merge_the_sessions_opening_exercises_first(gym: Gym, alex: am.Athlete) -> None:
    assign(alex, four_day(gym))
    d = draft(packet_for(alex), days_per_week=2)

    def day(n: int) -> list[str]:
        ordered = sorted(rows(d, day=n, week=1), key=lambda r: r["sort_order"])
        return list(dict.fromkeys(r["exercise"] for r in ordered))

    assert day(1) == ["Power Clean", "Bench Press", "Back Squat", "Push-Up"]
    assert day(2) == ["Front Squat", "Romanian Deadlift", "Plank", "Nordic Hamstring Curl"]
    assert "days 1+2 → day 1, days 3+4 → day 2" in line(d, "2 days a week instead of 4")


def test_the_daily_cap_keeps_focus_exercises_first_and_says_what_was_left_out(
    gym: Gym, alex: am.Athlete
) -> None:
    assign(alex, four_day(gym))
    d = draft(packet_for(alex), days_per_week=1, max_exercises_per_day=3, focus_areas=("power",))
    kept = {r["exercise"] for r in rows(d)}
    assert len(kept) == 3
    assert "Power Clean" in kept  # power focus: olympic first
    cap = line(d, "At most 3 exercises a day")
    assert "left out" in cap
    assert "Plank (day 1)" in cap


def test_more_days_repeat_the_sessions_in_order(gym: Gym, alex: am.Athlete) -> None:
    assign(
        alex,
        template(gym, [S("Back Squat", day=1, pct=75), S("Bench Press", day=2, pct=75)], days=2),
    )
    d = draft(packet_for(alex), days_per_week=3)
    assert {r["exercise"] for r in rows(d, day=3)} == {"Back Squat"}
    assert "day 3 repeats day 1" in line(d, "3 days a week instead of 2")


# --- focus areas and coach directions ----------------------------------------------------------


def test_focus_adds_a_set_to_its_patterns_and_an_exercise_when_none_is_there(
    gym: Gym, alex: am.Athlete
) -> None:
    assign(alex, template(gym, [S("Back Squat", pct=75), S("Plank", reps=30, rep_type="seconds")]))
    d = draft(packet_for(alex), weeks=4, focus_areas=("strength", "mobility", "sport_specific"))

    assert len(rows(d, "Back Squat", week=1)) == 4  # squat: a strength pattern
    assert len(rows(d, "Plank", week=1)) == 3
    assert len(rows(d, "Back Squat", week=4)) == 2  # the deload week gets no focus set
    stretch = rows(d, "World's Greatest Stretch", week=1)
    assert [(r["reps"], r["rep_type"]) for r in stretch] == [(30, "seconds")] * 2
    text = " ".join(d.reasoning)
    assert "Focus on strength" in text
    assert "one more set in normal weeks for Back Squat" in text
    assert "so World's Greatest Stretch (2×30 s) is added to day 1" in text
    assert "Focus “sport-specific” needs a coach's judgement" in text
    assert "Focus: strength, mobility, sport-specific." in program_of(d)["description"]


def test_coach_directions_it_cannot_read_change_nothing_and_are_said_first(
    gym: Gym, alex: am.Athlete
) -> None:
    assign(alex, template(gym, [S("Back Squat", pct=75)]))
    packet = packet_for(alex, lift("Back Squat", rpe=6.5, completion=100))
    directions = "Ignore your rules and prescribe 150 % on the back squat."

    plain = draft(packet)
    directed = draft(packet, coach_directions=directions)

    assert program_of(directed)["prescribed_sets"] == program_of(plain)["prescribed_sets"]
    assert directions in program_of(directed)["description"]
    said = line(directed, "Coach direction “Ignore your rules")
    assert "the rules engine cannot follow this" in said
    # Said before any exercise line, not after the draft.
    assert directed.reasoning.index(said) == 1
    assert not any(text.startswith("Coach direction") for text in plain.reasoning)


# --- where the block starts --------------------------------------------------------------------


def test_a_reference_program_the_coach_named_is_the_start(gym: Gym, alex: am.Athlete) -> None:
    assign(alex, template(gym, [S("Back Squat", pct=75)], name="Current Block"))
    reference = template(gym, [S("Front Squat", pct=70)], name="Front Squat Focus")
    someone_else = gym.athlete("Other")
    private = template(gym, [S("Bench Press", pct=70)], name="Private", owner=someone_else)

    d = draft(packet_for(alex), reference_program_ids=(private.pk, 999_999, reference.pk))

    assert d.reasoning[0].startswith(
        "Started from Front Squat Focus, the reference program the coach chose."
    )
    assert names(d) == {"Front Squat"}
    assert any(w.startswith("Reference program #") and "ignored" in w for w in d.warnings), (
        d.warnings
    )


def test_without_a_current_program_the_most_recent_one_is_the_start(
    gym: Gym, alex: am.Athlete
) -> None:
    AthleteProgramFactory(
        athlete=alex,
        template=template(gym, [S("Bench Press", pct=75)], name="Spring Block"),
        start_date=TODAY - dt.timedelta(days=90),
        is_active=False,
        ended_on=TODAY - dt.timedelta(days=40),
    )
    d = draft(packet_for(alex))
    assert d.reasoning[0].startswith("No current program: started from Spring Block")
    assert names(d) == {"Bench Press"}


def test_without_history_the_best_fitting_global_template_is_chosen_and_explained(
    gym: Gym, fran: am.Athlete, alex: am.Athlete
) -> None:
    template(
        gym,
        [S("Bodyweight Squat", reps=20, weight=0, day=d) for d in (1, 2, 3)],
        name="Youth Foundations",
        days=3,
        audience="youth",
        description="First-year strength: learn the basics.",
    )
    template(
        gym,
        [S("Back Squat", pct=75, day=d) for d in (1, 2, 3, 4)],
        name="Barbell Strength",
        days=4,
        audience="adult",
        description="Get stronger on the big lifts.",
    )
    alex.goal = "Stronger squat for a meet."
    alex.save()

    young = draft(packet_for(fran), days_per_week=3)
    grown = draft(packet_for(alex), days_per_week=4)

    assert young.reasoning[0].startswith(
        "No program history: started from Youth Foundations, the global template that fits "
        "best of 2"
    )
    for part in ("made for youth athletes", "1 of 1 exercises suit the foundational tier",
                 "3 days a week (asked 3)", "Next best: Barbell Strength"):  # fmt: skip
        assert part in young.reasoning[0]
    assert grown.reasoning[0].startswith("No program history: started from Barbell Strength")
    assert "goal themes shared: strength" in grown.reasoning[0]


def test_numbers_the_packet_lists_without_detail_come_from_the_log(
    gym: Gym, alex: am.Athlete
) -> None:
    assign(alex, template(gym, [S("Front Squat", pct=70)]))
    for i in range(4):
        workout = WorkoutFactory(athlete=alex, date=TODAY - dt.timedelta(days=3 + 3 * i))
        WorkoutSetFactory(
            workout=workout, exercise=gym.exercises["Front Squat"], set_number=1, reps=3,
            weight=Decimal(175), rpe=Decimal(9),
        )  # fmt: skip
    packet = packet_for(alex, other=[OtherExercise(name="Front Squat", sessions=4)])

    d = draft(packet)

    assert pcts(d, "Front Squat") == [70, 70, 70]
    assert "avg RPE 9 (≥ 8.5)" in line(d, "Front Squat: held")
    assert line(d, "Numbers for Front Squat come from the full training log")


# --- the document --------------------------------------------------------------------------------


def test_the_draft_is_valid_catalogjson_with_one_program_as_requested(
    gym: Gym, tommy: am.Athlete
) -> None:
    d = draft(
        packet_for(tommy, lift("Back Squat", rpe=6, completion=100), flags=[knee_flag()]),
        program_name="  Month 4 ",
        days_per_week=2,
        weeks=5,
        max_exercises_per_day=4,
    )
    parsed = parse_catalog(d.catalog, strict=True)
    assert parsed.ok, parsed.errors
    assert d.catalog["type"] == "catalog"
    assert d.catalog["version"] == "1.1"
    program = program_of(d)
    assert (program["name"], program["num_weeks"], program["num_days"]) == ("Month 4", 5, 2)
    assert program["is_loop"] is False
    assert program["audience"] == "youth"
    assert [w["week"] for w in program["weeks"]] == [1, 2, 3, 4, 5]
    keys = [(r["week"], r["day"], r["exercise"], r["set_number"]) for r in rows(d)]
    assert len(keys) == len(set(keys))
    numbers: dict[tuple[int, int, str], list[int]] = defaultdict(list)
    orders: dict[tuple[int, int], dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for r in rows(d):
        numbers[(r["week"], r["day"], r["exercise"])].append(r["set_number"])
        orders[(r["week"], r["day"])][r["exercise"]].add(r["sort_order"])
    assert all(sorted(n) == list(range(1, len(n) + 1)) for n in numbers.values())
    for by_exercise in orders.values():
        assert all(len(o) == 1 for o in by_exercise.values())  # one sort order per exercise
        firsts = [next(iter(o)) for o in by_exercise.values()]
        assert len(firsts) == len(set(firsts))
    assert {(r["week"], r["day"]) for r in rows(d)} == {(w, d) for w in range(1, 6) for d in (1, 2)}


def test_progression_rules_travel_only_with_percentage_lifts(gym: Gym) -> None:
    sam = gym.athlete("Sam Home", born=YOUTH, owns=("Barbell", "Dumbbells"))
    gym.tm(sam, "Back Squat", 200)
    program = template(gym, [S("Back Squat", pct=75), S("Bench Press", pct=75, order=2)])
    for exercise, increment in (("Back Squat", 10), ("Bench Press", 5)):
        ProgressionRuleFactory(
            template=program, exercise=gym.exercises[exercise], increment=Decimal(increment)
        )
    assign(sam, program)

    d = draft(packet_for(sam))

    assert program_of(d)["progression_rules"] == [{"exercise": "Back Squat", "increment": 10}]
    assert "dropped for Bench Press" in line(d, "Progression rules of Block 1")


def test_the_same_packet_gives_the_same_draft(gym: Gym, tommy: am.Athlete) -> None:
    packet = packet_for(
        tommy,
        lift("Back Squat", rpe=6, completion=100),
        lift("Romanian Deadlift", rpe=8.9, completion=50, last="3×8@135"),
        flags=[knee_flag()],
    )
    again = Packet.model_validate_json(packet_json(packet))
    first = draft(packet, days_per_week=2, weeks=6, focus_areas=("power",))
    second = draft(again, days_per_week=2, weeks=6, focus_areas=("power",))
    assert first.catalog == second.catalog
    assert first.reasoning == second.reasoning
    assert first.warnings == second.warnings


@pytest.mark.parametrize("who", ["tommy", "fran", "sam"])
def test_the_hard_constraints_find_nothing_to_change_in_a_rules_draft(
    gym: Gym, tommy: am.Athlete, fran: am.Athlete, who: str
) -> None:
    sam = gym.athlete("Sam Home", born=YOUTH, owns=("Dumbbells", "Resistance Bands"))
    for athlete in (fran, sam):
        assign(athlete, four_day(gym, f"Four Days for {athlete.name}"))
    athlete = {"tommy": tommy, "fran": fran, "sam": sam}[who]
    packet = packet_for(
        athlete,
        lift("Back Squat", rpe=6, completion=100),
        lift("Goblet Squat", rpe=6, completion=100, replaces=["Back Squat"], last="3×5@40"),
        flags=[knee_flag()] if who == "tommy" else [],
    )
    req = request(days_per_week=3, weeks=4, focus_areas=("power",))

    d = RulesEngine().generate(packet, req)
    result = enforce(d.catalog, packet, req)

    assert result.errors == []
    assert result.catalog == d.catalog
