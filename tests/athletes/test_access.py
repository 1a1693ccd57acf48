from __future__ import annotations

import pytest
from django.utils import timezone

from tests.access import (
    ANY_COACH,
    ATHLETE_VISIBLE,
    ATHLETE_WRITE,
    COACH_PAGE,
    COACH_WRITE,
    Case,
    Personas,
    build_personas,
    case_id,
    run_case,
)


def athlete(p: Personas) -> list[int]:
    return [p.athlete.pk]


def workout(p: Personas) -> list[int]:
    return [p.athlete.pk, p.workout.pk]


def reviewed(p: Personas) -> list[int]:
    return [p.athlete.pk, p.reviewed_workout.pk]


def coach_logged(p: Personas) -> list[int]:
    return [p.athlete.pk, p.coach_workout.pk]


def set_row_data(p: Personas) -> dict[str, object]:
    return {
        "date": timezone.localdate().isoformat(),
        "notes": "",
        "row": ["0"],
        "set-0-exercise": str(p.exercise.pk),
        "set-0-reps": "5",
        "set-0-rep_type": "reps",
        "set-0-weight": "150",
        "set-0-rpe": "8",
    }


def edit_data(p: Personas) -> dict[str, object]:
    return {**set_row_data(p), "date": p.workout.date.isoformat()}


def coach_edit_data(p: Personas) -> dict[str, object]:
    return {**set_row_data(p), "date": p.coach_workout.date.isoformat()}


ATHLETE_FORM = {"name": "Alex B", "tier": "intermediate", "track_body_weight": "on"}
HTMX_OK = {**COACH_PAGE}  # htmx writes answer 200 with a fragment

