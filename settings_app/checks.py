from __future__ import annotations

from typing import Any

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from settings_app.registry import REGISTRY


def env_values_valid(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Fail `manage.py check` / runserver start on a malformed REPLOG_* value, not at first use."""
    from settings_app.resolution import env_raw, env_value

    errors: list[checks.CheckMessage] = []
    for setting in REGISTRY:
        if env_raw(setting) is None:
            continue
        try:
            env_value(setting)
        except ImproperlyConfigured as exc:
            errors.append(checks.Error(str(exc), id="settings_app.E001"))
    return errors


def register() -> None:
    checks.register(env_values_valid, "settings_app")
