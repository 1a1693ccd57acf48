"""manage.py import_catalog / export_catalog / load_seed_catalog, and the post-migrate seed."""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from athletes.models import AthleteProgram
from programs.apps import seed_after_migrate
from programs.catalog import seed
from programs.models import Exercise, PrescribedSet, ProgramTemplate
from tests.factories import ExerciseFactory, ProgramTemplateFactory
from tests.programs.factories_catalog import catalog, exercise, program, pset
from tests.programs.test_export import GO_FILE

pytestmark = pytest.mark.django_db


def write(tmp_path: Path, doc: Any, name: str = "catalog.json") -> str:
    path = tmp_path / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc))
    return str(path)


def run(*args: Any) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_import_catalog_prints_counts_and_imports(tmp_path: Path) -> None:
    output = run("import_catalog", str(GO_FILE))
    assert "Exercises: 12 new, 0 mapped to the catalog" in output
    assert "Programs: 3 (232 sets, 8 progression rules)" in output
    assert "Sets: 232; progression rules: 8" in output
    assert PrescribedSet.objects.count() == 232


def test_import_catalog_dry_run_writes_nothing(tmp_path: Path) -> None:
    output = run("import_catalog", str(GO_FILE), "--dry-run")
    assert "Dry run: the file is valid; nothing was written." in output
    assert ProgramTemplate.objects.count() == 0


def test_import_catalog_errors_exit_non_zero_with_the_same_messages(tmp_path: Path) -> None:
    path = write(tmp_path, catalog(programs=[program(num_weeks=1, sets=[pset(week=2)])]))
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 error"):
        call_command("import_catalog", path, stdout=out)
    assert (
        "error: programs[0].prescribed_sets[0].week: 2 is more than num_weeks 1" in out.getvalue()
    )
    assert ProgramTemplate.objects.count() == 0


def test_import_catalog_truncated_file(tmp_path: Path) -> None:
    path = write(tmp_path, json.dumps(catalog())[:40])
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_catalog", path, stdout=out)
    assert "Invalid JSON at line 1, column" in out.getvalue()


def test_import_catalog_missing_file() -> None:
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_catalog", "/nonexistent/catalog.json")


def test_unresolved_names_stop_the_import_until_mapped_or_created(tmp_path: Path) -> None:
    squat = ExerciseFactory(name="Back Squat")
    doc = catalog(exercises=[], programs=[program(sets=[pset("Squat, Back"), pset("Nordic Curl")])])
    path = write(tmp_path, doc)
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 unresolved name"):
        call_command("import_catalog", path, stdout=out)
    assert "unresolved: exercise 'Nordic Curl'" in out.getvalue()
    assert "~ exercise 'Squat, Back' → 'Back Squat' (100 %, close match)" in out.getvalue()

    curl = ExerciseFactory(name="Nordic Hamstring Curl")
    run("import_catalog", path, "--map", "Nordic Curl=nordic hamstring curl")
    assert set(PrescribedSet.objects.values_list("exercise_id", flat=True)) == {squat.pk, curl.pk}


def test_create_missing_creates_bare_exercises(tmp_path: Path) -> None:
    path = write(tmp_path, catalog(exercises=[], programs=[program(sets=[pset("Nordic Curl")])]))
    run("import_catalog", path, "--create-missing")
    assert Exercise.objects.filter(name="Nordic Curl").exists()


def test_map_to_an_unknown_name_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, catalog())
    with pytest.raises(CommandError, match="no exercise or equipment named 'Nope'"):
        call_command("import_catalog", path, "--map", "Back Squat=Nope", stdout=io.StringIO())
    with pytest.raises(CommandError, match="write it as OLD=NEW"):
        call_command("import_catalog", path, "--map", "Back Squat", stdout=io.StringIO())


def test_program_clashes_need_rename_clashes(tmp_path: Path) -> None:
    ProgramTemplateFactory(name="Block A")
    path = write(tmp_path, catalog())
    with pytest.raises(CommandError):
        call_command("import_catalog", path, stdout=io.StringIO())
    run("import_catalog", path, "--rename-clashes")
    assert ProgramTemplate.objects.filter(name="Block A (2)").exists()


def test_import_for_an_athlete(tmp_path: Path, athlete: Any) -> None:
    path = write(tmp_path, catalog(programs=[program("Alex Block", sets=[pset(percentage=70)])]))
    run("import_catalog", path, "--athlete", str(athlete.pk))
    assignment = AthleteProgram.objects.get(athlete=athlete, is_active=True)
    assert assignment.template.name == "Alex Block"
    assert assignment.template.owner == athlete
    with pytest.raises(CommandError, match="No athlete with id 999999"):
        call_command("import_catalog", path, "--athlete", "999999", stdout=io.StringIO())


