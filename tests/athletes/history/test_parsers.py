from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from athletes.history.detect import detect_format, parse_history
from athletes.history.rows import CellError, HistoryFileError, duration, when
from tests.athletes.history.conftest import data


def test_strong_classic_with_bom_crlf_rest_timers_and_set_kinds() -> None:
    parsed = parse_history(data("strong_classic.csv"))
    assert parsed.format == "strong"
    assert parsed.ok
    assert parsed.skipped == 1  # the Rest Timer row is not a set
    kinds = [(r.set_number, r.kind) for r in parsed.rows if r.exercise == "Bench Press (Barbell)"]
    assert kinds == [(None, "warmup"), (1, "normal"), (2, "normal"), (None, "failure")]
    assert parsed.rows[0].date == dt.date(2024, 3, 5)
    assert parsed.rows[0].time == "17:02"
    assert parsed.rows[1].rpe == Decimal("8.0")
    assert parsed.rows[0].workout_notes == "felt good"


def test_strong_newer_export_floats_as_reps_and_twelve_hour_times() -> None:
    parsed = parse_history(data("strong_new.csv"), unit="kg")
    assert parsed.ok
    first = parsed.rows[0]
    assert (first.reps, first.weight, first.unit) == (5, Decimal("80.0"), "kg")
    assert (first.date, first.time) == (dt.date(2025, 1, 15), "20:30")
    assert parsed.rows[2].time == "06:05"


def test_strong_semicolon_layout_reads_the_unit_columns() -> None:
    parsed = parse_history(data("strong_semicolon.csv"))
    dead, row = parsed.rows[0], parsed.rows[2]
    assert (dead.weight, dead.unit) == (Decimal("140"), "kg")
    assert (row.rep_type, row.reps, row.duration_seconds) == ("distance", 2000, 480)


def test_hevy_dates_zero_based_set_index_and_set_types() -> None:
    parsed = parse_history(data("hevy.csv"))
    assert parsed.format == "hevy"
    assert parsed.ok
    bench = [r for r in parsed.rows if r.exercise == "Bench Press (Barbell)"]
    assert [(r.set_number, r.kind) for r in bench] == [
        (1, "warmup"), (2, "normal"), (3, "failure"), (4, "drop"),
    ]  # fmt: skip
    assert bench[0].date == dt.date(2025, 9, 15)
    assert bench[0].unit == "kg"
    plank = next(r for r in parsed.rows if r.exercise == "Plank")
    assert (plank.rep_type, plank.reps) == ("seconds", 45)


def test_hevy_in_pounds_and_miles() -> None:
    text = (
        "title,start_time,end_time,description,exercise_title,superset_id,exercise_notes,"
        "set_index,set_type,weight_lbs,reps,distance_miles,duration_seconds,rpe\n"
        'Run,"1 Oct 2025, 18:00","1 Oct 2025, 18:30",,Running,,,0,normal,,,3.1,1800,\n'
        'Lift,"2 Oct 2025, 18:00","2 Oct 2025, 18:30",,Squat,,,0,normal,225,5,,,\n'
    )
    parsed = parse_history(text)
    assert (parsed.rows[0].reps, parsed.rows[0].duration_seconds) == (4989, 1800)
    assert (parsed.rows[1].weight, parsed.rows[1].unit) == (Decimal("225"), "lbs")


def test_header_case_and_spacing_do_not_matter() -> None:
    text = " date , EXERCISE NAME,set order,weight,reps\n2024-01-01 10:00:00,Squat,1,100,5\n"
    parsed = parse_history(text)
    assert parsed.ok
    assert parsed.rows[0].exercise == "Squat"


