"""Resolve every name in a catalog against the database (and against the file itself).

Order of trust: exact name (ignoring case) → an exercise alias → fuzzy match on normalised names
(case, punctuation, DB/BB/KB abbreviations, plurals, "(Barbell)" suffixes, word order) scored with
rapidfuzz. Thresholds come from settings:

    score ≥ matching.high          mapped automatically              level "high"
    matching.accept ≤ score < high mapped, flagged for review        level "review"
    matching.low ≤ score < accept  offered as alternatives only      level "low"
    below                          "create new"                      level "none"

A decision is a string: "db:<id>" (an existing row), "file:<key>" (a name declared in the same
file), or "new" (create it). Names declared in the file default to "new" when nothing in the
database is close enough; a name that is only *referenced* (by a set, a rule or an equipment link)
and matches nothing stays unresolved — it blocks approval until someone maps or creates it, so
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
from enum import StrEnum
from typing import Any, Literal

from django.db.models import Count, Q

from programs.catalog.matching.normalise import normalise
from programs.catalog.matching.score import (
    Candidate,
    NameIndex,
    contrast_penalty,
    differing_words,
    equipment_key,
    shared_index,
    similarity,
)
from programs.catalog.matching.synonyms import CANONICAL_DEFAULTS, EQUIPMENT_SYNONYMS
from programs.catalog.schema import PROGRAM_NAME_MAX, Catalog
from programs.models import Equipment, Exercise, ExerciseEquipment, ProgramTemplate
from settings_app.registry import get_setting

__all__ = [
    "NEW",
    "Candidate",
    "Decisions",
    "Level",
    "MappingProposal",
    "NameIndex",
    "Proposal",
    "Thresholds",
    "contrast_penalty",
    "database_indexes",
    "differing_words",
    "normalise",
    "propose_mapping",
    "shared_index",
    "similarity",
]

Kind = Literal["equipment", "exercise"]
NEW = "new"
ALTERNATIVES = 3
ALTERNATIVE_FLOOR = 0.5


class Level(StrEnum):
    EXACT = "exact"
    ALIAS = "alias"
    HIGH = "high"
    REVIEW = "review"
    LOW = "low"
    NONE = "none"

    @property
    def label(self) -> str:
        return {
            "exact": "exact match",
            "alias": "alias",
            "high": "close match",
            "review": "check this",
            "low": "no good match",
            "none": "new",
        }[self.value]


@dataclass(frozen=True)
class Thresholds:
    high: float = 0.90
    accept: float = 0.80
    low: float = 0.70

    @classmethod
    def from_settings(cls) -> Thresholds:
        high = float(get_setting("matching.high"))  # type: ignore[arg-type]
        accept = float(get_setting("matching.accept"))  # type: ignore[arg-type]
        low = float(get_setting("matching.low"))  # type: ignore[arg-type]
        # Misordered settings must not make matching nonsensical: force low ≤ accept ≤ high.
        accept = min(accept, high)
        low = min(low, accept)
        return cls(high=high, accept=accept, low=low)

    def level(self, score: float) -> Level:
        if score >= self.high:
            return Level.HIGH
        if score >= self.accept:
            return Level.REVIEW
        if score >= self.low:
            return Level.LOW
        return Level.NONE


def database_indexes() -> dict[Kind, NameIndex]:
    """The equipment and exercise names of the database, indexed (three queries). Equipment
    gets its synonyms as aliases ("Power Rack" is the Squat Rack); exercises carry their
    equipment, which their names may leave out."""
    equipment = list(Equipment.objects.order_by("pk").values_list("pk", "name"))
    links: dict[int, list[str]] = {}
    for exercise_id, name in ExerciseEquipment.objects.order_by("pk").values_list(
        "exercise_id", "equipment__name"
    ):
        links.setdefault(exercise_id, []).append(name)
    return {
        "equipment": shared_index(
            (f"db:{pk}", name, equipment_synonyms(name)) for pk, name in equipment
        ),
        "exercise": shared_index(
            (f"db:{pk}", name, aliases if isinstance(aliases, list) else [], links.get(pk, []))
            for pk, name, aliases in Exercise.objects.order_by("pk").values_list(
                "pk", "name", "aliases"
            )
        ),
    }


def equipment_synonyms(name: str) -> list[str]:
    key = normalise(name)
    return [synonym for synonym, target in EQUIPMENT_SYNONYMS.items() if target == key]


# --- proposals --------------------------------------------------------------------------------


@dataclass
class Proposal:
    kind: Kind
    key: str
    name: str
    declared: bool
    uses: int
    level: Level
    best: Candidate | None
    alternatives: list[Candidate]
    default: str | None  # the decision when nobody chose: "db:…", "file:…", "new" or None

    @property
    def score(self) -> float:
        return self.best.score if self.best else 0.0

    @property
    def mapped(self) -> bool:
        """True when the proposal points at an existing (or file-declared) entity."""
        return self.level in (Level.EXACT, Level.ALIAS, Level.HIGH, Level.REVIEW)


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
    ) -> None:
        self.catalog = catalog
        self.athlete_id = athlete_id
        self.thresholds = thresholds or Thresholds.from_settings()
        self.db = database_indexes()
        names = _names_in(catalog)
        self.file: dict[Kind, NameIndex] = {"equipment": NameIndex(), "exercise": NameIndex()}
        aliases_by_key = {ex.name.casefold(): list(ex.aliases) for ex in catalog.exercises}
        # What the file says an exercise is done with: a declared exercise is mapped only to a
        # catalog exercise done with the same equipment.
        self.declared_equipment = {
            ex.name.casefold(): [link.name for link in ex.equipment] for ex in catalog.exercises
        }
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
        out = [self._one(kind, key, name, True, uses.get(key, 0)) for key, name in declared.items()]
        out += [self._one(kind, key, name, False, uses.get(key, 0)) for key, name in refs.items()]
        return out

    def _one(self, kind: Kind, key: str, name: str, declared: bool, uses: int) -> Proposal:
        db = self.db[kind]
        found = _exactly(db, key, name)
        if found is not None:
            level = Level.EXACT if found.score == 1.0 and found.via == "exact" else Level.ALIAS
            if found.via == "name":
                level = Level.HIGH  # the same words, spelt or ordered differently
            found = Candidate(
                found.ref, found.name, 1.0, "alias" if level is Level.ALIAS else "name"
            )
            return Proposal(kind, key, name, declared, uses, level, found, [], found.ref)
        ranked = db.ranked(name)
        if not declared:
            # A referenced-only name may mean something the file itself declares.
            in_file = _exactly(self.file[kind], key, name, exclude=f"file:{key}")
            if in_file is not None:
                found = Candidate(in_file.ref, in_file.name, 1.0, "alias")
                return Proposal(kind, key, name, declared, uses, Level.ALIAS, found, [], found.ref)
            ranked = sorted(
                ranked + self.file[kind].ranked(name, exclude=f"file:{key}"),
                key=lambda c: (-c.score, c.in_file is False, c.name),
            )
        automatic = [c for c in ranked if self._may_map(kind, key, declared, c)]
        if automatic:
            best = automatic[0]
            others = [c for c in ranked if c.ref != best.ref][:ALTERNATIVES]
            alternatives = [c for c in others if c.score >= ALTERNATIVE_FLOOR]
            level = self.thresholds.level(best.score)
            return Proposal(kind, key, name, declared, uses, level, best, alternatives, best.ref)
        suggested = _canonical_first(db, name, ranked) if kind == "exercise" else ranked
        suggested = [c for c in suggested if c.score >= ALTERNATIVE_FLOOR][:ALTERNATIVES]
        best = suggested[0] if suggested else (ranked[0] if ranked else None)
        level = (
            min(self.thresholds.level(best.score), Level.LOW, key=_LEVEL_ORDER.index)
            if best
            else Level.NONE
        )
        default = NEW if declared else None
        return Proposal(kind, key, name, declared, uses, level, best, suggested, default)

    def _may_map(self, kind: Kind, key: str, declared: bool, candidate: Candidate) -> bool:
        """Mapped without a coach only onto the same exercise, and only when close enough."""
        if not candidate.same_exercise:
            return False
        if self.thresholds.level(candidate.score) not in (Level.HIGH, Level.REVIEW):
            return False
        if kind == "equipment" or not declared:
            return True
        own = {equipment_key(e) for e in self.declared_equipment.get(key, [])}
        theirs = self.db[kind].equipment.get(candidate.ref, frozenset())
        return not own or not theirs or bool(own & theirs)

    # programs ---------------------------------------------------------------------------------

    def _program_scope(self) -> Any:
        if self.athlete_id is None:
            return ProgramTemplate.objects.filter(owner__isnull=True)
        return ProgramTemplate.objects.filter(owner_id=self.athlete_id)

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
            can_replace = clash is not None and self.athlete_id is not None and not clash.is_active
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
            "an existing global program"
            if self.athlete_id is None
            else "one of the athlete's programs"
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


_LEVEL_ORDER = [Level.NONE, Level.LOW, Level.REVIEW, Level.HIGH, Level.ALIAS, Level.EXACT]


def _exactly(
    index: NameIndex, key: str, name: str, *, exclude: str | None = None
) -> Candidate | None:
    """The entry named exactly so (via "exact"), by an alias ("alias"), or by the same words
    in another order or spelling ("name" or "alias", as the words were found)."""
    hit = index.exact.get(key)
    if hit and hit[0] != exclude:
        return Candidate(hit[0], hit[1], 1.0, "exact")
    hit = index.alias_exact.get(key)
    if hit and hit[0] != exclude:
        return Candidate(hit[0], hit[1], 1.0, "alias")
    same = index.same_words(name)
    return same if same is not None and same.ref != exclude else None


def _canonical_first(index: NameIndex, name: str, ranked: list[Candidate]) -> list[Candidate]:
    """A bare "Squat" is offered Back Squat first: what most people mean by the word."""
    target = CANONICAL_DEFAULTS.get(normalise(name))
    canonical = index.same_words(target) if target else None
    if canonical is None:
        return ranked
    score = similarity(normalise(name), normalise(canonical.name))
    first = Candidate(canonical.ref, canonical.name, round(score, 4), "name", ("default",))
    return [first] + [c for c in ranked if c.ref != canonical.ref]


def free_name(name: str, taken: set[str]) -> str:
    for n in range(2, 1000):
        suffix = f" ({n})"
        candidate = name[: PROGRAM_NAME_MAX - len(suffix)] + suffix
        if candidate.casefold() not in taken:
            return candidate
    return name  # pragma: no cover - 998 programs of one name


def propose_mapping(
    catalog: Catalog, *, athlete_id: int | None = None, thresholds: Thresholds | None = None
) -> MappingProposal:
    return MappingProposal(catalog, athlete_id=athlete_id, thresholds=thresholds)
