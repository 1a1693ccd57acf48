"""The numbers of every rule, in one place (/work/shared/session-adjustment.md, from the seed
system Parakeet). Change them with a reason, not silently."""

from __future__ import annotations

import itertools
from decimal import Decimal

DEFAULT_REST_SECONDS = 90
UNKNOWN_READINESS = 3  # an unanswered sleep/energy question counts as average
UNKNOWN_SORENESS = 1

# Readiness (1–5).
POOR = 2  # ≤ this is a poor night / low energy
GOOD = 4  # ≥ this on both is a good day
BOTH_POOR = Decimal("0.95")
ONE_POOR = Decimal("0.975")
BOTH_GOOD = Decimal("1.025")

# RPE deviation: mean(actual − target) of the two latest sessions of the lift with an RPE.
# (The seed also moves rep ranges to their top at ≤ −1.25; our prescriptions have fixed reps.)
RPE_SESSIONS = 2
RPE_STEPS: tuple[tuple[float, Decimal], ...] = (  # checked in order
    (1.25, Decimal("0.95")),
    (0.75, Decimal("0.975")),
    (-1.25, Decimal("1.05")),
    (-0.75, Decimal("1.025")),
)

# Soreness (1–10): the worst over the lift's primary groups.
SORE_ONE_SET = 5
SORE_TWO_SETS = 7
SORE_RECOVERY = 9
SORE_TWO_SETS_LOAD = Decimal("0.95")
RECOVERY_SETS = 3
RECOVERY_REPS = 5
RECOVERY_RPE = Decimal("5")
RECOVERY_LOAD = Decimal("0.40")

# Disruptions: severity → (load multiplier, set fraction, rep change, skip).
INJURY = {
    "minor": (Decimal("0.80"), Decimal("1"), 0, False),
    "moderate": (Decimal("0.60"), Decimal("0.5"), 0, False),
    "major": (Decimal("1"), Decimal("1"), 0, True),
}
ILLNESS = {
    "minor": (Decimal("1"), Decimal("1"), -2, False),
    "moderate": (Decimal("0.75"), Decimal("1"), -2, False),
    "major": (Decimal("1"), Decimal("1"), 0, True),
}

# Weekly volume: a set counts 1.0 toward a primary group, this much toward a secondary one,
# times an effort factor from its RPE.
SECONDARY_SHARE = 0.5
EFFORT_POINTS: tuple[tuple[float, float], ...] = (
    (6.0, 0.15),
    (6.5, 0.30),
    (7.0, 0.65),
    (8.0, 0.85),
    (9.0, 1.0),
)

# Time: a working set costs its rest plus this much work.
SET_WORK_SECONDS = 40

# Hard constraints.
WEIGHT_FLOOR = Decimal("0.40")
GUARD_SETS_CUT = 2
GUARD_LOAD_BELOW = Decimal("0.90")
GUARD_LOAD_RESTORED = Decimal("0.95")

# The LLM's bounded answer.
LLM_MULTIPLIER_MIN = 0.40
LLM_MULTIPLIER_MAX = 1.20
LLM_SET_CHANGE_MIN = -3
LLM_SET_CHANGE_MAX = 2
LLM_RATIONALE_LINES = 5
LLM_RATIONALE_CHARS = 200
LLM_REDUCE_LOAD = Decimal("0.9")
LLM_REDUCE_SETS = 2

# Hybrid: shown to the coach above this divergence of the main lifts' first working set.
DIVERGENCE_SHOWN = 0.15
DIVERGENCE_AGREES = 0.10


def effort_factor(rpe: float | None) -> float:
    """How much a set counts toward weekly volume by its RPE (linear between the points)."""
    if rpe is None:
        return 1.0
    if rpe < EFFORT_POINTS[0][0]:
        return 0.0
    for (x0, y0), (x1, y1) in itertools.pairwise(EFFORT_POINTS):
        if rpe <= x1:
            return y0 + (y1 - y0) * (rpe - x0) / (x1 - x0)
    return 1.0


def signed(n: int) -> str:
    return f"+{n}" if n > 0 else f"−{-n}"


def sets_word(n: int) -> str:
    return f"{signed(n)} set{'s' if abs(n) != 1 else ''}"
