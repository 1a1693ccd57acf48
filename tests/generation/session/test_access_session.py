"""Access table for "Adjust for today" (see tests/access.py). The athlete persona's coach has
not turned the per-athlete flag on, so the athlete gets 403 everywhere but on their own
workout's adjustment record; test_views covers the flag turned on."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from generation.models import SessionAdjustment
from tests.access import (
    ATHLETE_VISIBLE,
    COACH_WRITE,
    Case,
    Personas,
    build_personas,
    case_id,
    run_case,
)


def athlete(p: Personas) -> list[int]:
    return [p.athlete.pk]


def record(p: Personas) -> SessionAdjustment:
    if "adjustment" not in p.extra:
        p.extra["adjustment"] = SessionAdjustment.objects.create(
            athlete=p.athlete,
            strategy_requested="formula",
            strategy_used="formula",
            output={"exercises": []},
        )
    return p.extra["adjustment"]  # type: ignore[no-any-return]


def with_record(p: Personas) -> list[int]:
    return [p.athlete.pk, record(p).pk]


def log_data(p: Personas) -> dict[str, Any]:
    return {
        "date": timezone.localdate().isoformat(),
        "row": "0",
        "set-0-exercise": p.exercise.pk,
        "set-0-reps": "5",
    }


ACCESS_CASES = [
    Case("generation:session_adjust", athlete),
    Case("generation:session_adjust", athlete, htmx=True),
    Case("generation:session_adjust", athlete, "post", data={"sleep": "2", "energy": "2"}),
    Case("generation:session_log", with_record),
    Case("generation:session_log", with_record, "post", expected=COACH_WRITE, data=log_data),
    Case("generation:session_keep", with_record, "post", expected=COACH_WRITE),
    Case(
        "generation:workout_adjustment",
        lambda p: [p.athlete.pk, p.workout.pk],
        expected=ATHLETE_VISIBLE,
    ),
]


@pytest.fixture
def personas(db: None) -> Personas:
    return build_personas()


@pytest.mark.parametrize("case", ACCESS_CASES, ids=case_id)
def test_access(case: Case, personas: Personas) -> None:
    run_case(case, personas)
