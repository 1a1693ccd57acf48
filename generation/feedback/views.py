from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from generation.feedback.models import LearnedPreference
from generation.feedback.quality import quality_for
from generation.feedback.selectors import is_stable, preference_text
from generation.feedback.services import preference_clear
from replog.access import athlete_scope, coach_required
from replog.types import AuthedRequest


@require_GET
@coach_required
def quality(request: AuthedRequest) -> HttpResponse:
    report, preferences = quality_for(request.user)
    rows = [(p, preference_text(p), is_stable(p)) for p in preferences]
    return render(request, "generation/quality.html", {"report": report, "preferences": rows})


@require_POST
@coach_required
def preference_clear_view(request: AuthedRequest, pk: int) -> HttpResponse:
    prefs = LearnedPreference.objects.select_related("athlete")
    scope = athlete_scope(request.user, prefix="athlete__", self_included=False)
    pref = (prefs.filter(scope) if scope is not None else prefs).filter(pk=pk).first()
    if pref is None:
        raise Http404
    preference_clear(preference=pref, by=request.user)
    messages.success(
        request, f"Forgotten for {pref.athlete.name}: {pref.subject} {pref.detail}".strip() + "."
    )
    return redirect("generation:quality")
