"""Catalog pages: exercises, programs, the import pipeline (upload → preview → approve) and
exports. Thin views: parse the request, call one selector or service, render. Access rules are
in programs/access.py (the catalog app cannot import athlete code)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from programs.access import (
    catalog_admin_required,
    catalog_user_required,
    importer_required,
    is_admin,
    library_owner_required,
    library_programs,
    programs_visible_to,
)
from programs.catalog.export import catalog_export, dumps, export_filename
from programs.catalog.issue_report import issue_report, names_from
from programs.catalog.plaintext.fate import line_rows
from programs.drafts import (
    DraftError,
    import_draft_approve,
    import_draft_create,
    import_draft_discard,
    import_draft_edit_set,
    import_draft_set_mapping,
    import_draft_set_program,
)
from programs.forms import (
    CatalogUploadForm,
    ExerciseFilterForm,
    MappingForm,
    ProgramFilterForm,
    ProgramNameForm,
    SetEditForm,
)
from programs.models import ImportDraft, ImportSource, ImportStatus, KeptUpload
from programs.program_page import program_page
from programs.selectors import (
    draft_for_user,
    draft_preview,
    drafts_recent,
)
from programs.selectors import (
    exercise_detail as select_exercise,
)
from programs.selectors import (
    exercise_list as select_exercises,
)
from programs.selectors import (
    program_list as select_programs,
)
from programs.services import CatalogImportError
from programs.uploads import upload_forget, upload_keep
from replog.types import AuthedRequest

PREVIEW = "programs/import_preview.html"


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


# --- exercises and programs -------------------------------------------------------------------


@require_GET
@catalog_user_required
def exercise_list(request: AuthedRequest) -> HttpResponse:
    form = ExerciseFilterForm(request.GET or None, user=request.user)
    filters: dict[str, Any] = {}
    if form.is_valid():
        equipment = form.cleaned_data.get("equipment")
        filters = {
            "query": form.cleaned_data.get("q") or "",
            "pattern": form.cleaned_data.get("pattern") or "",
            "equipment_id": equipment.pk if equipment else None,
        }
    context = {"form": form, "exercises": list(select_exercises(user=request.user, **filters))}
    template = "programs/exercise_list.html"
    if _is_htmx(request):
        template += "#results"
    return render(request, template, context)


@require_GET
@catalog_user_required
def exercise_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    try:
        exercise, programs = select_exercise(pk=pk, user=request.user)
    except ObjectDoesNotExist:
        raise Http404 from None
    return render(
        request, "programs/exercise_detail.html", {"exercise": exercise, "programs": programs}
    )


@require_GET
@catalog_user_required
def program_list(request: AuthedRequest) -> HttpResponse:
    form = ProgramFilterForm(request.GET or None)
    query = form.cleaned_data.get("q", "") if form.is_valid() else ""
    programs = list(select_programs(user=request.user, query=query))
    context = {
        "form": form,
        "global_programs": [p for p in programs if p.is_global],
        "library_programs": [p for p in programs if p.coach_id is not None],
        "athlete_programs": [p for p in programs if p.owner_id is not None],
    }
    template = "programs/program_list.html"
    if _is_htmx(request):
        template += "#results"
    return render(request, template, context)


@require_GET
@catalog_user_required
def program_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    chosen = request.GET.get("athlete", "")
    try:
        page = program_page(
            pk=pk, user=request.user, athlete_id=int(chosen) if chosen.isdigit() else None
        )
    except ObjectDoesNotExist:
        raise Http404 from None
    return render(
        request,
        "programs/program_detail.html",
        {"page": page, "program": page.program, "days": range(1, page.program.num_days + 1)},
    )


# --- exports ----------------------------------------------------------------------------------


def _json_download(document: dict[str, Any], filename: str) -> HttpResponse:
    response = HttpResponse(dumps(document), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@catalog_user_required
def program_export(request: AuthedRequest, pk: int) -> HttpResponse:
    program = programs_visible_to(request.user).filter(pk=pk).first()
    if program is None:
        raise Http404
    return _json_download(catalog_export(programs=[program]), export_filename(program))


@require_GET
@library_owner_required
def library_export(request: AuthedRequest) -> HttpResponse:
    programs = library_programs(request.user)
    name = f"replog-library-{slugify(request.user.get_username()) or request.user.pk}.json"
    return _json_download(catalog_export(programs=programs), name)


@require_GET
@catalog_admin_required
def catalog_export_view(request: AuthedRequest) -> HttpResponse:
    return _json_download(catalog_export(), export_filename())


# --- import: upload ---------------------------------------------------------------------------


@require_GET
@importer_required
def import_upload(request: AuthedRequest) -> HttpResponse:
    form = CatalogUploadForm(user=request.user, initial={"athlete": request.GET.get("athlete")})
    return _upload_page(request, form)


def _upload_page(
    request: AuthedRequest,
    form: CatalogUploadForm,
    issues: Any = None,
    status: int = 200,
    data: dict[str, Any] | None = None,
    kept: KeptUpload | None = None,
) -> HttpResponse:
    form.keep(kept)
    return render(
        request,
        "programs/import_upload.html",
        {
            "form": form,
            "issues": issues,
            "report": issue_report(issues, data) if issues else None,
            # A browser never refills a file input: the file is kept and named instead.
            "kept": kept,
            "drafts": drafts_recent(user=request.user),
            "is_admin": is_admin(request.user),
        },
        status=status,
    )


@require_POST
@importer_required
def import_create(request: AuthedRequest) -> HttpResponse:
    form = CatalogUploadForm(request.POST, request.FILES, user=request.user)
    valid = form.is_valid()
    filename = form.filename(request.FILES.get("file"))
    raw: bytes | None = form.cleaned_data.get("file")
    if not valid or raw is None:
        # A file that was read (the destination was the problem) is kept for the next try.
        kept = upload_keep(by=request.user, filename=filename, data=raw) if raw else None
        return _upload_page(request, form, kept=kept)
    draft, parsed = import_draft_create(
        raw=raw,
        by=request.user,
        athlete=form.cleaned_data.get("athlete"),
        filename=filename,
        source=ImportSource.UPLOAD,
    )
    if draft is None:
        kept = upload_keep(by=request.user, filename=filename, data=raw)
        data = parsed.data or names_from(raw)
        return _upload_page(request, form, issues=parsed.issues, data=data, kept=kept)
    upload_forget(by=request.user)
    return redirect(draft)


# --- import: preview and its htmx edits -------------------------------------------------------


def _draft(request: AuthedRequest, pk: int) -> ImportDraft:
    try:
        return draft_for_user(pk=pk, user=request.user)
    except ObjectDoesNotExist:
        raise Http404 from None


def _preview_context(draft: ImportDraft, **extra: Any) -> dict[str, Any]:
    preview = draft_preview(draft)
    lines = line_rows(draft.lines, preview) if draft.lines else []
    return {"draft": draft, "preview": preview, "line_rows": lines, **extra}


@require_GET
@importer_required
def import_preview(request: AuthedRequest, pk: int) -> HttpResponse:
    draft = _draft(request, pk)
    # One program's weeks at a time: a 30-program catalog was a 30,000 px page.
    shown = request.GET.get("program", "0")
    context = _preview_context(draft, shown_program=int(shown) if shown.isdigit() else 0)
    if draft.status == ImportStatus.APPROVED:
        context["created"] = draft.result.get("template_ids", [])
    return render(request, PREVIEW, context)


@require_POST
@importer_required
def import_mapping(request: AuthedRequest, pk: int) -> HttpResponse:
    draft = _draft(request, pk)
    form = MappingForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            import_draft_set_mapping(
                draft=draft,
                kind=form.cleaned_data["kind"],
                key=form.cleaned_data["key"],
                value=form.cleaned_data["value"],
            )
        except (DraftError, CatalogImportError) as exc:
            error = str(exc)
    else:
        error = "That choice could not be read."
    if not _is_htmx(request):
        if error:
            messages.error(request, error)
        return redirect(draft)
    context = _preview_context(draft, mapping_error=error)
    kind = form.cleaned_data.get("kind", "exercise") if form.is_valid() else "exercise"
    key = form.cleaned_data.get("key", "") if form.is_valid() else ""
    context["row"] = context["preview"].row(kind, key)
    if context["row"] is None:
        raise Http404
    return render(request, PREVIEW + "#name_row_update", context, status=200 if not error else 422)


@require_POST
@importer_required
def import_program(request: AuthedRequest, pk: int, index: int) -> HttpResponse:
    draft = _draft(request, pk)
    form = ProgramNameForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            import_draft_set_program(
                draft=draft,
                index=index,
                action=form.cleaned_data["action"],
                name=form.cleaned_data.get("name") or "",
            )
        except (DraftError, CatalogImportError) as exc:
            error = str(exc)
    else:
        error = "; ".join(str(e) for errs in form.errors.values() for e in errs)
    if not _is_htmx(request):
        if error:
            messages.error(request, error)
        return redirect(draft)
    context = _preview_context(draft, program_error=error)
    blocks = context["preview"].programs
    if not 0 <= index < len(blocks):
        raise Http404
    context["block"] = blocks[index]
    return render(
        request, PREVIEW + "#program_name_update", context, status=200 if not error else 422
    )


def _set_row(context: dict[str, Any], program: int, index: int) -> Any:
    blocks = context["preview"].programs
    if not 0 <= program < len(blocks):
        raise Http404
    for week in blocks[program].weeks:
        for day in week.days:
            for row in day:
                if row.index == index:
                    return row
    raise Http404


@require_GET
@importer_required
def import_set_edit(request: AuthedRequest, pk: int, program: int, index: int) -> HttpResponse:
    draft = _draft(request, pk)
    context = _preview_context(draft)
    row = _set_row(context, program, index)
    initial = {
        name: row.value(name) for name in ("reps", "percentage", "absolute_weight", "target_rpe")
    }
    initial["notes"] = row.item.notes
    context.update({"row": row, "form": SetEditForm(initial=initial)})
    if not draft.is_open:
        if not _is_htmx(request):
            return redirect(draft)
        return render(request, PREVIEW + "#set_row", context)
    if not _is_htmx(request):
        return render(request, "programs/import_set_edit.html", context)
    return render(request, PREVIEW + "#set_form", context)


@require_GET
@importer_required
def import_set_row(request: AuthedRequest, pk: int, program: int, index: int) -> HttpResponse:
    draft = _draft(request, pk)
    context = _preview_context(draft)
    context["row"] = _set_row(context, program, index)
    return render(request, PREVIEW + "#set_row", context)


@require_POST
@importer_required
def import_set_save(request: AuthedRequest, pk: int, program: int, index: int) -> HttpResponse:
    draft = _draft(request, pk)
    form = SetEditForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            import_draft_edit_set(
                draft=draft, program=program, index=index, changes=dict(form.cleaned_data)
            )
        except (DraftError, CatalogImportError) as exc:
            error = str(exc)
    if not _is_htmx(request):
        if error or form.errors:
            messages.error(request, error or "The set was not saved: check the values.")
        return redirect(draft)
    context = _preview_context(draft)
    context["row"] = _set_row(context, program, index)
    if error or not form.is_valid():
        context.update({"form": form, "set_error": error})
        return render(request, PREVIEW + "#set_form", context, status=422)
    return render(request, PREVIEW + "#set_row", context)


@require_POST
@importer_required
def import_approve(request: AuthedRequest, pk: int) -> HttpResponse:
    draft = _draft(request, pk)
    try:
        result = import_draft_approve(draft=draft, by=request.user)
    except (DraftError, CatalogImportError) as exc:
        problems = exc.messages if isinstance(exc, CatalogImportError) else [str(exc)]
        if _is_htmx(request):
            context = _preview_context(draft, approve_errors=problems)
            return render(request, PREVIEW + "#approve_box", context, status=422)
        for problem in problems:
            messages.error(request, problem)
        return redirect(draft)
    messages.success(
        request, f"Imported: {result.programs_created} program(s), {result.sets_created} sets."
    )
    if _is_htmx(request):
        return HttpResponseClientRedirect(draft.get_absolute_url())
    return redirect(draft)


@require_POST
@importer_required
def import_discard(request: AuthedRequest, pk: int) -> HttpResponse:
    draft = _draft(request, pk)
    try:
        import_draft_discard(draft=draft, by=request.user)
    except DraftError as exc:
        messages.error(request, str(exc))
        return redirect(draft)
    messages.info(request, "The import was discarded.")
    target = "programs:import_upload"
    if _is_htmx(request):
        return HttpResponseClientRedirect(reverse(target))
    return redirect(target)
