from __future__ import annotations

from django.urls import path

from generation.plan_import import views

# Included into generation/urls.py: the names live in the "generation" namespace.
urlpatterns = [
    path("plans/import/", views.plan_import, name="plan_import"),
    path("plans/import/new/", views.plan_import_create, name="plan_import_create"),
    path("plans/import/metrics/", views.plan_import_metrics_page, name="plan_import_metrics"),
]
