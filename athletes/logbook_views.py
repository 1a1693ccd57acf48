"""Logbook upkeep: edit or delete what was logged by mistake (a deletion after a confirmation
that says what changes), and review many workouts at once."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from athletes import corrections, selectors, services
from athletes.access import athlete_for_coach, athlete_for_logging
from athletes.forms import BodyWeightForm, NoteForm, TrainingMaxEditForm, apply_service_errors
from athletes.models import Athlete, AthleteNote, BodyWeight, TrainingMax
from replog.access import coach_required
from replog.types import AuthedRequest


def _confirm_or_delete(
    request: AuthedRequest,
    athlete: Athlete,
    deletion: corrections.Deletion,
    delete: Callable[[], None],
    back: str,
) -> HttpResponse:
    if request.method == "POST":
        delete()
        messages.success(request, f"Deleted {deletion.what}.")
        return redirect(athlete.get_absolute_url())
    context = {"athlete": athlete, "deletion": deletion, "back": back}
    return render(request, "athletes/confirm_delete.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def workout_delete(request: AuthedRequest, pk: int, workout_pk: int) -> HttpResponse:
    athlete = athlete_for_logging(request.user, pk)
    workout = selectors.workout_for(athlete=athlete, pk=workout_pk)
    corrections.check_workout_editable(
        workout=workout, by=request.user, manages=selectors.can_manage(request.user, athlete)
    )
    return _confirm_or_delete(
        request,
        athlete,
        corrections.workout_deletion(workout),
        lambda: corrections.workout_delete(workout=workout, by=request.user),
        workout.get_absolute_url(),
    )


@require_http_methods(["GET", "POST"])
@coach_required
def note_delete(request: AuthedRequest, pk: int, note_pk: int) -> HttpResponse:
    athlete = athlete_for_coach(request.user, pk)
    note = get_object_or_404(AthleteNote, athlete=athlete, pk=note_pk)
    return _confirm_or_delete(
        request,
        athlete,
        corrections.note_deletion(note),
        lambda: corrections.note_delete(note=note, by=request.user),
        athlete.get_absolute_url() + "#notes",
    )


@require_http_methods(["GET", "POST"])
@coach_required
def training_max_delete(request: AuthedRequest, pk: int, tm_pk: int) -> HttpResponse:
    athlete = athlete_for_coach(request.user, pk)
    tm = get_object_or_404(
        TrainingMax.objects.select_related("exercise"), athlete=athlete, pk=tm_pk
    )
    return _confirm_or_delete(
        request,
        athlete,
        corrections.training_max_deletion(tm),
        lambda: corrections.training_max_delete(tm=tm, by=request.user),
        athlete.get_absolute_url(),
    )


@require_http_methods(["GET", "POST"])
@coach_required
def body_weight_delete(request: AuthedRequest, pk: int, entry_pk: int) -> HttpResponse:
    athlete = athlete_for_coach(request.user, pk)
    entry = get_object_or_404(BodyWeight, athlete=athlete, pk=entry_pk)
    return _confirm_or_delete(
        request,
        athlete,
        corrections.body_weight_deletion(entry),
        lambda: corrections.body_weight_delete(entry=entry, by=request.user),
        athlete.get_absolute_url(),
    )


# --- edits: a prefilled form, saved through a service, errors beside the fields ---------------

INVALID = 422


def _plain(weight: Decimal) -> str:
    # 200.00 shows as "200", not "200.00" nor normalize()'s "2E+2".
    return f"{weight.normalize():f}"


def _edit(
    request: AuthedRequest,
    athlete: Athlete,
    form: forms.Form,
    save: Callable[[dict[str, Any]], str],
    *,
    title: str,
    back: str,
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            done = save(form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, done)
            if request.htmx:
                return HttpResponseClientRedirect(back)
            return redirect(back)
    context = {"athlete": athlete, "form": form, "title": title, "back": back}
    template = "athletes/entry_edit.html#edit_form" if request.htmx else "athletes/entry_edit.html"
    return render(request, template, context, status=INVALID if form.is_bound else 200)


@require_http_methods(["GET", "POST"])
@coach_required
def note_edit(request: AuthedRequest, pk: int, note_pk: int) -> HttpResponse:
    athlete = athlete_for_coach(request.user, pk)
    note = get_object_or_404(AthleteNote, athlete=athlete, pk=note_pk)
    initial = {"content": note.content, "is_private": note.is_private, "is_pinned": note.is_pinned}
    form = NoteForm(request.POST or None, initial=initial)

    def save(data: dict[str, Any]) -> str:
        services.note_update(note=note, by=request.user, **data)
        return "Note saved."

    title = f"Edit the note of {note.date:%-d %b %Y}"
    return _edit(request, athlete, form, save, title=title, back=_notes_url(athlete))


def _notes_url(athlete: Athlete) -> str:
    return athlete.get_absolute_url() + "#notes"


@require_http_methods(["GET", "POST"])
@coach_required
def training_max_edit(request: AuthedRequest, pk: int, tm_pk: int) -> HttpResponse:
    athlete = athlete_for_coach(request.user, pk)
    tm = get_object_or_404(
        TrainingMax.objects.select_related("exercise"), athlete=athlete, pk=tm_pk
    )
    initial = {"weight": _plain(tm.weight), "effective_date": tm.effective_date}
    form = TrainingMaxEditForm(request.POST or None, initial=initial)

    def save(data: dict[str, Any]) -> str:
        corrections.training_max_edit(tm=tm, by=request.user, **data)
        return f"{tm.exercise.name} training max saved: {tm.weight.normalize():f}."

    title = f"Edit the {tm.exercise.name} training max of {tm.effective_date:%-d %b %Y}"
    return _edit(request, athlete, form, save, title=title, back=athlete.get_absolute_url())


@require_http_methods(["GET", "POST"])
@coach_required
def body_weight_edit(request: AuthedRequest, pk: int, entry_pk: int) -> HttpResponse:
    athlete = athlete_for_coach(request.user, pk)
    if not athlete.track_body_weight:
        raise Http404("Body weight tracking is switched off for this athlete.")
    entry = get_object_or_404(BodyWeight, athlete=athlete, pk=entry_pk)
    form = BodyWeightForm(
        request.POST or None, initial={"weight": _plain(entry.weight), "date": entry.date}
    )

    def save(data: dict[str, Any]) -> str:
        corrections.body_weight_edit(entry=entry, by=request.user, **data)
        return f"Body weight saved: {entry.weight.normalize():f} on {entry.date:%-d %b %Y}."

    title = f"Edit the body weight of {entry.date:%-d %b %Y}"
    return _edit(request, athlete, form, save, title=title, back=athlete.get_absolute_url())


@require_POST
@coach_required
def workouts_review_bulk(request: AuthedRequest, pk: int) -> HttpResponse:
    athlete = athlete_for_coach(request.user, pk)
    ids = [int(v) for v in request.POST.getlist("workout") if v.isdigit()]
    back = reverse("athletes:workout_list", args=[athlete.pk])
    page = request.POST.get("page", "")
    if page.isdigit():
        back += f"?page={page}"
    if not ids:
        messages.error(request, "Tick the workouts to mark reviewed first.")
        return redirect(back)
    marked = corrections.workouts_review_bulk(
        athlete_id=athlete.pk, workout_ids=ids, by=request.user
    )
    messages.success(request, f"{marked} workout{'' if marked == 1 else 's'} marked reviewed.")
    return redirect(back)
