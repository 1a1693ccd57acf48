"""Issue 16, "Prompt size": the whole prompt as sent — every message, counted with the counter
`make bench` uses — stays within `llm.prompt_token_budget` (6,000) for every demo athlete, and
the compact packet it carries still says everything the model decides on."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command

from athletes.models import Athlete
from generation.engines import prompts
from generation.engines.base import GenerationRequest
from generation.packet import Packet, build_packet
from generation.packet.wire import prompt_dict, prompt_json
from settings_app.services import settings_set

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 25)
REQUEST = GenerationRequest(program_name="Next block", days_per_week=3, weeks=4)


@pytest.fixture
def demo() -> list[Athlete]:
    call_command("seed_demo", f"--today={TODAY.isoformat()}", stdout=StringIO())
    athletes = list(Athlete.objects.order_by("pk"))
    assert len(athletes) >= 8  # Tommy, Sarah, Maria, … : the whole demo
    return athletes


def _sent(athlete: Athlete, request: GenerationRequest = REQUEST) -> tuple[Packet, int]:
    packet = build_packet(athlete, today=TODAY, token_budget=prompts.packet_room(request))
    return packet, prompts.message_tokens(prompts.build_messages(packet, request))


def test_every_demo_athletes_whole_prompt_is_at_most_6000_tokens(demo: list[Athlete]) -> None:
    sizes = {}
    for athlete in demo:
        packet, tokens = _sent(athlete)
        sizes[athlete.name] = tokens
        assert not packet.meta.over_budget, athlete.name
    assert max(sizes.values()) <= 6_000, sizes
    # Not by luck of a small catalog: Tommy owns most of the equipment (180 exercises sent).
    assert sizes["Tommy Carter"] > 5_000


def test_a_smaller_prompt_budget_gives_the_packet_less_room(demo: list[Athlete]) -> None:
    tommy = next(a for a in demo if a.name == "Tommy Carter")
    settings_set(key="llm.prompt_token_budget", value="7000", by=None)
    roomy, roomy_tokens = _sent(tommy)
    settings_set(key="llm.prompt_token_budget", value="6000", by=None)
    tight, tight_tokens = _sent(tommy)
    assert roomy.meta.token_budget - tight.meta.token_budget == 1_000
    assert len(roomy.exercises) > len(tight.exercises)
    assert tight_tokens <= 6_000 < roomy_tokens


def test_a_coach_direction_takes_from_the_packet_not_the_cap(demo: list[Athlete]) -> None:
    maria = next(a for a in demo if a.name == "Maria Lopez")
    directions = (
        "Keep the squat at 80 % until bar speed is back. One heavy single a week in the last "
        "block before the meet. Pause bench on day 2; close-grip bench instead of dips."
    )
    asked = GenerationRequest(program_name="Next block", days_per_week=3, weeks=4,
                              coach_directions=directions)  # fmt: skip
    assert prompts.packet_room(asked) < prompts.packet_room(REQUEST)
    packet, tokens = _sent(maria, asked)
    assert not packet.meta.over_budget
    assert tokens <= 6_000
    # Directions longer than the packet can give way to: the packet says it is over.
    essay = GenerationRequest(program_name="Next block", days_per_week=3, weeks=4,
                              coach_directions=directions * 12)  # fmt: skip
    assert _sent(maria, essay)[0].meta.over_budget


def test_each_exercise_is_sent_once_and_nothing_the_model_reads_is_lost(
    demo: list[Athlete],
) -> None:
    tommy = next(a for a in demo if a.name == "Tommy Carter")
    packet = build_packet(tommy, today=TODAY, token_budget=100_000)
    text = prompt_json(packet)
    user = prompts.build_messages(packet, REQUEST)[1]["content"]
    names = [n for tiers in packet.catalog.available.values() for ns in tiers.values() for n in ns]
    sent = prompt_dict(packet)["catalog"]["available"]
    listed = [n for pattern in sent.values() for n in pattern.split(", ")]
    assert sorted(listed) == sorted(names)  # every available exercise, each once
    assert "# Exercise catalog" not in user
    for note in packet.notes.pinned + packet.notes.recent:
        assert note.text in text
    for flag in packet.notes.health_flags:
        assert f'"date":"{flag.date}","source":"{flag.source}"' in text
        assert flag.text in text  # its own text, or the note's it came from
    for exercise in packet.exercises:
        assert exercise.name in text
        if exercise.current_tm is not None:
            assert f'"current_tm":{exercise.current_tm:g}' in text
    assert packet.current_program is not None
    for day in packet.current_program.days:
        assert day.exercises in text
    for week in packet.adherence.missed_weeks:
        assert all(reason in text for reason in week.reasons)
    # What only RepLog reads stays out: ids and token bookkeeping.
    meta = json.loads(text)["meta"]
    assert not {"athlete_id", "token_budget", "token_estimate", "definitions"} & set(meta)


def test_a_foundational_athletes_catalog_keeps_its_tiers(demo: list[Athlete]) -> None:
    lily = next(a for a in demo if a.name == "Lily Nguyen")
    packet = build_packet(lily, today=TODAY, token_budget=100_000)
    assert packet.profile.tier == "foundational"
    available = prompt_dict(packet)["catalog"]["available"]
    assert all(isinstance(tiers, dict) for tiers in available.values())
    assert any("foundational" in tiers for tiers in available.values())
