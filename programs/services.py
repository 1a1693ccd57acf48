"""Writes of the catalog app: the catalog import (THE way programs enter) and import drafts."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import asdict, dataclass, field
from typing import Any

from django.apps import apps
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.utils import timezone

from programs.access import catalog_owner, is_admin
from programs.catalog.matching import NEW, Decisions
from programs.catalog.parse import catalog_to_data, parse_catalog
from programs.catalog.schema import PROGRAM_NAME_MAX, Catalog
from programs.models import (
    Equipment,
    Exercise,
    ExerciseEquipment,
    PrescribedSet,
    ProgramTemplate,
    ProgressionRule,
    owned_by,
    program_scope,
)

logger = logging.getLogger(__name__)


class CatalogImportError(Exception):
    """The import cannot run; `messages` say why, in words for the coach. Nothing was written."""

    def __init__(self, messages: list[str]) -> None:
        self.messages = list(messages)
        super().__init__("; ".join(self.messages))


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
    library_coach: Any = None,
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
    ends with reason "replaced" (with `role="supplemental"` it runs beside it instead). With
    `library_coach`, the programs go into that coach's library, assigned to nobody. New
    exercises and equipment belong to the athlete's or library's coach (or `owner_id`, or the
    coach `by`); only an admin's import for neither creates global ones.
    Raises CatalogImportError — and writes nothing — when anything is unresolved or the
    database changed under us.
    """
    if athlete is not None and library_coach is not None:
        raise CatalogImportError(["An import goes to one athlete or to a library, not both."])
    if athlete is None and library_coach is None and by is not None and not is_admin(by):
        library_coach = by  # only admins fill the global catalog: a coach's import is theirs
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
            owner = owner_id
            if owner is None:
                owner = catalog_owner(athlete=athlete, by=by, library_coach=library_coach)
            library_id = getattr(library_coach, "pk", library_coach)
            result = _import(
                cat,
                mapping,
                Target(athlete, library_id, start_date or _today(), cycle_goal, role),
                owner,
            )
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


@dataclass(frozen=True)
class Target:
    """Where the programs go: an athlete (assigned from `start_date`), a coach's library, or the
    global catalog."""

    athlete: Any
    library_coach_id: int | None
    start_date: dt.date
    cycle_goal: str
    role: str

    @property
    def scope(self) -> Q:
        return program_scope(
            athlete_id=getattr(self.athlete, "pk", None), library_coach_id=self.library_coach_id
        )


def _import(cat: Catalog, mapping: Decisions, target: Target, owner_id: int | None) -> ImportResult:
    athlete = target.athlete
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
    scope = ProgramTemplate.objects.filter(target.scope)
    replace_ids = [int(d["replace_id"]) for d in mapping.programs if d.get("action") == "replace"]
    if replace_ids:
        _replace_programs(scope, replace_ids, target.start_date)
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
            owner_id=getattr(athlete, "pk", None),
            coach_id=target.library_coach_id if athlete is None else None,
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
        result.assignment_id = _assign(
            athlete, templates[0], target.start_date, target.cycle_goal, target.role
        )
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
                [
                    f"{row.name!r} is an athlete's active program and cannot be replaced; "
                    "rename the new one"
                ]
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
