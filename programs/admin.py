from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse

from programs.catalog.export import catalog_export, dumps
from programs.models import (
    Equipment,
    Exercise,
    ExerciseEquipment,
    ImportDraft,
    PrescribedSet,
    ProgramTemplate,
    ProgressionRule,
    global_programs,
)
from programs.promote import equipment_promote, exercise_promote
from replog.forms import NameFieldsAdmin


@admin.action(description="Make global (merging rows of the same name)")
def promote_to_global(
    modeladmin: admin.ModelAdmin[Any], request: HttpRequest, queryset: QuerySet[Any]
) -> None:
    done: set[int] = set()
    promoted = 0
    for row in queryset.order_by("pk"):
        if row.pk in done:
            continue
        if isinstance(row, Exercise):
            kept: Any = exercise_promote(exercise=row, by=request.user)
        else:
            kept = equipment_promote(equipment=row, by=request.user)
        # Rows of the same name were merged into `kept` (and are gone): skip them.
        done |= {r.pk for r in queryset.model.objects.filter(name__iexact=kept.name)}
        done.add(row.pk)
        promoted += 1
    modeladmin.message_user(
        request, f"{promoted} made global; rows of the same name were merged into them."
    )


@admin.register(Equipment)
class EquipmentAdmin(NameFieldsAdmin, admin.ModelAdmin):
    list_display = ["name", "owner", "description", "exercise_count"]
    list_filter = [("owner", admin.EmptyFieldListFilter)]
    search_fields = ["name", "description"]
    actions = [promote_to_global]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Equipment]:
        return super().get_queryset(request).annotate(n_exercises=Count("exercise_links"))

    @admin.display(description="exercises", ordering="n_exercises")
    def exercise_count(self, obj: Any) -> int:
        return int(obj.n_exercises)


class ExerciseEquipmentInline(admin.TabularInline):
    model = ExerciseEquipment
    extra = 0
    autocomplete_fields = ["equipment"]


@admin.register(Exercise)
class ExerciseAdmin(NameFieldsAdmin, admin.ModelAdmin):
    list_display = ["name", "owner", "movement_pattern", "tier", "featured", "rest_seconds"]
    list_filter = [
        ("owner", admin.EmptyFieldListFilter),
        "movement_pattern",
        "tier",
        "featured",
        "equipment_links__equipment",
    ]
    search_fields = ["name", "aliases", "form_notes"]
    actions = [promote_to_global]
    inlines = [ExerciseEquipmentInline]


class PrescribedSetInline(admin.TabularInline):
    model = PrescribedSet
    extra = 0
    autocomplete_fields = ["exercise"]
    fields = [
        "week",
        "day",
        "sort_order",
        "exercise",
        "set_number",
        "reps",
        "rep_type",
        "percentage",
        "absolute_weight",
        "target_rpe",
        "notes",
    ]
    ordering = ["week", "day", "sort_order", "set_number"]


class ProgressionRuleInline(admin.TabularInline):
    model = ProgressionRule
    extra = 0
    autocomplete_fields = ["exercise"]


@admin.action(description="Export selected programs as CatalogJSON")
def export_programs(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[ProgramTemplate]
) -> HttpResponse:
    response = HttpResponse(
        dumps(catalog_export(programs=queryset)), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="replog-programs.json"'
    return response


class OwnerFilter(admin.SimpleListFilter):
    title = "owner"
    parameter_name = "scope"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            ("global", "Global catalog"),
            ("library", "A coach's library"),
            ("athlete", "An athlete's own"),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "global":
            return queryset.filter(global_programs())
        if self.value() == "library":
            return queryset.filter(coach__isnull=False)
        if self.value() == "athlete":
            return queryset.filter(owner__isnull=False)
        return queryset


@admin.register(ProgramTemplate)
class ProgramTemplateAdmin(NameFieldsAdmin, admin.ModelAdmin):
    list_display = [
        "name",
        "owner",
        "coach",
        "num_weeks",
        "num_days",
        "is_loop",
        "audience",
        "set_count",
    ]
    list_filter = [OwnerFilter, "audience", "is_loop", "num_days"]
    search_fields = ["name", "description", "owner__name", "coach__username", "coach__last_name"]
    list_select_related = ["owner", "coach"]
    raw_id_fields = ["owner", "coach"]
    inlines = [PrescribedSetInline, ProgressionRuleInline]
    actions = [export_programs]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProgramTemplate]:
        return super().get_queryset(request).annotate(n_sets=Count("sets"))

    @admin.display(description="sets", ordering="n_sets")
    def set_count(self, obj: Any) -> int:
        return int(obj.n_sets)


@admin.register(PrescribedSet)
class PrescribedSetAdmin(admin.ModelAdmin):
    list_display = ["template", "week", "day", "exercise", "set_number", "reps", "percentage"]
    list_filter = ["rep_type", "template"]
    search_fields = ["template__name", "exercise__name", "notes"]
    list_select_related = ["template", "exercise"]
    autocomplete_fields = ["exercise"]
    raw_id_fields = ["template"]


@admin.register(ProgressionRule)
class ProgressionRuleAdmin(admin.ModelAdmin):
    list_display = ["template", "exercise", "increment"]
    search_fields = ["template__name", "exercise__name"]
    list_select_related = ["template", "exercise"]
    autocomplete_fields = ["exercise"]
    raw_id_fields = ["template"]


@admin.register(ImportDraft)
class ImportDraftAdmin(admin.ModelAdmin):
    list_display = [
        "pk",
        "filename",
        "athlete",
        "library_coach",
        "source",
        "status",
        "created_by",
        "created_at",
    ]
    list_filter = ["status", "source"]
    search_fields = ["filename", "athlete__name", "created_by__username"]
    list_select_related = ["athlete", "library_coach", "created_by"]
    raw_id_fields = ["athlete", "library_coach", "created_by", "approved_by"]
    readonly_fields = ["catalog", "warnings", "mapping", "set_edits", "result", "approved_at"]
    date_hierarchy = "created_at"
