from __future__ import annotations

app_name = "athletes"

urlpatterns: list = []
