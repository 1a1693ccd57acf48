"""A draft through the catalog pipeline: parse and normalise, map exercise names, and import.

The preview shows every problem next to the set it concerns, so issues keep the set's `_id`
(see generation.runs.edits) rather than the parser's list index.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from generation.runs import edits
from programs.catalog.matching import Level, propose_mapping
from programs.catalog.parse import parse_catalog
from programs.catalog.schema import Catalog

if TYPE_CHECKING:
    from athletes.models import Athlete, User
    from programs.models import ProgramTemplate

_SET_PATH = re.compile(r"^programs\[0\]\.prescribed_sets\[(\d+)\]")


@dataclass
class CatalogCheck:
    catalog: dict[str, Any]  # normalised when it parsed; sets keep their `_id`
    errors: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)  # exercise key → "db:<id>"
    decisions: dict[str, Any] = field(default_factory=dict)  # matching.Decisions.as_dict()
    fatal: str = ""  # the draft is unusable as a whole


def _note(message: str, *, source: str = "check", **where: Any) -> dict[str, Any]:
    located = {k: v for k, v in where.items() if v is not None}
    return {"message": message, "source": source, **located}


def check(catalog: dict[str, Any], *, athlete: Athlete) -> CatalogCheck:
    if not isinstance(catalog, dict):
        return CatalogCheck(catalog={}, fatal="The generator returned no program.")
    programs = catalog.get("programs")
    if not isinstance(programs, list) or not programs or not isinstance(programs[0], dict):
        return CatalogCheck(catalog=catalog, fatal="The generator returned no program.")
    working = edits.with_ids(catalog)
    if len(programs) > 1:
        working["programs"] = working["programs"][:1]
    ids = [row.get(edits.SET_ID) for row in edits.sets_of(working)]
    result = parse_catalog(edits.strip_private(working), strict=False)
    out = CatalogCheck(catalog=working)
    if len(programs) > 1:
        out.warnings.append(
            _note(f"The draft held {len(programs)} programs; only the first is shown.")
        )
    for issue in result.issues:
        where: dict[str, Any] = {}
        match = _SET_PATH.match(issue.path)
        if match and int(match.group(1)) < len(ids):
            where["set_id"] = ids[int(match.group(1))]
        path = issue.path.removeprefix("programs[0]").lstrip(".")
        text = issue.message if where or not path else f"{path}: {issue.message}"
        (out.errors if issue.is_error else out.warnings).append(_note(text, **where))
    if result.data is None or result.catalog is None:
        # Errors on some sets: the preview shows the draft as it is, with the errors on their
        # rows, and approval waits until they are fixed. Errors about the program as a whole
        # cannot be fixed in the preview: the draft is unusable.
        unlocated = [e["message"] for e in out.errors if "set_id" not in e]
        if unlocated or not out.errors:
            shown = "; ".join(unlocated[:5]) or "the draft is not a valid program"
            out.fatal = f"The draft is not a usable program: {shown}."
        return out
    normalised = result.data
    for row, set_id in zip(edits.sets_of(normalised), ids, strict=True):
        row[edits.SET_ID] = set_id
    out.catalog = normalised
    _map_names(out, result.catalog, athlete)
    return out


def _map_names(out: CatalogCheck, parsed: Catalog, athlete: Athlete) -> None:
    """Resolve every exercise name with the catalog's name matching. Exact, alias and close
    matches are mapped (a "check this" match with a warning); anything else is an error on its
    sets — a generated draft never creates exercises, the coach swaps them for catalog ones.
    Exercises needing equipment the athlete lacks are flagged."""
    from athletes.models import AthleteEquipment
    from programs.models import ExerciseEquipment

    proposal = propose_mapping(parsed, athlete_id=athlete.pk)
    decisions = proposal.decide()
    sets = edits.sets_of(out.catalog)
    mapped: dict[str, int] = {}
    for item in proposal.exercises:
        exercise_id = _db_id(item.default)
        if exercise_id is not None and item.mapped:
            mapped[item.key] = exercise_id
            if item.level is Level.REVIEW and item.best is not None:
                out.warnings.append(
                    _note(
                        f"{item.name} was read as {item.best.name} "
                        f"({item.best.percent} % alike): check it.",
                        exercise=item.name,
                    )
                )
            continue
        hint = ""
        if item.best is not None and item.best.score >= 0.5 and not item.best.in_file:
            hint = f" Closest: {item.best.name}."
        message = f"{item.name} is not in the exercise catalog; swap it for one that is.{hint}"
        rows = [r for r in sets if str(r.get("exercise", "")).casefold() == item.key]
        for row in rows:
            out.errors.append(_note(message, set_id=row.get(edits.SET_ID), exercise=item.name))
        if not rows:
            out.errors.append(_note(message, exercise=item.name))
    for program in proposal.programs:
        if program.clash is not None:
            out.errors.append(
                _note(
                    f"{athlete.name} already has a program named “{program.name}”: rename the "
                    f"draft (for example “{program.suggested_name}”)."
                )
            )
    out.mapping = {key: f"db:{pk}" for key, pk in mapped.items()}
    out.decisions = decisions.as_dict()
    if not mapped:
        return
    owned = set(
        AthleteEquipment.objects.filter(athlete=athlete).values_list("equipment_id", flat=True)
    )
    missing: dict[int, list[str]] = {}
    for link in ExerciseEquipment.objects.filter(
        exercise_id__in=set(mapped.values()), optional=False
    ).select_related("equipment"):
        if link.equipment_id not in owned:
            missing.setdefault(link.exercise_id, []).append(link.equipment.name)
    shown = {
        pk: next(p.name for p in proposal.exercises if p.key == key) for key, pk in mapped.items()
    }
    for exercise_id, equipment in sorted(missing.items()):
        out.warnings.append(
            _note(
                f"{shown[exercise_id]} needs equipment {athlete.name} does not have: "
                f"{', '.join(sorted(equipment))}.",
                exercise=shown[exercise_id],
            )
        )


def _db_id(ref: str | None) -> int | None:
    if ref and ref.startswith("db:"):
        try:
            return int(ref[3:])
        except ValueError:
            return None
    return None


class ImportRefused(Exception):
    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


def import_program(
    catalog: dict[str, Any],
    *,
    decisions: dict[str, Any],
    athlete: Athlete,
    by: User | None,
    start_date: dt.date | None = None,
) -> ProgramTemplate:
    """The approved draft as the athlete's own, active primary program, through the catalog
    import (one transaction; the previous primary program ends as "replaced")."""
    from programs.catalog.matching import Decisions
    from programs.models import ProgramTemplate
    from programs.services import CatalogImportError, catalog_import

    try:
        result = catalog_import(
            catalog=catalog,
            mapping=Decisions.from_dict(decisions),
            athlete=athlete,
            by=by,
            start_date=start_date,
        )
    except CatalogImportError as exc:
        raise ImportRefused(exc.messages) from exc
    return ProgramTemplate.objects.get(pk=result.template_ids[0])
