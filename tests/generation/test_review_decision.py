"""The review screen: sets grouped with their loads, edits in coach words, warnings said once,
approve with a confirmation and a start date, reject with a reason, and taking an approval back."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from athletes.models import AthleteProgram, User
from generation.engines import dispatch
from generation.models import GenerationRun, RunStatus
from generation.runs.decision import approval_outlook, generation_unapprove
from generation.runs.edits import SetValues
from generation.runs.review import coach_diff, group_notes
from generation.runs.services import generation_approve, generation_edit_set
from generation.runs.states import GenerationError
from programs.models import ProgramTemplate
from tests.factories import TrainingMaxFactory, WorkoutFactory
from tests.generation.factories_runs import (
    FixedEngine,
    World,
    build_world,
    request_for,
    run_to_ready,
    small_catalog,
)


@pytest.fixture
def world(coach: User) -> World:
    return build_world(coach)


@pytest.fixture
def ready(world: World, coach: User, monkeypatch: pytest.MonkeyPatch) -> GenerationRun:
    catalog = small_catalog("Month 4")
    catalog["programs"][0]["prescribed_sets"][1]["percentage"] = 75  # two identical squat sets
    monkeypatch.setattr(dispatch, "generate_draft", FixedEngine(catalog))
    run = run_to_ready(world.athlete, coach, request_for("Month 4"))
    assert run.status == RunStatus.READY, run.error_message
    return run


def _url(name: str, run: GenerationRun) -> str:
    return reverse(f"generation:{name}", args=[run.athlete_id, run.pk])


def _edit_squat(run: GenerationRun, coach: User, pct: int) -> None:
    values = SetValues(
        reps=5, rep_type="reps", percentage=pct, absolute_weight=None, target_rpe=None, notes=None
    )
    generation_edit_set(run=run, set_id=0, values=values, by=coach)


def test_preview_groups_identical_sets_and_shows_the_load_of_each_percentage(
    ready: GenerationRun, world: World, coach_client: Any
) -> None:
    TrainingMaxFactory(athlete=world.athlete, exercise=world.squat, weight=Decimal("153"))
    page = coach_client.get(ready.get_absolute_url()).content.decode()
    # 153 × 75 % = 114.75, half-up to the 2.5 plate increment (or 5 lb) gives the load.
    assert "2×5 @ 75 % · 11" in page
    assert page.count('class="set-group-label"') == 2  # squat group + push-up


def test_edits_are_described_in_coach_words_and_marked(
    ready: GenerationRun, coach: User, coach_client: Any
) -> None:
    _edit_squat(ready, coach, 72)
    ready.refresh_from_db()
    lines = coach_diff(ready.draft, ready.current_catalog or {}, lambda row: str(row["percentage"]))
    assert lines == ["Back Squat week 1 day 1 set 1: 75 → 72"]
    page = coach_client.get(ready.get_absolute_url()).content.decode()
    assert "Back Squat week 1 day 1 set 1: 5 @ 75 % → 5 @ 72 %" in page
    assert "target_rpe" not in page
    assert "percentage" not in page
    assert "set-group is-edited" in page


def test_a_warning_repeated_for_several_exercises_is_said_once() -> None:
    knee = "Knee flag: no jumping."
    notes = [
        {"message": knee, "exercise": "Depth Jump"},
        {"message": knee, "exercise": "Box Jump"},
        {"message": knee, "exercise": "Depth Jump"},
        {"message": "Short block."},
    ]
    grouped = group_notes(notes)
    assert [(g.message, g.exercises, g.count) for g in grouped] == [
        (knee, ["Depth Jump", "Box Jump"], 3),
        ("Short block.", [], 1),
    ]


def test_confirmation_says_which_program_ends_and_how_much_is_unfinished(
    ready: GenerationRun, world: World, coach_client: Any
) -> None:
    outlook = approval_outlook(world.athlete)
    assert (outlook.sessions_total, outlook.sessions_unfinished) == (4, 4)
    page = coach_client.get(ready.get_absolute_url()).content.decode()
    assert "“Sport Performance — Month 3” ends: <strong>4 of its 4 sessions are unfinished" in page
    assert 'name="start_date"' in page


def test_approve_starts_the_program_on_the_chosen_date(
    ready: GenerationRun, world: World, coach_client: Any
) -> None:
    start = dt.date.today() + dt.timedelta(days=3)
    response = coach_client.post(_url("approve", ready), {"start_date": start.isoformat()})
    assert response.status_code == 302
    active = AthleteProgram.objects.get(athlete=world.athlete, is_active=True, role="primary")
    assert (active.template.name, active.start_date) == ("Month 4", start)


def test_approve_with_a_bad_start_date_changes_nothing(
    ready: GenerationRun, coach_client: Any
) -> None:
    response = coach_client.post(
        _url("approve", ready), {"start_date": "next tuesday"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 422
    assert "The start date is not a date" in response.content.decode()
    assert GenerationRun.objects.get(pk=ready.pk).status == RunStatus.READY


def test_reject_without_a_reason_is_refused(ready: GenerationRun, coach_client: Any) -> None:
    response = coach_client.post(
        _url("reject", ready), {"reason": "  "}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 422
    assert "Say why you reject the draft" in response.content.decode()
    assert GenerationRun.objects.get(pk=ready.pk).status == RunStatus.READY


def test_a_refused_reject_keeps_its_form_open_with_the_error(
    ready: GenerationRun, coach_client: Any
) -> None:
    page = coach_client.get(ready.get_absolute_url()).content.decode()
    assert '<details id="reject-details">' in page  # closed until the coach opens it
    response = coach_client.post(
        _url("reject", ready), {"reason": "  "}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert '<details id="reject-details" open>' in html
    form = html[html.index('id="reject-details"') :]
    assert "Say why you reject the draft" in form[: form.index("</details>")]


def test_reject_with_quick_picks_and_words_keeps_both(
    ready: GenerationRun, coach_client: Any
) -> None:
    coach_client.post(
        _url("reject", ready),
        {"picks": ["Too much volume"], "reason": "exam week"},
        headers={"HX-Request": "true"},
    )
    ready.refresh_from_db()
    assert (ready.status, ready.rejection_reason) == (
        RunStatus.REJECTED,
        "Too much volume; exam week",
    )


def test_unapprove_removes_the_program_and_the_previous_one_resumes(
    ready: GenerationRun, world: World, coach: User, coach_client: Any
) -> None:
    template = generation_approve(run=ready, by=coach)
    page = coach_client.get(ready.get_absolute_url()).content.decode()
    # Two steps: the button is behind a disclosure that says what happens.
    confirm = page.split('<details id="unapprove-confirm">', 1)[1].split("</details>", 1)[0]
    assert "the program they were on before resumes" in confirm
    assert 'id="unapprove-button"' in confirm
    response = coach_client.post(_url("unapprove", ready))
    assert response.status_code == 302
    ready.refresh_from_db()
    assert (ready.status, ready.approved_template) == (RunStatus.READY, None)
    assert not ProgramTemplate.objects.filter(pk=template.pk).exists()
    active = AthleteProgram.objects.get(athlete=world.athlete, is_active=True, role="primary")
    assert (active.template, active.end_reason, active.ended_on) == (world.template, "", None)


def test_unapprove_is_refused_once_a_workout_was_logged(
    ready: GenerationRun, world: World, coach: User, coach_client: Any
) -> None:
    generation_approve(run=ready, by=coach)
    assignment = AthleteProgram.objects.get(athlete=world.athlete, is_active=True)
    WorkoutFactory(athlete=world.athlete, assignment=assignment, week=1, day=1)
    with pytest.raises(GenerationError, match="1 workout was logged"):
        generation_unapprove(run=ready, by=coach)
    page = coach_client.get(ready.get_absolute_url()).content.decode()
    assert "unapprove-button" not in page
    assert GenerationRun.objects.get(pk=ready.pk).status == RunStatus.APPROVED


def test_unapprove_is_for_the_athletes_coach_only(
    ready: GenerationRun, coach: User, other_coach: User, client: Any
) -> None:
    generation_approve(run=ready, by=coach)
    client.force_login(other_coach)
    response = client.post(_url("unapprove", ready))
    assert response.status_code == 404
    assert GenerationRun.objects.get(pk=ready.pk).status == RunStatus.APPROVED


GOBLET_LEFT_OUT = {
    "week": 1,
    "day": 1,
    "exercise": "Goblet Squat",
    "reason": "at most 2 exercises a day (the request)",
    "sets": [
        {
            "exercise": "Goblet Squat",
            "week": 1,
            "day": 1,
            "set_number": n,
            "reps": 10,
            "rep_type": "reps",
            "percentage": None,
            "absolute_weight": 16,
            "sort_order": 3,
            "notes": None,
        }
        for n in (1, 2)
    ],
}


@pytest.fixture
def left_out(world: World, coach: User, monkeypatch: pytest.MonkeyPatch) -> GenerationRun:
    """A ready draft whose engine left Goblet Squat out of week 1 day 1."""
    engine = FixedEngine(small_catalog("Month 4"), dropped=[GOBLET_LEFT_OUT])
    monkeypatch.setattr(dispatch, "generate_draft", engine)
    return run_to_ready(world.athlete, coach, request_for("Month 4"))


def test_an_exercise_left_out_is_listed_with_its_reason_and_can_be_added_back(
    left_out: GenerationRun, coach_client: Any
) -> None:
    run = left_out
    page = coach_client.get(run.get_absolute_url()).content.decode()
    assert 'id="dropped"' in page
    assert "<strong>Goblet Squat</strong>, week 1 day 1 (2 sets): at most 2 exercises" in page
    assert 'data-exercise="Goblet Squat"' not in page

    index = next(i for i, n in enumerate(run.warnings) if "dropped" in n)
    response = coach_client.post(
        reverse("generation:add_back", args=[run.athlete_id, run.pk, index]),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-exercise="Goblet Squat"' in html
    assert 'id="dropped"' not in html
    run.refresh_from_db()
    rows = [r for r in run.current_catalog["programs"][0]["prescribed_sets"]]  # type: ignore[index]
    assert sum(r["exercise"] == "Goblet Squat" for r in rows) == 2
    assert "Goblet Squat week 1 day 1: added a set" in " ".join(
        coach_diff(run.draft, run.current_catalog or {}, lambda row: "x")
    )


def test_adding_back_what_is_not_left_out_is_refused_in_words(
    left_out: GenerationRun, coach_client: Any
) -> None:
    run = left_out
    url = reverse("generation:add_back", args=[run.athlete_id, run.pk, 99])
    response = coach_client.post(url, headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert "no longer listed as left out" in response.content.decode()
