from __future__ import annotations

from django.apps import AppConfig


class SettingsAppConfig(AppConfig):
    name = "settings_app"
    verbose_name = "Application settings"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.core.signals import request_finished, request_started
        from django_tasks.signals import task_finished, task_started

        from settings_app import checks, resolution

        checks.register()
        # One read of the settings per request / task: see settings_app.resolution.
        request_started.connect(resolution.begin_request, dispatch_uid="settings_app.begin_req")
        request_finished.connect(resolution.end_request, dispatch_uid="settings_app.end_req")
        task_started.connect(resolution.begin_task, dispatch_uid="settings_app.begin_task")
        task_finished.connect(resolution.end_task, dispatch_uid="settings_app.end_task")
