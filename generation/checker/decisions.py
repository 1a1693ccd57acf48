"""What a reasoning line says the draft does, as data the checker can hold the draft to.

An engine that states a change builds a `Decision` and writes its `text()` into the line, so the
words and the check come from the same numbers. "Top set" is the heaviest set of the exercise in
the block's normal (not recovery) weeks, on the days the decision names (every day when none).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

TM_UNIT = "% of the training max"


class Change(StrEnum):
    LOAD = "load"  # an absolute top set moved: before → after in the weight unit
    POINTS = "points"  # a percentage top set moved, in points of the training max
    HELD = "held"  # the top set stays where it was
    SETS = "sets"  # sets per session changed
    SWAP = "swap"  # `replaced` gave way to `exercise`
    LEFT_OUT = "left out"  # not in the draft (on `days`, when named)
    TM = "tm"  # a suggested new training max: percentages stay, the TM moves


def fmt(value: Decimal | int | float) -> str:
    """75, 72.5, 6.1 — never 75.0 or 7.5E+1."""
    dec = value if isinstance(value, Decimal) else Decimal(str(value))
    if dec == dec.to_integral_value():
        return str(int(dec))
    return format(dec.normalize(), "f")


def signed(value: Decimal) -> str:
    return f"+{fmt(value)}" if value > 0 else f"−{fmt(-value)}" if value < 0 else "±0"


def percent_change(before: Decimal, after: Decimal) -> Decimal:
    if not before:
        return Decimal(0)
    share = (after - before) * 100 / before
    return share.quantize(Decimal(1), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Decision:
    change: Change
    exercise: str
    before: Decimal | None = None
    after: Decimal | None = None
    unit: str = ""  # the weight unit for LOAD, HELD (absolute) and TM; TM_UNIT for points
    replaced: str = ""  # SWAP: the exercise it stands in for
    days: tuple[int, ...] = ()

    def text(self) -> str:
        before, after = self.before or Decimal(0), self.after or Decimal(0)
        unit = f" {self.unit}" if self.unit else ""
        if self.change is Change.LOAD:
            return (
                f"top set {fmt(before)} → {fmt(after)}{unit} "
                f"({signed(percent_change(before, after))} %)"
            )
        if self.change is Change.POINTS:
            points = signed(after - before)
            return f"top set {fmt(before)} → {fmt(after)} {TM_UNIT} ({points} points)"
        if self.change is Change.HELD:
            return f"held at {fmt(before)}{unit}"
        if self.change is Change.SETS:
            delta = int(after - before)
            word = "one more set" if delta == 1 else "one set fewer" if delta == -1 else ""
            return word or f"{signed(Decimal(delta))} sets"
        if self.change is Change.SWAP:
            return f"{self.replaced} replaced by {self.exercise}"
        if self.change is Change.LEFT_OUT:
            return f"{self.exercise} left out"
        return f"suggested new training max {fmt(before)} → {fmt(after)}{unit}"
