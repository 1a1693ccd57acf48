"""manage.py import_plan: the page's service from the command line."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from athletes.models import Athlete
from generation.plan_import.models import PlanImportLog
from programs.models import Exercise, ImportDraft, ProgramTemplate
from tests.factories import ExerciseFactory

PLAN = "Day 1\nBack Squat 5x5 @ 75%\nBench Press 3x8\nGo heavy today\n"


@pytest.fixture
def catalog(db: None) -> None:
    ExerciseFactory(name="Back Squat")
    ExerciseFactory(name="Bench Press")


@pytest.fixture
def plan_file(tmp_path: Path) -> Path:
    path = tmp_path / "plan.md"
    path.write_text(PLAN, encoding="utf-8")
    return path


def run(*args: Any) -> str:
    out = io.StringIO()
    call_command("import_plan", *[str(a) for a in args], stdout=out)
    return out.getvalue()


def test_imports_the_plan_for_an_athlete_and_prints_a_summary_line(
    catalog: None, athlete: Athlete, plan_file: Path
) -> None:
    out = run(plan_file, "--athlete", athlete.pk, "--name", "From notes", "--parser", "grammar")
    assert (
        "Summary: 4 lines (2 parsed, 0 by the LLM, 2 headings or ignored, 0 not read); "
        "8 sets; names: 2 mapped, 0 new, 0 unmatched; 0 warnings"
    ) in out
    assert "line 4: ignored — text without sets or reps" in out
    template = ProgramTemplate.objects.get(name="From notes")
    assert template.owner == athlete
    assert template.sets.count() == 8
    assert PlanImportLog.objects.get().owner == athlete.coach


def test_dry_run_reads_and_maps_but_writes_nothing(
    catalog: None, athlete: Athlete, plan_file: Path
) -> None:
    out = run(plan_file, "--athlete", athlete.pk, "--dry-run")
    assert "Dry run" in out
    assert not ImportDraft.objects.exists()
    assert not PlanImportLog.objects.exists()
    assert not ProgramTemplate.objects.exists()


def test_a_dash_reads_standard_input(
    catalog: None, athlete: Athlete, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(PLAN.encode())))
    out = run("-", "--athlete", athlete.pk, "--dry-run")
    assert "8 sets" in out


def test_unmatched_names_stop_the_import_unless_created(
    catalog: None, athlete: Athlete, tmp_path: Path
) -> None:
    path = tmp_path / "plan.txt"
    path.write_text("Zercher Fandango 3x8\nBack Squat 3x5", encoding="utf-8")
    with pytest.raises(CommandError, match="1 unresolved name"):
        run(path, "--athlete", athlete.pk)
    assert not ProgramTemplate.objects.exists()
    out = run(path, "--athlete", athlete.pk, "--create-missing", "--name", "Second")
    assert "names: 1 mapped, 1 new, 0 unmatched" in out
    assert Exercise.objects.filter(name="Zercher Fandango").exists()
    assert ProgramTemplate.objects.get(name="Second").sets.count() == 6


def test_a_coach_imports_into_the_global_catalog(
    catalog: None, coach: Any, plan_file: Path
) -> None:
    run(plan_file, "--coach", coach.username, "--name", "Shared")
    assert ProgramTemplate.objects.get(name="Shared").owner is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--athlete", "999"], "No athlete with id 999"),
        (["--coach", "nobody"], "No coach or admin with the username 'nobody'"),
    ],
)
def test_an_unknown_target_is_an_error(
    db: None, plan_file: Path, args: list[str], message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        run(plan_file, *args)


def test_bad_input_is_an_error_and_writes_nothing(athlete: Athlete, tmp_path: Path) -> None:
    short = tmp_path / "short.txt"
    short.write_text("Squat", encoding="utf-8")
    with pytest.raises(CommandError, match="paste at least 10 characters"):
        run(short, "--athlete", athlete.pk)
    binary = tmp_path / "plan.txt"
    binary.write_bytes(b"\xff\xfe\x00S")
    with pytest.raises(CommandError, match="not UTF-8"):
        run(binary, "--athlete", athlete.pk)
    with pytest.raises(CommandError, match="Cannot read"):
        run(tmp_path / "missing.txt", "--athlete", athlete.pk)
    assert not PlanImportLog.objects.exists()


def test_choosing_the_llm_without_one_is_an_error(athlete: Athlete, plan_file: Path) -> None:
    with pytest.raises(CommandError, match="No LLM provider is configured"):
        run(plan_file, "--athlete", athlete.pk, "--parser", "llm")
