"""Who may see generation quality and clear a learned preference."""

from __future__ import annotations

import pytest

from generation.feedback.models import LearnedPreference
from tests.access import ANY_COACH, Case, Personas, build_personas, case_id, run_case

# Another coach's athlete's preference is not found; the athlete may not manage their own.
CLEAR = {"anon": 302, "athlete": 403, "other_coach": 404, "coach": 302, "admin": 302}


def _preference(p: Personas) -> list[int]:
    pref = LearnedPreference.objects.create(
        athlete=p.athlete, kind="swap", subject="Depth Jump", detail="Box Jump", count=2
    )
    return [pref.pk]


ACCESS_CASES = [
    Case("generation:quality", expected=ANY_COACH),
    Case("generation:preference_clear", _preference, "post", expected=CLEAR),
]


@pytest.fixture
def personas(db: None) -> Personas:
    return build_personas()


@pytest.mark.parametrize("case", ACCESS_CASES, ids=case_id)
def test_access(case: Case, personas: Personas) -> None:
    run_case(case, personas)
