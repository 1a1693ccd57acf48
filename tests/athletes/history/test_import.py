from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from athletes.history.detect import parse_history
from athletes.history.service import HistoryImportError, history_import
from athletes.models import Athlete, HistoryNameChoice, User, Workout, WorkoutSet
from programs.models import Exercise
from settings_app.services import settings_set
from tests.athletes.history.conftest import data
from tests.factories import WorkoutFactory, WorkoutSetFactory


def run(athlete: Athlete, coach: User, name: str, **kwargs: Any) -> Any:
    parsed = parse_history(data(name), unit=kwargs.pop("unit", "lbs"))
    return history_import(athlete=athlete, parsed=parsed, by=coach, **kwargs)


def test_strong_classic_imports_sets_warmups_timed_and_distance(
    athlete: Athlete, coach: User, catalog: dict[str, Exercise]
) -> None:
    result = run(athlete, coach, "strong_classic.csv")
    assert result.workouts_created == 2
    assert result.sets_created == 9
    bench = WorkoutSet.objects.filter(exercise=catalog["Bench Press"]).order_by("set_number")
    assert [(s.set_number, s.kind, s.reps, s.weight) for s in bench] == [
        (1, "warmup", 10, Decimal("95.00")),
        (2, "normal", 5, Decimal("185.00")),
        (3, "normal", 5, Decimal("185.00")),
        (4, "failure", 3, Decimal("185.00")),
    ]
    plank = WorkoutSet.objects.get(exercise=catalog["Plank"])
    assert (plank.rep_type, plank.reps, plank.duration_seconds) == ("seconds", 60, 60)
    run_set = WorkoutSet.objects.get(exercise=catalog["Run"])
    # 3.1 miles (the lbs installation's distance unit in Strong) in 25 minutes
    assert (run_set.rep_type, run_set.reps, run_set.duration_seconds) == ("distance", 4989, 1500)
    workout = Workout.objects.get(athlete=athlete, date=dt.date(2024, 3, 5))
    assert workout.notes == "felt good"


def test_reimporting_the_same_file_adds_nothing(
    athlete: Athlete, coach: User, catalog: dict[str, Exercise]
) -> None:
    run(athlete, coach, "hevy.csv")
    before = (Workout.objects.count(), WorkoutSet.objects.count())
    again = run(athlete, coach, "hevy.csv")
    assert (again.sets_created, again.workouts_created) == (0, 0)
    assert again.sets_already_there == 6
    assert (Workout.objects.count(), WorkoutSet.objects.count()) == before


def test_weights_are_converted_to_the_installation_unit(
    athlete: Athlete, coach: User, catalog: dict[str, Exercise]
) -> None:
    run(athlete, coach, "strong_semicolon.csv")  # kg file, lbs installation
    top = WorkoutSet.objects.filter(exercise=catalog["Deadlift"]).first()
    assert top is not None
    assert top.weight == Decimal("308.65")
    settings_set(key="defaults.weight_unit", value="kg", by=None)
    WorkoutSet.objects.all().delete()
    Workout.objects.all().delete()
    run(athlete, coach, "hevy.csv")
    bench = WorkoutSet.objects.filter(exercise=catalog["Bench Press"], kind="normal").get()
    assert bench.weight == Decimal("80.00")


def test_merge_adds_to_the_days_workout_and_numbers_after_its_sets(
    athlete: Athlete, coach: User, catalog: dict[str, Exercise]
) -> None:
    day = WorkoutFactory(athlete=athlete, date=dt.date(2025, 9, 15), notes="logged")
    WorkoutSetFactory(workout=day, exercise=catalog["Bench Press"], set_number=1)
    result = run(athlete, coach, "hevy.csv", merge_policy="merge")
    assert (result.workouts_created, result.workouts_merged) == (0, 1)
    numbers = day.sets.filter(exercise=catalog["Bench Press"]).values_list("set_number", flat=True)
    assert sorted(numbers) == [1, 2, 3, 4, 5]


