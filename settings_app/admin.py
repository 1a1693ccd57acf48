from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from settings_app.models import AppSetting
from settings_app.registry import BY_KEY


@admin.register(AppSetting)
class AppSettingAdmin(admin.ModelAdmin[AppSetting]):
    """A read-only audit list: who changed what, when. Values are edited on the settings page,
    which validates them and encrypts secrets; the encrypted column is never shown."""

    list_display = ("key", "category", "shown_value", "updated_at", "updated_by")
    list_filter = ("updated_at",)
    search_fields = ("key",)
    fields = ("key", "category", "shown_value", "updated_at", "updated_by", "edit_link")
    readonly_fields = fields
    ordering = ("key",)

    @admin.display(description="category")
    def category(self, obj: AppSetting) -> str:
        setting = BY_KEY.get(obj.key)
        return setting.category if setting else "(no longer in the registry)"

    @admin.display(description="value")
    def shown_value(self, obj: AppSetting) -> str:
        if obj.is_encrypted:
            return "•••••••• (encrypted)"
        return obj.value if len(obj.value) <= 80 else obj.value[:79] + "…"

    @admin.display(description="edit")
    def edit_link(self, obj: AppSetting) -> SafeString:
        return format_html(
            '<a href="{}">Edit on the settings page</a>', reverse("settings_app:page")
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AppSetting | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AppSetting | None = None) -> bool:
        return False
