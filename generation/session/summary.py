"""For the next program's packet: how often sessions were adjusted, and why (one query)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from pydantic import BaseModel, ConfigDict

from athletes.models import Athlete
from generation.models import AdjustmentStatus, SessionAdjustment, StrategyUsed

WINDOW_DAYS = 56
TOP_REASONS = 5


class AdjustmentReason(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str
    count: int


class SessionAdjustments(BaseModel):
    model_config = ConfigDict(extra="forbid")
    days: int
    suggested: int
    changed: int  # suggestions that changed anything
    accepted: int
    kept_plan: int
    llm_fallbacks: int
    reasons: list[AdjustmentReason] = []


_KEYWORDS = (
    ("MRV", "weekly volume at MRV"),
    ("sleep", "sleep or energy"),
    ("RPE", "RPE off target"),
    ("min available", "time available"),
    ("pain", "pain or injury"),
    ("illness", "illness"),
)


def reason_of(line: str) -> str:
    datum = line.split(": ", 1)[-1]
    if " soreness" in datum:
        return datum.split(" soreness", 1)[0] + " soreness"
    return next((label for word, label in _KEYWORDS if word in datum), "other")


def adjustment_summary(athlete: Athlete, *, today: dt.date) -> SessionAdjustments | None:
    rows = list(
        SessionAdjustment.objects.filter(
            athlete=athlete, date__gt=today - dt.timedelta(days=WINDOW_DAYS), date__lte=today
        ).values_list("status", "strategy_used", "rationale")
    )
    if not rows:
        return None
    reasons = Counter(
        reason for _, _, lines in rows for reason in {reason_of(line) for line in lines or []}
    )
    return SessionAdjustments(
        days=WINDOW_DAYS,
        suggested=len(rows),
        changed=sum(1 for *_, lines in rows if lines),
        accepted=sum(1 for status, *_ in rows if status == AdjustmentStatus.ACCEPTED),
        kept_plan=sum(1 for status, *_ in rows if status == AdjustmentStatus.KEPT_PLAN),
        llm_fallbacks=sum(1 for _, used, _ in rows if used == StrategyUsed.FORMULA_FALLBACK),
        reasons=[AdjustmentReason(reason=r, count=n) for r, n in reasons.most_common(TOP_REASONS)],
    )
