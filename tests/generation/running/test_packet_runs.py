"""The packet carries the athlete's runs: a small section built from the loaded history."""

from __future__ import annotations

import datetime as dt
from typing import Any

from athletes.models import Athlete
from generation.packet import build_packet, describe_packet, packet_json
from tests.generation.running.helpers import log_runs

TODAY = dt.date(2026, 12, 9)


def test_the_packet_carries_weekly_run_distances(athlete: Athlete) -> None:
    log_runs(athlete, today=TODAY, weeks=6, km=(5, 5, 8))
    packet = build_packet(athlete, today=TODAY)
    assert packet.runs is not None
    assert packet.runs.weekly_km == [18, 18, 18, 18, 18, 18]
    assert packet.runs.avg_weekly_km == 18
    assert packet.runs.longest_km == 8
    assert packet.runs.easy_pace_s_per_km == 360
    assert '"runs"' in packet_json(packet)


def test_no_runs_no_section(athlete: Athlete) -> None:
    packet = build_packet(athlete, today=TODAY)
    assert packet.runs is None
    assert '"runs"' not in packet_json(packet)


def test_the_readable_packet_has_a_runs_section(athlete: Athlete) -> None:
    log_runs(athlete, today=TODAY, weeks=4, km=(6,))
    described: Any = describe_packet(build_packet(athlete, today=TODAY))
    text = str(described)
    assert "Runs" in text
    assert "6 km a week" in text