def test_separate_keeps_a_second_workout_on_the_same_date(
    athlete: Athlete, coach: User, catalog: dict[str, Exercise]
) -> None:
    day = WorkoutFactory(athlete=athlete, date=dt.date(2025, 9, 15))
    result = run(athlete, coach, "hevy.csv", merge_policy="separate")
    assert (result.workouts_created, result.workouts_merged) == (1, 0)
    assert Workout.objects.filter(athlete=athlete, date=day.date).count() == 2
    assert not day.sets.exists()
    assert run(athlete, coach, "hevy.csv", merge_policy="separate").sets_created == 0


def test_unmatched_names_refuse_the_import_and_write_nothing(
    athlete: Athlete, coach: User, db: None
) -> None:
    with pytest.raises(HistoryImportError) as err:
        run(athlete, coach, "hevy.csv")
    assert any("Bench Press (Barbell)" in m for m in err.value.messages)
    assert not Workout.objects.exists()


def test_create_missing_creates_exercises_and_choices_are_remembered(
    athlete: Athlete, coach: User, catalog: dict[str, Exercise]
) -> None:
    choice = {"plank": f"db:{catalog['Plank'].pk}"}
    result = run(athlete, coach, "hevy.csv", choices=choice, create_missing=True)
    assert result.names_unmatched == 0
    assert (
        HistoryNameChoice.objects.get(coach=coach, source_name="plank").exercise == catalog["Plank"]
    )


def test_bad_rows_name_row_and_column_and_write_nothing(
    athlete: Athlete, coach: User, catalog: dict[str, Exercise]
) -> None:
    text = data("hevy.csv").decode().replace(",80,5,", ",heavy,5,")
    parsed = parse_history(text)
    with pytest.raises(HistoryImportError) as err:
        history_import(athlete=athlete, parsed=parsed, by=coach)
    assert err.value.messages == ["row 3, column weight_kg: 'heavy' is not a number"]
    assert not WorkoutSet.objects.exists()


def test_dry_run_writes_nothing(
    athlete: Athlete, coach: User, catalog: dict[str, Exercise]
) -> None:
    result = run(athlete, coach, "strong_classic.csv", dry_run=True)
    assert result.sets_created == 9
    assert not Workout.objects.exists()


def _strong(workouts: int) -> str:
    head = "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,RPE\n"
    rows = [
        f"2024-01-{1 + w:02d} 08:00:00,W{w},1h,Bench Press (Barbell),{s},100,5,0,0,\n"
        for w in range(workouts)
        for s in range(1, 6)
    ]
    return head + "".join(rows)


@pytest.mark.parametrize("workouts", [2, 12])
def test_query_count_does_not_grow_with_the_file(
    athlete: Athlete,
    coach: User,
    catalog: dict[str, Exercise],
    workouts: int,
    django_assert_num_queries: Any,
) -> None:
    parsed = parse_history(_strong(workouts))
    HistoryNameChoice.objects.create(
        coach=coach, source_name="bench press (barbell)", exercise=catalog["Bench Press"]
    )
    with django_assert_num_queries(QUERIES):
        result = history_import(athlete=athlete, parsed=parsed, by=coach)
    assert result.sets_created == workouts * 5


QUERIES = 15


def test_the_generator_sees_imported_history_at_once(
    athlete: Athlete, coach: User, catalog: dict[str, Exercise]
) -> None:
    from athletes.stats import load_history

    run(athlete, coach, "hevy.csv")
    history = load_history(athlete, today=dt.date(2025, 9, 20))
    assert [w.date for w in history.workouts] == [dt.date(2025, 9, 15)]
    # Six sets in the file; its one warm-up stays in the log, out of the statistics.
    assert len(history.sets) == 5
    assert athlete.workouts.get().sets.count() == 6


@pytest.mark.parametrize("workouts", [2, 12])
def test_preview_query_count_does_not_grow_with_the_file(
    athlete: Athlete,
    coach: User,
    catalog: dict[str, Exercise],
    workouts: int,
    django_assert_num_queries: Any,
) -> None:
    from athletes.history.drafts import history_draft_create, history_preview

    draft = history_draft_create(athlete=athlete, raw=_strong(workouts).encode(), by=coach)
    draft.refresh_from_db()
    with django_assert_num_queries(PREVIEW_QUERIES):
        preview = history_preview(draft)
    assert preview.counts["sets"] == workouts * 5


PREVIEW_QUERIES = 17