@pytest.mark.parametrize(
    ("cell", "column", "message"),
    [
        ("reps", "Reps", "'5.5' is not a whole number"),
        ("rpe", "RPE", "RPE 12 is outside 1–10"),
        ("order", "Set Order", "set order 'X' is not a number, W, F, D or Rest Timer"),
    ],
)
def test_a_bad_cell_names_row_and_column(cell: str, column: str, message: str) -> None:
    values = {"reps": "5", "rpe": "", "order": "1"}
    values[cell] = {"reps": "5.5", "rpe": "12", "order": "X"}[cell]
    text = (
        "Date,Exercise Name,Set Order,Weight,Reps,RPE\n"
        "2024-01-01 10:00:00,Squat,1,100,5,\n"
        f"2024-01-02 10:00:00,Squat,{values['order']},100,{values['reps']},{values['rpe']}\n"
    )
    parsed = parse_history(text)
    assert [str(p) for p in parsed.problems] == [f"row 3, column {column}: {message}"]


def test_a_row_with_nothing_logged_is_a_warning_not_dropped_silently() -> None:
    text = "Date,Exercise Name,Set Order,Weight,Reps\n2024-01-01 10:00:00,Squat,1,100,0\n"
    parsed = parse_history(text)
    assert parsed.ok
    assert not parsed.rows
    assert [str(w) for w in parsed.warnings] == [
        "row 2, column Reps: no reps, time or distance: not imported as a set"
    ]


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("1h 5m", 3900), ("38min", 2280), ("45s", 45), ("1:05:00", 3900), ("90", 90), ("", None)],
)
def test_durations(text: str, seconds: int | None) -> None:
    assert duration(text) == seconds


def test_a_bad_duration_is_refused() -> None:
    with pytest.raises(CellError):
        duration("soon")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-05 17:02:58", (dt.date(2024, 3, 5), "17:02")),
        ("2024-03-05 5:02:58\u202fPM", (dt.date(2024, 3, 5), "17:02")),
        ("Mar 5, 2024, 5:02\u202fam", (dt.date(2024, 3, 5), "05:02")),
        ("15 Sep 2025, 07:48", (dt.date(2025, 9, 15), "07:48")),
        ("2025-09-15T07:48:00+02:00", (dt.date(2025, 9, 15), "07:48")),
    ],
)
def test_dates_as_the_apps_write_them(text: str, expected: tuple[dt.date, str]) -> None:
    assert when(text) == expected


def test_detect_refuses_other_files() -> None:
    with pytest.raises(HistoryFileError, match="not a Strong or Hevy CSV"):
        detect_format("name,age\nBob,4\n")
    with pytest.raises(HistoryFileError, match="empty"):
        parse_history(b"")
    with pytest.raises(HistoryFileError, match="not UTF-8"):
        parse_history(b"\xff\xfe\x00\x01")


def test_replog_json_without_version_is_refused() -> None:
    with pytest.raises(HistoryFileError, match='no "version"'):
        parse_history(json.dumps({"workouts": []}))


def test_replog_json_reads_go_files_and_names_bad_values_by_path() -> None:
    doc = {
        "version": "1.0",
        "weight_unit": "kg",
        "workouts": [
            {
                "date": "2024-02-01",
                "notes": None,
                "review": {"status": "approved", "notes": "ok"},
                "sets": [{"exercise": "Squat", "set_number": 1, "reps": 5, "weight": 100}],
            }
        ],
    }
    parsed = parse_history(json.dumps(doc))
    assert parsed.ok
    assert parsed.rows[0].unit == "kg"
    assert parsed.rows[0].rep_type == "reps"
    doc["workouts"][0]["sets"][0]["reps"] = "five"  # type: ignore[index]
    bad = parse_history(json.dumps(doc))
    assert [p.column for p in bad.problems] == ["workouts[0].sets[0].reps"]


def test_numbers_beyond_any_log_are_refused_not_written() -> None:
    text = "Date,Exercise Name,Set Order,Weight,Reps\n2024-01-01 10:00:00,Squat,1,99999999,5\n"
    parsed = parse_history(text)
    assert [str(p) for p in parsed.problems] == ["row 2, column Weight: '99999999' is too large"]
