"""Every number the rules engine decides by (`Thresholds`) and the tables it reads."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from generation.constraints import LIMITS


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
