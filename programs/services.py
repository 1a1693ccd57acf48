"""Writes of the catalog app: the catalog import (THE way programs enter) and import drafts."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.utils import timezone

from programs.access import catalog_owner
from programs.catalog.matching import NEW, Decisions, propose_mapping
from programs.catalog.parse import Issue, ParseResult, catalog_to_data, json_number, parse_catalog
from programs.catalog.schema import PROGRAM_NAME_MAX, SET_NOTES_MAX, Catalog
from programs.models import (
    Equipment,
    Exercise,
    ExerciseEquipment,
    ImportDraft,
    ImportSource,
    ImportStatus,
    PrescribedSet,
    ProgramTemplate,
    ProgressionRule,
    owned_by,
)
from replog.jsondata import copy_json

logger = logging.getLogger(__name__)


class CatalogImportError(Exception):
    """The import cannot run; `messages` say why, in words for the coach. Nothing was written."""

    def __init__(self, messages: list[str]) -> None:
        self.messages = list(messages)
        super().__init__("; ".join(self.messages))


class DraftError(Exception):
    """An import-draft action that is not allowed (closed draft, bad choice); a user message."""


@dataclass
class ImportResult:
    equipment_created: int = 0
    equipment_reused: int = 0
    exercises_created: int = 0
    exercises_reused: int = 0
    links_created: int = 0
    programs_created: int = 0
    programs_replaced: int = 0
    sets_created: int = 0
    rules_created: int = 0
    template_ids: list[int] = field(default_factory=list)
    athlete_id: int | None = None
    assignment_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImportResult:
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})

    def lines(self) -> list[str]:
        return [
            f"Equipment: {self.equipment_created} created, {self.equipment_reused} already there",
            f"Exercises: {self.exercises_created} created, {self.exercises_reused} already there",
            f"Programs: {self.programs_created} created"
            + (
                f" ({self.programs_replaced} replacing older ones)"
                if self.programs_replaced
                else ""
            ),
            f"Sets: {self.sets_created}; progression rules: {self.rules_created}",
        ]


# --- the import -------------------------------------------------------------------------------


def _validated(catalog: Catalog | dict[str, Any]) -> Catalog:
    # A Catalog instance is re-checked too: only parse_catalog applies the cross-field rules and
    # the percentage unit, and the import must never trust its caller on that.
    data = catalog_to_data(catalog) if isinstance(catalog, Catalog) else catalog
    parsed = parse_catalog(data)
    if not parsed.ok or parsed.catalog is None:
        raise CatalogImportError([str(issue) for issue in parsed.errors])
    return parsed.catalog


def _resolve(
    kind: str, decisions: dict[str, str], declared: set[str], needed: set[str]
) -> tuple[dict[str, int], set[str], list[str]]:
    """key → existing id for mapped names; the set of keys to create; problems."""
    existing: dict[str, int] = {}
    create: set[str] = set()
    problems: list[str] = []
    for key in needed:
        value = decisions.get(key)
        if isinstance(value, str) and value.startswith("file:"):
            target = value[5:]
            if key in declared or target not in declared:
                problems.append(f"{kind} {key!r}: invalid mapping {value!r}")
                continue
            value = decisions.get(target)
            if not isinstance(value, str) or value.startswith("file:"):
                problems.append(f"{kind} {key!r}: {target!r} has no decision")
                continue
            if value == NEW:
                # Resolved below, once the declared row exists.
                continue
        if value == NEW:
            create.add(key)
        elif isinstance(value, str) and value.startswith("db:") and value[3:].isdigit():
            existing[key] = int(value[3:])
        else:
            problems.append(f"{kind} {key!r} is not mapped to anything")
    return existing, create, problems


def _today() -> dt.date:
    return timezone.localdate()


def catalog_import(
    *,
    catalog: Catalog | dict[str, Any],
    mapping: Decisions,
    athlete: Any = None,
    by: Any = None,
    start_date: dt.date | None = None,
    cycle_goal: str = "",
    role: str = "primary",
    owner_id: int | None = None,
) -> ImportResult:
    """Write a validated catalog in one transaction, with bulk inserts.

    `mapping` comes from `MappingProposal.decide`. Existing equipment and exercises are reused
    as they are; new ones are created with the file's attributes. With `athlete`, the (single)
    program is owned by that athlete and becomes their active primary program; the previous one
    ends with reason "replaced" (with `role="supplemental"` it runs beside it instead). New
    exercises and equipment belong to the athlete's coach (or `owner_id`, or the coach `by`);
    only an admin's import without an athlete creates global ones.
    Raises CatalogImportError — and writes nothing — when anything is unresolved or the
    database changed under us.
    """
    cat = _validated(catalog)
    if not mapping.complete:
        raise CatalogImportError(mapping.unresolved)
    if athlete is not None and len(cat.programs) != 1:
        raise CatalogImportError(
            [
                "An import for one athlete must hold exactly one program; this one has "
                f"{len(cat.programs)}."
            ]
        )
    if len(mapping.programs) != len(cat.programs):
        raise CatalogImportError(["The program decisions do not match the catalog's programs."])
    try:
        with transaction.atomic():
            owner = owner_id if owner_id is not None else catalog_owner(athlete=athlete, by=by)
            result = _import(cat, mapping, athlete, start_date or _today(), cycle_goal, owner, role)
    except IntegrityError as exc:
        logger.warning("catalog import hit an integrity error: %s", exc)
        raise CatalogImportError(
            [
                "The catalog changed while importing (a name was taken in the meantime). "
                "Nothing was imported; reload the preview and try again."
            ]
        ) from exc
    logger.info(
        "catalog import by %s: %s",
        getattr(by, "pk", None),
        "; ".join(result.lines()),
    )
    return result


def _import(
    cat: Catalog,
    mapping: Decisions,
    athlete: Any,
    start_date: dt.date,
    cycle_goal: str,
    owner_id: int | None,
    role: str = "primary",
) -> ImportResult:
    result = ImportResult(athlete_id=getattr(athlete, "pk", None))

    # Equipment ------------------------------------------------------------------------------
    eq_declared = {eq.name.casefold(): eq for eq in cat.equipment}
    eq_needed = set(eq_declared) | {
        link.name.casefold() for ex in cat.exercises for link in ex.equipment
    }
    eq_ids, eq_create, problems = _resolve(
        "equipment", mapping.equipment, set(eq_declared), eq_needed
    )
    ex_declared = {ex.name.casefold(): ex for ex in cat.exercises}
    ex_needed = set(ex_declared) | {
        name.casefold()
        for program in cat.programs
        for name in [s.exercise for s in program.prescribed_sets]
        + [r.exercise for r in program.progression_rules]
    }
    ex_ids, ex_create, more = _resolve("exercise", mapping.exercise, set(ex_declared), ex_needed)
    problems += more
    if problems:
        raise CatalogImportError(problems)

    # Only rows this catalog may use: a decision naming another coach's row "no longer exists".
    usable = owned_by(owner_id)
    found = set(
        Equipment.objects.filter(usable, pk__in=set(eq_ids.values())).values_list("pk", flat=True)
    )
    missing = [k for k, pk in eq_ids.items() if pk not in found]
    found = set(
        Exercise.objects.filter(usable, pk__in=set(ex_ids.values())).values_list("pk", flat=True)
    )
    missing += [k for k, pk in ex_ids.items() if pk not in found]
    if missing:
        raise CatalogImportError(
            [f"{name!r} was mapped to a catalog entry that no longer exists" for name in missing]
        )
    result.equipment_reused = len(set(eq_ids.values()))
    result.exercises_reused = len(set(ex_ids.values()))

    new_equipment = []
    for key in sorted(eq_create):
        item = eq_declared.get(key)
        name = item.name if item else _first_spelling_equipment(cat, key)
        description = item.description if item else ""
        new_equipment.append(Equipment(name=name, description=description, owner_id=owner_id))
    for row in Equipment.objects.bulk_create(new_equipment):
        eq_ids[row.name.casefold()] = row.pk
    result.equipment_created = len(new_equipment)
    for key in eq_needed - set(eq_ids):  # file:<declared> chains that pointed at a new row
        eq_ids[key] = eq_ids[mapping.equipment[key][5:]]

    # Exercises ------------------------------------------------------------------------------
    new_exercises = []
    for key in sorted(ex_create):
        ex = ex_declared.get(key)
        if ex is None:
            new_exercises.append(
                Exercise(name=_first_spelling_exercise(cat, key), owner_id=owner_id)
            )
            continue
        new_exercises.append(
            Exercise(
                name=ex.name,
                tier=ex.tier or "",
                form_notes=ex.form_notes,
                demo_url=ex.demo_url,
                rest_seconds=ex.rest_seconds,
                featured=ex.featured,
                aliases=list(ex.aliases),
                movement_pattern=ex.movement_pattern or "",
                primary_muscles=list(ex.primary_muscles),
                secondary_muscles=list(ex.secondary_muscles),
                owner_id=owner_id,
            )
        )
    links = []
    for created in Exercise.objects.bulk_create(new_exercises):
        ex_ids[created.name.casefold()] = created.pk
        declared = ex_declared.get(created.name.casefold())
        for link in declared.equipment if declared else ():
            links.append(
                ExerciseEquipment(
                    exercise_id=created.pk,
                    equipment_id=eq_ids[link.name.casefold()],
                    optional=link.optional,
                )
            )
    ExerciseEquipment.objects.bulk_create(links)
    result.exercises_created = len(new_exercises)
    result.links_created = len(links)
    for key in ex_needed - set(ex_ids):
        ex_ids[key] = ex_ids[mapping.exercise[key][5:]]

    # Programs -------------------------------------------------------------------------------
    owner_id = getattr(athlete, "pk", None)
    scope = ProgramTemplate.objects.filter(
        Q(owner_id=owner_id) if owner_id is not None else Q(owner__isnull=True)
    )
    replace_ids = [int(d["replace_id"]) for d in mapping.programs if d.get("action") == "replace"]
    if replace_ids:
        _replace_programs(scope, replace_ids, start_date)
        result.programs_replaced = len(replace_ids)
    final_names = [str(d["name"]) for d in mapping.programs]
    taken = {
        name.casefold()
        for name in scope.annotate(lname=Lower("name"))
        .filter(lname__in=[n.lower() for n in final_names])
        .values_list("name", flat=True)
    }
    clashing = [n for n in final_names if n.casefold() in taken]
    if clashing:
        raise CatalogImportError(
            [f"A program named {n!r} exists already; rename it in the preview" for n in clashing]
        )

    templates = [
        ProgramTemplate(
            name=final_names[i],
            description=program.description,
            num_weeks=program.num_weeks,
            num_days=program.num_days,
            is_loop=program.is_loop,
            audience=program.audience or "",
            owner_id=owner_id,
            weeks=[w.model_dump() for w in program.weeks],
        )
        for i, program in enumerate(cat.programs)
    ]
    ProgramTemplate.objects.bulk_create(templates)
    sets: list[PrescribedSet] = []
    rules: list[ProgressionRule] = []
    for template, program in zip(templates, cat.programs, strict=True):
        for st in program.prescribed_sets:
            sets.append(
                PrescribedSet(
                    template_id=template.pk,
                    exercise_id=ex_ids[st.exercise.casefold()],
                    week=st.week,
                    day=st.day,
                    set_number=st.set_number,
                    reps=st.reps,
                    rep_type=st.rep_type,
                    percentage=st.percentage,
                    absolute_weight=st.absolute_weight,
                    sort_order=st.sort_order,
                    notes=st.notes,
                    target_rpe=st.target_rpe,
                )
            )
        for rule in program.progression_rules:
            rules.append(
                ProgressionRule(
                    template_id=template.pk,
                    exercise_id=ex_ids[rule.exercise.casefold()],
                    increment=rule.increment,
                )
            )
    PrescribedSet.objects.bulk_create(sets)
    ProgressionRule.objects.bulk_create(rules)
    result.programs_created = len(templates)
    result.sets_created = len(sets)
    result.rules_created = len(rules)
    result.template_ids = [t.pk for t in templates]

    if athlete is not None:
        result.assignment_id = _assign(athlete, templates[0], start_date, cycle_goal, role)
    return result


def _first_spelling_exercise(cat: Catalog, key: str) -> str:
    for program in cat.programs:
        for name in [s.exercise for s in program.prescribed_sets] + [
            r.exercise for r in program.progression_rules
        ]:
            if name.casefold() == key:
                return name
    return key


def _first_spelling_equipment(cat: Catalog, key: str) -> str:
    for ex in cat.exercises:
        for link in ex.equipment:
            if link.name.casefold() == key:
                return link.name
    return key


def _replace_programs(scope: Any, ids: list[int], today: dt.date) -> None:
    rows = list(
        scope.filter(pk__in=ids).annotate(
            n_assignments=Count("assignments", distinct=True),
            n_active=Count(
                "assignments",
                filter=Q(assignments__is_active=True, assignments__role="primary"),
                distinct=True,
            ),
        )
    )
    if len(rows) != len(set(ids)):
        raise CatalogImportError(["A program chosen for replacement no longer exists."])
    for row in rows:
        if row.n_active:
            raise CatalogImportError(
                [f"{row.name!r} is the athlete's active program and cannot be replaced; rename"]
            )
    unused = [row.pk for row in rows if not row.n_assignments]
    if unused:
        ProgramTemplate.objects.filter(pk__in=unused).delete()
    for row in rows:
        if row.n_assignments:
            # It has history: keep it, out of the way of the new program's name.
            suffix = f" (replaced {today.isoformat()})"
            row.name = row.name[: PROGRAM_NAME_MAX - len(suffix)] + suffix
            row.save(update_fields=["name"])


def _assign(
    athlete: Any, template: ProgramTemplate, start_date: dt.date, cycle_goal: str, role: str
) -> int:
    # The catalog never imports athlete code: the assignment model is looked up by name.
    athlete_program = apps.get_model("athletes", "AthleteProgram")
    if role == "primary":
        athlete_program.objects.filter(athlete=athlete, is_active=True, role="primary").update(
            is_active=False, ended_on=start_date, end_reason="replaced"
        )
    assignment = athlete_program.objects.create(
        athlete=athlete,
        template=template,
        start_date=start_date,
        is_active=True,
        role=role,
        cycle_goal=cycle_goal,
    )
    return int(assignment.pk)


# --- import drafts ----------------------------------------------------------------------------

EDITABLE_SET_FIELDS = ("reps", "percentage", "absolute_weight", "target_rpe", "notes")


def import_draft_create(
    *,
    raw: bytes | str | dict[str, Any],
    by: Any,
    athlete: Any = None,
    filename: str = "",
    source: str = ImportSource.UPLOAD,
    strict: bool = False,
    lines: list[dict[str, Any]] | None = None,
) -> tuple[ImportDraft | None, ParseResult]:
    """Parse and validate; on success store a draft. Returns (draft or None, the parse result
    with every error and warning)."""
    parsed = parse_catalog(raw, strict=strict)
    if not parsed.ok or parsed.catalog is None or parsed.data is None:
        return None, parsed
    if athlete is not None and len(parsed.catalog.programs) != 1:
        parsed.issues.append(
            Issue(
                "programs",
                "an import for one athlete must hold exactly one program; this file has "
                f"{len(parsed.catalog.programs)}",
            )
        )
        return None, parsed
    draft = ImportDraft.objects.create(
        created_by=by,
        athlete=athlete,
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


def import_draft_set_mapping(*, draft: ImportDraft, kind: str, key: str, value: str) -> None:
    """Record the coach's choice for one name: "db:<id>", "file:<key>" or "new"."""
    _open(draft)
    if kind not in ("equipment", "exercise"):
        raise DraftError("Unknown kind of name.")
    proposal = propose_mapping(_catalog_of(draft), athlete_id=draft.athlete_id)
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
    proposal = propose_mapping(catalog, athlete_id=draft.athlete_id)
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
                "Only one of the athlete's own programs that is not their active program "
                "can be replaced; choose a new name instead."
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
        proposal = propose_mapping(catalog, athlete_id=locked.athlete_id)
        decisions = proposal.decide(locked.mapping)
        if not decisions.complete:
            raise CatalogImportError(decisions.unresolved)
        result = catalog_import(catalog=catalog, mapping=decisions, athlete=locked.athlete, by=by)
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
