from __future__ import annotations

from django.urls import path

from generation.running import views as running_views
from generation.runs import views
from generation.session import views as session_views

app_name = "generation"

urlpatterns: list = []

_RUN = "athletes/<int:athlete_pk>/runs/<int:run_pk>/"
urlpatterns += [
    path("athletes/<int:athlete_pk>/generate/", views.generate, name="generate"),
    path("athletes/<int:athlete_pk>/runs/", views.run_history, name="history"),
    path(_RUN, views.run_detail, name="run"),
    path(f"{_RUN}approve/", views.run_approve, name="approve"),
    path(f"{_RUN}reject/", views.run_reject, name="reject"),
    path(f"{_RUN}unapprove/", views.run_unapprove, name="unapprove"),
    path(f"{_RUN}rename/", views.run_rename, name="rename"),
    path(f"{_RUN}left-out/<int:index>/add-back/", views.run_add_back, name="add_back"),
    path(f"{_RUN}sets/<int:set_id>/edit/", views.set_edit, name="set_edit"),
    path(f"{_RUN}sets/<int:set_id>/swap/", views.set_swap, name="set_swap"),
    path(f"{_RUN}sets/<int:set_id>/add/", views.set_add, name="set_add"),
    path(f"{_RUN}sets/<int:set_id>/remove/", views.set_remove, name="set_remove"),
    path("drafts/", views.drafts, name="drafts"),
]
urlpatterns += [
    path("test-connection/", views.llm_test_connection, name="test_connection"),
]
# Free-text plan import: its own URL module, so this shared file only grows by these lines.
from generation.plan_import.urls import urlpatterns as plan_import_urls  # noqa: E402

urlpatterns += plan_import_urls
urlpatterns += [
    path("athletes/<int:athlete_pk>/context/", views.context_panel, name="context_panel"),
]

# Today's session, adjusted (generation/session/).
_TODAY = "athletes/<int:athlete_pk>/today/"
urlpatterns += [
    path(_TODAY, session_views.session_adjust, name="session_adjust"),
    path(f"{_TODAY}<int:adjustment_pk>/log/", session_views.session_log, name="session_log"),
    path(f"{_TODAY}<int:adjustment_pk>/keep/", session_views.session_keep, name="session_keep"),
    path(
        "athletes/<int:athlete_pk>/workouts/<int:workout_pk>/adjustment/",
        session_views.workout_adjustment,
        name="workout_adjustment",
    ),
]
urlpatterns += [
    path("athletes/<int:athlete_pk>/running-plan/", running_views.new_plan, name="running_plan"),
]

# The feedback loop: generation quality and learned preferences (generation/feedback/).
from generation.feedback.urls import urlpatterns as feedback_urls  # noqa: E402

urlpatterns += feedback_urls

# Intake → first program (generation/intake/).
from generation.intake.urls import urlpatterns as intake_urls  # noqa: E402

urlpatterns += intake_urls
