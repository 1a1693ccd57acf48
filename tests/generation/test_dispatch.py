"""Engine choice, and the hard constraints applied to every draft whichever engine wrote it:
warnings added once, an LLM draft that breaks them replaced by a labelled rules draft, a rules
draft that breaks them a failed run with the reason."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from athletes.models import AthleteTier, User
from generation.constraints import enforce
from generation.engines import dispatch
from generation.engines.base import Draft, EngineChoice, EngineName, GenerationRequest, Usage
from generation.engines.rules import RulesEngine
from generation.models import RunStatus
from generation.packet import Packet, build_packet
from generation.runs.execute import generation_execute
from generation.runs.services import generation_request
from tests.factories import (
    AthleteFactory,
    AthleteNoteFactory,
    AthleteProgramFactory,
    ExerciseFactory,
    PrescribedSetFactory,
    ProgramTemplateFactory,
)
from tests.generation.factories_runs import (
    World,
    build_world,
    request_for,
)

KNEE = "Left knee sore after Friday's squats; keep an eye on it."


@pytest.fixture
def world(coach: User) -> World:
    world = build_world(coach)
    AthleteNoteFactory(athlete=world.athlete, content=KNEE, is_pinned=True)
    return world


@pytest.fixture
def packet(world: World) -> Packet:
    return build_packet(world.athlete)


@pytest.fixture
def with_llm(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPLOG_LLM_PROVIDER", "openai_compatible")
    monkeypatch.setenv("REPLOG_LLM_MODEL", "fake-model")


def rules_request(**overrides: Any) -> GenerationRequest:
    return request_for("Next Block", engine=EngineChoice.RULES, **overrides)


class FakeLLM:
    """Stands in for the LLM engine: answers a given catalog, enforced or not."""

    catalog: dict[str, Any] = {}
    enforce_first = False

    def generate(self, packet: Packet, request: GenerationRequest) -> Draft:
        catalog = copy.deepcopy(self.catalog)
        warnings: list[str] = []
        if self.enforce_first:  # as the real LLM engine does before it answers
            result = enforce(catalog, packet, request)
            catalog, warnings = result.catalog, result.warnings
        return Draft(
            catalog=catalog,
            reasoning=["Kept the squat: avg RPE 7."],
            usage=Usage(
                engine=EngineName.LLM,
                model="fake-model",
                tokens_in=1200,
                tokens_out=800,
                cost_usd=0.0123,
                duration_s=1.5,
                calls=1,
            ),
            warnings=warnings,
            prompt=[{"role": "user", "content": "packet"}],
            raw_response='{"program": "…"}',
        )


def knee_warnings(draft: Draft) -> list[str]:
    return [w for w in draft.warnings if "loads the knee" in w]


def test_without_an_llm_the_rules_engine_drafts_and_says_so(world: World) -> None:
    assert not dispatch.llm_configured()
    assert dispatch.engine_for(EngineChoice.AUTO) is EngineName.RULES
    assert dispatch.describe_engine().startswith("No LLM configured: the built-in rules engine")
    with pytest.raises(dispatch.EngineUnavailable, match="No LLM is configured"):
        dispatch.generate_draft(build_packet(world.athlete), request_for(engine=EngineChoice.LLM))


def test_a_rules_draft_gets_the_hard_constraint_warnings_once_and_is_otherwise_unchanged(
    packet: Packet,
) -> None:
    request = rules_request()
    plain = RulesEngine().generate(packet, request)

    draft = dispatch.generate_draft(packet, request)

    assert draft.catalog == plain.catalog
    assert draft.usage.engine is EngineName.RULES
    knee = knee_warnings(draft)
    assert any(w.startswith("Back Squat loads the knee — pinned coach note of") for w in knee)
    # Enforcing again (as a caller might) adds nothing.
    again = dispatch.checked(draft, packet, request)
    assert again.warnings == draft.warnings
    assert len(set(draft.warnings)) == len(draft.warnings)


def test_an_llm_draft_already_enforced_passes_unchanged_without_duplicate_warnings(
    packet: Packet, with_llm: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    request = request_for("Next Block", engine=EngineChoice.LLM)
    FakeLLM.catalog = RulesEngine().generate(packet, request).catalog
    FakeLLM.enforce_first = True
    monkeypatch.setattr(dispatch, "_llm_engine_class", lambda: FakeLLM)

    draft = dispatch.generate_draft(packet, request)

    assert draft.usage.engine is EngineName.LLM
    assert draft.fallback_reason == ""
    assert knee_warnings(draft)
    assert len(set(draft.warnings)) == len(draft.warnings)


def test_an_llm_draft_that_breaks_hard_constraints_becomes_a_labelled_rules_draft(
    packet: Packet, with_llm: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    request = request_for("Next Block", engine=EngineChoice.LLM)
    bad = copy.deepcopy(RulesEngine().generate(packet, request).catalog)
    bad["programs"][0]["num_weeks"] = 9  # the coach asked for 2
    FakeLLM.catalog, FakeLLM.enforce_first = bad, False
    monkeypatch.setattr(dispatch, "_llm_engine_class", lambda: FakeLLM)

    draft = dispatch.generate_draft(packet, request)

    assert draft.usage.engine is EngineName.RULES
    assert draft.fallback_reason.startswith("LLM failed: its draft broke hard constraints (")
    assert "9 weeks" in draft.fallback_reason
    assert draft.fallback_reason.endswith("— rules-engine draft shown")
    assert draft.catalog["programs"][0]["num_weeks"] == 2
    # The tokens and money were the LLM's; the prompt and answer stay for the history.
    assert (draft.usage.tokens_in, draft.usage.tokens_out, draft.usage.model) == (
        1200,
        800,
        "fake-model",
    )
    assert draft.prompt == [{"role": "user", "content": "packet"}]
    assert draft.raw_response == '{"program": "…"}'
    assert draft.reasoning[0].startswith("Started from Sport Performance — Month 3")


def test_a_missing_llm_engine_gives_a_labelled_checked_rules_draft(
    packet: Packet, with_llm: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dispatch, "_llm_engine_class", lambda: None)
    assert dispatch.engine_for(EngineChoice.AUTO) is EngineName.RULES
    draft = dispatch.generate_draft(packet, request_for(engine=EngineChoice.LLM))
    assert draft.fallback_reason == "the LLM engine is not available in this installation"
    assert knee_warnings(draft)


@pytest.fixture
def stuck(coach: User) -> Any:
    """A foundational athlete whose program holds only an exercise that is not foundational,
    with no foundational exercise in the catalog: no draft can pass the tier rule."""
    athlete = AthleteFactory(name="Bea", coach=coach, tier=AthleteTier.FOUNDATIONAL)
    squat = ExerciseFactory(name="Back Squat", movement_pattern="squat")
    template = ProgramTemplateFactory(name="Bea Block 1", num_weeks=1, num_days=1)
    PrescribedSetFactory(template=template, exercise=squat, set_number=1, percentage=None)
    AthleteProgramFactory(athlete=athlete, template=template)
    return athlete


def test_a_rules_draft_that_cannot_pass_is_rejected_with_the_reason(stuck: Any) -> None:
    with pytest.raises(dispatch.DraftRejected) as excinfo:
        dispatch.generate_draft(build_packet(stuck), request_for("Bea Block 2", weeks=1))
    message = excinfo.value.message
    assert message.startswith("The draft breaks hard constraints that could not be fixed:")
    assert "Back Squat left out: it is not a foundational exercise" in message
    assert excinfo.value.errors


def test_the_service_turns_a_rejected_draft_into_a_failed_run(stuck: Any, coach: User) -> None:
    run = generation_request(athlete=stuck, request=request_for("Bea Block 2", weeks=1), by=coach)
    generation_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert "could not be fixed" in run.error_message
    assert "not a foundational exercise" in run.error_message
