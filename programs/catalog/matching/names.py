"""One name against the catalog: the proposal for it, and the rules of when it is mapped.

Order of trust: exact name (ignoring case) → an alias → the same words in another order or
spelling → fuzzy match on normalised names (`score.py`). A fuzzy match is mapped without the
coach only when it is the *same exercise* (no word differs but typos and the candidate's own
equipment) and scores above the thresholds of the settings:

    score ≥ matching.high          mapped automatically              level "high"
    matching.accept ≤ score < high mapped, flagged for review        level "review"
    matching.low ≤ score < accept  offered as alternatives only      level "low"
    below                          "create new"                      level "none"

Anything else — "Kettlebell Windmill" for Kettlebell Swing, a bare "Squat" — is a suggestion
the coach confirms (level "low" at most), with the likeliest exercise first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Literal

from programs.catalog.matching.normalise import normalise
from programs.catalog.matching.score import (
    Candidate,
    NameIndex,
    equipment_key,
    shared_index,
    similarity,
)
from programs.catalog.matching.synonyms import (
    CANONICAL_DEFAULTS,
    EQUIPMENT_SYNONYMS,
    LOADING_EQUIPMENT,
)
from programs.models import Equipment, Exercise, owned_by
from settings_app.resolution import get_setting

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


def database_indexes(owner_id: int | None = None) -> dict[Kind, NameIndex]:
    """The equipment and exercise names of the database a coach may use (the global ones and
    `owner_id`'s own; never another coach's), indexed (two queries). Equipment gets its synonyms
    as aliases ("Power Rack" is the Squat Rack); exercises carry their equipment, which their
    names may leave out."""
    equipment = (
        Equipment.objects.filter(owned_by(owner_id)).order_by("pk").values_list("pk", "name")
    )
    return {
        "equipment": shared_index(
            (f"db:{pk}", name, equipment_synonyms(name)) for pk, name in equipment
        ),
        "exercise": shared_index(_exercise_entries(owner_id)),
    }


def _exercise_entries(owner_id: int | None) -> list[tuple[str, str, list[str], list[str]]]:
    # One row per exercise and piece of its equipment (a left join): one query, not two.
    visible = Exercise.objects.filter(owned_by(owner_id))
    rows = visible.order_by("pk", "equipment_links__pk").values_list(
        "pk", "name", "aliases", "equipment_links__equipment__name"
    )
    entries: dict[int, tuple[str, str, list[str], list[str]]] = {}
    for pk, name, aliases, equipment_name in rows:
        entry = entries.setdefault(
            pk, (f"db:{pk}", name, aliases if isinstance(aliases, list) else [], [])
        )
        if equipment_name:
            entry[3].append(equipment_name)
    return list(entries.values())


def equipment_synonyms(name: str) -> list[str]:
    key = normalise(name)
    return [synonym for synonym, target in EQUIPMENT_SYNONYMS.items() if normalise(target) == key]


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
class NameMatcher:
    """The database's names (and, for a catalog file, the file's own) against which names are
    proposed. Built once per import: two queries, then nothing per name."""

    thresholds: Thresholds
    # Whose catalog is matched against: the global rows plus this coach's own.
    owner_id: int | None = None
    db: dict[Kind, NameIndex] = field(default_factory=dict)
    file: dict[Kind, NameIndex] = field(
        default_factory=lambda: {"equipment": NameIndex(), "exercise": NameIndex()}
    )
    # What a file says a declared exercise is done with, by key.
    declared_equipment: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.db:
            self.db = database_indexes(self.owner_id)

    def propose(
        self, kind: Kind, key: str, name: str, *, declared: bool = False, uses: int = 0
    ) -> Proposal:
        def proposal(
            level: Level, best: Candidate | None, alts: list[Candidate], default: str | None
        ) -> Proposal:
            return Proposal(kind, key, name, declared, uses, level, best, alts, default)

        found = _exactly(self.db[kind], key, name)
        if found is not None and found.via != "exact" and declared:
            # Same name, but the file says it is done with other equipment: the coach decides.
            found = found if self._same_equipment(kind, key, found.ref) else None
        if found is None and not declared:
            # A referenced-only name may mean something the file itself declares.
            found = _exactly(self.file[kind], key, name, exclude=f"file:{key}")
        if found is not None:
            level = _exact_level(found)
            found = replace(found, via="alias" if level is Level.ALIAS else "name")
            return proposal(level, found, [], found.ref)
        ranked = self._ranked(kind, key, name, declared)
        automatic = [c for c in ranked if self._may_map(kind, key, declared, c)]
        if automatic:
            best = automatic[0]
            others = [c for c in ranked if c.ref != best.ref][:ALTERNATIVES]
            alternatives = [c for c in others if c.score >= ALTERNATIVE_FLOOR]
            return proposal(self.thresholds.level(best.score), best, alternatives, best.ref)
        suggested = [c for c in ranked if c.score >= ALTERNATIVE_FLOOR]
        if kind == "exercise":
            suggested = _canonical_first(self.db[kind], name, suggested)
        suggested = suggested[:ALTERNATIVES]
        first = suggested[0] if suggested else (ranked[0] if ranked else None)
        return proposal(self._suggestion_level(first), first, suggested, NEW if declared else None)

    def _ranked(self, kind: Kind, key: str, name: str, declared: bool) -> list[Candidate]:
        ranked = self.db[kind].ranked(name)
        if declared:
            return ranked
        return sorted(
            ranked + self.file[kind].ranked(name, exclude=f"file:{key}"),
            key=lambda c: (-c.score, c.in_file is False, c.name),
        )

    def _suggestion_level(self, best: Candidate | None) -> Level:
        """A suggestion is at most "low": whatever its score, the coach confirms it."""
        if best is None:
            return Level.NONE
        return min(self.thresholds.level(best.score), Level.LOW, key=_LEVEL_ORDER.index)

    def _may_map(self, kind: Kind, key: str, declared: bool, candidate: Candidate) -> bool:
        """Mapped without a coach only onto the same exercise, and only when close enough."""
        if not candidate.same_exercise:
            return False
        if self.thresholds.level(candidate.score) not in (Level.HIGH, Level.REVIEW):
            return False
        return not declared or self._same_equipment(kind, key, candidate.ref)

    def _same_equipment(self, kind: Kind, key: str, ref: str) -> bool:
        """Whether a declared exercise and a catalog one are loaded alike, as far as both say:
        a Hip Thrust the file does with dumbbells is not the catalog's barbell Hip Thrust."""
        if kind == "equipment" or ref.startswith("file:"):
            return True
        own = {equipment_key(e) for e in self.declared_equipment.get(key, [])}
        own &= LOADING_EQUIPMENT
        theirs = self.db[kind].equipment.get(ref, frozenset()) & LOADING_EQUIPMENT
        return not own or not theirs or bool(own & theirs)


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


