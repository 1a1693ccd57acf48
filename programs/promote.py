"""An admin makes a coach's own exercise or equipment global.

Every row of that name (the coach's, any other coach's, a global one already there) becomes one
global row: the others are merged into it with every reference moved — prescribed sets, logged
sets, training maxes, progression rules, rehab caps, remembered history names, equipment links,
athlete equipment — and then deleted, in one transaction. References are found through the
model's relations rather than listed, so a table added later that points at an exercise is
moved too (the catalog may not import the logbook's models, and need not).
"""

from __future__ import annotations

import logging
from typing import Any, TypeVar

from django.db import models, transaction
from django.db.models import ForeignKey, ForeignObjectRel
from django.db.models.functions import Lower

from programs.models import Equipment, Exercise

logger = logging.getLogger(__name__)

M = TypeVar("M", Exercise, Equipment)


def exercise_promote(*, exercise: Exercise, by: Any) -> Exercise:
    """`exercise` (or the global one of its name) as the one global exercise of that name.
    The equipment it needs becomes global too, or a global exercise would need equipment other
    coaches cannot see."""
    with transaction.atomic():
        target = _promote(Exercise, exercise, by)
        for link in target.equipment_links.select_related("equipment"):
            if link.equipment.owner_id is not None:
                equipment_promote(equipment=link.equipment, by=by)
        return target


def equipment_promote(*, equipment: Equipment, by: Any) -> Equipment:
    with transaction.atomic():
        return _promote(Equipment, equipment, by)


def _promote(model: type[M], row: M, by: Any) -> M:
    same: list[M] = list(
        model.objects.select_for_update()
        .annotate(key=Lower("name"))
        .filter(key=row.name.lower())
        .order_by("pk")
    )
    # The global row of that name stays (its id is in other coaches' programs); else this one.
    target: M = next((r for r in same if r.owner_id is None), None) or next(
        r for r in same if r.pk == row.pk
    )
    for duplicate in same:
        if duplicate.pk != target.pk:
            _merge(model, duplicate, into=target)
    target.owner = None
    target.save(update_fields=["owner", *(["aliases"] if isinstance(target, Exercise) else [])])
    logger.info(
        "%s %r made global by %s (%d merged)",
        model._meta.model_name,
        target.name,
        getattr(by, "pk", None),
        len(same) - 1,
    )
    return target


def _merge(model: type[M], duplicate: M, *, into: M) -> None:
    for field in _references(model):
        _move(field, duplicate, into)
    if isinstance(duplicate, Exercise) and isinstance(into, Exercise):
        into.aliases = _aliases(into, duplicate)
    duplicate.delete()


def _aliases(keep: Exercise, gone: Exercise) -> list[str]:
    # The merged row's spellings still find the exercise in files and logs.
    out = list(keep.aliases or [])
    seen = {a.casefold() for a in out if isinstance(a, str)} | {keep.name.casefold()}
    for alias in [gone.name, *(gone.aliases or [])]:
        if isinstance(alias, str) and alias.casefold() not in seen:
            out.append(alias)
            seen.add(alias.casefold())
    return out


def _references(model: type[models.Model]) -> list[ForeignKey[Any, Any]]:
    # Hidden relations too: the logbook's related_name="+" keys (rehab caps, name memory).
    return [
        rel.field
        for rel in model._meta.get_fields(include_hidden=True)
        if isinstance(rel, ForeignObjectRel) and isinstance(rel.field, ForeignKey)
    ]


def _move(field: ForeignKey[Any, Any], duplicate: models.Model, into: models.Model) -> None:
    """Point `field` at `into` instead of `duplicate`. A numbered set that clashes (a workout
    with set 1 of both) is numbered after the target's sets: nothing logged is ever lost; any
    other row whose fact `into` already has (the same athlete's equipment, the same link) is
    dropped rather than duplicated."""
    related = field.model
    rows = related._default_manager.filter(**{field.name: duplicate})
    together = _unique_with(related, field.name)
    if not together:
        rows.update(**{field.name: into})
        return
    for row in rows:
        setattr(row, field.name, into)
        for others in together:
            if not _clashes(row, [field.name, *others]):
                continue
            if "set_number" not in others:
                row.delete()
                break
            group = [f for f in [field.name, *others] if f != "set_number"]
            top = _same(row, group).aggregate(top=models.Max("set_number"))["top"] or 0
            row.set_number = int(top) + 1  # type: ignore[attr-defined]
        else:
            row.save()


def _same(row: models.Model, names: list[str]) -> Any:
    meta = row._meta
    # Compare the stored ids (attname), never the related objects: no query per field.
    values = {f: getattr(row, getattr(meta.get_field(f), "attname", f)) for f in names}
    return type(row)._default_manager.filter(**values).exclude(pk=row.pk)


def _clashes(row: models.Model, names: list[str]) -> bool:
    return bool(_same(row, names).exists())


def _unique_with(model: type[models.Model], name: str) -> list[list[str]]:
    """The other fields of each unique rule (by plain fields) that includes `name`."""
    rules = [
        list(c.fields)
        for c in model._meta.constraints
        if isinstance(c, models.UniqueConstraint) and c.fields and c.condition is None
    ]
    rules += [list(t) for t in model._meta.unique_together]
    return [[f for f in rule if f != name] for rule in rules if name in rule]
