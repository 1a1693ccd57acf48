"""Import drafts: a catalog on its way in, the coach's choices on it, then approve or discard.
The import itself is `programs.services.catalog_import`."""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from programs.access import is_admin
from programs.catalog.matching import MappingProposal, propose_mapping
from programs.catalog.parse import Issue, ParseResult, json_number, parse_catalog
from programs.catalog.schema import SET_NOTES_MAX, Catalog
from programs.models import ImportDraft, ImportSource, ImportStatus
from programs.services import CatalogImportError, ImportResult, catalog_import
from replog.jsondata import copy_json

logger = logging.getLogger(__name__)


class DraftError(Exception):
    """An import-draft action that is not allowed (closed draft, bad choice); a user message."""


EDITABLE_SET_FIELDS = ("reps", "percentage", "absolute_weight", "target_rpe", "notes")


def import_draft_create(
    *,
    raw: bytes | str | dict[str, Any],
    by: Any,
    athlete: Any = None,
    library_coach: Any = None,
    filename: str = "",
    source: str = ImportSource.UPLOAD,
    strict: bool = False,
    lines: list[dict[str, Any]] | None = None,
) -> tuple[ImportDraft | None, ParseResult]:
    """Parse and validate; on success store a draft for `athlete`, for `library_coach`'s
    library, or (neither) for the global catalog. Returns (draft or None, the parse result with
    every error and warning). A coach's import for no athlete goes into their library."""
    if athlete is None and library_coach is None and by is not None and not is_admin(by):
        library_coach = by  # as in catalog_import: only admins fill the global catalog
    parsed = parse_catalog(raw, strict=strict)
    if not parsed.ok or parsed.catalog is None or parsed.data is None:
        return None, parsed
    if athlete is not None and len(parsed.catalog.programs) != 1:
        count = len(parsed.catalog.programs)
        instead = "the global catalog" if is_admin(by) else "your library"
        parsed.issues.append(
            Issue(
                "programs",
                f"an import for one athlete must hold exactly one program; this file has {count}"
                + (
                    f": import it into {instead} instead (no athlete), then assign one of them "
                    f"to {athlete} from their page"
                    if count > 1
                    else ""
                ),
            )
        )
        return None, parsed
    draft = ImportDraft.objects.create(
        created_by=by,
        athlete=athlete,
        library_coach=None if athlete is not None else library_coach,
        source=source,
        filename=filename[:255],
        catalog=parsed.data,
        warnings=[w.as_dict() for w in parsed.warnings],
        lines=lines or [],
    )
    return draft, parsed


def _open(draft: ImportDraft) -> None:
    if draft.status != ImportStatus.DRAFT:
        raise DraftError(f"This import is {draft.get_status_display().lower()}; it cannot change.")


def effective_catalog(draft: ImportDraft) -> dict[str, Any]:
    """The draft's catalog with the coach's per-set edits applied."""
    data = copy_json(draft.catalog)
    programs = data.get("programs") or []
    for key, changes in (draft.set_edits or {}).items():
        try:
            p, s = (int(part) for part in key.split(":"))
            target = programs[p]["prescribed_sets"][s]
        except (ValueError, IndexError, KeyError, TypeError):
            continue
        for name, value in changes.items():
            if name in EDITABLE_SET_FIELDS:
                target[name] = value
    return data


def _catalog_of(draft: ImportDraft) -> Catalog:
    parsed = parse_catalog(effective_catalog(draft))
    if parsed.catalog is None:
        raise CatalogImportError([str(issue) for issue in parsed.errors])
    return parsed.catalog


def _proposal(draft: ImportDraft, catalog: Catalog) -> MappingProposal:
    return propose_mapping(
        catalog, athlete_id=draft.athlete_id, library_coach_id=draft.library_coach_id
    )


def import_draft_set_mapping(*, draft: ImportDraft, kind: str, key: str, value: str) -> None:
    """Record the coach's choice for one name: "db:<id>", "file:<key>" or "new"."""
    _open(draft)
    if kind not in ("equipment", "exercise"):
        raise DraftError("Unknown kind of name.")
    proposal = _proposal(draft, _catalog_of(draft))
    if not proposal.valid_choice(kind, key, value):  # type: ignore[arg-type]
        raise DraftError("That choice is not available for this name.")
    mapping = dict(draft.mapping or {})
    chosen = dict(mapping.get(kind, {}))
    chosen[key] = value
    mapping[kind] = chosen
    draft.mapping = mapping
    draft.updated_at = timezone.now()
    draft.save(update_fields=["mapping", "updated_at"])


