"""Who may reach the free-text plan import pages."""

from __future__ import annotations

import pytest

from tests.access import ADMIN_ONLY, ANY_COACH, Case, Personas, build_personas, case_id, run_case

# Paste for the coach's athlete: another coach's form rejects the athlete (422 with an error).
CREATE = {"anon": 302, "athlete": 403, "other_coach": 422, "coach": 302, "admin": 302}

ACCESS_CASES = [
    Case("generation:plan_import", expected=ANY_COACH),
    Case(
        "generation:plan_import_create",
        method="post",
        expected=CREATE,
        data=lambda p: {"text": "Bench Press 3x8", "athlete": p.athlete.pk, "parser": "grammar"},
    ),
    Case("generation:plan_import_metrics", expected=ADMIN_ONLY),
]


@pytest.fixture
def personas(db: None) -> Personas:
    return build_personas()


@pytest.mark.parametrize("case", ACCESS_CASES, ids=case_id)
def test_access(case: Case, personas: Personas) -> None:
    run_case(case, personas)
