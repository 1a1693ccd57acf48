"""Athlete page → Import history (upload → preview → import) and the two exports.

Importing is the coach's (and the admin's) job: it writes the logbook and may add exercises to
the catalog, so an athlete login gets 403 on their own page and 404 on anyone else's. Exports
are readable by whoever may see the athlete, the athlete included (their own data).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from athletes.access import athlete_for_coach, athlete_for_view
from athletes.history.drafts import (
    history_draft_choose,
    history_draft_create,
    history_draft_import,
    history_preview,
)
from athletes.history.export import athlete_json, export_filename, strong_csv
from athletes.history.extras import installation_unit
from athletes.history.rows import MAX_FILE_BYTES, HistoryFileError
from athletes.history.service import HistoryImportError
from athletes.models import Athlete, HistoryImportDraft
from programs.catalog.export import dumps
from replog.access import coach_required
from replog.types import AuthedRequest

INVALID = 422
UPLOAD = "athletes/history_upload.html"
PREVIEW = "athletes/history_preview.html"


class HistoryUploadForm(forms.Form):
    file = forms.FileField(
        help_text="Strong or Hevy CSV export, or a RepLog athlete JSON export; up to 10 MB."
    )
    format = forms.ChoiceField(
        choices=[
            ("", "Detect"),
            ("strong", "Strong CSV"),
            ("hevy", "Hevy CSV"),
            ("replog", "RepLog JSON"),
        ],
        required=False,
    )
    unit = forms.ChoiceField(
        label="Weights in the file are in",
        choices=[("kg", "kg"), ("lbs", "lbs")],
        help_text="Only for a file that does not say (Strong's classic export).",
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        assert isinstance(upload, UploadedFile)
        data = upload.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise forms.ValidationError(
                f"The file is over {MAX_FILE_BYTES // 1_048_576} MB; export a shorter period."
            )
        return data


def _upload(
    request: AuthedRequest,
    athlete: Athlete,
    form: HistoryUploadForm,
    errors: list[str],
    status: int = 200,
) -> HttpResponse:
    drafts = athlete.history_drafts.all()[:5]
    context = {"athlete": athlete, "form": form, "errors": errors, "drafts": drafts}
    return render(request, UPLOAD, context, status=status)


@require_http_methods(["GET", "POST"])
@coach_required
def history_upload(request: AuthedRequest, pk: int) -> HttpResponse:
    athlete = athlete_for_coach(request.user, pk)
    if request.method == "GET":
        form = HistoryUploadForm(initial={"unit": installation_unit()})
        return _upload(request, athlete, form, [])
    form = HistoryUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _upload(request, athlete, form, [], INVALID)
    upload = request.FILES.get("file")
    try:
        draft = history_draft_create(
            athlete=athlete,
            raw=form.cleaned_data["file"],
            by=request.user,
            filename=getattr(upload, "name", "") or "",
            format=form.cleaned_data["format"] or None,
            unit=form.cleaned_data["unit"],
        )
    except HistoryFileError as exc:
        return _upload(request, athlete, form, [str(exc)], INVALID)
    except HistoryImportError as exc:
        return _upload(request, athlete, form, exc.messages, INVALID)
    return redirect(draft)


def _draft(request: AuthedRequest, pk: int, draft_pk: int) -> HistoryImportDraft:
    athlete = athlete_for_coach(request.user, pk)
    return get_object_or_404(
        HistoryImportDraft.objects.select_related("athlete", "created_by"),
        pk=draft_pk,
        athlete=athlete,
    )


def _preview(
    request: AuthedRequest, draft: HistoryImportDraft, errors: list[str], status: int = 200
) -> HttpResponse:
    context: dict[str, Any] = {
        "draft": draft,
        "athlete": draft.athlete,
        "preview": history_preview(draft),
        "errors": errors,
    }
    return render(request, PREVIEW, context, status=status)


@require_http_methods(["GET", "POST"])
@coach_required
def history_draft(request: AuthedRequest, pk: int, draft_pk: int) -> HttpResponse:
    draft = _draft(request, pk, draft_pk)
    if request.method == "GET":
        return _preview(request, draft, [])
    choices = {
        key[len("name:") :]: value
        for key, value in request.POST.items()
        if key.startswith("name:") and isinstance(value, str)
    }
    refused = history_draft_choose(
        draft=draft, choices=choices, merge_policy=request.POST.get("merge_policy", "")
    )
    if refused or request.POST.get("action") != "import":
        return _preview(request, draft, refused, INVALID if refused else 200)
    try:
        result = history_draft_import(draft=draft, by=request.user)
    except HistoryImportError as exc:
        return _preview(request, draft, exc.messages, INVALID)
    messages.success(request, "History imported — " + result.summary())
    for warning in result.warnings[:20]:
        messages.warning(request, warning)
    return redirect(draft.athlete)


@require_POST
@coach_required
def history_discard(request: AuthedRequest, pk: int, draft_pk: int) -> HttpResponse:
    draft = _draft(request, pk, draft_pk)
    athlete = draft.athlete
    draft.delete()
    messages.info(request, "The upload was discarded; nothing was imported.")
    return redirect("athletes:history_upload", pk=athlete.pk)


def _download(text: str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@login_required
def history_export_csv(request: AuthedRequest, pk: int) -> HttpResponse:
    athlete = athlete_for_view(request.user, pk)
    return _download(
        strong_csv(athlete), "text/csv; charset=utf-8", export_filename(athlete, "csv")
    )


@require_GET
@login_required
def history_export_json(request: AuthedRequest, pk: int) -> HttpResponse:
    athlete = athlete_for_view(request.user, pk)
    return _download(
        dumps(athlete_json(athlete)), "application/json", export_filename(athlete, "json")
    )
