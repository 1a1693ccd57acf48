from __future__ import annotations

from django.apps import AppConfig


class AthletesConfig(AppConfig):
    name = "athletes"
    verbose_name = "Athletes and logbook"
    default_auto_field = "django.db.models.BigAutoField"
