from __future__ import annotations

from django.contrib import admin

from generation.feedback.models import LearnedPreference


@admin.register(LearnedPreference)
class LearnedPreferenceAdmin(admin.ModelAdmin):
    list_display = ("athlete", "kind", "subject", "detail", "count", "recent", "cleared")
    list_filter = ("kind", "cleared")
    list_select_related = ("athlete",)
    search_fields = ("athlete__name", "subject", "detail")
    readonly_fields = ("runs", "first_seen", "last_seen", "cleared_at")
