"""The running-plan engine behind generation.engines.dispatch: the deterministic plan, the
coach layer when an LLM is chosen, the plan as CatalogJSON in a Draft — so a running plan gets
the same run history, preview and approval as any program."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from django.utils import timezone

from generation.engines.base import Draft, EngineName, GenerationRequest, Usage
from generation.running import text
from generation.running.build import build_plan
from generation.running.coach_layer import CoachOutcome, coach_text
from generation.running.days import describe, role_pattern
from generation.running.plan import PlanSettings, plan_settings
from generation.running.profile import RunProfile, build_profile, logged_runs
from generation.running.skeleton import Plan
from generation.running.to_catalog import plan_catalog

if TYPE_CHECKING:
    from generation.packet import Packet

FALLBACK = "LLM failed: {reason} — the plan engine's own coaching text shown"


def packet_profile(packet: Packet) -> RunProfile:
    today = packet.meta.generated_on or timezone.localdate()
    runs = logged_runs(packet.meta.athlete_id, today=today)
    flags = [f"{flag.date}: {flag.text[:80]}" for flag in packet.notes.health_flags]
    return build_profile(runs, today=today, injury_flags=flags)


def settings_of(request: GenerationRequest) -> PlanSettings:
    return plan_settings(dict((request.running or {}).get("settings", {})))


def running_draft(packet: Packet, request: GenerationRequest, *, use_llm: bool) -> Draft:
    started = time.monotonic()
    settings = settings_of(request)
    profile = packet_profile(packet)
    plan = build_plan(profile, settings)
    text.fill_plan(plan, profile, settings)
    outcome = coach_text(plan, profile, settings) if use_llm else CoachOutcome()
    draft = Draft(
        catalog=plan_catalog(plan, settings, name=request.program_name),
        reasoning=_reasoning(plan, profile, settings),
        usage=_usage(outcome, use_llm, time.monotonic() - started),
        warnings=list(plan.warnings),
        fallback_reason=FALLBACK.format(reason=outcome.failure) if outcome.failure else "",
        prompt=outcome.prompt,
        raw_response=outcome.raw_response,
        constraints_applied=True,  # the running invariants, not the strength constraints
    )
    if outcome.structural_changes:
        draft.warnings.append(
            f"The LLM's answer changed {outcome.structural_changes} structural values "
            "(distances, dates, workout types); the plan engine's values were kept."
        )
    return draft


def _usage(outcome: CoachOutcome, use_llm: bool, duration: float) -> Usage:
    result = outcome.result
    if result is None:
        return Usage(engine=EngineName.RULES, duration_s=duration, calls=int(use_llm))
    return Usage(
        engine=EngineName.RULES if outcome.failure else EngineName.LLM,
        model=result.model,
        tokens_in=result.tokens_in,
        tokens_out=result.tokens_out,
        cost_usd=result.cost_usd,
        duration_s=duration,
        calls=result.attempts,
    )


def _reasoning(plan: Plan, profile: RunProfile, settings: PlanSettings) -> list[str]:
    pattern, _ = role_pattern(settings)
    lines = [
        f"Profile: {profile.weekly_km:g} km a week over {profile.weeks_counted} weeks, "
        f"{profile.runs_per_week:g} runs a week, longest {profile.longest_km:g} km, "
        f"consistency {profile.consistency:.0%}.",
        f"Week pattern: {describe(pattern)}.",
        "Weekly km: " + ", ".join(f"{w.total_m / 1000:g}" for w in plan.weeks) + ".",
    ]
    return lines + plan.repairs
