from __future__ import annotations

from decimal import Decimal

import pytest

from programs.loads import round_load, target_load


@pytest.mark.parametrize(
    ("value", "increment", "expected"),
    [
        ("56.25", "2.5", "57.5"),  # the tie goes up, not to the even step
        ("56.24", "2.5", "55"),
        ("152.5", "5", "155"),
        ("147.4", "5", "145"),
        ("100", "0", "100"),
    ],
)
def test_round_load_is_half_up_to_the_increment(value: str, increment: str, expected: str) -> None:
    assert round_load(Decimal(value), Decimal(increment)) == Decimal(expected)


def test_target_load_takes_whole_percent_of_training_max() -> None:
    assert target_load(
        training_max=Decimal("225"), percentage=Decimal("75"), increment=Decimal("5")
    ) == Decimal("170")
