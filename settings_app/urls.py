from __future__ import annotations

from django.urls import path

from settings_app import views

app_name = "settings_app"

urlpatterns = [
    path("", views.page, name="page"),
    path("<slug:slug>/", views.save, name="save"),
]
