"""Who may see and import what in the catalog app.

The catalog does not import athlete code (layering: athletes → programs, never back); the role
checks and the athlete scoping rule it shares with `athletes.access` live in `replog.access`,
below both, and are applied here through the foreign keys' names:

- exercises and global programs: every logged-in user;
- an athlete-owned program: whoever may see that athlete (admins, the athlete's coach, the
  athlete themself);
- imports (upload, preview, approve): coaches and admins (athletes get 403); a global import is
  for admins only; a coach imports only for an athlete they coach;
- an import draft: admins, and the coach of the draft's athlete; anyone else gets 404.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db.models import Q, QuerySet

from programs.models import ImportDraft, ProgramTemplate
from replog.access import (
    active_user_required,
    admin_required,
    athlete_scope,
    is_admin,
    is_coach,
    role_required,
)


def can_import(user: Any) -> bool:
    return is_admin(user) or is_coach(user)


catalog_user_required = active_user_required
importer_required = role_required(can_import, "Only coaches and admins can import programs.")
catalog_admin_required = admin_required


def _filtered(qs: QuerySet[Any], scope: Q | None) -> QuerySet[Any]:
    return qs if scope is None else qs.filter(scope)


def programs_visible_to(user: Any) -> QuerySet[ProgramTemplate]:
    scope = athlete_scope(user, prefix="owner__")
    if scope is not None and getattr(user, "is_active", False):
        scope = Q(owner__isnull=True) | scope
    return _filtered(ProgramTemplate.objects.all(), scope)


def importable_athletes(user: Any) -> QuerySet[Any]:
    """Athletes this user may import a program for: the ones they manage."""
    athlete = apps.get_model("athletes", "Athlete")
    return _filtered(athlete.objects.all(), athlete_scope(user, self_included=False))


def drafts_visible_to(user: Any) -> QuerySet[ImportDraft]:
    scope = athlete_scope(user, prefix="athlete__", self_included=False)
    return _filtered(ImportDraft.objects.all(), scope)
