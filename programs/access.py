"""Who may see and import what in the catalog app.

The catalog does not import athlete code (layering: athletes → programs, never back); the role
checks and the athlete scoping rule it shares with `athletes.access` live in `replog.access`,
below both, and are applied here through the foreign keys' names:

- exercises and global programs: every logged-in user;
- an athlete-owned program: whoever may see that athlete (admins, the athlete's coach, the
  athlete themself);
- a program in a coach's library: admins and that coach; an athlete sees one once it has been
  assigned to them (never the rest of their coach's library);
- imports (upload, preview, approve): coaches and admins (athletes get 403); a global import is
  for admins only; a coach imports into their own library or for an athlete they coach;
- an import draft: admins, the coach of the draft's athlete, and the coach whose library it
  fills; anyone else gets 404;
- exercises and equipment: the global ones, plus a coach's own for that coach and their
  athletes (admins see every row). Whatever works for an athlete (matching, generation, logging)
  works in the athlete's coach's catalog: `catalog_owner_of_athlete`.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db.models import Q, QuerySet

from programs.models import (
    Equipment,
    Exercise,
    ImportDraft,
    ProgramTemplate,
    global_programs,
    library_of,
    owned_by,
)
from replog.access import (
    NOTHING,
    active_user_required,
    admin_required,
    athlete_scope,
    is_admin,
    is_athlete,
    is_coach,
    role_required,
)


def can_import(user: Any) -> bool:
    return is_admin(user) or is_coach(user)


catalog_user_required = active_user_required
importer_required = role_required(can_import, "Only coaches and admins can import programs.")
catalog_admin_required = admin_required
library_owner_required = role_required(is_coach, "Only coaches have a program library.")


def _filtered(qs: QuerySet[Any], scope: Q | None) -> QuerySet[Any]:
    return qs if scope is None else qs.filter(scope)


def programs_visible_to(user: Any) -> QuerySet[ProgramTemplate]:
    scope = athlete_scope(user, prefix="owner__")
    if scope is not None and getattr(user, "is_active", False):
        scope = global_programs() | scope
        if is_coach(user):
            scope |= Q(coach_id=user.pk)
        elif is_athlete(user):
            # A subquery, not a join: one row per program however often it was assigned.
            assigned = apps.get_model("athletes", "AthleteProgram").objects.filter(
                athlete__user_id=user.pk
            )
            scope |= Q(coach__isnull=False, pk__in=assigned.values("template_id"))
    return _filtered(ProgramTemplate.objects.all(), scope)


def library_programs(user: Any) -> QuerySet[ProgramTemplate]:
    """The programs in `user`'s own library (a coach's; nobody else has one)."""
    if not is_coach(user):
        return ProgramTemplate.objects.none()
    return ProgramTemplate.objects.filter(library_of(user.pk))


def importable_athletes(user: Any) -> QuerySet[Any]:
    """Athletes this user may import a program for: the ones they manage."""
    athlete = apps.get_model("athletes", "Athlete")
    return _filtered(athlete.objects.all(), athlete_scope(user, self_included=False))


def drafts_visible_to(user: Any) -> QuerySet[ImportDraft]:
    scope = athlete_scope(user, prefix="athlete__", self_included=False)
    if scope is not None and is_coach(user):
        scope |= Q(library_coach_id=user.pk)
    return _filtered(ImportDraft.objects.all(), scope)


def catalog_scope(user: Any) -> Q | None:
    """The exercises and equipment `user` may see, as a filter; None = every row."""
    if is_admin(user):
        return None
    if is_coach(user):
        return owned_by(user.pk)
    if is_athlete(user):
        # Their coach's own rows, reached through the coach's athletes: no athlete import here.
        return Q(owner__isnull=True) | Q(owner__coached_athletes__user_id=user.pk)
    return NOTHING


def exercises_visible_to(user: Any) -> QuerySet[Exercise]:
    return _filtered(Exercise.objects.all(), catalog_scope(user))


def equipment_visible_to(user: Any) -> QuerySet[Equipment]:
    return _filtered(Equipment.objects.all(), catalog_scope(user))


def catalog_owner_of_athlete(athlete: Any) -> int | None:
    """Whose catalog work for this athlete reads and writes: their coach's (None = global)."""
    if athlete is None:
        return None
    if isinstance(athlete, int):
        model = apps.get_model("athletes", "Athlete")
        found = model.objects.filter(pk=athlete).values_list("coach_id", flat=True).first()
        return int(found) if found is not None else None
    coach_id = getattr(athlete, "coach_id", None)
    return int(coach_id) if coach_id is not None else None


def catalog_owner(*, athlete: Any = None, by: Any = None, library_coach: Any = None) -> int | None:
    """Who owns what an import or form creates: the athlete's coach for an athlete's program,
    the library's coach for a library import, otherwise the coach acting; only admins create
    global rows."""
    if athlete is not None:
        return catalog_owner_of_athlete(athlete)
    if library_coach is not None:
        return int(getattr(library_coach, "pk", library_coach))
    if by is None or is_admin(by):
        return None
    return int(by.pk)
