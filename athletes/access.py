"""Who may see whom. Every view and download goes through these functions."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from athletes.models import Athlete

if TYPE_CHECKING:
    from athletes.models import User

V = TypeVar("V", bound=Callable[..., HttpResponse])


def athletes_visible_to(user: User | Any) -> QuerySet[Athlete]:
    """Admin → all; coach → the athletes they coach; athlete → themselves; anyone else → none."""
    qs = Athlete.objects.all()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.none()
    if user.is_admin:
        return qs
    if user.is_coach:
        return qs.filter(coach=user)
    if user.is_athlete:
        return qs.filter(user=user)
    return qs.none()


def athletes_managed_by(user: User | Any) -> QuerySet[Athlete]:
    """Athletes whose logbook this user may change as a coach (athletes themselves excluded)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Athlete.objects.none()
    if user.is_admin:
        return Athlete.objects.all()
    if user.is_coach:
        return Athlete.objects.filter(coach=user)
    return Athlete.objects.none()


def athlete_for_view(user: User | Any, pk: int) -> Athlete:
    """The athlete, if the user may see them; 404 otherwise (no hint that the id exists)."""
    return get_object_or_404(athletes_visible_to(user), pk=pk)


def athlete_for_coach(user: User | Any, pk: int) -> Athlete:
    """The athlete, if the user coaches them (or is admin). An athlete looking at their own
    record gets 403 (they may see it, not manage it); anyone else gets 404."""
    athlete = athlete_for_view(user, pk)
    if not athletes_managed_by(user).filter(pk=athlete.pk).exists():
        raise PermissionDenied("Only the athlete's coach can do this.")
    return athlete


def athlete_for_logging(user: User | Any, pk: int) -> Athlete:
    """Coaches log for their athletes; an athlete may log their own workouts."""
    athlete = athlete_for_view(user, pk)
    if user.is_athlete and athlete.user_id != user.pk:
        raise Http404
    return athlete


def coach_required(view: V) -> V:
    """Logged in and a coach or admin; athletes get 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not (user.is_admin or user.is_coach):  # type: ignore[union-attr]
            raise PermissionDenied("Coaches only.")
        return view(request, *args, **kwargs)

    return login_required(wrapper)  # type: ignore[return-value]


def admin_required(view: V) -> V:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_admin:  # type: ignore[union-attr]
            raise PermissionDenied("Admins only.")
        return view(request, *args, **kwargs)

    return login_required(wrapper)  # type: ignore[return-value]