def test_export_catalog_to_stdout_and_to_a_file(tmp_path: Path) -> None:
    run("import_catalog", str(GO_FILE))
    doc = json.loads(run("export_catalog"))
    assert doc["version"] == "1.1"
    assert len(doc["programs"]) == 3
    target = tmp_path / "one.json"
    call_command(
        "export_catalog",
        "--program",
        "youth foundations",
        "--output",
        str(target),
        stderr=io.StringIO(),
    )
    one = json.loads(target.read_text())
    assert [p["name"] for p in one["programs"]] == ["Youth Foundations"]
    with pytest.raises(CommandError, match="No program named 'Nope'"):
        call_command("export_catalog", "--program", "Nope", stdout=io.StringIO())


# --- the seed catalog -------------------------------------------------------------------------

SMALL_SEED = catalog(
    equipment=[{"name": "Barbell"}],
    exercises=[exercise("Back Squat", [("Barbell", False)], movement_pattern="squat")],
    programs=[program("Seed Program", sets=[pset(percentage=70)])],
)


def test_seed_loads_into_an_empty_catalog_once(tmp_path: Path) -> None:
    path = Path(write(tmp_path, SMALL_SEED))
    result = seed.seed_catalog_load(path=path)
    assert result is not None
    assert result.programs_created == 1
    assert seed.seed_catalog_load(path=path) is None  # idempotent
    assert ProgramTemplate.objects.count() == 1


def test_seed_is_not_loaded_over_an_existing_catalog(tmp_path: Path) -> None:
    ExerciseFactory(name="Ours")
    assert seed.seed_catalog_load(path=Path(write(tmp_path, SMALL_SEED))) is None
    assert ProgramTemplate.objects.count() == 0


def test_an_invalid_or_missing_seed_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(seed.SeedError, match="cannot be read"):
        seed.seed_catalog_load(path=tmp_path / "missing.json")
    bad = Path(write(tmp_path, catalog(programs=[program(num_weeks=1, sets=[pset(week=2)])])))
    with pytest.raises(
        seed.SeedError, match=r"is invalid: programs\[0\]\.prescribed_sets\[0\]\.week"
    ):
        seed.seed_catalog_load(path=bad)
    assert ProgramTemplate.objects.count() == 0


def test_load_seed_catalog_command(tmp_path: Path) -> None:
    path = write(tmp_path, SMALL_SEED)
    assert "Seed catalog loaded." in run("load_seed_catalog", "--path", path)
    assert "already has entries" in run("load_seed_catalog", "--path", path)


def test_load_seed_catalog_command_fails_loudly_on_a_bad_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="cannot be read"):
        call_command(
            "load_seed_catalog", "--path", str(tmp_path / "nope.json"), stdout=io.StringIO()
        )


def test_post_migrate_loads_the_seed_when_enabled(
    tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(seed, "SEED_PATH", Path(write(tmp_path, SMALL_SEED)))
    config = apps.get_app_config("programs")
    settings.REPLOG_SEED_ON_MIGRATE = False
    seed_after_migrate(config, using="default", verbosity=0)
    assert ProgramTemplate.objects.count() == 0
    settings.REPLOG_SEED_ON_MIGRATE = True
    out = io.StringIO()
    seed_after_migrate(config, using="default", verbosity=1, stdout=out)
    assert ProgramTemplate.objects.get().name == "Seed Program"
    assert out.getvalue().startswith("Seed catalog loaded:")


def test_post_migrate_never_breaks_migrate_on_a_bad_seed(
    tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    bad = Path(write(tmp_path, "{not json"))
    monkeypatch.setattr(seed, "SEED_PATH", bad)
    settings.REPLOG_SEED_ON_MIGRATE = True
    with caplog.at_level(logging.ERROR):
        seed_after_migrate(apps.get_app_config("programs"), using="default", verbosity=0)
    assert "is invalid: Invalid JSON at line 1, column 2" in caplog.text
    assert ProgramTemplate.objects.count() == 0


def test_the_real_seed_file_loads_through_the_import_service() -> None:
    result = seed.seed_catalog_load()
    assert result is not None
    doc = json.loads(seed.SEED_PATH.read_text())
    assert result.sets_created == sum(len(p["prescribed_sets"]) for p in doc["programs"])
    assert result.exercises_created == len(doc["exercises"])
