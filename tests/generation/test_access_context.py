"""Access table for the athlete packet: context.json and the readable panel (tests/access.py).

context.json holds private coach notes: the athlete gets 403, another coach 404 (the Go app
served it to anyone who knew the URL)."""

from __future__ import annotations

import pytest

from tests.access import (
    COACH_PAGE,
    PERSONAS,
    Case,
    Personas,
    build_personas,
    case_id,
    run_case,
)


def athlete(p: Personas) -> list[int]:
    return [p.athlete.pk]


def other_athlete(p: Personas) -> list[int]:
    return [p.other_athlete.pk]


# The other coach's own athlete: the coach and the athlete persona may not see it.
OTHERS_ATHLETE = {"anon": 302, "athlete": 403, "other_coach": 200, "coach": 404, "admin": 200}

ACCESS_CASES = [
    Case("context_json", athlete, expected=COACH_PAGE),
    Case("context_json", other_athlete, expected=OTHERS_ATHLETE, label="other coach's athlete"),
    # GET only, refused before anything else is looked at.
    Case("context_json", athlete, "post", expected=dict.fromkeys(PERSONAS, 405)),
    Case("generation:context_panel", athlete, expected=COACH_PAGE),
    Case("generation:context_panel", athlete, expected=COACH_PAGE, htmx=True),
    Case(
        "generation:context_panel",
        other_athlete,
        expected=OTHERS_ATHLETE,
        label="other coach's athlete",
    ),
]


@pytest.fixture
def personas(db: None) -> Personas:
    return build_personas()


@pytest.mark.parametrize("case", ACCESS_CASES, ids=case_id)
def test_access(case: Case, personas: Personas) -> None:
    run_case(case, personas)
