"""The built-in rules engine: deterministic, explainable, always available.

The next block is derived from a starting program and the athlete's packet, rule by rule:

1. **Start** from a reference program the coach named, else the current program, else the most
   recent earlier one, else the global template that fits the athlete best (scored on audience,
   tier, goal, days and equipment), else a full-body base built from the catalog.
2. **Equipment and tier**: an exercise the athlete cannot do (equipment they lack; for the
   foundational tier, anything but a foundational exercise) is replaced like for like — same
   movement pattern, preferring the athlete's own swap for it, then an exercise they already
   train, the same tier, the closest name, the name (a deterministic tie-break).
3. **Health notes**: an exercise that is high-risk for a body part named in a health note
   (generation.constraints.INJURY_MAP) is swapped for a same-pattern one that is not; one whose
   movement pattern loads a part named in a *recent* note is kept with its loads lowered.
4. **Per exercise, from its numbers** (first rule that applies): hard and incomplete → reduce;
   hard or incomplete → hold; plateaued → its first session of the week held, its other sessions
   take a variation (an exercise trained once a week is swapped outright); easy and complete →
   progress (more load; where there is no load to add, the next variation of the same movement
   pattern, else a set); otherwise the standard step. Weekly adherence gates progression.
5. **Loading**: percentages only where they mean something — a youth athlete without a training
   max for the exercise gets an absolute load from recent sessions, else a load by feel (target
   RPE); foundational = bodyweight, bands or light dumbbells, 1×15–20. Absolute loads are
   rounded half-up to the plate increment.
6. **The request**: weeks (fixed blocks deload every 4th week, every 3rd for foundational),
   days (source days merged when fewer, repeated in order when more), loop or fixed block, focus
   areas (more sets for their patterns, kept first under the cap, an exercise added when none is
   there), max exercises a day, coach directions (kept in the description; free text is not
   interpreted).

Every threshold is in `Thresholds`; every decision leaves a sentence in the reasoning naming the
datum behind it. The engine reads the catalog, programs, training maxes and (for exercises the
packet lists without detail) the training log; it writes nothing. Warnings about health notes
come from generation.constraints, which dispatch applies to every draft.
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.db.models import Q

from generation.constraints import INJURY_MAP, LIMITS, high_risk_for, loads_part
from generation.engines.base import Draft, EngineName, GenerationRequest, Usage
from programs.catalog.matching import normalise, similarity
from programs.loads import round_load
from programs.models import (
    Audience,
    Exercise,
    ExerciseEquipment,
    PrescribedSet,
    ProgramTemplate,
    ProgressionRule,
    Tier,
)
from settings_app.resolution import setting_float

if TYPE_CHECKING:
    from athletes.stats import ExerciseStats
    from generation.packet import ExerciseSummary, HealthFlag, Packet

MODEL = "rules-v2"


@dataclass(frozen=True)
class Thresholds:
    """Every number the rules engine decides by, in one place."""

    # How an exercise went: its avg RPE and set completion (%) in the packet.
    easy_rpe: float = 7.0  # avg RPE at or below this …
    easy_completion: float = 90.0  # … with completion at or above this, RPE not rising → progress
    hard_rpe: float = 8.5  # avg RPE at or above this → hold (reduce when also incomplete)
    low_completion: float = 70.0  # completion below this → hold (reduce when also hard)
    # Weekly adherence (%): below `adherence_volume` no set or variation is added; below
    # `adherence_low` nothing goes beyond the standard step.
    adherence_volume: float = 90.0
    adherence_low: float = 75.0
    # Load changes in percentage points of the training max; an absolute load moves by the same
    # share, rounded half-up to the plate increment — by at least one increment when it must move.
    progress_points: Decimal = Decimal(5)  # easy and complete
    steady_points: Decimal = Decimal("2.5")  # the standard step: as planned, or no RPE to judge by
    reduce_points: Decimal = Decimal(5)  # hard and incomplete
    injury_points: Decimal = Decimal(5)  # loads a body part named in a recent health note
    deload_points: Decimal = Decimal(10)  # every set of a deload week (and one set fewer)
    deload_every: int = 4  # fixed blocks: every 4th week is a deload …
    deload_every_foundational: int = 3  # … every 3rd for the foundational tier
    # Loads by feel (no training max, no logged weight).
    default_rpe: Decimal = Decimal(7)  # target RPE of the top set when the source gives none
    rpe_step: Decimal = Decimal("0.1")  # lower per percentage point below the session's top set
    rpe_cut: Decimal = Decimal(1)  # taken off a target RPE for a cut or a deload
    min_rpe: Decimal = Decimal(5)
    max_sets: int = 5  # a set is added only up to this many per exercise and session
    injury_recent_days: int = 84  # a health note this recent (or pinned) lowers the loads
    recent_sessions: int = 3  # the working weight: top weight of this many latest sessions
    percentage_min: Decimal = LIMITS.percent_min
    percentage_max: Decimal = LIMITS.percent_max
    # Tier rules, as the hard constraints state them: foundational = bodyweight, bands, light
    # dumbbells, 1×15–20 at a target RPE of at most light_rpe.
    foundational_sets: int = LIMITS.foundational_sets
    foundational_reps: tuple[int, int] = LIMITS.foundational_reps
    light_rpe: Decimal = LIMITS.light_rpe
    # Scoring global templates for an athlete with no history (highest score wins).
    fit_audience: tuple[float, float, float] = (3.0, 1.0, -3.0)  # same, unset, other audience
    fit_tier: float = 3.0  # × the share of its exercises that suit the athlete's tier
    fit_goal_theme: float = 1.5  # per goal theme (strength, power, …) shared with the template
    fit_day: float = 1.0  # taken off per day a week more or fewer than asked
    fit_equipment: float = 4.0  # × the share of its exercises the athlete can do

    def light_load(self, unit: str) -> Decimal:
        return LIMITS.light(unit)


THRESHOLDS = Thresholds()

# Exercise tiers by difficulty ("" = general): the next variation of an exercise on no ladder is
# one step up. Which exercise tiers suit an athlete's tier, for scoring templates.
TIER_RANK: dict[str, int] = {"foundational": 0, "": 1, "intermediate": 1, "sport_performance": 2}
TIER_SUITS: dict[str, frozenset[str]] = {
    "foundational": frozenset({"foundational"}),
    "intermediate": frozenset({"foundational", "", "intermediate"}),
    "sport_performance": frozenset({"", "intermediate", "sport_performance"}),
    "none": frozenset({"foundational", "", "intermediate"}),
}

# Progressions of exercises with no load to add, easiest first: "the next variation". A name
# the catalog lacks, the athlete cannot do, or of another movement pattern is skipped.
VARIATION_LADDERS: tuple[tuple[str, ...], ...] = (
    ("Wall Sit", "Bodyweight Squat", "Goblet Squat", "Dumbbell Front Squat"),
    ("Incline Push-Up", "Push-Up", "Feet-Elevated Push-Up", "Band-Resisted Push-Up"),
    ("Band Chest Press", "Push-Up"),
    ("Flexed-Arm Hang", "Negative Pull-Up", "Band-Assisted Pull-Up", "Chin-Up", "Pull-Up"),
    ("Band Lat Pulldown", "Half-Kneeling Band Pulldown"),
    ("Band Row", "Suspension Trainer Row", "Inverted Row"),
    ("Split Squat", "Reverse Lunge", "Forward Lunge", "Walking Lunge", "Bulgarian Split Squat"),
    ("Hip Hinge Drill", "Glute Bridge", "Single-Leg Glute Bridge"),
    ("Dead Bug", "Hollow Body Hold"),
    ("Side Plank", "Copenhagen Plank"),
    ("Pogo Hops", "Squat Jump", "Broad Jump"),
    ("Dowel Hang Clean Drill", "Hang Power Clean", "Power Clean"),
)


@dataclass(frozen=True)
class FocusRule:
    label: str
    patterns: frozenset[str]
    added: tuple[int, int, str]  # sets, reps, rep type of an exercise added for the focus


# The request's focus areas (generation.runs.services.FOCUS_AREAS) as movement patterns. A focused
# exercise gets one more set in normal weeks and is kept first under the exercises-a-day cap; a
# focus with no exercise in the program gets one. "sport_specific" needs a coach's judgement.
FOCUS_RULES: dict[str, FocusRule] = {
    "strength": FocusRule(
        "strength",
        frozenset({"squat", "hinge", "horizontal_push", "vertical_push"}),
        (3, 5, "reps"),
    ),
    "power": FocusRule("power", frozenset({"olympic", "plyometric"}), (3, 3, "reps")),
    "speed": FocusRule("speed", frozenset({"run"}), (4, 20, "distance")),
    "hypertrophy": FocusRule(
        "hypertrophy",
        frozenset({"horizontal_pull", "vertical_pull", "lunge", ""}),
        (3, 10, "reps"),
    ),
    "conditioning": FocusRule(
        "conditioning", frozenset({"conditioning", "carry"}), (3, 30, "seconds")
    ),
    "mobility": FocusRule("mobility", frozenset({"mobility"}), (2, 30, "seconds")),
}

# Words that put a goal and a template on the same theme, for scoring templates.
GOAL_THEMES: dict[str, tuple[str, ...]] = {
    "strength": ("strength", "strong", "stronger", "powerlifting", "meet", "total", "1rm"),
    "power": ("power", "explosive", "jump", "vertical", "olympic", "plyometric", "throw"),
    "speed": ("speed", "sprint", "fast", "faster", "agility", "first step", "quick"),
    "sport": ("sport", "athlete", "season", "camp", "football", "volleyball", "soccer", "team"),
    "conditioning": ("conditioning", "endurance", "cardio", "lose", "fat", "5k", "circuit"),
    "muscle": ("muscle", "hypertrophy", "size", "bodybuilding"),
    "basics": ("learn", "technique", "beginner", "first-year", "basics", "foundations"),
    "home": ("home", "dumbbell", "kettlebell", "bands"),
}

# A base built from the catalog when there is no program to start from: one exercise per pattern.
GENERIC_PATTERNS: tuple[str, ...] = (
    "squat",
    "hinge",
    "horizontal_push",
    "horizontal_pull",
    "vertical_push",
    "vertical_pull",
    "lunge",
    "core",
)

_PINNED = "pinned coach note"
_LOADED_REP_TYPES = ("reps", "each_side")
_WEIGHT_RE = re.compile(r"@(\d+(?:\.\d+)?(?:/\d+(?:\.\d+)?)*)")


class Verdict(StrEnum):
    PROGRESS = "progress"
    STEADY = "steady"  # the standard step
    HOLD = "hold"
    REDUCE = "reduce"
    LOWER = "lower"  # loads a body part named in a recent health note
    PLATEAU = "plateau"
    NO_DATA = "no data"


class Load(StrEnum):
    PERCENT = "percent"  # % of the training max, moved by points
    SCALED = "scaled"  # the source's absolute loads, moved by the same share
    WORKING = "working"  # from the athlete's recent working weight (no training max)
    FEEL = "feel"  # by feel: a target RPE, no load written
    BODYWEIGHT = "bodyweight"
    OPEN = "open"  # no load in the source and none logged: as written


# --- what the engine works on ------------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    """One prescribed set of the source program."""

    exercise: str
    week: int
    day: int
    set_number: int
    reps: int | None
    rep_type: str
    percentage: Decimal | None
    absolute_weight: Decimal | None
    sort_order: int
    notes: str
    target_rpe: Decimal | None


@dataclass
class _Source:
    name: str
    why: str
    num_weeks: int
    num_days: int
    rows: list[_Row]
    rules: dict[str, Decimal] = field(default_factory=dict)
    weeks: dict[int, tuple[str, str]] = field(default_factory=dict)  # week → (type, notes)

    @property
    def active_weeks(self) -> list[int]:
        """The weeks that have sets (a template may declare more weeks than it fills)."""
        return sorted({r.week for r in self.rows}) or [1]

    @property
    def recovery_weeks(self) -> list[int]:
        return [
            w for w in self.active_weeks if self.weeks.get(w, ("", ""))[0] in ("recovery", "taper")
        ]


@dataclass(frozen=True)
class _Ex:
    name: str
    pattern: str
    tier: str
    needs: tuple[str, ...]  # required equipment
    can_do: bool

    @property
    def key(self) -> str:
        return self.name.casefold()

    @property
    def bodyweight(self) -> bool:
        return not self.needs


@dataclass(frozen=True)
class _Stat:
    """The numbers of one exercise the decisions use."""

    name: str
    sessions: int
    avg_rpe: float | None
    trend: str
    completion: float | None
    plateau: str  # the reason, when flagged
    replaces: tuple[str, ...]
    top_weight: Decimal | None  # the working weight: top weight of the latest sessions
    last: str  # "3×2@15 on 2026-03-23"

    @property
    def rising(self) -> bool:
        return self.trend == "rising"

    def data(self, t: Thresholds, *, marks: bool = False) -> str:
        """ "avg RPE 6.1 (≤ 7), stable, completion 100 % (≥ 90 %)"; marks show the rule hit."""
        parts = []
        if self.avg_rpe is None:
            parts.append("no RPE logged")
        else:
            text = f"avg RPE {_f(self.avg_rpe)}"
            if marks and self.avg_rpe >= t.hard_rpe:
                text += f" (≥ {_f(t.hard_rpe)})"
            elif marks and self.avg_rpe <= t.easy_rpe:
                text += f" (≤ {_f(t.easy_rpe)})"
            parts.append(text)
            if self.trend in ("rising", "falling", "stable"):
                parts.append(self.trend)
        if self.completion is not None:
            text = f"completion {_f(self.completion)} %"
            if marks and self.completion < t.low_completion:
                text += f" (< {_f(t.low_completion)} %)"
            elif marks and self.completion >= t.easy_completion:
                text += f" (≥ {_f(t.easy_completion)} %)"
            parts.append(text)
        return ", ".join(parts)


@dataclass
class _Plan:
    """What becomes of one source exercise."""

    source: str
    name: str  # "" = left out
    pattern: str
    verdict: Verdict = Verdict.NO_DATA
    load: Load = Load.OPEN
    step: Decimal = Decimal(0)  # percentage points (an absolute load: the same share)
    force_move: bool = False  # an absolute load moves at least one increment
    working: Decimal | None = None  # Load.WORKING: the top set's load …
    working_from: str = "recent sessions"  # … taken from there
    reference: Decimal | None = None  # the source value (% or load) the working weight stands for
    rpe: Decimal | None = None  # Load.FEEL: target RPE of the top set in normal weeks …
    rpe_shift: Decimal = Decimal(0)  # … moved by this (a cut)
    sets_delta: int = 0  # a positive delta applies in normal weeks only
    reps_to: int | None = None  # foundational progression: reps set to this
    note: str = ""  # added to every set
    alternate: _Plan | None = None  # plateau: the variation …
    alternate_days: frozenset[int] = frozenset()  # … on these source days

    @property
    def swapped(self) -> bool:
        return self.name.casefold() != self.source.casefold()


@dataclass(frozen=True)
class _Week:
    number: int
    source: int  # the source week it follows
    derived_deload: bool  # lightened here (the source has no recovery week to use)
    week_type: str
    notes: str


@dataclass
class _Slot:
    """One exercise in one session of the draft."""

    plan: _Plan
    rows: list[_Row]
    focus: bool = False
    added: bool = False  # added for a focus area (its prescription is the focus rule's)


# --- small helpers -----------------------------------------------------------------------------


def _d(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _n(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _f(value: Decimal | float | int) -> str:
    """75, 72.5, 6.1 — never 75.0 or 7.5E+1."""
    dec = value if isinstance(value, Decimal) else Decimal(str(value))
    if dec == dec.to_integral_value():
        return str(int(dec))
    return format(dec.normalize(), "f")


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _top_weight(summaries: Iterable[str]) -> Decimal | None:
    """The heaviest load in session summaries ("3×2@80/90/95, 1×5@100 AMRAP")."""
    best: Decimal | None = None
    for text in summaries:
        for match in _WEIGHT_RE.finditer(text):
            for part in match.group(1).split("/"):
                value = Decimal(part)
                if best is None or value > best:
                    best = value
    return best or None


def _themes(text: str) -> set[str]:
    low = text.casefold()
    return {
        theme
        for theme, words in GOAL_THEMES.items()
        if any(re.search(rf"(?<![a-z0-9]){re.escape(w)}(?![a-z])", low) for w in words)
    }


def _pattern_words(pattern: str) -> str:
    return pattern.replace("_", " ") or "similar"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _listing(names: Sequence[str]) -> str:
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _stat_from_packet(e: ExerciseSummary, t: Thresholds) -> _Stat:
    recent = e.recent_sessions  # newest first
    last = f"{recent[0].sets} on {recent[0].date:%Y-%m-%d}" if recent else ""
    return _Stat(
        name=e.name,
        sessions=e.sessions,
        avg_rpe=e.avg_rpe,
        trend=e.rpe_trend.direction,
        completion=e.completion.rate_pct if e.completion is not None else None,
        plateau=e.plateau.reason if e.plateau.flagged else "",
        replaces=tuple(e.replaces),
        top_weight=_top_weight(s.sets for s in recent[: t.recent_sessions]),
        last=last,
    )


def _stat_from_log(e: ExerciseStats, t: Thresholds) -> _Stat:
    recent = e.sessions[-t.recent_sessions :]
    tops = [s.top_weight for s in recent if s.top_weight]
    last = e.sessions[-1] if e.sessions else None
    rate = e.completion.rate_pct if e.completion is not None else None
    return _Stat(
        name=e.exercise.name,
        sessions=len(e.sessions),
        avg_rpe=None if e.avg_rpe is None else round(e.avg_rpe, 1),
        trend=str(e.rpe.direction),
        completion=None if rate is None else round(rate, 1),
        plateau=e.plateau.reason if e.plateau.flagged else "",
        replaces=tuple(e.replaces),
        top_weight=_d(max(tops)) if tops else None,
        last=f"{last.summary} on {last.date:%Y-%m-%d}" if last is not None else "",
    )


# --- the engine --------------------------------------------------------------------------------


class RulesEngine:
    name = EngineName.RULES

    def __init__(self, thresholds: Thresholds = THRESHOLDS) -> None:
        self.t = thresholds

    def generate(self, packet: Packet, request: GenerationRequest) -> Draft:
        started = time.monotonic()
        drafting = _Drafting(packet, request, self.t)
        catalog = drafting.run()
        return Draft(
            catalog=catalog,
            reasoning=drafting.reasoning,
            usage=Usage(
                engine=EngineName.RULES, model=MODEL, duration_s=time.monotonic() - started
            ),
            warnings=drafting.warnings,
        )


class _Drafting:
    """One draft: the packet, the request, and the decisions taken so far."""

    def __init__(self, packet: Packet, request: GenerationRequest, t: Thresholds) -> None:
        self.packet = packet
        self.request = request
        self.t = t
        self.reasoning: list[str] = []
        self.warnings: list[str] = []
        self.exercise_lines: list[str] = []
        self.structure_lines: list[str] = []
        self.as_written: list[str] = []
        self.kept_loads: list[str] = []
        self.focus_added: set[str] = set()  # focus areas the program had no exercise for
        profile = packet.profile
        self.first = (profile.name.split() or ["The athlete"])[0]
        self.unit = profile.weight_unit or "lbs"
        self.youth = profile.audience == Audience.YOUTH
        self.foundational = profile.tier == Tier.FOUNDATIONAL
        self.increment = Decimal(str(setting_float("defaults.plate_increment")))
        self.owned = {name.casefold() for name in packet.equipment}
        self.adherence = packet.adherence.rate_pct
        self.catalog = self._load_catalog()
        self.tms = self._load_training_maxes()
        self.flags: dict[str, list[HealthFlag]] = defaultdict(list)
        for flag in packet.notes.health_flags:
            for part in flag.body_parts:
                if part in INJURY_MAP:
                    self.flags[part].append(flag)
        self.stats: dict[str, _Stat] = {}
        self.trained: dict[str, int] = {}
        self.from_log: set[str] = set()
        self.read_from_log: set[str] = set()
        self._load_stats()
        self.taken: set[str] = set()

    # -- inputs -----------------------------------------------------------------------------------

    def _load_catalog(self) -> dict[str, _Ex]:
        """Every catalog exercise; what the athlete can do comes from the packet."""
        available: dict[str, tuple[str, str, str]] = {}
        for pattern, tiers in self.packet.catalog.available.items():
            for tier, names in tiers.items():
                for name in names:
                    available[name.casefold()] = (
                        "" if pattern == "other" else pattern,
                        "" if tier == "general" else tier,
                        name,
                    )
        needs: dict[int, list[str]] = defaultdict(list)
        for ex_id, equipment in ExerciseEquipment.objects.filter(optional=False).values_list(
            "exercise_id", "equipment__name"
        ):
            needs[ex_id].append(equipment)
        out: dict[str, _Ex] = {}
        for ex_id, name, pattern, tier in Exercise.objects.order_by("name").values_list(
            "id", "name", "movement_pattern", "tier"
        ):
            key = name.casefold()
            out[key] = _Ex(name, pattern, tier, tuple(sorted(needs[ex_id])), key in available)
        for key, (pattern, tier, name) in sorted(available.items()):
            out.setdefault(key, _Ex(name, pattern, tier, (), True))
        return out

    def _load_training_maxes(self) -> dict[str, Decimal]:
        from athletes.models import TrainingMax

        tms = {
            e.name.casefold(): Decimal(str(e.current_tm))
            for e in self.packet.exercises
            if e.current_tm is not None
        }
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
                tms.setdefault(name.casefold(), Decimal(weight))
        return tms

    def _load_stats(self) -> None:
        """The packet's numbers; for the exercises it lists without detail (its token budget),
        the same numbers from the full training log."""
        packet = self.packet
        for e in packet.exercises:
            self.stats[e.name.casefold()] = _stat_from_packet(e, self.t)
            self.trained[e.name.casefold()] = e.sessions
        for o in packet.other_exercises:
            self.trained.setdefault(o.name.casefold(), o.sessions)
        if not packet.other_exercises_count:
            return
        from athletes import stats
        from athletes.models import Athlete

        athlete = Athlete.objects.filter(pk=packet.meta.athlete_id).first()
        if athlete is None:
            return
        history = stats.load_history(athlete, today=packet.meta.generated_on, with_notes=False)
        for full in stats.compute_stats(history).exercises:
            key = full.exercise.name.casefold()
            self.trained.setdefault(key, len(full.sessions))
            if key not in self.stats and full.sessions:
                self.stats[key] = _stat_from_log(full, self.t)
                self.from_log.add(key)

    def stat(self, name: str) -> _Stat | None:
        key = name.casefold()
        found = self.stats.get(key)
        if found is not None and key in self.from_log:
            self.read_from_log.add(found.name)
        return found

    # -- the catalog ------------------------------------------------------------------------------

    def ex(self, name: str) -> _Ex:
        return self.catalog.get(name.casefold()) or _Ex(name, "", "", (), False)

    def tier_ok(self, ex: _Ex) -> bool:
        return not self.foundational or ex.tier == Tier.FOUNDATIONAL

    def allowed(self, ex: _Ex) -> bool:
        return ex.can_do and self.tier_ok(ex)

    def risky(self, name: str) -> tuple[str, str, HealthFlag] | None:
        """(body part, keyword, the note) when `name` is high-risk for a flagged body part."""
        for part in sorted(self.flags):
            keyword = high_risk_for(name, part)
            if keyword is not None:
                return part, keyword, self.flags[part][0]
        return None

    def recent(self, flag: HealthFlag) -> bool:
        age = (self.packet.meta.generated_on - flag.date).days
        return flag.source == _PINNED or age <= self.t.injury_recent_days

    def loaded_part(self, ex: _Ex) -> tuple[str, HealthFlag] | None:
        """(body part, the note) when the exercise loads a part named in a recent note."""
        for part in sorted(self.flags):
            recent = [f for f in self.flags[part] if self.recent(f)]
            if recent and loads_part(ex.name, ex.pattern, part):
                return part, recent[0]
        return None

    def substitute(self, ex: _Ex, *, safe_only: bool = False, own_for: str = "") -> _Ex | None:
        """The best like-for-like for `ex`: same movement pattern, possible and right for the
        athlete's tier; preferring one not high-risk for a flagged body part, the athlete's own
        swap for `own_for`, one not already in the program, one they already train, the same
        tier, the closest name, then the name."""
        if not ex.pattern:
            return None
        target = normalise(ex.name)
        options = []
        for cand in self.catalog.values():
            if cand.pattern != ex.pattern or cand.key == ex.key or not self.allowed(cand):
                continue
            risky = self.risky(cand.name) is not None
            if risky and safe_only:
                continue
            stat = self.stats.get(cand.key)
            own = bool(own_for) and stat is not None and own_for in stat.replaces
            options.append(
                (
                    risky,
                    not own,
                    cand.key in self.taken,
                    not self.trained.get(cand.key),
                    cand.tier != ex.tier,
                    -similarity(target, normalise(cand.name)),
                    cand.key,
                    cand,
                )
            )
        if not options:
            return None
        return min(options, key=lambda o: o[:7])[7]

    def next_variation(self, ex: _Ex) -> _Ex | None:
        """The next step of its ladder the athlete can do; off every ladder, a same-pattern
        exercise one tier up that needs no equipment the exercise did not."""

        def usable(cand: _Ex | None) -> bool:
            return (
                cand is not None
                and cand.pattern == ex.pattern
                and self.allowed(cand)
                and cand.key not in self.taken
                and self.risky(cand.name) is None
            )

        on_ladder = False
        for ladder in VARIATION_LADDERS:
            keys = [n.casefold() for n in ladder]
            if ex.key not in keys:
                continue
            on_ladder = True
            for key in keys[keys.index(ex.key) + 1 :]:
                cand = self.catalog.get(key)
                if cand is not None and usable(cand):
                    return cand
        if on_ladder or not ex.pattern:
            return None
        rank = TIER_RANK.get(ex.tier, 1)
        target = normalise(ex.name)
        kit = set(ex.needs)
        options = [
            (cand.needs != ex.needs, -similarity(target, normalise(cand.name)), cand.key)
            for cand in self.catalog.values()
            if TIER_RANK.get(cand.tier, 1) == rank + 1 and set(cand.needs) <= kit and usable(cand)
        ]
        return self.catalog[min(options)[2]] if options else None

    def cite(self, flag: HealthFlag) -> str:
        return f"{flag.source} of {flag.date:%Y-%m-%d} (“{_clip(flag.text, 90)}”)"

    # -- the whole draft --------------------------------------------------------------------------

    def run(self) -> dict[str, Any]:
        request = self.request
        source = self._source()
        self.reasoning.append(source.why)
        plans = self._plans(source)
        weeks = self._weeks(source)
        sets = self._sets(source, plans, weeks)

        self.reasoning.extend(self._adherence_lines())
        if self.read_from_log:
            names = sorted(self.read_from_log, key=str.casefold)
            self.reasoning.append(
                f"Numbers for {_listing(names)} come from the full training log: the packet "
                "lists them without detail to stay within its token budget."
            )
        self.reasoning.extend(self.exercise_lines)
        if self.kept_loads:
            self.reasoning.append(
                f"Kept at their loads — the standard step (+{_f(self.t.steady_points)} %) rounds "
                f"back to them at {_f(self.increment)} {self.unit} increments: "
                + "; ".join(self.kept_loads)
                + "."
            )
        if self.as_written:
            self.reasoning.append(
                "Carried over as written, with no load to change and nothing in the data against "
                "it: " + "; ".join(self.as_written) + "."
            )
        self.reasoning.extend(self._tier_lines(plans))
        self.reasoning.extend(self.structure_lines)

        kept = {s["exercise"].casefold(): s["exercise"] for s in sets}
        rules: list[dict[str, Any]] = []
        not_pct: list[str] = []
        absent: list[str] = []
        for source_name, increment in sorted(source.rules.items(), key=lambda kv: kv[0].casefold()):
            plan = plans.get(source_name.casefold())
            if plan is None or plan.name.casefold() not in kept:
                absent.append(source_name)
            elif plan.load is not Load.PERCENT:
                not_pct.append(source_name)
            else:
                rules.append({"exercise": kept[plan.name.casefold()], "increment": _n(increment)})
        for names, why in ((not_pct, "not loaded by percentage of a training max"),
                           (absent, "not in this draft")):  # fmt: skip
            if names:
                self.reasoning.append(
                    f"Progression rules of {source.name} dropped for {_listing(names)}: {why}."
                )
        if request.coach_directions.strip():
            self.reasoning.append(
                "Coach directions are kept in the program description; the rules engine cannot "
                "interpret free text, so they changed nothing here — apply them in the preview."
            )
        program = {
            "name": request.program_name.strip(),
            "description": self._description(source),
            "num_weeks": request.weeks,
            "num_days": request.days_per_week,
            "is_loop": request.is_loop,
            "audience": self.packet.profile.audience or None,
            "prescribed_sets": sets,
            "progression_rules": rules,
            "weeks": [
                {"week": w.number, "week_type": w.week_type, "coach_notes": w.notes} for w in weeks
            ],
        }
        return {"type": "catalog", "version": "1.1", "programs": [program]}

    def _description(self, source: _Source) -> str:
        text = f"Drafted by the built-in rules engine from {source.name}; the reasoning says why."
        if self.request.focus_areas:
            labels = [a.replace("_", "-") for a in self.request.focus_areas]
            text += f" Focus: {', '.join(labels)}."
        directions = self.request.coach_directions.strip()
        if directions:
            text += f"\n\nCoach directions (not interpreted by the rules engine): {directions}"
        return text

    # -- where the next block starts -------------------------------------------------------------

    def _source(self) -> _Source:
        packet, request = self.packet, self.request
        athlete_id = packet.meta.athlete_id
        skipped: list[str] = []
        for template_id in request.reference_program_ids:
            template = ProgramTemplate.objects.filter(
                Q(owner__isnull=True) | Q(owner_id=athlete_id), pk=template_id
            ).first()
            if template is None:
                skipped.append(f"#{template_id} (not found, or another athlete's program)")
                continue
            source = self._load(template, "")
            if not source.rows:
                skipped.append(f"{template.name} (it has no sets)")
                continue
            source.why = f"Started from {template.name}, the reference program the coach chose."
            if len(request.reference_program_ids) > len(skipped) + 1:
                source.why += (
                    " The rules engine starts from one program: the other references were not "
                    "combined with it."
                )
            self._skipped(skipped)
            return source
        self._skipped(skipped)
        current = packet.current_program
        if current is not None:
            template = ProgramTemplate.objects.filter(pk=current.template_id).first()
            if template is not None:
                done = "complete" if current.block_complete else f"at {current.position}"
                source = self._load(
                    template,
                    f"Started from {template.name}, the current program "
                    f"({_plural(current.num_weeks, 'week')} × {_plural(current.num_days, 'day')}, "
                    f"{done}, {_plural(current.sessions_logged, 'session')} logged).",
                )
                if source.rows:
                    return source
        from athletes.models import AthleteProgram, ProgramRole

        last = (
            AthleteProgram.objects.filter(athlete_id=athlete_id, role=ProgramRole.PRIMARY)
            .select_related("template")
            .order_by("-start_date", "-pk")
            .first()
        )
        if last is not None:
            ended = f", ended {last.ended_on:%Y-%m-%d}" if last.ended_on else ""
            source = self._load(
                last.template,
                f"No current program: started from {last.template.name}, the most recent one "
                f"(started {last.start_date:%Y-%m-%d}{ended}).",
            )
            if source.rows:
                return source
        best = self._best_template()
        if best is not None:
            return best
        return self._generic()

    def _skipped(self, skipped: list[str]) -> None:
        if skipped:
            message = f"Reference program {_listing(skipped)} ignored."
            self.warnings.append(message)
            self.structure_lines.append(message)

    def _load(self, template: ProgramTemplate, why: str) -> _Source:
        rows = [
            _Row(
                exercise=s.exercise.name,
                week=s.week,
                day=s.day,
                set_number=s.set_number,
                reps=s.reps,
                rep_type=s.rep_type or "reps",
                percentage=s.percentage,
                absolute_weight=s.absolute_weight,
                sort_order=s.sort_order,
                notes=s.notes,
                target_rpe=s.target_rpe,
            )
            for s in PrescribedSet.objects.filter(template=template)
            .select_related("exercise")
            .order_by("week", "day", "sort_order", "exercise__name", "set_number")
            if 1 <= s.week <= template.num_weeks and 1 <= s.day <= template.num_days
        ]
        rules = {
            r.exercise.name: r.increment
            for r in ProgressionRule.objects.filter(template=template).select_related("exercise")
        }
        weeks: dict[int, tuple[str, str]] = {}
        for item in template.weeks or []:
            if isinstance(item, dict) and isinstance(item.get("week"), int):
                weeks[item["week"]] = (
                    str(item.get("week_type") or ""),
                    str(item.get("coach_notes") or ""),
                )
        return _Source(
            template.name, why, template.num_weeks, template.num_days, rows, rules, weeks
        )

    def _best_template(self) -> _Source | None:
        """The global template that fits the athlete best, scored and explained."""
        packet, request = self.packet, self.request
        profile = packet.profile
        names: dict[int, set[str]] = defaultdict(set)
        for template_id, name in (
            PrescribedSet.objects.filter(template__owner__isnull=True)
            .values_list("template_id", "exercise__name")
            .distinct()
        ):
            names[template_id].add(name)
        candidates = [
            t
            for t in ProgramTemplate.objects.filter(owner__isnull=True).order_by("name")
            if names[t.pk]
        ]
        if not candidates:
            return None
        th = self.t
        goal = _themes(" ".join((profile.goal, profile.sport, profile.cycle_goal)))
        suits = TIER_SUITS.get(profile.tier, TIER_SUITS["none"])
        tier = "general" if profile.tier == "none" else profile.tier.replace("_", " ")
        scored = []
        for t in candidates:
            exercises = [self.ex(n) for n in sorted(names[t.pk])]
            total = len(exercises)
            suited = sum(1 for e in exercises if e.tier in suits)
            doable = sum(1 for e in exercises if e.can_do)
            shared = sorted(goal & _themes(f"{t.name} {t.description}"))
            same, unset, other = th.fit_audience
            if t.audience == profile.audience:
                audience, heard = same, f"made for {t.audience} athletes"
            elif not t.audience:
                audience, heard = unset, "no audience set"
            else:
                audience, heard = other, f"made for {t.audience} athletes, not {profile.audience}"
            score = (
                audience
                + th.fit_tier * suited / total
                + th.fit_goal_theme * len(shared)
                - th.fit_day * abs(t.num_days - request.days_per_week)
                + th.fit_equipment * doable / total
            )
            parts = [
                heard,
                f"{suited} of {total} exercises suit the {tier} tier",
                f"goal themes shared: {', '.join(shared)}" if shared else "no goal theme shared",
                f"{t.num_days} days a week (asked {request.days_per_week})",
                f"{doable} of {total} exercises possible with {self.first}'s equipment",
            ]
            scored.append((-round(score, 2), t.name.casefold(), t, parts))
        scored.sort(key=lambda s: s[:2])
        best_score, _, best, parts = scored[0]
        why = (
            f"No program history: started from {best.name}, the global template that fits "
            f"best of {len(scored)} (score {_f(-best_score)}): {'; '.join(parts)}."
        )
        if len(scored) > 1:
            why += f" Next best: {scored[1][2].name} (score {_f(-scored[1][0])})."
        return self._load(best, why)

    def _generic(self) -> _Source:
        """A full-body base from the catalog: one exercise per movement pattern a day."""
        request = self.request
        patterns = []
        for pattern in GENERIC_PATTERNS:
            options = sorted(
                (
                    self.risky(e.name) is not None,
                    not self.trained.get(e.key),
                    e.tier != Tier.FOUNDATIONAL,
                    e.key,
                )
                for e in self.catalog.values()
                if e.pattern == pattern and self.allowed(e)
            )
            if options:
                patterns.append(self.catalog[options[0][3]].name)
        if not patterns:
            self.warnings.append(
                f"No program to start from and no exercise {self.first} can do in the basic "
                f"movement patterns ({', '.join(_pattern_words(p) for p in GENERIC_PATTERNS)}): "
                f"the exercise catalog is empty or {self.first}'s equipment rules everything out."
            )
        per_day = max(1, min(request.max_exercises_per_day, 5))
        low, _ = self.t.foundational_reps
        count, reps = (1, low) if self.foundational else (3, 10)
        rows: list[_Row] = []
        for day in range(1, request.days_per_week + 1):
            if not patterns:
                break
            chosen: list[str] = []
            for i in range(per_day):
                name = patterns[((day - 1) * per_day + i) % len(patterns)]
                if name not in chosen:
                    chosen.append(name)
            for order, name in enumerate(chosen, start=1):
                rows.extend(
                    _Row(name, 1, day, n, reps, "reps", None, None, order, "", None)
                    for n in range(1, count + 1)
                )
        return _Source(
            name="the exercise catalog",
            why=(
                "No program history and no global template: built a full-body base of "
                f"{count}×{reps} from the exercises {self.first} can do, one per movement "
                "pattern."
            ),
            num_weeks=1,
            num_days=request.days_per_week,
            rows=rows,
        )

    # -- per-exercise decisions -------------------------------------------------------------------

    def _plans(self, source: _Source) -> dict[str, _Plan]:
        order: list[str] = []
        rows_of: dict[str, list[_Row]] = defaultdict(list)
        for row in sorted(source.rows, key=lambda r: (r.week, r.day, r.sort_order, r.set_number)):
            key = row.exercise.casefold()
            if key not in rows_of:
                order.append(key)
            rows_of[key].append(row)
        # What stays as it is is not offered as a substitute for something else.
        for key in order:
            ex = self.ex(rows_of[key][0].exercise)
            if self.allowed(ex) and self.risky(ex.name) is None:
                self.taken.add(ex.key)
        recovery = set(source.recovery_weeks)
        plans = {}
        for key in order:
            rows = rows_of[key]
            normal = [r for r in rows if r.week not in recovery] or rows
            plans[key] = self._plan(rows[0].exercise, rows, normal)
        return plans

    def _plan(self, name: str, rows: list[_Row], normal: list[_Row]) -> _Plan:
        src = self.ex(name)
        plan = _Plan(source=src.name, name=src.name, pattern=src.pattern)
        target = src
        # 1. Equipment and tier.
        if not self.allowed(src):
            why = self._why_not(src)
            sub = self.substitute(src, own_for=src.name)
            if sub is None:
                plan.name = ""
                kind = ("foundational " if self.foundational else "") + _pattern_words(src.pattern)
                message = (
                    f"{src.name} left out: {why}, and no {kind} exercise {self.first} can do is "
                    "in the catalog."
                )
                self.exercise_lines.append(message)
                self.warnings.append(message)
                return plan
            self.exercise_lines.append(
                f"{src.name} replaced by {sub.name}: {why}; {self._preference(sub, src)}same "
                f"movement pattern ({_pattern_words(src.pattern)})."
            )
            target = sub
        # 2. High-risk for a body part named in a health note.
        lowered: tuple[str, HealthFlag] | None = None
        risk = self.risky(target.name)
        if risk is not None:
            part, keyword, flag = risk
            sub = self.substitute(target, safe_only=True)
            if sub is not None:
                self.exercise_lines.append(
                    f"{target.name} replaced by {sub.name}: “{keyword}” loads the {part} — "
                    f"{self.cite(flag)}; same movement pattern "
                    f"({_pattern_words(target.pattern)})."
                )
                target = sub
            else:
                self.exercise_lines.append(
                    f"{target.name} kept although “{keyword}” loads the {part} — "
                    f"{self.cite(flag)}: no {_pattern_words(target.pattern)} exercise "
                    f"{self.first} can do spares it, so its loads are lowered."
                )
                lowered = (part, flag)
        lowered = lowered or self.loaded_part(target)
        self.taken.add(target.key)
        plan.name, plan.pattern = target.name, target.pattern
        stat = self.stat(target.name)
        plan.verdict = self._verdict(stat)
        self._choose_load(plan, target, rows, normal, stat)
        if plan.verdict is Verdict.PLATEAU:
            assert stat is not None
            return self._plateau(plan, target, rows, normal, stat, lowered)
        self._apply(plan, target, normal, stat, lowered)
        return plan

    def _why_not(self, ex: _Ex) -> str:
        if not ex.can_do:
            lacking = [n for n in ex.needs if n.casefold() not in self.owned]
            what = _listing(lacking) if lacking else "equipment"
            return f"it needs {what}, which {self.first} does not have"
        return (
            f"it is not a foundational exercise and {self.first} is in the foundational tier "
            "(bodyweight, bands, light dumbbells)"
        )

    def _preference(self, chosen: _Ex, source: _Ex) -> str:
        stat = self.stats.get(chosen.key)
        if stat is not None and source.name in stat.replaces:
            return f"{self.first}'s own swap for it ({_plural(stat.sessions, 'session')}), "
        sessions = self.trained.get(chosen.key)
        if sessions:
            return f"{self.first} already trains it ({_plural(sessions, 'session')}), "
        return ""

    def _verdict(self, stat: _Stat | None) -> Verdict:
        t = self.t
        if stat is None or (stat.avg_rpe is None and stat.completion is None):
            return Verdict.NO_DATA
        hard = stat.avg_rpe is not None and stat.avg_rpe >= t.hard_rpe
        incomplete = stat.completion is not None and stat.completion < t.low_completion
        if hard and incomplete:
            return Verdict.REDUCE
        if hard or incomplete:
            return Verdict.HOLD
        if stat.plateau:
            return Verdict.PLATEAU
        easy = (
            stat.avg_rpe is not None
            and stat.avg_rpe <= t.easy_rpe
            and stat.completion is not None
            and stat.completion >= t.easy_completion
            and not stat.rising
        )
        return Verdict.PROGRESS if easy else Verdict.STEADY

    def _choose_load(
        self, plan: _Plan, target: _Ex, rows: list[_Row], normal: list[_Row], stat: _Stat | None
    ) -> None:
        """How the sets are loaded: percentages only where a training max gives them a meaning
        (an adult keeps the source's), else the athlete's working weight, bodyweight, or by
        feel; the foundational tier never by percentage."""
        t = self.t
        same = not plan.swapped
        tm = self.tms.get(target.key)
        logged = stat.top_weight if stat is not None else None
        has_pct = any(r.percentage is not None for r in rows)
        has_abs = any(r.absolute_weight for r in rows)
        all_bw = all(r.absolute_weight == 0 for r in rows)
        written = max((r.absolute_weight for r in normal if r.absolute_weight), default=None)
        working, working_from = logged, "recent sessions"
        if self.foundational:
            if logged is not None:
                load = Load.WORKING
            elif target.bodyweight:
                load = Load.BODYWEIGHT
            elif has_abs and same:
                load, working, working_from = Load.WORKING, written, "the source program"
            elif has_pct or has_abs:
                load = Load.FEEL
            else:
                load = Load.OPEN
        elif has_pct and (tm is not None or (same and not self.youth)):
            load = Load.PERCENT
        elif has_abs and same:
            load = Load.SCALED
        elif logged is not None:
            load = Load.WORKING
        elif target.bodyweight and (has_pct or has_abs or all_bw):
            load = Load.BODYWEIGHT
        elif has_pct or has_abs:
            load = Load.FEEL
        else:
            load = Load.BODYWEIGHT if all_bw and same else Load.OPEN
        plan.load = load
        if load is Load.WORKING and working is not None:
            values = [r.percentage or r.absolute_weight for r in normal]
            plan.reference = max((v for v in values if v), default=None)
            plan.working, plan.working_from = working, working_from
            light = t.light_load(self.unit)
            if self.foundational and working > light:
                plan.working = light
                self.exercise_lines.append(
                    f"{self._label(plan)}: {_f(light)} {self.unit}, not {_f(working)} from "
                    f"{working_from} — the foundational tier uses light dumbbells."
                )
        if load is Load.FEEL:
            rpes = [r.target_rpe for r in normal if r.target_rpe is not None]
            top = max(rpes) if rpes else t.default_rpe
            plan.rpe = min(top, t.light_rpe) if self.foundational else top
            plan.note = "load by feel (no training max" + (
                ")" if logged is not None else " or logged weight)"
            )

    def _apply(
        self,
        plan: _Plan,
        target: _Ex,
        normal: list[_Row],
        stat: _Stat | None,
        lowered: tuple[str, HealthFlag] | None,
    ) -> None:
        """Turn the verdict into load, sets or a variation, and say why."""
        t = self.t
        verdict = plan.verdict
        data = stat.data(t, marks=True) if stat is not None else ""
        gate = ""
        if (
            verdict is Verdict.PROGRESS
            and self.adherence is not None
            and self.adherence < t.adherence_low
        ):
            verdict = Verdict.STEADY
            gate = (
                f"adherence {_f(self.adherence)} % is below {_f(t.adherence_low)} %, so only "
                "the standard step"
            )
        if (
            verdict is Verdict.STEADY
            and stat is not None
            and stat.rising
            and self._verdict(replace(stat, trend="stable")) is Verdict.PROGRESS
        ):
            gate = "RPE rising, so not easy yet"
        because = f" — {data}" if data else ""
        if lowered is not None:
            part, flag = lowered
            if verdict is Verdict.REDUCE:
                because += f"; it also loads the {part}: {self.cite(flag)}"
            else:
                otherwise = f" (otherwise: {data})" if data else ""
                because = f" — it loads the {part}: {self.cite(flag)}{otherwise}"
                verdict = Verdict.LOWER
        plan.verdict = verdict
        name = self._label(plan)
        tail = self._load_tail(plan, stat)
        if verdict is Verdict.PROGRESS and (
            plan.load in (Load.BODYWEIGHT, Load.OPEN)
            or (self.foundational and plan.load is not Load.PERCENT)
        ):
            self._progress_without_load(plan, target, normal, name, because)
            return
        if plan.load is Load.FEEL:
            if verdict in (Verdict.REDUCE, Verdict.LOWER):
                plan.rpe_shift = -t.rpe_cut
                action = f"{self._feel(plan)}, {_f(t.rpe_cut)} lower than the source"
            elif verdict is Verdict.PROGRESS:
                action = f"{self._feel(plan)}, so the load rises with {self.first}'s strength"
            else:
                action = self._feel(plan)
            self.exercise_lines.append(
                f"{name}: {action}{because or ' — no sessions logged'}{tail}."
            )
            return
        if plan.load in (Load.BODYWEIGHT, Load.OPEN):
            if verdict in (Verdict.REDUCE, Verdict.LOWER):
                plan.sets_delta = -1
                self.exercise_lines.append(f"{name}: one set fewer{because}.")
            elif verdict is Verdict.HOLD:
                self.exercise_lines.append(f"{name}: held as written{because}.")
            else:
                self._as_written(plan, stat, gate)
            return
        step = {
            Verdict.PROGRESS: t.progress_points,
            Verdict.STEADY: t.steady_points,
            Verdict.NO_DATA: t.steady_points,
            Verdict.HOLD: Decimal(0),
            Verdict.REDUCE: -t.reduce_points,
            Verdict.LOWER: -t.injury_points,
        }[verdict]
        if verdict is Verdict.NO_DATA:
            because = (
                " — no sessions logged yet" if stat is None else " — no RPE or completion logged"
            )
        if plan.load is Load.PERCENT:
            self._percent(plan, name, verdict, step, normal, because + tail, gate)
            return
        plan.force_move = verdict in (Verdict.PROGRESS, Verdict.REDUCE, Verdict.LOWER)
        change = self._change(verdict, step, "% load", gate)
        if plan.load is Load.WORKING and plan.working is not None:
            before = plan.working
            after = self.move(before, step, plan.force_move)
            if self.foundational:
                after = min(after, t.light_load(self.unit))
            plan.working = after  # the step is in the working weight
        else:
            plan.step = step
            before = max(
                (r.absolute_weight for r in normal if r.absolute_weight), default=Decimal(0)
            )
            after = self.move(before, step, plan.force_move)
        if not step:
            action = f"held at {_f(before)} {self.unit}"
        elif after == before:
            data = stat.data(t) if stat is not None else "no sessions logged"
            data += f"; {gate}" if gate else ""
            self.kept_loads.append(f"{name} at {_f(before)} {self.unit} ({data})")
            return
        else:
            action = f"{change}, top set {_f(before)} → {_f(after)} {self.unit}"
        self.exercise_lines.append(f"{name}: {action}{because}{tail}.")

    def _percent(
        self,
        plan: _Plan,
        name: str,
        verdict: Verdict,
        step: Decimal,
        normal: list[_Row],
        because: str,
        gate: str,
    ) -> None:
        t = self.t
        top = max((r.percentage for r in normal if r.percentage is not None), default=None)
        if step > 0 and top is not None and top + step > t.percentage_max:
            if verdict is Verdict.PROGRESS and self._room_for_a_set(normal, plan):
                plan.sets_delta = 1
                self.exercise_lines.append(
                    f"{name}: one more set instead of load — its top set is already at "
                    f"{_f(top)} % of the training max (ceiling {_f(t.percentage_max)} %)"
                    f"{because}."
                )
                return
            step = max(Decimal(0), t.percentage_max - top)
        plan.step = step
        moved = f" (top set {_f(top)} → {_f(top + step)} %)" if top is not None and step else ""
        self.exercise_lines.append(
            f"{name}: {self._change(verdict, step, 'points', gate)}{moved}{because}."
        )

    def _change(self, verdict: Verdict, step: Decimal, share: str, gate: str) -> str:
        if verdict is Verdict.HOLD or not step:
            return "held at the same loads"
        if verdict is Verdict.PROGRESS:
            return f"+{_f(step)} {share}, easy and complete"
        if verdict in (Verdict.STEADY, Verdict.NO_DATA):
            return f"+{_f(step)} {share}, the standard step" + (f" ({gate})" if gate else "")
        if verdict is Verdict.REDUCE:
            return f"reduced {_f(-step)} {share}, hard and incomplete"
        return f"lowered {_f(-step)} {share}"

    def _label(self, plan: _Plan) -> str:
        return f"{plan.name} (in place of {plan.source})" if plan.swapped else plan.name

    def _load_tail(self, plan: _Plan, stat: _Stat | None) -> str:
        last = f" (last: {stat.last})" if stat is not None and stat.last else ""
        if plan.load is Load.WORKING:
            return f"; no training max for it, so absolute loads from {plan.working_from}{last}"
        if plan.load is Load.FEEL:
            return "; no training max or logged weight for it"
        if plan.load is Load.PERCENT and plan.name.casefold() not in self.tms:
            return f"; {self.first} has no training max for it yet"
        return ""

    def _as_written(self, plan: _Plan, stat: _Stat | None, gate: str) -> None:
        data = "no sessions logged" if stat is None else stat.data(self.t)
        if gate:
            data += f"; {gate}"
        self.as_written.append(f"{self._label(plan)} ({data})")

    def _room_for_a_set(self, normal: list[_Row], plan: _Plan) -> bool:
        per_session: dict[tuple[int, int], int] = defaultdict(int)
        for r in normal:
            per_session[(r.week, r.day)] += 1
        most = max(per_session.values(), default=0)
        return not self.foundational and most + max(0, plan.sets_delta) < self.t.max_sets

    def _progress_without_load(
        self, plan: _Plan, target: _Ex, normal: list[_Row], name: str, because: str
    ) -> None:
        """Easy and complete with no load to add: more load within the light limit or more reps
        (foundational), else the next variation of the same movement pattern, else a set — and
        no added volume while adherence is low."""
        t = self.t
        if self.adherence is not None and self.adherence < t.adherence_volume:
            self.exercise_lines.append(
                f"{name}: kept as written — easy and complete{because}, but adherence "
                f"{_f(self.adherence)} % is below {_f(t.adherence_volume)} %, so no set or "
                "harder variation is added."
            )
            return
        if self.foundational:
            low, high = t.foundational_reps
            light = t.light_load(self.unit)
            if (
                plan.load is Load.WORKING
                and plan.working is not None
                and plan.working + self.increment <= light
            ):
                before = plan.working
                plan.working = before + self.increment
                self.exercise_lines.append(
                    f"{name}: {_f(before)} → {_f(plan.working)} {self.unit}, easy and "
                    f"complete{because} (light dumbbells: at most {_f(light)} {self.unit})."
                )
                return
            reps = [r.reps for r in normal if r.rep_type in _LOADED_REP_TYPES and r.reps]
            if reps and min(reps) < high:
                plan.reps_to = high
                self.exercise_lines.append(
                    f"{name}: reps up to {high}, the top of {low}–{high} — easy and complete"
                    f"{because}."
                )
                return
        variation = self.next_variation(target)
        if variation is not None:
            old = plan.name
            self.taken.add(variation.key)
            plan.name, plan.pattern = variation.name, variation.pattern
            plan.load = Load.BODYWEIGHT if variation.bodyweight else Load.OPEN
            plan.working, plan.note = None, ""
            self.exercise_lines.append(
                f"{name}: progressed to {variation.name}, the next variation of the same "
                f"movement pattern ({_pattern_words(target.pattern)}) — easy and complete"
                f"{because}; there is no load to add to {old}."
            )
            return
        if self._room_for_a_set(normal, plan):
            plan.sets_delta = 1
            self.exercise_lines.append(
                f"{name}: one more set — easy and complete{because}; no load to add and no "
                f"harder {_pattern_words(target.pattern)} variation {self.first} can do."
            )
            return
        self.exercise_lines.append(
            f"{name}: kept as written — easy and complete{because}, but with no load to add, no "
            "harder variation and no room for a set: the coach's call."
        )

    def _plateau(
        self,
        plan: _Plan,
        target: _Ex,
        rows: list[_Row],
        normal: list[_Row],
        stat: _Stat,
        lowered: tuple[str, HealthFlag] | None,
    ) -> _Plan:
        """Plateaued: the first session of the week keeps the lift at held loads, the others take
        a like-for-like variation; an exercise trained once a week is swapped outright."""
        days = sorted({r.day for r in normal})
        datum = f"plateau — {stat.plateau} ({stat.data(self.t)})"
        variation = self.substitute(target, safe_only=True)
        plan.verdict = Verdict.HOLD
        if variation is None:
            self.exercise_lines.append(
                f"{plan.name}: held at the same loads — {datum}; no "
                f"{_pattern_words(target.pattern)} variation {self.first} can do is in the "
                "catalog."
            )
            self._lower_for(plan, lowered)
            return plan
        self.taken.add(variation.key)
        alternate = _Plan(source=plan.source, name=variation.name, pattern=variation.pattern)
        alternate.verdict = Verdict.HOLD
        if len(days) > 1:
            rows = [r for r in rows if r.day in days[1:]]
            normal = [r for r in normal if r.day in days[1:]]
        self._choose_load(alternate, variation, rows, normal, self.stat(variation.name))
        how = self._variation_load(alternate)
        if len(days) > 1:
            plan.alternate = alternate
            plan.alternate_days = frozenset(days[1:])
            others = _listing([str(d) for d in days[1:]])
            self.exercise_lines.append(
                f"{plan.name}: {datum}. Held at the same loads on day {days[0]}; day"
                f"{'s' if len(days) > 2 else ''} {others} take"
                f"{'' if len(days) > 2 else 's'} {variation.name} instead, a variation of the same "
                f"movement pattern ({_pattern_words(target.pattern)}), {how}."
            )
            self._lower_for(plan, lowered)
            self._lower_for(alternate, self.loaded_part(variation))
            return plan
        self.exercise_lines.append(
            f"{plan.name} replaced by {variation.name}: {datum}; same movement pattern "
            f"({_pattern_words(target.pattern)}), {how}."
        )
        self._lower_for(alternate, self.loaded_part(variation))
        return alternate

    def _variation_load(self, plan: _Plan) -> str:
        if plan.load is Load.PERCENT:
            return "by percentage of its training max"
        if plan.load is Load.WORKING and plan.working is not None:
            return (
                f"at {_f(plan.working)} {self.unit} from {plan.working_from} "
                "(no training max for it)"
            )
        if plan.load is Load.FEEL:
            return f"{self._feel(plan)} (no training max or logged weight for it)"
        return "as the source prescribes it"

    def _feel(self, plan: _Plan) -> str:
        top = (plan.rpe or self.t.default_rpe) + plan.rpe_shift
        return f"by feel (target RPE up to {_f(top)})"

    def _lower_for(self, plan: _Plan, lowered: tuple[str, HealthFlag] | None) -> None:
        if lowered is None:
            return
        t = self.t
        part, flag = lowered
        plan.verdict = Verdict.LOWER
        if plan.load in (Load.BODYWEIGHT, Load.OPEN):
            plan.sets_delta = -1
            what = "one set fewer"
        elif plan.load is Load.FEEL:
            plan.rpe_shift = -t.rpe_cut
            what = f"{self._feel(plan)}, {_f(t.rpe_cut)} lower than the source"
        elif plan.load is Load.WORKING and plan.working is not None:
            before = plan.working
            plan.working = self.move(before, -t.injury_points, True)
            what = f"working weight lowered {_f(before)} → {_f(plan.working)} {self.unit}"
        else:
            plan.step = -t.injury_points
            plan.force_move = True
            share = "points" if plan.load is Load.PERCENT else "% load"
            what = f"lowered {_f(t.injury_points)} {share}"
        self.exercise_lines.append(f"{plan.name}: {what} — it loads the {part}: {self.cite(flag)}.")

    def move(self, value: Decimal, step: Decimal, force: bool) -> Decimal:
        """An absolute load moved by `step` % (half-up to the plate increment); with `force`, by
        at least one increment; never below zero."""
        if not step or not value:
            return value
        moved = round_load(value * (Decimal(100) + step) / Decimal(100), self.increment)
        if force and moved == value and self.increment > 0:
            moved = value + self.increment if step > 0 else value - self.increment
        return max(Decimal(0), moved)

    def _tier_lines(self, plans: dict[str, _Plan]) -> list[str]:
        t = self.t
        if self.foundational:
            low, high = t.foundational_reps
            return [
                f"Foundational tier: {t.foundational_sets} set of {low}–{high} per exercise with "
                f"bodyweight, bands or light dumbbells (at most {_f(t.light_load(self.unit))} "
                f"{self.unit}), target RPE at most {_f(t.light_rpe)}."
            ]
        if not self.youth:
            return []
        used = [p for plan in plans.values() for p in (plan, plan.alternate) if p and p.name]
        no_tm = sorted(
            {p.name for p in used if p.load in (Load.WORKING, Load.FEEL)}, key=str.casefold
        )
        if not no_tm:
            return []
        with_tm = sorted({p.name for p in used if p.load is Load.PERCENT}, key=str.casefold)
        kept = f" (kept for {_listing(with_tm)})" if with_tm else ""
        verb = "is" if len(no_tm) == 1 else "are"
        return [
            f"Youth athlete: no percentage loading without a training max{kept}; "
            f"{_listing(no_tm)} {verb} loaded from recent sessions or by feel."
        ]

    def _adherence_lines(self) -> list[str]:
        t = self.t
        a = self.packet.adherence
        if a.rate_pct is None:
            return ["Adherence not measured (no program in the last weeks): no gate applied."]
        detail = ""
        if a.missed_weeks:
            reasons = [r for w in a.missed_weeks for r in w.reasons][:3]
            detail = f"; {_plural(len(a.missed_weeks), 'week')} short"
            if reasons:
                detail += " — " + " / ".join(f"“{_clip(r, 60)}”" for r in reasons)
        rate = a.rate_pct
        if rate >= t.adherence_volume:
            effect = f"at least {_f(t.adherence_volume)} %, so progression as the data allows"
        elif rate >= t.adherence_low:
            effect = (
                f"below {_f(t.adherence_volume)} %, so loads may progress but no set or harder "
                "variation is added"
            )
        else:
            effect = (
                f"below {_f(t.adherence_low)} %, so nothing goes beyond the standard step: "
                "with sessions missed, the data cannot say they are too easy"
            )
        return [
            f"Adherence {_f(rate)} % over the last {_plural(len(a.prescribed), 'week')} "
            f"(streak {_plural(a.current_streak_weeks, 'week')}{detail}): {effect}."
        ]

    # -- weeks and days --------------------------------------------------------------------------

    def _weeks(self, source: _Source) -> list[_Week]:
        t, request = self.t, self.request
        every = t.deload_every_foundational if self.foundational else t.deload_every
        recovery = source.recovery_weeks
        active = source.active_weeks
        normal = [w for w in active if w not in recovery] or active

        def meta(src: int, number: int) -> tuple[str, str]:
            kind, notes = source.weeks.get(src, ("", ""))
            return (kind or ("base" if number == 1 else "build")), notes

        if len(active) < source.num_weeks:
            self.structure_lines.append(
                f"{source.name} has {_plural(source.num_weeks, 'week')} but sets in week"
                f"{'s' if len(active) > 1 else ''} {_listing([str(w) for w in active])} only: "
                "those are the weeks repeated."
            )
        out: list[_Week] = []
        if request.is_loop:
            for w in range(1, request.weeks + 1):
                src = active[(w - 1) % len(active)]
                kind, notes = meta(src, w)
                out.append(_Week(w, src, False, kind, notes))
            kept = [str(w) for w in recovery if w <= request.weeks]
            own = f" (the source's own recovery week {_listing(kept)} stays)" if kept else ""
            self.structure_lines.append(f"A loop repeats as written: no deload week is added{own}.")
            return out
        deloads: list[int] = []
        done = 0
        for w in range(1, request.weeks + 1):
            if w % every == 0:
                deloads.append(w)
                if recovery:
                    _, notes = meta(recovery[0], w)
                    out.append(_Week(w, recovery[0], False, "recovery", notes))
                else:
                    notes = (
                        f"Deload: loads −{_f(t.deload_points)} points (absolute loads "
                        f"−{_f(t.deload_points)} %), one set fewer."
                    )
                    out.append(_Week(w, normal[(w - 1) % len(normal)], True, "recovery", notes))
                continue
            src = normal[done % len(normal)]
            done += 1
            kind, notes = meta(src, w)
            out.append(_Week(w, src, False, kind, notes))
        tier = " (foundational tier)" if self.foundational else ""
        if deloads:
            how = (
                f"the source's own recovery week (week {recovery[0]}) is used"
                if recovery
                else f"loads −{_f(t.deload_points)} points and one set fewer"
            )
            self.structure_lines.append(
                f"Deload in week {_listing([str(w) for w in deloads])}: a fixed block deloads "
                f"every {_ordinal(every)} week{tier} — {how}."
            )
        else:
            self.structure_lines.append(
                f"No deload week: a fixed block of {_plural(request.weeks, 'week')} ends before "
                f"the {_ordinal(every)} week, when it would deload{tier}."
            )
        return out

    def _day_sources(self, source: _Source) -> dict[int, list[int]]:
        """Draft day → the source days it takes its sessions from: the same day, merged days
        (fewer days a week), or repeated days (more)."""
        days = self.request.days_per_week
        active = sorted({r.day for r in source.rows}) or [1]
        count = len(active)
        if count < source.num_days:
            self.structure_lines.append(
                f"{source.name} has {_plural(source.num_days, 'day')} a week but sets on day"
                f"{'s' if count > 1 else ''} {_listing([str(d) for d in active])} only: those "
                "are the sessions used."
            )
        if days == count:
            return {d: [active[d - 1]] for d in range(1, days + 1)}
        if days < count:
            merged: dict[int, list[int]] = defaultdict(list)
            for i, d in enumerate(active):
                merged[i * days // count + 1].append(d)
            parts = [
                f"day{'s' if len(ds) > 1 else ''} {'+'.join(str(x) for x in ds)} → day {k}"
                for k, ds in sorted(merged.items())
            ]
            self.structure_lines.append(
                f"{days} days a week instead of {count}: the source's sessions are merged "
                f"({', '.join(parts)}), the opening exercises of each first."
            )
            return dict(merged)
        repeats = {d: [active[(d - 1) % count]] for d in range(1, days + 1)}
        extra = [f"day {d} repeats day {s[0]}" for d, s in repeats.items() if d > count]
        self.structure_lines.append(f"{days} days a week instead of {count}: {', '.join(extra)}.")
        return repeats

    # -- the sets ---------------------------------------------------------------------------------

    def _sets(
        self, source: _Source, plans: dict[str, _Plan], weeks: list[_Week]
    ) -> list[dict[str, Any]]:
        t, request = self.t, self.request
        sessions: dict[tuple[int, int], list[list[_Row]]] = defaultdict(list)
        blocks: dict[tuple[int, int, str], list[_Row]] = {}
        for row in source.rows:
            key = (row.week, row.day, row.exercise.casefold())
            if key not in blocks:
                blocks[key] = []
                sessions[(row.week, row.day)].append(blocks[key])
            blocks[key].append(row)
        day_sources = self._day_sources(source)
        focus = self._focus_rules()
        patterns: frozenset[str] = frozenset().union(*(f.patterns for f in focus))
        volume_ok = self.adherence is None or self.adherence >= t.adherence_volume
        additions = self._focus_additions(plans, weeks[0], sessions, day_sources) if weeks else {}
        trimmed: dict[str, set[int]] = defaultdict(set)
        merged_twice: set[str] = set()
        focus_sets: dict[str, str] = {}
        out: list[dict[str, Any]] = []
        for week in weeks:
            recovery = week.derived_deload or week.week_type == "recovery"
            for day in range(1, request.days_per_week + 1):
                slots = self._slots(sessions, week, day_sources[day], plans, merged_twice)
                names = {s.plan.name.casefold() for s in slots}
                slots += [s for s in additions.get(day, []) if s.plan.name.casefold() not in names]
                for slot in slots:
                    slot.focus = slot.added or slot.plan.pattern in patterns
                limit = request.max_exercises_per_day
                if len(slots) > limit:
                    ranked = sorted(range(len(slots)), key=lambda i: (not slots[i].focus, i))
                    keep = set(ranked[:limit])
                    for i, slot in enumerate(slots):
                        if i not in keep:
                            trimmed[slot.plan.name].add(day)
                    slots = [s for i, s in enumerate(slots) if i in keep]
                for order, slot in enumerate(slots, start=1):
                    extra = int(
                        slot.focus
                        and not slot.added
                        and volume_ok
                        and not self.foundational
                        and not recovery
                        and len(slot.rows) + max(0, slot.plan.sets_delta) < t.max_sets
                    )
                    if extra:
                        focus_sets[slot.plan.name] = slot.plan.pattern
                    out.extend(self._slot_sets(slot, week, day, order, extra))
        self._structure_after_sets(trimmed, merged_twice, focus, focus_sets, volume_ok)
        return out

    def _slots(
        self,
        sessions: dict[tuple[int, int], list[list[_Row]]],
        week: _Week,
        source_days: list[int],
        plans: dict[str, _Plan],
        merged_twice: set[str],
    ) -> list[_Slot]:
        per_day = [sessions.get((week.source, d), []) for d in source_days]
        interleaved: list[list[_Row]] = []
        for i in range(max((len(b) for b in per_day), default=0)):
            interleaved.extend(blocks[i] for blocks in per_day if i < len(blocks))
        slots: list[_Slot] = []
        names: set[str] = set()
        for rows in interleaved:
            plan = plans.get(rows[0].exercise.casefold())
            if plan is None:
                continue
            if plan.alternate is not None and rows[0].day in plan.alternate_days:
                plan = plan.alternate
            if not plan.name:
                continue
            if plan.name.casefold() in names:
                merged_twice.add(plan.name)
                continue
            names.add(plan.name.casefold())
            slots.append(_Slot(plan, sorted(rows, key=lambda r: r.set_number)))
        return slots

    def _focus_rules(self) -> list[FocusRule]:
        return [FOCUS_RULES[a] for a in self.request.focus_areas if a in FOCUS_RULES]

    def _focus_additions(
        self,
        plans: dict[str, _Plan],
        first: _Week,
        sessions: dict[tuple[int, int], list[list[_Row]]],
        day_sources: dict[int, list[int]],
    ) -> dict[int, list[_Slot]]:
        """For a focus area with no exercise in the program: one exercise of its patterns on the
        day with the fewest exercises, every week."""
        t = self.t
        present = {
            p.pattern for plan in plans.values() for p in (plan, plan.alternate) if p and p.name
        }
        counts = {
            day: len(self._slots(sessions, first, srcs, plans, set()))
            for day, srcs in day_sources.items()
        }
        out: dict[int, list[_Slot]] = defaultdict(list)
        for rule in self._focus_rules():
            if rule.patterns & present:
                continue
            self.focus_added.add(rule.label)
            options = sorted(
                (
                    self.risky(e.name) is not None,
                    not self.trained.get(e.key),
                    e.tier != Tier.FOUNDATIONAL,
                    e.key,
                )
                for e in self.catalog.values()
                if e.pattern and e.pattern in rule.patterns and self.allowed(e)
                and e.key not in self.taken
            )  # fmt: skip
            if not options:
                self.structure_lines.append(
                    f"Focus on {rule.label}: no {rule.label} exercise {self.first} can do is in "
                    "the catalog, so none was added."
                )
                continue
            ex = self.catalog[options[0][3]]
            day = min(counts, key=lambda d: (counts[d] + len(out[d]), d))
            if counts[day] + len(out[day]) >= self.request.max_exercises_per_day:
                self.structure_lines.append(
                    f"Focus on {rule.label}: every day already has "
                    f"{self.request.max_exercises_per_day} exercises, so {ex.name} was not added."
                )
                continue
            self.taken.add(ex.key)
            sets, reps, rep_type = rule.added
            if self.foundational:
                sets = t.foundational_sets
                if rep_type in _LOADED_REP_TYPES:
                    reps = t.foundational_reps[0]
            plan = _Plan(source=ex.name, name=ex.name, pattern=ex.pattern)
            if ex.bodyweight:
                plan.load = Load.BODYWEIGHT
            elif rep_type in _LOADED_REP_TYPES:
                plan.load = Load.FEEL
                plan.rpe = t.light_rpe if self.foundational else t.default_rpe
                plan.note = "load by feel (no training max or logged weight)"
            rows = [
                _Row(ex.name, 0, day, n, reps, rep_type, None, None, 0, "", None)
                for n in range(1, sets + 1)
            ]
            out[day].append(_Slot(plan, rows, focus=True, added=True))
            unit = {"seconds": " s", "distance": " m"}.get(rep_type, "")
            kinds = " or ".join(sorted(_pattern_words(p) for p in rule.patterns if p))
            self.structure_lines.append(
                f"Focus on {rule.label}: the program had no {kinds} exercise, so {ex.name} "
                f"({sets}×{reps}{unit}) is added to day {day}, the day with the fewest exercises."
            )
        return dict(out)

    def _structure_after_sets(
        self,
        trimmed: dict[str, set[int]],
        merged_twice: set[str],
        focus: list[FocusRule],
        focus_sets: dict[str, str],
        volume_ok: bool,
    ) -> None:
        t, request = self.t, self.request
        if merged_twice:
            names = sorted(merged_twice, key=str.casefold)
            self.structure_lines.append(
                f"{_listing(names)} appear{'s' if len(names) == 1 else ''} once per session "
                "where merged or substituted sessions would have had it twice."
            )
        if trimmed:
            parts = [
                f"{name} (day {_listing([str(d) for d in sorted(days)])})"
                for name, days in sorted(trimmed.items(), key=lambda kv: kv[0].casefold())
            ]
            first = ", focus exercises kept first" if focus else ""
            self.structure_lines.append(
                f"At most {request.max_exercises_per_day} exercises a day (the request{first}): "
                f"left out {_listing(parts)}."
            )
        for rule in focus:
            got = sorted((n for n, p in focus_sets.items() if p in rule.patterns), key=str.casefold)
            kinds = ", ".join(sorted(_pattern_words(p) for p in rule.patterns if p))
            if rule.label in self.focus_added:
                continue  # said where the exercise was (or could not be) added
            if got:
                self.structure_lines.append(
                    f"Focus on {rule.label} ({kinds}): one more set in normal weeks for "
                    f"{_listing(got)}."
                )
            elif self.foundational:
                self.structure_lines.append(
                    f"Focus on {rule.label}: no set added — the foundational tier trains "
                    f"{t.foundational_sets} set per exercise."
                )
            elif not volume_ok:
                self.structure_lines.append(
                    f"Focus on {rule.label}: no set added — adherence {_f(self.adherence or 0)} % "
                    f"is below {_f(t.adherence_volume)} %."
                )
        for area in request.focus_areas:
            if area not in FOCUS_RULES:
                sport = self.packet.profile.sport or "the athlete's sport"
                self.structure_lines.append(
                    f"Focus “{area.replace('_', '-')}” needs a coach's judgement: the rules "
                    f"engine cannot tell which exercises are specific to {sport}, so it changed "
                    "nothing for it."
                )

    def _slot_sets(
        self, slot: _Slot, week: _Week, day: int, order: int, extra: int
    ) -> list[dict[str, Any]]:
        t = self.t
        plan, rows = slot.plan, slot.rows
        recovery = week.derived_deload or week.week_type == "recovery"
        delta = plan.sets_delta if plan.sets_delta < 0 or not recovery else 0
        count = len(rows) + delta + extra - (1 if week.derived_deload else 0)
        if self.foundational:
            # One set of each exercise: its working (last) set.
            used = rows[-t.foundational_sets :]
        else:
            count = max(1, count)
            used = rows[:count] if count <= len(rows) else rows + [rows[-1]] * (count - len(rows))
        top_pct = max((r.percentage for r in rows if r.percentage is not None), default=None)
        slot_rpes = [r.target_rpe for r in rows if r.target_rpe is not None]
        low, high = t.foundational_reps
        light = t.light_load(self.unit)
        out = []
        for number, r in enumerate(used, start=1):
            pct: Decimal | None = None
            absolute: Decimal | None = None
            rpe = r.target_rpe
            if plan.load is Load.PERCENT:
                pct, absolute = r.percentage, r.absolute_weight
                if pct is not None:
                    pct += plan.step - (t.deload_points if week.derived_deload else 0)
                    pct = min(t.percentage_max, max(t.percentage_min, pct))
                elif absolute:
                    absolute = self._deloaded(self.move(absolute, plan.step, plan.force_move), week)
            elif plan.load is Load.SCALED:
                absolute = r.absolute_weight
                if absolute:
                    absolute = self._deloaded(self.move(absolute, plan.step, plan.force_move), week)
            elif plan.load is Load.WORKING and plan.working is not None:
                value = r.percentage or r.absolute_weight
                ratio = value / plan.reference if value and plan.reference else Decimal(1)
                absolute = self._deloaded(round_load(plan.working * ratio, self.increment), week)
                absolute = absolute or self.increment or plan.working
            elif plan.load is Load.FEEL:
                top = (max(slot_rpes) if slot_rpes else plan.rpe or t.default_rpe) + plan.rpe_shift
                rpe = top
                if r.percentage is not None and top_pct is not None:
                    rpe = top - (top_pct - r.percentage) * t.rpe_step
                if week.derived_deload:
                    rpe -= t.rpe_cut
                rpe = max(t.min_rpe, (rpe * 2).quantize(Decimal(1), rounding=ROUND_HALF_UP) / 2)
            elif plan.load is Load.BODYWEIGHT:
                absolute = Decimal(0)
            elif not plan.swapped:
                absolute = r.absolute_weight
            if rpe is not None and week.derived_deload and plan.load is not Load.FEEL:
                rpe = max(t.min_rpe, rpe - t.rpe_cut)
            reps = r.reps
            if self.foundational:
                absolute = min(absolute, light) if absolute is not None else None
                rpe = min(rpe, t.light_rpe) if rpe is not None else None
                if r.rep_type in _LOADED_REP_TYPES:
                    reps = (
                        low
                        if week.derived_deload
                        else (plan.reps_to or min(high, max(low, reps or high)))
                    )
            notes = [] if plan.swapped or not r.notes else [r.notes]
            if plan.note:
                notes.append(plan.note)
            out.append(
                {
                    "exercise": plan.name,
                    "week": week.number,
                    "day": day,
                    "set_number": number,
                    "reps": reps,
                    "rep_type": r.rep_type or "reps",
                    "percentage": _n(pct),
                    "absolute_weight": _n(absolute),
                    "sort_order": order,
                    "notes": "; ".join(notes)[:500] or None,
                    "target_rpe": _n(rpe),
                }
            )
        return out

    def _deloaded(self, value: Decimal, week: _Week) -> Decimal:
        if not week.derived_deload or not value:
            return value
        factor = (Decimal(100) - self.t.deload_points) / Decimal(100)
        return round_load(value * factor, self.increment)
