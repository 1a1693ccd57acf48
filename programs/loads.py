"""Target loads: percentage of a training max, rounded half-up to the plate increment."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def round_load(value: Decimal, increment: Decimal) -> Decimal:
    # Python's round() is banker's rounding: 56.25 at 2.5 must give 57.5, not 55.
    if increment <= 0:
        return value
    steps = (value / increment).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    return (steps * increment).normalize() + Decimal("0")  # + 0 drops a negative-zero sign


def target_load(*, training_max: Decimal, percentage: Decimal, increment: Decimal) -> Decimal:
    return round_load(training_max * percentage / Decimal(100), increment)
