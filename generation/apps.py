from __future__ import annotations

from django.apps import AppConfig


class GenerationConfig(AppConfig):
    name = "generation"
    verbose_name = "Program generation"
    default_auto_field = "django.db.models.BigAutoField"
