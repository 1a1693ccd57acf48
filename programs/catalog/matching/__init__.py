"""Resolve every name in a catalog against the database (and against the file itself).

How one name is matched — exact, alias, the same words, fuzzy, and when a match may be mapped
without the coach — is `names.py`; the words it knows (abbreviations, other languages, equipment
synonyms, the exercise a bare "Squat" means) are `synonyms.py`; scores and the same-exercise
guard are `score.py`.

A decision is a string: "db:<id>" (an existing row), "file:<key>" (a name declared in the same
file), or "new" (create it). A name the file declares is mapped only onto the same exercise
(done with the same equipment, when both say); otherwise it defaults to "new", with the near
misses offered. A name that is only *referenced* (by a set, a rule or an equipment link) and
matches nothing stays unresolved — it blocks approval until someone maps or creates it, so
nothing is ever dropped silently (the Go app's bug).

Program names. A program whose name is already taken must be renamed or replaced; nothing is
skipped. The rules:
- A global import clashing with a global program: rename only. Global programs are shared by
  every coach and referenced by assignments, so an upload never replaces one.
- An import for one athlete clashing with one of that athlete's own programs: rename, or replace
  it if it is not the athlete's active primary program. Replacing deletes the old template when
  nothing was ever assigned from it; when it has history (past assignments, logged workouts) the
  old template is kept and renamed "<name> (replaced <date>)" so the history stays intact.

All candidates are loaded with one query per kind; nothing here queries per name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q

from programs.access import catalog_owner_of_athlete
from programs.catalog.matching.names import (
    ALTERNATIVE_FLOOR,
    ALTERNATIVES,
    NEW,
    Kind,
    Level,
    NameMatcher,
    Proposal,
    Thresholds,
    database_indexes,
    match_names,
)
from programs.catalog.matching.normalise import normalise
from programs.catalog.matching.score import (
    Candidate,
    NameIndex,
    contrast_penalty,
    differing_words,
    shared_index,
    similarity,
)
from programs.catalog.schema import PROGRAM_NAME_MAX, Catalog
from programs.models import ProgramTemplate, program_scope

__all__ = [
    "ALTERNATIVES",
    "ALTERNATIVE_FLOOR",
    "NEW",
    "Candidate",
    "Decisions",
    "Kind",
    "Level",
    "MappingProposal",
    "NameIndex",
    "NameMatcher",
    "Proposal",
    "Thresholds",
    "contrast_penalty",
    "database_indexes",
    "differing_words",
    "match_names",
    "normalise",
    "propose_mapping",
    "shared_index",
    "similarity",
]


@dataclass
class ProgramClash:
    id: int
    name: str
    is_active: bool
    assignments: int


@dataclass
class ProgramProposal:
    index: int
    name: str
    clash: ProgramClash | None
    can_replace: bool
    suggested_name: str

    @property
    def default(self) -> dict[str, Any] | None:
        if self.clash is None:
            return {"action": "new", "name": self.name}
        return None


def _ref_id(ref: str) -> int | None:
    if ref.startswith("db:"):
        try:
            return int(ref[3:])
        except ValueError:
            return None
    return None


@dataclass
class Decisions:
    """What the import will do with every name. Built by `MappingProposal.decide`."""

    equipment: dict[str, str] = field(default_factory=dict)
    exercise: dict[str, str] = field(default_factory=dict)
    programs: list[dict[str, Any]] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.unresolved

    def as_dict(self) -> dict[str, Any]:
        return {
            "equipment": dict(self.equipment),
            "exercise": dict(self.exercise),
            "programs": [dict(p) for p in self.programs],
            "unresolved": list(self.unresolved),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Decisions:
        return cls(
            equipment=dict(data.get("equipment", {})),
            exercise=dict(data.get("exercise", {})),
            programs=[dict(p) for p in data.get("programs", [])],
            unresolved=list(data.get("unresolved", [])),
        )


def _names_in(
    catalog: Catalog,
) -> dict[Kind, tuple[dict[str, str], dict[str, str], dict[str, int]]]:
    """For each kind: declared {key: name}, referenced-only {key: name}, uses {key: count}."""
    eq_declared = {eq.name.casefold(): eq.name for eq in catalog.equipment}
    ex_declared = {ex.name.casefold(): ex.name for ex in catalog.exercises}
    eq_refs: dict[str, str] = {}
    eq_uses: dict[str, int] = {}
    for ex in catalog.exercises:
        for link in ex.equipment:
            key = link.name.casefold()
            eq_uses[key] = eq_uses.get(key, 0) + 1
            if key not in eq_declared:
                eq_refs.setdefault(key, link.name)
    ex_refs: dict[str, str] = {}
    ex_uses: dict[str, int] = {}
    for program in catalog.programs:
        for name in [s.exercise for s in program.prescribed_sets] + [
            r.exercise for r in program.progression_rules
        ]:
            key = name.casefold()
            ex_uses[key] = ex_uses.get(key, 0) + 1
            if key not in ex_declared:
                ex_refs.setdefault(key, name)
    return {
        "equipment": (eq_declared, eq_refs, eq_uses),
        "exercise": (ex_declared, ex_refs, ex_uses),
    }


class MappingProposal:
    def __init__(
        self,
        catalog: Catalog,
        *,
        athlete_id: int | None = None,
        thresholds: Thresholds | None = None,
        owner_id: int | None = None,
        library_coach_id: int | None = None,
    ) -> None:
        self.catalog = catalog
        self.athlete_id = athlete_id
        self.library_coach_id = None if athlete_id is not None else library_coach_id
        # An athlete's import matches in their coach's catalog, a library import in the
        # library's coach's; without either, the caller says.
        if owner_id is None and athlete_id is not None:
            owner_id = catalog_owner_of_athlete(athlete_id)
        if owner_id is None and self.library_coach_id is not None:
            owner_id = self.library_coach_id
        self.owner_id = owner_id
        self.matcher = NameMatcher(thresholds or Thresholds.from_settings(), owner_id=owner_id)
        self.thresholds = self.matcher.thresholds
        self.db = self.matcher.db
        self.file = self.matcher.file
        names = _names_in(catalog)
        aliases_by_key = {ex.name.casefold(): list(ex.aliases) for ex in catalog.exercises}
        # What the file says an exercise is done with: a declared exercise is mapped only to a
        # catalog exercise done with the same equipment.
        self.declared_equipment = self.matcher.declared_equipment
        self.declared_equipment.update(
            {ex.name.casefold(): [link.name for link in ex.equipment] for ex in catalog.exercises}
        )
        for key, name in names["equipment"][0].items():
            self.file["equipment"].add(f"file:{key}", name)
        for key, name in names["exercise"][0].items():
            self.file["exercise"].add(
                f"file:{key}",
                name,
                aliases_by_key.get(key, []),
                self.declared_equipment.get(key, []),
            )
        self.equipment = self._propose("equipment", *names["equipment"])
        self.exercises = self._propose("exercise", *names["exercise"])
        self.programs = self._propose_programs()

    # names ------------------------------------------------------------------------------------

    def _propose(
        self, kind: Kind, declared: dict[str, str], refs: dict[str, str], uses: dict[str, int]
    ) -> list[Proposal]:
        propose = self.matcher.propose
        out = [propose(kind, k, n, declared=True, uses=uses.get(k, 0)) for k, n in declared.items()]
        out += [propose(kind, k, n, uses=uses.get(k, 0)) for k, n in refs.items()]
        return out

    # programs ---------------------------------------------------------------------------------

    @property
    def is_global(self) -> bool:
        return self.athlete_id is None and self.library_coach_id is None

    def _program_scope(self) -> Any:
        return ProgramTemplate.objects.filter(
            program_scope(athlete_id=self.athlete_id, library_coach_id=self.library_coach_id)
        )

    def _propose_programs(self) -> list[ProgramProposal]:
        rows = self._program_scope().annotate(
            n_assignments=Count("assignments", distinct=True),
            n_active=Count(
                "assignments",
                filter=Q(assignments__is_active=True, assignments__role="primary"),
                distinct=True,
            ),
        )
        self.existing_programs: dict[str, ProgramClash] = {
            row.name.casefold(): ProgramClash(row.pk, row.name, row.n_active > 0, row.n_assignments)
            for row in rows.order_by()
        }
        taken = set(self.existing_programs) | {p.name.casefold() for p in self.catalog.programs}
        out: list[ProgramProposal] = []
        for index, program in enumerate(self.catalog.programs):
            clash = self.existing_programs.get(program.name.casefold())
            suggested = program.name
            if clash is not None:
                suggested = free_name(program.name, taken)
                taken.add(suggested.casefold())
            # A global program is never replaced from an upload; an athlete's own or a library
            # program is, while no athlete follows it as their active program.
            can_replace = clash is not None and not self.is_global and not clash.is_active
            out.append(ProgramProposal(index, program.name, clash, can_replace, suggested))
        return out

    # choices and decisions --------------------------------------------------------------------

    def proposals(self, kind: Kind) -> list[Proposal]:
        return self.equipment if kind == "equipment" else self.exercises

    def proposal(self, kind: Kind, key: str) -> Proposal | None:
        return next((p for p in self.proposals(kind) if p.key == key), None)

    def valid_choice(self, kind: Kind, key: str, value: str) -> bool:
        proposal = self.proposal(kind, key)
        if proposal is None:
            return False
        if value == NEW:
            # Creating a second row with an existing name would break the unique constraint.
            return key not in self.db[kind].exact
        if value.startswith("db:"):
            return value in self.db[kind]
        if value.startswith("file:"):
            return not proposal.declared and value in self.file[kind] and value != f"file:{key}"
        return False

    def label(self, kind: Kind, value: str | None) -> str:
        if value is None:
            return "— choose —"
        if value == NEW:
            return "Create new"
        index = self.file[kind] if value.startswith("file:") else self.db[kind]
        return index.display.get(value, "(missing)")

    def db_choices(self, kind: Kind) -> list[tuple[str, str]]:
        index = self.db[kind]
        return sorted(index.display.items(), key=lambda kv: kv[1].casefold())

    def file_choices(self, kind: Kind, key: str) -> list[tuple[str, str]]:
        return sorted(
            ((ref, name) for ref, name in self.file[kind].display.items() if ref != f"file:{key}"),
            key=lambda kv: kv[1].casefold(),
        )

    def decide(
        self,
        overrides: dict[str, Any] | None = None,
        *,
        create_missing: bool = False,
        rename_clashes: bool = False,
    ) -> Decisions:
        """Merge the coach's choices (`overrides`, as stored on an import draft) over the
        proposals. Invalid or stale choices (a row deleted since) fall back to the proposal."""
        overrides = overrides or {}
        decisions = Decisions()
        for kind in ("equipment", "exercise"):
            chosen: dict[str, str] = overrides.get(kind, {}) or {}
            target = decisions.equipment if kind == "equipment" else decisions.exercise
            for proposal in self.proposals(kind):
                value = chosen.get(proposal.key)
                if not (isinstance(value, str) and self.valid_choice(kind, proposal.key, value)):
                    value = proposal.default
                if value is None and create_missing:
                    value = NEW
                if value is None:
                    used = f" (used {proposal.uses}×)" if proposal.uses else ""
                    decisions.unresolved.append(
                        f"{kind} {proposal.name!r}{used} is not in the catalog: map it to an "
                        "existing one or create it"
                    )
                    continue
                target[proposal.key] = value
        program_choices: dict[str, Any] = overrides.get("programs", {}) or {}
        taken_now: set[str] = set()
        for program in self.programs:
            choice = program_choices.get(str(program.index))
            decision, problem = self._program_decision(program, choice, rename_clashes)
            if decision is not None:
                final = str(decision["name"]).casefold()
                if final in taken_now:
                    problem = f"program name {decision['name']!r} is used twice in this import"
                    decision = None
                else:
                    taken_now.add(final)
            if decision is None:
                decisions.unresolved.append(problem)
                decisions.programs.append({"action": "unresolved", "name": program.name})
            else:
                decisions.programs.append(decision)
        return decisions

    def _program_decision(
        self, proposal: ProgramProposal, choice: Any, rename_clashes: bool
    ) -> tuple[dict[str, Any] | None, str]:
        clash = proposal.clash
        if isinstance(choice, dict) and choice.get("action") == "rename":
            name = " ".join(str(choice.get("name", "")).split())
            problem = self.rename_problem(proposal.index, name)
            if problem is None:
                return {"action": "new", "name": name}, ""
        elif (
            isinstance(choice, dict)
            and choice.get("action") == "replace"
            and clash is not None
            and proposal.can_replace
        ):
            return {"action": "replace", "name": proposal.name, "replace_id": clash.id}, ""
        if clash is None:
            return {"action": "new", "name": proposal.name}, ""
        if rename_clashes:
            return {"action": "new", "name": proposal.suggested_name}, ""
        where = (
            "one of the athlete's programs"
            if self.athlete_id is not None
            else "a program in your library"
            if self.library_coach_id is not None
            else "an existing global program"
        )
        how = "rename it or replace the existing one" if proposal.can_replace else "rename it"
        return None, f"program {proposal.name!r} has the same name as {where}: {how}"

    def rename_problem(self, index: int, name: str) -> str | None:
        if not name:
            return "the new name must not be empty"
        if len(name) > PROGRAM_NAME_MAX:
            return f"the new name is longer than {PROGRAM_NAME_MAX} characters"
        key = name.casefold()
        if key in self.existing_programs:
            return f"{name!r} is taken too"
        others = {
            p.name.casefold()
            for p in self.catalog.programs
            if p is not self.catalog.programs[index]
        }
        if key in others:
            return f"{name!r} is the name of another program in this file"
        return None


def free_name(name: str, taken: set[str]) -> str:
    for n in range(2, 1000):
        suffix = f" ({n})"
        candidate = name[: PROGRAM_NAME_MAX - len(suffix)] + suffix
        if candidate.casefold() not in taken:
            return candidate
    return name  # pragma: no cover - 998 programs of one name


def propose_mapping(
    catalog: Catalog,
    *,
    athlete_id: int | None = None,
    thresholds: Thresholds | None = None,
    owner_id: int | None = None,
    library_coach_id: int | None = None,
) -> MappingProposal:
    return MappingProposal(
        catalog,
        athlete_id=athlete_id,
        thresholds=thresholds,
        owner_id=owner_id,
        library_coach_id=library_coach_id,
    )
