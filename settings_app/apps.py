from __future__ import annotations

from django.apps import AppConfig


class SettingsAppConfig(AppConfig):
    name = "settings_app"
    verbose_name = "Application settings"
    default_auto_field = "django.db.models.BigAutoField"
