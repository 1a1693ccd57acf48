from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from athletes.intake_models import IntakeInvite, IntakeSnapshot


@admin.register(IntakeSnapshot)
class IntakeSnapshotAdmin(admin.ModelAdmin):
    """History: a redone intake adds a snapshot, so snapshots are read-only here."""

    list_display = ("athlete", "created_at", "filled_by", "maxes_confirmed_at")
    list_select_related = ("athlete", "filled_by")
    search_fields = ("athlete__name",)
    readonly_fields = ("athlete", "data", "filled_by", "created_at", "maxes_confirmed_at",
                       "maxes_confirmed_by")  # fmt: skip

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(IntakeInvite)
class IntakeInviteAdmin(admin.ModelAdmin):
    list_display = ("athlete", "created_by", "created_at", "expires_at", "used_at")
    list_select_related = ("athlete", "created_by")
    readonly_fields = ("athlete", "created_by", "created_at", "used_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
