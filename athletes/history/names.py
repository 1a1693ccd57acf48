"""Every exercise name of a history file through the catalog's matcher and mapping preview.

The names are handed to `propose_mapping` as a catalog: the exercises a RepLog export declares
(with their equipment) as declared exercises; every other name as *referenced* only, by one
placeholder program, so a name that matches nothing stays unresolved (the coach maps or
creates it) instead of quietly becoming a new exercise. The coach's earlier answers
(`HistoryNameChoice`) are applied before the matcher's proposals, as choices.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.db.models.functions import Lower

from athletes.history.rows import ParsedHistory, Problem
from athletes.models import HistoryNameChoice, User
from programs.catalog.matching import NEW, Decisions, MappingProposal, propose_mapping
from programs.catalog.schema import EXERCISE_NAME_MAX, Catalog
from programs.models import Exercise
from programs.services import catalog_import

PLACEHOLDER_PROGRAM = "History import — names referenced by logged sets"


def name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def referenced_names(parsed: ParsedHistory) -> Counter[str]:
    """Display spelling (the first seen) → number of sets, TMs and such that use it."""
    uses: Counter[str] = Counter()
    first: dict[str, str] = {}
    names = [r.exercise for r in parsed.rows]
    names += [tm["exercise"] for tm in parsed.extra.get("training_maxes", [])]
    names += program_names(parsed)
    for name in names:
        key = name_key(name)
        first.setdefault(key, " ".join(name.split()))
        uses[first[key]] += 1
    return uses


def program_names(parsed: ParsedHistory) -> list[str]:
    """Every exercise the templates of the file's program assignments prescribe or progress."""
    templates = [p["template"] for p in parsed.extra.get("programs", [])]
    return [
        item["exercise"]
        for t in templates
        for item in [*t.get("prescribed_sets", []), *t.get("progression_rules", [])]
    ]


def name_problems(parsed: ParsedHistory) -> list[Problem]:
    too_long = [n for n in referenced_names(parsed) if len(n) > EXERCISE_NAME_MAX]
    return [
        Problem(0, "", f"exercise name {n[:40]!r}… is longer than {EXERCISE_NAME_MAX} characters")
        for n in too_long
    ]


def names_catalog(parsed: ParsedHistory) -> Catalog:
    declared = list(parsed.extra.get("exercises", []))
    declared_keys = {name_key(ex["name"]) for ex in declared}
    referenced = [n for n in referenced_names(parsed) if name_key(n) not in declared_keys]
    sets = [
        {"exercise": name, "week": 1, "day": 1, "set_number": 1, "reps": 1} for name in referenced
    ]
    program = {"name": PLACEHOLDER_PROGRAM, "num_weeks": 1, "num_days": 1, "prescribed_sets": sets}
    return Catalog.model_validate(
        {
            "type": "catalog",
            "version": "1.0",
            "equipment": parsed.extra.get("equipment", []),
            "exercises": declared,
            "programs": [program] if sets else [],
        }
    )


def remembered(coach: User | None, keys: list[str]) -> dict[str, str]:
    if coach is None:
        return {}
    rows = HistoryNameChoice.objects.filter(coach=coach, source_name__in=keys)
    return {row.source_name: f"db:{row.exercise_id}" for row in rows}


@dataclass
class NameMapping:
    proposal: MappingProposal
    decisions: Decisions
    choices: dict[str, str]  # key → the coach's choice (remembered or made in this preview)

    rows: dict[str, list[int]]  # key → the file rows that name it

    @property
    def unresolved(self) -> list[str]:
        """One message per name nobody mapped, naming where the file uses it."""
        out = []
        for proposal in self.proposal.exercises:
            if proposal.key in self.decisions.exercise:
                continue
            rows = self.rows.get(proposal.key, [])
            where = f" (row {rows[0]}, {len(rows)} rows)" if rows and rows[0] else ""
            out.append(
                f"exercise {proposal.name!r}{where} matches nothing in the catalog: map it to an "
                "existing exercise or create it"
            )
        return out


def map_names(
    parsed: ParsedHistory,
    *,
    coach: User | None,
    owner_id: int | None,
    choices: dict[str, str] | None = None,
    create_missing: bool = False,
) -> NameMapping:
    """`owner_id`: the athlete's coach, whose catalog (with the global one) names map into."""
    catalog = names_catalog(parsed)
    mp = propose_mapping(catalog, owner_id=owner_id)
    keys = [p.key for p in mp.exercises]
    merged = {**remembered(coach, keys), **(choices or {})}
    overrides: dict[str, Any] = {"exercise": merged}
    decisions = mp.decide(overrides, create_missing=create_missing, rename_clashes=True)
    rows: dict[str, list[int]] = {}
    for row in parsed.rows:
        rows.setdefault(name_key(row.exercise), []).append(row.row)
    return NameMapping(mp, decisions, merged, rows)


def _target(decisions: dict[str, str], key: str) -> str:
    value = decisions[key]
    return decisions[value[5:]] if value.startswith("file:") else value


def exercise_ids(mapping: NameMapping, *, by: Any, owner_id: int | None) -> dict[str, int]:
    """name key → exercise id; creates the exercises decided "new" through the catalog import
    (declared ones with their attributes and equipment). Call inside the import's transaction."""
    decided = mapping.decisions.exercise
    targets = {key: _target(decided, key) for key in decided}
    create = sorted({key for key, value in targets.items() if value == NEW})
    if create:
        catalog_import(
            catalog=_creation_catalog(mapping, create),
            mapping=_creation(mapping, create),
            by=by,
            owner_id=owner_id,
        )
    ids = {key: int(value[3:]) for key, value in targets.items() if value.startswith("db:")}
    # Names are unique per owner only: the rows just created are the ones of this owner.
    mine = Q(owner_id=owner_id) if owner_id is not None else Q(owner__isnull=True)
    created = Exercise.objects.annotate(key=Lower("name")).filter(mine, key__in=create)
    ids.update({row.name.casefold(): row.pk for row in created})
    return ids


def _creation_catalog(mapping: NameMapping, create: list[str]) -> dict[str, Any]:
    cat = mapping.proposal.catalog
    declared = {ex.name.casefold(): ex.model_dump(mode="json") for ex in cat.exercises}
    exercises = []
    for key in create:
        proposal = mapping.proposal.proposal("exercise", key)
        exercises.append(declared.get(key) or {"name": proposal.name if proposal else key})
    needed = {link["name"].casefold() for ex in exercises for link in ex.get("equipment", [])}
    equipment = [eq.model_dump(mode="json") for eq in cat.equipment if eq.name.casefold() in needed]
    return {"type": "catalog", "version": "1.0", "equipment": equipment, "exercises": exercises}


def _creation(mapping: NameMapping, create: list[str]) -> Decisions:
    return Decisions(
        equipment=dict(mapping.decisions.equipment),
        exercise={key: NEW for key in create},
    )


def remember_choices(mapping: NameMapping, *, coach: User | None, ids: dict[str, int]) -> None:
    """Keep the coach's explicit choices (not the matcher's guesses) for the next import."""
    if coach is None:
        return
    rows = [
        HistoryNameChoice(coach=coach, source_name=key, exercise_id=ids[key])
        for key in mapping.choices
        if key in ids
    ]
    HistoryNameChoice.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["coach", "source_name"],
        update_fields=["exercise", "updated_at"],
    )
