from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from athletes.history.detect import parse_history
from athletes.history.service import HistoryImportError, history_import
from athletes.models import Athlete, AthleteProgram, HistoryImportDraft, User, Workout
from programs.models import Exercise, PrescribedSet, ProgramTemplate
from tests.conftest import client_for
from tests.factories import AthleteProgramFactory, ProgramTemplateFactory

TEMPLATE = {
    "name": "Texas Method",
    "description": "Volume, recovery, intensity",
    "num_weeks": 1,
    "num_days": 2,
    "is_loop": True,
    "audience": None,
    "prescribed_sets": [
        {"exercise": "Squat", "week": 1, "day": 1, "set_number": 1, "reps": 5, "percentage": 90},
        {"exercise": "Bench Press", "week": 1, "day": 2, "set_number": 1, "reps": 5},
    ],
    "progression_rules": [{"exercise": "Squat", "increment": 5}],
}


def go_file(*programs: dict[str, Any], workouts: int = 1) -> str:
    """Shaped as the Go app writes it: no role on the first program, a schedule, null notes."""
    return json.dumps(
        {
            "version": "1.0",
            "weight_unit": "lbs",
            "workouts": [
                {
                    "date": (dt.date(2024, 1, 1) + dt.timedelta(days=w)).isoformat(),
                    "notes": None,
                    "review": None,
                    "sets": [{"exercise": "Squat", "set_number": 1, "reps": 5, "weight": 225}],
                }
                for w in range(workouts)
            ],
            "programs": list(programs),
        }
    )


def old_and_current() -> list[dict[str, Any]]:
    old = {**copy.deepcopy(TEMPLATE), "name": "Starting Strength"}
    return [
        {
            "template": TEMPLATE,
            "start_date": "2024-03-04",
            "active": True,
            "schedule": {"days": ["mon", "wed"]},
            "notes": None,
            "goal": "Squat 405",
        },
        {
            "template": old,
            "start_date": "2023-09-04",
            "active": False,
            "role": "primary",
            "schedule": None,
            "notes": "linear gains ran out",
            "goal": "",
        },
    ]


def load(athlete: Athlete, coach: User, text: str) -> Any:
    return history_import(athlete=athlete, parsed=parse_history(text), by=coach)


def test_go_programs_become_the_athletes_own_programs_and_assignments(
    athlete: Athlete, coach: User, catalog: dict[str, Exercise]
) -> None:
    mine = AthleteProgramFactory(athlete=athlete, start_date=dt.date(2024, 1, 1))
    result = load(athlete, coach, go_file(*old_and_current()))
    assert (result.programs_assigned, result.programs_already_there) == (2, 0)
    rows = AthleteProgram.objects.filter(athlete=athlete).exclude(pk=mine.pk).order_by("start_date")
    got = [
        (a.template.name, a.template.owner_id, a.start_date, a.is_active, a.role, a.notes)
        for a in rows
    ]
    assert got == [
        ("Starting Strength", athlete.pk, dt.date(2023, 9, 4), False, "primary",
         "linear gains ran out"),
        ("Texas Method", athlete.pk, dt.date(2024, 3, 4), True, "primary", ""),
    ]  # fmt: skip
    assert rows[1].cycle_goal == "Squat 405"
    mine.refresh_from_db()  # the file's active primary program replaced the athlete's
    assert (mine.is_active, mine.ended_on, mine.end_reason) == (
        False, dt.date(2024, 3, 4), "replaced",
    )  # fmt: skip
    texas = rows[1].template
    squat = PrescribedSet.objects.get(template=texas, day=1)
    assert squat.exercise == catalog["Back Squat"]  # "Squat" through the matcher's aliases
    assert texas.progression_rules.get().exercise == catalog["Back Squat"]
    assert not Exercise.objects.filter(name="Squat").exists()


