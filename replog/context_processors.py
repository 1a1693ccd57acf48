from __future__ import annotations

from django.http import HttpRequest

from settings_app.resolution import get_setting


def app(request: HttpRequest) -> dict[str, object]:
    return {
        "app_name": get_setting("app.name"),
        "weight_unit": get_setting("defaults.weight_unit"),
        "distance_unit": get_setting("defaults.distance_unit"),
    }
