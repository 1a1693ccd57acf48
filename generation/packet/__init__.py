"""The athlete briefing packet: what a generator is told about one athlete.

A typed structure (pydantic, `extra="forbid"`, models.py) the rules engine reads directly and the
LLM gets as compact JSON. Every derived number is computed here (from athletes.stats), every list
is bounded, and the JSON stays under a token budget by summarising older data, never by cutting
recent data (limits.py, budget.py). Assembly runs a constant number of queries whatever the
length of the history (build.py).
"""

from __future__ import annotations

from generation.packet.build import build_packet
from generation.packet.describe import describe_exercise, describe_packet
from generation.packet.models import ExerciseSummary, HealthFlag, Packet, packet_json
from generation.packet.programs import format_prescription

__all__ = [
    "ExerciseSummary",
    "HealthFlag",
    "Packet",
    "build_packet",
    "describe_exercise",
    "describe_packet",
    "format_prescription",
    "packet_json",
]
