"""Which engine drafts a program: the coach's choice, or automatically the LLM when one is
configured and the built-in rules engine otherwise."""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any

from generation.engines.base import Draft, EngineChoice, EngineName, GenerationRequest
from generation.engines.rules import RulesEngine
from settings_app.registry import setting_str

if TYPE_CHECKING:
    from generation.context import Packet

logger = logging.getLogger(__name__)


class EngineUnavailable(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


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
    engine = engine_for(request.engine)
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
            return draft
        result: Draft = engine_class().generate(packet, request)
        return result
    return RulesEngine().generate(packet, request)
