from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import (
    HttpResponseClientRedirect,
    HttpResponseStopPolling,
    reswap,
    retarget,
)

from athletes.access import athlete_for_coach
from athletes.models import Athlete
from athletes.units import distance_unit
from generation.engines.dispatch import describe_engine, llm_configured
from generation.llm_types import ErrorKind
from generation.models import GenerationRun, RunStatus
from generation.packet import build_packet, describe_packet, packet_json
from generation.running.calendar import running_calendar
from generation.runs.decision import approval_outlook, generation_unapprove, unapprove_blocker
from generation.runs.edits import EditError, describe_change, find_set, with_ids
from generation.runs.execute import generation_recover_stuck
from generation.runs.forms import (
    ApproveForm,
    GenerateForm,
    RejectForm,
    RenameForm,
    SetForm,
    SwapForm,
)
from generation.runs.preview import build_preview, set_summary
from generation.runs.review import coach_diff, edited_set_ids, group_notes, without_note_quotes
from generation.runs.selectors import (
    drafts_awaiting_review,
    run_for_athlete,
    runs_for_athlete,
    swap_options,
    training_maxes_by_name,
    working_run_for,
)
from generation.runs.services import (
    default_request_for,
    generation_add_back,
    generation_add_set,
    generation_approve,
    generation_edit_set,
    generation_reject,
    generation_remove_set,
    generation_rename,
    generation_request,
    generation_swap_exercise,
)
from generation.runs.states import STAGE_MESSAGES, GenerationError, RunInProgress
from programs.loads import plate_increment
from replog.access import admin_required, coach_required
from replog.types import AuthedRequest
from settings_app.resolution import setting_str

# --- Generate → progress → preview → approve / reject (runs) ---------------------------------


_STAGES = (RunStatus.QUEUED, RunStatus.ASSEMBLING, RunStatus.CALLING, RunStatus.VALIDATING)


def _run_context(request: AuthedRequest, athlete: Athlete, run: GenerationRun) -> dict[str, Any]:
    showable = run.status in (RunStatus.READY, RunStatus.APPROVED, RunStatus.REJECTED)
    current = _STAGES.index(run.status) if run.status in _STAGES else len(_STAGES)
    context: dict[str, Any] = {
        "athlete": athlete,
        "run": run,
        "preview": None,
        "stage_message": STAGE_MESSAGES.get(run.status, ""),
        "stages": [
            (
                STAGE_MESSAGES[stage].rstrip("…"),
                "done" if i < current else "current" if i == current else "todo",
            )
            for i, stage in enumerate(_STAGES)
        ],
        "reject_form": RejectForm(),
        # Each note is quoted once, under Warnings; the reasoning names it by its date.
        "reasoning": [without_note_quotes(line) for line in run.reasoning or []],
        "changes": [describe_change(c) for c in run.edits or []],
        "calendar": running_calendar(run) if showable else None,
        "distance_unit": distance_unit(),
    }
    if showable:
        context.update(_review_context(request, athlete, run))
    return context


def _review_context(request: AuthedRequest, athlete: Athlete, run: GenerationRun) -> dict[str, Any]:
    unit = setting_str("defaults.weight_unit")
    tms, increment = training_maxes_by_name(athlete), plate_increment()
    catalog = run.current_catalog or {}
    preview = build_preview(
        run,
        unit=unit,
        training_maxes=tms,
        increment=increment,
        edited_ids=edited_set_ids(run.draft, catalog),
    )

    def summary(row: dict[str, Any]) -> str:
        name = str(row.get("exercise") or "").casefold()
        return set_summary(row, unit, training_max=tms.get(name), increment=increment)

    weeks = preview.weeks if preview else []
    week = _int_param(request.GET.get("week"), 1)
    shown = next((w for w in weeks if w.week == week), weeks[0] if weeks else None)
    return {
        "preview": preview,
        "shown_week": shown,
        "changes": coach_diff(run.draft, catalog, summary),
        "grouped_warnings": group_notes(run.warnings or []),
        "outlook": approval_outlook(athlete) if run.is_ready else None,
        "approve_form": ApproveForm(initial={"start_date": timezone.localdate()}),
        "unapprove_blocked": unapprove_blocker(run),
    }


def _int_param(value: str | None, default: int) -> int:
    try:
        return int(value or default)
    except ValueError:
        return default


