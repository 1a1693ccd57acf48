"""Weekly targets and week types: start, build, cutback, taper, clamping and realism."""

from __future__ import annotations

import pytest

from generation.running.targets import week_types, weekly_targets
from tests.generation.running.helpers import profile, settings


def test_week_one_is_the_current_weekly_distance() -> None:
    targets, _ = weekly_targets(profile(20), settings())
    assert targets[0].km == 20


def test_an_inconsistent_runner_starts_at_90_percent_and_cuts_back_every_3rd_week() -> None:
    targets, _ = weekly_targets(profile(20, consistency=0.5), settings(weeks=12, race="none"))
    assert targets[0].km == 18
    assert [t.week_type for t in targets][:6] == [
        "base",
        "base",
        "recovery",
        "base",
        "base",
        "recovery",
    ]


def test_build_weeks_grow_5_to_10_percent_and_cutbacks_drop_20_to_25() -> None:
    targets, _ = weekly_targets(profile(30), settings(weeks=16, race="marathon"))
    last_level = targets[0].km
    for t in targets[1:]:
        if t.week_type in ("base", "build", "peak"):
            assert 1.04 <= t.km / last_level <= 1.11
            last_level = t.km
        elif t.week_type == "recovery":
            assert 0.75 <= t.km / last_level <= 0.80


@pytest.mark.parametrize(
    ("race", "weeks", "taper"),
    [
        ("marathon", 16, 3),
        ("marathon", 10, 2),
        ("half", 12, 2),
        ("half", 8, 1),
        ("10k", 10, 1),
        ("5k", 6, 1),
    ],
)
def test_taper_length_by_race_distance(race: str, weeks: int, taper: int) -> None:
    types = week_types(settings(race=race, weeks=weeks), cutback_every=4)
    assert types.count("taper") == taper
    assert types[-1] == "race"
    assert types[-taper - 2] == "peak"


def test_base_building_has_no_taper_and_no_race() -> None:
    types = week_types(settings(race="none", weeks=8), cutback_every=4)
    assert set(types) == {"base", "recovery"}


def test_marathon_in_8_weeks_from_10_km_is_clamped_and_warned_about() -> None:
    targets, warnings = weekly_targets(
        profile(10), settings(race="marathon", weeks=8, days_per_week=4)
    )
    assert max(t.km for t in targets if t.week_type != "race") < 20
    assert any(w.startswith("Unrealistic: a marathon in 8 weeks from 10 km/week") for w in warnings)
    assert any("12 weeks or more" in w for w in warnings)


def test_a_realistic_plan_has_no_realism_warning() -> None:
    _, warnings = weekly_targets(profile(30), settings(race="10k", weeks=10))
    assert warnings == []
