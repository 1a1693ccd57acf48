"""Distances as a coach says them."""

from __future__ import annotations

import pytest

from athletes.units import format_distance


@pytest.mark.parametrize(
    ("metres", "unit", "said"),
    [
        (20, "km", "20 m"),  # a flying sprint read "0.0 km"
        (400, "mi", "400 m"),
        (999.4, "km", "999 m"),
        (999.6, "km", "1.0 km"),
        (1000, "km", "1.0 km"),
        (5000, "km", "5.0 km"),
        (5000, "mi", "3.1 mi"),
        (None, "km", ""),
    ],
)
def test_a_distance_under_a_kilometre_is_said_in_metres(
    metres: float | None, unit: str, said: str
) -> None:
    assert format_distance(metres, unit) == said
