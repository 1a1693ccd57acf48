"""The scenario suite: for every athlete of tests/generation/scenarios.py and the demo story,
the rules engine's draft passes the checker (every stated change is in the sets, every flag and
note is answered), keeps every hard constraint, and does what its scenario is about."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from athletes.demo import demo_seed
from athletes.models import Athlete, User
from generation.checker import check_draft
from generation.checker.check import youth_steps
from generation.constraints import enforce
from generation.engines.base import Draft, GenerationRequest
from generation.engines.rules import RulesEngine
from generation.packet import Packet, build_packet
from settings_app.resolution import setting_float
from tests.generation.scenarios import SCENARIOS, TODAY, clear_everything

pytestmark = pytest.mark.django_db

Case = tuple[Packet, GenerationRequest, Draft]


@pytest.fixture(scope="module")
def drafts(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Case]]:
    # The seed catalog and the demo load once for the module (committed), removed at the end.
    with django_db_blocker.unblock():
        demo_seed(today=TODAY)
        coach = User.objects.filter(role="coach").order_by("pk").first()
        assert coach is not None
        out: dict[str, Case] = {}
        for name in ("Tommy Carter", "Sarah Carter"):
            packet = build_packet(Athlete.objects.get(name=name), today=TODAY)
            request = GenerationRequest(program_name="Month 4", days_per_week=4, weeks=4)
            out[name] = (packet, request, RulesEngine().generate(packet, request))
        for s in SCENARIOS:
            packet, request = s.build(coach), s.generation_request()
            out[s.name] = (packet, request, RulesEngine().generate(packet, request))
    yield out
    with django_db_blocker.unblock():
        clear_everything()


NAMES = ["Tommy Carter", "Sarah Carter", *(s.name for s in SCENARIOS)]


def text(draft: Draft) -> str:
    return "\n".join(draft.reasoning)


def names(draft: Draft) -> set[str]:
    return {r["exercise"] for r in draft.catalog["programs"][0]["prescribed_sets"]}


def test_the_suite_has_at_least_twelve_athletes() -> None:
    assert len(NAMES) >= 12


@pytest.mark.parametrize("name", NAMES)
def test_every_draft_passes_the_checker_and_keeps_the_hard_constraints(
    drafts: dict[str, Case], name: str
) -> None:
    packet, request, draft = drafts[name]
    report = check_draft(
        catalog=draft.catalog,
        reasoning=draft.reasoning,
        packet=packet,
        directions=request.coach_directions,
        decisions=draft.decisions,
    )
    assert report.mismatches == []
    assert [t.label for t in report.unanswered] == []
    assert report.checked > 0
    # The words read back to the same facts.
    assert check_draft(catalog=draft.catalog, reasoning=draft.reasoning).mismatches == []
    increment = Decimal(str(setting_float("defaults.plate_increment")))
    if packet.profile.audience == "youth":
        assert youth_steps(draft.catalog, increment) == []
    result = enforce(draft.catalog, packet, request)
    assert result.errors == []
    assert result.catalog == draft.catalog


def test_a_five_three_one_lifter_progresses_through_the_training_max(
    drafts: dict[str, Case],
) -> None:
    _, _, draft = drafts["5/3/1 lifter"]
    squat = next(line for line in draft.reasoning if line.startswith("Back Squat:"))
    assert "held at 85 % of the training max" in squat
    assert "suggested new training max 285 → 295 lbs" in squat
    pcts = {r["percentage"] for r in draft.catalog["programs"][0]["prescribed_sets"]}
    assert max(p for p in pcts if p is not None) <= 85
    # Hard bench, rising press: held, and no TM suggested for them.
    for lift in ("Bench Press:", "Overhead Press:"):
        held = next(line for line in draft.reasoning if line.startswith(lift))
        assert "suggested" not in held


def test_a_growth_flag_holds_spinal_loads_and_raises_no_tm(drafts: dict[str, Case]) -> None:
    _, _, draft = drafts["Growth spurt"]
    growth = next(line for line in draft.reasoning if line.startswith("Growth flag"))
    assert "Back Squat" in growth
    assert "Trap Bar Deadlift" in growth
    assert "suggested new training max" not in text(draft)


def test_an_event_in_a_note_tapers_and_cuts_jump_volume(drafts: dict[str, Case]) -> None:
    _, _, draft = drafts["Event in a note"]
    weeks = draft.catalog["programs"][0]["weeks"]
    assert [w["week_type"] for w in weeks][2] == "taper"
    assert "less plyometric volume" in text(draft)
    box = [
        r for r in draft.catalog["programs"][0]["prescribed_sets"] if r["exercise"] == "Box Jump"
    ]
    assert max(r["set_number"] for r in box if r["week"] == 1) == 2


def test_directions_of_each_kind_are_read_before_drafting(drafts: dict[str, Case]) -> None:
    volume, avoid, keep = (drafts[n][2] for n in ("Direction: volume", "Direction: avoid",
                                                  "Direction: keep + event"))  # fmt: skip
    assert "read as more horizontal pull volume" in text(volume)
    assert "Overhead Press" not in names(avoid)
    assert "Overhead Press left out" in text(avoid)
    assert "Box Jump" in names(keep)
    assert "cannot follow this" in next(line for line in keep.reasoning if "Make it fun" in line)
    assert any("taper" in w["week_type"] for w in keep.catalog["programs"][0]["weeks"])
    # Said up front: the directions come before any exercise line.
    assert keep.reasoning[1].startswith("Coach direction")


def test_two_injuries_swap_within_pattern_and_region(drafts: dict[str, Case]) -> None:
    _, _, draft = drafts["Two injuries"]
    assert "Box Jump" not in names(draft)
    assert "Plyometric Push-Up" not in names(draft)
    assert "Overhead Press" not in names(draft)  # "overhead" is high-risk for the shoulder
    assert "Health notes on the shoulder" in text(draft)


def test_the_cap_says_what_it_removes(drafts: dict[str, Case]) -> None:
    _, _, draft = drafts["Crowded day"]
    day_1 = {r["exercise"] for r in draft.catalog["programs"][0]["prescribed_sets"]
             if r["day"] == 1}  # fmt: skip
    assert len(day_1) == 5
    capped = next(line for line in draft.reasoning if line.startswith("At most 5 exercises"))
    for dropped in {"Plank", "Side Plank", "Dead Bug", "Farmer's Carry"} - day_1:
        assert dropped in capped


def test_a_youth_without_tms_moves_one_increment_at_most(drafts: dict[str, Case]) -> None:
    _, _, draft = drafts["Youth, no TMs"]
    goblet = next(line for line in draft.reasoning if line.startswith("Goblet Squat:"))
    assert "top set 25 → 30 lbs (+20 %)" in goblet
    assert "a youth athlete's load moves by at most one" in goblet


def test_the_swap_list_a_coach_sees_leads_with_the_engines_choice(
    drafts: dict[str, Case],
) -> None:
    from generation.checker import Change
    from generation.runs.selectors import swap_choices

    packet, _, draft = drafts["Tommy Carter"]
    chosen = next(
        d.exercise
        for d in draft.decisions
        if d.change is Change.SWAP and d.replaced == "Flying Sprint"
    )
    athlete = Athlete.objects.get(pk=packet.meta.athlete_id)
    choices = [e.name for e in swap_choices(athlete, "Flying Sprint", packet=packet)]
    assert choices[0] == chosen
    # Without the packet the menu knows nothing of the knee: a sprint may lead it.
    assert choices != [e.name for e in swap_choices(athlete, "Flying Sprint")]
