from __future__ import annotations

from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = "Catalog and programs"
    default_auto_field = "django.db.models.BigAutoField"
