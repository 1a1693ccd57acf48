"""Who may see and import what in the catalog app.

The catalog must not import athlete code (layering: athletes → programs, never back), so this
module cannot use `athletes.access`. It reads only what every request already carries — the
user's `is_admin` / `is_coach` / `is_athlete` flags — and follows foreign keys by their string
names. The rules mirror `athletes.access`:

- exercises and global programs: every logged-in user;
- an athlete-owned program: admins; the athlete's coach (`owner.coach`); the athlete themself
  (`owner.user`);
- imports (upload, preview, approve): coaches and admins (athletes get 403); a global import is
  for admins only; a coach imports only for an athlete they coach — the same set as
  `athletes.access.athletes_managed_by`;
- an import draft: admins, and the coach of the draft's athlete; anyone else gets 404.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse

from programs.models import ImportDraft, ProgramTemplate

V = TypeVar("V", bound=Callable[..., HttpResponse])


def is_admin(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_admin", False))


def is_coach(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_coach", False))


def can_import(user: Any) -> bool:
    return is_admin(user) or is_coach(user)


def programs_visible_to(user: Any) -> QuerySet[ProgramTemplate]:
    qs = ProgramTemplate.objects.all()
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return qs.none()
    if is_admin(user):
        return qs
    return qs.filter(Q(owner__isnull=True) | Q(owner__coach_id=user.pk) | Q(owner__user_id=user.pk))


def importable_athletes(user: Any) -> QuerySet[Any]:
    """Athletes this user may import a program for (mirrors athletes_managed_by)."""
    athlete = apps.get_model("athletes", "Athlete")
    if is_admin(user):
        return athlete.objects.all()
    if is_coach(user):
        return athlete.objects.filter(coach_id=user.pk)
    return athlete.objects.none()


def drafts_visible_to(user: Any) -> QuerySet[ImportDraft]:
    qs = ImportDraft.objects.all()
    if is_admin(user):
        return qs
    if is_coach(user):
        return qs.filter(athlete__coach_id=user.pk)
    return qs.none()


def catalog_user_required(view: V) -> V:
    """Any logged-in, active user (anonymous → login page)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_active:
            raise PermissionDenied("This account is disabled.")
        return view(request, *args, **kwargs)

    return login_required(wrapper)  # type: ignore[return-value]


def importer_required(view: V) -> V:
    """Coaches and admins; athletes get 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_import(request.user):
            raise PermissionDenied("Only coaches and admins can import programs.")
        return view(request, *args, **kwargs)

    return login_required(wrapper)  # type: ignore[return-value]


def catalog_admin_required(view: V) -> V:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_admin(request.user):
            raise PermissionDenied("Admins only.")
        return view(request, *args, **kwargs)

    return login_required(wrapper)  # type: ignore[return-value]
