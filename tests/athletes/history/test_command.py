from __future__ import annotations

import io
import sys

import pytest
from django.core.management import CommandError, call_command

from athletes.models import Athlete, Workout, WorkoutSet
from programs.models import Exercise
from tests.athletes.history.conftest import DATA, data


def command(*args: str) -> str:
    out = io.StringIO()
    call_command("import_history", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_command_imports_and_prints_a_summary(
    athlete: Athlete, catalog: dict[str, Exercise]
) -> None:
    out = command("--athlete", str(athlete.pk), str(DATA / "strong_classic.csv"))
    assert (
        "workouts: 2 new, 0 merged; sets: 9 imported, 0 already there; "
        "names: 4 mapped, 0 new, 0 unmatched; warnings: 0"
    ) in out
    assert WorkoutSet.objects.count() == 9


def test_command_dry_run_and_stdin(
    athlete: Athlete, catalog: dict[str, Exercise], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data("hevy.csv"))))
    out = command("--athlete", str(athlete.pk), "--dry-run", "--separate", "-")
    assert out.startswith("Dry run — nothing written: workouts: 1 new")
    assert not Workout.objects.exists()


def test_command_fails_with_the_unmatched_names_and_writes_nothing(
    athlete: Athlete, db: None
) -> None:
    err = io.StringIO()
    with pytest.raises(CommandError, match="3 error"):
        call_command(
            "import_history", "--athlete", str(athlete.pk), str(DATA / "hevy.csv"), stderr=err
        )
    assert "'Bench Press (Barbell)' (row 2, 4 rows) matches nothing" in err.getvalue()
    assert not Workout.objects.exists()


def test_command_map_and_create_missing(athlete: Athlete, db: None) -> None:
    bench = Exercise.objects.create(name="Bench Press")
    out = command(
        "--athlete", str(athlete.pk), "--map", "Bench Press (Barbell)=bench press",
        "--create-missing", str(DATA / "hevy.csv"),
    )  # fmt: skip
    assert "names: 1 mapped, 2 new, 0 unmatched" in out
    assert WorkoutSet.objects.filter(exercise=bench).count() == 4
    assert Exercise.objects.filter(name="Running").exists()


def test_command_refuses_a_file_of_another_format(athlete: Athlete, tmp_path: object) -> None:
    with pytest.raises(CommandError, match="not a Strong or Hevy CSV"):
        command("--athlete", str(athlete.pk), str(DATA / "other.csv"))


def test_command_unknown_athlete(db: None) -> None:
    with pytest.raises(CommandError, match="No athlete with id 999"):
        command("--athlete", "999", str(DATA / "hevy.csv"))