def test_reimporting_a_file_with_programs_adds_nothing(
    athlete: Athlete, coach: User, catalog: dict[str, Exercise]
) -> None:
    text = go_file(*old_and_current())
    load(athlete, coach, text)
    before = (ProgramTemplate.objects.count(), AthleteProgram.objects.count())
    again = load(athlete, coach, text)
    assert (again.programs_assigned, again.programs_already_there) == (0, 2)
    assert (ProgramTemplate.objects.count(), AthleteProgram.objects.count()) == before
    assert "programs: 0 assigned, 2 already there" in again.summary()


def test_a_name_clash_with_the_athletes_program_renames_and_stays_idempotent(
    athlete: Athlete, coach: User, catalog: dict[str, Exercise]
) -> None:
    ProgramTemplateFactory(name="Texas Method", owner=athlete)
    text = go_file(old_and_current()[0])
    assert load(athlete, coach, text).programs_assigned == 1
    assignment = AthleteProgram.objects.get(athlete=athlete)
    assert assignment.template.name == "Texas Method (2)"
    assert load(athlete, coach, text).programs_already_there == 1
    assert AthleteProgram.objects.filter(athlete=athlete).count() == 1


def test_a_bad_template_is_named_by_path_and_nothing_is_written(
    athlete: Athlete, coach: User, catalog: dict[str, Exercise]
) -> None:
    program = old_and_current()[0]
    program["template"] = {**TEMPLATE, "num_days": "two"}
    parsed = parse_history(go_file(program))
    assert [p.column for p in parsed.problems] == ["programs[0].template.num_days"]
    with pytest.raises(HistoryImportError):
        history_import(athlete=athlete, parsed=parsed, by=coach)
    assert not Workout.objects.exists()
    assert not ProgramTemplate.objects.exists()


def test_an_unknown_exercise_in_a_template_must_be_mapped_first(
    athlete: Athlete, coach: User, catalog: dict[str, Exercise]
) -> None:
    program = old_and_current()[0]
    sets = [{"exercise": "Zercher Hold", "week": 1, "day": 1, "set_number": 1, "reps": 5}]
    program["template"] = {**TEMPLATE, "prescribed_sets": sets}
    with pytest.raises(HistoryImportError, match=r"'Zercher Hold'.*matches nothing"):
        load(athlete, coach, go_file(program))
    assert not Workout.objects.exists()
    assert not ProgramTemplate.objects.exists()


@pytest.mark.parametrize("workouts", [2, 12])
@pytest.mark.parametrize("programs", [1, 2])
def test_query_count_grows_only_per_program(
    athlete: Athlete,
    coach: User,
    catalog: dict[str, Exercise],
    workouts: int,
    programs: int,
    django_assert_num_queries: Any,
) -> None:
    parsed = parse_history(go_file(*old_and_current()[:programs], workouts=workouts))
    with django_assert_num_queries(BASE_QUERIES + PER_PROGRAM * programs):
        result = history_import(athlete=athlete, parsed=parsed, by=coach)
    assert (result.sets_created, result.programs_assigned) == (workouts, programs)


BASE_QUERIES = 18
PER_PROGRAM = 9  # the catalog import of one program, and its assignment


def test_a_file_of_programs_only_goes_through_the_upload_preview_and_import(
    coach: User, athlete: Athlete, catalog: dict[str, Exercise]
) -> None:
    client = client_for(coach)
    text = go_file(*old_and_current(), workouts=0)
    file = SimpleUploadedFile("alex.json", text.encode())
    url = reverse("athletes:history_upload", args=[athlete.pk])
    assert client.post(url, {"file": file, "unit": "lbs"}).status_code == 302
    draft = HistoryImportDraft.objects.get()
    page = client.get(draft.get_absolute_url()).content.decode()
    assert '2</span><span class="stat-label">program assignments' in page
    done = client.post(draft.get_absolute_url(), {"action": "import", "merge_policy": "merge"})
    assert done.status_code == 302
    assert AthleteProgram.objects.filter(athlete=athlete, is_active=True).get().template.name == (
        "Texas Method"
    )
