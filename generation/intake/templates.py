"""Choose the template a first program starts from, for an athlete with no history: scored on
tier, audience, goal, days per week, equipment, limitations and dislikes. Pure: plain data in,
a choice with its reasons out; the caller loads the candidates (services.candidates).

The hook into the engines is the request's reference program: the rules engine starts from a
reference program when one is given (generation.engines.rules.source.choose_source), and the
LLM engine is shown it, so no engine internals change."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from generation.constraints.injury_map import INJURY_MAP, high_risk_for

# Weights of each fit, in points; a template that fits nothing still scores and may be chosen.
AUDIENCE_POINTS = 3.0
TIER_POINTS = 2.0
GOAL_POINTS = 2.0
DAY_PENALTY = 1.0
EQUIPMENT_POINTS = 4.0
LIMITATION_PENALTY = 1.5
DISLIKE_PENALTY = 0.5
GOAL_WORDS: dict[str, tuple[str, ...]] = {
    "strength": ("strength", "power", "5x5", "linear", "max"),
    "sport": ("sport", "athlete", "performance", "speed", "season"),
    "general_fitness": ("general", "fitness", "foundation", "beginner", "health"),
    "race": ("race", "run", "endurance", "conditioning"),
}


@dataclass(frozen=True)
class ExerciseFacts:
    name: str
    tier: str
    equipment: frozenset[str]  # lower-cased equipment names it needs; empty: bodyweight


@dataclass(frozen=True)
class TemplateFacts:
    pk: int
    name: str
    description: str
    audience: str
    num_days: int
    exercises: tuple[ExerciseFacts, ...]


@dataclass(frozen=True)
class Athlete:
    tier: str
    audience: str
    goals: tuple[str, ...]
    days_per_week: int
    equipment: frozenset[str]
    body_parts: tuple[str, ...]  # limited body parts (athletes.stats.BODY_PARTS names)
    dislikes: tuple[str, ...]


@dataclass(frozen=True)
class Choice:
    template: TemplateFacts
    score: float
    reasons: tuple[str, ...]

    def text(self, of: int) -> str:
        return (
            f"First program from the intake: started from {self.template.name}, the template "
            f"that fits best of {of} (score {self.score:g}): {'; '.join(self.reasons)}."
        )


# The tiers each athlete tier can train at (the intake's tier is a guess from experience).
TIER_SUITS: dict[str, frozenset[str]] = {
    "foundational": frozenset({"foundational"}),
    "developing": frozenset({"foundational", "developing"}),
    "advanced": frozenset({"foundational", "developing", "advanced"}),
}


def tier_for(experience_years: int) -> str:
    if experience_years < 1:
        return "foundational"
    return "developing" if experience_years < 3 else "advanced"


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def score(t: TemplateFacts, a: Athlete) -> Choice:
    total = len(t.exercises)
    suits = TIER_SUITS.get(a.tier, TIER_SUITS["advanced"])
    suited = sum(e.tier in suits or not e.tier for e in t.exercises)
    doable = sum(e.equipment <= a.equipment for e in t.exercises)
    words = f"{t.name} {t.description}".casefold()
    goals = [g for g in a.goals if any(w in words for w in GOAL_WORDS.get(g, ()))]
    risky = sorted({e.name for e in t.exercises for p in a.body_parts if high_risk_for(e.name, p)})
    disliked = sorted(
        {e.name for e in t.exercises for d in a.dislikes if d and d in e.name.casefold()}
    )
    points = (
        (AUDIENCE_POINTS if t.audience in ("", a.audience) else 0.0)
        + TIER_POINTS * _share(suited, total)
        + GOAL_POINTS * len(goals)
        - DAY_PENALTY * abs(t.num_days - a.days_per_week)
        + EQUIPMENT_POINTS * _share(doable, total)
        - LIMITATION_PENALTY * len(risky)
        - DISLIKE_PENALTY * len(disliked)
    )
    reasons = (
        f"for {t.audience or 'any'} athletes ({a.audience} here)",
        f"{suited} of {total} exercises suit a {a.tier} lifter",
        f"goals matched: {', '.join(goals)}" if goals else "no goal matched by name",
        f"{t.num_days} days a week (asked {a.days_per_week})",
        f"{doable} of {total} exercises possible with the equipment",
        f"loads a limited body part: {', '.join(risky)}" if risky else "spares the limitations",
        f"disliked: {', '.join(disliked)}" if disliked else "nothing disliked",
    )
    return Choice(t, round(points, 2), reasons)


def choose(candidates: Sequence[TemplateFacts], athlete: Athlete) -> Choice | None:
    """The best-scoring template with exercises (ties: by name), or None when there is none."""
    scored = [score(t, athlete) for t in candidates if t.exercises]
    if not scored:
        return None
    return min(scored, key=lambda c: (-c.score, c.template.name.casefold()))


def body_parts_in(text: str) -> tuple[str, ...]:
    """The body parts the limitations text names (the injury map's keys)."""
    lowered = text.casefold()
    return tuple(part for part in INJURY_MAP if part in lowered)
