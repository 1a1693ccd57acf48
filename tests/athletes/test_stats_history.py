"""athletes.stats and athletes.charts against the database: the loaded window, the constant
number of queries, and the charts drawn from the same numbers."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from pytest_django import DjangoAssertNumQueries

from athletes.charts import athlete_charts, nice_ticks
from athletes.models import Athlete
from athletes.stats import Direction, athlete_stats, load_history
from tests.factories import (
    AthleteFactory,
    AthleteProgramFactory,
    BodyWeightFactory,
    ExerciseFactory,
    ProgramTemplateFactory,
    TrainingMaxFactory,
    WorkoutFactory,
    WorkoutSetFactory,
)
from tests.generation.factories_context import TODAY, build_story

pytestmark = pytest.mark.django_db


def test_history_window_is_bounded_but_totals_are_all_time() -> None:
    athlete = AthleteFactory()
    squat = ExerciseFactory(name="Back Squat")
    old = WorkoutFactory(athlete=athlete, date=TODAY - dt.timedelta(days=500))
    WorkoutSetFactory(workout=old, exercise=squat, set_number=1)
    recent = WorkoutFactory(athlete=athlete, date=TODAY - dt.timedelta(days=3))
    WorkoutSetFactory(workout=recent, exercise=squat, set_number=1)
    WorkoutFactory(athlete=athlete, date=TODAY + dt.timedelta(days=1))  # not yet happened

    history = load_history(athlete, today=TODAY)

    assert [w.date for w in history.workouts] == [recent.date]
    assert len(history.sets) == 1
    assert history.total_workouts == 3
    assert history.first_workout == old.date


def test_warm_up_sets_are_kept_in_the_log_but_not_in_the_statistics() -> None:
    athlete = AthleteFactory()
    squat = ExerciseFactory(name="Back Squat")
    workout = WorkoutFactory(athlete=athlete, date=TODAY - dt.timedelta(days=2))
    WorkoutSetFactory(workout=workout, exercise=squat, set_number=1, weight=45, kind="warmup")
    WorkoutSetFactory(workout=workout, exercise=squat, set_number=2, weight=225, kind="normal")

    history = load_history(athlete, today=TODAY)

    assert [s.weight for s in history.sets] == [225]


def test_stats_of_a_story_put_the_program_lifts_first() -> None:
    story = build_story(weeks=8)
    s = athlete_stats(story.athlete, today=TODAY)
    names = [e.exercise.name for e in s.exercises]
    # Main lifts (with a TM) of the current program first, the plank after them.
    assert set(names[:3]) == {"Back Squat", "Bench Press", "Power Clean"}
    assert names[3] == "Plank"
    squat = next(e for e in s.exercises if e.exercise.name == "Back Squat")
    assert squat.in_current_program
    assert squat.rpe.direction is Direction.STABLE
    assert squat.completion is not None
    assert squat.completion.rate_pct == pytest.approx(100.0)
    assert squat.best_amrap is not None
    assert squat.best_amrap.reps == 8
    assert s.adherence.rate_pct == pytest.approx(100.0)


def _history_for(athlete: Athlete, months: int) -> None:
    """`months` of weekly workouts with sets, TMs and body weights."""
    template = ProgramTemplateFactory(name=f"Block {athlete.pk}", num_weeks=4, num_days=2)
    assignment = AthleteProgramFactory(
        athlete=athlete, template=template, start_date=TODAY - dt.timedelta(days=30 * months)
    )
    lift = ExerciseFactory(name=f"Lift {athlete.pk}")
    for week in range(months * 4):
        day = TODAY - dt.timedelta(weeks=week, days=1)
        workout = WorkoutFactory(athlete=athlete, date=day, assignment=assignment, week=1, day=1)
        for n in (1, 2, 3):
            WorkoutSetFactory(workout=workout, exercise=lift, set_number=n)
        BodyWeightFactory(athlete=athlete, date=day, weight=Decimal(150 + week % 3))
        if week % 4 == 0:
            TrainingMaxFactory(
                athlete=athlete, exercise=lift, effective_date=day, weight=Decimal(200 - week)
            )


def _chart_queries(athlete: Athlete) -> int:
    with CaptureQueriesContext(connection) as ctx:
        athlete_charts(athlete, today=TODAY)
    return len(ctx.captured_queries)


def test_charts_use_a_constant_number_of_queries(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    one, twelve = AthleteFactory(), AthleteFactory()
    _history_for(one, 1)
    _history_for(twelve, 12)
    baseline = _chart_queries(one)
    assert baseline <= 7
    with django_assert_num_queries(baseline):
        athlete_charts(twelve, today=TODAY)


def test_charts_draw_the_main_lifts_adherence_and_body_weight() -> None:
    story = build_story(weeks=16)
    charts = athlete_charts(story.athlete, today=TODAY)

    assert {c.title for c in charts.training_max} == {
        "Back Squat: training max",
        "Bench Press: training max",
        "Power Clean: training max",
    }
    assert len(charts.rpe) == 3
    assert charts.rpe[0].paths, "the fitted RPE line is drawn"
    assert charts.adherence is not None
    assert len([b for b in charts.adherence.bars if b.css == "chart-target"]) == 12
    assert "36 of 36" in charts.adherence.description
    assert charts.body_weight is not None
    assert "Body weight from 140" in charts.body_weight.description
    for chart in [*charts.training_max, *charts.rpe, charts.adherence, charts.body_weight]:
        for dot in chart.dots:
            assert 0 <= dot.x <= chart.width
            assert 0 <= dot.y <= chart.height


def test_charts_template_is_accessible_inline_svg() -> None:
    story = build_story(weeks=8)
    html = render_to_string(
        "athletes/_charts.html", {"charts": athlete_charts(story.athlete, today=TODAY)}
    )
    assert html.count("<svg") >= 4
    assert 'viewBox="0 0 320 160"' in html
    assert 'role="img"' in html
    assert "<title id=" in html
    assert "<desc id=" in html
    assert "<script" not in html
    assert "http" not in html  # nothing fetched from elsewhere


def test_charts_template_without_charts_renders_nothing() -> None:
    assert render_to_string("athletes/_charts.html", {}).strip() == ""


def test_empty_history_says_so() -> None:
    html = render_to_string(
        "athletes/_charts.html", {"charts": athlete_charts(AthleteFactory(), today=TODAY)}
    )
    assert "No trends yet" in html


def test_nice_ticks_are_round_and_cover_the_range() -> None:
    ticks = nice_ticks(133, 158)
    assert ticks[0] <= 133
    assert ticks[-1] >= 158
    steps = {round(b - a, 6) for a, b in itertools.pairwise(ticks)}
    assert len(steps) == 1
    assert steps.pop() in {5, 10}


def test_a_workout_logged_between_the_history_queries_does_not_break_the_stats() -> None:
    """Under load a workout was logged after the workouts were read and before their sets were:
    its sets named a workout the history did not know (KeyError, a 500 on the page)."""
    athlete = AthleteFactory()
    squat = ExerciseFactory(name="Back Squat")
    known = WorkoutFactory(athlete=athlete, date=TODAY - dt.timedelta(days=3))
    WorkoutSetFactory(workout=known, exercise=squat, set_number=1)
    logged: list[int] = []

    def log_a_workout_before_the_sets_are_read(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        # The workouts are read by then (rows are fetched before the next query runs).
        if not logged and sql.startswith("SELECT") and '"athletes_workoutset"' in sql:
            logged.append(0)  # before the inserts: they run through this wrapper too
            late = WorkoutFactory(athlete=athlete, date=TODAY - dt.timedelta(days=1))
            WorkoutSetFactory(workout=late, exercise=squat, set_number=1)
            logged[0] = late.pk
        return execute(sql, params, many, context)

    with connection.execute_wrapper(log_a_workout_before_the_sets_are_read):
        s = athlete_stats(athlete, today=TODAY)

    assert logged[0]  # the race did happen
    assert [w.id for w in s.history.workouts] == [known.pk]
    assert {r.workout_id for r in s.history.sets} == {known.pk}
    squat_stats = next(e for e in s.exercises if e.exercise.name == "Back Squat")
    assert [session.workout_id for session in squat_stats.sessions] == [known.pk]
