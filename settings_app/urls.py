from __future__ import annotations

app_name = "settings_app"

urlpatterns: list = []