ACCESS_CASES: list[Case] = [
    # The list: athletes are sent to their own page.
    Case("athletes:list", expected={**ANY_COACH, "athlete": 302}),
    Case("athletes:create", expected=ANY_COACH),
    Case(
        "athletes:create",
        method="post",
        data={"name": "Newbie", "tier": "none"},
        expected={**COACH_WRITE, "other_coach": 302},
    ),
    Case("athletes:detail", athlete, expected=ATHLETE_VISIBLE),
    Case(
        "athletes:detail",
        lambda p: [p.other_athlete.pk],
        expected={"anon": 302, "athlete": 404, "other_coach": 200, "coach": 404, "admin": 200},
        label="other coach's athlete",
    ),
    Case("athletes:edit", athlete),
    Case("athletes:edit", athlete, "post", expected=COACH_WRITE, data=ATHLETE_FORM),
    Case("athletes:equipment", athlete),
    Case(
        "athletes:equipment",
        athlete,
        "post",
        expected=COACH_WRITE,
        data=lambda p: {"equipment": [str(p.equipment.pk)]},
    ),
    Case("athletes:assign", athlete),
    Case(
        "athletes:assign",
        athlete,
        "post",
        expected=COACH_WRITE,
        data=lambda p: {
            "template": str(p.own_template.pk),
            "start_date": timezone.localdate().isoformat(),
            "role": "primary",
        },
    ),
    Case(
        "athletes:assignment_end",
        lambda p: [p.athlete.pk, p.assignment.pk],
        "post",
        expected=COACH_WRITE,
        data={"reason": "stopped"},
    ),
    Case(
        "athletes:assignment_end",
        lambda p: [p.athlete.pk, p.assignment.pk],
        expected={p: 405 for p in COACH_PAGE},
        label="GET not allowed",
    ),
    Case("athletes:workout_list", athlete, expected=ATHLETE_VISIBLE),
    Case("athletes:workout_log", athlete, expected=ATHLETE_VISIBLE),
    Case("athletes:workout_log", athlete, "post", expected=ATHLETE_WRITE, data=set_row_data),
    Case(
        "athletes:workout_log",
        athlete,
        "post",
        expected={**ATHLETE_VISIBLE, "coach": 200, "admin": 200},
        data=set_row_data,
        htmx=True,
        label="client redirect",
    ),
    Case(
        "athletes:workout_set_row",
        athlete,
        expected=ATHLETE_VISIBLE,
        data={"next_key": "3"},
        htmx=True,
    ),
    Case("athletes:workout_detail", workout, expected=ATHLETE_VISIBLE),
    Case("athletes:workout_edit", workout, expected=ATHLETE_VISIBLE),
    Case("athletes:workout_edit", workout, "post", expected=ATHLETE_WRITE, data=edit_data),
    Case(
        "athletes:workout_edit",
        reviewed,
        expected=COACH_PAGE,
        label="reviewed: the athlete may no longer edit",
    ),
    Case(
        "athletes:workout_edit",
        coach_logged,
        expected=COACH_PAGE,
        label="logged by the coach: the athlete may not edit",
    ),
    Case(
        "athletes:workout_edit",
        coach_logged,
        "post",
        expected=COACH_WRITE,
        data=coach_edit_data,
        label="logged by the coach: the athlete may not post an edit",
    ),
    Case(
        "athletes:workout_review",
        workout,
        "post",
        expected=COACH_WRITE,
        data={"status": "approved", "notes": "Good depth."},
    ),
    Case(
        "athletes:workout_review",
        workout,
        "post",
        expected=HTMX_OK,
        data={"status": "needs_work"},
        htmx=True,
    ),
    Case(
        "athletes:note_add",
        athlete,
        "post",
        expected=COACH_WRITE,
        data={"content": "Slept badly."},
    ),
    Case("athletes:note_add", athlete, "post", expected=HTMX_OK, data={"content": "x"}, htmx=True),
    Case("athletes:note_pin", lambda p: [p.athlete.pk, p.note.pk], "post", expected=COACH_WRITE),
    Case(
        "athletes:note_pin",
        lambda p: [p.other_athlete.pk, p.note.pk],
        "post",
        expected={**COACH_WRITE, "coach": 404, "admin": 404, "other_coach": 404},
        label="note of another athlete",
    ),
    Case("athletes:training_max", athlete),
    Case(
        "athletes:training_max",
        athlete,
        "post",
        expected=COACH_WRITE,
        data=lambda p: {
            "exercise": str(p.exercise.pk),
            "weight": "210",
            "effective_date": timezone.localdate().isoformat(),
        },
    ),
    # Corrections: a confirmation page, then the delete; the athlete deletes only their own
    # workouts, and only until the coach has reviewed them.
    Case("athletes:workout_delete", workout, expected=ATHLETE_VISIBLE),
    Case("athletes:workout_delete", workout, "post", expected=ATHLETE_WRITE),
    Case(
        "athletes:workout_delete",
        reviewed,
        "post",
        expected=COACH_WRITE,
        label="reviewed: the athlete may no longer delete",
    ),
    Case(
        "athletes:workouts_review_bulk",
        athlete,
        "post",
        expected=COACH_WRITE,
        data=lambda p: {"workout": [str(p.workout.pk)]},
    ),
    Case("athletes:note_delete", lambda p: [p.athlete.pk, p.note.pk]),
    Case("athletes:note_delete", lambda p: [p.athlete.pk, p.note.pk], "post", expected=COACH_WRITE),
    Case("athletes:training_max_delete", lambda p: [p.athlete.pk, p.training_max.pk]),
    Case(
        "athletes:training_max_delete",
        lambda p: [p.athlete.pk, p.training_max.pk],
        "post",
        expected=COACH_WRITE,
    ),
    Case("athletes:body_weight_delete", lambda p: [p.athlete.pk, p.body_weight.pk]),
    Case(
        "athletes:body_weight_delete",
        lambda p: [p.athlete.pk, p.body_weight.pk],
        "post",
        expected=COACH_WRITE,
    ),
    Case(
        "athletes:body_weight_delete",
        lambda p: [p.other_athlete.pk, p.body_weight.pk],
        "post",
        expected={**COACH_WRITE, "coach": 404, "admin": 404, "other_coach": 404},
        label="body weight of another athlete",
    ),
    # Edits: the coach (or admin) corrects a note, a TM or a body weight; the athlete may not
    # record these, so may not edit them either.
    Case("athletes:note_edit", lambda p: [p.athlete.pk, p.note.pk]),
    Case(
        "athletes:note_edit",
        lambda p: [p.athlete.pk, p.note.pk],
        "post",
        expected=COACH_WRITE,
        data={"content": "Knee felt fine, squats easy."},
    ),
    Case(
        "athletes:note_edit",
        lambda p: [p.other_athlete.pk, p.note.pk],
        "post",
        expected={**COACH_WRITE, "coach": 404, "admin": 404, "other_coach": 404},
        data={"content": "x"},
        label="note of another athlete",
    ),
    Case("athletes:training_max_edit", lambda p: [p.athlete.pk, p.training_max.pk]),
    Case(
        "athletes:training_max_edit",
        lambda p: [p.athlete.pk, p.training_max.pk],
        "post",
        expected=COACH_WRITE,
        data=lambda p: {"weight": "123.5", "effective_date": p.training_max.effective_date},
    ),
    Case("athletes:body_weight_edit", lambda p: [p.athlete.pk, p.body_weight.pk]),
    Case(
        "athletes:body_weight_edit",
        lambda p: [p.athlete.pk, p.body_weight.pk],
        "post",
        expected=COACH_WRITE,
        data=lambda p: {"weight": "80.5", "date": p.body_weight.date},
    ),
    Case(
        "athletes:body_weight_edit",
        lambda p: [p.other_athlete.pk, p.body_weight.pk],
        "post",
        expected={**COACH_WRITE, "coach": 404, "admin": 404, "other_coach": 404},
        data=lambda p: {"weight": "80.5", "date": p.body_weight.date},
        label="body weight of another athlete",
    ),
    Case("athletes:body_weight", athlete),
    Case(
        "athletes:body_weight",
        athlete,
        "post",
        expected=COACH_WRITE,
        data=lambda p: {"weight": "151.5", "date": timezone.localdate().isoformat()},
    ),
]


@pytest.fixture
def personas(db: None) -> Personas:
    return build_personas()


@pytest.mark.parametrize("case", ACCESS_CASES, ids=case_id)
def test_access(case: Case, personas: Personas) -> None:
    run_case(case, personas)
