from __future__ import annotations

from django.urls import path

from generation.feedback import views

urlpatterns = [
    path("quality/", views.quality, name="quality"),
    path("preferences/<int:pk>/clear/", views.preference_clear_view, name="preference_clear"),
]
