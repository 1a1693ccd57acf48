"""Adjust for today: check-in → adjusted session beside the prescription → accept (the log form,
prefilled) or keep the plan. Coaches for their athletes; an athlete for themselves when their
coach allowed it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from athletes.access import athlete_for_view
from athletes.forms import WorkoutEntry
from athletes.models import Athlete, User
from athletes.selectors import exercise_choices, prescription_for
from generation.models import SessionAdjustment
from generation.session import services
from generation.session.forms import CheckInForm, entry_from_adjustment
from generation.session.present import adjustment_rows
from replog.types import AuthedRequest

INVALID = 422
PAGE = "generation/session_adjust.html"


def athlete_for_adjusting(user: User, pk: int) -> Athlete:
    """Coach → own athletes, admin → all, athlete → self when the coach allowed it."""
    athlete = athlete_for_view(user, pk)
    if user.is_athlete and not user.is_admin and not athlete.may_adjust_session:
        raise PermissionDenied("Your coach has not turned on “Adjust for today” for you.")
    return athlete


def _record_for(athlete: Athlete, pk: int) -> SessionAdjustment:
    return get_object_or_404(
        SessionAdjustment.objects.select_related("athlete"), pk=pk, athlete=athlete
    )


def _groups_today(athlete: Athlete) -> list[str]:
    prescription = prescription_for(athlete)
    rows = prescription.rows if prescription else []
    return sorted({g for r in rows for g in r.exercise.primary_muscles or ()})


def _render(
    request: AuthedRequest, context: dict[str, Any], fragment: str, status: int = 200
) -> HttpResponse:
    template = f"{PAGE}#{fragment}" if request.htmx else PAGE
    return render(request, template, context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def session_adjust(request: AuthedRequest, athlete_pk: int) -> HttpResponse:
    athlete = athlete_for_adjusting(request.user, athlete_pk)
    form = CheckInForm(request.POST or None, first_groups=_groups_today(athlete))
    context: dict[str, Any] = {"athlete": athlete, "form": form, "record": None}
    if request.method == "GET" or not form.is_valid():
        status = INVALID if form.is_bound else 200
        return _render(request, context, "checkin", status)
    record = services.session_adjust_and_record(
        athlete=athlete,
        readiness=form.readiness(),
        today=timezone.localdate(),
        strategy=form.cleaned_data["strategy"] or None,
        by=request.user,
    )
    context.update(record=record, rows=adjustment_rows(record))
    return _render(request, context, "result")


@require_http_methods(["GET", "POST"])
@login_required
def session_log(request: AuthedRequest, athlete_pk: int, adjustment_pk: int) -> HttpResponse:
    athlete = athlete_for_adjusting(request.user, athlete_pk)
    record = _record_for(athlete, adjustment_pk)
    choices = exercise_choices(athlete)
    if request.method == "GET":
        entry = entry_from_adjustment(record, exercise_choices=choices)
        return _log_page(request, athlete, entry, record)
    entry = WorkoutEntry.from_post(request.POST, exercise_choices=choices)
    if entry.is_valid():
        data = entry.form.cleaned_data
        try:
            services.adjusted_workout_log(
                record=record,
                date=data["date"],
                sets=entry.set_inputs(),
                notes=data["notes"],
                by=request.user,
            )
        except ValidationError as exc:
            entry.apply_errors(exc)
        else:
            messages.success(request, f"Adjusted session logged for {athlete.name}.")
            url = athlete.get_absolute_url()
            return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    return _log_page(request, athlete, entry, record, status=INVALID)


def _log_page(
    request: AuthedRequest,
    athlete: Athlete,
    entry: WorkoutEntry,
    record: SessionAdjustment,
    status: int = 200,
) -> HttpResponse:
    context = {
        "athlete": athlete,
        "entry": entry,
        "workout": None,
        "next_key": entry.next_key,
        "adjustment": record,
    }
    return render(request, "athletes/workout_form.html", context, status=status)


@require_POST
@login_required
def session_keep(request: AuthedRequest, athlete_pk: int, adjustment_pk: int) -> HttpResponse:
    athlete = athlete_for_adjusting(request.user, athlete_pk)
    services.session_adjustment_keep_plan(record=_record_for(athlete, adjustment_pk))
    return redirect("athletes:workout_log", pk=athlete.pk)


@require_GET
@login_required
def workout_adjustment(request: AuthedRequest, athlete_pk: int, workout_pk: int) -> HttpResponse:
    """How a logged workout was adjusted (a fragment of the workout page)."""
    athlete = athlete_for_view(request.user, athlete_pk)
    record = SessionAdjustment.objects.filter(athlete=athlete, workout_id=workout_pk).first()
    context = {
        "athlete": athlete,
        "on_workout": True,
        "record": record,
        "rows": adjustment_rows(record) if record else [],
    }
    return _render(request, context, "recorded")
