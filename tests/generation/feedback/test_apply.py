"""The post-draft stage on any engine's draft: a stable swap from the packet is made, the
constraints run again over it, and an unstable one is left alone."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from athletes.models import User
from generation.engines import dispatch
from generation.engines.base import Draft, EngineChoice, EngineName, GenerationRequest, Usage
from generation.engines.rules import RulesEngine
from generation.feedback.apply import apply_preferences, swap_in
from generation.packet import Packet, build_packet
from generation.packet.models import CoachPreference
from tests.generation.factories_runs import build_world, request_for

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 11, 20)


def preference(*, recent: int) -> CoachPreference:
    return CoachPreference(
        kind="swap", exercise="Push-up", detail="Bench Press", text="…", count=recent,
        stable=recent >= 2, first_seen=DAY, last_seen=DAY, runs=[12, 9], run_dates=[DAY, DAY],
        recent=recent,
    )  # fmt: skip


class EnforcedLLM:
    """Stands in for the LLM engine: a draft it has already held to the constraints."""

    catalog: dict[str, Any] = {}

    def generate(self, packet: Packet, request: GenerationRequest) -> Draft:
        usage = Usage(engine=EngineName.LLM, model="fake-model")
        return Draft(self.catalog, ["Kept the push-ups."], usage, constraints_applied=True)


def test_an_llm_draft_arrives_with_the_stable_swap_and_is_checked_again(
    coach: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = build_world(coach)
    monkeypatch.setenv("REPLOG_LLM_PROVIDER", "openai_compatible")
    monkeypatch.setenv("REPLOG_LLM_MODEL", "fake-model")
    packet = build_packet(world.athlete)
    packet.coach_preferences = [preference(recent=2)]
    request = request_for("Next", engine=EngineChoice.LLM)
    EnforcedLLM.catalog = RulesEngine().generate(packet, request).catalog
    monkeypatch.setattr(dispatch, "_llm_engine_class", lambda: EnforcedLLM)
    enforced: list[bool] = []
    real_enforce = dispatch.enforce
    monkeypatch.setattr(dispatch, "enforce", lambda *a: enforced.append(True) or real_enforce(*a))

    draft = dispatch.generate_draft(packet, request)

    names = {r["exercise"] for r in draft.catalog["programs"][0]["prescribed_sets"]}
    assert "Push-up" not in names
    assert draft.reasoning[-1].startswith("Coach preference: Push-up replaced with Bench Press")
    assert "run #12 (2026-11-20) and run #9 (2026-11-20)" in draft.reasoning[-1]
    assert enforced == [True]


def test_an_unstable_swap_is_left_alone() -> None:
    catalog = {"programs": [{"prescribed_sets": [{"exercise": "Push-up", "week": 1, "day": 1}]}]}
    packet: Any = type("P", (), {"coach_preferences": [preference(recent=1)]})()
    draft = Draft(catalog, [], Usage(engine=EngineName.RULES))
    assert (
        apply_preferences(draft, packet).catalog["programs"][0]["prescribed_sets"][0]["exercise"]
        == "Push-up"
    )


def test_a_swap_skips_a_session_that_already_has_the_new_exercise() -> None:
    rows = [
        {"exercise": "Push-up", "week": 1, "day": 1},
        {"exercise": "Bench Press", "week": 1, "day": 1},
        {"exercise": "Push-up", "week": 1, "day": 2},
    ]
    assert swap_in({"programs": [{"prescribed_sets": rows}]}, "Push-up", "Bench Press") == 1
    assert [r["exercise"] for r in rows] == ["Push-up", "Bench Press", "Bench Press"]
