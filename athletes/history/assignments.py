"""A RepLog export's program assignments, each through the catalog import (the one way programs
enter): the template becomes a program owned by the athlete, prescribing the exercises the
history import's name mapping chose, and the assignment keeps the file's start date, role,
active flag, dates, notes and goal.

An assignment the athlete already has — same start date, a program of the file's name or the
name a clash gave it ("5/3/1 (2)") — is left alone, so re-importing a file adds nothing.
Inactive assignments are written first, so the file's active primary program is the one that
ends the athlete's current one (as a catalog import for the athlete would).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from athletes.history.names import name_key
from athletes.models import Athlete, AthleteProgram, EndReason, ProgramRole, User
from programs.catalog.matching import Decisions, free_name
from programs.models import ProgramTemplate
from programs.services import CatalogImportError, catalog_import

if TYPE_CHECKING:
    from athletes.history.service import HistoryResult


def write_programs(
    athlete: Athlete,
    items: list[dict[str, Any]],
    ids: dict[str, int],
    by: User | None,
    result: HistoryResult,
) -> None:
    if not items:
        return
    have = list(
        AthleteProgram.objects.filter(athlete=athlete).values_list("template__name", "start_date")
    )
    taken = {
        n.casefold()
        for n in ProgramTemplate.objects.filter(owner=athlete).values_list("name", flat=True)
    }
    for item in sorted(items, key=lambda p: (p["active"], p["start_date"])):
        start, name = dt.date.fromisoformat(item["start_date"]), item["template"]["name"]
        if any(day == start and _same(existing, name) for existing, day in have):
            result.programs_already_there += 1
            continue
        final = free_name(name, taken) if name.casefold() in taken else name
        taken.add(final.casefold())
        _assign(athlete, {**item, "template": {**item["template"], "name": final}}, ids, by)
        result.programs_assigned += 1


def _same(existing: str, name: str) -> bool:
    existing, name = existing.casefold(), name.casefold()
    return existing == name or re.fullmatch(re.escape(name) + r" \(\d+\)", existing) is not None


def _assign(athlete: Athlete, item: dict[str, Any], ids: dict[str, int], by: User | None) -> None:
    start = dt.date.fromisoformat(item["start_date"])
    assignment_id = _import(athlete, item["template"], start, item["goal"], ids, by)
    if item["role"] == ProgramRole.PRIMARY and item["active"]:
        current = AthleteProgram.objects.filter(athlete=athlete, is_active=True)
        current.filter(role=ProgramRole.PRIMARY).update(
            is_active=False, ended_on=start, end_reason=EndReason.REPLACED
        )
    AthleteProgram.objects.filter(pk=assignment_id).update(
        role=item["role"],
        is_active=item["active"],
        notes=item["notes"],
        ended_on=item["ended_on"] and dt.date.fromisoformat(item["ended_on"]),
        end_reason=item["end_reason"],
    )


def _import(
    athlete: Athlete,
    template: dict[str, Any],
    start: dt.date,
    goal: str,
    ids: dict[str, int],
    by: User | None,
) -> int:
    """The template as a program owned by the athlete, assigned from `start`; the assignment's
    id. Every exercise is one the history import's name mapping chose."""
    used = [*template.get("prescribed_sets", []), *template.get("progression_rules", [])]
    decisions = Decisions(
        exercise={u["exercise"].casefold(): f"db:{ids[name_key(u['exercise'])]}" for u in used},
        programs=[{"action": "new", "name": template["name"]}],
    )
    try:
        # As a supplemental program: as a primary one the catalog import would end the
        # athlete's active primary program even for an assignment the file says has ended.
        done = catalog_import(
            catalog={"type": "catalog", "version": "1.0", "programs": [template]},
            mapping=decisions,
            athlete=athlete,
            by=by,
            start_date=start,
            cycle_goal=goal,
            role=ProgramRole.SUPPLEMENTAL,
        )
    except CatalogImportError as exc:
        where = f"program {template['name']!r} from {start}"
        raise CatalogImportError([f"{where}: {m}" for m in exc.messages]) from exc
    assert done.assignment_id is not None  # an import for an athlete always assigns
    return done.assignment_id
