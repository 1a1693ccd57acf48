"""Access table for the generate → preview → approve pages (see tests/access.py)."""

from __future__ import annotations

from typing import Any

import pytest

from generation.models import GenerationRun, RunStatus
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
from tests.generation.factories_runs import (
    request_for,
    run_to_ready,
)

# htmx actions answer 200 with a fragment (approve: an HX-Redirect header).
HTMX_PAGE = dict(COACH_PAGE)
# A finished run polled by htmx: 286 tells htmx to stop polling.
STOP_POLLING = {**COACH_PAGE, "coach": 286, "admin": 286}


def athlete(p: Personas) -> list[int]:
    return [p.athlete.pk]


def ready_run(p: Personas) -> GenerationRun:
    if "ready_run" not in p.extra:
        run = run_to_ready(p.athlete, p.coach, request_for("Generated block", days_per_week=3))
        assert run.status == RunStatus.READY, run.error_message
        p.extra["ready_run"] = run
    run: GenerationRun = p.extra["ready_run"]
    return run


def run_args(p: Personas) -> list[int]:
    run = ready_run(p)
    return [p.athlete.pk, run.pk]


def set_args(p: Personas) -> list[int]:
    return [*run_args(p), 0]


def working_run_args(p: Personas) -> list[int]:
    run = GenerationRun.objects.create(
        athlete=p.athlete,
        requested_by=p.coach,
        status=RunStatus.CALLING,
        request=request_for("Working").as_dict(),
    )
    return [p.athlete.pk, run.pk]


def other_athletes_run(p: Personas) -> list[int]:
    run = GenerationRun.objects.create(
        athlete=p.other_athlete,
        requested_by=p.other_coach,
        status=RunStatus.READY,
        request=request_for("Theirs").as_dict(),
    )
    # The coach's own athlete in the URL, another athlete's run: never found.
    return [p.athlete.pk, run.pk]


GENERATE_FORM = {
    "program_name": "Next block",
    "days_per_week": "3",
    "weeks": "4",
    "max_exercises_per_day": "6",
    "engine": "rules",
}
SET_FORM = {"reps": "4", "rep_type": "reps", "percentage": "80"}


def swap_form(p: Personas) -> dict[str, Any]:
    from tests.factories import ExerciseFactory

    squat_variant = ExerciseFactory(name="Front Squat", movement_pattern="squat")
    return {"exercise": str(squat_variant.pk), "every_week": "on"}


ACCESS_CASES: list[Case] = [
    Case("generation:generate", athlete),
    Case("generation:generate", athlete, "post", expected=COACH_WRITE, data=GENERATE_FORM),
    Case("generation:history", athlete),
    Case("generation:drafts", expected=ANY_COACH),
    Case("generation:run", run_args),
    Case("generation:run", run_args, expected=STOP_POLLING, htmx=True, label="finished"),
    Case("generation:run", working_run_args, htmx=True, label="polling"),
    Case(
        "generation:run",
        other_athletes_run,
        expected={**COACH_PAGE, "coach": 404, "other_coach": 404, "admin": 404},
        label="run of another athlete",
    ),
    Case("generation:approve", run_args, "post", expected=COACH_WRITE),
    Case("generation:approve", run_args, "post", expected=HTMX_PAGE, htmx=True),
    Case(
        "generation:approve",
        run_args,
        expected={k: 405 for k in COACH_PAGE},
        label="GET not allowed",
    ),
    Case("generation:reject", run_args, "post", expected=COACH_WRITE, data={"reason": "No"}),
    Case("generation:rename", run_args, "post", expected=COACH_WRITE, data={"name": "Renamed"}),
    # A ready run is not approved: the refusal redirects back to it, but only for its coach.
    Case("generation:unapprove", run_args, "post", expected=COACH_WRITE),
    # Nothing left out in this run: the refusal redirects back to it, for its coach only.
    Case("generation:add_back", set_args, "post", expected=COACH_WRITE),
    Case("generation:set_edit", set_args),
    Case("generation:set_edit", set_args, "post", expected=COACH_WRITE, data=SET_FORM),
    Case("generation:set_edit", set_args, "post", expected=HTMX_PAGE, data=SET_FORM, htmx=True),
    Case("generation:set_swap", set_args),
    Case("generation:set_swap", set_args, "post", expected=COACH_WRITE, data=swap_form),
    Case("generation:set_add", set_args, "post", expected=COACH_WRITE),
    Case("generation:set_remove", set_args, "post", expected=COACH_WRITE),
    Case("generation:set_remove", set_args, "post", expected=HTMX_PAGE, htmx=True),
]


@pytest.fixture
def personas(db: None) -> Personas:
    return build_personas()


@pytest.mark.parametrize("case", ACCESS_CASES, ids=case_id)
def test_access(case: Case, personas: Personas) -> None:
    run_case(case, personas)