def _run_body(
    request: AuthedRequest,
    athlete: Athlete,
    run: GenerationRun,
    *,
    error: str = "",
    reject_form: RejectForm | None = None,
) -> HttpResponse:
    context = _run_context(request, athlete, run)
    context["action_error"] = error
    if reject_form is not None:
        context["reject_form"] = reject_form  # refused: shown open, with what was entered
    # 422 when an action was refused: htmx is configured to swap it, and it is not a success.
    return render(request, "generation/run.html#run_body", context, status=422 if error else 200)


@require_http_methods(["GET", "POST"])
@coach_required
def generate(request: AuthedRequest, athlete_pk: int) -> HttpResponse:
    athlete = athlete_for_coach(request.user, athlete_pk)
    llm_ready = llm_configured()
    running = working_run_for(athlete)
    if request.method == "POST":
        form = GenerateForm(request.POST, athlete=athlete, llm_configured=llm_ready)
        if form.is_valid():
            try:
                run = generation_request(
                    athlete=athlete,
                    request=form.to_request(),
                    by=request.user,
                )
            except RunInProgress as exc:
                running = exc.run
                form.add_error(None, exc.message)
            except GenerationError as exc:
                form.add_error(None, exc.message)
            else:
                return redirect(run)
    else:
        form = GenerateForm(
            initial=GenerateForm.initial_from(default_request_for(athlete)),
            athlete=athlete,
            llm_configured=llm_ready,
        )
    return render(
        request,
        "generation/generate.html",
        {
            "athlete": athlete,
            "form": form,
            "running": running,
            "engine_message": describe_engine(),
            "llm_configured": llm_ready,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_GET
@coach_required
def run_detail(request: AuthedRequest, athlete_pk: int, run_pk: int) -> HttpResponse:
    athlete = athlete_for_coach(request.user, athlete_pk)
    run = run_for_athlete(athlete, run_pk)
    if run.is_working and run.deadline_at is not None and run.deadline_at < timezone.now():
        generation_recover_stuck()
        run.refresh_from_db()
    if request.htmx:
        response = _run_body(request, athlete, run)
        if not run.is_working:
            # The poll stops here; the fragment just rendered has no trigger either.
            response.status_code = HttpResponseStopPolling.status_code
        return response
    return render(request, "generation/run.html", _run_context(request, athlete, run))


def _run_action(
    request: AuthedRequest,
    athlete_pk: int,
    run_pk: int,
    action: Callable[[GenerationRun], object],
) -> HttpResponse:
    """Apply one preview edit; htmx gets the refreshed run body, a plain form a redirect."""
    athlete = athlete_for_coach(request.user, athlete_pk)
    run = run_for_athlete(athlete, run_pk)
    error = ""
    try:
        action(run)
    except GenerationError as exc:
        error = exc.message
    if request.htmx:
        run.refresh_from_db()
        return _run_body(request, athlete, run, error=error)
    if error:
        messages.error(request, error)
    return redirect(run)


@require_http_methods(["GET", "POST"])
@coach_required
def set_edit(request: AuthedRequest, athlete_pk: int, run_pk: int, set_id: int) -> HttpResponse:
    athlete = athlete_for_coach(request.user, athlete_pk)
    run = run_for_athlete(athlete, run_pk)
    row = _set_row(run, set_id)
    if request.method == "POST":
        form = SetForm(request.POST)
        if form.is_valid():
            values = form.values()
            return _run_action(
                request,
                athlete_pk,
                run_pk,
                lambda r: generation_edit_set(
                    run=r,
                    set_id=set_id,
                    values=values,
                    by=request.user,
                ),
            )
    else:
        form = SetForm(initial=SetForm.initial_from(row))
    context = {"athlete": athlete, "run": run, "row": row, "set_id": set_id, "form": form}
    status = 422 if form.errors else 200
    if request.htmx:
        response = render(request, "generation/set_edit.html#set_form", context, status=status)
        # The form posts into #run-body; its errors belong in place of the form itself.
        return (
            retarget(reswap(response, "outerHTML"), f"#set-{set_id}") if form.errors else response
        )
    return render(request, "generation/set_edit.html", context, status=status)


@require_http_methods(["GET", "POST"])
@coach_required
def set_swap(request: AuthedRequest, athlete_pk: int, run_pk: int, set_id: int) -> HttpResponse:
    athlete = athlete_for_coach(request.user, athlete_pk)
    run = run_for_athlete(athlete, run_pk)
    row = _set_row(run, set_id)
    options = swap_options(athlete, run, str(row.get("exercise", "")))
    form = SwapForm(request.POST or None, choices=[(o.pk, o.name) for o in options.options])
    if request.method == "POST" and form.is_valid():
        exercise_id = form.cleaned_data["exercise"]
        every_week = bool(form.cleaned_data["every_week"])
        return _run_action(
            request,
            athlete_pk,
            run_pk,
            lambda r: generation_swap_exercise(
                run=r,
                set_id=set_id,
                exercise_id=exercise_id,
                every_week=every_week,
                by=request.user,
            ),
        )
    context = {
        "athlete": athlete,
        "run": run,
        "row": row,
        "set_id": set_id,
        "form": form,
        "swap_options": options,
    }
    status = 422 if form.errors else 200
    if request.htmx:
        response = render(request, "generation/set_edit.html#swap_form", context, status=status)
        if form.errors:
            return retarget(reswap(response, "innerHTML"), f"#swap-{set_id}")
        return response
    return render(request, "generation/set_edit.html", {**context, "swap": True}, status=status)


def _set_row(run: GenerationRun, set_id: int) -> dict[str, Any]:
    try:
        return find_set(with_ids(run.current_catalog or {}), set_id)
    except EditError as exc:
        raise Http404(exc.message) from None


@require_POST
@coach_required
def set_add(request: AuthedRequest, athlete_pk: int, run_pk: int, set_id: int) -> HttpResponse:
    return _run_action(
        request,
        athlete_pk,
        run_pk,
        lambda r: generation_add_set(run=r, set_id=set_id, by=request.user),
    )


@require_POST
@coach_required
def set_remove(request: AuthedRequest, athlete_pk: int, run_pk: int, set_id: int) -> HttpResponse:
    return _run_action(
        request,
        athlete_pk,
        run_pk,
        lambda r: generation_remove_set(run=r, set_id=set_id, by=request.user),
    )


@require_POST
@coach_required
def run_add_back(request: AuthedRequest, athlete_pk: int, run_pk: int, index: int) -> HttpResponse:
    return _run_action(
        request,
        athlete_pk,
        run_pk,
        lambda r: generation_add_back(run=r, note_index=index, by=request.user),
    )


@require_POST
@coach_required
def run_rename(request: AuthedRequest, athlete_pk: int, run_pk: int) -> HttpResponse:
    form = RenameForm(request.POST)
    name = form.cleaned_data["name"] if form.is_valid() else ""
    return _run_action(
        request,
        athlete_pk,
        run_pk,
        lambda r: generation_rename(run=r, name=name, by=request.user),
    )


@require_POST
@coach_required
def run_approve(request: AuthedRequest, athlete_pk: int, run_pk: int) -> HttpResponse:
    athlete = athlete_for_coach(request.user, athlete_pk)
    run = run_for_athlete(athlete, run_pk)
    form = ApproveForm(request.POST)
    start_date = form.cleaned_data["start_date"] if form.is_valid() else None
    if request.POST.get("start_date") and start_date is None:
        return _refuse(request, athlete, run, "The start date is not a date (use YYYY-MM-DD).")
    try:
        template = generation_approve(run=run, by=request.user, start_date=start_date)
    except GenerationError as exc:
        if request.htmx:
            run.refresh_from_db()
            return _run_body(request, athlete, run, error=exc.message)
        messages.error(request, exc.message)
        return redirect(run)
    messages.success(request, f"Approved: “{template.name}” is now {athlete.name}'s program.")
    if request.htmx:
        return HttpResponseClientRedirect(athlete.get_absolute_url())
    return redirect(athlete)


def _refuse(
    request: AuthedRequest, athlete: Athlete, run: GenerationRun, message: str
) -> HttpResponse:
    if request.htmx:
        return _run_body(request, athlete, run, error=message)
    messages.error(request, message)
    return redirect(run)


@require_POST
@coach_required
def run_unapprove(request: AuthedRequest, athlete_pk: int, run_pk: int) -> HttpResponse:
    athlete = athlete_for_coach(request.user, athlete_pk)
    run = run_for_athlete(athlete, run_pk)
    try:
        generation_unapprove(run=run, by=request.user)
    except GenerationError as exc:
        return _refuse(request, athlete, run, exc.message)
    messages.success(request, "Approval taken back: the previous program is active again.")
    if request.htmx:
        return HttpResponseClientRedirect(run.get_absolute_url())
    return redirect(run)


@require_POST
@coach_required
def run_reject(request: AuthedRequest, athlete_pk: int, run_pk: int) -> HttpResponse:
    form = RejectForm(request.POST)
    valid = form.is_valid()
    reason = form.cleaned_data["reason"] if valid else ""
    if not valid and request.htmx:
        athlete = athlete_for_coach(request.user, athlete_pk)
        run = run_for_athlete(athlete, run_pk)
        error = " ".join(str(e) for errs in form.errors.values() for e in errs)
        return _run_body(request, athlete, run, error=error, reject_form=form)

    def reject(run: GenerationRun) -> None:
        if not valid:
            raise GenerationError(" ".join(str(e) for errs in form.errors.values() for e in errs))
        generation_reject(run=run, by=request.user, reason=reason)

    return _run_action(request, athlete_pk, run_pk, reject)


@require_GET
@coach_required
def run_history(request: AuthedRequest, athlete_pk: int) -> HttpResponse:
    athlete = athlete_for_coach(request.user, athlete_pk)
    runs = list(runs_for_athlete(athlete))
    return render(
        request,
        "generation/history.html",
        {
            "athlete": athlete,
            "runs": runs,
            "running": next((r for r in runs if r.is_working), None),
        },
    )


@require_GET
@coach_required
def drafts(request: AuthedRequest) -> HttpResponse:
    return render(
        request, "generation/drafts.html", {"runs": list(drafts_awaiting_review(request.user))}
    )


# --- Settings page: "Test connection" (the saved LLM settings, tried for real) ---------------


@require_POST
@admin_required
def llm_test_connection(request: HttpRequest) -> HttpResponse:
    from django.core.exceptions import ImproperlyConfigured
    from django.urls import reverse

    from generation import llm

    no_llm = False
    try:
        config = llm.LLMConfig.from_settings()
        # No provider at all is the normal state of a new install, not a failure.
        no_llm = not config.provider
        result = llm.test_connection(config)
    except ImproperlyConfigured as exc:  # a malformed REPLOG_LLM_* env var
        result = llm.ConnectionResult(False, "", 0.0, str(exc), ErrorKind.NOT_CONFIGURED)
    if request.htmx:  # type: ignore[attr-defined]
        context = {"result": result, "no_llm": no_llm}
        return render(request, "settings_app/_test_connection.html", context)
    if result.ok:
        messages.success(request, result.message)
    elif no_llm:
        messages.info(request, NO_LLM_MESSAGE)
    else:
        messages.error(request, f"Connection failed. {result.message}")
    return redirect(reverse("settings_app:page") + "#settings-llm")


NO_LLM_MESSAGE = "No LLM configured: drafts use the built-in rules engine."


# --- The athlete briefing packet: context.json and "What data will the generator see?" -------


@require_GET
@coach_required
def context_json(request: HttpRequest, pk: int) -> HttpResponse:
    """The packet exactly as the generator receives it, as a download. Coach or admin only:
    private coach notes are inside."""
    athlete = athlete_for_coach(request.user, pk)
    packet = build_packet(athlete)
    response = HttpResponse(packet_json(packet), content_type="application/json")
    name = slugify(athlete.name) or "athlete"
    response["Content-Disposition"] = (
        f'attachment; filename="replog-context-{name}-{athlete.pk}-{packet.meta.generated_on}.json"'
    )
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@coach_required
def context_panel(request: AuthedRequest, athlete_pk: int) -> HttpResponse:
    athlete = athlete_for_coach(request.user, athlete_pk)
    packet = build_packet(athlete)
    context = {
        "athlete": athlete,
        "packet": packet,
        "sections": describe_packet(packet),
        "packet_json": packet_json(packet, indent=2),
    }
    if request.htmx:
        return render(request, "generation/_packet.html#packet_panel", context)
    return render(request, "generation/_packet.html", context)
