"""Fitting the packet to the token budget: assemble it at each ladder step, from the fullest, and
keep the first that fits. Recent data is never cut; a packet still over says so."""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable
from dataclasses import dataclass

from athletes.models import Athlete
from athletes.stats import AthleteStats, ExerciseStats
from generation.packet.limits import LADDER, Limits
from generation.packet.models import (
    DEFINITIONS,
    Catalog,
    CoachPreference,
    CurrentProgram,
    ExerciseSummary,
    HealthFlag,
    Intake,
    Meta,
    OtherExercise,
    OtherProgram,
    Packet,
    Profile,
)
from generation.packet.sections import (
    adherence_section,
    body_weight_section,
    exercise_summary,
    notes_section,
)
from generation.packet.wire import prompt_json
from generation.session.summary import SessionAdjustments

# Measured with LiteLLM's counter (tiktoken) on packets of the demo athletes and of synthetic
# histories: 2.7–2.9 characters per token (dates, numbers and "3×5@75%" split finely). The
# fallback divides by the low end so that it errs towards summarising, never overshooting.
CHARS_PER_TOKEN = 2.7
# A ladder step whose size, at the characters per token of the step before, is this far over
# the budget is not counted exactly: the packet of one athlete changes its character mix little
# from step to step (measured: under 3 %), so it cannot fit.
CLEARLY_OVER = 1.15


def count_tokens(text: str) -> tuple[int, str]:
    """(tokens, how they were counted). LiteLLM's counter lives behind generation.llm, the only
    module allowed to import litellm: it is used when that module offers `count_tokens(text)`;
    otherwise characters / CHARS_PER_TOKEN."""
    try:
        llm = importlib.import_module("generation.llm")
    except ImportError:
        llm = None
    counter: Callable[[str], int] | None = getattr(llm, "count_tokens", None)
    if counter is not None:
        return int(counter(text)), "LiteLLM token counter"
    return math.ceil(len(text) / CHARS_PER_TOKEN), f"estimate: characters / {CHARS_PER_TOKEN:g}"


@dataclass(frozen=True)
class Fixed:
    """The parts of the packet no budget step changes, computed once."""

    profile: Profile
    equipment: list[str]
    catalog: Catalog
    current_program: CurrentProgram | None
    supplemental_programs: list[OtherProgram]
    prior_programs: list[OtherProgram]  # newest first, all of them
    health_flags: list[HealthFlag]
    session_adjustments: SessionAdjustments | None = None
    coach_preferences: tuple[CoachPreference, ...] = ()
    intake: Intake | None = None


_Memo = dict[tuple[int, int, int, int, int], ExerciseSummary]


def _exercise_once(e: ExerciseStats, limits: Limits, memo: _Memo) -> ExerciseSummary:
    """`_exercise`, computed once per build for the limits it depends on: most ladder steps
    summarise an exercise the same way as the step before."""
    key = (
        id(e),
        limits.recent_sessions,
        limits.older_months,
        limits.tm_points,
        limits.volume_weeks,
    )
    if key not in memo:
        memo[key] = exercise_summary(e, limits)
    return memo[key]


def _assemble(
    athlete: Athlete, s: AthleteStats, fixed: Fixed, limits: Limits, budget: int, memo: _Memo
) -> Packet:
    detailed = s.exercises[: limits.exercises]
    rest = s.exercises[limits.exercises :]
    return Packet(
        meta=Meta(
            athlete_id=athlete.pk,
            generated_on=s.history.today,
            data_since=s.history.since,
            token_budget=budget,
            definitions=DEFINITIONS,
        ),
        profile=fixed.profile,
        equipment=fixed.equipment,
        catalog=fixed.catalog,
        current_program=fixed.current_program,
        supplemental_programs=fixed.supplemental_programs,
        prior_programs=fixed.prior_programs[: limits.prior_programs],
        session_adjustments=fixed.session_adjustments,
        coach_preferences=list(fixed.coach_preferences),
        intake=fixed.intake,
        exercises=[_exercise_once(e, limits, memo) for e in detailed],
        other_exercises=[
            OtherExercise(
                name=e.exercise.name,
                sessions=len(e.sessions),
                in_current_program=e.in_current_program,
            )
            for e in rest[: limits.other_exercises]
        ],
        other_exercises_count=len(rest),
        adherence=adherence_section(s, limits),
        body_weight=body_weight_section(s, fixed.profile, limits)
        if athlete.track_body_weight
        else None,
        notes=notes_section(s, fixed.health_flags, limits),
    )


def fit_to_budget(athlete: Athlete, s: AthleteStats, fixed: Fixed, budget: int) -> Packet:
    catalog_tokens, _ = count_tokens(fixed.catalog.model_dump_json(exclude_none=True))
    trimmed: list[str] = []
    packet = None
    memo: _Memo = {}
    chars_per_token: float | None = None  # of this packet, from its first exact count
    for step, limits in enumerate(LADDER):
        if step:
            trimmed.append(limits.summary)
        packet = _assemble(athlete, s, fixed, limits, budget, memo)
        # Counted as sent: the packet's list of available exercises is part of the prompt.
        text = prompt_json(packet)
        if (
            chars_per_token is not None
            and step < len(LADDER) - 1
            and len(text) / chars_per_token > budget * CLEARLY_OVER
        ):
            continue  # far over the budget by the step before's measure: not worth counting
        tokens, counter = count_tokens(text)
        chars_per_token = len(text) / max(1, tokens)
        packet.meta.token_estimate = tokens
        packet.meta.catalog_tokens = catalog_tokens
        packet.meta.token_counter = counter
        packet.meta.trimmed = list(trimmed)
        if tokens <= budget:
            return packet
    assert packet is not None  # LADDER is not empty
    # Still over: the most recent data is never cut; say so instead.
    packet.meta.over_budget = True
    return packet
