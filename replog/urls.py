from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from generation.runs import views as generation_views

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="athletes:list", permanent=False), name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/settings/", include("settings_app.urls")),
    path("admin/", admin.site.urls),
    # The packet download lives with generation (coach-only), under the athlete's URL.
    path("athletes/<int:pk>/context.json", generation_views.context_json, name="context_json"),
    path("athletes/", include("athletes.urls")),
    path("programs/", include("programs.urls")),
    path("generation/", include("generation.urls")),
]

handler400 = "replog.views.bad_request"
