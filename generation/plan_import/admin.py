from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from generation.plan_import.models import PlanImportLog


@admin.register(PlanImportLog)
class PlanImportLogAdmin(admin.ModelAdmin[PlanImportLog]):
    """Read-only: the log is a record of what was parsed, for the metrics page and support."""

    list_display = (
        "id",
        "owner",
        "athlete",
        "parser",
        "used_llm",
        "ok",
        "lines_total",
        "lines_unparsed",
        "sets",
        "duration_ms",
        "tokens_in",
        "tokens_out",
        "cost_usd",
        "created_at",
    )
    list_filter = ("ok", "parser", "used_llm", "created_at")
    search_fields = ("owner__username", "athlete__name", "raw_text")
    list_select_related = ("owner", "athlete")
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: PlanImportLog | None = None) -> bool:
        return False
