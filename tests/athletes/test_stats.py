"""The trend maths of athletes.stats on hand-made series with known answers (no database)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from athletes.stats import (
    AssignmentRow,
    DatedValue,
    Direction,
    NoteRow,
    PrescriptionRow,
    Session,
    SetRow,
    TrainingMaxRow,
    Volume,
    WorkoutRow,
    adherence,
    amrap_results,
    body_weight_trend,
    completion,
    epley_1rm,
    exercise_name_mask,
    format_sets,
    health_mention,
    least_squares_slope,
    plateau,
    prescribed_sessions,
    rpe_trend,
    set_volume,
    volume_trend,
    weekly_last,
)
from programs.models import RepType

# --- RPE trend -------------------------------------------------------------------------------


def test_rpe_rising_series_has_its_slope_and_direction() -> None:
    trend = rpe_trend([7.0, 7.2, 7.4, 7.6, 7.8])
    assert trend.direction is Direction.RISING
    assert trend.slope == pytest.approx(0.2)
    assert trend.points == 5


def test_rpe_falling_series() -> None:
    trend = rpe_trend([8.0, 7.8, 7.6, 7.4])
    assert trend.direction is Direction.FALLING
    assert trend.slope == pytest.approx(-0.2)


def test_rpe_flat_series_is_stable() -> None:
    trend = rpe_trend([7.0] * 6)
    assert trend.direction is Direction.STABLE
    assert trend.slope == pytest.approx(0.0)


def test_rpe_noisy_series_without_drift_is_stable() -> None:
    trend = rpe_trend([6.0, 6.5, 5.5, 6.0, 6.5, 5.5, 6.0, 6.0])
    assert trend.slope == pytest.approx(-1.0 / 42)
    assert trend.direction is Direction.STABLE


@pytest.mark.parametrize("series", [[], [7.0], [7.0, 8.0]])
def test_rpe_trend_needs_three_sessions(series: list[float]) -> None:
    trend = rpe_trend(series)
    assert trend.direction is Direction.INSUFFICIENT
    assert trend.slope is None
    assert trend.points == len(series)


def test_rpe_trend_uses_only_the_last_eight_sessions() -> None:
    # Twelve sessions: hard early, flat at 6 for the last eight. Over all twelve it would fall.
    trend = rpe_trend([9.0, 9.0, 9.0, 9.0] + [6.0] * 8)
    assert trend.points == 8
    assert trend.direction is Direction.STABLE


def test_rpe_trend_threshold_is_inclusive() -> None:
    assert rpe_trend([1.0, 2.0, 3.0], threshold=1.0).direction is Direction.RISING
    assert rpe_trend([1.0, 2.0, 3.0], threshold=1.01).direction is Direction.STABLE


def test_rpe_trend_fitted_line_passes_through_the_mean() -> None:
    trend = rpe_trend([7.0, 7.5, 8.0])
    assert trend.intercept == pytest.approx(7.0)
    assert trend.slope == pytest.approx(0.5)


def test_least_squares_with_uneven_x() -> None:
    assert least_squares_slope([10.0, 20.0, 40.0], [0.0, 1.0, 3.0]) == pytest.approx(10.0)
    assert least_squares_slope([5.0, 6.0], [2.0, 2.0]) is None


# --- Volume ----------------------------------------------------------------------------------


def test_volume_rising_as_percent_of_mean_week() -> None:
    trend = volume_trend([1000, 1100, 1200, 1300])
    assert trend.slope == pytest.approx(100 / 1150 * 100)
    assert trend.direction is Direction.RISING


def test_volume_falling_flat_and_noisy() -> None:
    assert volume_trend([1300, 1200, 1100, 1000]).direction is Direction.FALLING
    assert volume_trend([1000, 1000, 1000]).direction is Direction.STABLE
    noisy = volume_trend([1000, 1020, 990, 1010])
    assert noisy.slope == pytest.approx(0.0)
    assert noisy.direction is Direction.STABLE


@pytest.mark.parametrize("weekly", [[1000, 1100], [0, 0, 0], []])
def test_volume_trend_insufficient(weekly: list[float]) -> None:
    assert volume_trend(weekly).direction is Direction.INSUFFICIENT


def _set(**kw: object) -> SetRow:
    fields: dict[str, object] = {"workout_id": 1, "exercise_id": 1, "set_number": 1, "reps": 5}
    fields.update(kw)
    return SetRow(**fields)  # type: ignore[arg-type]


@given(
    st.lists(
        st.tuples(
            st.none() | st.integers(min_value=0, max_value=500),
            st.sampled_from(list(RepType)),
            st.none() | st.floats(min_value=0, max_value=500, allow_nan=False),
        ),
        max_size=12,
    )
)
def test_a_sessions_volume_is_the_sum_of_its_sets_volumes(
    rows: list[tuple[int | None, str, float | None]],
) -> None:
    sets = tuple(_set(reps=r, rep_type=t, weight=w) for r, t, w in rows)
    total = Volume()
    for s in sets:
        total += set_volume(s)
    session = Session(date=dt.date(2026, 1, 5), workout_id=1, sets=sets)
    assert session.volume == total  # exactly: the same additions in the same order


def test_seconds_and_distance_are_kept_apart_from_reps() -> None:
    assert set_volume(_set(reps=30, rep_type=RepType.SECONDS)) == Volume(sets=1, seconds=30)
    assert set_volume(_set(reps=400, rep_type=RepType.DISTANCE, weight=0.0)) == Volume(
        sets=1, distance_m=400
    )
    assert set_volume(_set(reps=5, weight=100.0)) == Volume(sets=1, reps=5, tonnage=500.0)
    # Each side: both sides count.
    assert set_volume(_set(reps=10, weight=25.0, rep_type=RepType.EACH_SIDE)) == Volume(
        sets=1, reps=20, tonnage=500.0
    )


def test_session_volume_sums_its_sets() -> None:
    session = Session(
        dt.date(2026, 1, 5),
        1,
        (_set(weight=100.0), _set(weight=100.0, set_number=2), _set(reps=8, weight=110.0)),
    )
    assert session.volume == Volume(sets=3, reps=18, tonnage=1880.0)
    assert session.top_weight == 110.0
    assert session.best_set.reps == 8


def test_format_sets_groups_identical_sets_and_ramps() -> None:
    sets = [_set(weight=135.0), _set(weight=135.0), _set(weight=135.0)]
    sets.append(_set(reps=8, weight=155.0, is_amrap=True))
    assert format_sets(sets) == "3×5@135, 1×8@155 AMRAP"
    ramp = [_set(reps=2, weight=w) for w in (80.0, 90.0, 95.0)]
    assert format_sets(ramp) == "3×2@80/90/95"
    assert format_sets([_set(reps=30, rep_type=RepType.SECONDS)] * 2) == "2×30s"
    assert format_sets([_set(reps=10, weight=0.0)] * 3) == "3×10"


# --- AMRAP and 1RM ---------------------------------------------------------------------------


def test_epley_estimate() -> None:
    assert epley_1rm(100, 10) == pytest.approx(133.333, abs=1e-3)
    assert epley_1rm(200, 1) == pytest.approx(206.667, abs=1e-3)


def test_best_and_last_amrap() -> None:
    def session(day: int, *sets: SetRow) -> Session:
        return Session(dt.date(2026, 1, day), day, sets)

    sessions = [
        session(1, _set(weight=150.0, reps=5), _set(weight=100.0, reps=12, is_amrap=True)),
        session(8, _set(weight=110.0, reps=6, is_amrap=True)),
        session(15, _set(weight=200.0, reps=3)),  # heavy, but not an AMRAP
    ]
    best, last = amrap_results(sessions)
    assert best is not None
    assert last is not None
    assert (best.date.day, best.weight, best.reps) == (1, 100.0, 12)
    assert best.e1rm == pytest.approx(140.0)
    assert (last.date.day, last.weight, last.reps) == (8, 110.0, 6)
    assert last.e1rm == pytest.approx(132.0)


def test_no_amrap_no_result() -> None:
    assert amrap_results([Session(dt.date(2026, 1, 1), 1, (_set(weight=100.0),))]) == (None, None)


# --- Plateau ---------------------------------------------------------------------------------


def _sessions(rpes: list[float], weight: float = 135.0, start: int = 1) -> list[Session]:
    return [
        Session(dt.date(2026, 3, start + i * 3), i, (_set(weight=weight, rpe=r, reps=2),))
        for i, r in enumerate(rpes)
    ]


RISING = [7.0, 7.2, 7.4, 7.6, 7.8, 8.0]


def test_plateau_when_tm_flat_and_rpe_rising() -> None:
    tms = [TrainingMaxRow(1, dt.date(2026, 2, 1), 135.0)]
    result = plateau(_sessions(RISING), tms)
    assert result.flagged
    assert "TM 135 unchanged" in result.reason
    assert "over the last 6 sessions" in result.reason
    assert "RPE rose +0.20/session" in result.reason


def test_no_plateau_when_tm_was_raised_in_the_window() -> None:
    tms = [
        TrainingMaxRow(1, dt.date(2026, 2, 1), 135.0),
        TrainingMaxRow(1, dt.date(2026, 3, 8), 140.0),
    ]
    assert not plateau(_sessions(RISING), tms).flagged


def test_no_plateau_when_rpe_is_stable() -> None:
    tms = [TrainingMaxRow(1, dt.date(2026, 2, 1), 135.0)]
    assert not plateau(_sessions([7.0] * 6), tms).flagged


def test_no_plateau_with_fewer_than_k_sessions() -> None:
    tms = [TrainingMaxRow(1, dt.date(2026, 2, 1), 135.0)]
    result = plateau(_sessions(RISING[:5]), tms)
    assert not result.flagged
    assert "fewer than 6" in result.reason


def test_plateau_without_tm_follows_the_top_weight() -> None:
    assert plateau(_sessions(RISING, weight=40.0), []).flagged
    rising_load = [
        Session(dt.date(2026, 3, 1 + i), i, (_set(weight=40.0 + 5 * i, rpe=r),))
        for i, r in enumerate(RISING)
    ]
    assert not plateau(rising_load, []).flagged


# --- Completion ------------------------------------------------------------------------------

PROGRAM = AssignmentRow(
    id=1, template_id=10, name="Base", num_weeks=1, num_days=2, start_date=dt.date(2026, 1, 5)
)
SQUAT, BENCH, DEADLIFT, CURL, TRAP_BAR = 1, 2, 3, 4, 5
PATTERNS = {
    SQUAT: "squat",
    BENCH: "horizontal_push",
    DEADLIFT: "hinge",
    CURL: "",
    TRAP_BAR: "hinge",
}


def _rx(day: int, exercise: int, count: int) -> list[PrescriptionRow]:
    return [PrescriptionRow(10, 1, day, exercise, n, 5) for n in range(1, count + 1)]


PRESCRIPTIONS = _rx(1, SQUAT, 3) + _rx(1, BENCH, 3) + _rx(2, DEADLIFT, 2)


def _logged(workout: int, exercise: int, count: int) -> list[SetRow]:
    return [SetRow(workout, exercise, n, 5, 100.0) for n in range(1, count + 1)]


def test_completion_counts_skips_extra_sets_and_extra_sessions() -> None:
    d = dt.date(2026, 1, 5)
    workouts = [
        WorkoutRow(1, d, 1, 1, 1),  # squat 3/3, bench 2/3
        WorkoutRow(2, d + dt.timedelta(days=2), 1, 1, 2),  # deadlift skipped, curls instead
        WorkoutRow(3, d + dt.timedelta(days=3)),  # an extra session, no program
        WorkoutRow(4, d + dt.timedelta(days=7), 1, 1, 1),  # squat 5 (2 extra), bench 3/3
        WorkoutRow(5, d - dt.timedelta(days=30), 1, 1, 1),  # before the window
    ]
    sets = (
        _logged(1, SQUAT, 3)
        + _logged(1, BENCH, 2)
        + _logged(2, CURL, 4)
        + _logged(3, SQUAT, 5)
        + _logged(4, SQUAT, 5)
        + _logged(4, BENCH, 3)
        + _logged(5, SQUAT, 1)
    )
    report = completion(workouts, sets, [PROGRAM], PRESCRIPTIONS, since=d, patterns=PATTERNS)

    squat, bench, deadlift = (report.by_exercise[x] for x in (SQUAT, BENCH, DEADLIFT))
    assert (squat.prescribed_sets, squat.logged_sets, squat.extra_sets) == (6, 6, 2)
    assert squat.rate_pct == pytest.approx(100.0)
    assert (bench.prescribed_sets, bench.logged_sets) == (6, 5)
    assert bench.rate_pct == pytest.approx(500 / 6)
    assert (deadlift.sessions, deadlift.sessions_skipped, deadlift.rate_pct) == (1, 1, 0.0)
    assert report.overall.prescribed_sets == 14
    assert report.overall.logged_sets == 11
    assert report.sessions_matched == 3
    assert report.sessions_unmatched == 1
    assert report.unprescribed_sets == 4  # the curls: not a like-for-like swap


def test_a_same_pattern_exercise_counts_as_a_swap() -> None:
    d = dt.date(2026, 1, 6)
    workouts = [WorkoutRow(1, d, 1, 1, 2)]
    report = completion(
        workouts, _logged(1, TRAP_BAR, 2), [PROGRAM], PRESCRIPTIONS, since=d, patterns=PATTERNS
    )
    assert report.by_exercise[DEADLIFT].logged_sets == 2
    assert report.by_exercise[DEADLIFT].sessions_skipped == 0
    assert report.by_exercise[TRAP_BAR].rate_pct == pytest.approx(100.0)
    assert report.swaps == {TRAP_BAR: {DEADLIFT}}
    assert report.overall.prescribed_sets == 2  # the swap is not counted twice
    assert report.unprescribed_sets == 0


# --- Adherence -------------------------------------------------------------------------------

TODAY = dt.date(2026, 6, 17)  # Wednesday; this week starts Monday 2026-06-15
THREE_DAYS = AssignmentRow(
    id=1, template_id=10, name="Base", num_weeks=4, num_days=3, start_date=dt.date(2026, 3, 2)
)


def _week_of_workouts(
    monday: dt.date, count: int, first_id: int, notes: str = ""
) -> list[WorkoutRow]:
    return [
        WorkoutRow(first_id + i, monday + dt.timedelta(days=i * 2 if i < 3 else 6), notes=notes)
        for i in range(count)
    ]


def test_adherence_with_missed_and_extra_sessions() -> None:
    first = dt.date(2026, 3, 23)  # 12 complete weeks: 2026-03-23 … 2026-06-08
    counts = {dt.date(2026, 4, 6): 2, dt.date(2026, 5, 4): 4, dt.date(2026, 5, 11): 1}
    workouts: list[WorkoutRow] = []
    for i in range(12):
        monday = first + dt.timedelta(weeks=i)
        note = "Missed Friday — exams." if monday == dt.date(2026, 4, 6) else ""
        workouts += _week_of_workouts(monday, counts.get(monday, 3), 100 * i, note)
    workouts += _week_of_workouts(dt.date(2026, 6, 15), 1, 5000)
    notes = [
        NoteRow(dt.date(2026, 5, 12), "Flu — sick all week."),
        NoteRow(dt.date(2026, 5, 13), "Squat depth much better."),
    ]
    result = adherence(workouts, [THREE_DAYS], notes, today=TODAY)

    assert result.weeks[0].start == first
    assert len(result.weeks) == 12
    assert sum(w.prescribed for w in result.weeks) == 36
    # 36 prescribed; one session short in one week, two in another; the 4th session of the
    # extra week does not make up for either.
    assert result.rate_pct == pytest.approx(33 / 36 * 100)
    missed = {w.start: w for w in result.missed}
    assert set(missed) == {dt.date(2026, 4, 6), dt.date(2026, 5, 11)}
    assert missed[dt.date(2026, 4, 6)].reasons == ("Missed Friday — exams.",)
    # The note that gives a reason is chosen over the week's other note.
    assert missed[dt.date(2026, 5, 11)].reasons == ("Flu — sick all week.",)
    assert result.streak_weeks == 4  # 05-18 … 06-08; this week is not met yet
    assert (result.current.prescribed, result.current.logged, result.current.met) == (3, 1, False)


def test_streak_counts_this_week_once_it_is_met() -> None:
    workouts = _week_of_workouts(dt.date(2026, 6, 8), 3, 1) + _week_of_workouts(
        dt.date(2026, 6, 15), 3, 10
    )
    assert adherence(workouts, [THREE_DAYS], [], today=dt.date(2026, 6, 21)).streak_weeks == 2


def test_no_program_means_no_adherence_figure() -> None:
    result = adherence(_week_of_workouts(dt.date(2026, 6, 8), 3, 1), [], [], today=TODAY)
    assert result.rate_pct is None
    assert result.missed == []
    assert result.streak_weeks == 0


def test_a_program_starting_mid_week_asks_for_its_days_pro_rata() -> None:
    wednesday_start = AssignmentRow(
        id=1, template_id=10, name="B", num_weeks=4, num_days=3, start_date=dt.date(2026, 3, 4)
    )
    # Wednesday → Sunday: 5 of 7 days of a 3-day week → 2.14 → 2 sessions.
    assert prescribed_sessions([wednesday_start], dt.date(2026, 3, 2), TODAY) == 2
    assert prescribed_sessions([wednesday_start], dt.date(2026, 3, 9), TODAY) == 3
    assert prescribed_sessions([wednesday_start], dt.date(2026, 2, 23), TODAY) == 0


def test_a_replaced_program_hands_over_mid_week() -> None:
    old = AssignmentRow(
        id=1,
        template_id=10,
        name="A",
        num_weeks=4,
        num_days=3,
        start_date=dt.date(2026, 3, 2),
        is_active=False,
        ended_on=dt.date(2026, 4, 30),  # a Thursday
    )
    new = AssignmentRow(
        id=2, template_id=11, name="B", num_weeks=4, num_days=4, start_date=dt.date(2026, 5, 1)
    )
    assert prescribed_sessions([old, new], dt.date(2026, 4, 20), TODAY) == 3
    assert prescribed_sessions([old, new], dt.date(2026, 4, 27), TODAY) == 4  # 2 + 2
    assert prescribed_sessions([old, new], dt.date(2026, 5, 4), TODAY) == 4


# --- Body weight -----------------------------------------------------------------------------


def _weekly(start: float, end: float, weeks: int, last: dt.date = TODAY) -> list[DatedValue]:
    first = last - dt.timedelta(weeks=weeks)
    return [
        DatedValue(first + dt.timedelta(weeks=i), start + (end - start) * i / weeks)
        for i in range(weeks + 1)
    ]


def test_growth_spurt_is_a_rapid_gain() -> None:
    trend = body_weight_trend(_weekly(142, 150, 12), today=TODAY)
    assert trend.per_month == pytest.approx(8 / 84 * 30.44)
    assert trend.pct_per_month == pytest.approx(8 / 84 * 30.44 / 146 * 100)
    assert trend.direction is Direction.RISING
    assert trend.rapid


def test_stable_weight_is_not_flagged() -> None:
    points = [
        DatedValue(p.date, 150 + (0.4 if i % 2 else -0.4)) for i, p in enumerate(_weekly(0, 0, 12))
    ]
    trend = body_weight_trend(points, today=TODAY)
    assert trend.direction is Direction.STABLE
    assert not trend.rapid


def test_rapid_loss_is_flagged_and_slow_loss_is_not() -> None:
    fast = body_weight_trend(_weekly(150, 140, 12), today=TODAY)
    assert fast.direction is Direction.FALLING
    assert fast.rapid
    slow = body_weight_trend(_weekly(150, 147, 12), today=TODAY)
    assert slow.direction is Direction.FALLING
    assert not slow.rapid


def test_body_weight_trend_needs_enough_points_and_span() -> None:
    two = _weekly(150, 151, 1)
    assert body_weight_trend(two, today=TODAY).direction is Direction.INSUFFICIENT
    close = [DatedValue(TODAY - dt.timedelta(days=d), 150.0) for d in (0, 4, 9)]
    assert body_weight_trend(close, today=TODAY).direction is Direction.INSUFFICIENT


def test_body_weight_trend_ignores_measurements_older_than_91_days() -> None:
    old = [DatedValue(TODAY - dt.timedelta(days=200 + i), 120.0) for i in range(5)]
    trend = body_weight_trend(old + _weekly(150, 150, 12), today=TODAY)
    assert trend.direction is Direction.STABLE
    assert trend.points == 13


def test_weekly_series_keeps_the_last_measurement_of_each_week() -> None:
    points = [
        DatedValue(dt.date(2026, 6, 1), 150.0),
        DatedValue(dt.date(2026, 6, 3), 151.0),  # same week, later
        DatedValue(dt.date(2026, 6, 9), 152.0),
    ]
    series = weekly_last(points, weeks=26, today=TODAY)
    assert [p.value for p in series] == [151.0, 152.0]


# --- Health and injury mentions --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "parts", "term"),
    [
        ("Left knee soreness after jumps", ("knee",), "soreness"),
        ("Lower back tight after deadlifts", ("back",), None),
        ("Shoulder pain on overhead work", ("shoulder",), "pain"),
        ("Tweaked his hamstring sprinting", ("hamstring",), "tweaked"),
        ("Rolled the right ankle in the game", ("ankle",), None),
        ("Concussion protocol, cleared by the doctor", ("head",), "concussion"),
        ("A bit sore today", (), "sore"),
        ("Wrist strain from the front rack", ("wrist",), "strain"),
    ],
)
def test_health_mentions_are_found(text: str, parts: tuple[str, ...], term: str | None) -> None:
    found = health_mention(text)
    assert found is not None
    assert found.body_parts == parts
    if term:
        assert term in found.terms


@pytest.mark.parametrize(
    "text",
    [
        "Backed off the last set, bar speed dropped.",
        "Good feedback from the team.",
        "Back Squat felt heavy today.",
        "Came back strong after the break.",
        "Fast elbows on the catch, knees out on the squat.",
        "Half-kneeling press looks solid.",
        "",
    ],
)
def test_no_false_health_mentions(text: str) -> None:
    assert health_mention(text) is None


def test_exercise_names_are_not_body_parts() -> None:
    mask = exercise_name_mask(["Hip Thrust", "Nordic Hamstring Curl", "Single-Leg Hip Thrust"])
    assert health_mention("Hip thrusts and Nordic hamstring curls added", mask=mask) is None
    found = health_mention("Hip thrusts hurt his lower back", mask=mask)
    assert found is not None
    assert found.body_parts == ("back",)
    assert found.terms == ("hurt",)
