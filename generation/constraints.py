"""Hard rules every draft obeys, whichever engine wrote it.

    result = enforce(draft.catalog, packet, request)

returns the draft as it may be shown (names mapped, exercises the athlete cannot do replaced like
for like, tier rules applied, excess sets trimmed, set numbers restarting per exercise and day),
the warnings (what was changed, or what the coach should look at, each naming its exercise) and
the errors (what could not be fixed: a number out of range, no substitute for an exercise). An LLM
draft with errors gets a repair round; any draft with errors cannot be approved as is.

`enforce` is deterministic and idempotent: enforcing its own output changes nothing and only
repeats warnings that still apply (the injury warnings). It reads the exercise catalog and the
athlete's training maxes (four queries, settings included); it writes nothing.

Every limit, and the body part → exercise map behind the injury rule, is stated here once.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from programs.catalog.matching import Thresholds, normalise, shared_index, similarity
from programs.catalog.parse import FRACTION_MAX, PERCENT_MAX, PERCENT_MIN, json_number
from replog.jsondata import copy_json

if TYPE_CHECKING:
    from generation.engines.base import GenerationRequest
    from generation.packet import HealthFlag, Packet


@dataclass(frozen=True)
class Limits:
    """Every bound a draft is held to."""

    # reps by rep type: (min, max); null reps = AMRAP, allowed for "reps" and "each_side" only.
    reps: tuple[tuple[str, int, int], ...] = (
        ("reps", 1, 100),
        ("each_side", 1, 100),
        ("seconds", 1, 3_600),
        ("distance", 1, 10_000),  # metres
    )
    percent_min: Decimal = PERCENT_MIN
    percent_max: Decimal = PERCENT_MAX
    fraction_max: Decimal = FRACTION_MAX  # all percentages ≤ this → read as fractions
    rpe_min: Decimal = Decimal(1)
    rpe_max: Decimal = Decimal(10)
    max_sets_per_exercise: int = 12  # in one session (GZCL-style singles reach 12)
    max_vs_tm: Decimal = Decimal("1.10")  # an absolute load above 110 % of the TM
    max_absolute: tuple[tuple[str, Decimal], ...] = (("lbs", Decimal(1000)), ("kg", Decimal(455)))
    # Foundational tier: bodyweight, bands, light dumbbells; 1 set of 15–20 per exercise.
    foundational_sets: int = 1
    foundational_reps: tuple[int, int] = (15, 20)
    light_max: tuple[tuple[str, Decimal], ...] = (("lbs", Decimal(25)), ("kg", Decimal(12)))
    light_rpe: Decimal = Decimal(6)  # target RPE of a load converted to "light"

    def rep_bounds(self, rep_type: str) -> tuple[int, int]:
        for kind, low, high in self.reps:
            if kind == rep_type:
                return low, high
        return self.reps[0][1], self.reps[0][2]

    def absolute_max(self, unit: str) -> Decimal:
        return dict(self.max_absolute).get(unit, self.max_absolute[0][1])

    def light(self, unit: str) -> Decimal:
        return dict(self.light_max).get(unit, self.light_max[0][1])


LIMITS = Limits()


@dataclass(frozen=True)
class JointLoad:
    """Exercises that load a body part: by movement pattern (warned), and by name keyword — the
    riskiest ones, swapped for a same-pattern exercise without that risk when one exists."""

    patterns: frozenset[str]
    high_risk: tuple[str, ...]


# The one body part → exercise map (body parts as athletes.stats.BODY_PARTS names them).
INJURY_MAP: dict[str, JointLoad] = {
    "knee": JointLoad(
        frozenset({"squat", "lunge", "olympic", "run"}),
        ("jump", "hop", "bound", "depth", "pistol", "deep squat", "lunge", "split squat",
         "skater", "sissy", "cossack", "sprint"),
    ),
    "hip": JointLoad(
        frozenset({"squat", "hinge", "lunge", "olympic"}),
        ("deep squat", "sumo", "cossack", "lateral lunge", "split squat", "sprint"),
    ),
    "back": JointLoad(
        frozenset({"squat", "hinge", "olympic", "carry"}),
        ("deadlift", "good morning", "back squat", "front squat", "zercher", "barbell row",
         "pendlay", "sit-up", "russian twist", "clean", "snatch", "jerk"),
    ),
    "shoulder": JointLoad(
        frozenset({"vertical_push", "horizontal_push", "vertical_pull", "olympic"}),
        ("overhead", "snatch", "jerk", "dip", "handstand", "behind the neck", "kipping",
         "push press", "pullover", "upright row", "plyometric push-up"),
    ),
    "elbow": JointLoad(
        frozenset({"horizontal_push", "vertical_push", "horizontal_pull", "vertical_pull"}),
        ("skull", "dip", "close-grip", "close grip", "chin-up", "triceps"),
    ),
    "wrist": JointLoad(
        frozenset({"horizontal_push", "vertical_push", "olympic"}),
        ("front squat", "clean", "snatch", "push-up", "handstand", "front rack", "wall ball"),
    ),
    "ankle": JointLoad(
        frozenset({"plyometric", "run", "lunge", "olympic"}),
        ("jump", "hop", "bound", "sprint", "depth", "skip", "jump rope", "shuttle",
         "agility", "cone", "carioca", "ladder"),
    ),
    "hamstring": JointLoad(
        frozenset({"hinge", "run"}),
        ("sprint", "nordic", "romanian", "stiff", "glute-ham", "good morning", "hamstring curl"),
    ),
    "groin": JointLoad(
        frozenset({"lunge"}),
        ("lateral lunge", "cossack", "sumo", "copenhagen", "adductor", "sprint"),
    ),
    "calf": JointLoad(
        frozenset({"run", "plyometric"}), ("jump", "hop", "bound", "sprint", "calf raise")
    ),
    "foot": JointLoad(
        frozenset({"run", "plyometric"}), ("jump", "hop", "bound", "sprint", "skip")
    ),
    "shin": JointLoad(
        frozenset({"run", "plyometric"}), ("jump", "hop", "bound", "sprint", "tibialis")
    ),
    "neck": JointLoad(frozenset({"olympic"}), ("shrug", "behind the neck", "neck", "zercher")),
    "head": JointLoad(frozenset(), ("depth", "tuck jump")),
}  # fmt: skip

# For a name nobody knows: its movement pattern guessed from its words (first hit wins).
PATTERN_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("clean", "olympic"),
    ("snatch", "olympic"),
    ("jerk", "olympic"),
    ("jump", "plyometric"),
    ("hop", "plyometric"),
    ("bound", "plyometric"),
    ("throw", "plyometric"),
    ("lunge", "lunge"),
    ("split squat", "lunge"),
    ("step-up", "lunge"),
    ("step up", "lunge"),
    ("squat", "squat"),
    ("deadlift", "hinge"),
    ("rdl", "hinge"),
    ("hinge", "hinge"),
    ("swing", "hinge"),
    ("bridge", "hinge"),
    ("thrust", "hinge"),
    ("good morning", "hinge"),
    ("bench", "horizontal_push"),
    ("push-up", "horizontal_push"),
    ("push up", "horizontal_push"),
    ("pushup", "horizontal_push"),
    ("chest press", "horizontal_push"),
    ("floor press", "horizontal_push"),
    ("overhead", "vertical_push"),
    ("shoulder press", "vertical_push"),
    ("military", "vertical_push"),
    ("dip", "vertical_push"),
    ("pull-up", "vertical_pull"),
    ("pull up", "vertical_pull"),
    ("pullup", "vertical_pull"),
    ("chin", "vertical_pull"),
    ("pulldown", "vertical_pull"),
    ("row", "horizontal_pull"),
    ("face pull", "horizontal_pull"),
    ("carry", "carry"),
    ("walk", "carry"),
    ("plank", "core"),
    ("crunch", "core"),
    ("sit-up", "core"),
    ("twist", "core"),
    ("rollout", "core"),
    ("raise", "core"),
    ("sprint", "run"),
    ("run", "run"),
    ("shuttle", "run"),
    ("bike", "conditioning"),
    ("burpee", "conditioning"),
    ("sled", "conditioning"),
    ("stretch", "mobility"),
    ("mobility", "mobility"),
)

_YOUTH = "youth"
_FOUNDATIONAL = "foundational"
_LOADED_REP_TYPES = ("reps", "each_side")


@dataclass
class ConstraintResult:
    catalog: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    # Draft name → the catalog exercise now in its place (mapped or substituted).
    replaced: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class _Exercise:
    name: str
    pattern: str
    tier: str
    equipment: tuple[str, ...]  # required equipment


def _words(phrase: str) -> re.Pattern[str]:
    escaped = re.escape(phrase.casefold()).replace(r"\ ", r"[\s-]+").replace(r"\-", r"[\s-]?")
    return re.compile(rf"(?<![a-z]){escaped}(?:e?s)?(?![a-z])")  # plurals: "Box Jumps"


_KEYWORD_RES: dict[str, re.Pattern[str]] = {
    phrase: _words(phrase)
    for phrase in {k for load in INJURY_MAP.values() for k in load.high_risk}
    | {k for k, _ in PATTERN_KEYWORDS}
}


def _has(name: str, phrase: str) -> bool:
    return bool(_KEYWORD_RES[phrase].search(name.casefold()))


def high_risk_for(name: str, part: str) -> str | None:
    """The keyword that makes `name` high-risk for a body part, if any."""
    load = INJURY_MAP.get(part)
    if load is None:
        return None
    return next((k for k in load.high_risk if _has(name, k)), None)


def loads_part(name: str, pattern: str, part: str) -> bool:
    load = INJURY_MAP.get(part)
    if load is None:
        return False
    return pattern in load.patterns or high_risk_for(name, part) is not None


def guess_pattern(name: str) -> str:
    return next((p for k, p in PATTERN_KEYWORDS if _has(name, k)), "")


def _dec(value: Any) -> Decimal | None:
    """A JSON number as Decimal; None for null; raises ValueError for anything else."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ValueError  # "75" is not a number in CatalogJSON either
    try:
        result = Decimal(str(value))
    except InvalidOperation:
        raise ValueError from None
    if not result.is_finite():
        raise ValueError
    return result