def _exact_level(found: Candidate) -> Level:
    # "name": the same words as the name, spelt or ordered differently.
    return {"exact": Level.EXACT, "alias": Level.ALIAS}.get(found.via, Level.HIGH)


def _canonical_first(index: NameIndex, name: str, ranked: list[Candidate]) -> list[Candidate]:
    """A bare "Squat" is offered Back Squat first: what most people mean by the word."""
    target = CANONICAL_DEFAULTS.get(normalise(name))
    canonical = index.same_words(target) if target else None
    if canonical is None:
        return ranked
    score = similarity(normalise(name), normalise(canonical.name))
    first = Candidate(canonical.ref, canonical.name, round(score, 4), "name", ("default",))
    return [first] + [c for c in ranked if c.ref != canonical.ref]


def match_names(
    names: Iterable[str],
    *,
    kind: Kind = "exercise",
    thresholds: Thresholds | None = None,
    owner_id: int | None = None,
) -> list[Proposal]:
    """Proposals for names read from anywhere (a pasted plan, a workout log): each is mapped
    only onto the same exercise, otherwise offered suggestions. Two queries in all."""
    matcher = NameMatcher(thresholds or Thresholds.from_settings(), owner_id=owner_id)
    return [matcher.propose(kind, name.casefold(), name) for name in names]
