"""Role checks and the one scoping rule, below every app.

Both the logbook (athletes) and the catalog (programs) need "who is this user and which
athletes are theirs"; the catalog may not import the logbook, so the rule lives here, where it
depends on Django alone. It reads only what every request's user carries (`is_admin`,
`is_coach`, `is_athlete`, `is_active`) and returns a `Q` on an athlete relation, so each app
applies it to its own models through the foreign key's name:

- admin → every athlete; coach → the athletes they coach; athlete → themselves (when
  `self_included`); anyone else (anonymous, inactive, no role) → none.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse

V = TypeVar("V", bound=Callable[..., HttpResponse])

# A Q that matches no row: `pk__in=[]` is answered without a query.
NOTHING = Q(pk__in=[])


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def is_admin(user: Any) -> bool:
    return _active(user) and bool(getattr(user, "is_admin", False))


def is_coach(user: Any) -> bool:
    return _active(user) and bool(getattr(user, "is_coach", False))


def is_athlete(user: Any) -> bool:
    return _active(user) and bool(getattr(user, "is_athlete", False))


def athlete_scope(user: Any, *, prefix: str = "", self_included: bool = True) -> Q | None:
    """The athletes `user` may see (or manage, without `self_included`) as a filter on the
    athlete reached through `prefix` (e.g. "owner__", "athlete__"); None = no restriction."""
    if is_admin(user):
        return None
    if is_coach(user):
        return Q(**{f"{prefix}coach_id": user.pk})
    if self_included and is_athlete(user):
        return Q(**{f"{prefix}user_id": user.pk})
    return NOTHING


def role_required(allowed: Callable[[Any], bool], message: str) -> Callable[[V], V]:
    def decorator(view: V) -> V:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not allowed(request.user):
                raise PermissionDenied(message)
            return view(request, *args, **kwargs)

        return login_required(wrapper)  # type: ignore[return-value]

    return decorator


active_user_required = role_required(_active, "This account is disabled.")
coach_required = role_required(lambda u: is_admin(u) or is_coach(u), "Coaches only.")
admin_required = role_required(is_admin, "Admins only.")
