"""CatalogJSON out: the whole global catalog, or chosen programs with what they need.

Lossless for everything RepLog stores (audience, aliases, movement patterns, target RPE, week
types, rest, featured, optional equipment), written as version 1.1 — a superset of the Go app's
1.0, which ignores the keys it does not know. Ordering is by name (not id), so an export →
import → export round trip gives the same document.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.text import slugify

from programs.catalog.parse import json_number
from programs.catalog.schema import WRITE_VERSION
from programs.models import (
    Equipment,
    Exercise,
    ExerciseEquipment,
    PrescribedSet,
    ProgramTemplate,
    ProgressionRule,
    global_programs,
)


def _blank_none(text: str) -> str | None:
    return text or None


def _num(value: Any) -> int | float | None:
    return None if value is None else json_number(value)


def _equipment(eq: Equipment) -> dict[str, Any]:
    return {"name": eq.name, "description": _blank_none(eq.description)}


def _exercise(ex: Exercise) -> dict[str, Any]:
    links = sorted(ex.equipment_links.all(), key=lambda link: link.equipment.name.casefold())
    return {
        "name": ex.name,
        "tier": ex.tier or None,
        "form_notes": _blank_none(ex.form_notes),
        "demo_url": _blank_none(ex.demo_url),
        "rest_seconds": ex.rest_seconds,
        "featured": ex.featured,
        "equipment": [{"name": link.equipment.name, "optional": link.optional} for link in links],
        "aliases": list(ex.aliases or []),
        "movement_pattern": ex.movement_pattern or None,
        "primary_muscles": list(ex.primary_muscles or []),
        "secondary_muscles": list(ex.secondary_muscles or []),
    }


def _set(ps: PrescribedSet) -> dict[str, Any]:
    return {
        "exercise": ps.exercise.name,
        "week": ps.week,
        "day": ps.day,
        "set_number": ps.set_number,
        "reps": ps.reps,
        "rep_type": ps.rep_type,
        "percentage": _num(ps.percentage),
        "absolute_weight": _num(ps.absolute_weight),
        "sort_order": ps.sort_order,
        "notes": _blank_none(ps.notes),
        "target_rpe": _num(ps.target_rpe),
    }


def _program(template: ProgramTemplate) -> dict[str, Any]:
    sets = sorted(
        template.sets.all(),
        key=lambda s: (s.week, s.day, s.sort_order, s.exercise.name.casefold(), s.set_number),
    )
    rules = sorted(template.progression_rules.all(), key=lambda r: r.exercise.name.casefold())
    return {
        "name": template.name,
        "description": _blank_none(template.description),
        "num_weeks": template.num_weeks,
        "num_days": template.num_days,
        "is_loop": template.is_loop,
        "audience": template.audience or None,
        "prescribed_sets": [_set(s) for s in sets],
        "progression_rules": [
            {"exercise": r.exercise.name, "increment": json_number(r.increment)} for r in rules
        ],
        "weeks": [
            {
                "week": w.get("week"),
                "week_type": w.get("week_type") or None,
                "coach_notes": w.get("coach_notes") or None,
            }
            for w in sorted(template.weeks or [], key=lambda w: w.get("week", 0))
            if isinstance(w, dict)
        ],
    }


def _programs_query(programs: Iterable[ProgramTemplate] | QuerySet[ProgramTemplate]) -> list[Any]:
    ids = [p.pk for p in programs]
    return list(
        ProgramTemplate.objects.filter(pk__in=ids).prefetch_related(
            Prefetch("sets", queryset=PrescribedSet.objects.select_related("exercise")),
            Prefetch(
                "progression_rules", queryset=ProgressionRule.objects.select_related("exercise")
            ),
        )
    )


def catalog_export(
    *,
    programs: Iterable[ProgramTemplate] | QuerySet[ProgramTemplate] | None = None,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """The whole global catalog (programs=None: every global equipment item, exercise and
    program), or the given programs with just the exercises and equipment they use — a
    self-contained file that imports into an empty database."""
    links = Prefetch(
        "equipment_links", queryset=ExerciseEquipment.objects.select_related("equipment")
    )
    if programs is None:
        templates = _programs_query(ProgramTemplate.objects.filter(global_programs()))
        # The global catalog only: a coach's own rows are theirs, not everyone's to download.
        exercises = list(Exercise.objects.filter(owner__isnull=True).prefetch_related(links))
        equipment = list(Equipment.objects.filter(owner__isnull=True))
    else:
        templates = _programs_query(programs)
        used = {s.exercise_id for t in templates for s in t.sets.all()} | {
            r.exercise_id for t in templates for r in t.progression_rules.all()
        }
        exercises = list(Exercise.objects.filter(pk__in=used).prefetch_related(links))
        equipment_ids = {link.equipment_id for ex in exercises for link in ex.equipment_links.all()}
        equipment = list(Equipment.objects.filter(pk__in=equipment_ids))
    stamp = (now or timezone.now()).astimezone(dt.UTC).replace(microsecond=0)
    return {
        "type": "catalog",
        "version": WRITE_VERSION,
        "exported_at": stamp.isoformat().replace("+00:00", "Z"),
        "equipment": [_equipment(e) for e in sorted(equipment, key=lambda e: e.name.casefold())],
        "exercises": [_exercise(e) for e in sorted(exercises, key=lambda e: e.name.casefold())],
        "programs": [_program(t) for t in sorted(templates, key=lambda t: t.name.casefold())],
    }


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def export_filename(program: ProgramTemplate | None = None) -> str:
    if program is None:
        return "replog-catalog.json"
    return f"{slugify(program.name) or f'program-{program.pk}'}.json"


def exercises_export(exercise_ids: Iterable[int]) -> tuple[list[Any], list[Any]]:
    """(equipment, exercises) as CatalogJSON lists: these exercises and the equipment they use,
    for documents that carry exercises without programs (the athlete export)."""
    links = Prefetch(
        "equipment_links", queryset=ExerciseEquipment.objects.select_related("equipment")
    )
    exercises = list(Exercise.objects.filter(pk__in=set(exercise_ids)).prefetch_related(links))
    equipment = {link.equipment for ex in exercises for link in ex.equipment_links.all()}
    return (
        [_equipment(e) for e in sorted(equipment, key=lambda e: e.name.casefold())],
        [_exercise(e) for e in sorted(exercises, key=lambda e: e.name.casefold())],
    )
