"""The athlete briefing packet (generation.packet): contents, limits, budget and queries."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pydantic import ValidationError
from pytest_django import DjangoAssertNumQueries

from athletes import models as am
from athletes.stats import PrescriptionRow
from generation.packet import (
    ExerciseSummary,
    Packet,
    build_packet,
    describe_exercise,
    describe_packet,
    format_prescription,
    packet_json,
)
from generation.packet import budget as packet_budget
from programs.models import RepType
from tests.factories import (
    AthleteFactory,
    AthleteNoteFactory,
    AthleteProgramFactory,
    BodyWeightFactory,
    EquipmentFactory,
    ExerciseEquipmentFactory,
    ExerciseFactory,
    GoalHistoryFactory,
    PrescribedSetFactory,
    ProgramTemplateFactory,
    TierHistoryFactory,
    TrainingMaxFactory,
    WorkoutFactory,
    WorkoutReviewFactory,
    WorkoutSetFactory,
)
from tests.generation.factories_context import TODAY, build_story

pytestmark = pytest.mark.django_db

QUERIES = 17  # 10 for the history, 3 for equipment and catalog, 1 for the settings,
# 1 for today's-session adjustments, 1 for the learned coach preferences, 1 for the intake


def _exercise(packet: Packet, name: str) -> ExerciseSummary:
    return next(e for e in packet.exercises if e.name == name)


def test_packet_round_trips_through_its_json_and_refuses_unknown_fields() -> None:
    packet = build_packet(build_story(weeks=6).athlete, today=TODAY)
    text = packet_json(packet)
    assert Packet.model_validate_json(text) == packet
    assert "null" not in text
    data = json.loads(text)
    data["surprise"] = 1
    with pytest.raises(ValidationError):
        Packet.model_validate(data)


def test_profile() -> None:
    story = build_story(weeks=6)
    athlete = story.athlete
    athlete.tier = am.AthleteTier.SPORT_PERFORMANCE
    athlete.goal = "Faster first step"
    athlete.sport = "Football"
    athlete.save()
    GoalHistoryFactory(athlete=athlete, previous_goal="Get strong", goal="Faster first step")
    TierHistoryFactory(athlete=athlete, previous_tier="intermediate", tier="sport_performance")

    p = build_packet(athlete, today=TODAY).profile

    assert p.name == "Tommy Test"
    assert p.age == 16  # born 2010-05-01
    assert p.audience == "youth"
    assert (p.tier, p.sport, p.goal) == ("sport_performance", "Football", "Faster first step")
    assert p.goal_history[0].previous == "Get strong"
    assert p.goal_history[0].goal == ""  # it is the current goal, stated once
    assert p.tier_history[0].previous == "intermediate"
    assert p.cycle_goal == "Build a base"
    assert p.weight_unit == "lbs"
    assert p.total_workouts == 20  # 6 weeks × 3 + this week's Monday and Wednesday
    assert p.first_workout == TODAY - dt.timedelta(weeks=6, days=2)
    assert p.training_months == pytest.approx(1.4)


def test_adult_without_birth_date() -> None:
    p = build_packet(AthleteFactory(date_of_birth=None), today=TODAY).profile
    assert p.age is None
    assert p.audience == "adult"
    assert p.training_months is None


def test_catalog_is_filtered_by_equipment_with_the_reason() -> None:
    story = build_story(weeks=2)
    rack = EquipmentFactory(name="Rack")
    bench = EquipmentFactory(name="Bench")
    for name in ("Rack Pull", "Front Squat"):
        ExerciseEquipmentFactory(
            exercise=ExerciseFactory(name=name, movement_pattern="hinge"), equipment=rack
        )
    needs_both = ExerciseFactory(name="Bench Press From Pins", movement_pattern="horizontal_push")
    ExerciseEquipmentFactory(exercise=needs_both, equipment=rack)
    ExerciseEquipmentFactory(exercise=needs_both, equipment=bench)
    optional = ExerciseFactory(name="Step-Up", movement_pattern="lunge", tier="foundational")
    ExerciseEquipmentFactory(exercise=optional, equipment=bench, optional=True)
    ExerciseFactory(name="Push-Up", movement_pattern="horizontal_push")

    packet = build_packet(story.athlete, today=TODAY)
    cat = packet.catalog

    assert packet.equipment == ["Barbell"]
    assert cat.filtered_out_count == 3
    assert cat.filtered_out_reason == (
        "3 exercises need equipment Tommy does not have: Rack (3), Bench (1)"
    )
    assert cat.missing_equipment == {"Rack": 3, "Bench": 1}
    assert "Step-Up" in cat.available["lunge"]["foundational"]  # optional equipment
    assert "Push-Up" in cat.available["horizontal_push"]["general"]  # no equipment at all
    assert "Back Squat" in cat.available["squat"]["general"]  # owned equipment
    available = {n for tiers in cat.available.values() for names in tiers.values() for n in names}
    assert available.isdisjoint({"Rack Pull", "Front Squat", "Bench Press From Pins"})
    assert cat.available_count == len(available)


def test_current_program_in_compact_form() -> None:
    packet = build_packet(build_story(weeks=5).athlete, today=TODAY)
    program = packet.current_program
    assert program is not None
    assert (program.name, program.num_weeks, program.num_days, program.is_loop) == (
        "Base Strength",
        4,
        3,
        True,
    )
    assert program.start_date == TODAY - dt.timedelta(weeks=5, days=2)
    assert program.sessions_logged == 17
    assert (program.cycle, program.week, program.day) == (2, 2, 3)
    assert program.position == "Cycle 2 · Week 2, Day 3"
    assert [d.exercises for d in program.days] == [
        "Back Squat 3×5@75%, 1×AMRAP@85%; Plank 3×30s@BW",
        "Bench Press 3×5@75%; Power Clean 3×3@70%",
        "Back Squat 3×5@80%; Bench Press 3×5@80%",
    ]


def test_program_weeks_are_spelled_out_only_where_they_differ() -> None:
    athlete = AthleteFactory()
    squat = ExerciseFactory(name="Back Squat")
    plank = ExerciseFactory(name="Plank")
    template = ProgramTemplateFactory(name="Wave", num_weeks=4, num_days=1)
    waves = {1: (5, 75), 2: (5, 80), 3: (3, 85), 4: (3, 85)}
    for week, (reps, pct) in waves.items():
        for n in (1, 2, 3):
            PrescribedSetFactory(
                template=template,
                exercise=squat,
                week=week,
                day=1,
                set_number=n,
                reps=reps,
                percentage=Decimal(pct),
            )
        PrescribedSetFactory(
            template=template,
            exercise=plank,
            week=week,
            day=1,
            set_number=1,
            reps=30,
            rep_type=RepType.SECONDS,
            percentage=None,
            absolute_weight=Decimal(0),
            sort_order=1,
        )
    AthleteProgramFactory(athlete=athlete, template=template, start_date=TODAY)
    program = build_packet(athlete, today=TODAY).current_program
    assert program is not None
    assert program.days[0].exercises == (
        "Back Squat W1 3×5@75%, W2 3×5@80%, W3-4 3×3@85%; Plank 1×30s@BW"
    )


def test_prescription_format() -> None:
    def rx(n: int, **kw: object) -> PrescriptionRow:
        fields: dict[str, object] = {
            "template_id": 1,
            "week": 1,
            "day": 1,
            "exercise_id": 1,
            "set_number": n,
            "reps": 5,
        }
        fields.update(kw)
        return PrescriptionRow(**fields)  # type: ignore[arg-type]

    five = [rx(n, percentage=75.0) for n in (1, 2, 3)] + [rx(4, reps=None, percentage=85.0)]
    assert format_prescription(five) == "3×5@75%, 1×AMRAP@85%"
    ramp = [rx(n, reps=2, percentage=p) for n, p in ((1, 70.0), (2, 75.0), (3, 80.0))]
    ramp[-1] = rx(3, reps=2, percentage=80.0, target_rpe=7.0)
    assert format_prescription(ramp) == "3×2@70/75/80% RPE7"
    lunges = [rx(n, reps=10, rep_type=RepType.EACH_SIDE, absolute_weight=25.0) for n in (1, 2)]
    assert format_prescription(lunges) == "2×10/side@25"
    assert format_prescription([rx(1, reps=400, rep_type=RepType.DISTANCE)]) == "1×400m"


def test_prior_programs_say_how_they_ended() -> None:
    story = build_story(weeks=3)
    earlier = ProgramTemplateFactory(name="Intro Block")
    AthleteProgramFactory(
        athlete=story.athlete,
        template=earlier,
        start_date=TODAY - dt.timedelta(weeks=10),
        is_active=False,
        ended_on=TODAY - dt.timedelta(weeks=3, days=3),
        end_reason=am.EndReason.COMPLETED,
    )
    prior = build_packet(story.athlete, today=TODAY).prior_programs
    assert [(p.name, p.ended, p.end_date) for p in prior] == [
        ("Intro Block", "Completed", TODAY - dt.timedelta(weeks=3, days=3))
    ]


def _clean_story(athlete: am.Athlete, rpes: list[float], *, tm_raised: bool = False) -> None:
    """Power cleans twice a week at a flat TM, RPE as given, the last session an AMRAP."""
    clean = ExerciseFactory(name="Power Clean", movement_pattern="olympic")
    TrainingMaxFactory(
        athlete=athlete,
        exercise=clean,
        weight=Decimal(135),
        effective_date=TODAY - dt.timedelta(days=60),
    )
    if tm_raised:
        TrainingMaxFactory(
            athlete=athlete,
            exercise=clean,
            weight=Decimal(155),
            effective_date=TODAY - dt.timedelta(days=2),
        )
    for i, r in enumerate(rpes):
        workout = WorkoutFactory(
            athlete=athlete, date=TODAY - dt.timedelta(days=3 * (len(rpes) - i))
        )
        for n in (1, 2, 3):
            WorkoutSetFactory(
                workout=workout,
                exercise=clean,
                set_number=n,
                reps=3,
                weight=Decimal(115),
                rpe=Decimal(str(r)),
                is_amrap=False,
            )
    WorkoutSetFactory(
        workout=workout,
        exercise=clean,
        set_number=4,
        reps=6,
        weight=Decimal(105),
        rpe=None,
        is_amrap=True,
    )


def test_exercise_trends_amrap_and_plateau_reach_the_packet() -> None:
    athlete = AthleteFactory(name="Tommy")
    _clean_story(athlete, [7.0, 7.0, 7.5, 7.5, 7.5, 8.0, 8.0, 8.0])
    e = _exercise(build_packet(athlete, today=TODAY), "Power Clean")

    assert e.rpe_trend.direction == "rising"
    assert e.rpe_trend.slope == pytest.approx(0.16)  # 6.75 / 42, rounded
    assert e.rpe_trend.points == 8
    assert e.avg_rpe == pytest.approx(7.6)  # 60.5 / 8, rounded
    assert e.current_tm == 135
    assert e.best_amrap is not None
    assert (e.best_amrap.weight, e.best_amrap.reps, e.best_amrap.e1rm) == (105, 6, 126)
    assert e.plateau.flagged
    assert "K=6" in build_packet(athlete, today=TODAY).meta.definitions.plateau
    line = describe_exercise(e)
    assert line.label == "Power Clean"
    assert "RPE rising (+0.16/session over 8 sessions)" in line.text
    assert "plateau" in line.text
    assert line.flag


def test_no_plateau_once_the_tm_moves() -> None:
    athlete = AthleteFactory()
    _clean_story(athlete, [7.0, 7.0, 7.5, 7.5, 7.5, 8.0, 8.0, 8.0], tm_raised=True)
    e = _exercise(build_packet(athlete, today=TODAY), "Power Clean")
    assert not e.plateau.flagged
    assert [w for _, w in e.tm_history] == [135, 155]


def test_completion_and_adherence_in_the_packet() -> None:
    story = build_story(weeks=13)
    # Skip the plank in the last Monday session and miss one session two weeks ago.
    last_monday = TODAY - dt.timedelta(days=2)
    am.WorkoutSet.objects.filter(
        workout__athlete=story.athlete, workout__date=last_monday, exercise=story.plank
    ).delete()
    am.Workout.objects.filter(
        athlete=story.athlete, date=last_monday - dt.timedelta(weeks=2)
    ).delete()
    packet = build_packet(story.athlete, today=TODAY)

    plank = _exercise(packet, "Plank")
    assert plank.completion is not None
    assert plank.completion.sessions_skipped == 1
    assert plank.completion.rate_pct is not None
    assert plank.completion.rate_pct < 100
    a = packet.adherence
    assert sum(a.prescribed) == 36
    assert a.rate_pct == pytest.approx(round(35 / 36 * 100, 1))
    assert [w.week for w in a.missed_weeks] == [last_monday - dt.timedelta(weeks=2)]
    assert a.current_streak_weeks == 1
    assert (a.this_week_prescribed, a.this_week_logged) == (3, 2)


def test_body_weight_trend_and_growth_spurt_flag() -> None:
    athlete = AthleteFactory(date_of_birth=dt.date(2010, 5, 1))
    for week in range(13):
        BodyWeightFactory(
            athlete=athlete,
            date=TODAY - dt.timedelta(weeks=12 - week),
            weight=Decimal(str(round(142 + 8 * week / 12, 1))),
        )
    bw = build_packet(athlete, today=TODAY).body_weight
    assert bw is not None
    assert bw.latest == (TODAY, 150)
    assert bw.direction == "rising"
    assert bw.trend_per_month == pytest.approx(2.9, abs=0.05)
    assert bw.rapid_change
    assert "possible growth spurt" in bw.flag
    assert len(bw.series) == 13


def test_body_weight_left_out_when_not_tracked() -> None:
    athlete = AthleteFactory(track_body_weight=False)
    BodyWeightFactory(athlete=athlete, date=TODAY)
    assert build_packet(athlete, today=TODAY).body_weight is None


def test_notes_pinned_first_private_included_and_health_flags() -> None:
    athlete = AthleteFactory(name="Tommy")
    ExerciseFactory(name="Back Squat")
    AthleteNoteFactory(athlete=athlete, date=TODAY - dt.timedelta(days=30), content="Old news.")
    AthleteNoteFactory(
        athlete=athlete,
        date=TODAY - dt.timedelta(days=20),
        content="Left knee soreness after jumps — no deep plyos.",
        is_pinned=True,
        is_private=True,
    )
    AthleteNoteFactory(
        athlete=athlete,
        date=TODAY - dt.timedelta(days=1),
        content="Backed off the last set; good feedback on the Back Squat.",
    )
    workout = WorkoutFactory(
        athlete=athlete, date=TODAY - dt.timedelta(days=2), notes="Shoulder pain on presses."
    )
    WorkoutReviewFactory(workout=workout, status=am.ReviewStatus.NEEDS_WORK, notes="Knees caving.")

    notes = build_packet(athlete, today=TODAY).notes

    assert [n.text for n in notes.pinned] == ["Left knee soreness after jumps — no deep plyos."]
    assert notes.pinned[0].private
    assert [n.date for n in notes.recent] == [
        TODAY - dt.timedelta(days=1),
        TODAY - dt.timedelta(days=30),
    ]
    assert [(r.status, r.text) for r in notes.reviews] == [("needs_work", "Knees caving.")]
    assert [w.text for w in notes.workout_notes] == ["Shoulder pain on presses."]
    flags = [(f.source, f.body_parts, f.date) for f in notes.health_flags]
    assert flags == [
        ("pinned coach note", ["knee"], TODAY - dt.timedelta(days=20)),
        ("workout note", ["shoulder"], TODAY - dt.timedelta(days=2)),
    ]


def _long_story_notes(athlete: am.Athlete) -> None:
    AthleteNoteFactory(
        athlete=athlete,
        date=TODAY - dt.timedelta(days=200),
        content="Left knee: patellar tendon pain, keep jumps low.",
        is_pinned=True,
    )


def test_budget_summarises_older_data_and_keeps_recent_data() -> None:
    story = build_story(weeks=52)
    _long_story_notes(story.athlete)
    full = build_packet(story.athlete, today=TODAY, token_budget=100_000)
    small = build_packet(story.athlete, today=TODAY, token_budget=2500)

    assert full.meta.trimmed == []
    assert small.meta.trimmed
    assert small.meta.token_estimate <= 2500
    assert not small.meta.over_budget
    assert small.meta.token_estimate < full.meta.token_estimate
    # Recent data is kept: every detailed exercise still shows its latest session …
    for e in small.exercises:
        original = _exercise(full, e.name)
        assert e.recent_sessions[0] == original.recent_sessions[0]
        assert e.rpe_trend == original.rpe_trend
        assert e.completion == original.completion
    # … older sessions are summarised (fewer monthly lines, or counted) …
    squat_full, squat_small = _exercise(full, "Back Squat"), _exercise(small, "Back Squat")
    assert len(squat_small.older_months) < len(squat_full.older_months)
    assert squat_small.older_sessions_not_shown > 0
    assert squat_small.sessions == squat_full.sessions
    # … older notes become a count, the pinned health note stays.
    assert small.notes.older_notes_count > full.notes.older_notes_count
    assert small.notes.pinned == full.notes.pinned
    assert small.notes.health_flags[0] == full.notes.health_flags[0]
    # The catalog and the program are never summarised.
    assert small.catalog == full.catalog
    assert small.current_program == full.current_program


def test_six_months_fit_the_default_budget() -> None:
    story = build_story(weeks=26)
    packet = build_packet(story.athlete, today=TODAY)
    assert packet.meta.token_budget == 5000
    assert packet.meta.token_estimate <= 5000
    assert not packet.meta.over_budget


@pytest.mark.parametrize("budget", [1200, 1800, 2500, 3600, 4000, 6000])
def test_skipping_the_exact_count_of_clearly_oversized_steps_changes_no_packet(
    budget: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    story = build_story(weeks=52)
    _long_story_notes(story.athlete)
    counted: list[int] = []
    real_count = packet_budget.count_tokens

    def counting(text: str) -> tuple[int, str]:
        counted.append(len(text))
        return real_count(text)

    monkeypatch.setattr(packet_budget, "count_tokens", counting)
    quick = build_packet(story.athlete, today=TODAY, token_budget=budget)
    quick_counts = len(counted)
    counted.clear()
    monkeypatch.setattr(packet_budget, "CLEARLY_OVER", float("inf"))  # count every step exactly
    every = build_packet(story.athlete, today=TODAY, token_budget=budget)

    assert packet_json(quick) == packet_json(every)
    assert quick_counts <= len(counted)
    # The compact wire form leaves adjacent steps closer in size: a step far over the budget
    # comes only when the ladder goes three steps down.
    if len(every.meta.trimmed) >= 3:
        assert quick_counts < len(counted)  # steps far over the budget were not counted


def test_over_budget_is_said_not_hidden() -> None:
    packet = build_packet(build_story(weeks=8).athlete, today=TODAY, token_budget=10)
    assert packet.meta.over_budget
    assert packet.exercises  # recent data still there
    lines = {s.title: s for s in describe_packet(packet)}
    assert lines["About this packet"].lines[0].flag


def test_the_budget_setting_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPLOG_GENERATION_PACKET_TOKEN_BUDGET", "1500")
    packet = build_packet(build_story(weeks=8).athlete, today=TODAY)
    assert packet.meta.token_budget == 1500
    assert packet.meta.trimmed


def test_token_counter_falls_back_to_a_stated_estimate(monkeypatch: pytest.MonkeyPatch) -> None:
    import generation.llm as llm

    monkeypatch.delattr(llm, "count_tokens", raising=False)
    tokens, how = packet_budget.count_tokens("x" * 270)
    assert tokens == 100
    assert how == "estimate: characters / 2.7"
    monkeypatch.setattr(llm, "count_tokens", lambda text: 7, raising=False)
    assert packet_budget.count_tokens("anything") == (7, "LiteLLM token counter")


def _queries(athlete: am.Athlete) -> int:
    with CaptureQueriesContext(connection) as ctx:
        build_packet(athlete, today=TODAY)
    return len(ctx.captured_queries)


def test_constant_number_of_queries_for_one_or_twelve_months(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    one = build_story(weeks=4)
    twelve = build_story(weeks=52, athlete=AthleteFactory(name="Sam"), name_prefix="Y ")
    _long_story_notes(twelve.athlete)
    with django_assert_num_queries(QUERIES):
        build_packet(one.athlete, today=TODAY)
    with django_assert_num_queries(QUERIES):
        build_packet(twelve.athlete, today=TODAY)


def test_panel_sections_read_as_sentences() -> None:
    story = build_story(weeks=13)
    sections = {s.title: s for s in describe_packet(build_packet(story.athlete, today=TODAY))}
    assert list(sections)[:4] == ["Athlete", "Program", "Equipment and exercises", "Lifts"]
    lifts = " ".join(line.text for line in sections["Lifts"].lines)
    assert "completion 100 % (" in lifts
    assert "TM 200→" in lifts
    adherence = sections["Adherence"].lines[0].text
    assert adherence.startswith("100 % over the last 12 weeks (36 of 36 sessions)")
    assert sections["How the numbers are computed"].collapsed
