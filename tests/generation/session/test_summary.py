"""The packet for the next program reports how often sessions were adjusted and why."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from athletes.models import Athlete
from generation.models import AdjustmentStatus, SessionAdjustment
from generation.packet import build_packet
from generation.session.summary import reason_of


def record(athlete: Athlete, days_ago: int, rationale: list[str], **kw: str) -> None:
    SessionAdjustment.objects.create(
        athlete=athlete,
        date=timezone.localdate() - dt.timedelta(days=days_ago),
        strategy_requested="auto",
        strategy_used=kw.get("used", "formula"),
        status=kw.get("status", AdjustmentStatus.SUGGESTED),
        rationale=rationale,
    )


def test_reasons_are_grouped_by_their_datum() -> None:
    assert reason_of("Back Squat −2 sets, ×0.95: quads soreness 7/10") == "quads soreness"
    assert reason_of("Back Squat skipped: quads at 20 of 20 weekly sets (MRV)") == (
        "weekly volume at MRV"
    )
    assert reason_of("Plank skipped: 30 min available") == "time available"
    assert reason_of("The athlete looked tired.") == "other"


def test_the_packet_reports_adjustments_how_often_and_why(athlete: Athlete) -> None:
    assert build_packet(athlete).session_adjustments is None
    sore = "Back Squat −1 set: quads soreness 5/10"
    record(athlete, 1, [sore, "Bench Press ×0.975: sleep 2/5, energy 3/5"], status="accepted")
    record(athlete, 8, [sore], used="formula_fallback", status="kept_plan")
    record(athlete, 9, [])
    record(athlete, 90, [sore])  # outside the window
    summary = build_packet(athlete).session_adjustments
    assert summary is not None
    assert (summary.suggested, summary.changed, summary.accepted, summary.kept_plan) == (3, 2, 1, 1)
    assert summary.llm_fallbacks == 1
    assert [(r.reason, r.count) for r in summary.reasons] == [
        ("quads soreness", 2),
        ("sleep or energy", 1),
    ]
