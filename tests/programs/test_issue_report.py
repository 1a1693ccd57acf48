"""Import problems in words: errors first, warnings grouped by kind with counts."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from programs.catalog.issue_report import issue_report, place
from programs.catalog.parse import ERROR, WARNING, Issue
from tests.conftest import client_for
from tests.programs.factories_catalog import catalog, exercise, program, pset

DATA = {"programs": [{"name": "Month 1"}, {"name": "Month 2"}, {"name": "Month 3"}, {}]}


def test_a_path_is_named_the_way_a_coach_says_it() -> None:
    assert place("programs[2].prescribed_sets[8].reps", DATA) == (
        "program 3 “Month 3”, set 9, reps"
    )
    assert place("programs[3].progression_rules[0]", DATA) == "program 4, progression rule 1"
    assert place("programs[7].prescribed_sets[0]") == "program 8, set 1"


def test_errors_come_first_and_warnings_group_by_kind_with_counts() -> None:
    issues = [
        *(
            Issue(f"programs[0].prescribed_sets[{n}].percentage", f"0.{70 + n} read as {70 + n} %",
                  WARNING)
            for n in range(5)
        ),
        Issue("programs[1].prescribed_sets[3].reps", "must be at most 100", ERROR),
        Issue("programs[1]", "unknown key 'foo'", WARNING),
    ]  # fmt: skip
    report = issue_report(issues, DATA)
    assert report.errors == ["Program 2 “Month 2”, set 4, reps: must be at most 100"]
    assert [(g.kind, g.count) for g in report.warnings] == [
        ("… read as … %", 5),
        ("unknown key …", 1),
    ]
    assert report.warning_count == 6
    assert (
        report.warnings[0].lines[0] == "Program 1 “Month 1”, set 1, percentage: 0.70 read as 70 %"
    )


@pytest.mark.django_db
def test_upload_page_names_the_blocking_error_in_words(admin_user: Any) -> None:
    doc = catalog(
        exercises=[exercise("Back Squat")],
        programs=[program("A", sets=[pset(percentage=70)]), program("B", sets=[pset()])],
    )
    doc["programs"][1]["prescribed_sets"][0]["reps"] = -3
    response = client_for(admin_user).post(
        reverse("programs:import_create"),
        {"file": SimpleUploadedFile("two.json", json.dumps(doc).encode())},
    )
    html = response.content.decode()
    assert "Program 2 “B”, set 1, reps: -3 is less than the minimum 1" in html
    assert "programs[1]" not in html
    # The file the coach chose is named and kept for the next try.
    assert "<strong>two.json</strong>" in html


@pytest.mark.django_db
def test_many_errors_of_one_kind_read_as_one_line_with_their_places(admin_user: Any) -> None:
    sets = [pset(set_number=n, percentage=70) for n in range(1, 31)]
    doc = catalog(exercises=[exercise("Back Squat")], programs=[program("A", sets=sets)])
    for row in doc["programs"][0]["prescribed_sets"]:
        row["reps"] = -3
    doc["programs"][0]["num_days"] = 9  # and one error of another kind
    report_html = (
        client_for(admin_user)
        .post(
            reverse("programs:import_create"),
            {"file": SimpleUploadedFile("many.json", json.dumps(doc).encode())},
        )
        .content.decode()
    )
    errors = report_html.split('id="import-errors"', 1)[1].split("</ul>\n", 1)[0]
    assert errors.count("<summary>") == 1
    assert "30×</span> … is less than the minimum …" in errors
    assert "Program 1 “A”, set 1, reps: -3 is less than the minimum 1" in errors
    assert "… and 10 more" in errors
    assert errors.count('badge-danger">error</span>') == 1  # the other kind, on its own line


def test_an_error_group_keeps_the_order_errors_were_met() -> None:
    issues = [
        Issue("programs[0].num_days", "9 is more than the maximum 7", ERROR),
        *(Issue(f"programs[0].prescribed_sets[{n}].reps", "-3 is less than the minimum 1", ERROR)
          for n in range(3)),
    ]  # fmt: skip
    report = issue_report(issues, DATA)
    assert [(g.kind, g.count) for g in report.error_groups] == [
        ("… is more than the maximum …", 1),
        ("… is less than the minimum …", 3),
    ]


def test_a_set_outside_its_program_says_how_long_the_program_is() -> None:
    data = {"programs": [{"name": "Short", "num_weeks": 3, "num_days": 1}]}
    issues = [
        Issue("programs[0].prescribed_sets[4].week", "99 is more than the maximum 52", ERROR),
        Issue("programs[0].prescribed_sets[5].day", "9 is more than the maximum 7", ERROR),
    ]
    assert issue_report(issues, data).errors == [
        "Program 1 “Short”, set 5, week: 99 is more than the maximum 52 (the program has 3 weeks)",
        "Program 1 “Short”, set 6, day: 9 is more than the maximum 7 "
        "(the program has 1 training day)",
    ]
