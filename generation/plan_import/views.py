"""Paste / upload a plan (coaches and admins) and the parse metrics (admins). The preview is the
catalog import's own (programs:import_preview), which shows every line's fate."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from generation.llm import LLMConfig
from generation.plan_import.forms import PlanTextForm
from generation.plan_import.metrics import plan_import_metrics
from generation.plan_import.service import PlanImportError, plan_import_parse
from programs.access import catalog_admin_required, importer_required
from replog.types import AuthedRequest

PAGE = "generation/plan_import.html"


def _page(
    request: HttpRequest, form: PlanTextForm, error: str = "", status: int = 200
) -> HttpResponse:
    context = {
        "form": form,
        "error": error,
        "llm_configured": LLMConfig.from_settings().is_configured,
    }
    return render(request, PAGE, context, status=status)


@require_GET
@importer_required
def plan_import(request: AuthedRequest) -> HttpResponse:
    form = PlanTextForm(user=request.user, initial={"athlete": request.GET.get("athlete")})
    return _page(request, form)


@require_POST
@importer_required
def plan_import_create(request: AuthedRequest) -> HttpResponse:
    form = PlanTextForm(request.POST, request.FILES, user=request.user)
    if not form.is_valid():
        return _page(request, form, status=422)
    upload = request.FILES.get("file")
    try:
        outcome = plan_import_parse(
            text=form.cleaned_data["plan"],
            by=request.user,
            athlete=form.cleaned_data.get("athlete"),
            parser=form.cleaned_data["parser"],
            name=form.cleaned_data.get("name") or "",
            filename=getattr(upload, "name", "") or "",
        )
    except PlanImportError as exc:
        return _page(request, form, error=str(exc), status=422)
    for notice in outcome.notices:
        messages.warning(request, notice)
    assert outcome.draft is not None
    return redirect(outcome.draft)


@require_GET
@catalog_admin_required
def plan_import_metrics_page(request: AuthedRequest) -> HttpResponse:
    return render(request, "generation/plan_import_metrics.html", plan_import_metrics())
