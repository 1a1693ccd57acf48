"""story.toml, the demo's facts: checked on load, so a typo is named rather than half-seeded."""

from __future__ import annotations

import tomllib

import pytest
from pydantic import ValidationError

from athletes.demo.facts import STORY_FILE, StoryFacts, story


def _raw() -> dict:  # type: ignore[type-arg]
    return tomllib.loads(STORY_FILE.read_text())


def test_the_story_file_loads_with_its_eight_athletes() -> None:
    names = [a.name for a in story().athlete]
    assert names[:2] == ["Tommy Carter", "Sarah Carter"]
    assert len(names) == len(set(names)) == 8


def test_a_misspelt_field_is_named_with_its_athlete() -> None:
    raw = _raw()
    raw["athlete"][1]["bodyweight"] = raw["athlete"][1].pop("body_weight")
    with pytest.raises(ValidationError) as exc:
        StoryFacts.model_validate(raw)
    assert "athlete.1.bodyweight" in str(exc.value)


def test_a_day_that_is_not_a_weekday_is_refused() -> None:
    raw = _raw()
    raw["athlete"][0]["missed"][0]["day"] = "Thursday"
    with pytest.raises(ValidationError) as exc:
        StoryFacts.model_validate(raw)
    assert "athlete.0.missed.0.day" in str(exc.value)
