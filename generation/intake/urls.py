from __future__ import annotations

from django.urls import path

from generation.intake import views

_ATHLETE = "athletes/<int:athlete_pk>/intake/"
urlpatterns = [
    path("intake/new/", views.intake_new, name="intake_new"),
    path(_ATHLETE, views.intake_status, name="intake_status"),
    path(f"{_ATHLETE}retry/", views.intake_retry, name="intake_retry"),
    path(f"{_ATHLETE}confirm-maxes/", views.intake_confirm, name="intake_confirm"),
    path(f"{_ATHLETE}invite/", views.intake_invite, name="intake_invite"),
    path("intake/<str:token>/", views.intake_fill, name="intake_fill"),
]
