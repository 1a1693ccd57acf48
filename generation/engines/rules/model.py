"""The plain data the stages pass along: source rows, catalog entries, numbers, plans."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from generation.checker.decisions import Decision
from generation.engines.base import GenerationRequest
from generation.engines.rules.directions import Wish
from generation.engines.rules.thresholds import GOAL_THEMES, Thresholds
from programs.models import (
    Audience,
    Tier,
)
from settings_app.resolution import setting_float

if TYPE_CHECKING:
    from generation.packet import HealthFlag, Packet


MODEL = "rules-v2"


PINNED = "pinned coach note"


LOADED_REP_TYPES = ("reps", "each_side")


WEIGHT_RE = re.compile(r"@(\d+(?:\.\d+)?(?:/\d+(?:\.\d+)?)*)")


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


@dataclass(frozen=True)
class Row:
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
class Source:
    name: str
    why: str
    num_weeks: int
    num_days: int
    rows: list[Row]
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
class Ex:
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
class Stat:
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
            text = f"avg RPE {fmt(self.avg_rpe)}"
            if marks and self.avg_rpe >= t.hard_rpe:
                text += f" (≥ {fmt(t.hard_rpe)})"
            elif marks and self.avg_rpe <= t.easy_rpe:
                text += f" (≤ {fmt(t.easy_rpe)})"
            parts.append(text)
            if self.trend in ("rising", "falling", "stable"):
                parts.append(self.trend)
        if self.completion is not None:
            text = f"completion {fmt(self.completion)} %"
            if marks and self.completion < t.low_completion:
                text += f" (< {fmt(t.low_completion)} %)"
            elif marks and self.completion >= t.easy_completion:
                text += f" (≥ {fmt(t.easy_completion)} %)"
            parts.append(text)
        return ", ".join(parts)


@dataclass
class Plan:
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
    alternate: Plan | None = None  # plateau: the variation …
    alternate_days: frozenset[int] = frozenset()  # … on these source days
    days: tuple[int, ...] = ()  # the source days a decision about it speaks of (() = all)
    source_top: Decimal | None = None  # the source's top set in normal weeks (% or load)
    tm_rule: Decimal | None = None  # the source's progression rule: the TM moves, not the %
    # Left out (name ""): the exercise the coach can add back, and why it went.
    left_out: str = ""
    left_out_why: str = ""

    @property
    def swapped(self) -> bool:
        return self.name.casefold() != self.source.casefold()


@dataclass(frozen=True)
class Week:
    number: int
    source: int  # the source week it follows
    derived_deload: bool  # lightened here (the source has no recovery week to use)
    week_type: str
    notes: str


@dataclass
class Slot:
    """One exercise in one session of the draft."""

    plan: Plan
    rows: list[Row]
    focus: bool = False
    added: bool = False  # added for a focus area (its prescription is the focus rule's)


def to_dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def to_num(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def fmt(value: Decimal | float | int) -> str:
    """75, 72.5, 6.1 — never 75.0 or 7.5E+1."""
    dec = value if isinstance(value, Decimal) else Decimal(str(value))
    if dec == dec.to_integral_value():
        return str(int(dec))
    return format(dec.normalize(), "f")


def clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def top_weight_of(summaries: Iterable[str]) -> Decimal | None:
    """The heaviest load in session summaries ("3×2@80/90/95, 1×5@100 AMRAP")."""
    best: Decimal | None = None
    for text in summaries:
        for match in WEIGHT_RE.finditer(text):
            for part in match.group(1).split("/"):
                value = Decimal(part)
                if best is None or value > best:
                    best = value
    return best or None


def themes_of(text: str) -> set[str]:
    low = text.casefold()
    return {
        theme
        for theme, words in GOAL_THEMES.items()
        if any(re.search(rf"(?<![a-z0-9]){re.escape(w)}(?![a-z])", low) for w in words)
    }


def pattern_words(pattern: str) -> str:
    return pattern.replace("_", " ") or "similar"


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def subject(line: str) -> str:
    """The exercise a line is about: "Back Squat", from "Back Squat replaced by …: …"."""
    head = line.split(":")[0]
    for cut in (" replaced by ", " (in place of", " left out", " kept"):
        head = head.split(cut)[0]
    return head


def listing(names: Sequence[str]) -> str:
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


class Drafting:
    """One draft's state: the packet, the request, what the engine read, the lines so far.

    The stages are functions over it; `inputs.start` fills what is read from the database."""

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
        weight = packet.body_weight
        self.growth = self.youth and weight is not None and "growth" in weight.flag
        self.catalog: dict[str, Ex] = {}
        self.tms: dict[str, Decimal] = {}
        self.flags: dict[str, list[HealthFlag]] = defaultdict(list)
        self.stats: dict[str, Stat] = {}
        self.trained: dict[str, int] = {}
        self.from_log: set[str] = set()
        self.read_from_log: set[str] = set()
        self.taken: set[str] = set()
        self.decisions: list[Decision] = []
        self.wishes: list[Wish] = []  # the coach's directions and pinned notes, as read
        self.growth_held: list[str] = []  # spinal lifts held for a growth flag
        self.rules: dict[str, Decimal] = {}  # progression rules of the source, by exercise key
        self.day_sources: dict[int, list[int]] = {}  # draft day → the source days it takes
        # Exercises left out whole, with the sets they would have had (Draft.dropped).
        self.dropped: list[dict[str, Any]] = []
