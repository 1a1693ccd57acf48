"""Today's session, adjusted: run a strategy, record the suggestion, and log what the person
accepted. Strategies read; only the functions named *_save / *_record / *_log write."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from athletes.models import Athlete, ReadinessCheckIn, User, Workout
from athletes.services import SetInput, workout_log
from generation.llm import LLMConfig
from generation.models import AdjustmentStatus, SessionAdjustment, SessionStrategy, StrategyUsed
from generation.session import advice, hybrid, limits
from generation.session.formula import formula_session
from generation.session.inputs import build_snapshot
from generation.session.plan import Readiness, Session, Snapshot
from settings_app.resolution import setting_float, setting_str, settings_scope


@dataclass(frozen=True)
class Adjustment:
    snapshot: Snapshot
    session: Session  # what is suggested, after the hard constraints
    formula: Session  # the formula's session (the fallback; shown beside the LLM's in hybrid)
    requested: str
    used: str
    fallback_reason: str = ""
    divergence: dict[str, Any] = field(default_factory=dict)
    usage: advice.Usage = field(default_factory=advice.Usage)
    seconds: float = 0.0

    def as_json(self) -> dict[str, Any]:
        return {
            **self.session.as_json(),
            "strategy": self.used,
            "strategy_requested": self.requested,
            "fallback_reason": self.fallback_reason,
            "divergence": self.divergence,
            "position": self.snapshot.position,
            "date": self.snapshot.date.isoformat(),
        }


def resolve_strategy(requested: str | None, config: LLMConfig) -> str:
    choice = requested or setting_str("session.strategy")
    if choice == SessionStrategy.AUTO:
        return SessionStrategy.LLM if config.is_configured else SessionStrategy.FORMULA
    return choice


def session_adjust(
    *,
    athlete: Athlete,
    readiness: Readiness,
    today: dt.date,
    strategy: str | None = None,
    config: LLMConfig | None = None,
) -> Adjustment:
    """The adjusted session for today; reads only. The formula answers whenever the LLM
    cannot, and the result says so (`formula_fallback` and the reason)."""
    started = time.monotonic()
    with settings_scope():  # settings read once for the whole adjustment
        config = config or LLMConfig.from_settings()
        chosen = resolve_strategy(strategy, config)
        snap = build_snapshot(athlete=athlete, today=today, readiness=readiness)
        base = formula_session(snap)
        formula = limits.enforce(base, snap)
        result = Adjustment(snap, formula, formula, requested=strategy or chosen, used=chosen)
        if chosen != SessionStrategy.FORMULA:
            result = _with_llm(result, base, config, chosen)
    return replace(result, seconds=time.monotonic() - started)


def _with_llm(result: Adjustment, base: Session, config: LLMConfig, chosen: str) -> Adjustment:
    snap = result.snapshot
    if not snap.lifts:
        return replace(result, used=StrategyUsed.FORMULA, fallback_reason="No session today.")
    deadline = setting_float("session.llm_deadline_seconds")
    try:
        answer = advice.ask(config, snap, base, deadline)
    except advice.AdviceRefused as exc:
        return replace(result, used=StrategyUsed.FORMULA_FALLBACK, fallback_reason=str(exc))
    session = limits.enforce(advice.apply_advice(answer.adjustment, base, snap), snap)
    divergence = hybrid.divergence(session, result.formula) if chosen == "hybrid" else {}
    return replace(result, session=session, divergence=divergence, usage=answer.usage)


# -- writes ------------------------------------------------------------------------------------


def check_in_save(
    *, athlete: Athlete, date: dt.date, readiness: Readiness, by: User | None
) -> ReadinessCheckIn:
    """Store the day's check-in (one per athlete and date; a second one replaces it)."""
    check_in, _ = ReadinessCheckIn.objects.update_or_create(
        athlete=athlete,
        date=date,
        defaults={
            "sleep": readiness.sleep,
            "energy": readiness.energy,
            "soreness": dict(readiness.soreness),
            "minutes_available": readiness.minutes,
            "pain": readiness.pain,
            "pain_note": readiness.pain_note,
            "illness": readiness.illness,
            "illness_note": readiness.illness_note,
            "created_by": by,
        },
    )
    return check_in


def session_adjustment_record(
    *, athlete: Athlete, adjustment: Adjustment, by: User | None
) -> SessionAdjustment:
    usage = adjustment.usage
    return SessionAdjustment.objects.create(
        athlete=athlete,
        date=adjustment.snapshot.date,
        strategy_requested=adjustment.requested,
        strategy_used=adjustment.used,
        inputs=adjustment.snapshot.as_json(),
        output=adjustment.session.as_json(),
        formula_output=adjustment.formula.as_json(),
        rationale=list(adjustment.session.rationale),
        warnings=list(adjustment.session.warnings),
        divergence=adjustment.divergence,
        fallback_reason=adjustment.fallback_reason,
        model=usage.model,
        tokens_in=usage.tokens_in,
        tokens_out=usage.tokens_out,
        cost_usd=Decimal(str(usage.cost_usd)),
        created_by=by,
    )


def session_adjustment_keep_plan(*, record: SessionAdjustment) -> SessionAdjustment:
    record.status = AdjustmentStatus.KEPT_PLAN
    record.save(update_fields=["status"])
    return record


def adjusted_workout_log(
    *,
    record: SessionAdjustment,
    date: dt.date,
    sets: Sequence[SetInput],
    notes: str,
    by: User | None,
) -> Workout:
    """Log the workout from an accepted adjustment and link the two, in one transaction."""
    if record.workout_id is not None:
        raise ValidationError({"date": "This adjustment has already been logged as a workout."})
    with transaction.atomic():
        workout = workout_log(athlete=record.athlete, date=date, sets=sets, notes=notes, by=by)
        record.workout = workout
        record.status = AdjustmentStatus.ACCEPTED
        record.save(update_fields=["workout", "status"])
    return workout


def session_adjust_and_record(
    *,
    athlete: Athlete,
    readiness: Readiness,
    today: dt.date,
    strategy: str | None,
    by: User | None,
) -> SessionAdjustment:
    """The page's path: store the check-in, adjust, record the suggestion."""
    check_in_save(athlete=athlete, date=today, readiness=readiness, by=by)
    adjustment = session_adjust(
        athlete=athlete, readiness=readiness, today=today, strategy=strategy
    )
    return session_adjustment_record(athlete=athlete, adjustment=adjustment, by=by)
