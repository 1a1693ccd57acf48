"""Preview edits, approve and reject: services first, then the htmx views."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from athletes.models import AthleteProgram, User
from generation.engines import dispatch
from generation.models import GenerationRun, RunStatus
from generation.runs.edits import SetValues, edits_diff, with_ids
from generation.runs.services import (
    generation_add_set,
    generation_approve,
    generation_edit_set,
    generation_reject,
    generation_remove_set,
    generation_rename,
    generation_swap_exercise,
)
from generation.runs.states import GenerationError, InvalidTransition
from programs.models import PrescribedSet, ProgramTemplate
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
    monkeypatch.setattr(dispatch, "generate_draft", FixedEngine(small_catalog("Month 4")))
    run = run_to_ready(world.athlete, coach, request_for("Month 4"))
    assert run.status == RunStatus.READY, run.error_message
    return run


def values(**overrides: Any) -> SetValues:
    fields: dict[str, Any] = {
        "reps": 5,
        "rep_type": "reps",
        "percentage": 75,
        "absolute_weight": None,
        "target_rpe": None,
        "notes": None,
    }
    fields.update(overrides)
    return SetValues(**fields)


# --- services --------------------------------------------------------------------------------


def test_approve_imports_the_draft_as_the_athletes_active_program(
    ready: GenerationRun, world: World, coach: User
) -> None:
    template = generation_approve(run=ready, by=coach)
    assert template.owner == world.athlete
    assert template.name == "Month 4"
    assert template.sets.count() == 3
    active = AthleteProgram.objects.get(athlete=world.athlete, is_active=True, role="primary")
    assert active.template == template
    previous = AthleteProgram.objects.get(athlete=world.athlete, template=world.template)
    assert (previous.is_active, previous.end_reason) == (False, "replaced")
    ready.refresh_from_db()
    assert ready.status == RunStatus.APPROVED
    assert ready.approved_template == template
    assert ready.decided_by == coach
    assert ready.edits == []


def test_approving_twice_returns_the_same_template(ready: GenerationRun, coach: User) -> None:
    first = generation_approve(run=ready, by=coach)
    again = generation_approve(run=GenerationRun.objects.get(pk=ready.pk), by=coach)
    assert again == first
    assert ProgramTemplate.objects.filter(name="Month 4").count() == 1


def test_approve_is_atomic(
    ready: GenerationRun, world: World, coach: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    import generation.runs.services as services

    def broken_diff(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("disk full")  # after the import has written everything

    generation_edit_set(run=ready, set_id=0, values=values(reps=3), by=coach)
    monkeypatch.setattr(services.edits, "edits_diff", broken_diff)
    with pytest.raises(RuntimeError):
        generation_approve(run=ready, by=coach)
    assert not ProgramTemplate.objects.filter(name="Month 4").exists()
    assert not PrescribedSet.objects.filter(template__name="Month 4").exists()
    assert AthleteProgram.objects.get(athlete=world.athlete, is_active=True).template == (
        world.template
    )
    assert GenerationRun.objects.get(pk=ready.pk).status == RunStatus.READY


def test_approve_is_refused_while_the_draft_has_errors(
    world: World, coach: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog = small_catalog("Month 4")
    catalog["programs"][0]["prescribed_sets"][2]["exercise"] = "Moon Walk"
    monkeypatch.setattr(dispatch, "generate_draft", FixedEngine(catalog))
    run = run_to_ready(world.athlete, coach, request_for("Month 4"))
    with pytest.raises(GenerationError, match="Moon Walk is not in the exercise catalog"):
        generation_approve(run=run, by=coach)
    # Swapping the unknown exercise for a catalog one fixes it.
    generation_swap_exercise(
        run=run, set_id=2, exercise_id=world.pushup.pk, every_week=True, by=coach
    )
    assert run.errors == []
    template = generation_approve(run=run, by=coach)
    assert template.sets.filter(exercise=world.pushup).count() == 1


def test_only_a_ready_draft_can_be_approved_or_rejected(world: World, coach: User) -> None:
    run = GenerationRun.objects.create(athlete=world.athlete, status=RunStatus.FAILED)
    with pytest.raises(InvalidTransition, match="only a draft ready for review"):
        generation_approve(run=run, by=coach)
    with pytest.raises(InvalidTransition):
        generation_reject(run=run, by=coach, reason="no")


def test_reject_keeps_the_reason_and_cannot_then_be_approved(
    ready: GenerationRun, coach: User
) -> None:
    generation_reject(run=ready, by=coach, reason="  Too much volume for exam week. ")
    ready.refresh_from_db()
    assert ready.status == RunStatus.REJECTED
    assert ready.rejection_reason == "Too much volume for exam week."
    assert ready.decided_by == coach
    with pytest.raises(InvalidTransition):
        generation_approve(run=ready, by=coach)
    assert not ProgramTemplate.objects.filter(name="Month 4").exists()


def test_the_edit_diff_records_exactly_what_the_coach_changed(
    ready: GenerationRun, world: World, coach: User
) -> None:
    generation_edit_set(
        run=ready, set_id=1, values=values(reps=3, percentage=82.5, notes="Pause"), by=coach
    )
    generation_add_set(run=ready, set_id=1, by=coach)
    generation_remove_set(run=ready, set_id=0, by=coach)
    generation_swap_exercise(
        run=ready, set_id=2, exercise_id=world.goblet.pk, every_week=True, by=coach
    )
    generation_rename(run=ready, name="Month 4 — edited", by=coach)
    generation_approve(run=ready, by=coach)
    ready.refresh_from_db()
    assert ready.edits == [
        {"op": "rename_program", "old": "Month 4", "new": "Month 4 — edited"},
        {"op": "swap_exercise", "week": 1, "day": 1, "from": "Push-up", "to": "Goblet Squat",
         "sets": 1},
        {"op": "change", "week": 1, "day": 1, "exercise": "Back Squat", "set_number": 2,
         "field": "reps", "old": 5, "new": 3},
        {"op": "change", "week": 1, "day": 1, "exercise": "Back Squat", "set_number": 2,
         "field": "percentage", "old": 80, "new": 82.5},
        {"op": "change", "week": 1, "day": 1, "exercise": "Back Squat", "set_number": 2,
         "field": "notes", "old": None, "new": "Pause"},
        {"op": "remove_set", "week": 1, "day": 1, "exercise": "Back Squat", "set_number": 1,
         "set": ready.draft["programs"][0]["prescribed_sets"][0]},
        {"op": "add_set", "week": 1, "day": 1, "exercise": "Back Squat", "set_number": 2,
         "set": {"exercise": "Back Squat", "week": 1, "day": 1, "set_number": 2, "reps": 3,
                 "rep_type": "reps", "percentage": 82.5, "absolute_weight": None,
                 "sort_order": 1, "notes": "Pause", "target_rpe": None}},
    ]  # fmt: skip
    template = ready.approved_template
    assert template is not None
    squats = list(template.sets.filter(exercise=world.squat).order_by("set_number"))
    # Set 1 removed: the edited set 2 became set 1, the added copy is set 2.
    assert [(s.set_number, s.reps, s.percentage, s.notes) for s in squats] == [
        (1, 3, 82.5, "Pause"),
        (2, 3, 82.5, "Pause"),
    ]
    assert template.sets.filter(exercise=world.goblet).count() == 1


def test_edits_leave_the_draft_itself_untouched(ready: GenerationRun, coach: User) -> None:
    draft_before = ready.draft
    generation_edit_set(run=ready, set_id=0, values=values(reps=1), by=coach)
    assert ready.draft == draft_before
    assert ready.edited["programs"][0]["prescribed_sets"][0]["reps"] == 1


def test_an_edit_out_of_bounds_shows_as_an_error_on_its_row(
    ready: GenerationRun, coach: User
) -> None:
    generation_edit_set(run=ready, set_id=0, values=values(percentage=10), by=coach)
    assert [e["set_id"] for e in ready.errors] == [0]
    generation_edit_set(run=ready, set_id=0, values=values(percentage=70), by=coach)
    assert ready.errors == []


def test_swapping_in_an_exercise_the_athlete_cannot_do_is_refused(
    ready: GenerationRun, world: World, coach: User
) -> None:
    with pytest.raises(GenerationError, match="needs equipment Tommy does not have"):
        generation_swap_exercise(
            run=ready, set_id=0, exercise_id=world.deadlift.pk, every_week=True, by=coach
        )


def test_swapping_into_a_session_that_has_the_exercise_is_refused(
    ready: GenerationRun, world: World, coach: User
) -> None:
    with pytest.raises(GenerationError, match="Push-up is already in week 1, day 1"):
        generation_swap_exercise(
            run=ready, set_id=0, exercise_id=world.pushup.pk, every_week=False, by=coach
        )


def test_a_set_that_is_gone_is_a_clear_error(ready: GenerationRun, coach: User) -> None:
    with pytest.raises(GenerationError, match="no longer in the draft"):
        generation_edit_set(run=ready, set_id=99, values=values(), by=coach)


def test_edits_after_approval_are_refused(ready: GenerationRun, coach: User) -> None:
    generation_approve(run=ready, by=coach)
    with pytest.raises(GenerationError, match="only a draft ready for review can be edited"):
        generation_add_set(run=ready, set_id=0, by=coach)


def test_rename_to_a_taken_name_is_refused(ready: GenerationRun, world: World, coach: User) -> None:
    ProgramTemplate.objects.create(name="Taken", num_weeks=1, num_days=1, owner=world.athlete)
    with pytest.raises(GenerationError, match="already has a program named “taken”"):
        generation_rename(run=ready, name="taken", by=coach)


def test_diff_of_an_unedited_draft_is_empty() -> None:
    catalog = small_catalog()
    assert edits_diff(catalog, with_ids(catalog)) == []


# --- views -----------------------------------------------------------------------------------


def _url(name: str, run: GenerationRun, *extra: int) -> str:
    return reverse(f"generation:{name}", args=[run.athlete_id, run.pk, *extra])


def test_generate_page_is_prefilled_and_names_the_engine(world: World, coach_client: Any) -> None:
    response = coach_client.get(reverse("generation:generate", args=[world.athlete.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Sport Performance — Month 4"' in html
    assert "No LLM configured: the built-in rules engine will draft this program" in html
    assert 'name="days_per_week" value="2"' in html
    for focus in ("strength", "power", "speed", "hypertrophy", "conditioning", "mobility"):
        assert f'value="{focus}"' in html
    assert "What data will the generator see?" in html


def test_generate_page_announces_the_llm_when_one_is_configured(
    world: World, coach_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REPLOG_LLM_PROVIDER", "openai_compatible")
    monkeypatch.setenv("REPLOG_LLM_MODEL", "local-model")
    html = coach_client.get(reverse("generation:generate", args=[world.athlete.pk])).content
    text = html.decode()
    assert "The LLM (openai_compatible · local-model) will draft this program" in text
    assert 'value="llm"' in text


def test_generate_post_creates_a_run_and_redirects_to_it(
    world: World, coach_client: Any, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        response = coach_client.post(
            reverse("generation:generate", args=[world.athlete.pk]),
            {
                "program_name": "Sport Performance — Month 4",
                "days_per_week": "2",
                "weeks": "3",
                "max_exercises_per_day": "6",
                "focus_areas": ["strength", "power"],
                "coach_directions": "Keep the knee happy.",
                "engine": "auto",
            },
        )
    run = GenerationRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == run.get_absolute_url()
    assert run.status == RunStatus.READY, run.error_message
    assert run.request["focus_areas"] == ["strength", "power"]
    assert run.request["weeks"] == 3
    assert run.draft["programs"][0]["num_weeks"] == 3


def test_generate_post_while_running_links_to_the_running_run(
    world: World, coach: User, coach_client: Any
) -> None:
    running = GenerationRun.objects.create(
        athlete=world.athlete, requested_by=coach, status=RunStatus.CALLING
    )
    response = coach_client.post(
        reverse("generation:generate", args=[world.athlete.pk]),
        {"program_name": "X", "days_per_week": "2", "weeks": "2",
         "max_exercises_per_day": "6", "engine": "auto"},
    )  # fmt: skip
    assert response.status_code == 400
    html = response.content.decode()
    assert "already being generated" in html
    assert running.get_absolute_url() in html
    assert GenerationRun.objects.count() == 1


def test_generate_post_with_bad_input_shows_the_errors(world: World, coach_client: Any) -> None:
    response = coach_client.post(
        reverse("generation:generate", args=[world.athlete.pk]),
        {"program_name": "", "days_per_week": "9", "weeks": "2",
         "max_exercises_per_day": "6", "engine": "llm"},
    )  # fmt: skip
    assert response.status_code == 400
    assert not GenerationRun.objects.exists()
    form = response.context["form"]
    assert set(form.errors) == {"program_name", "days_per_week", "engine"}


def test_polling_a_working_run_returns_the_progress_fragment(
    world: World, coach: User, coach_client: Any
) -> None:
    run = GenerationRun.objects.create(
        athlete=world.athlete, requested_by=coach, status=RunStatus.CALLING,
        request=request_for().as_dict(), progress="Drafting the program…",
    )  # fmt: skip
    response = coach_client.get(run.get_absolute_url(), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'hx-trigger="every 1s"' in html
    assert "Drafting the program…" in html


def test_polling_stops_once_the_run_is_ready(ready: GenerationRun, coach_client: Any) -> None:
    response = coach_client.get(ready.get_absolute_url(), headers={"HX-Request": "true"})
    assert response.status_code == 286  # htmx: stop polling
    html = response.content.decode()
    assert "hx-trigger" not in html
    assert "Approve" in html


def test_polling_a_stuck_run_fails_it(world: World, coach: User, coach_client: Any) -> None:
    import datetime as dt

    from django.utils import timezone

    run = GenerationRun.objects.create(
        athlete=world.athlete, requested_by=coach, status=RunStatus.ASSEMBLING,
        request=request_for().as_dict(), deadline_at=timezone.now() - dt.timedelta(seconds=5),
    )  # fmt: skip
    response = coach_client.get(run.get_absolute_url(), headers={"HX-Request": "true"})
    assert response.status_code == 286
    assert "worker stopped or timed out" in response.content.decode()


def test_the_preview_shows_reasoning_grid_meta_and_warnings(
    world: World, coach: User, coach_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = FixedEngine(
        small_catalog("Month 4"),
        reasoning=["Back Squat: +5 % — avg RPE 6.5, completion 100 %."],
        warnings=["Push-up: watch the left wrist."],
        fallback_reason="the model answered invalid JSON twice",
    )
    monkeypatch.setattr(dispatch, "generate_draft", engine)
    run = run_to_ready(world.athlete, coach, request_for("Month 4"))
    html = coach_client.get(run.get_absolute_url()).content.decode()
    assert "Back Squat: +5 % — avg RPE 6.5, completion 100 %." in html
    assert (
        "<strong>LLM failed: the model answered invalid JSON twice — rules-engine draft shown"
        in html
    )
    assert "fake-model" in html
    assert "1200 in · 800 out" in html
    assert "$0.0123" in html
    assert "5 @ 75 %" in html
    assert "10 @ BW" in html
    # The warning sits inside the Push-up block, not in the general list.
    block = html.split('data-exercise="Push-up"')[1].split("gen-exercise")[0]
    assert "watch the left wrist" in block


def test_editing_a_set_inline(ready: GenerationRun, coach_client: Any) -> None:
    form = coach_client.get(_url("set_edit", ready, 1), headers={"HX-Request": "true"})
    assert form.status_code == 200
    assert 'id="set-1"' in form.content.decode()
    assert "<html" not in form.content.decode()
    response = coach_client.post(
        _url("set_edit", ready, 1),
        {"reps": "3", "rep_type": "reps", "percentage": "85", "absolute_weight": "",
         "target_rpe": "8.5", "notes": "Belt"},
        headers={"HX-Request": "true"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "3 @ 85 % · RPE 8.5" in response.content.decode()
    ready.refresh_from_db()
    row = ready.edited["programs"][0]["prescribed_sets"][1]
    assert (row["reps"], row["percentage"], row["target_rpe"], row["notes"]) == (3, 85, 8.5, "Belt")


def test_an_invalid_set_edit_returns_the_form_with_errors_in_place(
    ready: GenerationRun, coach_client: Any
) -> None:
    response = coach_client.post(
        _url("set_edit", ready, 1),
        {"reps": "0", "rep_type": "reps", "percentage": "500"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#set-1"
    html = response.content.decode()
    assert "greater than or equal to 1" in html
    assert "less than or equal to 110" in html
    ready.refresh_from_db()
    assert ready.edited is None


def test_editing_without_javascript_redirects_back(ready: GenerationRun, coach_client: Any) -> None:
    page = coach_client.get(_url("set_edit", ready, 0))
    assert "<html" in page.content.decode()
    response = coach_client.post(
        _url("set_edit", ready, 0), {"reps": "", "rep_type": "reps", "percentage": "90"}
    )
    assert response.status_code == 302
    ready.refresh_from_db()
    assert ready.edited["programs"][0]["prescribed_sets"][0]["reps"] is None  # AMRAP


def test_swap_form_offers_exercises_the_athlete_can_do_same_pattern_first(
    ready: GenerationRun, world: World, coach_client: Any
) -> None:
    response = coach_client.get(_url("set_swap", ready, 0), headers={"HX-Request": "true"})
    html = response.content.decode()
    options = [line.split(">")[1].split("<")[0] for line in html.split("<option")[1:]]
    assert options[0] == "Choose an exercise…"  # never pre-selected on the one replaced
    assert options[1] == "Goblet Squat · same pattern"  # same movement pattern as Back Squat
    assert not any(o.startswith("Trap Bar Deadlift") for o in options)  # needs a trap bar
    assert not any(o.startswith("Back Squat") for o in options)
    assert "1 other exercise needs equipment Tommy does not have" in html


def test_swap_add_and_remove_through_the_views(
    ready: GenerationRun, world: World, coach_client: Any
) -> None:
    hx = {"HX-Request": "true"}
    coach_client.post(
        _url("set_swap", ready, 0), {"exercise": world.goblet.pk, "every_week": "on"}, headers=hx
    )
    coach_client.post(_url("set_add", ready, 2), headers=hx)
    response = coach_client.post(_url("set_remove", ready, 0), headers=hx)
    assert response.status_code == 200
    ready.refresh_from_db()
    names = [
        (s["exercise"], s["set_number"]) for s in ready.edited["programs"][0]["prescribed_sets"]
    ]
    assert names == [("Goblet Squat", 1), ("Push-up", 1), ("Push-up", 2)]


def test_a_refused_action_shows_its_message_in_the_fragment(
    ready: GenerationRun, coach_client: Any
) -> None:
    response = coach_client.post(_url("set_add", ready, 42), headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert "no longer in the draft" in response.content.decode()


def test_approve_via_htmx_redirects_to_the_athlete_page_with_a_message(
    ready: GenerationRun, world: World, coach_client: Any
) -> None:
    response = coach_client.post(_url("approve", ready), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Redirect"] == world.athlete.get_absolute_url()
    page = coach_client.get(world.athlete.get_absolute_url())
    assert "Approved: “Month 4” is now Tommy&#x27;s program." in page.content.decode()
    assert "Month 4" in page.content.decode()


def test_reject_via_htmx_keeps_the_reason(ready: GenerationRun, coach_client: Any) -> None:
    response = coach_client.post(
        _url("reject", ready), {"reason": "Not now"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "Reason: “Not now”" in response.content.decode()
    ready.refresh_from_db()
    assert ready.rejection_reason == "Not now"


def test_history_lists_every_run_with_its_numbers(
    ready: GenerationRun, world: World, coach: User, coach_client: Any
) -> None:
    GenerationRun.objects.create(
        athlete=world.athlete, requested_by=coach, status=RunStatus.FAILED,
        request=request_for("Broken").as_dict(), error_message="The provider said no.",
    )  # fmt: skip
    html = coach_client.get(reverse("generation:history", args=[world.athlete.pk])).content
    text = html.decode()
    assert "Broken" in text
    assert "The provider said no." in text
    assert "1200 / 800" in text
    assert ready.get_absolute_url() in text


def test_drafts_awaiting_review_lists_only_ready_runs_of_my_athletes(
    ready: GenerationRun, world: World, coach: User, other_coach: User, coach_client: Any
) -> None:
    from tests.factories import AthleteFactory

    theirs = AthleteFactory(name="Not Mine", coach=other_coach)
    GenerationRun.objects.create(
        athlete=theirs, status=RunStatus.READY, request={"program_name": "Z"}
    )
    GenerationRun.objects.create(
        athlete=world.athlete, status=RunStatus.REJECTED, request={"program_name": "Gone"}
    )
    text = coach_client.get(reverse("generation:drafts")).content.decode()
    assert ready.get_absolute_url() in text
    assert "Not Mine" not in text
    assert "Gone" not in text