def import_draft_set_program(
    *, draft: ImportDraft, index: int, action: str, name: str = ""
) -> None:
    """Resolve a program-name clash: action "rename" (with `name`), "replace", or "reset"."""
    _open(draft)
    catalog = _catalog_of(draft)
    if not 0 <= index < len(catalog.programs):
        raise DraftError("No such program in this import.")
    proposal = _proposal(draft, catalog)
    program = proposal.programs[index]
    choice: dict[str, Any] | None
    if action == "rename":
        name = " ".join(name.split())
        problem = proposal.rename_problem(index, name)
        if problem:
            raise DraftError(problem[0].upper() + problem[1:] + ".")
        choice = {"action": "rename", "name": name}
    elif action == "replace":
        if not program.can_replace:
            raise DraftError(
                "Only an athlete's own program or one in your library can be replaced, and "
                "only while no athlete follows it as their active program; choose a new name "
                "instead."
            )
        choice = {"action": "replace"}
    elif action == "reset":
        choice = None
    else:
        raise DraftError("Unknown action.")
    mapping = dict(draft.mapping or {})
    programs = dict(mapping.get("programs", {}))
    if choice is None:
        programs.pop(str(index), None)
    else:
        programs[str(index)] = choice
    mapping["programs"] = programs
    draft.mapping = mapping
    draft.updated_at = timezone.now()
    draft.save(update_fields=["mapping", "updated_at"])


def _edit_value(name: str, value: Any) -> Any:
    if name == "notes":
        text = "" if value is None else str(value)
        if len(text) > SET_NOTES_MAX:
            raise DraftError(f"Notes are limited to {SET_NOTES_MAX} characters.")
        return text
    if value is None or value == "":
        return None
    if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
        return json_number(value)
    raise DraftError(f"{name} must be a number.")


def import_draft_edit_set(
    *, draft: ImportDraft, program: int, index: int, changes: dict[str, Any]
) -> dict[str, Any]:
    """Edit one prescribed set of the draft (reps, percentage, absolute_weight, target_rpe,
    notes). Values must already be validated (the form does that); the whole catalog is
    re-validated with the edit before it is kept. Returns the set as it now stands."""
    _open(draft)
    try:
        original = draft.catalog["programs"][program]["prescribed_sets"][index]
    except (KeyError, IndexError, TypeError):
        raise DraftError("No such set in this import.") from None
    key = f"{program}:{index}"
    edits = dict(draft.set_edits or {})
    current = dict(edits.get(key, {}))
    for name, value in changes.items():
        if name not in EDITABLE_SET_FIELDS:
            raise DraftError(f"{name} cannot be edited here.")
        value = _edit_value(name, value)
        if value == original.get(name):
            current.pop(name, None)
        else:
            current[name] = value
    if current:
        edits[key] = current
    else:
        edits.pop(key, None)
    trial = ImportDraft(catalog=draft.catalog, set_edits=edits)
    parsed = parse_catalog(effective_catalog(trial))
    problems = [
        i
        for i in parsed.errors
        if i.path.startswith(f"programs[{program}].prescribed_sets[{index}]")
    ] or parsed.errors
    if problems:
        raise DraftError("; ".join(str(i) for i in problems[:3]))
    draft.set_edits = edits
    draft.updated_at = timezone.now()
    draft.save(update_fields=["set_edits", "updated_at"])
    return {**original, **current}


def import_draft_approve(*, draft: ImportDraft, by: Any) -> ImportResult:
    """Import the draft. Idempotent: approving an approved draft returns its recorded result
    and writes nothing. Raises CatalogImportError (nothing written) while names are unresolved."""
    with transaction.atomic():
        locked = ImportDraft.objects.select_for_update().get(pk=draft.pk)
        if locked.status == ImportStatus.APPROVED:
            return ImportResult.from_dict(locked.result)
        if locked.status == ImportStatus.DISCARDED:
            raise DraftError("This import was discarded; upload the file again.")
        catalog = _catalog_of(locked)
        proposal = _proposal(locked, catalog)
        decisions = proposal.decide(locked.mapping)
        if not decisions.complete:
            raise CatalogImportError(decisions.unresolved)
        result = catalog_import(
            catalog=catalog,
            mapping=decisions,
            athlete=locked.athlete,
            library_coach=locked.library_coach,
            by=by,
        )
        locked.status = ImportStatus.APPROVED
        locked.result = {**result.as_dict(), "decisions": decisions.as_dict()}
        locked.approved_by = by
        locked.approved_at = timezone.now()
        locked.updated_at = locked.approved_at
        locked.save(update_fields=["status", "result", "approved_by", "approved_at", "updated_at"])
    draft.refresh_from_db()
    return result


def import_draft_discard(*, draft: ImportDraft, by: Any) -> None:
    with transaction.atomic():
        locked = ImportDraft.objects.select_for_update().get(pk=draft.pk)
        if locked.status == ImportStatus.DISCARDED:
            return
        if locked.status == ImportStatus.APPROVED:
            raise DraftError("This import was approved already; it cannot be discarded.")
        locked.status = ImportStatus.DISCARDED
        locked.updated_at = timezone.now()
        locked.save(update_fields=["status", "updated_at"])
    logger.info("import draft %s discarded by %s", draft.pk, getattr(by, "pk", None))
    draft.refresh_from_db()
