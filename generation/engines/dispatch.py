"""Which engine drafts a program — the coach's choice, or automatically the LLM when one is
configured and the built-in rules engine otherwise — and the hard constraints every draft then
passes, whichever engine wrote it (generation.constraints.enforce).

Constraint errors, decided here:
- a draft from the LLM that still breaks a hard constraint (the LLM engine already enforces
  them and repairs once, so this is defence in depth) is replaced by a rules-engine draft,
  labelled like the LLM engine's own fallback ("LLM failed: … — rules-engine draft shown");
- a rules-engine draft that breaks one raises `DraftRejected`: nothing the coach could fix in
  the preview, and no better engine to fall back to. Its message says what broke;
  generation.runs.services turns it into a failed run showing that message.

Enforcing is idempotent: a draft the LLM engine already enforced comes back unchanged, and a
warning the draft already carries is not added twice.
"""

from __future__ import annotations

import dataclasses
import importlib
import logging
from typing import TYPE_CHECKING, Any

from generation.constraints import enforce
from generation.engines.base import Draft, EngineChoice, EngineName, GenerationRequest
from generation.engines.reasoning import mark_reasoning
from generation.engines.rules import RulesEngine
from generation.feedback.apply import apply_preferences
from settings_app.resolution import setting_str

if TYPE_CHECKING:
    from generation.packet import Packet

logger = logging.getLogger(__name__)

FALLBACK_LABEL = "LLM failed: {reason} — rules-engine draft shown"
ERRORS_SHOWN = 3


class EngineUnavailable(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class DraftRejected(EngineUnavailable):
    """A draft that breaks hard constraints no engine is left to fix."""

    def __init__(self, message: str, errors: list[str]) -> None:
        super().__init__(message)
        self.errors = errors


def llm_configured() -> bool:
    return bool(setting_str("llm.provider").strip()) and bool(setting_str("llm.model").strip())


def _llm_engine_class() -> Any | None:
    try:
        module = importlib.import_module("generation.engines.llm_engine")
    except ModuleNotFoundError as exc:
        if exc.name != "generation.engines.llm_engine":
            raise
        return None
    return getattr(module, "LLMEngine", None)


def engine_for(choice: EngineChoice | str) -> EngineName:
    """The engine a request with this choice will use (what the Generate page announces)."""
    choice = EngineChoice(choice)
    if choice is EngineChoice.RULES:
        return EngineName.RULES
    if choice is EngineChoice.LLM:
        return EngineName.LLM
    if llm_configured() and _llm_engine_class() is not None:
        return EngineName.LLM
    return EngineName.RULES


def describe_engine(choice: EngineChoice | str = EngineChoice.AUTO) -> str:
    if engine_for(choice) is EngineName.RULES:
        if not llm_configured():
            return "No LLM configured: the built-in rules engine will draft this program."
        return "The built-in rules engine will draft this program."
    return (
        f"The LLM ({setting_str('llm.provider')} · {setting_str('llm.model')}) will draft this "
        "program; if it fails, the built-in rules engine drafts it instead, clearly labelled."
    )


def generate_draft(packet: Packet, request: GenerationRequest) -> Draft:
    """A draft from the chosen engine, with the coach's stable swaps pre-applied
    (generation.feedback.apply), that passes the hard constraints (see the module doc)."""
    engine = engine_for(request.engine)
    if request.running is not None:
        from generation.running.engine import running_draft

        return running_draft(packet, request, use_llm=engine is EngineName.LLM)
    if engine is EngineName.LLM:
        if not llm_configured():
            raise EngineUnavailable(
                "No LLM is configured (Settings → LLM: provider and model); "
                "choose the built-in rules engine or ask an admin to configure one."
            )
        engine_class = _llm_engine_class()
        if engine_class is None:
            draft = RulesEngine().generate(packet, request)
            draft.fallback_reason = "the LLM engine is not available in this installation"
            return checked(apply_preferences(draft, packet), packet, request)
        result: Draft = engine_class().generate(packet, request)
        return checked(apply_preferences(result, packet), packet, request)
    draft = RulesEngine().generate(packet, request)
    return checked(apply_preferences(draft, packet), packet, request)


def checked(draft: Draft, packet: Packet, request: GenerationRequest) -> Draft:
    """The draft with the hard constraints applied: its catalog as enforced, their warnings
    added once; errors handled as the module doc says."""
    if draft.constraints_applied:
        return draft  # its warnings are in it already; a second pass would change nothing
    result = enforce(draft.catalog, packet, request)
    if result.errors:
        shown = "; ".join(e.rstrip(".") for e in result.errors[:ERRORS_SHOWN])
        if len(result.errors) > ERRORS_SHOWN:
            shown += f" (and {len(result.errors) - ERRORS_SHOWN} more)"
        if draft.usage.engine == EngineName.LLM:
            logger.warning("LLM draft broke hard constraints; rules engine instead: %s", shown)
            fallback = RulesEngine().generate(packet, request)
            fallback.fallback_reason = FALLBACK_LABEL.format(
                reason=f"its draft broke hard constraints ({shown})"
            )
            # The draft is the rules engine's; the tokens and money were the LLM's.
            fallback.usage = dataclasses.replace(
                draft.usage,
                engine=EngineName.RULES,
                duration_s=draft.usage.duration_s + fallback.usage.duration_s,
            )
            fallback.prompt, fallback.raw_response = draft.prompt, draft.raw_response
            return checked(fallback, packet, request)
        logger.warning("Rules-engine draft broke hard constraints: %s", result.errors)
        # What the engine itself could not do (an exercise left out) is usually the cause.
        left = [f"{d['exercise']} left out: {d['reason']}." for d in draft.dropped]
        noted = " ".join([*draft.warnings, *left][:ERRORS_SHOWN])
        raise DraftRejected(
            f"The draft breaks hard constraints that could not be fixed: {shown}."
            + (f" {noted}" if noted else "")
            + " Check the athlete's equipment, tier and the exercise catalog, then generate "
            "again.",
            result.errors,
        )
    draft.reasoning = mark_reasoning(
        draft.reasoning, draft.catalog, result.catalog, result.replaced
    )
    draft.catalog = result.catalog
    draft.dropped.extend(result.dropped)
    for warning in result.warnings:
        if warning not in draft.warnings:
            draft.warnings.append(warning)
    return draft
