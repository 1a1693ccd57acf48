"""Access table for the running-plan pages (see tests/access.py)."""

from __future__ import annotations

import pytest

from tests.access import COACH_PAGE, COACH_WRITE, Case, Personas, build_personas, case_id, run_case


def athlete(p: Personas) -> list[int]:
    return [p.athlete.pk]


PLAN = {
    "race": "10k",
    "weeks": "6",
    "days_per_week": "3",
    "start_date": "2026-12-07",
    "speedwork": "on",
    "engine": "rules",
}

ACCESS_CASES = [
    Case("generation:running_plan", athlete, expected=COACH_PAGE),
    Case("generation:running_plan", athlete, "post", expected=COACH_WRITE, data=PLAN),
]


@pytest.fixture
def personas(db: None) -> Personas:
    return build_personas()


@pytest.mark.parametrize("case", ACCESS_CASES, ids=case_id)
def test_access(case: Case, personas: Personas) -> None:
    run_case(case, personas)
