"""Tommy and Sarah from the demo data: their packets differ where their stories differ
(knee note, equipment, power-clean RPE, adherence, body weight)."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from athletes.models import Athlete
from generation.packet import Packet, build_packet, describe_packet

pytestmark = pytest.mark.django_db

# Any weekday holds the story (see tests/athletes/test_seed_demo.py); two are checked here.
DAYS = [dt.date(2026, 3, 25), dt.date(2026, 3, 28)]


def _packets(today: dt.date) -> tuple[Packet, Packet]:
    call_command("seed_demo", f"--today={today.isoformat()}", stdout=StringIO())
    tommy = build_packet(Athlete.objects.get(name="Tommy Carter"), today=today)
    sarah = build_packet(Athlete.objects.get(name="Sarah Carter"), today=today)
    return tommy, sarah


def _all_names(packet: Packet) -> set[str]:
    return {n for tiers in packet.catalog.available.values() for ns in tiers.values() for n in ns}


@pytest.mark.parametrize("today", DAYS, ids=str)
def test_tommy_and_sarah_packets_tell_their_stories(today: dt.date) -> None:
    tommy, sarah = _packets(today)

    # Power clean: Tommy's RPE is rising at a held TM (a plateau); Sarah's dumbbell clean ~6.
    clean = next(e for e in tommy.exercises if e.name == "Power Clean")
    assert clean.rpe_trend.direction == "rising"
    assert clean.plateau.flagged
    assert clean.avg_rpe is not None
    assert 7 <= clean.avg_rpe <= 8
    assert all(e.name != "Power Clean" for e in sarah.exercises)
    db_clean = next(e for e in sarah.exercises if e.name == "Dumbbell Power Clean")
    assert db_clean.replaces == ["Power Clean"]
    assert db_clean.rpe_trend.direction == "stable"
    assert db_clean.avg_rpe is not None
    assert 5.5 <= db_clean.avg_rpe <= 6.5
    assert not any(e.plateau.flagged for e in sarah.exercises)

    # Equipment: the barbell lifts are filtered out for Sarah, not for Tommy.
    assert {"Back Squat", "Power Clean", "Bench Press"} <= _all_names(tommy)
    assert not {"Back Squat", "Power Clean", "Bench Press"} & _all_names(sarah)
    assert "Barbell (" in sarah.catalog.filtered_out_reason
    assert sarah.catalog.missing_equipment["Barbell"] > tommy.catalog.missing_equipment.get(
        "Barbell", 0
    )
    assert sarah.equipment == ["Dumbbells", "Kettlebell", "Resistance Bands"]

    # Adherence: Tommy ~92 % with missed weeks and their reasons; Sarah 100 %.
    assert tommy.adherence.rate_pct is not None
    assert 85 <= tommy.adherence.rate_pct < 100
    assert tommy.adherence.missed_weeks
    assert any("Missed" in r for w in tommy.adherence.missed_weeks for r in w.reasons)
    assert sarah.adherence.rate_pct == 100
    assert sarah.adherence.missed_weeks == []
    assert sarah.adherence.completion_pct == 100  # her swaps count

    # Body weight: Tommy's fast gain (142 → 150 lb) is flagged, Sarah's stable weight is not.
    assert tommy.body_weight is not None
    assert sarah.body_weight is not None
    assert tommy.body_weight.rapid_change
    assert "possible growth spurt" in tommy.body_weight.flag
    assert not sarah.body_weight.rapid_change
    assert sarah.body_weight.direction == "stable"

    # The pinned knee note: a health flag for Tommy, none for Sarah.
    assert tommy.notes.health_flags[0].source == "pinned coach note"
    assert tommy.notes.health_flags[0].body_parts == ["knee"]
    assert "knee" in tommy.notes.pinned[0].text
    assert sarah.notes.health_flags == []

    for packet in (tommy, sarah):
        assert packet.meta.token_estimate <= packet.meta.token_budget
        assert not packet.meta.over_budget


def test_the_panel_reads_tommys_story_in_words() -> None:
    tommy, sarah = _packets(DAYS[0])
    text = {s.title: " ".join(f"{line.label} {line.text}" for line in s.lines) for s in
            describe_packet(tommy)}  # fmt: skip
    assert "Power Clean RPE rising (+" in text["Lifts"]
    assert "plateau" in text["Lifts"]
    assert "% over the last 12 weeks" in text["Adherence"]
    assert "rapid gain" in text["Body weight"]
    assert "knee" in text["Health and injury mentions"]
    sarah_text = {s.title: " ".join(line.text for line in s.lines) for s in describe_packet(sarah)}
    assert sarah_text["Health and injury mentions"] == "none found in the notes"
    assert "100 % over the last 12 weeks" in sarah_text["Adherence"]
    assert "Barbell" in sarah_text["Equipment and exercises"]
    assert "in place of Power Clean" in sarah_text["Lifts"]
