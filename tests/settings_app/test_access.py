from __future__ import annotations

import pytest

from tests.access import ADMIN_ONLY, Case, Personas, build_personas, case_id, run_case

# A staff-only write that redirects back to the page (no JavaScript) on success.
ADMIN_WRITE = {**ADMIN_ONLY, "admin": 302}

ACCESS_CASES = [
    Case("settings_app:page", expected=ADMIN_ONLY),
    Case(
        "settings_app:save",
        lambda p: ["general"],
        "post",
        expected=ADMIN_WRITE,
        data={"app.name": "Iron Log", "defaults.weight_unit": "kg"},
    ),
    Case(
        "settings_app:save",
        lambda p: ["llm"],
        "post",
        expected=ADMIN_ONLY,
        data={"llm.temperature": "0.5"},
        htmx=True,
    ),
    # No provider is configured in tests: the admin gets the "not configured" answer, no network.
    Case("generation:test_connection", method="post", expected=ADMIN_ONLY, htmx=True),
    Case("generation:test_connection", method="post", expected=ADMIN_WRITE),
]


@pytest.fixture
def personas(db: None) -> Personas:
    return build_personas()


@pytest.mark.parametrize("case", ACCESS_CASES, ids=case_id)
def test_access(case: Case, personas: Personas) -> None:
    run_case(case, personas)
