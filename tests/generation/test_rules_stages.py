"""The rules engine's stages on plain data, no database: each is a function a newcomer can read
and test alone."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest

from generation.engines.rules.directions import read_wish
from generation.engines.rules.loads import move_load
from generation.engines.rules.model import Load, Plan, Stat, Verdict
from generation.engines.rules.pool import region_of
from generation.engines.rules.statements import load_change, youth_words
from generation.engines.rules.thresholds import THRESHOLDS
from generation.engines.rules.verdict import verdict_for

TODAY = dt.date(2026, 3, 25)
NAMES = ["Box Jump", "Power Clean", "Overhead Press", "Back Squat"]


def ctx(**fields: Any) -> Any:
    base = {"t": THRESHOLDS, "youth": False, "increment": Decimal(5), "unit": "lbs"}
    return SimpleNamespace(**(base | fields))


def stat(rpe: float | None, completion: float | None, trend: str = "stable") -> Stat:
    return Stat("Back Squat", 8, rpe, trend, completion, "", (), None, "")


@pytest.mark.parametrize(
    ("rpe", "completion", "trend", "verdict"),
    [
        (6.5, 100, "stable", Verdict.PROGRESS),
        (6.5, 100, "rising", Verdict.STEADY),  # the rules stage then holds rising RPE
        (8.6, 95, "stable", Verdict.HOLD),
        (8.8, 60, "stable", Verdict.REDUCE),
        (6.0, 62.5, "stable", Verdict.HOLD),
        (None, None, "stable", Verdict.NO_DATA),
    ],
)
def test_the_verdict_comes_from_the_numbers_alone(
    rpe: float | None, completion: float | None, trend: str, verdict: Verdict
) -> None:
    assert verdict_for(ctx(), stat(rpe, completion, trend)) is verdict


def test_a_youth_load_moves_one_increment_at_most() -> None:
    assert move_load(ctx(), Decimal(100), Decimal(5), True) == Decimal(105)
    assert move_load(ctx(), Decimal(200), Decimal(10), True) == Decimal(220)
    assert move_load(ctx(youth=True), Decimal(200), Decimal(10), True) == Decimal(205)
    assert move_load(ctx(youth=True), Decimal(200), Decimal(-10), True) == Decimal(195)


def test_a_load_change_is_stated_absolute_with_its_share_or_in_points() -> None:
    plan = Plan("Dumbbell Power Clean", "Dumbbell Power Clean", "olympic", load=Load.WORKING)
    youth = ctx(youth=True)
    assert load_change(youth, plan, Decimal(15), Decimal(20)).text() == (
        "top set 15 → 20 lbs (+33 %)"
    )
    assert "at most one a week" in youth_words(youth, plan, Decimal(15), Decimal(20))
    squat = Plan("Back Squat", "Back Squat", "squat", load=Load.PERCENT)
    assert load_change(ctx(), squat, Decimal(75), Decimal("77.5")).text() == (
        "top set 75 → 77.5 % of the training max (+2.5 points)"
    )
    assert load_change(ctx(), squat, Decimal(85), Decimal(85)).text() == (
        "held at 85 % of the training max"
    )


@pytest.mark.parametrize(
    ("name", "pattern", "region"),
    [
        ("Depth Jump", "plyometric", "lower"),
        ("Plyometric Push-Up", "plyometric", "upper"),
        ("Medicine Ball Chest Pass", "plyometric", "upper"),
        ("Flying Sprint", "run", "lower"),
        ("Plank", "core", ""),
    ],
)
def test_a_substitute_keeps_the_body_region(name: str, pattern: str, region: str) -> None:
    assert region_of(name, pattern) == region


def test_directions_of_each_kind_are_read() -> None:
    def read(text: str) -> Any:
        return read_wish("d", text, today=TODAY, exercises=NAMES)

    tryouts = read("Tryouts in six weeks: keep jump volume moderate.")
    assert tryouts.event_day == TODAY + dt.timedelta(weeks=6)
    assert tryouts.volume == {"plyometric": -1}
    assert read("More pulling volume.").volume == {
        "horizontal_pull": 1,
        "vertical_pull": 1,
    }
    assert read("No overhead pressing this block.").avoid_patterns >= {"vertical_push"}
    assert read("Avoid box jumps").avoid_names == ("Box Jump",)
    assert read("Keep the power clean.").keep_names == ("Power Clean",)
    assert read("Meet on 2026-05-02").event_day == dt.date(2026, 5, 2)
    # A health note is left to the health rules, not read as "no plyometrics at all".
    assert not read("No deep knee-dominant plyos this block.").avoid_patterns
    assert not read("Make it fun!").actionable
