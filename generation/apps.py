from __future__ import annotations

import os

from django.apps import AppConfig


class GenerationConfig(AppConfig):
    name = "generation"
    verbose_name = "Program generation"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Long-running processes (web, worker) opt in; one-off commands and tests do not pay.
        if os.environ.get("REPLOG_PRELOAD_LLM", "").lower() in {"1", "true", "yes"}:
            from generation import llm

            llm.preload_in_background()
