"""Who may reach the intake pages. The invite link is public: its token is its authorisation."""

from __future__ import annotations

import pytest

from athletes.intake import invite_create
from tests.access import (
    ANY_COACH,
    COACH_PAGE,
    COACH_WRITE,
    Case,
    Personas,
    build_personas,
    case_id,
    run_case,
)
from tests.factories import AthleteFactory

PUBLIC = {"anon": 200, "athlete": 200, "other_coach": 200, "coach": 200, "admin": 200}
GONE = {"anon": 410, "athlete": 410, "other_coach": 410, "coach": 410, "admin": 410}


def athlete(p: Personas) -> list[int]:
    return [p.athlete.pk]


def invite_token(p: Personas) -> list[str]:
    newcomer = AthleteFactory(name="New Person", coach=p.coach)
    return [invite_create(athlete=newcomer, by=p.coach)[1]]


ACCESS_CASES = [
    Case("generation:intake_new", expected=ANY_COACH),
    Case("generation:intake_status", athlete, expected=COACH_PAGE),
    Case("generation:intake_retry", athlete, "post", expected=COACH_WRITE),
    Case("generation:intake_confirm", athlete, "post", expected=COACH_WRITE),
    Case("generation:intake_invite", athlete, "post", expected=COACH_WRITE),
    Case("generation:intake_fill", invite_token, expected=PUBLIC),
    Case("generation:intake_fill", lambda p: ["forged"], expected=GONE, label="forged"),
]


@pytest.fixture
def personas(db: None) -> Personas:
    return build_personas()


@pytest.mark.parametrize("case", ACCESS_CASES, ids=case_id)
def test_access(case: Case, personas: Personas) -> None:
    run_case(case, personas)
