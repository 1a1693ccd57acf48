from __future__ import annotations

import pytest

from athletes.history.detect import parse_history
from athletes.models import HistoryImportDraft
from tests.access import (
    ATHLETE_VISIBLE,
    COACH_PAGE,
    COACH_WRITE,
    Case,
    Personas,
    build_personas,
    case_id,
    run_case,
)

SQUAT_CSV = (
    "Date,Workout Name,Exercise Name,Set Order,Weight,Reps\n"
    "2024-05-01 08:00:00,Legs,Back Squat,1,100,5\n"
)


def athlete(p: Personas) -> list[int]:
    return [p.athlete.pk]


def draft(p: Personas) -> list[int]:
    parsed = parse_history(SQUAT_CSV)
    row = HistoryImportDraft.objects.create(
        athlete=p.athlete, created_by=p.coach, format="strong", parsed=parsed.as_dict()
    )
    return [p.athlete.pk, row.pk]


ACCESS_CASES: list[Case] = [
    Case("athletes:history_upload", athlete, expected=COACH_PAGE),
    Case(
        "athletes:history_upload",
        athlete,
        "post",
        # No file: the form is shown again with its error, to those who may import.
        expected={**COACH_PAGE, "coach": 422, "admin": 422},
        data={"unit": "lbs"},
    ),
    Case("athletes:history_preview", draft, expected=COACH_PAGE),
    Case(
        "athletes:history_preview",
        draft,
        "post",
        expected=COACH_WRITE,
        data={"action": "import", "merge_policy": "merge"},
    ),
    Case("athletes:history_discard", draft, "post", expected=COACH_WRITE),
    Case("athletes:history_export_csv", athlete, expected=ATHLETE_VISIBLE),
    Case("athletes:history_export_json", athlete, expected=ATHLETE_VISIBLE),
]


@pytest.fixture
def personas(db: None) -> Personas:
    return build_personas()


@pytest.mark.parametrize("case", ACCESS_CASES, ids=case_id)
def test_access(case: Case, personas: Personas) -> None:
    run_case(case, personas)
