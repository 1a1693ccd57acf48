"""Who may see whom. Every view and download goes through these functions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from athletes.models import Athlete
from replog.access import athlete_scope, is_athlete

if TYPE_CHECKING:
    from athletes.models import User


def _scoped(scope: Q | None) -> QuerySet[Athlete]:
    return Athlete.objects.all() if scope is None else Athlete.objects.filter(scope)


def athletes_visible_to(user: User | Any) -> QuerySet[Athlete]:
    """Admin → all; coach → the athletes they coach; athlete → themselves; anyone else → none."""
    return _scoped(athlete_scope(user))


def athletes_managed_by(user: User | Any) -> QuerySet[Athlete]:
    """Athletes whose logbook this user may change as a coach (athletes themselves excluded)."""
    return _scoped(athlete_scope(user, self_included=False))


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
    if is_athlete(user) and athlete.user_id != user.pk:
        raise Http404
    return athlete
