"""One validation for the whole product: a set the importer accepts, the generator's hard
constraints read; a set the generator refuses, the importer refuses — with the same words."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from generation.constraints.common import Limits
from generation.constraints.loads import check_bounds
from programs.catalog.parse import parse_catalog
from tests.programs.factories_catalog import catalog, exercise, program, pset

# (reps, rep_type): each was a mismatch — accepted on import, refused by every later generation.
MISMATCHES = [
    (None, "distance"),  # an AMRAP distance set
    (None, "seconds"),  # an AMRAP hold
    (250, "reps"),  # more reps than the generator reads (MAX_REPS was 100,000 for every type)
    (250, "each_side"),
    (30_000, "seconds"),
]
FINE = [
    (None, "reps"),
    (None, "each_side"),
    (100, "reps"),
    (3_600, "seconds"),
    (10_000, "distance"),
    (42_195, "distance"),  # the marathon a running plan ends with
]


def _doc(reps: int | None, rep_type: str) -> dict[str, Any]:
    row = pset("Row", reps=reps, rep_type=rep_type)
    return catalog(exercises=[exercise("Row")], programs=[program(sets=[row])])


def _generator_errors(reps: int | None, rep_type: str) -> list[str]:
    e = SimpleNamespace(t=Limits(), errors=[], tms={}, unit="kg")
    row = pset("Row", reps=reps, rep_type=rep_type)
    check_bounds(e, [row], {"num_weeks": 1, "num_days": 1})  # type: ignore[arg-type]
    return list(e.errors)


@pytest.mark.parametrize(("reps", "rep_type"), MISMATCHES)
def test_the_importer_refuses_what_the_generator_refuses(reps: int | None, rep_type: str) -> None:
    parsed = parse_catalog(_doc(reps, rep_type))
    generator = _generator_errors(reps, rep_type)
    assert parsed.catalog is None
    assert len(generator) == 1
    [error] = [i for i in parsed.errors if "prescribed_sets[0]" in i.path]
    # The same rule in the same words, at the set's path in the file.
    assert error.message in generator[0]


@pytest.mark.parametrize(("reps", "rep_type"), FINE)
def test_what_the_importer_accepts_the_generator_reads(reps: int | None, rep_type: str) -> None:
    assert parse_catalog(_doc(reps, rep_type)).catalog is not None
    assert _generator_errors(reps, rep_type) == []


def test_the_amrap_distance_message_says_what_to_do() -> None:
    [error] = parse_catalog(_doc(None, "distance")).errors
    assert error.path == "programs[0].prescribed_sets[0]"
    assert "give the metres" in error.message
