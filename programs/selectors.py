"""Reads of the catalog app. Each selector does its own select/prefetch."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from programs.access import (
    drafts_visible_to,
    equipment_visible_to,
    exercises_visible_to,
    programs_visible_to,
)
from programs.catalog.preview import Preview, build_preview
from programs.drafts import effective_catalog
from programs.models import (
    Equipment,
    Exercise,
    ExerciseEquipment,
    ImportDraft,
    ProgramTemplate,
)

EXERCISE_PAGE_LIMIT = 500


def exercise_list(
    *, user: Any, query: str = "", pattern: str = "", equipment_id: int | None = None
) -> QuerySet[Exercise]:
    qs = exercises_visible_to(user).prefetch_related(
        Prefetch(
            "equipment_links",
            queryset=ExerciseEquipment.objects.select_related("equipment").order_by(
                "equipment__name"
            ),
        )
    )
    if query:
        # Aliases are a JSON list; a text search over it finds "DB Bench" too.
        qs = qs.filter(Q(name__icontains=query) | Q(aliases__icontains=query))
    if pattern:
        qs = qs.filter(movement_pattern=pattern)
    if equipment_id:
        qs = qs.filter(equipment_links__equipment_id=equipment_id)
    return qs.order_by("name").distinct()[:EXERCISE_PAGE_LIMIT]


def equipment_all(*, user: Any) -> QuerySet[Equipment]:
    return equipment_visible_to(user).order_by("name")


def exercise_detail(*, pk: int, user: Any) -> tuple[Exercise, list[ProgramTemplate]]:
    exercise = (
        exercises_visible_to(user)
        .prefetch_related(
            Prefetch(
                "equipment_links",
                queryset=ExerciseEquipment.objects.select_related("equipment").order_by(
                    "equipment__name"
                ),
            )
        )
        .filter(pk=pk)
        .get()
    )
    programs = list(
        programs_visible_to(user)
        .filter(sets__exercise=exercise)
        .select_related("owner")
        .distinct()
        .order_by("name")[:50]
    )
    return exercise, programs


def program_list(*, user: Any, query: str = "") -> QuerySet[ProgramTemplate]:
    qs = (
        programs_visible_to(user)
        .select_related("owner", "coach")
        .annotate(set_count=Count("sets", distinct=True))
        .order_by("owner_id", "coach_id", "name")
    )
    if query:
        qs = qs.filter(name__icontains=query)
    return qs


def draft_for_user(*, pk: int, user: Any) -> ImportDraft:
    return (
        drafts_visible_to(user).select_related("athlete", "library_coach", "created_by").get(pk=pk)
    )


def drafts_recent(*, user: Any, limit: int = 10) -> list[ImportDraft]:
    return list(
        drafts_visible_to(user)
        .select_related("athlete", "library_coach", "created_by")
        .order_by("-created_at")[:limit]
    )


def draft_preview(draft: ImportDraft) -> Preview:
    edits = {k: v for k, v in (draft.set_edits or {}).items() if isinstance(v, dict)}
    return build_preview(
        data=effective_catalog(draft),
        overrides=draft.mapping or {},
        edited=edits,
        stored_warnings=draft.warnings or [],
        athlete_id=draft.athlete_id,
        library_coach_id=draft.library_coach_id,
    )
