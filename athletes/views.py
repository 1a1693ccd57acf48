from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect, trigger_client_event

from athletes import roster, selectors, services, substitutions
from athletes.access import athlete_for_coach, athlete_for_logging, athlete_for_view
from athletes.charts import athlete_charts
from athletes.forms import (
    AssignmentEndForm,
    AssignProgramForm,
    AthleteForm,
    BodyWeightForm,
    EquipmentForm,
    NoteForm,
    ReviewForm,
    SetRowForm,
    TrainingMaxForm,
    WorkoutEntry,
    apply_service_errors,
)
from athletes.models import Athlete, AthleteNote, AthleteProgram, Workout
from athletes.runs import running_charts
from athletes.stats.thresholds import ADHERENCE_WEEKS
from programs.models import Exercise, ProgramTemplate, owned_by
from replog.access import coach_required
from replog.types import AuthedRequest

INVALID = 422  # form errors: the page (or htmx fragment) is re-rendered with the messages


def _done(request: AuthedRequest, url: str) -> HttpResponse:
    """After a successful write: a normal redirect, or a client-side one for htmx requests."""
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


# --- athletes ----------------------------------------------------------------------------------


@require_GET
@login_required
def athlete_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if user.is_athlete and not user.is_admin:
        own = Athlete.objects.filter(user=user).values_list("pk", flat=True).first()
        if own is not None:
            return redirect("athletes:detail", pk=own)
    query = request.GET.get("q", "")[:100]
    rows = roster.athlete_list(user=user, query=query)
    context = {"rows": rows, "query": query, "adherence_weeks": ADHERENCE_WEEKS}
    if request.htmx and request.htmx.target == "athlete-rows":
        return render(request, "athletes/list.html#rows", context)
    return render(request, "athletes/list.html", context)


@require_http_methods(["GET", "POST"])
@coach_required
def athlete_create(request: AuthedRequest) -> HttpResponse:
    user = request.user
    form = AthleteForm(request.POST or None, user=user, initial={"coach": user.pk})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        coach = data.get("coach") if user.is_admin else user
        try:
            athlete = services.athlete_create(
                name=data["name"],
                sport=data["sport"],
                tier=data["tier"],
                date_of_birth=data["date_of_birth"],
                goal=data["goal"],
                notes=data["notes"],
                track_body_weight=data["track_body_weight"],
                coach=coach,
                by=user,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"{athlete.name} added.")
            return _done(request, athlete.get_absolute_url())
    status = INVALID if form.is_bound else 200
    return render(request, "athletes/athlete_form.html", {"form": form}, status=status)


@require_GET
@login_required
def athlete_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    athlete = athlete_for_view(request.user, pk)
    page = selectors.athlete_page(user=request.user, athlete=athlete)
    return render(
        request,
        "athletes/detail.html",
        {
            "athlete": athlete,
            "page": page,
            "notes": page.notes,
            "can_manage": page.can_manage,
            "note_form": NoteForm(),
            "charts": athlete_charts(athlete),
            "run_charts": running_charts(athlete),
        },
    )


@require_http_methods(["GET", "POST"])
@coach_required
def athlete_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    athlete = athlete_for_coach(request.user, pk)
    user = request.user
    form = AthleteForm(request.POST or None, user=user, initial=AthleteForm.initial_for(athlete))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        extra = {"coach": data.get("coach")} if user.is_admin else {}
        try:
            services.athlete_update(
                athlete=athlete,
                by=user,
                name=data["name"],
                sport=data["sport"],
                tier=data["tier"],
                date_of_birth=data["date_of_birth"],
                goal=data["goal"],
                notes=data["notes"],
                track_body_weight=data["track_body_weight"],
                may_adjust_session=data["may_adjust_session"],
                **extra,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"{athlete.name} saved.")
            return _done(request, athlete.get_absolute_url())
    status = INVALID if form.is_bound else 200
    return render(
        request, "athletes/athlete_form.html", {"form": form, "athlete": athlete}, status=status
    )


