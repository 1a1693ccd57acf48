from __future__ import annotations

from django.urls import path

from programs import views

app_name = "programs"

urlpatterns = [
    path("", views.program_list, name="program_list"),
    path("<int:pk>/", views.program_detail, name="program_detail"),
    path("<int:pk>/export.json", views.program_export, name="program_export"),
    path("exercises/", views.exercise_list, name="exercise_list"),
    path("exercises/<int:pk>/", views.exercise_detail, name="exercise_detail"),
    path("export.json", views.catalog_export_view, name="catalog_export"),
    path("library/export.json", views.library_export, name="library_export"),
    path("import/", views.import_upload, name="import_upload"),
    path("import/new/", views.import_create, name="import_create"),
    path("import/<int:pk>/", views.import_preview, name="import_preview"),
    path("import/<int:pk>/mapping/", views.import_mapping, name="import_mapping"),
    path("import/<int:pk>/programs/<int:index>/", views.import_program, name="import_program"),
    path(
        "import/<int:pk>/sets/<int:program>/<int:index>/edit/",
        views.import_set_edit,
        name="import_set_edit",
    ),
    path(
        "import/<int:pk>/sets/<int:program>/<int:index>/",
        views.import_set_row,
        name="import_set_row",
    ),
    path(
        "import/<int:pk>/sets/<int:program>/<int:index>/save/",
        views.import_set_save,
        name="import_set_save",
    ),
    path("import/<int:pk>/approve/", views.import_approve, name="import_approve"),
    path("import/<int:pk>/discard/", views.import_discard, name="import_discard"),
]
