"""The one engine interface: generate(packet, request) -> Draft.

Every engine (the built-in rules engine, the LLM engine) returns a Draft: a CatalogJSON document
holding exactly one program, the reasoning behind it, and what it cost. Nothing here touches the
database; a Draft becomes an athlete's program only through the coach's approval.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from generation.checker.decisions import Decision
    from generation.packet import Packet


class EngineName(StrEnum):
    RULES = "rules"
    LLM = "llm"


class EngineChoice(StrEnum):
    AUTO = "auto"  # the LLM when one is configured, else the rules engine
    RULES = "rules"
    LLM = "llm"


@dataclass(frozen=True)
class GenerationRequest:
    """What the coach asked for."""

    program_name: str
    days_per_week: int
    weeks: int
    is_loop: bool = False
    focus_areas: tuple[str, ...] = ()
    coach_directions: str = ""
    reference_program_ids: tuple[int, ...] = ()
    max_exercises_per_day: int = 6
    engine: EngineChoice = EngineChoice.AUTO
    # A running plan's request ({"settings": PlanSettings.as_dict()}); None for a program.
    running: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        extra = {"running": self.running} if self.running is not None else {}
        return {
            "program_name": self.program_name,
            "days_per_week": self.days_per_week,
            "weeks": self.weeks,
            "is_loop": self.is_loop,
            "focus_areas": list(self.focus_areas),
            "coach_directions": self.coach_directions,
            "reference_program_ids": list(self.reference_program_ids),
            "max_exercises_per_day": self.max_exercises_per_day,
            "engine": str(self.engine),
            **extra,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GenerationRequest:
        return cls(
            program_name=str(data["program_name"]),
            days_per_week=int(data["days_per_week"]),
            weeks=int(data["weeks"]),
            is_loop=bool(data.get("is_loop", False)),
            focus_areas=tuple(data.get("focus_areas", ())),
            coach_directions=str(data.get("coach_directions", "")),
            reference_program_ids=tuple(int(i) for i in data.get("reference_program_ids", ())),
            max_exercises_per_day=int(data.get("max_exercises_per_day", 6)),
            engine=EngineChoice(data.get("engine", EngineChoice.AUTO)),
            running=data.get("running"),
        )


@dataclass
class Usage:
    engine: EngineName
    model: str = ""
    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: float = 0.0
    duration_s: float = 0.0
    calls: int = 0


@dataclass
class Draft:
    catalog: dict[str, Any]  # CatalogJSON with exactly one program
    reasoning: list[str]
    usage: Usage
    warnings: list[str] = field(default_factory=list)
    # Exercises an engine or the constraints left out whole, so the preview can offer them back:
    # {"week", "day", "exercise", "reason", "sets": [CatalogJSON set rows]}.
    dropped: list[dict[str, Any]] = field(default_factory=list)
    # Set when the LLM failed and the rules engine produced this draft instead.
    fallback_reason: str = ""
    prompt: list[dict[str, Any]] = field(default_factory=list)
    raw_response: str = ""
    # The catalog is already what the hard constraints make of it (the LLM engine enforces
    # them while checking an answer); enforce is idempotent, so dispatch need not run it again.
    constraints_applied: bool = False
    # What the reasoning says the draft does, as data the checker holds the sets to
    # (generation.checker); empty for an engine that gives only text.
    decisions: list[Decision] = field(default_factory=list)


class Engine(Protocol):
    name: EngineName

    def generate(self, packet: Packet, request: GenerationRequest) -> Draft: ...