def _fmt(value: Decimal | int | float) -> str:
    return str(json_number(value))


def _flag_source(flag: HealthFlag) -> str:
    text = flag.text if len(flag.text) <= 120 else flag.text[:119].rstrip() + "…"
    return f"{flag.source} of {flag.date:%Y-%m-%d}: “{text}”"


class _Enforcer:
    def __init__(self, packet: Packet, request: GenerationRequest | None, limits: Limits) -> None:
        self.packet = packet
        self.request = request
        self.t = limits
        self.warnings: list[str] = []
        self.errors: list[str] = []
        self.replaced: dict[str, str] = {}
        self.neighbours: defaultdict[str, set[str]] = defaultdict(set)
        self.by_percentage: set[str] = set()
        self.unit = packet.profile.weight_unit or "lbs"
        self.first_name = (packet.profile.name.split() or ["The athlete"])[0]
        self.youth = packet.profile.audience == _YOUTH
        self.foundational = packet.profile.tier == _FOUNDATIONAL
        # What the athlete can do, from the packet (equipment-filtered at packet time).
        self.available: dict[str, _Exercise] = {}
        for pattern, tiers in packet.catalog.available.items():
            for tier, names in tiers.items():
                for name in names:
                    self.available[name.casefold()] = _Exercise(
                        name, "" if pattern == "other" else pattern,
                        "" if tier == "general" else tier, (),
                    )  # fmt: skip
        self._load_catalog()
        self._load_training_maxes()
        self.flags: dict[str, list[HealthFlag]] = defaultdict(list)
        for flag in packet.notes.health_flags:
            for part in flag.body_parts:
                if part in INJURY_MAP:
                    self.flags[part].append(flag)

    # -- data -----------------------------------------------------------------------------------

    def _load_catalog(self) -> None:
        from programs.models import Exercise, ExerciseEquipment

        required: dict[int, list[str]] = defaultdict(list)
        for ex_id, eq_name in ExerciseEquipment.objects.filter(optional=False).values_list(
            "exercise_id", "equipment__name"
        ):
            required[ex_id].append(eq_name)
        self.catalog: dict[str, _Exercise] = {}
        self.exact: dict[str, str] = {}  # name or alias (casefold) → catalog name (casefold)
        aliases_of: list[tuple[str, list[str]]] = []
        entries: list[tuple[str, str, list[str]]] = []
        for ex_id, name, pattern, tier, aliases in Exercise.objects.order_by("name").values_list(
            "id", "name", "movement_pattern", "tier", "aliases"
        ):
            key = name.casefold()
            self.catalog[key] = _Exercise(name, pattern, tier, tuple(sorted(required[ex_id])))
            self.exact[key] = key
            clean = [a for a in aliases or [] if isinstance(a, str) and a.strip()]
            aliases_of.append((key, clean))
            entries.append((key, name, clean))
        self.index = shared_index(entries)
        for key, aliases in aliases_of:
            for alias in aliases:
                self.exact.setdefault(alias.strip().casefold(), key)
        for key in list(self.available):
            # The packet is the authority on what the athlete can do; the catalog on the rest.
            known = self.catalog.get(key)
            if known is not None:
                self.available[key] = known
        self.thresholds = Thresholds.from_settings()

    def _load_training_maxes(self) -> None:
        from athletes.models import TrainingMax

        self.tms: dict[str, Decimal] = {}
        for e in self.packet.exercises:
            if e.current_tm is not None:
                self.tms[e.name.casefold()] = Decimal(str(e.current_tm))
        rows = (
            TrainingMax.objects.filter(
                athlete_id=self.packet.meta.athlete_id,
                effective_date__lte=self.packet.meta.generated_on,
            )
            .order_by("exercise_id", "-effective_date")
            .values_list("exercise_id", "exercise__name", "weight")
        )
        seen: set[int] = set()
        for ex_id, name, weight in rows:
            if ex_id not in seen:
                seen.add(ex_id)
                self.tms.setdefault(name.casefold(), Decimal(weight))

    def _replace(self, old: str, new: str) -> None:
        # Kept flat: a name mapped to an alias' exercise and then swapped for an injury points
        # straight at the exercise that is in the program now.
        for source, target in self.replaced.items():
            if target == old:
                self.replaced[source] = new
        self.replaced[old] = new

    def meta(self, key: str) -> _Exercise | None:
        return self.catalog.get(key) or self.available.get(key)

    # -- the whole program -----------------------------------------------------------------------

    def run(self, catalog: Any) -> dict[str, Any]:
        if not isinstance(catalog, dict):
            self.errors.append("The draft is not a CatalogJSON document.")
            return {}
        doc = copy_json(catalog)
        programs = doc.get("programs")
        if not isinstance(programs, list) or not programs or not isinstance(programs[0], dict):
            self.errors.append("The draft holds no program.")
            return doc
        if len(programs) > 1:
            self.warnings.append(
                f"The draft held {len(programs)} programs; only the first one is kept."
            )
            doc["programs"] = programs[:1]
        program: dict[str, Any] = doc["programs"][0]
        rows = program.get("prescribed_sets")
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            self.errors.append("The program's prescribed_sets must be a list of sets.")
            return doc
        if not rows:
            self.errors.append("The program has no sets.")
            return doc
        self._shape(program)
        self._percentage_unit(program, rows)
        rows = self._names(rows)
        rows = self._injuries(rows)
        rows = self._loads(rows)
        self._bounds(rows, program)
        rows = self._counts(rows)
        self._empty_sessions(rows)
        program["prescribed_sets"] = self._renumber(rows)
        self._rules(program)
        return doc

    def _shape(self, program: dict[str, Any]) -> None:
        request = self.request
        if request is None:
            return
        for key, wanted, label in (
            ("num_weeks", request.weeks, "weeks"),
            ("num_days", request.days_per_week, "days a week"),
        ):
            got = program.get(key)
            if got != wanted:
                self.errors.append(
                    f"The program has {got!r} {label}; the coach asked for {wanted}: "
                    f"set {key} to {wanted} and give every week and day its sets."
                )
        if program.get("is_loop") is not request.is_loop:
            kind = "a loop" if request.is_loop else "a fixed block"
            self.warnings.append(f"The coach asked for {kind}: is_loop set to {request.is_loop}.")
            program["is_loop"] = request.is_loop
        if str(program.get("name", "")).strip() != request.program_name.strip():
            program["name"] = request.program_name.strip()
        audience = self.packet.profile.audience
        if audience and program.get("audience") != audience:
            program["audience"] = audience

    def _percentage_unit(self, program: dict[str, Any], rows: list[dict[str, Any]]) -> None:
        values: list[tuple[dict[str, Any], Decimal]] = []
        for row in rows:
            try:
                pct = _dec(row.get("percentage"))
            except ValueError:
                continue  # reported by _bounds
            if pct is not None:
                values.append((row, pct))
        if not values or not all(0 <= p <= self.t.fraction_max for _, p in values):
            return
        for row, pct in values:
            row["percentage"] = json_number(
                (pct * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            )
        example = values[0][1]
        self.warnings.append(
            f"All {len(values)} percentages of {program.get('name', 'the program')!r} are "
            f"{_fmt(self.t.fraction_max)} or less, so they were read as fractions of the training "
            f"max and multiplied by 100 ({_fmt(example)} → {_fmt(example * 100)} %). "
            "Check the loads before approving."
        )

    # -- exercises ------------------------------------------------------------------------------

    def _names(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        names: dict[str, str] = {}
        for row in rows:
            name = " ".join(str(row.get("exercise") or "").split())
            row["exercise"] = name
            names.setdefault(name.casefold(), name)
        self._sessions(rows)
        final: dict[str, str | None] = {}
        for key, name in sorted(names.items()):
            if not name:
                self.errors.append("A set has no exercise name.")
                final[key] = None
                continue
            final[key] = self._resolve(name)
        out = []
        for row in rows:
            target = final.get(row["exercise"].casefold())
            if target is None:
                continue
            if target != row["exercise"]:
                self._replace(row["exercise"], target)
                row["exercise"] = target
            out.append(row)
        return out

    def _sessions(self, rows: list[dict[str, Any]]) -> None:
        """Who trains with whom, and what is loaded by percentage: what a substitute is
        chosen by."""
        self.neighbours = _neighbours(rows)
        self.by_percentage = {
            r["exercise"].casefold() for r in rows if _safe_dec(r.get("percentage")) is not None
        }

    def _resolve(self, name: str) -> str | None:
        """The catalog exercise the athlete will do in place of `name`; None = no way (error)."""
        key = name.casefold()
        found = self.exact.get(key)
        if found is None and key in self.available:
            found = key
        if found is None:
            ranked = self.index.ranked(name, limit=3)
            best = ranked[0] if ranked else None
            if best is not None and best.score >= self.thresholds.high:
                found = best.ref  # the index's refs are catalog keys
                self.warnings.append(
                    f"“{name}” is not a catalog name; mapped to {self.catalog[found].name} "
                    f"(name match {round(best.score * 100)} %)."
                )
            else:
                pattern = ""
                if best is not None and best.score >= self.thresholds.low:
                    pattern = self.catalog[best.ref].pattern
                pattern = pattern or guess_pattern(name)
                sub = self._substitute(name, pattern, "", origin=key)
                if sub is None:
                    self.errors.append(
                        f"“{name}” is not in the exercise catalog and no "
                        f"{pattern.replace('_', ' ') or 'like-for-like'} exercise "
                        f"{self.first_name} can do replaces it: use a catalog exercise."
                    )
                    return None
                self.warnings.append(
                    f"“{name}” is not in the exercise catalog; replaced by {sub.name} "
                    f"(same movement pattern: {pattern.replace('_', ' ')})."
                )
                return sub.name
        ex = self.meta(found)
        assert ex is not None
        if found not in self.available:
            lacking = ", ".join(ex.equipment) or "equipment"
            sub = self._substitute(ex.name, ex.pattern, ex.tier, origin=key)
            if sub is None:
                self.errors.append(
                    f"{ex.name} needs equipment {self.first_name} does not have ({lacking}) and "
                    f"no {ex.pattern.replace('_', ' ') or 'like-for-like'} exercise they can do "
                    "replaces it."
                )
                return None
            self.warnings.append(
                f"{ex.name} needs equipment {self.first_name} does not have ({lacking}); "
                f"replaced by {sub.name} (same movement pattern: {ex.pattern.replace('_', ' ')})."
            )
            ex = sub
        if self.foundational and ex.tier != _FOUNDATIONAL:
            sub = self._substitute(ex.name, ex.pattern, _FOUNDATIONAL, origin=key)
            if sub is None:
                self.errors.append(
                    f"{ex.name} is not a foundational exercise and no foundational "
                    f"{ex.pattern.replace('_', ' ') or 'like-for-like'} exercise {self.first_name} "
                    "can do replaces it (foundational tier: bodyweight, bands, light dumbbells)."
                )
                return None
            self.warnings.append(
                f"{ex.name} replaced by {sub.name}: {self.first_name} is in the foundational tier "
                f"(bodyweight, bands, light dumbbells); same movement pattern "
                f"({ex.pattern.replace('_', ' ')})."
            )
            ex = sub
        return ex.name

    def _substitute(self, name: str, pattern: str, tier: str, *, origin: str) -> _Exercise | None:
        """The athlete's best like-for-like for `name` (whose sets are written under `origin`):
        same movement pattern, possible with their equipment, right for their tier; preferring
        one not already in the same sessions, not high-risk for a flagged body part, with a
        training max when the sets are loaded by percentage, of the same tier, with the closest
        name. The choice joins those sessions, so the next substitute avoids it."""
        if not pattern:
            return None
        used = self.neighbours[origin]
        needs_tm = origin in self.by_percentage
        target = normalise(name)
        options = []
        for key, ex in self.available.items():
            if ex.pattern != pattern or key == name.casefold():
                continue
            if self.foundational and ex.tier != _FOUNDATIONAL:
                continue
            options.append(
                (
                    key in used,
                    any(high_risk_for(ex.name, part) for part in self.flags),
                    needs_tm and key not in self.tms,
                    ex.tier != tier,
                    -similarity(target, normalise(ex.name)),
                    ex.name.casefold(),
                    ex,
                )
            )
        if not options:
            return None
        best = min(options, key=lambda o: o[:6])[6]
        chosen = best.name.casefold()
        for other in used:
            self.neighbours[other].add(chosen)
        self.neighbours[chosen] |= used
        if needs_tm:
            self.by_percentage.add(chosen)
        return best

    # -- injuries -------------------------------------------------------------------------------

    def _safe_substitute(
        self, name: str, pattern: str, tier: str, *, origin: str
    ) -> _Exercise | None:
        """A substitute that spares every flagged body part and can carry the prescription (a
        training max for percentage sets): anything less is not worth taking the exercise
        the coach or the model chose away, and the rows keep a warning instead."""
        saved = {k: set(v) for k, v in self.neighbours.items()}, set(self.by_percentage)
        sub = self._substitute(name, pattern, tier, origin=origin)
        unsafe = sub is not None and any(high_risk_for(sub.name, p) for p in self.flags)
        untethered = (
            sub is not None
            and origin in self.by_percentage
            and origin in self.tms
            and sub.name.casefold() not in self.tms
        )
        if sub is None or unsafe or untethered:
            self.neighbours = defaultdict(set, saved[0])
            self.by_percentage = saved[1]
            return None
        return sub

    def _injuries(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if not self.flags:
            return rows
        names = sorted({r["exercise"] for r in rows}, key=str.casefold)
        self._sessions(rows)
        swaps: dict[str, str] = {}
        for name in names:
            key = name.casefold()
            ex = self.meta(key)
            pattern = ex.pattern if ex else ""
            for part, flags in sorted(self.flags.items()):
                keyword = high_risk_for(name, part)
                if keyword is None:
                    continue
                sub = self._safe_substitute(name, pattern, ex.tier if ex else "", origin=key)
                if sub is None:
                    continue  # no safe like-for-like: the warning below stays on its rows
                swaps[name] = sub.name
                self._replace(name, sub.name)
                self.warnings.append(
                    f"{name} replaced by {sub.name}: “{keyword}” loads the {part} "
                    f"({_flag_source(flags[0])}); same movement pattern "
                    f"({pattern.replace('_', ' ')})."
                )
                break
        for row in rows:
            row["exercise"] = swaps.get(row["exercise"], row["exercise"])
        for name in sorted({r["exercise"] for r in rows}, key=str.casefold):
            ex = self.meta(name.casefold())
            pattern = ex.pattern if ex else ""
            for part, flags in sorted(self.flags.items()):
                if loads_part(name, pattern, part):
                    self.warnings.append(
                        f"{name} loads the {part} — {_flag_source(flags[0])}. "
                        "Check it before approving."
                    )
        return rows

    # -- loading and tier rules -----------------------------------------------------------------

    def _loads(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        converted: dict[str, int] = defaultdict(int)
        lightened: dict[str, int] = defaultdict(int)
        reps_set: dict[str, int] = defaultdict(int)
        no_tm: dict[str, int] = defaultdict(int)
        light = self.t.light(self.unit)
        low, high = self.t.foundational_reps
        for row in rows:
            name = row["exercise"]
            key = name.casefold()
            try:
                pct = _dec(row.get("percentage"))
                absolute = _dec(row.get("absolute_weight"))
            except ValueError:
                continue  # reported by _bounds
            has_tm = key in self.tms
            if pct is not None and (self.foundational or (self.youth and not has_tm)):
                converted[name] += 1
                ex = self.meta(key)
                row["percentage"] = None
                row["absolute_weight"] = 0 if ex is not None and not ex.equipment else None
                rpe = _safe_dec(row.get("target_rpe"))
                if rpe is None or rpe > self.t.light_rpe:
                    row["target_rpe"] = json_number(self.t.light_rpe)
                row["notes"] = _add_note(row.get("notes"), "light load, technique first")
            elif pct is not None and not has_tm:
                no_tm[name] += 1
            if self.foundational and absolute is not None and absolute > light:
                lightened[name] += 1
                row["absolute_weight"] = json_number(light)
            rep_type = row.get("rep_type") or "reps"
            if self.foundational and rep_type in _LOADED_REP_TYPES:
                reps = row.get("reps")
                if reps is None or (isinstance(reps, int) and not low <= reps <= high):
                    reps_set[name] += 1
                    row["reps"] = high if reps is None or reps > high else low
        who = f"{self.first_name} is"
        for name, n in sorted(converted.items()):
            why = (
                "in the foundational tier (bodyweight, bands, light dumbbells)"
                if self.foundational
                else f"a youth athlete with no training max for {name}"
            )
            self.warnings.append(
                f"{name}: {n} set{'s' if n != 1 else ''} loaded by percentage changed to a light "
                f"technique load (target RPE ≤ {_fmt(self.t.light_rpe)}) — {who} {why}."
            )
        for name, n in sorted(lightened.items()):
            self.warnings.append(
                f"{name}: load lowered to {_fmt(light)} {self.unit} on {n} set"
                f"{'s' if n != 1 else ''} — foundational tier uses light dumbbells."
            )
        for name, n in sorted(reps_set.items()):
            self.warnings.append(
                f"{name}: reps set to {low}–{high} on {n} set{'s' if n != 1 else ''} — "
                f"foundational tier trains 1×{low}–{high}."
            )
        for name in sorted(no_tm):
            self.warnings.append(
                f"{name} is loaded by percentage but {self.first_name} has no training max for "
                f"it: record one before the first session, or the sets have no target weight."
            )
        return rows

    def _bounds(self, rows: list[dict[str, Any]], program: dict[str, Any]) -> None:
        t = self.t
        weeks = _whole(program.get("num_weeks"))
        days = _whole(program.get("num_days"))
        rep_types = {kind for kind, _, _ in t.reps}
        for row in rows:
            where = _where(row)
            key = row["exercise"].casefold()
            for field_name, top in (("week", weeks), ("day", days)):
                value = _whole(row.get(field_name))
                if value is None or value < 1 or (top is not None and value > top):
                    self.errors.append(
                        f"{where}: {field_name} {row.get(field_name)!r} is not within the "
                        f"program's {field_name}s (1–{top if top is not None else '?'})."
                    )
            rep_type = row.get("rep_type") or "reps"
            if not isinstance(rep_type, str) or rep_type not in rep_types:
                self.errors.append(
                    f"{where}: rep type {rep_type!r} is not one of {', '.join(sorted(rep_types))}."
                )
                continue
            reps = row.get("reps")
            low, high = t.rep_bounds(str(rep_type))
            if reps is None:
                if rep_type not in _LOADED_REP_TYPES:
                    self.errors.append(
                        f"{where}: reps is null (AMRAP) on a {rep_type} set; give the "
                        f"{'seconds' if rep_type == 'seconds' else 'metres'}."
                    )
            elif isinstance(reps, bool) or not isinstance(reps, int):
                self.errors.append(f"{where}: reps must be a whole number or null (AMRAP).")
            elif not low <= reps <= high:
                self.errors.append(
                    f"{where}: reps {reps} is outside {low}–{high} for rep type {rep_type}."
                )
            for field_name in ("percentage", "absolute_weight", "target_rpe"):
                try:
                    _dec(row.get(field_name))
                except ValueError:
                    self.errors.append(f"{where}: {field_name} must be a number or null.")
            pct = _safe_dec(row.get("percentage"))
            if pct is not None and not t.percent_min <= pct <= t.percent_max:
                self.errors.append(
                    f"{where}: percentage {_fmt(pct)} % is outside "
                    f"{_fmt(t.percent_min)}–{_fmt(t.percent_max)} % of the training max "
                    "(whole percent: 75 means 75 %)."
                )
            rpe = _safe_dec(row.get("target_rpe"))
            if rpe is not None and not t.rpe_min <= rpe <= t.rpe_max:
                self.errors.append(f"{where}: target RPE {_fmt(rpe)} is outside 1–10.")
            absolute = _safe_dec(row.get("absolute_weight"))
            if absolute is not None:
                tm = self.tms.get(key)
                ceiling = t.absolute_max(self.unit)
                if absolute < 0:
                    self.errors.append(f"{where}: absolute weight {_fmt(absolute)} is negative.")
                elif tm is not None and absolute > tm * t.max_vs_tm:
                    self.errors.append(
                        f"{where}: {_fmt(absolute)} {self.unit} is more than "
                        f"{_fmt(t.max_vs_tm * 100)} % of the training max ({_fmt(tm)} "
                        f"{self.unit})."
                    )
                elif absolute > ceiling:
                    self.errors.append(
                        f"{where}: {_fmt(absolute)} {self.unit} is not a plausible load "
                        f"(more than {_fmt(ceiling)} {self.unit})."
                    )

    def _counts(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        sessions: dict[tuple[Any, Any], list[dict[str, Any]]] = defaultdict(list)
        for row in rows:
            sessions[_session(row)].append(row)
        keep: set[int] = set()
        max_sets = self.t.foundational_sets if self.foundational else self.t.max_sets_per_exercise
        cut_sets: dict[str, int] = defaultdict(int)
        for (week, day), session in sorted(sessions.items(), key=lambda kv: _sort_key(kv[0])):
            blocks: dict[str, list[dict[str, Any]]] = {}
            for row in sorted(session, key=_row_order):
                blocks.setdefault(row["exercise"].casefold(), []).append(row)
            limit = self.request.max_exercises_per_day if self.request else len(blocks)
            names = list(blocks)
            if len(names) > limit:
                dropped = [blocks[k][0]["exercise"] for k in names[limit:]]
                self.warnings.append(
                    f"Week {week} day {day}: {len(names)} exercises; at most {limit} a day — "
                    f"{', '.join(dropped)} left out."
                )
                names = names[:limit]
            for k in names:
                block = blocks[k]
                if len(block) > max_sets:
                    cut_sets[block[0]["exercise"]] += len(block) - max_sets
                    block = block[:max_sets]
                keep.update(id(r) for r in block)
        for name, n in sorted(cut_sets.items()):
            rule = (
                f"foundational tier: {max_sets} set per exercise"
                if self.foundational
                else f"at most {max_sets} sets per exercise in a session"
            )
            self.warnings.append(f"{name}: {n} set{'s' if n != 1 else ''} left out — {rule}.")
        return [r for r in rows if id(r) in keep]

    def _empty_sessions(self, rows: list[dict[str, Any]]) -> None:
        if self.request is None:
            return
        filled = {_session(r) for r in rows}
        empty = [
            f"W{w}D{d}"
            for w in range(1, self.request.weeks + 1)
            for d in range(1, self.request.days_per_week + 1)
            if (w, d) not in filled
        ]
        if empty:
            shown = ", ".join(empty[:12]) + (" …" if len(empty) > 12 else "")
            self.errors.append(
                f"{len(empty)} session(s) of the requested {self.request.weeks} weeks × "
                f"{self.request.days_per_week} days have no sets: {shown}."
            )

    def _renumber(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Set numbers restart at 1 per exercise and day; one sort order per exercise and day
        (a swap may have merged two exercises' sets)."""
        groups: dict[tuple[Any, Any, str], list[dict[str, Any]]] = defaultdict(list)
        for row in rows:
            groups[(*_session(row), row["exercise"].casefold())].append(row)
        for group in groups.values():
            orders = [o for o in (r.get("sort_order") for r in group) if isinstance(o, int)]
            order = min(orders) if orders else 0
            for number, row in enumerate(sorted(group, key=_row_order), start=1):
                row["set_number"] = number
                row["sort_order"] = order
        return sorted(
            rows,
            key=lambda r: (
                _sort_key(_session(r)),
                _row_order(r)[0],
                r["exercise"].casefold(),
                r["set_number"],
            ),
        )

    def _rules(self, program: dict[str, Any]) -> None:
        rules = program.get("progression_rules")
        if not isinstance(rules, list):
            program["progression_rules"] = []
            return
        in_sets = {r["exercise"].casefold(): r["exercise"] for r in program["prescribed_sets"]}
        kept: list[dict[str, Any]] = []
        seen: set[str] = set()
        for rule in rules:
            if not isinstance(rule, dict):
                continue
            name = " ".join(str(rule.get("exercise") or "").split())
            name = self.replaced.get(name, name)
            key = name.casefold()
            mapped = self.exact.get(key)
            if key not in in_sets and mapped is not None:
                key = mapped
            if key not in in_sets:
                self.warnings.append(
                    f"Progression rule for {name or '(no name)'} dropped: no set of it is in "
                    "the program."
                )
                continue
            if key in seen:
                continue  # two rules collapsed onto one exercise by a swap: keep the first
            seen.add(key)
            kept.append({**rule, "exercise": in_sets[key]})
        program["progression_rules"] = kept


def _session(row: dict[str, Any]) -> tuple[Any, Any]:
    """(week, day) as a dict key, whatever the draft put there (the parser reports bad types)."""

    def key(value: Any) -> Any:
        return value if isinstance(value, int | float | str | None) else repr(value)

    return key(row.get("week")), key(row.get("day"))


def _neighbours(rows: list[dict[str, Any]]) -> defaultdict[str, set[str]]:
    """Exercise (casefold) → the other exercises in the sessions where it appears."""
    by_session: dict[tuple[Any, Any], set[str]] = defaultdict(set)
    for row in rows:
        by_session[_session(row)].add(row["exercise"].casefold())
    out: defaultdict[str, set[str]] = defaultdict(set)
    for names in by_session.values():
        for name in names:
            out[name] |= names
    for name, others in out.items():
        others.discard(name)
    return out


def _whole(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _safe_dec(value: Any) -> Decimal | None:
    try:
        return _dec(value)
    except ValueError:
        return None


def _add_note(notes: Any, text: str) -> str:
    current = str(notes or "").strip()
    if text in current:
        return current
    return f"{current}; {text}"[:500] if current else text


def _sort_key(session: tuple[Any, Any]) -> tuple[int, int]:
    week, day = session
    return (
        week if isinstance(week, int) and not isinstance(week, bool) else 0,
        day if isinstance(day, int) and not isinstance(day, bool) else 0,
    )


def _row_order(row: dict[str, Any]) -> tuple[int, int]:
    order = row.get("sort_order")
    number = row.get("set_number")
    return (
        order if isinstance(order, int) and not isinstance(order, bool) else 0,
        number if isinstance(number, int) and not isinstance(number, bool) else 0,
    )


def _where(row: dict[str, Any]) -> str:
    return (
        f"Week {row.get('week')} day {row.get('day')}, {row.get('exercise')} set "
        f"{row.get('set_number')}"
    )


def enforce(
    catalog: dict[str, Any],
    packet: Packet,
    request: GenerationRequest | None = None,
    *,
    limits: Limits = LIMITS,
) -> ConstraintResult:
    """The draft as the athlete may get it, with what changed (warnings) and what blocks it
    (errors). Never raises on a malformed draft: that is an error in the result."""
    from settings_app.resolution import settings_scope

    with settings_scope():
        enforcer = _Enforcer(packet, request, limits)
        result = enforcer.run(catalog)
    warnings = list(dict.fromkeys(enforcer.warnings))
    errors = list(dict.fromkeys(enforcer.errors))
    return ConstraintResult(result, warnings, errors, dict(enforcer.replaced))
