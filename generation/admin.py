from __future__ import annotations

import json
from typing import Any

from django.contrib import admin
from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.html import format_html

from generation.models import GenerationRun, SessionAdjustment

MONTHS_SHOWN = 12

# The plan import log's admin lives with its app module; importing it registers it.
from generation.feedback import admin as _feedback_admin  # noqa: E402, F401
from generation.plan_import import admin as _plan_import_admin  # noqa: E402, F401


@admin.register(GenerationRun)
class GenerationRunAdmin(admin.ModelAdmin[GenerationRun]):
    change_list_template = "admin/generation/generationrun/change_list.html"
    list_display = (
        "id",
        "athlete",
        "program",
        "status",
        "engine_used",
        "model",
        "tokens_in",
        "tokens_out",
        "cost_usd",
        "duration_s",
        "requested_by_name",
        "created_at",
    )
    list_filter = ("status", "engine_used", "engine_requested", "model", "created_at")
    search_fields = ("athlete__name", "batch_id")
    date_hierarchy = "created_at"
    list_select_related = ("athlete", "requested_by")
    ordering = ("-created_at",)
    readonly_fields = (
        "requested_by_name",
        "decided_by_name",
        "pretty_packet",
        "pretty_prompt",
        "pretty_draft",
        "pretty_edited",
    )
    exclude = ("packet", "prompt", "draft", "edited", "requested_by", "decided_by")

    @admin.display(description="requested by", ordering="requested_by__last_name")
    def requested_by_name(self, obj: GenerationRun) -> str:
        # The username says who logs in, not who the coach is (as the athletes admin does).
        user = obj.requested_by
        return (user.get_full_name() or user.username) if user is not None else "—"

    @admin.display(description="decided by")
    def decided_by_name(self, obj: GenerationRun) -> str:
        user = obj.decided_by
        return (user.get_full_name() or user.username) if user is not None else "—"

    @admin.display(description="program")
    def program(self, obj: GenerationRun) -> str:
        return obj.program_name

    def _pretty(self, value: object) -> str:
        if value in (None, [], {}):
            return "—"
        return format_html("<pre>{}</pre>", json.dumps(value, indent=2, ensure_ascii=False))

    @admin.display(description="packet snapshot")
    def pretty_packet(self, obj: GenerationRun) -> str:
        return self._pretty(obj.packet)

    @admin.display(description="prompt")
    def pretty_prompt(self, obj: GenerationRun) -> str:
        return self._pretty(obj.prompt)

    @admin.display(description="draft (CatalogJSON)")
    def pretty_draft(self, obj: GenerationRun) -> str:
        return self._pretty(obj.draft)

    @admin.display(description="edited by the coach")
    def pretty_edited(self, obj: GenerationRun) -> str:
        return self._pretty(obj.edited)

    # The history is an audit record: it is read here, never edited or created by hand.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[GenerationRun]:
        return super().get_queryset(request).defer("packet", "prompt", "raw_response", "edited")

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().changelist_view(request, extra_context=extra_context)
        if isinstance(response, TemplateResponse) and response.context_data is not None:
            changelist = response.context_data.get("cl")
            base = changelist.queryset if changelist is not None else GenerationRun.objects.all()
            response.context_data["monthly_totals"] = monthly_totals(base)
        return response


def monthly_totals(queryset: QuerySet[GenerationRun]) -> list[dict[str, Any]]:
    """Runs, tokens and cost per calendar month, newest first (follows the changelist filters)."""
    rows = (
        queryset.order_by()
        .annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(
            runs=Count("pk"),
            tokens_in=Sum("tokens_in"),
            tokens_out=Sum("tokens_out"),
            cost=Sum("cost_usd"),
        )
        .order_by("-month")
    )
    return [dict(row) for row in rows[:MONTHS_SHOWN]]


@admin.register(SessionAdjustment)
class SessionAdjustmentAdmin(admin.ModelAdmin[SessionAdjustment]):
    list_display = (
        "athlete",
        "date",
        "strategy_used",
        "status",
        "workout",
        "tokens_in",
        "cost_usd",
    )
    list_filter = ("strategy_used", "status", "date")
    search_fields = ("athlete__name",)
    list_select_related = ("athlete", "workout")
    date_hierarchy = "date"
    # A record of what was suggested: read-only, like the generation runs.
    readonly_fields = tuple(f.name for f in SessionAdjustment._meta.fields)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
