"""Hostile and broken files: every one ends in a clear message, none raises, nothing is written."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from programs.catalog.matching import Decisions, propose_mapping
from programs.catalog.parse import Limits, parse_catalog
from programs.models import Equipment, Exercise, PrescribedSet, ProgramTemplate
from programs.services import CatalogImportError, catalog_import
from tests.programs.factories_catalog import catalog, exercise, program, pset


def only_error(raw: Any, **kwargs: Any) -> str:
    result = parse_catalog(raw, **kwargs)
    assert not result.ok
    assert result.catalog is None
    assert result.data is None
    assert len(result.errors) == 1, result.errors
    return str(result.errors[0])


def test_truncated_json_names_line_and_column() -> None:
    text = json.dumps(catalog(), indent=2)
    cut = text[: len(text) // 2]
    message = only_error(cut.encode())
    assert message.startswith("Invalid JSON at line ")
    assert ", column " in message


def test_a_file_over_10_mb_is_refused_before_parsing() -> None:
    huge = (
        b'{"type": "catalog", "version": "1.0", "programs": [' + b" " * (11 * 1024 * 1024) + b"]}"
    )
    assert only_error(huge) == (
        "The file is 11.0 MB; the limit is 10 MB. Split the catalog into several files."
    )


def test_a_50_mb_text_is_refused_too() -> None:
    assert only_error("x" * (50 * 1024 * 1024)).startswith(
        "The file is 50.0 MB; the limit is 10 MB"
    )


def test_deep_nesting_is_refused() -> None:
    deep: Any = []
    for _ in range(40):
        deep = [deep]
    doc = catalog(extra=deep)
    assert only_error(json.dumps(doc)).startswith("extra[0][0]")
    assert "nested more than 16 levels deep" in only_error(doc)


def test_nesting_beyond_the_json_parser_is_refused() -> None:
    assert (
        only_error("[" * 100_000 + "]" * 100_000)
        == "The JSON is nested too deeply (the limit is 16)."
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"", "The file is empty."),
        (b"   \n", "The file is empty."),
        (b"\xff\xfe{}", "The file is not UTF-8 text (byte 0: 0xff)."),
        ("[1, 2]", "The top level must be a JSON object ({...}), got a list."),
        ('"catalog"', "The top level must be a JSON object ({...}), got the text 'catalog'."),
        (
            '{"type": "catalog", "version": "1.0", "programs": [NaN]}',
            "Invalid JSON: NaN is not valid JSON (numbers must be finite).",
        ),
        ('{"a": Infinity}', "Invalid JSON: Infinity is not valid JSON (numbers must be finite)."),
        (12, "Expected a CatalogJSON document, got int."),
    ],
)
def test_unreadable_input_gives_one_clear_error(raw: Any, expected: str) -> None:
    assert only_error(raw) == expected


def test_a_utf8_byte_order_mark_is_accepted() -> None:
    assert parse_catalog(b"\xef\xbb\xbf" + json.dumps(catalog()).encode()).ok


def test_overlong_strings_anywhere_are_errors() -> None:
    doc = catalog(programs=[program(sets=[pset(notes="n" * 30_000)])])
    assert only_error(doc) == (
        "programs[0].prescribed_sets[0].notes: is 30,000 characters long; the limit is 20,000"
    )


def test_counts_are_limited() -> None:
    limits = Limits(max_programs=2, max_sets_per_program=3, max_sets_total=4, max_exercises=1)
    doc = catalog(
        exercises=[exercise("A"), exercise("B")],
        programs=[
            program(f"P{i}", sets=[pset(set_number=n) for n in range(1, 5)]) for i in range(3)
        ],
    )
    result = parse_catalog(doc, limits=limits)
    assert [str(e) for e in result.errors] == [
        "exercises: has 2 entries; the limit is 1",
        "programs: has 3 entries; the limit is 2",
        "programs[0].prescribed_sets: has 4 sets; the limit is 3 per program",
        "programs[1].prescribed_sets: has 4 sets; the limit is 3 per program",
        "programs: hold 8 sets in all; the limit is 4 per file",
    ]


def test_wrong_types_everywhere_are_all_reported_with_paths() -> None:
    doc = {
        "type": "catalog",
        "version": "1.0",
        "equipment": [{"name": 5, "description": []}],
        "exercises": [
            {"name": None, "featured": "true", "rest_seconds": "60", "equipment": "Barbell"}
        ],
        "programs": [
            {
                "name": ["x"],
                "num_weeks": "four",
                "num_days": None,
                "prescribed_sets": [
                    {"exercise": 1, "week": "1", "day": [], "set_number": {}, "reps": "5"}
                ],
                "progression_rules": [{"exercise": "X", "increment": "5"}],
            }
        ],
    }
    errors = [str(e) for e in parse_catalog(doc).errors]
    assert errors == [
        "equipment[0].name: must be a string, got 5",
        "equipment[0].description: must be a string, got a list",
        "exercises[0].name: must be a string, got null",
        "exercises[0].rest_seconds: must be a whole number, got the text '60'",
        "exercises[0].featured: must be true or false, got the text 'true'",
        "exercises[0].equipment: must be a list, got the text 'Barbell'",
        "programs[0].name: must be a string, got a list",
        "programs[0].num_weeks: must be a whole number, got the text 'four'",
        "programs[0].num_days: must be a whole number, got null",
        "programs[0].prescribed_sets[0].exercise: must be a string, got 1",
        "programs[0].prescribed_sets[0].week: must be a whole number, got the text '1'",
        "programs[0].prescribed_sets[0].day: must be a whole number, got a list",
        "programs[0].prescribed_sets[0].set_number: must be a whole number, got an object",
        "programs[0].prescribed_sets[0].reps: must be a whole number, got the text '5'",
        "programs[0].progression_rules[0].increment: must be a number, got the text '5'",
    ]


def test_the_number_of_reported_issues_is_capped() -> None:
    sets = [pset(f"Lift {n}", week=9) for n in range(1, 400)]
    result = parse_catalog(catalog(programs=[program(sets=sets)]), limits=Limits(max_issues=50))
    assert len(result.errors) == 51
    assert str(result.errors[-1]) == "… and 349 more errors not shown"


# --- property-based: garbage in, issues out, nothing written ----------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=30,
)

BASE = catalog(
    equipment=[{"name": "Barbell", "description": None}],
    exercises=[exercise("Back Squat", [("Barbell", False)]), exercise("Plank")],
    programs=[
        program(
            num_weeks=2,
            num_days=2,
            sets=[
                pset("Back Squat", 1, 1, 1, 5, percentage=75),
                pset("Back Squat", 1, 1, 2, None, percentage=85),
                pset("Plank", 2, 2, 1, 30, rep_type="seconds", absolute_weight=0),
            ],
            rules=[{"exercise": "Back Squat", "increment": 5}],
        )
    ],
)

PATHS = [
    ("type",),
    ("version",),
    ("equipment",),
    ("equipment", 0, "name"),
    ("exercises", 0, "name"),
    ("exercises", 0, "equipment"),
    ("exercises", 0, "equipment", 0, "optional"),
    ("exercises", 1, "tier"),
    ("programs", 0, "num_weeks"),
    ("programs", 0, "num_days"),
    ("programs", 0, "prescribed_sets"),
    ("programs", 0, "prescribed_sets", 0, "week"),
    ("programs", 0, "prescribed_sets", 1, "reps"),
    ("programs", 0, "prescribed_sets", 1, "percentage"),
    ("programs", 0, "prescribed_sets", 2, "exercise"),
    ("programs", 0, "prescribed_sets", 2, "rep_type"),
    ("programs", 0, "progression_rules", 0, "increment"),
]


@st.composite
def near_valid(draw: st.DrawFn) -> Any:
    doc = json.loads(json.dumps(BASE))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(PATHS))
        target = doc
        try:
            for part in path[:-1]:
                target = target[part]
            if draw(st.booleans()) and isinstance(target, dict):
                target.pop(path[-1], None)
            else:
                target[path[-1]] = draw(json_values)
        except (KeyError, IndexError, TypeError):
            continue
    return doc


def _counts() -> tuple[int, int, int, int]:
    return (
        Equipment.objects.count(),
        Exercise.objects.count(),
        ProgramTemplate.objects.count(),
        PrescribedSet.objects.count(),
    )


def _try_import(raw: Any) -> None:
    before = _counts()
    result = parse_catalog(raw)  # must not raise, whatever `raw` is
    assert result.ok == (not result.errors and result.catalog is not None)
    if result.ok:
        assert result.data is not None
        assert parse_catalog(result.data).ok  # normalised data stays valid
        return
    assert result.errors
    assert all(e.message for e in result.errors)
    if isinstance(raw, dict):
        # Even handed straight to the import service, an invalid catalog writes nothing.
        with pytest.raises(CatalogImportError):
            catalog_import(catalog=raw, mapping=Decisions())
    assert _counts() == before


@pytest.mark.django_db
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=json_values | st.binary(max_size=200) | st.text(max_size=200))
def test_garbage_never_escapes_as_an_exception(raw: Any) -> None:
    _try_import(raw)


@pytest.mark.django_db
@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(doc=near_valid())
def test_near_valid_catalogs_are_either_valid_or_write_nothing(doc: Any) -> None:
    _try_import(doc)
    result = parse_catalog(doc)
    if result.ok and result.catalog is not None:
        before = _counts()
        decisions = propose_mapping(result.catalog).decide(create_missing=True)
        if decisions.complete:
            imported = catalog_import(catalog=result.catalog, mapping=decisions)
            assert PrescribedSet.objects.count() - before[3] == imported.sets_created
        ProgramTemplate.objects.all().delete()
