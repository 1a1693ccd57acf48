from __future__ import annotations

from django.urls import path

from athletes import logbook_views as corrections
from athletes import views
from athletes.history import views as history

app_name = "athletes"

urlpatterns = [
    path("", views.athlete_list, name="list"),
    path("new/", views.athlete_create, name="create"),
    path("<int:pk>/", views.athlete_detail, name="detail"),
    path("<int:pk>/edit/", views.athlete_edit, name="edit"),
    path("<int:pk>/equipment/", views.equipment_edit, name="equipment"),
    path("<int:pk>/assign/", views.program_assign, name="assign"),
    path(
        "<int:pk>/assignments/<int:assignment_pk>/end/",
        views.assignment_end,
        name="assignment_end",
    ),
    path("<int:pk>/workouts/", views.workout_list, name="workout_list"),
    path("<int:pk>/workouts/log/", views.workout_log, name="workout_log"),
    path("<int:pk>/workouts/set-row/", views.workout_set_row, name="workout_set_row"),
    path("<int:pk>/workouts/<int:workout_pk>/", views.workout_detail, name="workout_detail"),
    path("<int:pk>/workouts/<int:workout_pk>/edit/", views.workout_edit, name="workout_edit"),
    path(
        "<int:pk>/workouts/<int:workout_pk>/review/",
        views.workout_review,
        name="workout_review",
    ),
    path("<int:pk>/notes/", views.note_add, name="note_add"),
    path("<int:pk>/notes/<int:note_pk>/pin/", views.note_pin, name="note_pin"),
    path("<int:pk>/training-max/", views.training_max, name="training_max"),
    path("<int:pk>/body-weight/", views.body_weight, name="body_weight"),
    path("<int:pk>/history/import/", history.history_upload, name="history_upload"),
    path("<int:pk>/history/import/<int:draft_pk>/", history.history_draft, name="history_preview"),
    path(
        "<int:pk>/history/import/<int:draft_pk>/discard/",
        history.history_discard,
        name="history_discard",
    ),
    path("<int:pk>/history/export.csv", history.history_export_csv, name="history_export_csv"),
    path("<int:pk>/history/export.json", history.history_export_json, name="history_export_json"),
]

# Corrections: edit, or delete after a confirmation, what was logged by mistake
# (athletes/corrections.py).
urlpatterns += [
    path("<int:pk>/notes/<int:note_pk>/edit/", corrections.note_edit, name="note_edit"),
    path(
        "<int:pk>/training-max/<int:tm_pk>/edit/",
        corrections.training_max_edit,
        name="training_max_edit",
    ),
    path(
        "<int:pk>/body-weight/<int:entry_pk>/edit/",
        corrections.body_weight_edit,
        name="body_weight_edit",
    ),
    path(
        "<int:pk>/workouts/<int:workout_pk>/delete/",
        corrections.workout_delete,
        name="workout_delete",
    ),
    path("<int:pk>/notes/<int:note_pk>/delete/", corrections.note_delete, name="note_delete"),
    path(
        "<int:pk>/workouts/review/", corrections.workouts_review_bulk, name="workouts_review_bulk"
    ),
    path(
        "<int:pk>/training-max/<int:tm_pk>/delete/",
        corrections.training_max_delete,
        name="training_max_delete",
    ),
    path(
        "<int:pk>/body-weight/<int:entry_pk>/delete/",
        corrections.body_weight_delete,
        name="body_weight_delete",
    ),
]
