from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from athletes.access import athlete_for_coach
from generation.engines.dispatch import describe_engine
from generation.running.forms import RunningPlanForm
from generation.running.services import running_plan_request
from generation.runs.selectors import working_run_for
from generation.runs.states import GenerationError, RunInProgress
from replog.access import coach_required
from replog.types import AuthedRequest


@require_http_methods(["GET", "POST"])
@coach_required
def new_plan(request: AuthedRequest, athlete_pk: int) -> HttpResponse:
    athlete = athlete_for_coach(request.user, athlete_pk)
    running = working_run_for(athlete)
    form = RunningPlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = running_plan_request(
                athlete=athlete,
                settings=form.settings,
                by=request.user,
                name=form.cleaned_data["program_name"],
                engine=form.engine_choice,
            )
        except RunInProgress as exc:
            running = exc.run
            form.add_error(None, exc.message)
        except GenerationError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect(run)
    context = {
        "athlete": athlete,
        "form": form,
        "running": running,
        "engine_message": describe_engine().replace("program", "plan's coaching text"),
    }
    return render(
        request, "generation/running_plan.html", context, status=422 if form.errors else 200
    )
