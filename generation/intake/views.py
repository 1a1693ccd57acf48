"""The intake pages: the coach's "new athlete" intake, the athlete's page after it (first
program status, retry, confirm maxes, invite link), and the invite link an athlete fills."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from athletes.access import athlete_for_coach
from athletes.forms import apply_service_errors
from athletes.intake import (
    InviteInvalid,
    intake_confirm_maxes,
    invite_create,
    invite_for_token,
    invite_redeem,
    latest_intake,
)
from athletes.models import Athlete
from generation.intake.forms import InviteIntakeForm, NewAthleteIntakeForm
from generation.intake.services import intake_first_program, intake_new_athlete
from generation.models import GenerationRun
from replog.access import coach_required
from replog.types import AuthedRequest

INVALID = 422


def _status_page(request: HttpRequest, athlete: Athlete, **extra: object) -> HttpResponse:
    run = (
        GenerationRun.objects.filter(athlete=athlete)
        .exclude(intake_snapshot=None)
        .defer("packet", "prompt", "raw_response", "draft", "edited")
        .first()
    )
    context = {"athlete": athlete, "snapshot": latest_intake(athlete), "run": run, **extra}
    return render(request, "generation/intake_status.html", context)


@require_http_methods(["GET", "POST"])
@coach_required
def intake_new(request: AuthedRequest) -> HttpResponse:
    form = NewAthleteIntakeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            athlete, snapshot = intake_new_athlete(
                name=form.cleaned_data["name"], coach=request.user,
                data=form.cleaned_data["intake"], by=request.user,
            )  # fmt: skip
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            # The athlete is saved whatever happens to the generation.
            outcome = intake_first_program(athlete=athlete, by=request.user, snapshot=snapshot)
            if outcome.error:
                messages.error(request, outcome.error)
            return redirect("generation:intake_status", athlete.pk)
    status = INVALID if form.is_bound else 200
    return render(request, "generation/intake_form.html", {"form": form}, status=status)


@require_http_methods(["GET"])
@coach_required
def intake_status(request: AuthedRequest, athlete_pk: int) -> HttpResponse:
    return _status_page(request, athlete_for_coach(request.user, athlete_pk))


@require_POST
@coach_required
def intake_retry(request: AuthedRequest, athlete_pk: int) -> HttpResponse:
    athlete = athlete_for_coach(request.user, athlete_pk)
    outcome = intake_first_program(athlete=athlete, by=request.user)
    if outcome.error:
        messages.error(request, outcome.error)
    return redirect("generation:intake_status", athlete.pk)


@require_POST
@coach_required
def intake_confirm(request: AuthedRequest, athlete_pk: int) -> HttpResponse:
    athlete = athlete_for_coach(request.user, athlete_pk)
    snapshot = latest_intake(athlete)
    if snapshot is None:
        messages.error(request, f"{athlete.name} has no intake yet.")
        return redirect("generation:intake_status", athlete.pk)
    try:
        maxes = intake_confirm_maxes(snapshot=snapshot, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{len(maxes)} training max(es) set from the intake.")
    return redirect("generation:intake_status", athlete.pk)


@require_POST
@coach_required
def intake_invite(request: AuthedRequest, athlete_pk: int) -> HttpResponse:
    athlete = athlete_for_coach(request.user, athlete_pk)
    try:
        invite, token = invite_create(athlete=athlete, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("generation:intake_status", athlete.pk)
    link = request.build_absolute_uri(reverse("generation:intake_fill", args=[token]))
    return _status_page(request, athlete, invite=invite, invite_link=link)


def _invalid(request: HttpRequest, exc: InviteInvalid) -> HttpResponse:
    context = {"message": exc.message}
    return render(request, "generation/intake_invalid.html", context, status=410)


# The invite link is its own authorisation: signed, single use, expiring (athletes.intake).
@require_http_methods(["GET", "POST"])
def intake_fill(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invite = invite_for_token(token)
    except InviteInvalid as exc:
        return _invalid(request, exc)
    form = InviteIntakeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, snapshot = invite_redeem(
                token=token, username=data["username"], password=data["password"],
                data=data["intake"],
            )  # fmt: skip
        except InviteInvalid as exc:
            return _invalid(request, exc)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            # The coach reviews the draft; a failure shows on the coach's intake page.
            intake_first_program(athlete=invite.athlete, by=None, snapshot=snapshot)
            messages.success(request, "Thanks! Your coach will review your first program.")
            return redirect(invite.athlete.get_absolute_url())
    status = INVALID if form.is_bound else 200
    context = {"form": form, "athlete": invite.athlete, "invite": True}
    return render(request, "generation/intake_form.html", context, status=status)