@require_http_methods(["GET", "POST"])
@coach_required
def equipment_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    athlete = athlete_for_coach(request.user, pk)
    groups = selectors.equipment_groups(athlete)
    choices = [(e.pk, e.name) for _, items in groups for e in items]
    owned = list(athlete.equipment_links.values_list("equipment_id", flat=True))
    form = EquipmentForm(request.POST or None, choices=choices, initial={"equipment": owned})
    if request.method == "POST" and form.is_valid():
        try:
            items = services.athlete_set_equipment(
                athlete=athlete, equipment=form.cleaned_data["equipment"], by=request.user
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"Equipment saved: {len(items)} item(s).")
            return _done(request, athlete.get_absolute_url())
    selected = {int(v) for v in form["equipment"].value() or [] if str(v).isdigit()}
    return render(
        request,
        "athletes/equipment_form.html",
        {"athlete": athlete, "form": form, "groups": groups, "selected": selected},
        status=INVALID if form.is_bound else 200,
    )


# --- programs ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@coach_required
def program_assign(request: AuthedRequest, pk: int) -> HttpResponse:
    athlete = athlete_for_coach(request.user, pk)
    # ?template=ID preselects a program (the "Assign to …" button on a program's page).
    chosen = request.GET.get("template", "")
    form = AssignProgramForm(
        request.POST or None,
        choices=selectors.program_choices(athlete),
        initial={"template": int(chosen)} if chosen.isdigit() else None,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        template = ProgramTemplate.objects.filter(pk=data["template"]).first()
        try:
            if template is None:
                raise ValidationError({"template": "That program no longer exists."})
            services.program_assign(
                athlete=athlete,
                template=template,
                start_date=data["start_date"],
                role=data["role"],
                cycle_goal=data["cycle_goal"],
                notes=data["notes"],
                by=request.user,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"{athlete.name} starts {template.name}.")
            return _done(request, athlete.get_absolute_url())
    current = services.active_primary(athlete)
    return render(
        request,
        "athletes/assign_form.html",
        {"athlete": athlete, "form": form, "current": current},
        status=INVALID if form.is_bound else 200,
    )


@require_POST
@coach_required
def assignment_end(request: AuthedRequest, pk: int, assignment_pk: int) -> HttpResponse:
    athlete = athlete_for_coach(request.user, pk)
    assignment = get_object_or_404(AthleteProgram, athlete=athlete, pk=assignment_pk)
    form = AssignmentEndForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError({"reason": "Choose Completed or Stopped."})
        services.assignment_end(
            assignment=assignment, reason=form.cleaned_data["reason"], by=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{assignment.template.name} ended.")
    return _done(request, athlete.get_absolute_url())


# --- workouts ----------------------------------------------------------------------------------


def _workout_context(
    athlete: Athlete, entry: WorkoutEntry, workout: Workout | None = None
) -> dict[str, object]:
    return {"athlete": athlete, "entry": entry, "workout": workout, "next_key": entry.next_key}


def _save_entry(
    request: AuthedRequest,
    athlete: Athlete,
    workout: Workout | None,
    assignment: AthleteProgram | None = None,
) -> HttpResponse:
    choices = selectors.exercise_choices(athlete)
    entry = WorkoutEntry.from_post(request.POST, exercise_choices=choices)
    template = "athletes/workout_form.html"
    if "add_row" in request.POST:
        # Without JavaScript the "Add set" button posts the form: show it again, one row longer.
        entry.rows.append(SetRowForm(key=entry.next_key, exercise_choices=choices))
        return render(request, template, _workout_context(athlete, entry, workout))
    if entry.is_valid():
        data = entry.form.cleaned_data
        try:
            if workout is None:
                saved = services.workout_log(
                    athlete=athlete,
                    date=data["date"],
                    notes=data["notes"],
                    sets=entry.set_inputs(),
                    by=request.user,
                    assignment=assignment,
                )
            else:
                saved = services.workout_update(
                    workout=workout,
                    date=data["date"],
                    notes=data["notes"],
                    sets=entry.set_inputs(),
                    by=request.user,
                )
        except ValidationError as exc:
            entry.apply_errors(exc)
        else:
            session = f" (Week {saved.week}, Day {saved.day})" if saved.week else ""
            verb = "logged" if workout is None else "saved"
            messages.success(request, f"Workout {verb} for {athlete.name}{session}.")
            url = athlete.get_absolute_url() if workout is None else saved.get_absolute_url()
            return _done(request, url)
    return render(request, template, _workout_context(athlete, entry, workout), status=INVALID)


@require_http_methods(["GET", "POST"])
@login_required
def workout_log(request: AuthedRequest, pk: int) -> HttpResponse:
    athlete = athlete_for_logging(request.user, pk)
    assignment = _chosen_assignment(request, athlete)
    if request.method == "POST":
        return _save_entry(request, athlete, None, assignment)
    prescription = selectors.prescription_for(
        athlete, assignment_pk=assignment.pk if assignment else None
    )
    prescribed = {
        row.exercise.pk: row.exercise for row in (prescription.rows if prescription else [])
    }
    swaps = substitutions.last_swaps(athlete, prescribed.values())
    entry = WorkoutEntry.prefilled(
        prescription=prescription,
        exercise_choices=selectors.exercise_choices(athlete),
        swaps=swaps,
    )
    context = _workout_context(athlete, entry)
    context["prescription"] = prescription
    # Exercises of the session the athlete's equipment does not allow, and their usual swap.
    context["not_allowed"] = [
        (prescribed[pk], swaps.get(pk))
        for pk in sorted(
            substitutions.not_allowed(athlete, prescribed), key=lambda k: prescribed[k].name
        )
    ]
    return render(request, "athletes/workout_form.html", context)


def _chosen_assignment(request: AuthedRequest, athlete: Athlete) -> AthleteProgram | None:
    """`?assignment=ID`: log against that active program of the athlete (a running plan) rather
    than the primary one. The form posts back to the same address, so GET and POST both read it."""
    raw = request.GET.get("assignment", "")
    if not raw:
        return None
    found = (
        AthleteProgram.objects.filter(athlete=athlete, pk=raw, is_active=True)
        .select_related("template")
        .first()
        if raw.isdigit() and len(raw) <= 12
        else None
    )
    if found is None:
        raise Http404(f"Program {raw[:20]} is not one of {athlete.name}'s active programs.")
    return found


@require_GET
@login_required
def workout_set_row(request: AuthedRequest, pk: int) -> HttpResponse:
    """One empty set row for the log form (htmx "Add set"), and the next free row key."""
    athlete = athlete_for_logging(request.user, pk)
    raw = request.GET.get("next_key", "0")
    key = int(raw) if raw.isdigit() and len(raw) <= 6 else 0
    row = SetRowForm(key=key, exercise_choices=selectors.exercise_choices(athlete))
    context = {"athlete": athlete, "row": row, "next_key": key + 1}
    return render(request, "athletes/workout_form.html#new_row", context)


@require_GET
@login_required
def workout_list(request: AuthedRequest, pk: int) -> HttpResponse:
    athlete = athlete_for_view(request.user, pk)
    paginator = Paginator(selectors.workout_history(athlete=athlete), 20)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "athlete": athlete,
        "page_obj": page,
        "can_manage": selectors.can_manage(request.user, athlete),
    }
    return render(request, "athletes/workout_list.html", context)


@require_GET
@login_required
def workout_detail(request: AuthedRequest, pk: int, workout_pk: int) -> HttpResponse:
    athlete = athlete_for_view(request.user, pk)
    workout = selectors.workout_for(athlete=athlete, pk=workout_pk)
    manage = selectors.can_manage(request.user, athlete)
    review = getattr(workout, "review", None)
    form = ReviewForm(initial={"status": review.status, "notes": review.notes} if review else None)
    return render(
        request,
        "athletes/workout_detail.html",
        {
            "athlete": athlete,
            "workout": workout,
            "review": review,
            "review_form": form,
            "can_manage": manage,
            "can_edit": manage or selectors.athlete_may_edit(request.user, athlete, workout),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def workout_edit(request: AuthedRequest, pk: int, workout_pk: int) -> HttpResponse:
    athlete = athlete_for_logging(request.user, pk)
    workout = selectors.workout_for(athlete=athlete, pk=workout_pk)
    if not (
        selectors.can_manage(request.user, athlete)
        or selectors.athlete_may_edit(request.user, athlete, workout)
    ):
        raise PermissionDenied(_edit_refusal(workout))
    if request.method == "POST":
        return _save_entry(request, athlete, workout)
    entry = WorkoutEntry.for_workout(workout, exercise_choices=selectors.exercise_choices(athlete))
    return render(request, "athletes/workout_form.html", _workout_context(athlete, entry, workout))


def _edit_refusal(workout: Workout) -> str:
    if hasattr(workout, "review"):
        return "Your coach has reviewed this workout; ask them to change it."
    return "Your coach logged this workout; ask them to change it."


@require_POST
@coach_required
def workout_review(request: AuthedRequest, pk: int, workout_pk: int) -> HttpResponse:
    athlete = athlete_for_coach(request.user, pk)
    workout = selectors.workout_for(athlete=athlete, pk=workout_pk)
    form = ReviewForm(request.POST)
    review = None
    if form.is_valid():
        try:
            review = services.workout_review(
                workout=workout,
                status=form.cleaned_data["status"],
                notes=form.cleaned_data["notes"],
                by=request.user,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
    if review is not None and not request.htmx:
        messages.success(request, f"Review saved: {review.get_status_display()}.")
        return redirect(workout.get_absolute_url())
    context = {
        "athlete": athlete,
        "workout": workout,
        "review": review or getattr(workout, "review", None),
        "review_form": form,
        "can_manage": True,
        "saved": review is not None,
    }
    if request.htmx:
        response = render(
            request,
            "athletes/workout_detail.html#review",
            context,
            status=200 if review is not None else INVALID,
        )
        if review is not None:
            trigger_client_event(response, "workoutReviewed", {"status": review.status})
        return response
    return render(request, "athletes/workout_detail.html", context, status=INVALID)


# --- notes -------------------------------------------------------------------------------------


def _notes_response(
    request: AuthedRequest, athlete: Athlete, form: NoteForm, status: int = 200
) -> HttpResponse:
    notes = selectors.notes_for(user=request.user, athlete=athlete, show_private=True)
    context = {"athlete": athlete, "notes": notes, "note_form": form, "can_manage": True}
    return render(request, "athletes/detail.html#notes", context, status=status)


@require_POST
@coach_required
def note_add(request: AuthedRequest, pk: int) -> HttpResponse:
    athlete = athlete_for_coach(request.user, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.note_add(athlete=athlete, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            if request.htmx:
                response = _notes_response(request, athlete, NoteForm())
                return trigger_client_event(response, "noteAdded")
            messages.success(request, "Note added.")
            return redirect(reverse("athletes:detail", args=[athlete.pk]) + "#notes")
    if request.htmx:
        return _notes_response(request, athlete, form, status=INVALID)
    return render(
        request, "athletes/note_form.html", {"athlete": athlete, "form": form}, status=INVALID
    )


@require_POST
@coach_required
def note_pin(request: AuthedRequest, pk: int, note_pk: int) -> HttpResponse:
    athlete = athlete_for_coach(request.user, pk)
    note = get_object_or_404(AthleteNote, athlete=athlete, pk=note_pk)
    services.note_update(note=note, is_pinned=not note.is_pinned, by=request.user)
    if request.htmx:
        return _notes_response(request, athlete, NoteForm())
    messages.success(request, "Note pinned." if note.is_pinned else "Note unpinned.")
    return redirect(reverse("athletes:detail", args=[athlete.pk]) + "#notes")


# --- training maxes, body weight ---------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@coach_required
def training_max(request: AuthedRequest, pk: int) -> HttpResponse:
    athlete = athlete_for_coach(request.user, pk)
    initial: dict[str, object] = {}
    if request.GET.get("exercise", "").isdigit():
        initial["exercise"] = int(request.GET["exercise"])
    form = TrainingMaxForm(
        request.POST or None, choices=selectors.tm_exercise_choices(athlete), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        exercise = Exercise.objects.filter(owned_by(athlete.coach_id), pk=data["exercise"]).first()
        try:
            if exercise is None:
                raise ValidationError({"exercise": "That exercise no longer exists."})
            tm = services.training_max_record(
                athlete=athlete,
                exercise=exercise,
                weight=data["weight"],
                effective_date=data["effective_date"],
                by=request.user,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request, f"{exercise.name} training max set to {tm.weight.normalize():f}."
            )
            return _done(request, athlete.get_absolute_url())
    return render(
        request,
        "athletes/training_max_form.html",
        {
            "athlete": athlete,
            "form": form,
            "summaries": selectors.training_max_history(athlete=athlete),
        },
        status=INVALID if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
@coach_required
def body_weight(request: AuthedRequest, pk: int) -> HttpResponse:
    athlete = athlete_for_coach(request.user, pk)
    if not athlete.track_body_weight:
        raise Http404("Body weight tracking is switched off for this athlete.")
    form = BodyWeightForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.body_weight_record(
                athlete=athlete,
                weight=form.cleaned_data["weight"],
                date=form.cleaned_data["date"],
                by=request.user,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"Body weight {entry.weight.normalize():f} recorded.")
            return _done(request, athlete.get_absolute_url())
    return render(
        request,
        "athletes/body_weight_form.html",
        {
            "athlete": athlete,
            "form": form,
            "history": selectors.body_weight_history(athlete=athlete),
        },
        status=INVALID if form.is_bound else 200,
    )
